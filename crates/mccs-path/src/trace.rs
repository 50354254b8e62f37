//! Tracing a directed flow through the graph: every path, each hop's addresses after
//! translation, and each firewall's verdict.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use ipnet::IpNet;
use mccs_model::{Action, Date, EnvRef, FlowEnd, Initiator, Name, RuleList, Service, Topology};
use mccs_naming::Direction;
use petgraph::graph::NodeIndex;
use serde::Serialize;
use thiserror::Error;

use crate::addrset::AddrSet;
use crate::eval::{CompiledRulebase, Evaluation, Exceeded, FlowBox, Verdict};
use crate::graph::{NetworkGraph, Node, Party, RouteTo};
use crate::label::Label;
use crate::prefix::Values;
use crate::svcset::SvcSet;

mod skeleton;

pub(crate) use skeleton::SkeletonCache;

/// Addresses as seen at one point, and who they stand for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Addresses {
    /// Who the addresses are.
    pub party: Party,
    /// The addresses.
    pub set: AddrSet,
}

impl fmt::Display for Addresses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.party {
            Party::Prefix => write!(f, "{}", self.set),
            _ => write!(f, "{} ({})", self.set, self.party),
        }
    }
}

/// Settings for tracing.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TraceOptions {
    /// Today, to report expired rules on the path; `None` skips that check.
    pub today: Option<Date>,
    /// The most paths reported for one flow.
    pub max_paths: usize,
    /// The most hops on one path.
    pub max_hops: usize,
    /// The most nodes the walk may enter for one flow, over all its paths: a bound on the work
    /// itself, whatever the shape of the graph (many mutually reachable security groups, say).
    pub max_steps: usize,
    /// The parts (boxes of sources × destinations × services) one firewall's rules may cut a
    /// flow into, besides four per rule that can match it; past that, the firewall's verdict is
    /// `unknown` (default [`crate::MAX_BOXES`]).
    pub max_parts: usize,
    /// The most work for one flow, in units of one comparison of a part of the flow with a
    /// rule, and [`STEP_WORK`] per node entered: a bound on the time a flow can take, whatever
    /// its rulebases are like (default [`MAX_WORK`]).
    pub max_work: u64,
}

/// What entering a node counts against [`TraceOptions::max_work`]: about the cost of that many
/// comparisons of a part with a rule.
pub const STEP_WORK: u64 = 64;

/// The default of [`TraceOptions::max_work`]: ten million comparisons, some tens of
/// milliseconds; an ordinary flow uses a few hundred.
pub const MAX_WORK: u64 = 10_000_000;

impl Default for TraceOptions {
    fn default() -> Self {
        Self {
            today: None,
            max_paths: 64,
            max_hops: 64,
            max_steps: 20_000,
            max_parts: crate::eval::MAX_BOXES,
            max_work: MAX_WORK,
        }
    }
}

impl TraceOptions {
    /// Options that report rules expired before `today`.
    #[must_use]
    pub fn with_today(mut self, today: Date) -> Self {
        self.today = Some(today);
        self
    }

    /// Options that follow at most `n` paths per flow (docs/limits.md).
    #[must_use]
    pub fn with_max_paths(mut self, n: usize) -> Self {
        self.max_paths = n;
        self
    }

    /// Options that follow paths of at most `n` hops.
    #[must_use]
    pub fn with_max_hops(mut self, n: usize) -> Self {
        self.max_hops = n;
        self
    }

    /// Options whose evaluation cuts a flow into at most `n` parts (plus four per rule) at
    /// each firewall.
    #[must_use]
    pub fn with_max_parts(mut self, n: usize) -> Self {
        self.max_parts = n;
        self
    }

    /// Options whose walk enters at most `n` nodes per flow.
    #[must_use]
    pub fn with_max_steps(mut self, n: usize) -> Self {
        self.max_steps = n;
        self
    }

    /// Options that spend at most `n` units of work per flow (see [`TraceOptions::max_work`]).
    #[must_use]
    pub fn with_max_work(mut self, n: u64) -> Self {
        self.max_work = n;
        self
    }
}

/// Why a flow cannot be turned into directed flows: its ends do not resolve, they have no
/// address family in common, or its `initiator` fits neither end. A real error (it works with
/// `?` and `Box<dyn Error>`) that keeps every [`Diagnosis`] found, not only the first.
///
/// ```
/// use mccs_model::FlowEnd;
/// let t = mccs_model::examples::reference();
/// let g = mccs_path::NetworkGraph::build(&t);
/// let nowhere: FlowEnd = "no-such-endpoint".parse()?;
/// let to: FlowEnd = "citz-oracle-db".parse()?;
/// let svc = mccs_path::SvcSet::from_services(&["tcp/1521".parse()?]);
/// let err = g
///     .directed("probe", &nowhere, &to, &svc, mccs_model::Initiator::Source)
///     .unwrap_err();
/// assert_eq!(err.flow(), "probe");
/// assert_eq!(err.diagnoses().len(), 1);
/// assert!(err.to_string().starts_with("flow `probe` cannot be traced: "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowError {
    flow: String,
    diagnoses: Vec<Diagnosis>,
}

impl FlowError {
    pub(crate) fn new(flow: &str, diagnoses: Vec<Diagnosis>) -> Self {
        Self {
            flow: flow.to_owned(),
            diagnoses,
        }
    }

    /// The flow's name.
    pub fn flow(&self) -> &str {
        &self.flow
    }

    /// Every problem found, in the order of the flow's ends (source first); never empty.
    pub fn diagnoses(&self) -> &[Diagnosis] {
        &self.diagnoses
    }

    /// The problems, to keep with a plan or report one by one.
    pub fn into_diagnoses(self) -> Vec<Diagnosis> {
        self.diagnoses
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "flow `{}` cannot be traced: ", self.flow)?;
        for (i, d) in self.diagnoses.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FlowError {}

/// Something that stops a flow or needs attention, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Diagnosis {
    /// A node has no route toward the destination.
    #[error(
        "no route to {destination} at {at}: nothing past this point announces it; check the address or add the network or link that reaches it"
    )]
    NoRoute {
        /// Where the path stops.
        at: String,
        /// The destination.
        destination: String,
    },
    /// The path comes back to a node it has passed.
    #[error("routing loop: {path}; the routes of these nodes point at each other")]
    Loop {
        /// The loop.
        path: String,
    },
    /// A flow end that no network of the topology holds.
    #[error(
        "{end} `{name}` ({addresses}) is in no network of the topology: add the network that holds it, or fix the address"
    )]
    NotOwned {
        /// `source` or `destination`.
        end: String,
        /// As written.
        name: String,
        /// Its addresses.
        addresses: String,
    },
    /// A flow end whose addresses lie in several networks.
    #[error(
        "{end} `{name}` spans several networks ({owners}): split the flow so each end is in one network"
    )]
    Ambiguous {
        /// `source` or `destination`.
        end: String,
        /// As written.
        name: String,
        /// The networks.
        owners: String,
    },
    /// A flow end that names nothing in the topology.
    #[error(
        "{end} `{name}` is not in the topology: name an environment, endpoint, object or external network, or write a CIDR"
    )]
    UnknownEnd {
        /// `source` or `destination`.
        end: String,
        /// As written.
        name: String,
    },
    /// The initiator does not fit the ends.
    #[error("flow `{flow}`: {why}")]
    Initiator {
        /// The flow.
        flow: String,
        /// What does not fit.
        why: String,
    },
    /// A rule on the path has expired.
    #[error(
        "rule `{rule}` on {firewall} expired on {expires}: the flow relies on it; renew it or request a new rule"
    )]
    ExpiredRule {
        /// The firewall.
        firewall: String,
        /// The rule.
        rule: String,
        /// Its expiry date.
        expires: String,
    },
    /// The ends have no address family in common (an IPv6-only network and an IPv4-only host):
    /// no firewall rule can connect them.
    #[error(
        "flow `{flow}`: no common address family: the source {source_families} ({source_addresses}) and the destination {destination_families} ({destination_addresses}); a NAT64 or a dual-stack address is needed, not a firewall rule"
    )]
    NoCommonFamily {
        /// The flow.
        flow: String,
        /// `is IPv4 only` / `is IPv6 only`.
        source_families: String,
        /// The source's addresses.
        source_addresses: String,
        /// `is IPv4 only` / `is IPv6 only`.
        destination_families: String,
        /// The destination's addresses.
        destination_addresses: String,
    },
    /// A destination in a secondary, non-routable range of a VPC, from outside that VPC.
    #[error(
        "no route to {destination}: it lies in {range}, a secondary (non-routable) range of {network}, which nothing outside that VPC can reach; address the VPC's routable space (e.g. a load balancer in it) instead"
    )]
    NonRoutable {
        /// The destination.
        destination: String,
        /// The network whose secondary range it is.
        network: String,
        /// The secondary range(s).
        range: String,
    },
    /// More paths than the limit: the flow is not judged, since an unreported path could deny
    /// it.
    #[error(
        "too many paths (limit {limit}): the flow takes more paths than are followed, so it cannot be judged; check the topology for repeated or mutually reachable elements, or raise the limit (`TraceOptions::max_paths`)"
    )]
    TooManyPaths {
        /// The limit.
        limit: usize,
    },
    /// A path longer than the hop limit: the flow is not judged.
    #[error(
        "a path is longer than {limit} hops (through {at}): the flow cannot be judged; check the topology for a routing loop through translation hops, or raise the limit (`TraceOptions::max_hops`)"
    )]
    TooManyHops {
        /// The limit.
        limit: usize,
        /// The last node reached.
        at: String,
    },
    /// A firewall's rulebase cuts the flow into more parts than evaluation follows: its verdict
    /// is `unknown` and the flow is not judged.
    #[error(
        "{firewall}'s rules cut this flow into more parts than evaluation follows ({limit} plus four per rule), so its verdict is unknown; narrow the flow (fewer addresses or ports) or simplify the overlapping rules"
    )]
    TooManyParts {
        /// The firewall.
        firewall: String,
        /// The fixed part of the budget (`TraceOptions::max_parts`).
        limit: usize,
    },
    /// The walk entered more nodes than its budget: the flow is not judged.
    #[error(
        "the walk for this flow stopped after {limit} steps: the graph around it has too many paths to follow; check for repeated or mutually reachable security groups, or raise the limit (`TraceOptions::max_steps`)"
    )]
    TooManySteps {
        /// The limit.
        limit: usize,
    },
    /// The flow needed more work than its budget (evaluating rulebases that cut it into many
    /// parts, say): the firewall being judged says `unknown` and the flow is not judged.
    #[error(
        "judging this flow needs more work than its budget ({limit} units: comparisons of a part of the flow with a rule, and 64 per node entered), so it cannot be judged; narrow the flow (fewer addresses or ports), simplify the overlapping rules, or raise the limit (`TraceOptions::max_work`, `--max-work`)"
    )]
    TooMuchWork {
        /// The limit.
        limit: u64,
    },
    /// The plan's work budget ran out before this flow was judged: it is not judged, nor are the
    /// flows after it.
    #[error(
        "the plan's work budget ({limit} units) ran out before this flow was judged; plan fewer flows at once, or raise the limit (`PlanOptions::max_work`, `--max-plan-work`)"
    )]
    PlanOutOfWork {
        /// The plan's limit.
        limit: u64,
    },
    /// A rule the flow reaches also matches on something mccs cannot judge (`Rule::unknown`:
    /// an FQDN, an App-ID, a signature, ...): that firewall's verdict is `unknown` and the flow
    /// is not judged; a person must check the rule.
    #[error(
        "{firewall}: rule `{rule}` ({action}) also matches on {what}, which mccs cannot judge: check on the firewall whether it lets this flow through; if it does not, request a rule placed above it"
    )]
    UnknownRule {
        /// The firewall.
        firewall: String,
        /// The rule.
        rule: String,
        /// `allow` or `deny`.
        action: String,
        /// What the rule matches on that mccs cannot judge.
        what: String,
    },
}

impl Diagnosis {
    /// Whether the flow could not be judged: a limit of the walk ([`Diagnosis::is_limit`]) or a
    /// rule mccs cannot judge ([`Diagnosis::UnknownRule`]). Such a flow is neither allowed nor
    /// denied, but blocked with this reason, and nothing is requested for it.
    pub fn is_unjudged(&self) -> bool {
        self.is_limit() || matches!(self, Self::UnknownRule { .. })
    }

    /// Whether this is a limit of the walk (paths, hops, steps): the flow was not fully followed,
    /// so it is neither allowed nor denied, but blocked with this reason.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::TooManyPaths { .. }
                | Self::TooManyHops { .. }
                | Self::TooManySteps { .. }
                | Self::TooManyParts { .. }
                | Self::TooMuchWork { .. }
                | Self::PlanOutOfWork { .. }
        )
    }
}

/// Whether a path carries traffic normally or only after a failure (the same type in plans and
/// requests).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PathRole {
    /// Every link on the path is primary.
    Primary,
    /// The path uses a secondary link or the DR region.
    Failover,
}

impl PathRole {
    /// `primary` or `failover`, as in JSON and in the requests.
    ///
    /// ```
    /// assert_eq!(mccs_path::PathRole::Failover.as_str(), "failover");
    /// assert_eq!(mccs_path::PathRole::Primary.to_string(), "primary");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Failover => "failover",
        }
    }
}

impl fmt::Display for PathRole {
    /// [`PathRole::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One node of a path, with the traffic as seen there. Read through its accessors: how a hop
/// shares what it holds with the other hops of a trace is the crate's business.
///
/// ```
/// let t = mccs_model::examples::reference();
/// let g = mccs_path::NetworkGraph::build(&t);
/// let flow = &g.directed_flows(&t.flows[0])?[0];
/// let trace = g.trace(flow, &mccs_path::TraceOptions::default());
/// let first = &trace.paths[0].hops[0];
/// assert_eq!(first.node(), "abc123-prod");
/// assert!(first.verdict().is_none()); // a network, not an enforcement point
/// assert!(trace.paths[0].hops.iter().any(|h| h.verdict().is_some()));
/// # Ok::<(), mccs_path::FlowError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Hop {
    /// The node's name.
    pub(crate) node: Label,
    /// The node's position in its graph: for the crate's own tables (a plan numbers the names
    /// of the nodes it meets by it). Takes no part in comparisons: two graphs of one network
    /// may number their nodes differently.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) index: Untracked<u32>,
    /// What it is (`VNet`, `cloud firewall`, `ExpressRoute (primary)`, ...).
    pub(crate) kind: Label,
    /// The source as seen here (shared between the hops that see the same).
    pub(crate) source: Arc<Addresses>,
    /// The destination as seen here (shared between the hops that see the same).
    pub(crate) destination: Arc<Addresses>,
    /// For a security group / NSG or network ACL: the list that judged (`inbound` on the way
    /// into the network, `outbound` on the way out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) list: Option<RuleList>,
    /// For an enforcement point: what it does with the traffic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verdict: Option<Arc<Verdict>>,
    /// For a stateless filter (network ACL): what its other list does with the return traffic
    /// (destination back to source, to the ephemeral ports). The hop passes only when both allow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) return_verdict: Option<Arc<Verdict>>,
    /// For an enforcement point: its position in `Topology::firewalls`.
    #[serde(skip)]
    pub(crate) firewall: Option<usize>,
    /// For an enforcement point: services the traffic needs that it does not allow.
    #[serde(skip)]
    pub(crate) missing: Option<Arc<Missing>>,
    /// For a stateless filter: return services its other list does not allow.
    #[serde(skip)]
    pub(crate) return_missing: Option<Arc<Missing>>,
}

/// A value that takes no part in comparisons (equal to every other), for what a public type
/// carries for the crate's own use only.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Untracked<T>(pub(crate) T);

impl<T> PartialEq for Untracked<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Untracked<T> {}

/// What a firewall does not allow of the traffic at a hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Missing {
    pub(crate) services: SvcSet,
    /// The first deny rule that matched part of the traffic, if any.
    pub(crate) before: Option<Name>,
}

impl Hop {
    /// The node's name (`abc123-prod`, `azure-cloud-firewall`, `zone-b`, ...).
    pub fn node(&self) -> &str {
        self.node.as_str()
    }

    /// What the node is (`VNet`, `cloud firewall`, `ExpressRoute (primary)`, ...).
    pub fn kind(&self) -> &str {
        self.kind.as_str()
    }

    /// The source as this node sees it (after any translation on the way).
    pub fn source(&self) -> &Addresses {
        &self.source
    }

    /// The destination as this node sees it.
    pub fn destination(&self) -> &Addresses {
        &self.destination
    }

    /// For a security group / NSG or network ACL: the list that judged (`inbound` on the way
    /// into the network, `outbound` on the way out).
    pub fn list(&self) -> Option<RuleList> {
        self.list
    }

    /// For an enforcement point: what it does with the traffic; `None` elsewhere.
    pub fn verdict(&self) -> Option<&Verdict> {
        self.verdict.as_deref()
    }

    /// For a stateless filter (network ACL): what its other list does with the return traffic.
    /// The hop passes only when both allow.
    pub fn return_verdict(&self) -> Option<&Verdict> {
        self.return_verdict.as_deref()
    }

    /// The firewall's position in `Topology::firewalls`, for enforcement points.
    pub fn firewall_index(&self) -> Option<usize> {
        self.firewall
    }

    /// Whether the hop lets the traffic through: no verdict (not an enforcement point), or an
    /// allowing verdict and, for a stateless filter, an allowing return verdict.
    pub fn is_allowed(&self) -> bool {
        [&self.verdict, &self.return_verdict]
            .into_iter()
            .all(|v| v.as_deref().is_none_or(Verdict::is_allowed))
    }
}

/// How a path ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "end", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PathEnd {
    /// The traffic reaches the destination's network.
    Delivered,
    /// No route onward (see the trace's diagnoses).
    NoRoute,
    /// The path loops (see the trace's diagnoses).
    Loop,
    /// The path is longer than the hop limit.
    HopLimit,
}

impl PathEnd {
    /// `delivered`, `no route`, `loop` or `too many hops`.
    ///
    /// ```
    /// assert_eq!(mccs_path::PathEnd::NoRoute.to_string(), "no route");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::NoRoute => "no route",
            Self::Loop => "loop",
            Self::HopLimit => "too many hops",
        }
    }
}

impl fmt::Display for PathEnd {
    /// [`PathEnd::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One path of a flow, hop by hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Path {
    /// Primary or failover.
    pub role: PathRole,
    /// The hops, source first.
    pub hops: Vec<Hop>,
    /// How it ends.
    pub end: PathEnd,
}

impl Path {
    /// Whether the path delivers and every firewall on it allows the whole traffic.
    pub fn is_allowed(&self) -> bool {
        self.end == PathEnd::Delivered && self.hops.iter().all(Hop::is_allowed)
    }
}

/// A flow in one direction, resolved to addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DirectedFlow {
    /// The flow's name: a document's flow's [`Name`] (its text shared, a copy counts a
    /// reference), or the text a caller of [`NetworkGraph::directed`] gave.
    #[schemars(with = "String")]
    pub name: Arc<str>,
    /// Who opens connections (the source), shared with the hops that see it as it is.
    #[schemars(with = "Addresses")]
    pub source: Arc<Addresses>,
    /// Who they are opened to, shared with the hops that see it as it is.
    #[schemars(with = "Addresses")]
    pub destination: Arc<Addresses>,
    /// Destination services.
    pub services: SvcSet,
    /// From the point of view of the Project Set environment the rule is for.
    pub direction: Direction,
    /// The Project Set environment rules are named for, if either end is one.
    pub owner: Option<EnvRef>,
    #[serde(skip)]
    pub(crate) start: Option<NodeIndex>,
}

/// Every path of a directed flow, and what stands in its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Trace {
    /// The flow traced.
    pub flow: DirectedFlow,
    /// Every path, primary first.
    pub paths: Vec<Path>,
    /// Problems found on the way.
    pub diagnoses: Vec<Diagnosis>,
}

impl Trace {
    /// Whether the flow survives failover: at least one path, and every path delivers with
    /// every firewall allowing it.
    pub fn is_allowed(&self) -> bool {
        !self.paths.is_empty()
            && self.paths.iter().all(Path::is_allowed)
            && !self.diagnoses.iter().any(Diagnosis::is_unjudged)
    }

    /// Whether something a firewall rule cannot fix stops the flow (no route, loop, unknown end),
    /// or the walk hit a limit and could not follow every path (never guessed as allowed).
    pub fn is_blocked(&self) -> bool {
        self.paths.is_empty()
            || self.paths.iter().any(|p| p.end != PathEnd::Delivered)
            || self.diagnoses.iter().any(Diagnosis::is_unjudged)
    }
}

/// A flow end resolved against the graph.
#[derive(Debug, Clone)]
struct End {
    addresses: Addresses,
    node: Option<NodeIndex>,
    env: Option<EnvRef>,
}

/// Keeps the address families both ends have: a dual-stack end facing an IPv4-only end is
/// narrowed to IPv4 (and likewise for IPv6). Ends with no family in common cannot be connected
/// by a rule.
fn narrow_families(flow: &str, s: &mut End, d: &mut End) -> Result<(), Vec<Diagnosis>> {
    let (ss, ds) = (&s.addresses.set, &d.addresses.set);
    let v4 = ss.has_v4() && ds.has_v4();
    let v6 = ss.has_v6() && ds.has_v6();
    let families = |a: &AddrSet| match (a.has_v4(), a.has_v6()) {
        (true, false) => "is IPv4 only",
        (false, true) => "is IPv6 only",
        _ => "has no address",
    };
    match (v4, v6) {
        (true, true) => Ok(()),
        (true, false) => {
            s.addresses.set = ss.v4_only();
            d.addresses.set = ds.v4_only();
            Ok(())
        }
        (false, true) => {
            s.addresses.set = ss.v6_only();
            d.addresses.set = ds.v6_only();
            Ok(())
        }
        (false, false) => Err(vec![Diagnosis::NoCommonFamily {
            flow: flow.into(),
            source_families: families(ss).into(),
            source_addresses: ss.to_string(),
            destination_families: families(ds).into(),
            destination_addresses: ds.to_string(),
        }]),
    }
}

impl NetworkGraph<'_> {
    /// Whether `end` is an end of the topology (`which` is `source` or `destination`, for the
    /// diagnosis).
    pub(crate) fn check_end(&self, end: &FlowEnd, which: &str) -> Result<(), Diagnosis> {
        self.resolve_end(end, which).map(|_| ())
    }

    fn resolve_end(&self, end: &FlowEnd, which: &str) -> Result<End, Diagnosis> {
        let t = self.topology;
        // The end as written, for a diagnosis only: made when one is.
        let unknown = || Diagnosis::UnknownEnd {
            end: which.into(),
            name: end.to_string(),
        };
        // Environments, endpoints and external networks are looked up in the graph's maps (a
        // large estate has thousands); their addresses are what their node holds.
        let owned = |n: NodeIndex| self.owned_sets.get(n.index()).cloned().unwrap_or_default();
        let (set, party, node) = match end {
            FlowEnd::Environment(r) => {
                let n = *self.env_nodes.get(r).ok_or_else(unknown)?;
                (owned(n), Party::Environment { env: r.clone() }, Some(n))
            }
            FlowEnd::Prefix(p) => (AddrSet::from_prefix(p.trunc()), Party::Prefix, None),
            FlowEnd::Named(n) => {
                let s = n.as_str();
                let node = self.end_nodes.get(s).copied();
                // The party holds the node's own name (the topology's, one for every flow
                // that names it), not the flow's copy of the text: keys made of parties then
                // compare by reference and hash one text that stays in the cache.
                match node.and_then(|i| self.node(i).map(|k| (i, k))) {
                    Some((i, Node::Endpoint { name, .. })) => {
                        (owned(i), Party::Endpoint { name: name.clone() }, Some(i))
                    }
                    Some((i, Node::External { name, .. })) => {
                        (owned(i), Party::External { name: name.clone() }, Some(i))
                    }
                    Some((i, Node::Zone { name, .. })) => {
                        (owned(i), Party::Zone { name: name.clone() }, Some(i))
                    }
                    _ => {
                        let o = t.object(s).ok_or_else(unknown)?;
                        (
                            self.resolver.object(s).cloned().unwrap_or_default(),
                            Party::Object {
                                name: o.name().clone(),
                                published_by: o.published_by().map(Arc::from),
                            },
                            None,
                        )
                    }
                }
            }
        };
        let node = match node {
            Some(n) => n,
            None => self.owner_of(&set, which, end)?,
        };
        let env = match self.node(node) {
            Some(Node::Network { env, .. }) => Some(env.clone()),
            _ => None,
        };
        Ok(End {
            addresses: Addresses { party, set },
            node: Some(node),
            env,
        })
    }

    /// The one node holding every address of `set` (longest match per prefix), the addresses
    /// of flow end `end` (named in a diagnosis).
    fn owner_of(&self, set: &AddrSet, which: &str, end: &FlowEnd) -> Result<NodeIndex, Diagnosis> {
        let mut owners: Vec<NodeIndex> = Vec::new();
        for p in set.to_prefixes() {
            match self.owners.longest(p).map(|(_, v)| v.first()) {
                Some(n) => {
                    if !owners.contains(&n) {
                        owners.push(n);
                    }
                }
                None => {
                    match self.secondary_holders(p).as_slice() {
                        [] => {}
                        [n] => {
                            if !owners.contains(n) {
                                owners.push(*n);
                            }
                            continue;
                        }
                        many => {
                            return Err(Diagnosis::Ambiguous {
                                end: which.into(),
                                name: end.to_string(),
                                owners: many
                                    .iter()
                                    .filter_map(|n| self.node(*n).map(ToString::to_string))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            });
                        }
                    }
                    // Not inside one network: if networks lie inside it, it spans them.
                    let inside: Vec<String> = self
                        .owners
                        .inside(p)
                        .flat_map(|(_, v)| {
                            v.iter()
                                .filter_map(|n| self.node(n).map(ToString::to_string))
                        })
                        .collect();
                    if !inside.is_empty() {
                        return Err(Diagnosis::Ambiguous {
                            end: which.into(),
                            name: end.to_string(),
                            owners: inside.join(", "),
                        });
                    }
                    return Err(Diagnosis::NotOwned {
                        end: which.into(),
                        name: end.to_string(),
                        addresses: set.to_string(),
                    });
                }
            }
        }
        match owners.as_slice() {
            [one] => Ok(*one),
            [] => Err(Diagnosis::NotOwned {
                end: which.into(),
                name: end.to_string(),
                addresses: set.to_string(),
            }),
            many => Err(Diagnosis::Ambiguous {
                end: which.into(),
                name: end.to_string(),
                owners: many
                    .iter()
                    .filter_map(|n| self.node(*n).map(ToString::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// The networks whose secondary (non-routable) ranges hold `p`. Secondary ranges repeat
    /// across Project Sets: when several networks have it, the address names none of them.
    fn secondary_holders(&self, p: IpNet) -> Vec<NodeIndex> {
        let part = AddrSet::from_prefix(p);
        self.secondary
            .iter()
            .filter(|(_, set)| set.covers(&part))
            .map(|(n, _)| *n)
            .collect()
    }

    /// A diagnosis when the destination lies in a secondary range of a network other than
    /// the one the flow starts in: nothing routes there.
    fn non_routable(&self, flow: &DirectedFlow) -> Option<Diagnosis> {
        let start = flow.start?;
        let dst = &flow.destination.set;
        let own = self
            .secondary
            .iter()
            .find(|(n, _)| *n == start)
            .map(|(_, set)| set);
        if own.is_some_and(|set| set.covers(dst)) {
            return None;
        }
        let (n, set) = self.secondary.iter().find(|(_, set)| set.overlaps(dst))?;
        Some(Diagnosis::NonRoutable {
            destination: flow.destination.to_string(),
            network: self.node(*n).map_or_else(String::new, ToString::to_string),
            range: set.to_string(),
        })
    }

    /// The directed flows of a flow: one per initiating side.
    ///
    /// # Errors
    ///
    /// A [`FlowError`] with a [`Diagnosis`] for each end that cannot be resolved, or for an
    /// initiator that fits neither end.
    pub fn directed_flows(&self, flow: &mccs_model::Flow) -> Result<Vec<DirectedFlow>, FlowError> {
        let services = crate::resolve_services(self, &flow.services);
        self.directed_owning(
            &Arc::from(&flow.name),
            &flow.source,
            &flow.destination,
            services,
            flow.initiator,
        )
    }

    /// Directed flows between two ends (as `mccs trace` takes them).
    ///
    /// # Errors
    ///
    /// A [`FlowError`] with a [`Diagnosis`] for each end that cannot be resolved, or for an
    /// initiator that fits neither end.
    pub fn directed(
        &self,
        name: &str,
        source: &FlowEnd,
        destination: &FlowEnd,
        services: &SvcSet,
        initiator: Initiator,
    ) -> Result<Vec<DirectedFlow>, FlowError> {
        self.directed_owning(
            &Arc::from(name),
            source,
            destination,
            services.clone(),
            initiator,
        )
    }

    /// [`NetworkGraph::directed`], given its own copy of the services: the ends' addresses
    /// move into one allocation each, which both directions share, and the services into the
    /// last directed flow.
    fn directed_owning(
        &self,
        flow_name: &Arc<str>,
        source: &FlowEnd,
        destination: &FlowEnd,
        services: SvcSet,
        initiator: Initiator,
    ) -> Result<Vec<DirectedFlow>, FlowError> {
        let s = self.resolve_end(source, "source");
        let d = self.resolve_end(destination, "destination");
        let name = &**flow_name;
        let (mut s, mut d) = match (s, d) {
            (Ok(s), Ok(d)) => (s, d),
            (s, d) => {
                let found = s.err().into_iter().chain(d.err()).collect();
                return Err(FlowError::new(name, found));
            }
        };
        narrow_families(name, &mut s, &mut d).map_err(|found| FlowError::new(name, found))?;
        let side = |e: &End, cloud: bool| {
            e.node.and_then(|n| self.node(n)).is_some_and(|n| {
                if cloud {
                    n.is_cloud_side()
                } else {
                    n.is_on_prem()
                }
            })
        };
        // The source opens the connection; `cloud` / `on-prem` only state where it is. The ends
        // are never swapped: a source on the other side is reported, not guessed at.
        let both = match initiator {
            Initiator::Source => false,
            Initiator::Both => true,
            Initiator::Cloud | Initiator::OnPrem => {
                let cloud = initiator == Initiator::Cloud;
                if !side(&s, cloud) {
                    return Err(FlowError::new(
                        name,
                        vec![Diagnosis::Initiator {
                            flow: name.into(),
                            why: format!(
                                "`initiator: {}` says the source opens the connection from {}, but the source `{source}` is not there; the source always opens the connection: swap `source` and `destination`, or use `initiator: both`",
                                initiator.as_str(),
                                if cloud { "the cloud" } else { "on-prem" },
                            ),
                        }],
                    ));
                }
                false
            }
        };
        let owner = s.env.clone().or_else(|| d.env.clone());
        let direction = |from: &End| {
            if from.env.is_some() && from.env == owner {
                Direction::Outbound
            } else {
                Direction::Inbound
            }
        };
        let (forward, backward) = (direction(&s), direction(&d));
        // One allocation per end, shared by both directions.
        let (s_set, d_set) = (Arc::new(s.addresses), Arc::new(d.addresses));
        let flow =
            |source: &Arc<Addresses>, destination: &Arc<Addresses>, services, direction, start| {
                DirectedFlow {
                    name: flow_name.clone(),
                    source: Arc::clone(source),
                    destination: Arc::clone(destination),
                    services,
                    direction,
                    owner: owner.clone(),
                    start,
                }
            };
        let (s_node, d_node) = (s.node, d.node);
        Ok(if both {
            vec![
                flow(&s_set, &d_set, services.clone(), forward, s_node),
                flow(&d_set, &s_set, services, backward, d_node),
            ]
        } else {
            vec![flow(&s_set, &d_set, services, forward, s_node)]
        })
    }

    /// Every path of a directed flow, with each hop's addresses and each firewall's verdict.
    ///
    /// ```
    /// use mccs_model::{examples, Initiator};
    /// use mccs_path::{NetworkGraph, SvcSet, TraceOptions};
    /// let t = examples::reference();
    /// let g = NetworkGraph::build(&t);
    /// let flows = g.directed("demo", &"def456-prod".parse()?, &"hlth-claims-api".parse()?,
    ///     &SvcSet::from_services(&["tcp/443".parse()?]), Initiator::Cloud).unwrap();
    /// let trace = g.trace(&flows[0], &TraceOptions::default());
    /// assert_eq!(trace.paths.len(), 2); // DirectConnect primary and secondary
    /// assert!(trace.is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trace(&self, flow: &DirectedFlow, options: &TraceOptions) -> Trace {
        self.trace_metered(Cow::Borrowed(flow), options, None).0
    }

    /// [`NetworkGraph::trace`] within what is left of a plan's work budget (`plan`: the
    /// budget's size and what is left of it), and the work it took. A flow handed over
    /// (`Cow::Owned`, as planning does) moves into the trace; a borrowed one is copied.
    pub(crate) fn trace_metered(
        &self,
        flow: Cow<'_, DirectedFlow>,
        options: &TraceOptions,
        plan: Option<(u64, u64)>,
    ) -> (Trace, u64) {
        // The flow's own limit, unless what is left of the plan's budget is less.
        let (work_limit, out_of_work) = match plan {
            Some((limit, left)) if left < options.max_work => {
                (left, Diagnosis::PlanOutOfWork { limit })
            }
            _ => (
                options.max_work,
                Diagnosis::TooMuchWork {
                    limit: options.max_work,
                },
            ),
        };
        let mut scratch = SCRATCH.with(Cell::take);
        let mut w = Walk {
            g: self,
            t: self.topology,
            options,
            svc: &flow.services,
            paths: Vec::new(),
            diagnoses: Vec::new(),
            memo: std::mem::take(&mut scratch.memo),
            hops: std::mem::take(&mut scratch.hops),
            visited: std::mem::take(&mut scratch.visited),
            scratch,
            flow_missing: None,
            routed: RoutedList::default(),
            rec: None,
            steps: 0,
            work: 0,
            work_limit,
            out_of_work,
            stopped: false,
        };
        if let Some(d) = self.non_routable(&flow) {
            w.diagnoses.push(d);
        } else if let Some(start) = flow.start {
            let source = &flow.source;
            let whole = flow.destination.set.prefixes().nth(1).is_none();
            for dst in flow.destination.set.prefixes() {
                let one = whole && mccs_model::canonical_net(dst) == dst;
                // A destination of one prefix may take the skeleton of its walk (`skeleton`);
                // the walk is the reference, taken whenever the skeleton does not apply.
                let fast = if one {
                    w.fast(start, source, &flow.destination, dst)
                } else {
                    skeleton::Fast::Walk
                };
                if let skeleton::Fast::Done = fast {
                    continue;
                }
                // A destination of one prefix is that prefix's set already (unless it is an
                // IPv4-mapped IPv6 prefix, whose set is the IPv4 one).
                let destination = if one {
                    Arc::clone(&flow.destination)
                } else {
                    Arc::new(Addresses {
                        party: flow.destination.party.clone(),
                        set: AddrSet::from_prefix(dst),
                    })
                };
                let at = At {
                    src: source,
                    destination: &destination,
                    dst,
                    failover: false,
                };
                w.reset();
                if let skeleton::Fast::Record(key) = fast {
                    w.rec = Some(skeleton::Recorder::new(start, source, &destination));
                    w.enter(start, at);
                    w.keep_skeleton(key, start, &destination);
                } else {
                    w.enter(start, at);
                }
            }
        }
        // Primary paths first; otherwise the order the walk found them (deterministic).
        w.paths.sort_by_key(|p| p.role);
        let mut scratch = std::mem::take(&mut w.scratch);
        w.memo.clear();
        w.hops.clear();
        w.visited.clear();
        scratch.memo = keep(std::mem::take(&mut w.memo));
        scratch.hops = keep(std::mem::take(&mut w.hops));
        scratch.visited = keep(std::mem::take(&mut w.visited));
        scratch.candidates = keep(scratch.candidates);
        SCRATCH.with(|c| c.set(scratch));
        let mut diagnoses = w.diagnoses;
        let mut seen = Vec::new();
        diagnoses.retain(|d| {
            let keep = !seen.contains(d);
            seen.push(d.clone());
            keep
        });
        // The walk borrows the flow; what the trace keeps of it is taken before the flow moves.
        let (paths, work) = (w.paths, w.work);
        let trace = Trace {
            flow: flow.into_owned(),
            paths,
            diagnoses,
        };
        (trace, work)
    }
}

/// The working space of a walk, kept between the traces of a thread: a trace allocates what
/// it returns, not its stacks and tables. Every list is empty between traces.
#[derive(Default)]
struct Scratch {
    memo: Vec<Evaluated>,
    hops: Vec<Frame>,
    visited: Vec<NodeIndex>,
    candidates: Vec<u32>,
}

/// The most entries a [`Scratch`] list keeps between traces: an ordinary trace needs a few
/// dozen; a list grown past this by an unusual one (thousands of candidate rules, say) is
/// freed rather than held by the thread.
const SCRATCH_KEEP: usize = 4096;

/// `v` if it is small enough to keep between traces, else an empty list.
fn keep<T>(v: Vec<T>) -> Vec<T> {
    if v.capacity() > SCRATCH_KEEP {
        Vec::new()
    } else {
        v
    }
}

thread_local! {
    /// This thread's [`Scratch`]; a trace takes it (a nested one would find it empty) and puts
    /// it back.
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

struct Walk<'a> {
    g: &'a NetworkGraph<'a>,
    t: &'a Topology,
    options: &'a TraceOptions,
    svc: &'a SvcSet,
    paths: Vec<Path>,
    diagnoses: Vec<Diagnosis>,
    memo: Vec<Evaluated>,
    /// The hops of the path being walked (a stack of frames).
    hops: Vec<Frame>,
    /// The nodes of the path being walked, to detect loops.
    visited: Vec<NodeIndex>,
    /// Nodes entered so far, against `TraceOptions::max_steps`.
    steps: usize,
    /// Work done so far (comparisons, and [`STEP_WORK`] per node entered), against
    /// `work_limit`.
    work: u64,
    work_limit: u64,
    /// What to report when the work runs out: the flow's own limit, or the plan's.
    out_of_work: Diagnosis,
    /// Set when a limit was hit: the walk unwinds without exploring further.
    stopped: bool,
    /// Buffers reused between traces (the candidate rules of an evaluation).
    scratch: Scratch,
    /// What a firewall whose rules match none of the flow does not allow, once worked out.
    flow_missing: Option<Option<Arc<Missing>>>,
    /// The routing decisions made so far: (node, destination prefix, decision).
    routed: RoutedList<'a>,
    /// When the walk is recorded as a skeleton: what the recording needs.
    rec: Option<skeleton::Recorder>,
}

/// A routing decision made: (node, destination prefix, decision).
type Decision<'a> = (NodeIndex, IpNet, Routed<'a>);

/// How many routing decisions a trace keeps without allocating: a path of the large estate
/// makes about a dozen.
const ROUTED_INLINE: usize = 16;

/// The routing decisions of one trace: the first [`ROUTED_INLINE`] inline (a trace allocates
/// nothing for them), any more in a list.
struct RoutedList<'a> {
    inline: [Option<Decision<'a>>; ROUTED_INLINE],
    /// How many of `inline` are taken (the first ones).
    len: usize,
    more: Vec<Decision<'a>>,
}

impl Default for RoutedList<'_> {
    fn default() -> Self {
        Self {
            inline: [None; ROUTED_INLINE],
            len: 0,
            more: Vec::new(),
        }
    }
}

impl<'a> RoutedList<'a> {
    /// The decision made for `dst` at `node`, if any.
    fn find(&self, node: NodeIndex, dst: IpNet) -> Option<Routed<'a>> {
        let hit = |e: &Decision<'a>| (e.0 == node && e.1 == dst).then_some(e.2);
        let taken = self.inline.get(..self.len).unwrap_or_default();
        taken
            .iter()
            .flatten()
            .find_map(hit)
            .or_else(|| self.more.iter().find_map(hit))
    }

    fn push(&mut self, d: Decision<'a>) {
        match self.inline.get_mut(self.len) {
            Some(free) => {
                *free = Some(d);
                self.len += 1;
            }
            None => self.more.push(d),
        }
    }
}

/// What a node does with a destination: delivers it, or sends it along these routes.
#[derive(Clone, Copy)]
enum Routed<'a> {
    Delivered,
    Next(&'a Values<RouteTo>),
}

/// What a node does with a destination prefix, as the walk decides it (before the walk
/// remembers the decision for the other paths of the trace).
enum Choice<'a> {
    /// The node has no routing table: the path stops without an end.
    Stop,
    /// The node holds the destination.
    Delivered,
    /// More specific routes lie inside the destination: these prefixes (each longer than the
    /// decision's own) split it.
    Split(Vec<IpNet>),
    /// Nothing routes the destination.
    NoRoute,
    /// The routes to follow.
    Next(&'a Values<RouteTo>),
}

/// The routing decision of `node` for `dst`: a pure function of the graph, the node and the
/// destination prefix (the walk's and the skeletons' one definition of it).
fn choose<'a>(g: &'a NetworkGraph<'a>, node: NodeIndex, dst: IpNet) -> Choice<'a> {
    let owned = g.owned.get(node.index()).and_then(|o| {
        o.iter()
            .filter(|p| p.contains(&dst))
            .map(IpNet::prefix_len)
            .max()
    });
    let Some(table) = g.routes.get(node.index()) else {
        return Choice::Stop;
    };
    // A node that holds the destination with a prefix at least as long as any route it has
    // delivers it without a lookup (a VPC for its own addresses, an endpoint for itself).
    if owned.is_some_and(|o| o >= table.max_len(dst)) {
        return Choice::Delivered;
    }
    let route = table.longest_len(dst);
    let best = route.map(|(len, _)| len);
    if owned.is_some() && owned >= best {
        return Choice::Delivered;
    }
    // A more specific route inside the destination: split it and follow each part (none
    // lies inside a destination at least as long as every route).
    let floor = owned.max(best).unwrap_or(0);
    if dst.prefix_len() < table.max_len(dst) {
        let inner: Vec<IpNet> = table
            .inside(dst)
            .map(|(p, _)| p)
            .filter(|p| p.prefix_len() > floor)
            .collect();
        if !inner.is_empty() {
            return Choice::Split(inner);
        }
    }
    match route {
        Some((_, edges)) => Choice::Next(edges),
        None => Choice::NoRoute,
    }
}

/// Where the walk stands: the traffic as the next node sees it.
#[derive(Clone, Copy)]
struct At<'p> {
    src: &'p Arc<Addresses>,
    destination: &'p Arc<Addresses>,
    dst: IpNet,
    failover: bool,
}

/// What one enforcement point did with the traffic it saw (for a network ACL: the part of it
/// in its subnets).
struct Judged {
    source: Arc<Addresses>,
    destination: Arc<Addresses>,
    verdict: Arc<Verdict>,
    missing: Option<Arc<Missing>>,
    return_verdict: Option<Arc<Verdict>>,
    return_missing: Option<Arc<Missing>>,
}

/// A node's judgement of the traffic it saw (`None`: not its traffic), kept for the other
/// paths of the same trace.
type Evaluated = (NodeIndex, Arc<Addresses>, Arc<Addresses>, Option<Judged>);

/// One node of the path being walked, as the walk's stack keeps it: what its hop needs,
/// without the hop's copies of labels and verdicts (written only into the paths that finish).
struct Frame {
    node: NodeIndex,
    /// For a security group / NSG or network ACL: the list that judged.
    list: Option<RuleList>,
    /// The traffic as it arrived (the hop's, unless judged: a judgement has its own view).
    source: Arc<Addresses>,
    destination: Arc<Addresses>,
    /// When judged: the walk's memo entry that holds the judgement, and the firewall's
    /// position in `Topology::firewalls`.
    judged: Option<(usize, usize)>,
}

/// The services of return traffic: TCP and UDP back to the ephemeral ports, other protocols
/// as they are.
fn return_services(svc: &SvcSet, ephemeral: mccs_model::PortRange) -> SvcSet {
    if svc.has_other_protocols() {
        return SvcSet::any();
    }
    let mut back = Vec::new();
    let all = svc.to_services();
    if all.iter().any(|s| matches!(s, Service::Tcp(_))) {
        back.push(Service::Tcp(ephemeral));
    }
    if all.iter().any(|s| matches!(s, Service::Udp(_))) {
        back.push(Service::Udp(ephemeral));
    }
    if all.contains(&Service::Icmp) {
        back.push(Service::Icmp);
    }
    SvcSet::from_services(&back)
}

impl<'a> Walk<'a> {
    /// Stops the walk with a limit diagnosis (once).
    fn stop(&mut self, d: Diagnosis) {
        if !self.diagnoses.contains(&d) {
            self.diagnoses.push(d);
        }
        self.stopped = true;
    }

    fn finish(&mut self, failover: bool, end: PathEnd) {
        if self.paths.len() >= self.options.max_paths {
            self.stop(Diagnosis::TooManyPaths {
                limit: self.options.max_paths,
            });
            return;
        }
        if let Some(r) = &mut self.rec {
            r.path(failover, &end, &self.hops);
        }
        self.paths.push(Path {
            role: if failover {
                PathRole::Failover
            } else {
                PathRole::Primary
            },
            hops: self.path_hops(),
            end,
        });
    }

    /// The hops of the path being walked, as a path reports them.
    fn path_hops(&self) -> Vec<Hop> {
        // One exact-size pass: each hop is written straight into the list.
        self.hops.iter().map(|f| self.hop(f)).collect()
    }

    /// The hop a frame of the walk's stack stands for (`enter` pushes a frame only for a node
    /// with labels, and a judged frame's memo entry holds its judgement). Inlined, so the hop is
    /// written where the list keeps it rather than copied there.
    #[inline(always)]
    fn hop(&self, f: &Frame) -> Hop {
        self.hop_of(f.node, f.list, &f.source, &f.destination, f.judged)
    }

    /// [`Walk::hop`] of a frame's parts (a skeleton's frames are not the walk's).
    #[inline(always)]
    fn hop_of(
        &self,
        node: NodeIndex,
        list: Option<RuleList>,
        source: &Arc<Addresses>,
        destination: &Arc<Addresses>,
        judged: Option<(usize, usize)>,
    ) -> Hop {
        let (name, kind) = self
            .g
            .labels
            .get(node.index())
            .map_or((&Label::EMPTY, &Label::EMPTY), |(n, k)| (n, k));
        let judged = judged.and_then(|(m, fw)| Some((self.memo.get(m)?.3.as_ref()?, fw)));
        Hop {
            node: name.clone(),
            // Graphs are petgraph's, whose node indexes are 32-bit.
            index: Untracked(u32::try_from(node.index()).unwrap_or(u32::MAX)),
            kind: kind.clone(),
            source: Arc::clone(judged.map_or(source, |(j, _)| &j.source)),
            destination: Arc::clone(judged.map_or(destination, |(j, _)| &j.destination)),
            list,
            verdict: judged.map(|(j, _)| Arc::clone(&j.verdict)),
            return_verdict: judged.and_then(|(j, _)| j.return_verdict.clone()),
            firewall: judged.map(|(_, fw)| fw),
            missing: judged.and_then(|(j, _)| j.missing.clone()),
            return_missing: judged.and_then(|(j, _)| j.return_missing.clone()),
        }
    }

    /// The name of the node of a frame (for diagnoses).
    fn frame_name(&self, f: &Frame) -> String {
        self.g
            .labels
            .get(f.node.index())
            .map_or_else(String::new, |(name, _)| name.to_string())
    }

    fn enter(&mut self, node: NodeIndex, at: At<'_>) {
        if self.stopped {
            return;
        }
        self.steps += 1;
        if self.steps > self.options.max_steps {
            self.stop(Diagnosis::TooManySteps {
                limit: self.options.max_steps,
            });
            return;
        }
        self.work = self.work.saturating_add(STEP_WORK);
        if self.work > self.work_limit {
            self.stop(self.out_of_work.clone());
            return;
        }
        let At {
            src, destination, ..
        } = at;
        let Some(n) = self.g.node(node) else { return };
        if self.g.labels.get(node.index()).is_none() {
            return;
        }
        // The stack keeps a small frame; the hop is written only into the paths that finish.
        let (mut list, mut judged) = (None, None);
        if let Node::Firewall { index, list: l, .. } = n {
            list = *l;
            if let Some(r) = &mut self.rec
                && self.g.scope.get(node.index()).is_some_and(Option::is_some)
            {
                // What a network ACL judges depends on the flow's addresses.
                r.clean = false;
            }
            match self.judge(node, *index, *l, src, destination) {
                Some(memo) => judged = Some((memo, *index)),
                // A network ACL whose subnets the traffic does not touch is not on its path.
                None if self.g.scope.get(node.index()).is_some_and(Option::is_some) => {
                    self.visited.push(node);
                    self.forward(node, at);
                    self.visited.pop();
                    return;
                }
                None => {}
            }
        }
        self.hops.push(Frame {
            node,
            list,
            source: Arc::clone(src),
            destination: Arc::clone(destination),
            judged,
        });
        self.visited.push(node);
        self.forward(node, at);
        self.visited.pop();
        self.hops.pop();
    }

    /// The judgement of a node (one list of firewall `index`) on the traffic as it sees it.
    /// Primary and failover paths usually meet the same node with the same addresses: each is
    /// judged once per trace. A network ACL judges the part of the traffic in its subnets (the
    /// destination on the way in, the source on the way out), both ways: the forward traffic
    /// with this list, the return traffic with the other; `None` when none of it is its.
    fn judge(
        &mut self,
        node: NodeIndex,
        index: usize,
        list: Option<RuleList>,
        src: &Arc<Addresses>,
        destination: &Arc<Addresses>,
    ) -> Option<usize> {
        let known = self.memo.iter().position(|(n, s, d, _)| {
            *n == node && Arc::ptr_eq(s, src) && Arc::ptr_eq(d, destination)
        });
        if let Some(i) = known {
            return self.memo.get(i)?.3.as_ref().map(|_| i);
        }
        if let Some(r) = &mut self.rec {
            r.judges.push((self.steps, None));
        }
        let judged = self.judge_new(node, index, list, src, destination, None);
        let found = judged.is_some();
        self.memo
            .push((node, Arc::clone(src), Arc::clone(destination), judged));
        found.then(|| self.memo.len() - 1)
    }

    /// `buckets`: when known, the buckets of the destination's one prefix in the list's rules
    /// (a skeleton's), for the forward evaluation.
    fn judge_new(
        &mut self,
        node: NodeIndex,
        index: usize,
        list: Option<RuleList>,
        src: &Arc<Addresses>,
        destination: &Arc<Addresses>,
        buckets: Option<&[u32]>,
    ) -> Option<Judged> {
        let (rb, fw) = (self.g.rulebase(index, list)?, self.t.firewalls.get(index)?);
        let (source, destination) = match self.g.scope.get(node.index()).and_then(Option::as_ref) {
            None => (Arc::clone(src), Arc::clone(destination)),
            Some(subnets) => {
                let narrow = |a: &Arc<Addresses>| {
                    let set = a.set.intersection(subnets);
                    if set == a.set {
                        Arc::clone(a)
                    } else {
                        Arc::new(Addresses {
                            party: a.party.clone(),
                            set,
                        })
                    }
                };
                match list {
                    Some(RuleList::Outbound) => (narrow(src), Arc::clone(destination)),
                    _ => (Arc::clone(src), narrow(destination)),
                }
            }
        };
        if source.set.is_empty() || destination.set.is_empty() {
            return None;
        }
        let (verdict, missing) =
            self.evaluate(rb, &source.set, &destination.set, None, &fw.name, buckets);
        let (mut return_verdict, mut return_missing) = (None, None);
        if fw.kind.is_stateless()
            && let Some(back) = self
                .g
                .rulebase(index, Some(list.unwrap_or(RuleList::Inbound).other()))
        {
            let svc = return_services(self.svc, fw.ephemeral());
            let (v, m) = self.evaluate(
                back,
                &destination.set,
                &source.set,
                Some(&svc),
                &fw.name,
                None,
            );
            return_verdict = Some(v);
            return_missing = m;
        }
        Some(Judged {
            source,
            destination,
            verdict,
            missing,
            return_verdict,
            return_missing,
        })
    }

    /// One list's verdict on traffic from `src` to `dst` with the services `svc` (the flow's
    /// when `None`), and what it does not allow. `buckets`: `dst`'s buckets in `rb`, if known.
    fn evaluate(
        &mut self,
        rb: &CompiledRulebase,
        src: &AddrSet,
        dst: &AddrSet,
        svc: Option<&SvcSet>,
        firewall: &Name,
        buckets: Option<&[u32]>,
    ) -> (Arc<Verdict>, Option<Arc<Missing>>) {
        let mut candidates = std::mem::take(&mut self.scratch.candidates);
        match (buckets, &mut self.rec) {
            (Some(b), _) => rb.candidates_in(src, b, &mut candidates),
            // A recording walk keeps the forward search's buckets for the skeleton.
            (None, Some(r)) if svc.is_none() && dst.single_prefix().is_some() => {
                let b = dst
                    .single_prefix()
                    .map(|d| rb.dst_buckets(d).into_boxed_slice())
                    .unwrap_or_default();
                rb.candidates_in(src, &b, &mut candidates);
                if let Some(last) = r.judges.last_mut() {
                    last.1 = Some(b);
                }
            }
            _ => rb.candidates_into(src, dst, &mut candidates),
        }
        if candidates.is_empty() {
            self.scratch.candidates = candidates;
            // No rule can match: what evaluating no rule finds, without the work of it (nothing
            // matched, every part to the implicit deny, no comparison made).
            let missing = match svc {
                None => self.flow_missing(),
                Some(svc) => unmatched_missing(svc).map(Arc::new),
            };
            return (Arc::clone(&self.g.no_matching_rule), missing);
        }
        let flow = FlowBox {
            src: src.clone(),
            dst: dst.clone(),
            svc: svc.unwrap_or(self.svc).clone(),
        };
        let left = self.work_limit.saturating_sub(self.work);
        let ev = rb.evaluate_candidates(flow, &candidates, self.options.max_parts, left);
        self.scratch.candidates = candidates;
        self.work = self.work.saturating_add(ev.checks);
        if ev.exceeded == Some(Exceeded::Work) {
            // Not judged; the walk stops here, as at every limit of the work.
            self.stop(self.out_of_work.clone());
            return (Arc::new(ev.verdict(rb)), None);
        }
        if ev.exceeded.is_some() {
            // Not judged: the flow is blocked with this reason, and nothing is requested.
            let d = Diagnosis::TooManyParts {
                firewall: firewall.to_string(),
                limit: self.options.max_parts,
            };
            if !self.diagnoses.contains(&d) {
                self.diagnoses.push(d);
            }
            return (Arc::new(ev.verdict(rb)), None);
        }
        self.expired(&ev, rb, firewall);
        let mut unjudged = false;
        for (_, n) in &ev.matched {
            let Some(rule) = rb.rules.get(*n as usize) else {
                continue;
            };
            let Some(what) = &rule.unknown else { continue };
            unjudged = true;
            let d = Diagnosis::UnknownRule {
                firewall: firewall.to_string(),
                rule: rule.name.clone(),
                action: rule.action.as_str().to_owned(),
                what: what.clone(),
            };
            if !self.diagnoses.contains(&d) {
                self.diagnoses.push(d);
            }
        }
        if unjudged {
            // Not judged: nothing is requested for a verdict mccs cannot know.
            return (Arc::new(ev.verdict(rb)), None);
        }
        (Arc::new(ev.verdict(rb)), missing(&ev, rb).map(Arc::new))
    }

    /// [`unmatched_missing`] of the flow's services, worked out once per trace and shared.
    fn flow_missing(&mut self) -> Option<Arc<Missing>> {
        let svc = self.svc;
        self.flow_missing
            .get_or_insert_with(|| unmatched_missing(svc).map(Arc::new))
            .clone()
    }

    fn expired(&mut self, ev: &Evaluation, rb: &CompiledRulebase, firewall: &Name) {
        let Some(today) = self.options.today else {
            return;
        };
        for (_, n) in &ev.matched {
            let Some(rule) = rb.rules.get(*n as usize) else {
                continue;
            };
            if rule.action == Action::Allow && rule.expires.is_some_and(|e| e < today) {
                let d = Diagnosis::ExpiredRule {
                    firewall: firewall.to_string(),
                    rule: rb.name(*n).to_owned(),
                    expires: rule.expires.map_or_else(String::new, |e| e.to_string()),
                };
                if !self.diagnoses.contains(&d) {
                    self.diagnoses.push(d);
                }
            }
        }
    }

    fn forward(&mut self, node: NodeIndex, at: At<'_>) {
        let At {
            destination,
            dst,
            failover,
            ..
        } = at;
        if self.stopped {
            return;
        }
        if self.hops.len() >= self.options.max_hops {
            self.finish(failover, PathEnd::HopLimit);
            let at = self
                .hops
                .last()
                .map_or_else(String::new, |f| self.frame_name(f));
            self.stop(Diagnosis::TooManyHops {
                limit: self.options.max_hops,
                at,
            });
            return;
        }
        if let Some(r) = &mut self.rec {
            r.max_depth = r.max_depth.max(self.hops.len());
        }
        let g = self.g;
        // Primary and failover paths meet the same nodes with the same destination: each
        // decision is made once per trace.
        let known = self.routed.find(node, dst);
        match known {
            Some(Routed::Delivered) => {
                self.finish(failover, PathEnd::Delivered);
                return;
            }
            Some(Routed::Next(edges)) => {
                self.follow(edges, at);
                return;
            }
            None => {}
        }
        let edges = match choose(g, node, dst) {
            Choice::Stop => return,
            Choice::Delivered => {
                self.routed.push((node, dst, Routed::Delivered));
                self.finish(failover, PathEnd::Delivered);
                return;
            }
            Choice::Split(inner) => {
                if let Some(r) = &mut self.rec {
                    r.clean = false;
                }
                let whole = AddrSet::from_prefix(dst);
                let inner_set = AddrSet::from_prefixes(inner.iter().copied());
                let mut parts = whole.intersection(&inner_set).to_prefixes();
                parts.extend(whole.difference(&inner_set).to_prefixes());
                for part in parts {
                    let piece = Arc::new(Addresses {
                        party: destination.party.clone(),
                        set: AddrSet::from_prefix(part),
                    });
                    self.forward(
                        node,
                        At {
                            destination: &piece,
                            dst: part,
                            ..at
                        },
                    );
                }
                return;
            }
            Choice::NoRoute => {
                self.diagnoses.push(Diagnosis::NoRoute {
                    at: self
                        .hops
                        .last()
                        .map_or_else(String::new, |f| self.frame_name(f)),
                    destination: dst.to_string(),
                });
                self.finish(failover, PathEnd::NoRoute);
                return;
            }
            Choice::Next(edges) => edges,
        };
        self.routed.push((node, dst, Routed::Next(edges)));
        self.follow(edges, at);
    }

    /// Enters each target of the routes `edges` (one routing decision), translating the
    /// source where a route says so.
    fn follow(&mut self, edges: &'a Values<RouteTo>, at: At<'_>) {
        let At { src, failover, .. } = at;
        let g = self.g;
        // Routes are stored in edge order, so the walk is deterministic.
        for route in edges.iter() {
            let next = route.target;
            if let Some(r) = &mut self.rec {
                r.targets.push(next);
            }
            if self.visited.contains(&next) {
                let mut names: Vec<String> = self.hops.iter().map(|f| self.frame_name(f)).collect();
                if let Some(n) = self.g.node(next) {
                    names.push(n.to_string());
                }
                self.diagnoses.push(Diagnosis::Loop {
                    path: names.join(" -> "),
                });
                self.finish(failover, PathEnd::Loop);
                continue;
            }
            let translation = if route.translates {
                g.graph
                    .edge_weight(route.edge)
                    .and_then(|e| e.translate.as_ref())
            } else {
                None
            };
            if let (Some(r), Some(tr)) = (&mut self.rec, translation)
                && tr.only_from.is_some()
            {
                // A private NAT translates some sources only: the flow's.
                r.clean = false;
            }
            let next_src = match translation {
                Some(tr) => translate(src, tr),
                None => Arc::clone(src),
            };
            self.enter(
                next,
                At {
                    src: &next_src,
                    failover: failover || route.failover,
                    ..at
                },
            );
        }
    }
}

/// The source after a translation: all of it, or (a private NAT) the part in its ranges.
fn translate(src: &Arc<Addresses>, tr: &crate::graph::Translation) -> Arc<Addresses> {
    let Some(from) = &tr.only_from else {
        return Arc::new(Addresses {
            party: tr.party.clone(),
            set: tr.source.clone(),
        });
    };
    if !from.overlaps(&src.set) {
        return Arc::clone(src);
    }
    let kept = src.set.difference(from);
    Arc::new(Addresses {
        party: if kept.is_empty() {
            tr.party.clone()
        } else {
            src.party.clone()
        },
        set: kept.union(&tr.source),
    })
}

/// What a firewall whose rules match none of the traffic (services `svc`) does not allow:
/// [`missing`] of an evaluation that left the whole flow unmatched.
fn unmatched_missing(svc: &SvcSet) -> Option<Missing> {
    let mut services = SvcSet::default().union(svc);
    if services.is_empty() {
        return None;
    }
    if services.has_other_protocols() {
        services = SvcSet::any();
    }
    Some(Missing {
        services,
        before: None,
    })
}

fn missing(ev: &Evaluation, rb: &CompiledRulebase) -> Option<Missing> {
    let mut services = SvcSet::default();
    let mut first_deny: Option<u32> = None;
    for b in &ev.unmatched {
        services = services.union(&b.svc);
    }
    for (b, n) in &ev.matched {
        let Some(rule) = rb.rules.get(*n as usize) else {
            continue;
        };
        if rule.action == Action::Deny {
            services = services.union(&b.svc);
            // A platform default rule is not in the document: nothing goes above it.
            if !rule.default {
                first_deny = Some(first_deny.map_or(*n, |f| f.min(*n)));
            }
        }
    }
    if services.is_empty() {
        return None;
    }
    // Protocols other than TCP, UDP and ICMP can only be written as `any` in a rule.
    if services.has_other_protocols() {
        services = SvcSet::any();
    }
    Some(Missing {
        services,
        before: first_deny.and_then(|n| rb.name(n).parse::<Name>().ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk's short cut for a list with no candidate rule must answer what evaluating no
    /// rule answers: no work, the implicit deny, and every service of the flow missing.
    #[test]
    fn no_candidate_rule_answers_what_evaluating_no_rule_does() {
        let rb = CompiledRulebase::default();
        let svc = |s: &[&str]| {
            SvcSet::from_services(&s.iter().map(|v| v.parse().unwrap()).collect::<Vec<_>>())
        };
        for services in [
            svc(&["tcp/443"]),
            svc(&["udp/53", "icmp", "tcp/1000-2000"]),
            SvcSet::any(),
            SvcSet::default(),
        ] {
            let flow = FlowBox {
                src: AddrSet::any(),
                dst: AddrSet::from_prefix("10.0.0.0/24".parse().unwrap()),
                svc: services.clone(),
            };
            let ev = rb.evaluate_candidates(flow, &[], crate::MAX_BOXES, 0);
            assert_eq!(ev.checks, 0);
            assert!(ev.exceeded.is_none());
            assert_eq!(ev.verdict(&rb), Verdict::NoMatchingRule);
            assert_eq!(missing(&ev, &rb), unmatched_missing(&services));
        }
    }
}
