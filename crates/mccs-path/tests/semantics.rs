//! The answers a network engineer can sign: who opens the connection, what a verdict word means,
//! address families, on-prem shapes (several 3PG clusters, zones as flow ends). Each test is a
//! small topology with the exact verdicts and rows expected; each failed on the code before
//! these semantics were made explicit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: that is how a test fails

use mccs_model::{Format, Initiator, Topology, ValidateOptions, check};
use mccs_path::{
    Diagnosis, Direction, NetworkGraph, Party, PathRole, Placement, PlanOptions, Status, SvcSet,
    Trace, TraceOptions, Verdict, apply, plan,
};

/// An ALZ VNet (dual-stack), an IPv6-only VNet, two 3PG clusters (one per data centre), two
/// zones; no rule anywhere yet unless a test adds one.
const BASE: &str = "\
version: 1
channels:
  - name: cloud-req
    title: Cloud firewall change request
    filed_by: Project team
    handled_by: Public Cloud Team
  - name: onprem-req
    title: On-premises firewall request
    filed_by: Project team
    handled_by: On-prem network security
firewalls:
  - name: azure-fw
    kind: cloud
    platform: azure-alz
    owner: Public Cloud Team
    channel: cloud-req
  - name: 3pg-kam
    kind: edge
    owner: On-prem network security
    channel: onprem-req
  - name: 3pg-cal
    kind: edge
    owner: On-prem network security
    channel: onprem-req
  - name: zone-b-fw
    kind: zone
    owner: On-prem network security
    channel: onprem-req
  - name: zone-c-fw
    kind: zone
    owner: On-prem network security
    channel: onprem-req
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: azure-alz
    environments:
      prod:
        account: sub-prod
        region: canadacentral
        address_space: [10.46.8.0/24, \"fd00:46:8::/48\"]
  - license_plate: xyz789
    ministry: HLTH
    platform: azure-alz
    environments:
      prod:
        account: sub-v6
        region: canadacentral
        address_space: [\"fd00:99::/48\"]
on_prem:
  edge_firewall: 3pg-kam
  zones:
    - name: zone-b
      firewall: zone-b-fw
      networks: [142.34.10.0/24]
      endpoints:
        - name: db
          address: 142.34.10.25
    - name: zone-c
      firewall: zone-c-fw
      networks: [142.34.20.0/24]
      endpoints:
        - name: warehouse
          address: 142.34.20.15
hybrid_links:
  - name: er-kam
    kind: express-route
    redundancy: primary
    encryption: ipsec
  - name: er-cal
    kind: express-route
    redundancy: secondary
    encryption: ipsec
    edge_firewall: 3pg-cal
";

fn topology(text: &str) -> Topology {
    let checked = check(text, Format::Yaml, &ValidateOptions::default());
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked.topology
}

/// `BASE` with rules for firewall `fw` (YAML list items, indented for `rules:`).
fn with_rules(base: &str, fw: &str, rules: &str) -> String {
    let anchor = format!("  - name: {fw}\n");
    let at = base.find(&anchor).unwrap();
    let end = base[at + anchor.len()..]
        .find("  - name: ")
        .map_or(base.find("project_sets:").unwrap(), |i| {
            at + anchor.len() + i
        });
    format!("{}    rules:\n{rules}{}", &base[..end], &base[end..])
}

fn traces(
    t: &Topology,
    from: &str,
    to: &str,
    svc: &str,
    initiator: Initiator,
) -> Result<Vec<Trace>, Vec<Diagnosis>> {
    let g = NetworkGraph::build(t);
    let flows = g
        .directed(
            "f",
            &from.parse().unwrap(),
            &to.parse().unwrap(),
            &SvcSet::from_services(&[svc.parse().unwrap()]),
            initiator,
        )
        .map_err(mccs_path::FlowError::into_diagnoses)?;
    Ok(flows
        .iter()
        .map(|f| g.trace(f, &TraceOptions::default()))
        .collect())
}

fn hop_names(t: &Trace, path: usize) -> Vec<String> {
    t.paths[path]
        .hops
        .iter()
        .map(|h| h.node().to_string())
        .collect()
}

fn verdict<'a>(t: &'a Trace, path: usize, node: &str) -> &'a Verdict {
    t.paths[path]
        .hops
        .iter()
        .find(|h| h.node() == node)
        .and_then(|h| h.verdict())
        .unwrap_or_else(|| panic!("no verdict at {node}"))
}

// ---------------------------------------------------------------------------------------------
// Direction: the source opens the connection

#[test]
fn an_on_prem_source_opens_the_connection_and_is_never_swapped() {
    let t = topology(&format!(
        "{BASE}flows:\n  - name: pull\n    source: warehouse\n    destination: abc123-prod\n    services: [tcp/443]\n"
    ));
    let tr = traces(&t, "warehouse", "abc123-prod", "tcp/443", Initiator::Source).unwrap();
    assert_eq!(tr.len(), 1);
    // Hops run from the side that opens the connection.
    assert_eq!(
        hop_names(&tr[0], 0),
        [
            "warehouse",
            "zone-c",
            "zone-c-fw",
            "3pg-kam",
            "er-kam",
            "azure-fw",
            "abc123-prod"
        ]
    );
    assert_eq!(tr[0].flow.direction, Direction::Inbound);
    assert_eq!(
        tr[0].flow.source.party,
        Party::Endpoint {
            name: "warehouse".parse().unwrap()
        }
    );

    // The plan's rules have the warehouse as source on every firewall, named `_IN`.
    let p = plan(&t, &t.flows, &PlanOptions::default());
    assert!(!p.rules.is_empty());
    for r in &p.rules {
        assert_eq!(r.direction, Direction::Inbound, "{r:?}");
        assert_eq!(
            r.sources[0].party,
            Party::Endpoint {
                name: "warehouse".parse().unwrap()
            }
        );
        assert!(r.name.ends_with("_IN"), "{}", r.name);
    }
}

#[test]
fn an_initiator_that_contradicts_the_source_is_refused_not_guessed() {
    let t = topology(BASE);
    let err = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::OnPrem).unwrap_err();
    assert!(
        matches!(&err[..], [Diagnosis::Initiator { why, .. }] if why.contains("swap `source` and `destination`")),
        "{err:?}"
    );
    // Stated correctly, it is the same as the default.
    let stated = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Cloud).unwrap();
    let default = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    assert_eq!(stated, default);
    // `both` is two directions, the source's first.
    let both = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Both).unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(hop_names(&both[0], 0)[0], "abc123-prod");
    assert_eq!(hop_names(&both[1], 0)[0], "db");
}

// ---------------------------------------------------------------------------------------------
// Verdict words

#[test]
fn a_deny_rule_and_the_implicit_deny_say_denied_and_the_new_rule_goes_above_the_deny() {
    // The deny rule covers half the VNet; nothing matches the other half.
    let text = with_rules(
        BASE,
        "azure-fw",
        "      - name: DENY_PILOT\n        sources: [10.46.8.0/25]\n        destinations: [any]\n        services: [any]\n        action: deny\n",
    );
    let t = topology(&format!(
        "{text}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let tr = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    assert_eq!(
        verdict(&tr[0], 0, "azure-fw"),
        &Verdict::Denied {
            rules: vec!["DENY_PILOT".into()],
            implicit_deny_too: true,
        }
    );
    let p = plan(&t, &t.flows, &PlanOptions::default());
    let cloud = p.rules.iter().find(|r| r.channel == "cloud-req").unwrap();
    assert_eq!(
        cloud.targets[0].placement,
        Placement::Above {
            rule: "DENY_PILOT".into()
        }
    );
    let after = apply(&t, &p);
    assert!(
        plan(&after, &after.flows, &PlanOptions::default())
            .rules
            .is_empty()
    );
}

#[test]
fn partial_means_part_is_allowed_today() {
    let text = with_rules(
        BASE,
        "azure-fw",
        "      - name: PILOT\n        sources: [10.46.8.0/25]\n        destinations: [any]\n        services: [any]\n        action: allow\n",
    );
    let t = topology(&text);
    let tr = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    assert!(matches!(
        verdict(&tr[0], 0, "azure-fw"),
        Verdict::Partial { allowed_by, .. } if allowed_by == &["PILOT".to_owned()]
    ));
}

// ---------------------------------------------------------------------------------------------
// Address families

#[test]
fn ends_without_a_common_family_are_blocked_with_a_diagnosis() {
    let t = topology(&format!(
        "{BASE}flows:\n  - name: v6-to-db\n    source: xyz789-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let err = traces(&t, "xyz789-prod", "db", "tcp/1521", Initiator::Source).unwrap_err();
    assert_eq!(
        err,
        [Diagnosis::NoCommonFamily {
            flow: "f".into(),
            source_families: "is IPv6 only".into(),
            source_addresses: "fd00:99::/48".into(),
            destination_families: "is IPv4 only".into(),
            destination_addresses: "142.34.10.25/32".into(),
        }]
    );
    assert!(
        err[0]
            .to_string()
            .contains("a NAT64 or a dual-stack address is needed")
    );
    // The plan blocks it and requests nothing for it.
    let p = plan(&t, &t.flows, &PlanOptions::default());
    assert_eq!(p.flows[0].status(), Status::Blocked);
    assert!(p.rules.is_empty());
}

#[test]
fn a_dual_stack_end_is_narrowed_to_the_other_ends_family() {
    let t = topology(&format!(
        "{BASE}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let tr = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    assert_eq!(tr[0].flow.source.set.to_string(), "10.46.8.0/24");
    let p = plan(&t, &t.flows, &PlanOptions::default());
    for r in &p.rules {
        assert_eq!(r.sources[0].set.to_string(), "10.46.8.0/24", "{}", r.name);
    }
}

#[test]
fn an_ipv4_mapped_address_is_the_ipv4_address_it_denotes() {
    // The zone firewall's rule names the database as an IPv4-mapped IPv6 address.
    let text = with_rules(
        BASE,
        "zone-b-fw",
        "      - name: MAPPED\n        sources: [10.46.8.0/24]\n        destinations: [\"::ffff:142.34.10.25/128\"]\n        services: [tcp/1521]\n        action: allow\n",
    );
    let t = topology(&text);
    let tr = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    assert_eq!(
        verdict(&tr[0], 0, "zone-b-fw"),
        &Verdict::Allowed {
            rules: vec!["MAPPED".into()]
        }
    );
    // And a flow end written that way reaches the IPv4 endpoint.
    let tr = traces(
        &t,
        "abc123-prod",
        "::ffff:142.34.10.25/128",
        "tcp/1521",
        Initiator::Source,
    )
    .unwrap();
    assert!(!tr[0].is_blocked(), "{:?}", tr[0].diagnoses);
}

// ---------------------------------------------------------------------------------------------
// On-prem shapes

#[test]
fn each_3pg_cluster_is_a_path_and_the_secondary_link_is_failover() {
    let t = topology(BASE);
    let tr = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    let paths: Vec<(PathRole, Vec<String>)> = tr[0]
        .paths
        .iter()
        .map(|p| {
            (
                p.role,
                p.hops.iter().map(|h| h.node().to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(paths.len(), 2, "{paths:#?}");
    assert_eq!(paths[0].0, PathRole::Primary);
    assert!(paths[0].1.contains(&"3pg-kam".to_owned()));
    assert_eq!(paths[1].0, PathRole::Failover);
    assert!(paths[1].1.contains(&"3pg-cal".to_owned()));
    // Both clusters need the rule: one planned rule, applied on both.
    let t = topology(&format!(
        "{BASE}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let p = plan(&t, &t.flows, &PlanOptions::default());
    let onprem = p.rules.iter().find(|r| r.channel == "onprem-req").unwrap();
    let on: Vec<&str> = onprem.targets.iter().map(|x| x.firewall.as_str()).collect();
    assert_eq!(on, ["3pg-kam", "zone-b-fw", "3pg-cal"]);
}

#[test]
fn on_prem_to_on_prem_crosses_both_zone_firewalls_through_either_cluster() {
    let t = topology(&format!(
        "{BASE}flows:\n  - name: etl\n    source: warehouse\n    destination: zone-b\n    services: [tcp/1521]\n"
    ));
    let tr = traces(&t, "warehouse", "zone-b", "tcp/1521", Initiator::Source).unwrap();
    assert_eq!(
        tr[0].flow.destination.party,
        Party::Zone {
            name: "zone-b".parse().unwrap()
        }
    );
    assert_eq!(tr[0].flow.owner, None);
    let paths: Vec<Vec<String>> = (0..tr[0].paths.len())
        .map(|i| hop_names(&tr[0], i))
        .collect();
    assert_eq!(
        paths,
        [
            vec![
                "warehouse",
                "zone-c",
                "zone-c-fw",
                "3pg-kam",
                "zone-b-fw",
                "zone-b"
            ],
            vec![
                "warehouse",
                "zone-c",
                "zone-c-fw",
                "3pg-cal",
                "zone-b-fw",
                "zone-b"
            ],
        ]
    );
    let p = plan(&t, &t.flows, &PlanOptions::default());
    assert_eq!(p.flows[0].status(), Status::NeedsRules);
    let after = apply(&t, &p);
    assert!(
        plan(&after, &after.flows, &PlanOptions::default())
            .rules
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// Limits of the walk: a flow that is not fully followed is blocked with the limit as its reason,
// never judged on the paths that happened to be found.

#[test]
fn every_walk_limit_blocks_the_flow_with_its_reason() {
    let t = topology(BASE);
    let g = NetworkGraph::build(&t);
    let flows = g
        .directed(
            "f",
            &"abc123-prod".parse().unwrap(),
            &"db".parse().unwrap(),
            &SvcSet::from_services(&["tcp/1521".parse().unwrap()]),
            Initiator::Source,
        )
        .unwrap();
    // Two paths of about eight hops each.
    let full = g.trace(&flows[0], &TraceOptions::default());
    assert_eq!(full.paths.len(), 2);
    assert!(!full.is_blocked());
    let cases = [
        (
            TraceOptions::default().with_max_paths(1),
            "too many paths (limit 1)",
        ),
        (
            TraceOptions::default().with_max_hops(3),
            "longer than 3 hops",
        ),
        (
            TraceOptions::default().with_max_steps(5),
            "stopped after 5 steps",
        ),
    ];
    for (options, reason) in cases {
        let tr = g.trace(&flows[0], &options);
        assert!(tr.is_blocked(), "{reason}");
        assert!(!tr.is_allowed(), "{reason}");
        assert!(
            tr.diagnoses
                .iter()
                .any(|d| d.is_limit() && d.to_string().contains(reason)),
            "{reason}: {:?}",
            tr.diagnoses
        );
    }
    // The plan says blocked, with the reason, and requests nothing for it.
    let t = topology(&format!(
        "{BASE}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let p = plan(
        &t,
        &t.flows,
        &PlanOptions::default().with_trace(TraceOptions::default().with_max_paths(1)),
    );
    assert_eq!(p.flows[0].status(), Status::Blocked);
    assert!(p.rules.is_empty());
    assert!(
        p.flows[0].directions[0]
            .trace
            .diagnoses
            .iter()
            .any(Diagnosis::is_limit)
    );
}

/// Rules that each cut every part already cut, in two dimensions: `k` rules make 2^k parts.
fn multiplying_rules(k: usize) -> String {
    let mut out = String::new();
    for r in 0..k {
        // Sources: the addresses of 10.46.8.0/24 whose bit (7 - r) is 0.
        let size = 128u32 >> r;
        let sources: Vec<String> = (0..256u32)
            .step_by(2 * size as usize)
            .map(|a| format!("10.46.8.{a}/{}", 25 + r))
            .collect();
        // Ports: the ports of 1024-2047 whose bit (9 - r) is 0.
        let span = 512u32 >> r;
        let ports: Vec<String> = (1024..2048u32)
            .step_by(2 * span as usize)
            .map(|p| format!("tcp/{p}-{}", p + span - 1))
            .collect();
        out.push_str(&format!(
            "      - name: CUT{r}\n        sources: [{}]\n        destinations: [any]\n        services: [{}]\n        action: deny\n",
            sources.join(", "),
            ports.join(", ")
        ));
    }
    out
}

#[test]
fn a_rulebase_that_multiplies_parts_gives_unknown_not_a_guess() {
    let text = with_rules(BASE, "azure-fw", &multiplying_rules(6));
    let t = topology(&format!(
        "{text}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1024-2047]\n"
    ));
    let g = NetworkGraph::build(&t);
    let flows = g.directed_flows(&t.flows[0]).unwrap();
    // Within the default budget the firewall is judged.
    let judged = g.trace(&flows[0], &TraceOptions::default());
    assert!(matches!(
        verdict(&judged, 0, "azure-fw"),
        Verdict::Denied { .. }
    ));
    // With a budget the rules exceed (6 rules cut 2^6 parts), the verdict is unknown and the
    // flow is blocked with the reason.
    let options = TraceOptions::default().with_max_parts(8);
    let tr = g.trace(&flows[0], &options);
    assert!(
        matches!(verdict(&tr, 0, "azure-fw"), Verdict::Unknown { .. }),
        "{:?}",
        verdict(&tr, 0, "azure-fw")
    );
    assert!(tr.is_blocked());
    assert!(tr.diagnoses.iter().any(|d| matches!(
        d,
        Diagnosis::TooManyParts { firewall, limit: 8 } if firewall == "azure-fw"
    )));
    let p = plan(&t, &t.flows, &PlanOptions::default().with_trace(options));
    assert_eq!(p.flows[0].status(), Status::Blocked);
    assert!(p.rules.iter().all(|r| r.channel != "cloud-req"));
}

#[test]
fn work_past_the_flows_budget_blocks_the_flow_with_its_reason() {
    let text = with_rules(BASE, "azure-fw", &multiplying_rules(6));
    let t = topology(&format!(
        "{text}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1024-2047]\n"
    ));
    let g = NetworkGraph::build(&t);
    let flows = g.directed_flows(&t.flows[0]).unwrap();
    // Entering the nodes before the firewall fits; cutting the parts there does not: the walk
    // stops there, as at every limit, and reports no path it did not finish.
    let options = TraceOptions::default().with_max_work(400);
    let tr = g.trace(&flows[0], &options);
    assert!(tr.paths.is_empty(), "{:?}", tr.paths);
    assert!(tr.is_blocked() && !tr.is_allowed());
    assert!(
        tr.diagnoses
            .iter()
            .any(|d| matches!(d, Diagnosis::TooMuchWork { limit: 400 })),
        "{:?}",
        tr.diagnoses
    );
    // A budget too small for even the first node stops the walk at once, with the same reason.
    let tr = g.trace(&flows[0], &TraceOptions::default().with_max_work(10));
    assert!(tr.is_blocked() && tr.paths.is_empty());
    assert!(tr.diagnoses.iter().any(Diagnosis::is_limit));
    // The default budget judges it.
    assert!(!g.trace(&flows[0], &TraceOptions::default()).is_blocked());
}

#[test]
fn a_plan_that_runs_out_of_work_judges_the_first_flows_and_blocks_the_rest() {
    let text = with_rules(BASE, "azure-fw", &multiplying_rules(6));
    let mut flows = String::from("flows:\n");
    for i in 0..4 {
        flows.push_str(&format!(
            "  - name: to-db-{i}\n    source: abc123-prod\n    destination: db\n    services: [tcp/1024-2047, udp/{}]\n",
            i + 1
        ));
    }
    let t = topology(&format!("{text}{flows}"));
    let full = plan(&t, &t.flows, &PlanOptions::default());
    assert!(full.flows.iter().all(|f| f.status() != Status::Blocked));
    // What one flow takes, measured, sets a budget that runs out during the second flow.
    let g = NetworkGraph::build(&t);
    let one = g.directed_flows(&t.flows[0]).unwrap();
    let mut cheapest = 0;
    while g
        .trace(&one[0], &TraceOptions::default().with_max_work(cheapest))
        .is_blocked()
    {
        cheapest += 50;
    }
    let p = plan(
        &t,
        &t.flows,
        &PlanOptions::default().with_max_work(cheapest + cheapest / 2, 0),
    );
    let statuses: Vec<Status> = p.flows.iter().map(mccs_path::FlowPlan::status).collect();
    assert_eq!(statuses[0], full.flows[0].status(), "{statuses:?}");
    assert!(
        statuses[1..].iter().all(|s| *s == Status::Blocked),
        "{statuses:?}"
    );
    let reason = &p.flows[3].directions[0].trace.diagnoses;
    assert!(
        reason
            .iter()
            .any(|d| matches!(d, Diagnosis::PlanOutOfWork { .. })),
        "{reason:?}"
    );
    // Nothing is requested for a flow that was not judged.
    assert!(
        p.rules
            .iter()
            .all(|r| r.flows.iter().all(|f| f == "to-db-0"))
    );
}

// ---------------------------------------------------------------------------------------------
// Rules mccs cannot judge, and disabled rules (issue 15)

#[test]
fn a_rule_mccs_cannot_judge_makes_the_flow_unknown_and_nothing_is_requested_for_it() {
    // An App-ID rule on the 3PG that may match the flow: the 3PG's verdict is unknown, the flow
    // is blocked with the rule's name, and no rule is requested (a guess either way would be a
    // broken promise).
    let text = with_rules(
        BASE,
        "3pg-kam",
        "      - name: WEB_APPS\n        sources: [any]\n        destinations: [any]\n        services: [tcp]\n        action: allow\n        unknown: App-ID web-browsing\n",
    );
    let t = topology(&format!(
        "{text}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let tr = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    assert!(matches!(
        verdict(&tr[0], 0, "3pg-kam"),
        Verdict::Unknown { reason } if reason.contains("`WEB_APPS`")
    ));
    assert!(!tr[0].is_allowed());
    assert!(tr[0].is_blocked());
    assert!(tr[0].diagnoses.iter().any(|d| matches!(
        d,
        Diagnosis::UnknownRule { firewall, rule, .. } if firewall == "3pg-kam" && rule == "WEB_APPS"
    )));
    let p = plan(&t, &t.flows, &PlanOptions::default());
    assert_eq!(p.flows[0].status(), Status::Blocked);
    assert!(
        p.rules
            .iter()
            .all(|r| r.targets.iter().all(|x| x.firewall != "3pg-kam")),
        "nothing is requested on the firewall whose verdict is unknown"
    );
    // The same rule for another service does not touch the flow: judged as before.
    let text = with_rules(
        BASE,
        "3pg-kam",
        "      - name: WEB_APPS\n        sources: [any]\n        destinations: [any]\n        services: [udp]\n        action: allow\n        unknown: App-ID dns\n",
    );
    let t = topology(&format!(
        "{text}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let p = plan(&t, &t.flows, &PlanOptions::default());
    assert_eq!(p.flows[0].status(), Status::NeedsRules);
}

#[test]
fn a_disabled_deny_rule_denies_nothing_and_a_planned_rule_does_not_go_above_it() {
    let text = with_rules(
        BASE,
        "azure-fw",
        "      - name: OLD_DENY\n        sources: [any]\n        destinations: [any]\n        services: [any]\n        action: deny\n        disabled: true\n",
    );
    let t = topology(&format!(
        "{text}flows:\n  - name: to-db\n    source: abc123-prod\n    destination: db\n    services: [tcp/1521]\n"
    ));
    let tr = traces(&t, "abc123-prod", "db", "tcp/1521", Initiator::Source).unwrap();
    assert_eq!(verdict(&tr[0], 0, "azure-fw"), &Verdict::NoMatchingRule);
    let p = plan(&t, &t.flows, &PlanOptions::default());
    let cloud = p.rules.iter().find(|r| r.channel == "cloud-req").unwrap();
    assert_eq!(cloud.targets[0].placement, Placement::Append);
}
