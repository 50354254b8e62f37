//! What changed between two topologies: each firewall's rulebase (rules added, removed,
//! reordered, changed), the verdicts that changed on which firewall and why, for every declared
//! flow and for flows sampled between the networks the changed rules touch, and the requests a
//! plan would add or drop.
//!
//! Fast because it judges again only what a change can reach: the rulebases are compared rule
//! by rule first, and a flow is traced in the new topology only when one of its hops in the old
//! one meets a changed rule (its traffic there overlaps the rule's old or new match), or when
//! its ends, or anything but the firewalls' rules, changed.

use std::collections::{HashMap, HashSet};

use mccs_model::{Action, FlowEnd, Initiator, RuleList, Topology};
use serde::Serialize;

use crate::addrset::AddrSet;
use crate::eval::{CompiledRule, CompiledRulebase, FlowBox, Verdict};
use crate::graph::NetworkGraph;
use crate::plan::{PlanOptions, plan_with};
use crate::reach::ReachOutcome;
use crate::svcset::SvcSet;
use crate::trace::{DirectedFlow, PathEnd, Trace};

/// The default of [`DiffOptions::max_sampled_pairs`].
pub const MAX_SAMPLED_PAIRS: usize = 2_000;

/// The default of [`DiffOptions::networks_per_rule`].
pub const NETWORKS_PER_RULE: usize = 8;

/// The default of [`DiffOptions::max_reorder_checks`].
pub const MAX_REORDER_CHECKS: u64 = 50_000_000;

/// Settings for [`diff`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiffOptions {
    /// How flows are traced and the plans made (the same options for both topologies).
    pub plan: PlanOptions,
    /// The most flows sampled between pairs of networks, over both topologies (default
    /// [`MAX_SAMPLED_PAIRS`]). Pairs the changed rules touch come first.
    pub max_sampled_pairs: usize,
    /// Per changed rule, the most source networks and the most destination networks its
    /// addresses touch that are sampled (default [`NETWORKS_PER_RULE`]: up to 64 pairs a rule).
    pub networks_per_rule: usize,
    /// The most comparisons spent finding, for each reordered rule, the rules it moved past
    /// that share traffic with it (default [`MAX_REORDER_CHECKS`]); past it, reordered rules
    /// are sampled by their own match only, and [`Sampled::complete`] is false.
    pub max_reorder_checks: u64,
}

impl Default for DiffOptions {
    fn default() -> Self {
        Self {
            plan: PlanOptions::default(),
            max_sampled_pairs: MAX_SAMPLED_PAIRS,
            networks_per_rule: NETWORKS_PER_RULE,
            max_reorder_checks: MAX_REORDER_CHECKS,
        }
    }
}

impl DiffOptions {
    /// These options with `plan` as the plan (and trace) options.
    pub fn with_plan(mut self, plan: PlanOptions) -> Self {
        self.plan = plan;
        self
    }

    /// These options with at most `n` sampled flows.
    pub fn with_max_sampled_pairs(mut self, n: usize) -> Self {
        self.max_sampled_pairs = n;
        self
    }
}

/// Whether a firewall is in both topologies or only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FirewallStatus {
    /// Only in the new topology: every rule is added.
    Added,
    /// Only in the old topology: every rule is removed.
    Removed,
    /// In both, with a changed list.
    Changed,
}

/// How one rule changed. Positions are in evaluation order, from 1 (a network ACL's by rule
/// number), as `mccs rules` numbers them; disabled rules are not evaluated, so disabling a rule
/// shows as removing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "change", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RuleChangeKind {
    /// Only in the new rulebase.
    Added {
        /// Its position in the new rulebase.
        position: usize,
    },
    /// Only in the old rulebase.
    Removed {
        /// Its position in the old rulebase.
        position: usize,
    },
    /// In both, but its order relative to the other rules changed (the fewest rules that
    /// explain the new order are reported as moved; rules that only shift because others were
    /// added or removed are not).
    Reordered {
        /// Its position in the old rulebase.
        from: usize,
        /// Its position in the new rulebase.
        to: usize,
    },
    /// In both under the same name, matching something else.
    Changed {
        /// Its position in the old rulebase.
        from: usize,
        /// Its position in the new rulebase.
        to: usize,
        /// What differs: `action`, `sources`, `destinations`, `services`, `expires`, `unknown`
        /// (object and service names are resolved: a changed object changes the rules naming it).
        what: Vec<String>,
    },
    /// Matching the same traffic with the same action under another name (matched by content).
    Renamed {
        /// Its old name.
        was: String,
        /// Its position in the new rulebase.
        position: usize,
    },
}

/// One changed rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RuleChange {
    /// The rule's name (the new one when renamed).
    pub rule: String,
    /// How it changed.
    #[serde(flatten)]
    pub kind: RuleChangeKind,
}

/// The changes to one list of one firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RulebaseChange {
    /// The firewall.
    pub firewall: String,
    /// For a security group / NSG or network ACL: which list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<RuleList>,
    /// Whether the firewall is new, gone, or changed.
    pub status: FirewallStatus,
    /// The changed rules, by position (new rulebase first; removed rules at their old
    /// position).
    pub rules: Vec<RuleChange>,
}

/// Where a flow judged by the diff comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FlowOrigin {
    /// A flow of the topology (`flows:`), old or new.
    Declared,
    /// A flow sampled between two networks ([`Sampled`]).
    Sampled,
}

/// Why a firewall's verdict changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "reason", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Reason {
    /// This rule was added and now decides (part of) the traffic.
    Added {
        /// The rule.
        rule: String,
    },
    /// This rule decided (part of) the traffic and was removed.
    Removed {
        /// The rule.
        rule: String,
    },
    /// This rule, deciding before or after, matches something else now.
    Changed {
        /// The rule.
        rule: String,
        /// What differs ([`RuleChangeKind::Changed`]).
        what: Vec<String>,
    },
    /// This rule now comes before these rules, which it came after: first match decides
    /// otherwise.
    Reordered {
        /// The rule now first.
        rule: String,
        /// The deciding rules it is now above.
        now_above: Vec<String>,
    },
    /// The firewall is on the flow's paths in only one of the topologies.
    Path {
        /// `old` or `new`: where it is on the paths.
        only_in: String,
    },
    /// No changed rule of this firewall decides the traffic: what reaches the firewall changed
    /// (routing, addresses, translation), or a platform default.
    Elsewhere,
    /// A verdict is `unknown` (a rule mccs cannot judge, or a limit): what changed is not
    /// claimed.
    NotJudged,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Added { rule } => write!(f, "rule `{rule}` added"),
            Self::Removed { rule } => write!(f, "rule `{rule}` removed"),
            Self::Changed { rule, what } => {
                write!(f, "rule `{rule}` changed ({})", what.join(", "))
            }
            Self::Reordered { rule, now_above } => {
                let above: Vec<String> = now_above.iter().map(|r| format!("`{r}`")).collect();
                write!(f, "reordered: `{rule}` now above {}", above.join(", "))
            }
            Self::Path { only_in } => {
                write!(
                    f,
                    "the firewall is on the paths only in the {only_in} topology"
                )
            }
            Self::Elsewhere => f.write_str(
                "no changed rule of this firewall decides it: the traffic reaching it changed",
            ),
            Self::NotJudged => f.write_str("a verdict is unknown: not judged"),
        }
    }
}

/// A firewall whose verdict on a flow changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct VerdictChange {
    /// The firewall.
    pub firewall: String,
    /// For a security group / NSG or network ACL: the list that judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<RuleList>,
    /// Whether this is a stateless filter's verdict on the return traffic.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub return_traffic: bool,
    /// Its verdicts in the old topology, one per distinct verdict over the paths (primary
    /// first); empty when it is on no path.
    pub old: Vec<Verdict>,
    /// Its verdicts in the new topology.
    pub new: Vec<Verdict>,
    /// Why, in rulebase order of the changes.
    pub reasons: Vec<Reason>,
}

/// A flow (in one direction) whose outcome or firewall verdicts changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct FlowChange {
    /// The declared flow's name, or `SOURCE -> DESTINATION` for a sampled one.
    pub flow: String,
    /// Declared or sampled.
    pub origin: FlowOrigin,
    /// Who opens the connections (addresses, or the network sampled).
    pub source: String,
    /// Who they are opened to.
    pub destination: String,
    /// The services.
    pub services: String,
    /// How far it gets in the old topology (as `mccs reach` ranks it); absent when the flow
    /// is not in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<ReachOutcome>,
    /// How far it gets in the new topology.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<ReachOutcome>,
    /// The firewalls whose verdict changed, in path order.
    pub firewalls: Vec<VerdictChange>,
    /// Problems found on the way in only one of the topologies (`old: ...`, `new: ...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Whether a plan of the new topology adds or drops a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RequestChangeKind {
    /// Needed with the new topology, not the old.
    Added,
    /// Needed with the old topology, not the new.
    Dropped,
}

/// One rule a plan requests for one flow on one firewall, added or dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RequestChange {
    /// Added or dropped.
    pub change: RequestChangeKind,
    /// The request channel.
    pub channel: String,
    /// The firewall the rule is for.
    pub firewall: String,
    /// For a security group / NSG or network ACL: which list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<RuleList>,
    /// Whether it admits a stateless filter's return traffic.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub return_traffic: bool,
    /// The declared flow it is for.
    pub flow: String,
    /// Its sources.
    pub sources: String,
    /// Its destinations.
    pub destinations: String,
    /// Its services.
    pub services: String,
    /// The name the plan gives it (numbering follows the flows planned, so a plan of every
    /// flow may number it otherwise).
    pub name: String,
}

/// What was sampled between networks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Sampled {
    /// Networks (Project Set environments, zones, external networks) in either topology.
    pub networks: usize,
    /// Ordered pairs of them: what "every pair" would trace.
    pub pairs: u64,
    /// Flows sampled and traced in both topologies.
    pub traced: usize,
    /// How they were chosen.
    pub how: String,
    /// Whether every pair the changed rules touch was sampled (false when a limit left some
    /// out).
    pub complete: bool,
}

/// What changed between two topologies ([`diff`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Diff {
    /// Parts of the topology other than rulebases, objects, services and flows that differ
    /// (`project_sets`, `on_prem`, `firewalls`, ...): when any does, every declared flow is
    /// judged again.
    pub topology: Vec<String>,
    /// The changed rulebases, old firewall order, then firewalls only in the new topology.
    pub rulebases: Vec<RulebaseChange>,
    /// The flows whose outcome or verdicts changed: declared flows in the old topology's
    /// order (then those only in the new one), then sampled flows.
    pub flows: Vec<FlowChange>,
    /// The requests a plan would add or drop, for the declared flows.
    pub requests: Vec<RequestChange>,
    /// Declared flows in either topology.
    pub declared: usize,
    /// Declared flows traced again in the new topology (the rest cannot have changed).
    pub rejudged: usize,
    /// What was sampled.
    pub sampled: Sampled,
}

impl Diff {
    /// Whether nothing changed: no rulebase, no part of the topology, no verdict, no request.
    pub fn is_empty(&self) -> bool {
        self.topology.is_empty()
            && self.rulebases.is_empty()
            && self.flows.is_empty()
            && self.requests.is_empty()
    }

    /// Whether a verdict, an outcome or a request changed (what `mccs diff --check` fails on).
    pub fn changes_behaviour(&self) -> bool {
        !self.flows.is_empty() || !self.requests.is_empty()
    }
}

/// One list's diff, kept for judging flows.
struct ListDiff {
    firewall: String,
    list: Option<RuleList>,
    status: FirewallStatus,
    changes: Vec<RuleChange>,
    /// The old and new matches of every changed rule (for reordered rules, their own).
    boxes: Vec<FlowBox>,
    /// Rules it moved past that share traffic with a reordered rule: the shared traffic.
    shared: Vec<(FlowBox, SvcSet)>,
    old_pos: HashMap<String, usize>,
    new_pos: HashMap<String, usize>,
    /// Old name -> new name of renamed rules.
    renamed: HashMap<String, String>,
}

fn rule_box(r: &CompiledRule) -> FlowBox {
    FlowBox {
        src: r.src.clone(),
        dst: r.dst.clone(),
        svc: r.svc.clone(),
    }
}

fn differences(a: &CompiledRule, b: &CompiledRule) -> Vec<String> {
    if a.action == b.action
        && a.src == b.src
        && a.dst == b.dst
        && a.svc == b.svc
        && a.expires == b.expires
        && a.unknown == b.unknown
    {
        return Vec::new();
    }
    let mut what = Vec::new();
    if a.action != b.action {
        what.push("action");
    }
    if a.src != b.src {
        what.push("sources");
    }
    if a.dst != b.dst {
        what.push("destinations");
    }
    if a.svc != b.svc {
        what.push("services");
    }
    if a.expires != b.expires {
        what.push("expires");
    }
    if a.unknown != b.unknown {
        what.push("unknown");
    }
    what.into_iter().map(str::to_owned).collect()
}

/// Positions (into `seq`) of a longest strictly increasing subsequence; ties resolved to the
/// earliest, so the result is deterministic.
fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    let mut tails: Vec<usize> = Vec::new(); // index into seq of the smallest tail per length
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &v) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq.get(t).is_some_and(|&x| x < v));
        prev[i] = k.checked_sub(1).and_then(|p| tails.get(p).copied());
        if k == tails.len() {
            tails.push(i);
        } else if let Some(t) = tails.get_mut(k) {
            *t = i;
        }
    }
    let mut keep = vec![false; seq.len()];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        if let Some(k) = keep.get_mut(i) {
            *k = true;
        }
        at = prev.get(i).copied().flatten();
    }
    keep
}

/// Compares two compiled lists (either may be missing: a firewall added or removed).
fn diff_list(
    firewall: &str,
    list: Option<RuleList>,
    old: Option<&CompiledRulebase>,
    new: Option<&CompiledRulebase>,
    budget: &mut u64,
    complete: &mut bool,
) -> Option<ListDiff> {
    let empty: &[CompiledRule] = &[];
    let a = old.map_or(empty, |r| r.rules.as_slice());
    let b = new.map_or(empty, |r| r.rules.as_slice());
    let status = match (old, new) {
        (None, Some(_)) => FirewallStatus::Added,
        (Some(_), None) => FirewallStatus::Removed,
        _ => FirewallStatus::Changed,
    };
    // Most lists are unchanged: one pass over both says so without building any index.
    if status == FirewallStatus::Changed
        && a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.name == y.name && differences(x, y).is_empty())
    {
        return None;
    }
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::with_capacity(a.len());
    for (i, r) in a.iter().enumerate().rev() {
        by_name.entry(r.name.as_str()).or_default().push(i);
    }
    // (old, new) pairs, matched by name (the k-th of a name with the k-th).
    let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(b.len());
    let mut old_used = vec![false; a.len()];
    let mut new_used = vec![false; b.len()];
    for (j, r) in b.iter().enumerate() {
        if let Some(i) = by_name.get_mut(r.name.as_str()).and_then(Vec::pop) {
            pairs.push((i, j));
            old_used[i] = true;
            new_used[j] = true;
        }
    }
    // Then by content: a rule renamed.
    let mut by_content: HashMap<(FlowBox, Action), Vec<usize>> = HashMap::new();
    for (i, r) in a.iter().enumerate().rev() {
        if !old_used[i] {
            by_content
                .entry((rule_box(r), r.action))
                .or_default()
                .push(i);
        }
    }
    let mut renamed: Vec<(usize, usize)> = Vec::new();
    if !by_content.is_empty() {
        for (j, r) in b.iter().enumerate() {
            if new_used[j] {
                continue;
            }
            if let Some(i) = by_content
                .get_mut(&(rule_box(r), r.action))
                .and_then(Vec::pop)
                .filter(|i| {
                    a.get(*i)
                        .is_some_and(|o| o.expires == r.expires && o.unknown == r.unknown)
                })
            {
                pairs.push((i, j));
                renamed.push((i, j));
                old_used[i] = true;
                new_used[j] = true;
            }
        }
    }
    pairs.sort_unstable();
    let seq: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    let keep = longest_increasing(&seq);
    let renamed_set: HashSet<(usize, usize)> = renamed.iter().copied().collect();
    // (sort key, change, boxes)
    let mut changes: Vec<((usize, u8), RuleChange)> = Vec::new();
    let mut boxes: Vec<FlowBox> = Vec::new();
    let mut moved: Vec<(usize, usize)> = Vec::new();
    for (k, &(i, j)) in pairs.iter().enumerate() {
        let (Some(x), Some(y)) = (a.get(i), b.get(j)) else {
            continue;
        };
        if renamed_set.contains(&(i, j)) {
            changes.push((
                (j, 3),
                RuleChange {
                    rule: y.name.clone(),
                    kind: RuleChangeKind::Renamed {
                        was: x.name.clone(),
                        position: j + 1,
                    },
                },
            ));
        } else {
            let what = differences(x, y);
            if !what.is_empty() {
                boxes.push(rule_box(x));
                boxes.push(rule_box(y));
                changes.push((
                    (j, 2),
                    RuleChange {
                        rule: y.name.clone(),
                        kind: RuleChangeKind::Changed {
                            from: i + 1,
                            to: j + 1,
                            what,
                        },
                    },
                ));
            }
        }
        if !keep.get(k).copied().unwrap_or(true) {
            boxes.push(rule_box(y));
            moved.push((i, j));
            changes.push((
                (j, 1),
                RuleChange {
                    rule: y.name.clone(),
                    kind: RuleChangeKind::Reordered {
                        from: i + 1,
                        to: j + 1,
                    },
                },
            ));
        }
    }
    for (i, r) in a.iter().enumerate() {
        if !old_used[i] {
            boxes.push(rule_box(r));
            changes.push((
                (i, 4),
                RuleChange {
                    rule: r.name.clone(),
                    kind: RuleChangeKind::Removed { position: i + 1 },
                },
            ));
        }
    }
    for (j, r) in b.iter().enumerate() {
        if !new_used[j] {
            boxes.push(rule_box(r));
            changes.push((
                (j, 0),
                RuleChange {
                    rule: r.name.clone(),
                    kind: RuleChangeKind::Added { position: j + 1 },
                },
            ));
        }
    }
    if changes.is_empty() && status == FirewallStatus::Changed {
        return None;
    }
    changes.sort_by_key(|(k, _)| *k);
    // The traffic each reordered rule shares with the rules it moved past.
    let mut shared: Vec<(FlowBox, SvcSet)> = Vec::new();
    for &(i, j) in &moved {
        let Some(r) = b.get(j) else { continue };
        let mut found = 0;
        for &(i2, j2) in &pairs {
            if *budget == 0 {
                *complete = false;
                break;
            }
            *budget -= 1;
            if (i2 < i) == (j2 < j) || (i2, j2) == (i, j) {
                continue;
            }
            let Some(o) = b.get(j2) else { continue };
            if o.svc.overlaps(&r.svc) && o.src.overlaps(&r.src) && o.dst.overlaps(&r.dst) {
                let svc = o.svc.intersection(&r.svc);
                shared.push((
                    FlowBox {
                        src: o.src.intersection(&r.src),
                        dst: o.dst.intersection(&r.dst),
                        svc: svc.clone(),
                    },
                    svc,
                ));
                found += 1;
                if found >= 64 {
                    break;
                }
            }
        }
    }
    let old_pos = a
        .iter()
        .enumerate()
        .rev()
        .map(|(i, r)| (r.name.clone(), i))
        .collect();
    let new_pos = b
        .iter()
        .enumerate()
        .rev()
        .map(|(j, r)| (r.name.clone(), j))
        .collect();
    let renamed = renamed
        .iter()
        .filter_map(|&(i, j)| Some((a.get(i)?.name.clone(), b.get(j)?.name.clone())))
        .collect();
    Some(ListDiff {
        firewall: firewall.to_owned(),
        list,
        status,
        changes: changes.into_iter().map(|(_, c)| c).collect(),
        boxes,
        shared,
        old_pos,
        new_pos,
        renamed,
    })
}

/// Which parts of the topology besides rules, objects, services and flows differ.
fn structure(old: &Topology, new: &Topology) -> Vec<String> {
    let mut out = Vec::new();
    let firewalls = |t: &Topology| {
        t.firewalls
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    f.kind,
                    f.platform,
                    f.channel.clone(),
                    f.owner.clone(),
                    f.ephemeral_ports,
                )
            })
            .collect::<Vec<_>>()
    };
    if firewalls(old) != firewalls(new) {
        out.push("firewalls");
    }
    if old.channels != new.channels {
        out.push("channels");
    }
    if old.project_sets != new.project_sets {
        out.push("project_sets");
    }
    if old.on_prem != new.on_prem {
        out.push("on_prem");
    }
    if old.external_networks != new.external_networks {
        out.push("external_networks");
    }
    if old.hybrid_links != new.hybrid_links {
        out.push("hybrid_links");
    }
    if old.private_links != new.private_links {
        out.push("private_links");
    }
    out.into_iter().map(str::to_owned).collect()
}

/// Every list of every firewall, old order then new-only, compared.
fn rulebases(
    old: &NetworkGraph<'_>,
    new: &NetworkGraph<'_>,
    budget: &mut u64,
    complete: &mut bool,
) -> Vec<ListDiff> {
    let (t0, t1) = (old.topology(), new.topology());
    let index = |t: &Topology| -> HashMap<String, usize> {
        t.firewalls
            .iter()
            .enumerate()
            .rev()
            .map(|(i, f)| (f.name.to_string(), i))
            .collect()
    };
    let (i0, i1) = (index(t0), index(t1));
    let mut names: Vec<(String, Option<usize>, Option<usize>)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for f in t0.firewalls.iter().chain(&t1.firewalls) {
        if seen.insert(f.name.as_str()) {
            let n = f.name.to_string();
            let (a, b) = (i0.get(&n).copied(), i1.get(&n).copied());
            names.push((n, a, b));
        }
    }
    let mut out = Vec::new();
    for (name, a, b) in names {
        let two = |t: &Topology, i: Option<usize>| {
            i.and_then(|i| t.firewalls.get(i))
                .is_some_and(|f| f.kind.has_two_lists())
        };
        let lists: &[Option<RuleList>] = if two(t0, a) || two(t1, b) {
            &[Some(RuleList::Inbound), Some(RuleList::Outbound)]
        } else {
            &[None]
        };
        for list in lists {
            let ra = a.and_then(|i| old.rulebase(i, *list));
            let rb = b.and_then(|i| new.rulebase(i, *list));
            if let Some(d) = diff_list(&name, *list, ra, rb, budget, complete) {
                out.push(d);
            }
        }
    }
    out
}

/// A network the diff samples flows between.
struct Net {
    end: FlowEnd,
    label: String,
}

/// Every Project Set environment, zone and external network of either topology, with an index
/// from address to network.
struct Nets {
    nets: Vec<Net>,
    /// (family, first, last, network), by first address.
    index: Vec<(bool, u128, u128, usize)>,
}

fn interval(n: ipnet::IpNet) -> (bool, u128, u128) {
    match mccs_model::canonical_net(n) {
        ipnet::IpNet::V4(v) => (
            false,
            u128::from(u32::from(v.network())),
            u128::from(u32::from(v.broadcast())),
        ),
        ipnet::IpNet::V6(v) => (true, u128::from(v.network()), u128::from(v.broadcast())),
    }
}

impl Nets {
    fn new(old: &Topology, new: &Topology) -> Self {
        let mut nets = Vec::new();
        let mut index = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut add = |end: FlowEnd, prefixes: &mut dyn Iterator<Item = ipnet::IpNet>| {
            let label = end.to_string();
            if !seen.insert(label.clone()) {
                return;
            }
            let k = nets.len();
            for p in prefixes {
                let (f, lo, hi) = interval(p);
                index.push((f, lo, hi, k));
            }
            nets.push(Net { end, label });
        };
        for t in [new, old] {
            for ps in &t.project_sets {
                for (env, v) in &ps.environments {
                    add(
                        FlowEnd::Environment(mccs_model::EnvRef::new(
                            ps.license_plate,
                            env.clone(),
                        )),
                        &mut v.address_space.iter().copied(),
                    );
                }
            }
            if let Some(op) = &t.on_prem {
                for z in &op.zones {
                    add(
                        FlowEnd::Named(z.name.clone()),
                        &mut z.networks.iter().copied(),
                    );
                }
            }
            for x in &t.external_networks {
                add(
                    FlowEnd::Named(x.name.clone()),
                    &mut x.prefixes.iter().copied(),
                );
            }
        }
        index.sort_unstable();
        Self { nets, index }
    }

    /// The networks `set` touches, up to `cap`, in network order.
    fn touched(&self, set: &AddrSet, cap: usize) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        for p in set.prefixes().take(1024) {
            let (f, lo, hi) = interval(p);
            let start = self.index.partition_point(|e| (e.0, e.1) < (f, lo));
            // A network that starts before the prefix and holds its first address.
            if let Some(e) = start.checked_sub(1).and_then(|s| self.index.get(s))
                && e.0 == f
                && e.2 >= lo
            {
                found.push(e.3);
            }
            for e in self.index.iter().skip(start) {
                if e.0 != f || e.1 > hi || found.len() >= cap * 4 {
                    break;
                }
                found.push(e.3);
            }
            if found.len() >= cap * 4 {
                break;
            }
        }
        found.sort_unstable();
        found.dedup();
        found.truncate(cap);
        found
    }
}

/// The verdicts of a trace per firewall (and list, and forward or return), in path order.
type Verdicts = Vec<((String, Option<RuleList>, bool), Vec<Verdict>)>;

fn verdicts(g: &NetworkGraph<'_>, tr: &Trace) -> Verdicts {
    let mut out: Verdicts = Vec::new();
    for p in &tr.paths {
        for h in &p.hops {
            let fw = h
                .firewall_index()
                .and_then(|i| g.topology().firewalls.get(i))
                .map_or_else(|| h.node().to_owned(), |f| f.name.to_string());
            for (ret, v) in [(false, h.verdict()), (true, h.return_verdict())] {
                let Some(v) = v else { continue };
                let key = (fw.clone(), h.list(), ret);
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, vs)) => {
                        if !vs.contains(v) {
                            vs.push(v.clone());
                        }
                    }
                    None => out.push((key, vec![v.clone()])),
                }
            }
        }
    }
    out
}

fn outcome(tr: &Trace) -> ReachOutcome {
    let mut o = ReachOutcome::Allowed;
    let mut worse = |n: ReachOutcome| {
        if n > o {
            o = n;
        }
    };
    if tr.diagnoses.iter().any(crate::Diagnosis::is_unjudged) {
        worse(ReachOutcome::Unknown);
    }
    if tr.paths.is_empty() || tr.paths.iter().any(|p| p.end != PathEnd::Delivered) {
        worse(ReachOutcome::Blocked);
    }
    for p in &tr.paths {
        for h in &p.hops {
            for v in h.verdict().into_iter().chain(h.return_verdict()) {
                worse(match v {
                    Verdict::Allowed { .. } => ReachOutcome::Allowed,
                    Verdict::Partial { .. } => ReachOutcome::Partial,
                    Verdict::Unknown { .. } => ReachOutcome::Unknown,
                    Verdict::Denied { .. } | Verdict::NoMatchingRule => ReachOutcome::NotAllowed,
                });
            }
        }
    }
    o
}

fn rule_names(v: &Verdict) -> Vec<&str> {
    match v {
        Verdict::Allowed { rules } | Verdict::Denied { rules, .. } => {
            rules.iter().map(String::as_str).collect()
        }
        Verdict::Partial {
            allowed_by,
            denied_by,
            ..
        } => allowed_by
            .iter()
            .chain(denied_by)
            .map(String::as_str)
            .collect(),
        Verdict::NoMatchingRule | Verdict::Unknown { .. } => Vec::new(),
    }
}

/// `v` with the old names of renamed rules replaced by their new names.
fn renamed(v: &Verdict, map: &HashMap<String, String>) -> Verdict {
    if map.is_empty() {
        return v.clone();
    }
    let r = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .map(|n| map.get(n).cloned().unwrap_or_else(|| n.clone()))
            .collect()
    };
    match v {
        Verdict::Allowed { rules } => Verdict::Allowed { rules: r(rules) },
        Verdict::Denied {
            rules,
            implicit_deny_too,
        } => Verdict::Denied {
            rules: r(rules),
            implicit_deny_too: *implicit_deny_too,
        },
        Verdict::Partial {
            allowed_by,
            denied_by,
            left_out_sources,
            left_out_destinations,
            left_out_services,
        } => Verdict::Partial {
            allowed_by: r(allowed_by),
            denied_by: r(denied_by),
            left_out_sources: left_out_sources.clone(),
            left_out_destinations: left_out_destinations.clone(),
            left_out_services: left_out_services.clone(),
        },
        other => other.clone(),
    }
}

/// Why `old` became `new` on this firewall, from its list diffs.
fn reasons(lists: &[&ListDiff], old: &[Verdict], new: &[Verdict]) -> Vec<Reason> {
    let mut out: Vec<Reason> = Vec::new();
    if old.is_empty() || new.is_empty() {
        out.push(Reason::Path {
            only_in: if old.is_empty() { "new" } else { "old" }.to_owned(),
        });
        return out;
    }
    let before: HashSet<&str> = old.iter().flat_map(rule_names).collect();
    let after: HashSet<&str> = new.iter().flat_map(rule_names).collect();
    for d in lists {
        for c in &d.changes {
            let r = c.rule.as_str();
            let reason = match &c.kind {
                RuleChangeKind::Added { .. } if after.contains(r) => {
                    Reason::Added { rule: r.into() }
                }
                RuleChangeKind::Removed { .. } if before.contains(r) => {
                    Reason::Removed { rule: r.into() }
                }
                RuleChangeKind::Changed { what, .. } if before.contains(r) || after.contains(r) => {
                    Reason::Changed {
                        rule: r.into(),
                        what: what.clone(),
                    }
                }
                _ => continue,
            };
            if !out.contains(&reason) {
                out.push(reason);
            }
        }
        // Pairs of deciding rules whose order flipped, the one now first named.
        let mut deciding: Vec<&str> = before.union(&after).copied().collect();
        deciding.sort_unstable_by_key(|n| d.new_pos.get(*n).copied().unwrap_or(usize::MAX));
        for x in &deciding {
            let (Some(xo), Some(xn)) = (d.old_pos.get(*x), d.new_pos.get(*x)) else {
                continue;
            };
            let above: Vec<String> = deciding
                .iter()
                .filter(|y| {
                    d.old_pos.get(**y).is_some_and(|yo| yo < xo)
                        && d.new_pos.get(**y).is_some_and(|yn| yn > xn)
                })
                .map(|y| (*y).to_owned())
                .collect();
            if !above.is_empty() {
                out.push(Reason::Reordered {
                    rule: (*x).to_owned(),
                    now_above: above,
                });
            }
        }
    }
    if out.is_empty() {
        let unknown = |v: &[Verdict]| v.iter().any(|v| matches!(v, Verdict::Unknown { .. }));
        out.push(if unknown(old) || unknown(new) {
            Reason::NotJudged
        } else {
            Reason::Elsewhere
        });
    }
    out
}

/// What a flow looks like in one topology: its directed flows' traces, or why it has none.
type Judged = Result<Vec<Trace>, Vec<String>>;

fn judge(
    g: &NetworkGraph<'_>,
    flows: Result<Vec<DirectedFlow>, crate::FlowError>,
    opts: &crate::TraceOptions,
) -> Judged {
    match flows {
        Ok(fs) => Ok(fs.iter().map(|f| g.trace(f, opts)).collect()),
        Err(e) => Err(e.diagnoses().iter().map(ToString::to_string).collect()),
    }
}

struct Compare<'a> {
    old: &'a NetworkGraph<'a>,
    new: &'a NetworkGraph<'a>,
    lists: &'a [ListDiff],
}

impl Compare<'_> {
    fn lists_of(&self, firewall: &str, list: Option<RuleList>, ret: bool) -> Vec<&ListDiff> {
        self.lists
            .iter()
            .filter(|d| d.firewall == firewall && (ret || d.list == list))
            .collect()
    }

    /// The changes between a flow's judgements, one [`FlowChange`] per direction that changed.
    fn changes(
        &self,
        flow: &str,
        origin: FlowOrigin,
        services: &str,
        ends: (&str, &str),
        (old, new): (Option<&Judged>, Option<&Judged>),
        out: &mut Vec<FlowChange>,
    ) {
        fn traces(j: Option<&Judged>) -> &[Trace] {
            match j {
                Some(Ok(t)) => t.as_slice(),
                _ => &[],
            }
        }
        let (to, tn) = (traces(old), traces(new));
        let errors = |j: Option<&Judged>| match j {
            Some(Err(e)) => e.clone(),
            _ => Vec::new(),
        };
        let n = to.len().max(tn.len()).max(1);
        for k in 0..n {
            let (a, b) = (to.get(k), tn.get(k));
            let present = |j: Option<&Judged>, t: Option<&Trace>| match j {
                None => None,
                Some(Err(_)) => Some(ReachOutcome::Blocked),
                Some(Ok(_)) => Some(t.map_or(ReachOutcome::Blocked, outcome)),
            };
            let (oa, ob) = (present(old, a), present(new, b));
            let va = a.map(|t| verdicts(self.old, t)).unwrap_or_default();
            let vb = b.map(|t| verdicts(self.new, t)).unwrap_or_default();
            let mut firewalls = Vec::new();
            let mut keys: Vec<&(String, Option<RuleList>, bool)> =
                va.iter().map(|(k, _)| k).collect();
            for (k, _) in &vb {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            for key in keys {
                let lists = self.lists_of(&key.0, key.1, key.2);
                let map: HashMap<String, String> = lists
                    .iter()
                    .flat_map(|d| d.renamed.iter().map(|(x, y)| (x.clone(), y.clone())))
                    .collect();
                let before: Vec<Verdict> = va
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.iter().map(|v| renamed(v, &map)).collect())
                    .unwrap_or_default();
                let after: Vec<Verdict> = vb
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                if before == after {
                    continue;
                }
                // Report the old verdicts with the old names.
                let old_verdicts = va
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                let why = reasons(&lists, &old_verdicts, &after);
                firewalls.push(VerdictChange {
                    firewall: key.0.clone(),
                    list: key.1,
                    return_traffic: key.2,
                    old: old_verdicts,
                    new: after,
                    reasons: why,
                });
            }
            let diag = |j: Option<&Judged>, t: Option<&Trace>| -> Vec<String> {
                let mut d = errors(j);
                if let Some(t) = t {
                    d.extend(t.diagnoses.iter().map(ToString::to_string));
                }
                d
            };
            let (da, db) = (diag(old, a), diag(new, b));
            let mut notes: Vec<String> = da
                .iter()
                .filter(|d| !db.contains(d))
                .map(|d| format!("old: {d}"))
                .collect();
            notes.extend(
                db.iter()
                    .filter(|d| !da.contains(d))
                    .map(|d| format!("new: {d}")),
            );
            if firewalls.is_empty() && notes.is_empty() && oa == ob {
                continue;
            }
            let (source, destination) = match b.or(a) {
                Some(t) if origin == FlowOrigin::Declared => {
                    (t.flow.source.to_string(), t.flow.destination.to_string())
                }
                _ => (ends.0.to_owned(), ends.1.to_owned()),
            };
            out.push(FlowChange {
                flow: flow.to_owned(),
                origin,
                source,
                destination,
                services: services.to_owned(),
                old: oa,
                new: ob,
                firewalls,
                notes,
            });
        }
    }
}

/// Whether a flow judged in the old topology (`traces`) meets a changed rule: one of its hops
/// sees traffic that overlaps a changed rule's old or new match on that firewall's list, or is
/// a stateless filter's (whose return verdict any change to the firewall may move).
fn meets_change(g: &NetworkGraph<'_>, traces: &[Trace], lists: &[ListDiff]) -> bool {
    traces.iter().any(|tr| {
        tr.paths.iter().any(|p| {
            p.hops.iter().any(|h| {
                let Some(fw) = h
                    .firewall_index()
                    .and_then(|i| g.topology().firewalls.get(i))
                else {
                    return false;
                };
                let fw = fw.name.as_str();
                let stateless = h.return_verdict().is_some();
                lists.iter().any(|d| {
                    d.firewall == fw
                        && (stateless
                            || (d.list == h.list()
                                && d.boxes.iter().any(|b| {
                                    b.svc.overlaps(&tr.flow.services)
                                        && b.src.overlaps(&h.source().set)
                                        && b.dst.overlaps(&h.destination().set)
                                })))
                })
            })
        })
    })
}

/// What changed between `old` and `new`: the rulebases, every declared flow's verdicts (only
/// the flows a change can reach are traced again), flows sampled between the networks the
/// changed rules touch, and the requests a plan would add or drop. Deterministic: the same
/// topologies give the same [`Diff`], in the documented order.
///
/// What the model cannot judge stays `unknown` in the verdicts ([`Reason::NotJudged`]); a flow
/// that cannot be resolved in one topology is `blocked` there, with why in its notes.
///
/// ```
/// use mccs_path::{DiffOptions, NetworkGraph, Reason, diff};
/// let old = mccs_model::examples::reference();
/// let mut new = old.clone();
/// // Move the 3PG's last rule to the top.
/// let fw = new.firewalls.iter_mut().find(|f| f.name == "3pg").unwrap();
/// let last = fw.rules.pop().unwrap();
/// fw.rules.insert(0, last);
/// let d = diff(&NetworkGraph::build(&old), &NetworkGraph::build(&new), &DiffOptions::default());
/// assert_eq!(d.rulebases.len(), 1);
/// assert!(diff(&NetworkGraph::build(&old), &NetworkGraph::build(&old), &DiffOptions::default()).is_empty());
/// ```
pub fn diff(old: &NetworkGraph<'_>, new: &NetworkGraph<'_>, options: &DiffOptions) -> Diff {
    let (t0, t1) = (old.topology(), new.topology());
    let topts = &options.plan.trace;
    let mut budget = options.max_reorder_checks;
    let mut complete = true;
    let lists = rulebases(old, new, &mut budget, &mut complete);
    let topology = structure(t0, t1);
    let same = topology.is_empty();
    let cmp = Compare {
        old,
        new,
        lists: &lists,
    };

    // Declared flows, by name: old order, then those only in the new topology.
    let by_name = |t: &'_ Topology| -> HashMap<String, usize> {
        t.flows
            .iter()
            .enumerate()
            .rev()
            .map(|(i, f)| (f.name.to_string(), i))
            .collect()
    };
    let (f0, f1) = (by_name(t0), by_name(t1));
    let mut names: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for f in t0.flows.iter().chain(&t1.flows) {
        let n = f.name.to_string();
        if seen.insert(n.clone()) {
            names.push(n);
        }
    }
    let mut flows: Vec<FlowChange> = Vec::new();
    let mut rejudged = 0usize;
    let mut to_plan: Vec<String> = Vec::new();
    for n in &names {
        let a = f0.get(n).and_then(|i| t0.flows.get(*i));
        let b = f1.get(n).and_then(|i| t1.flows.get(*i));
        let before = flows.len();
        let services = |f: &mccs_model::Flow| {
            let g = if b.is_some() { new } else { old };
            crate::resolve_services(g, &f.services).to_string()
        };
        match (a, b) {
            (Some(x), Some(y)) => {
                let da = old.directed_flows(x);
                let db = new.directed_flows(y);
                let ja = judge(old, da.clone(), topts);
                let ends_same = match (&da, &db) {
                    (Ok(p), Ok(q)) => p == q,
                    _ => false,
                };
                let affected = !same
                    || x != y
                    || !ends_same
                    || ja.as_ref().map_or(true, |t| meets_change(old, t, &lists));
                if !affected {
                    continue;
                }
                rejudged += 1;
                let jb = judge(new, db, topts);
                cmp.changes(
                    n,
                    FlowOrigin::Declared,
                    &services(y),
                    ("", ""),
                    (Some(&ja), Some(&jb)),
                    &mut flows,
                );
            }
            (Some(x), None) => {
                let ja = judge(old, old.directed_flows(x), topts);
                cmp.changes(
                    n,
                    FlowOrigin::Declared,
                    &services(x),
                    ("", ""),
                    (Some(&ja), None),
                    &mut flows,
                );
            }
            (None, Some(y)) => {
                rejudged += 1;
                let jb = judge(new, new.directed_flows(y), topts);
                cmp.changes(
                    n,
                    FlowOrigin::Declared,
                    &services(y),
                    ("", ""),
                    (None, Some(&jb)),
                    &mut flows,
                );
            }
            (None, None) => {}
        }
        if flows.len() > before || a.is_none() || b.is_none() || (a != b) {
            to_plan.push(n.clone());
        }
    }
    if !same {
        to_plan = names.clone();
    }

    // Requests: plan the flows that changed, in both.
    let pick = |t: &Topology, f: &HashMap<String, usize>| -> Vec<mccs_model::Flow> {
        to_plan
            .iter()
            .filter_map(|n| f.get(n).and_then(|i| t.flows.get(*i)).cloned())
            .collect()
    };
    let requests = if to_plan.is_empty() {
        Vec::new()
    } else {
        let p0 = plan_with(old, &pick(t0, &f0), &options.plan);
        let p1 = plan_with(new, &pick(t1, &f1), &options.plan);
        requests(&p0, &p1)
    };

    // Sampled flows between networks.
    let nets = Nets::new(t0, t1);
    let total = nets.nets.len() as u64;
    let mut pairs: Vec<(usize, usize, SvcSet)> = Vec::new();
    let mut have: HashSet<(usize, usize, SvcSet)> = HashSet::new();
    let cap = options.networks_per_rule;
    let mut push = |pairs: &mut Vec<(usize, usize, SvcSet)>, s: usize, d: usize, svc: &SvcSet| {
        if s == d {
            return true;
        }
        if pairs.len() >= options.max_sampled_pairs {
            return false;
        }
        if have.insert((s, d, svc.clone())) {
            pairs.push((s, d, svc.clone()));
        }
        true
    };
    'rules: for d in &lists {
        let boxes = d
            .boxes
            .iter()
            .map(|b| (b, &b.svc))
            .chain(d.shared.iter().map(|(b, s)| (b, s)));
        for (b, svc) in boxes {
            let srcs = nets.touched(&b.src, cap);
            let dsts = nets.touched(&b.dst, cap);
            if srcs.len() >= cap || dsts.len() >= cap {
                // More networks than sampled may meet this rule.
                complete = false;
            }
            for s in &srcs {
                for t in &dsts {
                    if !push(&mut pairs, *s, *t, svc) {
                        complete = false;
                        break 'rules;
                    }
                }
            }
        }
    }
    let touched = pairs.len();
    if !same {
        // Routing or networks changed: any pair may change; sample them in order, on any service.
        let any = SvcSet::any();
        'all: for s in 0..nets.nets.len() {
            for t in 0..nets.nets.len() {
                if !push(&mut pairs, s, t, &any) {
                    break 'all;
                }
            }
        }
    }
    let mut sampled_changes = Vec::new();
    for (s, d, svc) in &pairs {
        let (Some(a), Some(b)) = (nets.nets.get(*s), nets.nets.get(*d)) else {
            continue;
        };
        let name = format!("{} -> {}", a.label, b.label);
        let run = |g: &NetworkGraph<'_>| {
            judge(
                g,
                g.directed(&name, &a.end, &b.end, svc, Initiator::Source),
                topts,
            )
        };
        let (ja, jb) = (run(old), run(new));
        cmp.changes(
            &name,
            FlowOrigin::Sampled,
            &svc.to_string(),
            (&a.label, &b.label),
            (Some(&ja), Some(&jb)),
            &mut sampled_changes,
        );
    }
    flows.extend(sampled_changes);
    let how = if same {
        format!(
            "pairs of networks the changed rules' addresses touch (up to {cap} sources and {cap} destinations a rule), on the rules' services"
        )
    } else {
        format!(
            "{touched} pairs the changed rules touch, then pairs in topology order on any service, since the topology changed beyond its rules ({})",
            topology.join(", ")
        )
    };
    let sampled = Sampled {
        networks: nets.nets.len(),
        pairs: total.saturating_mul(total.saturating_sub(1)),
        traced: pairs.len(),
        how,
        complete: complete
            && (same || (pairs.len() as u64) >= total.saturating_mul(total.saturating_sub(1))),
    };
    Diff {
        topology,
        rulebases: lists
            .into_iter()
            .map(|d| RulebaseChange {
                status: d.status,
                firewall: d.firewall,
                list: d.list,
                rules: d.changes,
            })
            .collect(),
        flows,
        requests,
        declared: names.len(),
        rejudged,
        sampled,
    }
}

/// The planned rules of `old` and `new`, one row per flow and target, compared.
fn requests(old: &crate::Plan, new: &crate::Plan) -> Vec<RequestChange> {
    use std::collections::BTreeMap;
    type Key = (
        String,
        String,
        Option<RuleList>,
        bool,
        String,
        String,
        String,
        String,
    );
    let rows = |p: &crate::Plan| -> BTreeMap<Key, String> {
        let mut out = BTreeMap::new();
        for r in &p.rules {
            let join = |a: &[crate::Addresses]| {
                a.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            for t in &r.targets {
                for f in &r.flows {
                    out.insert(
                        (
                            r.channel.to_string(),
                            t.firewall.to_string(),
                            r.list,
                            r.return_traffic,
                            f.to_string(),
                            join(&r.sources),
                            join(&r.destinations),
                            r.services.to_string(),
                        ),
                        r.name.to_string(),
                    );
                }
            }
        }
        out
    };
    let (a, b) = (rows(old), rows(new));
    let mut out = Vec::new();
    for (change, from, other) in [
        (RequestChangeKind::Dropped, &a, &b),
        (RequestChangeKind::Added, &b, &a),
    ] {
        for (k, name) in from {
            if other.contains_key(k) {
                continue;
            }
            let (channel, firewall, list, return_traffic, flow, sources, destinations, services) =
                k.clone();
            out.push(RequestChange {
                change,
                channel,
                firewall,
                list,
                return_traffic,
                flow,
                sources,
                destinations,
                services,
                name: name.clone(),
            });
        }
    }
    out.sort();
    out
}
