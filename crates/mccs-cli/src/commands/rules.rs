//! `mccs rules`: rules that do nothing (shadowed, duplicate, redundant, for networks that are
//! gone), per firewall.

use mccs_path::{AnalysisOptions, NetworkGraph, analysis_of};

use crate::cli::{OutputFormat, RulesArgs};
use crate::commands::Ctx;
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
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &found).map_err(std::io::Error::other)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Text => {
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
    }
    Ok(if args.check && !found.is_empty() {
        Exit::RulesNeeded
    } else {
        Exit::Success
    })
}
