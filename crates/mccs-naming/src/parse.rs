//! Reading names back into typed identities, with errors that say which part is wrong, why,
//! and how to fix it.

use std::collections::BTreeSet;

use mccs_model::{Environment, LicensePlate, Ministry, Name, Platform};
use serde::Serialize;
use thiserror::Error;

use crate::convention::{Convention, Part, Placeholder, Target};
use crate::format::format_sequence;
use crate::identity::{Direction, ObjectIdentity, ObjectKind, ParsedName, RuleIdentity};

/// Extra knowledge to check names against, beyond their shape.
///
/// ```
/// use mccs_naming::{Convention, ParseError, ParseOptions};
/// let options = ParseOptions::default()
///     .with_known_ministries(["CITZ".parse()?, "HLTH".parse()?])
///     .with_standard_environments();
/// let rules = Convention::mccs_rule();
/// assert!(rules.parse_with("MCCS_CITZ_ALZ_LIVE_abc123_prod", &options).is_ok());
/// assert!(matches!(
///     rules.parse_with("MCCS_XYZ_ALZ_LIVE_abc123_prod", &options),
///     Err(ParseError::UnknownMinistry { .. })
/// ));
/// # Ok::<(), mccs_model::IdentError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    known_ministries: Option<BTreeSet<Ministry>>,
    known_environments: Option<BTreeSet<Environment>>,
}

impl ParseOptions {
    /// Accept only these ministries (otherwise any well-formed short name is accepted).
    #[must_use]
    pub fn with_known_ministries(mut self, ministries: impl IntoIterator<Item = Ministry>) -> Self {
        self.known_ministries = Some(ministries.into_iter().collect());
        self
    }

    /// Accept only these environments (otherwise any environment the model accepts is).
    #[must_use]
    pub fn with_known_environments(
        mut self,
        environments: impl IntoIterator<Item = Environment>,
    ) -> Self {
        self.known_environments = Some(environments.into_iter().collect());
        self
    }

    /// Accept only the environments the platforms provision: `dev`, `test`, `prod`, `tools`.
    #[must_use]
    pub fn with_standard_environments(self) -> Self {
        self.with_known_environments([
            Environment::Dev,
            Environment::Test,
            Environment::Prod,
            Environment::Tools,
        ])
    }

    /// The known ministries, if a list was given.
    pub fn known_ministries(&self) -> Option<&BTreeSet<Ministry>> {
        self.known_ministries.as_ref()
    }

    /// The known environments, if a list was given.
    pub fn known_environments(&self) -> Option<&BTreeSet<Environment>> {
        self.known_environments.as_ref()
    }
}

/// Why a name does not follow a convention. Variants about one part carry its 1-based
/// `position` among the parts between separators, the text `found` there, and a `hint` on how
/// to fix it; the message includes all three.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ParseError {
    /// The name is empty.
    #[error("the name is empty: write a name following `{template}`")]
    Empty {
        /// The convention's template.
        template: String,
    },
    /// Longer than the convention allows.
    #[error(
        "`{name}` is {len} characters, over the limit of {max}: shorten it (a shorter label, or a convention with a larger limit if every firewall on the path accepts longer names)"
    )]
    TooLong {
        /// The name.
        name: String,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A character the convention does not allow.
    #[error(
        "`{name}` contains {ch:?} at position {position}, which names may not contain: use only {allowed}"
    )]
    BadCharacter {
        /// The name.
        name: String,
        /// The offending character.
        ch: char,
        /// 1-based character position.
        position: usize,
        /// The allowed characters, described.
        allowed: String,
    },
    /// Too few or too many parts, and no single missing or extra part explains it.
    #[error("`{name}` has {} (split at `{separator}`), but `{template}` has {expected}", plural(*.found, "part"))]
    PartCount {
        /// The name.
        name: String,
        /// Parts found.
        found: usize,
        /// Parts expected, described (e.g. `6 to 8`).
        expected: String,
        /// The separator.
        separator: char,
        /// The convention's template.
        template: String,
    },
    /// A part is empty: a doubled, leading or trailing separator.
    #[error("part {position} is empty: remove the doubled, leading or trailing `{separator}`")]
    EmptyPart {
        /// 1-based part position.
        position: usize,
        /// The separator.
        separator: char,
    },
    /// One part is missing.
    #[error("`{name}` is missing `{missing}` at part {position}{}", suggestion_text(.suggestion))]
    MissingPart {
        /// The name.
        name: String,
        /// The missing part as written in the template.
        missing: String,
        /// Where it belongs (1-based part position).
        position: usize,
        /// The name with the part added, when it is literal text.
        suggestion: Option<String>,
    },
    /// One part too many.
    #[error(
        "`{name}` has an extra part `{found}` at part {position}: remove it (did you mean `{suggestion}`?)"
    )]
    ExtraPart {
        /// The name.
        name: String,
        /// The extra part.
        found: String,
        /// Its 1-based position.
        position: usize,
        /// The name without it.
        suggestion: String,
    },
    /// All parts are present and valid, but not where the template puts them.
    #[error(
        "`{name}` has its parts in the wrong order: part {position} is `{found}` where `{expected}` belongs: reorder them (did you mean `{suggestion}`?)"
    )]
    WrongOrder {
        /// The name.
        name: String,
        /// 1-based position of the first misplaced part.
        position: usize,
        /// The part found there.
        found: String,
        /// What the template expects there.
        expected: String,
        /// The name with the parts reordered.
        suggestion: String,
    },
    /// A literal part of the template is not there.
    #[error("part {position} should be `{expected}`, found `{found}`: {hint}")]
    Literal {
        /// 1-based part position.
        position: usize,
        /// The literal the template requires.
        expected: String,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not a well-formed ministry short name (e.g. lower case).
    #[error("part {position} `{found}` is not a ministry short name: {hint}")]
    Ministry {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// A well-formed ministry that is not in the known list.
    #[error("part {position} `{found}` is not a known ministry: {hint}")]
    UnknownMinistry {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not a platform token (e.g. lower-case `alz`).
    #[error("part {position} `{found}` is not a platform token: {hint}")]
    Platform {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not a license plate (e.g. seven characters).
    #[error("part {position} `{found}` is not a license plate: {hint}")]
    LicensePlate {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not an environment name (e.g. upper case).
    #[error("part {position} `{found}` is not an environment: {hint}")]
    Environment {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// A well-formed environment that is not in the known list.
    #[error("part {position} `{found}` is not a known environment: {hint}")]
    UnknownEnvironment {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not a direction token where one is expected.
    #[error("part {position} `{found}` is not a direction token: {hint}")]
    Direction {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not a sequence number in canonical form (e.g. `01` for the first rule, or `2`).
    #[error("part {position} `{found}` is not a sequence number: {hint}")]
    Sequence {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not an object kind token.
    #[error("part {position} `{found}` is not an object kind: {hint}")]
    Kind {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// A network kind token of the other platform (e.g. `VPC` in an `ALZ` name).
    #[error("part {position} `{found}` does not match the platform: {hint}")]
    KindPlatformMismatch {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// Not a valid label.
    #[error("part {position} `{found}` is not a valid label: {hint}")]
    Label {
        /// 1-based part position.
        position: usize,
        /// What was found.
        found: String,
        /// How to fix it.
        hint: String,
    },
    /// A rule was asked of an object convention, or the reverse.
    #[error(
        "this convention names {convention}s, not {requested}s: parse with the {requested} convention"
    )]
    WrongTarget {
        /// What the convention names.
        convention: Target,
        /// What was asked for.
        requested: Target,
    },
    /// The convention has no `placeholder`, so the identity is incomplete. Conventions built by
    /// [`Convention::from_spec`] always have every placeholder their target needs.
    #[error("the convention has no `{placeholder}`, so the name cannot be read as a full identity")]
    Incomplete {
        /// The missing placeholder.
        placeholder: Placeholder,
    },
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(": add it (did you mean `{s}`?)"),
        None => ": add it".to_owned(),
    }
}

impl ParseError {
    /// The 1-based position of the part the error is about, if it is about one part.
    pub fn position(&self) -> Option<usize> {
        match self {
            Self::MissingPart { position, .. }
            | Self::EmptyPart { position, .. }
            | Self::ExtraPart { position, .. }
            | Self::WrongOrder { position, .. }
            | Self::Literal { position, .. }
            | Self::Ministry { position, .. }
            | Self::UnknownMinistry { position, .. }
            | Self::Platform { position, .. }
            | Self::LicensePlate { position, .. }
            | Self::Environment { position, .. }
            | Self::UnknownEnvironment { position, .. }
            | Self::Direction { position, .. }
            | Self::Sequence { position, .. }
            | Self::Kind { position, .. }
            | Self::KindPlatformMismatch { position, .. }
            | Self::Label { position, .. } => Some(*position),
            _ => None,
        }
    }

    /// The corrected name, when the error knows one (missing literal, extra part, wrong order).
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            Self::MissingPart { suggestion, .. } => suggestion.as_deref(),
            Self::ExtraPart { suggestion, .. } | Self::WrongOrder { suggestion, .. } => {
                Some(suggestion)
            }
            _ => None,
        }
    }
}

/// A value read from one part.
#[derive(Debug, Clone)]
enum Value {
    Ministry(Ministry),
    Platform(Platform),
    Plate(LicensePlate),
    Env(Environment),
    Direction(Direction),
    Sequence(u32),
    Kind(ObjectKind, Option<Platform>),
    Label(Option<Name>),
}

/// The errors of a failed alignment, and how many of its wrong parts look nothing like what
/// they should be.
type Failure = (Vec<ParseError>, usize);

/// For each template part, the range of tokens it takes (`None`: an optional part left out).
type Alignment = Vec<Option<(usize, usize)>>;

/// Enough alignments for any template a spec can describe; a guard, not a limit in practice.
const MAX_ALIGNMENTS: usize = 256;

impl Convention {
    /// Reads a name back into its identity (rule or object, after the convention's target).
    ///
    /// ```
    /// use mccs_naming::{Convention, ParsedName};
    /// let parsed = Convention::mccs_rule().parse("MCCS_CITZ_ALZ_LIVE_abc123_prod")?;
    /// assert!(matches!(parsed, ParsedName::Rule(_)));
    /// # Ok::<(), mccs_naming::ParseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the first thing wrong; see [`Convention::parse_with`].
    pub fn parse(&self, name: &str) -> Result<ParsedName, ParseError> {
        self.parse_with(name, &ParseOptions::default())
    }

    /// Reads a name back into its identity, also checking it against `options`.
    ///
    /// Checks, in order: empty, over-long, disallowed characters, then the parts. When parts
    /// are wrong it reports, most specific first: parts in the wrong order (when reordering
    /// them would make the name valid), one missing or extra part, otherwise the first wrong
    /// part. Last come the checks against `options` and that a `VPC`/`VNET` token matches the
    /// platform.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the first thing wrong, with a hint.
    pub fn parse_with(&self, name: &str, options: &ParseOptions) -> Result<ParsedName, ParseError> {
        if name.is_empty() {
            return Err(ParseError::Empty {
                template: self.template().to_owned(),
            });
        }
        let limits = self.limits();
        let len = name.chars().count();
        if len > limits.max_len {
            return Err(ParseError::TooLong {
                name: name.to_owned(),
                len,
                max: limits.max_len,
            });
        }
        if let Some((i, ch)) = name.chars().enumerate().find(|(_, c)| !limits.allows(*c)) {
            return Err(ParseError::BadCharacter {
                name: name.to_owned(),
                ch,
                position: i + 1,
                allowed: limits.describe(),
            });
        }
        let tokens: Vec<&str> = name.split(self.separator()).collect();
        let alignments = alignments(self.parts(), tokens.len());
        // Among alignments that fail, the one with the fewest errors explains the name best;
        // on a tie, the one whose wrong parts at least look like what they should be.
        let mut best: Option<((usize, usize), ParseError)> = None;
        for alignment in &alignments {
            match self.evaluate_alignment(alignment, &tokens) {
                Ok(values) => return self.assemble(values, options),
                Err((errors, implausible)) => {
                    let score = (errors.len(), implausible);
                    if let Some(first) = errors.into_iter().next()
                        && best.as_ref().is_none_or(|(s, _)| score < *s)
                    {
                        best = Some((score, first));
                    }
                }
            }
        }
        if let Some((_, first_error)) = best {
            return Err(self
                .diagnose_order(name, &alignments, &tokens)
                .unwrap_or(first_error));
        }
        Err(self.diagnose_count(name, &tokens))
    }

    /// Reads a rule name back into its identity.
    ///
    /// ```
    /// use mccs_naming::{Convention, Direction, ParseError};
    /// let rules = Convention::mccs_rule();
    /// let id = rules.parse_rule("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN")?;
    /// assert_eq!((id.direction, id.sequence), (Direction::Inbound, 1));
    /// assert!(matches!(
    ///     rules.parse_rule("MCCS_CITZ_alz_LIVE_abc123_prod"),
    ///     Err(ParseError::Platform { position: 3, .. })
    /// ));
    /// # Ok::<(), ParseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ParseError::WrongTarget`] for an object convention, otherwise as
    /// [`Convention::parse_with`].
    pub fn parse_rule(&self, name: &str) -> Result<RuleIdentity, ParseError> {
        self.parse_rule_with(name, &ParseOptions::default())
    }

    /// [`Convention::parse_rule`], also checking against `options`.
    ///
    /// # Errors
    ///
    /// As [`Convention::parse_rule`].
    pub fn parse_rule_with(
        &self,
        name: &str,
        options: &ParseOptions,
    ) -> Result<RuleIdentity, ParseError> {
        self.expect_parse_target(Target::Rule)?;
        match self.parse_with(name, options)? {
            ParsedName::Rule(id) => Ok(id),
            ParsedName::Object(_) => Err(self.wrong_parse_target(Target::Rule)),
        }
    }

    /// Reads an object name back into its identity.
    ///
    /// ```
    /// use mccs_naming::{Convention, ObjectKind};
    /// let id = Convention::mccs_object().parse_object("MCCS_CITZ_LZA_abc123_dev_VPC")?;
    /// assert_eq!(id.kind, ObjectKind::Network);
    /// assert_eq!(id.platform, mccs_model::Platform::AwsLza);
    /// # Ok::<(), mccs_naming::ParseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ParseError::WrongTarget`] for a rule convention, otherwise as
    /// [`Convention::parse_with`].
    pub fn parse_object(&self, name: &str) -> Result<ObjectIdentity, ParseError> {
        self.parse_object_with(name, &ParseOptions::default())
    }

    /// [`Convention::parse_object`], also checking against `options`.
    ///
    /// # Errors
    ///
    /// As [`Convention::parse_object`].
    pub fn parse_object_with(
        &self,
        name: &str,
        options: &ParseOptions,
    ) -> Result<ObjectIdentity, ParseError> {
        self.expect_parse_target(Target::Object)?;
        match self.parse_with(name, options)? {
            ParsedName::Object(id) => Ok(id),
            ParsedName::Rule(_) => Err(self.wrong_parse_target(Target::Object)),
        }
    }

    fn expect_parse_target(&self, requested: Target) -> Result<(), ParseError> {
        if self.target() == requested {
            Ok(())
        } else {
            Err(self.wrong_parse_target(requested))
        }
    }

    fn wrong_parse_target(&self, requested: Target) -> ParseError {
        ParseError::WrongTarget {
            convention: self.target(),
            requested,
        }
    }

    /// Evaluates every part of one alignment: the values with their positions, or all errors
    /// and how many of the wrong parts do not even look like what they should be.
    fn evaluate_alignment(
        &self,
        alignment: &Alignment,
        tokens: &[&str],
    ) -> Result<Vec<(usize, Value)>, Failure> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        let mut implausible = 0;
        let mut next_token = 0;
        for (part, range) in self.parts().iter().zip(alignment) {
            let (text, position) = match range {
                Some((start, end)) => {
                    next_token = *end;
                    (Some(self.join(tokens, *start, *end)), start + 1)
                }
                None => (None, next_token + 1),
            };
            match self.evaluate(part, text.as_deref(), position) {
                Ok(Some(value)) => values.push((position, value)),
                Ok(None) => {}
                Err(e) => {
                    if !self.looks_like(part, text.as_deref()) {
                        implausible += 1;
                    }
                    errors.push(e);
                }
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err((errors, implausible))
        }
    }

    /// Whether a wrong `text` at least resembles `part` (a case slip, digits for a sequence),
    /// to pick the likelier reading of an ambiguous name.
    fn looks_like(&self, part: &Part, text: Option<&str>) -> bool {
        let Some(text) = text else {
            return false;
        };
        let spec = self.spec();
        let any_ci = |tokens: &[&str]| {
            tokens
                .iter()
                .any(|t| !t.is_empty() && t.eq_ignore_ascii_case(text))
        };
        match part {
            Part::Literal(literal) => literal.eq_ignore_ascii_case(text),
            Part::Slot { placeholder, .. } => match placeholder {
                Placeholder::Sequence => {
                    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
                }
                Placeholder::Direction => {
                    let d = &spec.direction_tokens;
                    any_ci(&[&d.outbound, &d.inbound])
                }
                Placeholder::Platform => {
                    let p = &spec.platform_tokens;
                    any_ci(&[&p.aws_lza, &p.azure_alz])
                }
                Placeholder::Kind => {
                    let k = &spec.kind_tokens;
                    any_ci(&[&k.vpc, &k.vnet, &k.host, &k.range])
                }
                Placeholder::Ministry
                | Placeholder::Plate
                | Placeholder::Env
                | Placeholder::Label => {
                    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                }
            },
        }
    }

    fn join(&self, tokens: &[&str], start: usize, end: usize) -> String {
        tokens
            .get(start..end)
            .map(|t| t.join(self.separator().encode_utf8(&mut [0; 4])))
            .unwrap_or_default()
    }

    /// Reads one part. `text` is `None` for an optional part that was left out.
    fn evaluate(
        &self,
        part: &Part,
        text: Option<&str>,
        position: usize,
    ) -> Result<Option<Value>, ParseError> {
        let spec = self.spec();
        let found = text.unwrap_or_default();
        let is_label = matches!(
            part,
            Part::Slot {
                placeholder: Placeholder::Label,
                ..
            }
        );
        if text == Some("") && !is_label {
            return Err(ParseError::EmptyPart {
                position,
                separator: self.separator(),
            });
        }
        let (placeholder, optional) = match part {
            Part::Literal(literal) => {
                if found == literal {
                    return Ok(None);
                }
                let hint = if found.eq_ignore_ascii_case(literal) {
                    format!("literal parts are written exactly: `{literal}`")
                } else {
                    format!(
                        "part {position} of `{}` is always `{literal}`",
                        self.template()
                    )
                };
                return Err(ParseError::Literal {
                    position,
                    expected: literal.clone(),
                    found: found.to_owned(),
                    hint,
                });
            }
            Part::Slot {
                placeholder,
                optional,
            } => (*placeholder, *optional),
        };
        let err = |make: fn(usize, String, String) -> ParseError,
                   hint: String|
         -> Result<Option<Value>, ParseError> {
            Err(make(position, found.to_owned(), hint))
        };
        match placeholder {
            Placeholder::Ministry => match found.parse::<Ministry>() {
                Ok(m) => Ok(Some(Value::Ministry(m))),
                Err(_) => err(mk_ministry, ministry_hint(found)),
            },
            Placeholder::Platform => match spec.platform_tokens.platform(found) {
                Some(p) => Ok(Some(Value::Platform(p))),
                None => err(mk_platform, self.platform_hint(found)),
            },
            Placeholder::Plate => match found.parse::<LicensePlate>() {
                Ok(p) => Ok(Some(Value::Plate(p))),
                Err(_) => err(mk_plate, plate_hint(found)),
            },
            Placeholder::Env => match found.parse::<Environment>() {
                Ok(e) => Ok(Some(Value::Env(e))),
                Err(_) => err(mk_env, env_hint(found)),
            },
            Placeholder::Direction => {
                let tokens = &spec.direction_tokens;
                let direction = match text {
                    Some("") => None,
                    Some(t) => tokens.direction(t),
                    None => tokens.direction(""),
                };
                match direction {
                    Some(d) => Ok(Some(Value::Direction(d))),
                    None => err(mk_direction, self.direction_hint(found)),
                }
            }
            Placeholder::Sequence => match text {
                None => Ok(Some(Value::Sequence(1))),
                Some(t) => match parse_sequence(t, spec.sequence_width, optional) {
                    Ok(n) => Ok(Some(Value::Sequence(n))),
                    Err(hint) => err(mk_sequence, hint),
                },
            },
            Placeholder::Kind => match spec.kind_tokens.kind(found) {
                Some((kind, platform)) => Ok(Some(Value::Kind(kind, platform))),
                None => err(mk_kind, self.kind_hint(found)),
            },
            Placeholder::Label => match text {
                None => Ok(Some(Value::Label(None))),
                Some(t) => match t.parse::<Name>() {
                    Ok(n) => Ok(Some(Value::Label(Some(n)))),
                    Err(_) => err(
                        mk_label,
                        "use 1 to 128 letters, digits, `_`, `-` or `.`, starting with a letter or digit (e.g. the endpoint name `ORA_DB01`)".to_owned(),
                    ),
                },
            },
        }
    }

    /// Builds the identity from the values of a valid alignment and applies the semantic checks.
    fn assemble(
        &self,
        values: Vec<(usize, Value)>,
        options: &ParseOptions,
    ) -> Result<ParsedName, ParseError> {
        let mut ministry = None;
        let mut platform = None;
        let mut plate = None;
        let mut env = None;
        let mut direction = None;
        let mut sequence = None;
        let mut kind = None;
        let mut label = None;
        for (position, value) in values {
            match value {
                Value::Ministry(m) => ministry = Some((position, m)),
                Value::Platform(p) => platform = Some(p),
                Value::Plate(p) => plate = Some(p),
                Value::Env(e) => env = Some((position, e)),
                Value::Direction(d) => direction = Some(d),
                Value::Sequence(s) => sequence = Some(s),
                Value::Kind(k, p) => kind = Some((position, k, p)),
                Value::Label(l) => label = Some(l),
            }
        }
        let missing = |placeholder| ParseError::Incomplete { placeholder };
        let (ministry_pos, ministry) = ministry.ok_or_else(|| missing(Placeholder::Ministry))?;
        let platform = platform.ok_or_else(|| missing(Placeholder::Platform))?;
        let license_plate = plate.ok_or_else(|| missing(Placeholder::Plate))?;
        let (env_pos, environment) = env.ok_or_else(|| missing(Placeholder::Env))?;

        if let Some(known) = options.known_ministries()
            && !known.contains(&ministry)
        {
            return Err(ParseError::UnknownMinistry {
                position: ministry_pos,
                found: ministry.to_string(),
                hint: known_list_hint(ministry.as_str(), known.iter().map(|m| m.as_str())),
            });
        }
        if let Some(known) = options.known_environments()
            && !known.contains(&environment)
        {
            return Err(ParseError::UnknownEnvironment {
                position: env_pos,
                found: environment.to_string(),
                hint: known_list_hint(environment.as_str(), known.iter().map(|e| e.as_str())),
            });
        }

        match self.target() {
            Target::Rule => Ok(ParsedName::Rule(RuleIdentity {
                ministry,
                platform,
                license_plate,
                environment,
                direction: direction.ok_or_else(|| missing(Placeholder::Direction))?,
                sequence: sequence.ok_or_else(|| missing(Placeholder::Sequence))?,
            })),
            Target::Object => {
                let (kind_pos, kind, kind_platform) =
                    kind.ok_or_else(|| missing(Placeholder::Kind))?;
                if let Some(kp) = kind_platform.filter(|kp| *kp != platform) {
                    let tokens = &self.spec().kind_tokens;
                    return Err(ParseError::KindPlatformMismatch {
                        position: kind_pos,
                        found: tokens.token(kind, kp).to_owned(),
                        hint: format!(
                            "`{}` is the {} network object; names with `{}` use `{}`",
                            tokens.token(kind, kp),
                            kp.as_str(),
                            self.spec().platform_tokens.token(platform),
                            tokens.token(kind, platform)
                        ),
                    });
                }
                Ok(ParsedName::Object(ObjectIdentity {
                    ministry,
                    platform,
                    license_plate,
                    environment,
                    kind,
                    label: label.flatten(),
                }))
            }
        }
    }

    /// When some reordering of the parts would make the name valid, says so.
    fn diagnose_order(
        &self,
        name: &str,
        alignments: &[Alignment],
        tokens: &[&str],
    ) -> Option<ParseError> {
        for alignment in alignments {
            // Only alignments where each present part takes one token, and absent parts are
            // fine being absent.
            let mut present = Vec::new();
            let mut ok = true;
            for (part, range) in self.parts().iter().zip(alignment) {
                match range {
                    Some((start, end)) if end.checked_sub(*start) == Some(1) => {
                        present.push((part, *start));
                    }
                    Some(_) => ok = false,
                    None => ok &= self.evaluate(part, None, 1).is_ok(),
                }
            }
            if !ok {
                continue;
            }
            let accepts: Vec<Vec<bool>> = present
                .iter()
                .map(|(part, _)| {
                    present
                        .iter()
                        .map(|(_, t)| {
                            let text = tokens.get(*t).copied().unwrap_or_default();
                            self.evaluate(part, Some(text), t + 1).is_ok()
                        })
                        .collect()
                })
                .collect();
            let Some(assignment) = perfect_matching(&accepts) else {
                continue;
            };
            let Some(first) = assignment.iter().enumerate().position(|(i, j)| i != *j) else {
                continue;
            };
            let token_text = |i: usize| {
                present
                    .get(i)
                    .and_then(|(_, t)| tokens.get(*t))
                    .copied()
                    .unwrap_or_default()
            };
            let reordered: Vec<&str> = assignment.iter().map(|j| token_text(*j)).collect();
            let (part, token) = present.get(first)?;
            return Some(ParseError::WrongOrder {
                name: name.to_owned(),
                position: token + 1,
                found: token_text(first).to_owned(),
                expected: part.describe(),
                suggestion: reordered.join(self.separator().encode_utf8(&mut [0; 4])),
            });
        }
        None
    }

    /// The name has a number of parts no alignment accepts: find one missing or extra part.
    fn diagnose_count(&self, name: &str, tokens: &[&str]) -> ParseError {
        let parts = self.parts();
        let sep = self.separator().encode_utf8(&mut [0; 4]).to_owned();
        let min = parts
            .iter()
            .filter(|p| !matches!(p, Part::Slot { optional: true, .. }))
            .count();
        let unbounded = parts.iter().any(|p| {
            matches!(
                p,
                Part::Slot {
                    placeholder: Placeholder::Label,
                    ..
                }
            )
        });
        // One missing or one extra part can only explain a count that is off by one.
        if tokens.len() + 1 == min {
            for (r, part) in parts.iter().enumerate() {
                if matches!(part, Part::Slot { optional: true, .. }) {
                    continue;
                }
                let mut reduced = parts.to_vec();
                reduced.remove(r);
                let fits = alignments(&reduced, tokens.len())
                    .into_iter()
                    .find(|a| self.alignment_valid(&reduced, a, tokens));
                if let Some(alignment) = fits {
                    let at = alignment
                        .get(..r)
                        .unwrap_or_default()
                        .iter()
                        .flatten()
                        .map(|(_, end)| *end)
                        .max()
                        .unwrap_or(0);
                    let suggestion = match part {
                        Part::Literal(text) => {
                            let mut fixed: Vec<&str> = tokens.to_vec();
                            fixed.insert(at.min(fixed.len()), text);
                            Some(fixed.join(&sep))
                        }
                        Part::Slot { .. } => None,
                    };
                    return ParseError::MissingPart {
                        name: name.to_owned(),
                        missing: part.describe(),
                        position: at + 1,
                        suggestion,
                    };
                }
            }
        } else if !unbounded && tokens.len() == parts.len() + 1 {
            for r in 0..tokens.len() {
                let mut reduced: Vec<&str> = tokens.to_vec();
                let found = reduced.remove(r);
                let fits = alignments(parts, reduced.len())
                    .iter()
                    .any(|a| self.alignment_valid(parts, a, &reduced));
                if fits {
                    return ParseError::ExtraPart {
                        name: name.to_owned(),
                        found: found.to_owned(),
                        position: r + 1,
                        suggestion: reduced.join(&sep),
                    };
                }
            }
        }
        let expected = match (unbounded, parts.len()) {
            (true, _) => format!("at least {min}"),
            (false, max) if max == min => format!("{min}"),
            (false, max) => format!("{min} to {max}"),
        };
        ParseError::PartCount {
            name: name.to_owned(),
            found: tokens.len(),
            expected,
            separator: self.separator(),
            template: self.template().to_owned(),
        }
    }

    /// Whether every part of `parts` accepts its tokens under `alignment`.
    fn alignment_valid(&self, parts: &[Part], alignment: &Alignment, tokens: &[&str]) -> bool {
        parts.iter().zip(alignment).all(|(part, range)| {
            let text = range.map(|(s, e)| self.join(tokens, s, e));
            self.evaluate(part, text.as_deref(), 1).is_ok()
        })
    }

    fn platform_hint(&self, found: &str) -> String {
        let tokens = &self.spec().platform_tokens;
        if let Some(p) = Platform::ALL
            .into_iter()
            .find(|p| tokens.token(*p).eq_ignore_ascii_case(found))
        {
            return format!(
                "platform tokens are written exactly: `{}` for {}",
                tokens.token(p),
                p.as_str()
            );
        }
        if let Ok(p) = found.to_ascii_lowercase().parse::<Platform>() {
            return format!(
                "write the name token `{}`, not the document spelling `{}`",
                tokens.token(p),
                p.as_str()
            );
        }
        format!(
            "use `{}` (AWS Landing Zone Accelerator) or `{}` (Azure Landing Zone)",
            tokens.aws_lza, tokens.azure_alz
        )
    }

    fn direction_hint(&self, found: &str) -> String {
        let tokens = &self.spec().direction_tokens;
        if !found.is_empty()
            && let Some(d) = Direction::ALL.into_iter().find(|d| {
                let t = tokens.token(*d);
                !t.is_empty() && t.eq_ignore_ascii_case(found)
            })
        {
            return format!(
                "direction tokens are written exactly: `{}`",
                tokens.token(d)
            );
        }
        let described: Vec<String> = Direction::ALL
            .into_iter()
            .map(|d| match tokens.token(d) {
                "" => format!("{d} rules have no direction part"),
                t => format!("`{t}` marks {d} rules"),
            })
            .collect();
        format!(
            "{}; a sequence of at least {} digits (`{}`) may follow",
            described.join(", "),
            self.spec().sequence_width,
            format_sequence(2, self.spec().sequence_width)
        )
    }

    fn kind_hint(&self, found: &str) -> String {
        let k = &self.spec().kind_tokens;
        let all = [&k.vpc, &k.vnet, &k.host, &k.range];
        if let Some(t) = all.iter().find(|t| t.eq_ignore_ascii_case(found)) {
            return format!("kind tokens are written exactly: `{t}`");
        }
        format!(
            "use `{}` (AWS VPC network object), `{}` (Azure VNet network object), `{}` (host) or `{}` (CIDR range)",
            k.vpc, k.vnet, k.host, k.range
        )
    }
}

macro_rules! part_error_ctor {
    ($($fn_name:ident => $variant:ident),* $(,)?) => {
        $(
            fn $fn_name(position: usize, found: String, hint: String) -> ParseError {
                ParseError::$variant { position, found, hint }
            }
        )*
    };
}

part_error_ctor!(
    mk_ministry => Ministry,
    mk_platform => Platform,
    mk_plate => LicensePlate,
    mk_env => Environment,
    mk_direction => Direction,
    mk_sequence => Sequence,
    mk_kind => Kind,
    mk_label => Label,
);

fn ministry_hint(found: &str) -> String {
    if found.is_empty() {
        return "the ministry is missing: write its short name, e.g. `CITZ`".to_owned();
    }
    let upper = found.to_ascii_uppercase();
    if upper != found && upper.parse::<Ministry>().is_ok() {
        return format!("ministry short names are upper case: write `{upper}`");
    }
    "use 2 to 10 upper-case letters or digits, starting with a letter (e.g. `CITZ`)".to_owned()
}

fn plate_hint(found: &str) -> String {
    let len = found.chars().count();
    if len != 6 {
        return format!(
            "it has {len} characters; a license plate has exactly 6 lower-case letters or digits (e.g. `abc123`)"
        );
    }
    let lower = found.to_ascii_lowercase();
    if lower != found && lower.parse::<LicensePlate>().is_ok() {
        return format!("license plates are lower case: write `{lower}`");
    }
    "use exactly 6 lower-case letters or digits (e.g. `abc123`)".to_owned()
}

fn env_hint(found: &str) -> String {
    let lower = found.to_ascii_lowercase();
    if lower != found && lower.parse::<Environment>().is_ok() {
        return format!("environments are lower case: write `{lower}`");
    }
    "use `dev`, `test`, `prod`, `tools`, or another lower-case word of up to 16 letters, digits or `-`, starting with a letter".to_owned()
}

fn known_list_hint<'a>(found: &str, known: impl Iterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.collect();
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(found)) {
        return format!("did you mean `{k}`?");
    }
    let shown: Vec<String> = known.iter().take(20).map(|k| format!("`{k}`")).collect();
    let more = if known.len() > shown.len() {
        ", ..."
    } else {
        ""
    };
    if shown.is_empty() {
        "the list of known values is empty".to_owned()
    } else {
        format!("use one of {}{more}", shown.join(", "))
    }
}

/// Reads a sequence token; the error is the hint.
fn parse_sequence(token: &str, width: u8, optional: bool) -> Result<u32, String> {
    let example = format_sequence(2, width);
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "a sequence is digits only, at least {width} of them (e.g. `{example}`)"
        ));
    }
    let Ok(n) = token.parse::<u32>() else {
        return Err(format!(
            "`{token}` is too large; sequences go up to {}",
            u32::MAX
        ));
    };
    if n == 0 {
        return Err(format!("sequences start at 1 (e.g. `{example}`)"));
    }
    if optional && n == 1 {
        return Err(format!(
            "the first rule has no sequence part: drop `{token}` (the second rule is `{example}`)"
        ));
    }
    let canonical = format_sequence(n, width);
    if canonical != token {
        return Err(format!(
            "write sequence {n} as `{canonical}` ({width} digits at least, no extra leading zeros)"
        ));
    }
    Ok(n)
}

/// Every way to give the template parts the `n` tokens, optional parts taken first.
fn alignments(parts: &[Part], n: usize) -> Vec<Alignment> {
    let mut out = Vec::new();
    let mut current = Vec::with_capacity(parts.len());
    walk(parts, 0, n, &mut current, &mut out);
    out
}

fn walk(parts: &[Part], token: usize, n: usize, current: &mut Alignment, out: &mut Vec<Alignment>) {
    if out.len() >= MAX_ALIGNMENTS {
        return;
    }
    let Some((part, rest)) = parts.split_first() else {
        if token == n {
            out.push(current.clone());
        }
        return;
    };
    // Prune: every required part left needs a token.
    let required_left = parts
        .iter()
        .filter(|p| !matches!(p, Part::Slot { optional: true, .. }))
        .count();
    if n.saturating_sub(token) < required_left {
        return;
    }
    let (optional, spans) = match part {
        Part::Literal(_) => (false, false),
        Part::Slot {
            placeholder,
            optional,
        } => (*optional, *placeholder == Placeholder::Label),
    };
    if spans {
        for end in (token + 1..=n).rev() {
            current.push(Some((token, end)));
            walk(rest, end, n, current, out);
            current.pop();
        }
    } else if token < n {
        current.push(Some((token, token + 1)));
        walk(rest, token + 1, n, current, out);
        current.pop();
    }
    if optional {
        current.push(None);
        walk(rest, token, n, current, out);
        current.pop();
    }
}

/// A perfect matching of rows (parts) to columns (tokens) in a square acceptance matrix,
/// preferring each part's own token; `result[part] = token`.
fn perfect_matching(accepts: &[Vec<bool>]) -> Option<Vec<usize>> {
    let k = accepts.len();
    let mut owner: Vec<Option<usize>> = vec![None; k];
    for part in 0..k {
        let mut seen = vec![false; k];
        if !augment(accepts, part, &mut owner, &mut seen) {
            return None;
        }
    }
    let mut result = vec![0; k];
    for (token, part) in owner.iter().enumerate() {
        let slot = result.get_mut((*part)?)?;
        *slot = token;
    }
    Some(result)
}

fn augment(
    accepts: &[Vec<bool>],
    part: usize,
    owner: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    let Some(row) = accepts.get(part) else {
        return false;
    };
    // Own token first, then the others in order.
    let order = std::iter::once(part).chain((0..row.len()).filter(|t| *t != part));
    for token in order {
        if !row.get(token).copied().unwrap_or(false) {
            continue;
        }
        match seen.get_mut(token) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        let current = owner.get(token).copied().flatten();
        let free = match current {
            None => true,
            Some(other) => augment(accepts, other, owner, seen),
        };
        if free {
            if let Some(o) = owner.get_mut(token) {
                *o = Some(part);
            }
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_example() {
        let id = Convention::mccs_rule()
            .parse_rule("MCCS_CITZ_ALZ_LIVE_abc123_prod")
            .unwrap();
        assert_eq!(id.ministry.as_str(), "CITZ");
        assert_eq!(id.platform, Platform::AzureAlz);
        assert_eq!(id.license_plate.as_str(), "abc123");
        assert_eq!(id.environment, Environment::Prod);
        assert_eq!((id.direction, id.sequence), (Direction::Outbound, 1));
    }

    #[test]
    fn specific_variants_for_malformed_names() {
        let rules = Convention::mccs_rule();
        let err = |name: &str| rules.parse_rule(name).unwrap_err();
        assert!(matches!(
            err("MCCS_ALZ_CITZ_LIVE_abc123_prod"),
            ParseError::WrongOrder { position: 2, .. }
        ));
        assert!(matches!(
            err("MCCS_citz_ALZ_LIVE_abc123_prod"),
            ParseError::Ministry { position: 2, .. }
        ));
        assert!(matches!(
            err("MCCS_CITZ_ALZ_LIVE_abc1234_prod"),
            ParseError::LicensePlate { position: 5, .. }
        ));
        assert!(matches!(
            err("MCCS_CITZ_ALZ_LIVE_abc123_Prod"),
            ParseError::Environment { position: 6, .. }
        ));
        assert!(matches!(
            err(&"MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02".repeat(2)),
            ParseError::TooLong {
                len: 72,
                max: 63,
                ..
            }
        ));
    }

    #[test]
    fn matching_prefers_identity_and_finds_swaps() {
        let t = true;
        let f = false;
        assert_eq!(
            perfect_matching(&[vec![t, t], vec![t, t]]),
            Some(vec![0, 1])
        );
        assert_eq!(
            perfect_matching(&[vec![f, t], vec![t, f]]),
            Some(vec![1, 0])
        );
        assert_eq!(perfect_matching(&[vec![t, f], vec![t, f]]), None);
        assert_eq!(perfect_matching(&[]), Some(vec![]));
    }

    #[test]
    fn sequence_forms() {
        assert_eq!(parse_sequence("02", 2, true), Ok(2));
        assert_eq!(parse_sequence("100", 2, true), Ok(100));
        assert!(parse_sequence("01", 2, true).is_err());
        assert_eq!(parse_sequence("01", 2, false), Ok(1));
        assert!(parse_sequence("2", 2, true).is_err());
        assert!(parse_sequence("002", 2, true).is_err());
        assert!(parse_sequence("00", 2, true).is_err());
        assert!(parse_sequence("99999999999", 2, true).is_err());
        assert!(parse_sequence("", 2, true).is_err());
    }

    #[test]
    fn alignments_of_rule_template() {
        let c = Convention::mccs_rule();
        assert_eq!(alignments(c.parts(), 6).len(), 1);
        assert_eq!(alignments(c.parts(), 7).len(), 2);
        assert_eq!(alignments(c.parts(), 8).len(), 1);
        assert!(alignments(c.parts(), 5).is_empty());
        assert!(alignments(c.parts(), 9).is_empty());
    }
}
