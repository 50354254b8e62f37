//! The text form of a trace, as `mccs trace` prints it: [`TraceText`], fitted to a width, and
//! the `Display` of [`Trace`] (the same at [`DEFAULT_TRACE_WIDTH`] columns).

use std::fmt;

use crate::trace::{Hop, PathRole, Trace};
use mccs_naming::Direction;

/// The width `Display for Trace` fits its text to: 100 columns.
pub const DEFAULT_TRACE_WIDTH: usize = 100;

/// Indent of the flow's fields and of the hops.
const INDENT: usize = 2;
/// Indent of what is said about a hop (its translated addresses and verdict).
const HOP_DETAIL_INDENT: usize = 7;

/// A trace as text for people, fitted to a width: the flow's source, destination and services
/// once, then per path one line per hop (number, node, kind) and, under a hop, only what is
/// particular to it: the source or destination when the hop sees them translated (PrivateLink),
/// and a firewall's verdict. Every field wraps at spaces, never inside a word; continuation
/// lines are indented under the field. A single word wider than the room left for it (such as
/// a very long name) stands alone on its line and is the only thing that can make a line wider
/// than the width.
///
/// Names come from the topology as they are: a program that prints to a terminal should show
/// control characters visibly.
///
/// ```
/// let t = mccs_model::examples::reference();
/// let g = mccs_path::NetworkGraph::build(&t);
/// let flow = &g.directed_flows(&t.flows[0])?[0];
/// let trace = g.trace(flow, &mccs_path::TraceOptions::default());
/// let text = trace.text().width(60).to_string();
/// assert!(text.starts_with("flow "));
/// assert!(text.contains("\npath 1 (primary): delivered\n"));
/// assert!(text.lines().all(|l| l.chars().count() <= 60));
/// # Ok::<(), mccs_path::FlowError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TraceText<'a> {
    trace: &'a Trace,
    width: usize,
}

impl Trace {
    /// The trace as text for people, at [`DEFAULT_TRACE_WIDTH`] columns unless
    /// [`TraceText::width`] says otherwise.
    pub fn text(&self) -> TraceText<'_> {
        TraceText {
            trace: self,
            width: DEFAULT_TRACE_WIDTH,
        }
    }
}

impl TraceText<'_> {
    /// The text fitted to `columns` characters per line (at least 1).
    #[must_use]
    pub fn width(mut self, columns: usize) -> Self {
        self.width = columns.max(1);
        self
    }
}

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

/// Appends `text` after `lead` (which starts the first line) wrapped at `width` characters:
/// words are separated at spaces and never split; continuation lines start with `indent`
/// spaces. A word wider than the room left for it goes on a line of its own.
fn wrap_into(out: &mut String, lead: &str, indent: usize, text: &str, width: usize) {
    let mut line = String::from(lead);
    let mut len = lead.chars().count();
    // Whether the line holds a word yet (besides the lead or the indent).
    let mut has_word = false;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = word.chars().count();
        if has_word && len + 1 + w > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
            len = indent;
        } else if has_word {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += w;
        has_word = true;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Appends a `label value` field: the label padded to `label_width` and a space, the value
/// wrapped under itself.
fn field(
    out: &mut String,
    indent: usize,
    label: &str,
    label_width: usize,
    value: &str,
    width: usize,
) {
    let lead = format!("{:indent$}{label:<label_width$} ", "");
    wrap_into(out, &lead, lead.chars().count(), value, width);
}

impl fmt::Display for TraceText<'_> {
    /// The flow (source, destination, services, who opens it), then per path its hops, the
    /// diagnoses, and the conclusion (`ALLOWED ...`, `NOT ALLOWED ...` or `BLOCKED ...`).
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (tr, width) = (self.trace, self.width);
        let f = &tr.flow;
        let mut s = String::new();
        // The source opens the connection; say which way that is for the Project Set, if any.
        let who = match (&f.owner, f.direction) {
            (None, _) => "no Project Set at either end".to_owned(),
            (Some(o), Direction::Outbound) => format!("outbound: opened by {o}"),
            (Some(o), Direction::Inbound) => format!("inbound: opened toward {o}"),
        };
        wrap_into(
            &mut s,
            "flow ",
            INDENT,
            &format!("{} ({who})", f.name),
            width,
        );
        let source = f.source.to_string();
        let destination = f.destination.to_string();
        let labels = ["source", "destination", "services"];
        // Two spaces after the longest label.
        let lw = labels.iter().map(|l| l.len()).max().unwrap_or(0) + 1;
        field(&mut s, INDENT, "source", lw, &source, width);
        field(&mut s, INDENT, "destination", lw, &destination, width);
        field(
            &mut s,
            INDENT,
            "services",
            lw,
            &f.services.to_string(),
            width,
        );
        for (i, path) in tr.paths.iter().enumerate() {
            s.push('\n');
            wrap_into(
                &mut s,
                &format!("path {} ({}): ", i + 1, path.role),
                INDENT,
                &path.end.to_string(),
                width,
            );
            // Only what differs from the flow (or from the hop before) is said under a hop.
            let (mut seen_source, mut seen_destination) = (source.clone(), destination.clone());
            let number_width = path.hops.len().to_string().len();
            for (n, h) in path.hops.iter().enumerate() {
                let lead = format!("{:INDENT$}{:>number_width$}. ", "", n + 1);
                wrap_into(
                    &mut s,
                    &lead,
                    lead.chars().count(),
                    &format!("{} ({})", h.node, h.kind),
                    width,
                );
                let detail = HOP_DETAIL_INDENT.max(lead.chars().count());
                let hop_source = h.source.to_string();
                if hop_source != seen_source {
                    field(&mut s, detail, "source seen as", 0, &hop_source, width);
                    seen_source = hop_source;
                }
                let hop_destination = h.destination.to_string();
                if hop_destination != seen_destination {
                    field(
                        &mut s,
                        detail,
                        "destination seen as",
                        0,
                        &hop_destination,
                        width,
                    );
                    seen_destination = hop_destination;
                }
                let v = verdict(h);
                if !v.is_empty() {
                    wrap_into(&mut s, &format!("{:detail$}", ""), detail, &v, width);
                }
            }
        }
        for d in &tr.diagnoses {
            s.push('\n');
            wrap_into(&mut s, "! ", INDENT, &d.to_string(), width);
        }
        // Name failover only when a failover path exists: one path is not "primary and failover".
        let failover = tr.paths.iter().any(|p| p.role == PathRole::Failover);
        let paths = match (tr.paths.len(), failover) {
            (1, _) => "on its only path (no failover path)".to_owned(),
            (_, true) => "on every path (primary and failover)".to_owned(),
            (n, false) => format!("on every path ({n} primary paths, no failover path)"),
        };
        let conclusion = if tr.is_blocked() {
            "BLOCKED: something a rule cannot fix stops it (see above)".to_owned()
        } else if tr.is_allowed() {
            format!("ALLOWED {paths}: nothing to request")
        } else {
            format!("NOT ALLOWED {paths}: run `mccs plan` for the requests to file")
        };
        s.push('\n');
        wrap_into(&mut s, "=> ", 3, &conclusion, width);
        s.push('\n');
        out.write_str(&s)
    }
}

impl fmt::Display for Trace {
    /// The trace as `mccs trace` prints it ([`TraceText`]) at [`DEFAULT_TRACE_WIDTH`] columns.
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
        self.text().fmt(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(lead: &str, indent: usize, text: &str, width: usize) -> String {
        let mut s = String::new();
        wrap_into(&mut s, lead, indent, text, width);
        s
    }

    /// Every directed flow of every example topology, traced and rendered at 80 and 100
    /// columns: no line is wider (in characters), and the text says everything `Display` did.
    #[test]
    fn the_examples_traces_fit_80_and_100_columns() {
        let mut rendered = 0;
        for t in [
            mccs_model::examples::reference(),
            mccs_model::examples::cross_cloud(),
            mccs_model::examples::lza_data_subnet(),
        ] {
            let g = crate::NetworkGraph::build(&t);
            for flow in &t.flows {
                for d in g.directed_flows(flow).unwrap_or_default() {
                    let trace = g.trace(&d, &crate::TraceOptions::default());
                    for width in [80, 100] {
                        let text = trace.text().width(width).to_string();
                        for line in text.lines() {
                            assert!(
                                line.chars().count() <= width,
                                "{} at {width}:\n{line}\n\n{text}",
                                d.name
                            );
                        }
                        let hops: usize = trace.paths.iter().map(|p| p.hops.len()).sum();
                        let hop_lines = text
                            .lines()
                            .filter(|l| {
                                l.trim_start()
                                    .split_once(". ")
                                    .is_some_and(|(n, _)| n.parse::<usize>().is_ok())
                            })
                            .count();
                        assert_eq!(hop_lines, hops, "one line per hop:\n{text}");
                        rendered += 1;
                    }
                }
            }
        }
        assert!(rendered >= 16, "{rendered}");
    }

    #[test]
    fn wraps_at_spaces_and_indents_continuations() {
        let s = wrapped("=> ", 3, "NOT ALLOWED on every path: run mccs plan", 20);
        assert_eq!(s, "=> NOT ALLOWED on\n   every path: run\n   mccs plan\n");
        assert!(s.lines().all(|l| l.chars().count() <= 20));
    }

    #[test]
    fn a_hostile_long_name_stands_alone_and_is_never_split() {
        let name = format!("MCCS_{}", "X".repeat(120));
        let text = format!("partial: allowed by {name}; left out: 10.0.0.0/8 -> 192.0.2.1/32");
        let s = wrapped("       ", 7, &text, 40);
        for line in s.lines() {
            let n = line.chars().count();
            // Only the line holding the long name alone (with its `;`) may be wider than 40.
            assert!(n <= 40 || line.trim() == format!("{name};"), "{n}: {line}");
        }
        assert!(
            s.lines().any(|l| l.trim() == format!("{name};")),
            "the name is kept whole, alone on its line:\n{s}"
        );
        // Every word is there, in order.
        let words: Vec<&str> = s.split_whitespace().collect();
        assert_eq!(words, text.split(' ').collect::<Vec<_>>());
    }

    #[test]
    fn a_long_lead_still_takes_a_first_word() {
        let s = wrapped("flow ", 2, "abcdefghij", 4);
        assert_eq!(s, "flow abcdefghij\n");
    }

    #[test]
    fn non_ascii_is_counted_in_characters() {
        // 10 characters, 20 bytes: fits a width of 10.
        let s = wrapped("", 0, "ééééé ééééé", 11);
        assert_eq!(s, "ééééé ééééé\n");
    }
}
