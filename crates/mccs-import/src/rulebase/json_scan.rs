//! Where each value of a JSON export starts, found in one pass over its text.

use std::collections::HashMap;

use mccs_model::Location;

/// One step of a path while scanning JSON text: a key (as written, without escapes undone)
/// or an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg<'t> {
    /// An object key.
    Key(&'t str),
    /// An array index.
    Index(usize),
}

/// The same path from scanned steps.
fn seg_path(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The line and column where each JSON value whose path `want` accepts starts, in one pass
/// over `text` (valid JSON: the caller parsed it first; on anything else the answer is only
/// incomplete). Linear in the text; the stack is as deep as the JSON (which the parser bounds).
pub(crate) fn value_starts(
    text: &str,
    want: impl Fn(&[Seg<'_>]) -> bool,
) -> HashMap<String, Location> {
    #[derive(Clone, Copy)]
    enum Frame {
        Array,
        Object { expect_key: bool },
    }
    let bytes = text.as_bytes();
    let mut out = HashMap::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<Seg<'_>> = Vec::new();
    let (mut line, mut column) = (1usize, 1usize);
    let mut i = 0usize;
    let mut record = |path: &[Seg<'_>], line: usize, column: usize| {
        if want(path) {
            out.insert(seg_path(path), Location { line, column });
        }
    };
    while let Some(&b) = bytes.get(i) {
        let (at_line, at_column) = (line, column);
        match b {
            b'\n' => {
                line += 1;
                column = 1;
                i += 1;
                continue;
            }
            b'[' => {
                record(&path, at_line, at_column);
                frames.push(Frame::Array);
                path.push(Seg::Index(0));
            }
            b'{' => {
                record(&path, at_line, at_column);
                frames.push(Frame::Object { expect_key: true });
                path.push(Seg::Key(""));
            }
            b']' | b'}' => {
                frames.pop();
                path.pop();
            }
            b',' => match frames.last_mut() {
                Some(Frame::Array) => {
                    if let Some(Seg::Index(n)) = path.last_mut() {
                        *n += 1;
                    }
                }
                Some(Frame::Object { expect_key }) => *expect_key = true,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expect_key }) = frames.last_mut() {
                    *expect_key = false;
                }
            }
            b'"' => {
                // To the closing quote, past escapes.
                let start = i + 1;
                let mut j = start;
                while let Some(&c) = bytes.get(j) {
                    match c {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                let end = j.min(bytes.len());
                match frames.last() {
                    Some(Frame::Object { expect_key: true }) => {
                        if let (Some(k), Some(last)) = (text.get(start..end), path.last_mut()) {
                            *last = Seg::Key(k);
                        }
                    }
                    _ => record(&path, at_line, at_column),
                }
                // Columns count characters; strings hold no raw newline in valid JSON.
                column += text.get(i..=end).map_or(1, |s| s.chars().count());
                i = end + 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {}
            _ => {
                // A number, true, false or null.
                record(&path, at_line, at_column);
                let mut j = i;
                while let Some(&c) = bytes.get(j) {
                    if matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    j += 1;
                }
                column += j - i;
                i = j;
                continue;
            }
        }
        column += 1;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a test fails by panicking

    use super::*;
    use crate::rulebase::json_path;
    use mccs_model::{DocPath, SourceMap};

    const POLICY: &str = include_str!("../../tests/fixtures/rulebase/azure/policy.json");

    /// The one-pass scan finds every rule where the document reader's source map does.
    #[test]
    fn scanned_starts_agree_with_the_source_map() {
        let map = SourceMap::json(POLICY);
        let starts = value_starts(POLICY, |p| {
            matches!(p, [.., Seg::Key("rules"), Seg::Index(_)])
        });
        assert_eq!(starts.len(), 11);
        for (path, at) in &starts {
            // Rebuild the DocPath from the text path.
            let mut dp = DocPath::root();
            for part in path.split('.') {
                let (key, rest) = part.split_once('[').unwrap_or((part, ""));
                if !key.is_empty() {
                    dp = dp.key(key);
                }
                for idx in rest.split('[').filter(|s| !s.is_empty()) {
                    dp = dp.index(idx.trim_end_matches(']').parse().unwrap());
                }
            }
            assert_eq!(json_path(&dp), *path);
            assert_eq!(map.locate(&dp), Some(*at), "{path}");
        }
    }

    #[test]
    fn scan_counts_characters_and_escapes() {
        let text = "{\"k\\\"é\": [1, \"ü\", {\"rules\": [ {}, true ]}]}";
        let starts = value_starts(text, |p| matches!(p, [.., Seg::Index(_)]));
        let at = |p: &str| starts.get(p).map(|l| (l.line, l.column));
        assert_eq!(at("k\\\"é[0]"), Some((1, 11)));
        assert_eq!(at("k\\\"é[1]"), Some((1, 14)));
        assert_eq!(at("k\\\"é[2].rules[1]"), Some((1, 35)));
    }
}
