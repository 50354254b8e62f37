//! The topology document's types: everything between a Project Set's VPC/VNet and an on-prem
//! endpoint or the other cloud.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::address::{AddressRange, AddressRef, FlowEnd, ip_serde};
use crate::date::Date;
use crate::ident::{EnvRef, Environment, LicensePlate, Ministry, Name, Platform};
use crate::service::{Service, ServiceRef};

/// The schema of the [`IpNet`] fields: a pattern that accepts exactly what the reader accepts
/// ([`crate::parse_ip_net`]; a test runs both over the same texts), not the non-standard
/// `format: ip` that editors ignore.
enum IpNetSchema {}

impl JsonSchema for IpNetSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IpNet".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "title": "IP network",
            "description": "An IPv4 or IPv6 network in CIDR notation, e.g. `10.46.8.0/24` or `fd00::/32`.",
            "type": "string",
            "pattern": format!("^{}$", crate::address::pattern::ip_net()),
            "patternErrorMessage": "Not a CIDR: write an IPv4 network such as `10.46.8.0/24` (four numbers 0 to 255, no leading zeros, prefix length 0 to 32) or an IPv6 network such as `fd00::/64` (prefix length 0 to 128).",
        })
    }
}

/// The schema of the [`IpAddr`] fields, as [`IpNetSchema`] for [`crate::parse_ip_addr`].
enum IpAddrSchema {}

impl JsonSchema for IpAddrSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IpAddr".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "title": "IP address",
            "description": "An IPv4 or IPv6 address, e.g. `10.46.8.5` or `fd00::5`.",
            "type": "string",
            "pattern": format!("^{}$", crate::address::pattern::ip_addr()),
            "patternErrorMessage": "Not an IP address: write an IPv4 address such as `10.46.8.5` (four numbers 0 to 255, no leading zeros, no prefix length) or an IPv6 address such as `fd00::5`.",
        })
    }
}

/// The document format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole estate: Project Sets and their networks, the firewalls between them and on-prem,
/// the links that carry traffic, the firewall objects and services rules use, and the flows
/// teams ask for.
///
/// Every list keeps the order of the document, so output built from it is deterministic.
///
/// There are two ways in. Read a document, YAML, JSON or TOML, with [`crate::check`] (which
/// reads with [`crate::load`] and validates with [`crate::validate`] in one step):
///
/// ```
/// use mccs_model::{check, Format, ValidateOptions};
///
/// let yaml = "
/// version: 1
/// project_sets:
///   - license_plate: abc123
///     ministry: CITZ
///     platform: azure-alz
///     environments:
///       prod: { account: sub-3, region: canadacentral, address_space: [10.46.8.0/24] }
/// ";
/// let checked = check(yaml, Format::Yaml, &ValidateOptions::default());
/// assert!(!checked.has_errors());
/// assert_eq!(checked.topology.project_sets[0].license_plate.as_str(), "abc123");
/// ```
///
/// Or build it in code, with each type's constructor (its required fields, typed) and builder
/// methods (`Topology::with_project_set`, `ProjectSet::environment`, `Firewall::rule`,
/// `Zone::endpoint`, ...), then check it with [`crate::validate`]. The same topology as above:
///
/// ```
/// use mccs_model::{Environment, Platform, ProjectSet, Topology, ValidateOptions, VirtualNetwork};
///
/// let prod = VirtualNetwork::new("sub-3".into(), "canadacentral".into(), vec!["10.46.8.0/24".parse()?]);
/// let t = Topology::new().with_project_set(
///     ProjectSet::new("abc123".parse()?, "CITZ".parse()?, Platform::AzureAlz)
///         .environment(Environment::Prod, prod),
/// );
/// assert!(mccs_model::validate(&t, &ValidateOptions::default()).is_empty());
/// # let yaml = "version: 1\nproject_sets:\n  - license_plate: abc123\n    ministry: CITZ\n    platform: azure-alz\n    environments:\n      prod: { account: sub-3, region: canadacentral, address_space: [10.46.8.0/24] }\n";
/// # assert_eq!(t, mccs_model::load(yaml, mccs_model::Format::Yaml).topology);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// The schema's description is the document's, not this rustdoc (which shows Rust code); kept
// as it was so the committed schema does not change.
#[schemars(
    description = "A whole estate: Project Sets and their networks, the firewalls between them and on-prem,\nthe links that carry traffic, the firewall objects and services rules use, and the flows\nteams ask for.\n\nBuild one by loading a document (`mccs_model::load`) and check it with `mccs_model::validate`.\nEvery list keeps the order of the document, so output built from it is deterministic."
)]
#[non_exhaustive]
pub struct Topology {
    /// Format version; this crate reads version 1.
    #[schemars(extend("const" = FORMAT_VERSION))]
    pub version: u32,
    /// Known ministry short names. When not empty, every Project Set's ministry must be listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ministries: Vec<Ministry>,
    /// Request channels: where changes to a firewall's rules are asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// Enforcement points: cloud firewalls, the on-prem edge (3PG), zone firewalls, security
    /// groups / NSGs and any other firewall.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub firewalls: Vec<Firewall>,
    /// Project Sets and their environments' VPCs/VNets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub project_sets: Vec<ProjectSet>,
    /// The on-premises side: edge firewall and zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_prem: Option<OnPrem>,
    /// Networks outside the Project Sets and on-prem, such as the other cloud's platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_networks: Vec<ExternalNetwork>,
    /// DirectConnect and ExpressRoute links between a cloud firewall and the on-prem edge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hybrid_links: Vec<HybridLink>,
    /// PrivateLink set-ups through a central connectivity account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_links: Vec<PrivateLink>,
    /// Firewall objects rules refer to by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<FirewallObject>,
    /// Named services rules and flows refer to by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<NamedService>,
    /// Flows teams need; the default input of planning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
}

impl Topology {
    /// An empty topology of the current format version.
    pub fn new() -> Self {
        Self {
            version: FORMAT_VERSION,
            ministries: Vec::new(),
            channels: Vec::new(),
            firewalls: Vec::new(),
            project_sets: Vec::new(),
            on_prem: None,
            external_networks: Vec::new(),
            hybrid_links: Vec::new(),
            private_links: Vec::new(),
            objects: Vec::new(),
            services: Vec::new(),
            flows: Vec::new(),
        }
    }

    /// The firewall called `name`.
    pub fn firewall(&self, name: &str) -> Option<&Firewall> {
        self.firewalls.iter().find(|f| f.name.as_str() == name)
    }

    /// The channel called `name`.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name.as_str() == name)
    }

    /// The Project Set with this license plate.
    pub fn project_set(&self, plate: &LicensePlate) -> Option<&ProjectSet> {
        self.project_sets.iter().find(|p| &p.license_plate == plate)
    }

    /// The VPC/VNet of one Project Set environment, with its Project Set.
    pub fn environment(&self, r: &EnvRef) -> Option<(&ProjectSet, &VirtualNetwork)> {
        let ps = self.project_set(&r.license_plate)?;
        ps.environments.get(&r.environment).map(|n| (ps, n))
    }

    /// The firewall object called `name`. A scan of the objects: for a look-up per rule, flow
    /// or object, build a [`crate::Index`] once and ask it.
    pub fn object(&self, name: &str) -> Option<&FirewallObject> {
        self.objects.iter().find(|o| o.name().as_str() == name)
    }

    /// The named service called `name`.
    pub fn service(&self, name: &str) -> Option<&NamedService> {
        self.services.iter().find(|s| s.name.as_str() == name)
    }

    /// The on-prem zones (none when there is no `on_prem` section).
    pub fn zones(&self) -> &[Zone] {
        self.on_prem.as_ref().map_or(&[], |o| o.zones.as_slice())
    }

    /// The on-prem zone called `name`.
    pub fn zone(&self, name: &str) -> Option<&Zone> {
        self.zones().iter().find(|z| z.name.as_str() == name)
    }

    /// The on-prem endpoint called `name`, with its zone.
    pub fn endpoint(&self, name: &str) -> Option<(&Zone, &Endpoint)> {
        self.zones().iter().find_map(|z| {
            z.endpoints
                .iter()
                .find(|e| e.name.as_str() == name)
                .map(|e| (z, e))
        })
    }

    /// The external network called `name`.
    pub fn external_network(&self, name: &str) -> Option<&ExternalNetwork> {
        self.external_networks
            .iter()
            .find(|n| n.name.as_str() == name)
    }

    /// The cloud firewall of `platform`: the first firewall of kind `cloud` on that platform.
    pub fn cloud_firewall(&self, platform: Platform) -> Option<&Firewall> {
        self.firewalls
            .iter()
            .find(|f| f.kind == FirewallKind::Cloud && f.platform == Some(platform))
    }

    /// Every Project Set environment, in document order.
    pub fn environments(&self) -> impl Iterator<Item = (EnvRef, &ProjectSet, &VirtualNetwork)> {
        self.project_sets.iter().flat_map(|ps| {
            ps.environments.iter().map(move |(env, net)| {
                (
                    EnvRef {
                        license_plate: ps.license_plate,
                        environment: env.clone(),
                    },
                    ps,
                    net,
                )
            })
        })
    }
}

impl Default for Topology {
    fn default() -> Self {
        Self::new()
    }
}

/// Where requests to change a firewall's rules go, such as the public cloud team's service desk
/// or the on-prem iStore / STMS form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Channel {
    /// Identifier firewalls refer to.
    pub name: Name,
    /// The request's title, e.g. "Cloud firewall change request".
    pub title: String,
    /// The form to fill in, e.g. "STMS Firewall Change Request".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Where to file it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Who files requests through this channel (e.g. "Project team").
    pub filed_by: String,
    /// Who reviews and implements them (e.g. "Public Cloud Team").
    pub handled_by: String,
}

/// What an enforcement point is, which decides where it sits on a path.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FirewallKind {
    /// The central cloud firewall of a platform (needs `platform`).
    Cloud,
    /// The on-prem edge firewall (the 3PG).
    Edge,
    /// An on-prem zone firewall.
    Zone,
    /// An AWS security group or Azure NSG (in front of a VPC/VNet or in a connectivity account):
    /// stateful, with an ingress list (`rules`) and an egress list (`outbound_rules`).
    SecurityGroup,
    /// An AWS network ACL attached to subnets: stateless, with numbered inbound (`rules`) and
    /// outbound (`outbound_rules`) lists, so a flow needs a rule for its return traffic too.
    NetworkAcl,
    /// Any other firewall, such as the opening between a connectivity account and the other cloud.
    Other,
}

impl FirewallKind {
    /// What people call it, for traces and requests: `cloud firewall`, `edge firewall (3PG)`,
    /// `zone firewall`, `security group`, `network ACL`, `firewall`.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Cloud => "cloud firewall",
            Self::Edge => "edge firewall (3PG)",
            Self::Zone => "zone firewall",
            Self::SecurityGroup => "security group",
            Self::NetworkAcl => "network ACL",
            Self::Other => "firewall",
        }
    }

    /// Document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cloud => "cloud",
            Self::Edge => "edge",
            Self::Zone => "zone",
            Self::SecurityGroup => "security-group",
            Self::NetworkAcl => "network-acl",
            Self::Other => "other",
        }
    }

    /// Whether the firewall has two lists, inbound (`rules`) and outbound (`outbound_rules`):
    /// security groups / NSGs and network ACLs.
    pub fn has_two_lists(self) -> bool {
        matches!(self, Self::SecurityGroup | Self::NetworkAcl)
    }

    /// Whether the firewall is stateless: return traffic needs its own rule (network ACLs).
    pub fn is_stateless(self) -> bool {
        self == Self::NetworkAcl
    }
}

/// One of the two rule lists of a security group / NSG or network ACL.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RuleList {
    /// Ingress: traffic entering the network or subnet (`Firewall::rules`).
    Inbound,
    /// Egress: traffic leaving it (`Firewall::outbound_rules`).
    Outbound,
}

impl RuleList {
    /// `inbound` or `outbound`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
        }
    }

    /// The other list.
    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Self::Inbound => Self::Outbound,
            Self::Outbound => Self::Inbound,
        }
    }

    /// The document field holding the list: `rules` or `outbound_rules`.
    pub fn field(self) -> &'static str {
        match self {
            Self::Inbound => "rules",
            Self::Outbound => "outbound_rules",
        }
    }
}

/// An enforcement point: anything that can drop a flow. Its rulebase is ordered; the first rule
/// that matches decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Firewall {
    /// Unique name.
    pub name: Name,
    /// What it is.
    pub kind: FirewallKind,
    /// The platform, for cloud firewalls and security groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Who runs it.
    pub owner: String,
    /// The channel (by name) through which its rules are changed.
    pub channel: Name,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The ordered rulebase; first match wins, no match denies. For a security group / NSG or
    /// network ACL: the inbound (ingress) list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// For a security group / NSG or network ACL: the outbound (egress) list. An AWS security
    /// group without one allows all egress (`default-egress-allow-all`); Azure NSGs end with
    /// their default rules (docs/topology-format.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbound_rules: Vec<Rule>,
    /// For a network ACL: the ephemeral ports return traffic goes to (default 1024-65535).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_ports: Option<crate::service::PortRange>,
    /// Where the rules come from when they are not written here: a platform's own export
    /// (`az network firewall policy rule-collection-group list`, `aws ec2
    /// describe-security-groups`, a PAN-OS running configuration, ...), read when the document
    /// is checked with a [`crate::RulebaseReader`] ([`crate::check_with`]). Its rules fill
    /// `rules` / `outbound_rules` (which must then be empty here) and its objects and services
    /// join the document's, under their own names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rulebase: Option<crate::rulebase::RulebaseRef>,
}

impl Firewall {
    /// One of its rule lists: `rules` (inbound) or `outbound_rules`.
    pub fn list(&self, list: RuleList) -> &[Rule] {
        match list {
            RuleList::Inbound => &self.rules,
            RuleList::Outbound => &self.outbound_rules,
        }
    }

    /// One of its rule lists, to change.
    pub fn list_mut(&mut self, list: RuleList) -> &mut Vec<Rule> {
        match list {
            RuleList::Inbound => &mut self.rules,
            RuleList::Outbound => &mut self.outbound_rules,
        }
    }

    /// The ephemeral ports of return traffic (`ephemeral_ports`, default 1024-65535).
    pub fn ephemeral(&self) -> crate::service::PortRange {
        self.ephemeral_ports
            .unwrap_or(crate::service::PortRange::EPHEMERAL)
    }
}

/// What a matching rule does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Let the flow through.
    Allow,
    /// Drop it.
    Deny,
}

impl Action {
    /// Document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
        }
    }
}

/// A firewall rule. Rules allow traffic *initiated* from their sources; return traffic of an
/// allowed session is handled by the (stateful) firewall and needs no rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// Rule name, e.g. `MCCS_CITZ_ALZ_LIVE_abc123_prod`.
    pub name: Name,
    /// Sources: `any`, addresses/CIDRs or object names.
    #[schemars(extend("minItems" = 1))]
    pub sources: Vec<AddressRef>,
    /// Destinations: `any`, addresses/CIDRs or object names.
    #[schemars(extend("minItems" = 1))]
    pub destinations: Vec<AddressRef>,
    /// Services: literal (`tcp/1521`) or named.
    #[schemars(extend("minItems" = 1))]
    pub services: Vec<ServiceRef>,
    /// Allow or deny.
    pub action: Action,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The change ticket that created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The last day the rule is meant to be in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// The rule number, for network ACLs (required there): rules are evaluated lowest number
    /// first, whatever their order in the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// A disabled rule: kept (an import never drops one), shown, never evaluated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// What else the rule matches on that mccs cannot judge: an FQDN, an application (App-ID),
    /// a signature, a user or country, a service tag without a published address list, e.g.
    /// `FQDN *.oracle.com`. `sources`, `destinations` and `services` are then what the rule
    /// *may* match (everything the platform could match, `any` where unknown): traffic that
    /// reaches such a rule gets the verdict `unknown`, naming the rule, and a person must check
    /// it; it is never guessed allowed or denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

/// A Project Set: a team's cloud environments on one platform, owned by a ministry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ProjectSet {
    /// The license plate, e.g. `abc123`.
    pub license_plate: LicensePlate,
    /// The owning ministry's short name, e.g. `CITZ`.
    pub ministry: Ministry,
    /// AWS LZA or Azure ALZ.
    pub platform: Platform,
    /// A display name for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The environments and their VPC/VNet, keyed by environment (`dev`, `test`, `prod`, `tools`, ...).
    #[schemars(extend("minProperties" = 1))]
    pub environments: BTreeMap<Environment, VirtualNetwork>,
}

/// The VPC (AWS) or VNet (Azure) of one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VirtualNetwork {
    /// AWS account ID or Azure subscription ID.
    pub account: String,
    /// Cloud region, e.g. `ca-central-1` or `canadacentral`.
    pub region: String,
    /// The routable address spaces (CIDRs); at least one.
    #[serde(deserialize_with = "ip_serde::nets")]
    #[schemars(with = "Vec<IpNetSchema>", extend("minItems" = 1))]
    pub address_space: Vec<IpNet>,
    /// Security groups / NSGs (firewalls of kind `security-group`): traffic into this network
    /// passes their inbound lists, traffic leaving it their outbound lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<Name>,
    /// Subnets, for the network ACLs attached to them. Addresses in no listed subnet, and
    /// subnets without `network_acl`, have the default network ACL (allows everything).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<Subnet>,
    /// Secondary, non-routable ranges (e.g. the LZA's 10.10.0.0/16). They may repeat across
    /// Project Sets; nothing outside the VPC can reach them, and their traffic leaves through
    /// the private NAT (`nat_addresses`).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "ip_serde::nets"
    )]
    #[schemars(with = "Vec<IpNetSchema>")]
    pub secondary_ranges: Vec<IpNet>,
    /// The private NAT's addresses, inside `address_space`: the source every firewall outside
    /// the VPC sees for traffic from a secondary range.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "ip_serde::addrs"
    )]
    #[schemars(with = "Vec<IpAddrSchema>")]
    pub nat_addresses: Vec<IpAddr>,
}

impl VirtualNetwork {
    /// A network with these address spaces and nothing else; add security groups, subnets,
    /// secondary ranges and NAT addresses with the builder methods
    /// ([`VirtualNetwork::security_group`], ...).
    ///
    /// ```
    /// use mccs_model::VirtualNetwork;
    /// let vnet = VirtualNetwork::new("sub-3".into(), "canadacentral".into(), vec!["10.46.8.0/24".parse()?]);
    /// assert_eq!(vnet.address_space[0].to_string(), "10.46.8.0/24");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(account: String, region: String, address_space: Vec<IpNet>) -> Self {
        Self {
            account,
            region,
            address_space,
            security_groups: Vec::new(),
            subnets: Vec::new(),
            secondary_ranges: Vec::new(),
            nat_addresses: Vec::new(),
        }
    }
}

/// A subnet of a VPC, with the network ACL attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Subnet {
    /// Its name, unique in the VPC (e.g. `data-a`).
    pub name: Name,
    /// Its CIDR, inside the VPC's address space or a secondary range.
    #[serde(deserialize_with = "ip_serde::net")]
    #[schemars(with = "IpNetSchema")]
    pub cidr: IpNet,
    /// The network ACL (a firewall of kind `network-acl`) attached; none means the default
    /// network ACL, which allows everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acl: Option<Name>,
}

/// The on-premises side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OnPrem {
    /// The edge firewall (the 3PG) that hybrid links land on.
    pub edge_firewall: Name,
    /// Network zones, each behind its zone firewall.
    #[serde(default)]
    pub zones: Vec<Zone>,
}

/// The schema requires a zone's `firewall`, which the reader leaves optional so that validation
/// reports a missing one as one finding and keeps the zone.
fn require_firewall(schema: &mut schemars::Schema) {
    if let Some(serde_json::Value::Array(required)) = schema.get_mut("required") {
        required.push("firewall".into());
    }
}

/// An on-prem network zone behind its own firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = require_firewall)]
#[non_exhaustive]
pub struct Zone {
    /// Unique name.
    pub name: Name,
    /// The zone firewall (a firewall of kind `zone`). Required: validation reports a zone without
    /// one (the schema requires it too), and the zone is still read so references to it hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Name")]
    pub firewall: Option<Name>,
    /// The zone's networks.
    #[serde(deserialize_with = "ip_serde::nets")]
    #[schemars(with = "Vec<IpNetSchema>", extend("minItems" = 1))]
    pub networks: Vec<IpNet>,
    /// Systems in the zone that flows reach.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Endpoint>,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An on-prem system: a database, an API, a cluster ingress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Endpoint {
    /// Unique name (shared namespace with objects and external networks).
    pub name: Name,
    /// Its address; must lie in one of the zone's networks.
    #[serde(deserialize_with = "ip_serde::addr")]
    #[schemars(with = "IpAddrSchema")]
    pub address: IpAddr,
    /// The existing firewall object the network team already has for this endpoint (e.g.
    /// `CITZ_ORACLE_DB`). Requests reference it by this name instead of creating an object. It
    /// must be defined under `objects` and hold exactly the endpoint's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<Name>,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A network outside the Project Sets and on-prem, reached through a firewall: the other cloud's
/// platform networks, a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ExternalNetwork {
    /// Unique name (shared namespace with endpoints and objects).
    pub name: Name,
    /// Its address space.
    #[serde(deserialize_with = "ip_serde::nets")]
    #[schemars(with = "Vec<IpNetSchema>", extend("minItems" = 1))]
    pub prefixes: Vec<IpNet>,
    /// The firewall it sits behind.
    pub attached_to: Name,
    /// The platform it belongs to, if it is a cloud's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Whether a link or region carries traffic normally or only when the primary fails.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Redundancy {
    /// Carries traffic normally.
    Primary,
    /// Takes over when the primary fails.
    Secondary,
}

/// How a hybrid link protects data in transit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Encryption {
    /// IPsec over the private circuit.
    Ipsec,
    /// MACsec on the physical link.
    Macsec,
    /// Not encrypted.
    None,
}

/// The kind of private circuit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// AWS DirectConnect (platform `aws-lza`).
    DirectConnect,
    /// Azure ExpressRoute (platform `azure-alz`).
    ExpressRoute,
}

impl LinkKind {
    /// The platform this kind of link belongs to.
    pub fn platform(self) -> Platform {
        match self {
            Self::DirectConnect => Platform::AwsLza,
            Self::ExpressRoute => Platform::AzureAlz,
        }
    }
}

/// A DirectConnect or ExpressRoute link between a platform's cloud firewall and the on-prem edge
/// firewall. Traffic does not cross the internet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct HybridLink {
    /// Unique name.
    pub name: Name,
    /// DirectConnect or ExpressRoute.
    pub kind: LinkKind,
    /// Primary or secondary.
    pub redundancy: Redundancy,
    /// Encryption in transit.
    pub encryption: Encryption,
    /// The on-prem edge firewall (a 3PG cluster, kind `edge`) the link lands on; when left out,
    /// `on_prem.edge_firewall`. With two clusters (one per data centre), each link names its
    /// own, and every zone is reachable through either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge_firewall: Option<Name>,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The role of a region in a PrivateLink set-up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RegionRole {
    /// Carries traffic normally.
    Primary,
    /// Disaster-recovery region, used when the primary fails.
    Dr,
}

/// One region of a PrivateLink set-up, with the private IPs that replace the source on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PrivateLinkRegion {
    /// Region name, e.g. `eu-north-1`.
    pub region: String,
    /// Primary or DR.
    pub role: RegionRole,
    /// Private IPs of the VPC endpoint service (its load balancer): the source the far firewall
    /// sees for traffic from the consumers toward the provider.
    #[serde(deserialize_with = "ip_serde::addrs")]
    #[schemars(with = "Vec<IpAddrSchema>", extend("minItems" = 1))]
    pub endpoint_service_ips: Vec<IpAddr>,
    /// Private IPs of the VPC endpoint: the source the consumers see for traffic from the provider.
    #[serde(deserialize_with = "ip_serde::addrs")]
    #[schemars(with = "Vec<IpAddrSchema>", extend("minItems" = 1))]
    pub endpoint_ips: Vec<IpAddr>,
}

/// Cross-cloud connectivity through PrivateLink in a central connectivity account: consumer VPCs
/// reach a provider network (e.g. the Azure platform) through a VPC endpoint and endpoint service,
/// a security group that admits the consumers, and a firewall opening toward the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PrivateLink {
    /// Unique name.
    pub name: Name,
    /// The platform of the connectivity account (and of the consumers).
    pub platform: Platform,
    /// The central connectivity account's ID.
    pub connectivity_account: String,
    /// Project Set environments whose VPCs use this link.
    #[schemars(extend("minItems" = 1))]
    pub consumers: Vec<EnvRef>,
    /// The external network reached (by name).
    pub provider: Name,
    /// The security group (kind `security-group`) whose ingress admits the consumers' CIDRs.
    pub security_group: Name,
    /// The firewall between the connectivity account and the provider.
    pub firewall: Name,
    /// Regions: one primary and optionally a DR region.
    pub regions: Vec<PrivateLinkRegion>,
}

/// The deepest nesting of object groups mccs reads: a group of groups of ... of address
/// objects, at most this many groups deep. Firewall platforms limit nesting too (PAN-OS to 32
/// levels of address groups); deeper nesting is an error in validation (`group-too-deep`), and
/// every crate expands groups to this depth and no further.
pub const MAX_GROUP_DEPTH: usize = 32;

/// The most hybrid links (DirectConnect / ExpressRoute) a topology may have. Every link carries
/// a route to every on-prem network and every Project Set network of its platform, so each one
/// adds work and memory in proportion to the whole estate; a province has a handful. More is a
/// validation error (`too-many`), never a silent cut.
pub const MAX_HYBRID_LINKS: usize = 32;

/// The kind of a firewall object and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum FirewallObject {
    /// A single address.
    Host {
        /// Unique object name.
        name: Name,
        /// The address.
        #[serde(deserialize_with = "ip_serde::addr")]
        #[schemars(with = "IpAddrSchema")]
        address: IpAddr,
        /// Who publishes it centrally (e.g. "OpenShift platform team"); published objects are
        /// referenced in requests, never re-created.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published_by: Option<String>,
        /// Free text for people.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// A network (IP range object): one CIDR.
    Network {
        /// Unique object name.
        name: Name,
        /// The CIDR.
        #[serde(deserialize_with = "ip_serde::net")]
        #[schemars(with = "IpNetSchema")]
        address: IpNet,
        /// Who publishes it centrally.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published_by: Option<String>,
        /// Free text for people.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// An address range `first-last`.
    Range {
        /// Unique object name.
        name: Name,
        /// The range.
        range: AddressRange,
        /// Who publishes it centrally.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published_by: Option<String>,
        /// Free text for people.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// A group of other objects (nested groups allowed, cycles are an error).
    Group {
        /// Unique object name.
        name: Name,
        /// Member object names.
        #[schemars(extend("minItems" = 1))]
        members: Vec<Name>,
        /// Who publishes it centrally.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published_by: Option<String>,
        /// Free text for people.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
}

impl FirewallObject {
    /// The object's name.
    pub fn name(&self) -> &Name {
        match self {
            Self::Host { name, .. }
            | Self::Network { name, .. }
            | Self::Range { name, .. }
            | Self::Group { name, .. } => name,
        }
    }

    /// Who publishes it, for centrally published objects.
    pub fn published_by(&self) -> Option<&str> {
        match self {
            Self::Host { published_by, .. }
            | Self::Network { published_by, .. }
            | Self::Range { published_by, .. }
            | Self::Group { published_by, .. } => published_by.as_deref(),
        }
    }

    /// Free-text description.
    pub fn description(&self) -> Option<&str> {
        match self {
            Self::Host { description, .. }
            | Self::Network { description, .. }
            | Self::Range { description, .. }
            | Self::Group { description, .. } => description.as_deref(),
        }
    }

    /// Document spelling of the kind: `host`, `network`, `range`, `group`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Host { .. } => "host",
            Self::Network { .. } => "network",
            Self::Range { .. } => "range",
            Self::Group { .. } => "group",
        }
    }

    /// The prefixes this object itself holds (for a group: none; see its members).
    pub fn own_prefixes(&self) -> Vec<IpNet> {
        match self {
            Self::Host { address, .. } => vec![IpNet::from(*address)],
            Self::Network { address, .. } => vec![*address],
            Self::Range { range, .. } => range.to_prefixes(),
            Self::Group { .. } => Vec::new(),
        }
    }
}

/// A service defined once and referred to by name, e.g. `oracle` = `tcp/1521`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NamedService {
    /// Unique name.
    pub name: Name,
    /// What it carries.
    #[schemars(extend("minItems" = 1))]
    pub services: Vec<Service>,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Who opens connections of a flow. A firewall rule allows traffic initiated from its source;
/// return traffic of an allowed session needs no rule on a stateful firewall, but a flow opened
/// from the other side does, so each initiating side gets its own rule.
///
/// The flow's `source` is who opens the connection: mccs never swaps the ends. `cloud` and
/// `on-prem` only *state* which side the source is on, as a check a reviewer can read; when the
/// source is not on that side, validation reports it (swap `source` and `destination`, or use
/// `both`) and the path engine refuses to trace the flow.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Initiator {
    /// The source opens connections to the destination (the default).
    #[default]
    Source,
    /// The source opens connections, and it is in the cloud (a Project Set environment or an
    /// external network); anything else is an error.
    Cloud,
    /// The source opens connections, and it is on-prem (a zone, an endpoint, or addresses in a
    /// zone); anything else is an error.
    OnPrem,
    /// Both ends open connections: two directed flows, two rules, one per direction.
    Both,
}

impl Initiator {
    /// Document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Source => "source",
            Self::Cloud => "cloud",
            Self::OnPrem => "on-prem",
            Self::Both => "both",
        }
    }

    /// Whether the default (`source`), which documents may leave out.
    pub fn is_source(&self) -> bool {
        *self == Self::Source
    }
}

/// A connection a team needs: between `source` and `destination`, on these services, opened by
/// the `initiator` side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Flow {
    /// Unique name, used in requests.
    pub name: Name,
    /// One end, usually the Project Set environment (`abc123-prod`).
    pub source: FlowEnd,
    /// The other end: an endpoint, object, external network, environment or CIDR.
    pub destination: FlowEnd,
    /// Destination services.
    #[schemars(extend("minItems" = 1))]
    pub services: Vec<ServiceRef>,
    /// Who opens connections: the source (the default), or both ends.
    #[serde(default, skip_serializing_if = "Initiator::is_source")]
    pub initiator: Initiator,
    /// Why the flow is needed; copied into requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Who asks for the flow and answers the reviewers' questions (a name, an e-mail address);
    /// copied into requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester: Option<String>,
    /// The date after which the rules may be removed (a temporary flow); copied into requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// When the change may be implemented, as free text (`Sat 22:00-02:00 PT`); copied into
    /// requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_window: Option<String>,
}
