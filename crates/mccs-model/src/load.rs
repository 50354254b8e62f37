//! Reading a topology document: YAML (the main format), JSON or TOML text to a [`Topology`] and
//! every problem found on the way, with line and column where the format allows.
//!
//! The reader never stops at the first problem: each list element (Project Set, environment,
//! firewall, rule, zone, endpoint, object, ...) is read on its own, so a malformed element is
//! reported and left out while the rest of the document is still read and validated.

use std::collections::{BTreeSet, HashMap};

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::diag::{Diagnostic, DocPath, Location, Problem};
pub use crate::source_map::SourceMap;
use crate::source_map::SourceMapBuilder;
use crate::topology::{
    FORMAT_VERSION, Firewall, FirewallObject, OnPrem, ProjectSet, Topology, VirtualNetwork, Zone,
};

/// The text format of a topology document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// YAML 1.2 (the main format; line and column for every finding).
    Yaml,
    /// JSON (line and column for every finding).
    Json,
    /// TOML (line and column for syntax errors only).
    Toml,
}

impl Format {
    /// The format for a file extension (`yaml`, `yml`, `json`, `toml`; any case).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Self::Yaml),
            "json" => Some(Self::Json),
            "toml" => Some(Self::Toml),
            _ => None,
        }
    }
}

/// The outcome of reading a document: the topology (with malformed elements left out), every
/// problem met, and where each node of the text is.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Loaded {
    /// What could be read.
    pub topology: Topology,
    /// Syntax and shape problems, in document order.
    pub diagnostics: Vec<Diagnostic>,
    /// Locations of the document's nodes.
    pub source_map: SourceMap,
    /// Names of elements that could not be read, so validation does not also report every
    /// reference to them as unknown.
    pub unreadable_names: BTreeSet<String>,
    /// Top-level sections (`firewalls`, `on_prem`, ...) from which an element could not be
    /// read, so validation does not also report what that element would have provided (a
    /// platform's cloud firewall, the `on_prem` section) as missing.
    pub incomplete_sections: BTreeSet<String>,
    /// For each list from which elements were left out (by its document path): the document
    /// index of each element kept, so findings about the model point at the right element.
    kept: HashMap<DocPath, Vec<usize>>,
}

impl Loaded {
    /// The document path of a path into [`Loaded::topology`]: the same, except that list
    /// indices skip the elements that could not be read.
    pub fn document_path(&self, model_path: &DocPath) -> DocPath {
        if self.kept.is_empty() {
            return model_path.clone();
        }
        let mut doc = DocPath::root();
        for seg in model_path.segments() {
            doc = match seg {
                crate::diag::Segment::Key(k) => doc.key(k.clone()),
                crate::diag::Segment::Index(i) => {
                    let i = self
                        .kept
                        .get(&doc)
                        .and_then(|m| m.get(*i))
                        .copied()
                        .unwrap_or(*i);
                    doc.index(i)
                }
            };
        }
        doc
    }
}

/// The most nested collections accepted; deeper input is reported, not recursed into.
const MAX_DEPTH: usize = 64;
/// The most that alias expansion may add to a document, in bytes (each node counts
/// [`ALIAS_NODE_BYTES`], each string and key its length), against "billion laughs" documents:
/// many small nodes and a few huge strings are budgeted alike.
const MAX_ALIAS_BYTES: usize = 16 << 20;
/// What one expanded node counts against [`MAX_ALIAS_BYTES`] besides its text.
const ALIAS_NODE_BYTES: usize = 16;

/// Reads a topology document. Never panics and never stops at the first problem.
///
/// ```
/// use mccs_model::{load, Format};
/// let loaded = load("version: 1\nproject_sets:\n  - license_plate: abc1234\n", Format::Yaml);
/// let d = &loaded.diagnostics[0];
/// assert_eq!(d.path.to_string(), "project_sets[0].license_plate");
/// assert_eq!(d.location.unwrap().line, 3);
/// ```
pub fn load(text: &str, format: Format) -> Loaded {
    // A lone CR is a line break in YAML (and whitespace in JSON) but the readers and the
    // line:column arithmetic count LF: read old Mac line ends as LF, byte for byte, so every
    // location is the line an editor shows. (TOML has no lone-CR line ends.)
    let normalized = if format == Format::Toml {
        std::borrow::Cow::Borrowed(text)
    } else {
        lone_cr_to_lf(text)
    };
    let text: &str = &normalized;
    let mut source_map = SourceMap::default();
    let value = match format {
        Format::Yaml => yaml_to_value(text)
            .map(|(v, map)| {
                source_map = map;
                v
            })
            .map_err(|d| *d),
        Format::Json => match serde_json::from_str::<Value>(text) {
            Ok(v) if depth_of(&v) > MAX_DEPTH => {
                // The same limit and message as YAML, with the location the YAML reader finds.
                Err(yaml_to_value(text).err().map_or_else(
                    || *yaml_error(format!("nested deeper than {MAX_DEPTH} levels"), None),
                    |d| *d,
                ))
            }
            Ok(v) => {
                // Locations are found when a finding needs one (see `SourceMap`).
                source_map = SourceMap::lazy(text);
                Ok(v)
            }
            Err(e) => Err(Diagnostic {
                location: Some(Location {
                    line: e.line().max(1),
                    column: e.column().max(1),
                }),
                ..Diagnostic::error(
                    DocPath::root(),
                    Problem::Syntax {
                        message: e.to_string(),
                    },
                )
            }),
        },
        #[cfg(not(feature = "toml"))]
        Format::Toml => Err(Diagnostic::error(
            DocPath::root(),
            Problem::Syntax {
                message: "TOML is not built into this program: enable mccs-model's `toml` feature, or write the document as YAML or JSON".to_owned(),
            },
        )),
        #[cfg(feature = "toml")]
        Format::Toml => toml::from_str::<Value>(text).map_err(|e| {
            let location = e.span().map(|s| location_of_byte(text, s.start));
            Diagnostic {
                location,
                ..Diagnostic::error(
                    DocPath::root(),
                    Problem::Syntax {
                        message: e.message().to_owned(),
                    },
                )
            }
        }),
    };
    source_map.set_end(location_of_byte(text, text.len()));
    let mut reader = Reader::default();
    let topology = match value {
        Ok(v) => reader.topology(v),
        Err(d) => {
            reader.diagnostics.push(d);
            Topology::new()
        }
    };
    let mut diagnostics = reader.diagnostics;
    source_map.locate_all(&mut diagnostics);
    Loaded {
        topology,
        diagnostics,
        source_map,
        unreadable_names: reader.unreadable,
        incomplete_sections: reader.incomplete,
        kept: reader.kept,
    }
}

/// `text` with every CR that is not part of a CRLF (an old Mac line end) replaced by LF, byte
/// for byte, so offsets and line:column positions hold; borrowed when there is none. The reader
/// counts lines this way, and so should anything that shows a document beside its findings.
///
/// ```
/// assert_eq!(mccs_model::lone_cr_to_lf("a\rb\r\nc"), "a\nb\r\nc");
/// ```
pub fn lone_cr_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    // Found with `memchr`: most texts have no CR, or only CRLFs.
    let lone = |(i, _): (usize, &str)| b.get(i + 1) != Some(&b'\n');
    if !text.match_indices('\r').any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    std::borrow::Cow::Owned(out)
}

fn location_of_byte(text: &str, offset: usize) -> Location {
    let before = text.get(..offset).unwrap_or(text);
    // Byte by byte (a loop the compiler vectorizes): this runs over every document once.
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let last = before
        .rfind('\n')
        .map_or(before, |i| before.get(i + 1..).unwrap_or_default());
    let column = last.chars().count() + 1;
    Location { line, column }
}

fn location_of(span: Span) -> Location {
    Location {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

// ---------------------------------------------------------------------------------------------
// YAML events to a JSON value with locations.

struct YamlBuilder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Value>,
    alias_bytes: usize,
    map: SourceMapBuilder,
    /// For each depth, how many entries the last collection read at that depth had (at most
    /// [`MAX_CAPACITY_HINT`]): the elements of a list are alike, so the next collection at the
    /// same depth starts with room for as many and does not grow by copies.
    sizes: [usize; MAX_DEPTH + 1],
}

/// The most room reserved ahead for a collection (see `YamlBuilder::sizes`): what the schema's
/// elements have, and little memory when a hostile document follows a huge list with tiny ones.
const MAX_CAPACITY_HINT: usize = 16;

fn yaml_error(message: impl Into<String>, at: Option<Location>) -> Box<Diagnostic> {
    Box::new(Diagnostic {
        location: at,
        ..Diagnostic::error(
            DocPath::root(),
            Problem::Syntax {
                message: message.into(),
            },
        )
    })
}

/// Reads YAML text to a JSON value and the location of each of its nodes.
pub(crate) fn yaml_to_value(text: &str) -> Result<(Value, SourceMap), Box<Diagnostic>> {
    read_yaml(text).map_err(|mut d| {
        // At the end of a text without a final line break the parser reports the line after
        // the last one: point at the end of the last line instead.
        if let Some(l) = &mut d.location {
            let last = text.split('\n').count();
            if l.line > last {
                l.line = last;
                l.column = text.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
            }
        }
        d
    })
}

fn read_yaml(text: &str) -> Result<(Value, SourceMap), Box<Diagnostic>> {
    let mut b = YamlBuilder {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        alias_bytes: 0,
        map: SourceMapBuilder::default(),
        sizes: [0; MAX_DEPTH + 1],
    };
    let mut doc: Option<Value> = None;
    loop {
        let (ev, span) = b.next()?;
        match ev {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if doc.is_some() {
                    return Err(yaml_error(
                        "more than one YAML document (`---`) in the file: keep one topology per file",
                        Some(location_of(span)),
                    ));
                }
                let (ev, span) = b.next()?;
                doc = Some(b.node(ev, span, None, 0)?);
            }
            other => {
                return Err(yaml_error(
                    format!("unexpected YAML event {other:?}"),
                    Some(location_of(span)),
                ));
            }
        }
    }
    Ok((doc.unwrap_or(Value::Null), b.map.finish()))
}

impl<'a> YamlBuilder<'a> {
    /// The room to reserve for a collection at `depth`.
    fn size_hint(&self, depth: usize) -> usize {
        self.sizes.get(depth).copied().unwrap_or(0)
    }

    /// Remembers the size of the collection just read at `depth`.
    fn set_size(&mut self, depth: usize, len: usize) {
        if let Some(s) = self.sizes.get_mut(depth) {
            *s = len.min(MAX_CAPACITY_HINT);
        }
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), Box<Diagnostic>> {
        match self.parser.next_event() {
            Some(Ok(e)) => Ok(e),
            Some(Err(e)) => Err(yaml_error(
                e.info().to_owned(),
                Some(Location {
                    line: e.marker().line(),
                    column: e.marker().col() + 1,
                }),
            )),
            None => Err(yaml_error("unexpected end of the YAML text", None)),
        }
    }

    /// Reads the node that starts with `ev`. `key_at` is where its key is, for a mapping's
    /// value: a finding about a scalar points at the value (`channel: nope` points at `nope`),
    /// one about a mapping or list points at its key, where the reader looks for it, and an
    /// empty value (`key:` with nothing after it) has no text to point at, so it keeps the key.
    fn node(
        &mut self,
        ev: Event<'a>,
        span: Span,
        key_at: Option<Location>,
        depth: usize,
    ) -> Result<Value, Box<Diagnostic>> {
        let own = location_of(span);
        if depth > MAX_DEPTH {
            return Err(yaml_error(
                format!("nested deeper than {MAX_DEPTH} levels"),
                Some(own),
            ));
        }
        let at = match key_at {
            Some(k) if !matches!(ev, Event::Scalar(..)) || span.is_empty() => k,
            _ => own,
        };
        let (value, anchor) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                self.map.leaf(at);
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let v = if style == ScalarStyle::Plain && !is_str_tag {
                    resolve_plain(&text)
                } else {
                    Value::String(text.into_owned())
                };
                (v, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                self.map.open(at, false);
                let mut items = Vec::with_capacity(self.size_hint(depth));
                loop {
                    let (ev, span) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, span, None, depth + 1)?);
                }
                self.set_size(depth, items.len());
                self.map.close();
                (Value::Array(items), anchor)
            }
            Event::MappingStart(anchor, _) => {
                self.map.open(at, true);
                let mut obj = Map::with_capacity(self.size_hint(depth));
                loop {
                    let (ev, kspan) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key = match ev {
                        // A copy of exactly its length: the parser's string has room for a
                        // line (over 128 bytes), and the document keeps its keys.
                        Event::Scalar(k, ..) => String::from(&*k),
                        _ => {
                            return Err(yaml_error(
                                "mapping keys must be plain text",
                                Some(location_of(kspan)),
                            ));
                        }
                    };
                    self.map.key(&key);
                    let (ev, vspan) = self.next()?;
                    let v = self.node(ev, vspan, Some(location_of(kspan)), depth + 1)?;
                    // One hash per key: a duplicate is found by the insertion itself.
                    match obj.entry(key) {
                        serde_json::map::Entry::Vacant(e) => {
                            e.insert(v);
                        }
                        serde_json::map::Entry::Occupied(e) => {
                            return Err(yaml_error(
                                format!(
                                    "duplicate key `{}`: each key may appear once in a mapping",
                                    e.key()
                                ),
                                Some(location_of(kspan)),
                            ));
                        }
                    }
                }
                self.set_size(depth, obj.len());
                self.map.close();
                (Value::Object(obj), anchor)
            }
            Event::Alias(id) => {
                self.map.leaf(at);
                let v = self.anchors.get(&id).cloned().ok_or_else(|| {
                    yaml_error(
                        "alias to an anchor that is not defined before it",
                        Some(own),
                    )
                })?;
                self.alias_bytes = self.alias_bytes.saturating_add(expanded_size(&v));
                if self.alias_bytes > MAX_ALIAS_BYTES {
                    return Err(yaml_error(
                        "aliases expand to more than 16 MiB: write the repeated parts out, or use fewer aliases",
                        Some(own),
                    ));
                }
                (v, 0)
            }
            other => {
                return Err(yaml_error(
                    format!("unexpected YAML event {other:?}"),
                    Some(own),
                ));
            }
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        Ok(value)
    }
}

/// The depth of `v`'s deepest node, counted as the YAML reader counts it against
/// [`MAX_DEPTH`] (the root is 0: `[]` is 0, `[1]` and `[[]]` are 1).
fn depth_of(v: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|c| (c, d + 1))),
            _ => {}
        }
    }
    deepest
}

/// What a value counts against the alias budget: [`ALIAS_NODE_BYTES`] per node plus the length
/// of every string and key. (Values are at most `MAX_DEPTH` deep, so the recursion is bounded.)
fn expanded_size(v: &Value) -> usize {
    ALIAS_NODE_BYTES.saturating_add(match v {
        Value::String(s) => s.len(),
        Value::Array(a) => a.iter().map(expanded_size).fold(0, usize::saturating_add),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| k.len().saturating_add(expanded_size(v)))
            .fold(0, usize::saturating_add),
        _ => 0,
    })
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    // Leading zeros change the meaning between readers (YAML 1.1 reads `010` as octal 8, YAML
    // 1.2 as 10) and carry meaning in IDs (`012345678901`, an AWS account): such a scalar is
    // text, never a number.
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Value::String(s.to_owned());
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return Value::Number(i.into());
        }
        if let Ok(u) = s.parse::<u64>() {
            return Value::Number(u.into());
        }
        // Too long for a number (an account ID, say): keep the digits as written.
        return Value::String(s.to_owned());
    }
    let looks_float = !digits.is_empty()
        && digits
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float && let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(s.to_owned())
}

// ---------------------------------------------------------------------------------------------
// JSON value to typed topology, element by element.

#[derive(Default)]
struct Reader {
    diagnostics: Vec<Diagnostic>,
    unreadable: BTreeSet<String>,
    incomplete: BTreeSet<String>,
    kept: HashMap<DocPath, Vec<usize>>,
}

const TOP_LEVEL: &[&str] = &[
    "version",
    "ministries",
    "channels",
    "firewalls",
    "project_sets",
    "on_prem",
    "external_networks",
    "hybrid_links",
    "private_links",
    "objects",
    "services",
    "flows",
];

impl Reader {
    fn shape(&mut self, path: DocPath, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(
            path,
            Problem::Shape {
                message: message.into(),
            },
        ));
    }

    /// Reads one value as `T`; on failure reports it at the exact inner path and remembers the
    /// element's name so references to it are not also reported.
    fn read<T: DeserializeOwned>(&mut self, value: Value, path: &DocPath) -> Option<T> {
        // The common case, a well-formed element, is read without tracking the path; only a
        // failure is read again to say where inside the element it is.
        if let Ok(t) = T::deserialize(&value) {
            return Some(t);
        }
        // Both: a Project Set has a display `name`, but references name its license plate.
        let names: Vec<String> = ["name", "license_plate"]
            .iter()
            .filter_map(|k| value.get(k).and_then(Value::as_str).map(str::to_owned))
            .collect();
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(t) => Some(t),
            Err(e) => {
                let mut p = path.clone();
                for seg in e.path().iter() {
                    p = match seg {
                        serde_path_to_error::Segment::Seq { index } => p.index(*index),
                        serde_path_to_error::Segment::Map { key } => p.key(key.clone()),
                        serde_path_to_error::Segment::Enum { variant } => p.key(variant.clone()),
                        serde_path_to_error::Segment::Unknown => p,
                    };
                }
                self.shape(p, with_fix(e.into_inner().to_string()));
                self.unreadable.extend(names);
                None
            }
        }
    }

    /// Reads a list element by element.
    fn list<T: DeserializeOwned>(&mut self, value: Value, path: &DocPath) -> Vec<T> {
        self.list_with(value, path, |r, v, p| r.read(v, p))
    }

    fn list_with<T>(
        &mut self,
        value: Value,
        path: &DocPath,
        mut each: impl FnMut(&mut Self, Value, &DocPath) -> Option<T>,
    ) -> Vec<T> {
        match value {
            Value::Array(items) => {
                let total = items.len();
                let mut kept = Vec::with_capacity(total);
                let mut out = Vec::with_capacity(total);
                for (i, v) in items.into_iter().enumerate() {
                    if let Some(t) = each(self, v, &path.index(i)) {
                        kept.push(i);
                        out.push(t);
                    }
                }
                if kept.len() < total {
                    if let [crate::diag::Segment::Key(section)] = path.segments() {
                        self.incomplete.insert(section.clone());
                    }
                    self.kept.insert(path.clone(), kept);
                }
                out
            }
            Value::Null => Vec::new(),
            other => {
                self.shape(
                    path.clone(),
                    format!("expected a list, found {}", kind_of(&other)),
                );
                Vec::new()
            }
        }
    }

    fn topology(&mut self, value: Value) -> Topology {
        let root = DocPath::root();
        let mut t = Topology::new();
        let Value::Object(mut obj) = value else {
            self.shape(
                root,
                format!(
                    "expected a mapping with `version` and the topology's sections, found {}",
                    kind_of(&value)
                ),
            );
            return t;
        };
        match obj.remove("version") {
            None => self.shape(
                root.key("version"),
                format!("missing `version`: add `version: {FORMAT_VERSION}`"),
            ),
            Some(Value::Number(n)) if n.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
            Some(Value::Number(n)) if n.as_u64().is_some() => {
                self.diagnostics.push(Diagnostic::error(
                    root.key("version"),
                    Problem::UnsupportedVersion {
                        found: n.as_u64().unwrap_or_default(),
                        supported: FORMAT_VERSION,
                    },
                ));
            }
            Some(other) => self.shape(
                root.key("version"),
                format!(
                    "`version` must be the number {FORMAT_VERSION}, found {}",
                    kind_of(&other)
                ),
            ),
        }
        for (key, value) in obj {
            let path = root.key(key.clone());
            match key.as_str() {
                "ministries" => t.ministries = self.list(value, &path),
                "channels" => t.channels = self.list(value, &path),
                "firewalls" => t.firewalls = self.list_with(value, &path, Self::firewall),
                "project_sets" => t.project_sets = self.list_with(value, &path, Self::project_set),
                "on_prem" => t.on_prem = self.on_prem(value, &path),
                "external_networks" => t.external_networks = self.list(value, &path),
                "hybrid_links" => t.hybrid_links = self.list(value, &path),
                "private_links" => t.private_links = self.list(value, &path),
                "objects" => t.objects = self.list_with(value, &path, Self::object),
                "services" => t.services = self.list(value, &path),
                "flows" => t.flows = self.list(value, &path),
                _ => self.shape(
                    path,
                    format!(
                        "unknown section `{key}`, expected one of: {}",
                        TOP_LEVEL.join(", ")
                    ),
                ),
            }
        }
        t
    }

    fn firewall(&mut self, mut value: Value, path: &DocPath) -> Option<Firewall> {
        let rules = take(&mut value, "rules");
        let outbound = take(&mut value, "outbound_rules");
        let mut fw: Firewall = self.read(value, path)?;
        fw.rules = self.list(rules, &path.key("rules"));
        fw.outbound_rules = self.list(outbound, &path.key("outbound_rules"));
        Some(fw)
    }

    /// Reads a firewall object. Objects are told apart by `kind`, and serde reads such values
    /// whole, so its errors name the object, not the field: a malformed `address` or `range` is
    /// checked here first and reported at the field.
    fn object(&mut self, value: Value, path: &DocPath) -> Option<FirewallObject> {
        let field_error = |field: &str| -> Option<String> {
            let text = value.get(field)?.as_str()?;
            let problem = match (value.get("kind")?.as_str()?, field) {
                ("host", "address") => crate::parse_ip_addr(text).err()?.to_string(),
                ("network", "address") => crate::parse_ip_net(text).err()?.to_string(),
                ("range", "range") => text.parse::<crate::AddressRange>().err()?.to_string(),
                _ => return None,
            };
            Some(problem)
        };
        for field in ["address", "range"] {
            if let Some(message) = field_error(field) {
                self.shape(path.key(field), message);
                if let Some(n) = value.get("name").and_then(Value::as_str) {
                    self.unreadable.insert(n.to_owned());
                }
                return None;
            }
        }
        self.read(value, path)
    }

    fn project_set(&mut self, mut value: Value, path: &DocPath) -> Option<ProjectSet> {
        let envs = take(&mut value, "environments");
        if let Value::Object(o) = &mut value {
            o.insert("environments".into(), Value::Object(Map::new()));
        }
        let mut ps: ProjectSet = self.read(value, path)?;
        let envs_path = path.key("environments");
        let read_in_full = match envs {
            Value::Object(map) => {
                let mut all = true;
                for (env, net) in map {
                    let p = envs_path.key(env.clone());
                    let env = match env.parse() {
                        Ok(e) => e,
                        Err(e) => {
                            self.shape(p, format!("{e}"));
                            all = false;
                            continue;
                        }
                    };
                    match self.read::<VirtualNetwork>(net, &p) {
                        Some(net) => {
                            ps.environments.insert(env, net);
                        }
                        None => all = false,
                    }
                }
                all
            }
            Value::Null => {
                self.shape(
                    envs_path,
                    "missing `environments`: add the Project Set's environments (dev, test, prod, tools) with their VPC/VNet",
                );
                false
            }
            other => {
                self.shape(
                    envs_path,
                    format!(
                        "expected a mapping of environment to VPC/VNet, found {}",
                        kind_of(&other)
                    ),
                );
                false
            }
        };
        if !read_in_full {
            // Its environments are not all known: validation does not report them as missing
            // (or the Project Set as having none) on top of the problem just reported.
            self.unreadable.insert(ps.license_plate.to_string());
        }
        Some(ps)
    }

    fn on_prem(&mut self, mut value: Value, path: &DocPath) -> Option<OnPrem> {
        let zones = take(&mut value, "zones");
        let Some(mut op) = self.read::<OnPrem>(value, path) else {
            self.incomplete.insert("on_prem".to_owned());
            // Nothing under it is read: its zones and endpoints are not reported again as unknown.
            self.remember_names(&zones);
            for z in zones.as_array().into_iter().flatten() {
                self.remember_names(z.get("endpoints").unwrap_or(&Value::Null));
            }
            return None;
        };
        op.zones = self.list_with(zones, &path.key("zones"), |r, mut z, p| {
            let endpoints = take(&mut z, "endpoints");
            let Some(mut zone) = r.read::<Zone>(z, p) else {
                r.remember_names(&endpoints);
                return None;
            };
            zone.endpoints = r.list(endpoints, &p.key("endpoints"));
            Some(zone)
        });
        Some(op)
    }
}

impl Reader {
    /// Remembers the `name` of each element of a list that is not read, so references to them
    /// are not reported as unknown.
    fn remember_names(&mut self, list: &Value) {
        for item in list.as_array().into_iter().flatten() {
            if let Some(n) = item.get("name").and_then(Value::as_str) {
                self.unreadable.insert(n.to_owned());
            }
        }
    }
}

/// serde's "missing field `owner`" with how to fix it.
fn with_fix(message: String) -> String {
    match message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        Some(field) => format!("{message}: add `{field}:` to this element"),
        None => message,
    }
}

fn take(value: &mut Value, key: &str) -> Value {
    match value {
        Value::Object(o) => o.remove(key).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    #[cfg(not(feature = "toml"))]
    #[test]
    fn toml_without_the_feature_is_one_clear_finding() {
        let loaded = load("version = 1\n", Format::Toml);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert!(
            loaded.diagnostics[0]
                .to_string()
                .contains("enable mccs-model's `toml` feature"),
            "{}",
            loaded.diagnostics[0]
        );
    }

    use super::*;

    #[test]
    fn plain_scalars_resolve_like_yaml_1_2() {
        assert_eq!(resolve_plain("1521"), Value::from(1521));
        assert_eq!(resolve_plain("no"), Value::from("no"));
        assert_eq!(resolve_plain("10.0.0.0/24"), Value::from("10.0.0.0/24"));
        assert_eq!(resolve_plain("1.5"), Value::from(1.5));
        assert_eq!(resolve_plain("1e3"), Value::from(1000.0));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("abc123"), Value::from("abc123"));
        assert_eq!(
            resolve_plain("123456789012345678901234"),
            Value::from("123456789012345678901234")
        );
        // Leading zeros: text as written (an AWS account ID keeps its zero; `010` is neither 8
        // nor 10).
        assert_eq!(resolve_plain("012345678901"), Value::from("012345678901"));
        assert_eq!(resolve_plain("010"), Value::from("010"));
        assert_eq!(resolve_plain("-01"), Value::from("-01"));
        assert_eq!(resolve_plain("0"), Value::from(0));
    }

    #[test]
    fn aliases_are_budgeted_by_what_they_expand_to_not_by_nodes() {
        // Few nodes, each a 64 KiB string, aliased 300 times: 19 MiB from a small document.
        let big = "x".repeat(64 << 10);
        let mut text = format!("version: 1\nbig: &b {big}\nmany:\n");
        for _ in 0..300 {
            text.push_str("  - *b\n");
        }
        let loaded = load(&text, Format::Yaml);
        assert!(
            loaded
                .diagnostics
                .iter()
                .any(|d| d.to_string().contains("aliases expand to more than 16 MiB")),
            "{:?}",
            loaded.diagnostics
        );
        // A few ordinary aliases are fine.
        let ok = "version: 1\nx: &s [tcp/443]\ny: *s\n";
        assert!(
            !load(ok, Format::Yaml)
                .diagnostics
                .iter()
                .any(|d| d.to_string().contains("aliases"))
        );
    }

    #[test]
    fn cr_only_line_ends_give_the_line_an_editor_shows() {
        let text = "version: 1\rchannels:\r  - name: x\r    title: t\r    filed_by: a\r    handled_by: b\r    colour: red\r";
        let loaded = load(text, Format::Yaml);
        let d = &loaded.diagnostics[0];
        assert_eq!(d.path.to_string(), "channels[0].colour");
        // The same place as with LF or CRLF line ends: the value on line 7.
        let lf = load(&text.replace('\r', "\n"), Format::Yaml);
        assert_eq!(d.location, lf.diagnostics[0].location);
        assert_eq!(
            d.location,
            Some(Location {
                line: 7,
                column: 13
            })
        );
        let json = "{\r\"version\": 1,\r\"colour\": 2\r}";
        let loaded = load(json, Format::Json);
        assert_eq!(loaded.diagnostics[0].location.map(|l| l.line), Some(3));
    }

    #[test]
    fn json_nested_too_deep_is_the_same_finding_as_yaml_with_its_location() {
        for (depth, fails) in [(63, false), (64, true), (100, true)] {
            let text = format!(
                "{{\"version\": 1,\n\"x\": {}1{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            let loaded = load(&text, Format::Json);
            let deep = loaded
                .diagnostics
                .iter()
                .find(|d| d.to_string().contains("nested deeper than 64 levels"));
            assert_eq!(deep.is_some(), fails, "{depth}: {:?}", loaded.diagnostics);
            if let Some(d) = deep {
                assert_eq!(d.location.map(|l| l.line), Some(2), "{d:?}");
            }
            let yaml = load(&text, Format::Yaml);
            assert_eq!(
                yaml.diagnostics
                    .iter()
                    .any(|d| d.to_string().contains("nested deeper")),
                fails
            );
        }
        assert_eq!(depth_of(&serde_json::json!([])), 0);
        assert_eq!(depth_of(&serde_json::json!([[]])), 1);
        assert_eq!(depth_of(&serde_json::json!({"a": [1]})), 2);
    }

    #[test]
    fn json_locations_are_found_when_a_finding_needs_one() {
        let text = "{\"version\": 1,\n \"channels\": [\n  {\"name\": \"x\", \"colour\": 2}]}";
        let loaded = load(text, Format::Json);
        assert_eq!(
            loaded.diagnostics[0].location,
            Some(Location {
                line: 3,
                column: 27
            })
        );
        let at = loaded
            .source_map
            .locate(&DocPath::root().key("channels").index(0).key("name"));
        assert_eq!(
            at,
            Some(Location {
                line: 3,
                column: 12
            })
        );
    }

    #[test]
    fn yaml_locations_are_one_based() {
        let (v, m) = yaml_to_value("a:\n  b: [1, 2]\n").unwrap();
        assert_eq!(v["a"]["b"][1], Value::from(2));
        let l = m
            .locate(&DocPath::root().key("a").key("b").index(1))
            .unwrap();
        assert_eq!((l.line, l.column), (2, 10));
    }

    #[test]
    fn hostile_yaml_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000);
        assert!(yaml_to_value(&deep).is_err());
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        assert!(yaml_to_value(laughs).is_err());
        assert!(yaml_to_value("a: 1\na: 2\n").is_err());
        assert!(yaml_to_value("a: 1\n---\nb: 2\n").is_err());
    }
}
