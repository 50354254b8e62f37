//! What changed between two topologies (issue 16): small topologies, exact expected diffs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use mccs_model::{Format, Topology, ValidateOptions, check};
use mccs_path::{
    Diff, DiffOptions, FirewallStatus, FlowOrigin, NetworkGraph, ReachOutcome, Reason,
    RequestChangeKind, RuleChangeKind, Verdict, diff,
};
use proptest::prelude::*;

/// A VNet behind the Azure cloud firewall, ExpressRoute to the 3PG, and zone b behind `zfw`,
/// whose rules are `zone_rules` (YAML list items). One declared flow: the VNet to the database
/// on tcp/1521. The cloud firewall and the 3PG allow it.
fn topology(zone_rules: &str) -> Topology {
    let text = format!(
        "\
version: 1
channels:
  - {{name: cloud, title: Cloud, filed_by: a, handled_by: b}}
  - {{name: onprem, title: On-prem, filed_by: a, handled_by: b}}
firewalls:
  - name: azure-fw
    kind: cloud
    platform: azure-alz
    owner: o
    channel: cloud
    rules:
      - {{name: CLOUD_DB, sources: [10.46.8.0/24], destinations: [142.34.10.0/24], services: [tcp], action: allow}}
  - name: 3pg
    kind: edge
    owner: o
    channel: onprem
    rules:
      - {{name: EDGE_DB, sources: [10.46.8.0/24], destinations: [142.34.10.0/24], services: [tcp], action: allow}}
  - name: zfw
    kind: zone
    owner: o
    channel: onprem
    rules:
{zone_rules}
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: azure-alz
    environments:
      prod: {{account: s, region: canadacentral, address_space: [10.46.8.0/24]}}
on_prem:
  edge_firewall: 3pg
  zones:
    - name: zone-b
      firewall: zfw
      networks: [142.34.10.0/24]
      endpoints:
        - {{name: db, address: 142.34.10.25}}
hybrid_links:
  - {{name: er, kind: express-route, redundancy: primary, encryption: ipsec}}
flows:
  - {{name: forms-to-db, source: abc123-prod, destination: db, services: [tcp/1521]}}
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

fn allow_db() -> String {
    rule(
        "ALLOW_DB",
        "10.46.8.0/24",
        "142.34.10.25",
        "tcp/1521",
        "allow",
    )
}

fn deny_all() -> String {
    rule("DENY_ALL", "any", "any", "any", "deny")
}

fn diff_of(old: &Topology, new: &Topology) -> Diff {
    diff(
        &NetworkGraph::build(old),
        &NetworkGraph::build(new),
        &DiffOptions::default(),
    )
}

/// (rule, change) of every rule change, in order.
fn rule_changes(d: &Diff) -> Vec<(String, Option<String>, String, String)> {
    d.rulebases
        .iter()
        .flat_map(|rb| {
            rb.rules.iter().map(move |c| {
                let v = serde_json::to_value(&c.kind).unwrap();
                (
                    rb.firewall.clone(),
                    rb.list.map(|l| l.as_str().to_owned()),
                    c.rule.clone(),
                    v.to_string(),
                )
            })
        })
        .collect()
}

fn allowed(rules: &[&str]) -> Verdict {
    Verdict::Allowed {
        rules: rules.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn denied(rules: &[&str]) -> Verdict {
    Verdict::Denied {
        rules: rules.iter().map(|s| (*s).to_owned()).collect(),
        implicit_deny_too: false,
    }
}

#[test]
fn only_rule_order_changed_a_deny_moved_above_an_allow() {
    let old = topology(&[allow_db(), deny_all()].concat());
    let new = topology(&[deny_all(), allow_db()].concat());
    let d = diff_of(&old, &new);
    assert!(d.topology.is_empty());
    // The rulebase: one rule reordered (the fewest moves that explain the new order).
    assert_eq!(d.rulebases.len(), 1);
    assert_eq!(d.rulebases[0].firewall, "zfw");
    assert_eq!(d.rulebases[0].status, FirewallStatus::Changed);
    assert_eq!(
        rule_changes(&d),
        [(
            "zfw".to_owned(),
            None,
            "ALLOW_DB".to_owned(),
            r#"{"change":"reordered","from":1,"to":2}"#.to_owned()
        )]
    );
    // The declared flow: allowed before, denied now, on zfw only, because DENY_ALL is now
    // above ALLOW_DB.
    let declared: Vec<_> = d
        .flows
        .iter()
        .filter(|f| f.origin == FlowOrigin::Declared)
        .collect();
    assert_eq!(declared.len(), 1);
    let f = declared[0];
    assert_eq!(f.flow, "forms-to-db");
    assert_eq!(
        (f.old, f.new),
        (Some(ReachOutcome::Allowed), Some(ReachOutcome::NotAllowed))
    );
    assert_eq!(f.firewalls.len(), 1);
    let v = &f.firewalls[0];
    assert_eq!(v.firewall, "zfw");
    assert_eq!(v.old, [allowed(&["ALLOW_DB"])]);
    assert_eq!(v.new, [denied(&["DENY_ALL"])]);
    assert_eq!(
        v.reasons,
        [Reason::Reordered {
            rule: "DENY_ALL".into(),
            now_above: vec!["ALLOW_DB".into()],
        }]
    );
    assert_eq!(
        v.reasons[0].to_string(),
        "reordered: `DENY_ALL` now above `ALLOW_DB`"
    );
    assert_eq!(d.declared, 1);
    assert_eq!(d.rejudged, 1);
    // The plan now needs a rule on zfw for the flow.
    let req: Vec<(RequestChangeKind, &str, &str, &str)> = d
        .requests
        .iter()
        .map(|r| {
            (
                r.change,
                r.channel.as_str(),
                r.firewall.as_str(),
                r.flow.as_str(),
            )
        })
        .collect();
    assert_eq!(
        req,
        [(RequestChangeKind::Added, "onprem", "zfw", "forms-to-db")]
    );
    // Sampled: the VNet to zone b, on the moved rule's services (any), changed too.
    let sampled: Vec<(&str, Option<ReachOutcome>, Option<ReachOutcome>)> = d
        .flows
        .iter()
        .filter(|f| f.origin == FlowOrigin::Sampled)
        .map(|f| (f.flow.as_str(), f.old, f.new))
        .collect();
    assert_eq!(
        sampled,
        [(
            "abc123-prod -> zone-b",
            Some(ReachOutcome::Partial),
            Some(ReachOutcome::NotAllowed)
        )]
    );
    assert!(d.sampled.complete);
    assert_eq!(d.sampled.networks, 2);
    assert_eq!(d.sampled.pairs, 2);
}

#[test]
fn a_rule_added_names_it() {
    let old = topology(&deny_all());
    let new = topology(&[allow_db(), deny_all()].concat());
    let d = diff_of(&old, &new);
    assert_eq!(
        rule_changes(&d),
        [(
            "zfw".to_owned(),
            None,
            "ALLOW_DB".to_owned(),
            r#"{"change":"added","position":1}"#.to_owned()
        )]
    );
    let f = &d.flows[0];
    assert_eq!(f.flow, "forms-to-db");
    assert_eq!(f.firewalls[0].old, [denied(&["DENY_ALL"])]);
    assert_eq!(f.firewalls[0].new, [allowed(&["ALLOW_DB"])]);
    assert_eq!(
        f.firewalls[0].reasons,
        [Reason::Added {
            rule: "ALLOW_DB".into()
        }]
    );
    let req: Vec<(RequestChangeKind, &str)> = d
        .requests
        .iter()
        .map(|r| (r.change, r.firewall.as_str()))
        .collect();
    assert_eq!(req, [(RequestChangeKind::Dropped, "zfw")]);
}

#[test]
fn a_rule_removed_names_it_and_the_implicit_deny_decides() {
    let old = topology(&allow_db());
    let new = topology("      []\n");
    let d = diff_of(&old, &new);
    assert_eq!(
        rule_changes(&d),
        [(
            "zfw".to_owned(),
            None,
            "ALLOW_DB".to_owned(),
            r#"{"change":"removed","position":1}"#.to_owned()
        )]
    );
    let f = &d.flows[0];
    assert_eq!(f.firewalls[0].old, [allowed(&["ALLOW_DB"])]);
    assert_eq!(f.firewalls[0].new, [Verdict::NoMatchingRule]);
    assert_eq!(
        f.firewalls[0].reasons,
        [Reason::Removed {
            rule: "ALLOW_DB".into()
        }]
    );
}

#[test]
fn an_unchanged_topology_gives_an_empty_diff() {
    let t = topology(&[allow_db(), deny_all()].concat());
    let d = diff_of(&t, &t.clone());
    assert!(d.is_empty(), "{d:#?}");
    assert!(!d.changes_behaviour());
    assert_eq!((d.declared, d.rejudged, d.sampled.traced), (1, 0, 0));
}

#[test]
fn a_changed_rule_that_changes_no_verdict_is_a_rulebase_change_only() {
    // Widening the allow to tcp/1521-1522: the flow on 1521 is allowed either way.
    let old = topology(&[allow_db(), deny_all()].concat());
    let wider = rule(
        "ALLOW_DB",
        "10.46.8.0/24",
        "142.34.10.25",
        "tcp/1521-1522",
        "allow",
    );
    let new = topology(&[wider, deny_all()].concat());
    let d = diff_of(&old, &new);
    assert_eq!(
        rule_changes(&d),
        [(
            "zfw".to_owned(),
            None,
            "ALLOW_DB".to_owned(),
            r#"{"change":"changed","from":1,"to":1,"what":["services"]}"#.to_owned()
        )]
    );
    // The declared flow was judged again (its traffic meets the rule) and did not change.
    assert_eq!(d.rejudged, 1);
    assert!(d.flows.iter().all(|f| f.origin == FlowOrigin::Sampled));
    assert!(d.requests.is_empty());
    // The sampled VNet -> zone b on tcp/1521-1522 did change (1522 is now allowed).
    assert_eq!(d.flows.len(), 1);
    assert_eq!(d.flows[0].services, "tcp/1521-1522");
    assert_eq!(
        d.flows[0].firewalls[0].reasons,
        [Reason::Changed {
            rule: "ALLOW_DB".into(),
            what: vec!["services".into()]
        }]
    );
}

#[test]
fn a_renamed_rule_changes_no_verdict() {
    let old = topology(&allow_db());
    let new = topology(&rule(
        "ALLOW_DB_2",
        "10.46.8.0/24",
        "142.34.10.25",
        "tcp/1521",
        "allow",
    ));
    let d = diff_of(&old, &new);
    assert_eq!(
        rule_changes(&d),
        [(
            "zfw".to_owned(),
            None,
            "ALLOW_DB_2".to_owned(),
            r#"{"change":"renamed","was":"ALLOW_DB","position":1}"#.to_owned()
        )]
    );
    assert!(d.flows.is_empty(), "{:#?}", d.flows);
}

#[test]
fn a_flow_whose_traffic_meets_no_changed_rule_is_not_traced_again() {
    // A rule for another address is added: the declared flow cannot change.
    let other = rule("OTHER", "10.46.8.0/24", "142.34.10.99", "tcp/22", "allow");
    let old = topology(&allow_db());
    let new = topology(&[allow_db(), other].concat());
    let d = diff_of(&old, &new);
    assert_eq!(d.rejudged, 0);
    assert!(d.flows.iter().all(|f| f.origin == FlowOrigin::Sampled));
}

#[test]
fn a_network_added_is_a_topology_change_and_every_flow_is_judged_again() {
    let old = topology(&allow_db());
    let mut new = old.clone();
    let extra = topology(&allow_db());
    let mut ps = extra.project_sets[0].clone();
    ps.license_plate = "def456".parse().unwrap();
    let env = ps.environments.values_mut().next().unwrap();
    env.address_space = vec!["10.46.9.0/24".parse().unwrap()];
    new.project_sets.push(ps);
    let d = diff_of(&old, &new);
    assert_eq!(d.topology, ["project_sets"]);
    assert!(d.rulebases.is_empty());
    assert_eq!(d.rejudged, 1);
    // The new VNet to zone b is blocked by every firewall's rules: it appears only in the new
    // topology, sampled.
    let f = d
        .flows
        .iter()
        .find(|f| f.flow == "def456-prod -> zone-b")
        .unwrap();
    assert_eq!(f.old, Some(ReachOutcome::Blocked));
    assert_eq!(f.new, Some(ReachOutcome::NotAllowed));
    assert_eq!(d.sampled.networks, 3);
    assert_eq!(d.sampled.traced, 6);
    assert!(d.sampled.complete);
}

#[test]
fn the_same_diff_every_time() {
    let old = topology(&[allow_db(), deny_all()].concat());
    let new = topology(&[deny_all(), allow_db()].concat());
    let a = serde_json::to_string(&diff_of(&old, &new)).unwrap();
    let b = serde_json::to_string(&diff_of(&old, &new)).unwrap();
    assert_eq!(a, b);
}

const POOL: [&str; 5] = [
    "any",
    "10.46.8.0/24",
    "10.46.8.0/25",
    "142.34.10.0/24",
    "142.34.10.25",
];
const SERVICES: [&str; 4] = ["any", "tcp", "tcp/1521", "tcp/1000-2000"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// A topology compared with itself is an empty diff, whatever its rules; and comparing
    /// it with a reordering of them lists only reorders (no rule added, removed or changed).
    #[test]
    fn a_topology_against_itself_is_empty_and_a_permutation_only_reorders(
        rules in prop::collection::vec((0..5usize, 0..5usize, 0..4usize, any::<bool>()), 0..8),
        rot in 0..8usize,
    ) {
        let list: Vec<String> = rules.iter().enumerate().map(|(i, &(s, d, v, a))| {
            rule(&format!("R{i}"), POOL[s], POOL[d], SERVICES[v], if a { "allow" } else { "deny" })
        }).collect();
        let text = if list.is_empty() { "      []\n".to_owned() } else { list.concat() };
        let t = topology(&text);
        prop_assert!(diff_of(&t, &t.clone()).is_empty());
        if !list.is_empty() {
            let mut turned = list.clone();
            turned.rotate_left(rot % list.len());
            let d = diff_of(&t, &topology(&turned.concat()));
            for rb in &d.rulebases {
                for c in &rb.rules {
                    let reordered = matches!(c.kind, RuleChangeKind::Reordered { .. });
                    prop_assert!(reordered, "{:?}", c);
                }
            }
            for f in &d.flows {
                for v in &f.firewalls {
                    for r in &v.reasons {
                        let ok = matches!(r, Reason::Reordered { .. });
                        prop_assert!(ok, "{:?}", r);
                    }
                }
            }
        }
    }
}
