//! The summary: totals of the set, and per flow its status, cloud ends, the firewalls that
//! judged each direction and what the requests change.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::Arc;

use mccs_model::RuleList;
use mccs_path::{DirectedPlan, FlowPlan, Verdict};

use super::{Builder, FlowTexts, add_role, push_unique, roles_text, write_party_set};
use crate::model::{
    DirectionSummary, FirewallRules, FlowStatus, FlowSummary, ObjectStatus, PartialAllowance,
    Problem, Request, RequestedRule, Summary, Totals, TrafficRow,
};

/// A firewall as the summary names it: with the list that judged, and whether for the return
/// traffic, e.g. `data-nacl (outbound list, return traffic)`. The summary appends it with
/// [`push_judged_by`]; this is the reference the tests hold that to.
#[cfg(test)]
fn judged_by(firewall: &str, list: Option<RuleList>, return_traffic: bool) -> String {
    match (list, return_traffic) {
        (None, _) => firewall.to_owned(),
        (Some(l), false) => format!("{firewall} ({} list)", l.as_str()),
        (Some(l), true) => format!("{firewall} ({} list, return traffic)", l.as_str()),
    }
}

fn diagnosis_problem(d: &mccs_path::Diagnosis) -> Problem {
    let kind = serde_json::to_value(d)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "problem".to_owned());
    Problem {
        kind,
        message: d.to_string(),
    }
}

impl<'a> Builder<'a> {
    /// The summary of `requests`.
    pub(super) fn summary(&self, requests: &[Request]) -> Summary {
        // Distinct rules and objects: one flow and direction have one rule name in every
        // request, and an object has one name wherever it is used. Counted in a set, not by
        // sorting the names (a sort compares long names with long shared prefixes).
        let row_count: usize = requests.iter().map(|r| r.traffic.len()).sum();
        let mut rules: HashSet<&str> = HashSet::with_capacity(row_count);
        rules.extend(
            requests
                .iter()
                .flat_map(|r| &r.traffic)
                .map(|row| &*row.rule),
        );
        let mut objects: HashSet<&str> =
            HashSet::with_capacity(requests.iter().map(|r| r.objects.len()).sum());
        objects.extend(
            requests
                .iter()
                .flat_map(|r| &r.objects)
                .filter(|o| o.status == ObjectStatus::Create)
                .map(|o| &*o.name),
        );
        let mut totals = Totals {
            requests: requests.len(),
            rules: rules.len(),
            objects_to_create: objects.len(),
            traffic_rows: requests.iter().map(|r| r.traffic.len()).sum(),
            traffic_lines: requests
                .iter()
                .flat_map(|r| &r.traffic)
                .flat_map(|t| &t.apply_on)
                .map(|a| a.lines.len())
                .sum(),
            ..Totals::default()
        };
        // Each request's title, and the first Traffic Table row of each (request, rule), found
        // by hash probes: a scan of every row per requested rule is quadratic in the flows.
        let mut titles: HashMap<&str, &str> = HashMap::with_capacity(requests.len());
        let mut rows: HashMap<(&str, &str), &TrafficRow> = HashMap::with_capacity(row_count);
        for r in requests {
            titles.entry(r.id.as_str()).or_insert(r.title.as_str());
            for row in &r.traffic {
                rows.entry((r.id.as_str(), &*row.rule)).or_insert(row);
            }
        }
        let plan = self.plan;
        let mut scratch = Scratch::default();
        let flows: Vec<FlowSummary> = plan
            .flows
            .iter()
            .zip(&self.flow_texts)
            .map(|(fp, texts)| self.flow_summary(fp, texts, &titles, &rows, &mut scratch))
            .collect();
        totals.flows = flows.len();
        for f in &flows {
            match f.status {
                FlowStatus::AlreadyAllowed => totals.already_allowed += 1,
                FlowStatus::NeedsRules => totals.needs_rules += 1,
                FlowStatus::Blocked => totals.blocked += 1,
            }
            if f.partially_allowed {
                totals.partially_allowed += 1;
            }
        }
        Summary { totals, flows }
    }

    /// Where one flow stands, with its `texts` (name, cloud ends, ...); `titles` holds each
    /// request's title by id and `rows` the first Traffic Table row of each (request id, rule
    /// name).
    fn flow_summary(
        &self,
        fp: &'a FlowPlan,
        texts: &FlowTexts,
        titles: &HashMap<&str, &str>,
        rows: &HashMap<(&str, &str), &TrafficRow>,
        scratch: &mut Scratch,
    ) -> FlowSummary {
        let directions: Vec<DirectionSummary> = fp
            .directions
            .iter()
            .map(|d| self.direction_summary(d, titles, rows, scratch))
            .collect();
        let problems: Vec<Problem> = fp.diagnoses.iter().map(diagnosis_problem).collect();
        FlowSummary {
            flow: Arc::clone(&texts.name),
            justification: texts.justification.clone(),
            requester: texts.requester.clone(),
            expires: fp.expires,
            change_window: texts.change_window.clone(),
            cloud_ends: Arc::clone(&texts.cloud_ends),
            status: flow_status(fp.status()),
            partially_allowed: directions.iter().any(|d| !d.partial.is_empty()),
            directions,
            problems,
            pictures: Vec::new(),
        }
    }

    /// The summary of one direction of a flow: what allows it today, what is requested, what
    /// blocks it.
    fn direction_summary(
        &self,
        d: &'a DirectedPlan,
        titles: &HashMap<&str, &str>,
        rows: &HashMap<(&str, &str), &TrafficRow>,
        scratch: &mut Scratch,
    ) -> DirectionSummary {
        // Gathered in the scratch lists, then moved into lists of exactly their length (grown
        // one push at a time, each held room for four: most directions have one or two).
        let Scratch {
            allowed,
            partial,
            requested,
            text,
        } = scratch;
        allowed.clear();
        partial.clear();
        requested.clear();
        // Each step's verdict and, through a stateless filter, its return verdict.
        let judged = d.steps.iter().flat_map(|s| {
            let back = s.return_verdict.as_ref().map(|v| {
                (
                    s,
                    v,
                    s.list.map(RuleList::other),
                    true,
                    &s.return_planned_rule,
                )
            });
            std::iter::once((s, &s.verdict, s.list, false, &s.planned_rule)).chain(back)
        });
        for (s, verdict, list_of, return_traffic, planned_rule) in judged {
            let r = s.role;
            let same = |f: &str, l: Option<RuleList>, b: bool| {
                f == s.firewall && l == list_of && b == return_traffic
            };
            match &**verdict {
                Verdict::Allowed { rules } => {
                    match allowed
                        .iter_mut()
                        .find(|a| same(&a.firewall, a.list, a.return_traffic))
                    {
                        Some(a) => {
                            for x in rules {
                                push_unique(&mut a.rules, x);
                            }
                            add_role(&mut a.roles, r);
                        }
                        None => allowed.push(FirewallRules {
                            firewall: s.firewall.as_str().to_owned(),
                            list: list_of,
                            return_traffic,
                            rules: rules.clone(),
                            roles: vec![r],
                        }),
                    }
                }
                Verdict::Partial {
                    allowed_by,
                    denied_by,
                    left_out_sources,
                    left_out_destinations,
                    left_out_services,
                } => match partial
                    .iter_mut()
                    .find(|p| same(&p.firewall, p.list, p.return_traffic))
                {
                    Some(p) => add_role(&mut p.roles, r),
                    None => partial.push(PartialAllowance {
                        firewall: s.firewall.as_str().to_owned(),
                        list: list_of,
                        return_traffic,
                        allowed_by: allowed_by.clone(),
                        denied_by: denied_by.clone(),
                        left_out_sources: left_out_sources.clone(),
                        left_out_destinations: left_out_destinations.clone(),
                        left_out_services: left_out_services.clone(),
                        roles: vec![r],
                    }),
                },
                Verdict::Denied { .. } | Verdict::NoMatchingRule | Verdict::Unknown { .. } => {}
            }
            if let Some(rule) = planned_rule {
                self.add_requested(requested, rule, s.firewall.as_str());
            }
        }
        let st = flow_status(d.status);
        let (problems, warnings): (Vec<Problem>, Vec<Problem>) = if st == FlowStatus::Blocked {
            (
                d.trace.diagnoses.iter().map(diagnosis_problem).collect(),
                Vec::new(),
            )
        } else {
            (
                Vec::new(),
                d.trace.diagnoses.iter().map(diagnosis_problem).collect(),
            )
        };
        let failover_path = d
            .trace
            .paths
            .iter()
            .any(|p| p.role == mccs_path::PathRole::Failover);
        let mut summary = DirectionSummary {
            direction: d.trace.flow.direction,
            source: self.party_text(text, &d.trace.flow.source),
            destination: self.party_text(text, &d.trace.flow.destination),
            services: self.services(&d.trace.flow.services).services,
            status: st,
            failover_path,
            allowed: take_exact(allowed),
            partial: take_exact(partial),
            requested: take_exact(requested),
            problems,
            warnings,
            details: Vec::new(),
        };
        summary.details = direction_details(&summary, d, titles, rows);
        summary
    }

    /// `a`'s party and addresses as the summary writes them ([`super::party_addresses`]),
    /// written in `buf` and shared ([`Builder::text`]): a party's addresses read the same in
    /// every flow that names them.
    fn party_text(&self, buf: &mut String, a: &mccs_path::Addresses) -> Arc<str> {
        write_party_set(buf, &a.party, &a.set);
        self.text(buf)
    }

    /// Adds `firewall` to the requested rule `rule` (the plan's shared name, which the row
    /// shares too) in the request its channel files.
    fn add_requested(&self, requested: &mut Vec<RequestedRule>, rule: &Arc<str>, firewall: &str) {
        let channel = self
            .rule_channel
            .get(&(&**rule, firewall))
            .copied()
            .unwrap_or_default();
        match requested
            .iter_mut()
            .find(|q| *q.request == *channel && *q.rule == **rule)
        {
            Some(q) => {
                if !q.firewalls.iter().any(|f| **f == *firewall) {
                    q.firewalls.push(self.text(firewall));
                }
            }
            None => requested.push(RequestedRule {
                request: self.channel_text(channel),
                rule: Arc::clone(rule),
                firewalls: vec![self.text(firewall)],
            }),
        }
    }
}

fn flow_status(s: mccs_path::Status) -> FlowStatus {
    match s {
        mccs_path::Status::AlreadyAllowed => FlowStatus::AlreadyAllowed,
        mccs_path::Status::NeedsRules => FlowStatus::NeedsRules,
        mccs_path::Status::Blocked => FlowStatus::Blocked,
    }
}

/// Lists a direction's summary is gathered in, kept from one direction to the next.
#[derive(Default)]
struct Scratch {
    allowed: Vec<FirewallRules>,
    partial: Vec<PartialAllowance>,
    requested: Vec<RequestedRule>,
    text: String,
}

/// `v`'s items, moved into a list of exactly their number; `v` keeps its room for the next.
fn take_exact<T>(v: &mut Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(v.len());
    out.append(v);
    out
}

/// Appends `firewall` as the summary names it ([`judged_by`]), without a string of its own.
fn push_judged_by(out: &mut String, firewall: &str, list: Option<RuleList>, return_traffic: bool) {
    out.push_str(firewall);
    if let Some(l) = list {
        out.push_str(" (");
        out.push_str(l.as_str());
        out.push_str(if return_traffic {
            " list, return traffic)"
        } else {
            " list)"
        });
    }
}

/// Appends `items` as [`list`] writes them (`a`, `a and b`, `a, b and c`).
fn push_list<S: AsRef<str>>(out: &mut String, items: &[S]) {
    match items {
        [] => {}
        [one] => out.push_str(one.as_ref()),
        [rest @ .., last] => {
            for (i, x) in rest.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(x.as_ref());
            }
            out.push_str(" and ");
            out.push_str(last.as_ref());
        }
    }
}

/// The lines of a direction's summary, in order: allowed today, partly allowed, requested,
/// problems, warnings, and whether it has no path or no failover path. Each line is written
/// into one buffer, not assembled from `format!` pieces (a summary has lines for every flow).
fn direction_details(
    s: &DirectionSummary,
    d: &DirectedPlan,
    titles: &HashMap<&str, &str>,
    rows: &HashMap<(&str, &str), &TrafficRow>,
) -> Vec<String> {
    let mut details = Vec::with_capacity(
        s.allowed.len()
            + s.partial.len()
            + s.requested.len()
            + s.problems.len()
            + s.warnings.len()
            + usize::from(d.trace.paths.is_empty() && s.problems.is_empty())
            + usize::from(!s.failover_path && !d.trace.paths.is_empty()),
    );
    // Each line is written in `line`, kept from one to the next, and copied out at its
    // length: a buffer sized by guess would keep its spare room in the summary.
    let mut line = String::with_capacity(256);
    for a in &s.allowed {
        line.clear();
        line.push_str("allowed today on ");
        push_judged_by(&mut line, &a.firewall, a.list, a.return_traffic);
        line.push_str(" by ");
        push_list(&mut line, &a.rules);
        line.push_str(" (");
        line.push_str(roles_text(&a.roles));
        line.push(')');
        details.push(line.as_str().to_owned());
    }
    for p in &s.partial {
        line.clear();
        line.push_str("partly allowed today on ");
        push_judged_by(&mut line, &p.firewall, p.list, p.return_traffic);
        if !p.allowed_by.is_empty() {
            line.push_str(" by ");
            push_list(&mut line, &p.allowed_by);
        }
        if !p.denied_by.is_empty() {
            line.push_str(", denied by ");
            push_list(&mut line, &p.denied_by);
        }
        line.push_str("; left out: ");
        line.push_str(&p.left_out_sources);
        line.push_str(" to ");
        line.push_str(&p.left_out_destinations);
        line.push_str(" (");
        line.push_str(&p.left_out_services);
        line.push(')');
        details.push(line.as_str().to_owned());
    }
    for q in &s.requested {
        let title = titles.get(&*q.request).copied().unwrap_or(&*q.request);
        let row = rows.get(&(&*q.request, &*q.rule)).copied();
        line.clear();
        line.push_str("request ");
        line.push_str(&q.rule);
        line.push_str(" on ");
        push_list(&mut line, &q.firewalls);
        match row {
            Some(t) if t.return_traffic => {
                line.push_str(", ");
                line.push_str(t.list.map_or("other", RuleList::as_str));
                line.push_str(" list, for the return traffic");
            }
            Some(t) => {
                if let Some(l) = t.list {
                    line.push_str(", ");
                    line.push_str(l.as_str());
                    line.push_str(" list");
                }
            }
            None => {}
        }
        line.push_str(" (");
        line.push_str(title);
        line.push(')');
        details.push(line.as_str().to_owned());
    }
    for p in &s.problems {
        details.push(format!("blocked: {}", p.message));
    }
    for w in &s.warnings {
        details.push(format!("warning: {}", w.message));
    }
    if d.trace.paths.is_empty() && s.problems.is_empty() {
        details.push("blocked: no path was found".to_owned());
    }
    if !s.failover_path && !d.trace.paths.is_empty() {
        details.push("no failover path: no secondary link or DR region is on the way".to_owned());
    }
    details
}

#[cfg(test)]
mod tests {
    use super::{judged_by, push_judged_by, push_list};
    use mccs_model::RuleList;
    use proptest::prelude::*;

    fn lists() -> [Option<RuleList>; 3] {
        [None, Some(RuleList::Inbound), Some(RuleList::Outbound)]
    }

    proptest! {
        /// Appending a firewall's name and list writes what `judged_by` returns.
        #[test]
        fn push_judged_by_writes_judged_by(firewall in ".{0,12}", l in 0usize..3, back: bool) {
            let list = lists().get(l).copied().flatten();
            let mut out = String::from("x");
            push_judged_by(&mut out, &firewall, list, back);
            prop_assert_eq!(out, format!("x{}", judged_by(&firewall, list, back)));
        }

        /// Appending a list writes what `list` returns.
        #[test]
        fn push_list_writes_list(items in proptest::collection::vec(".{0,6}", 0..5)) {
            let mut out = String::new();
            push_list(&mut out, &items);
            prop_assert_eq!(out, super::super::list(&items));
        }
    }
}
