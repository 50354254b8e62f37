//! The central invariant: applying a plan and planning the same flows again asks for nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: that is how a test fails

use std::collections::BTreeMap;

use mccs_model::{
    Action, AddressRef, Channel, Encryption, Endpoint, Environment, Firewall, FirewallKind, Flow,
    HybridLink, Initiator, LinkKind, OnPrem, Platform, ProjectSet, Redundancy, Rule, ServiceRef,
    Topology, VirtualNetwork, Zone,
};
use mccs_path::{PlanOptions, Status, apply, plan};
use proptest::prelude::*;

const SERVICES: [&str; 5] = ["tcp/443", "tcp/1521", "tcp/1000-2000", "udp/53", "any"];

#[derive(Debug, Clone)]
struct Spec {
    project_sets: Vec<(bool, Vec<usize>)>,
    zones: Vec<usize>,
    links: [bool; 4],
    rules: Vec<(usize, usize, usize, usize, bool)>,
    flows: Vec<(usize, usize, Vec<usize>, u8)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(
            (any::<bool>(), prop::collection::vec(0..3usize, 1..3)),
            1..4,
        ),
        prop::collection::vec(1..4usize, 1..4),
        any::<[bool; 4]>(),
        prop::collection::vec(
            (0..6usize, 0..40usize, 0..40usize, 0..5usize, any::<bool>()),
            0..20,
        ),
        prop::collection::vec(
            (
                0..40usize,
                0..40usize,
                prop::collection::vec(0..5usize, 1..3),
                0..3u8,
            ),
            1..6,
        ),
    )
        .prop_map(|(project_sets, zones, links, rules, flows)| Spec {
            project_sets,
            zones,
            links,
            rules,
            flows,
        })
}

fn channel(name: &str) -> Channel {
    Channel::new(name.parse().unwrap(), name, "Project team", "Network team")
}

fn firewall(name: &str, kind: FirewallKind, platform: Option<Platform>, channel: &str) -> Firewall {
    let fw = Firewall::new(
        name.parse().unwrap(),
        kind,
        "owner",
        channel.parse().unwrap(),
    );
    match platform {
        Some(p) => fw.platform(p),
        None => fw,
    }
}

const ENVS: [&str; 3] = ["dev", "test", "prod"];

fn build(spec: &Spec) -> Topology {
    let mut t = Topology::new();
    t.channels = vec![channel("cloud"), channel("onprem")];
    t.firewalls = vec![
        firewall(
            "aws-fw",
            FirewallKind::Cloud,
            Some(Platform::AwsLza),
            "cloud",
        ),
        firewall(
            "azure-fw",
            FirewallKind::Cloud,
            Some(Platform::AzureAlz),
            "cloud",
        ),
        firewall("edge", FirewallKind::Edge, None, "onprem"),
    ];
    // Addresses a rule or flow may name: environments, zones, endpoints and halves of them.
    let mut ends: Vec<String> = Vec::new();
    for (i, (aws, envs)) in spec.project_sets.iter().enumerate() {
        let plate = format!("ps{i:04}");
        let mut environments = BTreeMap::new();
        for &e in envs {
            let cidr = format!("10.{i}.{e}.0/24");
            environments.insert(
                ENVS[e].parse::<Environment>().unwrap(),
                VirtualNetwork::new(
                    format!("acct{i}{e}"),
                    "ca-central-1".into(),
                    vec![cidr.parse().unwrap()],
                ),
            );
            ends.push(format!("{plate}-{}", ENVS[e]));
            ends.push(format!("10.{i}.{e}.128/25"));
        }
        let platform = if *aws {
            Platform::AwsLza
        } else {
            Platform::AzureAlz
        };
        let mut ps = ProjectSet::new(plate.parse().unwrap(), "CITZ".parse().unwrap(), platform);
        ps.environments = environments;
        t.project_sets.push(ps);
    }
    let mut zones = Vec::new();
    for (z, &endpoints) in spec.zones.iter().enumerate() {
        let fw = format!("zone{z}-fw");
        t.firewalls
            .push(firewall(&fw, FirewallKind::Zone, None, "onprem"));
        ends.push(format!("172.16.{z}.0/24"));
        let mut zone = Zone::new(
            format!("zone{z}").parse().unwrap(),
            fw.parse().unwrap(),
            [format!("172.16.{z}.0/24").parse().unwrap()],
        );
        for e in 0..endpoints {
            ends.push(format!("host{z}{e}"));
            zone = zone.endpoint(Endpoint::new(
                format!("host{z}{e}").parse().unwrap(),
                format!("172.16.{z}.{}", 10 + e).parse().unwrap(),
            ));
        }
        zones.push(zone);
    }
    let mut on_prem = OnPrem::new("edge".parse().unwrap());
    on_prem.zones = zones;
    t.on_prem = Some(on_prem);
    for (i, (kind, red)) in [
        (LinkKind::DirectConnect, Redundancy::Primary),
        (LinkKind::DirectConnect, Redundancy::Secondary),
        (LinkKind::ExpressRoute, Redundancy::Primary),
        (LinkKind::ExpressRoute, Redundancy::Secondary),
    ]
    .into_iter()
    .enumerate()
    {
        if spec.links[i] {
            t.hybrid_links.push(HybridLink::new(
                format!("link{i}").parse().unwrap(),
                kind,
                red,
                Encryption::Ipsec,
            ));
        }
    }
    let addr = |i: usize| -> AddressRef {
        let e = &ends[i % ends.len()];
        if let Ok(r) = e.parse::<mccs_model::EnvRef>() {
            let (_, net) = t.environment(&r).unwrap();
            return AddressRef::Prefix(net.address_space[0]);
        }
        if let Some((_, ep)) = t.endpoint(e) {
            return AddressRef::Prefix(ep.address.into());
        }
        e.parse().unwrap()
    };
    let mut rules: Vec<(usize, Rule)> = Vec::new();
    for (n, (fw, s, d, svc, allow)) in spec.rules.iter().enumerate() {
        let fw = fw % t.firewalls.len();
        rules.push((
            fw,
            Rule::new(
                format!("EXISTING_{n}").parse().unwrap(),
                if *allow { Action::Allow } else { Action::Deny },
                [if s % 7 == 0 {
                    AddressRef::Any
                } else {
                    addr(*s)
                }],
                [if d % 9 == 0 {
                    AddressRef::Any
                } else {
                    addr(*d)
                }],
                [SERVICES[*svc].parse::<ServiceRef>().unwrap()],
            ),
        ));
    }
    for (fw, r) in rules {
        t.firewalls[fw].rules.push(r);
    }
    for (n, (s, d, svcs, init)) in spec.flows.iter().enumerate() {
        let services: Vec<ServiceRef> =
            svcs.iter().map(|i| SERVICES[*i].parse().unwrap()).collect();
        t.flows.push(
            Flow::new(
                format!("flow{n}").parse().unwrap(),
                ends[s % ends.len()].parse::<mccs_model::FlowEnd>().unwrap(),
                ends[d % ends.len()].parse::<mccs_model::FlowEnd>().unwrap(),
                services,
            )
            .initiator([Initiator::Source, Initiator::Both, Initiator::Source][usize::from(*init)])
            .justification(format!("needed by flow {n}")),
        );
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn plan_then_apply_leaves_nothing_to_request(spec in spec()) {
        let t = build(&spec);
        let first = plan(&t, &t.flows, &PlanOptions::default());
        let after = apply(&t, &first);
        let second = plan(&after, &after.flows, &PlanOptions::default());
        prop_assert!(second.rules.is_empty(), "still requested: {:#?}", second.rules);
        for (a, b) in first.flows.iter().zip(&second.flows) {
            prop_assert_ne!(b.status(), Status::NeedsRules);
            // Nothing a rule cannot fix is fixed by applying rules, and nothing breaks.
            prop_assert_eq!(a.status() == Status::Blocked, b.status() == Status::Blocked);
        }
        // The topology with the planned rules is still a valid document.
        let findings = mccs_model::validate(&after, &mccs_model::ValidateOptions::default());
        prop_assert!(findings.iter().all(|d| !d.is_error()), "{:#?}", findings);
    }
}

#[test]
fn examples_plan_then_apply() {
    for t in [
        mccs_model::examples::reference(),
        mccs_model::examples::cross_cloud(),
    ] {
        let first = plan(&t, &t.flows, &PlanOptions::default());
        assert!(!first.rules.is_empty());
        let after = apply(&t, &first);
        let second = plan(&after, &after.flows, &PlanOptions::default());
        assert!(second.rules.is_empty());
        assert!(second.is_complete());
    }
}
