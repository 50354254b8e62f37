//! Builds the seed's topology in code, traces its flow hop by hop, and plans the rules to
//! request: the CITZ forms VNet (`abc123-prod`) to the on-prem Oracle database, where the Azure
//! cloud firewall already allows half of the VNet (a pilot rule), and the 3PG and the zone
//! firewall allow nothing yet. Applying the plan leaves nothing to request.
//!
//! `cargo run -p mccs-path --example build_trace_plan`
#![allow(clippy::print_stdout)]

use ipnet::IpNet;
use mccs_model::Encryption::Ipsec;
use mccs_model::LinkKind::ExpressRoute;
use mccs_model::Platform::AzureAlz;
use mccs_model::Redundancy::Primary;
use mccs_model::{
    Channel, Endpoint, EnvRef, Environment, Firewall, FirewallKind, FirewallObject, Flow,
    HybridLink, Name, OnPrem, ProjectSet, Rule, Service, Topology, VirtualNetwork, Zone,
};
use mccs_path::{NetworkGraph, PlanOptions, TraceOptions, apply, plan};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The seed's topology, with a pilot rule on the Azure cloud firewall.
pub(crate) fn topology() -> Result<Topology> {
    let (cloud, on_prem): (Name, Name) = ("cloud-request".parse()?, "on-prem-request".parse()?);
    let (edge, zone_fw): (Name, Name) = ("3pg".parse()?, "zone-b-fw".parse()?);
    let (db, db_object): (Name, Name) = ("citz-oracle-db".parse()?, "CITZ_ORACLE_DB".parse()?);
    let (oracle, pilot): (Service, IpNet) = ("tcp/1521".parse()?, "10.46.8.0/25".parse()?);
    let (space, zone_net, db_ip) = (
        "10.46.8.0/24".parse()?,
        "142.34.10.0/24".parse()?,
        "142.34.10.25".parse()?,
    );
    let (prod, flow): (EnvRef, Name) = ("abc123-prod".parse()?, "forms-to-oracle".parse()?);
    let channel =
        |name: &Name, title| Channel::new(name.clone(), title, "Project team", "Network team");
    let on_prem_fw = |name, kind| Firewall::new(name, kind, "On-prem security", on_prem.clone());
    let vnet = VirtualNetwork::new("sub-3".into(), "canadacentral".into(), vec![space]);
    let zone = Zone::new("zone-b".parse()?, zone_fw.clone(), [zone_net])
        .endpoint(Endpoint::new(db.clone(), db_ip).object(db_object.clone()));
    let er = HybridLink::new("er-primary".parse()?, ExpressRoute, Primary, Ipsec);
    let pilot_rule = Rule::allow("PILOT".parse()?, [pilot], [db_ip], [oracle]);
    Ok(Topology::new()
        .with_channel(channel(&cloud, "Cloud firewall request"))
        .with_channel(channel(&on_prem, "On-prem firewall request"))
        .with_firewall(
            Firewall::cloud("azure-fw".parse()?, AzureAlz, "Cloud team", cloud).rule(pilot_rule),
        )
        .with_firewall(on_prem_fw(edge.clone(), FirewallKind::Edge))
        .with_firewall(on_prem_fw(zone_fw, FirewallKind::Zone))
        .with_project_set(
            ProjectSet::new("abc123".parse()?, "CITZ".parse()?, AzureAlz)
                .environment(Environment::Prod, vnet),
        )
        .with_on_prem(OnPrem::new(edge).zone(zone))
        .with_hybrid_link(er)
        .with_object(FirewallObject::host(db_object, db_ip))
        .with_flow(Flow::new(flow, prod, db, [oracle])))
}

pub(crate) fn main() -> Result<()> {
    let t = topology()?;

    // Trace: every path of the flow, each hop with the addresses it sees and its verdict.
    let graph = NetworkGraph::build(&t);
    let directed = graph.directed_flows(&t.flows[0])?;
    for flow in &directed {
        let trace = graph.trace(flow, &TraceOptions::default());
        println!(
            "trace {}: {} -> {} [{}]",
            flow.name, flow.source, flow.destination, flow.services
        );
        for path in &trace.paths {
            println!("  {} path:", path.role.as_str());
            for hop in &path.hops {
                let (node, kind) = (hop.node().to_string(), hop.kind().to_string());
                let verdict = hop
                    .verdict()
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let line = format!("    {node:<15} {kind:<24} {verdict}");
                println!("{}", line.trim_end());
            }
        }
    }

    // Plan: the rules to request, per channel, and where each goes.
    let p = plan(&t, &t.flows, &PlanOptions::default());
    println!("flow {}: {:?}", p.flows[0].flow, p.flows[0].status());
    for rule in &p.rules {
        let on: Vec<&str> = rule
            .targets
            .iter()
            .map(|target| target.firewall.as_str())
            .collect();
        let src: Vec<String> = rule.sources.iter().map(ToString::to_string).collect();
        let dst: Vec<String> = rule.destinations.iter().map(ToString::to_string).collect();
        println!(
            "request on {}: {} allow {} -> {} [{}] on {}",
            rule.channel,
            rule.name,
            src.join(", "),
            dst.join(", "),
            rule.services,
            on.join(", ")
        );
    }

    // Apply: with the planned rules in place, planning again requests nothing.
    let after = apply(&t, &p);
    let again = plan(&after, &after.flows, &PlanOptions::default());
    println!(
        "after applying the plan: {} rules to request",
        again.rules.len()
    );
    if !again.rules.is_empty() {
        return Err("the applied plan still needs rules".into());
    }
    Ok(())
}
