//! What the requests say for the example topologies and for variations of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Flow, Initiator, Topology};
use mccs_request::{
    FlowStatus, NoteKind, ObjectStatus, ObjectType, OutputFormat, PathRole, Placement, RenderError,
    Request, RequestSet, Templates, render,
};

fn build(t: &Topology) -> RequestSet {
    let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
    RequestSet::from_plan(t, &plan)
}

fn reference() -> RequestSet {
    build(&mccs_model::examples::reference())
}

fn cross_cloud() -> RequestSet {
    build(&mccs_model::examples::cross_cloud())
}

fn flow(name: &str, source: &str, destination: &str, services: &[&str]) -> Flow {
    let services: Vec<mccs_model::ServiceRef> =
        services.iter().map(|s| s.parse().unwrap()).collect();
    Flow::new(
        name.parse().unwrap(),
        source.parse::<mccs_model::FlowEnd>().unwrap(),
        destination.parse::<mccs_model::FlowEnd>().unwrap(),
        services,
    )
    .initiator(Initiator::Cloud)
    .justification(format!("{name} is needed"))
}

fn on_prem(set: &RequestSet) -> &Request {
    set.request("on-prem-firewall-request")
        .expect("an on-prem request")
}

fn markdown(set: &RequestSet) -> String {
    render(set, OutputFormat::Markdown, &Templates::default())
        .unwrap()
        .remove(0)
        .contents
}

#[test]
fn seed_example_network_object_and_rule_name() {
    let set = reference();
    let req = on_prem(&set);
    assert_eq!(req.title, "On-premises firewall request");
    assert_eq!(
        req.form.as_deref(),
        Some("STMS Firewall Change Request (iStore)")
    );

    // Object Table: a Network IP Range Object for the CITZ forms VNet (abc123, prod).
    let vnet = req
        .objects
        .iter()
        .find(|o| &*o.name == "MCCS_CITZ_ALZ_abc123_prod_VNET")
        .expect("the VNet object");
    assert_eq!(vnet.kind, ObjectType::Network);
    assert_eq!(vnet.type_name, "Network IP Range Object");
    assert_eq!(vnet.addresses, ["10.46.8.0/24"]);
    assert_eq!(vnet.status, ObjectStatus::Create);

    // Traffic Table: the seed's rule name, VNet to the on-prem endpoint, through the 3PG and
    // the zone firewall.
    let row = req
        .traffic
        .iter()
        .find(|r| &*r.rule == "MCCS_CITZ_ALZ_LIVE_abc123_prod")
        .expect("the seed's rule");
    assert_eq!(strs(&row.sources), ["MCCS_CITZ_ALZ_abc123_prod_VNET"]);
    assert_eq!(strs(&row.destinations), ["CITZ_ORACLE_DB"]);
    assert_eq!(strs(&row.destination_addresses), ["142.34.10.25/32"]);
    assert_eq!(strs(&row.services), ["tcp/1521"]);
    assert_eq!(row.direction, mccs_naming::Direction::Outbound);
    let on: Vec<_> = row.apply_on.iter().map(|a| &*a.firewall).collect();
    assert_eq!(on, ["3pg", "zone-b-firewall"]);
    assert!(
        row.apply_on
            .iter()
            .all(|a| a.placement == Placement::Append)
    );
    assert_eq!(row.roles, [PathRole::Primary, PathRole::Failover]);
    assert_eq!(strs(&row.flows), ["citz-forms-to-oracle"]);

    // And the Markdown reads like the seed's form.
    let md = markdown(&set);
    assert!(md.contains(
        "| MCCS_CITZ_ALZ_abc123_prod_VNET | Network IP Range Object | 10.46.8.0/24 | **create** |"
    ));
    assert!(md.contains(
        "| 1 | MCCS_CITZ_ALZ_LIVE_abc123_prod | MCCS_CITZ_ALZ_abc123_prod_VNET | CITZ_ORACLE_DB | tcp | 1521 | allow | 3pg | append | outbound (initiated by the Project Set) |"
    ));
    assert!(md.contains(
        "| 2 | MCCS_CITZ_ALZ_LIVE_abc123_prod | MCCS_CITZ_ALZ_abc123_prod_VNET | CITZ_ORACLE_DB | tcp | 1521 | allow | zone-b-firewall | append | outbound (initiated by the Project Set) |"
    ));
}

#[test]
fn requests_follow_the_channels() {
    let set = reference();
    let ids: Vec<_> = set.requests.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["cloud-firewall-request", "on-prem-firewall-request"]);
    let cloud = set.request("cloud-firewall-request").unwrap();
    assert_eq!(cloud.filed_by, "Project team");
    assert_eq!(cloud.handled_by, "Public Cloud Team");
    assert!(cloud.firewalls.iter().all(|f| f.kind == "cloud firewall"));
    let fws: Vec<_> = on_prem(&set)
        .firewalls
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        fws,
        [
            "3pg",
            "zone-b-firewall",
            "zone-c-firewall",
            "ocp-silver-firewall"
        ]
    );
    let shared = set
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::SharedResponsibility)
        .unwrap();
    assert!(
        shared.text.contains("up to and through the cloud firewall"),
        "{}",
        shared.text
    );
    assert!(
        shared
            .text
            .contains("files the On-premises firewall request"),
        "{}",
        shared.text
    );
}

#[test]
fn openshift_flow_references_the_published_object() {
    let set = reference();
    for req in &set.requests {
        let row = req
            .traffic
            .iter()
            .find(|r| strs(&r.flows) == ["permits-to-openshift"])
            .expect("a rule for the OpenShift flow");
        assert_eq!(strs(&row.destinations), ["OCP_SILVER_INGRESS"]);
        let obj = req
            .objects
            .iter()
            .find(|o| &*o.name == "OCP_SILVER_INGRESS")
            .unwrap();
        assert_eq!(obj.status, ObjectStatus::Published);
        assert_eq!(obj.published_by.as_deref(), Some("OpenShift platform team"));
        assert_eq!(obj.addresses, ["142.34.208.10"]);
        assert!(req.notes.iter().any(|n| {
            n.kind == NoteKind::Objects
                && n.text
                    .contains("OCP_SILVER_INGRESS (published by OpenShift platform team)")
        }));
    }
    // Never offered for creation under another name.
    assert!(
        set.requests
            .iter()
            .flat_map(|r| &r.objects)
            .filter(|o| o.status == ObjectStatus::Create)
            .all(|o| o.cidrs != ["142.34.208.10/32"])
    );
    let on_prem_row = on_prem(&set)
        .traffic
        .iter()
        .find(|r| strs(&r.flows) == ["permits-to-openshift"])
        .unwrap();
    let on: Vec<_> = on_prem_row.apply_on.iter().map(|a| &*a.firewall).collect();
    assert_eq!(on, ["3pg", "ocp-silver-firewall"]);
}

#[test]
fn already_allowed_flow_is_summarised_with_its_rules_and_has_no_rows() {
    let set = reference();
    let f = set.flow("hlth-claims").unwrap();
    assert_eq!(f.status, FlowStatus::AlreadyAllowed);
    let d = &f.directions[0];
    assert!(d.requested.is_empty());
    let allowed: Vec<(&str, Vec<&str>)> = d
        .allowed
        .iter()
        .map(|a| (&*a.firewall, a.rules.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        allowed,
        [
            ("aws-cloud-firewall", vec!["MCCS_HLTH_LZA_LIVE_def456_prod"]),
            ("3pg", vec!["MCCS_HLTH_LZA_LIVE_def456_prod"]),
            ("zone-b-firewall", vec!["MCCS_HLTH_LZA_LIVE_def456_prod"]),
        ]
    );
    assert!(
        d.allowed
            .iter()
            .all(|a| a.roles == [PathRole::Primary, PathRole::Failover])
    );
    assert!(
        set.requests
            .iter()
            .flat_map(|r| &r.traffic)
            .all(|r| !r.flows.iter().any(|f| &**f == "hlth-claims"))
    );
    assert_eq!(set.summary.totals.already_allowed, 1);
    let md = markdown(&set);
    assert!(md.contains(
        "| hlth-claims | outbound | already allowed | allowed today on aws-cloud-firewall by MCCS_HLTH_LZA_LIVE_def456_prod (primary and failover paths)<br>"
    ));
}

#[test]
fn partially_allowed_flow_says_what_is_left_out() {
    let set = reference();
    let f = set.flow("citz-forms-to-oracle").unwrap();
    assert_eq!(f.status, FlowStatus::NeedsRules);
    assert!(f.partially_allowed);
    let p = &f.directions[0].partial[0];
    assert_eq!(&*p.firewall, "azure-cloud-firewall");
    assert_eq!(p.allowed_by, ["MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT"]);
    assert_eq!(p.left_out_sources, "10.46.8.128/25");
    assert_eq!(set.summary.totals.partially_allowed, 1);
}

#[test]
fn on_prem_initiated_flow_gets_its_own_inbound_rows_and_direction_notes() {
    let set = reference();
    let req = on_prem(&set);
    let row = req
        .traffic
        .iter()
        .find(|r| strs(&r.flows) == ["warehouse-pulls-forms"])
        .unwrap();
    assert_eq!(&*row.rule, "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN");
    assert_eq!(row.direction, mccs_naming::Direction::Inbound);
    assert_eq!(strs(&row.sources), ["MCCS_HOST_DATA_WAREHOUSE"]);
    assert_eq!(strs(&row.destinations), ["MCCS_CITZ_ALZ_abc123_prod_VNET"]);
    let notes: Vec<&str> = req
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Direction)
        .map(|n| n.text.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN is inbound"))
    );
    assert!(notes.iter().any(
        |n| n.contains("an on-premises system needs to initiate traffic")
            && n.contains("add another rule in the Traffic Table")
    ));
}

#[test]
fn existing_object_is_referenced_not_recreated() {
    let mut t = mccs_model::examples::reference();
    t.flows = vec![flow(
        "claims-to-warehouse",
        "def456-prod",
        "data-warehouse",
        &["https"],
    )];
    let set = build(&t);
    let req = on_prem(&set);
    let vpc = req
        .objects
        .iter()
        .find(|o| o.cidrs == ["10.40.12.0/24"])
        .unwrap();
    assert_eq!(&*vpc.name, "MCCS_HLTH_LZA_def456_prod_VPC");
    assert_eq!(vpc.status, ObjectStatus::Existing);
    assert_eq!(
        strs(&req.traffic[0].sources),
        ["MCCS_HLTH_LZA_def456_prod_VPC"]
    );
    assert!(
        req.objects
            .iter()
            .any(|o| &*o.name == "MCCS_HOST_DATA_WAREHOUSE" && o.status == ObjectStatus::Create)
    );
}

#[test]
fn deny_rule_above_which_the_rule_goes() {
    let mut t = mccs_model::examples::reference();
    t.flows = vec![flow(
        "forms-telnet",
        "abc123-prod",
        "citz-oracle-db",
        &["tcp/23"],
    )];
    let set = build(&t);
    let req = on_prem(&set);
    let target = req.traffic[0]
        .apply_on
        .iter()
        .find(|a| &*a.firewall == "3pg")
        .unwrap();
    assert_eq!(
        target.placement,
        Placement::Above {
            rule: "DENY_TELNET".into()
        }
    );
    assert!(
        req.notes
            .iter()
            .any(|n| n.kind == NoteKind::Placement && n.text.contains("above DENY_TELNET"))
    );
    assert!(markdown(&set).contains("| 3pg | above rule DENY_TELNET |"));
}

/// A request form line holds one firewall, one protocol and one port: a rule with three
/// services on two firewalls fills six numbered lines, the same in every format.
#[test]
fn traffic_lines_one_per_firewall_and_service() {
    let mut t = mccs_model::examples::reference();
    let f = t
        .flows
        .iter_mut()
        .find(|f| f.name.as_str() == "citz-forms-to-oracle")
        .unwrap();
    f.services = ["tcp/1521", "udp/5000-5010", "icmp"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let set = build(&t);
    let req = on_prem(&set);
    let row = &req.traffic[0];
    assert_eq!(&*row.rule, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
    assert_eq!(row.apply_on.len(), 2);
    assert_eq!(row.services.len(), 3);
    let lines: Vec<(usize, &str, &str, &str)> = row
        .apply_on
        .iter()
        .flat_map(|a| {
            a.lines
                .iter()
                .map(|l| (l.number, &*a.firewall, &*l.protocol, &*l.port))
        })
        .collect();
    let mut expected = Vec::new();
    for (i, fw) in ["3pg", "zone-b-firewall"].iter().enumerate() {
        for (j, svc) in row.services.iter().enumerate() {
            let (protocol, port) = match svc.split_once('/') {
                Some((p, n)) => (p, n),
                None => (&**svc, ""),
            };
            expected.push((1 + 3 * i + j, *fw, protocol, port));
        }
    }
    assert_eq!(lines, expected);
    assert!(lines.iter().any(|l| l.2 == "udp" && l.3 == "5000-5010"));
    assert!(lines.iter().any(|l| l.2 == "icmp" && l.3.is_empty()));
    // The next rule's lines go on numbering.
    assert_eq!(req.traffic[1].apply_on[0].lines[0].number, 7);

    let md = markdown(&set);
    assert!(md.contains(
        "| 4 | MCCS_CITZ_ALZ_LIVE_abc123_prod | MCCS_CITZ_ALZ_abc123_prod_VNET | CITZ_ORACLE_DB | tcp | 1521 | allow | zone-b-firewall | append |"
    ), "{md}");
    let html = render(&set, OutputFormat::Html, &Templates::default()).unwrap();
    assert!(html[0].contents.contains(
        r#"<tr><td class="num">5</td><td class="name">MCCS_CITZ_ALZ_LIVE_abc123_prod</td><td class="names"><span class="name">MCCS_CITZ_ALZ_abc123_prod_VNET</span></td><td class="names"><span class="name">CITZ_ORACLE_DB</span></td><td class="nw">udp</td><td class="nw">5000-5010</td><td class="nw">allow</td><td class="name">zone-b-firewall</td>"#
    ));
    let csv = render(&set, OutputFormat::Csv, &Templates::default()).unwrap();
    let traffic = csv
        .iter()
        .find(|f| f.path == "on-prem-firewall-request.traffic.csv")
        .unwrap();
    let mut reader = csv_rows(&traffic.contents);
    assert_eq!(
        &reader[0][..8],
        [
            "#",
            "Rule name",
            "Source",
            "Destination",
            "Protocol",
            "Port",
            "Action",
            "Firewall"
        ]
    );
    reader.remove(0);
    let got: Vec<(String, String, String, String)> = reader
        .iter()
        .take(6)
        .map(|r| (r[0].clone(), r[7].clone(), r[4].clone(), r[5].clone()))
        .collect();
    let want: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|(n, fw, p, port)| {
            (
                n.to_string(),
                (*fw).to_owned(),
                (*p).to_owned(),
                (*port).to_owned(),
            )
        })
        .collect();
    assert_eq!(got, want);
}

/// The rows of a CSV file (a leading byte order mark skipped), split at commas outside quotes.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => row.push(std::mem::take(&mut cell)),
                c => cell.push(c),
            }
        }
        row.push(cell);
        rows.push(row);
    }
    rows
}

#[test]
fn blocked_flow_is_a_blocking_problem() {
    let mut t = mccs_model::examples::reference();
    t.flows.push(flow(
        "to-nowhere",
        "abc123-prod",
        "192.0.2.0/24",
        &["tcp/22"],
    ));
    let set = build(&t);
    let f = set.flow("to-nowhere").unwrap();
    assert_eq!(f.status, FlowStatus::Blocked);
    let problems: Vec<_> = f
        .problems
        .iter()
        .chain(f.directions.iter().flat_map(|d| &d.problems))
        .collect();
    assert!(!problems.is_empty());
    assert!(
        set.notes
            .iter()
            .any(|n| n.kind == NoteKind::Blocked && n.text.contains("to-nowhere"))
    );
    assert_eq!(set.summary.totals.blocked, 1);
    assert!(
        set.requests
            .iter()
            .flat_map(|r| &r.traffic)
            .all(|r| !r.flows.iter().any(|f| &**f == "to-nowhere"))
    );
    let md = markdown(&set);
    let line = md
        .lines()
        .find(|l| l.starts_with("| to-nowhere |"))
        .unwrap();
    assert!(line.contains("blocked"), "{line}");
}

/// A flow no rule can fix never reads as "Nothing to file": the lead says it is blocked, and the
/// summary row says why.
#[test]
fn only_blocked_flows_are_not_nothing_to_file() {
    let mut t = mccs_model::examples::reference();
    t.flows.clear();
    t.flows.push(flow(
        "to-nowhere",
        "abc123-prod",
        "192.0.2.0/24",
        &["tcp/22"],
    ));
    let set = build(&t);
    assert!(set.requests.is_empty());
    let md = markdown(&set);
    assert!(!md.contains("Nothing to file"), "{md}");
    assert!(
        md.contains("Nothing can be filed that lets every flow through: 1 of 1 flow is **blocked** by something no firewall rule can fix"),
        "{md}"
    );
    let html = render(&set, OutputFormat::Html, &Templates::default()).unwrap();
    assert!(!html[0].contents.contains("Nothing to file"));
    assert!(
        html[0]
            .contents
            .contains("<strong>blocked</strong> by something no firewall rule can fix")
    );
}

/// The banner (`BuildOptions::with_banner`) is in every format, escaped for it.
#[test]
fn the_banner_is_in_every_format() {
    let t = mccs_model::examples::reference();
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let banner = "EXAMPLE <b>only</b>, =1+1";
    let options = mccs_request::BuildOptions::default().with_banner(banner);
    let set = RequestSet::from_plan_with(&t, &plan, &options);
    let md = markdown(&set);
    let title = md.find("# Firewall change requests").unwrap();
    let at = md.find("> **EXAMPLE").unwrap();
    assert!(at > title && at < md.find("## Summary").unwrap(), "{md}");
    assert!(!md.contains("<b>"), "escaped for Markdown: {md}");
    let html = &render(&set, OutputFormat::Html, &Templates::default()).unwrap()[0].contents;
    assert!(html.contains("<p class=\"banner\""), "{html}");
    assert!(
        html.contains("EXAMPLE &lt;b&gt;only&lt;&#x2f;b&gt;"),
        "{html}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &render(&set, OutputFormat::Json, &Templates::default()).unwrap()[0].contents,
    )
    .unwrap();
    assert_eq!(json["banner"], banner);
    let csv = render(&set, OutputFormat::Csv, &Templates::default()).unwrap();
    let summary = &csv
        .iter()
        .find(|f| f.path == "summary.csv")
        .unwrap()
        .contents;
    let mut lines = summary.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    // The banner row, quoted like every cell, with as many fields as the header.
    assert!(row.starts_with("\"EXAMPLE <b>only</b>, =1+1\","), "{row}");
    assert_eq!(
        row.matches(',').count(),
        header.matches(',').count() + 1,
        "{row}"
    );
    // Without a banner nothing changes: no field in JSON, no row in CSV.
    let plain = RequestSet::from_plan(&t, &plan);
    let json = &render(&plain, OutputFormat::Json, &Templates::default()).unwrap()[0].contents;
    assert!(!json.contains("\"banner\""));
    assert!(!markdown(&plain).contains("> **"));
}

#[test]
fn nothing_to_file() {
    let mut t = mccs_model::examples::reference();
    t.flows.retain(|f| f.name.as_str() == "hlth-claims");
    let set = build(&t);
    assert!(set.requests.is_empty());
    let md = markdown(&set);
    assert!(
        md.contains("Nothing to file for 1 flow: 1 already allowed, 0 blocked."),
        "{md}"
    );
    let csv = render(&set, OutputFormat::Csv, &Templates::default()).unwrap();
    assert_eq!(csv.len(), 1);
    assert_eq!(csv[0].path, "summary.csv");
}

#[test]
fn cross_cloud_uses_translated_sources_and_requests_the_dr_path() {
    let set = cross_cloud();
    let req = set.request("cloud-team-request").unwrap();
    // AWS -> Azure: the firewall sees the endpoint service's private IPs of the DR region.
    let row = req
        .traffic
        .iter()
        .find(|r| strs(&r.flows) == ["api-to-azure-payments"])
        .unwrap();
    assert_eq!(&*row.rule, "MCCS_DNB_LZA_LIVE_api001_prod_02");
    assert_eq!(row.roles, [PathRole::Failover]);
    assert_eq!(&*row.apply_on[0].firewall, "cross-cloud-firewall");
    assert_eq!(strs(&row.sources), ["MCCS_NET_PL_SVC_EU_WEST_1"]);
    assert_eq!(strs(&row.source_addresses), ["10.251.0.10/31"]);
    assert_eq!(strs(&row.destinations), ["AZURE_PAYMENTS_APP"]);
    let obj = req
        .objects
        .iter()
        .find(|o| &*o.name == "MCCS_NET_PL_SVC_EU_WEST_1")
        .unwrap();
    assert_eq!(obj.kind, ObjectType::Range);
    assert_eq!(obj.type_name, "Address Range Object");
    assert_eq!(obj.addresses, ["10.251.0.10-10.251.0.11"]);
    assert_eq!(obj.status, ObjectStatus::Create);
    assert!(
        obj.stands_for.contains("VPC endpoint service"),
        "{}",
        obj.stands_for
    );
    assert!(obj.stands_for.contains("DR region"), "{}", obj.stands_for);
    // No rule uses the VPC CIDR as the source on the cross-cloud firewall for AWS -> Azure.
    assert!(!row.source_addresses.iter().any(|a| &**a == "10.60.3.0/24"));
    let translated = req
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::TranslatedSource)
        .unwrap();
    assert!(
        translated.text.contains("not api001-prod (10.60.3.0/24)"),
        "{}",
        translated.text
    );
    let failover = req
        .notes
        .iter()
        .find(|n| {
            n.kind == NoteKind::Failover && n.text.starts_with("MCCS_DNB_LZA_LIVE_api001_prod_02")
        })
        .unwrap();
    assert!(
        failover.text.contains("failover path only"),
        "{}",
        failover.text
    );
    assert!(
        failover.text.contains("MCCS_DNB_LZA_LIVE_api001_prod)"),
        "{}",
        failover.text
    );

    // Azure -> AWS: the app security group sees the VPC endpoint's private IPs, both regions.
    let sg = set.request("security-group-change").unwrap();
    assert_eq!(
        strs(&sg.traffic[0].sources),
        ["MCCS_NET_PL_EP_EU_NORTH_1", "MCCS_NET_PL_EP_EU_WEST_1"]
    );
    assert_eq!(sg.traffic[0].direction, mccs_naming::Direction::Inbound);
    assert_eq!(
        sg.notes
            .iter()
            .filter(|n| n.kind == NoteKind::TranslatedSource)
            .count(),
        2
    );
}

#[test]
fn every_format_is_deterministic() {
    for t in [
        mccs_model::examples::reference(),
        mccs_model::examples::cross_cloud(),
    ] {
        let (a, b) = (build(&t), build(&t));
        assert_eq!(a, b);
        for format in OutputFormat::ALL {
            let x = render(&a, format, &Templates::default()).unwrap();
            let y = render(&b, format, &Templates::default()).unwrap();
            assert_eq!(x, y, "{format}");
            for f in &x {
                assert!(f.contents.ends_with('\n'), "{}", f.path);
                assert!(
                    !f.path.contains('/') && !f.path.starts_with('.'),
                    "{}",
                    f.path
                );
            }
        }
    }
}

#[test]
fn html_is_self_contained_and_printable() {
    let html = render(&reference(), OutputFormat::Html, &Templates::default())
        .unwrap()
        .remove(0)
        .contents;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>") && html.contains("@media print"));
    for external in ["<link", "<script", "src=", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(html.contains("<h3>Object Table</h3>") && html.contains("<h3>Traffic Table</h3>"));
}

#[test]
fn output_format_names() {
    for f in OutputFormat::ALL {
        assert_eq!(f.as_str().parse::<OutputFormat>().unwrap(), f);
    }
    assert_eq!(
        "md".parse::<OutputFormat>().unwrap(),
        OutputFormat::Markdown
    );
    let err = "pdf".parse::<OutputFormat>().unwrap_err();
    assert!(err.to_string().contains("use `markdown`"));
}

// ----- templates ----------------------------------------------------------------------------

#[test]
fn custom_templates_replace_the_layouts() {
    let set = reference();
    let templates = Templates::default()
        .with_markdown("{% for r in requests %}{{ r.id }}: {% for row in r.traffic %}{{ row.rule }} {% endfor %};\n{% endfor %}")
        .with_html("<p>{{ summary.totals.flows }} flows, {{ requests[1].objects[0].name }}</p>");
    let md = render(&set, OutputFormat::Markdown, &templates)
        .unwrap()
        .remove(0);
    assert_eq!(md.path, "requests.md");
    assert_eq!(
        md.contents,
        "cloud-firewall-request: MCCS_CITZ_ALZ_LIVE_abc123_prod MCCS_CITZ_ALZ_LIVE_abc123_prod_IN MCCS_EMLI_LZA_LIVE_ghi789_prod ;\non-prem-firewall-request: MCCS_CITZ_ALZ_LIVE_abc123_prod MCCS_CITZ_ALZ_LIVE_abc123_prod_IN MCCS_EMLI_LZA_LIVE_ghi789_prod ;\n"
    );
    let html = render(&set, OutputFormat::Html, &templates)
        .unwrap()
        .remove(0);
    assert_eq!(
        html.contents,
        "<p>4 flows, MCCS_CITZ_ALZ_abc123_prod_VNET</p>\n"
    );
    // Filters the default templates use are available to custom ones.
    let t = Templates::default().with_markdown(
        "{{ requests[1].traffic[0].apply_on[0].placement | placement_text }}, {{ requests[1].traffic[0].roles | roles_text }}, {{ summary.flows[2].status | status_label }}",
    );
    assert_eq!(
        render(&set, OutputFormat::Markdown, &t).unwrap()[0].contents,
        "append, primary and failover paths, already allowed\n"
    );
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let templates =
        Templates::default().with_markdown("# Requests\n\n{% for r in requests %}\n{{ r.title }\n");
    let err = templates.check().unwrap_err();
    match &err {
        RenderError::TemplateSyntax { template, line, .. } => {
            assert_eq!(template, "custom Markdown template");
            assert_eq!(*line, Some(4));
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with("the custom Markdown template does not compile at line 4: syntax error"),
        "{text}"
    );
    assert!(text.contains("fix the template syntax"), "{text}");
    // render reports the same.
    assert!(matches!(
        render(&reference(), OutputFormat::Markdown, &templates),
        Err(RenderError::TemplateSyntax { .. })
    ));
    // The HTML format does not need the Markdown template.
    assert!(render(&reference(), OutputFormat::Html, &templates).is_ok());
}

#[test]
fn template_render_error_names_the_variable_problem() {
    let templates = Templates::default().with_html("<h1>x</h1>\n<p>{{ reqests | length }}</p>\n");
    let err = render(&reference(), OutputFormat::Html, &templates).unwrap_err();
    match &err {
        RenderError::TemplateRender { template, line, .. } => {
            assert_eq!(template, "custom HTML template");
            assert_eq!(*line, Some(2));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string().contains("check the variable names"),
        "{err}"
    );
    // Printing an undefined variable is an error too, not silently empty.
    let templates = Templates::default().with_markdown("{{ summary.totls }}");
    assert!(matches!(
        render(&reference(), OutputFormat::Markdown, &templates),
        Err(RenderError::TemplateRender { .. })
    ));
}

#[test]
fn templates_from_a_directory() {
    let dir = std::env::temp_dir().join(format!("mccs-request-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("none");
    assert!(matches!(
        Templates::from_dir(&missing),
        Err(RenderError::Io { .. })
    ));
    let err = Templates::from_dir(&dir).unwrap_err();
    assert!(matches!(err, RenderError::NoTemplates { .. }));
    assert!(err.to_string().contains("requests.md.jinja"), "{err}");

    std::fs::write(
        dir.join(Templates::MARKDOWN_FILE),
        "{{ requests | length }} requests\n",
    )
    .unwrap();
    let t = Templates::from_dir(&dir).unwrap();
    assert_eq!(t.html(), mccs_request::DEFAULT_HTML_TEMPLATE);
    assert_eq!(
        render(&reference(), OutputFormat::Markdown, &t).unwrap()[0].contents,
        "2 requests\n"
    );

    std::fs::write(dir.join(Templates::HTML_FILE), "{% if %}").unwrap();
    let err = Templates::from_dir(&dir).unwrap_err();
    match &err {
        RenderError::TemplateSyntax { template, line, .. } => {
            assert!(template.starts_with("HTML template `"), "{template}");
            assert!(template.ends_with("requests.html.jinja`"), "{template}");
            assert_eq!(*line, Some(1));
        }
        other => panic!("unexpected {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn flow_without_a_project_set_end() {
    let mut t = mccs_model::examples::reference();
    let mut f = flow(
        "warehouse-to-claims",
        "data-warehouse",
        "142.34.10.40",
        &["tcp/8080"],
    );
    f.initiator = Initiator::OnPrem;
    t.flows = vec![f];
    let set = build(&t);
    let req = on_prem(&set);
    assert_eq!(&*req.traffic[0].rule, "MCCS_FLOW_warehouse-to-claims");
    assert_eq!(strs(&req.traffic[0].sources), ["MCCS_HOST_DATA_WAREHOUSE"]);
    assert_eq!(strs(&req.traffic[0].destinations), ["HLTH_CLAIMS_API"]);
    // No Project Set: no note about traffic toward it.
    assert!(!req.notes.iter().any(|n| n.kind == NoteKind::Direction));
    for r in &set.requests {
        for row in &r.traffic {
            assert_eq!(row.owner, None);
            for name in row.sources.iter().chain(row.destinations.iter()) {
                assert!(r.objects.iter().any(|o| &o.name == name), "{name}");
            }
        }
    }
    assert!(markdown(&set).contains("| inbound (initiated by the source) |"));
}

#[test]
fn object_names_stay_unique() {
    let mut t = mccs_model::examples::reference();
    // A topology object already has the name the warehouse host would get, with other addresses.
    t.objects.push(mccs_model::FirewallObject::Host {
        name: "MCCS_HOST_DATA_WAREHOUSE".parse().unwrap(),
        address: "142.34.20.99".parse().unwrap(),
        published_by: None,
        description: None,
    });
    let set = build(&t);
    let row = on_prem(&set)
        .traffic
        .iter()
        .find(|r| strs(&r.flows) == ["warehouse-pulls-forms"])
        .unwrap();
    assert_eq!(strs(&row.sources), ["MCCS_HOST_DATA_WAREHOUSE_2"]);
}

#[test]
fn a_team_object_convention() {
    let convention: mccs_naming::Convention = serde_json::from_value(serde_json::json!({
        "target": "object",
        "template": "NET_{ministry}_{plate}_{env}_{kind}_{platform}_{label?}"
    }))
    .unwrap();
    let t = mccs_model::examples::reference();
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let set = RequestSet::from_plan_with(
        &t,
        &plan,
        &mccs_request::BuildOptions::default().with_object_convention(convention),
    );
    assert_eq!(
        &*on_prem(&set).objects[0].name,
        "NET_CITZ_abc123_prod_VNET_ALZ"
    );
}

/// A list of shared texts as plain `&str`s, to compare with literals.
fn strs(v: &[std::sync::Arc<str>]) -> Vec<&str> {
    v.iter().map(|s| &**s).collect()
}
