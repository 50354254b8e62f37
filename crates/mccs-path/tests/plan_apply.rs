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
    Channel {
        name: name.parse().unwrap(),
        title: name.into(),
        form: None,
        url: None,
        filed_by: "Project team".into(),
        handled_by: "Network team".into(),
    }
}

fn firewall(name: &str, kind: FirewallKind, platform: Option<Platform>, channel: &str) -> Firewall {
    Firewall {
        name: name.parse().unwrap(),
        kind,
        platform,
        owner: "owner".into(),
        channel: channel.parse().unwrap(),
        description: None,
        rules: Vec::new(),
        outbound_rules: Vec::new(),
        ephemeral_ports: None,
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
                VirtualNetwork {
                    account: format!("acct{i}{e}"),
                    region: "ca-central-1".into(),
                    address_space: vec![cidr.parse().unwrap()],
                    security_groups: Vec::new(),
                    subnets: Vec::new(),
                    secondary_ranges: Vec::new(),
                    nat_addresses: Vec::new(),
                },
            );
            ends.push(format!("{plate}-{}", ENVS[e]));
            ends.push(format!("10.{i}.{e}.128/25"));
        }
        t.project_sets.push(ProjectSet {
            license_plate: plate.parse().unwrap(),
            ministry: "CITZ".parse().unwrap(),
            platform: if *aws {
                Platform::AwsLza
            } else {
                Platform::AzureAlz
            },
            name: None,
            environments,
        });
    }
    let mut zones = Vec::new();
    for (z, &endpoints) in spec.zones.iter().enumerate() {
        let fw = format!("zone{z}-fw");
        t.firewalls
            .push(firewall(&fw, FirewallKind::Zone, None, "onprem"));
        ends.push(format!("172.16.{z}.0/24"));
        zones.push(Zone {
            name: format!("zone{z}").parse().unwrap(),
            firewall: Some(fw.parse().unwrap()),
            networks: vec![format!("172.16.{z}.0/24").parse().unwrap()],
            endpoints: (0..endpoints)
                .map(|e| {
                    ends.push(format!("host{z}{e}"));
                    Endpoint {
                        name: format!("host{z}{e}").parse().unwrap(),
                        address: format!("172.16.{z}.{}", 10 + e).parse().unwrap(),
                        object: None,
                        description: None,
                    }
                })
                .collect(),
            description: None,
        });
    }
    t.on_prem = Some(OnPrem {
        edge_firewall: "edge".parse().unwrap(),
        zones,
    });
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
            t.hybrid_links.push(HybridLink {
                name: format!("link{i}").parse().unwrap(),
                kind,
                redundancy: red,
                encryption: Encryption::Ipsec,
                edge_firewall: None,
                description: None,
            });
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
            Rule {
                name: format!("EXISTING_{n}").parse().unwrap(),
                sources: vec![if s % 7 == 0 {
                    AddressRef::Any
                } else {
                    addr(*s)
                }],
                destinations: vec![if d % 9 == 0 {
                    AddressRef::Any
                } else {
                    addr(*d)
                }],
                services: vec![SERVICES[*svc].parse::<ServiceRef>().unwrap()],
                action: if *allow { Action::Allow } else { Action::Deny },
                description: None,
                ticket: None,
                expires: None,
                priority: None,
            },
        ));
    }
    for (fw, r) in rules {
        t.firewalls[fw].rules.push(r);
    }
    for (n, (s, d, svcs, init)) in spec.flows.iter().enumerate() {
        t.flows.push(Flow {
            name: format!("flow{n}").parse().unwrap(),
            source: ends[s % ends.len()].parse().unwrap(),
            destination: ends[d % ends.len()].parse().unwrap(),
            services: svcs.iter().map(|i| SERVICES[*i].parse().unwrap()).collect(),
            initiator: [Initiator::Source, Initiator::Both, Initiator::Source][usize::from(*init)],
            justification: Some(format!("needed by flow {n}")),
            requester: None,
            expires: None,
            change_window: None,
        });
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
