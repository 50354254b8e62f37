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
    if markdown_is_plain(text) {
        return text.to_owned();
    }
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

/// Whether [`markdown`] leaves `text` as it is: printable ASCII with nothing to escape (no
/// markup character, no `_` outside a word, no line start that a Markdown block could take).
/// A quick test most names, addresses and sentences pass, so the renderer can write them
/// without building the escaped copy. `false` says nothing (the text may still come out
/// unchanged).
pub(crate) fn markdown_is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    if matches!(bytes.first(), Some(b'#' | b'-' | b'+' | b'=')) {
        return false;
    }
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && matches!(bytes.get(digits + 1), None | Some(b' '))
    {
        return false;
    }
    // One table look-up a byte (most texts are long runs of plain bytes); only `_` needs its
    // neighbours.
    bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| match PLAIN_CLASS[usize::from(b)] {
            PLAIN => true,
            UNDERSCORE => {
                let word = |j: Option<usize>| {
                    j.and_then(|j| bytes.get(j))
                        .is_some_and(u8::is_ascii_alphanumeric)
                };
                word(i.checked_sub(1)) && word(Some(i + 1))
            }
            _ => false,
        })
}

/// [`PLAIN_CLASS`]: a byte [`markdown`] writes as it is anywhere in a text.
const PLAIN: u8 = 0;
/// [`PLAIN_CLASS`]: `_`, plain only inside a word.
const UNDERSCORE: u8 = 1;
/// [`PLAIN_CLASS`]: a markup character, a control character or a byte of a non-ASCII one.
const MARKUP: u8 = 2;

/// The class of each byte for [`markdown_is_plain`].
static PLAIN_CLASS: [u8; 256] = {
    let mut table = [MARKUP; 256];
    let mut b = b' ';
    while b <= b'~' {
        table[b as usize] = match b {
            b'\\' | b'`' | b'*' | b'[' | b']' | b'|' | b'~' | b'&' | b'<' | b'>' => MARKUP,
            b'_' => UNDERSCORE,
            _ => PLAIN,
        };
        b += 1;
    }
    table
};

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
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2f;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "templates")]
    #[test]
    fn html_escapes_as_the_html_template_does() {
        for text in ["<a href=\"x\">&'/</a>", "plain", "", "ünïcødé & <b>"] {
            assert_eq!(
                super::html(text),
                minijinja::HtmlEscape(text).to_string(),
                "{text}"
            );
        }
    }

    use super::{markdown, markdown_is_plain};

    /// Every string of up to four characters from an alphabet of the characters the escaping
    /// treats specially (and some it does not): the quick test never says "plain" of a text
    /// that escaping changes.
    #[test]
    fn plain_text_is_left_as_it_is() {
        let alphabet: Vec<char> = "a1_ .)#-+=\\`*[]|~&<>\t\r\né\u{2028}".chars().collect();
        let mut texts = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = last
                .iter()
                .flat_map(|t| {
                    alphabet.iter().map(move |c| {
                        let mut t = t.clone();
                        t.push(*c);
                        t
                    })
                })
                .collect();
            texts.extend(next.iter().cloned());
            last = next;
        }
        let mut plain = 0;
        for t in &texts {
            if markdown_is_plain(t) {
                plain += 1;
                assert_eq!(markdown(t), *t, "{t:?}");
            }
        }
        assert!(plain > 1000, "{plain}");
        assert!(markdown_is_plain("MCCS_CITZ_ALZ_LIVE_abc123_prod"));
        assert!(markdown_is_plain("10.46.8.0/24"));
        assert!(!markdown_is_plain("1. first"));
    }
}
