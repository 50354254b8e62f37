//! The network as a directed graph: networks, enforcement points and transports as nodes; edges
//! carry the prefixes reachable through them, so forwarding is a longest-prefix match at each
//! node, as a router does.

use std::collections::HashMap;
use std::fmt;

use ipnet::IpNet;
use mccs_model::{
    EnvRef, FirewallKind, LinkKind, Name, Platform, Redundancy, RegionRole, Topology,
};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use serde::Serialize;

use crate::addrset::AddrSet;
use crate::eval::CompiledRulebase;
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
            Self::Firewall { firewall, .. } => match firewall {
                FirewallKind::Cloud => "cloud firewall".into(),
                FirewallKind::Edge => "edge firewall (3PG)".into(),
                FirewallKind::Zone => "zone firewall".into(),
                FirewallKind::SecurityGroup => "security group".into(),
                FirewallKind::Other => "firewall".into(),
            },
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
    /// Compiled rulebases, by position in `Topology::firewalls`.
    pub(crate) rulebases: Vec<CompiledRulebase>,
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
}

impl Builder {
    fn node(&mut self, n: Node, owned: Vec<IpNet>) -> NodeIndex {
        self.owned.push(
            owned
                .into_iter()
                .map(|p| mccs_model::canonical_net(p.trunc()))
                .collect(),
        );
        self.graph.add_node(n)
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
        };
        let mut end_nodes: HashMap<String, NodeIndex> = HashMap::new();
        let mut env_nodes = HashMap::new();
        let mut fw_nodes: HashMap<&str, NodeIndex> = HashMap::new();

        for (i, f) in t.firewalls.iter().enumerate() {
            let n = b.node(
                Node::Firewall {
                    name: f.name.clone(),
                    firewall: f.kind,
                    index: i,
                },
                Vec::new(),
            );
            fw_nodes.entry(f.name.as_str()).or_insert(n);
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
            envs.push((n, ps.platform, net));
        }
        // The way into an environment: through its security groups (in order), then the network.
        let mut entry_of: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        for (n, _, net) in &envs {
            let mut next = *n;
            for sg in net.security_groups.iter().rev() {
                if let Some(&sg_node) = fw_nodes.get(sg.as_str()) {
                    b.edge(sg_node, next, net.address_space.clone(), false);
                    next = sg_node;
                }
            }
            entry_of.insert(*n, next);
        }
        // Cloud firewalls: spokes send everything to the hub; the hub reaches every spoke.
        for (n, platform, net) in &envs {
            if let Some(fw) = t.cloud_firewall(*platform)
                && let Some(&fw_node) = fw_nodes.get(fw.name.as_str())
            {
                b.edge(*n, fw_node, default_route(), false);
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
            let consumers: Vec<(NodeIndex, Vec<IpNet>)> = pl
                .consumers
                .iter()
                .filter_map(|c| {
                    let n = env_nodes.get(c)?;
                    let (_, net) = t.environment(c)?;
                    Some((*n, net.address_space.clone()))
                })
                .collect();
            for (n, _) in &consumers {
                b.edge(*n, sg, provider_space.clone(), false);
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
                        }),
                    },
                );
                for (n, space) in &consumers {
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
        let rulebases = t
            .firewalls
            .iter()
            .map(|f| CompiledRulebase::new(f, &resolver))
            .collect();
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
}
