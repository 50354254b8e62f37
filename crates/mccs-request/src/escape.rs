//! Escaping of input values for each output format, so that no name, title or justification
//! can break out of its cell, inject markup, or start a spreadsheet formula.
//!
//! The renderers apply these to every value that comes from the input; the template engine
//! applies [`markdown`] and [`html`] automatically to every `{{ value }}` of the Markdown and
//! HTML templates.
//!
//! ```
//! use mccs_request::escape;
//! assert_eq!(escape::markdown("a|b\nc"), r"a\|b<br>c");
//! assert_eq!(escape::csv("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
//! assert_eq!(escape::html("<script>"), "&lt;script&gt;");
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escapes text for Markdown (GitHub-flavoured, CommonMark), safe in a table cell, a list
/// item, a paragraph or a heading:
///
/// - `\`, `` ` ``, `*`, `[`, `]`, `|`, `~` are backslash-escaped (a `|` can never end a cell);
///   `_` is escaped where it could open or close emphasis (not inside words, so
///   `MCCS_CITZ_ALZ_LIVE_abc123_prod` stays readable);
/// - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;`, so no HTML tag or entity comes from input;
/// - a leading `#`, `-`, `+`, `=` or an ordered-list marker (`1.`) is escaped, so the text
///   cannot start a heading, list or rule when it stands at the start of a line;
/// - line breaks (`\r\n`, `\n`, `\r`, U+0085, U+2028, U+2029) become `<br>`; tabs and other
///   control characters become a space.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let at_start = |out: &String| out.is_empty();
    while let Some(&c) = chars.get(i) {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        match c {
            '\r' => {
                if next == Some('\n') {
                    i += 1;
                }
                out.push_str("<br>");
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str("<br>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                let word = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
                if !(word(prev) && word(next)) {
                    out.push('\\');
                }
                out.push('_');
            }
            '#' | '-' | '+' | '=' if at_start(&out) => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        i += 1;
    }
    // An ordered-list marker at the start: digits, then `.` or `)`, then a space or the end.
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    let bytes = out.as_bytes();
    if (1..=9).contains(&digits)
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && matches!(bytes.get(digits + 1), None | Some(b' '))
    {
        out.insert(digits, '\\');
    }
    out
}

/// Characters that make a spreadsheet read a cell as a formula when they start it.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Escapes a CSV cell value against formula injection: a value that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'`, which spreadsheets read as "text".
/// (Quoting of `,`, `"` and line breaks is the CSV writer's job.)
pub fn csv(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Escapes text for HTML element content and quoted attribute values: `&`, `<`, `>`, `"`,
/// `'` and `/` become character references (the same rules as the HTML template's automatic
/// escaping).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", minijinja::HtmlEscape(text));
    out
}
