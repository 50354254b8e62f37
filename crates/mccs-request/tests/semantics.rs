//! Answers a network engineer can sign: objects named after who owns them, existing objects
//! referenced, one rule name per flow across requests, what a request carries, each platform's
//! own words, distinct counts, and no failover claimed where there is no failover path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Format, Platform, Topology, ValidateOptions, check};
use mccs_request::{
    BuildOptions, CloudEnd, NoteKind, ObjectStatus, OutputFormat, Request, RequestSet, Templates,
    TrafficRow, Vocabularies, Vocabulary, render,
};

/// Two Azure Project Sets of two ministries, one AWS Project Set, both cloud firewalls in one
/// request channel, the 3PG and two zones, one primary link per platform (a single path).
const BASE: &str = r"
version: 1
ministries: [CITZ, EDUC, HLTH]
channels:
  - name: cloud
    title: Cloud firewall change request
    filed_by: Project team
    handled_by: Public Cloud Team
  - name: on-prem
    title: On-premises firewall request
    form: STMS Firewall Change Request (iStore)
    filed_by: Project team
    handled_by: On-premises network security
firewalls:
  - name: azure-cloud-firewall
    kind: cloud
    platform: azure-alz
    owner: Public Cloud Team
    channel: cloud
  - name: aws-cloud-firewall
    kind: cloud
    platform: aws-lza
    owner: Public Cloud Team
    channel: cloud
  - name: 3pg
    kind: edge
    owner: On-premises network security
    channel: on-prem
  - name: zone-b-firewall
    kind: zone
    owner: On-premises network security
    channel: on-prem
  - name: zone-c-firewall
    kind: zone
    owner: On-premises network security
    channel: on-prem
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: azure-alz
    environments:
      prod:
        account: 0f3c8a52-0000-4d1b-9a7e-0c6a2b9d0d03
        region: canadacentral
        address_space: [10.46.8.0/24]
  - license_plate: xyz789
    ministry: EDUC
    platform: azure-alz
    environments:
      prod:
        account: 7d1e0b44-0000-4c2a-8f31-5b2c9e1a0f07
        region: canadaeast
        address_space: [10.46.20.0/24]
  - license_plate: def456
    ministry: HLTH
    platform: aws-lza
    environments:
      prod:
        account: '111111111103'
        region: ca-central-1
        address_space: [10.40.12.0/24]
on_prem:
  edge_firewall: 3pg
  zones:
    - name: zone-b
      firewall: zone-b-firewall
      networks: [142.34.10.0/24]
      endpoints:
        - name: citz-oracle-db
          address: 142.34.10.25
          object: CITZ_ORACLE_DB
    - name: zone-c
      firewall: zone-c-firewall
      networks: [142.34.20.0/24]
      endpoints:
        - name: data-warehouse
          address: 142.34.20.15
hybrid_links:
  - name: expressroute-primary
    kind: express-route
    redundancy: primary
    encryption: ipsec
  - name: directconnect-primary
    kind: direct-connect
    redundancy: primary
    encryption: ipsec
objects:
  - kind: host
    name: ORACLE_LEGACY
    address: 142.34.10.25
  - kind: host
    name: CITZ_ORACLE_DB
    address: 142.34.10.25
";

/// The secondary links that give every hybrid flow a failover path.
const SECONDARY_LINKS: &str = "  - name: expressroute-secondary
    kind: express-route
    redundancy: secondary
    encryption: ipsec
  - name: directconnect-secondary
    kind: direct-connect
    redundancy: secondary
    encryption: ipsec
objects:
";

fn topology_from(base: &str, flows: &str) -> Topology {
    let text = format!("{base}flows:\n{flows}");
    let checked = check(&text, Format::Yaml, &ValidateOptions::default());
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked.topology
}

fn topology(flows: &str) -> Topology {
    topology_from(BASE, flows)
}

fn build_with(t: &Topology, options: &BuildOptions) -> RequestSet {
    let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
    RequestSet::from_plan_with(t, &plan, options)
}

fn build(t: &Topology) -> RequestSet {
    build_with(t, &BuildOptions::default())
}

fn request<'a>(set: &'a RequestSet, id: &str) -> &'a Request {
    set.request(id)
        .unwrap_or_else(|| panic!("a request `{id}`"))
}

/// (name, type word, status) of every Object Table row.
fn objects(r: &Request) -> Vec<(String, String, ObjectStatus)> {
    r.objects
        .iter()
        .map(|o| (o.name.to_string(), o.type_name.clone(), o.status))
        .collect()
}

fn obj(name: &str, word: &str, status: ObjectStatus) -> (String, String, ObjectStatus) {
    (name.to_owned(), word.to_owned(), status)
}

/// (rule, sources, destinations) of every Traffic Table row.
fn rows(r: &Request) -> Vec<(String, Vec<String>, Vec<String>)> {
    r.traffic
        .iter()
        .map(|t| {
            let names = |v: &[std::sync::Arc<str>]| v.iter().map(|s| s.to_string()).collect();
            (
                t.rule.to_string(),
                names(&t.sources),
                names(&t.destinations),
            )
        })
        .collect()
}

fn row(rule: &str, sources: &[&str], destinations: &[&str]) -> (String, Vec<String>, Vec<String>) {
    (
        rule.to_owned(),
        sources.iter().map(|s| (*s).to_owned()).collect(),
        destinations.iter().map(|s| (*s).to_owned()).collect(),
    )
}

fn rendered(set: &RequestSet, format: OutputFormat) -> String {
    render(set, format, &Templates::default())
        .unwrap()
        .into_iter()
        .map(|f| format!("== {}\n{}", f.path, f.contents))
        .collect()
}

const ORACLE: &str = "  - name: forms-to-oracle
    source: abc123-prod
    destination: citz-oracle-db
    services: [tcp/1521]
";

// ----- 1. objects are named after who owns them ------------------------------------------------

#[test]
fn the_vnet_of_another_project_set_gets_its_own_object_name() {
    // CITZ abc123-prod reaches the EDUC VNet of xyz789-prod (spoke to spoke, through the Azure
    // Firewall). Its object is EDUC's, not CITZ's with a `_2` suffix.
    let t = topology(
        "  - name: forms-to-grades
    source: abc123-prod
    destination: xyz789-prod
    services: [tcp/5432]
",
    );
    let set = build(&t);
    let cloud = request(&set, "cloud");
    assert_eq!(
        objects(cloud),
        [
            obj(
                "MCCS_CITZ_ALZ_abc123_prod_VNET",
                "IP Group",
                ObjectStatus::Create
            ),
            obj(
                "MCCS_EDUC_ALZ_xyz789_prod_VNET",
                "IP Group",
                ObjectStatus::Create
            ),
        ]
    );
    assert_eq!(
        rows(cloud),
        [row(
            "MCCS_CITZ_ALZ_LIVE_abc123_prod",
            &["MCCS_CITZ_ALZ_abc123_prod_VNET"],
            &["MCCS_EDUC_ALZ_xyz789_prod_VNET"]
        )]
    );
}

#[test]
fn two_project_sets_reaching_one_host_use_one_object() {
    // Two Project Sets (two ministries, two platforms) pull from the same on-prem host: one
    // owner-independent object for the host, in both requests.
    let t = topology(
        "  - name: forms-to-warehouse
    source: abc123-prod
    destination: data-warehouse
    services: [tcp/443]
  - name: claims-to-warehouse
    source: def456-prod
    destination: data-warehouse
    services: [tcp/443]
",
    );
    let set = build(&t);
    let on_prem = request(&set, "on-prem");
    assert_eq!(
        objects(on_prem),
        [
            obj(
                "MCCS_CITZ_ALZ_abc123_prod_VNET",
                "Network IP Range Object",
                ObjectStatus::Create
            ),
            obj(
                "MCCS_HOST_DATA_WAREHOUSE",
                "Host Object",
                ObjectStatus::Create
            ),
            obj(
                "MCCS_HLTH_LZA_def456_prod_VPC",
                "Network IP Range Object",
                ObjectStatus::Create
            ),
        ]
    );
    let host = on_prem
        .objects
        .iter()
        .find(|o| &*o.name == "MCCS_HOST_DATA_WAREHOUSE")
        .unwrap();
    assert_eq!(
        strs(&host.used_by),
        [
            "MCCS_CITZ_ALZ_LIVE_abc123_prod",
            "MCCS_HLTH_LZA_LIVE_def456_prod"
        ]
    );
    // The cloud request names the host the same way, whichever cloud firewall holds it.
    let cloud = request(&set, "cloud");
    assert_eq!(
        rows(cloud),
        [
            row(
                "MCCS_CITZ_ALZ_LIVE_abc123_prod",
                &["MCCS_CITZ_ALZ_abc123_prod_VNET"],
                &["MCCS_HOST_DATA_WAREHOUSE"]
            ),
            row(
                "MCCS_HLTH_LZA_LIVE_def456_prod",
                &["MCCS_HLTH_LZA_def456_prod_VPC"],
                &["MCCS_HOST_DATA_WAREHOUSE"]
            ),
        ]
    );
}

// ----- 2. existing on-prem objects are referenced ---------------------------------------------

#[test]
fn an_endpoint_is_referenced_by_the_object_it_names() {
    // Two objects hold the database's address; the endpoint names the one the network team
    // uses. The request references it as existing and creates nothing for the database.
    let set = build(&topology(ORACLE));
    let on_prem = request(&set, "on-prem");
    assert_eq!(
        objects(on_prem),
        [
            obj(
                "MCCS_CITZ_ALZ_abc123_prod_VNET",
                "Network IP Range Object",
                ObjectStatus::Create
            ),
            obj("CITZ_ORACLE_DB", "Host Object", ObjectStatus::Existing),
        ]
    );
    assert_eq!(
        rows(on_prem),
        [row(
            "MCCS_CITZ_ALZ_LIVE_abc123_prod",
            &["MCCS_CITZ_ALZ_abc123_prod_VNET"],
            &["CITZ_ORACLE_DB"]
        )]
    );
    let md = rendered(&set, OutputFormat::Markdown);
    assert!(
        md.contains(
            "| CITZ_ORACLE_DB | Host Object | 142.34.10.25 | existing: reference, do not create |"
        ),
        "{md}"
    );
}

// ----- 3 and 6. one rule name across requests; distinct counts --------------------------------

#[test]
fn a_rule_in_two_requests_and_an_object_in_two_requests_count_once() {
    let set = build(&topology(ORACLE));
    let cloud = request(&set, "cloud");
    let on_prem = request(&set, "on-prem");
    // One flow, one direction: one rule name in both tickets.
    assert_eq!(&*cloud.traffic[0].rule, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
    assert_eq!(&*on_prem.traffic[0].rule, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
    // The VNet object is to be created in both requests.
    for r in [cloud, on_prem] {
        assert!(
            r.objects
                .iter()
                .any(|o| &*o.name == "MCCS_CITZ_ALZ_abc123_prod_VNET"
                    && o.status == ObjectStatus::Create)
        );
    }
    let t = set.summary.totals;
    assert_eq!(
        (
            t.requests,
            t.rules,
            t.traffic_rows,
            t.traffic_lines,
            t.objects_to_create
        ),
        (2, 1, 2, 3, 1)
    );
    let md = rendered(&set, OutputFormat::Markdown);
    assert!(
        md.contains(
            "2 requests to file (1 rule on 3 Traffic Table lines, 1 object to create) for 1 flow"
        ),
        "{md}"
    );
}

// ----- 4. what the request carries -------------------------------------------------------------

const CARRIED: &str = "  - name: forms-to-oracle
    source: abc123-prod
    destination: citz-oracle-db
    services: [tcp/1521]
    justification: Forms read applications
    requester: Forms owner <forms@example.org>
    expires: 2027-03-31
    change_window: Sat 22:00-02:00 PT
  - name: claims-to-oracle
    source: def456-prod
    destination: citz-oracle-db
    services: [tcp/1521]
    requester: Claims team
";

/// A cloud end as (environment, platform, account, region): `CloudEnd` is an output type
/// (`#[non_exhaustive]`), compared field by field.
type End = (String, Platform, String, String);

fn end(environment: &str, platform: Platform, account: &str, region: &str) -> End {
    (
        environment.to_owned(),
        platform,
        account.to_owned(),
        region.to_owned(),
    )
}

fn ends(list: &[CloudEnd]) -> Vec<End> {
    list.iter()
        .map(|c| {
            (
                c.environment.to_string(),
                c.platform,
                c.account.to_string(),
                c.region.to_string(),
            )
        })
        .collect()
}

#[test]
fn requests_carry_requester_expiry_change_window_and_cloud_ends() {
    let set = build(&topology(CARRIED));
    let forms = set.flow("forms-to-oracle").unwrap();
    assert_eq!(
        forms.requester.as_deref(),
        Some("Forms owner <forms@example.org>")
    );
    assert_eq!(
        forms.expires.map(|d| d.to_string()).as_deref(),
        Some("2027-03-31")
    );
    assert_eq!(forms.change_window.as_deref(), Some("Sat 22:00-02:00 PT"));
    let abc = end(
        "abc123-prod",
        Platform::AzureAlz,
        "0f3c8a52-0000-4d1b-9a7e-0c6a2b9d0d03",
        "canadacentral",
    );
    let def = end(
        "def456-prod",
        Platform::AwsLza,
        "111111111103",
        "ca-central-1",
    );
    assert_eq!(ends(&forms.cloud_ends), std::slice::from_ref(&abc));

    // On the on-prem request (both flows on one rule per firewall would need one source; here
    // each flow has its own rule): each row carries its flow's fields and cloud end.
    let on_prem = request(&set, "on-prem");
    let by_flow = |name: &str| -> &TrafficRow {
        on_prem
            .traffic
            .iter()
            .find(|r| strs(&r.flows) == [name])
            .unwrap()
    };
    let f = by_flow("forms-to-oracle");
    assert_eq!(strs(&f.requesters), ["Forms owner <forms@example.org>"]);
    assert_eq!(
        f.expires.map(|d| d.to_string()).as_deref(),
        Some("2027-03-31")
    );
    assert_eq!(strs(&f.change_windows), ["Sat 22:00-02:00 PT"]);
    assert_eq!(strs(&f.justifications), ["Forms read applications"]);
    assert_eq!(ends(&f.cloud_ends), [abc]);
    let c = by_flow("claims-to-oracle");
    assert_eq!(strs(&c.requesters), ["Claims team"]);
    assert_eq!(c.expires, None);
    assert!(c.change_windows.is_empty());
    assert_eq!(ends(&c.cloud_ends), [def]);

    // Every format shows them.
    let md = rendered(&set, OutputFormat::Markdown);
    assert!(md.contains(
        "| forms-to-oracle | Forms owner &lt;forms@example.org&gt; | abc123-prod: subscription 0f3c8a52-0000-4d1b-9a7e-0c6a2b9d0d03, canadacentral | 2027-03-31 | Sat 22:00-02:00 PT | Forms read applications |"
    ), "{md}");
    assert!(md.contains(
        "| claims-to-oracle | Claims team | def456-prod: account 111111111103, ca-central-1 |  |  |  |"
    ), "{md}");
    let csv = rendered(&set, OutputFormat::Csv);
    assert!(
        csv.contains("Requester,Expires,Change window,Cloud ends"),
        "{csv}"
    );
    assert!(csv.contains(
        "Forms read applications,Forms owner <forms@example.org>,2027-03-31,Sat 22:00-02:00 PT,\"abc123-prod: subscription 0f3c8a52-0000-4d1b-9a7e-0c6a2b9d0d03, canadacentral\""
    ), "{csv}");
    let html = rendered(&set, OutputFormat::Html);
    assert!(
        html.contains("<td>Forms owner &lt;forms@example.org&gt;</td>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"name\">111111111103</span>, ca-central-1"),
        "{html}"
    );
    let json = rendered(&set, OutputFormat::Json);
    for needle in [
        "\"requester\": \"Forms owner <forms@example.org>\"",
        "\"expires\": \"2027-03-31\"",
        "\"change_window\": \"Sat 22:00-02:00 PT\"",
        "\"account\": \"111111111103\"",
        "\"region\": \"canadacentral\"",
    ] {
        assert!(json.contains(needle), "{needle} in {json}");
    }
}

#[test]
fn a_merged_rule_expires_only_when_all_its_flows_do() {
    // Two flows from one VNet to one host on two ports merge into one rule per firewall.
    let both = "  - name: a
    source: abc123-prod
    destination: data-warehouse
    services: [tcp/443]
    expires: 2027-01-31
  - name: b
    source: abc123-prod
    destination: data-warehouse
    services: [tcp/8443]
    expires: 2027-06-30
";
    let set = build(&topology(both));
    let row = &request(&set, "on-prem").traffic[0];
    assert_eq!(strs(&row.flows), ["a", "b"]);
    assert_eq!(
        row.expires.map(|d| d.to_string()).as_deref(),
        Some("2027-06-30")
    );

    let one_permanent = both.replace("    expires: 2027-06-30\n", "");
    let set = build(&topology(&one_permanent));
    let row = &request(&set, "on-prem").traffic[0];
    assert_eq!(strs(&row.flows), ["a", "b"]);
    assert_eq!(row.expires, None);
}

// ----- 5. each platform's own words ------------------------------------------------------------

#[test]
fn each_request_speaks_its_platform_words() {
    let t = topology(
        "  - name: forms-to-warehouse
    source: abc123-prod
    destination: data-warehouse
    services: [tcp/443]
  - name: claims-to-warehouse
    source: def456-prod
    destination: data-warehouse
    services: [tcp/443]
",
    );
    let set = build(&t);
    // On-premises: the seed's words.
    let on_prem = request(&set, "on-prem");
    assert_eq!(on_prem.vocabulary, Vocabulary::on_prem());
    assert_eq!(on_prem.vocabulary.object_table, "Object Table");
    assert_eq!(on_prem.vocabulary.traffic_table, "Traffic Table");
    // The cloud request holds both cloud firewalls: generic headings, and each object in the
    // words of the firewall it goes on (the host is on both: generic).
    let cloud = request(&set, "cloud");
    assert_eq!(&*cloud.vocabulary.name, "generic");
    assert_eq!(
        objects(cloud),
        [
            obj(
                "MCCS_CITZ_ALZ_abc123_prod_VNET",
                "IP Group",
                ObjectStatus::Create
            ),
            obj(
                "MCCS_HOST_DATA_WAREHOUSE",
                "Host Object",
                ObjectStatus::Create
            ),
            obj(
                "MCCS_HLTH_LZA_def456_prod_VPC",
                "Managed prefix list",
                ObjectStatus::Create
            ),
        ]
    );
    // Only the Azure flow: the whole cloud request speaks Azure Firewall.
    let azure_only = topology(
        "  - name: forms-to-warehouse
    source: abc123-prod
    destination: data-warehouse
    services: [tcp/443]
",
    );
    let set = build(&azure_only);
    let cloud = request(&set, "cloud");
    assert_eq!(cloud.vocabulary, Vocabulary::azure_firewall());
    let md = rendered(&set, OutputFormat::Markdown);
    assert!(md.contains("### IP Groups\n"), "{md}");
    assert!(md.contains("### Network rules (rule collection)\n"), "{md}");
    assert!(md.contains("### Object Table\n"), "{md}");
    assert!(
        md.contains("| MCCS_HOST_DATA_WAREHOUSE | Host Object | 142.34.20.15 | **create** |"),
        "{md}"
    );

    // A team's words for one channel, loaded from JSON, override the built-in choice.
    let words = Vocabularies::from_json(
        r#"{"channels": {"cloud": {"name": "team", "object_table": "Addresses",
            "traffic_table": "Rules", "network_object": "Net", "host_object": "Host",
            "range_object": "Range", "group_object": "Group"}}}"#,
    )
    .unwrap();
    let set = build_with(
        &azure_only,
        &BuildOptions::default().with_vocabularies(words),
    );
    let cloud = request(&set, "cloud");
    assert_eq!(&*cloud.vocabulary.name, "team");
    assert_eq!(
        objects(cloud),
        [
            obj(
                "MCCS_CITZ_ALZ_abc123_prod_VNET",
                "Net",
                ObjectStatus::Create
            ),
            obj("MCCS_HOST_DATA_WAREHOUSE", "Host", ObjectStatus::Create),
        ]
    );
    assert_eq!(request(&set, "on-prem").vocabulary, Vocabulary::on_prem());
}

#[test]
fn a_vocabularies_file_that_cannot_be_read_says_where_and_how_to_fix_it() {
    let err = Vocabularies::from_json("{\n  \"on_prem\": {\"name\": 3}\n}").unwrap_err();
    assert_eq!(err.line, 2);
    let text = err.to_string();
    assert!(
        text.starts_with("the vocabularies document is not valid at line 2"),
        "{text}"
    );
    assert!(text.contains("see docs/requests.md"), "{text}");
}

// ----- 7. failover only where a failover path exists -------------------------------------------

#[test]
fn a_single_path_says_there_is_no_failover_path() {
    let set = build(&topology(ORACLE));
    let on_prem = request(&set, "on-prem");
    let row = &on_prem.traffic[0];
    assert!(!row.failover_path);
    let failover: Vec<&str> = on_prem
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Failover)
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(
        failover,
        [
            "No failover path for forms-to-oracle: no secondary link or DR region is on the way, so MCCS_CITZ_ALZ_LIVE_abc123_prod covers the only path; if it fails, the flow stops. Nothing in this request covers failover."
        ]
    );
    let d = &set.flow("forms-to-oracle").unwrap().directions[0];
    assert!(!d.failover_path);
    assert!(
        d.details
            .iter()
            .any(|x| x == "no failover path: no secondary link or DR region is on the way"),
        "{:?}",
        d.details
    );
    let md = rendered(&set, OutputFormat::Markdown);
    assert!(md.contains("| primary path (no failover path) |"), "{md}");
    assert!(!md.contains("primary and failover"), "{md}");
    assert!(!md.contains("failover paths as well"), "{md}");
}

#[test]
fn with_a_secondary_link_the_failover_path_is_covered_and_said_so() {
    let base = BASE.replacen("objects:\n", SECONDARY_LINKS, 1);
    let set = build(&topology_from(&base, ORACLE));
    let on_prem = request(&set, "on-prem");
    assert!(on_prem.traffic[0].failover_path);
    let failover: Vec<&str> = on_prem
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Failover)
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(
        failover,
        [
            "MCCS_CITZ_ALZ_LIVE_abc123_prod is requested for the failover paths as well (via expressroute-secondary): the same rules must be in place there, or the flows stop when traffic fails over."
        ]
    );
    let md = rendered(&set, OutputFormat::Markdown);
    assert!(!md.contains("no failover path"), "{md}");
    assert!(md.contains("| primary and failover paths |"), "{md}");
}

#[test]
fn an_object_inside_the_owner_network_is_a_cloud_end_with_its_account_and_region() {
    // The on-prem reporting app reaches CLAIMS_DB, an object in dat123-prod's Data subnet.
    let t = mccs_model::examples::lza_data_subnet();
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let set = RequestSet::from_plan(&t, &plan);
    let flow = set.flow("reporting-to-claims-db").unwrap();
    let (_, vn) = t.environment(&"dat123-prod".parse().unwrap()).unwrap();
    assert_eq!(
        ends(&flow.cloud_ends),
        [end(
            "dat123-prod",
            Platform::AwsLza,
            &vn.account,
            &vn.region
        )]
    );
}

#[test]
fn private_nat_addresses_are_named_after_their_network_and_a_secondary_source_is_a_cloud_end() {
    // batch-to-ledger leaves dat123-prod from its secondary range through the private NAT.
    let t = mccs_model::examples::lza_data_subnet();
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let set = RequestSet::from_plan(&t, &plan);
    let nat: Vec<&str> = set
        .requests
        .iter()
        .flat_map(|r| &r.objects)
        .filter(|o| o.stands_for.starts_with("private NAT"))
        .map(|o| &*o.name)
        .collect();
    assert!(!nat.is_empty());
    assert!(
        nat.iter()
            .all(|n| *n == "MCCS_HLTH_LZA_dat123_prod_HOST_NAT"),
        "{nat:?}"
    );
    let flow = set.flow("batch-to-ledger").unwrap();
    assert_eq!(
        flow.cloud_ends
            .iter()
            .map(|c| &*c.environment)
            .collect::<Vec<_>>(),
        ["dat123-prod"]
    );
}

/// A list of shared texts as plain `&str`s, to compare with literals.
fn strs(v: &[std::sync::Arc<str>]) -> Vec<&str> {
    v.iter().map(|s| &**s).collect()
}
