//! `mccs reach`: who can reach an end, or what it can reach, through every firewall.

use mccs_path::{NetworkGraph, ReachDirection, ReachOutcome, SvcSet, TraceOptions, reach};

use crate::cli::{ReachArgs, ReportFormat};
use crate::commands::trace::parse_service;
use crate::commands::{Ctx, today};
use crate::table::Table;
use crate::{Exit, Result, render};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &ReachArgs) -> Result<Exit> {
    let service = parse_service(&args.proto, args.port.as_deref())?;
    let (source, checked) = ctx.usable_topology(&args.topology)?;
    let graph = NetworkGraph::build(&checked.topology);
    let (end, direction) = match (&args.to, &args.from) {
        (Some(to), _) => (to, ReachDirection::To),
        (None, Some(from)) => (from, ReachDirection::From),
        (None, None) => unreachable!("clap requires --to or --from"),
    };
    let options = args
        .limits
        .apply(TraceOptions::default().with_today(args.today.unwrap_or_else(today)));
    let found = match reach(
        &graph,
        end,
        &SvcSet::from_services(&[service]),
        direction,
        &options,
    ) {
        Ok(found) => found,
        Err(e) => {
            for d in e.diagnoses() {
                let line = format!("mccs: {d}");
                writeln!(ctx.err, "{}", render::terminal_safe(&line))?;
            }
            return Ok(Exit::Findings);
        }
    };
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &found).map_err(std::io::Error::other)?;
            writeln!(ctx.out)?;
        }
        ReportFormat::Text => {
            let mut text = String::new();
            let heading = match direction {
                ReachDirection::To => format!("Who can open {service} connections to {end}:"),
                ReachDirection::From => format!("What {end} can open {service} connections to:"),
            };
            text.push_str(&heading);
            text.push('\n');
            let mut hidden = 0;
            for r in &found {
                let listed = args.all
                    || matches!(
                        r.outcome,
                        ReachOutcome::Allowed | ReachOutcome::Partial | ReachOutcome::Unknown
                    );
                if !listed {
                    hidden += 1;
                    continue;
                }
                text.push_str(&format!(
                    "  {:<12} {} ({})\n",
                    r.outcome.as_str(),
                    r.end,
                    r.kind
                ));
                for f in &r.firewalls {
                    // Name the paths only where the firewall says different things on them.
                    let differs = r
                        .firewalls
                        .iter()
                        .filter(|g| g.firewall == f.firewall)
                        .count()
                        > 1;
                    let on = if differs {
                        let n: Vec<String> = f.paths.iter().map(ToString::to_string).collect();
                        format!(" (path {})", n.join(", "))
                    } else {
                        String::new()
                    };
                    text.push_str(&format!(
                        "               {}{on}: {}\n",
                        f.firewall, f.verdict
                    ));
                }
                for why in &r.reasons {
                    text.push_str(&format!("               {why}\n"));
                }
            }
            let count = |o: ReachOutcome| found.iter().filter(|r| r.outcome == o).count();
            text.push_str(&format!(
                "{}: {} of {} allowed, {} partial, {} unknown",
                source.name,
                count(ReachOutcome::Allowed),
                render::count(found.len(), "end"),
                count(ReachOutcome::Partial),
                count(ReachOutcome::Unknown),
            ));
            if hidden > 0 {
                text.push_str(&format!(
                    " (--all lists the {hidden} not allowed or blocked)"
                ));
            }
            text.push('\n');
            ctx.out.write_all(render::terminal_safe(&text).as_bytes())?;
        }
        ReportFormat::Markdown | ReportFormat::Csv | ReportFormat::Html => {
            let title = match direction {
                ReachDirection::To => format!("Who can open {service} connections to {end}"),
                ReachDirection::From => format!("What {end} can open {service} connections to"),
            };
            let mut t = Table::new(
                format!("{title}: {}", source.name),
                vec!["end", "kind", "outcome", "firewalls", "why"],
            );
            t.lead = "Every end of the topology, as with --all; each firewall's verdict on the paths between them.".to_owned();
            for r in &found {
                let firewalls: Vec<String> = r
                    .firewalls
                    .iter()
                    .map(|f| format!("{}: {}", f.firewall, f.verdict))
                    .collect();
                t.push(vec![
                    r.end.clone(),
                    r.kind.clone(),
                    r.outcome.as_str().to_owned(),
                    firewalls.join("; "),
                    r.reasons.join("; "),
                ]);
            }
            if let Some(bytes) = args.format.write_table(&t) {
                ctx.out.write_all(&bytes?)?;
            }
        }
    }
    Ok(Exit::Success)
}
