//! Removal requests: the rules and objects to take out when a Project Set environment is
//! retired, or when access has expired ([`RequestSet::for_removal`]).
//!
//! The result is an ordinary [`RequestSet`], one request per channel, whose Traffic Table rows
//! say `remove` ([`RuleAction::Remove`]) and whose Object Table says `delete` or `keep`
//! ([`ObjectStatus::Delete`], [`ObjectStatus::Keep`]); [`RequestSet::removal`] says what is
//! removed. What mccs cannot decide is a note, never a removal.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::Arc;

use mccs_model::{
    AddressRef, Date, EnvRef, Firewall, FirewallKind, FirewallObject, Flow, FlowEnd, Index,
    Platform, Rule, RuleList, ServiceRef, Topology,
};
use mccs_naming::{Convention, Direction};
use mccs_path::{AddrSet, NetworkGraph, SvcSet, Verdict};

use super::traffic::number_lines;
use super::{BuildOptions, UniqueList, cidrs, services, shared_cidrs};
use crate::model::{
    CloudEnd, FORMAT_VERSION, FirewallInfo, FlowDetails, Note, NoteKind, ObjectRow, ObjectStatus,
    ObjectType, Placement, RemovalSummary, Request, RequestSet, RuleAction, RuleTarget, Summary,
    Totals, TrafficRow,
};

/// What to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// Retire a Project Set environment: every rule on every firewall that refers to it, and
    /// the objects only those rules used.
    RetireEnvironment(EnvRef),
    /// Expired access: rules whose `expires` is before `today`, and the rules only flows whose
    /// `expires` is before `today` need. Rules and flows that expire within `within_days` days
    /// of `today` (inclusive) are warned about in notes.
    Expired {
        /// The day to judge on (the CLI passes the clock's date, or `--today`).
        today: Date,
        /// How many days ahead to warn.
        within_days: u32,
    },
}

/// Why a removal cannot be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RemovalError {
    /// The environment to retire is not in the topology.
    #[error(
        "the topology has no environment `{environment}`: name one of its Project Set \
         environments as <license plate>-<environment>, e.g. abc123-prod (`mccs validate` \
         checks the topology)"
    )]
    UnknownEnvironment {
        /// The environment asked for.
        environment: String,
    },
}

/// One rule to remove.
#[derive(Debug)]
struct Removed<'a> {
    firewall: &'a Firewall,
    list: RuleList,
    /// Its position in the list, from 0.
    position: usize,
    rule: &'a Rule,
    owner: Option<EnvRef>,
    direction: Direction,
    /// Why it goes (the Justification column).
    reasons: Vec<String>,
    /// The expired flows it served (expired access only).
    flows: Vec<String>,
}

/// How one address of a rule relates to the environment retired.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refers {
    /// Inside the environment's address space, or an object named for it.
    Env,
    /// A group that holds objects of the environment and other things.
    Group,
    /// Anything else (`any`, other networks, objects wider than the environment).
    Other,
}

struct Ctx<'a> {
    t: &'a Topology,
    index: Index<'a>,
    graph: NetworkGraph<'a>,
    object_sets: Vec<Option<AddrSet>>,
    options: &'a BuildOptions,
    /// Each flow by name (the first, if a name repeats).
    flow_by_name: HashMap<&'a str, &'a Flow>,
    /// Each rule by (firewall, list, name), with its position (the first, if a name repeats).
    rule_at: HashMap<(&'a str, RuleList, &'a str), (usize, &'a Rule)>,
    /// Each firewall's position, by name.
    firewall_position: HashMap<&'a str, usize>,
    removed: Vec<Removed<'a>>,
    notes: Vec<Note>,
    narrow: usize,
    expiring: usize,
    undecided: usize,
}

/// The days since 1970-01-01 of `d` (Howard Hinnant's `days_from_civil`).
fn days(d: Date) -> i64 {
    let text = d.to_string();
    let part = |r: std::ops::Range<usize>| -> i64 {
        text.get(r).and_then(|x| x.parse().ok()).unwrap_or_default()
    };
    let (y, m, day) = (part(0..4), part(5..7), part(8..10));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `d` plus `n` days.
fn add_days(d: Date, n: u32) -> Date {
    Date::from_days_since_epoch(days(d) + i64::from(n))
}

/// The lists of a firewall, inbound (`rules`) first.
fn lists(fw: &Firewall) -> [(RuleList, &[Rule]); 2] {
    [
        (RuleList::Inbound, fw.rules.as_slice()),
        (RuleList::Outbound, fw.outbound_rules.as_slice()),
    ]
}

/// Whether the rule's list is named in requests (a security group / NSG or network ACL).
fn has_lists(fw: &Firewall) -> bool {
    matches!(
        fw.kind,
        FirewallKind::SecurityGroup | FirewallKind::NetworkAcl
    ) || !fw.outbound_rules.is_empty()
}

impl RequestSet {
    /// The removal requests for `removal` on `topology`: one request per channel, with the
    /// rules to remove (`action: remove`) and the objects they use (`delete` when no rule or
    /// group that stays refers to them, else `keep`), and notes for what must be narrowed,
    /// expires soon or cannot be judged.
    ///
    /// ```
    /// use mccs_request::{Removal, RequestSet, RuleAction, BuildOptions};
    /// let t = mccs_model::examples::reference();
    /// let env = "abc123-prod".parse()?;
    /// let set = RequestSet::for_removal(&t, &Removal::RetireEnvironment(env), &BuildOptions::default())?;
    /// let removal = set.removal.as_ref().unwrap();
    /// assert_eq!(removal.environment.as_deref(), Some("abc123-prod"));
    /// assert!(set.requests.iter().flat_map(|r| &r.traffic).all(|row| row.action == RuleAction::Remove));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RemovalError::UnknownEnvironment`] when the environment to retire is not in the
    /// topology.
    pub fn for_removal(
        topology: &Topology,
        removal: &Removal,
        options: &BuildOptions,
    ) -> Result<Self, RemovalError> {
        let index = Index::new(topology);
        let object_sets = mccs_path::object_sets(topology, &index);
        let mut flow_by_name = HashMap::new();
        for f in &topology.flows {
            flow_by_name.entry(f.name.as_str()).or_insert(f);
        }
        let mut rule_at = HashMap::new();
        let mut firewall_position = HashMap::new();
        for (i, fw) in topology.firewalls.iter().enumerate() {
            firewall_position.entry(fw.name.as_str()).or_insert(i);
            for (list, rules) in lists(fw) {
                for (position, rule) in rules.iter().enumerate() {
                    rule_at
                        .entry((fw.name.as_str(), list, rule.name.as_str()))
                        .or_insert((position, rule));
                }
            }
        }
        let mut ctx = Ctx {
            flow_by_name,
            rule_at,
            firewall_position,
            t: topology,
            index,
            graph: NetworkGraph::build(topology),
            object_sets,
            options,
            removed: Vec::new(),
            notes: Vec::new(),
            narrow: 0,
            expiring: 0,
            undecided: 0,
        };
        let mut summary = match removal {
            Removal::RetireEnvironment(env) => {
                ctx.retire(env)?;
                RemovalSummary {
                    kind: "retire-environment".to_owned(),
                    what: format!("everything that refers to the environment {env}"),
                    environment: Some(env.to_string()),
                    today: None,
                    within_days: None,
                    rules_to_remove: 0,
                    objects_to_delete: 0,
                    rules_to_narrow: 0,
                    expiring_soon: 0,
                    undecided: 0,
                }
            }
            Removal::Expired { today, within_days } => {
                ctx.expired(*today, *within_days);
                RemovalSummary {
                    kind: "expired".to_owned(),
                    what: format!("access whose expiry date is before {today}"),
                    environment: None,
                    today: Some(*today),
                    within_days: Some(*within_days),
                    rules_to_remove: 0,
                    objects_to_delete: 0,
                    rules_to_narrow: 0,
                    expiring_soon: 0,
                    undecided: 0,
                }
            }
        };
        let requests = ctx.requests();
        let mut deleted: Vec<&str> = requests
            .iter()
            .flat_map(|r| &r.objects)
            .filter(|o| o.status == ObjectStatus::Delete)
            .map(|o| &*o.name)
            .collect();
        deleted.sort_unstable();
        deleted.dedup();
        summary.rules_to_remove = ctx.removed.len();
        summary.objects_to_delete = deleted.len();
        summary.rules_to_narrow = ctx.narrow;
        summary.expiring_soon = ctx.expiring;
        summary.undecided = ctx.undecided;
        let traffic_lines = requests
            .iter()
            .flat_map(|r| &r.traffic)
            .flat_map(|row| &row.apply_on)
            .map(|a| a.lines.len())
            .sum();
        let totals = Totals {
            requests: requests.len(),
            rules: ctx.removed.len(),
            traffic_rows: ctx.removed.len(),
            traffic_lines,
            ..Totals::default()
        };
        Ok(Self {
            format_version: FORMAT_VERSION,
            banner: options.banner.clone(),
            requests,
            summary: Summary {
                totals,
                flows: Vec::new(),
            },
            notes: ctx.notes,
            // Removal requests have no flows to draw.
            pictures: None,
            removal: Some(summary),
        })
    }
}

impl<'a> Ctx<'a> {
    fn note(&mut self, kind: NoteKind, text: String) {
        self.notes.push(Note { kind, text });
    }

    /// The address set of one address of a rule; `None` when it cannot be resolved.
    fn address_set(&self, a: &AddressRef) -> Option<AddrSet> {
        match a {
            AddressRef::Any => Some(AddrSet::any()),
            AddressRef::Prefix(p) => Some(AddrSet::from_prefix(p.trunc())),
            AddressRef::Object(n) => self
                .index
                .object_position(n.as_str())
                .and_then(|i| self.object_sets.get(i).cloned().flatten()),
        }
    }

    /// The union of a rule side; `None` when part of it cannot be resolved.
    fn side_set(&self, side: &[AddressRef]) -> Option<AddrSet> {
        side.iter().try_fold(AddrSet::new(), |acc, a| {
            self.address_set(a).map(|s| acc.union(&s))
        })
    }

    /// The union of a rule side, leaving out what cannot be resolved.
    fn side_cidrs(&self, side: &[AddressRef]) -> Arc<[Arc<str>]> {
        let set = side
            .iter()
            .filter_map(|a| self.address_set(a))
            .fold(AddrSet::new(), |acc, s| acc.union(&s));
        shared_cidrs(&set)
    }

    /// A rule's services as a set; `None` when a named service is not in the topology.
    fn service_set(&self, rule: &Rule) -> Option<SvcSet> {
        let known = rule.services.iter().all(|s| match s {
            ServiceRef::Literal(_) => true,
            ServiceRef::Named(n) => self.index.service(n.as_str()).is_some(),
        });
        known.then(|| mccs_path::resolve_services(&self.graph, &rule.services))
    }

    /// The address space of an environment (with its secondary ranges).
    fn env_space(&self, env: &EnvRef) -> Option<AddrSet> {
        self.index.environment(env).map(|(_, vn)| {
            AddrSet::from_prefixes(
                vn.address_space
                    .iter()
                    .chain(&vn.secondary_ranges)
                    .map(|p| p.trunc()),
            )
        })
    }

    /// Every environment of the topology with its address space, in document order.
    fn env_spaces(&self) -> Vec<(EnvRef, AddrSet)> {
        let mut out = Vec::new();
        for ps in &self.t.project_sets {
            for env in ps.environments.keys() {
                let r = EnvRef {
                    license_plate: ps.license_plate,
                    environment: env.clone(),
                };
                if let Some(space) = self.env_space(&r) {
                    out.push((r, space));
                }
            }
        }
        out
    }

    /// The owner and direction of a rule from its addresses: the environment whose space
    /// holds all its sources (outbound) or, else, all its destinations (inbound).
    fn owner_of(&self, spaces: &[(EnvRef, AddrSet)], rule: &Rule) -> (Option<EnvRef>, Direction) {
        let src = self.side_set(&rule.sources).filter(|s| !s.is_empty());
        let dst = self.side_set(&rule.destinations).filter(|s| !s.is_empty());
        for (side, direction) in [(&src, Direction::Outbound), (&dst, Direction::Inbound)] {
            if let Some(set) = side
                && let Some((env, _)) = spaces.iter().find(|(_, space)| space.covers(set))
            {
                return (Some(env.clone()), direction);
            }
        }
        (None, Direction::Outbound)
    }

    /// Retiring `env`: the rules that refer to it, notes for those that refer to other
    /// things too and for groups that hold its objects.
    fn retire(&mut self, env: &EnvRef) -> Result<(), RemovalError> {
        let space = self
            .env_space(env)
            .ok_or_else(|| RemovalError::UnknownEnvironment {
                environment: env.to_string(),
            })?;
        let t = self.t;
        let object_convention = &self.options.object_convention;
        let rule_convention = Convention::mccs_rule();
        let names_env = |plate: &mccs_model::LicensePlate, e: &mccs_model::Environment| {
            *plate == env.license_plate && *e == env.environment
        };
        // Objects of the environment: inside its space, or named for it.
        let env_object: Vec<bool> = t
            .objects
            .iter()
            .zip(&self.object_sets)
            .map(|(o, set)| {
                set.as_ref()
                    .is_some_and(|s| !s.is_empty() && space.covers(s))
                    || object_convention
                        .parse_object(o.name().as_str())
                        .is_ok_and(|id| names_env(&id.license_plate, &id.environment))
            })
            .collect();
        // Groups that hold objects of the environment and other things, directly or through
        // such a group: one pass per level of nesting, at most `MAX_GROUP_DEPTH` + 1.
        let mut mixed_group = vec![false; t.objects.len()];
        for _ in 0..=mccs_model::MAX_GROUP_DEPTH {
            let mut changed = false;
            for (i, o) in t.objects.iter().enumerate() {
                let FirewallObject::Group { members, .. } = o else {
                    continue;
                };
                if env_object.get(i).copied().unwrap_or(false)
                    || mixed_group.get(i).copied().unwrap_or(false)
                {
                    continue;
                }
                let holds = members.iter().any(|m| {
                    self.index.object_position(m.as_str()).is_some_and(|p| {
                        env_object.get(p).copied().unwrap_or(false)
                            || mixed_group.get(p).copied().unwrap_or(false)
                    })
                });
                if holds && let Some(x) = mixed_group.get_mut(i) {
                    *x = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let refers = |a: &AddressRef| -> Refers {
            match a {
                AddressRef::Any => Refers::Other,
                AddressRef::Prefix(p) => {
                    if space.covers(&AddrSet::from_prefix(p.trunc())) {
                        Refers::Env
                    } else {
                        Refers::Other
                    }
                }
                AddressRef::Object(n) => match self.index.object_position(n.as_str()) {
                    Some(i) if env_object.get(i).copied().unwrap_or(false) => Refers::Env,
                    Some(i) if mixed_group.get(i).copied().unwrap_or(false) => Refers::Group,
                    _ => Refers::Other,
                },
            }
        };
        let (mut removed, mut notes, mut narrow, mut undecided) = (Vec::new(), Vec::new(), 0, 0);
        for fw in &t.firewalls {
            for (list, rules) in lists(fw) {
                for (position, rule) in rules.iter().enumerate() {
                    let src: Vec<Refers> = rule.sources.iter().map(&refers).collect();
                    let dst: Vec<Refers> = rule.destinations.iter().map(&refers).collect();
                    let all_env = |side: &[Refers]| {
                        !side.is_empty() && side.iter().all(|r| *r == Refers::Env)
                    };
                    let touches = src.iter().chain(&dst).any(|r| *r != Refers::Other);
                    let named = rule_convention
                        .parse_rule(rule.name.as_str())
                        .ok()
                        .filter(|id| names_env(&id.license_plate, &id.environment));
                    if all_env(&src) || all_env(&dst) {
                        let direction = if all_env(&src) {
                            Direction::Outbound
                        } else {
                            Direction::Inbound
                        };
                        removed.push(Removed {
                            firewall: fw,
                            list,
                            position,
                            rule,
                            owner: Some(env.clone()),
                            direction,
                            reasons: vec![format!("{env} is retired")],
                            flows: Vec::new(),
                        });
                    } else if touches {
                        narrow += 1;
                        let mut parts = Vec::new();
                        for (side, refs, word) in [
                            (&rule.sources, &src, "sources"),
                            (&rule.destinations, &dst, "destinations"),
                        ] {
                            let env_refs: Vec<String> = side
                                .iter()
                                .zip(refs)
                                .filter(|(_, r)| **r == Refers::Env)
                                .map(|(a, _)| a.to_string())
                                .collect();
                            if !env_refs.is_empty() {
                                parts.push(format!(
                                    "take {} out of its {word}",
                                    super::list(&env_refs)
                                ));
                            }
                            let groups: Vec<String> = side
                                .iter()
                                .zip(refs)
                                .filter(|(_, r)| **r == Refers::Group)
                                .map(|(a, _)| a.to_string())
                                .collect();
                            if !groups.is_empty() {
                                parts.push(format!(
                                    "take {env}'s objects out of {} (in its {word})",
                                    super::list(&groups)
                                ));
                            }
                        }
                        let text = format!(
                            "Rule {} on {} ({}{}) refers to {env} and to other addresses: \
                             narrow it rather than remove it: {}.",
                            rule.name,
                            fw.name,
                            if has_lists(fw) {
                                format!("{} list, ", list.as_str())
                            } else {
                                String::new()
                            },
                            fw.channel,
                            parts.join("; "),
                        );
                        notes.push(Note {
                            kind: NoteKind::Narrow,
                            text,
                        });
                    } else if named.is_some() {
                        undecided += 1;
                        let text = format!(
                            "Rule {} on {} is named for {env}, but none of its addresses are \
                             {env}'s: check whether it is still needed (it is not removed).",
                            rule.name, fw.name
                        );
                        notes.push(Note {
                            kind: NoteKind::Undecided,
                            text,
                        });
                    }
                }
            }
        }
        self.removed.extend(removed);
        self.notes.extend(notes);
        self.narrow += narrow;
        self.undecided += undecided;
        // Groups that hold the environment's objects: those objects stay until taken out.
        for (i, o) in t.objects.iter().enumerate() {
            let FirewallObject::Group { name, members, .. } = o else {
                continue;
            };
            if !mixed_group.get(i).copied().unwrap_or(false) {
                continue;
            }
            let held: Vec<String> = members
                .iter()
                .filter(|m| {
                    self.index
                        .object_position(m.as_str())
                        .is_some_and(|p| env_object.get(p).copied().unwrap_or(false))
                })
                .map(ToString::to_string)
                .collect();
            if held.is_empty() {
                continue;
            }
            let text = format!(
                "Group {name} holds {} of {env}: take {} out of it.",
                super::list(&held),
                if held.len() == 1 { "it" } else { "them" },
            );
            self.note(NoteKind::Narrow, text);
        }
        Ok(())
    }

    /// Expired access on `today`, with warnings `within_days` ahead.
    fn expired(&mut self, today: Date, within_days: u32) {
        let t = self.t;
        let until = add_days(today, within_days);
        let spaces = self.env_spaces();
        for fw in &t.firewalls {
            for (list, rules) in lists(fw) {
                for (position, rule) in rules.iter().enumerate() {
                    let Some(expires) = rule.expires else {
                        continue;
                    };
                    if expires < today {
                        let (owner, direction) = self.owner_of(&spaces, rule);
                        self.removed.push(Removed {
                            firewall: fw,
                            list,
                            position,
                            rule,
                            owner,
                            direction,
                            reasons: vec![format!("expired: its last day was {expires}")],
                            flows: Vec::new(),
                        });
                    } else if expires <= until {
                        self.expiring += 1;
                        let text = format!(
                            "Rule {} on {} expires on {expires}: file its removal after that \
                             day, or extend it.",
                            rule.name, fw.name
                        );
                        self.note(NoteKind::Expiring, text);
                    }
                }
            }
        }
        let mut expired_flows: HashSet<&str> = HashSet::new();
        for f in &t.flows {
            let Some(expires) = f.expires else {
                continue;
            };
            if expires < today {
                expired_flows.insert(f.name.as_str());
            } else if expires <= until {
                self.expiring += 1;
                let text = format!(
                    "Flow {} expires on {expires}: the rules only it needs can be removed \
                     after that day.",
                    f.name
                );
                self.note(NoteKind::Expiring, text);
            }
        }
        if expired_flows.is_empty() {
            return;
        }
        self.expired_flows(&expired_flows, &spaces);
    }

    /// The rules only expired flows need: those the plan says let an expired flow through, no
    /// live flow needs, and that allow nothing beyond that flow's traffic on that firewall.
    fn expired_flows(&mut self, expired: &HashSet<&str>, spaces: &[(EnvRef, AddrSet)]) {
        let t = self.t;
        let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
        // (firewall, list, rule) → the live flows that need it.
        let mut live: HashMap<(&str, RuleList, &str), Vec<&str>> = HashMap::new();
        // (firewall, list, rule, return traffic) → the expired flows it lets through and
        // whether one of them covers all the rule allows, in order of first appearance.
        type Key<'k> = (&'k str, RuleList, &'k str, bool);
        let mut candidates: Vec<(Key<'_>, Vec<&str>, bool)> = Vec::new();
        let mut candidate_at: HashMap<Key<'_>, usize> = HashMap::new();
        // Flows mccs could not judge (a limit, a rule it cannot judge): a live one may need any
        // rule, an expired one's rules cannot be told.
        let mut live_unjudged: Vec<String> = Vec::new();
        for fp in &plan.flows {
            let is_expired = expired.contains(fp.flow.as_str());
            let unjudged = fp
                .diagnoses
                .iter()
                .chain(fp.directions.iter().flat_map(|d| &d.trace.diagnoses))
                .find(|x| x.is_unjudged());
            if let Some(why) = unjudged {
                if is_expired {
                    self.undecided += 1;
                    let text = format!(
                        "Expired flow {} could not be judged ({why}): mccs cannot tell which \
                         rules only it needs; check them by hand.",
                        fp.flow
                    );
                    self.note(NoteKind::Undecided, text);
                } else if !live_unjudged.contains(&fp.flow.to_string()) {
                    live_unjudged.push(fp.flow.to_string());
                }
            }
            for d in &fp.directions {
                for s in &d.steps {
                    let forward = std::iter::once((&s.verdict, s.list, false));
                    let back = s
                        .return_verdict
                        .iter()
                        .map(|v| (v, s.list.map(RuleList::other), true));
                    for (verdict, list, is_return) in forward.chain(back) {
                        let rules = match &**verdict {
                            Verdict::Allowed { rules } => rules,
                            Verdict::Partial { allowed_by, .. } => allowed_by,
                            _ => continue,
                        };
                        let list = list.unwrap_or(RuleList::Inbound);
                        for r in rules {
                            let key = (s.firewall.as_str(), list, r.as_str());
                            if !is_expired {
                                let flows = live.entry(key).or_default();
                                if !flows.contains(&fp.flow.as_str()) {
                                    flows.push(fp.flow.as_str());
                                }
                                continue;
                            }
                            // Whether this flow's traffic at this firewall holds all the rule
                            // allows (the forward traffic only: a return rule is never judged).
                            let covered = !is_return && self.covered(d, s, list, r);
                            let full = (key.0, key.1, key.2, is_return);
                            match candidate_at.get(&full).and_then(|i| candidates.get_mut(*i)) {
                                Some((_, flows, c)) => {
                                    if !flows.contains(&fp.flow.as_str()) {
                                        flows.push(fp.flow.as_str());
                                    }
                                    *c |= covered;
                                }
                                None => {
                                    candidate_at.insert(full, candidates.len());
                                    candidates.push((full, vec![fp.flow.as_str()], covered));
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut removed_at: HashMap<*const Rule, usize> = self
            .removed
            .iter()
            .enumerate()
            .map(|(i, r)| (std::ptr::from_ref(r.rule), i))
            .collect();
        for ((fw_name, list, rule_name, is_return), flows, covered) in candidates {
            let Some(fw) = self.index.firewall(fw_name) else {
                continue;
            };
            // Platform defaults (`default-egress-allow-all`, ...) are not in the list.
            let Some(&(position, rule)) = self.rule_at.get(&(fw_name, list, rule_name)) else {
                continue;
            };
            let flow_names: Vec<String> = flows.iter().map(|f| (*f).to_owned()).collect();
            let flow_text = format!(
                "expired flow{} {}",
                if flows.len() == 1 { "" } else { "s" },
                super::list(&flow_names)
            );
            if let Some(done) = removed_at
                .get(&std::ptr::from_ref(rule))
                .and_then(|i| self.removed.get_mut(*i))
            {
                for f in &flow_names {
                    if !done.flows.contains(f) {
                        done.flows.push(f.clone());
                    }
                }
                continue;
            }
            if let Some(needed) = live.get(&(fw_name, list, rule_name)) {
                let names: Vec<String> = needed.iter().map(|f| (*f).to_owned()).collect();
                let text = format!(
                    "Rule {rule_name} on {fw_name} lets {flow_text} through, and live flow{} {} \
                     too: keep it.",
                    if names.len() == 1 { "" } else { "s" },
                    super::list(&names)
                );
                self.note(NoteKind::Kept, text);
                continue;
            }
            if covered && rule.unknown.is_none() && live_unjudged.is_empty() {
                let (owner, direction) = self.owner_of(spaces, rule);
                removed_at.insert(std::ptr::from_ref(rule), self.removed.len());
                self.removed.push(Removed {
                    firewall: fw,
                    list,
                    position,
                    rule,
                    owner,
                    direction,
                    reasons: vec![format!(
                        "only {flow_text} need{} it",
                        if flows.len() == 1 { "s" } else { "" }
                    )],
                    flows: flow_names,
                });
                continue;
            }
            self.undecided += 1;
            let why = if !live_unjudged.is_empty() {
                format!(
                    "but live flow{} {} could not be judged and may need it",
                    if live_unjudged.len() == 1 { "" } else { "s" },
                    super::list(&live_unjudged)
                )
            } else if is_return {
                "as the return traffic rule of a stateless filter, which may serve other flows"
                    .to_owned()
            } else {
                "and allows more than that traffic".to_owned()
            };
            let text = format!(
                "Rule {rule_name} on {fw_name} lets {flow_text} through {why}: mccs cannot tell \
                 whether anything else needs it; check before removing it (it is not removed)."
            );
            self.note(NoteKind::Undecided, text);
        }
        // Rules removed for expired flows join the others in document order.
        let order = &self.firewall_position;
        self.removed.sort_by_key(|r| {
            (
                order.get(r.firewall.name.as_str()).copied(),
                r.list,
                r.position,
            )
        });
    }

    /// Whether the traffic of step `s` of `d` at its firewall holds everything rule `name`
    /// of `list` allows (sources, destinations and services), so that the rule exists for it.
    fn covered(
        &self,
        d: &mccs_path::DirectedPlan,
        s: &mccs_path::Step,
        list: RuleList,
        name: &str,
    ) -> bool {
        let Some(&(_, rule)) = self.rule_at.get(&(s.firewall.as_str(), list, name)) else {
            return false;
        };
        let (Some(src), Some(dst), Some(svc)) = (
            self.side_set(&rule.sources),
            self.side_set(&rule.destinations),
            self.service_set(rule),
        ) else {
            return false;
        };
        let Some(path) = d.trace.paths.get(s.path) else {
            return false;
        };
        let fw_position = self.firewall_position.get(s.firewall.as_str()).copied();
        path.hops.iter().any(|h| {
            h.firewall_index() == fw_position
                && h.firewall_index().is_some()
                && h.source().set.covers(&src)
                && h.destination().set.covers(&dst)
                && d.trace.flow.services.covers(&svc)
        })
    }

    /// The removal requests, one per channel: the topology's channel order first.
    fn requests(&self) -> Vec<Request> {
        let mut channels: Vec<&str> = self
            .t
            .channels
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| {
                self.removed
                    .iter()
                    .any(|r| r.firewall.channel.as_str() == *c)
            })
            .collect();
        for r in &self.removed {
            let c = r.firewall.channel.as_str();
            if !channels.contains(&c) {
                channels.push(c);
            }
        }
        // Who still uses each object: rules that stay, and groups.
        let removed: HashSet<*const Rule> = self
            .removed
            .iter()
            .map(|r| std::ptr::from_ref(r.rule))
            .collect();
        let mut users: HashMap<&str, UniqueList> = HashMap::new();
        for fw in &self.t.firewalls {
            for (_, rules) in lists(fw) {
                for rule in rules {
                    if removed.contains(&std::ptr::from_ref(rule)) {
                        continue;
                    }
                    for a in rule.sources.iter().chain(&rule.destinations) {
                        if let AddressRef::Object(n) = a {
                            users
                                .entry(n.as_str())
                                .or_default()
                                .push(&format!("{} on {}", rule.name, fw.name));
                        }
                    }
                }
            }
        }
        for o in &self.t.objects {
            if let FirewallObject::Group { name, members, .. } = o {
                for m in members {
                    users
                        .entry(m.as_str())
                        .or_default()
                        .push(&format!("group {name}"));
                }
            }
        }
        channels
            .into_iter()
            .map(|id| self.request(id, &users))
            .collect()
    }

    fn request(&self, id: &str, users: &HashMap<&str, UniqueList>) -> Request {
        let channel = self.index.channel(id);
        let rows: Vec<&Removed<'_>> = self
            .removed
            .iter()
            .filter(|r| r.firewall.channel.as_str() == id)
            .collect();
        let kinds: Vec<(FirewallKind, Option<Platform>)> = rows
            .iter()
            .map(|r| (r.firewall.kind, r.firewall.platform))
            .collect();
        let vocabulary = self.options.vocabularies.for_request(id, &kinds).clone();
        let mut firewalls: Vec<FirewallInfo> = Vec::new();
        let mut objects: Vec<ObjectRow> = Vec::new();
        let mut object_at: HashMap<&str, usize> = HashMap::new();
        let mut firewall_names: HashSet<&str> = HashSet::new();
        let mut flows = UniqueList::default();
        let mut traffic = Vec::new();
        for r in &rows {
            let fw = r.firewall;
            if firewall_names.insert(fw.name.as_str()) {
                firewalls.push(FirewallInfo {
                    name: fw.name.to_string(),
                    kind: fw.kind.noun().to_owned(),
                    owner: fw.owner.clone(),
                    description: fw.description.clone(),
                });
            }
            for a in r.rule.sources.iter().chain(&r.rule.destinations) {
                let AddressRef::Object(n) = a else {
                    continue;
                };
                if let Some(row) = object_at.get(n.as_str()).and_then(|i| objects.get_mut(*i)) {
                    if !row.used_by.iter().any(|u| **u == *r.rule.name.as_str()) {
                        row.used_by.push(Arc::from(&r.rule.name));
                    }
                    continue;
                }
                if let Some(row) = self.object_row(n.as_str(), r, &vocabulary, users) {
                    object_at.insert(n.as_str(), objects.len());
                    objects.push(row);
                }
            }
            for f in &r.flows {
                flows.push(f);
            }
            let svc = self.service_set(r.rule);
            let service_names = match &svc {
                Some(s) if !s.is_empty() => services(s).into_iter().map(Arc::from).collect(),
                _ => r
                    .rule
                    .services
                    .iter()
                    .map(|x| Arc::from(x.to_string()))
                    .collect(),
            };
            let requesters = r
                .flows
                .iter()
                .filter_map(|f| self.flow_by_name.get(f.as_str()))
                .filter_map(|f| f.requester.as_deref().map(Arc::from))
                .collect();
            let text = |x: &dyn std::fmt::Display| -> Arc<str> { Arc::from(x.to_string()) };
            traffic.push(TrafficRow {
                rule: Arc::from(&r.rule.name),
                direction: r.direction,
                owner: r.owner.as_ref().map(|o| text(o)),
                sources: r.rule.sources.iter().map(|x| text(x)).collect(),
                source_addresses: self.side_cidrs(&r.rule.sources),
                destinations: r.rule.destinations.iter().map(|x| text(x)).collect(),
                destination_addresses: self.side_cidrs(&r.rule.destinations),
                services: service_names,
                action: RuleAction::Remove,
                apply_on: vec![RuleTarget {
                    firewall: Arc::from(&fw.name),
                    owner: Arc::from(fw.owner.as_str()),
                    placement: Placement::Append,
                    rule_number: r.rule.priority,
                    position: Some(r.position + 1),
                    roles: Vec::new(),
                    lines: Vec::new(),
                }],
                list: has_lists(fw).then_some(r.list),
                return_traffic: false,
                roles: Vec::new(),
                flows: r.flows.iter().map(|f| Arc::from(f.as_str())).collect(),
                justifications: r.reasons.iter().map(|x| Arc::from(x.as_str())).collect(),
                requesters,
                expires: r.rule.expires,
                change_windows: Vec::new(),
                cloud_ends: r.owner.iter().filter_map(|e| self.cloud_end(e)).collect(),
                failover_path: false,
            });
        }
        number_lines(&mut traffic);
        let mut request = super::channel_request(channel, id, vocabulary);
        request.firewalls = firewalls;
        request.objects = objects;
        request.traffic = traffic;
        request.flow_details = self.flow_details(&flows.items);
        request.flows = flows.items.iter().map(|f| Arc::from(f.as_str())).collect();
        request
    }

    /// The Object Table row of object `name`, first used by removed rule `r`.
    fn object_row(
        &self,
        name: &str,
        r: &Removed<'_>,
        vocabulary: &crate::Vocabulary,
        users: &HashMap<&str, UniqueList>,
    ) -> Option<ObjectRow> {
        let i = self.index.object_position(name)?;
        let o = self.t.objects.get(i)?;
        let set = self.object_sets.get(i).cloned().flatten();
        let (kind, addresses) = match o {
            FirewallObject::Host { address, .. } => (ObjectType::Host, vec![address.to_string()]),
            FirewallObject::Network { address, .. } => {
                (ObjectType::Network, vec![address.to_string()])
            }
            FirewallObject::Range { range, .. } => (ObjectType::Range, vec![range.to_string()]),
            FirewallObject::Group { members, .. } => (
                ObjectType::Group,
                members.iter().map(ToString::to_string).collect(),
            ),
        };
        let still_used_by = users.get(name).map(|u| u.items.clone()).unwrap_or_default();
        let status = if o.published_by().is_some() || !still_used_by.is_empty() {
            ObjectStatus::Keep
        } else {
            ObjectStatus::Delete
        };
        Some(ObjectRow {
            name: Arc::from(name),
            kind,
            type_name: vocabulary.object_word(kind).to_owned(),
            addresses,
            cidrs: set.as_ref().map(cidrs).unwrap_or_default(),
            status,
            published_by: o.published_by().map(str::to_owned),
            stands_for: o
                .description()
                .map_or_else(|| "object of the topology".to_owned(), str::to_owned),
            used_by: vec![Arc::from(&r.rule.name)],
            still_used_by,
        })
    }

    /// The cloud end of an environment: account or subscription and region.
    fn cloud_end(&self, env: &EnvRef) -> Option<CloudEnd> {
        let (ps, vn) = self.index.environment(env)?;
        Some(CloudEnd {
            environment: Arc::from(env.to_string()),
            platform: ps.platform,
            account: Arc::from(vn.account.as_str()),
            region: Arc::from(vn.region.as_str()),
        })
    }

    /// The facts of each expired flow a request removes rules for.
    fn flow_details(&self, flows: &[String]) -> Vec<FlowDetails> {
        flows
            .iter()
            .filter_map(|name| self.flow_by_name.get(name.as_str()).copied())
            .map(|f| FlowDetails {
                flow: Arc::from(&f.name),
                requester: f.requester.as_deref().map(Arc::from),
                cloud_ends: [&f.source, &f.destination]
                    .into_iter()
                    .filter_map(|end| match end {
                        FlowEnd::Environment(e) => self.cloud_end(e),
                        _ => None,
                    })
                    .collect(),
                expires: f.expires,
                change_window: f.change_window.as_deref().map(Arc::from),
                justification: f.justification.as_deref().map(Arc::from),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{add_days, days};
    use mccs_model::Date;

    #[test]
    fn days_round_trip_through_the_calendar() {
        for text in ["1970-01-01", "2024-02-29", "2026-12-31", "2000-03-01"] {
            let d: Date = text.parse().unwrap();
            assert_eq!(Date::from_days_since_epoch(days(d)), d, "{text}");
        }
        assert_eq!(days("1970-01-02".parse().unwrap()), 1);
        let d: Date = "2026-12-30".parse().unwrap();
        assert_eq!(add_days(d, 3).to_string(), "2027-01-02");
        assert_eq!(add_days(d, 0), d);
    }
}
