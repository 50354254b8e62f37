//! Rule names a network engineer can match across tickets: one flow and direction get one rule
//! name on every firewall and in every request channel, and a uniqueness suffix is decided once
//! for the whole plan.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{Format, Topology, ValidateOptions, check};
use mccs_path::{Plan, PlanOptions, plan};

/// One Azure Project Set, the cloud firewall, ExpressRoute, the 3PG and two zones.
const BASE: &str = r"
version: 1
ministries: [CITZ]
channels:
  - name: cloud
    title: Cloud firewall change request
    filed_by: Project team
    handled_by: Public Cloud Team
  - name: on-prem
    title: On-premises firewall request
    filed_by: Project team
    handled_by: On-premises network security
firewalls:
  - name: azure-cloud-firewall
    kind: cloud
    platform: azure-alz
    owner: Public Cloud Team
    channel: cloud
    rules:
      - name: ALLOW_REPORTS
        sources: [10.46.8.0/24]
        destinations: [142.34.20.15/32]
        services: [tcp/443]
        action: allow
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
        account: sub-3
        region: canadacentral
        address_space: [10.46.8.0/24]
on_prem:
  edge_firewall: 3pg
  zones:
    - name: zone-b
      firewall: zone-b-firewall
      networks: [142.34.10.0/24]
      endpoints:
        - name: citz-oracle-db
          address: 142.34.10.25
    - name: zone-c
      firewall: zone-c-firewall
      networks: [142.34.20.0/24]
      endpoints:
        - name: reports
          address: 142.34.20.15
hybrid_links:
  - name: expressroute-primary
    kind: express-route
    redundancy: primary
    encryption: ipsec
";

fn topology(flows: &str) -> Topology {
    let text = format!("{BASE}flows:\n{flows}");
    let checked = check(&text, Format::Yaml, &ValidateOptions::default());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked.topology
}

fn planned(t: &Topology) -> Plan {
    plan(t, &t.flows, &PlanOptions::default())
}

/// (channel, rule name, flows) of every planned rule.
fn rules(p: &Plan) -> Vec<(String, String, Vec<String>)> {
    p.rules
        .iter()
        .map(|r| {
            (
                r.channel.to_string(),
                r.name.to_string(),
                r.flows.iter().map(ToString::to_string).collect(),
            )
        })
        .collect()
}

fn row(channel: &str, name: &str, flows: &[&str]) -> (String, String, Vec<String>) {
    (
        channel.to_owned(),
        name.to_owned(),
        flows.iter().map(|f| (*f).to_owned()).collect(),
    )
}

#[test]
fn a_flow_keeps_its_rule_name_in_both_channels_when_another_flow_needs_only_one() {
    // `reports` is already allowed on the cloud firewall, so it needs only the on-prem request;
    // `oracle` needs both. Named per channel, `oracle` was `..._prod` on the cloud firewall but
    // `..._prod_02` on-prem (the on-prem base name went to `reports`): two tickets that cannot
    // be matched. Named once, `oracle` has one name in both.
    let t = topology(
        "  - name: reports
    source: abc123-prod
    destination: reports
    services: [tcp/443]
  - name: oracle
    source: abc123-prod
    destination: citz-oracle-db
    services: [tcp/1521]
",
    );
    let p = planned(&t);
    assert_eq!(
        rules(&p),
        [
            row("on-prem", "MCCS_CITZ_ALZ_LIVE_abc123_prod", &["reports"]),
            row("cloud", "MCCS_CITZ_ALZ_LIVE_abc123_prod_02", &["oracle"]),
            row("on-prem", "MCCS_CITZ_ALZ_LIVE_abc123_prod_02", &["oracle"]),
        ]
    );
    // The steps of each flow point at the same name on every firewall.
    for fp in &p.flows {
        let names: Vec<_> = fp
            .directions
            .iter()
            .flat_map(|d| &d.steps)
            .filter_map(|s| s.planned_rule.as_deref())
            .collect();
        assert!(!names.is_empty(), "{} has planned steps", fp.flow);
        assert!(
            names.iter().all(|n| *n == names[0]),
            "{}: {names:?}",
            fp.flow
        );
    }
}

#[test]
fn a_name_is_free_only_if_it_is_free_in_every_channel_involved() {
    // The cloud firewall already has a rule named like the seed's first rule: the flow's name
    // must skip it on-prem too, not only on the cloud firewall.
    let text = BASE.replace("ALLOW_REPORTS", "MCCS_CITZ_ALZ_LIVE_abc123_prod");
    let checked = check(
        &format!(
            "{text}flows:
  - name: oracle
    source: abc123-prod
    destination: citz-oracle-db
    services: [tcp/1521]
"
        ),
        Format::Yaml,
        &ValidateOptions::default(),
    );
    let p = planned(&checked.topology);
    assert_eq!(
        rules(&p),
        [
            row("cloud", "MCCS_CITZ_ALZ_LIVE_abc123_prod_02", &["oracle"]),
            row("on-prem", "MCCS_CITZ_ALZ_LIVE_abc123_prod_02", &["oracle"]),
        ]
    );
}

#[test]
fn a_merged_rule_is_named_once_per_set_of_flows_across_channels() {
    // Two flows to the same host on two services merge into one rule on every firewall (one
    // rule-group key: the same two flows): one name in both channels. A third flow to another
    // zone is its own rule and gets the next name, the same in both channels.
    let t = topology(
        "  - name: oracle
    source: abc123-prod
    destination: citz-oracle-db
    services: [tcp/1521]
  - name: oracle-tls
    source: abc123-prod
    destination: citz-oracle-db
    services: [tcp/2484]
  - name: reports-admin
    source: abc123-prod
    destination: reports
    services: [tcp/8443]
",
    );
    let p = planned(&t);
    assert_eq!(
        rules(&p),
        [
            row(
                "cloud",
                "MCCS_CITZ_ALZ_LIVE_abc123_prod",
                &["oracle", "oracle-tls"]
            ),
            row(
                "on-prem",
                "MCCS_CITZ_ALZ_LIVE_abc123_prod",
                &["oracle", "oracle-tls"]
            ),
            row(
                "cloud",
                "MCCS_CITZ_ALZ_LIVE_abc123_prod_02",
                &["reports-admin"]
            ),
            row(
                "on-prem",
                "MCCS_CITZ_ALZ_LIVE_abc123_prod_02",
                &["reports-admin"]
            ),
        ]
    );
}

#[test]
fn flows_merged_on_some_firewalls_only_keep_one_name_per_set_of_flows() {
    // Two flows from one VNet to hosts in two zones, on one service. The cloud firewall and the
    // 3PG see both and merge them into one rule (destinations unite); each zone firewall sees
    // one. The merged rule has one name in both channels; each zone's rule is named for its
    // own flow. (Documented in docs/requests.md, "One flow, one rule name".)
    let t = topology(
        "  - name: oracle
    source: abc123-prod
    destination: citz-oracle-db
    services: [tcp/8443]
  - name: reports-admin
    source: abc123-prod
    destination: reports
    services: [tcp/8443]
",
    );
    let p = planned(&t);
    let mut got: Vec<(String, String, Vec<String>, Vec<String>)> = p
        .rules
        .iter()
        .map(|r| {
            (
                r.channel.to_string(),
                r.name.to_string(),
                r.flows.iter().map(ToString::to_string).collect(),
                r.targets.iter().map(|x| x.firewall.to_string()).collect(),
            )
        })
        .collect();
    got.sort();
    let s = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            (
                "cloud".to_owned(),
                "MCCS_CITZ_ALZ_LIVE_abc123_prod".to_owned(),
                s(&["oracle", "reports-admin"]),
                s(&["azure-cloud-firewall"])
            ),
            (
                "on-prem".to_owned(),
                "MCCS_CITZ_ALZ_LIVE_abc123_prod".to_owned(),
                s(&["oracle", "reports-admin"]),
                s(&["3pg"])
            ),
            (
                "on-prem".to_owned(),
                "MCCS_CITZ_ALZ_LIVE_abc123_prod_02".to_owned(),
                s(&["oracle"]),
                s(&["zone-b-firewall"])
            ),
            (
                "on-prem".to_owned(),
                "MCCS_CITZ_ALZ_LIVE_abc123_prod_03".to_owned(),
                s(&["reports-admin"]),
                s(&["zone-c-firewall"])
            ),
        ]
    );
}
