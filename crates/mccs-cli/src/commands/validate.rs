//! `mccs validate`: every finding of a topology document, for people or programs.

use mccs_model::{Diagnostic, DocPath, Problem, SourceMap, Topology, ValidateOptions};
use mccs_path::{Diagnosis, NetworkGraph};

use crate::cli::{ColorChoice, OutputFormat, ValidateArgs};
use crate::commands::{Ctx, today};
use crate::{Exit, Result, render};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &ValidateArgs) -> Result<Exit> {
    let source = ctx.topology(&args.topology)?;
    let options = ValidateOptions::default().with_today(args.today.unwrap_or_else(today));
    let checked = source.check(&options);
    let mut diagnostics = checked.diagnostics.clone();
    // On a topology without errors (so every flow is read, at its index), flows no rule can
    // ever let through are errors too.
    if !checked.has_errors() {
        diagnostics.extend(blocked_flows(&checked.topology, &checked.source_map));
    }
    let diagnostics = &diagnostics;
    match args.format {
        OutputFormat::Json => render::json(ctx.out, &source.name, diagnostics)?,
        OutputFormat::Text => {
            if ctx.graphical() {
                let color = (ctx.global.color == ColorChoice::Always).then_some(true);
                render::graphical(ctx.out, &source, diagnostics, color)?;
            } else {
                render::plain(ctx.out, &source.name, diagnostics)?;
            }
            let summary = render::summary(&source.name, diagnostics, &checked.topology);
            writeln!(ctx.out, "{summary}")?;
        }
    }
    Ok(if diagnostics.iter().any(Diagnostic::is_error) {
        Exit::Findings
    } else {
        Exit::Success
    })
}

/// Flows that no firewall rule can ever let through, found without tracing them: an end in no
/// network of the topology, ends with no address family in common, an initiator on the wrong
/// side. (A missing route shows only when the paths are followed: `trace` and `plan` report it.)
fn blocked_flows(topology: &Topology, source_map: &SourceMap) -> Vec<Diagnostic> {
    if topology.flows.is_empty() {
        return Vec::new();
    }
    let graph = NetworkGraph::build(topology);
    let mut found = Vec::new();
    for (i, flow) in topology.flows.iter().enumerate() {
        if let Err(e) = graph.directed_flows(flow) {
            for d in e.diagnoses() {
                // Point at the end at fault when the diagnosis names one.
                let at = DocPath::root().key("flows").index(i);
                let at = match d {
                    Diagnosis::NotOwned { end, .. }
                    | Diagnosis::Ambiguous { end, .. }
                    | Diagnosis::UnknownEnd { end, .. }
                        if end == "source" || end == "destination" =>
                    {
                        at.key(end.as_str())
                    }
                    Diagnosis::Initiator { .. } => at.key("initiator"),
                    _ => at,
                };
                found.push(Diagnostic::error(
                    at,
                    Problem::Inconsistent {
                        message: format!(
                            "flow `{}` is blocked whatever the firewalls allow: {d}",
                            flow.name
                        ),
                    },
                ));
            }
        }
    }
    source_map.locate_all(&mut found);
    found
}
