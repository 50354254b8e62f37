//! The summary: totals of the set, and per flow its status, cloud ends, the firewalls that
//! judged each direction and what the requests change.

use std::collections::HashMap;

use mccs_model::RuleList;
use mccs_path::{DirectedPlan, FlowPlan, Verdict};

use super::{Builder, add_role, list, party_addresses, push_unique, roles_text, services};
use crate::model::{
    CloudEnd, DirectionSummary, FirewallRules, FlowStatus, FlowSummary, ObjectStatus,
    PartialAllowance, Problem, Request, RequestedRule, Summary, Totals, TrafficRow,
};

/// A firewall as the summary names it: with the list that judged, and whether for the return
/// traffic, e.g. `data-nacl (outbound list, return traffic)`.
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
    pub(super) fn summary(&self, requests: &[Request]) -> Summary {
        // Distinct rules and objects: one flow and direction have one rule name in every
        // request, and an object has one name wherever it is used.
        let mut rules: Vec<&str> = requests
            .iter()
            .flat_map(|r| &r.traffic)
            .map(|row| row.rule.as_str())
            .collect();
        rules.sort_unstable();
        rules.dedup();
        let mut objects: Vec<&str> = requests
            .iter()
            .flat_map(|r| &r.objects)
            .filter(|o| o.status == ObjectStatus::Create)
            .map(|o| o.name.as_str())
            .collect();
        objects.sort_unstable();
        objects.dedup();
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
        let mut rows: HashMap<(&str, &str), &TrafficRow> =
            HashMap::with_capacity(requests.iter().map(|r| r.traffic.len()).sum());
        for r in requests {
            titles.entry(r.id.as_str()).or_insert(r.title.as_str());
            for row in &r.traffic {
                rows.entry((r.id.as_str(), row.rule.as_str()))
                    .or_insert(row);
            }
        }
        let flows: Vec<FlowSummary> = self
            .plan
            .flows
            .iter()
            .enumerate()
            .map(|(i, fp)| {
                let ends = self.flow_ends.get(i).cloned().unwrap_or_default();
                self.flow_summary(fp, ends, &titles, &rows)
            })
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

    /// Where one flow stands, with its `cloud_ends`; `titles` holds each request's title by
    /// id and `rows` the first Traffic Table row of each (request id, rule name).
    fn flow_summary(
        &self,
        fp: &FlowPlan,
        cloud_ends: Vec<CloudEnd>,
        titles: &HashMap<&str, &str>,
        rows: &HashMap<(&str, &str), &TrafficRow>,
    ) -> FlowSummary {
        let directions: Vec<DirectionSummary> = fp
            .directions
            .iter()
            .map(|d| self.direction_summary(d, titles, rows))
            .collect();
        let problems: Vec<Problem> = fp.diagnoses.iter().map(diagnosis_problem).collect();
        FlowSummary {
            flow: fp.flow.to_string(),
            justification: fp.justification.clone(),
            requester: fp.requester.clone(),
            expires: fp.expires,
            change_window: fp.change_window.clone(),
            cloud_ends,
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
        d: &DirectedPlan,
        titles: &HashMap<&str, &str>,
        rows: &HashMap<(&str, &str), &TrafficRow>,
    ) -> DirectionSummary {
        let mut allowed: Vec<FirewallRules> = Vec::new();
        let mut partial: Vec<PartialAllowance> = Vec::new();
        let mut requested: Vec<RequestedRule> = Vec::new();
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
                            firewall: s.firewall.to_string(),
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
                        firewall: s.firewall.to_string(),
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
                self.add_requested(&mut requested, rule, s.firewall.as_str());
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
            source: party_addresses(&d.trace.flow.source),
            destination: party_addresses(&d.trace.flow.destination),
            services: services(&d.trace.flow.services),
            status: st,
            failover_path,
            allowed,
            partial,
            requested,
            problems,
            warnings,
            details: Vec::new(),
        };
        summary.details = direction_details(&summary, d, titles, rows);
        summary
    }

    /// Adds `firewall` to the requested rule `rule` in the request its channel files.
    fn add_requested(&self, requested: &mut Vec<RequestedRule>, rule: &str, firewall: &str) {
        let channel = self
            .rule_channel
            .get(&(rule, firewall))
            .map(|c| (*c).to_owned())
            .unwrap_or_default();
        match requested
            .iter_mut()
            .find(|q| q.request == channel && q.rule == rule)
        {
            Some(q) => push_unique(&mut q.firewalls, firewall),
            None => requested.push(RequestedRule {
                request: channel,
                rule: rule.to_owned(),
                firewalls: vec![firewall.to_owned()],
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

/// The lines of a direction's summary, in order: allowed today, partly allowed, requested,
/// problems, warnings, and whether it has no path or no failover path.
fn direction_details(
    s: &DirectionSummary,
    d: &DirectedPlan,
    titles: &HashMap<&str, &str>,
    rows: &HashMap<(&str, &str), &TrafficRow>,
) -> Vec<String> {
    let mut details = Vec::new();
    for a in &s.allowed {
        details.push(format!(
            "allowed today on {} by {} ({})",
            judged_by(&a.firewall, a.list, a.return_traffic),
            list(&a.rules),
            roles_text(&a.roles)
        ));
    }
    for p in &s.partial {
        let by = if p.allowed_by.is_empty() {
            String::new()
        } else {
            format!(" by {}", list(&p.allowed_by))
        };
        let denied = if p.denied_by.is_empty() {
            String::new()
        } else {
            format!(", denied by {}", list(&p.denied_by))
        };
        details.push(format!(
            "partly allowed today on {}{by}{denied}; left out: {} to {} ({})",
            judged_by(&p.firewall, p.list, p.return_traffic),
            p.left_out_sources,
            p.left_out_destinations,
            p.left_out_services
        ));
    }
    for q in &s.requested {
        let title = titles
            .get(q.request.as_str())
            .copied()
            .unwrap_or(q.request.as_str());
        let row = rows.get(&(q.request.as_str(), q.rule.as_str())).copied();
        let what = match row {
            Some(t) if t.return_traffic => format!(
                ", {} list, for the return traffic",
                t.list.map_or("other", RuleList::as_str)
            ),
            Some(t) => t
                .list
                .map_or_else(String::new, |l| format!(", {} list", l.as_str())),
            None => String::new(),
        };
        details.push(format!(
            "request {} on {}{what} ({title})",
            q.rule,
            list(&q.firewalls)
        ));
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
