//! Planning: for each flow, each path and each enforcement point, the rule that already allows
//! it or the rule to request; and applying a plan to a topology.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::Arc;

use mccs_model::{
    Action, AddressRef, Date, EnvRef, Firewall, FirewallKind, Flow, LicensePlate, Name, ProjectSet,
    Rule, RuleList, Service, ServiceRef, Topology,
};
use mccs_naming::{Convention, Direction, RuleStem};
use serde::Serialize;

use crate::eval::Verdict;
use crate::graph::NetworkGraph;
use crate::label::Label;
use crate::prefix::FastMap;
use crate::svcset::SvcSet;
use crate::trace::{Addresses, Diagnosis, Hop, PathRole, Trace, TraceOptions};

/// How planning hashes what a document controls (names, owners, address lists): foldhash,
/// seeded at random for each map and each process, so a document cannot be written to make its
/// keys collide, at a fraction of SipHash's cost for the short, many-field keys of merging and
/// naming (docs/performance.md, "Hashing planning's keys"). Nothing of the output depends on
/// the hashes: lists keep the order they were built in.
type Seeded = foldhash::fast::RandomState;
type HashMap<K, V> = std::collections::HashMap<K, V, Seeded>;
type HashSet<T> = std::collections::HashSet<T, Seeded>;

/// Settings for [`plan`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlanOptions {
    /// How paths are traced.
    pub trace: TraceOptions,
    /// The rule-name convention.
    pub convention: Convention,
    /// The most work for the whole plan, in the units of [`TraceOptions::max_work`], besides
    /// `work_per_flow` per flow: a bound on the time any document can take to plan. When it
    /// runs out, the flow being traced and those after it are blocked with
    /// [`Diagnosis::PlanOutOfWork`](crate::Diagnosis::PlanOutOfWork), never guessed (default
    /// [`MAX_PLAN_WORK`]).
    pub max_work: u64,
    /// What each flow adds to `max_work` (default [`PLAN_WORK_PER_FLOW`]).
    pub work_per_flow: u64,
    /// Whether each [`DirectedPlan::trace`] keeps the hops of its paths (default `true`).
    /// Without them a plan is much smaller (at 100,000 flows, hundreds of MiB less): each
    /// path keeps its role and end, [`DirectedPlan::path_nodes`] still names its nodes, and
    /// the steps, status and diagnoses are the same; only [`Path::hops`](crate::Path::hops)
    /// is empty (so [`Path::is_allowed`](crate::Path::is_allowed) then says only whether the
    /// path delivers: read [`DirectedPlan::status`] instead). `mccs plan` plans without them.
    pub keep_hops: bool,
}

/// The default of [`PlanOptions::max_work`]: 250 million units, a few seconds of work at most
/// (docs/limits.md has the measurement).
pub const MAX_PLAN_WORK: u64 = 250_000_000;

/// What each flow adds to a plan's work budget: about four times what an ordinary flow takes
/// (some 1,100 units: sixteen nodes and a few comparisons), so a plan of many ordinary flows
/// never runs out.
pub const PLAN_WORK_PER_FLOW: u64 = 5_000;

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            trace: TraceOptions::default(),
            convention: Convention::mccs_rule(),
            max_work: MAX_PLAN_WORK,
            work_per_flow: PLAN_WORK_PER_FLOW,
            keep_hops: true,
        }
    }
}

impl PlanOptions {
    /// These options with `trace` for tracing.
    #[must_use]
    pub fn with_trace(mut self, trace: TraceOptions) -> Self {
        self.trace = trace;
        self
    }

    /// These options with a plan-wide work budget of `n` units plus `per_flow` per flow.
    #[must_use]
    pub fn with_max_work(mut self, n: u64, per_flow: u64) -> Self {
        self.max_work = n;
        self.work_per_flow = per_flow;
        self
    }

    /// These options with traces that keep their hops (`true`, the default) or not
    /// ([`PlanOptions::keep_hops`]).
    ///
    /// ```
    /// use mccs_path::{plan, PlanOptions};
    /// let t = mccs_model::examples::reference();
    /// let full = plan(&t, &t.flows, &PlanOptions::default());
    /// let compact = plan(&t, &t.flows, &PlanOptions::default().with_hops(false));
    /// let (a, b) = (&full.flows[0].directions[0], &compact.flows[0].directions[0]);
    /// assert!(b.trace.paths.iter().all(|p| p.hops.is_empty()));
    /// assert_eq!((&a.steps, a.status), (&b.steps, b.status));
    /// assert_eq!(a.path_nodes(0).collect::<Vec<_>>(), b.path_nodes(0).collect::<Vec<_>>());
    /// assert_eq!(full.rules, compact.rules);
    /// ```
    #[must_use]
    pub fn with_hops(mut self, keep: bool) -> Self {
        self.keep_hops = keep;
        self
    }

    /// These options with another rule-name convention.
    #[must_use]
    pub fn with_convention(mut self, convention: Convention) -> Self {
        self.convention = convention;
        self
    }
}

/// Where a planned rule goes in a rulebase (the same type, and words, in plans and requests).
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(tag = "at", rename_all = "kebab-case")]
pub enum Placement {
    /// After the existing rules (before the implicit deny).
    Append,
    /// Above this rule, which denies part of the traffic today (first match wins).
    Above {
        /// The deny rule.
        rule: String,
    },
}

/// `append`, or `above rule RULE`; the JSON says `{"at": "append"}` or
/// `{"at": "above", "rule": RULE}` in plans and in requests alike.
///
/// ```
/// use mccs_path::Placement;
/// assert_eq!(Placement::Append.to_string(), "append");
/// let above = Placement::Above { rule: "DENY_ALL".into() };
/// assert_eq!(above.to_string(), "above rule DENY_ALL");
/// assert_eq!(serde_json::to_string(&above)?, r#"{"at":"above","rule":"DENY_ALL"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl std::fmt::Display for Placement {
    /// `append`, or `above rule RULE`: the words of the CSV and Markdown requests.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Append => f.write_str("append"),
            Self::Above { rule } => write!(f, "above rule {rule}"),
        }
    }
}

/// One firewall a planned rule must be applied on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Target {
    /// The firewall.
    pub firewall: Name,
    /// Who runs it.
    pub owner: String,
    /// Where in its rulebase.
    pub placement: Placement,
    /// Whether the rule is needed on a primary path, a failover path, or both.
    pub roles: Vec<PathRole>,
    /// For a network ACL: the rule number to give it, free in its list: the largest multiple
    /// of 10 below the deny rule it must precede (else the largest free number there), or the
    /// next multiple of 10 after the last rule. `None` elsewhere, and when no number is free
    /// below that deny rule (the list must be renumbered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
}

/// A rule to request: what it allows (as the firewalls see it, after translation), its name,
/// the firewalls it goes on, and the flows that need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct PlannedRule {
    /// The rule name, per the naming convention. The same flows in the same direction have the
    /// same name in every channel, free on every firewall of all those channels. Shared with
    /// the steps it fixes (`Step::planned_rule`) and with the rules of the same name in other
    /// channels: one copy of the text per name.
    pub name: Arc<str>,
    /// The request channel of its firewalls.
    pub channel: Name,
    /// The firewalls to apply it on.
    pub targets: Vec<Target>,
    /// Sources.
    pub sources: Vec<Addresses>,
    /// Destinations.
    pub destinations: Vec<Addresses>,
    /// Services.
    pub services: SvcSet,
    /// Outbound (initiated by the Project Set) or inbound (toward it).
    pub direction: Direction,
    /// The Project Set environment the rule is for, if any.
    pub owner: Option<EnvRef>,
    /// The flows that need it.
    pub flows: Vec<Name>,
    /// Their justifications.
    pub justifications: Vec<String>,
    /// For a security group / NSG or network ACL: the list the rule goes in (`inbound` is the
    /// firewall's `rules`, `outbound` its `outbound_rules`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<RuleList>,
    /// Whether the rule lets the return traffic of a flow back through a stateless filter
    /// (network ACL): from the flow's destination to its source, to the ephemeral ports.
    pub return_traffic: bool,
}

/// What a flow needs at one enforcement point of one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Step {
    /// Which path of the directed flow (index into its trace's paths).
    pub path: usize,
    /// Primary or failover.
    pub role: PathRole,
    /// The firewall.
    pub firewall: Name,
    /// Its verdict today (shared with the trace's hop and with the other steps that met the
    /// same verdict: a plan holds each verdict once).
    pub verdict: Arc<Verdict>,
    /// The name of the planned rule that fixes it, when the verdict is not `allowed` (the
    /// rule's own `PlannedRule::name`, shared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_rule: Option<Arc<str>>,
    /// For a security group / NSG or network ACL: the list that judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<RuleList>,
    /// For a stateless filter (network ACL): its verdict on the return traffic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_verdict: Option<Arc<Verdict>>,
    /// The name of the planned rule that lets the return traffic through, when it is not
    /// allowed (shared, as `planned_rule`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_planned_rule: Option<Arc<str>>,
}

/// Where a directed flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every path already allows it: nothing to request.
    AlreadyAllowed,
    /// Rules must be requested (see the steps).
    NeedsRules,
    /// Something a rule cannot fix stops it (see the diagnoses).
    Blocked,
}

impl Status {
    /// `already allowed`, `needs rules` or `blocked`.
    ///
    /// ```
    /// assert_eq!(mccs_path::Status::NeedsRules.to_string(), "needs rules");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AlreadyAllowed => "already allowed",
            Self::NeedsRules => "needs rules",
            Self::Blocked => "blocked",
        }
    }
}

impl std::fmt::Display for Status {
    /// [`Status::as_str`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The plan for one direction of one flow.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DirectedPlan {
    /// The trace it is based on.
    pub trace: Trace,
    /// Where it stands.
    pub status: Status,
    /// Per path and enforcement point: the verdict and the planned rule.
    pub steps: Vec<Step>,
    /// When the trace does not keep its hops ([`PlanOptions::keep_hops`]): per path, its
    /// nodes (name, whether an enforcement point), source first. Empty otherwise (the hops
    /// say it).
    #[serde(skip)]
    nodes: PathNodes,
}

/// The nodes of the paths of a plan made without hops: per path, positions in one table of
/// names that the whole plan shares (each name once, where a copy each took 40 bytes a node:
/// 56 MB at 100,000 flows), with whether the node enforces.
#[derive(Debug, Clone, Default)]
struct PathNodes {
    /// The plan's table; set once every flow is planned.
    names: Option<Arc<[Label]>>,
    /// Per path, source first. Positions fit in 32 bits: a table holds at most one name per
    /// graph node, and petgraph counts nodes in 32 bits.
    paths: Vec<Box<[(u32, bool)]>>,
}

/// The names of a plan's nodes as they are met, each once ([`PathNodes`]), found by the
/// node's position in the graph (no hashing of names).
#[derive(Debug, Default)]
struct NameTable {
    names: Vec<Label>,
    /// Per graph node, its name's position in `names` (`u32::MAX`: not met yet); as long as
    /// the graph has nodes.
    by_node: Vec<u32>,
}

impl NameTable {
    fn with_nodes(nodes: usize) -> Self {
        Self {
            names: Vec::new(),
            by_node: vec![u32::MAX; nodes],
        }
    }

    /// The position of the name of the hop's node, added if new; `None` for a node the graph
    /// does not have (never) or past 2³² names (never, see [`PathNodes`]).
    fn position(&mut self, hop: &Hop) -> Option<u32> {
        let slot = self.by_node.get_mut(usize::try_from(hop.index.0).ok()?)?;
        if *slot == u32::MAX {
            *slot = u32::try_from(self.names.len()).ok()?;
            self.names.push(hop.node.clone());
        }
        Some(*slot)
    }
}

impl PartialEq for DirectedPlan {
    /// Equal traces, status, steps and the same nodes on every path (by name: two plans
    /// number their names each their own way).
    fn eq(&self, other: &Self) -> bool {
        self.trace == other.trace
            && self.status == other.status
            && self.steps == other.steps
            && self.nodes.paths.len() == other.nodes.paths.len()
            && (0..self.nodes.paths.len()).all(|p| self.path_nodes(p).eq(other.path_nodes(p)))
    }
}

impl Eq for DirectedPlan {}

impl DirectedPlan {
    /// The nodes of path `path` of the trace (its index in `trace.paths`), source first: each
    /// node's name and whether it is an enforcement point (a hop with a verdict). The same
    /// whether or not the plan kept the hops ([`PlanOptions::keep_hops`]); empty for a path
    /// that does not exist.
    ///
    /// ```
    /// let t = mccs_model::examples::reference();
    /// let p = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default().with_hops(false));
    /// let d = &p.flows[0].directions[0];
    /// let first = d.path_nodes(0).next();
    /// assert_eq!(first, Some(("abc123-prod", false)));
    /// assert!(d.path_nodes(0).any(|(_, enforces)| enforces));
    /// ```
    pub fn path_nodes(&self, path: usize) -> impl Iterator<Item = (&str, bool)> {
        let names = self.nodes.names.as_deref().unwrap_or_default();
        self.kept_hops(path)
            .iter()
            .map(|h| (h.node(), h.verdict.is_some()))
            .chain(
                self.node_positions(path)
                    .iter()
                    .filter_map(move |(i, enforces)| {
                        let name = names.get(usize::try_from(*i).ok()?)?;
                        Some((name.as_str(), *enforces))
                    }),
            )
    }

    /// The hops of path `path`, when the plan kept them (else none).
    fn kept_hops(&self, path: usize) -> &[Hop] {
        match self.trace.paths.get(path) {
            Some(p) if self.nodes.paths.is_empty() => &p.hops,
            _ => &[],
        }
    }

    /// The positions of the nodes of path `path` in the plan's name table, when the plan
    /// dropped the hops (else none).
    fn node_positions(&self, path: usize) -> &[(u32, bool)] {
        self.nodes.paths.get(path).map_or(&[], |p| p)
    }

    /// [`DirectedPlan::path_nodes`] with a number for each node instead of its name: the same
    /// node has the same number on every path of this directed plan, and two nodes never
    /// share one, so paths compare as numbers (the numbers mean nothing across directed
    /// plans). [`DirectedPlan::path_node_name`] gives a number's name.
    ///
    /// ```
    /// let t = mccs_model::examples::reference();
    /// for hops in [true, false] {
    ///     let options = mccs_path::PlanOptions::default().with_hops(hops);
    ///     let p = mccs_path::plan(&t, &t.flows, &options);
    ///     let d = &p.flows[0].directions[0];
    ///     let by_number: Vec<_> = d
    ///         .path_node_ids(0)
    ///         .map(|(n, enforces)| (d.path_node_name(0, n).unwrap(), enforces))
    ///         .collect();
    ///     assert!(by_number.iter().copied().eq(d.path_nodes(0)));
    /// }
    /// ```
    pub fn path_node_ids(&self, path: usize) -> impl Iterator<Item = (u32, bool)> {
        self.kept_hops(path)
            .iter()
            .map(|h| (h.index.0, h.verdict.is_some()))
            .chain(self.node_positions(path).iter().copied())
    }

    /// The name of node `id` ([`DirectedPlan::path_node_ids`]) of path `path`; `None` when the
    /// path has no such node.
    pub fn path_node_name(&self, path: usize, id: u32) -> Option<&str> {
        if let Some(h) = self.kept_hops(path).iter().find(|h| h.index.0 == id) {
            return Some(h.node());
        }
        if !self.node_positions(path).iter().any(|(i, _)| *i == id) {
            return None;
        }
        let names = self.nodes.names.as_deref()?;
        names.get(usize::try_from(id).ok()?).map(Label::as_str)
    }
}

/// The plan for one flow (one or two directions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct FlowPlan {
    /// The flow's name.
    pub flow: Name,
    /// Its justification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Who asks for it (the flow's `requester`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<String>,
    /// When its rules may be removed (the flow's `expires`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// When the change may be implemented (the flow's `change_window`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_window: Option<String>,
    /// One per initiating side.
    pub directions: Vec<DirectedPlan>,
    /// Problems that stop the flow before tracing (unknown ends, initiator mismatch).
    pub diagnoses: Vec<Diagnosis>,
}

impl FlowPlan {
    /// The flow's overall status: blocked if any direction is, else needs rules if any does.
    pub fn status(&self) -> Status {
        if !self.diagnoses.is_empty() || self.directions.iter().any(|d| d.status == Status::Blocked)
        {
            Status::Blocked
        } else if self
            .directions
            .iter()
            .any(|d| d.status == Status::NeedsRules)
        {
            Status::NeedsRules
        } else {
            Status::AlreadyAllowed
        }
    }
}

/// The plan for a set of flows: per flow what stands where, and the merged rules to request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Plan {
    /// Per flow, in input order.
    pub flows: Vec<FlowPlan>,
    /// Rules to request, merged where exact, in a stable order.
    pub rules: Vec<PlannedRule>,
}

impl Plan {
    /// Whether nothing needs to be requested and nothing is blocked.
    pub fn is_complete(&self) -> bool {
        self.rules.is_empty()
            && self
                .flows
                .iter()
                .all(|f| f.status() == Status::AlreadyAllowed)
    }
}

/// (flow index, direction index, step index, whether for the return traffic).
type StepRef = (usize, usize, usize, bool);

/// A rule needed on one firewall, before merging and naming.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Need {
    firewall: usize,
    list: Option<RuleList>,
    return_traffic: bool,
    placement: Placement,
    direction: Direction,
    owner: Option<EnvRef>,
    /// Shared with the hops they come from: a need copies no addresses.
    sources: Vec<Arc<Addresses>>,
    destinations: Vec<Arc<Addresses>>,
    services: SvcSet,
    roles: Vec<PathRole>,
    flows: Vec<Name>,
    justifications: Vec<String>,
    /// The steps this need fixes.
    steps: Vec<StepRef>,
    /// Hashes of its sources, destinations and services, kept up to date as they change: the
    /// merge keys are hashed in every pass, and hashing the address sets each time was a
    /// third of planning.
    hashes: DimHashes,
}

/// Hashes of a need's sources, destinations and services, each made once with the plan's
/// randomly seeded hasher ([`Seeded`]: a document cannot make them collide) and hashed again only as
/// eight bytes. Equal lists have equal hashes; merge keys still compare the lists themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DimHashes {
    sources: u64,
    destinations: u64,
    services: u64,
}

/// The seed of [`DimHashes`] for one plan.
#[derive(Debug, Default)]
struct DimHasher(Seeded);

impl DimHasher {
    fn hash<K: Hash>(&self, key: K) -> u64 {
        std::hash::BuildHasher::hash_one(&self.0, key)
    }

    /// The hash of a list of address sets, from the hashes of its items (`item`, which
    /// [`DimHasher::addresses`] makes or a [`TraceHashes`] remembers).
    fn list(&self, list: &[Arc<Addresses>], mut item: impl FnMut(&Arc<Addresses>) -> u64) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = self.0.build_hasher();
        h.write_usize(list.len());
        for a in list {
            h.write_u64(item(a));
        }
        h.finish()
    }

    /// The hash of one address set.
    fn addresses(&self, a: &Addresses) -> u64 {
        self.hash(a)
    }

    /// The hash of a list of address sets, each hashed afresh.
    fn fresh_list(&self, list: &[Arc<Addresses>]) -> u64 {
        self.list(list, |a| self.addresses(a))
    }
}

/// Hashes made for the address sets and services of one trace, by where they are in memory:
/// a trace's hops share them (`Arc`), so each is hashed once per trace rather than once per
/// need. Only used while the trace is alive (so no address is reused); at most
/// [`REMEMBERED`] entries of each kind, searched in order.
#[derive(Debug, Default)]
struct TraceHashes {
    addresses: Vec<(*const Addresses, u64)>,
    services: Vec<(*const SvcSet, u64)>,
}

/// At most this many hashes are remembered per kind and trace: a trace has a handful of
/// distinct sets, and a bound keeps the look-up (a scan) from growing with a long path.
const REMEMBERED: usize = 32;

/// The hash of `item` from `seen` if remembered there, else made by `make` (and remembered
/// while there is room).
fn remembered<T: ?Sized>(
    seen: &mut Vec<(*const T, u64)>,
    item: &T,
    make: impl FnOnce(&T) -> u64,
) -> u64 {
    let key = std::ptr::from_ref(item);
    if let Some((_, h)) = seen.iter().find(|(k, _)| std::ptr::eq(*k, key)) {
        return *h;
    }
    let h = make(item);
    if seen.len() < REMEMBERED {
        seen.push((key, h));
    }
    h
}

impl TraceHashes {
    fn addresses(&mut self, hasher: &DimHasher, a: &Addresses) -> u64 {
        remembered(&mut self.addresses, a, |a| hasher.addresses(a))
    }

    fn services(&mut self, hasher: &DimHasher, s: &SvcSet) -> u64 {
        remembered(&mut self.services, s, |s| hasher.hash(s))
    }

    /// The hashes of a new need's sources, destinations and services.
    fn of(
        &mut self,
        hasher: &DimHasher,
        sources: &[Arc<Addresses>],
        destinations: &[Arc<Addresses>],
        services: &SvcSet,
    ) -> DimHashes {
        DimHashes {
            sources: hasher.list(sources, |a| self.addresses(hasher, a)),
            destinations: hasher.list(destinations, |a| self.addresses(hasher, a)),
            services: self.services(hasher, services),
        }
    }
}

/// Adds to `into` what it does not hold yet. A scan per item: for short lists only (roles,
/// targets); lists that grow with the flows go through [`Seen`].
fn add_unique<T: PartialEq + Clone>(into: &mut Vec<T>, from: &[T]) {
    for x in from {
        if !into.contains(x) {
            into.push(x.clone());
        }
    }
}

/// Up to this many items a growing list is searched for duplicates; past it, a set of its items
/// is built once and kept beside it. Most needs and rules hold one to three flows, steps and
/// address sets, so most never pay for a set.
const SCAN_UP_TO: usize = 16;

/// The set of what a growing list holds, made only once the list is longer than
/// [`SCAN_UP_TO`].
#[derive(Debug)]
struct SeenSet<T>(Option<HashSet<T>>);

impl<T> Default for SeenSet<T> {
    fn default() -> Self {
        Self(None)
    }
}

/// [`add_unique`] for lists that grow with the flows: a scan while `into` is short, then a hash
/// probe per item, so a rule shared by n flows is built in O(n), not O(n²).
fn add_new<T: Eq + Hash + Clone>(into: &mut Vec<T>, seen: &mut SeenSet<T>, from: &[T]) {
    for x in from {
        match &mut seen.0 {
            Some(set) => {
                if set.insert(x.clone()) {
                    into.push(x.clone());
                }
            }
            None => {
                if !into.contains(x) {
                    into.push(x.clone());
                }
                if into.len() > SCAN_UP_TO {
                    seen.0 = Some(into.iter().cloned().collect());
                }
            }
        }
    }
}

/// What the growing lists of one need or planned rule hold (each set made only when its list
/// grows long).
#[derive(Debug, Default)]
struct Seen {
    flows: SeenSet<Name>,
    justifications: SeenSet<String>,
    steps: SeenSet<StepRef>,
    sources: SeenSet<Arc<Addresses>>,
    destinations: SeenSet<Arc<Addresses>>,
}

/// Whether a list of `a` items that takes in `b` more can grow past [`SCAN_UP_TO`].
fn may_outgrow_scan(a: usize, b: usize) -> bool {
    a.saturating_add(b) > SCAN_UP_TO
}

/// The [`Seen`] sets of the items of one list, by position. An item has an entry only once
/// one of its lists may grow past [`SCAN_UP_TO`]: nearly every need absorbs another (its
/// failover path's), and an entry each was a seventh of the plan's peak memory at 100,000
/// flows.
#[derive(Debug, Default)]
struct SeenMap(FastMap<usize, Seen>);

impl SeenMap {
    /// The sets of item `i`: its entry, made if `long` (its lists may outgrow a scan), else
    /// `scratch` (empty: lists that stay short are scanned, and a set made there anyway is
    /// only work lost, never a wrong answer).
    fn get<'a>(&'a mut self, i: usize, long: bool, scratch: &'a mut Seen) -> &'a mut Seen {
        if long {
            return self.0.entry(i).or_default();
        }
        match self.0.get_mut(&i) {
            Some(s) => s,
            None => scratch,
        }
    }
}

/// The dimension left out of a merge key (the one merged rules may differ in); `None` in its
/// place ([`NeedKey::hash`], [`NeedKey::same`]) leaves nothing out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Services,
    Destinations,
    Sources,
}

/// Positions in a list found by a hash of a key computed from each item, without a copy of the
/// key: the items answer equality themselves. Keys are hashed with a randomly seeded hasher
/// ([`Seeded`]), so a document cannot be written to make every key collide; the order of
/// the list, not of the hashes, decides the output.
#[derive(Debug, Default)]
struct KeyIndex {
    state: Seeded,
    /// Hash -> the latest item with that hash.
    heads: FastMap<u64, usize>,
    /// Per item, the item before it with the same hash (`usize::MAX`: none).
    chain: Vec<usize>,
}

impl KeyIndex {
    /// An index with room for `n` items: a list whose length (or a bound on it) is known is
    /// indexed without the map's growth, which rehashed every key at each doubling (about
    /// 3 % of planning at 20,000 flows). `n` is the length of a list already in memory, so
    /// the room is bounded by what the document made.
    fn with_capacity(n: usize) -> Self {
        let mut heads = FastMap::default();
        heads.reserve(n);
        Self {
            state: Seeded::default(),
            heads,
            chain: Vec::with_capacity(n),
        }
    }

    /// Room for `additional` more items (see [`reserve_at_rate`]).
    fn reserve(&mut self, additional: usize) {
        self.heads.reserve(additional);
        self.chain.reserve(additional);
    }

    fn hash<K: Hash>(&self, key: K) -> u64 {
        std::hash::BuildHasher::hash_one(&self.state, key)
    }

    /// The item with hash `h` for which `same` holds.
    fn find(&self, h: u64, mut same: impl FnMut(usize) -> bool) -> Option<usize> {
        let mut i = *self.heads.get(&h)?;
        while i != usize::MAX {
            if same(i) {
                return Some(i);
            }
            i = self.chain.get(i).copied().unwrap_or(usize::MAX);
        }
        None
    }

    /// Records item `i` of the list under hash `h`, for a list whose items are not all
    /// recorded (items are recorded in increasing order).
    fn push_at(&mut self, h: u64, i: usize) {
        if self.chain.len() <= i {
            self.chain.resize(i + 1, usize::MAX);
        }
        let before = self.heads.insert(h, i).unwrap_or(usize::MAX);
        if let Some(c) = self.chain.get_mut(i) {
            *c = before;
        }
    }

    /// Records the next item of the list (items are recorded in list order) under hash `h`.
    fn push(&mut self, h: u64) {
        let i = self.chain.len();
        let before = self.heads.insert(h, i).unwrap_or(usize::MAX);
        self.chain.push(before);
    }
}

/// What two needs must share to be the same need, or (all but one dimension) to be merged,
/// borrowed from a [`Need`] or from a step's [`Wanted`]: one hash and one comparison for both.
struct NeedKey<'a> {
    firewall: usize,
    list: Option<RuleList>,
    return_traffic: bool,
    /// The deny rule the rule must go above (`None`: appended).
    before: Option<&'a str>,
    direction: Direction,
    owner: &'a Option<EnvRef>,
    sources: &'a [Arc<Addresses>],
    destinations: &'a [Arc<Addresses>],
    services: &'a SvcSet,
    hashes: DimHashes,
}

impl NeedKey<'_> {
    /// The hash of the key without its `free` dimension (`None`: the whole key).
    fn hash(&self, index: &KeyIndex, free: Option<Dim>) -> u64 {
        index.hash((
            (self.firewall, self.list, self.return_traffic),
            self.before,
            self.direction,
            self.owner,
            (free != Some(Dim::Sources)).then_some(self.hashes.sources),
            (free != Some(Dim::Destinations)).then_some(self.hashes.destinations),
            (free != Some(Dim::Services)).then_some(self.hashes.services),
        ))
    }

    /// Whether the keys are equal but for the `free` dimension (`None`: equal).
    fn same(&self, other: &NeedKey<'_>, free: Option<Dim>) -> bool {
        self.firewall == other.firewall
            && self.list == other.list
            && self.return_traffic == other.return_traffic
            && self.before == other.before
            && self.direction == other.direction
            && self.owner == other.owner
            && (free == Some(Dim::Sources) || self.sources == other.sources)
            && (free == Some(Dim::Destinations) || self.destinations == other.destinations)
            && (free == Some(Dim::Services) || self.services == other.services)
    }
}

impl Need {
    /// Its key.
    fn key(&self) -> NeedKey<'_> {
        NeedKey {
            firewall: self.firewall,
            list: self.list,
            return_traffic: self.return_traffic,
            before: match &self.placement {
                Placement::Append => None,
                Placement::Above { rule } => Some(rule),
            },
            direction: self.direction,
            owner: &self.owner,
            sources: &self.sources,
            destinations: &self.destinations,
            services: &self.services,
            hashes: self.hashes,
        }
    }

    /// Whether taking in `other` (and, in a merge pass, its `free` dimension) can make one of
    /// this need's lists longer than a scan is for.
    fn may_outgrow_scan(&self, other: &Need, free: Dim) -> bool {
        self.may_outgrow_scan_by(
            other.flows.len(),
            other.justifications.len(),
            other.steps.len(),
        ) || (free == Dim::Sources && may_outgrow_scan(self.sources.len(), other.sources.len()))
            || (free == Dim::Destinations
                && may_outgrow_scan(self.destinations.len(), other.destinations.len()))
    }

    /// Takes in `other`'s roles, flows, justifications and steps; `seen` is what this need's
    /// lists hold.
    fn absorb(&mut self, other: &Need, seen: &mut Seen) {
        self.absorb_lists(
            &other.roles,
            &other.flows,
            &other.justifications,
            &other.steps,
            seen,
        );
    }

    /// Whether taking in lists of these lengths can make one of this need's lists longer
    /// than a scan is for.
    fn may_outgrow_scan_by(&self, flows: usize, justifications: usize, steps: usize) -> bool {
        may_outgrow_scan(self.flows.len(), flows)
            || may_outgrow_scan(self.justifications.len(), justifications)
            || may_outgrow_scan(self.steps.len(), steps)
    }

    /// [`Need::absorb`] of the lists themselves.
    fn absorb_lists(
        &mut self,
        roles: &[PathRole],
        flows: &[Name],
        justifications: &[String],
        steps: &[StepRef],
        seen: &mut Seen,
    ) {
        add_unique(&mut self.roles, roles);
        add_new(&mut self.flows, &mut seen.flows, flows);
        add_new(
            &mut self.justifications,
            &mut seen.justifications,
            justifications,
        );
        add_new(&mut self.steps, &mut seen.steps, steps);
        self.roles.sort_unstable();
    }
}

/// A need as one step of one trace states it, borrowed from the trace and the flow: looked up
/// among the needs so far first, and copied into a [`Need`] only when it is a new one (most
/// steps of a flow with a failover path repeat a need of its primary path).
struct Wanted<'a> {
    key: NeedKey<'a>,
    role: PathRole,
    flow: &'a Name,
    justifications: &'a [String],
    step: StepRef,
}

impl Wanted<'_> {
    /// Takes this into `n`, a need of the same key.
    fn absorb_into(&self, n: &mut Need, seen: &mut Seen) {
        n.absorb_lists(
            std::slice::from_ref(&self.role),
            std::slice::from_ref(self.flow),
            self.justifications,
            std::slice::from_ref(&self.step),
            seen,
        );
    }

    /// The need itself.
    fn into_need(self) -> Need {
        let key = self.key;
        Need {
            firewall: key.firewall,
            list: key.list,
            return_traffic: key.return_traffic,
            placement: key
                .before
                .map_or(Placement::Append, |rule| Placement::Above {
                    rule: rule.to_owned(),
                }),
            direction: key.direction,
            owner: key.owner.clone(),
            sources: key.sources.to_vec(),
            destinations: key.destinations.to_vec(),
            services: key.services.clone(),
            roles: vec![self.role],
            flows: vec![self.flow.clone()],
            justifications: self.justifications.to_vec(),
            steps: vec![self.step],
            hashes: key.hashes,
        }
    }
}

/// Plans `flows` on `topology`: traces every direction of every flow, and for each enforcement
/// point that does not allow the traffic, the rule to request (merged across flows on one
/// firewall only where the result is exact, never wider).
///
/// ```
/// use mccs_path::{plan, PlanOptions, Status};
/// let t = mccs_model::examples::reference();
/// let p = plan(&t, &t.flows, &PlanOptions::default());
/// // The cloud firewall request and the on-prem request each carry the seed's rule name.
/// let named: Vec<_> = p.rules.iter()
///     .filter(|r| &*r.name == "MCCS_CITZ_ALZ_LIVE_abc123_prod")
///     .map(|r| r.channel.as_str())
///     .collect();
/// assert_eq!(named, ["cloud-firewall-request", "on-prem-firewall-request"]);
/// assert_eq!(p.flows[2].status(), Status::AlreadyAllowed);
/// ```
pub fn plan(topology: &Topology, flows: &[Flow], options: &PlanOptions) -> Plan {
    let g = NetworkGraph::build(topology);
    plan_with(&g, flows, options)
}

/// The flows after which planning sizes its list of needs for the rest ([`reserve_at_rate`]).
const RATE_SAMPLE: usize = 1024;

/// The room a list that grows with the flows planned should have for all `total` flows, at the
/// rate the first `done` made `len` items, plus a sixteenth, and never more than four times its
/// `capacity` at once: `None` when it has that room.
///
/// A need is a large record (about 300 bytes), and a list grown by doubling copies every record
/// at each doubling, into memory touched for the first time: at 100,000 flows of the large
/// estate, 300,000 needs were copied 100,000 then 200,000 at a time (90 MB read and written
/// again). Planning sizes the list at the rate of its first [`RATE_SAMPLE`] flows, so it is
/// copied once while small, and when a list is full all the same (later flows need more than
/// the first), at the rate so far. A rate read off a few heavy flows can be far too high (a
/// hostile document whose first flow makes many needs and the rest none), so one step at most
/// quadruples the room: like doubling, the room stays within a few times what is held, and
/// room a rate overestimates is never written (address space, not memory in use).
fn reserve_at_rate(len: usize, capacity: usize, done: usize, total: usize) -> Option<usize> {
    let expected = len.saturating_mul(total) / done.max(1);
    let wanted = expected
        .saturating_add(expected / 16)
        .min(capacity.max(1).saturating_mul(4));
    (wanted > capacity).then(|| wanted.saturating_sub(len))
}

/// Gives `needs` and its index the room [`reserve_at_rate`] asks for, after `done` of `total`
/// flows.
fn reserve_needs(needs: &mut Vec<Need>, index: &mut KeyIndex, done: usize, total: usize) {
    if let Some(more) = reserve_at_rate(needs.len(), needs.capacity(), done, total) {
        needs.reserve_exact(more);
        index.reserve(more);
    }
}

/// [`plan`] on a graph built already.
pub fn plan_with(g: &NetworkGraph<'_>, flows: &[Flow], options: &PlanOptions) -> Plan {
    let topology = g.topology();
    let mut out = Vec::with_capacity(flows.len());
    // About one need per flow and enforcement point; reserving for one per flow saves the
    // early copies of these large records as the list grows.
    let mut needs: Vec<Need> = Vec::with_capacity(flows.len());
    let mut need_index = KeyIndex::default();
    let dim_hasher = DimHasher::default();
    let mut trace_hashes = TraceHashes::default();
    // Only a plan without hops keeps node names apart from them.
    let mut node_names = if options.keep_hops {
        NameTable::default()
    } else {
        NameTable::with_nodes(g.node_count())
    };
    let mut need_seen = SeenMap::default();
    let work_limit = options
        .max_work
        .saturating_add(options.work_per_flow.saturating_mul(flows.len() as u64));
    let mut work: u64 = 0;
    for (fi, flow) in flows.iter().enumerate() {
        let mut fp = FlowPlan {
            flow: flow.name.clone(),
            justification: flow.justification.clone(),
            requester: flow.requester.clone(),
            expires: flow.expires,
            change_window: flow.change_window.clone(),
            directions: Vec::new(),
            diagnoses: Vec::new(),
        };
        match g.directed_flows(flow) {
            Err(e) => fp.diagnoses = e.into_diagnoses(),
            Ok(directed) => {
                // Exactly one plan per direction: a `DirectedPlan` is large, and a vector's
                // first growth would make room for four.
                fp.directions.reserve_exact(directed.len());
                // Each directed flow moves into its trace.
                for (di, df) in directed.into_iter().enumerate() {
                    let (mut trace, used) = g.trace_metered(
                        Cow::Owned(df),
                        &options.trace,
                        Some((work_limit, work_limit.saturating_sub(work))),
                    );
                    work = work.saturating_add(used);
                    // One step per enforcement point on every path, known before any is made.
                    let mut steps = Vec::with_capacity(
                        trace
                            .paths
                            .iter()
                            .map(|p| p.hops.iter().filter(|h| h.firewall.is_some()).count())
                            .sum(),
                    );
                    // What this trace's hops share, hashed once (cleared: a freed set's address
                    // may be reused by the next trace).
                    trace_hashes.addresses.clear();
                    trace_hashes.services.clear();
                    for (pi, path) in trace.paths.iter().enumerate() {
                        for hop in &path.hops {
                            let (Some(fw), Some(verdict)) = (hop.firewall, hop.verdict.clone())
                            else {
                                continue;
                            };
                            // The graph was built from this topology: its index is there.
                            let Some(fw_name) = topology.firewalls.get(fw).map(|f| f.name.clone())
                            else {
                                continue;
                            };
                            let si = steps.len();
                            steps.push(Step {
                                path: pi,
                                role: path.role,
                                firewall: fw_name,
                                verdict,
                                planned_rule: None,
                                list: hop.list,
                                return_verdict: hop.return_verdict.clone(),
                                return_planned_rule: None,
                            });
                            if trace.is_blocked() {
                                continue;
                            }
                            // The forward rule, and for a stateless filter the return rule: on
                            // the other list, ends swapped.
                            let (src, dst) = (&hop.source, &hop.destination);
                            let wanted = [
                                (hop.missing.as_deref(), hop.list, false, src, dst),
                                (
                                    hop.return_missing.as_deref(),
                                    hop.list.map(RuleList::other),
                                    true,
                                    dst,
                                    src,
                                ),
                            ];
                            for (missing, list, return_traffic, from, to) in wanted {
                                let Some(missing) = missing else { continue };
                                let (sources, destinations) =
                                    (std::slice::from_ref(from), std::slice::from_ref(to));
                                let hashes = trace_hashes.of(
                                    &dim_hasher,
                                    sources,
                                    destinations,
                                    &missing.services,
                                );
                                let want = Wanted {
                                    key: NeedKey {
                                        firewall: fw,
                                        list,
                                        return_traffic,
                                        before: missing.before.as_ref().map(Name::as_str),
                                        direction: trace.flow.direction,
                                        owner: &trace.flow.owner,
                                        sources,
                                        destinations,
                                        services: &missing.services,
                                        hashes,
                                    },
                                    role: path.role,
                                    flow: &flow.name,
                                    justifications: flow.justification.as_slice(),
                                    step: (fi, di, si, return_traffic),
                                };
                                let h = want.key.hash(&need_index, None);
                                let found = need_index
                                    .find(h, |i| {
                                        needs.get(i).is_some_and(|n| n.key().same(&want.key, None))
                                    })
                                    .and_then(|i| Some((i, needs.get_mut(i)?)));
                                match found {
                                    Some((i, n)) => {
                                        let long =
                                            n.may_outgrow_scan_by(1, want.justifications.len(), 1);
                                        let mut scratch = Seen::default();
                                        want.absorb_into(n, need_seen.get(i, long, &mut scratch));
                                    }
                                    None => {
                                        if needs.len() == needs.capacity() {
                                            reserve_needs(
                                                &mut needs,
                                                &mut need_index,
                                                fi + 1,
                                                flows.len(),
                                            );
                                        }
                                        need_index.push(h);
                                        needs.push(want.into_need());
                                    }
                                }
                            }
                        }
                    }
                    let status = if trace.is_blocked() {
                        Status::Blocked
                    } else if trace.is_allowed() {
                        Status::AlreadyAllowed
                    } else {
                        Status::NeedsRules
                    };
                    // Without the hops, the names of the nodes are all the requests read of them
                    // (links taken, failover-only transports).
                    let mut nodes = PathNodes::default();
                    if !options.keep_hops {
                        nodes.paths.reserve_exact(trace.paths.len());
                        for p in &mut trace.paths {
                            // Read in place (a hop is large: moving each out cost a copy),
                            // then dropped with the list.
                            let hops = std::mem::take(&mut p.hops);
                            let mut positions = Vec::with_capacity(hops.len());
                            positions.extend(hops.iter().filter_map(|h| {
                                Some((node_names.position(h)?, h.verdict.is_some()))
                            }));
                            nodes.paths.push(positions.into_boxed_slice());
                        }
                    }
                    fp.directions.push(DirectedPlan {
                        trace,
                        status,
                        steps,
                        nodes,
                    });
                }
            }
        }
        out.push(fp);
        // Sized once the first flows show their rate (a plan of fewer flows is left alone).
        if fi + 1 == RATE_SAMPLE && flows.len() > RATE_SAMPLE {
            reserve_needs(&mut needs, &mut need_index, fi + 1, flows.len());
        }
    }
    if !options.keep_hops {
        let names: Arc<[Label]> = node_names.names.into();
        for d in out.iter_mut().flat_map(|f| &mut f.directions) {
            d.nodes.names = Some(Arc::clone(&names));
        }
    }
    let needs = merge(needs, &dim_hasher);
    let rules = name_and_group(topology, needs, &mut out, &options.convention);
    Plan { flows: out, rules }
}

/// Merges needs on one firewall where exact: equal sources and destinations (services unite),
/// then equal sources and services (destinations unite), then equal destinations and services
/// (sources unite). A rule is a product of its sources,
/// destinations and services, so merging two that differ in one dimension only is exact.
fn merge(needs: Vec<Need>, dim_hasher: &DimHasher) -> Vec<Need> {
    let mut current = needs;
    for free in [Dim::Services, Dim::Destinations, Dim::Sources] {
        // In place: a need absorbed by an earlier one is marked and left out at the end of the
        // pass (the same list, in the same order, as building a second one; a second list of
        // these large records would add a third of the plan's needs to the peak).
        let mut kept = vec![true; current.len()];
        let mut index = KeyIndex::with_capacity(current.len());
        // What the needs that absorbed others hold, and which did.
        let mut seen = SeenMap::default();
        let mut united = vec![false; current.len()];
        for i in 0..current.len() {
            let (before, rest) = current.split_at_mut(i);
            let Some(n) = rest.first() else { continue };
            let key = n.key();
            let h = key.hash(&index, Some(free));
            let found = index.find(h, |j| {
                before
                    .get(j)
                    .is_some_and(|m| m.key().same(&key, Some(free)))
            });
            match found.and_then(|j| Some((j, before.get_mut(j)?))) {
                Some((j, m)) => {
                    let long = m.may_outgrow_scan(n, free);
                    let mut scratch = Seen::default();
                    let s = seen.get(j, long, &mut scratch);
                    if let Some(u) = united.get_mut(j) {
                        *u = true;
                    }
                    match free {
                        Dim::Services => m.services = m.services.union(&n.services),
                        Dim::Destinations => {
                            add_new(&mut m.destinations, &mut s.destinations, &n.destinations);
                        }
                        Dim::Sources => add_new(&mut m.sources, &mut s.sources, &n.sources),
                    }
                    m.absorb(n, s);
                    if let Some(k) = kept.get_mut(i) {
                        *k = false;
                    }
                }
                None => index.push_at(h, i),
            }
        }
        // The united dimension in order, once per merged need (the same lists as sorting after
        // each addition: the items are distinct).
        // Then its hash, for the passes after this one.
        let merged = united
            .iter()
            .enumerate()
            .filter_map(|(i, u)| u.then_some(i));
        for i in merged {
            if let Some(m) = current.get_mut(i) {
                match free {
                    Dim::Destinations => {
                        m.destinations.sort();
                        m.hashes.destinations = dim_hasher.fresh_list(&m.destinations);
                    }
                    Dim::Sources => {
                        m.sources.sort();
                        m.hashes.sources = dim_hasher.fresh_list(&m.sources);
                    }
                    Dim::Services => m.hashes.services = dim_hasher.hash(&m.services),
                }
            }
        }
        let mut keep = kept.into_iter();
        current.retain(|_| keep.next().unwrap_or(true));
    }
    current
}

/// Groups needs that are the same rule on firewalls of one channel into one planned rule, then
/// names the planned rules once for the whole plan.
///
/// One flow, one rule name: the planned rules of one name group (the same direction, owner and
/// set of flows, in whatever channels they are requested) share one name, so the cloud firewall
/// request and the on-premises request of a flow can be matched by it. A merged rule (one
/// planned rule serving several flows) is its own group: its key is the whole set of flows it
/// serves, in every channel where that merged rule is requested. When one channel needs several
/// rules of the same group (different translated addresses on two of its firewalls, say), the
/// k-th rule of the group in each channel shares a name. The name is the next one free in every
/// channel of the group (existing rules and names planned so far), so a suffix is decided once.
fn name_and_group(
    t: &Topology,
    needs: Vec<Need>,
    flows: &mut [FlowPlan],
    convention: &Convention,
) -> Vec<PlannedRule> {
    let project_sets: HashMap<LicensePlate, &ProjectSet> = t
        .project_sets
        .iter()
        .map(|p| (p.license_plate, p))
        .collect();
    // channel -> names in use on its firewalls (and planned so far)
    let mut used: BTreeMap<Name, UsedNames> = BTreeMap::new();
    // Each channel's set sized for its rules at once: grown one name at a time, it rehashed
    // every name at each doubling (a fifth of this step's fixed cost at 100,000 rules).
    let mut rules_per_channel: BTreeMap<&Name, usize> = BTreeMap::new();
    for f in &t.firewalls {
        *rules_per_channel.entry(&f.channel).or_default() += f.rules.len();
    }
    for (channel, n) in rules_per_channel {
        used.entry(channel.clone()).or_default().folded.reserve(n);
    }
    for f in &t.firewalls {
        let u = used.entry(f.channel.clone()).or_default();
        for r in &f.rules {
            u.add(r.name.as_str(), convention);
        }
    }
    let mut numbers = RuleNumbers::default();
    // Rules before naming, and the steps each fixes (beside them, not in one list of pairs:
    // the rules are the plan's own list). Room for one rule per need, the most there can be:
    // the room no rule takes is never written, so it is address space, not memory touched.
    let mut rules: Vec<PlannedRule> = Vec::with_capacity(needs.len());
    let mut rule_steps: Vec<Vec<StepRef>> = Vec::with_capacity(needs.len());
    let mut rule_index = KeyIndex::with_capacity(needs.len());
    // What the rules that absorbed needs hold.
    let mut rule_seen = SeenMap::default();
    // Every rule's name until its group is named (one allocation for all of them).
    let unnamed: Arc<str> = Arc::from("");
    for n in needs {
        let Some(fw) = t.firewalls.get(n.firewall) else {
            continue;
        };
        let channel = fw.channel.clone();
        let target = Target {
            firewall: fw.name.clone(),
            owner: fw.owner.clone(),
            placement: n.placement.clone(),
            roles: n.roles.clone(),
            priority: numbers.take(n.firewall, fw, n.list, &n.placement),
        };
        let owner = n.owner;
        // The same rule: one channel, list, direction, owner, sources, destinations, services.
        let h = rule_index.hash((
            channel.as_str(),
            (n.list, n.return_traffic),
            n.direction,
            owner.as_ref(),
            n.hashes,
        ));
        let found = rule_index
            .find(h, |i| {
                rules.get(i).is_some_and(|r| {
                    r.channel == channel
                        && r.list == n.list
                        && r.return_traffic == n.return_traffic
                        && r.direction == n.direction
                        && r.owner == owner
                        && r.sources.iter().eq(n.sources.iter().map(|a| &**a))
                        && r.destinations
                            .iter()
                            .eq(n.destinations.iter().map(|a| &**a))
                        && r.services == n.services
                })
            })
            .and_then(|i| Some((i, rules.get_mut(i)?, rule_steps.get_mut(i)?)));
        if let Some((i, r, steps)) = found {
            match r.targets.iter_mut().find(|x| x.firewall == target.firewall) {
                Some(x) => {
                    add_unique(&mut x.roles, &target.roles);
                    x.roles.sort_unstable();
                    // Above a deny rule wins over appending: the rule must come before it.
                    if x.placement == Placement::Append {
                        x.placement = target.placement;
                        x.priority = target.priority;
                    }
                }
                None => {
                    // Most rules go on one or two firewalls: no room for four.
                    r.targets.reserve_exact(1);
                    r.targets.push(target);
                }
            }
            let long = may_outgrow_scan(r.flows.len(), n.flows.len())
                || may_outgrow_scan(r.justifications.len(), n.justifications.len())
                || may_outgrow_scan(steps.len(), n.steps.len());
            let mut scratch = Seen::default();
            let seen = rule_seen.get(i, long, &mut scratch);
            add_new(&mut r.flows, &mut seen.flows, &n.flows);
            add_new(
                &mut r.justifications,
                &mut seen.justifications,
                &n.justifications,
            );
            add_new(steps, &mut seen.steps, &n.steps);
            continue;
        }
        rule_index.push(h);
        rules.push(PlannedRule {
            name: Arc::clone(&unnamed),
            channel,
            targets: vec![target],
            sources: n.sources.into_iter().map(Arc::unwrap_or_clone).collect(),
            destinations: n
                .destinations
                .into_iter()
                .map(Arc::unwrap_or_clone)
                .collect(),
            services: n.services,
            direction: n.direction,
            owner,
            flows: n.flows,
            justifications: n.justifications,
            list: n.list,
            return_traffic: n.return_traffic,
        });
        rule_steps.push(n.steps);
    }
    // Name groups, in order of first appearance: (direction, owner, flows, k) -> rule indexes,
    // where k counts the rules of one channel with the same (direction, owner, flows). Keys are
    // found by hash and compared against the rules, never copied.
    let flow_keys: Vec<Vec<&str>> = rules
        .iter()
        .map(|r| {
            let mut k: Vec<&str> = r.flows.iter().map(Name::as_str).collect();
            k.sort_unstable();
            k
        })
        .collect();
    let same_group = |i: usize, j: usize| match (rules.get(i), rules.get(j)) {
        (Some(a), Some(b)) => {
            a.direction == b.direction && a.owner == b.owner && flow_keys.get(i) == flow_keys.get(j)
        }
        _ => false,
    };
    let same_channel = |i: usize, j: usize| match (rules.get(i), rules.get(j)) {
        (Some(a), Some(b)) => a.channel == b.channel,
        _ => false,
    };
    // (channel, direction, owner, flows) -> (a rule of it, how many rules so far)
    let mut ordinal_index = KeyIndex::with_capacity(rules.len());
    let mut ordinals: Vec<(usize, usize)> = Vec::new();
    // group -> (its k, its rules)
    let mut group_index = KeyIndex::with_capacity(rules.len());
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, (r, fk)) in rules.iter().zip(&flow_keys).enumerate() {
        let h = ordinal_index.hash((r.channel.as_str(), r.direction, r.owner.as_ref(), fk));
        let found = ordinal_index.find(h, |o| {
            ordinals
                .get(o)
                .is_some_and(|(j, _)| same_channel(i, *j) && same_group(i, *j))
        });
        let k = match found.and_then(|o| ordinals.get_mut(o)) {
            Some((_, count)) => {
                *count += 1;
                *count - 1
            }
            None => {
                ordinal_index.push(h);
                ordinals.push((i, 1));
                0
            }
        };
        let h = group_index.hash((r.direction, r.owner.as_ref(), fk, k));
        let found = group_index.find(h, |g| {
            groups.get(g).is_some_and(|(gk, members)| {
                *gk == k && members.first().is_some_and(|j| same_group(i, *j))
            })
        });
        match found.and_then(|g| groups.get_mut(g)) {
            Some((_, members)) => members.push(i),
            None => {
                group_index.push(h);
                groups.push((k, vec![i]));
            }
        }
    }
    drop(flow_keys);
    for (_, members) in &groups {
        let Some(first) = members.first().and_then(|i| rules.get(*i)) else {
            continue;
        };
        let mut channels: Vec<Name> = Vec::new();
        for i in members {
            if let Some(r) = rules.get(*i)
                && !channels.contains(&r.channel)
            {
                channels.push(r.channel.clone());
            }
        }
        let in_use: Vec<&UsedNames> = channels.iter().filter_map(|c| used.get(c)).collect();
        let (name, stem) = rule_name(
            &project_sets,
            first.owner.as_ref(),
            first.direction,
            &first.flows,
            convention,
            &in_use,
        );
        for c in &channels {
            let u = used.entry(c.clone()).or_default();
            match &stem {
                Some((stem, sequence)) => u.add_planned(&name, stem, *sequence),
                None => u.add(&name, convention),
            }
        }
        let name: Arc<str> = name.into();
        for i in members {
            if let Some(r) = rules.get_mut(*i) {
                r.name = Arc::clone(&name);
            }
        }
    }
    for (r, steps) in rules.iter().zip(&rule_steps) {
        for (fi, di, si, return_traffic) in steps {
            if let Some(step) = flows
                .get_mut(*fi)
                .and_then(|f| f.directions.get_mut(*di))
                .and_then(|d| d.steps.get_mut(*si))
            {
                let slot = if *return_traffic {
                    &mut step.return_planned_rule
                } else {
                    &mut step.planned_rule
                };
                *slot = Some(Arc::clone(&r.name));
            }
        }
    }
    // Fewer rules than needs leave room at the end, given back here. When at least half of it
    // is in use (two rules for three needs on the large estate), mimalloc (the binary's
    // allocator) shrinks the block in place; when needs merged into far fewer rules, the rules
    // are moved once into a smaller block.
    rules.shrink_to_fit();
    rules
}

/// The rule numbers in use in network ACL lists, including the ones planned so far.
#[derive(Debug, Default)]
struct RuleNumbers {
    used: HashMap<(usize, RuleList), Vec<u32>>,
}

/// The highest rule number AWS accepts.
const MAX_RULE_NUMBER: u32 = 32766;

impl RuleNumbers {
    /// A free number for a planned rule in list `list` of network ACL `fw` (`index`), placed at
    /// `placement`; it is then in use. `None` for other firewalls, or when no number is free.
    fn take(
        &mut self,
        index: usize,
        fw: &Firewall,
        list: Option<RuleList>,
        placement: &Placement,
    ) -> Option<u32> {
        if fw.kind != FirewallKind::NetworkAcl {
            return None;
        }
        let list = list.unwrap_or(RuleList::Inbound);
        let used = self
            .used
            .entry((index, list))
            .or_insert_with(|| fw.list(list).iter().filter_map(|r| r.priority).collect());
        let below = match placement {
            Placement::Append => None,
            Placement::Above { rule } => fw
                .list(list)
                .iter()
                .find(|r| r.name.as_str() == rule)
                .and_then(|r| r.priority),
        };
        let n = free_number(used, below)?;
        used.push(n);
        Some(n)
    }
}

/// Below `below`: the largest multiple of 10 above every number in use below it, else the
/// largest free number there. Otherwise: the next multiple of 10 after the last number.
fn free_number(used: &[u32], below: Option<u32>) -> Option<u32> {
    match below {
        None => {
            let last = used.iter().max().copied().unwrap_or(0);
            Some((last / 10 + 1) * 10).filter(|n| *n <= MAX_RULE_NUMBER)
        }
        Some(p) => {
            let prev = used.iter().filter(|u| **u < p).max().copied().unwrap_or(0);
            let ten = p.saturating_sub(1) / 10 * 10;
            if ten > prev {
                Some(ten)
            } else {
                Some(p.saturating_sub(1)).filter(|n| *n > prev)
            }
        }
    }
}

/// The names in use in one channel: all of them (case-folded, for collisions) and, per rule
/// stem, the highest sequence number in use, so the next free name of a stem is found without
/// reading the names of that stem again (a stem shared by n planned rules costs O(n), not
/// O(n²)).
#[derive(Debug, Default)]
struct UsedNames {
    folded: HashSet<String>,
    highest: HashMap<RuleStem, u32>,
}

impl UsedNames {
    fn add(&mut self, name: &str, convention: &Convention) {
        self.folded.insert(name.to_ascii_lowercase());
        if let Some(id) = convention.rule_identity(name) {
            self.add_sequence(id.stem(), id.sequence);
        }
    }

    /// [`UsedNames::add`] for a name [`rule_name`] formatted from `stem` and `sequence`:
    /// formatting checks that the name parses back to them, so it is not parsed again.
    fn add_planned(&mut self, name: &str, stem: &RuleStem, sequence: u32) {
        self.folded.insert(name.to_ascii_lowercase());
        match self.highest.get_mut(stem) {
            Some(h) => *h = (*h).max(sequence),
            None => {
                self.highest.insert(stem.clone(), sequence);
            }
        }
    }

    fn add_sequence(&mut self, stem: RuleStem, sequence: u32) {
        let h = self.highest.entry(stem).or_insert(sequence);
        *h = (*h).max(sequence);
    }

    fn contains(&self, name: &str) -> bool {
        self.folded.contains(&name.to_ascii_lowercase())
    }
}

/// The next rule name free in every one of `used` (the channels of one name group), and its
/// stem and sequence number when it follows the convention (as [`mccs_naming::next_free`]
/// would give over the names of the stem; a name `format_rule` writes parses back to them).
fn rule_name(
    project_sets: &HashMap<LicensePlate, &ProjectSet>,
    owner: Option<&EnvRef>,
    direction: Direction,
    flows: &[Name],
    convention: &Convention,
    used: &[&UsedNames],
) -> (String, Option<(RuleStem, u32)>) {
    let taken = |name: &str| used.iter().any(|u| u.contains(name));
    let stem = owner.and_then(|o| {
        let ps = project_sets.get(&o.license_plate)?;
        Some(RuleStem {
            ministry: ps.ministry,
            platform: ps.platform,
            license_plate: ps.license_plate,
            environment: o.environment.clone(),
            direction,
        })
    });
    if let Some(stem) = stem {
        // As `next_free` over the names of this stem in every channel: one past the highest
        // sequence in use, then on while a name is taken (ignoring case, by any name).
        let highest = used
            .iter()
            .filter_map(|u| u.highest.get(&stem).copied())
            .max();
        let mut sequence = highest.map_or(Some(1), |h| h.checked_add(1));
        while let Some(n) = sequence {
            let Ok(name) = convention.format_rule(&stem.with_sequence(n)) else {
                break;
            };
            if !taken(&name) {
                return (name, Some((stem, n)));
            }
            sequence = n.checked_add(1);
        }
    }
    // No Project Set end (e.g. on-prem to the other cloud): name after the flow, numbered.
    let base = format!("MCCS_FLOW_{}", flows.first().map_or("rule", Name::as_str));
    let mut candidate = base.clone();
    let mut i = 2;
    while taken(&candidate) {
        candidate = format!("{base}_{i:02}");
        i += 1;
    }
    (candidate, None)
}

fn address_refs(addresses: &[Addresses]) -> Vec<AddressRef> {
    let mut out = Vec::new();
    for a in addresses {
        out.extend(a.set.to_prefixes().into_iter().map(AddressRef::Prefix));
    }
    out
}

/// Applies a plan to a copy of the topology: each planned rule is added to each of its target
/// firewalls at its placement, with the addresses written out. Planning the same flows on the
/// result asks for nothing.
///
/// ```
/// use mccs_path::{apply, plan, PlanOptions};
/// let t = mccs_model::examples::reference();
/// let first = plan(&t, &t.flows, &PlanOptions::default());
/// let after = apply(&t, &first);
/// assert!(plan(&after, &after.flows, &PlanOptions::default()).rules.is_empty());
/// ```
pub fn apply(topology: &Topology, plan: &Plan) -> Topology {
    let mut t = topology.clone();
    for r in &plan.rules {
        let Ok(name) = r.name.parse::<Name>() else {
            continue;
        };
        let services: Vec<ServiceRef> = r
            .services
            .to_services()
            .into_iter()
            .map(ServiceRef::Literal)
            .collect();
        let services = if services.is_empty() {
            vec![ServiceRef::Literal(Service::Any)]
        } else {
            services
        };
        let mut rule = Rule::new(
            name,
            Action::Allow,
            address_refs(&r.sources),
            address_refs(&r.destinations),
            services,
        );
        if !r.justifications.is_empty() {
            rule = rule.description(r.justifications.join("; "));
        }
        let list = r.list.unwrap_or(RuleList::Inbound);
        for target in &r.targets {
            let Some(fw) = t.firewalls.iter_mut().find(|f| f.name == target.firewall) else {
                continue;
            };
            let rules = fw.list_mut(list);
            let at = match (&target.placement, target.priority) {
                // Numbered lists are evaluated by number; keep the document in that order.
                (_, Some(n)) => rules
                    .iter()
                    .position(|x| x.priority.is_some_and(|p| p > n))
                    .unwrap_or(rules.len()),
                (Placement::Append, None) => rules.len(),
                (Placement::Above { rule }, None) => rules
                    .iter()
                    .position(|x| x.name.as_str() == rule)
                    .unwrap_or(rules.len()),
            };
            let mut placed = rule.clone();
            placed.priority = target.priority;
            rules.insert(at, placed);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::{
        Dim, DimHasher, KeyIndex, NeedKey, Seen, TraceHashes, Wanted, free_number, reserve_at_rate,
    };
    use crate::trace::Addresses;
    use std::sync::Arc;

    /// The needs list is sized for every flow at the rate of the flows planned so far, plus a
    /// sixteenth, and only when it lacks that room; nothing overflows on huge figures.
    #[test]
    fn needs_are_sized_at_the_rate_of_the_first_flows() {
        // 1,024 flows made 3,072 needs: 100,000 flows will make about 300,000.
        assert_eq!(
            reserve_at_rate(3_072, 100_000, 1_024, 100_000),
            Some(315_678)
        );
        let more = reserve_at_rate(3_072, 100_000, 1_024, 100_000).unwrap();
        assert!(3_072 + more >= 300_000 && 3_072 + more <= 300_000 + 300_000 / 15);
        // Room enough already: nothing to do.
        assert_eq!(reserve_at_rate(3_072, 400_000, 1_024, 100_000), None);
        // A first flow that made 1,000 needs of a 10,000-flow document does not reserve ten
        // million: at most four times the room there is.
        assert_eq!(reserve_at_rate(1_000, 1_000, 1, 10_000), Some(3_000));
        assert_eq!(reserve_at_rate(0, 0, 1, 10), None);
        // No needs yet, or every flow done: nothing beyond what is there.
        assert_eq!(reserve_at_rate(0, 0, 1_024, 100_000), None);
        assert_eq!(reserve_at_rate(10, 10, 10, 10), None);
        // Saturating arithmetic, never a panic.
        assert_eq!(reserve_at_rate(usize::MAX, usize::MAX, 1, usize::MAX), None);
        assert_eq!(reserve_at_rate(5, 5, 0, 1), None);
        assert_eq!(reserve_at_rate(64, 64, 1, 2), Some(72));
    }

    /// A step's borrowed need hashes and compares as the need it becomes, and no field it
    /// leaves out of the comparison could tell two needs apart.
    #[test]
    fn a_wanted_need_finds_the_need_it_becomes() {
        let net = |p: &str| {
            Arc::new(Addresses {
                party: crate::Party::Prefix,
                set: crate::AddrSet::from_prefix(p.parse().unwrap()),
            })
        };
        let (src, dst) = (net("10.0.0.0/24"), net("10.1.0.0/24"));
        let services = crate::SvcSet::any();
        let flow: mccs_model::Name = "f1".parse().unwrap();
        let justification = vec![String::from("why")];
        let owner = None;
        let hasher = DimHasher::default();
        let hashes = TraceHashes::default().of(
            &hasher,
            std::slice::from_ref(&src),
            std::slice::from_ref(&dst),
            &services,
        );
        let wanted = |before: Option<&'static str>, step: usize| Wanted {
            key: NeedKey {
                firewall: 3,
                list: None,
                return_traffic: false,
                before,
                direction: mccs_naming::Direction::Outbound,
                owner: &owner,
                sources: std::slice::from_ref(&src),
                destinations: std::slice::from_ref(&dst),
                services: &services,
                hashes,
            },
            role: crate::PathRole::Primary,
            flow: &flow,
            justifications: &justification,
            step: (0, 0, step, false),
        };
        let index = KeyIndex::default();
        for before in [None, Some("deny-all")] {
            let w = wanted(before, 0);
            let h = w.key.hash(&index, None);
            let mut need = wanted(before, 0).into_need();
            // The need it becomes has its key, whole and without any one dimension.
            assert!(need.key().same(&w.key, None));
            assert_eq!(need.key().hash(&index, None), h);
            for free in [Dim::Services, Dim::Destinations, Dim::Sources] {
                assert!(need.key().same(&w.key, Some(free)));
                assert_eq!(
                    need.key().hash(&index, Some(free)),
                    w.key.hash(&index, Some(free))
                );
            }
            // The other placement is another need, whatever the rest.
            let other = wanted(
                if before.is_some() {
                    None
                } else {
                    Some("deny-all")
                },
                0,
            );
            assert!(!need.key().same(&other.key, None));
            assert_ne!(other.key.hash(&index, None), h);
            // Absorbing a second step adds the step only: flow and justification are there.
            wanted(before, 1).absorb_into(&mut need, &mut Seen::default());
            assert_eq!(need.steps, [(0, 0, 0, false), (0, 0, 1, false)]);
            assert_eq!(need.flows, std::slice::from_ref(&flow));
            assert_eq!(need.justifications, justification);
        }
    }

    #[test]
    fn plans_numbering_their_node_names_differently_are_equal() {
        let t = mccs_model::examples::reference();
        let options = crate::PlanOptions::default().with_hops(false);
        let forward = crate::plan(&t, &t.flows, &options);
        let reversed: Vec<_> = t.flows.iter().rev().cloned().collect();
        let backward = crate::plan(&t, &reversed, &options);
        let n = t.flows.len();
        assert!(n > 1);
        for (i, f) in forward.flows.iter().enumerate() {
            let b = &backward.flows[n - 1 - i];
            assert_eq!(f, b);
            for (d, e) in f.directions.iter().zip(&b.directions) {
                for p in 0..d.trace.paths.len() {
                    let names: Vec<_> = d.path_nodes(p).collect();
                    assert!(!names.is_empty());
                    assert_eq!(names, e.path_nodes(p).collect::<Vec<_>>());
                }
            }
        }
        // Different flows stay different.
        assert_ne!(forward.flows[0].directions, forward.flows[1].directions);
    }

    #[test]
    fn hashes_remembered_for_a_trace_equal_fresh_ones() {
        let t = mccs_model::examples::reference();
        let g = crate::NetworkGraph::build(&t);
        let flow = &g.directed_flows(&t.flows[0]).unwrap()[0];
        let (src, dst) = (Arc::clone(&flow.source), Arc::clone(&flow.destination));
        let hasher = DimHasher::default();
        let mut memo = TraceHashes::default();
        // A copy of the same addresses elsewhere in memory hashes the same.
        let twin: Arc<Addresses> = Arc::new(Addresses::clone(&src));
        for list in [
            vec![src.clone()],
            vec![src.clone(), dst.clone()],
            vec![twin, dst.clone()],
        ] {
            let remembered = memo.of(&hasher, &list, &list, &flow.services);
            assert_eq!(remembered.sources, hasher.fresh_list(&list));
            assert_eq!(remembered.destinations, hasher.fresh_list(&list));
            assert_eq!(remembered.services, hasher.hash(&flow.services));
        }
        // Past its bound the memo stops growing and still answers as a fresh hash does.
        let many: Vec<Arc<Addresses>> = (0..super::REMEMBERED * 2)
            .map(|_| Arc::new(Addresses::clone(&src)))
            .collect();
        for a in &many {
            assert_eq!(memo.addresses(&hasher, a), hasher.addresses(a));
        }
        assert_eq!(memo.addresses.len(), super::REMEMBERED);
        // Different lists hash differently (with this seed, as with nearly every seed).
        let one = hasher.fresh_list(std::slice::from_ref(&src));
        assert_ne!(one, hasher.fresh_list(&[dst]));
        assert_ne!(one, hasher.fresh_list(&[src.clone(), src]));
    }

    #[test]
    fn network_acl_rule_numbers() {
        // Appended: the next multiple of 10 after the last number.
        assert_eq!(free_number(&[], None), Some(10));
        assert_eq!(free_number(&[100, 110], None), Some(120));
        assert_eq!(free_number(&[105], None), Some(110));
        assert_eq!(free_number(&[32766], None), None);
        // Below a deny: the largest multiple of 10 above the numbers before it...
        assert_eq!(free_number(&[100, 200], Some(200)), Some(190));
        assert_eq!(free_number(&[100, 120], Some(120)), Some(110));
        // ...else the largest free number there...
        assert_eq!(free_number(&[100, 110], Some(110)), Some(109));
        assert_eq!(free_number(&[5], Some(5)), Some(4));
        // ...and none when there is no room.
        assert_eq!(free_number(&[100, 101], Some(101)), None);
        assert_eq!(free_number(&[1], Some(1)), None);
    }
}
