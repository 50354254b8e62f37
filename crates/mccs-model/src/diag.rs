//! Findings about a document: what is wrong, where, and how to fix it.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// A path into the document, such as `project_sets[2].environments.prod.address_space[0]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocPath(Vec<Segment>);

/// One step of a [`DocPath`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

impl DocPath {
    /// The document root.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path followed by a key.
    #[must_use]
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Key(key.into()));
        p
    }

    /// This path followed by an index.
    #[must_use]
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Segment::Index(i));
        p
    }

    /// The path one step up, or `None` at the root.
    pub fn parent(&self) -> Option<Self> {
        let mut p = self.clone();
        p.0.pop().map(|_| p)
    }

    /// A path of these steps.
    pub(crate) fn from_segments(segments: Vec<Segment>) -> Self {
        Self(segments)
    }

    /// The steps.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for DocPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for DocPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl schemars::JsonSchema for DocPath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DocPath".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "description": "A path into the document, e.g. `project_sets[2].environments.prod`."})
    }
}

/// A 1-based line and column in the source text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// How bad a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The document is wrong; nothing built on it can be trusted.
    Error,
    /// Worth fixing, but the document is usable (e.g. an expired rule).
    Warning,
}

/// What is wrong. Each message says what was found and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Problem {
    /// The text is not well-formed YAML, JSON or TOML.
    #[error("syntax error: {message}")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// A value has the wrong shape or type, a required field is missing, a field is unknown, or
    /// a value such as a license plate is malformed.
    #[error("{message}")]
    Shape {
        /// What the reader said.
        message: String,
    },
    /// The document's `version` is not one this crate reads.
    #[error(
        "format version {found} is not supported: this tool reads version {supported}; set `version: {supported}`"
    )]
    UnsupportedVersion {
        /// The version written.
        found: u64,
        /// The version read.
        supported: u32,
    },
    /// Two things of one kind share a name.
    #[error("duplicate {what} `{name}`: first defined at {first}; give each {what} its own name")]
    Duplicate {
        /// What kind of thing.
        what: String,
        /// The shared name.
        name: String,
        /// Where the first one is.
        first: DocPath,
    },
    /// A reference to something the document does not define.
    #[error("unknown {what} `{name}`{hint}")]
    UnknownReference {
        /// What kind of thing was expected.
        what: String,
        /// The name used.
        name: String,
        /// How to fix it (starts with `: ` when not empty).
        hint: String,
    },
    /// A reference to something of the wrong kind.
    #[error("`{name}` is {} {found}, but {} {expected} is needed here", article(.found), article(.expected))]
    WrongKind {
        /// The name used.
        name: String,
        /// What it is.
        found: String,
        /// What it must be.
        expected: String,
    },
    /// A CIDR with bits set after the prefix length.
    #[error("`{cidr}` has host bits set: write the network address `{network}`")]
    HostBits {
        /// As written.
        cidr: String,
        /// The network address it probably means.
        network: String,
    },
    /// Two networks whose address spaces overlap.
    #[error(
        "address space {cidr} overlaps {other_cidr} of `{other}`; give each network its own range"
    )]
    Overlap {
        /// This network's CIDR.
        cidr: String,
        /// The other network's path.
        other: DocPath,
        /// The other network's CIDR.
        other_cidr: String,
    },
    /// A Project Set of a ministry the `ministries` list does not name.
    #[error(
        "ministry `{ministry}` is not in `ministries` ({known}); add it there or fix the spelling"
    )]
    UnknownMinistry {
        /// As written.
        ministry: String,
        /// The list.
        known: String,
    },
    /// A zone without a zone firewall.
    #[error("zone `{zone}` has no firewall: set `firewall` to the zone firewall's name")]
    ZoneWithoutFirewall {
        /// The zone.
        zone: String,
    },
    /// An endpoint whose address is in none of its zone's networks.
    #[error(
        "endpoint `{endpoint}` ({address}) is outside zone `{zone}` ({networks}); fix the address or move it to its zone"
    )]
    EndpointOutsideZone {
        /// The endpoint.
        endpoint: String,
        /// Its address.
        address: String,
        /// The zone.
        zone: String,
        /// The zone's networks.
        networks: String,
    },
    /// Object groups that contain themselves.
    #[error("object group cycle: {cycle}; remove one membership to break it")]
    GroupCycle {
        /// The cycle, `A -> B -> A`.
        cycle: String,
    },
    /// Object groups nested deeper than [`crate::MAX_GROUP_DEPTH`].
    #[error(
        "object group `{group}` nests groups more than {limit} deep; flatten the nesting (list the address objects in a shallower group)"
    )]
    GroupTooDeep {
        /// The group where the nesting passes the limit.
        group: String,
        /// The limit.
        limit: usize,
    },
    /// A rule past its expiry date.
    #[error("rule `{rule}` expired on {expires}; renew it with a new ticket or remove it")]
    ExpiredRule {
        /// The rule.
        rule: String,
        /// Its expiry date.
        expires: String,
    },
    /// A flow past its expiry date: the rules it asks for may already be removed.
    #[error(
        "flow `{flow}` expired on {expires}; extend `expires` if it is still needed, or remove the flow and its rules"
    )]
    ExpiredFlow {
        /// The flow.
        flow: String,
        /// Its expiry date.
        expires: String,
    },
    /// Something required is empty.
    #[error("{what} is empty: {hint}")]
    Empty {
        /// What is empty.
        what: String,
        /// How to fix it.
        hint: String,
    },
    /// A flow whose `initiator` says the source is on one side while the source is on the other.
    /// The source always opens the connection; mccs never swaps the ends.
    #[error(
        "`initiator: {initiator}` says the source opens the connection from {stated}, but the source `{end}` is {actual}: swap `source` and `destination`, or use `initiator: both` if both ends open connections"
    )]
    InitiatorMismatch {
        /// The initiator as written (`cloud` or `on-prem`).
        initiator: String,
        /// The flow's source as written.
        end: String,
        /// Where the initiator says it is (`the cloud`, `on-prem`).
        stated: String,
        /// Where it is (`in the cloud`, `on-prem`).
        actual: String,
    },
    /// More elements of a kind than the model follows (each one multiplies the work and memory
    /// of every path through it).
    #[error("{count} {what}, more than the {limit} the model follows: {hint}")]
    TooMany {
        /// What there are too many of (`hybrid links`).
        what: String,
        /// How many there are.
        count: usize,
        /// The limit.
        limit: usize,
        /// Why the limit is there and what to do.
        hint: String,
    },
    /// A combination of values that cannot be right.
    #[error("{message}")]
    Inconsistent {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Something in a platform export a firewall's `rulebase` names: it cannot be read, or a
    /// rule was kept but marked (unknown, approximated).
    #[error("{message}")]
    Export {
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// `a` or `an`, for the word that follows.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// One finding: a [`Problem`] at a place in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the document.
    pub path: DocPath,
    /// Line and column, when the source text is known (YAML and JSON); in `file` when that is
    /// set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What is wrong.
    pub problem: Problem,
    /// The file the finding is in when it is not the document itself: an export a firewall's
    /// `rulebase` names. `path` then says which element of the document it became.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The path inside that export (`[0].properties.ruleCollections[1].rules[3]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_path: Option<String>,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(path: DocPath, problem: Problem) -> Self {
        Self {
            severity: Severity::Error,
            path,
            location: None,
            problem,
            file: None,
            export_path: None,
        }
    }

    /// A warning at `path`.
    pub fn warning(path: DocPath, problem: Problem) -> Self {
        Self {
            severity: Severity::Warning,
            path,
            location: None,
            problem,
            file: None,
            export_path: None,
        }
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if let Some(file) = &self.file {
            write!(f, "{sev}: {file}:")?;
            if let Some(l) = self.location {
                write!(f, "{l}:")?;
            }
            if let Some(p) = &self.export_path {
                write!(f, " {p}")?;
            }
            return write!(f, " ({}): {}", self.path, self.problem);
        }
        match self.location {
            Some(l) => write!(f, "{sev}: {l}: {}: {}", self.path, self.problem),
            None => write!(f, "{sev}: {}: {}", self.path, self.problem),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_display() {
        let p = DocPath::root()
            .key("project_sets")
            .index(2)
            .key("environments")
            .key("prod")
            .key("address_space")
            .index(0);
        assert_eq!(
            p.to_string(),
            "project_sets[2].environments.prod.address_space[0]"
        );
        assert_eq!(DocPath::root().to_string(), "(document)");
    }
}
