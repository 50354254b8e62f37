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
#[cfg(test)]
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

/// The line and column where each JSON value whose path `want` accepts starts, by its path
/// written out (`[0].rules[2]`).
#[cfg(test)]
pub(crate) fn value_starts(
    text: &str,
    want: impl Fn(&[Seg<'_>]) -> bool,
) -> HashMap<String, Location> {
    let mut out = HashMap::new();
    scan(text, |path, at| {
        if want(path) {
            out.insert(seg_path(path), at);
        }
    });
    out
}

/// Where every value of a JSON text starts, by a keyed hash of its path: what
/// [`super::Export::json_place`] looks up. A hash, not the path written out, so the scan
/// allocates nothing per value (a 10,000-rule policy has some 300,000 values).
#[derive(Debug, Default)]
pub(crate) struct Starts {
    state: std::hash::RandomState,
    map: HashMap<u64, Location>,
}

impl Starts {
    /// Scans `text` once.
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = Self::default();
        let state = starts.state.clone();
        scan(text, |path, at| {
            starts
                .map
                .insert(path_hash(&state, path.iter().copied()), at);
        });
        starts
    }

    /// Where the value at `path` starts, if the text holds it.
    pub(crate) fn get(&self, path: &mccs_model::DocPath) -> Option<Location> {
        let segs = path.segments().iter().map(|s| match s {
            mccs_model::Segment::Key(k) => Seg::Key(k.as_str()),
            mccs_model::Segment::Index(i) => Seg::Index(*i),
        });
        self.map.get(&path_hash(&self.state, segs)).copied()
    }
}

fn path_hash<'a>(state: &std::hash::RandomState, path: impl Iterator<Item = Seg<'a>>) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = state.build_hasher();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                0u8.hash(&mut h);
                k.hash(&mut h);
            }
            Seg::Index(i) => {
                1u8.hash(&mut h);
                i.hash(&mut h);
            }
        }
    }
    h.finish()
}

/// Calls `record` with the path and start of each value of `text`, in one pass (valid JSON:
/// the caller parsed it first; on anything else the answer is only incomplete). Linear in the
/// text; the stack is as deep as the JSON (which the parser bounds).
fn scan(text: &str, mut record: impl FnMut(&[Seg<'_>], Location)) {
    #[derive(Clone, Copy)]
    enum Frame {
        Array,
        Object { expect_key: bool },
    }
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<Seg<'_>> = Vec::new();
    let (mut line, mut column) = (1usize, 1usize);
    let mut i = 0usize;
    let mut record = |path: &[Seg<'_>], line: usize, column: usize| {
        record(path, Location { line, column });
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

    /// The hashed index finds every value where the written-out scan does.
    #[test]
    fn hashed_starts_find_every_value() {
        let all = value_starts(POLICY, |_| true);
        let starts = Starts::new(POLICY);
        assert!(all.len() > 100);
        for (path, at) in &all {
            let mut dp = DocPath::root();
            for part in path.split('.').filter(|p| !p.is_empty()) {
                let (key, rest) = part.split_once('[').unwrap_or((part, ""));
                if !key.is_empty() {
                    dp = dp.key(key);
                }
                for idx in rest.split('[').filter(|s| !s.is_empty()) {
                    dp = dp.index(idx.trim_end_matches(']').parse().unwrap());
                }
            }
            assert_eq!(starts.get(&dp), Some(*at), "{path}");
        }
        assert_eq!(starts.get(&DocPath::root().key("nowhere")), None);
    }
}
