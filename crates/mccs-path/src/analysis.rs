//! Rules that do nothing: shadowed, duplicate and redundant rules, and rules that name addresses
//! no network of the topology holds.
//!
//! Exact, not a heuristic: each rule's match (sources × destinations × services) is evaluated as
//! traffic against the rules before it, with the same interval sets and first-match evaluation
//! that judge flows ([`crate::NetworkGraph`]). What reaches the rule is then evaluated against
//! the rules after it (and the platform's defaults, and the implicit deny).

use std::collections::HashMap;

use mccs_model::{Action, Name, RuleList, Topology};
use serde::Serialize;

use crate::addrset::AddrSet;
use crate::eval::{CompiledRulebase, Evaluation, FlowBox};
use crate::graph::NetworkGraph;

/// What is wrong with a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RuleFindingKind {
    /// The same sources, destinations, services and action as an earlier rule: it never
    /// matches anything, and removing it changes nothing.
    Duplicate {
        /// The earlier rule.
        of: String,
    },
    /// Earlier rules cover all of it, so it never matches. When a covering rule's action
    /// differs (`conflicting`), the rule's intent is overridden: check which one is meant.
    Shadowed {
        /// The earlier rules that take all of its traffic, in rulebase order.
        by: Vec<String>,
        /// Whether a covering rule does the opposite.
        conflicting: bool,
    },
    /// Some traffic reaches it, but all of that traffic would get the same action without it
    /// (from the rules after it, or the implicit deny): removing it changes no verdict.
    Redundant {
        /// What would decide instead, in rulebase order (`implicit deny` for no rule).
        decided_by: Vec<String>,
    },
    /// A source or destination holds no address of any network the topology knows (Project Set
    /// spaces, zones, endpoints, external networks, PrivateLink and NAT addresses): the network
    /// it was for is gone, or the topology is missing it.
    UnknownAddresses {
        /// `sources` or `destinations`.
        field: String,
        /// The addresses, as prefixes.
        addresses: String,
    },
    /// The analysis of this rule stopped at a limit, or depends on a rule mccs cannot judge:
    /// nothing is claimed about it.
    NotJudged {
        /// Why.
        reason: String,
    },
}

/// One finding about one rule of one firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RuleFinding {
    /// The firewall.
    pub firewall: Name,
    /// For a security group / NSG or network ACL: which list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<RuleList>,
    /// The rule.
    pub rule: String,
    /// Its position in evaluation order (from 1; network ACLs by rule number).
    pub position: usize,
    /// What is wrong.
    #[serde(flatten)]
    pub kind: RuleFindingKind,
}

impl std::fmt::Display for RuleFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.firewall)?;
        if let Some(l) = self.list {
            write!(f, " ({})", l.as_str())?;
        }
        write!(f, ": rule `{}` (#{}) ", self.rule, self.position)?;
        match &self.kind {
            RuleFindingKind::Duplicate { of } => {
                write!(f, "duplicates `{of}`: remove it")
            }
            RuleFindingKind::Shadowed { by, conflicting } => {
                write!(f, "never matches: covered by {}", quoted(by))?;
                if *conflicting {
                    f.write_str(", which do the opposite: check which is meant")
                } else {
                    f.write_str(": remove it, or move it above them")
                }
            }
            RuleFindingKind::Redundant { decided_by } => {
                write!(
                    f,
                    "is redundant: what reaches it gets the same action from {} without it",
                    quoted(decided_by)
                )?;
                if decided_by.iter().any(|d| d == IMPLICIT_DENY) {
                    f.write_str(" (keep it if it guards against allow rules added later)")?;
                }
                Ok(())
            }
            RuleFindingKind::UnknownAddresses { field, addresses } => write!(
                f,
                "{field} {addresses} lie in no network of the topology: the network is gone (remove the rule) or missing from the topology"
            ),
            RuleFindingKind::NotJudged { reason } => write!(f, "not judged: {reason}"),
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| {
            if n == IMPLICIT_DENY {
                n.clone()
            } else {
                format!("`{n}`")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What [`RuleFindingKind::Redundant`] names when nothing but the end of the rulebase decides.
pub const IMPLICIT_DENY: &str = "implicit deny";

/// Limits of the analysis: the same part budget as a trace, per rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnalysisOptions {
    /// The parts one rule's evaluation may cut its match into, besides four per rule met
    /// ([`crate::MAX_BOXES`] by default).
    pub max_parts: usize,
    /// The comparisons of a part with a rule one rule's analysis may make (default 1,000,000).
    pub max_checks: u64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            max_parts: crate::eval::MAX_BOXES,
            max_checks: 1_000_000,
        }
    }
}

/// Every finding about every firewall's rules (or only `firewall`'s), in the order of the
/// topology's firewalls, then evaluation order. Each finding holds on its own: a rule reported
/// as doing nothing can be removed without changing any verdict, but two such rules may be
/// each other's reason (two duplicates), so remove one at a time and analyse again.
///
/// Cost: per rule, the rules the index says can overlap it, before and after it; a rulebase
/// whose rules all overlap (each `any` to `any`) costs the square of its size, bounded per rule
/// by [`AnalysisOptions`].
///
/// ```
/// use mccs_path::{NetworkGraph, RuleFindingKind, analysis_of};
/// let mut t = mccs_model::examples::reference();
/// // A copy of the 3PG's allow rule placed after it never matches.
/// let fw = t.firewalls.iter_mut().find(|f| f.name == "3pg").unwrap();
/// let mut copy = fw.rules[1].clone();
/// copy.name = "COPY".parse()?;
/// fw.rules.push(copy);
/// let g = NetworkGraph::build(&t);
/// let found = analysis_of(&g, None, &Default::default());
/// let f = found.iter().find(|f| f.rule == "COPY").unwrap();
/// assert!(matches!(&f.kind, RuleFindingKind::Duplicate { of } if of == "MCCS_HLTH_LZA_LIVE_def456_prod"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn analysis_of(
    graph: &NetworkGraph<'_>,
    firewall: Option<&Name>,
    options: &AnalysisOptions,
) -> Vec<RuleFinding> {
    let t = graph.topology();
    let known = known_addresses(t);
    let mut out = Vec::new();
    for (i, fw) in t.firewalls.iter().enumerate() {
        if firewall.is_some_and(|n| *n != fw.name) {
            continue;
        }
        let lists: &[Option<RuleList>] = if fw.kind.has_two_lists() {
            &[Some(RuleList::Inbound), Some(RuleList::Outbound)]
        } else {
            &[None]
        };
        for list in lists {
            let Some(rb) = graph.rulebase(i, *list) else {
                continue;
            };
            analyse(&fw.name, *list, rb, &known, options, &mut out);
        }
    }
    out
}

/// Every address a network of the topology holds.
fn known_addresses(t: &Topology) -> AddrSet {
    let mut nets = Vec::new();
    for ps in &t.project_sets {
        for v in ps.environments.values() {
            nets.extend(v.address_space.iter().copied());
            nets.extend(v.secondary_ranges.iter().copied());
            nets.extend(v.subnets.iter().map(|s| s.cidr));
            nets.extend(v.nat_addresses.iter().map(|a| ipnet::IpNet::from(*a)));
        }
    }
    if let Some(op) = &t.on_prem {
        for z in &op.zones {
            nets.extend(z.networks.iter().copied());
            nets.extend(z.endpoints.iter().map(|e| ipnet::IpNet::from(e.address)));
        }
    }
    for x in &t.external_networks {
        nets.extend(x.prefixes.iter().copied());
    }
    for pl in &t.private_links {
        for r in &pl.regions {
            nets.extend(
                r.endpoint_ips
                    .iter()
                    .chain(&r.endpoint_service_ips)
                    .map(|a| ipnet::IpNet::from(*a)),
            );
        }
    }
    AddrSet::from_prefixes(nets.into_iter().map(|n| n.trunc()))
}

fn analyse(
    firewall: &Name,
    list: Option<RuleList>,
    rb: &CompiledRulebase,
    known: &AddrSet,
    options: &AnalysisOptions,
    out: &mut Vec<RuleFinding>,
) {
    let mut seen: HashMap<(&FlowBox, Action), usize> = HashMap::new();
    let boxes: Vec<FlowBox> = rb
        .rules
        .iter()
        .map(|r| FlowBox {
            src: r.src.clone(),
            dst: r.dst.clone(),
            svc: r.svc.clone(),
        })
        .collect();
    let name = |m: u32| rb.name(m).to_owned();
    let finding = |n: usize, kind: RuleFindingKind| RuleFinding {
        firewall: firewall.clone(),
        list,
        rule: name(u32::try_from(n).unwrap_or(u32::MAX)),
        position: n + 1,
        kind,
    };
    for (n, (rule, this)) in rb.rules.iter().zip(&boxes).enumerate() {
        if rule.default || this.is_empty() {
            continue;
        }
        for (field, set) in [("sources", &rule.src), ("destinations", &rule.dst)] {
            if !set.is_empty() && !set.overlaps(known) {
                out.push(finding(
                    n,
                    RuleFindingKind::UnknownAddresses {
                        field: field.to_owned(),
                        addresses: set.to_string(),
                    },
                ));
            }
        }
        if let Some(first) = seen.get(&(this, rule.action)) {
            out.push(finding(
                n,
                RuleFindingKind::Duplicate {
                    of: name(u32::try_from(*first).unwrap_or(u32::MAX)),
                },
            ));
            continue;
        }
        seen.insert((this, rule.action), n);
        let Ok(n32) = u32::try_from(n) else { break };
        // The rules that share traffic with this one, before and after it.
        let overlapping = |m: &u32| {
            boxes.get(*m as usize).is_some_and(|b| {
                b.svc.overlaps(&this.svc) && b.src.overlaps(&this.src) && b.dst.overlaps(&this.dst)
            })
        };
        let (earlier, later): (Vec<u32>, Vec<u32>) = rb
            .candidates(this)
            .into_iter()
            .filter(|m| *m != n32 && overlapping(m))
            .partition(|m| *m < n32);
        // Shadowed needs the earlier rules together to cover each dimension: a cheap test
        // first, the exact evaluation only when it passes.
        let covers = |pick: fn(&FlowBox) -> &AddrSet, whole: &AddrSet| {
            AddrSet::union_all(
                earlier
                    .iter()
                    .filter_map(|m| boxes.get(*m as usize))
                    .map(pick),
            )
            .covers(whole)
        };
        let may_be_shadowed = !earlier.is_empty()
            && covers(|b| &b.src, &this.src)
            && covers(|b| &b.dst, &this.dst)
            && earlier
                .iter()
                .filter_map(|m| boxes.get(*m as usize))
                .fold(crate::svcset::SvcSet::default(), |acc, b| acc.union(&b.svc))
                .covers(&this.svc);
        let before = (may_be_shadowed || rule.action == Action::Allow).then(|| {
            rb.evaluate_in(
                this.clone(),
                earlier.clone(),
                options.max_parts,
                options.max_checks,
            )
        });
        if let Some(before) = &before {
            if let Some(reason) = not_judged(before, rb) {
                out.push(finding(n, RuleFindingKind::NotJudged { reason }));
                continue;
            }
            if before.unmatched.is_empty() {
                let mut by: Vec<u32> = before.matched.iter().map(|(_, m)| *m).collect();
                by.sort_unstable();
                by.dedup();
                let conflicting = by.iter().any(|m| {
                    rb.rules
                        .get(*m as usize)
                        .is_some_and(|r| r.action != rule.action)
                });
                out.push(finding(
                    n,
                    RuleFindingKind::Shadowed {
                        by: by.iter().map(|m| name(*m)).collect(),
                        conflicting,
                    },
                ));
                continue;
            }
        }
        if rule.unknown.is_some() {
            continue;
        }
        let redundant = match rule.action {
            Action::Deny => deny_is_redundant(rb, &boxes, this, n32, &earlier, &later, options),
            Action::Allow => {
                before.and_then(|b| allow_is_redundant(rb, b.unmatched, &later, options))
            }
        };
        if let Some(decided_by) = redundant {
            out.push(finding(n, RuleFindingKind::Redundant { decided_by }));
        }
    }
}

/// A deny rule is redundant when no traffic that reaches it would be allowed without it: for
/// each later allow rule that overlaps it, the shared traffic is evaluated against the other
/// rules (small boxes, so this stays cheap for wide deny rules), looking for a part an allow
/// after it takes. Returns what decides instead: the later deny rules that overlap it and the
/// implicit deny.
fn deny_is_redundant(
    rb: &CompiledRulebase,
    boxes: &[FlowBox],
    this: &FlowBox,
    n: u32,
    earlier: &[u32],
    later: &[u32],
    options: &AnalysisOptions,
) -> Option<Vec<String>> {
    let action = |m: u32| rb.rules.get(m as usize).map(|r| r.action);
    for &j in later {
        if action(j) != Some(Action::Allow) {
            continue;
        }
        let b = boxes.get(j as usize)?;
        let shared = FlowBox {
            src: this.src.intersection(&b.src),
            dst: this.dst.intersection(&b.dst),
            svc: this.svc.intersection(&b.svc),
        };
        let order: Vec<u32> = earlier
            .iter()
            .chain(later.iter().take_while(|m| **m <= j))
            .copied()
            .collect();
        let ev = rb.evaluate_in(shared, order, options.max_parts, options.max_checks);
        if not_judged(&ev, rb).is_some() {
            return None;
        }
        if ev
            .matched
            .iter()
            .any(|(_, m)| *m > n && action(*m) == Some(Action::Allow))
        {
            return None;
        }
    }
    let mut names: Vec<String> = later
        .iter()
        .filter(|m| action(**m) == Some(Action::Deny))
        .map(|m| rb.name(*m).to_owned())
        .collect();
    names.push(IMPLICIT_DENY.to_owned());
    Some(names)
}

/// An allow rule is redundant when every part that reaches it is allowed by a later rule.
/// Returns those rules.
fn allow_is_redundant(
    rb: &CompiledRulebase,
    reaching: Vec<FlowBox>,
    later: &[u32],
    options: &AnalysisOptions,
) -> Option<Vec<String>> {
    let mut decided: Vec<u32> = Vec::new();
    for part in reaching {
        let ev = rb.evaluate_in(part, later.to_vec(), options.max_parts, options.max_checks);
        if not_judged(&ev, rb).is_some() || !ev.unmatched.is_empty() {
            return None;
        }
        for (_, m) in &ev.matched {
            if rb.rules.get(*m as usize).map(|r| r.action) != Some(Action::Allow) {
                return None;
            }
            decided.push(*m);
        }
    }
    decided.sort_unstable();
    decided.dedup();
    Some(decided.iter().map(|m| rb.name(*m).to_owned()).collect())
}

/// Why an evaluation proves nothing: a limit was hit, or a rule it met cannot be judged.
fn not_judged(ev: &Evaluation, rb: &CompiledRulebase) -> Option<String> {
    if ev.exceeded.is_some() {
        return Some(
            "the rules around it cut its match into more parts than the analysis follows".into(),
        );
    }
    ev.matched
        .iter()
        .filter_map(|(_, m)| rb.rules.get(*m as usize))
        .find_map(|r| {
            r.unknown.as_ref().map(|what| {
                format!(
                    "it depends on rule `{}`, which also matches on {what} (mccs cannot judge it)",
                    r.name
                )
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::Resolver;
    use crate::svcset::SvcSet;
    use mccs_model::{AddressRef, Firewall, FirewallKind, Rule, ServiceRef};
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
    const POINTS: [&str; 8] = [
        "10.0.0.1",
        "10.1.0.1",
        "10.1.2.1",
        "10.1.2.7",
        "10.1.2.200",
        "192.168.1.1",
        "10.3.0.1",
        "172.16.0.1",
    ];
    const PORTS: [&str; 5] = ["tcp/443", "tcp/1500", "tcp/80", "udp/53", "icmp"];

    fn firewall(rules: &[(usize, usize, usize, bool)]) -> Firewall {
        let mut fw = Firewall::new(
            "fw".parse().unwrap(),
            FirewallKind::Other,
            "o",
            "c".parse().unwrap(),
        );
        fw.rules = rules
            .iter()
            .enumerate()
            .map(|(i, &(s, d, v, allow))| {
                Rule::new(
                    format!("R{i}").parse::<Name>().unwrap(),
                    if allow { Action::Allow } else { Action::Deny },
                    [POOL[s].parse::<AddressRef>().unwrap()],
                    [POOL[d].parse::<AddressRef>().unwrap()],
                    [SERVICES[v].parse::<ServiceRef>().unwrap()],
                )
            })
            .collect();
        fw
    }

    fn allowed(rb: &CompiledRulebase, s: &str, d: &str, p: &str) -> bool {
        let flow = FlowBox {
            src: AddrSet::from_prefix(mccs_model::parse_prefix(s).unwrap()),
            dst: AddrSet::from_prefix(mccs_model::parse_prefix(d).unwrap()),
            svc: SvcSet::from_services(&[p.parse().unwrap()]),
        };
        rb.evaluate(&flow).verdict(rb).is_allowed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// A rule reported as doing nothing (duplicate, shadowed, redundant) can be removed
        /// without changing the verdict of any flow; a rule not reported may be needed, so
        /// nothing is claimed of it.
        #[test]
        fn removing_a_rule_that_does_nothing_changes_no_verdict(
            rules in prop::collection::vec((0..8usize, 0..8usize, 0..6usize, any::<bool>()), 1..14),
        ) {
            let topology = Topology::new();
            let resolver = Resolver::new(&topology);
            let fw = firewall(&rules);
            let rb = CompiledRulebase::new(&fw, &resolver);
            let mut out = Vec::new();
            let known = AddrSet::any();
            analyse(&fw.name, None, &rb, &known, &AnalysisOptions::default(), &mut out);
            for f in &out {
                let judged = !matches!(f.kind, RuleFindingKind::NotJudged { .. });
                prop_assert!(judged, "{}", f);
                let mut fewer = rules.clone();
                fewer.remove(f.position - 1);
                let without = CompiledRulebase::new(&firewall(&fewer), &resolver);
                for s in POINTS {
                    for d in POINTS {
                        for p in PORTS {
                            prop_assert_eq!(
                                allowed(&rb, s, d, p),
                                allowed(&without, s, d, p),
                                "{} changes {} -> {} {}", f, s, d, p
                            );
                        }
                    }
                }
            }
        }
    }
}
