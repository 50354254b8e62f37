//! PAN-OS reader: mapping of a running configuration (XML and `set` commands), Panorama
//! device groups, hostile and malformed exports (each error with its file and line:column),
//! a 10,000-rule configuration, and verdicts through the imported rules as PAN-OS documents
//! them (first match top-down, disabled rules skipped, deny above allow wins, App-ID unknown).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: that is how a test fails

use std::path::{Path, PathBuf};

use mccs_import::rulebase::{Export, Reader, panos};
use mccs_model::{
    Action, AddressRef, ExportFinding, Firewall, FirewallKind, FirewallObject, Format,
    ImportedRulebase, Severity, ValidateOptions, check_with,
};
use mccs_path::{PlanOptions, Verdict, plan};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rulebase/panos")
}

fn fixture(name: &str) -> Export {
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
    Export::new(name, text)
}

fn firewall() -> Firewall {
    Firewall::new(
        "zone-b-fw".parse().unwrap(),
        FirewallKind::Zone,
        "On-prem network security",
        "on-prem".parse().unwrap(),
    )
}

fn read(export: &Export, select: Option<&str>) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    panos::read(export, select, &firewall())
}

fn errors(export: &Export, select: Option<&str>) -> Vec<String> {
    let found = read(export, select).expect_err("the export must be refused");
    assert!(found.iter().all(|f| f.severity == Severity::Error));
    found.iter().map(ToString::to_string).collect()
}

fn names(rb: &ImportedRulebase) -> Vec<&str> {
    rb.rules.iter().map(|r| r.name.as_str()).collect()
}

fn rule<'a>(rb: &'a ImportedRulebase, name: &str) -> &'a mccs_model::Rule {
    rb.rules.iter().find(|r| r.name.as_str() == name).unwrap()
}

fn strings<T: ToString>(list: &[T]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

#[test]
fn xml_rules_keep_order_names_actions_and_disabled() {
    let rb = read(&fixture("running-config.xml"), None).unwrap();
    assert_eq!(
        names(&rb),
        [
            "Deny telnet",
            "Old oracle rule",
            "Block quarantine",
            "Cloud to oracle",
            "Web by App-ID",
            "Web services",
            "DNS out",
            "Oracle site",
            "Quarantine out",
            "Not from cloud",
            "Admins by user",
            "Deny all else"
        ]
    );
    assert_eq!(rule(&rb, "Deny telnet").action, Action::Deny); // drop
    assert_eq!(rule(&rb, "Block quarantine").action, Action::Deny); // reset-both
    let old = rule(&rb, "Old oracle rule");
    assert!(old.disabled && old.unknown.is_none());
    let cloud = rule(&rb, "Cloud to oracle");
    assert_eq!(strings(&cloud.sources), ["CLOUD_SOURCES"]);
    assert_eq!(strings(&cloud.destinations), ["CITZ_ORACLE_DB"]);
    assert_eq!(strings(&cloud.services), ["tcp-1521"]);
    assert_eq!(
        cloud.description.as_deref(),
        Some("CLOUDFW-977 forms to Oracle (zones untrust -> zone-b)")
    );
    assert!(cloud.unknown.is_none());
    // Predefined service-http is TCP 80 and 8080; a service group is a named service.
    let web = rule(&rb, "Web services");
    assert_eq!(strings(&web.services), ["tcp/80", "tcp/8080", "WEB_ALL"]);
    // Literal addresses in a rule.
    assert_eq!(
        strings(&rule(&rb, "DNS out").destinations),
        ["8.8.8.8/32", "8.8.4.4/32"]
    );
    // Where each rule came from: the XPath and line:column of its <entry>.
    let at = &rb.rules_at[3];
    assert_eq!(at.file, "running-config.xml");
    assert_eq!(
        at.path,
        "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules/entry[@name='Cloud to oracle']"
    );
    assert_eq!(
        at.location.map(|l| l.to_string()).as_deref(),
        Some("160:17")
    );
}

#[test]
fn xml_what_mccs_cannot_judge_is_unknown_and_any() {
    let rb = read(&fixture("running-config.xml"), None).unwrap();
    let app = rule(&rb, "Web by App-ID");
    assert_eq!(
        app.unknown.as_deref(),
        Some(
            "service application-default (each application's standard ports); App-ID web-browsing, ssl"
        )
    );
    assert_eq!(strings(&app.services), ["any"]);
    assert_eq!(strings(&app.sources), ["abc123-prod"]);
    let fqdn = rule(&rb, "Oracle site");
    assert_eq!(fqdn.destinations, [AddressRef::Any]);
    assert!(
        fqdn.unknown
            .as_deref()
            .unwrap()
            .contains("FQDN www.oracle.com")
    );
    let dynamic = rule(&rb, "Quarantine out");
    assert!(dynamic.unknown.as_deref().unwrap().starts_with(
        "source dynamic address group QUARANTINE (tag filter 'quarantine' and 'linux')"
    ));
    assert_eq!(dynamic.action, Action::Deny);
    let negated = rule(&rb, "Not from cloud");
    assert_eq!(negated.sources, [AddressRef::Any]);
    assert_eq!(strings(&negated.services), ["any"]);
    assert!(
        negated
            .unknown
            .as_deref()
            .unwrap()
            .contains("negate-source")
    );
    assert!(
        negated
            .unknown
            .as_deref()
            .unwrap()
            .contains("source ports 1024-65535")
    );
    assert_eq!(
        rule(&rb, "Admins by user").unknown.as_deref(),
        Some(r"source-user corp\netadmins")
    );
    // A zone is the only limit on the source: unknown.
    assert_eq!(
        rule(&rb, "Block quarantine").unknown.as_deref(),
        Some("source zone untrust with source any (only the zone limits it)")
    );
    // Each unknown enabled rule has a warning naming it, plus one about zones.
    let warnings: Vec<String> = strings(&rb.findings);
    assert!(warnings.iter().any(|w| w.starts_with(
        "warning: running-config.xml:172:17: /config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules/entry[@name='Web by App-ID']: rule `Web by App-ID` also matches on"
    )));
    assert!(warnings.iter().any(|w| {
        w.contains("3 rule(s) of vsys vsys1 are limited to zones (first: `Cloud to oracle`)")
    }));
    assert!(rb.findings.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn xml_objects_and_services_keep_export_names() {
    let rb = read(&fixture("running-config.xml"), None).unwrap();
    let objects: Vec<(&str, &str)> = rb
        .objects
        .iter()
        .map(|o| (o.name().as_str(), o.kind()))
        .collect();
    assert_eq!(
        objects,
        [
            ("CITZ_ORACLE_DB", "host"),
            ("ZONE_B_NET", "network"),
            ("abc123-prod", "network"),
            ("APP SERVER", "host"),
            ("OCP_SILVER_EGRESS", "network"),
            ("CLOUD_SOURCES", "group"),
            ("NTP_SERVERS", "range"),
            ("ALL_SOURCES", "group"),
        ]
    );
    assert!(
        matches!(&rb.objects[7], FirewallObject::Group { members, .. } if strings(members) == ["CLOUD_SOURCES", "NTP_SERVERS"])
    );
    let services: Vec<(String, Vec<String>)> = rb
        .services
        .iter()
        .map(|s| (s.name.to_string(), strings(&s.services)))
        .collect();
    assert!(services.contains(&(
        "DB_AND_WEB".to_owned(),
        strings(&["tcp/80", "tcp/443", "tcp/8000-8080", "tcp/1521"])
    )));
    assert!(services.contains(&("dns-udp".to_owned(), strings(&["udp/53"]))));
    // A service with source ports is not a named service of the model.
    assert!(!services.iter().any(|(n, _)| n == "from-high"));
    assert_eq!(rb.objects.len(), rb.objects_at.len());
    assert_eq!(rb.services.len(), rb.services_at.len());
}

#[test]
fn set_commands_read_like_the_xml() {
    let xml = read(&fixture("running-config.xml"), None).unwrap();
    let set = read(&fixture("running-config.set"), None).unwrap();
    assert_eq!(
        names(&set),
        [
            "Deny telnet",
            "Old oracle rule",
            "Cloud to oracle",
            "Web by App-ID",
            "Web services",
            "Quarantine out",
            "Deny all else"
        ]
    );
    for name in names(&set) {
        let (a, b) = (rule(&xml, name), rule(&set, name));
        if name == "Web services" {
            // The set file's rule names CLOUD_SOURCES, the XML's ALL_SOURCES.
            assert_eq!(a.services, b.services);
            continue;
        }
        assert_eq!(a, b, "{name}");
    }
    let at = &set.rules_at[2];
    assert_eq!(at.path, "rulebase security rules \"Cloud to oracle\"");
    assert_eq!(at.location.map(|l| l.to_string()).as_deref(), Some("22:29"));
    let ocp = set
        .objects
        .iter()
        .find(|o| o.name().as_str() == "OCP_SILVER_EGRESS")
        .unwrap();
    assert_eq!(ocp.description(), Some("OpenShift Silver egress"));
}

#[test]
fn set_commands_with_a_vsys_prefix_and_selection() {
    let text = "set vsys vsys2 address WEB ip-netmask 10.1.1.0/24\n\
        set vsys vsys2 address DB ip-netmask 10.2.2.5\n\
        set vsys vsys2 rulebase security rules \"Allow web\" from trust to untrust source WEB destination DB application any service service-https action allow\n\
        set vsys vsys3 rulebase security rules Other from any to any source any destination any application any service any action deny\n";
    let e = Export::new("vsys.set", text);
    let rb = read(&e, Some("vsys2")).unwrap();
    assert_eq!(names(&rb), ["Allow web"]);
    assert_eq!(strings(&rb.rules[0].services), ["tcp/443"]);
    assert_eq!(
        errors(&e, None),
        [
            "error: vsys.set:1:1: no virtual system or device group `vsys1` in the `set` commands (it has vsys vsys2, vsys vsys3): set `select` to one of them"
        ]
    );
}

#[test]
fn panorama_device_group_rules_in_evaluation_order() {
    let rb = read(&fixture("panorama.xml"), Some("ONPREM-ZONES")).unwrap();
    assert_eq!(
        names(&rb),
        [
            "Shared block telnet",
            "DG pre allow web",
            "DG post allow ssh",
            "Shared deny all",
            "interzone-default"
        ]
    );
    assert_eq!(rb.rules[4].action, Action::Allow);
    assert!(
        strings(&rb.findings)
            .iter()
            .any(|w| w.contains("interzone-default is overridden to allow"))
    );
    let set = "set shared address NET ip-netmask 10.0.0.0/8\n\
        set device-group DG pre-rulebase security rules first from any to any source any destination NET application any service any action allow\n\
        set shared post-rulebase security rules last from any to any source any destination any application any service any action deny\n\
        set device-group DG post-rulebase security rules middle from any to any source NET destination any application any service any action deny\n";
    let rb = read(&Export::new("pano.set", set), Some("DG")).unwrap();
    assert_eq!(names(&rb), ["first", "middle", "last"]);
}

#[test]
fn missing_select_target_lists_what_there_is() {
    assert_eq!(
        errors(&fixture("running-config.xml"), Some("vsys9")),
        [
            "error: running-config.xml:1:36: /config/devices: no virtual system or device group `vsys9` in the configuration (it has vsys vsys1): set `select` to one of them"
        ]
    );
}

#[test]
fn malformed_xml_is_located() {
    assert_eq!(
        errors(&fixture("malformed.xml"), None),
        [
            "error: malformed.xml:4:42: not the XML the XML `show config running` or the XML API (`type=config&action=show`) writes: expected 'address' tag, not 'vsys' at 4:42"
        ]
    );
}

#[test]
fn a_doctype_with_entities_is_refused_not_expanded() {
    assert_eq!(
        errors(&fixture("entities.xml"), None),
        [
            "error: entities.xml:2:1: the XML has a DOCTYPE (a DTD, which can define entities); the XML `show config running` or the XML API (`type=config&action=show`) writes has none, and mccs does not read one: remove it"
        ]
    );
}

#[test]
fn xml_that_is_not_a_configuration() {
    assert_eq!(
        errors(&fixture("not-config.xml"), None),
        [
            "error: not-config.xml:1:1: the root element is <policy>, not <config> (or <response><result><config>): this is not the XML `show config running` or the XML API (`type=config&action=show`) writes"
        ]
    );
}

#[test]
fn bad_objects_and_references_are_each_reported() {
    let found = errors(&fixture("bad-objects.xml"), None);
    let vsys = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";
    let expected = [
        format!(
            "error: bad-objects.xml:7:13: {vsys}/address/entry[@name='BAD_CIDR']: address `BAD_CIDR`: `10.0.0.0/33` is not an IP address or CIDR (ip-netmask): fix it on the firewall"
        ),
        format!(
            "error: bad-objects.xml:8:13: {vsys}/address/entry[@name='BAD_RANGE']: address `BAD_RANGE`: `10.0.0.9-10.0.0.1` is not an address range FIRST-LAST (ip-range): fix it on the firewall"
        ),
        format!(
            "error: bad-objects.xml:9:13: {vsys}/address/entry[@name='EMPTY']: address `EMPTY` has none of ip-netmask, ip-range, fqdn, ip-wildcard: it is not what PAN-OS writes; export the configuration again"
        ),
        format!(
            "error: bad-objects.xml:12:13: {vsys}/address-group/entry[@name='LOOP_A']: address group `LOOP_A` contains itself (LOOP_A -> LOOP_B -> LOOP_A): remove one of the members"
        ),
        format!(
            "error: bad-objects.xml:14:13: {vsys}/address-group/entry[@name='HAS_GHOST']: address group `HAS_GHOST` names `GHOST`, which is no address or address group of vsys vsys1 or shared: define it, or export the whole configuration"
        ),
        format!(
            "error: bad-objects.xml:17:13: {vsys}/service/entry[@name='huge-port']: service `huge-port`: `99999999999999999999` is not a port list (`80`, `80,443`, `8000-8080`, ports 1 to 65535): fix it on the firewall"
        ),
        format!(
            "error: bad-objects.xml:18:13: {vsys}/service/entry[@name='icmp-ish']: service `icmp-ish` has protocol `icmp`: PAN-OS services are tcp, udp or sctp; export the configuration again"
        ),
        format!(
            "error: bad-objects.xml:21:13: {vsys}/service-group/entry[@name='SG_LOOP']: service group `SG_LOOP` contains itself (SG_LOOP -> SG_LOOP): remove one of the members"
        ),
        format!(
            "error: bad-objects.xml:26:17: {vsys}/rulebase/security/rules/entry[@name='Names a ghost']: rule `Names a ghost` names `NOT_DEFINED` as source, which is no address, address group, external dynamic list or region of vsys vsys1 or shared, nor an IP address, CIDR or range: define it, or export the whole configuration"
        ),
        format!(
            "error: bad-objects.xml:35:17: {vsys}/rulebase/security/rules/entry[@name='Odd action']: rule `Odd action` has action `permit`: PAN-OS actions are allow, deny, drop, reset-client, reset-server, reset-both"
        ),
    ];
    assert_eq!(found, expected);
}

#[test]
fn deep_group_nesting_is_bounded() {
    let mut groups = String::new();
    for i in 0..40 {
        groups.push_str(&format!("set address-group G{i} static G{}\n", i + 1));
    }
    groups.push_str("set address-group G40 static H\nset address H ip-netmask 10.0.0.1\n");
    let found = errors(&Export::new("deep.set", groups), None);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("error: deep.set:"), "{}", found[0]);
    assert!(
        found[0].ends_with("is nested more than 32 deep: flatten it"),
        "{}",
        found[0]
    );
}

#[test]
fn malformed_set_commands_are_located() {
    assert_eq!(
        errors(&fixture("malformed.set"), None),
        [
            "error: malformed.set:2:29: line 2: a quoted name is not closed: add the closing `\"`",
            "error: malformed.set:3:38: line 3: a list `[` is not closed: add `]`",
            "error: malformed.set:4:1: line 4: `delete` is not a `set` command: the export is either the XML of `show config running` or `set` commands, one per line",
        ]
    );
}

#[test]
fn hostile_values_never_panic() {
    let texts = [
        "",
        "<",
        "<config/>",
        "<config><devices><entry><vsys><entry name=\"vsys1\"><rulebase><security><rules><entry/></rules></security></rulebase></entry></vsys></entry></devices></config>",
        "set",
        "set rulebase security rules",
        "set rulebase security rules R from",
        "set address",
        "set service S protocol",
        "set address-group G dynamic",
        "set vsys",
        "\u{feff}set address A ip-netmask 1.2.3.4",
        "set rulebase security rules \"\" action allow",
    ];
    for t in texts {
        let _ = read(&Export::new("x", t), None);
    }
}

/// A configuration of `n` rules over `n / 10` address objects, in XML.
fn big_xml(n: usize) -> String {
    let mut s = String::from(
        "<config version=\"10.2.0\"><devices><entry name=\"localhost.localdomain\"><vsys><entry name=\"vsys1\"><address>\n",
    );
    for i in 0..n / 10 {
        s.push_str(&format!(
            "<entry name=\"H{i}\"><ip-netmask>10.{}.{}.0/24</ip-netmask></entry>\n",
            i / 256,
            i % 256
        ));
    }
    s.push_str("</address><rulebase><security><rules>\n");
    for i in 0..n {
        s.push_str(&format!(
            "<entry name=\"rule {i}\"><from><member>any</member></from><to><member>any</member></to><source><member>H{}</member></source><destination><member>H{}</member></destination><application><member>any</member></application><service><member>service-https</member></service><action>allow</action></entry>\n",
            i % (n / 10),
            (i + 1) % (n / 10)
        ));
    }
    s.push_str("</rules></security></rulebase></entry></vsys></entry></devices></config>\n");
    s
}

#[test]
fn ten_thousand_rules() {
    let rb = read(&Export::new("big.xml", big_xml(10_000)), None).unwrap();
    assert_eq!(rb.rules.len(), 10_000);
    assert_eq!(rb.objects.len(), 1_000);
    assert_eq!(
        rb.rules_at[9_999].location.map(|l| l.line),
        Some(1 + 1_000 + 1 + 10_000)
    );
}

/// A cloud VPC, the 3PG and zone-b behind `zone-b-fw`, whose rules are the PAN-OS export.
const TOPOLOGY: &str = r#"
version: 1
channels:
  - { name: cloud, title: Cloud firewall change request, filed_by: Project team, handled_by: Public Cloud Team }
  - { name: on-prem, title: On-premises firewall request, filed_by: Project team, handled_by: On-prem }
firewalls:
  - name: aws-fw
    kind: cloud
    platform: aws-lza
    owner: Public Cloud Team
    channel: cloud
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: 3pg
    kind: edge
    owner: On-prem
    channel: on-prem
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: zone-b-fw
    kind: zone
    owner: On-prem
    channel: on-prem
    rulebase: { format: pan-os, file: FILE }
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: aws-lza
    environments:
      prod:
        account: "111111111111"
        region: ca-central-1
        address_space: [10.46.8.0/24]
on_prem:
  edge_firewall: 3pg
  zones:
    - name: zone-b
      firewall: zone-b-fw
      networks: [142.34.10.0/24]
      endpoints:
        - { name: ora, address: 142.34.10.25 }
        - { name: app, address: 142.34.10.30 }
        - { name: web, address: 142.34.10.40 }
        - { name: quarantined, address: 142.34.10.99 }
hybrid_links:
  - { name: dx, kind: direct-connect, redundancy: primary, encryption: ipsec }
flows:
  - { name: oracle, source: abc123-prod, destination: ora, services: [tcp/1521] }
  - { name: telnet, source: abc123-prod, destination: ora, services: [tcp/23] }
  - { name: app-web, source: abc123-prod, destination: app, services: [tcp/443] }
  - { name: quarantine, source: abc123-prod, destination: quarantined, services: [tcp/443] }
  - { name: web-8080, source: abc123-prod, destination: web, services: [tcp/8080] }
  - { name: web-5000, source: abc123-prod, destination: web, services: [tcp/5000] }
"#;

/// The zone firewall's verdict for each flow.
fn verdicts(file: &str) -> Vec<(String, Verdict)> {
    let text = TOPOLOGY.replace("FILE", file);
    let mut reader =
        Reader::new(|f: &str| std::fs::read_to_string(dir().join(f)).map_err(|e| e.to_string()));
    let checked = check_with(
        &text,
        Format::Yaml,
        &ValidateOptions::default(),
        &mut reader,
    );
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let t = checked.topology;
    let p = plan(&t, &t.flows, &PlanOptions::default());
    p.flows
        .iter()
        .map(|f| {
            let tr = &f.directions[0].trace;
            let hop = tr.paths[0]
                .hops
                .iter()
                .find(|h| h.node() == "zone-b-fw")
                .expect("the path crosses zone-b-fw");
            (f.flow.to_string(), hop.verdict().cloned().expect("judged"))
        })
        .collect()
}

fn allowed(rule: &str) -> Verdict {
    Verdict::Allowed {
        rules: vec![rule.to_owned()],
    }
}

#[test]
fn verdicts_follow_pan_os_first_match_semantics() {
    let v = verdicts("running-config.xml");
    // First match top-down; the disabled `Old oracle rule` above is skipped.
    assert_eq!(v[0], ("oracle".to_owned(), allowed("Cloud to oracle")));
    // `Deny telnet` (drop) sits above every allow: deny wins.
    assert!(
        matches!(&v[1].1, Verdict::Denied { rules, .. } if rules == &["Deny telnet"]),
        "{v:?}"
    );
    // An App-ID rule: unknown, naming it.
    assert!(
        matches!(&v[2].1, Verdict::Unknown { reason } if reason.contains("Web by App-ID")),
        "{v:?}"
    );
    // A rule limited only by its zone: unknown, naming it.
    assert!(
        matches!(&v[3].1, Verdict::Unknown { reason } if reason.contains("Block quarantine")),
        "{v:?}"
    );
    // service-http is TCP 80 and 8080 (predefined).
    assert_eq!(v[4], ("web-8080".to_owned(), allowed("Web services")));
    // Past the allows, a deny rule on a dynamic address group (its members are known only
    // on the firewall): unknown, naming it, never guessed allowed or denied.
    assert!(
        matches!(&v[5].1, Verdict::Unknown { reason } if reason.contains("Quarantine out")),
        "{v:?}"
    );
}

#[test]
fn set_commands_give_the_same_verdicts() {
    let v = verdicts("running-config.set");
    assert_eq!(v[0].1, allowed("Cloud to oracle"));
    assert!(matches!(&v[1].1, Verdict::Denied { rules, .. } if rules == &["Deny telnet"]));
    assert!(matches!(&v[2].1, Verdict::Unknown { reason } if reason.contains("Web by App-ID")));
    // No `Block quarantine` rule in the set file: `Web services` allows it.
    assert_eq!(v[3].1, allowed("Web services"));
    assert_eq!(v[4].1, allowed("Web services"));
    assert!(
        matches!(&v[5].1, Verdict::Unknown { reason } if reason.contains("Quarantine out")),
        "{v:?}"
    );
}

#[test]
fn move_commands_place_rules_as_pan_os_does() {
    let text = "set rulebase security rules A from any to any source any destination any application any service any action deny\n\
        set rulebase security rules B from any to any source any destination any application any service any action deny\n\
        set rulebase security rules C from any to any source 10.0.0.0/8 destination any application any service service-https action allow\n\
        move rulebase security rules C before A\n\
        set rulebase security rules D from any to any source any destination any application any service any action allow\n\
        move rulebase security rules D after C\n\
        move rulebase security rules A bottom\n\
        move rulebase security rules B top\n";
    let rb = read(&Export::new("moves.set", text), None).unwrap();
    assert_eq!(names(&rb), ["B", "C", "D", "A"]);
    let bad = "set rulebase security rules A from any to any source any destination any application any service any action deny\n\
        move rulebase security rules A before GHOST\n\
        move rulebase security rules NOPE top\n\
        move rulebase security rules A sideways\n";
    assert_eq!(
        errors(&Export::new("moves.set", bad), None),
        [
            "error: moves.set:2:39: line 2: no security rule `GHOST` in this rulebase before this line: define it with `set` first",
            "error: moves.set:3:30: line 3: no security rule `NOPE` in this rulebase before this line: define it with `set` first",
            "error: moves.set:4:32: line 4: say where: `top`, `bottom`, `before OTHER` or `after OTHER`",
        ]
    );
}

#[test]
fn objects_named_like_addresses_or_services_are_written_out() {
    // PAN-OS lets an object be called `10.1.1.10` or a service `tcp` (both seen in real
    // configurations); a rule naming them gets their addresses and ports.
    let text = "set address 10.1.1.10 ip-netmask 10.1.1.10/32\n\
        set service tcp protocol tcp port 1-65535\n\
        set service \"udp 123\" protocol udp port 123\n\
        set rulebase security rules r1 from z1 to z2 source 10.1.1.10 destination 10.1.2.0/24 application any service [ tcp \"udp 123\" ] action allow\n";
    let rb = read(&Export::new("odd.set", text), None).unwrap();
    assert_eq!(strings(&rb.rules[0].sources), ["10.1.1.10/32"]);
    assert_eq!(strings(&rb.rules[0].services), ["tcp", "udp 123"]);
    let services: Vec<&str> = rb.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(services, ["udp 123"]);
}

#[test]
fn deeply_nested_xml_and_huge_names_do_not_overflow() {
    let mut deep = String::from("<config>");
    for _ in 0..100_000 {
        deep.push_str("<a>");
    }
    for _ in 0..100_000 {
        deep.push_str("</a>");
    }
    deep.push_str("</config>");
    let found = errors(&Export::new("deep.xml", deep), None);
    assert_eq!(found.len(), 1, "{found:?}");
    let long = "N".repeat(10_000);
    let text = format!(
        "set address {long} ip-netmask 10.0.0.1\nset rulebase security rules {long} from any to any source {long} destination any application any service any action allow\n"
    );
    let rb = read(&Export::new("long.set", text), None).unwrap();
    assert_eq!(rb.rules[0].name.as_str().len(), 128);
    assert!(
        rb.findings
            .iter()
            .any(|f| f.message.contains("is not a name mccs can write"))
    );
}
