//! Pictures of a flow's paths, for reviewers who would rather look than read a hop list:
//! Graphviz DOT ([`trace_dot`]) and a self-contained SVG ([`trace_svg`], embedded in the HTML
//! request and written by `mccs trace --format svg`).
//!
//! Each path is drawn from the source to the destination: networks, the cloud firewall, the
//! DirectConnect / ExpressRoute link, the 3PG, the zone firewall, the endpoint. Failover paths
//! are dashed and labelled as such; each firewall is coloured by its verdict (green allowed,
//! red denied or no matching rule, amber partial, grey unknown); where a hop sees other
//! addresses than the one before it (PrivateLink, NAT), the edge into it carries them.
//!
//! ```
//! let t = mccs_model::examples::reference();
//! let g = mccs_path::NetworkGraph::build(&t);
//! let flow = &g.directed_flows(&t.flows[0])?[0];
//! let trace = g.trace(flow, &mccs_path::TraceOptions::default());
//! let svg = mccs_request::trace_svg(&trace);
//! assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
//! assert!(mccs_request::trace_dot(&trace).starts_with("digraph "));
//! # Ok::<(), mccs_path::FlowError>(())
//! ```

use std::fmt::Write as _;

use mccs_naming::Direction;
use mccs_path::{Hop, PathRole, Trace, Verdict};

/// The picture of the paths of one direction of a flow, for the HTML request: an SVG drawn
/// like [`trace_svg`] draws it (every text from the document escaped), whose ids are unique in
/// the page. Made only by `RequestSet::from_plan_with` with `BuildOptions::with_pictures`,
/// never from text read back from a file: templates print it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    direction: Direction,
    svg: String,
}

impl Picture {
    pub(crate) fn new(direction: Direction, svg: String) -> Self {
        Self { direction, svg }
    }

    /// The direction of the flow drawn.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The SVG (one `<svg>` element and a newline).
    pub fn svg(&self) -> &str {
        &self.svg
    }
}

/// How many flows of a request set have pictures (`RequestSet::pictures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PictureCounts {
    /// Flows with pictures.
    pub drawn: usize,
    /// Flows with a path traced but no picture: past `max_flows` or `max_bytes`.
    pub left_out: usize,
    /// Flows among those drawn with a direction left undrawn: traced again (the plan kept no
    /// hops), the flow took other paths than in the plan (its trace was cut short by the
    /// plan's work budget, or `PictureOptions::trace` has other limits than the plan had), and
    /// a picture would not show what the requests are built on.
    pub not_drawn: usize,
    /// The most flows pictured (`PictureOptions::max_flows`).
    pub max_flows: usize,
    /// The most bytes of SVG (`PictureOptions::max_bytes`).
    pub max_bytes: usize,
}

/// How a verdict is drawn: the word, the fill and the stroke colour.
fn look(
    verdict: Option<&Verdict>,
    return_verdict: Option<&Verdict>,
) -> (&'static str, &'static str, &'static str) {
    let worst = match (verdict, return_verdict) {
        (Some(v), Some(r)) if v.is_allowed() => Some(r),
        (v, _) => v,
    };
    match worst {
        None => ("", "#f5f5f5", "#9e9e9e"),
        Some(Verdict::Allowed { .. }) => ("allowed", "#c8e6c9", "#2e7d32"),
        Some(Verdict::Denied { .. }) => ("denied", "#ffcdd2", "#c62828"),
        Some(Verdict::NoMatchingRule) => ("no matching rule", "#ffcdd2", "#c62828"),
        Some(Verdict::Partial { .. }) => ("partial", "#ffe0b2", "#ef6c00"),
        Some(Verdict::Unknown { .. }) => ("unknown", "#e0e0e0", "#424242"),
    }
}

/// What the edge into hop `k` of a path says: the addresses, when they differ from the hop
/// before (a translation).
fn translation(hops: &[Hop], k: usize) -> Option<String> {
    let (prev, hop) = (hops.get(k.checked_sub(1)?)?, hops.get(k)?);
    (prev.source() != hop.source() || prev.destination() != hop.destination())
        .then(|| format!("{} → {}", hop.source().set, hop.destination().set))
}

/// Text inside a DOT double-quoted string.
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` with line breaks at word boundaries, about `width` characters a line.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out
}

/// Text inside SVG (XML) content or an attribute value. Not [`crate::escape::html`]: XML 1.0
/// allows no control character even escaped, and a `/` needs no reference here.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 allows no other control characters, even escaped.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The most hops of one path drawn; a longer path (the walk stops at 64 by default) is cut
/// with a last box saying how many are left out.
pub const MAX_DRAWN_HOPS: usize = 64;

/// The flow's paths as a Graphviz DOT digraph: one node per element of the network (shared by
/// the paths through it), one edge per step of each path, failover edges dashed, firewalls
/// filled by verdict. `dot -Tsvg` draws it.
pub fn trace_dot(trace: &Trace) -> String {
    let mut ids: Vec<&str> = Vec::new();
    let mut nodes = String::new();
    let mut edges = String::new();
    let mut seen_edges: Vec<(usize, usize, bool)> = Vec::new();
    for path in &trace.paths {
        let failover = path.role == PathRole::Failover;
        let mut prev: Option<usize> = None;
        for (k, hop) in path.hops.iter().enumerate().take(MAX_DRAWN_HOPS) {
            let id = match ids.iter().position(|n| *n == hop.node()) {
                Some(i) => i,
                None => {
                    ids.push(hop.node());
                    let (word, fill, stroke) = look(hop.verdict(), hop.return_verdict());
                    let mut label = format!("{}\n{}", hop.node(), hop.kind());
                    if let Some(v) = hop.verdict() {
                        let _ = write!(label, "\n{}", wrap(&v.to_string(), 40));
                    }
                    let _ = writeln!(
                        nodes,
                        "  n{} [label=\"{}\", fillcolor=\"{fill}\", color=\"{stroke}\"{}];",
                        ids.len() - 1,
                        dot_escape(&label),
                        if word.is_empty() {
                            String::new()
                        } else {
                            format!(", tooltip=\"{word}\"")
                        }
                    );
                    ids.len() - 1
                }
            };
            if let Some(p) = prev
                && !seen_edges.contains(&(p, id, failover))
            {
                seen_edges.push((p, id, failover));
                let mut attrs = Vec::new();
                if failover {
                    attrs.push("style=dashed".to_owned());
                }
                let mut label = Vec::new();
                if failover && k == 1 {
                    label.push("failover".to_owned());
                }
                if let Some(t) = translation(&path.hops, k) {
                    label.push(t);
                }
                if !label.is_empty() {
                    attrs.push(format!("label=\"{}\"", dot_escape(&label.join("\n"))));
                }
                let _ = writeln!(
                    edges,
                    "  n{p} -> n{id}{};",
                    if attrs.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", attrs.join(", "))
                    }
                );
            }
            prev = Some(id);
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_escape(&trace.flow.name));
    out.push_str("  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let _ = writeln!(
        out,
        "  label=\"{}\";\n  labelloc=t;",
        dot_escape(&format!(
            "{}: {} → {} ({})",
            trace.flow.name, trace.flow.source, trace.flow.destination, trace.flow.services
        ))
    );
    out.push_str(&nodes);
    out.push_str(&edges);
    out.push_str("}\n");
    out
}

const BOX_W: usize = 196;
const BOX_H: usize = 58;
const GAP: usize = 46;
const ROW_H: usize = 112;
const LEFT: usize = 16;
const TOP: usize = 44;
/// Width (px) a line of text inside a box may take; a longer name is cut with `…` and shown
/// whole in the box's tooltip (`<title>`).
const TEXT_W: f32 = BOX_W as f32 - 12.0;

/// A generous estimate of a character's width at 1px font size (bold Helvetica, Arial or the
/// DejaVu Sans a browser falls back to), so a cut text always fits its box.
fn char_width(c: char) -> f32 {
    match c {
        'W' | 'M' | 'm' | 'w' | '@' => 1.15,
        'A'..='Z' | '_' | '&' | '%' | '#' => 0.85,
        '0'..='9' | 'a'..='z' | '?' => 0.7,
        '.' | ',' | ':' | ';' | '|' | '!' | '\'' | ' ' | '(' | ')' | '-' | '/' => 0.42,
        _ => 1.15,
    }
}

/// `s` cut (with `…`) to fit `width` px at `size` px.
fn fit(s: &str, width: f32, size: f32) -> String {
    let total: f32 = s.chars().map(char_width).sum::<f32>() * size;
    if total <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = char_width('…') * size;
    for c in s.chars() {
        used += char_width(c) * size;
        if used > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The flow's paths as a self-contained SVG: one row per path (primary first, failover rows
/// dashed), one box per hop, firewalls filled by verdict, translated addresses over the arrow
/// into the hop that sees them. Deterministic, with every text from the document escaped.
pub fn trace_svg(trace: &Trace) -> String {
    svg(trace, "")
}

/// [`trace_svg`] with every `id` in the picture starting with `ids` (empty for [`trace_svg`]):
/// several pictures inline in one HTML page must not share an `id`.
pub(crate) fn svg(trace: &Trace, ids: &str) -> String {
    let longest = trace
        .paths
        .iter()
        .map(|p| p.hops.len().min(MAX_DRAWN_HOPS + 1))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = LEFT * 2 + longest * BOX_W + longest.saturating_sub(1) * GAP;
    let height = TOP + trace.paths.len().max(1) * ROW_H;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"Helvetica, Arial, sans-serif\">"
    );
    let title = format!(
        "{}: {} → {} ({})",
        trace.flow.name, trace.flow.source, trace.flow.destination, trace.flow.services
    );
    let _ = write!(
        s,
        "<title>{}</title><defs><marker id=\"{ids}arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#424242\"/></marker></defs>",
        xml_escape(&title)
    );
    let _ = write!(
        s,
        "<text x=\"{LEFT}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        xml_escape(&cut(&title, width / 7))
    );
    if trace.paths.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{LEFT}\" y=\"{}\" font-size=\"12\">no path: see the diagnoses</text>",
            TOP + 20
        );
    }
    for (r, path) in trace.paths.iter().enumerate() {
        let y = TOP + r * ROW_H;
        let failover = path.role == PathRole::Failover;
        let _ = write!(
            s,
            "<text x=\"{LEFT}\" y=\"{}\" font-size=\"11\" fill=\"#424242\">path {} ({}): {}</text>",
            y + 10,
            r + 1,
            path.role,
            path.end
        );
        let by = y + 22;
        for (k, hop) in path.hops.iter().enumerate().take(MAX_DRAWN_HOPS) {
            let x = LEFT + k * (BOX_W + GAP);
            if k > 0 {
                let x0 = x - GAP;
                let _ = write!(
                    s,
                    "<line x1=\"{x0}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#424242\" stroke-width=\"1.5\"{} marker-end=\"url(#{ids}arrow)\"/>",
                    by + BOX_H / 2,
                    x - 2,
                    by + BOX_H / 2,
                    if failover {
                        " stroke-dasharray=\"5,4\""
                    } else {
                        ""
                    }
                );
                if let Some(t) = translation(&path.hops, k) {
                    let _ = write!(
                        s,
                        "<text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#1565c0\" text-anchor=\"middle\"><title>{}</title>{}</text>",
                        x0 + GAP / 2,
                        by - 4,
                        xml_escape(&t),
                        xml_escape(&cut(&t, 40))
                    );
                }
            }
            let (word, fill, stroke) = look(hop.verdict(), hop.return_verdict());
            let mut tip = format!("{} ({})", hop.node(), hop.kind());
            if let Some(v) = hop.verdict() {
                let _ = write!(tip, ": {v}");
            }
            if let Some(v) = hop.return_verdict() {
                let _ = write!(tip, "; return traffic: {v}");
            }
            let _ = write!(
                s,
                "<g><title>{}</title><rect x=\"{x}\" y=\"{by}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"8\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"{}/>",
                xml_escape(&tip),
                if word.is_empty() { "1" } else { "2" },
                if failover {
                    " stroke-dasharray=\"5,4\""
                } else {
                    ""
                }
            );
            let cx = x + BOX_W / 2;
            let _ = write!(
                s,
                "<text x=\"{cx}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\">{}</text><text x=\"{cx}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#424242\">{}</text>",
                by + 18,
                xml_escape(&fit(hop.node(), TEXT_W, 11.0)),
                by + 33,
                xml_escape(&fit(hop.kind(), TEXT_W, 10.0)),
            );
            if !word.is_empty() {
                let _ = write!(
                    s,
                    "<text x=\"{cx}\" y=\"{}\" font-size=\"10\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{stroke}\">{word}</text>",
                    by + 49
                );
            }
            s.push_str("</g>");
        }
        if path.hops.len() > MAX_DRAWN_HOPS {
            let x = LEFT + MAX_DRAWN_HOPS * (BOX_W + GAP);
            let _ = write!(
                s,
                "<text x=\"{x}\" y=\"{}\" font-size=\"11\">… {} more hops</text>",
                by + BOX_H / 2,
                path.hops.len() - MAX_DRAWN_HOPS
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_document_cannot_break_out_of_dot_or_svg() {
        assert_eq!(dot_escape("a\"b\\c\nd\u{1b}"), "a\\\"b\\\\c\\nd ");
        assert_eq!(
            xml_escape("<script>&'\"\u{7}"),
            "&lt;script&gt;&amp;&#39;&quot; "
        );
    }

    #[test]
    fn long_text_is_cut_to_fit_and_short_text_is_kept() {
        assert_eq!(fit("zone-b", TEXT_W, 11.0), "zone-b");
        let cut = fit(&"W".repeat(80), TEXT_W, 11.0);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().map(char_width).sum::<f32>() * 11.0 <= TEXT_W);
        assert_eq!(wrap("a bb ccc dddd", 6), "a bb\nccc\ndddd");
    }
}
