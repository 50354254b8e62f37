//! `mccs rules`: rules that do nothing (shadowed, duplicate, redundant, for networks that are
//! gone), per firewall.

use mccs_path::{AnalysisOptions, NetworkGraph, analysis_of};

use crate::cli::{ReportFormat, RulesArgs};
use crate::commands::Ctx;
use crate::table::Table;
use crate::{Error, Exit, Result, render};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &RulesArgs) -> Result<Exit> {
    let (source, checked) = ctx.usable_topology(&args.topology)?;
    let topology = &checked.topology;
    if let Some(name) = &args.firewall
        && !topology.firewalls.iter().any(|f| f.name == *name)
    {
        return Err(Error::Usage(format!(
            "no firewall `{name}` in {}: give one of the topology's `firewalls` names",
            render::terminal_safe(&source.name)
        )));
    }
    let graph = NetworkGraph::build(topology);
    let found = analysis_of(&graph, args.firewall.as_ref(), &AnalysisOptions::default());
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &found).map_err(std::io::Error::other)?;
            writeln!(ctx.out)?;
        }
        ReportFormat::Text => {
            for f in &found {
                writeln!(ctx.out, "{}", render::terminal_safe(&f.to_string()))?;
            }
            let rules: usize = topology
                .firewalls
                .iter()
                .filter(|f| args.firewall.as_ref().is_none_or(|n| f.name == *n))
                .map(|f| f.rules.len() + f.outbound_rules.len())
                .sum();
            writeln!(
                ctx.out,
                "{}: {} of {}",
                render::terminal_safe(&source.name),
                render::count(found.len(), "finding"),
                render::count(rules, "rule")
            )?;
        }
        ReportFormat::Markdown | ReportFormat::Csv | ReportFormat::Html => {}
    }
    if args.format.is_table() {
        let mut t = Table::new(
            format!("Rules that do nothing: {}", source.name),
            vec!["firewall", "list", "position", "rule", "finding"],
        );
        t.lead = format!(
            "{} (each finding names the rules that cover the rule, where there are any)",
            render::count(found.len(), "finding")
        );
        for f in &found {
            t.push(vec![
                f.firewall.to_string(),
                f.list.map_or_else(String::new, |l| l.as_str().to_owned()),
                f.position.to_string(),
                f.rule.clone(),
                f.to_string(),
            ]);
        }
        if let Some(bytes) = args.format.write_table(&t) {
            ctx.out.write_all(&bytes?)?;
        }
    }
    Ok(if args.check && !found.is_empty() {
        Exit::RulesNeeded
    } else {
        Exit::Success
    })
}
