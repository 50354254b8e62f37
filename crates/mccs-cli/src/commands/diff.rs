//! `mccs diff OLD NEW`: what changed between two topologies (rulebases, verdicts and why,
//! requests a plan would add or drop).

use mccs_path::{
    Diff, DiffOptions, FlowChange, NetworkGraph, PlanOptions, RequestChangeKind, RuleChange,
    RuleChangeKind, TraceOptions, Verdict, VerdictChange, diff,
};
use mccs_request::escape;

use crate::cli::{DiffArgs, ReportFormat};
use crate::commands::{Ctx, today};
use crate::input::{Purpose, Source};
use crate::table::Table;
use crate::{Exit, Result, render};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &DiffArgs) -> Result<Exit> {
    let (old_source, old) = ctx.usable(Source::read(&args.old, Purpose::Topology)?)?;
    let (new_source, new) = ctx.usable(Source::read(&args.new, Purpose::Topology)?)?;
    let trace = args
        .limits
        .apply(TraceOptions::default().with_today(args.today.unwrap_or_else(today)));
    let mut plan = PlanOptions::default();
    plan.trace = trace;
    let options = DiffOptions::default()
        .with_plan(plan)
        .with_max_sampled_pairs(args.max_sampled);
    let d = diff(
        &NetworkGraph::build(&old.topology),
        &NetworkGraph::build(&new.topology),
        &options,
    );
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &d).map_err(std::io::Error::other)?;
            writeln!(ctx.out)?;
        }
        ReportFormat::Text => {
            let text = text(&d, &old_source.name, &new_source.name);
            ctx.out.write_all(render::terminal_safe(&text).as_bytes())?;
        }
        ReportFormat::Markdown => {
            ctx.out
                .write_all(markdown(&d, &old_source.name, &new_source.name).as_bytes())?;
        }
        ReportFormat::Csv => ctx.out.write_all(&table(&d, "").csv()?)?,
        ReportFormat::Html => {
            let mut t = table(&d, &format!("{} -> {}", old_source.name, new_source.name));
            t.lead = summary(&d, &old_source.name, &new_source.name);
            ctx.out.write_all(t.html().as_bytes())?;
        }
    }
    Ok(if args.check && d.changes_behaviour() {
        Exit::RulesNeeded
    } else {
        Exit::Success
    })
}

fn list_suffix(list: Option<mccs_model::RuleList>) -> String {
    list.map_or_else(String::new, |l| format!(" ({})", l.as_str()))
}

/// `1 -> 2`, `added at 3`, ...
fn rule_change(c: &RuleChange) -> String {
    match &c.kind {
        RuleChangeKind::Added { position } => format!("added at {position}"),
        RuleChangeKind::Removed { position } => format!("removed from {position}"),
        RuleChangeKind::Reordered { from, to } => format!("reordered {from} -> {to}"),
        RuleChangeKind::Changed { from, to, what } => {
            let at = if from == to {
                format!("at {to}")
            } else {
                format!("{from} -> {to}")
            };
            format!("changed {at} ({})", what.join(", "))
        }
        RuleChangeKind::Renamed { was, position } => {
            format!("renamed from {was} (at {position})")
        }
        _ => "changed".to_owned(),
    }
}

fn verdicts(v: &[Verdict]) -> String {
    if v.is_empty() {
        return "not on the path".to_owned();
    }
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" | ")
}

fn outcome(o: Option<mccs_path::ReachOutcome>) -> &'static str {
    o.map_or("absent", mccs_path::ReachOutcome::as_str)
}

fn firewall_label(v: &VerdictChange) -> String {
    format!(
        "{}{}{}",
        v.firewall,
        list_suffix(v.list),
        if v.return_traffic { " return" } else { "" }
    )
}

fn origin(f: &FlowChange) -> &'static str {
    match f.origin {
        mccs_path::FlowOrigin::Declared => "declared",
        _ => "sampled",
    }
}

fn change_word(c: RequestChangeKind) -> &'static str {
    match c {
        RequestChangeKind::Added => "added",
        RequestChangeKind::Dropped => "dropped",
    }
}

fn summary(d: &Diff, old: &str, new: &str) -> String {
    let rules: usize = d.rulebases.iter().map(|r| r.rules.len()).sum();
    let added = d
        .requests
        .iter()
        .filter(|r| r.change == RequestChangeKind::Added)
        .count();
    format!(
        "{old} -> {new}: {} on {}, {} changed, {} added and {} dropped; {} declared ({} judged again), {} sampled",
        render::count(rules, "rule change"),
        render::count(d.rulebases.len(), "list"),
        render::count(d.flows.len(), "flow"),
        render::count(added, "request"),
        d.requests.len() - added,
        render::count(d.declared, "flow"),
        d.rejudged,
        render::count(d.sampled.traced, "flow"),
    )
}

fn text(d: &Diff, old: &str, new: &str) -> String {
    let mut t = String::new();
    if !d.topology.is_empty() {
        t.push_str(&format!(
            "Topology changed beyond rules: {}\n",
            d.topology.join(", ")
        ));
    }
    if !d.rulebases.is_empty() {
        t.push_str("Rulebases:\n");
        for rb in &d.rulebases {
            t.push_str(&format!(
                "  {}{} ({}):\n",
                rb.firewall,
                list_suffix(rb.list),
                match rb.status {
                    mccs_path::FirewallStatus::Added => "new firewall",
                    mccs_path::FirewallStatus::Removed => "firewall gone",
                    _ => "changed",
                }
            ));
            for c in &rb.rules {
                t.push_str(&format!("    {} {}\n", c.rule, rule_change(c)));
            }
        }
    }
    if !d.flows.is_empty() {
        t.push_str("Verdicts:\n");
        for f in &d.flows {
            t.push_str(&format!(
                "  {} ({}): {} -> {} {}: {} -> {}\n",
                f.flow,
                origin(f),
                f.source,
                f.destination,
                f.services,
                outcome(f.old),
                outcome(f.new)
            ));
            for v in &f.firewalls {
                t.push_str(&format!(
                    "    {}: {} -> {}\n",
                    firewall_label(v),
                    verdicts(&v.old),
                    verdicts(&v.new)
                ));
                for r in &v.reasons {
                    t.push_str(&format!("      why: {r}\n"));
                }
            }
            for n in &f.notes {
                t.push_str(&format!("    {n}\n"));
            }
        }
    }
    if !d.requests.is_empty() {
        t.push_str("Requests:\n");
        for r in &d.requests {
            t.push_str(&format!(
                "  {} {} {}{}: {} for {}: {} -> {} {}\n",
                change_word(r.change),
                r.channel,
                r.firewall,
                list_suffix(r.list),
                r.name,
                r.flow,
                r.sources,
                r.destinations,
                r.services
            ));
        }
    }
    t.push_str(&format!(
        "Sampled {} of {} pairs of {}: {}{}\n",
        d.sampled.traced,
        d.sampled.pairs,
        render::count(d.sampled.networks, "network"),
        d.sampled.how,
        if d.sampled.complete {
            ""
        } else {
            " (a limit left some out: docs/limits.md)"
        }
    ));
    t.push_str(&summary(d, old, new));
    t.push('\n');
    t
}

fn markdown(d: &Diff, old: &str, new: &str) -> String {
    let m = escape::markdown;
    let mut t = format!("# Changes from {} to {}\n\n", m(old), m(new));
    if !d.topology.is_empty() {
        t.push_str(&format!(
            "Topology changed beyond rules: {}\n\n",
            m(&d.topology.join(", "))
        ));
    }
    t.push_str("## Rulebases\n\n");
    if d.rulebases.is_empty() {
        t.push_str("No rule changed.\n\n");
    } else {
        t.push_str("| firewall | rule | change |\n| --- | --- | --- |\n");
        for rb in &d.rulebases {
            for c in &rb.rules {
                t.push_str(&format!(
                    "| {} | {} | {} |\n",
                    m(&format!("{}{}", rb.firewall, list_suffix(rb.list))),
                    m(&c.rule),
                    m(&rule_change(c))
                ));
            }
        }
        t.push('\n');
    }
    t.push_str("## Verdicts\n\n");
    if d.flows.is_empty() {
        t.push_str("No verdict changed.\n\n");
    } else {
        t.push_str("| flow | firewall | before | after | why |\n| --- | --- | --- | --- | --- |\n");
        for f in &d.flows {
            let flow = format!(
                "{} ({}): {} -> {} {}, {} -> {}",
                f.flow,
                origin(f),
                f.source,
                f.destination,
                f.services,
                outcome(f.old),
                outcome(f.new)
            );
            if f.firewalls.is_empty() {
                t.push_str(&format!(
                    "| {} | | | | {} |\n",
                    m(&flow),
                    m(&f.notes.join("; "))
                ));
            }
            for v in &f.firewalls {
                let why: Vec<String> = v.reasons.iter().map(ToString::to_string).collect();
                t.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    m(&flow),
                    m(&firewall_label(v)),
                    m(&verdicts(&v.old)),
                    m(&verdicts(&v.new)),
                    m(&why.join("; "))
                ));
            }
        }
        t.push('\n');
    }
    t.push_str("## Requests\n\n");
    if d.requests.is_empty() {
        t.push_str("No request added or dropped.\n\n");
    } else {
        t.push_str("| change | channel | firewall | rule | flow | sources | destinations | services |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for r in &d.requests {
            t.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                change_word(r.change),
                m(&r.channel),
                m(&format!("{}{}", r.firewall, list_suffix(r.list))),
                m(&r.name),
                m(&r.flow),
                m(&r.sources),
                m(&r.destinations),
                m(&r.services)
            ));
        }
        t.push('\n');
    }
    t.push_str(&format!(
        "Sampled {} of {} pairs of {}: {}.\n\n{}\n",
        d.sampled.traced,
        d.sampled.pairs,
        render::count(d.sampled.networks, "network"),
        m(&d.sampled.how),
        m(&summary(d, old, new))
    ));
    t
}

/// The diff as one table: a row per rule change, verdict change (or flow change without a
/// firewall's) and request added or dropped.
fn table(d: &Diff, title: &str) -> Table {
    let mut t = Table::new(
        format!("What changed: {title}"),
        vec![
            "kind",
            "channel",
            "firewall",
            "rule",
            "change",
            "flow",
            "origin",
            "source",
            "destination",
            "services",
            "before",
            "after",
            "why",
        ],
    );
    let mut row = |cells: [&str; 13]| t.push(cells.map(str::to_owned).to_vec());
    for rb in &d.rulebases {
        let fw = format!("{}{}", rb.firewall, list_suffix(rb.list));
        for c in &rb.rules {
            row([
                "rule",
                "",
                &fw,
                &c.rule,
                &rule_change(c),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]);
        }
    }
    for f in &d.flows {
        for v in &f.firewalls {
            let why: Vec<String> = v.reasons.iter().map(ToString::to_string).collect();
            row([
                "verdict",
                "",
                &firewall_label(v),
                "",
                "",
                &f.flow,
                origin(f),
                &f.source,
                &f.destination,
                &f.services,
                &verdicts(&v.old),
                &verdicts(&v.new),
                &why.join("; "),
            ]);
        }
        if f.firewalls.is_empty() {
            row([
                "flow",
                "",
                "",
                "",
                "",
                &f.flow,
                origin(f),
                &f.source,
                &f.destination,
                &f.services,
                outcome(f.old),
                outcome(f.new),
                &f.notes.join("; "),
            ]);
        }
    }
    for r in &d.requests {
        row([
            "request",
            &r.channel,
            &format!("{}{}", r.firewall, list_suffix(r.list)),
            &r.name,
            change_word(r.change),
            &r.flow,
            "declared",
            &r.sources,
            &r.destinations,
            &r.services,
            "",
            "",
            "",
        ]);
    }
    t
}
