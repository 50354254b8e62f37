//! Naming conventions as data: a template with named placeholders, the tokens placeholders
//! render to, and the limits names must respect.
//!
//! This module holds the convention itself ([`Convention`], its spec, [`Target`],
//! [`Placeholder`], [`Limits`] and the [`Conventions`] bundle); [`tokens`] holds the token
//! tables, [`error`] [`ConventionError`], and [`template`] the parsing of templates into parts
//! and the validation of a spec.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod error;
mod template;
mod tokens;

pub use error::ConventionError;
pub(crate) use template::Part;
use template::validate;
pub use tokens::{DirectionTokens, KindTokens, PlatformTokens};

use crate::parse::AlignmentTable;

/// What a convention names: traffic rules or firewall objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Traffic rules (rows of the Traffic Table), formatted from a
    /// [`RuleIdentity`](crate::RuleIdentity).
    Rule,
    /// Firewall objects (rows of the Object Table), formatted from an
    /// [`ObjectIdentity`](crate::ObjectIdentity).
    Object,
}

impl Target {
    /// `rule` or `object`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rule => "rule",
            Self::Object => "object",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named placeholder in a template, written `{name}` (required) or `{name?}` (optional: left
/// out, together with the separator before it, when its value renders empty).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Placeholder {
    /// `{ministry}`: the ministry short name as written, upper case (`CITZ`).
    Ministry,
    /// `{platform}`: the platform token (`LZA` or `ALZ` by default).
    Platform,
    /// `{plate}`: the license plate, lower case (`abc123`).
    Plate,
    /// `{env}`: the environment, lower case (`prod`).
    Env,
    /// `{direction}`: the direction token (empty for outbound and `IN` for inbound by default).
    Direction,
    /// `{sequence}`: the rule's sequence number, zero-padded to the convention's width. As an
    /// optional placeholder (`{sequence?}`) it renders empty for the first rule (sequence 1).
    Sequence,
    /// `{kind}`: the object kind token (`VPC`/`VNET` for the network object, `HOST`, `NET`).
    Kind,
    /// `{label}`: the object's label (e.g. an endpoint name). May contain the separator, so it
    /// must be the last part of the template.
    Label,
}

impl Placeholder {
    /// All placeholders, in template order of the shipped conventions.
    pub const ALL: [Placeholder; 8] = [
        Placeholder::Ministry,
        Placeholder::Platform,
        Placeholder::Plate,
        Placeholder::Env,
        Placeholder::Direction,
        Placeholder::Sequence,
        Placeholder::Kind,
        Placeholder::Label,
    ];

    /// The name written between braces: `ministry`, `platform`, `plate`, `env`, `direction`,
    /// `sequence`, `kind` or `label`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ministry => "ministry",
            Self::Platform => "platform",
            Self::Plate => "plate",
            Self::Env => "env",
            Self::Direction => "direction",
            Self::Sequence => "sequence",
            Self::Kind => "kind",
            Self::Label => "label",
        }
    }

    /// The placeholder called `name` (without braces).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Whether the placeholder may be marked optional (`{name?}`).
    pub fn may_be_optional(self) -> bool {
        matches!(self, Self::Direction | Self::Sequence | Self::Label)
    }

    /// The placeholders a template for `target` must contain.
    pub fn required_for(target: Target) -> &'static [Placeholder] {
        match target {
            Target::Rule => &[
                Self::Ministry,
                Self::Platform,
                Self::Plate,
                Self::Env,
                Self::Direction,
                Self::Sequence,
            ],
            Target::Object => &[
                Self::Ministry,
                Self::Platform,
                Self::Plate,
                Self::Env,
                Self::Kind,
            ],
        }
    }

    /// Whether a template for `target` may contain this placeholder.
    pub fn allowed_for(self, target: Target) -> bool {
        Self::required_for(target).contains(&self)
            || (target == Target::Object && self == Self::Label)
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}", self.as_str())
    }
}

/// Limits every name must respect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// The longest name accepted, in characters. The shipped conventions use 63, the PAN-OS
    /// limit for rule and object names (see `docs/naming.md`).
    pub max_len: usize,
    /// Characters allowed besides ASCII letters and digits. Must include the separator.
    pub extra_chars: String,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_len: 63,
            extra_chars: "_-.".to_owned(),
        }
    }
}

impl Limits {
    /// Whether `c` may appear in a name.
    pub fn allows(&self, c: char) -> bool {
        c.is_ascii_alphanumeric() || self.extra_chars.contains(c)
    }

    /// A human description of the allowed characters, for messages.
    pub fn describe(&self) -> String {
        let extras: Vec<String> = self.extra_chars.chars().map(|c| format!("`{c}`")).collect();
        if extras.is_empty() {
            "ASCII letters and digits".to_owned()
        } else {
            format!("ASCII letters, digits and {}", extras.join(", "))
        }
    }
}

fn default_separator() -> char {
    '_'
}

fn default_sequence_width() -> u8 {
    2
}

/// The data form of a [`Convention`]: what a configuration file holds. Only `target` and
/// `template` are required; everything else defaults to the MCCS values.
///
/// ```
/// use mccs_naming::{Convention, ConventionSpec, Target};
/// let spec: ConventionSpec = serde_json::from_str(r#"{
///     "target": "rule",
///     "template": "FW-{ministry}-{platform}-{plate}-{env}-{direction?}-{sequence?}",
///     "separator": "-",
///     "limits": { "max_len": 35, "extra_chars": "-" }
/// }"#)?;
/// let convention = Convention::from_spec(spec)?;
/// assert_eq!(convention.target(), Target::Rule);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    description = "A naming convention: a template of parts joined by a separator, the tokens its placeholders render to, and the limits names must respect. Only `target` and `template` are required."
)]
pub struct ConventionSpec {
    /// What the convention names.
    pub target: Target,
    /// Parts joined by the separator. Each part is literal text, `{placeholder}`, or
    /// `{placeholder?}` (optional). Placeholders: `ministry`, `platform`, `plate`, `env`,
    /// `direction`, `sequence` (rules); `ministry`, `platform`, `plate`, `env`, `kind`,
    /// `label` (objects).
    pub template: String,
    /// The character between parts; `_` by default.
    #[serde(default = "default_separator")]
    pub separator: char,
    /// Maximum length and allowed characters.
    #[serde(default)]
    pub limits: Limits,
    /// Tokens for `{direction}`.
    #[serde(default)]
    pub direction_tokens: DirectionTokens,
    /// Tokens for `{platform}`.
    #[serde(default)]
    pub platform_tokens: PlatformTokens,
    /// Tokens for `{kind}`.
    #[serde(default)]
    pub kind_tokens: KindTokens,
    /// Minimum number of digits of `{sequence}` (zero-padded); 2 by default (`_02`).
    #[serde(default = "default_sequence_width")]
    pub sequence_width: u8,
    /// What the convention is for, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A validated naming convention: how to write, read and check names of one target.
///
/// Build one from a [`ConventionSpec`] (e.g. loaded from a configuration file) with
/// [`Convention::from_spec`], or use a shipped one: [`Convention::mccs_rule`],
/// [`Convention::mccs_object`]. It (de)serializes as its spec; deserializing validates.
///
/// ```
/// use mccs_naming::Convention;
/// let rules = Convention::mccs_rule();
/// assert_eq!(rules.template(), "MCCS_{ministry}_{platform}_LIVE_{plate}_{env}_{direction?}_{sequence?}");
/// let id = rules.parse_rule("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02")?;
/// assert_eq!(id.sequence, 2);
/// # Ok::<(), mccs_naming::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convention {
    spec: ConventionSpec,
    parts: Vec<Part>,
    /// The alignments of names of each number of tokens, kept as they are worked out.
    alignments: AlignmentTable,
}

impl Convention {
    /// The MCCS traffic-rule convention:
    /// `MCCS_{ministry}_{platform}_LIVE_{plate}_{env}_{direction?}_{sequence?}`, at most 63
    /// characters of ASCII letters, digits, `_`, `-`, `.`; inbound token `IN`, outbound token
    /// empty; sequences of two or more digits, none for the first rule.
    ///
    /// The first outbound rule of an environment is the seed's name exactly:
    ///
    /// ```
    /// use mccs_naming::Convention;
    /// let id = Convention::mccs_rule().parse_rule("MCCS_CITZ_ALZ_LIVE_abc123_prod")?;
    /// assert_eq!((id.direction.as_str(), id.sequence), ("outbound", 1));
    /// # Ok::<(), mccs_naming::ParseError>(())
    /// ```
    pub fn mccs_rule() -> Self {
        let slot = |placeholder, optional| Part::Slot {
            placeholder,
            optional,
        };
        Self {
            spec: ConventionSpec {
                target: Target::Rule,
                template: "MCCS_{ministry}_{platform}_LIVE_{plate}_{env}_{direction?}_{sequence?}"
                    .to_owned(),
                separator: '_',
                limits: Limits::default(),
                direction_tokens: DirectionTokens::default(),
                platform_tokens: PlatformTokens::default(),
                kind_tokens: KindTokens::default(),
                sequence_width: 2,
                description: Some(
                    "MCCS traffic rules: the seed pattern, then `_IN` for inbound rules and `_02`, `_03`, ... for further rules of one environment and direction"
                        .to_owned(),
                ),
            },
            parts: vec![
                Part::Literal("MCCS".to_owned()),
                slot(Placeholder::Ministry, false),
                slot(Placeholder::Platform, false),
                Part::Literal("LIVE".to_owned()),
                slot(Placeholder::Plate, false),
                slot(Placeholder::Env, false),
                slot(Placeholder::Direction, true),
                slot(Placeholder::Sequence, true),
            ],
            alignments: AlignmentTable::default(),
        }
    }

    /// The MCCS object convention: `MCCS_{ministry}_{platform}_{plate}_{env}_{kind}_{label?}`,
    /// at most 63 characters; kind tokens `VPC`/`VNET` (the Network IP Range Object of the
    /// VPC/VNet), `HOST` and `NET` (a CIDR range).
    ///
    /// ```
    /// use mccs_naming::{Convention, ObjectKind};
    /// let id = Convention::mccs_object().parse_object("MCCS_CITZ_ALZ_abc123_prod_HOST_ORA_DB01")?;
    /// assert_eq!(id.kind, ObjectKind::Host);
    /// assert_eq!(id.label.map(|l| l.to_string()).as_deref(), Some("ORA_DB01"));
    /// # Ok::<(), mccs_naming::ParseError>(())
    /// ```
    pub fn mccs_object() -> Self {
        let slot = |placeholder, optional| Part::Slot {
            placeholder,
            optional,
        };
        Self {
            spec: ConventionSpec {
                target: Target::Object,
                template: "MCCS_{ministry}_{platform}_{plate}_{env}_{kind}_{label?}".to_owned(),
                separator: '_',
                limits: Limits::default(),
                direction_tokens: DirectionTokens::default(),
                platform_tokens: PlatformTokens::default(),
                kind_tokens: KindTokens::default(),
                sequence_width: 2,
                description: Some(
                    "MCCS firewall objects: the VPC/VNet Network IP Range Object, host objects and CIDR range objects of one environment"
                        .to_owned(),
                ),
            },
            parts: vec![
                Part::Literal("MCCS".to_owned()),
                slot(Placeholder::Ministry, false),
                slot(Placeholder::Platform, false),
                slot(Placeholder::Plate, false),
                slot(Placeholder::Env, false),
                slot(Placeholder::Kind, false),
                slot(Placeholder::Label, true),
            ],
            alignments: AlignmentTable::default(),
        }
    }

    /// Validates a spec and builds the convention.
    ///
    /// # Errors
    ///
    /// A [`ConventionError`] naming the first problem: a malformed template, a placeholder
    /// missing for or foreign to the target, `{label}` not last, a bad separator, tokens that
    /// are empty, clash, contain the separator or disallowed characters, or out-of-range limits.
    pub fn from_spec(spec: ConventionSpec) -> Result<Self, ConventionError> {
        let parts = validate(&spec)?;
        Ok(Self {
            spec,
            parts,
            alignments: AlignmentTable::default(),
        })
    }

    /// The data form.
    pub fn spec(&self) -> &ConventionSpec {
        &self.spec
    }

    /// What the convention names.
    pub fn target(&self) -> Target {
        self.spec.target
    }

    /// The template as written.
    pub fn template(&self) -> &str {
        &self.spec.template
    }

    /// The separator between parts.
    pub fn separator(&self) -> char {
        self.spec.separator
    }

    /// The limits names must respect.
    pub fn limits(&self) -> &Limits {
        &self.spec.limits
    }

    pub(crate) fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The alignments kept so far ([`AlignmentTable`]).
    pub(crate) fn alignment_table(&self) -> &AlignmentTable {
        &self.alignments
    }
}

impl Serialize for Convention {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.spec.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Convention {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spec = ConventionSpec::deserialize(deserializer)?;
        Self::from_spec(spec).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Convention {
    fn schema_name() -> Cow<'static, str> {
        "Convention".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ConventionSpec::json_schema(generator)
    }
}

/// The conventions a project uses: one for traffic rules, one for objects. `Default` gives the
/// MCCS pair. (De)serializes as `{ "rule": <spec>, "object": <spec> }`, checking each target.
///
/// ```
/// use mccs_naming::{Conventions, Target};
/// let c = Conventions::default();
/// assert_eq!(c.rule().target(), Target::Rule);
/// assert_eq!(c.object().target(), Target::Object);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "ConventionsSpec", into = "ConventionsSpec")]
#[schemars(
    description = "The naming conventions of a project: `rule` for traffic rules, `object` for firewall objects."
)]
pub struct Conventions {
    rule: Convention,
    object: Convention,
}

/// The data form of [`Conventions`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConventionsSpec {
    /// The traffic-rule convention.
    pub rule: Convention,
    /// The object convention.
    pub object: Convention,
}

impl Conventions {
    /// Bundles a rule and an object convention.
    ///
    /// # Errors
    ///
    /// [`ConventionError::BundleTarget`] when `rule` does not name rules or `object` does not
    /// name objects.
    pub fn new(rule: Convention, object: Convention) -> Result<Self, ConventionError> {
        for (slot, convention) in [(Target::Rule, &rule), (Target::Object, &object)] {
            if convention.target() != slot {
                return Err(ConventionError::BundleTarget {
                    slot,
                    found: convention.target(),
                });
            }
        }
        Ok(Self { rule, object })
    }

    /// The traffic-rule convention.
    pub fn rule(&self) -> &Convention {
        &self.rule
    }

    /// The object convention.
    pub fn object(&self) -> &Convention {
        &self.object
    }
}

impl Default for Conventions {
    fn default() -> Self {
        Self {
            rule: Convention::mccs_rule(),
            object: Convention::mccs_object(),
        }
    }
}

impl TryFrom<ConventionsSpec> for Conventions {
    type Error = ConventionError;
    fn try_from(spec: ConventionsSpec) -> Result<Self, Self::Error> {
        Self::new(spec.rule, spec.object)
    }
}

impl From<Conventions> for ConventionsSpec {
    fn from(c: Conventions) -> Self {
        Self {
            rule: c.rule,
            object: c.object,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_conventions_are_valid_specs() {
        for c in [Convention::mccs_rule(), Convention::mccs_object()] {
            assert_eq!(Convention::from_spec(c.spec().clone()), Ok(c));
        }
    }

    #[test]
    fn bundle_checks_targets() {
        assert!(matches!(
            Conventions::new(Convention::mccs_object(), Convention::mccs_rule()),
            Err(ConventionError::BundleTarget { .. })
        ));
    }
}
