//! `mccs trace`: every path of a flow, hop by hop, with each firewall's verdict.

use std::io::Write;

use mccs_model::{Initiator, Service};
use mccs_path::{NetworkGraph, PathEnd, SvcSet, Trace, TraceOptions};

use crate::cli::{InitiatorArg, OutputFormat, TraceArgs};
use crate::commands::{Ctx, today};
use crate::{Error, Exit, Result};

pub(crate) fn run(ctx: &mut Ctx<'_>, args: &TraceArgs) -> Result<Exit> {
    let service = service(args)?;
    let (_, checked) = ctx.usable_topology()?;
    let t = &checked.topology;
    let graph = NetworkGraph::build(t);
    let initiator = match args.initiator {
        InitiatorArg::Cloud => Initiator::Cloud,
        InitiatorArg::OnPrem => Initiator::OnPrem,
        InitiatorArg::Both => Initiator::Both,
    };
    let name = format!("{} -> {}", args.from, args.to);
    let svc = SvcSet::from_services(&[service]);
    let flows = match graph.directed(t, &name, &args.from, &args.to, &svc, initiator) {
        Ok(f) => f,
        Err(diagnoses) => {
            for d in &diagnoses {
                writeln!(ctx.err, "mccs: {d}")?;
            }
            return Ok(Exit::Findings);
        }
    };
    let options = TraceOptions::default().with_today(args.today.unwrap_or_else(today));
    let traces: Vec<Trace> = flows.iter().map(|f| graph.trace(t, f, &options)).collect();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &traces).map_err(std::io::Error::other)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Text => {
            for tr in &traces {
                text(ctx.out, tr)?;
            }
        }
    }
    let allowed = traces.iter().all(Trace::is_allowed);
    Ok(if args.check && !allowed {
        Exit::Findings
    } else {
        Exit::Success
    })
}

fn service(args: &TraceArgs) -> Result<Service> {
    let text = match (&args.port, args.proto.as_str()) {
        (None, p) => p.to_owned(),
        (Some(port), p) => format!("{p}/{port}"),
    };
    text.parse::<Service>()
        .map_err(|e| Error::Usage(format!("--proto/--port: {e}")))
}

/// A hop's verdict, and for a stateless filter (network ACL) the return traffic's, e.g.
/// `allowed by in-100; return traffic: no matching rule (implicit deny)`.
fn verdict(h: &mccs_path::Hop) -> String {
    let mut v = h
        .verdict
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    if let Some(back) = &h.return_verdict {
        v.push_str(&format!("; return traffic: {back}"));
    }
    v
}

fn text(out: &mut dyn Write, tr: &Trace) -> std::io::Result<()> {
    let f = &tr.flow;
    writeln!(
        out,
        "flow {} -> {} on {} ({}, {} the Project Set)",
        f.source,
        f.destination,
        f.services,
        f.direction,
        match f.direction {
            mccs_path::Direction::Outbound => "initiated by",
            mccs_path::Direction::Inbound => "initiated toward",
        }
    )?;
    for (i, path) in tr.paths.iter().enumerate() {
        let end = match path.end {
            PathEnd::Delivered => "delivered",
            PathEnd::NoRoute => "no route",
            PathEnd::Loop => "loop",
            PathEnd::HopLimit => "too many hops",
        };
        writeln!(out, "\npath {} ({}): {end}", i + 1, path.role.as_str())?;
        let rows: Vec<[String; 5]> = path
            .hops
            .iter()
            .map(|h| {
                [
                    h.node.to_string(),
                    h.kind.to_string(),
                    h.source.to_string(),
                    h.destination.to_string(),
                    verdict(h),
                ]
            })
            .collect();
        let header = [
            "node",
            "kind",
            "source (as seen here)",
            "destination",
            "verdict",
        ];
        let mut widths = header.map(str::len);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: [&str; 5]| -> String {
            let mut s = String::from("  ");
            for (k, (c, w)) in cells.iter().zip(widths).enumerate() {
                if k == 4 {
                    s.push_str(c);
                } else {
                    s.push_str(&format!("{c:<w$}  "));
                }
            }
            s.trim_end().to_owned()
        };
        writeln!(out, "{}", line(header))?;
        for r in &rows {
            writeln!(out, "{}", line([&r[0], &r[1], &r[2], &r[3], &r[4]]))?;
        }
    }
    for d in &tr.diagnoses {
        writeln!(out, "\n! {d}")?;
    }
    let verdict = if tr.is_blocked() {
        "BLOCKED: something a rule cannot fix stops it (see above)"
    } else if tr.is_allowed() {
        "ALLOWED on every path (primary and failover): nothing to request"
    } else {
        "NOT ALLOWED on every path: run `mccs plan` for the requests to file"
    };
    writeln!(out, "\n=> {verdict}\n")
}
