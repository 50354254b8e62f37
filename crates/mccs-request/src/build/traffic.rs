//! The requests, one per channel: the firewalls each covers, its Traffic Table rows (the
//! rules to add, with their objects, placement and the flows they serve) and its Object Table.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::Arc;

use mccs_model::FirewallKind;
use mccs_naming::Direction;
use mccs_path::{AddrSet, Addresses, FlowPlan, Party, PlannedRule, Target};

use super::{
    Builder, FirewallKindOf, SharedList, UniqueArcs, UniqueRefs, add_role, by_party, push_unique,
    shared_cidrs,
};
use crate::model::{
    CloudEnd, FirewallInfo, FlowDetails, ObjectRow, PathRole, Request, RuleAction, RuleTarget,
    TrafficLine, TrafficRow,
};

/// What a traffic row carries from its flows besides the justifications.
#[derive(Debug, Default)]
struct RuleMeta {
    flows: Vec<Arc<str>>,
    requesters: Vec<Arc<str>>,
    expires: Option<mccs_model::Date>,
    change_windows: Vec<Arc<str>>,
    cloud_ends: Option<Arc<[CloudEnd]>>,
    failover_path: bool,
}

/// Whether a direction of `fp` has a failover path.
fn has_failover_path(fp: &FlowPlan, direction: Direction) -> bool {
    fp.directions
        .iter()
        .filter(|d| d.trace.flow.direction == direction)
        .flat_map(|d| &d.trace.paths)
        .any(|p| p.role == mccs_path::PathRole::Failover)
}

impl<'a> Builder<'a> {
    pub(super) fn requests(&mut self) -> Vec<Request> {
        let t = self.t;
        let mut channels: Vec<String> = t
            .channels
            .iter()
            .map(|c| c.name.to_string())
            .filter(|c| self.plan.rules.iter().any(|r| r.channel == *c))
            .collect();
        for r in &self.plan.rules {
            push_unique(&mut channels, r.channel.as_str());
        }
        let plan = self.plan;
        channels
            .into_iter()
            .map(|id| {
                let rules: Vec<&PlannedRule> =
                    plan.rules.iter().filter(|r| r.channel == id).collect();
                self.request(&id, &rules)
            })
            .collect()
    }

    fn request(&mut self, id: &str, rules: &[&'a PlannedRule]) -> Request {
        let channel = self.index.channel(id);
        let kinds: Vec<FirewallKindOf> = rules
            .iter()
            .flat_map(|r| &r.targets)
            .map(|tg| self.firewall_kind(tg.firewall.as_str()))
            .collect();
        let vocabulary = self.vocabularies.for_request(id, &kinds).clone();
        let mut objects: Vec<ObjectRow> = Vec::new();
        // Each object row's position by the object's number (`Resolved::id`, one per name;
        // `NO_ROW` until the request uses it), and the rules using it, without repeats.
        const NO_ROW: usize = usize::MAX;
        let mut object_rows: Vec<usize> = Vec::new();
        let mut users: Vec<UniqueArcs> = Vec::new();
        let mut traffic = Vec::with_capacity(rules.len());
        let mut firewalls: Vec<FirewallInfo> = Vec::new();
        let mut firewall_names: HashSet<&'a str> = HashSet::new();
        let mut flows = UniqueRefs::with_capacity(rules.iter().map(|r| r.flows.len()).sum());
        // The number of the last Traffic Table line.
        let mut number = 0;
        for r in rules {
            let r: &'a PlannedRule = r;
            // The names of the objects a list of addresses maps to and, when the list is one
            // party whose addresses are one object, that object's CIDRs: they are the list's
            // own (the object was resolved for exactly the list's set), so the row shares them
            // instead of writing its addresses again. One party (the usual case) shares the
            // names its objects were resolved with.
            // The plan's own copy of the name, which its steps (and so the summary) share.
            let rule_name = Arc::clone(&r.name);
            let mut names =
                |me: &mut Self, list: &[Addresses]| -> (SharedList, Option<SharedList>) {
                    let mut out = UniqueArcs::default();
                    // One party (the usual case) is looked up as it is; several are grouped
                    // by party first.
                    let single = match list {
                        [one] => Some(me.resolve_ref(&one.party, &one.set)),
                        _ => None,
                    };
                    let grouped = if single.is_some() {
                        Vec::new()
                    } else {
                        by_party(list)
                    };
                    let shared = single
                        .as_ref()
                        .map(|one| (Arc::clone(&one.names), one.one_cidrs.clone()));
                    let others = grouped
                        .into_iter()
                        .map(|(party, set)| me.resolve(party, set));
                    for resolved in single.into_iter().chain(others) {
                        if shared.is_none() {
                            out.items.reserve(resolved.objects.len());
                        }
                        for o in &resolved.objects {
                            if shared.is_none() {
                                out.push(&o.name);
                            }
                            if o.id >= object_rows.len() {
                                object_rows.resize(o.id + 1, NO_ROW);
                            }
                            let Some(row) = object_rows.get_mut(o.id) else {
                                continue;
                            };
                            if *row == NO_ROW {
                                *row = objects.len();
                                objects.push(ObjectRow {
                                    name: Arc::clone(&o.name),
                                    kind: o.kind,
                                    type_name: vocabulary.object_word(o.kind).to_owned(),
                                    addresses: o.addresses.clone(),
                                    cidrs: o.cidrs.iter().map(|c| String::from(&**c)).collect(),
                                    status: o.status,
                                    published_by: o.published_by.clone(),
                                    stands_for: o.stands_for.clone(),
                                    used_by: Vec::new(),
                                    still_used_by: Vec::new(),
                                });
                                users.push(UniqueArcs::default());
                            }
                            if let Some(u) = users.get_mut(*row) {
                                u.push(&rule_name);
                            }
                        }
                    }
                    match shared {
                        Some(shared) => shared,
                        None => (out.items.into(), None),
                    }
                };
            let (sources, source_cidrs) = names(self, &r.sources);
            let (destinations, destination_cidrs) = names(self, &r.destinations);
            // One entry (the usual case) needs no union: its set is already normalised.
            let addresses = |list: &[Addresses], known: Option<SharedList>| match (list, known) {
                (_, Some(known)) => known,
                ([one], None) => shared_cidrs(&one.set),
                (_, None) => {
                    shared_cidrs(&list.iter().fold(AddrSet::new(), |acc, a| acc.union(&a.set)))
                }
            };
            let services = self.services(&r.services);
            let mut roles = Vec::new();
            let apply_on: Vec<RuleTarget> = r
                .targets
                .iter()
                .map(|tg| {
                    let rs: Vec<PathRole> = tg.roles.clone();
                    for x in &rs {
                        add_role(&mut roles, *x);
                    }
                    let (firewall, owner) = self.firewall_texts(tg.firewall.as_str(), &tg.owner);
                    // The request form's lines, one per service, numbered through the request:
                    // rules in order, then their firewalls, then their services.
                    let lines = services
                        .services
                        .iter()
                        .zip(services.parts.iter())
                        .map(|(service, (protocol, port))| {
                            number += 1;
                            TrafficLine {
                                number,
                                service: Arc::clone(service),
                                protocol: Arc::clone(protocol),
                                port: Arc::clone(port),
                            }
                        })
                        .collect();
                    RuleTarget {
                        firewall,
                        owner,
                        placement: tg.placement.clone(),
                        rule_number: tg.priority,
                        position: None,
                        roles: rs,
                        lines,
                    }
                })
                .collect();
            for tg in &r.targets {
                if firewall_names.insert(tg.firewall.as_str()) {
                    firewalls.push(self.firewall_info(tg));
                }
            }
            for f in &r.flows {
                flows.push(f.as_str());
            }
            let meta = self.rule_meta(r);
            traffic.push(TrafficRow {
                rule: rule_name,
                direction: r.direction,
                owner: r.owner.as_ref().map(|e| self.env_text(e)),
                sources,
                source_addresses: addresses(&r.sources, source_cidrs),
                destinations,
                destination_addresses: addresses(&r.destinations, destination_cidrs),
                services: services.services,
                action: RuleAction::Allow,
                apply_on,
                list: r.list,
                return_traffic: r.return_traffic,
                roles,
                flows: meta.flows,
                justifications: r.justifications.iter().map(|j| self.text(j)).collect(),
                requesters: meta.requesters,
                expires: meta.expires,
                change_windows: meta.change_windows,
                cloud_ends: meta.cloud_ends.unwrap_or_else(|| Arc::new([])),
                failover_path: meta.failover_path,
            });
        }
        for (o, u) in objects.iter_mut().zip(users) {
            o.used_by = u.items;
        }
        self.set_object_type_words(id, &mut objects, &traffic, &kinds);
        let mut request = super::channel_request(channel, id, vocabulary);
        request.firewalls = firewalls;
        // Grown one object at a time: give back the spare room.
        objects.shrink_to_fit();
        request.objects = objects;
        request.traffic = traffic;
        request.flow_details = self.flow_details(&flows.items);
        request.flows = flows
            .items
            .iter()
            .map(|f| match self.flow_position(f) {
                Some(i) => self
                    .flow_texts
                    .get(i)
                    .map_or_else(|| Arc::from(*f), |t| Arc::clone(&t.name)),
                None => Arc::from(*f),
            })
            .collect();
        request.notes = self.request_notes(&request, rules, &kinds);
        request
    }

    /// The firewall a rule goes on, as the request lists it.
    fn firewall_info(&self, tg: &Target) -> FirewallInfo {
        let fw = self.index.firewall(tg.firewall.as_str());
        FirewallInfo {
            name: tg.firewall.as_str().to_owned(),
            kind: fw.map_or("firewall", |f| f.kind.noun()).to_owned(),
            owner: tg.owner.clone(),
            description: fw.and_then(|f| f.description.clone()),
        }
    }

    /// The (kind, platform) of the firewall named `name`; an unknown one is `Other`.
    fn firewall_kind(&self, name: &str) -> (FirewallKind, Option<mccs_model::Platform>) {
        self.index
            .firewall(name)
            .map_or((FirewallKind::Other, None), |f| (f.kind, f.platform))
    }

    /// Sets each object's type word to the one of the firewalls that hold it.
    ///
    /// `kinds` holds the kind of every rule target's firewall, rows in order and each row's
    /// targets in order.
    fn set_object_type_words(
        &self,
        id: &str,
        objects: &mut [ObjectRow],
        traffic: &[TrafficRow],
        kinds: &[FirewallKindOf],
    ) {
        // An object's type word is the one of the firewalls that hold it: in a request to both
        // cloud firewalls, the Azure VNet's object is an IP Group and the AWS VPC's a prefix list.
        if self.vocabularies.channels.contains_key(id) {
            // The channel's own words, whatever its firewalls.
            let words = self.vocabularies.for_request(id, &[]);
            for o in objects.iter_mut() {
                o.type_name = words.object_word(o.kind).to_owned();
            }
            return;
        }
        // The vocabulary depends only on which kinds of firewall there are, not on how often
        // each appears: each rule's distinct kinds are worked out once, not per object using it.
        let mut kinds_of_rule: HashMap<&str, Vec<FirewallKindOf>> =
            HashMap::with_capacity(traffic.len());
        let mut target_kinds = kinds.iter();
        for row in traffic {
            let kinds = kinds_of_rule.entry(&*row.rule).or_default();
            for _ in &row.apply_on {
                let k = target_kinds
                    .next()
                    .copied()
                    .unwrap_or((FirewallKind::Other, None));
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
        }
        let mut kinds = Vec::new();
        for o in objects.iter_mut() {
            kinds.clear();
            for k in o
                .used_by
                .iter()
                .filter_map(|rule| kinds_of_rule.get(&**rule))
                .flatten()
            {
                if !kinds.contains(k) {
                    kinds.push(*k);
                }
            }
            o.type_name = self
                .vocabularies
                .for_request(id, &kinds)
                .object_word(o.kind)
                .to_owned();
        }
    }

    /// The facts of each of `flows` (requester, cloud ends, expiry, ...), in their order.
    fn flow_details(&self, flows: &[&str]) -> Vec<FlowDetails> {
        // Sized to the flows: a filtered iterator does not tell `collect` its length, and the
        // list would keep up to half of its room spare.
        let mut out = Vec::with_capacity(flows.len());
        out.extend(
            flows
                .iter()
                .filter_map(|f| self.flow_position(f))
                .filter_map(|i| Some((self.plan.flows.get(i)?, self.flow_texts.get(i)?)))
                .map(|(fp, texts)| FlowDetails {
                    flow: Arc::clone(&texts.name),
                    requester: texts.requester.clone(),
                    cloud_ends: Arc::clone(&texts.cloud_ends),
                    expires: fp.expires,
                    change_window: texts.change_window.clone(),
                    justification: texts.justification.clone(),
                }),
        );
        out
    }

    /// The cloud ends of a flow: each Project Set environment among its ends (named as one, or
    /// an object or CIDR inside the network of the environment the flow's rules are for), with
    /// account or subscription and region, in the order the directions name them.
    pub(super) fn cloud_ends(&self, fp: &FlowPlan) -> Vec<CloudEnd> {
        let mut out: Vec<CloudEnd> = Vec::new();
        for d in &fp.directions {
            for a in [&d.trace.flow.source, &d.trace.flow.destination] {
                let env = match &a.party {
                    Party::Environment { env } => env,
                    _ => {
                        // Addresses inside the owner's network (a database object in its Data
                        // subnet, say) are that environment's end.
                        let Some(owner) = &d.trace.flow.owner else {
                            continue;
                        };
                        let inside = self.index.environment(owner).is_some_and(|(_, vn)| {
                            AddrSet::from_prefixes(
                                vn.address_space
                                    .iter()
                                    .chain(&vn.secondary_ranges)
                                    .map(|p| p.trunc()),
                            )
                            .covers(&a.set)
                        });
                        if !inside {
                            continue;
                        }
                        owner
                    }
                };
                let name = self.env_text(env);
                if out.iter().any(|c| c.environment == name) {
                    continue;
                }
                let Some((ps, vn)) = self.index.environment(env) else {
                    continue;
                };
                out.push(CloudEnd {
                    environment: name,
                    platform: ps.platform,
                    account: self.text(&vn.account),
                    region: self.text(&vn.region),
                });
            }
        }
        out
    }

    /// What a planned rule carries from its flows besides the justifications.
    fn rule_meta(&self, r: &PlannedRule) -> RuleMeta {
        let mut meta = RuleMeta {
            flows: Vec::with_capacity(r.flows.len()),
            ..RuleMeta::default()
        };
        let mut all_expire = !r.flows.is_empty();
        let mut latest: Option<mccs_model::Date> = None;
        let mut requesters = UniqueArcs::default();
        let mut change_windows = UniqueArcs::default();
        // A cloud end is the same wherever its environment appears (it is read from the
        // topology), so its environment identifies it.
        let mut cloud_ends = UniqueRefs::default();
        let mut ends_of_flows: Vec<&CloudEnd> = Vec::new();
        // The first flow's list of ends, shared when the row's ends are exactly it.
        let mut first_ends: Option<&Arc<[CloudEnd]>> = None;
        for f in &r.flows {
            let found = self
                .flow_position(f.as_str())
                .and_then(|i| Some((self.plan.flows.get(i)?, self.flow_texts.get(i)?)));
            let Some((fp, texts)) = found else {
                meta.flows.push(Arc::from(f));
                continue;
            };
            meta.flows.push(Arc::clone(&texts.name));
            if let Some(x) = &texts.requester {
                requesters.push(x);
            }
            if let Some(x) = &texts.change_window {
                change_windows.push(x);
            }
            match fp.expires {
                Some(e) => latest = latest.max(Some(e)),
                None => all_expire = false,
            }
            if first_ends.is_none() {
                first_ends = Some(&texts.cloud_ends);
            }
            for c in texts.cloud_ends.iter() {
                let before = cloud_ends.items.len();
                cloud_ends.push(&c.environment);
                if cloud_ends.items.len() > before {
                    ends_of_flows.push(c);
                }
            }
            meta.failover_path |= has_failover_path(fp, r.direction);
        }
        meta.requesters = requesters.items;
        meta.change_windows = change_windows.items;
        meta.cloud_ends = Some(match first_ends {
            // The ends of the first flow, in order, are the first ends found.
            Some(first) if first.len() == ends_of_flows.len() => Arc::clone(first),
            _ => ends_of_flows.iter().map(|c| (*c).clone()).collect(),
        });
        meta.expires = if all_expire { latest } else { None };
        meta
    }
}

/// Fills every rule target's request form lines (one per service), numbered from 1 through
/// the request: rules in order, then their firewalls, then their services. (The requests of a
/// plan number their lines as they build their rows; removal requests number them here.)
pub(super) fn number_lines(traffic: &mut [TrafficRow]) {
    let mut number = 0;
    for row in traffic {
        for target in &mut row.apply_on {
            target.lines = row
                .services
                .iter()
                .map(|service| {
                    number += 1;
                    let (protocol, port) = protocol_and_port(service);
                    TrafficLine {
                        number,
                        service: Arc::clone(service),
                        protocol: Arc::from(protocol),
                        port: Arc::from(port),
                    }
                })
                .collect();
        }
    }
}

/// `tcp/443` as (`tcp`, `443`); `any` as (`any`, `any`); a protocol without ports (`icmp`)
/// with an empty port.
pub(super) fn protocol_and_port(service: &str) -> (&str, &str) {
    match service.split_once('/') {
        Some((protocol, port)) => (protocol, port),
        None if service == "any" => ("any", "any"),
        None => (service, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::protocol_and_port;

    #[test]
    fn services_split_into_protocol_and_port() {
        assert_eq!(protocol_and_port("tcp/443"), ("tcp", "443"));
        assert_eq!(protocol_and_port("udp/5000-5010"), ("udp", "5000-5010"));
        assert_eq!(protocol_and_port("icmp"), ("icmp", ""));
        assert_eq!(protocol_and_port("any"), ("any", "any"));
    }
}
