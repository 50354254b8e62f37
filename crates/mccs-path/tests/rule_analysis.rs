//! Rules that do nothing (issue 16): each case a small rulebase with the exact findings expected.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use mccs_model::{Format, Topology, ValidateOptions, check};
use mccs_path::{AnalysisOptions, NetworkGraph, RuleFinding, RuleFindingKind, analysis_of};

/// One zone firewall with `rules` (YAML list items for `rules:`), a VNet and two zones.
fn topology(rules: &str) -> Topology {
    let text = format!(
        "\
version: 1
channels:
  - {{name: c, title: C, filed_by: a, handled_by: b}}
firewalls:
  - name: fw
    kind: zone
    owner: o
    channel: c
    rules:
{rules}  - name: edge
    kind: edge
    owner: o
    channel: c
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: azure-alz
    environments:
      prod: {{account: s, region: canadacentral, address_space: [10.46.8.0/24]}}
on_prem:
  edge_firewall: edge
  zones:
    - name: zone-b
      firewall: fw
      networks: [142.34.10.0/24]
"
    );
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

fn rule(name: &str, src: &str, dst: &str, svc: &str, action: &str) -> String {
    format!(
        "      - {{name: {name}, sources: [{src}], destinations: [{dst}], services: [{svc}], action: {action}}}\n"
    )
}

fn findings(rules: &[String]) -> Vec<RuleFinding> {
    let t = topology(&rules.concat());
    let g = NetworkGraph::build(&t);
    analysis_of(&g, None, &AnalysisOptions::default())
}

fn about<'a>(f: &'a [RuleFinding], rule: &str) -> Vec<&'a RuleFindingKind> {
    f.iter()
        .filter(|x| x.rule == rule)
        .map(|x| &x.kind)
        .collect()
}

#[test]
fn a_rule_behind_a_wider_earlier_rule_is_shadowed_and_names_it() {
    let f = findings(&[
        rule("WIDE", "10.46.8.0/24", "142.34.10.0/24", "tcp", "allow"),
        rule(
            "NARROW",
            "10.46.8.0/25",
            "142.34.10.25",
            "tcp/1521",
            "allow",
        ),
    ]);
    assert_eq!(
        about(&f, "NARROW"),
        [&RuleFindingKind::Shadowed {
            by: vec!["WIDE".into()],
            conflicting: false
        }]
    );
    assert!(about(&f, "WIDE").is_empty(), "{f:#?}");
    let line = f.iter().find(|x| x.rule == "NARROW").unwrap().to_string();
    assert_eq!(
        line,
        "fw: rule `NARROW` (#2) never matches: covered by `WIDE`: remove it, or move it above them"
    );
}

#[test]
fn a_rule_covered_by_two_earlier_rules_together_is_shadowed_by_both() {
    let f = findings(&[
        rule("LOW_HALF", "10.46.8.0/25", "142.34.10.0/24", "any", "deny"),
        rule(
            "HIGH_HALF",
            "10.46.8.128/25",
            "142.34.10.0/24",
            "tcp",
            "allow",
        ),
        rule("ALL", "10.46.8.0/24", "142.34.10.25", "tcp/443", "allow"),
    ]);
    assert_eq!(
        about(&f, "ALL"),
        [&RuleFindingKind::Shadowed {
            by: vec!["LOW_HALF".into(), "HIGH_HALF".into()],
            conflicting: true
        }]
    );
}

#[test]
fn a_partly_shadowed_rule_is_not_reported_as_shadowed() {
    let f = findings(&[
        rule("HALF", "10.46.8.0/25", "142.34.10.0/24", "tcp", "allow"),
        rule("WHOLE", "10.46.8.0/24", "142.34.10.25", "tcp/1521", "allow"),
    ]);
    assert!(about(&f, "WHOLE").is_empty(), "{f:#?}");
}

#[test]
fn a_duplicate_names_the_first_rule() {
    let f = findings(&[
        rule("FIRST", "10.46.8.0/24", "142.34.10.25", "tcp/1521", "allow"),
        rule(
            "SECOND",
            "10.46.8.0/24",
            "142.34.10.25",
            "tcp/1521",
            "allow",
        ),
    ]);
    assert_eq!(
        about(&f, "SECOND"),
        [&RuleFindingKind::Duplicate { of: "FIRST".into() }]
    );
}

#[test]
fn a_deny_that_only_repeats_the_implicit_deny_is_redundant() {
    let f = findings(&[
        rule(
            "ALLOW_DB",
            "10.46.8.0/24",
            "142.34.10.25",
            "tcp/1521",
            "allow",
        ),
        rule("DENY_REST", "any", "any", "any", "deny"),
    ]);
    assert_eq!(
        about(&f, "DENY_REST"),
        [&RuleFindingKind::Redundant {
            decided_by: vec!["implicit deny".into()]
        }]
    );
    // A deny that keeps traffic from a later allow is not redundant.
    let f = findings(&[
        rule("DENY_TELNET", "any", "any", "tcp/23", "deny"),
        rule(
            "ALLOW_ALL",
            "10.46.8.0/24",
            "142.34.10.0/24",
            "tcp",
            "allow",
        ),
    ]);
    assert!(about(&f, "DENY_TELNET").is_empty(), "{f:#?}");
}

#[test]
fn an_allow_followed_by_a_wider_allow_is_redundant() {
    let f = findings(&[
        rule(
            "NARROW",
            "10.46.8.0/25",
            "142.34.10.25",
            "tcp/1521",
            "allow",
        ),
        rule("WIDE", "10.46.8.0/24", "142.34.10.0/24", "tcp", "allow"),
    ]);
    assert_eq!(
        about(&f, "NARROW"),
        [&RuleFindingKind::Redundant {
            decided_by: vec!["WIDE".into()]
        }]
    );
}

#[test]
fn a_rule_for_addresses_no_network_holds_is_reported() {
    let f = findings(&[rule(
        "OLD_VPC",
        "10.99.0.0/16",
        "142.34.10.25",
        "tcp/1521",
        "allow",
    )]);
    assert_eq!(
        about(&f, "OLD_VPC"),
        [&RuleFindingKind::UnknownAddresses {
            field: "sources".into(),
            addresses: "10.99.0.0/16".into()
        }]
    );
}

#[test]
fn nothing_is_claimed_past_a_rule_mccs_cannot_judge() {
    let mut rules = vec![rule("APP", "any", "any", "tcp", "allow")];
    rules[0] = rules[0].replace("action: allow}", "action: allow, unknown: App-ID ssl}");
    rules.push(rule(
        "DB",
        "10.46.8.0/24",
        "142.34.10.25",
        "tcp/1521",
        "allow",
    ));
    let f = findings(&rules);
    assert!(
        matches!(about(&f, "DB").as_slice(), [RuleFindingKind::NotJudged { reason }] if reason.contains("`APP`")),
        "{f:#?}"
    );
}

#[test]
fn a_disabled_rule_shadows_nothing() {
    let mut rules = vec![rule("OFF", "any", "any", "any", "deny")];
    rules[0] = rules[0].replace("action: deny}", "action: deny, disabled: true}");
    rules.push(rule(
        "DB",
        "10.46.8.0/24",
        "142.34.10.25",
        "tcp/1521",
        "allow",
    ));
    assert!(findings(&rules).is_empty());
}
