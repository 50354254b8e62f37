//! Findings about security group egress lists, network ACLs (rule numbers, subnets) and
//! secondary ranges behind a private NAT, at the exact path into the document.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Format, Problem, Severity, ValidateOptions, check};

/// An LZA VPC with subnets, a Data network ACL and a secondary range; tests change one thing.
const BASE: &str = "\
version: 1
channels:
  - { name: team, title: Infrastructure change, filed_by: Project team, handled_by: Project team }
firewalls:
  - name: aws-fw
    kind: cloud
    platform: aws-lza
    owner: Public Cloud Team
    channel: team
  - name: app-sg
    kind: security-group
    platform: aws-lza
    owner: Project team
    channel: team
    outbound_rules:
      - { name: out-1, sources: [any], destinations: [any], services: [tcp/443], action: allow }
  - name: data-nacl
    kind: network-acl
    platform: aws-lza
    owner: Project team
    channel: team
    ephemeral_ports: 32768-60999
    rules:
      - { name: in-1, priority: 100, sources: [10.1.0.32/27], destinations: [any], services: [tcp/5432], action: allow }
      - { name: in-2, priority: 200, sources: [any], destinations: [any], services: [any], action: deny }
    outbound_rules:
      - { name: out-1, priority: 100, sources: [any], destinations: [10.1.0.32/27], services: [tcp/32768-60999], action: allow }
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: aws-lza
    environments:
      prod:
        account: \"111111111111\"
        region: ca-central-1
        address_space: [10.1.0.0/24]
        security_groups: [app-sg]
        subnets:
          - { name: app-a, cidr: 10.1.0.32/27 }
          - { name: data-a, cidr: 10.1.0.64/28, network_acl: data-nacl }
        secondary_ranges: [10.10.0.0/16]
        nat_addresses: [10.1.0.5]
  - license_plate: def456
    ministry: CITZ
    platform: aws-lza
    environments:
      prod:
        account: \"222222222222\"
        region: ca-central-1
        address_space: [10.2.0.0/24]
        secondary_ranges: [10.10.0.0/16]
        nat_addresses: [10.2.0.5]
";

fn findings(edits: &[(&str, &str)]) -> Vec<(Severity, String, Problem)> {
    let mut text = BASE.to_owned();
    for (old, new) in edits {
        assert_eq!(text.matches(old).count(), 1, "`{old}` must occur once");
        text = text.replacen(old, new, 1);
    }
    check(&text, Format::Yaml, &ValidateOptions::default())
        .diagnostics
        .into_iter()
        .map(|d| (d.severity, d.path.to_string(), d.problem))
        .collect()
}

fn paths(edits: &[(&str, &str)]) -> Vec<String> {
    findings(edits).into_iter().map(|(_, p, _)| p).collect()
}

#[test]
fn base_is_clean_and_secondary_ranges_may_repeat_across_project_sets() {
    assert_eq!(findings(&[]), []);
}

#[test]
fn network_acl_rules_need_unique_numbers() {
    let f = findings(&[("name: in-2, priority: 200,", "name: in-2,")]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].1, "firewalls[2].rules[1].priority");
    assert!(matches!(&f[0].2, Problem::Empty { what, .. } if what == "`priority`"));

    let f = findings(&[("name: in-2, priority: 200,", "name: in-2, priority: 100,")]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].1, "firewalls[2].rules[1].priority");
    assert!(
        matches!(&f[0].2, Problem::Duplicate { name, first, .. } if name == "100" && first.to_string() == "firewalls[2].rules[0].priority")
    );
    // The same number in the other list is fine.
    assert_eq!(
        findings(&[("name: out-1, priority: 100", "name: out-1, priority: 200")]),
        []
    );
}

#[test]
fn rule_names_are_unique_across_both_lists() {
    let f = findings(&[("name: in-1, priority", "name: out-1, priority")]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].1, "firewalls[2].outbound_rules[0].name");
    assert!(matches!(&f[0].2, Problem::Duplicate { .. }));
}

#[test]
fn fields_of_other_kinds_are_reported() {
    // A rule number on a security group, an egress list and ephemeral ports on a cloud firewall.
    let f = paths(&[
        (
            "{ name: out-1, sources",
            "{ name: out-1, priority: 5, sources",
        ),
        (
            "    channel: team\n  - name: app-sg",
            "    channel: team\n    ephemeral_ports: 1024-65535\n    outbound_rules: [{ name: x, sources: [any], destinations: [any], services: [any], action: allow }]\n  - name: app-sg",
        ),
    ]);
    assert_eq!(
        f,
        [
            "firewalls[0].ephemeral_ports",
            "firewalls[0].outbound_rules",
            "firewalls[1].outbound_rules[0].priority",
        ]
    );
}

#[test]
fn subnets_lie_in_the_vpc_and_name_network_acls() {
    let f = findings(&[
        (
            "cidr: 10.1.0.64/28, network_acl: data-nacl",
            "cidr: 10.3.0.64/28, network_acl: app-sg",
        ),
        (
            "{ name: app-a, cidr: 10.1.0.32/27 }",
            "{ name: app-a, cidr: 10.1.0.32/27 }\n          - { name: app-b, cidr: 10.1.0.48/28 }",
        ),
    ]);
    let got: Vec<&str> = f.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(
        got,
        [
            "project_sets[0].environments.prod.subnets[1].cidr",
            "project_sets[0].environments.prod.subnets[2].cidr",
            "project_sets[0].environments.prod.subnets[2].network_acl",
        ]
    );
    assert!(
        matches!(&f[0].2, Problem::Inconsistent { message } if message.contains("overlaps subnet `app-a`"))
    );
    assert!(
        matches!(&f[1].2, Problem::Inconsistent { message } if message.contains("outside the network's address space"))
    );
    assert!(
        matches!(&f[2].2, Problem::WrongKind { expected, .. } if expected == "a network-acl firewall" || expected == "network-acl firewall")
    );
}

#[test]
fn secondary_ranges_stay_outside_the_routable_space() {
    let f = findings(&[(
        "secondary_ranges: [10.10.0.0/16]\n        nat_addresses: [10.1.0.5]",
        "secondary_ranges: [10.1.0.128/25]\n        nat_addresses: [10.9.0.5]",
    )]);
    let got: Vec<(Severity, &str)> = f.iter().map(|(s, p, _)| (*s, p.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                Severity::Error,
                "project_sets[0].environments.prod.secondary_ranges[0]"
            ),
            (
                Severity::Error,
                "project_sets[0].environments.prod.nat_addresses[0]"
            ),
        ]
    );
    // Without a NAT, traffic from the secondary range cannot leave: a warning.
    let f = findings(&[("        nat_addresses: [10.2.0.5]\n", "")]);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].0, Severity::Warning);
    assert_eq!(f[0].1, "project_sets[1].environments.prod.nat_addresses");
}
