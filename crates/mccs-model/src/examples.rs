//! Example topologies embedded in the crate: the reference estate (the default the CLI runs on),
//! the cross-cloud PrivateLink case and an LZA VPC with a Data subnet network ACL. The same files are under `examples/` in the repository.

use crate::{Format, Topology, ValidateOptions, check};

/// The reference topology: both platforms with their cloud firewalls, redundant DirectConnect and
/// ExpressRoute, the 3PG, zones with endpoints, OpenShift cluster objects, Project Sets and
/// existing rules. Modelled on the BC Gov MCCS documentation.
pub const REFERENCE_YAML: &str = include_str!("../examples/reference.yaml");

/// Cross-cloud AWS to Azure through PrivateLink in a central connectivity account, with a DR
/// region, as in the DNB engineering post.
pub const CROSS_CLOUD_YAML: &str = include_str!("../examples/cross-cloud.yaml");

/// An AWS LZA VPC with Web, App, Data and Management subnets, the Data subnets' network ACL
/// admitting only the App subnets (stateless: return traffic needs its own rule), a security
/// group with egress rules, and a secondary range behind a private NAT.
pub const LZA_DATA_SUBNET_YAML: &str = include_str!("../examples/lza-data-subnet.yaml");

/// The names and texts of the embedded examples.
pub const ALL: [(&str, &str); 3] = [
    ("reference", REFERENCE_YAML),
    ("cross-cloud", CROSS_CLOUD_YAML),
    ("lza-data-subnet", LZA_DATA_SUBNET_YAML),
];

fn parse(text: &str) -> Topology {
    check(text, Format::Yaml, &ValidateOptions::default()).topology
}

/// The reference topology, parsed. (A test keeps it free of findings.)
pub fn reference() -> Topology {
    parse(REFERENCE_YAML)
}

/// The cross-cloud PrivateLink topology, parsed. (A test keeps it free of findings.)
pub fn cross_cloud() -> Topology {
    parse(CROSS_CLOUD_YAML)
}

/// The LZA Data subnet topology, parsed. (A test keeps it free of findings.)
pub fn lza_data_subnet() -> Topology {
    parse(LZA_DATA_SUBNET_YAML)
}
