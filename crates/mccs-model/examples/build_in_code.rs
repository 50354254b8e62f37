//! Builds the seed's topology in code: the CITZ forms VNet (Project Set `abc123`, Azure, prod)
//! reaching the on-prem Oracle database through the Azure cloud firewall, ExpressRoute, the 3PG
//! and the zone firewall. Then validates it and prints it as YAML: the document
//! `build_in_code.yaml` beside this file, which a test keeps equal to what this builds.
//!
//! `cargo run -p mccs-model --example build_in_code`
#![allow(clippy::print_stdout)]

use mccs_model::Encryption::Ipsec;
use mccs_model::LinkKind::ExpressRoute;
use mccs_model::Platform::AzureAlz;
use mccs_model::Redundancy::Primary;
use mccs_model::{
    Channel, Endpoint, Environment, Firewall, FirewallKind, FirewallObject, Flow, FlowEnd,
    HybridLink, Name, NamedService, OnPrem, ProjectSet, Topology, ValidateOptions, VirtualNetwork,
    Zone,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The seed's topology. Text is parsed at the edges (`"abc123".parse()?`); everything else is
/// typed.
pub(crate) fn topology() -> Result<Topology> {
    let (cloud, on_prem): (Name, Name) = ("cloud-request".parse()?, "on-prem-request".parse()?);
    let (team, security) = ("Public Cloud Team", "On-premises network security");
    let (db, db_object): (Name, Name) = ("citz-oracle-db".parse()?, "CITZ_ORACLE_DB".parse()?);
    let (edge, zone_fw): (Name, Name) = ("3pg".parse()?, "zone-b-fw".parse()?);
    let (db_ip, oracle): (_, Name) = ("142.34.10.25".parse()?, "oracle".parse()?);
    let (space, zone_net) = ("10.46.8.0/24".parse()?, "142.34.10.0/24".parse()?);
    let (prod, flow): (FlowEnd, Name) = ("abc123-prod".parse()?, "forms-to-oracle".parse()?);
    let channel = |name: &Name, title, by| Channel::new(name.clone(), title, "Project team", by);
    let on_prem_fw = |name, kind| Firewall::new(name, kind, security, on_prem.clone());
    let vnet = VirtualNetwork::new("sub-3".into(), "canadacentral".into(), vec![space]);
    let zone = Zone::new("zone-b".parse()?, zone_fw.clone(), [zone_net])
        .endpoint(Endpoint::new(db.clone(), db_ip).object(db_object.clone()));
    let er = HybridLink::new("er-primary".parse()?, ExpressRoute, Primary, Ipsec);
    Ok(Topology::new()
        .with_channel(channel(&cloud, "Cloud firewall change request", team))
        .with_channel(channel(&on_prem, "On-premises firewall request", security))
        .with_firewall(Firewall::cloud("azure-fw".parse()?, AzureAlz, team, cloud))
        .with_firewall(on_prem_fw(edge.clone(), FirewallKind::Edge))
        .with_firewall(on_prem_fw(zone_fw, FirewallKind::Zone))
        .with_project_set(
            ProjectSet::new("abc123".parse()?, "CITZ".parse()?, AzureAlz)
                .environment(Environment::Prod, vnet),
        )
        .with_on_prem(OnPrem::new(edge).zone(zone))
        .with_hybrid_link(er)
        .with_object(FirewallObject::host(db_object, db_ip))
        .with_service(NamedService::new(oracle.clone(), ["tcp/1521".parse()?]))
        .with_flow(
            Flow::new(flow, prod, db, [oracle])
                .justification("The forms service reads and writes the CITZ Oracle database"),
        ))
}

pub(crate) fn main() -> Result<()> {
    let t = topology()?;
    let findings = mccs_model::validate(&t, &ValidateOptions::default());
    for d in &findings {
        println!("# {d}");
    }
    if findings.iter().any(mccs_model::Diagnostic::is_error) {
        return Err("the topology built in code has errors".into());
    }
    println!(
        "# Built in code and validated: no errors, {} warnings.",
        findings.len()
    );
    print!("{}", mccs_model::to_yaml(&t)?);
    Ok(())
}
