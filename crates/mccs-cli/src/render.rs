//! Showing findings: plain lines, graphical reports with the source (miette), or JSON.

use std::fmt;
use std::io::{self, Write};

use mccs_model::{Diagnostic, Severity};
use miette::{LabeledSpan, MietteHandlerOpts, NamedSource, ReportHandler, SourceSpan};
use serde::Serialize;

use crate::input::Source;

/// Text from a document made safe for a terminal: every control character (ESC, BEL, a lone CR,
/// DEL, the C1 controls) becomes one visible character (the Unicode control pictures `␛`, `␇`,
/// `␍`, `␡`, or `�` for C1), so a name cannot move the cursor, recolour or retitle the
/// terminal. Line breaks and tabs stay; one character stays one character, so line:column
/// positions are unchanged.
pub(crate) fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t' && c != '\r')
            || ('\u{80}'..='\u{9f}').contains(&c)
    };
    let lone_cr = text
        .char_indices()
        .any(|(i, c)| c == '\r' && !text[i + 1..].starts_with('\n'));
    if !lone_cr && !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let shown = match c {
            '\r' if chars.peek() == Some(&'\n') => '\r',
            '\u{7f}' => '\u{2421}',
            c if u32::from(c) < 0x20 && c != '\n' && c != '\t' => {
                char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}')
            }
            c if ('\u{80}'..='\u{9f}').contains(&c) => '\u{fffd}',
            c => c,
        };
        out.push(shown);
    }
    std::borrow::Cow::Owned(out)
}

/// `1 error`, `2 errors`.
pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One line per finding: `file:line:col: error: path: message` (without `line:col` when the
/// format gives no location), like compilers and linters, so editors can jump to it.
pub(crate) fn plain(out: &mut dyn Write, file: &str, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        let sev = severity_word(d.severity);
        if let Some(export) = &d.file {
            // A finding in an export a firewall's `rulebase` names: the export's place first,
            // then the element of the document it became.
            let at = d
                .location
                .map(|l| format!(":{}:{}", l.line, l.column))
                .unwrap_or_default();
            let inside = d
                .export_path
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            let line = format!(
                "{export}{at}: {sev}:{inside} ({file}: {}): {}",
                d.path, d.problem
            );
            writeln!(out, "{}", terminal_safe(&line))?;
            continue;
        }
        let line = match d.location {
            Some(l) => format!(
                "{file}:{}:{}: {sev}: {}: {}",
                l.line, l.column, d.path, d.problem
            ),
            None => format!("{file}: {sev}: {}: {}", d.path, d.problem),
        };
        writeln!(out, "{}", terminal_safe(&line))?;
    }
    Ok(())
}

/// One finding as JSON: the file, then the model's `Diagnostic` fields, then the message as
/// the text output shows it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    message: String,
}

/// A JSON array of the findings, pretty-printed, with a final newline.
pub(crate) fn json(out: &mut dyn Write, file: &str, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let findings: Vec<JsonFinding<'_>> = diagnostics
        .iter()
        .map(|d| JsonFinding {
            file,
            diagnostic: d,
            message: d.problem.to_string(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}

/// Each finding as a miette report: the message, the source lines around it, and a label under
/// the offending text naming its document path.
pub(crate) fn graphical(
    out: &mut dyn Write,
    source: &Source,
    diagnostics: &[Diagnostic],
    color: Option<bool>,
) -> io::Result<()> {
    let mut opts = MietteHandlerOpts::new()
        .force_graphical(true)
        .terminal_links(false)
        .context_lines(2);
    if let Some(c) = color {
        opts = opts.color(c);
    }
    let handler = opts.build();
    // The document is shown with its control characters made visible (one for one, so the
    // findings' line:column positions still hold).
    // Old Mac line ends (a lone CR) are line breaks, as the reader counts them.
    let lf = mccs_model::lone_cr_to_lf(&source.text);
    let text = terminal_safe(&lf).into_owned();
    let named = NamedSource::new(terminal_safe(&source.name), text.clone());
    for d in diagnostics {
        if d.file.is_some() {
            // A finding in an export: its line and column are in that file, not this text.
            plain(out, &source.name, std::slice::from_ref(d))?;
            continue;
        }
        let report = Report::new(d, &named, &text);
        writeln!(
            out,
            "{}",
            Rendered {
                handler: &handler,
                report: &report
            }
        )?;
    }
    Ok(())
}

struct Rendered<'a> {
    handler: &'a dyn ReportHandler,
    report: &'a Report<'a>,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.handler.debug(self.report, f)
    }
}

/// A model diagnostic seen through miette's eyes.
#[derive(Debug)]
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
    span: Option<SourceSpan>,
    code: Option<String>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, source: &'a NamedSource<String>, text: &str) -> Self {
        let span = diagnostic
            .location
            .and_then(|l| span_at(text, l.line, l.column));
        let code = serde_json::to_value(&diagnostic.problem)
            .ok()
            .and_then(|v| {
                v.get("kind")
                    .and_then(|k| k.as_str())
                    .map(|k| format!("mccs::{k}"))
            });
        Self {
            diagnostic,
            source,
            span,
            code,
        }
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = if self.span.is_some() {
            self.diagnostic.problem.to_string()
        } else {
            format!("{}: {}", self.diagnostic.path, self.diagnostic.problem)
        };
        f.write_str(&terminal_safe(&message))
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.span.map(|_| self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = LabeledSpan::new_with_span(
            Some(terminal_safe(&self.diagnostic.path.to_string()).into_owned()),
            span,
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// The byte span of the token at a 1-based line and column (column counted in characters):
/// up to the next blank or flow punctuation, without a trailing `:` (a mapping key).
fn span_at(text: &str, line: usize, column: usize) -> Option<SourceSpan> {
    let mut offset = 0;
    let mut the_line = None;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            the_line = Some(l);
            break;
        }
        offset += l.len();
    }
    let the_line = the_line?;
    let start = the_line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(the_line.trim_end().len(), |(b, _)| b);
    let rest = the_line.get(start..).unwrap_or_default();
    let quoted = rest.starts_with(['"', '\'']);
    let len = if quoted {
        // A quoted scalar: up to and including its closing quote.
        let q = rest.chars().next().unwrap_or('"');
        rest.get(1..)
            .and_then(|r| r.find(q))
            .map_or(rest.trim_end().len(), |end| end + 2)
    } else {
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
            .unwrap_or(rest.len());
        rest.get(..end)
            .map_or(end, |t| t.trim_end_matches(':').len())
    };
    Some(SourceSpan::new((offset + start).into(), len.max(1)))
}

/// The closing line of text output: `file: 2 errors, 1 warning`, or what was read when valid.
pub(crate) fn summary(
    file: &str,
    diagnostics: &[Diagnostic],
    topology: &mccs_model::Topology,
) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        let mut s = format!("{file}: {}", count(errors, "error"));
        if warnings > 0 {
            s.push_str(&format!(", {}", count(warnings, "warning")));
        }
        return s;
    }
    let envs = topology.environments().count();
    let mut s = format!(
        "{file}: valid: {}, {}, {}, {}",
        count(topology.project_sets.len(), "Project Set"),
        count(envs, "environment"),
        count(topology.firewalls.len(), "firewall"),
        count(topology.flows.len(), "flow"),
    );
    if warnings > 0 {
        s.push_str(&format!("; {}", count(warnings, "warning")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_the_token() {
        let text = "a: 1\nlist: [10.0.0.1/24, x]\nkey: \"quoted value\"\n";
        let s = span_at(text, 2, 8).unwrap();
        assert_eq!(&text[s.offset()..s.offset() + s.len()], "10.0.0.1/24");
        let s = span_at(text, 2, 1).unwrap();
        assert_eq!(&text[s.offset()..s.offset() + s.len()], "list");
        let s = span_at(text, 3, 6).unwrap();
        assert_eq!(&text[s.offset()..s.offset() + s.len()], "\"quoted value\"");
        assert!(span_at(text, 9, 1).is_none());
    }

    #[test]
    fn control_characters_become_visible_one_for_one() {
        assert_eq!(terminal_safe("plain name"), "plain name");
        assert_eq!(terminal_safe("a\r\nb\tc\n"), "a\r\nb\tc\n");
        assert_eq!(
            terminal_safe("x\u{1b}[31mred\u{7}\r\u{7f}\u{9b}"),
            "x\u{241b}[31mred\u{2407}\u{240d}\u{2421}\u{fffd}"
        );
        let hostile = "n\u{1b}]0;title\u{7}";
        assert_eq!(
            terminal_safe(hostile).chars().count(),
            hostile.chars().count()
        );
    }

    #[test]
    fn counts() {
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(0, "error"), "0 errors");
    }
}
