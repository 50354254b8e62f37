//! Who can reach this (issue 16): exact outcomes on the examples.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail the test by panicking

use mccs_path::{NetworkGraph, ReachDirection, ReachOutcome, SvcSet, TraceOptions, reach};

fn svc(s: &str) -> SvcSet {
    SvcSet::from_services(&[s.parse().unwrap()])
}

#[test]
fn only_the_environment_with_rules_on_every_firewall_reaches_the_claims_api() {
    let t = mccs_model::examples::reference();
    let g = NetworkGraph::build(&t);
    let found = reach(
        &g,
        &"hlth-claims-api".parse().unwrap(),
        &svc("tcp/443"),
        ReachDirection::To,
        &TraceOptions::default(),
    )
    .unwrap();
    let allowed: Vec<&str> = found
        .iter()
        .filter(|r| r.outcome == ReachOutcome::Allowed)
        .map(|r| r.end.as_str())
        .collect();
    assert_eq!(allowed, ["def456-prod"]);
    let def = &found[0];
    let on: Vec<(&str, &str)> = def
        .firewalls
        .iter()
        .map(|f| (f.firewall.as_str(), f.verdict.as_str()))
        .collect();
    assert_eq!(
        on,
        [
            (
                "aws-cloud-firewall",
                "allowed by MCCS_HLTH_LZA_LIVE_def456_prod"
            ),
            ("3pg", "allowed by MCCS_HLTH_LZA_LIVE_def456_prod"),
            (
                "zone-b-firewall",
                "allowed by MCCS_HLTH_LZA_LIVE_def456_prod"
            ),
        ]
    );
    // Primary and failover paths both, with the same verdicts.
    assert_eq!(def.firewalls[0].paths, [1, 2]);
    // Zone b holds the endpoint: it is not listed as reaching its own endpoint.
    assert!(found.iter().all(|r| r.end != "zone-b"));
    // Another port: nobody.
    let none = reach(
        &g,
        &"hlth-claims-api".parse().unwrap(),
        &svc("tcp/22"),
        ReachDirection::To,
        &TraceOptions::default(),
    )
    .unwrap();
    assert!(none.iter().all(|r| r.outcome != ReachOutcome::Allowed));
}

#[test]
fn the_pilot_half_of_a_vnet_is_partial_and_a_rule_mccs_cannot_judge_is_unknown() {
    let t = mccs_model::examples::reference();
    let g = NetworkGraph::build(&t);
    let found = reach(
        &g,
        &"abc123-prod".parse().unwrap(),
        &svc("tcp/1521"),
        ReachDirection::From,
        &TraceOptions::default(),
    )
    .unwrap();
    // The forms VNet to zone b: the cloud firewall allows half the VNet, the on-prem firewalls
    // have no rule: not allowed, with the partial verdict shown.
    let zone_b = found.iter().find(|r| r.end == "zone-b").unwrap();
    assert_eq!(zone_b.outcome, ReachOutcome::NotAllowed);
    assert!(
        zone_b.firewalls[0]
            .verdict
            .starts_with("partial: allowed by MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT")
    );

    let text = mccs_model::examples::REFERENCE_YAML.replace(
        "      - name: DENY_TELNET\n",
        "      - name: APPS\n        sources: [any]\n        destinations: [any]\n        services: [tcp]\n        action: allow\n        unknown: App-ID oracle\n      - name: DENY_TELNET\n",
    );
    let t = mccs_model::check(&text, mccs_model::Format::Yaml, &Default::default()).topology;
    let g = NetworkGraph::build(&t);
    let found = reach(
        &g,
        &"citz-oracle-db".parse().unwrap(),
        &svc("tcp/1521"),
        ReachDirection::To,
        &TraceOptions::default(),
    )
    .unwrap();
    let forms = found.iter().find(|r| r.end == "abc123-prod").unwrap();
    // The cloud firewall allows half, the 3PG cannot be judged, the zone firewall denies:
    // the certain deny decides.
    assert_eq!(forms.outcome, ReachOutcome::NotAllowed);
    assert!(
        forms
            .firewalls
            .iter()
            .any(|f| f.firewall == "3pg" && f.verdict.starts_with("unknown: rule `APPS`"))
    );
    // Where every other firewall allows, the one that cannot be judged makes it unknown,
    // never allowed.
    let found = reach(
        &g,
        &"hlth-claims-api".parse().unwrap(),
        &svc("tcp/443"),
        ReachDirection::To,
        &TraceOptions::default(),
    )
    .unwrap();
    let claims = found.iter().find(|r| r.end == "def456-prod").unwrap();
    assert_eq!(claims.outcome, ReachOutcome::Unknown);
    assert!(
        claims
            .reasons
            .iter()
            .any(|r| r.contains("rule `APPS` (allow) also matches on App-ID oracle"))
    );
}
