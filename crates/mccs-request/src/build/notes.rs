//! The notes: those of each request (shared responsibility, objects, direction, translated
//! sources, failover, stateless filters, placement), one function per kind, and those of the
//! whole set.

use std::rc::Rc;

use mccs_model::FirewallKind;
use mccs_naming::Direction;
use mccs_path::{Party, PlannedRule, PrivateLinkSide, Verdict};

use super::{
    Builder, FirewallKindOf, UniqueList, UniqueRefs, by_party, cidrs, list, party_addresses,
    push_unique,
};
use crate::model::{
    FlowStatus, Note, NoteKind, ObjectStatus, PathRole, Placement, Request, Summary,
};

impl<'a> Builder<'a> {
    /// Adds to `out` (without repeats) the transports (links, PrivateLink regions) only
    /// failover paths of `flow` take. Worked out once per flow and direction (a flow's rows in
    /// every request ask for the same), with `primary` as scratch space for the nodes of its
    /// primary paths (by number: [`mccs_path::DirectedPlan::path_node_ids`]).
    fn failover_via(
        &self,
        flow: &str,
        direction: Direction,
        primary: &mut Vec<u32>,
        out: &mut Vec<String>,
    ) {
        let Some(position) = self.flow_position(flow) else {
            return;
        };
        let slot = position
            .saturating_mul(2)
            .saturating_add(usize::from(direction == Direction::Inbound));
        let mut cache = self.failover_via.borrow_mut();
        if cache.len() <= slot {
            cache.resize(slot.saturating_add(1), None);
        }
        let Some(entry) = cache.get_mut(slot) else {
            return;
        };
        let via =
            entry.get_or_insert_with(|| self.failover_via_uncached(position, direction, primary));
        for x in via.iter() {
            push_unique(out, x);
        }
    }

    /// [`Builder::failover_via`] of the flow at `position` in the plan, worked out.
    fn failover_via_uncached(
        &self,
        position: usize,
        direction: Direction,
        primary: &mut Vec<u32>,
    ) -> Rc<[String]> {
        let mut out = Vec::new();
        let Some(fp) = self.plan.flows.get(position) else {
            return out.into();
        };
        for d in fp
            .directions
            .iter()
            .filter(|d| d.trace.flow.direction == direction)
        {
            primary.clear();
            primary.extend(
                d.trace
                    .paths
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.role == mccs_path::PathRole::Primary)
                    .flat_map(|(i, _)| d.path_node_ids(i).map(|(node, _)| node)),
            );
            for (i, _) in d
                .trace
                .paths
                .iter()
                .enumerate()
                .filter(|(_, p)| p.role == mccs_path::PathRole::Failover)
            {
                // Compared by number; a name is read only for a node the primary paths miss.
                for (node, enforces) in d.path_node_ids(i) {
                    if !enforces
                        && !primary.contains(&node)
                        && let Some(name) = d.path_node_name(i, node)
                    {
                        push_unique(&mut out, name);
                    }
                }
            }
        }
        out.into()
    }

    /// The notes of one request (whose Traffic Table rows came from `rules`, row by row), in
    /// the order the request shows them.
    ///
    /// `kinds` holds the (kind, platform) of the firewall of every rule target, rows in order
    /// and each row's targets in order ([`Builder::request`] looked them up once).
    pub(super) fn request_notes(
        &self,
        req: &Request,
        rules: &[&PlannedRule],
        kinds: &[FirewallKindOf],
    ) -> Vec<Note> {
        let mut notes = Vec::new();
        self.shared_responsibility_note(req, rules, &mut notes);
        object_notes(req, &mut notes);
        self.direction_notes(req, rules, &mut notes);
        self.translated_source_notes(req, rules, &mut notes);
        self.failover_notes(req, rules, &mut notes);
        self.stateless_note(req, &mut notes);
        Self::placement_notes(req, kinds, &mut notes);
        notes
    }

    /// Who files the request, who implements it, and who is responsible for what along the path.
    fn shared_responsibility_note(
        &self,
        req: &Request,
        rules: &[&PlannedRule],
        notes: &mut Vec<Note>,
    ) {
        let cloud: Vec<String> = req
            .firewalls
            .iter()
            .filter(|f| {
                self.index
                    .firewall(&f.name)
                    .is_some_and(|x| x.kind == FirewallKind::Cloud)
            })
            .map(|f| f.name.clone())
            .collect();
        let on_prem: Vec<String> = req
            .firewalls
            .iter()
            .filter(|f| self.is_on_prem_kind(&f.name))
            .map(|f| f.name.clone())
            .collect();
        let mut text = format!(
            "Filed by {}; reviewed and implemented by {}.",
            req.filed_by, req.handled_by
        );
        if !on_prem.is_empty() {
            text.push_str(&format!(
                " The rules go on every on-premises firewall on the path ({}): the 3PG and each zone firewall must allow the traffic. Once traffic reaches the on-premises network, keeping it and the data secure there is the project team's responsibility.",
                list(&on_prem)
            ));
        }
        let reaches_on_prem = req.traffic.iter().zip(rules).any(|(row, r)| {
            r.flows.iter().any(|f| {
                self.crosses(
                    f.as_str(),
                    row.direction,
                    &[FirewallKind::Edge, FirewallKind::Zone],
                )
            })
        });
        if !cloud.is_empty() {
            let owners: Vec<String> = req
                .firewalls
                .iter()
                .filter(|f| cloud.contains(&f.name))
                .fold(Vec::new(), |mut v, f| {
                    push_unique(&mut v, &f.owner);
                    v
                });
            text.push_str(&format!(
                " {} runs the connection up to and through the cloud firewall ({}).",
                list(&owners),
                list(&cloud)
            ));
            if reaches_on_prem && on_prem.is_empty() {
                text.push_str(
                    " The on-premises firewalls on the same paths (the 3PG and the zone firewalls) need their own request.",
                );
            }
        }
        notes.push(note(NoteKind::SharedResponsibility, text));
    }

    /// Rules that only allow traffic the Project Set initiates, and inbound rules.
    fn direction_notes(&self, req: &Request, rules: &[&PlannedRule], notes: &mut Vec<Note>) {
        let mut one_way = UniqueRefs::with_capacity(req.traffic.len());
        let mut one_way_on_prem = false;
        let mut inbound = UniqueRefs::with_capacity(req.traffic.len());
        for (row, r) in req.traffic.iter().zip(rules) {
            if row.owner.is_none() {
                continue;
            }
            if row.direction == Direction::Inbound {
                inbound.push(&row.rule);
                continue;
            }
            let single = row.flows.iter().any(|f| {
                self.flow_plan(f).is_some_and(|fp| {
                    fp.directions.len() == 1
                        && fp
                            .directions
                            .iter()
                            .all(|d| d.trace.flow.direction == Direction::Outbound)
                })
            });
            if single {
                one_way.push(&row.rule);
                // Once one row crosses an on-premises firewall the note says so: the others
                // need not be traced through.
                one_way_on_prem = one_way_on_prem
                    || r.flows.iter().any(|f| {
                        self.crosses(
                            f.as_str(),
                            Direction::Outbound,
                            &[FirewallKind::Edge, FirewallKind::Zone],
                        )
                    });
            }
        }
        let (one_way, inbound) = (one_way.items, inbound.items);
        if !one_way.is_empty() {
            let other = if one_way_on_prem {
                "an on-premises system needs to initiate traffic to the cloud resource"
            } else {
                "the other side needs to initiate traffic toward the Project Set"
            };
            notes.push(note(
                NoteKind::Direction,
                format!(
                    "{} only allow{} traffic initiated by the Project Set side (outbound); return traffic of those sessions needs no rule. If {other}, add another rule in the Traffic Table for that flow (set the flow's initiator to both and plan again).",
                    list(&one_way),
                    if one_way.len() == 1 { "s" } else { "" },
                ),
            ));
        }
        if !inbound.is_empty() {
            notes.push(note(
                NoteKind::Direction,
                format!(
                    "{} {} inbound: initiated from outside toward the Project Set. Each initiating side needs its own rule, so inbound traffic has separate rows from any outbound rule of the same flow.",
                    list(&inbound),
                    if inbound.len() == 1 { "is" } else { "are" },
                ),
            ));
        }
    }

    /// Sources translated by a PrivateLink endpoint or endpoint service: the addresses the
    /// firewall sees are not the flow's own.
    fn translated_source_notes(
        &self,
        req: &Request,
        rules: &[&PlannedRule],
        notes: &mut Vec<Note>,
    ) {
        for (row, r) in req.traffic.iter().zip(rules) {
            if !r
                .sources
                .iter()
                .any(|a| matches!(a.party, Party::Translated { .. }))
            {
                continue;
            }
            for (party, set) in by_party(&r.sources) {
                let Party::Translated {
                    private_link,
                    region,
                    role,
                } = &party
                else {
                    continue;
                };
                let objects = row
                    .sources
                    .iter()
                    .filter(|n| {
                        req.objects
                            .iter()
                            .any(|o| o.name == **n && o.cidrs == cidrs(&set))
                    })
                    .cloned()
                    .collect::<Vec<_>>();
                let original: Vec<String> = r
                    .flows
                    .iter()
                    .filter_map(|f| self.flow_plan(f.as_str()))
                    .flat_map(|fp| &fp.directions)
                    .filter(|d| d.trace.flow.direction == r.direction)
                    .map(|d| party_addresses(&d.trace.flow.source))
                    .fold(Vec::new(), |mut v, s| {
                        push_unique(&mut v, &s);
                        v
                    });
                let on: Vec<&str> = row.apply_on.iter().map(|x| &*x.firewall).collect();
                let provider = self
                    .t
                    .private_links
                    .iter()
                    .find(|p| p.name.as_str() == private_link)
                    .map_or_else(|| "the provider".to_owned(), |p| p.provider.to_string());
                let text = if *role == PrivateLinkSide::Endpoint {
                    format!(
                        "{}: the source is {} ({}), the private IPs of the VPC endpoint of {private_link} in {region}, not {}. Traffic from {provider} toward the consumer VPC arrives from the VPC endpoint, so {} must admit these addresses.",
                        row.rule,
                        list(&objects),
                        set,
                        list(&original),
                        list(&on),
                    )
                } else {
                    format!(
                        "{}: the source is {} ({}), the private IPs of the VPC endpoint service of {private_link} in {region}, not {}. Traffic from the consumer VPCs toward {provider} leaves the connectivity account from the endpoint service, so {} sees these addresses; a rule with the VPC CIDR as source would not match.",
                        row.rule,
                        list(&objects),
                        set,
                        list(&original),
                        list(&on),
                    )
                };
                notes.push(note(NoteKind::TranslatedSource, text));
            }
        }
    }

    /// Rules needed for failover paths only, flows with no failover path, and rules requested for
    /// both kinds of path.
    fn failover_notes(&self, req: &Request, rules: &[&PlannedRule], notes: &mut Vec<Note>) {
        let mut both = UniqueRefs::with_capacity(req.traffic.len());
        let mut both_via = UniqueList::default();
        let mut primary = Vec::new();
        for (row, r) in req.traffic.iter().zip(rules) {
            // The transports only failover paths take: worked out only for a row that has a
            // failover path (most rows of a large plan have none).
            let via: Vec<String> = if row
                .apply_on
                .iter()
                .any(|tg| tg.roles.contains(&PathRole::Failover))
            {
                let mut v = Vec::new();
                for f in &r.flows {
                    self.failover_via(f.as_str(), r.direction, &mut primary, &mut v);
                }
                v
            } else {
                Vec::new()
            };
            for tg in &row.apply_on {
                if tg.roles == [PathRole::Failover] {
                    let primary: Vec<String> = r
                        .flows
                        .iter()
                        .filter_map(|f| self.flow_plan(f.as_str()))
                        .flat_map(|fp| &fp.directions)
                        .filter(|d| d.trace.flow.direction == r.direction)
                        .flat_map(|d| &d.steps)
                        .filter(|s| {
                            s.firewall.as_str() == &*tg.firewall
                                && s.role == mccs_path::PathRole::Primary
                        })
                        .filter_map(|s| match &*s.verdict {
                            Verdict::Allowed { rules } => Some(rules.clone()),
                            _ => None,
                        })
                        .flatten()
                        .fold(Vec::new(), |mut v, s| {
                            push_unique(&mut v, &s);
                            v
                        });
                    let by = if primary.is_empty() {
                        String::new()
                    } else {
                        format!(" (by {})", list(&primary))
                    };
                    let translated = r
                        .sources
                        .iter()
                        .any(|a| matches!(a.party, Party::Translated { .. }));
                    let why = if translated {
                        ", but traffic that fails over to the DR region arrives from that region's addresses"
                    } else {
                        ""
                    };
                    notes.push(note(
                        NoteKind::Failover,
                        format!(
                            "{} on {} is for the failover path only{}: the primary path already allows the flow there{by}{why}. Request it anyway, or the flow stops when it fails over.",
                            row.rule,
                            tg.firewall,
                            if via.is_empty() { String::new() } else { format!(" (via {})", list(&via)) },
                        ),
                    ));
                } else if tg.roles.contains(&PathRole::Failover) {
                    both.push(&row.rule);
                    for x in &via {
                        both_via.push(x);
                    }
                }
            }
        }
        let (both, both_via) = (both.items, both_via.items);
        single_path_note(req, notes);
        if !both.is_empty() {
            notes.push(note(
                NoteKind::Failover,
                format!(
                    "{} {} requested for the failover paths as well{}: the same rules must be in place there, or the flows stop when traffic fails over.",
                    list(&both),
                    if both.len() == 1 { "is" } else { "are" },
                    if both_via.is_empty() { String::new() } else { format!(" (via {})", list(&both_via)) },
                ),
            ));
        }
    }

    /// Network ACLs on the request: stateless, each flow needs a return-traffic rule.
    fn stateless_note(&self, req: &Request, notes: &mut Vec<Note>) {
        let stateless: Vec<String> = req
            .firewalls
            .iter()
            .filter(|f| {
                self.index
                    .firewall(&f.name)
                    .is_some_and(|x| x.kind.is_stateless())
            })
            .map(|f| f.name.clone())
            .collect();
        if !stateless.is_empty() {
            let returns: Vec<&str> = req
                .traffic
                .iter()
                .filter(|r| r.return_traffic)
                .map(|r| &*r.rule)
                .collect();
            let ports: Vec<String> = stateless
                .iter()
                .filter_map(|f| self.index.firewall(f))
                .map(|f| format!("{} on {}", f.ephemeral(), f.name))
                .collect();
            notes.push(note(
                NoteKind::Stateless,
                format!(
                    "{} {} a network ACL: stateless, it keeps no record of sessions, so the answers to a connection it lets in are dropped unless a rule on its other list lets them out (and the other way round). Each flow through it needs two rules: one for the traffic as it is opened, and one for the return traffic, from the destination back to the source, to the ephemeral ports ({}).{}",
                    list(&stateless),
                    if stateless.len() == 1 { "is" } else { "are" },
                    list(&ports),
                    if returns.is_empty() {
                        String::new()
                    } else {
                        format!(" Return-traffic rules here: {}.", list(&returns))
                    }
                ),
            ));
        }
    }

    /// Where a rule must go in its list: above a rule that denies part of its traffic, or with a
    /// rule number that is not free.
    ///
    /// `kinds` is the kind of each rule target's firewall, in order (see
    /// [`Builder::request_notes`]).
    fn placement_notes(req: &Request, kinds: &[FirewallKindOf], notes: &mut Vec<Note>) {
        let mut kinds = kinds.iter();
        for row in &req.traffic {
            for tg in &row.apply_on {
                let kind = kinds.next().map_or(FirewallKind::Other, |k| k.0);
                if tg.rule_number.is_none() && kind == FirewallKind::NetworkAcl {
                    notes.push(note(
                        NoteKind::Placement,
                        format!(
                            "{} needs a rule number on {} {}, but none is free there: renumber the list to make room, then plan again.",
                            row.rule,
                            tg.firewall,
                            match &tg.placement {
                                Placement::Above { rule } => format!("lower than {rule}'s"),
                                Placement::Append => "after its last rule".to_owned(),
                            }
                        ),
                    ));
                    continue;
                }
                if let (Placement::Above { rule }, Some(n)) = (&tg.placement, tg.rule_number) {
                    notes.push(note(
                        NoteKind::Placement,
                        format!(
                            "{} must go on {} with rule number {n}, lower than {rule}'s: that rule denies part of this traffic today, and the lowest-numbered matching rule wins.",
                            row.rule, tg.firewall
                        ),
                    ));
                } else if let Placement::Above { rule } = &tg.placement {
                    notes.push(note(
                        NoteKind::Placement,
                        format!(
                            "{} must go on {} above {rule}: that rule denies part of this traffic today, and the first matching rule wins.",
                            row.rule, tg.firewall
                        ),
                    ));
                }
            }
        }
    }

    pub(super) fn set_notes(&self, requests: &[Request], summary: &Summary) -> Vec<Note> {
        let mut notes = Vec::new();
        if !requests.is_empty() {
            let who: Vec<String> = requests
                .iter()
                .map(|r| {
                    format!(
                        "the {} (for {}) is filed by {} and handled by {}",
                        r.title,
                        list(
                            &r.firewalls
                                .iter()
                                .map(|f| f.name.clone())
                                .collect::<Vec<_>>()
                        ),
                        r.filed_by,
                        r.handled_by,
                    )
                })
                .collect();
            let mut text = format!("Who files what: {}.", who.join("; "));
            let has_cloud = requests.iter().flat_map(|r| &r.firewalls).any(|f| {
                self.index
                    .firewall(&f.name)
                    .is_some_and(|x| x.kind == FirewallKind::Cloud)
            });
            let on_prem_request = requests
                .iter()
                .find(|r| r.firewalls.iter().any(|f| self.is_on_prem_kind(&f.name)));
            if has_cloud && let Some(op) = on_prem_request {
                let encrypted = if self.hybrid_links_encrypted() {
                    " and the private links to on-premises (IPsec-encrypted)"
                } else {
                    ""
                };
                text.push_str(&format!(
                    " The platform team runs the connection up to and through the cloud firewall{encrypted}; {} files the {} for the 3PG and the zone firewalls, and owns security inside the on-premises network.",
                    op.filed_by, op.title
                ));
            }
            notes.push(Note {
                kind: NoteKind::SharedResponsibility,
                text,
            });
        }
        let blocked: Vec<&str> = summary
            .flows
            .iter()
            .filter(|f| f.status == FlowStatus::Blocked)
            .map(|f| &*f.flow)
            .collect();
        if !blocked.is_empty() {
            notes.push(Note {
                kind: NoteKind::Blocked,
                text: format!(
                    "{} {} blocked by a problem no firewall rule can fix, or by a rule mccs cannot judge (see the summary for which): fix the topology or the flow, or check that rule on the firewall, and plan again before filing for {}.",
                    list(&blocked),
                    if blocked.len() == 1 { "is" } else { "are" },
                    if blocked.len() == 1 { "it" } else { "them" },
                ),
            });
        }
        notes
    }

    /// Whether the flows take a private link to on-premises and every one they take is
    /// IPsec-encrypted. Stops at the first answer it can be sure of (a link that is not
    /// encrypted, or any link when all of them are) instead of walking every path of the plan.
    fn hybrid_links_encrypted(&self) -> bool {
        let links = &self.t.hybrid_links;
        let ipsec = |l: &mccs_model::HybridLink| l.encryption == mccs_model::Encryption::Ipsec;
        let all_ipsec = links.iter().all(ipsec);
        let mut any = false;
        if links.is_empty() {
            return false;
        }
        for fp in &self.plan.flows {
            for d in &fp.directions {
                for i in 0..d.trace.paths.len() {
                    for (node, _) in d.path_nodes(i) {
                        if let Some(l) = links.iter().find(|l| node == l.name.as_str()) {
                            if !ipsec(l) {
                                return false;
                            }
                            if all_ipsec {
                                return true;
                            }
                            any = true;
                        }
                    }
                }
            }
        }
        any
    }
}

fn note(kind: NoteKind, text: String) -> Note {
    Note { kind, text }
}

/// Centrally published and existing objects the request references instead of creating them.
fn object_notes(req: &Request, notes: &mut Vec<Note>) {
    let published: Vec<String> = req
        .objects
        .iter()
        .filter(|o| o.status == ObjectStatus::Published)
        .map(|o| match &o.published_by {
            Some(by) => format!("{} (published by {by})", o.name),
            None => o.name.to_string(),
        })
        .collect();
    if !published.is_empty() {
        notes.push(note(
            NoteKind::Objects,
            format!(
                "Centrally published objects are referenced as they are, never re-created: {}.",
                list(&published)
            ),
        ));
    }
    let existing: Vec<&str> = req
        .objects
        .iter()
        .filter(|o| o.status == ObjectStatus::Existing)
        .map(|o| &*o.name)
        .collect();
    if !existing.is_empty() {
        notes.push(note(
            NoteKind::Objects,
            format!(
                "Existing objects already hold exactly the addresses needed: reference {}, do not create duplicates.",
                list(&existing)
            ),
        ));
    }
}

/// Single paths: say so, and claim no failover coverage.
fn single_path_note(req: &Request, notes: &mut Vec<Note>) {
    let mut single = UniqueRefs::with_capacity(req.flows.len());
    let mut single_rules = UniqueRefs::with_capacity(req.traffic.len());
    for row in req.traffic.iter().filter(|row| !row.failover_path) {
        single_rules.push(&row.rule);
        for f in &row.flows {
            single.push(f);
        }
    }
    let (single, single_rules) = (single.items, single_rules.items);
    if !single.is_empty() {
        notes.push(note(
            NoteKind::Failover,
            format!(
                "No failover path for {}: no secondary link or DR region is on the way, so {} cover{} the only path; if it fails, the flow{} stop{}. Nothing in this request covers failover.",
                list(&single),
                list(&single_rules),
                if single_rules.len() == 1 { "s" } else { "" },
                if single.len() == 1 { "" } else { "s" },
                if single.len() == 1 { "s" } else { "" },
            ),
        ));
    }
}
