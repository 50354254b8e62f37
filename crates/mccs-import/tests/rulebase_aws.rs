//! The AWS readers (security groups, network ACLs, Network Firewall) on exports in the shape
//! the AWS CLI writes, hostile and malformed ones included, and flows traced through a
//! topology whose firewalls take their rules from those exports, with the verdicts AWS
//! documents.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panicking test is a failing test

use std::path::PathBuf;

use mccs_import::rulebase::{Export, Reader, aws_sg, nacl, nfw};
use mccs_model::{
    Action, Checked, Diagnostic, ExportFinding, Firewall, Format, ImportedRulebase, RuleList,
    Severity, ValidateOptions, check_with,
};
use mccs_path::{Plan, PlanOptions, Verdict, plan};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rulebase/aws")
}

fn export(file: &str) -> Export {
    Export::new(file, std::fs::read_to_string(dir().join(file)).unwrap())
}

/// A firewall of `kind` for the readers.
fn firewall(kind: &str) -> Firewall {
    let doc = format!(
        "version: 1\nchannels:\n  - {{name: c, title: C, filed_by: a, handled_by: b}}\nfirewalls:\n  - {{name: fw, kind: {kind}, platform: aws-lza, owner: o, channel: c}}\n"
    );
    let c = mccs_model::check(&doc, Format::Yaml, &ValidateOptions::default());
    c.topology.firewalls[0].clone()
}

fn names(rules: &[mccs_model::Rule]) -> Vec<String> {
    rules.iter().map(|r| r.name.to_string()).collect()
}

fn messages(findings: &[ExportFinding]) -> Vec<String> {
    findings.iter().map(ToString::to_string).collect()
}

fn has(findings: &[ExportFinding], what: &str) -> bool {
    findings.iter().any(|f| f.to_string().contains(what))
}

// ---------------------------------------------------------------- security groups

fn sg(select: &str) -> ImportedRulebase {
    aws_sg::read(
        &export("describe-security-groups.json"),
        select,
        &firewall("security-group"),
    )
    .unwrap_or_else(|e| panic!("{:#?}", messages(&e)))
}

#[test]
fn security_group_rules_are_one_per_address_entry_with_unknown_ones_last() {
    let rb = sg("sg-0a1b2c3d4e5f60002");
    // Exact rules in export order, then the prefix-list, group and ICMP-type ones.
    assert_eq!(
        names(&rb.rules),
        [
            "sg-0a1b2c3d4e5f60002-in-1",
            "sg-0a1b2c3d4e5f60002-in-2",
            "sg-0a1b2c3d4e5f60002-in-3",
            "sg-0a1b2c3d4e5f60002-in-7",
            "sg-0a1b2c3d4e5f60002-in-4",
            "sg-0a1b2c3d4e5f60002-in-5",
            "sg-0a1b2c3d4e5f60002-in-6",
        ]
    );
    let r = &rb.rules[0];
    assert_eq!(r.action, Action::Allow);
    assert_eq!(r.sources[0].to_string(), "10.9.0.20/32");
    assert_eq!(r.destinations[0].to_string(), "any");
    assert_eq!(r.services[0].to_string(), "tcp/22");
    assert_eq!(
        r.description.as_deref(),
        Some("SSH from the on-prem app server")
    );
    assert_eq!(rb.rules[2].sources[0].to_string(), "fd00:9::/48");
    assert_eq!(rb.rules[3].services[0].to_string(), "udp/5000-5010");
    let pl = &rb.rules[4];
    assert_eq!(pl.sources[0].to_string(), "any");
    assert!(
        pl.unknown
            .as_deref()
            .unwrap()
            .contains("pl-0aa11bb22cc33dd44"),
        "{pl:?}"
    );
    assert!(
        rb.rules[5]
            .unknown
            .as_deref()
            .unwrap()
            .contains("members of security group sg-0a1b2c3d4e5f60003")
    );
    assert!(
        rb.rules[6]
            .unknown
            .as_deref()
            .unwrap()
            .contains("ICMP type 8 code any")
    );
    // Outbound: protocol "6" is TCP.
    assert_eq!(
        names(&rb.outbound_rules),
        ["sg-0a1b2c3d4e5f60002-out-1", "sg-0a1b2c3d4e5f60002-out-2"]
    );
    assert_eq!(rb.outbound_rules[1].services[0].to_string(), "tcp/443");
    assert_eq!(
        rb.outbound_rules[1].destinations[0].to_string(),
        "10.9.0.0/16"
    );
    // One warning per unknown rule, located at its entry.
    assert_eq!(rb.findings.len(), 3, "{:#?}", messages(&rb.findings));
    assert!(rb.findings.iter().all(|f| f.severity == Severity::Warning));
    assert!(rb.findings[0].place.location.is_some());
    assert_eq!(
        rb.findings[0].place.path,
        "SecurityGroups[1].IpPermissions[2].PrefixListIds[0]"
    );
    assert_eq!(rb.rules_at.len(), rb.rules.len());
    assert_eq!(
        rb.rules_at[0].path,
        "SecurityGroups[1].IpPermissions[0].IpRanges[0]"
    );
}

#[test]
fn security_group_is_selected_by_name_and_its_ports_0_to_65535_are_every_port() {
    let rb = sg("Web");
    assert_eq!(names(&rb.rules), ["sg-0a1b2c3d4e5f60003-in-1"]);
    assert_eq!(rb.rules[0].services[0].to_string(), "tcp");
    assert!(
        rb.outbound_rules.is_empty(),
        "no egress: the model's default egress applies"
    );
    // The default group: its self-reference is unknown, its default egress rule a rule.
    let rb = sg("default");
    assert!(rb.rules[0].unknown.is_some());
    assert_eq!(rb.outbound_rules[0].services[0].to_string(), "any");
    assert_eq!(
        rb.outbound_rules[0].destinations[0].to_string(),
        "0.0.0.0/0"
    );
}

#[test]
fn security_group_select_that_names_nothing_is_an_error_listing_the_groups() {
    let e = aws_sg::read(
        &export("describe-security-groups.json"),
        "sg-nothere",
        &firewall("security-group"),
    )
    .unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].place.file, "describe-security-groups.json");
    assert_eq!(e[0].place.location.unwrap().to_string(), "2:23");
    assert!(
        e[0].message.contains(
            "no security group `sg-nothere` in this export (it holds sg-0a1b2c3d4e5f60001, sg-0a1b2c3d4e5f60002, sg-0a1b2c3d4e5f60003)"
        ),
        "{}",
        e[0]
    );
}

#[test]
fn security_group_export_read_for_another_kind_of_firewall_is_an_error() {
    let e = aws_sg::read(
        &export("describe-security-groups.json"),
        "Web",
        &firewall("cloud"),
    )
    .unwrap_err();
    assert!(
        has(
            &e,
            "firewall `fw` is of kind `cloud`: set `kind: security-group`"
        ),
        "{:#?}",
        messages(&e)
    );
}

#[test]
fn security_group_syntax_error_is_located() {
    let e = aws_sg::read(&export("sg-syntax.json"), "x", &firewall("security-group")).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].place.file, "sg-syntax.json");
    assert_eq!(e[0].place.location.unwrap().to_string(), "7:13");
    assert!(
        e[0].message
            .starts_with("not the JSON `aws ec2 describe-security-groups --output json` writes"),
        "{}",
        e[0]
    );
}

#[test]
fn security_group_hostile_values_are_each_reported_at_their_place() {
    let e = aws_sg::read(
        &export("sg-hostile.json"),
        "sg-bad",
        &firewall("security-group"),
    )
    .unwrap_err();
    let m = messages(&e);
    let want = [
        "sg-hostile.json:11:45: SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: `10.0.0.300/24`: part 300 is larger than 255",
        "sg-hostile.json:15:35: SecurityGroups[0].IpPermissions[1].IpProtocol: `tcpx` is not an IP protocol",
        "sg-hostile.json:19:33: SecurityGroups[0].IpPermissions[2].FromPort: port range 22-70000 is not one",
        "sg-hostile.json:25:33: SecurityGroups[0].IpPermissions[3].FromPort: `FromPort` is 1e+20, not a whole number in range",
        "sg-hostile.json:30:17: SecurityGroups[0].IpPermissions[4]: a permission is a string, not an object",
        "sg-hostile.json:32:36: SecurityGroups[0].IpPermissionsEgress: `IpPermissionsEgress` is an object, not a list",
    ];
    for w in want {
        assert!(m.iter().any(|x| x.contains(w)), "missing {w} in {m:#?}");
    }
    assert_eq!(m.len(), want.len(), "{m:#?}");
}

// ---------------------------------------------------------------- network ACLs

fn data_acl() -> ImportedRulebase {
    nacl::read(
        &export("describe-network-acls.json"),
        "acl-0f1e2d3c4b5a60002",
        &firewall("network-acl"),
    )
    .unwrap_or_else(|e| panic!("{:#?}", messages(&e)))
}

#[test]
fn network_acl_entries_keep_their_numbers_and_the_star_rule_is_the_implicit_deny() {
    let rb = data_acl();
    assert_eq!(
        names(&rb.rules),
        [
            "acl-0f1e2d3c4b5a60002-in-100",
            "acl-0f1e2d3c4b5a60002-in-120",
            "acl-0f1e2d3c4b5a60002-in-110",
            "acl-0f1e2d3c4b5a60002-in-130",
        ]
    );
    let numbers: Vec<Option<u32>> = rb.rules.iter().map(|r| r.priority).collect();
    assert_eq!(numbers, [Some(100), Some(120), Some(110), Some(130)]);
    let deny = &rb.rules[2];
    assert_eq!(deny.action, Action::Deny);
    assert_eq!(deny.sources[0].to_string(), "10.9.0.20/32");
    assert_eq!(deny.services[0].to_string(), "any");
    assert_eq!(rb.rules[0].services[0].to_string(), "tcp/5432");
    assert_eq!(
        names(&rb.outbound_rules),
        [
            "acl-0f1e2d3c4b5a60002-out-100",
            "acl-0f1e2d3c4b5a60002-out-110",
            "acl-0f1e2d3c4b5a60002-out-120",
        ]
    );
    assert_eq!(
        rb.outbound_rules[0].destinations[0].to_string(),
        "10.1.0.32/27"
    );
    assert_eq!(rb.outbound_rules[0].sources[0].to_string(), "any");
    assert_eq!(rb.outbound_rules[2].services[0].to_string(), "icmp");
    assert!(rb.outbound_rules[2].unknown.is_none(), "every ICMP type");
    // ICMP echo reply only: unknown. And the associations, reported.
    assert!(
        rb.rules[3]
            .unknown
            .as_deref()
            .unwrap()
            .contains("ICMP type 0 code 0 only")
    );
    assert!(
        has(
            &rb.findings,
            "associated with subnets subnet-0ccc3333dddd44440, subnet-0eee5555ffff66660"
        ),
        "{:#?}",
        messages(&rb.findings)
    );
}

#[test]
fn network_acl_hostile_entries_are_each_reported() {
    let e = nacl::read(
        &export("nacl-hostile.json"),
        "acl-bad",
        &firewall("network-acl"),
    )
    .unwrap_err();
    let m = messages(&e);
    let want = [
        "nacl-hostile.json:11:35: NetworkAcls[0].Entries[0].RuleNumber: rule number 40000 is not one: AWS numbers entries 1 to 32766",
        "nacl-hostile.json:17:35: NetworkAcls[0].Entries[1].RuleAction: `permit` is not a rule action",
        "nacl-hostile.json:23:33: NetworkAcls[0].Entries[2].Protocol: `gre` is not an IP protocol",
        "nacl-hostile.json:28:34: NetworkAcls[0].Entries[3].CidrBlock: `not-a-cidr`: not an IP address",
        "nacl-hostile.json:39:35: NetworkAcls[0].Entries[4].RuleNumber: rule number 32767 is AWS's default `*` rule",
        "nacl-hostile.json:41:17: NetworkAcls[0].Entries[5]: `RuleNumber` is missing",
    ];
    for w in want {
        assert!(m.iter().any(|x| x.contains(w)), "missing {w} in {m:#?}");
    }
    assert_eq!(m.len(), want.len(), "{m:#?}");
    let e = nacl::read(
        &export("describe-network-acls.json"),
        "acl-nothere",
        &firewall("network-acl"),
    )
    .unwrap_err();
    assert!(
        has(
            &e,
            "describe-network-acls.json:2:20: NetworkAcls: no network ACL `acl-nothere` in this export (it holds acl-0f1e2d3c4b5a60001, acl-0f1e2d3c4b5a60002)"
        ),
        "{:#?}",
        messages(&e)
    );
}

// ---------------------------------------------------------------- Network Firewall

fn nfw_groups() -> Vec<Export> {
    [
        "nfw-rg-blocklist.json",
        "nfw-rg-egress.json",
        "nfw-rg-tls.json",
    ]
    .into_iter()
    .map(export)
    .collect()
}

#[test]
fn network_firewall_policy_is_one_list_in_evaluation_order() {
    let rb = nfw::read(
        &export("nfw-policy.json"),
        &nfw_groups(),
        &firewall("cloud"),
    )
    .unwrap_or_else(|e| panic!("{:#?}", messages(&e)));
    assert_eq!(
        names(&rb.rules),
        [
            "blocklist-10",
            "blocklist-10-return",
            "egress-rules-sid-1001",
            "egress-rules-sid-1002",
            "egress-rules-sid-1003",
            "egress-rules-sid-1004",
            "egress-rules-sid-1004-reverse",
            "tls-sni-suricata",
            "lza-central-policy-stateful-default-drop",
        ]
    );
    let r = &rb.rules[2];
    assert_eq!(r.action, Action::Allow);
    assert_eq!(r.sources[0].to_string(), "HOME_NET");
    assert_eq!(r.destinations[0].to_string(), "ONPREM_DB");
    assert_eq!(
        r.services
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["tcp/1521", "tcp/5432"]
    );
    assert_eq!(
        r.description.as_deref(),
        Some("abc123-prod to the on-prem databases")
    );
    assert_eq!(
        rb.rules[4]
            .services
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["tcp/8000-8099", "tcp/8443"]
    );
    assert!(rb.rules[5].disabled, "ALERT only logs");
    assert!(
        rb.rules[7]
            .unknown
            .as_deref()
            .unwrap()
            .contains("2 Suricata rule(s) of rule group tls-sni")
    );
    assert_eq!(rb.rules[8].action, Action::Deny);
    // The variables: HOME_NET is the same in both groups, ONPREM_DB a group of two hosts.
    let objects: Vec<String> = rb
        .objects
        .iter()
        .map(|o| format!("{} {}", o.kind(), o.name()))
        .collect();
    assert_eq!(
        objects,
        [
            "network HOME_NET",
            "network ONPREM_DB-1",
            "network ONPREM_DB-2",
            "group ONPREM_DB"
        ]
    );
}

#[test]
fn network_firewall_default_action_order_puts_pass_before_drop_and_passes_the_rest() {
    let policy = std::fs::read_to_string(dir().join("nfw-policy.json"))
        .unwrap()
        .replace("STRICT_ORDER", "DEFAULT_ACTION_ORDER");
    let rb = nfw::read(
        &Export::new("p.json", policy),
        &nfw_groups(),
        &firewall("cloud"),
    )
    .unwrap();
    assert_eq!(
        names(&rb.rules),
        [
            "blocklist-10",
            "blocklist-10-return",
            "egress-rules-sid-1001",
            "egress-rules-sid-1003",
            "tls-sni-suricata",
            "egress-rules-sid-1002",
            "egress-rules-sid-1004",
            "egress-rules-sid-1004-reverse",
            "lza-central-policy-stateful-default-pass",
        ]
    );
    assert_eq!(rb.rules[8].action, Action::Allow);
}

#[test]
fn network_firewall_forwarding_rule_in_the_middle_narrows_the_stateful_list() {
    // A stateless rule forwarding the VPC's TCP to the stateful engine, then a default drop.
    let group = std::fs::read_to_string(dir().join("nfw-rg-blocklist.json"))
        .unwrap()
        .replace("\"10.9.5.0/24\"", "\"10.1.0.0/24\"")
        .replace("\"Protocols\": []", "\"Protocols\": [6]")
        .replace("aws:drop", "aws:forward_to_sfe");
    let policy = std::fs::read_to_string(dir().join("nfw-policy.json"))
        .unwrap()
        .replace(
            "\"StatelessDefaultActions\": [\n            \"aws:forward_to_sfe\"",
            "\"StatelessDefaultActions\": [\n            \"aws:drop\"",
        );
    let groups = vec![
        Export::new("g.json", group),
        export("nfw-rg-egress.json"),
        export("nfw-rg-tls.json"),
    ];
    let rb = nfw::read(&Export::new("p.json", policy), &groups, &firewall("cloud"))
        .unwrap_or_else(|e| panic!("{:#?}", messages(&e)));
    assert_eq!(
        names(&rb.rules),
        [
            "blocklist-10.egress-rules-sid-1001",
            "blocklist-10.egress-rules-sid-1002",
            "blocklist-10.egress-rules-sid-1003",
            "blocklist-10.egress-rules-sid-1004",
            "blocklist-10.egress-rules-sid-1004-reverse",
            "blocklist-10.tls-sni-suricata",
            "blocklist-10.lza-central-policy-stateful-default-drop",
            "lza-central-policy-stateless-default-drop",
        ]
    );
    // Narrowed: TCP only, from the VPC.
    assert_eq!(rb.rules[0].sources[0].to_string(), "10.1.0.0/24");
    assert_eq!(rb.rules[5].services[0].to_string(), "tcp");
    assert_eq!(rb.rules[7].action, Action::Deny);
}

#[test]
fn network_firewall_hostile_exports_are_each_reported() {
    let groups = vec![export("nfw-rg-hostile.json")];
    let e = nfw::read(
        &export("nfw-policy-hostile.json"),
        &groups,
        &firewall("cloud"),
    )
    .unwrap_err();
    let m = messages(&e);
    let want = [
        "nfw-policy-hostile.json:5:32: FirewallPolicy.StatefulRuleGroupReferences[0].ResourceArn: rule group arn:aws:network-firewall:ca-central-1:222222222222:stateful-rulegroup/missing is not among the firewall's `rule_groups`",
        "nfw-policy-hostile.json:14:26: FirewallPolicy.StatefulEngineOptions.RuleOrder: `RANDOM` is not a rule order",
        "nfw-policy-hostile.json:16:36: FirewallPolicy.StatelessDefaultActions: `aws:maybe` is not a standard action",
        "nfw-rg-hostile.json:9:37: RuleGroup.RulesSource.StatefulRules[0].Header.Protocol: `XYZ` is not a stateful rule protocol",
        "nfw-rg-hostile.json:21:66: RuleGroup.RulesSource.StatefulRules[1].Header.DestinationPort: `70000` is not a port",
        "nfw-rg-hostile.json:31:38: RuleGroup.RulesSource.StatefulRules[2].Header.Direction: `SIDEWAYS` is not a direction",
        "nfw-rg-hostile.json:38:35: RuleGroup.RulesSource.StatefulRules[3].Header.Source: `10.0.0.0/33`: prefix length 33 is longer than 32",
    ];
    for w in want {
        assert!(m.iter().any(|x| x.contains(w)), "missing {w} in {m:#?}");
    }
    assert_eq!(m.len(), want.len(), "{m:#?}");
}

#[test]
fn network_firewall_with_many_rules_reads_in_linear_time() {
    // 5,000 stateful rules, generated (no large file committed).
    let mut rules = Vec::new();
    for i in 0..5_000u32 {
        rules.push(format!(
            r#"{{"Action":"PASS","Header":{{"Protocol":"TCP","Source":"10.{}.{}.0/24","SourcePort":"ANY","Direction":"FORWARD","Destination":"ANY","DestinationPort":"{}"}},"RuleOptions":[{{"Keyword":"sid","Settings":["{}"]}}]}}"#,
            i / 256 % 256,
            i % 256,
            1 + i % 65535,
            i + 1
        ));
    }
    let group = format!(
        r#"{{"RuleGroup":{{"RulesSource":{{"StatefulRules":[{}]}}}},"RuleGroupResponse":{{"RuleGroupArn":"arn:aws:network-firewall:ca-central-1:222222222222:stateful-rulegroup/egress-rules","RuleGroupName":"big","Type":"STATEFUL"}}}}"#,
        rules.join(",")
    );
    let policy = r#"{"FirewallPolicy":{"StatelessDefaultActions":["aws:forward_to_sfe"],"StatelessFragmentDefaultActions":["aws:forward_to_sfe"],"StatefulRuleGroupReferences":[{"ResourceArn":"arn:aws:network-firewall:ca-central-1:222222222222:stateful-rulegroup/egress-rules","Priority":1}],"StatefulEngineOptions":{"RuleOrder":"STRICT_ORDER"},"StatefulDefaultActions":["aws:drop_strict"]}}"#;
    let start = std::time::Instant::now();
    let rb = nfw::read(
        &Export::new("p.json", policy),
        &[Export::new("g.json", group)],
        &firewall("cloud"),
    )
    .unwrap();
    assert_eq!(rb.rules.len(), 5_001);
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

// ---------------------------------------------------------------- semantics, traced

/// An AWS LZA VPC (App and Data subnets; the App security group, the Data network ACL and the
/// central Network Firewall all read from the fixtures), an on-prem zone with two endpoints.
const TOPOLOGY: &str = r#"
version: 1
channels:
  - { name: cloud, title: Cloud firewall change request, filed_by: Project team, handled_by: Public Cloud Team }
  - { name: on-prem, title: On-premises firewall request, filed_by: Project team, handled_by: On-prem }
  - { name: team, title: Infrastructure change, filed_by: Project team, handled_by: Project team }
firewalls:
  - name: aws-fw
    kind: cloud
    platform: aws-lza
    owner: Public Cloud Team
    channel: cloud
{aws_fw}
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
  - name: data-nacl
    kind: network-acl
    platform: aws-lza
    owner: Project team
    channel: team
    rulebase: { format: aws-network-acl, file: describe-network-acls.json, select: acl-0f1e2d3c4b5a60002 }
  - name: app-sg
    kind: security-group
    platform: aws-lza
    owner: Project team
    channel: team
    rulebase: { format: aws-security-group, file: describe-security-groups.json, select: {sg} }
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: aws-lza
    environments:
      prod:
        account: "111111111111"
        region: ca-central-1
        address_space: [10.1.0.0/24]
        security_groups: [app-sg]
        subnets:
          - { name: web-a, cidr: 10.1.0.0/27 }
          - { name: app-a, cidr: 10.1.0.32/27 }
          - { name: data-a, cidr: 10.1.0.64/28, network_acl: data-nacl }
          - { name: data-b, cidr: 10.1.0.80/28, network_acl: data-nacl }
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
  - { name: dx, kind: direct-connect, redundancy: primary, encryption: ipsec }
flows:
{flows}
"#;

const ALLOW_ALL: &str = "    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]";

const NFW: &str = "    rulebase: { format: aws-network-firewall, file: nfw-policy.json, rule_groups: [nfw-rg-blocklist.json, nfw-rg-egress.json, nfw-rg-tls.json] }";

fn checked(aws_fw: &str, sg: &str, flows: &[(&str, &str, &str, bool)]) -> Checked {
    let flows: String = flows
        .iter()
        .enumerate()
        .map(|(i, (s, d, svc, on_prem))| {
            format!(
                "  - {{ name: f{i}, source: {s}, destination: {d}, services: [{svc}]{} }}\n",
                if *on_prem { ", initiator: on-prem" } else { "" }
            )
        })
        .collect();
    let text = TOPOLOGY
        .replace("{aws_fw}", aws_fw)
        .replace("{sg}", sg)
        .replace("{flows}", &flows);
    let mut reader = Reader::new(|f: &str| {
        if f == "nfw-policy-no-tls.json" {
            // The central policy without its Suricata group.
            let p = std::fs::read_to_string(dir().join("nfw-policy.json")).unwrap();
            let tls = "{\n                \"ResourceArn\": \"arn:aws:network-firewall:ca-central-1:222222222222:stateful-rulegroup/tls-sni\",\n                \"Priority\": 200\n            },\n            ";
            assert!(p.contains(tls));
            return Ok(p.replace(tls, ""));
        }
        std::fs::read_to_string(dir().join(f)).map_err(|e| e.to_string())
    });
    check_with(
        &text,
        Format::Yaml,
        &ValidateOptions::default(),
        &mut reader,
    )
}

fn traced(aws_fw: &str, sg: &str, flows: &[(&str, &str, &str, bool)]) -> Plan {
    let c = checked(aws_fw, sg, flows);
    let errors: Vec<&Diagnostic> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    plan(&c.topology, &c.topology.flows, &PlanOptions::default())
}

/// The verdict (and the return traffic's) of `node` judging with `list` for flow `i`.
fn verdict(p: &Plan, i: usize, node: &str, list: Option<RuleList>) -> (Verdict, Option<Verdict>) {
    let tr = &p.flows[i].directions[0].trace;
    let hop = tr.paths[0]
        .hops
        .iter()
        .find(|h| h.node() == node && h.list() == list)
        .unwrap_or_else(|| {
            panic!(
                "no hop {node} {list:?} in flow {i}: {:#?}",
                tr.paths[0].hops
            )
        });
    (
        hop.verdict().cloned().unwrap(),
        hop.return_verdict().cloned(),
    )
}

fn allowed(rules: &[&str]) -> Verdict {
    Verdict::Allowed {
        rules: rules.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn denied(rule: &str) -> Verdict {
    Verdict::Denied {
        rules: vec![rule.to_owned()],
        implicit_deny_too: false,
    }
}

fn unknown_naming(v: &Verdict, rule: &str) {
    let Verdict::Unknown { reason } = v else {
        panic!("not unknown: {v:?}");
    };
    assert!(reason.contains(&format!("rule `{rule}`")), "{reason}");
}

#[test]
fn security_group_allows_what_any_rule_allows_and_is_unknown_only_where_no_exact_rule_does() {
    let p = traced(
        ALLOW_ALL,
        "sg-0a1b2c3d4e5f60002",
        &[
            ("app-server", "10.1.0.10/32", "tcp/22", true),
            ("app-server", "10.1.0.10/32", "tcp/443", true),
            ("app-server", "10.1.0.10/32", "tcp/8443", true),
            ("ora", "10.1.0.10/32", "tcp/22", true),
            ("10.1.0.10/32", "ora", "tcp/1521", false),
            ("10.1.0.10/32", "ora", "tcp/22", false),
        ],
    );
    let inbound = Some(RuleList::Inbound);
    let outbound = Some(RuleList::Outbound);
    assert_eq!(
        verdict(&p, 0, "app-sg", inbound).0,
        allowed(&["sg-0a1b2c3d4e5f60002-in-1"])
    );
    assert_eq!(verdict(&p, 0, "app-sg", inbound).1, None, "stateful");
    assert_eq!(
        verdict(&p, 1, "app-sg", inbound).0,
        allowed(&["sg-0a1b2c3d4e5f60002-in-2"])
    );
    // Only the prefix list could allow 8443: unknown, naming it.
    unknown_naming(
        &verdict(&p, 2, "app-sg", inbound).0,
        "sg-0a1b2c3d4e5f60002-in-4",
    );
    // SSH from another host: no rule (the unknown ones are for other ports).
    assert_eq!(verdict(&p, 3, "app-sg", inbound).0, Verdict::NoMatchingRule);
    assert_eq!(
        verdict(&p, 4, "app-sg", outbound).0,
        allowed(&["sg-0a1b2c3d4e5f60002-out-1"])
    );
    // The group has egress rules, so no default egress: SSH out is not allowed.
    assert_eq!(
        verdict(&p, 5, "app-sg", outbound).0,
        Verdict::NoMatchingRule
    );

    // A group with no egress rules gets AWS's default egress.
    let p = traced(
        ALLOW_ALL,
        "Web",
        &[("10.1.0.10/32", "ora", "tcp/22", false)],
    );
    assert_eq!(
        verdict(&p, 0, "app-sg", outbound).0,
        allowed(&["default-egress-allow-all"])
    );
}

#[test]
fn network_acl_is_stateless_and_evaluates_the_lowest_number_first() {
    let p = traced(
        ALLOW_ALL,
        "Web",
        &[
            ("10.1.0.70/32", "ora", "tcp/1521", false),
            ("10.1.0.70/32", "app-server", "tcp/1521", false),
            ("10.1.0.70/32", "ora", "tcp/22", false),
            ("app-server", "10.1.0.70/32", "tcp/5432", true),
        ],
    );
    let out = Some(RuleList::Outbound);
    // Out by 110, back in by 120 (the deny 110 is for the other host).
    assert_eq!(
        verdict(&p, 0, "data-nacl", out),
        (
            allowed(&["acl-0f1e2d3c4b5a60002-out-110"]),
            Some(allowed(&["acl-0f1e2d3c4b5a60002-in-120"]))
        )
    );
    // The answers from app-server meet deny 110 before allow 120, although 120 comes first in
    // the export.
    assert_eq!(
        verdict(&p, 1, "data-nacl", out),
        (
            allowed(&["acl-0f1e2d3c4b5a60002-out-110"]),
            Some(denied("acl-0f1e2d3c4b5a60002-in-110"))
        )
    );
    // No rule for SSH out: the `*` rule is the implicit deny.
    assert_eq!(verdict(&p, 2, "data-nacl", out).0, Verdict::NoMatchingRule);
    // On-prem into the Data subnet: only the App subnet may reach PostgreSQL.
    assert_eq!(
        verdict(&p, 3, "data-nacl", Some(RuleList::Inbound)).0,
        denied("acl-0f1e2d3c4b5a60002-in-110")
    );
}

#[test]
fn network_firewall_verdicts_follow_priority_pass_and_drop() {
    let p = traced(
        NFW,
        "Web",
        &[
            ("abc123-prod", "ora", "tcp/1521", false),
            ("abc123-prod", "app-server", "tcp/22", false),
            ("abc123-prod", "app-server", "tcp/8443", false),
            ("abc123-prod", "ora", "udp/53", false),
            ("10.9.5.7/32", "abc123-prod", "tcp/443", true),
            ("abc123-prod", "10.9.5.7/32", "tcp/8443", false),
            ("app-server", "abc123-prod", "tcp/22", true),
        ],
    );
    let fw = |i| verdict(&p, i, "aws-fw", None).0;
    assert_eq!(fw(0), allowed(&["egress-rules-sid-1001"]));
    // Strict order: the SSH drop (1002) comes before the wider pass (1003).
    assert_eq!(fw(1), denied("egress-rules-sid-1002"));
    assert_eq!(fw(2), allowed(&["egress-rules-sid-1003"]));
    // No 5-tuple rule for DNS: the Suricata rules decide, which mccs does not read.
    unknown_naming(&fw(3), "tls-sni-suricata");
    // The quarantined network is dropped by the stateless rule, and so are the answers to it.
    assert_eq!(fw(4), denied("blocklist-10"));
    unknown_naming(&fw(5), "blocklist-10-return");
    // From on-prem into the VPC: no pass rule; the Suricata group is reached first.
    unknown_naming(&fw(6), "tls-sni-suricata");
}

#[test]
fn network_firewall_stateful_default_drop_denies_what_no_rule_passes() {
    // The policy without its Suricata group: the strict default drop decides.
    let c = checked(
        &NFW.replace("nfw-policy.json", "nfw-policy-no-tls.json")
            .replace(", nfw-rg-tls.json", ""),
        "Web",
        &[
            ("app-server", "abc123-prod", "tcp/22", true),
            ("abc123-prod", "ora", "udp/53", false),
        ],
    );
    let errors: Vec<&Diagnostic> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let p = plan(&c.topology, &c.topology.flows, &PlanOptions::default());
    let drop = denied("lza-central-policy-stateful-default-drop");
    assert_eq!(verdict(&p, 0, "aws-fw", None).0, drop);
    assert_eq!(verdict(&p, 1, "aws-fw", None).0, drop);
    // And a policy that names a group the firewall does not give is a located error.
    let c = checked(&NFW.replace(", nfw-rg-tls.json", ""), "Web", &[]);
    let e: Vec<&Diagnostic> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].file.as_deref(), Some("nfw-policy.json"));
    assert!(
        e[0].to_string()
            .contains("stateful-rulegroup/tls-sni is not among the firewall's `rule_groups`"),
        "{}",
        e[0]
    );
}

#[test]
fn findings_of_an_imported_rule_point_into_the_export() {
    // Every warning of the security group import reaches validation with the export's file.
    let c = checked(ALLOW_ALL, "sg-0a1b2c3d4e5f60002", &[]);
    let w: Vec<&Diagnostic> = c.diagnostics.iter().filter(|d| !d.is_error()).collect();
    assert!(
        w.iter().any(
            |d| d.file.as_deref() == Some("describe-security-groups.json")
                && d.export_path.as_deref()
                    == Some("SecurityGroups[1].IpPermissions[2].PrefixListIds[0]")
                && d.location.is_some()
        ),
        "{w:#?}"
    );
}

#[test]
fn the_example_of_the_docs_validates_with_its_eight_warnings() {
    let text = std::fs::read_to_string(dir().join("topology.yaml")).unwrap();
    let mut reader =
        Reader::new(|f: &str| std::fs::read_to_string(dir().join(f)).map_err(|e| e.to_string()));
    let c = check_with(
        &text,
        Format::Yaml,
        &ValidateOptions::default(),
        &mut reader,
    );
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    assert_eq!(c.diagnostics.len(), 8, "{:#?}", c.diagnostics);
    assert!(
        c.diagnostics
            .iter()
            .all(|d| d.file.is_some() && d.location.is_some())
    );
}

#[test]
fn network_firewall_variables_defined_differently_are_qualified_and_undefined_ones_unknown() {
    let read = |egress: String, tls: String| {
        let groups = vec![
            export("nfw-rg-blocklist.json"),
            Export::new("nfw-rg-egress.json", egress),
            Export::new("nfw-rg-tls.json", tls),
        ];
        nfw::read(&export("nfw-policy.json"), &groups, &firewall("cloud"))
            .unwrap_or_else(|e| panic!("{:#?}", messages(&e)))
    };
    let egress = std::fs::read_to_string(dir().join("nfw-rg-egress.json")).unwrap();
    let tls = std::fs::read_to_string(dir().join("nfw-rg-tls.json")).unwrap();
    // The TLS group's HOME_NET is another network: both are qualified by their group.
    let rb = read(egress.clone(), tls.replace("10.1.0.0/24", "10.1.0.0/25"));
    let objects: Vec<String> = rb.objects.iter().map(|o| o.name().to_string()).collect();
    assert!(
        objects.contains(&"egress-rules.HOME_NET".to_owned()),
        "{objects:?}"
    );
    assert!(
        objects.contains(&"tls-sni.HOME_NET".to_owned()),
        "{objects:?}"
    );
    assert_eq!(rb.rules[2].sources[0].to_string(), "egress-rules.HOME_NET");
    // Defined nowhere: Network Firewall's default is the inspection VPC's CIDR, not in the
    // export, so the rules using it are unknown over `any`.
    let undefined = egress.replace("\"HOME_NET\"", "\"OTHER_NET\"");
    let rb = read(undefined, tls);
    let r = &rb.rules[2];
    assert_eq!(r.name.as_str(), "egress-rules-sid-1001");
    assert_eq!(r.sources[0].to_string(), "any");
    assert!(
        r.unknown
            .as_deref()
            .unwrap()
            .contains("$HOME_NET, which neither the rule group nor the policy defines"),
        "{r:?}"
    );
    assert!(has(
        &rb.findings,
        "rule `egress-rules-sid-1001` is kept as unknown"
    ));
}

#[test]
fn large_security_group_and_network_acl_exports_are_read_whole() {
    // Generated, not committed: 5,000 address entries in one group, 5,000 entries in one ACL.
    let ranges: Vec<String> = (0..5_000u32)
        .map(|i| format!(r#"{{"CidrIp":"10.{}.{}.0/24"}}"#, i / 256 % 256, i % 256))
        .collect();
    let sg_text = format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-big","GroupName":"big","IpPermissions":[{{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{}]}}],"IpPermissionsEgress":[]}}]}}"#,
        ranges.join(",")
    );
    let start = std::time::Instant::now();
    let rb = aws_sg::read(
        &Export::new("sg.json", sg_text),
        "sg-big",
        &firewall("security-group"),
    )
    .unwrap();
    assert_eq!(rb.rules.len(), 5_000);
    assert_eq!(rb.rules[4_999].name.as_str(), "sg-big-in-5000");
    let entries: Vec<String> = (0..5_000u32)
        .map(|i| {
            format!(
                r#"{{"CidrBlock":"10.{}.{}.0/24","Egress":{},"Protocol":"6","PortRange":{{"From":443,"To":443}},"RuleAction":"allow","RuleNumber":{}}}"#,
                i / 256 % 256,
                i % 256,
                i % 2 == 0,
                i + 1
            )
        })
        .collect();
    let acl_text = format!(
        r#"{{"NetworkAcls":[{{"NetworkAclId":"acl-big","Entries":[{}],"Associations":[]}}]}}"#,
        entries.join(",")
    );
    let rb = nacl::read(
        &Export::new("acl.json", acl_text),
        "acl-big",
        &firewall("network-acl"),
    )
    .unwrap();
    assert_eq!(rb.rules.len() + rb.outbound_rules.len(), 5_000);
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

#[test]
fn readers_never_panic_on_cut_or_altered_exports() {
    // Every fixture cut short at many places, and with single characters replaced: each read
    // ends with rules or located errors, never a panic.
    let files = [
        "describe-security-groups.json",
        "describe-network-acls.json",
        "nfw-policy.json",
        "nfw-rg-egress.json",
        "nfw-rg-blocklist.json",
        "nfw-rg-tls.json",
    ];
    let groups = nfw_groups();
    let policy = export("nfw-policy.json");
    let read_all = |name: &str, text: String| {
        let e = Export::new(name, text);
        let _ = aws_sg::read(&e, "sg-0a1b2c3d4e5f60002", &firewall("security-group"));
        let _ = nacl::read(&e, "acl-0f1e2d3c4b5a60002", &firewall("network-acl"));
        let _ = nfw::read(&e, &groups, &firewall("cloud"));
        let _ = nfw::read(
            &policy,
            &[Export::new(name, e.text().to_owned())],
            &firewall("cloud"),
        );
    };
    for f in files {
        let text = std::fs::read_to_string(dir().join(f)).unwrap();
        let step = (text.len() / 25).max(1);
        for cut in (0..text.len()).step_by(step) {
            if text.is_char_boundary(cut) {
                read_all(f, text[..cut].to_owned());
            }
        }
        for (i, c) in ['"', '{', '-', 'x'].iter().enumerate() {
            for at in (i * 7..text.len()).step_by(step) {
                if text.is_char_boundary(at) && text.is_char_boundary(at + 1) {
                    let mut t = text.clone();
                    t.replace_range(at..=at, &c.to_string());
                    read_all(f, t);
                }
            }
        }
    }
}

#[test]
fn an_export_of_another_shape_names_the_command_that_writes_the_right_one() {
    // An `az network nsg list` export (a list) given as security groups.
    let e = aws_sg::read(
        &Export::new(
            "nsgs.json",
            "[{\"name\": \"nsg-web\", \"securityRules\": []}]",
        ),
        "nsg-web",
        &firewall("security-group"),
    )
    .unwrap_err();
    assert_eq!(
        messages(&e),
        [
            "error: nsgs.json:1:1: the export is a list: not the JSON `aws ec2 describe-security-groups --output json` writes, which is an object"
        ]
    );
    // Security groups given as network ACLs.
    let e = nacl::read(
        &export("describe-security-groups.json"),
        "acl-1",
        &firewall("network-acl"),
    )
    .unwrap_err();
    assert!(
        has(
            &e,
            "describe-security-groups.json:1:1: no `NetworkAcls` here: not the JSON `aws ec2 describe-network-acls --output json` writes"
        ),
        "{:#?}",
        messages(&e)
    );
}
