//! The network as a directed graph: networks, enforcement points and transports as nodes; edges
//! carry the prefixes reachable through them, so forwarding is a longest-prefix match at each
//! node, as a router does.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use ipnet::IpNet;
use mccs_model::{
    Action, EnvRef, Firewall, FirewallKind, LinkKind, Name, Platform, Redundancy, RegionRole,
    RuleList, Topology, VirtualNetwork,
};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use serde::Serialize;

use crate::addrset::AddrSet;
use crate::eval::{CompiledRule, CompiledRulebase};
use crate::prefix::PrefixIndex;
use crate::resolve::Resolver;

/// Who an address set stands for, so requests can name it (a VNet's Network IP Range Object, an
/// endpoint's host object, a published object, a PrivateLink's translated IPs...).
///
/// Names are the document's own [`Name`]s and other texts are shared (`Arc<str>`): a party is
/// copied into every flow, hop and need that sees its addresses, and a copy counts a reference.
///
/// ```
/// use mccs_path::Party;
/// let t = mccs_model::examples::reference();
/// let g = mccs_path::NetworkGraph::build(&t);
/// let flow = &g.directed_flows(&t.flows[0])?[0];
/// // The first flow goes from `abc123-prod` to `citz-oracle-db`, an on-prem endpoint.
/// assert!(matches!(&flow.source.party, Party::Environment { env } if env.to_string() == "abc123-prod"));
/// let Party::Endpoint { name } = &flow.destination.party else {
///     panic!("an endpoint");
/// };
/// assert_eq!(name.as_str(), "citz-oracle-db");
/// # Ok::<(), mccs_path::FlowError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Party {
    /// The VPC/VNet of a Project Set environment.
    Environment {
        /// `abc123-prod`.
        env: EnvRef,
    },
    /// An on-prem endpoint.
    Endpoint {
        /// Its name.
        name: Name,
    },
    /// A firewall object of the document (possibly centrally published).
    Object {
        /// Its name.
        name: Name,
        /// Who publishes it, if anyone (free text from the document).
        #[schemars(with = "Option<String>")]
        published_by: Option<Arc<str>>,
    },
    /// An external network (the other cloud's platform, a partner).
    External {
        /// Its name.
        name: Name,
    },
    /// An on-prem zone's networks.
    Zone {
        /// Its name.
        name: Name,
    },
    /// Addresses that replaced the source on the way (PrivateLink).
    Translated {
        /// The PrivateLink.
        private_link: Name,
        /// The region (`eu-north-1`).
        #[schemars(with = "String")]
        region: Arc<str>,
        /// Whose private IPs: the endpoint service's or the endpoint's.
        role: PrivateLinkSide,
    },
    /// The private NAT of a VPC: the routable addresses that replace a source in one of its
    /// secondary, non-routable ranges.
    Nat {
        /// `abc123-prod`.
        env: EnvRef,
    },
    /// Addresses written out (a CIDR).
    Prefix,
}

/// Which side of a PrivateLink translated a source: the endpoint service (provider side, its
/// IPs are what the provider's firewall sees) or the endpoint (consumer side). Ordered as
/// their texts are.
///
/// ```
/// use mccs_path::PrivateLinkSide;
/// assert_eq!(PrivateLinkSide::EndpointService.to_string(), "endpoint-service");
/// assert_eq!(PrivateLinkSide::Endpoint.as_str(), "endpoint");
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PrivateLinkSide {
    /// The consumer's endpoint.
    Endpoint,
    /// The provider's endpoint service.
    EndpointService,
}

impl PrivateLinkSide {
    /// `endpoint-service` or `endpoint`, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EndpointService => "endpoint-service",
            Self::Endpoint => "endpoint",
        }
    }
}

impl fmt::Display for PrivateLinkSide {
    /// [`PrivateLinkSide::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Environment { env } => write!(f, "{env}"),
            Self::Endpoint { name } | Self::External { name } | Self::Zone { name } => {
                write!(f, "{name}")
            }
            Self::Object { name, .. } => write!(f, "{name}"),
            Self::Translated {
                private_link,
                region,
                role,
            } => write!(f, "{private_link} {role} IPs ({region})"),
            Self::Nat { env } => write!(f, "{env} private NAT"),
            Self::Prefix => f.write_str("address"),
        }
    }
}

/// A node of the network graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Node {
    /// The VPC/VNet of a Project Set environment.
    Network {
        /// The environment.
        env: EnvRef,
        /// Its platform.
        platform: Platform,
    },
    /// An enforcement point.
    Firewall {
        /// Its name.
        name: Name,
        /// Its kind.
        firewall: FirewallKind,
        /// Its position in `Topology::firewalls`.
        index: usize,
        /// For a security group / NSG or network ACL: the list this node judges with
        /// (`inbound` on the way into the network, `outbound` on the way out).
        list: Option<RuleList>,
    },
    /// A DirectConnect or ExpressRoute link.
    HybridLink {
        /// Its name.
        name: Name,
        /// Which kind.
        link: LinkKind,
        /// Primary or secondary.
        redundancy: Redundancy,
    },
    /// One region of a PrivateLink (endpoint and endpoint service).
    PrivateLink {
        /// Its name.
        name: Name,
        /// The region.
        region: String,
        /// Primary or DR.
        role: RegionRole,
    },
    /// An on-prem zone's networks.
    Zone {
        /// Its name.
        name: Name,
    },
    /// An on-prem endpoint.
    Endpoint {
        /// Its name.
        name: Name,
    },
    /// An external network.
    External {
        /// Its name.
        name: Name,
        /// Its platform, if it is a cloud's.
        platform: Option<Platform>,
    },
}

impl Node {
    /// A short kind label: `vpc`, `vnet`, `cloud firewall`, `3PG (edge firewall)`, ...
    pub fn kind_label(&self) -> String {
        match self {
            Self::Network { platform, .. } => platform.network_noun().to_owned(),
            Self::Firewall { firewall, list, .. } => {
                let kind = firewall.noun();
                match list {
                    Some(l) => format!("{kind} ({})", l.as_str()),
                    None => kind.into(),
                }
            }
            Self::HybridLink {
                link, redundancy, ..
            } => format!(
                "{} ({})",
                link.platform().hybrid_link_noun(),
                match redundancy {
                    Redundancy::Primary => "primary",
                    Redundancy::Secondary => "secondary",
                }
            ),
            Self::PrivateLink { role, .. } => format!(
                "PrivateLink ({})",
                match role {
                    RegionRole::Primary => "primary region",
                    RegionRole::Dr => "DR region",
                }
            ),
            Self::Zone { .. } => "on-prem zone".into(),
            Self::Endpoint { .. } => "on-prem endpoint".into(),
            Self::External { .. } => "external network".into(),
        }
    }

    /// Whether the node is in the cloud (for deciding who initiates).
    pub(crate) fn is_cloud_side(&self) -> bool {
        matches!(self, Self::Network { .. } | Self::External { .. })
    }

    /// Whether the node is on-prem.
    pub(crate) fn is_on_prem(&self) -> bool {
        matches!(self, Self::Zone { .. } | Self::Endpoint { .. })
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Network { env, .. } => write!(f, "{env}"),
            Self::Firewall { name, .. }
            | Self::HybridLink { name, .. }
            | Self::Zone { name }
            | Self::Endpoint { name }
            | Self::External { name, .. } => write!(f, "{name}"),
            Self::PrivateLink { name, region, .. } => write!(f, "{name} ({region})"),
        }
    }
}

/// Source translation on an edge: the next node sees these addresses as the source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Translation {
    /// The new source.
    pub source: AddrSet,
    /// Who the new source is.
    pub party: Party,
    /// Only sources inside these addresses are translated (a private NAT translates its
    /// secondary ranges only); `None` translates every source (PrivateLink).
    pub only_from: Option<AddrSet>,
}

/// An edge: the prefixes reachable through it, whether it is a failover route, and any
/// source translation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Edge {
    /// Prefixes reachable through this edge.
    pub reach: Vec<IpNet>,
    /// Taken only when the primary fails (secondary link, DR region).
    pub failover: bool,
    /// Source translation applied on the way.
    pub translate: Option<Translation>,
}

/// An outgoing route as the forwarding step needs it, without reading the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RouteTo {
    pub(crate) edge: EdgeIndex,
    pub(crate) target: NodeIndex,
    pub(crate) failover: bool,
    pub(crate) translates: bool,
}

/// The network graph of a topology, with routing tables, owned prefixes and compiled rulebases.
///
/// It borrows the topology it was built from, and traces flows of that topology only: a
/// graph cannot be used with a different document by mistake.
#[derive(Debug, Clone)]
pub struct NetworkGraph<'t> {
    /// The topology the graph was built from.
    pub(crate) topology: &'t Topology,
    pub(crate) graph: DiGraph<Node, Edge>,
    /// Per node: destination prefix -> outgoing routes.
    pub(crate) routes: Vec<PrefixIndex<RouteTo>>,
    /// Prefixes each node holds itself (connected), across the estate.
    pub(crate) owners: PrefixIndex<NodeIndex>,
    /// Per node: the prefixes it holds.
    pub(crate) owned: Vec<Vec<IpNet>>,
    /// Per node: the same prefixes as one set, made once (a flow end's addresses when it names
    /// the node).
    pub(crate) owned_sets: Vec<AddrSet>,
    /// Compiled rulebases (the inbound, or only, list), by position in `Topology::firewalls`.
    pub(crate) rulebases: Vec<CompiledRulebase>,
    /// Compiled outbound lists of security groups / NSGs and network ACLs, by position.
    pub(crate) outbound: Vec<CompiledRulebase>,
    /// Per node: for a network ACL, the subnets it guards there (it judges only traffic whose
    /// network-side address lies in them).
    pub(crate) scope: Vec<Option<AddrSet>>,
    /// Per network with secondary (non-routable) ranges: the ranges.
    pub(crate) secondary: Vec<(NodeIndex, AddrSet)>,
    pub(crate) resolver: Resolver,
    /// Zones, endpoints and external networks by name: the names a flow end may use.
    pub(crate) end_nodes: HashMap<String, NodeIndex>,
    /// Per node: its name and kind label, shared by every hop that passes it.
    pub(crate) labels: Vec<(crate::label::Label, crate::label::Label)>,
    pub(crate) env_nodes: HashMap<EnvRef, NodeIndex>,
    /// The verdict of a list none of whose rules matches the traffic, shared by every hop
    /// that has it.
    pub(crate) no_matching_rule: Arc<crate::eval::Verdict>,
    /// The skeletons of walks traced so far, replayed for the next flows that take the same
    /// way (bounded: `trace/skeleton.rs`).
    pub(crate) skeletons: crate::trace::SkeletonCache,
}

/// What building a graph needs to remember between its steps: one step per kind of node
/// ([`NetworkGraph::build`] calls them in order; the order fixes the node and edge indexes, and
/// so the order in which paths are found).
struct Builder<'t> {
    t: &'t Topology,
    graph: DiGraph<Node, Edge>,
    owned: Vec<Vec<IpNet>>,
    scope: Vec<Option<AddrSet>>,
    /// Zones, endpoints and external networks by name.
    end_nodes: HashMap<String, NodeIndex>,
    env_nodes: HashMap<EnvRef, NodeIndex>,
    /// Each firewall's main node, and its position in `Topology::firewalls` (first of a name).
    fw_nodes: HashMap<&'t str, NodeIndex>,
    fw_index: HashMap<&'t str, usize>,
    /// Every Project Set network's node, platform, network and name, in document order.
    envs: Vec<(NodeIndex, Platform, &'t VirtualNetwork, EnvRef)>,
    /// The address spaces of each platform's Project Set networks.
    platform_spaces: HashMap<Platform, Vec<IpNet>>,
    /// Per network: the first node of its way in and the last of its way out (its filters).
    entry_of: HashMap<NodeIndex, NodeIndex>,
    exit_of: HashMap<NodeIndex, NodeIndex>,
    /// Per network with secondary (non-routable) ranges: the ranges.
    secondary: Vec<(NodeIndex, AddrSet)>,
    /// Every on-prem zone network.
    on_prem_space: Vec<IpNet>,
    /// The edge firewall of `on_prem`, and every edge (3PG cluster) a zone is reached through.
    default_edge: Option<NodeIndex>,
    edges: Vec<NodeIndex>,
}

impl<'t> Builder<'t> {
    fn node(&mut self, n: Node, owned: Vec<IpNet>) -> NodeIndex {
        self.owned.push(
            owned
                .into_iter()
                .map(|p| mccs_model::canonical_net(p.trunc()))
                .collect(),
        );
        self.scope.push(None);
        self.graph.add_node(n)
    }

    /// A node judging with one list of firewall `index`, for one network's traffic.
    fn filter(
        &mut self,
        f: &Firewall,
        index: usize,
        list: RuleList,
        scope: Option<AddrSet>,
    ) -> NodeIndex {
        let n = self.node(
            Node::Firewall {
                name: f.name.clone(),
                firewall: f.kind,
                index,
                list: Some(list),
            },
            Vec::new(),
        );
        if let Some(s) = self.scope.last_mut() {
            *s = scope;
        }
        n
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, reach: Vec<IpNet>, failover: bool) {
        self.graph.add_edge(
            from,
            to,
            Edge {
                reach,
                failover,
                translate: None,
            },
        );
    }
}

fn default_route() -> Vec<IpNet> {
    ["0.0.0.0/0", "::/0"]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

fn prefixes(list: &[&str]) -> AddrSet {
    AddrSet::from_prefixes(list.iter().filter_map(|s| s.parse::<IpNet>().ok()))
}

/// The address Azure's load balancer health probes come from (the `AzureLoadBalancer` tag).
const AZURE_LOAD_BALANCER: &str = "168.63.129.16/32";

/// Private and shared address space, which Azure's `Internet` tag leaves out.
const PRIVATE: [&str; 5] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "fc00::/7",
];

/// The rules a platform adds after a security group's own list (docs/topology-format.md):
/// an AWS security group without egress rules allows all egress; an Azure NSG ends each list
/// with its default rules. `vnet` is what Azure's `VirtualNetwork` tag stands for.
fn platform_defaults(f: &Firewall, list: RuleList, vnet: &AddrSet) -> Vec<CompiledRule> {
    if f.kind != FirewallKind::SecurityGroup {
        return Vec::new();
    }
    let any = AddrSet::any;
    let rule = CompiledRule::platform_default;
    match (f.platform, list) {
        (Some(Platform::AzureAlz), RuleList::Inbound) => vec![
            rule(
                "AllowVnetInBound",
                vnet.clone(),
                vnet.clone(),
                Action::Allow,
            ),
            rule(
                "AllowAzureLoadBalancerInBound",
                prefixes(&[AZURE_LOAD_BALANCER]),
                any(),
                Action::Allow,
            ),
            rule("DenyAllInBound", any(), any(), Action::Deny),
        ],
        (Some(Platform::AzureAlz), RuleList::Outbound) => {
            let internet = any().difference(vnet).difference(&prefixes(&PRIVATE));
            vec![
                rule(
                    "AllowVnetOutBound",
                    vnet.clone(),
                    vnet.clone(),
                    Action::Allow,
                ),
                rule("AllowInternetOutBound", any(), internet, Action::Allow),
                rule("DenyAllOutBound", any(), any(), Action::Deny),
            ]
        }
        (_, RuleList::Outbound) if f.outbound_rules.is_empty() => {
            vec![rule(
                "default-egress-allow-all",
                any(),
                any(),
                Action::Allow,
            )]
        }
        _ => Vec::new(),
    }
}

/// The network ACLs of a network's subnets, each with the subnets it is attached to, in the
/// order of first attachment.
fn acls_of(net: &VirtualNetwork) -> Vec<(&Name, AddrSet)> {
    let mut out: Vec<(&Name, AddrSet)> = Vec::new();
    for sn in &net.subnets {
        let Some(acl) = &sn.network_acl else { continue };
        let cidr = AddrSet::from_prefix(sn.cidr.trunc());
        match out.iter_mut().find(|(n, _)| *n == acl) {
            Some((_, set)) => *set = set.union(&cidr),
            None => out.push((acl, cidr)),
        }
    }
    out
}

/// A private NAT translates sources in the secondary ranges on the way out.
fn nat(r: &EnvRef, net: &VirtualNetwork) -> Option<Translation> {
    (!net.secondary_ranges.is_empty() && !net.nat_addresses.is_empty()).then(|| Translation {
        source: AddrSet::from_prefixes(net.nat_addresses.iter().map(|a| IpNet::from(*a))),
        party: Party::Nat { env: r.clone() },
        only_from: Some(AddrSet::from_prefixes(
            net.secondary_ranges.iter().map(|p| p.trunc()),
        )),
    })
}

/// The steps of [`NetworkGraph::build`], one per kind of node.
impl<'t> Builder<'t> {
    fn new(t: &'t Topology) -> Self {
        Self {
            t,
            graph: DiGraph::new(),
            owned: Vec::new(),
            scope: Vec::new(),
            end_nodes: HashMap::new(),
            env_nodes: HashMap::new(),
            fw_nodes: HashMap::new(),
            fw_index: HashMap::new(),
            envs: Vec::new(),
            platform_spaces: HashMap::new(),
            entry_of: HashMap::new(),
            exit_of: HashMap::new(),
            secondary: Vec::new(),
            on_prem_space: Vec::new(),
            default_edge: None,
            edges: Vec::new(),
        }
    }

    /// One node per firewall (its inbound or only list).
    fn firewalls(&mut self) {
        for (i, f) in self.t.firewalls.iter().enumerate() {
            let n = self.node(
                Node::Firewall {
                    name: f.name.clone(),
                    firewall: f.kind,
                    index: i,
                    list: f.kind.has_two_lists().then_some(RuleList::Inbound),
                },
                Vec::new(),
            );
            self.fw_nodes.entry(f.name.as_str()).or_insert(n);
            self.fw_index.entry(f.name.as_str()).or_insert(i);
        }
    }

    /// Project Set networks.
    fn networks(&mut self) {
        for (r, ps, net) in self.t.environments() {
            let n = self.node(
                Node::Network {
                    env: r.clone(),
                    platform: ps.platform,
                },
                net.address_space.clone(),
            );
            self.platform_spaces
                .entry(ps.platform)
                .or_default()
                .extend(net.address_space.iter().map(|p| p.trunc()));
            self.env_nodes.insert(r.clone(), n);
            self.envs.push((n, ps.platform, net, r));
        }
    }

    /// The way into an environment, as AWS orders it: the subnet's network ACL (inbound list)
    /// at the subnet boundary, then the security groups' inbound lists (in order), then the
    /// network. The way out mirrors it: the security groups' outbound lists, then the network
    /// ACLs' outbound lists, each of these nodes this network's own. A network ACL judges
    /// only the traffic of the subnets it is attached to.
    fn filters(&mut self) {
        let t = self.t;
        let envs: Vec<(NodeIndex, &'t VirtualNetwork)> =
            self.envs.iter().map(|(n, _, net, _)| (*n, *net)).collect();
        for (n, net) in envs {
            let acls: Vec<(usize, &Firewall, AddrSet)> = acls_of(net)
                .into_iter()
                .filter_map(|(name, set)| {
                    let i = *self.fw_index.get(name.as_str())?;
                    Some((i, t.firewalls.get(i)?, set))
                })
                .collect();
            let sgs: Vec<(usize, &Firewall)> = net
                .security_groups
                .iter()
                .filter_map(|sg| {
                    let i = *self.fw_index.get(sg.as_str())?;
                    Some((i, t.firewalls.get(i)?))
                })
                .collect();
            let mut next = n;
            for sg in net.security_groups.iter().rev() {
                if let Some(&sg_node) = self.fw_nodes.get(sg.as_str()) {
                    self.edge(sg_node, next, net.address_space.clone(), false);
                    next = sg_node;
                }
            }
            for (i, f, set) in acls.iter().rev() {
                let acl = self.filter(f, *i, RuleList::Inbound, Some(set.clone()));
                self.edge(acl, next, net.address_space.clone(), false);
                next = acl;
            }
            self.entry_of.insert(n, next);
            let mut prev = n;
            for (i, f) in sgs.iter().rev() {
                let sg = self.filter(f, *i, RuleList::Outbound, None);
                self.edge(prev, sg, default_route(), false);
                prev = sg;
            }
            for (i, f, set) in &acls {
                let acl = self.filter(f, *i, RuleList::Outbound, Some(set.clone()));
                self.edge(prev, acl, default_route(), false);
                prev = acl;
            }
            self.exit_of.insert(n, prev);
        }
    }

    /// The networks with secondary (non-routable) ranges, which they deliver themselves.
    fn secondary_ranges(&mut self) {
        for (r, _, net) in self.t.environments() {
            if let Some(&n) = self.env_nodes.get(&r)
                && !net.secondary_ranges.is_empty()
            {
                self.secondary.push((
                    n,
                    AddrSet::from_prefixes(net.secondary_ranges.iter().map(|p| p.trunc())),
                ));
            }
        }
    }

    /// Cloud firewalls: spokes send everything to the hub; the hub reaches every spoke.
    fn cloud_firewalls(&mut self) {
        let t = self.t;
        for i in 0..self.envs.len() {
            let Some((n, platform, net, r)) = self.envs.get(i).cloned() else {
                continue;
            };
            if let Some(fw) = t.cloud_firewall(platform)
                && let Some(&fw_node) = self.fw_nodes.get(fw.name.as_str())
            {
                let exit = self.exit_of.get(&n).copied().unwrap_or(n);
                self.graph.add_edge(
                    exit,
                    fw_node,
                    Edge {
                        reach: default_route(),
                        failover: false,
                        translate: nat(&r, net),
                    },
                );
                let entry = self.entry_of.get(&n).copied().unwrap_or(n);
                self.edge(fw_node, entry, net.address_space.clone(), false);
            }
        }
    }

    /// On-prem: edge firewalls (one per 3PG cluster), zone firewalls, zones, endpoints. Every
    /// zone is reachable through each edge firewall: the edge of `on_prem` and those the
    /// hybrid links land on, in document order.
    fn on_prem(&mut self) {
        let t = self.t;
        self.default_edge = t
            .on_prem
            .as_ref()
            .and_then(|o| self.fw_nodes.get(o.edge_firewall.as_str()).copied());
        self.edges = self.default_edge.into_iter().collect();
        if t.on_prem.is_some() {
            for l in &t.hybrid_links {
                if let Some(e) = l
                    .edge_firewall
                    .as_ref()
                    .and_then(|e| self.fw_nodes.get(e.as_str()).copied())
                    && !self.edges.contains(&e)
                {
                    self.edges.push(e);
                }
            }
        }
        let edges = self.edges.clone();
        for z in t.zones() {
            let zn = self.node(
                Node::Zone {
                    name: z.name.clone(),
                },
                z.networks.clone(),
            );
            self.end_nodes.entry(z.name.to_string()).or_insert(zn);
            self.on_prem_space
                .extend(z.networks.iter().map(|p| p.trunc()));
            let zfw = z
                .firewall
                .as_ref()
                .and_then(|f| self.fw_nodes.get(f.as_str()).copied());
            match zfw {
                Some(zfw) => {
                    self.edge(zfw, zn, z.networks.clone(), false);
                    self.edge(zn, zfw, default_route(), false);
                    for &edge in &edges {
                        self.edge(edge, zfw, z.networks.clone(), false);
                        self.edge(zfw, edge, default_route(), false);
                    }
                }
                None => {
                    for &edge in &edges {
                        self.edge(edge, zn, z.networks.clone(), false);
                        self.edge(zn, edge, default_route(), false);
                    }
                }
            }
            for e in &z.endpoints {
                let host = IpNet::from(e.address);
                let en = self.node(
                    Node::Endpoint {
                        name: e.name.clone(),
                    },
                    vec![host],
                );
                self.end_nodes.entry(e.name.to_string()).or_insert(en);
                self.edge(zn, en, vec![host], false);
                self.edge(en, zn, default_route(), false);
            }
        }
    }

    /// Hybrid links between each platform's cloud firewall and the edge.
    fn hybrid_links(&mut self) {
        let t = self.t;
        for l in &t.hybrid_links {
            let platform = l.kind.platform();
            let cloud = t
                .cloud_firewall(platform)
                .and_then(|f| self.fw_nodes.get(f.name.as_str()).copied());
            let edge = match &l.edge_firewall {
                Some(e) if t.on_prem.is_some() => self.fw_nodes.get(e.as_str()).copied(),
                _ => self.default_edge,
            };
            let (Some(cloud), Some(edge)) = (cloud, edge) else {
                continue;
            };
            let failover = l.redundancy == Redundancy::Secondary;
            let ln = self.node(
                Node::HybridLink {
                    name: l.name.clone(),
                    link: l.kind,
                    redundancy: l.redundancy,
                },
                Vec::new(),
            );
            let cloud_space = self
                .platform_spaces
                .get(&platform)
                .cloned()
                .unwrap_or_default();
            let on_prem_space = self.on_prem_space.clone();
            self.edge(cloud, ln, on_prem_space.clone(), failover);
            self.edge(ln, edge, on_prem_space, false);
            self.edge(edge, ln, cloud_space.clone(), failover);
            self.edge(ln, cloud, cloud_space, false);
        }
    }

    /// External networks behind their firewall.
    fn external_networks(&mut self) {
        for x in &self.t.external_networks {
            let xn = self.node(
                Node::External {
                    name: x.name.clone(),
                    platform: x.platform,
                },
                x.prefixes.clone(),
            );
            self.end_nodes.entry(x.name.to_string()).or_insert(xn);
            if let Some(&fw) = self.fw_nodes.get(x.attached_to.as_str()) {
                self.edge(fw, xn, x.prefixes.clone(), false);
                self.edge(xn, fw, default_route(), false);
            }
        }
    }

    /// PrivateLink: consumer -> security group -> region -> (source becomes the endpoint
    /// service IPs) -> firewall -> provider; and back: provider -> firewall -> region ->
    /// (source becomes the endpoint IPs) -> consumer.
    fn private_links(&mut self) {
        let t = self.t;
        for pl in &t.private_links {
            let (Some(&sg), Some(&fw), Some(provider)) = (
                self.fw_nodes.get(pl.security_group.as_str()),
                self.fw_nodes.get(pl.firewall.as_str()),
                t.external_network(pl.provider.as_str()),
            ) else {
                continue;
            };
            let provider_space: Vec<IpNet> = provider.prefixes.iter().map(|p| p.trunc()).collect();
            let consumers: Vec<(NodeIndex, Vec<IpNet>, Option<Translation>)> = pl
                .consumers
                .iter()
                .filter_map(|c| {
                    let n = self.env_nodes.get(c)?;
                    let (_, net) = t.environment(c)?;
                    Some((*n, net.address_space.clone(), nat(c, net)))
                })
                .collect();
            for (n, _, translate) in &consumers {
                let exit = self.exit_of.get(n).copied().unwrap_or(*n);
                self.graph.add_edge(
                    exit,
                    sg,
                    Edge {
                        reach: provider_space.clone(),
                        failover: false,
                        translate: translate.clone(),
                    },
                );
            }
            for r in &pl.regions {
                let failover = r.role == RegionRole::Dr;
                let region: Arc<str> = Arc::from(r.region.as_str());
                let rn = self.node(
                    Node::PrivateLink {
                        name: pl.name.clone(),
                        region: r.region.clone(),
                        role: r.role,
                    },
                    Vec::new(),
                );
                self.edge(sg, rn, provider_space.clone(), failover);
                self.graph.add_edge(
                    rn,
                    fw,
                    Edge {
                        reach: provider_space.clone(),
                        failover: false,
                        translate: Some(Translation {
                            source: AddrSet::from_prefixes(
                                r.endpoint_service_ips.iter().map(|a| IpNet::from(*a)),
                            ),
                            party: Party::Translated {
                                private_link: pl.name.clone(),
                                region: region.clone(),
                                role: PrivateLinkSide::EndpointService,
                            },
                            only_from: None,
                        }),
                    },
                );
                for (n, space, _) in &consumers {
                    self.edge(fw, rn, space.clone(), failover);
                    let entry = self.entry_of.get(n).copied().unwrap_or(*n);
                    self.graph.add_edge(
                        rn,
                        entry,
                        Edge {
                            reach: space.clone(),
                            failover: false,
                            translate: Some(Translation {
                                source: AddrSet::from_prefixes(
                                    r.endpoint_ips.iter().map(|a| IpNet::from(*a)),
                                ),
                                party: Party::Translated {
                                    private_link: pl.name.clone(),
                                    region: region.clone(),
                                    role: PrivateLinkSide::Endpoint,
                                },
                                only_from: None,
                            }),
                        },
                    );
                }
            }
        }
    }

    /// The routing tables, the owner index and the compiled rulebases: the graph, ready to walk.
    fn finish(mut self) -> NetworkGraph<'t> {
        let t = self.t;
        let routes = routing_tables(&self.graph);
        let mut owners = PrefixIndex::default();
        for (i, prefixes) in self.owned.iter().enumerate() {
            for p in prefixes {
                owners.insert(*p, NodeIndex::new(i));
            }
        }
        owners.finish();
        // A network delivers its secondary ranges itself, but they are in no routing table and
        // not in the owner index: they repeat across Project Sets and nothing outside reaches them.
        for (n, ranges) in &self.secondary {
            if let Some(o) = self.owned.get_mut(n.index()) {
                o.extend(ranges.to_prefixes());
            }
        }
        // What Azure's `VirtualNetwork` tag stands for, seen from a VNet of the hub: every Azure
        // Project Set network and every on-prem zone network (reached through the hub).
        let azure_vnet = AddrSet::from_prefixes(
            self.platform_spaces
                .get(&Platform::AzureAlz)
                .into_iter()
                .flatten()
                .chain(&self.on_prem_space)
                .copied(),
        );
        let resolver = Resolver::new(t);
        let compile = |list: RuleList| {
            t.firewalls
                .iter()
                .map(|f| {
                    CompiledRulebase::list(
                        f,
                        list,
                        &resolver,
                        platform_defaults(f, list, &azure_vnet),
                    )
                })
                .collect::<Vec<_>>()
        };
        let rulebases = compile(RuleList::Inbound);
        let outbound = compile(RuleList::Outbound);
        let labels = self
            .graph
            .node_weights()
            .map(|n| (n.to_string().into(), n.kind_label().into()))
            .collect();
        NetworkGraph {
            topology: t,
            labels,
            graph: self.graph,
            routes,
            owners,
            owned_sets: self
                .owned
                .iter()
                .map(|p| AddrSet::from_prefixes(p.iter().copied()))
                .collect(),
            owned: self.owned,
            rulebases,
            outbound,
            scope: self.scope,
            secondary: self.secondary,
            resolver,
            end_nodes: self.end_nodes,
            env_nodes: self.env_nodes,
            no_matching_rule: Arc::new(crate::eval::Verdict::NoMatchingRule),
            skeletons: crate::trace::SkeletonCache::default(),
        }
    }
}

/// Per node: destination prefix -> outgoing routes, from the edges' reach.
fn routing_tables(graph: &DiGraph<Node, Edge>) -> Vec<PrefixIndex<RouteTo>> {
    let mut routes: Vec<PrefixIndex<RouteTo>> = (0..graph.node_count())
        .map(|_| PrefixIndex::default())
        .collect();
    for e in graph.edge_indices() {
        if let (Some((from, to)), Some(w)) = (graph.edge_endpoints(e), graph.edge_weight(e))
            && let Some(table) = routes.get_mut(from.index())
        {
            let route = RouteTo {
                edge: e,
                target: to,
                failover: w.failover,
                translates: w.translate.is_some(),
            };
            for p in &w.reach {
                table.insert(mccs_model::canonical_net(p.trunc()), route);
            }
        }
    }
    for r in &mut routes {
        r.finish();
    }
    routes
}

impl<'t> NetworkGraph<'t> {
    /// Builds the graph of a topology. Dangling references (which validation reports) are left
    /// out, so any topology builds. Its size grows with the hybrid links times the networks
    /// (each link routes to every network on either side): validate first, which limits the
    /// links to [`mccs_model::MAX_HYBRID_LINKS`].
    ///
    /// ```
    /// let t = mccs_model::examples::reference();
    /// let g = mccs_path::NetworkGraph::build(&t);
    /// assert!(g.node_count() > 10);
    /// ```
    pub fn build(t: &'t Topology) -> Self {
        let mut b = Builder::new(t);
        b.firewalls();
        b.networks();
        b.filters();
        b.secondary_ranges();
        b.cloud_firewalls();
        b.on_prem();
        b.hybrid_links();
        b.external_networks();
        b.private_links();
        b.finish()
    }

    /// The topology the graph was built from.
    pub fn topology(&self) -> &'t Topology {
        self.topology
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Every node, in the order they were built (networks, firewalls, links, zones, ...).
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.graph.node_weights()
    }

    /// Every edge as (from, to, edge): the routes the walk follows. The graph itself (a
    /// petgraph `DiGraph`) stays private, so its representation can change.
    ///
    /// ```
    /// let t = mccs_model::examples::reference();
    /// let g = mccs_path::NetworkGraph::build(&t);
    /// assert_eq!(g.edges().count(), g.edge_count());
    /// assert!(g.edges().any(|(from, _, _)| from.to_string() == "abc123-prod"));
    /// ```
    pub fn edges(&self) -> impl Iterator<Item = (&Node, &Node, &Edge)> {
        use petgraph::visit::EdgeRef as _;
        self.graph.edge_references().filter_map(|e| {
            Some((
                self.graph.node_weight(e.source())?,
                self.graph.node_weight(e.target())?,
                e.weight(),
            ))
        })
    }

    pub(crate) fn node(&self, n: NodeIndex) -> Option<&Node> {
        self.graph.node_weight(n)
    }

    /// The compiled list of firewall `index` a node judges with.
    pub(crate) fn rulebase(
        &self,
        index: usize,
        list: Option<RuleList>,
    ) -> Option<&CompiledRulebase> {
        match list {
            Some(RuleList::Outbound) => self.outbound.get(index),
            _ => self.rulebases.get(index),
        }
    }
}
