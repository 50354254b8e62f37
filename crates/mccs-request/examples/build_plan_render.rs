//! Builds the seed's topology in code, plans its flow and renders the firewall change requests
//! as Markdown, ready to paste into the tickets: the CITZ forms VNet (`abc123-prod`) to the
//! on-prem Oracle database, one request for the Azure cloud firewall and one for the 3PG and the
//! zone firewall.
//!
//! `cargo run -p mccs-request --example build_plan_render`
#![allow(clippy::print_stdout)]

use mccs_model::Encryption::Ipsec;
use mccs_model::LinkKind::ExpressRoute;
use mccs_model::Platform::AzureAlz;
use mccs_model::Redundancy::Primary;
use mccs_model::{
    Channel, Endpoint, EnvRef, Environment, Firewall, FirewallKind, FirewallObject, Flow,
    HybridLink, Name, NamedService, OnPrem, ProjectSet, Topology, VirtualNetwork, Zone,
};
use mccs_request::{OutputFormat, RequestSet, Templates, render};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The seed's topology.
pub(crate) fn topology() -> Result<Topology> {
    let (cloud, on_prem): (Name, Name) = ("cloud-request".parse()?, "on-prem-request".parse()?);
    let (team, security) = ("Public Cloud Team", "On-premises network security");
    let (edge, zone_fw): (Name, Name) = ("3pg".parse()?, "zone-b-fw".parse()?);
    let (db, db_object): (Name, Name) = ("citz-oracle-db".parse()?, "CITZ_ORACLE_DB".parse()?);
    let (space, zone_net, db_ip) = (
        "10.46.8.0/24".parse()?,
        "142.34.10.0/24".parse()?,
        "142.34.10.25".parse()?,
    );
    let (prod, oracle): (EnvRef, Name) = ("abc123-prod".parse()?, "oracle".parse()?);
    let channel = |name: &Name, title, by| Channel::new(name.clone(), title, "Project team", by);
    let on_prem_fw = |name, kind| Firewall::new(name, kind, security, on_prem.clone());
    let vnet = VirtualNetwork::new("sub-3".into(), "canadacentral".into(), vec![space]);
    let zone = Zone::new("zone-b".parse()?, zone_fw.clone(), [zone_net])
        .endpoint(Endpoint::new(db.clone(), db_ip).object(db_object.clone()));
    let flow = Flow::new("forms-to-oracle".parse()?, prod, db, [oracle.clone()])
        .justification("The forms service reads and writes the CITZ Oracle database")
        .requester("CITZ forms product owner <forms.owner@example.gov.bc.ca>");
    Ok(Topology::new()
        .with_channel(channel(&cloud, "Cloud firewall change request", team))
        .with_channel(
            channel(&on_prem, "On-premises firewall request", security).form("STMS (iStore)"),
        )
        .with_firewall(Firewall::cloud("azure-fw".parse()?, AzureAlz, team, cloud))
        .with_firewall(on_prem_fw(edge.clone(), FirewallKind::Edge))
        .with_firewall(on_prem_fw(zone_fw, FirewallKind::Zone))
        .with_project_set(
            ProjectSet::new("abc123".parse()?, "CITZ".parse()?, AzureAlz)
                .environment(Environment::Prod, vnet),
        )
        .with_on_prem(OnPrem::new(edge).zone(zone))
        .with_hybrid_link(HybridLink::new(
            "er-primary".parse()?,
            ExpressRoute,
            Primary,
            Ipsec,
        ))
        .with_object(FirewallObject::host(db_object, db_ip))
        .with_service(NamedService::new(oracle, ["tcp/1521".parse()?]))
        .with_flow(flow))
}

pub(crate) fn main() -> Result<()> {
    let t = topology()?;
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let requests = RequestSet::from_plan(&t, &plan);
    for file in render(&requests, OutputFormat::Markdown, &Templates::default())? {
        println!("<!-- {} -->", file.path);
        print!("{}", file.contents);
    }
    Ok(())
}
