//! The network as a directed graph: networks, enforcement points and transports as nodes; edges
//! carry the prefixes reachable through them, so forwarding is a longest-prefix match at each
//! node, as a router does.

use std::collections::HashMap;
use std::fmt;

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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Party {
    /// The VPC/VNet of a Project Set environment.
    Environment {
        /// `abc123-prod`.
        env: String,
    },
    /// An on-prem endpoint.
    Endpoint {
        /// Its name.
        name: String,
    },
    /// A firewall object of the document (possibly centrally published).
    Object {
        /// Its name.
        name: String,
        /// Who publishes it, if anyone.
        published_by: Option<String>,
    },
    /// An external network (the other cloud's platform, a partner).
    External {
        /// Its name.
        name: String,
    },
    /// An on-prem zone's networks.
    Zone {
        /// Its name.
        name: String,
    },
    /// Addresses that replaced the source on the way (PrivateLink).
    Translated {
        /// The PrivateLink.
        private_link: String,
        /// The region.
        region: String,
        /// `endpoint-service` or `endpoint`.
        role: String,
    },
    /// The private NAT of a VPC: the routable addresses that replace a source in one of its
    /// secondary, non-routable ranges.
    Nat {
        /// `abc123-prod`.
        env: String,
    },
    /// Addresses written out (a CIDR).
    Prefix,
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
#[derive(Debug, Clone)]
pub struct NetworkGraph {
    pub(crate) graph: DiGraph<Node, Edge>,
    /// Per node: destination prefix -> outgoing routes.
    pub(crate) routes: Vec<PrefixIndex<RouteTo>>,
    /// Prefixes each node holds itself (connected), across the estate.
    pub(crate) owners: PrefixIndex<NodeIndex>,
    /// Per node: the prefixes it holds.
    pub(crate) owned: Vec<Vec<IpNet>>,
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
}

struct Builder {
    graph: DiGraph<Node, Edge>,
    owned: Vec<Vec<IpNet>>,
    scope: Vec<Option<AddrSet>>,
}

impl Builder {
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

impl NetworkGraph {
    /// Builds the graph of a topology. Dangling references (which validation reports) are left
    /// out, so any topology builds.
    ///
    /// ```
    /// let g = mccs_path::NetworkGraph::build(&mccs_model::examples::reference());
    /// assert!(g.node_count() > 10);
    /// ```
    pub fn build(t: &Topology) -> Self {
        let resolver = Resolver::new(t);
        let mut b = Builder {
            graph: DiGraph::new(),
            owned: Vec::new(),
            scope: Vec::new(),
        };
        let mut end_nodes: HashMap<String, NodeIndex> = HashMap::new();
        let mut env_nodes = HashMap::new();
        let mut fw_nodes: HashMap<&str, NodeIndex> = HashMap::new();
        let mut fw_index: HashMap<&str, usize> = HashMap::new();

        for (i, f) in t.firewalls.iter().enumerate() {
            let n = b.node(
                Node::Firewall {
                    name: f.name.clone(),
                    firewall: f.kind,
                    index: i,
                    list: f.kind.has_two_lists().then_some(RuleList::Inbound),
                },
                Vec::new(),
            );
            fw_nodes.entry(f.name.as_str()).or_insert(n);
            fw_index.entry(f.name.as_str()).or_insert(i);
        }
        // Project Set networks.
        let mut platform_spaces: HashMap<Platform, Vec<IpNet>> = HashMap::new();
        let mut envs = Vec::new();
        for (r, ps, net) in t.environments() {
            let n = b.node(
                Node::Network {
                    env: r.clone(),
                    platform: ps.platform,
                },
                net.address_space.clone(),
            );
            platform_spaces
                .entry(ps.platform)
                .or_default()
                .extend(net.address_space.iter().map(|p| p.trunc()));
            env_nodes.insert(r.clone(), n);
            envs.push((n, ps.platform, net, r));
        }
        // The way into an environment, as AWS orders it: the subnet's network ACL (inbound list)
        // at the subnet boundary, then the security groups' inbound lists (in order), then the
        // network. The way out mirrors it: the security groups' outbound lists, then the network
        // ACLs' outbound lists, each of these nodes this network's own. A network ACL judges
        // only the traffic of the subnets it is attached to.
        let mut entry_of: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut exit_of: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        for (n, _, net, _) in &envs {
            let acls: Vec<(usize, &Firewall, AddrSet)> = acls_of(net)
                .into_iter()
                .filter_map(|(name, set)| {
                    let i = *fw_index.get(name.as_str())?;
                    Some((i, t.firewalls.get(i)?, set))
                })
                .collect();
            let sgs: Vec<(usize, &Firewall)> = net
                .security_groups
                .iter()
                .filter_map(|sg| {
                    let i = *fw_index.get(sg.as_str())?;
                    Some((i, t.firewalls.get(i)?))
                })
                .collect();
            let mut next = *n;
            for sg in net.security_groups.iter().rev() {
                if let Some(&sg_node) = fw_nodes.get(sg.as_str()) {
                    b.edge(sg_node, next, net.address_space.clone(), false);
                    next = sg_node;
                }
            }
            for (i, f, set) in acls.iter().rev() {
                let acl = b.filter(f, *i, RuleList::Inbound, Some(set.clone()));
                b.edge(acl, next, net.address_space.clone(), false);
                next = acl;
            }
            entry_of.insert(*n, next);
            let mut prev = *n;
            for (i, f) in sgs.iter().rev() {
                let sg = b.filter(f, *i, RuleList::Outbound, None);
                b.edge(prev, sg, default_route(), false);
                prev = sg;
            }
            for (i, f, set) in &acls {
                let acl = b.filter(f, *i, RuleList::Outbound, Some(set.clone()));
                b.edge(prev, acl, default_route(), false);
                prev = acl;
            }
            exit_of.insert(*n, prev);
        }
        // A private NAT translates sources in the secondary ranges on the way out.
        let nat = |r: &EnvRef, net: &VirtualNetwork| {
            (!net.secondary_ranges.is_empty() && !net.nat_addresses.is_empty()).then(|| {
                Translation {
                    source: AddrSet::from_prefixes(
                        net.nat_addresses.iter().map(|a| IpNet::from(*a)),
                    ),
                    party: Party::Nat { env: r.to_string() },
                    only_from: Some(AddrSet::from_prefixes(
                        net.secondary_ranges.iter().map(|p| p.trunc()),
                    )),
                }
            })
        };
        let mut secondary = Vec::new();
        for (r, _, net) in t.environments() {
            if let Some(&n) = env_nodes.get(&r)
                && !net.secondary_ranges.is_empty()
            {
                secondary.push((
                    n,
                    AddrSet::from_prefixes(net.secondary_ranges.iter().map(|p| p.trunc())),
                ));
            }
        }
        // Cloud firewalls: spokes send everything to the hub; the hub reaches every spoke.
        for (n, platform, net, r) in &envs {
            if let Some(fw) = t.cloud_firewall(*platform)
                && let Some(&fw_node) = fw_nodes.get(fw.name.as_str())
            {
                let exit = exit_of.get(n).copied().unwrap_or(*n);
                b.graph.add_edge(
                    exit,
                    fw_node,
                    Edge {
                        reach: default_route(),
                        failover: false,
                        translate: nat(r, net),
                    },
                );
                let entry = entry_of.get(n).copied().unwrap_or(*n);
                b.edge(fw_node, entry, net.address_space.clone(), false);
            }
        }
        // On-prem: edge firewalls (one per 3PG cluster), zone firewalls, zones, endpoints. Every
        // zone is reachable through each edge firewall: the edge of `on_prem` and those the
        // hybrid links land on, in document order.
        let mut on_prem_space: Vec<IpNet> = Vec::new();
        let default_edge = t
            .on_prem
            .as_ref()
            .and_then(|o| fw_nodes.get(o.edge_firewall.as_str()).copied());
        let mut edges: Vec<NodeIndex> = default_edge.into_iter().collect();
        if t.on_prem.is_some() {
            for l in &t.hybrid_links {
                if let Some(e) = l
                    .edge_firewall
                    .as_ref()
                    .and_then(|e| fw_nodes.get(e.as_str()).copied())
                    && !edges.contains(&e)
                {
                    edges.push(e);
                }
            }
        }
        for z in t.zones() {
            let zn = b.node(
                Node::Zone {
                    name: z.name.clone(),
                },
                z.networks.clone(),
            );
            end_nodes.entry(z.name.to_string()).or_insert(zn);
            on_prem_space.extend(z.networks.iter().map(|p| p.trunc()));
            let zfw = z
                .firewall
                .as_ref()
                .and_then(|f| fw_nodes.get(f.as_str()).copied());
            match zfw {
                Some(zfw) => {
                    b.edge(zfw, zn, z.networks.clone(), false);
                    b.edge(zn, zfw, default_route(), false);
                    for &edge in &edges {
                        b.edge(edge, zfw, z.networks.clone(), false);
                        b.edge(zfw, edge, default_route(), false);
                    }
                }
                None => {
                    for &edge in &edges {
                        b.edge(edge, zn, z.networks.clone(), false);
                        b.edge(zn, edge, default_route(), false);
                    }
                }
            }
            for e in &z.endpoints {
                let host = IpNet::from(e.address);
                let en = b.node(
                    Node::Endpoint {
                        name: e.name.clone(),
                    },
                    vec![host],
                );
                end_nodes.entry(e.name.to_string()).or_insert(en);
                b.edge(zn, en, vec![host], false);
                b.edge(en, zn, default_route(), false);
            }
        }
        // Hybrid links between each platform's cloud firewall and the edge.
        for l in &t.hybrid_links {
            let platform = l.kind.platform();
            let cloud = t
                .cloud_firewall(platform)
                .and_then(|f| fw_nodes.get(f.name.as_str()).copied());
            let edge = match &l.edge_firewall {
                Some(e) if t.on_prem.is_some() => fw_nodes.get(e.as_str()).copied(),
                _ => default_edge,
            };
            let (Some(cloud), Some(edge)) = (cloud, edge) else {
                continue;
            };
            let failover = l.redundancy == Redundancy::Secondary;
            let ln = b.node(
                Node::HybridLink {
                    name: l.name.clone(),
                    link: l.kind,
                    redundancy: l.redundancy,
                },
                Vec::new(),
            );
            let cloud_space = platform_spaces.get(&platform).cloned().unwrap_or_default();
            b.edge(cloud, ln, on_prem_space.clone(), failover);
            b.edge(ln, edge, on_prem_space.clone(), false);
            b.edge(edge, ln, cloud_space.clone(), failover);
            b.edge(ln, cloud, cloud_space, false);
        }
        // External networks behind their firewall.
        let mut external_nodes: HashMap<&str, NodeIndex> = HashMap::new();
        for x in &t.external_networks {
            let xn = b.node(
                Node::External {
                    name: x.name.clone(),
                    platform: x.platform,
                },
                x.prefixes.clone(),
            );
            end_nodes.entry(x.name.to_string()).or_insert(xn);
            external_nodes.insert(x.name.as_str(), xn);
            if let Some(&fw) = fw_nodes.get(x.attached_to.as_str()) {
                b.edge(fw, xn, x.prefixes.clone(), false);
                b.edge(xn, fw, default_route(), false);
            }
        }
        // PrivateLink: consumer -> security group -> region -> (source becomes the endpoint
        // service IPs) -> firewall -> provider; and back: provider -> firewall -> region ->
        // (source becomes the endpoint IPs) -> consumer.
        for pl in &t.private_links {
            let (Some(&sg), Some(&fw), Some(provider)) = (
                fw_nodes.get(pl.security_group.as_str()),
                fw_nodes.get(pl.firewall.as_str()),
                t.external_network(pl.provider.as_str()),
            ) else {
                continue;
            };
            let provider_space: Vec<IpNet> = provider.prefixes.iter().map(|p| p.trunc()).collect();
            let consumers: Vec<(NodeIndex, Vec<IpNet>, Option<Translation>)> = pl
                .consumers
                .iter()
                .filter_map(|c| {
                    let n = env_nodes.get(c)?;
                    let (_, net) = t.environment(c)?;
                    Some((*n, net.address_space.clone(), nat(c, net)))
                })
                .collect();
            for (n, _, translate) in &consumers {
                let exit = exit_of.get(n).copied().unwrap_or(*n);
                b.graph.add_edge(
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
                let rn = b.node(
                    Node::PrivateLink {
                        name: pl.name.clone(),
                        region: r.region.clone(),
                        role: r.role,
                    },
                    Vec::new(),
                );
                b.edge(sg, rn, provider_space.clone(), failover);
                b.graph.add_edge(
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
                                private_link: pl.name.to_string(),
                                region: r.region.clone(),
                                role: "endpoint-service".into(),
                            },
                            only_from: None,
                        }),
                    },
                );
                for (n, space, _) in &consumers {
                    b.edge(fw, rn, space.clone(), failover);
                    let entry = entry_of.get(n).copied().unwrap_or(*n);
                    b.graph.add_edge(
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
                                    private_link: pl.name.to_string(),
                                    region: r.region.clone(),
                                    role: "endpoint".into(),
                                },
                                only_from: None,
                            }),
                        },
                    );
                }
            }
        }

        // Routing tables and the owner index.
        let mut routes: Vec<PrefixIndex<RouteTo>> = (0..b.graph.node_count())
            .map(|_| PrefixIndex::default())
            .collect();
        for e in b.graph.edge_indices() {
            if let (Some((from, to)), Some(w)) = (b.graph.edge_endpoints(e), b.graph.edge_weight(e))
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
        let mut owners = PrefixIndex::default();
        for (i, prefixes) in b.owned.iter().enumerate() {
            for p in prefixes {
                owners.insert(*p, NodeIndex::new(i));
            }
        }
        owners.finish();
        // A network delivers its secondary ranges itself, but they are in no routing table and
        // not in the owner index: they repeat across Project Sets and nothing outside reaches them.
        for (n, ranges) in &secondary {
            if let Some(o) = b.owned.get_mut(n.index()) {
                o.extend(ranges.to_prefixes());
            }
        }
        // What Azure's `VirtualNetwork` tag stands for, seen from a VNet of the hub: every Azure
        // Project Set network and every on-prem zone network (reached through the hub).
        let azure_vnet = AddrSet::from_prefixes(
            platform_spaces
                .get(&Platform::AzureAlz)
                .into_iter()
                .flatten()
                .chain(&on_prem_space)
                .copied(),
        );
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
        let labels = b
            .graph
            .node_weights()
            .map(|n| (n.to_string().into(), n.kind_label().into()))
            .collect();
        Self {
            labels,
            graph: b.graph,
            routes,
            owners,
            owned: b.owned,
            rulebases,
            outbound,
            scope: b.scope,
            secondary,
            resolver,
            end_nodes,
            env_nodes,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The petgraph graph, for tools that want to walk or draw it.
    pub fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
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
