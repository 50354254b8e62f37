//! The text form of a trace (its `Display`), as `mccs trace` prints it.

use std::fmt;

use crate::trace::{Hop, PathRole, Trace};
use mccs_naming::Direction;

/// A hop's verdict, and for a stateless filter (network ACL) the return traffic's, e.g.
/// `allowed by in-100; return traffic: no matching rule (implicit deny)`.
fn verdict(h: &Hop) -> String {
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

impl fmt::Display for Trace {
    /// The trace as `mccs trace` prints it: the flow, then per path a table of its hops (node,
    /// kind, the addresses as seen there, the verdict), the diagnoses, and the conclusion
    /// (`ALLOWED ...`, `NOT ALLOWED ...` or `BLOCKED ...`). Names come from the topology as
    /// they are: a program that prints to a terminal should show control characters visibly.
    ///
    /// ```
    /// let t = mccs_model::examples::reference();
    /// let g = mccs_path::NetworkGraph::build(&t);
    /// let flow = &g.directed_flows(&t.flows[0])?[0];
    /// let text = g.trace(flow, &mccs_path::TraceOptions::default()).to_string();
    /// assert!(text.starts_with("flow "));
    /// assert!(text.contains("\npath 1 (primary): delivered\n"));
    /// # Ok::<(), mccs_path::FlowError>(())
    /// ```
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tr = self;
        let f = &tr.flow;
        // The source opens the connection; say which way that is for the Project Set, if any.
        let who = match (&f.owner, f.direction) {
            (None, _) => "no Project Set at either end".to_owned(),
            (Some(o), Direction::Outbound) => format!("outbound: opened by {o}"),
            (Some(o), Direction::Inbound) => format!("inbound: opened toward {o}"),
        };
        writeln!(
            out,
            "flow {} -> {} on {} ({who})",
            f.source, f.destination, f.services,
        )?;
        for (i, path) in tr.paths.iter().enumerate() {
            writeln!(out, "\npath {} ({}): {}", i + 1, path.role, path.end)?;
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
        let failover = tr.paths.iter().any(|p| p.role == PathRole::Failover);
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
}
