//! Rulebase evaluation: ordered rules, first match wins, over exact sets, with an index so a
//! flow only looks at rules whose destination can match it.

use mccs_model::{Action, Date, Firewall, FirewallKind, Rule, RuleList};
use serde::Serialize;

use std::collections::HashMap;

use ipnet::IpNet;

use crate::addrset::AddrSet;
use crate::prefix::{PrefixIndex, Values};
use crate::resolve::Resolver;
use crate::svcset::SvcSet;

/// Traffic as a product of sources, destinations and services.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlowBox {
    /// Source addresses.
    pub src: AddrSet,
    /// Destination addresses.
    pub dst: AddrSet,
    /// Services.
    pub svc: SvcSet,
}

impl FlowBox {
    pub(crate) fn is_empty(&self) -> bool {
        self.src.is_empty() || self.dst.is_empty() || self.svc.is_empty()
    }
}

/// One rule, resolved to sets.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pub(crate) src: AddrSet,
    pub(crate) dst: AddrSet,
    pub(crate) svc: SvcSet,
    pub(crate) action: Action,
    pub(crate) expires: Option<Date>,
    /// The rule's name (the document's, or a platform default's such as `DenyAllInBound`).
    pub(crate) name: String,
    /// A platform default rule (an Azure NSG's, an AWS security group's default egress): it is
    /// not in the document, so a planned rule never goes above it but simply into the list.
    pub(crate) default: bool,
    /// What else the rule matches on that the model cannot judge (`Rule::unknown`): traffic
    /// it touches gets the verdict `unknown`.
    pub(crate) unknown: Option<String>,
}

impl CompiledRule {
    /// A platform default rule.
    pub(crate) fn platform_default(name: &str, src: AddrSet, dst: AddrSet, action: Action) -> Self {
        Self {
            src,
            dst,
            svc: SvcSet::any(),
            action,
            expires: None,
            name: name.to_owned(),
            default: true,
            unknown: None,
        }
    }
}

/// A firewall's rulebase, resolved and indexed by destination prefix, then by source prefix.
///
/// A flow meets only the rules whose destination contains (or lies inside) its destination
/// *and* whose source contains (or lies inside) its source; on a large firewall that is a
/// handful of rules, however many there are in all.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledRulebase {
    pub(crate) rules: Vec<CompiledRule>,
    /// Destination prefix -> bucket (one per distinct destination prefix).
    by_dst: PrefixIndex<usize>,
    /// Per bucket: source prefix -> rule numbers (ascending).
    buckets: Vec<PrefixIndex<u32>>,
}

/// How each part of a flow fared at one firewall.
#[derive(Debug, Clone, Default)]
pub(crate) struct Evaluation {
    /// Parts matched by a rule, with the rule's position.
    pub(crate) matched: Vec<(FlowBox, u32)>,
    /// Parts no rule matched (implicit deny).
    pub(crate) unmatched: Vec<FlowBox>,
    /// Set when evaluation stopped at a limit: the verdict is `unknown`.
    pub(crate) exceeded: Option<Exceeded>,
    /// Comparisons of a part with a rule made: the work done, against
    /// `TraceOptions::max_work`.
    pub(crate) checks: u64,
}

/// The limit an evaluation stopped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// The rules cut the flow into more than [`MAX_BOXES`] parts (plus four per rule).
    Parts,
    /// The work allowed ran out (comparisons of a part with a rule).
    Work,
}

/// The parts (boxes of sources × destinations × services) one evaluation may cut a flow into,
/// besides four per rule that can match it: a rule cuts the part it overlaps into at most four
/// (matched, and the rest by source, destination and service), so a rulebase whose rules each
/// cut one part stays within the budget, and cost is bounded by the rulebase's size. Only rules
/// that cut parts already cut, over and over (interleaved prefixes and port ranges written to
/// multiply them), exceed it: that firewall's verdict is then `unknown`, never a guess.
/// The default of `TraceOptions::max_parts`.
pub const MAX_BOXES: usize = 4096;

impl CompiledRulebase {
    /// The firewall's (inbound, or only) rulebase.
    #[cfg(test)]
    pub(crate) fn new(fw: &Firewall, resolver: &Resolver) -> Self {
        Self::list(fw, RuleList::Inbound, resolver, Vec::new())
    }

    /// One list of a firewall in evaluation order (a network ACL's by rule number, ties in
    /// document order; every other firewall's in document order), then `defaults`.
    pub(crate) fn list(
        fw: &Firewall,
        list: RuleList,
        resolver: &Resolver,
        defaults: Vec<CompiledRule>,
    ) -> Self {
        // Disabled rules are kept in the document and never evaluated.
        let mut rules: Vec<&Rule> = fw.list(list).iter().filter(|r| !r.disabled).collect();
        if fw.kind == FirewallKind::NetworkAcl {
            // A stable sort keeps document order for equal (or missing) numbers.
            rules.sort_by_key(|r| r.priority.unwrap_or(u32::MAX));
        }
        let compiled = rules.into_iter().map(|r| CompiledRule {
            src: resolver.address_refs(&r.sources),
            dst: resolver.address_refs(&r.destinations),
            svc: resolver.service_refs(&r.services),
            action: r.action,
            expires: r.expires,
            name: r.name.to_string(),
            default: false,
            unknown: r.unknown.clone(),
        });
        let mut rb = Self::default();
        let mut bucket_of = HashMap::new();
        for (i, rule) in compiled.chain(defaults).enumerate() {
            rb.push(rule, u32::try_from(i).unwrap_or(u32::MAX), &mut bucket_of);
        }
        rb.finish();
        rb
    }

    /// The name of rule `n` (in evaluation order).
    pub(crate) fn name(&self, n: u32) -> &str {
        self.rules.get(n as usize).map_or("", |r| r.name.as_str())
    }

    fn push(&mut self, rule: CompiledRule, n: u32, bucket_of: &mut HashMap<IpNet, usize>) {
        let sources = rule.src.to_prefixes();
        for d in rule.dst.to_prefixes() {
            let b = *bucket_of.entry(d).or_insert_with(|| {
                self.buckets.push(PrefixIndex::default());
                self.by_dst.insert(d, self.buckets.len() - 1);
                self.buckets.len() - 1
            });
            if let Some(bucket) = self.buckets.get_mut(b) {
                for s in &sources {
                    bucket.insert(*s, n);
                }
            }
        }
        self.rules.push(rule);
    }

    fn finish(&mut self) {
        self.by_dst.finish();
        for b in &mut self.buckets {
            b.finish();
        }
    }

    /// Rule numbers whose destination and source can overlap the flow's, ascending.
    pub(crate) fn candidates(&self, flow: &FlowBox) -> Vec<u32> {
        let mut out = Vec::new();
        self.candidates_into(&flow.src, &flow.dst, &mut out);
        out
    }

    /// [`CompiledRulebase::candidates`] into `out` (cleared first), so a caller that evaluates
    /// many flows reuses one buffer.
    pub(crate) fn candidates_into(&self, src: &AddrSet, dst: &AddrSet, out: &mut Vec<u32>) {
        out.clear();
        if self.rules.is_empty() {
            return;
        }
        if let (Some(s), Some(d)) = (src.single_prefix(), dst.single_prefix()) {
            self.candidates_one(s, d, out);
        } else {
            self.candidates_any(src, dst, out);
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    /// The buckets (rules by destination prefix) whose destination can overlap the one prefix
    /// `d`, in no particular order and possibly twice: what a search for candidates to `d`
    /// looks at on the destination side, for [`CompiledRulebase::candidates_in`].
    pub(crate) fn dst_buckets(&self, d: IpNet) -> Vec<u32> {
        let mut out = Vec::new();
        let mut add = |buckets: &Values<usize>| {
            out.extend(buckets.iter().filter_map(|b| u32::try_from(b).ok()));
        };
        self.by_dst.each_containing(d, &mut add);
        if self.by_dst.has_longer(d) {
            for (_, buckets) in self.by_dst.inside(d) {
                add(buckets);
            }
        }
        out
    }

    /// [`CompiledRulebase::candidates_into`] of a destination whose buckets
    /// ([`CompiledRulebase::dst_buckets`] of its one prefix) are known: the source side only.
    pub(crate) fn candidates_in(&self, src: &AddrSet, buckets: &[u32], out: &mut Vec<u32>) {
        out.clear();
        if self.rules.is_empty() {
            return;
        }
        let buckets = buckets.iter().filter_map(|b| self.buckets.get(*b as usize));
        if let Some(s) = src.single_prefix() {
            for bucket in buckets {
                Self::from_bucket(bucket, s, out);
            }
        } else {
            for bucket in buckets {
                for s in src.prefixes() {
                    Self::from_bucket(bucket, s, out);
                }
            }
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    /// The rules of one bucket whose source can overlap the one prefix `s`, unsorted.
    fn from_bucket(bucket: &PrefixIndex<u32>, s: IpNet, out: &mut Vec<u32>) {
        bucket.each_containing(s, |rules| rules.extend_into(out));
        if bucket.has_longer(s) {
            for (_, rules) in bucket.inside(s) {
                rules.extend_into(out);
            }
        }
    }

    /// [`CompiledRulebase::candidates_into`] for a source and a destination of one prefix
    /// each (nearly every flow): the same rules, without iterating over sets' prefixes, found
    /// unsorted.
    fn candidates_one(&self, s: IpNet, d: IpNet, out: &mut Vec<u32>) {
        let from_bucket = |b: usize, out: &mut Vec<u32>| {
            if let Some(bucket) = self.buckets.get(b) {
                Self::from_bucket(bucket, s, out);
            }
        };
        self.by_dst.each_containing(d, |buckets| {
            for b in buckets.iter() {
                from_bucket(b, out);
            }
        });
        if self.by_dst.has_longer(d) {
            for (_, buckets) in self.by_dst.inside(d) {
                for b in buckets.iter() {
                    from_bucket(b, out);
                }
            }
        }
    }

    /// [`CompiledRulebase::candidates_into`] for any sets, found unsorted.
    fn candidates_any(&self, src: &AddrSet, dst: &AddrSet, out: &mut Vec<u32>) {
        for d in dst.prefixes() {
            let inner = (d.prefix_len() < d.max_prefix_len())
                .then(|| self.by_dst.inside(d))
                .into_iter()
                .flatten();
            let inner = inner.map(|(_, v)| v);
            for buckets in self.by_dst.containing_values(d).chain(inner) {
                for bucket in buckets.iter().filter_map(|b| self.buckets.get(b)) {
                    for s in src.prefixes() {
                        for rules in bucket.containing_values(s) {
                            out.extend(rules.iter());
                        }
                        if s.prefix_len() < s.max_prefix_len() {
                            for (_, rules) in bucket.inside(s) {
                                out.extend(rules.iter());
                            }
                        }
                    }
                }
            }
        }
    }

    /// First-match evaluation over the indexed candidates.
    #[cfg(test)]
    pub(crate) fn evaluate(&self, flow: &FlowBox) -> Evaluation {
        self.evaluate_owned(flow.clone(), MAX_BOXES, u64::MAX)
    }

    /// [`CompiledRulebase::evaluate`] on a flow the caller no longer needs, cutting it into at
    /// most `max_parts` parts (plus four per candidate rule) and comparing parts with rules at
    /// most `max_checks` times.
    #[cfg(test)]
    pub(crate) fn evaluate_owned(
        &self,
        flow: FlowBox,
        max_parts: usize,
        max_checks: u64,
    ) -> Evaluation {
        let candidates = self.candidates(&flow);
        self.evaluate_candidates(flow, &candidates, max_parts, max_checks)
    }

    /// First-match evaluation of `flow` over its `candidates` (what
    /// [`CompiledRulebase::candidates_into`] found for it), cutting it into at most `max_parts`
    /// parts (plus four per candidate rule) and comparing parts with rules at most
    /// `max_checks` times.
    pub(crate) fn evaluate_candidates(
        &self,
        flow: FlowBox,
        candidates: &[u32],
        max_parts: usize,
        max_checks: u64,
    ) -> Evaluation {
        let budget = max_parts.saturating_add(candidates.len().saturating_mul(4));
        self.evaluate_rules(flow, candidates.iter().copied(), budget, max_checks)
    }

    /// First-match evaluation of `flow` over the rules `order` names (ascending), cutting it
    /// into at most `max_parts` parts plus four per rule, with at most `max_checks`
    /// comparisons: the rule analysis's view of a rule's neighbours.
    pub(crate) fn evaluate_in(
        &self,
        flow: FlowBox,
        order: Vec<u32>,
        max_parts: usize,
        max_checks: u64,
    ) -> Evaluation {
        let budget = max_parts.saturating_add(order.len().saturating_mul(4));
        self.evaluate_rules(flow, order.into_iter(), budget, max_checks)
    }

    /// First-match evaluation scanning every rule (the reference the index must agree with).
    #[cfg(test)]
    pub(crate) fn evaluate_scan(&self, flow: &FlowBox) -> Evaluation {
        let n = u32::try_from(self.rules.len()).unwrap_or(u32::MAX);
        let budget = MAX_BOXES.saturating_add(self.rules.len().saturating_mul(4));
        self.evaluate_rules(flow.clone(), 0..n, budget, u64::MAX)
    }

    fn evaluate_rules(
        &self,
        flow: FlowBox,
        order: impl Iterator<Item = u32>,
        budget: usize,
        max_checks: u64,
    ) -> Evaluation {
        let mut remaining = vec![flow];
        let mut matched = Vec::new();
        let mut checks: u64 = 0;
        for n in order {
            if remaining.is_empty() {
                break;
            }
            let stop = if remaining.len() + matched.len() > budget {
                Some(Exceeded::Parts)
            } else if checks.saturating_add(remaining.len() as u64) > max_checks {
                // The next rule would pass the work allowed: stop before, not after.
                Some(Exceeded::Work)
            } else {
                None
            };
            if stop.is_some() {
                return Evaluation {
                    matched,
                    unmatched: remaining,
                    exceeded: stop,
                    checks,
                };
            }
            let Some(rule) = self.rules.get(n as usize) else {
                continue;
            };
            checks += remaining.len() as u64;
            let touches = |b: &FlowBox| {
                b.src.overlaps(&rule.src) && b.dst.overlaps(&rule.dst) && b.svc.overlaps(&rule.svc)
            };
            // Most candidate rules touch none of the parts: look before moving any.
            if !remaining.iter().any(touches) {
                continue;
            }
            let mut next = Vec::with_capacity(remaining.len());
            let rule_size =
                (rule.src.intervals() + rule.dst.intervals() + rule.svc.intervals()) as u64;
            for b in remaining {
                if !touches(&b) {
                    next.push(b);
                    continue;
                }
                // Cutting a part costs in proportion to the intervals of both.
                checks = checks.saturating_add(
                    rule_size + (b.src.intervals() + b.dst.intervals() + b.svc.intervals()) as u64,
                );
                if rule.src.covers(&b.src) && rule.dst.covers(&b.dst) && rule.svc.covers(&b.svc) {
                    matched.push((b, n));
                    continue;
                }
                let src_in = b.src.intersection(&rule.src);
                let dst_in = b.dst.intersection(&rule.dst);
                let svc_in = b.svc.intersection(&rule.svc);
                let hit = FlowBox {
                    src: src_in.clone(),
                    dst: dst_in.clone(),
                    svc: svc_in.clone(),
                };
                if hit.is_empty() {
                    next.push(b);
                    continue;
                }
                // What the rule does not match, as at most three disjoint boxes.
                let rest = [
                    FlowBox {
                        src: b.src.difference(&rule.src),
                        dst: b.dst.clone(),
                        svc: b.svc.clone(),
                    },
                    FlowBox {
                        src: src_in.clone(),
                        dst: b.dst.difference(&rule.dst),
                        svc: b.svc.clone(),
                    },
                    FlowBox {
                        src: src_in,
                        dst: dst_in,
                        svc: b.svc.difference(&rule.svc),
                    },
                ];
                next.extend(rest.into_iter().filter(|r| !r.is_empty()));
                matched.push((hit, n));
            }
            remaining = next;
        }
        Evaluation {
            matched,
            unmatched: remaining,
            exceeded: None,
            checks,
        }
    }
}

/// What one firewall does with the traffic that reaches it.
///
/// Deliberately exhaustive (unlike most output types): each word is a promise
/// (docs/verdicts.md), and a new one would change what every consumer must handle, so adding
/// a verdict is a breaking change that a `match` should catch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// Every part of the traffic is allowed, by these rules (in rulebase order).
    Allowed {
        /// The allowing rules.
        rules: Vec<String>,
    },
    /// Nothing of the traffic is allowed, and at least one deny rule matches part of it: these
    /// deny rules drop what they match, the implicit deny the rest (when `implicit_deny_too`).
    /// A rule requested for this firewall goes above the first of them.
    Denied {
        /// The denying rules.
        rules: Vec<String>,
        /// Whether part of the traffic matches no rule and falls to the implicit deny.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        implicit_deny_too: bool,
    },
    /// No rule matches any of the traffic: the implicit deny at the end of the rulebase.
    NoMatchingRule,
    /// The model cannot judge this traffic here: neither allowed nor denied. The flow is
    /// blocked with the reason; nothing is requested for it.
    Unknown {
        /// Why, and what to do.
        reason: String,
    },
    /// Part of the traffic is allowed by a rule today, the rest is not (denied by a rule or by
    /// the implicit deny). Never used when nothing is allowed.
    Partial {
        /// Rules that allow a part.
        allowed_by: Vec<String>,
        /// Rules that deny a part.
        denied_by: Vec<String>,
        /// Sources of the part that is not allowed.
        left_out_sources: String,
        /// Destinations of the part that is not allowed.
        left_out_destinations: String,
        /// Services of the part that is not allowed.
        left_out_services: String,
    },
}

impl Verdict {
    /// Whether the whole of the traffic passes.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed { .. })
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Allowed { rules } => write!(f, "allowed by {}", rules.join(", ")),
            Self::Denied {
                rules,
                implicit_deny_too,
            } => {
                write!(f, "denied by {}", rules.join(", "))?;
                if *implicit_deny_too {
                    f.write_str(" (the rest: no matching rule)")?;
                }
                Ok(())
            }
            Self::NoMatchingRule => f.write_str("no matching rule (implicit deny)"),
            Self::Unknown { reason } => write!(f, "unknown: {reason}"),
            Self::Partial {
                allowed_by,
                denied_by,
                left_out_sources,
                left_out_destinations,
                left_out_services,
            } => {
                write!(
                    f,
                    "partial: allowed by {}",
                    if allowed_by.is_empty() {
                        "nothing".into()
                    } else {
                        allowed_by.join(", ")
                    }
                )?;
                if !denied_by.is_empty() {
                    write!(f, ", denied by {}", denied_by.join(", "))?;
                }
                write!(
                    f,
                    "; left out: {left_out_sources} -> {left_out_destinations} ({left_out_services})"
                )
            }
        }
    }
}

impl Evaluation {
    /// Summarises the evaluation as a verdict, naming rules from the firewall.
    pub(crate) fn verdict(&self, rb: &CompiledRulebase) -> Verdict {
        match self.exceeded {
            Some(Exceeded::Parts) => {
                return Verdict::Unknown {
                    reason: "the rulebase cuts this flow into more parts than evaluation follows; narrow the flow (fewer addresses or ports) or simplify the overlapping rules".into(),
                };
            }
            Some(Exceeded::Work) => {
                return Verdict::Unknown {
                    reason: "evaluating this rulebase for the flow needs more work than allowed; narrow the flow (fewer addresses or ports) or simplify the overlapping rules".into(),
                };
            }
            None => {}
        }
        let mut unknown: Vec<u32> = self
            .matched
            .iter()
            .map(|(_, n)| *n)
            .filter(|n| {
                rb.rules
                    .get(*n as usize)
                    .is_some_and(|r| r.unknown.is_some())
            })
            .collect();
        if !unknown.is_empty() {
            unknown.sort_unstable();
            unknown.dedup();
            let what = unknown
                .iter()
                .filter_map(|n| rb.rules.get(*n as usize))
                .map(|r| {
                    format!(
                        "rule `{}` ({}) also matches on {}",
                        r.name,
                        r.action.as_str(),
                        r.unknown.as_deref().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            return Verdict::Unknown {
                reason: format!(
                    "{what}, which mccs cannot judge: a person must check on the firewall whether it matches this flow"
                ),
            };
        }
        let name = |n: u32| rb.name(n).to_owned();
        let mut allow: Vec<u32> = Vec::new();
        let mut deny: Vec<u32> = Vec::new();
        let mut left: Vec<&FlowBox> = self.unmatched.iter().collect();
        for (b, n) in &self.matched {
            match rb.rules.get(*n as usize).map(|r| r.action) {
                Some(Action::Allow) => allow.push(*n),
                _ => {
                    deny.push(*n);
                    left.push(b);
                }
            }
        }
        for v in [&mut allow, &mut deny] {
            v.sort_unstable();
            v.dedup();
        }
        let names = |v: &[u32]| v.iter().map(|n| name(*n)).collect::<Vec<_>>();
        if left.is_empty() {
            return Verdict::Allowed {
                rules: names(&allow),
            };
        }
        // Nothing allowed: deny rules (and the implicit deny for the rest) allow nothing, which
        // is `denied`, never `partial`.
        if allow.is_empty() {
            if deny.is_empty() {
                return Verdict::NoMatchingRule;
            }
            return Verdict::Denied {
                rules: names(&deny),
                implicit_deny_too: !self.unmatched.is_empty(),
            };
        }
        let (mut s, mut d, mut v) = (AddrSet::new(), AddrSet::new(), SvcSet::default());
        for b in left {
            s = s.union(&b.src);
            d = d.union(&b.dst);
            v = v.union(&b.svc);
        }
        Verdict::Partial {
            allowed_by: names(&allow),
            denied_by: names(&deny),
            left_out_sources: s.to_string(),
            left_out_destinations: d.to_string(),
            left_out_services: v.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mccs_model::{AddressRef, Name, Rule, ServiceRef, Topology};
    use proptest::prelude::*;

    const POOL: [&str; 8] = [
        "any",
        "10.0.0.0/8",
        "10.1.0.0/16",
        "10.1.2.0/24",
        "10.1.2.128/25",
        "10.1.2.7",
        "192.168.0.0/16",
        "10.2.0.0/15",
    ];
    const SERVICES: [&str; 6] = ["any", "tcp", "tcp/443", "tcp/1000-2000", "udp/53", "icmp"];

    fn rule(i: usize, src: usize, dst: usize, svc: usize, allow: bool) -> Rule {
        Rule::new(
            format!("R{i}").parse::<Name>().unwrap(),
            if allow { Action::Allow } else { Action::Deny },
            [POOL[src].parse::<AddressRef>().unwrap()],
            [POOL[dst].parse::<AddressRef>().unwrap()],
            [SERVICES[svc].parse::<ServiceRef>().unwrap()],
        )
    }

    fn firewall(rules: Vec<Rule>) -> Firewall {
        let mut fw = Firewall::new(
            "fw".parse().unwrap(),
            mccs_model::FirewallKind::Other,
            "o",
            "c".parse().unwrap(),
        );
        fw.rules = rules;
        fw
    }

    fn set(i: usize) -> AddrSet {
        if POOL[i] == "any" {
            AddrSet::any()
        } else {
            AddrSet::from_prefix(mccs_model::parse_prefix(POOL[i]).unwrap())
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// The indexed evaluation gives the same verdict as scanning every rule in order.
        #[test]
        fn index_agrees_with_scan(
            rules in prop::collection::vec((0..8usize, 0..8usize, 0..6usize, any::<bool>()), 0..24),
            src in 0..8usize, dst in 0..8usize, svc in 0..6usize,
        ) {
            let fw = firewall(rules.iter().enumerate().map(|(i, r)| rule(i, r.0, r.1, r.2, r.3)).collect());
            let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
            let flow = FlowBox {
                src: set(src),
                dst: set(dst),
                svc: SvcSet::from_services(&[SERVICES[svc].parse().unwrap()]),
            };
            let indexed = rb.evaluate(&flow);
            let scanned = rb.evaluate_scan(&flow);
            prop_assert_eq!(indexed.verdict(&rb), scanned.verdict(&rb));
            prop_assert_eq!(indexed.matched, scanned.matched);
            prop_assert_eq!(indexed.unmatched, scanned.unmatched);
        }

        /// The short cut for one-prefix ends finds the rules the general search finds.
        #[test]
        fn one_prefix_candidates_agree_with_the_general_search(
            rules in prop::collection::vec((0..8usize, 0..8usize, 0..6usize, any::<bool>()), 0..24),
            src in 0..8usize, dst in 0..8usize,
        ) {
            let fw = firewall(rules.iter().enumerate().map(|(i, r)| rule(i, r.0, r.1, r.2, r.3)).collect());
            let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
            let (src, dst) = (set(src), set(dst));
            let mut general = Vec::new();
            rb.candidates_any(&src, &dst, &mut general);
            general.sort_unstable();
            general.dedup();
            let mut found = Vec::new();
            rb.candidates_into(&src, &dst, &mut found);
            prop_assert_eq!(&found, &general);
            if let (Some(s), Some(d)) = (src.single_prefix(), dst.single_prefix()) {
                let mut one = Vec::new();
                rb.candidates_one(s, d, &mut one);
                one.sort_unstable();
                one.dedup();
                prop_assert_eq!(&one, &general);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// The search with the destination's buckets known (a path skeleton's) finds the rules
        /// the search from the sets finds, for one- and many-prefix sources.
        #[test]
        fn candidates_in_known_buckets_agree_with_the_search(
            rules in prop::collection::vec((0..8usize, 0..8usize, 0..6usize, any::<bool>()), 0..24),
            src in 0..8usize, more in prop::option::of(0..8usize), dst in 0..8usize,
        ) {
            let fw = firewall(rules.iter().enumerate().map(|(i, r)| rule(i, r.0, r.1, r.2, r.3)).collect());
            let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
            let src = match more {
                Some(m) => set(src).union(&set(m)),
                None => set(src),
            };
            let dst = set(dst);
            let Some(d) = dst.single_prefix() else { return Ok(()) };
            let mut searched = Vec::new();
            rb.candidates_into(&src, &dst, &mut searched);
            let mut known = vec![7];
            rb.candidates_in(&src, &rb.dst_buckets(d), &mut known);
            prop_assert_eq!(known, searched);
        }
    }

    #[test]
    fn a_deny_rule_and_the_implicit_deny_allow_nothing_so_the_verdict_is_denied() {
        // R0 denies half of the sources; nothing matches the other half.
        let fw = firewall(vec![rule(0, 4, 0, 0, false)]);
        let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
        let flow = FlowBox {
            src: set(3),
            dst: set(5),
            svc: SvcSet::from_services(&["tcp/443".parse().unwrap()]),
        };
        let v = rb.evaluate(&flow).verdict(&rb);
        assert_eq!(
            v,
            Verdict::Denied {
                rules: vec!["R0".into()],
                implicit_deny_too: true,
            }
        );
        assert_eq!(v.to_string(), "denied by R0 (the rest: no matching rule)");
    }

    #[test]
    fn first_match_wins_and_partial_is_reported() {
        let fw = firewall(vec![
            rule(0, 4, 5, 2, true),
            rule(1, 0, 0, 0, false),
            rule(2, 0, 0, 0, true),
        ]);
        let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
        let flow = FlowBox {
            src: set(3),
            dst: set(5),
            svc: SvcSet::from_services(&["tcp/443".parse().unwrap()]),
        };
        let v = rb.evaluate(&flow).verdict(&rb);
        assert_eq!(
            v,
            Verdict::Partial {
                allowed_by: vec!["R0".into()],
                denied_by: vec!["R1".into()],
                left_out_sources: "10.1.2.0/25".into(),
                left_out_destinations: "10.1.2.7/32".into(),
                left_out_services: "tcp/443".into(),
            }
        );
        let all = FlowBox {
            src: set(6),
            ..flow
        };
        assert_eq!(
            rb.evaluate(&all).verdict(&rb),
            Verdict::Denied {
                rules: vec!["R1".into()],
                implicit_deny_too: false,
            }
        );
        let empty = CompiledRulebase::new(&firewall(vec![]), &Resolver::new(&Topology::new()));
        assert_eq!(
            empty.evaluate(&all).verdict(&empty),
            Verdict::NoMatchingRule
        );
    }

    #[test]
    fn a_rule_the_model_cannot_judge_makes_the_verdict_unknown_and_names_it() {
        let flow = FlowBox {
            src: set(3),
            dst: set(5),
            svc: SvcSet::from_services(&["tcp/443".parse().unwrap()]),
        };
        // An allow rule the model cannot judge, before an allow: unknown, never allowed.
        let fw = firewall(vec![
            rule(0, 0, 0, 0, true).unknown("FQDN *.oracle.com"),
            rule(1, 0, 0, 0, true),
        ]);
        let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
        let v = rb.evaluate(&flow).verdict(&rb);
        let Verdict::Unknown { reason } = &v else {
            panic!("{v}")
        };
        assert!(
            reason.contains("rule `R0` (allow) also matches on FQDN *.oracle.com"),
            "{reason}"
        );
        // A deny the model cannot judge before a deny: unknown too (never guessed denied).
        let fw = firewall(vec![
            rule(0, 0, 0, 0, false).unknown("App-ID ssl"),
            rule(1, 0, 0, 0, false),
        ]);
        let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
        assert!(matches!(
            rb.evaluate(&flow).verdict(&rb),
            Verdict::Unknown { .. }
        ));
        // One the traffic never reaches (an earlier rule decides) changes nothing.
        let fw = firewall(vec![
            rule(0, 0, 0, 0, true),
            rule(1, 0, 0, 0, false).unknown("App-ID ssl"),
        ]);
        let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
        assert_eq!(
            rb.evaluate(&flow).verdict(&rb),
            Verdict::Allowed {
                rules: vec!["R0".into()]
            }
        );
        // Nor one that does not overlap the traffic (other destinations).
        let fw = firewall(vec![
            rule(0, 0, 6, 0, true).unknown("FQDN x"),
            rule(1, 0, 0, 0, true),
        ]);
        let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
        assert!(rb.evaluate(&flow).verdict(&rb).is_allowed());
    }

    #[test]
    fn a_disabled_rule_is_never_evaluated() {
        let flow = FlowBox {
            src: set(3),
            dst: set(5),
            svc: SvcSet::from_services(&["tcp/443".parse().unwrap()]),
        };
        let fw = firewall(vec![
            rule(0, 0, 0, 0, false).disabled(),
            rule(1, 0, 0, 0, true),
        ]);
        let rb = CompiledRulebase::new(&fw, &Resolver::new(&Topology::new()));
        assert_eq!(
            rb.evaluate(&flow).verdict(&rb),
            Verdict::Allowed {
                rules: vec!["R1".into()]
            }
        );
    }
}
