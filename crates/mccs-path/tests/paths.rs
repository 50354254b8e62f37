//! Paths, verdicts and diagnoses on the reference and cross-cloud topologies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: that is how a test fails

use mccs_model::{Initiator, Topology, examples};
use mccs_path::{
    Diagnosis, Direction, NetworkGraph, Party, PathEnd, PathRole, PlanOptions, Status, SvcSet,
    Trace, TraceOptions, Verdict, plan,
};

fn trace(t: &Topology, from: &str, to: &str, svc: &str, initiator: Initiator) -> Vec<Trace> {
    let g = NetworkGraph::build(t);
    let flows = g
        .directed(
            "test",
            &from.parse().unwrap(),
            &to.parse().unwrap(),
            &SvcSet::from_services(&[svc.parse().unwrap()]),
            initiator,
        )
        .unwrap();
    flows
        .iter()
        .map(|f| g.trace(f, &TraceOptions::default()))
        .collect()
}

fn nodes(t: &Trace, path: usize) -> Vec<(String, String)> {
    t.paths[path]
        .hops
        .iter()
        .map(|h| (h.node().to_string(), h.kind().to_string()))
        .collect()
}

fn verdict<'a>(t: &'a Trace, path: usize, node: &str) -> &'a Verdict {
    t.paths[path]
        .hops
        .iter()
        .find(|h| h.node() == node)
        .unwrap()
        .verdict()
        .as_ref()
        .unwrap()
}

#[test]
fn seed_000_path_vnet_to_on_prem_endpoint() {
    let t = examples::reference();
    let tr = &trace(
        &t,
        "abc123-prod",
        "citz-oracle-db",
        "tcp/1521",
        Initiator::Cloud,
    )[0];
    assert_eq!(tr.paths.len(), 2);
    let kinds: Vec<String> = nodes(tr, 0)
        .into_iter()
        .map(|(n, k)| format!("{n}:{k}"))
        .collect();
    assert_eq!(
        kinds,
        [
            "abc123-prod:VNet",
            "azure-cloud-firewall:cloud firewall",
            "expressroute-primary:ExpressRoute (primary)",
            "3pg:edge firewall (3PG)",
            "zone-b-firewall:zone firewall",
            "zone-b:on-prem zone",
            "citz-oracle-db:on-prem endpoint"
        ]
    );
    assert_eq!(tr.paths[0].role, PathRole::Primary);
    assert_eq!(tr.paths[1].role, PathRole::Failover);
    assert_eq!(tr.paths[1].hops[2].node(), "expressroute-secondary");
    // The pilot rule covers only half of the VNet: partial, with the half left out.
    match verdict(tr, 0, "azure-cloud-firewall") {
        Verdict::Partial {
            allowed_by,
            left_out_sources,
            ..
        } => {
            assert_eq!(allowed_by, &["MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT"]);
            assert_eq!(left_out_sources, "10.46.8.128/25");
        }
        other => panic!("expected partial, got {other}"),
    }
    assert_eq!(verdict(tr, 0, "3pg"), &Verdict::NoMatchingRule);
    assert_eq!(verdict(tr, 0, "zone-b-firewall"), &Verdict::NoMatchingRule);
    assert!(tr.paths.iter().all(|p| p.end == PathEnd::Delivered));
    assert!(!tr.is_allowed());
    assert_eq!(tr.flow.direction, Direction::Outbound);
}

#[test]
fn already_allowed_flow_survives_failover() {
    let t = examples::reference();
    let tr = &trace(
        &t,
        "def456-prod",
        "hlth-claims-api",
        "tcp/443",
        Initiator::Cloud,
    )[0];
    assert!(tr.is_allowed());
    for p in 0..2 {
        assert_eq!(
            verdict(tr, p, "3pg"),
            &Verdict::Allowed {
                rules: vec!["MCCS_HLTH_LZA_LIVE_def456_prod".into()]
            }
        );
    }
    // An explicit deny earlier in the rulebase wins (first match).
    let tr = &trace(
        &t,
        "def456-prod",
        "hlth-claims-api",
        "tcp/23",
        Initiator::Cloud,
    )[0];
    assert_eq!(
        verdict(tr, 0, "3pg"),
        &Verdict::Denied {
            rules: vec!["DENY_TELNET".into()],
            implicit_deny_too: false,
        }
    );
}

#[test]
fn on_prem_initiated_flow_is_its_own_direction_with_its_own_rules() {
    let t = examples::reference();
    let traces = trace(
        &t,
        "data-warehouse",
        "abc123-prod",
        "tcp/443",
        Initiator::OnPrem,
    );
    assert_eq!(traces.len(), 1);
    let tr = &traces[0];
    assert_eq!(tr.flow.direction, Direction::Inbound);
    assert_eq!(tr.paths[0].hops[0].node(), "data-warehouse");
    assert_eq!(tr.paths[0].hops.last().unwrap().node(), "abc123-prod");
    let both = trace(
        &t,
        "abc123-prod",
        "data-warehouse",
        "tcp/443",
        Initiator::Both,
    );
    assert_eq!(both.len(), 2);
    let p = plan(&t, &t.flows, &PlanOptions::default());
    let inbound: Vec<&str> = p
        .rules
        .iter()
        .filter(|r| r.direction == Direction::Inbound)
        .map(|r| &*r.name)
        .collect();
    assert_eq!(
        inbound,
        [
            "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN",
            "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN"
        ]
    );
}

#[test]
fn seed_001_private_link_translates_sources_both_ways_with_dr_path() {
    let t = examples::cross_cloud();
    let out = &trace(
        &t,
        "api001-prod",
        "AZURE_PAYMENTS_APP",
        "tcp/443",
        Initiator::Cloud,
    )[0];
    assert_eq!(out.paths.len(), 2);
    let fw = |tr: &Trace, p: usize| {
        tr.paths[p]
            .hops
            .iter()
            .find(|h| h.node() == "cross-cloud-firewall")
            .unwrap()
            .clone()
    };
    // AWS -> Azure: the firewall sees the endpoint service's private IPs as the source.
    assert_eq!(fw(out, 0).source().set.to_string(), "10.250.0.10/31");
    assert!(
        matches!(&fw(out, 0).source().party, Party::Translated { role, region, .. } if *role == mccs_path::PrivateLinkSide::EndpointService && &**region == "eu-north-1")
    );
    assert_eq!(fw(out, 0).destination().set.to_string(), "10.200.0.10/32");
    assert!(fw(out, 0).verdict().unwrap().is_allowed());
    // The DR region path uses other IPs, which the firewall does not allow yet.
    assert_eq!(out.paths[1].role, PathRole::Failover);
    assert_eq!(fw(out, 1).source().set.to_string(), "10.251.0.10/31");
    assert_eq!(*fw(out, 1).verdict().unwrap(), Verdict::NoMatchingRule);
    // The security group in the connectivity account still sees the VPC CIDR.
    assert_eq!(
        out.paths[0].hops[1].source().set.to_string(),
        "10.60.3.0/24"
    );

    // Azure -> AWS: the VPC's security group sees the VPC endpoint's private IPs.
    let back = &trace(
        &t,
        "AZURE_PAYMENTS_APP",
        "api001-prod",
        "tcp/8443",
        Initiator::Cloud,
    )[0];
    let sg = back.paths[0]
        .hops
        .iter()
        .find(|h| h.node() == "api001-prod-app-sg")
        .unwrap();
    assert_eq!(sg.source().set.to_string(), "10.250.0.20/31");
    assert_eq!(sg.destination().set.to_string(), "10.60.3.0/24");
    assert_eq!(back.flow.direction, Direction::Inbound);

    let p = plan(&t, &t.flows, &PlanOptions::default());
    let dr = p
        .rules
        .iter()
        .find(|r| {
            r.targets[0].firewall == "cross-cloud-firewall" && r.direction == Direction::Outbound
        })
        .unwrap();
    assert_eq!(dr.sources[0].set.to_string(), "10.251.0.10/31");
    assert_eq!(dr.targets[0].roles, [PathRole::Failover]);
    // The two regions' endpoint IPs differ only in source: one exact rule on the security group.
    let sg_rules: Vec<_> = p
        .rules
        .iter()
        .filter(|r| r.targets.iter().any(|t| t.firewall == "api001-prod-app-sg"))
        .collect();
    assert_eq!(sg_rules.len(), 1);
    assert_eq!(sg_rules[0].sources.len(), 2);
}

#[test]
fn openshift_destination_by_its_published_object() {
    let t = examples::reference();
    let tr = &trace(
        &t,
        "ghi789-prod",
        "OCP_SILVER_INGRESS",
        "tcp/443",
        Initiator::Cloud,
    )[0];
    assert!(matches!(
        &tr.flow.destination.party,
        Party::Object { name, published_by: Some(by) } if name == "OCP_SILVER_INGRESS" && &**by == "OpenShift platform team"
    ));
    assert_eq!(
        tr.paths[0]
            .hops
            .iter()
            .filter(|h| h.verdict().is_some())
            .count(),
        3
    );
    assert!(
        tr.paths[0]
            .hops
            .iter()
            .any(|h| h.node() == "ocp-silver-firewall")
    );
}

#[test]
fn blackhole_is_diagnosed_where_the_path_stops() {
    let mut t = examples::reference();
    t.hybrid_links
        .retain(|l| l.kind != mccs_model::LinkKind::ExpressRoute);
    let tr = &trace(
        &t,
        "abc123-prod",
        "citz-oracle-db",
        "tcp/1521",
        Initiator::Cloud,
    )[0];
    assert_eq!(tr.paths.len(), 1);
    assert_eq!(tr.paths[0].end, PathEnd::NoRoute);
    assert_eq!(
        tr.diagnoses,
        [Diagnosis::NoRoute {
            at: "azure-cloud-firewall".into(),
            destination: "142.34.10.25/32".into()
        }]
    );
    assert!(tr.is_blocked());
    let p = plan(&t, &t.flows, &PlanOptions::default());
    assert_eq!(p.flows[0].status(), Status::Blocked);
    assert!(
        p.rules
            .iter()
            .all(|r| !r.flows.iter().any(|f| f == "citz-forms-to-oracle"))
    );
}

#[test]
fn routing_loop_is_diagnosed_not_followed() {
    // A zone whose "zone firewall" is the cloud firewall (validation reports the wrong kind):
    // the cloud firewall now routes zone-b both directly and over ExpressRoute, which leads back.
    let mut t = examples::reference();
    t.on_prem.as_mut().unwrap().zones[0].firewall = Some("azure-cloud-firewall".parse().unwrap());
    let tr = &trace(
        &t,
        "abc123-prod",
        "citz-oracle-db",
        "tcp/1521",
        Initiator::Cloud,
    )[0];
    assert!(
        tr.paths.iter().any(|p| p.end == PathEnd::Loop),
        "{:#?}",
        tr.paths
    );
    assert!(tr.diagnoses.iter().any(
        |d| matches!(d, Diagnosis::Loop { path } if path.contains("azure-cloud-firewall -> "))
    ));
}

#[test]
fn unknown_and_unowned_ends_are_diagnosed() {
    let t = examples::reference();
    let g = NetworkGraph::build(&t);
    let svc = SvcSet::from_services(&["tcp/443".parse().unwrap()]);
    let err = g
        .directed(
            "x",
            &"abc123-prod".parse().unwrap(),
            &"203.0.113.9".parse().unwrap(),
            &svc,
            Initiator::Cloud,
        )
        .unwrap_err();
    assert!(matches!(&err.diagnoses()[0], Diagnosis::NotOwned { end, .. } if end == "destination"));
    let err = g
        .directed(
            "x",
            &"zzz999-prod".parse().unwrap(),
            &"nope".parse().unwrap(),
            &svc,
            Initiator::Cloud,
        )
        .unwrap_err();
    assert_eq!(err.diagnoses().len(), 2);
    assert_eq!(err.flow(), "x");
    assert!(
        err.to_string().contains("; "),
        "both problems in one message: {err}"
    );
    // A source spanning two networks is ambiguous.
    let err = g
        .directed(
            "x",
            &"10.46.0.0/16".parse().unwrap(),
            &"citz-oracle-db".parse().unwrap(),
            &svc,
            Initiator::Cloud,
        )
        .unwrap_err();
    assert!(
        matches!(&err.diagnoses()[0], Diagnosis::Ambiguous { .. }),
        "{err:?}"
    );
    // On-prem initiation needs an on-prem end.
    let err = g
        .directed(
            "x",
            &"abc123-prod".parse().unwrap(),
            &"def456-prod".parse().unwrap(),
            &svc,
            Initiator::OnPrem,
        )
        .unwrap_err();
    assert!(matches!(&err.diagnoses()[0], Diagnosis::Initiator { .. }));
}

#[test]
fn expired_rules_on_the_path_are_reported() {
    let t = examples::reference();
    let g = NetworkGraph::build(&t);
    let f = &g
        .directed(
            "x",
            &"10.46.8.0/25".parse().unwrap(),
            &"citz-oracle-db".parse().unwrap(),
            &SvcSet::from_services(&["tcp/1521".parse().unwrap()]),
            Initiator::Cloud,
        )
        .unwrap()[0];
    let opts = TraceOptions::default().with_today("2031-01-01".parse().unwrap());
    let tr = g.trace(f, &opts);
    assert!(tr.diagnoses.contains(&Diagnosis::ExpiredRule {
        firewall: "azure-cloud-firewall".into(),
        rule: "MCCS_CITZ_ALZ_LIVE_abc123_prod_PILOT".into(),
        expires: "2030-03-31".into(),
    }));
    assert!(g.trace(f, &TraceOptions::default()).diagnoses.is_empty());
}

#[test]
fn plans_are_deterministic() {
    let t = examples::reference();
    let a = serde_json::to_string(&plan(&t, &t.flows, &PlanOptions::default())).unwrap();
    let b = serde_json::to_string(&plan(&t, &t.flows, &PlanOptions::default())).unwrap();
    assert_eq!(a, b);
}
