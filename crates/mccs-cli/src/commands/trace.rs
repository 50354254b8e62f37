//! `mccs trace`: every path of a flow, hop by hop, with each firewall's verdict.

use std::io::Write;

use mccs_model::{Initiator, Service};
use mccs_path::{NetworkGraph, SvcSet, Trace, TraceOptions};

use crate::cli::{InitiatorArg, TraceArgs, TraceFormat};
use crate::commands::{Ctx, today};
use crate::{Error, Exit, Result};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &TraceArgs) -> Result<Exit> {
    let service = service(args)?;
    let (_, checked) = ctx.usable_topology(&args.topology)?;
    let t = &checked.topology;
    let graph = NetworkGraph::build(t);
    let initiator = match args.initiator {
        InitiatorArg::Source => Initiator::Source,
        InitiatorArg::Cloud => Initiator::Cloud,
        InitiatorArg::OnPrem => Initiator::OnPrem,
        InitiatorArg::Both => Initiator::Both,
    };
    let name = format!("{} -> {}", args.from, args.to);
    let svc = SvcSet::from_services(&[service]);
    let flows = match graph.directed(&name, &args.from, &args.to, &svc, initiator) {
        Ok(f) => f,
        Err(e) => {
            for d in e.diagnoses() {
                writeln!(ctx.err, "mccs: {d}")?;
            }
            return Ok(Exit::Findings);
        }
    };
    let options = args
        .limits
        .apply(TraceOptions::default().with_today(args.today.unwrap_or_else(today)));
    let traces: Vec<Trace> = flows.iter().map(|f| graph.trace(f, &options)).collect();
    match args.format {
        TraceFormat::Dot => {
            for tr in &traces {
                ctx.out.write_all(mccs_request::trace_dot(tr).as_bytes())?;
            }
        }
        TraceFormat::Svg => {
            for tr in &traces {
                ctx.out.write_all(mccs_request::trace_svg(tr).as_bytes())?;
            }
        }
        TraceFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &traces).map_err(std::io::Error::other)?;
            writeln!(ctx.out)?;
        }
        TraceFormat::Text => {
            // Names and values from the document are shown with control characters visible.
            let width = match args.width {
                Some(n) => usize::from(n),
                None => terminal_width(ctx.out_is_terminal),
            };
            let mut buf = Vec::new();
            for tr in &traces {
                write!(buf, "{}", tr.text().width(width))?;
            }
            let shown = String::from_utf8_lossy(&buf);
            ctx.out
                .write_all(crate::render::terminal_safe(&shown).as_bytes())?;
        }
    }
    // A blocked flow (no route, loop, no common address family) is a finding whatever the
    // flags: no rule can fix it. With `--check`, a flow that needs rules exits 3.
    let blocked = traces.iter().any(Trace::is_blocked);
    let allowed = traces.iter().all(Trace::is_allowed);
    Ok(if blocked {
        Exit::Findings
    } else if args.check && !allowed {
        Exit::RulesNeeded
    } else {
        Exit::Success
    })
}

fn service(args: &TraceArgs) -> Result<Service> {
    parse_service(&args.proto, args.port.as_deref())
}

/// `--proto` and `--port` as one service.
pub(crate) fn parse_service(proto: &str, port: Option<&str>) -> Result<Service> {
    let text = match (port, proto) {
        (None, p) => p.to_owned(),
        (Some(port), p) => format!("{p}/{port}"),
    };
    text.parse::<Service>()
        .map_err(|e| Error::Usage(format!("--proto/--port: {e}")))
}

/// The width to fit text to without `--width`: the terminal's when standard output is one (and
/// its size is known), else [`mccs_path::DEFAULT_TRACE_WIDTH`].
fn terminal_width(out_is_terminal: bool) -> usize {
    out_is_terminal
        .then(terminal_size::terminal_size)
        .flatten()
        .map_or(mccs_path::DEFAULT_TRACE_WIDTH, |(w, _)| usize::from(w.0))
}
