//! Azure Firewall Policy and Azure NSG exports: mapping, hostile and malformed exports (each
//! error with its file and line:column), and the verdicts of flows through a topology whose
//! firewalls read their rules from the exports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use std::path::{Path, PathBuf};

use mccs_import::rulebase::Reader;
use mccs_model::{
    Action, ExportFinding, Firewall, FirewallKind, FirewallObject, Format, ImportedRulebase,
    Platform, RuleList, RulebaseFormat, RulebaseReader, RulebaseRef, Severity, ValidateOptions,
    check_with,
};
use mccs_path::{Hop, Plan, PlanOptions, Verdict, plan};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rulebase/azure")
}

fn reader() -> Reader<impl FnMut(&str) -> Result<String, String>> {
    let d = dir();
    Reader::new(move |f: &str| std::fs::read_to_string(d.join(f)).map_err(|e| e.to_string()))
}

fn azure_fw() -> Firewall {
    Firewall::cloud(
        "azure-fw".parse().unwrap(),
        Platform::AzureAlz,
        "Public Cloud Team",
        "cloud".parse().unwrap(),
    )
}

fn nsg_fw() -> Firewall {
    Firewall::new(
        "vnet-nsg".parse().unwrap(),
        FirewallKind::SecurityGroup,
        "Project team",
        "team".parse().unwrap(),
    )
    .platform(Platform::AzureAlz)
}

fn policy_ref() -> RulebaseRef {
    RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "policy.json")
        .ip_groups("ip-groups.json")
        .parent("parent-policy.json")
}

fn read(fw: &Firewall, r: &RulebaseRef) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    reader().read(fw, r)
}

fn names(rb: &[mccs_model::Rule]) -> Vec<String> {
    rb.iter().map(|r| r.name.to_string()).collect()
}

/// `file:line:column: message` of each finding, for assertions.
fn shown(findings: &[ExportFinding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let l = f.place.location.unwrap();
            format!("{}:{}:{}: {}", f.place.file, l.line, l.column, f.message)
        })
        .collect()
}

#[test]
fn policy_rules_come_in_azure_processing_order() {
    let rb = read(&azure_fw(), &policy_ref()).unwrap();
    assert_eq!(
        names(&rb.rules),
        [
            // DNAT first.
            "inbound-dnat.rdp-jump",
            // Network rules: the parent's, then by group and collection priority.
            "deny-telnet.no-telnet",
            "legacy-allow.retired-host",
            "legacy-allow.ping-onprem",
            "deny-legacy.no-db-direct",
            "allow-oracle.app-to-ora",
            "allow-oracle.dns",
            "allow-oracle.telnet-legacy",
            "azure-services.to-storage",
            "fqdn-net.to-pg",
            // A network collection of the application group still comes before every
            // application rule.
            "late-net.no-http-onprem",
            "web-out.oracle-updates",
        ]
    );
    assert!(rb.outbound_rules.is_empty());
    assert_eq!(rb.rules.len(), rb.rules_at.len());
    let rule = |n: &str| rb.rules.iter().find(|r| r.name.as_str() == n).unwrap();
    let r = rule("allow-oracle.app-to-ora");
    assert_eq!(r.action, Action::Allow);
    assert_eq!(r.sources[0].to_string(), "ipg-xyz789-prod");
    assert_eq!(r.destinations[0].to_string(), "10.9.0.10/32");
    assert_eq!(r.services[0].to_string(), "tcp/1521");
    assert_eq!(
        r.description.as_deref(),
        Some("CLOUDFW-101 forms app to Oracle")
    );
    assert_eq!(r.unknown, None);
    let dns = rule("allow-oracle.dns");
    let svcs: Vec<String> = dns.services.iter().map(ToString::to_string).collect();
    assert_eq!(svcs, ["tcp/53", "udp/53"]);
    let deny = rule("deny-legacy.no-db-direct");
    assert_eq!(deny.action, Action::Deny);
    let svcs: Vec<String> = deny.services.iter().map(ToString::to_string).collect();
    assert_eq!(svcs, ["tcp/1521", "tcp/1522-1530"]);
    assert_eq!(
        rule("late-net.no-http-onprem")
            .services
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["tcp/80", "tcp/8000-8080", "udp/80", "udp/8000-8080", "icmp"]
    );
    // Unjudgeable parts: kept, widened to any, marked.
    let tag = rule("azure-services.to-storage");
    assert_eq!(tag.destinations[0].to_string(), "any");
    assert_eq!(
        tag.unknown.as_deref(),
        Some("service tag Storage.CanadaCentral")
    );
    assert_eq!(
        rule("fqdn-net.to-pg").unknown.as_deref(),
        Some("FQDN db.example.gov.bc.ca")
    );
    let app = rule("web-out.oracle-updates");
    assert_eq!(
        app.unknown.as_deref(),
        Some("FQDN *.oracle.com, updates.oracle.com")
    );
    assert_eq!(
        app.services
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["tcp/443", "tcp/8443"]
    );
    let dnat = rule("inbound-dnat.rdp-jump");
    assert_eq!(dnat.action, Action::Allow);
    assert_eq!(dnat.destinations[0].to_string(), "20.151.10.4/32");
    assert!(
        dnat.unknown
            .as_deref()
            .unwrap()
            .starts_with("DNAT to 10.2.0.10:3389")
    );
    // The rule naming only an empty IP Group matches nothing: kept, disabled.
    assert!(rule("legacy-allow.retired-host").disabled);
    // Each unknown and the disabled rule has its warning, located in its file.
    let warnings = shown(&rb.findings);
    assert!(
        warnings.iter().any(|w| w.starts_with("policy.json:")
            && w.contains(
                "rule `azure-services.to-storage` matches on service tag Storage.CanadaCentral"
            )),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("ip-groups.json:")
                && w.contains("`ipg-retired` holds no address")),
        "{warnings:#?}"
    );
    assert!(rb.findings.iter().all(|f| f.severity == Severity::Warning));
    // Where the rules came from: the parent's rule in the parent's file.
    let at = &rb.rules_at[1];
    assert_eq!(at.file, "parent-policy.json");
    assert_eq!(at.path, "[0].ruleCollections[0].rules[0]");
    assert_eq!(at.location.unwrap().line, 18);
}

#[test]
fn ip_groups_are_objects_named_by_the_ip_group() {
    let rb = read(&azure_fw(), &policy_ref()).unwrap();
    let shown: Vec<String> = rb
        .objects
        .iter()
        .map(|o| match o {
            FirewallObject::Group { name, members, .. } => format!(
                "{name} = group {}",
                members
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            o => format!("{} = {} {:?}", o.name(), o.kind(), o.own_prefixes()),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "ipg-xyz789-prod = network [10.2.0.0/25]",
            "ipg-onprem-db.1 = host [10.9.0.10/32]",
            "ipg-onprem-db.2 = range [10.9.0.11/32, 10.9.0.12/32]",
            "ipg-onprem-db.3 = network [10.9.1.0/24]",
            "ipg-onprem-db = group ipg-onprem-db.1 ipg-onprem-db.2 ipg-onprem-db.3",
        ]
    );
}

#[test]
fn a_policy_without_its_ip_groups_export_says_which_is_needed() {
    let r = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "policy.json");
    let errors = read(&azure_fw(), &r).unwrap_err();
    let shown = shown(&errors);
    assert!(
        shown.iter().any(|e| e.starts_with("policy.json:")
            && e.contains("names the IP Group `ipg-xyz789-prod`: give the `az network ip-group list --output json` export as the rulebase's `ip_groups`")),
        "{shown:#?}"
    );
}

#[test]
fn policy_on_a_firewall_of_another_kind_is_an_error() {
    let errors = read(&nsg_fw(), &policy_ref()).unwrap_err();
    assert!(
        errors[0]
            .message
            .contains("give firewall `vnet-nsg` `kind: cloud` and `platform: azure-alz`")
    );
}

#[test]
fn malformed_policy_is_located() {
    let r = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "bad-syntax.json");
    let errors = read(&azure_fw(), &r).unwrap_err();
    assert_eq!(errors.len(), 1);
    let s = shown(&errors);
    assert!(s[0].starts_with("bad-syntax.json:9:9: not the JSON `az network firewall policy rule-collection-group list"), "{s:#?}");
    let r = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "not-a-list.json");
    let s = shown(&read(&azure_fw(), &r).unwrap_err());
    assert!(
        s[0].starts_with("not-a-list.json:1:1: not the JSON"),
        "{s:#?}"
    );
    assert!(
        s[0].ends_with("expected a list of rule collection groups"),
        "{s:#?}"
    );
}

#[test]
fn hostile_policy_reports_every_problem_with_its_place() {
    let r = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "bad-policy.json")
        .ip_groups("ip-groups.json");
    let errors = read(&azure_fw(), &r).unwrap_err();
    let s = shown(&errors);
    let expect = [
        "bad-policy.json:4:17: `priority` must be a whole number from 100 to 65000, not 1e+23",
        "bad-policy.json:20:33: `sourceAddresses`: ",
        "bad-policy.json:30:34: `70000` is not a port or port range",
        "bad-policy.json:31:29: protocol `GRE` is not TCP, UDP, ICMP or Any",
        "bad-policy.json:36:32: IP Group `ipg-gone` is not in ip-groups.json",
        "bad-policy.json:55:31: rule collection type `FirewallPolicyUnknownRuleCollection` is not",
    ];
    assert_eq!(s.len(), expect.len(), "{s:#?}");
    for (got, want) in s.iter().zip(expect) {
        assert!(got.starts_with(want), "{got}\n  should start with\n{want}");
    }
    assert!(s[1].contains("10.2.0.0/33"), "{}", s[1]);
}

#[test]
fn nsg_rules_by_direction_and_priority() {
    let r = RulebaseRef::new(RulebaseFormat::AzureNsg, "nsgs.json").select("nsg-xyz789-prod");
    let rb = read(&nsg_fw(), &r).unwrap();
    assert_eq!(
        names(&rb.rules),
        [
            "allow-onprem-https",
            "allow-ssh-jump",
            "deny-onprem-ssh",
            "allow-vnet-8080",
            "allow-web-asg",
            "allow-lb-probe"
        ]
    );
    assert_eq!(
        names(&rb.outbound_rules),
        [
            "allow-ora",
            "allow-ntp-srcport",
            "allow-ipsec",
            "deny-onprem-rest"
        ]
    );
    let rule = |n: &str| {
        rb.rules
            .iter()
            .chain(&rb.outbound_rules)
            .find(|r| r.name.as_str() == n)
            .unwrap()
    };
    assert_eq!(
        rule("allow-ssh-jump").description.as_deref(),
        Some("Jump host")
    );
    assert_eq!(rule("deny-onprem-ssh").action, Action::Deny);
    assert_eq!(
        rule("allow-vnet-8080").unknown.as_deref(),
        Some("service tag VirtualNetwork")
    );
    let asg = rule("allow-web-asg");
    assert_eq!(
        asg.unknown.as_deref(),
        Some("application security group asg-web")
    );
    assert_eq!(asg.sources[0].to_string(), "any");
    assert_eq!(asg.destinations[0].to_string(), "10.2.0.0/24");
    assert_eq!(
        asg.services
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["tcp/80", "tcp/443"]
    );
    let lb = rule("allow-lb-probe");
    assert_eq!(lb.sources[0].to_string(), "168.63.129.16/32");
    assert_eq!(lb.unknown, None);
    assert_eq!(
        rule("allow-ntp-srcport").unknown.as_deref(),
        Some("source ports 123")
    );
    let esp = rule("allow-ipsec");
    assert_eq!(esp.unknown.as_deref(), Some("protocol Esp"));
    assert_eq!(esp.services[0].to_string(), "any");
    assert_eq!(rule("deny-onprem-rest").services[0].to_string(), "any");
    // The standard defaults, attached to subnets: no finding beyond the unknown rules.
    assert_eq!(rb.findings.len(), 4, "{:#?}", rb.findings);
    // Selecting by resource ID reads the same NSG.
    let id = "/subscriptions/0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03/resourceGroups/xyz789-prod-networking/providers/Microsoft.Network/networkSecurityGroups/nsg-xyz789-tools";
    let rb = read(
        &nsg_fw(),
        &RulebaseRef::new(RulebaseFormat::AzureNsg, "nsgs.json").select(id),
    )
    .unwrap();
    assert_eq!(names(&rb.rules), ["allow-https"]);
}

#[test]
fn nsg_missing_select_target_names_what_is_there() {
    let r = RulebaseRef::new(RulebaseFormat::AzureNsg, "nsgs.json").select("nsg-nope");
    let errors = read(&nsg_fw(), &r).unwrap_err();
    assert_eq!(
        errors[0].message,
        "no NSG `nsg-nope` in the export (it holds nsg-xyz789-prod, nsg-xyz789-tools): `select` must be an NSG's name or resource ID"
    );
    assert_eq!(errors[0].place.file, "nsgs.json");
}

#[test]
fn nsg_on_a_cloud_firewall_is_an_error() {
    let r = RulebaseRef::new(RulebaseFormat::AzureNsg, "nsgs.json").select("nsg-xyz789-prod");
    let errors = read(&azure_fw(), &r).unwrap_err();
    assert!(
        errors[0]
            .message
            .contains("`kind: security-group` and `platform: azure-alz`")
    );
}

#[test]
fn hostile_nsg_reports_every_problem_with_its_place() {
    let r = RulebaseRef::new(RulebaseFormat::AzureNsg, "bad-nsgs.json").select("nsg-hostile");
    let s = shown(&read(&nsg_fw(), &r).unwrap_err());
    let expect = [
        "bad-nsgs.json:7:21: `priority` must be a whole number from 100 to 4096, not 5000",
        "bad-nsgs.json:22:32: ",
        "bad-nsgs.json:21:21: protocol `Gre` is not Tcp, Udp, Icmp, Esp, Ah or *",
        "bad-nsgs.json:30:22: direction `Sideways` is not Inbound or Outbound",
        "bad-nsgs.json:31:19: access `Maybe` is not Allow or Deny",
        "bad-nsgs.json:36:33: `0-99999` is not a port or port range",
    ];
    assert_eq!(s.len(), expect.len(), "{s:#?}");
    for (got, want) in s.iter().zip(expect) {
        assert!(got.starts_with(want), "{got}\n  should start with\n{want}");
    }
    assert!(s[1].contains("10.9.0.0/40"), "{}", s[1]);
}

#[test]
fn nsg_defaults_that_differ_are_reported() {
    let text = std::fs::read_to_string(dir().join("nsgs.json")).unwrap();
    // One default rule changed to allow everything in.
    let changed = text.replacen(
        "\"access\": \"Deny\",\n        \"description\": \"Deny all inbound traffic\"",
        "\"access\": \"Allow\",\n        \"description\": \"Deny all inbound traffic\"",
        1,
    );
    assert_ne!(changed, text);
    let mut reader = Reader::new(move |_: &str| Ok(changed.clone()));
    let r = RulebaseRef::new(RulebaseFormat::AzureNsg, "nsgs.json").select("nsg-xyz789-prod");
    let rb = reader.read(&nsg_fw(), &r).unwrap();
    let w = shown(&rb.findings);
    assert!(
        w.iter().any(|w| w.contains("default rule `DenyAllInBound` of NSG `nsg-xyz789-prod` is not one of Azure's six standard default rules")),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("default rules lack DenyAllInBound")),
        "{w:#?}"
    );
}

/// An Azure Project Set (10.2.0.0/24) behind `vnet-nsg`, the Azure firewall, the 3PG and an
/// on-prem zone (10.9.0.0/16); the Azure firewall's and the NSG's rules come from the exports.
const TOPOLOGY: &str = r#"
version: 1
channels:
  - { name: cloud, title: Cloud firewall change request, filed_by: Project team, handled_by: Public Cloud Team }
  - { name: on-prem, title: On-premises firewall request, filed_by: Project team, handled_by: On-prem }
  - { name: team, title: Infrastructure change, filed_by: Project team, handled_by: Project team }
firewalls:
  - name: azure-fw
    kind: cloud
    platform: azure-alz
    owner: Public Cloud Team
    channel: cloud
    rulebase: { format: azure-firewall-policy, file: policy.json, parent: parent-policy.json, ip_groups: ip-groups.json }
  - name: 3pg
    kind: edge
    owner: On-prem
    channel: on-prem
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: zone-fw
    kind: zone
    owner: On-prem
    channel: on-prem
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: vnet-nsg
    kind: security-group
    platform: azure-alz
    owner: Project team
    channel: team
    rulebase: { format: azure-nsg, file: nsgs.json, select: nsg-xyz789-prod }
project_sets:
  - license_plate: xyz789
    ministry: CITZ
    platform: azure-alz
    environments:
      prod:
        account: 0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03
        region: canadacentral
        address_space: [10.2.0.0/24]
        security_groups: [vnet-nsg]
on_prem:
  edge_firewall: 3pg
  zones:
    - name: zone-b
      firewall: zone-fw
      networks: [10.9.0.0/16]
      endpoints:
        - { name: ora, address: 10.9.0.10 }
        - { name: app-server, address: 10.9.0.20 }
hybrid_links:
  - { name: er, kind: express-route, redundancy: primary, encryption: ipsec }
flows:
  - { name: f, source: SOURCE, destination: DESTINATION, services: [SERVICE]INITIATOR }
"#;

fn traced(source: &str, destination: &str, service: &str) -> Plan {
    let on_prem = source.starts_with("10.9.") || matches!(source, "ora" | "app-server");
    let text = TOPOLOGY
        .replace("SOURCE", source)
        .replace("DESTINATION", destination)
        .replace("SERVICE", service)
        .replace(
            "INITIATOR",
            if on_prem { ", initiator: on-prem" } else { "" },
        );
    let checked = check_with(
        &text,
        Format::Yaml,
        &ValidateOptions::default(),
        &mut reader(),
    );
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let t = checked.topology;
    plan(&t, &t.flows, &PlanOptions::default())
}

fn hop<'a>(p: &'a Plan, node: &str, list: Option<RuleList>) -> &'a Hop {
    let tr = &p.flows[0].directions[0].trace;
    tr.paths[0]
        .hops
        .iter()
        .find(|h| h.node() == node && h.list() == list)
        .unwrap_or_else(|| panic!("no hop {node} {list:?} in {:#?}", tr.paths[0].hops))
}

fn fw_verdict(source: &str, destination: &str, service: &str) -> Verdict {
    let p = traced(source, destination, service);
    hop(&p, "azure-fw", None).verdict().cloned().unwrap()
}

fn allowed(rule: &str) -> Verdict {
    Verdict::Allowed {
        rules: vec![rule.to_owned()],
    }
}

fn denied(rule: &str) -> Verdict {
    Verdict::Denied {
        rules: vec![rule.to_owned()],
        implicit_deny_too: false,
    }
}

fn unknown_naming(v: &Verdict, rule: &str) {
    match v {
        Verdict::Unknown { reason } => assert!(reason.contains(rule), "{reason}"),
        other => panic!("expected unknown naming {rule}, got {other:?}"),
    }
}

#[test]
fn azure_firewall_policy_verdicts_follow_azure_processing_order() {
    // The app half of the VNet reaches Oracle through the allow collection.
    assert_eq!(
        fw_verdict("10.2.0.10/32", "ora", "tcp/1521"),
        allowed("allow-oracle.app-to-ora")
    );
    // The other half: the deny collection has the lower priority number, so it is evaluated
    // first, though it comes later in the export; the disabled rule before it is ignored.
    assert_eq!(
        fw_verdict("10.2.0.200/32", "ora", "tcp/1521"),
        denied("deny-legacy.no-db-direct")
    );
    // The parent policy's deny comes before the child's allow.
    assert_eq!(
        fw_verdict("10.2.0.10/32", "app-server", "tcp/23"),
        denied("deny-telnet.no-telnet")
    );
    // A network rule (in the application group) before every application rule.
    assert_eq!(
        fw_verdict("10.2.0.10/32", "app-server", "tcp/8080"),
        denied("late-net.no-http-onprem")
    );
    // The service tag rule: unknown, naming it.
    unknown_naming(
        &fw_verdict("10.2.0.10/32", "app-server", "tcp/443"),
        "azure-services.to-storage",
    );
    // FQDN application rule: unknown, naming it.
    unknown_naming(
        &fw_verdict("10.2.0.10/32", "app-server", "tcp/8443"),
        "web-out.oracle-updates",
    );
    // No rule: Azure Firewall denies.
    assert_eq!(
        fw_verdict("10.2.0.10/32", "app-server", "tcp/9999"),
        Verdict::NoMatchingRule
    );
}

fn nsg_verdict(source: &str, destination: &str, service: &str, list: RuleList) -> Verdict {
    let p = traced(source, destination, service);
    hop(&p, "vnet-nsg", Some(list)).verdict().cloned().unwrap()
}

#[test]
fn nsg_verdicts_follow_priority_and_azure_defaults() {
    let inbound = RuleList::Inbound;
    // Priority 150 is evaluated before 200, though it comes later in the export.
    assert_eq!(
        nsg_verdict("app-server", "10.2.0.10/32", "tcp/22", inbound),
        allowed("allow-ssh-jump")
    );
    assert_eq!(
        nsg_verdict("ora", "10.2.0.10/32", "tcp/22", inbound),
        denied("deny-onprem-ssh")
    );
    assert_eq!(
        nsg_verdict("ora", "10.2.0.10/32", "tcp/443", inbound),
        allowed("allow-onprem-https")
    );
    // The VirtualNetwork tag in a rule: unknown, naming the rule.
    unknown_naming(
        &nsg_verdict("ora", "10.2.0.10/32", "tcp/8080", inbound),
        "allow-vnet-8080",
    );
    // No rule of the NSG: Azure's default rule decides (on-prem is in VirtualNetwork).
    assert_eq!(
        nsg_verdict("ora", "10.2.0.10/32", "tcp/9000", inbound),
        allowed("AllowVnetInBound")
    );
    // Outbound list.
    assert_eq!(
        nsg_verdict("10.2.0.10/32", "ora", "tcp/1521", RuleList::Outbound),
        allowed("allow-ora")
    );
    assert_eq!(
        nsg_verdict("10.2.0.10/32", "ora", "tcp/5432", RuleList::Outbound),
        denied("deny-onprem-rest")
    );
}

#[test]
fn ten_thousand_rule_policy_loads() {
    let text = big_policy(10_000);
    let mut reader = Reader::new(move |_: &str| Ok(text.clone()));
    let r = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "big.json");
    let rb = reader.read(&azure_fw(), &r).unwrap();
    assert_eq!(rb.rules.len(), 10_000);
    assert_eq!(rb.rules[0].name.as_str(), "c000.r0000");
}

/// A policy of `n` network rules: 10 groups of 10 collections, alternately deny and allow.
fn big_policy(n: usize) -> String {
    let per = n.div_ceil(100).max(1);
    let mut groups = Vec::new();
    let mut left = n;
    for g in 0..10 {
        let mut colls = Vec::new();
        for c in 0..10 {
            let k = g * 10 + c;
            let mut rules = Vec::new();
            for r in 0..per.min(left) {
                rules.push(format!(
                    r#"{{"description": null, "destinationAddresses": ["10.{}.{}.0/24"], "destinationFqdns": [], "destinationIpGroups": [], "destinationPorts": ["{}"], "ipProtocols": ["TCP"], "name": "r{r:04}", "ruleType": "NetworkRule", "sourceAddresses": ["10.200.{}.0/24"], "sourceIpGroups": []}}"#,
                    k % 250,
                    r % 250,
                    1000 + r,
                    c
                ));
            }
            left -= per.min(left);
            colls.push(format!(
                r#"{{"action": {{"type": "{}"}}, "name": "c{k:03}", "priority": {}, "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "rules": [{}]}}"#,
                if c % 2 == 0 { "Deny" } else { "Allow" },
                100 + c * 10,
                rules.join(", ")
            ));
        }
        groups.push(format!(
            r#"{{"name": "g{g}", "priority": {}, "ruleCollections": [{}]}}"#,
            100 + g * 100,
            colls.join(", ")
        ));
    }
    format!("[{}]", groups.join(",\n"))
}

/// Every cut of the exports and a few byte-level corruptions: an error or a rulebase, never a
/// panic.
#[test]
fn truncated_and_corrupted_exports_never_panic() {
    for file in [
        "policy.json",
        "nsgs.json",
        "ip-groups.json",
        "parent-policy.json",
    ] {
        let text = std::fs::read_to_string(dir().join(file)).unwrap();
        let mut variants: Vec<String> = (0..text.len())
            .step_by(text.len() / 40 + 1)
            .filter_map(|n| text.get(..n).map(str::to_owned))
            .collect();
        for (from, to) in [
            ("\"priority\": 200", "\"priority\": -1"),
            ("\"priority\": 100", "\"priority\": 1e400"),
            ("[", "[[[[[[[[[["),
            ("\"TCP\"", "null"),
            ("\"Tcp\"", "{}"),
            ("\"name\"", "\"nom\""),
            ("\"rules\": [", "\"rules\": {\"a\": ["),
            ("10.", "10.\\u0000"),
        ] {
            variants.push(text.replacen(from, to, 1));
            variants.push(text.replace(from, to));
        }
        for v in variants {
            let pol = v.clone();
            let mut reader = Reader::new(move |f: &str| {
                if f == "x.json" {
                    Ok(pol.clone())
                } else {
                    std::fs::read_to_string(dir().join(f)).map_err(|e| e.to_string())
                }
            });
            let as_policy = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "x.json")
                .ip_groups("ip-groups.json");
            let _ = reader.read(&azure_fw(), &as_policy);
            let as_ipg = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "policy.json")
                .ip_groups("x.json");
            let _ = reader.read(&azure_fw(), &as_ipg);
            let as_nsg =
                RulebaseRef::new(RulebaseFormat::AzureNsg, "x.json").select("nsg-xyz789-prod");
            if let Err(errors) = reader.read(&nsg_fw(), &as_nsg) {
                assert!(!errors.is_empty());
                assert!(errors.iter().all(|e| e.place.file == "x.json"));
            }
        }
    }
}

/// `nsg show` (one NSG object) and the REST API's unflattened `properties` are read too.
#[test]
fn nsg_show_and_rest_shapes_are_read() {
    let text = std::fs::read_to_string(dir().join("nsgs.json")).unwrap();
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let one = serde_json::to_string_pretty(&list[1]).unwrap();
    let mut reader = Reader::new(move |_: &str| Ok(one.clone()));
    let r = RulebaseRef::new(RulebaseFormat::AzureNsg, "show.json").select("nsg-xyz789-tools");
    let rb = reader.read(&nsg_fw(), &r).unwrap();
    assert_eq!(names(&rb.rules), ["allow-https"]);

    let rest = r#"[{"name": "g", "properties": {"priority": 100, "ruleCollections": [
        {"name": "c", "properties": {"priority": 100, "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
         "action": {"type": "Deny"}, "rules": [{"name": "r", "ruleType": "NetworkRule",
         "sourceAddresses": ["10.0.0.0/8"], "destinationAddresses": ["*"], "destinationPorts": ["22"],
         "ipProtocols": ["TCP"]}]}}]}}]"#;
    let mut reader = Reader::new(move |_: &str| Ok(rest.to_owned()));
    let r = RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, "rest.json");
    let rb = reader.read(&azure_fw(), &r).unwrap();
    assert_eq!(names(&rb.rules), ["c.r"]);
    assert_eq!(rb.rules[0].action, Action::Deny);
    assert_eq!(
        rb.rules_at[0].path,
        "[0].properties.ruleCollections[0].properties.rules[0]"
    );
    assert_eq!(rb.rules_at[0].location.map(|l| l.line), Some(3));
}
