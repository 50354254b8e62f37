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
        InitiatorArg::Source => Initiator::Source,
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
    let options = args
        .limits
        .apply(TraceOptions::default().with_today(args.today.unwrap_or_else(today)));
    let traces: Vec<Trace> = flows.iter().map(|f| graph.trace(t, f, &options)).collect();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &traces).map_err(std::io::Error::other)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Text => {
            // Names and values from the document are shown with control characters visible.
            let mut buf = Vec::new();
            for tr in &traces {
                text(&mut buf, tr)?;
            }
            let shown = String::from_utf8_lossy(&buf);
            ctx.out
                .write_all(crate::render::terminal_safe(&shown).as_bytes())?;
        }
    }
    // A blocked flow (no route, loop, no common address family) is a finding whatever the
    // flags: no rule can fix it. `--check` also fails a flow that needs rules.
    let blocked = traces.iter().any(Trace::is_blocked);
    let allowed = traces.iter().all(Trace::is_allowed);
    Ok(if blocked || (args.check && !allowed) {
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
    // The source opens the connection; say which way that is for the Project Set, if any.
    let who = match (&f.owner, f.direction) {
        (None, _) => "no Project Set at either end".to_owned(),
        (Some(o), mccs_path::Direction::Outbound) => format!("outbound: opened by {o}"),
        (Some(o), mccs_path::Direction::Inbound) => format!("inbound: opened toward {o}"),
    };
    writeln!(
        out,
        "flow {} -> {} on {} ({who})",
        f.source, f.destination, f.services,
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
    // Name failover only when a failover path exists: one path is not "primary and failover".
    let failover = tr
        .paths
        .iter()
        .any(|p| p.role == mccs_path::PathRole::Failover);
    let paths = match (tr.paths.len(), failover) {
        (1, _) => "on its only path (no failover path)".to_owned(),
        (_, true) => "on every path (primary and failover)".to_owned(),
        (n, false) => format!("on every path ({n} primary paths, no failover path)"),
    };
    let verdict = if tr.is_blocked() {
        "BLOCKED: something a rule cannot fix stops it (see above)".to_owned()
    } else if tr.is_allowed() {
        format!("ALLOWED {paths}: nothing to request")
    } else {
        format!("NOT ALLOWED {paths}: run `mccs plan` for the requests to file")
    };
    writeln!(out, "\n=> {verdict}\n")
}
