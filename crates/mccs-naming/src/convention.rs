//! Naming conventions as data: a template with named placeholders, the tokens placeholders
//! render to, and the limits names must respect.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use mccs_model::Platform;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::identity::{Direction, ObjectKind};

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

/// The tokens `{direction}` renders to. One of them may be empty when the placeholder is
/// optional: that direction is then written by leaving the part out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectionTokens {
    /// Token for [`Direction::Outbound`]; empty by default, so the first outbound rule is the
    /// seed's name exactly.
    pub outbound: String,
    /// Token for [`Direction::Inbound`]; `IN` by default.
    pub inbound: String,
}

impl Default for DirectionTokens {
    fn default() -> Self {
        Self {
            outbound: String::new(),
            inbound: "IN".to_owned(),
        }
    }
}

impl DirectionTokens {
    /// The token for `direction`.
    pub fn token(&self, direction: Direction) -> &str {
        match direction {
            Direction::Outbound => &self.outbound,
            Direction::Inbound => &self.inbound,
        }
    }

    /// The direction whose token is `token` (exact case).
    pub fn direction(&self, token: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| self.token(*d) == token)
    }
}

/// The tokens `{platform}` renders to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformTokens {
    /// Token for AWS Landing Zone Accelerator; `LZA` by default.
    pub aws_lza: String,
    /// Token for Azure Landing Zone; `ALZ` by default.
    pub azure_alz: String,
}

impl Default for PlatformTokens {
    fn default() -> Self {
        Self {
            aws_lza: Platform::AwsLza.token().to_owned(),
            azure_alz: Platform::AzureAlz.token().to_owned(),
        }
    }
}

impl PlatformTokens {
    /// The token for `platform`.
    pub fn token(&self, platform: Platform) -> &str {
        match platform {
            Platform::AwsLza => &self.aws_lza,
            Platform::AzureAlz => &self.azure_alz,
        }
    }

    /// The platform whose token is `token` (exact case).
    pub fn platform(&self, token: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| self.token(*p) == token)
    }
}

/// The tokens `{kind}` renders to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindTokens {
    /// The network object of an AWS LZA VPC; `VPC` by default.
    pub vpc: String,
    /// The network object of an Azure ALZ VNet; `VNET` by default.
    pub vnet: String,
    /// A host object; `HOST` by default.
    pub host: String,
    /// A CIDR range object; `NET` by default.
    pub range: String,
}

impl Default for KindTokens {
    fn default() -> Self {
        Self {
            vpc: "VPC".to_owned(),
            vnet: "VNET".to_owned(),
            host: "HOST".to_owned(),
            range: "NET".to_owned(),
        }
    }
}

impl KindTokens {
    /// The token for an object of `kind` on `platform`.
    pub fn token(&self, kind: ObjectKind, platform: Platform) -> &str {
        match (kind, platform) {
            (ObjectKind::Network, Platform::AwsLza) => &self.vpc,
            (ObjectKind::Network, Platform::AzureAlz) => &self.vnet,
            (ObjectKind::Host, _) => &self.host,
            (ObjectKind::Range, _) => &self.range,
        }
    }

    /// The kind whose token is `token` (exact case) and, for network objects, the platform the
    /// token belongs to.
    pub fn kind(&self, token: &str) -> Option<(ObjectKind, Option<Platform>)> {
        if token == self.vpc {
            Some((ObjectKind::Network, Some(Platform::AwsLza)))
        } else if token == self.vnet {
            Some((ObjectKind::Network, Some(Platform::AzureAlz)))
        } else if token == self.host {
            Some((ObjectKind::Host, None))
        } else if token == self.range {
            Some((ObjectKind::Range, None))
        } else {
            None
        }
    }

    fn all(&self) -> [&str; 4] {
        [&self.vpc, &self.vnet, &self.host, &self.range]
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

/// One part of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Text written as is.
    Literal(String),
    /// A placeholder.
    Slot {
        placeholder: Placeholder,
        optional: bool,
    },
}

impl Part {
    /// How the part is written in the template.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Literal(text) => text.clone(),
            Self::Slot {
                placeholder,
                optional: false,
            } => placeholder.to_string(),
            Self::Slot {
                placeholder,
                optional: true,
            } => format!("{{{}?}}", placeholder.as_str()),
        }
    }
}

/// Why a [`ConventionSpec`] was rejected. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConventionError {
    /// The template is empty.
    #[error(
        "the template is empty: write parts separated by `{separator}`, e.g. `MCCS_{{ministry}}_{{platform}}_LIVE_{{plate}}_{{env}}_{{direction?}}_{{sequence?}}`"
    )]
    EmptyTemplate {
        /// The separator.
        separator: char,
    },
    /// Two separators in a row, or a separator at either end of the template.
    #[error("template part {index} is empty: remove the doubled or leading/trailing `{separator}`")]
    EmptyPart {
        /// 1-based part index.
        index: usize,
        /// The separator.
        separator: char,
    },
    /// More parts than a name can sensibly have.
    #[error("the template has {count} parts; at most {max} are supported")]
    TooManyParts {
        /// Parts found.
        count: usize,
        /// Parts supported.
        max: usize,
    },
    /// `{something}` that is not a known placeholder.
    #[error(
        "`{part}` is not a placeholder: use one of {{ministry}}, {{platform}}, {{plate}}, {{env}}, {{direction}}, {{sequence}}, {{kind}}, {{label}} (add `?` to make direction, sequence or label optional)"
    )]
    UnknownPlaceholder {
        /// The part as written.
        part: String,
    },
    /// A part that mixes literal text with a placeholder, or has stray braces or `?`.
    #[error(
        "template part `{part}` mixes text and placeholders: each part between separators is either literal text or exactly one `{{placeholder}}`"
    )]
    MixedPart {
        /// The part as written.
        part: String,
    },
    /// A placeholder that cannot be optional was marked with `?`.
    #[error(
        "`{placeholder}` cannot be optional: only direction, sequence and label can; remove the `?`"
    )]
    NotOptional {
        /// The placeholder.
        placeholder: Placeholder,
    },
    /// A placeholder used twice.
    #[error("`{placeholder}` appears more than once in the template: use each placeholder once")]
    DuplicatePlaceholder {
        /// The placeholder.
        placeholder: Placeholder,
    },
    /// A placeholder a name of this target needs is missing, so names could not be parsed back.
    #[error(
        "a {target} template must contain `{placeholder}` so every part of the identity can be read back from the name"
    )]
    MissingPlaceholder {
        /// The placeholder.
        placeholder: Placeholder,
        /// The convention's target.
        target: Target,
    },
    /// A placeholder that a name of this target has no value for.
    #[error("`{placeholder}` has no value in a {target} name: remove it from the template")]
    PlaceholderNotForTarget {
        /// The placeholder.
        placeholder: Placeholder,
        /// The convention's target.
        target: Target,
    },
    /// `{label}` is not the last part.
    #[error("`{{label}}` may contain the separator, so it must be the last part of the template")]
    LabelNotLast,
    /// The separator is a letter, digit, brace or `?`, or is not among the allowed characters.
    #[error(
        "`{separator}` cannot separate parts: use a punctuation character that is listed in `limits.extra_chars` (e.g. `_`)"
    )]
    BadSeparator {
        /// The separator.
        separator: char,
    },
    /// A literal or token uses a character the limits do not allow.
    #[error("{what} `{text}` contains `{ch}`, which names may not contain: allowed are {allowed}")]
    DisallowedCharacter {
        /// Which literal or token.
        what: String,
        /// Its text.
        text: String,
        /// The offending character.
        ch: char,
        /// The allowed characters, described.
        allowed: String,
    },
    /// A token that is empty where it may not be, contains the separator, or is all digits
    /// (which would read as a sequence number).
    #[error("{what} `{token}` is not usable: {reason}")]
    BadToken {
        /// Which token.
        what: String,
        /// The token.
        token: String,
        /// Why.
        reason: String,
    },
    /// Two tokens of one placeholder are the same, so names could not be parsed back.
    #[error("{what} tokens must differ; `{token}` is used twice")]
    DuplicateToken {
        /// Which token set.
        what: String,
        /// The repeated token.
        token: String,
    },
    /// The sequence width is outside 1 to 10.
    #[error("sequence_width {width} is out of range: use 1 to 10 digits")]
    SequenceWidth {
        /// The width given.
        width: u8,
    },
    /// A maximum length of zero.
    #[error("limits.max_len must be at least 1")]
    MaxLen,
    /// A bundle slot holds a convention for the other target.
    #[error("the `{slot}` convention of a bundle must name {slot}s, but this one names {found}s")]
    BundleTarget {
        /// The slot (`rule` or `object`).
        slot: Target,
        /// The target of the convention found there.
        found: Target,
    },
}

/// The most parts a template may have.
const MAX_PARTS: usize = 32;

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
        Ok(Self { spec, parts })
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

/// Parses the template and checks the whole spec.
fn validate(spec: &ConventionSpec) -> Result<Vec<Part>, ConventionError> {
    let sep = spec.separator;
    let limits = &spec.limits;
    if sep.is_ascii_alphanumeric() || matches!(sep, '{' | '}' | '?') || !limits.allows(sep) {
        return Err(ConventionError::BadSeparator { separator: sep });
    }
    if limits.max_len == 0 {
        return Err(ConventionError::MaxLen);
    }
    if !(1..=10).contains(&spec.sequence_width) {
        return Err(ConventionError::SequenceWidth {
            width: spec.sequence_width,
        });
    }
    if spec.template.is_empty() {
        return Err(ConventionError::EmptyTemplate { separator: sep });
    }
    let parts = parse_template(spec)?;
    let target = spec.target;

    let mut seen = BTreeSet::new();
    for (i, part) in parts.iter().enumerate() {
        if let Part::Slot {
            placeholder,
            optional,
        } = part
        {
            if !seen.insert(*placeholder) {
                return Err(ConventionError::DuplicatePlaceholder {
                    placeholder: *placeholder,
                });
            }
            if !placeholder.allowed_for(target) {
                return Err(ConventionError::PlaceholderNotForTarget {
                    placeholder: *placeholder,
                    target,
                });
            }
            if *optional && !placeholder.may_be_optional() {
                return Err(ConventionError::NotOptional {
                    placeholder: *placeholder,
                });
            }
            if *placeholder == Placeholder::Label && i + 1 != parts.len() {
                return Err(ConventionError::LabelNotLast);
            }
        }
    }
    if let Some(missing) = Placeholder::required_for(target)
        .iter()
        .find(|p| !seen.contains(*p))
    {
        return Err(ConventionError::MissingPlaceholder {
            placeholder: *missing,
            target,
        });
    }

    match target {
        Target::Rule => {
            let optional = parts.iter().any(|p| {
                matches!(
                    p,
                    Part::Slot {
                        placeholder: Placeholder::Direction,
                        optional: true
                    }
                )
            });
            check_direction_tokens(spec, optional)?;
        }
        Target::Object => {
            let k = &spec.kind_tokens;
            check_token_set(spec, "kind", &k.all())?;
        }
    }
    let p = &spec.platform_tokens;
    check_token_set(spec, "platform", &[&p.aws_lza, &p.azure_alz])?;
    Ok(parts)
}

fn parse_template(spec: &ConventionSpec) -> Result<Vec<Part>, ConventionError> {
    let sep = spec.separator;
    let count = spec.template.split(sep).count();
    if count > MAX_PARTS {
        return Err(ConventionError::TooManyParts {
            count,
            max: MAX_PARTS,
        });
    }
    let mut parts = Vec::with_capacity(count);
    for (i, raw) in spec.template.split(sep).enumerate() {
        if raw.is_empty() {
            return Err(ConventionError::EmptyPart {
                index: i + 1,
                separator: sep,
            });
        }
        if let Some(inner) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            let (name, optional) = match inner.strip_suffix('?') {
                Some(name) => (name, true),
                None => (inner, false),
            };
            if name.contains(['{', '}', '?']) {
                return Err(ConventionError::MixedPart {
                    part: raw.to_owned(),
                });
            }
            let placeholder = Placeholder::from_name(name).ok_or_else(|| {
                ConventionError::UnknownPlaceholder {
                    part: raw.to_owned(),
                }
            })?;
            parts.push(Part::Slot {
                placeholder,
                optional,
            });
        } else if raw.contains(['{', '}', '?']) {
            return Err(ConventionError::MixedPart {
                part: raw.to_owned(),
            });
        } else {
            check_chars(spec, "template literal", raw)?;
            parts.push(Part::Literal(raw.to_owned()));
        }
    }
    Ok(parts)
}

fn check_chars(spec: &ConventionSpec, what: &str, text: &str) -> Result<(), ConventionError> {
    match text.chars().find(|c| !spec.limits.allows(*c)) {
        Some(ch) => Err(ConventionError::DisallowedCharacter {
            what: what.to_owned(),
            text: text.to_owned(),
            ch,
            allowed: spec.limits.describe(),
        }),
        None => Ok(()),
    }
}

/// Checks one non-empty token: allowed characters, no separator, not all digits.
fn check_token(spec: &ConventionSpec, what: &str, token: &str) -> Result<(), ConventionError> {
    let bad = |reason: &str| ConventionError::BadToken {
        what: what.to_owned(),
        token: token.to_owned(),
        reason: reason.to_owned(),
    };
    if token.is_empty() {
        return Err(bad("it is empty; give it at least one letter"));
    }
    if token.contains(spec.separator) {
        return Err(bad("it contains the separator; a token is a single part"));
    }
    if token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(
            "it is all digits and would read as a sequence number; include a letter",
        ));
    }
    check_chars(spec, what, token)
}

fn check_token_set(
    spec: &ConventionSpec,
    what: &str,
    tokens: &[&str],
) -> Result<(), ConventionError> {
    let mut seen = BTreeSet::new();
    for token in tokens {
        check_token(spec, &format!("{what} token"), token)?;
        if !seen.insert(*token) {
            return Err(ConventionError::DuplicateToken {
                what: what.to_owned(),
                token: (*token).to_owned(),
            });
        }
    }
    Ok(())
}

fn check_direction_tokens(spec: &ConventionSpec, optional: bool) -> Result<(), ConventionError> {
    let d = &spec.direction_tokens;
    let mut empty = 0;
    for (name, token) in [("outbound", &d.outbound), ("inbound", &d.inbound)] {
        if token.is_empty() {
            empty += 1;
            if !optional {
                return Err(ConventionError::BadToken {
                    what: format!("{name} direction token"),
                    token: String::new(),
                    reason: "it is empty but `{direction}` is required; mark it optional (`{direction?}`) or give the token a value".to_owned(),
                });
            }
        } else {
            check_token(spec, &format!("{name} direction token"), token)?;
        }
    }
    if empty == 2 {
        return Err(ConventionError::DuplicateToken {
            what: "direction".to_owned(),
            token: String::new(),
        });
    }
    if d.outbound == d.inbound {
        return Err(ConventionError::DuplicateToken {
            what: "direction".to_owned(),
            token: d.outbound.clone(),
        });
    }
    Ok(())
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

    fn rule_spec(template: &str) -> ConventionSpec {
        ConventionSpec {
            template: template.to_owned(),
            ..Convention::mccs_rule().spec().clone()
        }
    }

    #[test]
    fn template_errors() {
        let err = |t: &str| Convention::from_spec(rule_spec(t)).unwrap_err();
        assert!(matches!(err(""), ConventionError::EmptyTemplate { .. }));
        assert!(matches!(
            err("MCCS__{ministry}"),
            ConventionError::EmptyPart { index: 2, .. }
        ));
        assert!(matches!(
            err("MCCS_{minstry}"),
            ConventionError::UnknownPlaceholder { .. }
        ));
        assert!(matches!(
            err("MCCS_x{ministry}"),
            ConventionError::MixedPart { .. }
        ));
        assert!(matches!(
            err("MCCS_{ministry?}_{platform}_{plate}_{env}_{direction?}_{sequence?}"),
            ConventionError::NotOptional { .. }
        ));
        assert!(matches!(
            err("MCCS_{ministry}_{ministry}"),
            ConventionError::DuplicatePlaceholder { .. }
        ));
        assert!(matches!(
            err("MCCS_{ministry}_{platform}_{plate}_{direction?}_{sequence?}"),
            ConventionError::MissingPlaceholder {
                placeholder: Placeholder::Env,
                ..
            }
        ));
        assert!(matches!(
            err("MCCS_{ministry}_{platform}_{plate}_{env}_{direction?}_{sequence?}_{kind}"),
            ConventionError::PlaceholderNotForTarget { .. }
        ));
        assert!(matches!(
            err("MCCS LIVE_{ministry}"),
            ConventionError::DisallowedCharacter { ch: ' ', .. }
        ));
    }

    #[test]
    fn token_errors() {
        let mut spec = Convention::mccs_rule().spec().clone();
        spec.direction_tokens.inbound = "02".to_owned();
        assert!(matches!(
            Convention::from_spec(spec),
            Err(ConventionError::BadToken { .. })
        ));
        let mut spec = Convention::mccs_rule().spec().clone();
        spec.template = "MCCS_{ministry}_{platform}_{plate}_{env}_{direction}_{sequence?}".into();
        assert!(matches!(
            Convention::from_spec(spec),
            Err(ConventionError::BadToken { .. })
        ));
        let mut spec = Convention::mccs_object().spec().clone();
        spec.kind_tokens.host = "VPC".to_owned();
        assert!(matches!(
            Convention::from_spec(spec),
            Err(ConventionError::DuplicateToken { .. })
        ));
        let mut spec = Convention::mccs_object().spec().clone();
        spec.template = "MCCS_{label}_{ministry}_{platform}_{plate}_{env}_{kind}".into();
        assert_eq!(
            Convention::from_spec(spec),
            Err(ConventionError::LabelNotLast)
        );
        let mut spec = Convention::mccs_rule().spec().clone();
        spec.separator = '~';
        assert!(matches!(
            Convention::from_spec(spec),
            Err(ConventionError::BadSeparator { .. })
        ));
    }

    #[test]
    fn bundle_checks_targets() {
        assert!(matches!(
            Conventions::new(Convention::mccs_object(), Convention::mccs_rule()),
            Err(ConventionError::BundleTarget { .. })
        ));
    }
}
