//! Path skeletons: what the walk of a flow does from the node after its start on, kept per
//! graph and replayed for the next flows that take the same way.
//!
//! From the node its start routes it to, the walk of a flow whose destination is one prefix
//! depends on the flow only through what the firewalls judge: the routing decisions, the
//! nodes entered, the hops and the paths are the same for every flow with that destination
//! that reaches that node the same way (primary or failover), whatever its source and
//! services, unless something on the way looks at the source (a private NAT that translates
//! some sources only, a network ACL that judges the addresses in its subnets) or splits the
//! destination. The first such flow is walked as always, and recorded: the steps, the order
//! of the judgements (which node judges which traffic, how many steps into the walk), each
//! path's frames. A later flow replays the record: it judges the same nodes in the same order,
//! with the same work left at each, and writes the same paths, without the walk's routing,
//! visiting and bookkeeping.
//!
//! The replay gives what the walk gives, or is not used: a flow whose limits
//! ([`TraceOptions`](super::TraceOptions)) the recorded walk would reach, whose start the
//! recorded walk meets again (a loop for it, not for the recorded one), or whose judgement
//! runs out of work, is walked. A walk that met anything that depends on the flow, reached a
//! limit, or found a path that does not deliver, is not kept. The test
//! `skeletons_replay_what_the_walk_finds` checks replays against the walk on generated
//! topologies, flows and limits.
//!
//! The skeletons of a graph are bounded: at most [`MAX_SKELETONS`] of them, holding at most
//! [`MAX_FRAMES`] frames and judgements in all (a frame is 32 bytes, a judgement 48 and 4 per
//! bucket), so at most about 32 MiB whatever the graph; past that, flows are walked.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use ipnet::IpNet;
use mccs_model::RuleList;
use petgraph::graph::NodeIndex;

use super::{Addresses, Choice, Diagnosis, Frame, PathEnd, PathRole, STEP_WORK, Walk, choose};
use crate::graph::Node;
use crate::prefix::FastMap;

/// The most skeletons a graph keeps.
pub(crate) const MAX_SKELETONS: usize = 32_768;

/// The most frames (hops after the start, over all paths) the skeletons of a graph hold in
/// all; a skeleton is at most a sixteenth of it.
pub(crate) const MAX_FRAMES: usize = 1 << 19;

/// The skeletons of a graph's walks, filled as flows are traced (empty in a clone).
#[derive(Default)]
pub(crate) struct SkeletonCache {
    inner: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// `None`: walks from there do not make a skeleton (they depend on the flow).
    map: FastMap<Key, Option<Box<Skeleton>>>,
    /// Frames held by the skeletons of `map`.
    frames: usize,
}

impl Clone for SkeletonCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl fmt::Debug for SkeletonCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SkeletonCache").finish_non_exhaustive()
    }
}

/// What a skeleton is kept under: the node after the start, the destination prefix, and
/// whether the path is a failover one from there on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    node: u32,
    failover: bool,
    dst: IpNet,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (bits, v4) = match self.dst {
            IpNet::V4(n) => (u128::from(u32::from(n.addr())), true),
            IpNet::V6(n) => (u128::from(n.addr()), false),
        };
        // Splitting the bits in two words is the point of the casts.
        #[allow(clippy::cast_possible_truncation)]
        let (hi, lo) = ((bits >> 64) as u64, bits as u64);
        state.write_u64(lo ^ (u64::from(self.node) << 32));
        state.write_u64(
            hi ^ (u64::from(self.dst.prefix_len()) << 1)
                ^ u64::from(v4)
                ^ (u64::from(self.failover) << 9),
        );
    }
}

/// One frame of a recorded path: what its hop needs besides the flow's own addresses.
#[derive(Debug)]
struct SkFrame {
    node: NodeIndex,
    list: Option<RuleList>,
    /// The source as it arrived: `None` for the flow's own, else a translation's (the same
    /// for every flow).
    src: Option<Arc<Addresses>>,
    /// The judgement (its position among the skeleton's) and the firewall's position.
    judged: Option<(u32, u32)>,
}

/// One judgement of a recorded walk, in the walk's order.
#[derive(Debug)]
struct SkJudge {
    node: NodeIndex,
    index: usize,
    list: Option<RuleList>,
    /// The source judged: `None` for the flow's own.
    src: Option<Arc<Addresses>>,
    /// The nodes entered when the walk judged it (this one included).
    steps: usize,
    /// The buckets of the destination's one prefix in the list's rules (a search for the
    /// candidate rules then probes the source only); `None`: search as the walk does.
    buckets: Option<Box<[u32]>>,
}

/// A recorded walk, from the start on (the start's own frame is the flow's).
#[derive(Debug)]
pub(crate) struct Skeleton {
    /// Nodes entered, the start included.
    steps: usize,
    /// The most frames on the walk's stack when it routed (the start's included).
    max_depth: usize,
    /// Every node a route led to (sorted): a start among them would have been a loop.
    targets: Vec<NodeIndex>,
    judges: Vec<SkJudge>,
    /// Each path in the walk's order: its role and its frames after the start.
    paths: Vec<(PathRole, Vec<SkFrame>)>,
    /// The destination of the recorded flow, as its hops share it: a flow with the same
    /// destination (the same prefix, for the same party) shares it too.
    destination: Arc<Addresses>,
}

impl Skeleton {
    /// Its size, against [`MAX_FRAMES`]: frames, judgements and their buckets.
    fn frames(&self) -> usize {
        let judges: usize = self
            .judges
            .iter()
            .map(|j| 1 + j.buckets.as_ref().map_or(0, |b| b.len()))
            .sum();
        self.paths.iter().map(|(_, f)| f.len()).sum::<usize>() + judges
    }
}

/// What a recording walk notes besides what it finds.
pub(super) struct Recorder {
    start: NodeIndex,
    source: Arc<Addresses>,
    destination: Arc<Addresses>,
    /// Cleared when the walk met something that depends on the flow (or a path that does not
    /// deliver): the walk makes no skeleton.
    pub(super) clean: bool,
    pub(super) max_depth: usize,
    pub(super) targets: Vec<NodeIndex>,
    /// Per judgement made (the walk's memo, in order): the nodes entered by then, and the
    /// buckets its forward search looked in (the destination's one prefix).
    pub(super) judges: Vec<(usize, Option<Box<[u32]>>)>,
    paths: Vec<(PathRole, Vec<SkFrame>)>,
}

impl Recorder {
    pub(super) fn new(
        start: NodeIndex,
        source: &Arc<Addresses>,
        destination: &Arc<Addresses>,
    ) -> Self {
        Self {
            start,
            source: Arc::clone(source),
            destination: Arc::clone(destination),
            clean: true,
            max_depth: 0,
            targets: Vec::new(),
            judges: Vec::new(),
            paths: Vec::new(),
        }
    }

    /// Notes a path the walk found, from its stack.
    pub(super) fn path(&mut self, failover: bool, end: &PathEnd, stack: &[Frame]) {
        if *end != PathEnd::Delivered {
            self.clean = false;
        }
        if !self.clean {
            return;
        }
        // The first frame is the start's, as the flow has it: the replay writes it.
        let Some((first, stack)) = stack.split_first() else {
            self.clean = false;
            return;
        };
        if first.node != self.start
            || first.judged.is_some()
            || first.list.is_some()
            || !Arc::ptr_eq(&first.source, &self.source)
            || !Arc::ptr_eq(&first.destination, &self.destination)
        {
            self.clean = false;
            return;
        }
        let mut frames = Vec::with_capacity(stack.len());
        for f in stack {
            if !Arc::ptr_eq(&f.destination, &self.destination) {
                self.clean = false;
                return;
            }
            let (Ok(m), Ok(fw)) = f.judged.map_or((Ok(0), Ok(0)), |(m, fw)| {
                (u32::try_from(m), u32::try_from(fw))
            }) else {
                self.clean = false;
                return;
            };
            frames.push(SkFrame {
                node: f.node,
                list: f.list,
                src: (!Arc::ptr_eq(&f.source, &self.source)).then(|| Arc::clone(&f.source)),
                judged: f.judged.map(|_| (m, fw)),
            });
        }
        let role = if failover {
            PathRole::Failover
        } else {
            PathRole::Primary
        };
        self.paths.push((role, frames));
    }
}

/// What the trace does for one destination.
pub(super) enum Fast {
    /// The skeleton was replayed: the walk's results are in place.
    Done,
    /// Walk.
    Walk,
    /// Walk, recording the walk as the skeleton of this key.
    Record(Key),
}

/// Whether a diagnosis comes from judging (which a replay makes again), not from the walk.
fn from_judging(d: &Diagnosis) -> bool {
    matches!(
        d,
        Diagnosis::ExpiredRule { .. }
            | Diagnosis::UnknownRule { .. }
            | Diagnosis::TooManyParts { .. }
    )
}

/// Whether the replays of the graph's skeletons are used (tests compare them with the walk).
fn enabled() -> bool {
    #[cfg(test)]
    {
        !WALK_ONLY.with(std::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        true
    }
}

#[cfg(test)]
thread_local! {
    /// Set by tests to trace by the walk alone.
    static WALK_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Skeletons replayed (for tests to see that they are).
    static REPLAYS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Walk<'_> {
    /// Empties what a replay that gave up may have left (the walk starts afresh).
    pub(super) fn reset(&mut self) {
        self.memo.clear();
        self.diagnoses.clear();
        self.paths.clear();
        self.steps = 0;
        self.work = 0;
        self.stopped = false;
    }

    /// Replays the skeleton of the walk from `start` to `dst` (one prefix, whose set is
    /// `destination`'s), if the graph has one that applies; else says whether to record one.
    pub(super) fn fast(
        &mut self,
        start: NodeIndex,
        source: &Arc<Addresses>,
        destination: &Addresses,
        dst: IpNet,
    ) -> Fast {
        let g = self.g;
        if !enabled() {
            return Fast::Walk;
        }
        // The start is entered as the walk enters it: a node with labels, judging nothing.
        match g.node(start) {
            Some(Node::Firewall { .. }) | None => return Fast::Walk,
            Some(_) => {}
        }
        if g.labels.get(start.index()).is_none() {
            return Fast::Walk;
        }
        let Choice::Next(edges) = choose(g, start, dst) else {
            return Fast::Walk;
        };
        let mut routes = edges.iter();
        let (Some(route), None) = (routes.next(), routes.next()) else {
            return Fast::Walk;
        };
        if route.translates || route.target == start {
            return Fast::Walk;
        }
        let Ok(node) = u32::try_from(route.target.index()) else {
            return Fast::Walk;
        };
        let key = Key {
            node,
            failover: route.failover,
            dst,
        };
        // Another thread's trace holding the skeletons: walk rather than wait.
        let Ok(kept) = g.skeletons.inner.try_lock() else {
            return Fast::Walk;
        };
        match kept.map.get(&key) {
            Some(Some(sk)) => {
                if self.replay(sk, start, source, destination) {
                    #[cfg(test)]
                    REPLAYS.with(|r| r.set(r.get() + 1));
                    Fast::Done
                } else {
                    Fast::Walk
                }
            }
            Some(None) => Fast::Walk,
            None if kept.map.len() < MAX_SKELETONS && kept.frames < MAX_FRAMES => Fast::Record(key),
            None => Fast::Walk,
        }
    }

    /// What the walk finds from `start` with the skeleton `sk`, if the walk would not reach
    /// a limit or a loop the recorded one did not; `false` (results to discard) otherwise.
    fn replay(
        &mut self,
        sk: &Skeleton,
        start: NodeIndex,
        source: &Arc<Addresses>,
        destination: &Addresses,
    ) -> bool {
        let o = self.options;
        if sk.steps > o.max_steps
            || sk.max_depth >= o.max_hops
            || sk.paths.len() > o.max_paths
            || sk.targets.binary_search(&start).is_ok()
        {
            return false;
        }
        let step_work =
            |steps: usize| u64::try_from(steps).map_or(u64::MAX, |s| s.saturating_mul(STEP_WORK));
        if step_work(sk.steps) > self.work_limit {
            return false;
        }
        // The hops share the destination: the skeleton's when it is the same, as it is for
        // every flow to the same end (each trace otherwise makes its own).
        let own;
        let destination = if *sk.destination == *destination {
            &sk.destination
        } else {
            own = Arc::new(destination.clone());
            &own
        };
        // Each judgement with the work the walk has done by then: a step per node entered
        // and the comparisons of the judgements before it.
        let mut checks: u64 = 0;
        for j in &sk.judges {
            self.steps = j.steps;
            self.work = step_work(j.steps).saturating_add(checks);
            if self.work > self.work_limit {
                return false;
            }
            let src = j.src.as_ref().unwrap_or(source);
            let judged = self.judge_new(
                j.node,
                j.index,
                j.list,
                src,
                destination,
                j.buckets.as_deref(),
            );
            if self.stopped {
                return false;
            }
            let Some(judged) = judged else { return false };
            checks = self.work.saturating_sub(step_work(j.steps));
            self.memo.push((
                j.node,
                Arc::clone(src),
                Arc::clone(destination),
                Some(judged),
            ));
        }
        self.steps = sk.steps;
        self.work = step_work(sk.steps).saturating_add(checks);
        if self.work > self.work_limit {
            return false;
        }
        self.paths.reserve(sk.paths.len());
        for (role, frames) in &sk.paths {
            // One exact-size pass, each hop written where the list keeps it (as the walk's
            // `path_hops`; pushing them one by one built each on the stack and copied it).
            let rest = frames.iter().map(|f| {
                let judged = f.judged.map(|(m, fw)| (m as usize, fw as usize));
                let src = f.src.as_ref().unwrap_or(source);
                self.hop_of(f.node, f.list, src, destination, judged)
            });
            let hops: Vec<_> = std::iter::once(self.hop_of(start, None, source, destination, None))
                .chain(rest)
                .collect();
            self.paths.push(super::Path {
                role: *role,
                hops,
                end: PathEnd::Delivered,
            });
        }
        true
    }

    /// After a recording walk from `start`: keeps its skeleton under `key`, or that walks
    /// from there make none, or (a walk stopped by a limit) nothing.
    pub(super) fn keep_skeleton(
        &mut self,
        key: Key,
        start: NodeIndex,
        destination: &Arc<Addresses>,
    ) {
        let Some(rec) = self.rec.take() else { return };
        if self.stopped || self.diagnoses.iter().any(Diagnosis::is_limit) {
            return;
        }
        let sk = self.skeleton(rec, start, destination).map(Box::new);
        let frames = sk.as_ref().map_or(0, |s| s.frames());
        if frames > MAX_FRAMES / 16 {
            return;
        }
        let Ok(mut kept) = self.g.skeletons.inner.try_lock() else {
            return;
        };
        if kept.map.len() < MAX_SKELETONS && kept.frames + frames <= MAX_FRAMES {
            kept.frames += frames;
            kept.map.insert(key, sk);
        }
    }

    /// The skeleton of the walk just recorded, if it depends on nothing but its key.
    fn skeleton(
        &self,
        rec: Recorder,
        start: NodeIndex,
        destination: &Arc<Addresses>,
    ) -> Option<Skeleton> {
        if !rec.clean
            || rec.judges.len() != self.memo.len()
            || rec.paths.len() != self.paths.len()
            || !self.diagnoses.iter().all(from_judging)
        {
            return None;
        }
        let mut targets = rec.targets;
        targets.sort_unstable();
        targets.dedup();
        if targets.binary_search(&start).is_ok() {
            return None;
        }
        let mut judges = Vec::with_capacity(self.memo.len());
        for ((node, src, dst, judged), (steps, buckets)) in self.memo.iter().zip(rec.judges) {
            let Some(Node::Firewall { index, list, .. }) = self.g.node(*node) else {
                return None;
            };
            if judged.is_none() || !Arc::ptr_eq(dst, destination) {
                return None;
            }
            // The forward evaluation's destination is the flow's (no network ACL narrows it):
            // its buckets, as the recording walk found them.
            let buckets = buckets.or_else(|| {
                destination
                    .set
                    .single_prefix()
                    .zip(self.g.rulebase(*index, *list))
                    .map(|(d, rb)| rb.dst_buckets(d).into_boxed_slice())
            });
            judges.push(SkJudge {
                node: *node,
                index: *index,
                list: *list,
                src: (!Arc::ptr_eq(src, &rec.source)).then(|| Arc::clone(src)),
                steps,
                buckets,
            });
        }
        Some(Skeleton {
            steps: self.steps,
            max_depth: rec.max_depth,
            targets,
            judges,
            paths: rec.paths,
            destination: rec.destination,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test helpers
mod tests {
    use mccs_model::{
        Action, AddressRef, Date, Endpoint, Environment, Firewall, FirewallKind, FlowEnd,
        HybridLink, Initiator, LinkKind, OnPrem, Platform, ProjectSet, Redundancy, Rule,
        ServiceRef, Topology, VirtualNetwork, Zone,
    };
    use proptest::prelude::*;
    use std::borrow::Cow;

    use super::super::{DirectedFlow, TraceOptions};
    use super::{REPLAYS, WALK_ONLY};
    use crate::{NetworkGraph, SvcSet};

    /// The trace by the walk alone.
    fn walked(
        g: &NetworkGraph<'_>,
        f: &DirectedFlow,
        o: &TraceOptions,
        plan: Option<(u64, u64)>,
    ) -> (super::super::Trace, u64) {
        WALK_ONLY.with(|w| w.set(true));
        let r = g.trace_metered(Cow::Borrowed(f), o, plan);
        WALK_ONLY.with(|w| w.set(false));
        r
    }

    /// Traces every flow with every options, with skeletons (twice: the first may record,
    /// the second replays) and by the walk alone: the same trace, the same work, the same
    /// hop positions.
    fn agree(
        g: &NetworkGraph<'_>,
        flows: &[DirectedFlow],
        options: &[(TraceOptions, Option<(u64, u64)>)],
    ) {
        for (o, plan) in options {
            for f in flows {
                let reference = walked(g, f, o, *plan);
                for _ in 0..2 {
                    let fast = g.trace_metered(Cow::Borrowed(f), o, *plan);
                    assert_eq!(fast, reference, "flow {f:?} with {o:?}, {plan:?}");
                    let positions = |t: &super::super::Trace| -> Vec<Vec<u32>> {
                        t.paths
                            .iter()
                            .map(|p| p.hops.iter().map(|h| h.index.0).collect())
                            .collect()
                    };
                    assert_eq!(positions(&fast.0), positions(&reference.0));
                }
            }
        }
    }

    /// Flows between every pair of the graph's ends (environments, named ends, and the
    /// prefixes nodes hold), both ways.
    fn all_flows(g: &NetworkGraph<'_>, services: &[&str]) -> Vec<DirectedFlow> {
        let mut ends: Vec<FlowEnd> = g
            .env_nodes
            .keys()
            .map(|e| FlowEnd::Environment(e.clone()))
            .collect();
        ends.extend(g.end_nodes.keys().map(|n| n.parse().unwrap()));
        ends.extend(g.owned.iter().flatten().map(|p| FlowEnd::Prefix(*p)));
        ends.sort_by_key(ToString::to_string);
        ends.dedup();
        let svc: Vec<_> = services.iter().map(|s| s.parse().unwrap()).collect();
        let svc = SvcSet::from_services(&svc);
        let mut flows = Vec::new();
        for s in &ends {
            for d in &ends {
                if let Ok(fs) = g.directed("probe", s, d, &svc, Initiator::Source) {
                    flows.extend(fs);
                }
            }
        }
        flows
    }

    fn options(
        steps: usize,
        hops: usize,
        paths: usize,
        work: u64,
        parts: usize,
    ) -> Vec<(TraceOptions, Option<(u64, u64)>)> {
        let today = Date::new(2030, 1, 1).unwrap();
        vec![
            (TraceOptions::default(), None),
            (
                TraceOptions::default().with_today(today),
                Some((1_000_000, 1_000_000)),
            ),
            (TraceOptions::default().with_max_steps(steps), None),
            (TraceOptions::default().with_max_hops(hops), None),
            (TraceOptions::default().with_max_paths(paths), None),
            (TraceOptions::default().with_max_work(work), None),
            (TraceOptions::default().with_max_parts(parts), None),
            (TraceOptions::default(), Some((5_000, work))),
            (TraceOptions::default(), None),
        ]
    }

    /// The sizes docs/performance.md gives for the bound on a graph's skeletons.
    #[test]
    fn skeleton_parts_are_as_small_as_documented() {
        assert!(std::mem::size_of::<super::SkFrame>() <= 32);
        assert!(std::mem::size_of::<super::SkJudge>() <= 48);
    }

    #[test]
    fn skeletons_replay_what_the_walk_finds_in_the_examples() {
        REPLAYS.with(|r| r.set(0));
        for t in [
            mccs_model::examples::reference(),
            mccs_model::examples::cross_cloud(),
            mccs_model::examples::lza_data_subnet(),
        ] {
            let g = NetworkGraph::build(&t);
            let mut flows: Vec<DirectedFlow> = t
                .flows
                .iter()
                .filter_map(|f| g.directed_flows(f).ok())
                .flatten()
                .collect();
            flows.extend(all_flows(&g, &["tcp/443", "udp/53"]));
            for (steps, hops, paths, work) in [
                (1, 1, 1, 64),
                (3, 3, 1, 200),
                (6, 5, 2, 500),
                (9, 7, 3, 1000),
            ] {
                agree(&g, &flows, &options(steps, hops, paths, work, 0));
            }
        }
        assert!(
            REPLAYS.with(std::cell::Cell::get) > 1000,
            "the skeletons are used"
        );
    }

    const SERVICES: [&str; 5] = ["tcp/443", "tcp/1521", "tcp/1000-2000", "udp/53", "any"];
    const ENVS: [&str; 3] = ["dev", "test", "prod"];

    /// A topology of `aws`/Azure Project Sets (each environment's index), zones (with so many
    /// endpoints), hybrid links present, and rules (firewall, source, destination, service,
    /// allow) over the ends.
    #[allow(clippy::type_complexity)]
    fn build(
        project_sets: &[(bool, Vec<usize>)],
        zones: &[usize],
        links: [bool; 4],
        rules: &[(usize, usize, usize, usize, bool)],
    ) -> Topology {
        let fw = |name: &str, kind, platform: Option<Platform>| {
            let f = Firewall::new(name.parse().unwrap(), kind, "owner", "net".parse().unwrap());
            match platform {
                Some(p) => f.platform(p),
                None => f,
            }
        };
        let mut t = Topology::new();
        t.firewalls = vec![
            fw("aws-fw", FirewallKind::Cloud, Some(Platform::AwsLza)),
            fw("azure-fw", FirewallKind::Cloud, Some(Platform::AzureAlz)),
            fw("edge", FirewallKind::Edge, None),
        ];
        let mut ends: Vec<AddressRef> = Vec::new();
        for (i, (aws, envs)) in project_sets.iter().enumerate() {
            let mut ps = ProjectSet::new(
                format!("ps{i:04}").parse().unwrap(),
                "CITZ".parse().unwrap(),
                if *aws {
                    Platform::AwsLza
                } else {
                    Platform::AzureAlz
                },
            );
            for &e in envs {
                let cidr: ipnet::IpNet = format!("10.{i}.{e}.0/24").parse().unwrap();
                ps.environments.insert(
                    ENVS[e].parse::<Environment>().unwrap(),
                    VirtualNetwork::new(format!("acct{i}{e}"), "ca-central-1".into(), vec![cidr]),
                );
                ends.push(AddressRef::Prefix(cidr));
                ends.push(AddressRef::Prefix(
                    format!("10.{i}.{e}.128/25").parse().unwrap(),
                ));
            }
            t.project_sets.push(ps);
        }
        let mut on_prem = OnPrem::new("edge".parse().unwrap());
        for (z, &endpoints) in zones.iter().enumerate() {
            let name = format!("zone{z}-fw");
            t.firewalls.push(fw(&name, FirewallKind::Zone, None));
            let cidr: ipnet::IpNet = format!("172.16.{z}.0/24").parse().unwrap();
            ends.push(AddressRef::Prefix(cidr));
            let mut zone = Zone::new(
                format!("zone{z}").parse().unwrap(),
                name.parse().unwrap(),
                [cidr],
            );
            for e in 0..endpoints {
                let a: std::net::IpAddr = format!("172.16.{z}.{}", 10 + e).parse().unwrap();
                ends.push(AddressRef::Prefix(a.into()));
                zone = zone.endpoint(Endpoint::new(format!("host{z}{e}").parse().unwrap(), a));
            }
            on_prem.zones.push(zone);
        }
        t.on_prem = Some(on_prem);
        for (i, (kind, red)) in [
            (LinkKind::DirectConnect, Redundancy::Primary),
            (LinkKind::DirectConnect, Redundancy::Secondary),
            (LinkKind::ExpressRoute, Redundancy::Primary),
            (LinkKind::ExpressRoute, Redundancy::Secondary),
        ]
        .into_iter()
        .enumerate()
        {
            if links[i] {
                t.hybrid_links.push(HybridLink::new(
                    format!("link{i}").parse().unwrap(),
                    kind,
                    red,
                    mccs_model::Encryption::Ipsec,
                ));
            }
        }
        let addr = |i: usize| {
            if i.is_multiple_of(7) || ends.is_empty() {
                AddressRef::Any
            } else {
                ends[i % ends.len()].clone()
            }
        };
        for (n, (f, s, d, svc, allow)) in rules.iter().enumerate() {
            let f = f % t.firewalls.len();
            let rule = Rule::new(
                format!("R{n}").parse().unwrap(),
                if *allow { Action::Allow } else { Action::Deny },
                [addr(*s)],
                [addr(*d)],
                [SERVICES[*svc].parse::<ServiceRef>().unwrap()],
            );
            let rule = if n.is_multiple_of(5) {
                rule.expires(Date::new(2020, 1, 1).unwrap())
            } else {
                rule
            };
            t.firewalls[f].rules.push(rule);
        }
        t
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// On generated topologies, every flow between their ends, under limits that stop
        /// the walk anywhere: a replayed skeleton gives what the walk gives.
        #[test]
        fn skeletons_replay_what_the_walk_finds(
            project_sets in prop::collection::vec((any::<bool>(), prop::collection::vec(0..3usize, 1..3)), 1..4),
            zones in prop::collection::vec(1..4usize, 1..4),
            links in any::<[bool; 4]>(),
            rules in prop::collection::vec((0..6usize, 0..40usize, 0..40usize, 0..5usize, any::<bool>()), 0..30),
            svc in prop::collection::vec(0..5usize, 1..3),
            limits in (1..14usize, 1..9usize, 1..4usize, 1..1500u64, 0..4usize),
        ) {
            let t = build(&project_sets, &zones, links, &rules);
            let g = NetworkGraph::build(&t);
            let services: Vec<&str> = svc.iter().map(|i| SERVICES[*i]).collect();
            let flows = all_flows(&g, &services);
            let (steps, hops, paths, work, parts) = limits;
            agree(&g, &flows, &options(steps, hops, paths, work, parts));
        }
    }
}
