//! Reading names back into typed identities, with errors that say which part is wrong, why,
//! and how to fix it.
//!
//! This module holds the entry points ([`Convention::parse_with`] and its kin) and
//! [`ParseOptions`]; [`error`] holds [`ParseError`], [`align`] matches tokens to the
//! template's parts, and [`hints`] diagnoses names that match no alignment and words the hints.

use std::collections::BTreeSet;

use mccs_model::{Environment, LicensePlate, Ministry, Name, Platform};

use crate::convention::{Convention, Part, Placeholder, Target};
use crate::identity::{Direction, ObjectIdentity, ObjectKind, ParsedName, RuleIdentity};

mod align;
mod error;
mod hints;
mod part_hints;

pub(crate) use align::AlignmentTable;

pub use error::ParseError;

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
        let tokens = split_tokens(name, self.separator());
        let alignments = self.alignments_of(tokens.len());
        // Among alignments that fail, the one with the fewest errors explains the name best;
        // on a tie, the one whose wrong parts at least look like what they should be.
        let mut best: Option<((usize, usize), ParseError)> = None;
        for alignment in alignments.iter() {
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
                .diagnose_order(name, &alignments, &tokens, options)
                .unwrap_or(first_error));
        }
        Err(self.diagnose_count(name, &tokens, options))
    }

    /// Whether `candidate` parses: what a suggested fix must do before it is offered (a part
    /// inserted, removed or moved can still leave the name too long, or with a `VPC` token on
    /// an Azure platform). The checks of [`Convention::parse_with`], without diagnosing.
    fn accepts(&self, candidate: &str, options: &ParseOptions) -> bool {
        self.parse_quietly(candidate, options).is_some()
    }

    /// What [`Convention::parse_with`] returns when it succeeds, `None` when it would fail:
    /// the same checks in the same order, without working out why a name fails.
    fn parse_quietly(&self, name: &str, options: &ParseOptions) -> Option<ParsedName> {
        // The token count first: it turns most names of other schemes away before a
        // character is checked.
        if !self.may_align(count_tokens(name, self.separator())) {
            return None;
        }
        let limits = self.limits();
        if name.chars().count() > limits.max_len || !name.chars().all(|c| limits.allows(c)) {
            return None;
        }
        self.read_within_limits(name, options)
    }

    /// [`Convention::parse_quietly`] for a name already known to respect the length and
    /// character limits (one [`Convention::format_rule`] or [`Convention::format_object`]
    /// has just written and checked): the rest of the same checks, in the same order.
    pub(crate) fn read_within_limits(
        &self,
        name: &str,
        options: &ParseOptions,
    ) -> Option<ParsedName> {
        if name.is_empty() {
            return None;
        }
        let tokens = split_tokens(name, self.separator());
        if !self.may_align(tokens.len()) {
            return None;
        }
        let values = self
            .alignments_of(tokens.len())
            .iter()
            .find_map(|a| self.read_alignment(a, &tokens))?;
        self.assemble(values, options).ok()
    }

    /// Whether a name of `tokens` tokens can line up with the template: every required part
    /// takes a token, and without a `{label}` (which may span several) no part takes more than
    /// one. When it cannot, [`alignments`] finds none, so a name is rejected without them.
    fn may_align(&self, tokens: usize) -> bool {
        let parts = self.parts();
        let optional = |p: &Part| matches!(p, Part::Slot { optional: true, .. });
        let spans = |p: &Part| {
            matches!(
                p,
                Part::Slot {
                    placeholder: Placeholder::Label,
                    ..
                }
            )
        };
        let required = parts.iter().filter(|p| !optional(p)).count();
        tokens >= required && (tokens <= parts.len() || parts.iter().any(spans))
    }

    /// The identity of rule name `name` when it follows this convention; `None` when it does
    /// not, or for an object convention. [`Convention::parse_rule`] without the diagnosis:
    /// for reading many names most of which are not the convention's (the existing rules of a
    /// rulebase), where working out why each one fails would cost far more than the answer.
    ///
    /// ```
    /// use mccs_naming::Convention;
    /// let rules = Convention::mccs_rule();
    /// let id = rules.rule_identity("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN").unwrap();
    /// assert_eq!(id.sequence, 1);
    /// assert_eq!(rules.rule_identity("allow-dns"), None);
    /// ```
    pub fn rule_identity(&self, name: &str) -> Option<RuleIdentity> {
        if self.target() != Target::Rule {
            return None;
        }
        match self.parse_quietly(name, &ParseOptions::default())? {
            ParsedName::Rule(id) => Some(id),
            ParsedName::Object(_) => None,
        }
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
}

/// How many tokens `separator` cuts `name` into: `name.split(separator).count()`, counted
/// as bytes when the separator is ASCII (every convention's so far), which is several times
/// cheaper for names of a few dozen characters than a search per token.
fn count_tokens(name: &str, separator: char) -> usize {
    match ascii_byte(separator) {
        Some(sep) => 1 + name.bytes().filter(|b| *b == sep).count(),
        None => name.split(separator).count(),
    }
}

/// `name.split(separator).collect()`, with room for every token at once, cut byte by byte
/// when the separator is ASCII: reading a name back is done for every name formatting makes,
/// and the search per token and the vector's growth were a third of it.
fn split_tokens(name: &str, separator: char) -> Vec<&str> {
    let Some(sep) = ascii_byte(separator) else {
        return name.split(separator).collect();
    };
    let mut tokens = Vec::with_capacity(count_tokens(name, separator));
    let mut rest = name;
    // An ASCII byte never falls inside a multi-byte character, so every cut is at a
    // character boundary and `get` always answers.
    while let Some(i) = rest.bytes().position(|b| b == sep) {
        tokens.push(rest.get(..i).unwrap_or_default());
        rest = rest.get(i + 1..).unwrap_or_default();
    }
    tokens.push(rest);
    tokens
}

/// The separator as its one byte, when it is ASCII.
fn ascii_byte(separator: char) -> Option<u8> {
    u8::try_from(separator).ok().filter(u8::is_ascii)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Names near the conventions' own: each part's token, or now and then one it does not
    /// read, with the optional parts there or not; and loose tokens joined by the separator
    /// (or another character).
    fn names() -> impl Strategy<Value = String> {
        fn pick(good: &'static [&'static str]) -> impl Strategy<Value = String> {
            let good = prop::sample::select(good).prop_map(str::to_owned);
            prop_oneof![8 => good, 1 => "[A-Za-z0-9.-]{0,4}"]
        }
        let optional =
            |s: BoxedStrategy<String>| prop::option::of(s).prop_map(Option::unwrap_or_default);
        let tail = |good: &'static [&'static str]| {
            optional(pick(good).prop_map(|t| format!("_{t}")).boxed())
        };
        let rule = (
            pick(&["CITZ", "HLTH", "IN"]),
            pick(&["ALZ", "LZA"]),
            pick(&["abc123", "ghi789"]),
            pick(&["prod", "test", "IN"]),
            tail(&["IN", "OUT"]),
            tail(&["02", "10", "01", "002", "1", "IN"]),
        )
            .prop_map(|(m, p, l, e, d, n)| format!("MCCS_{m}_{p}_LIVE_{l}_{e}{d}{n}"));
        let object = (
            pick(&["CITZ", "HLTH"]),
            pick(&["ALZ", "LZA"]),
            pick(&["abc123", "ghi789"]),
            pick(&["prod", "test"]),
            pick(&["VPC", "VNET", "HOST", "NET", "RANGE", "GRP"]),
            tail(&["ORADB01", "A_B", "10.46.8.0_24", "HOST"]),
        )
            .prop_map(|(m, p, l, e, k, x)| format!("MCCS_{m}_{p}_{l}_{e}_{k}{x}"));
        let token = prop_oneof![
            prop::sample::select(vec![
                "MCCS", "CITZ", "ALZ", "LIVE", "abc123", "prod", "IN", "02", ""
            ])
            .prop_map(str::to_owned),
            "[A-Za-z0-9.-]{0,7}",
        ];
        let loose = (prop::collection::vec(token, 0..11), any::<bool>())
            .prop_map(|(tokens, dash)| tokens.join(if dash { "-" } else { "_" }));
        prop_oneof![rule, object, loose]
    }

    proptest! {
        /// Tokens are what `str::split` makes, for ASCII and other separators, on any text
        /// (multi-byte characters next to the separator included).
        #[test]
        fn tokens_are_what_split_makes(
            name in "[a-z_é€-]{0,24}|\\PC{0,12}",
            separator in prop::sample::select(vec!['_', '-', '.', 'é', '€', 'a']),
        ) {
            let expected: Vec<&str> = name.split(separator).collect();
            prop_assert_eq!(count_tokens(&name, separator), expected.len());
            prop_assert_eq!(split_tokens(&name, separator), expected);
        }

        /// The quiet reading gives what `parse` gives when it succeeds, and nothing when it
        /// fails, for rule and object names alike.
        #[test]
        fn reading_quietly_answers_what_parse_does(name in names()) {
            for convention in [Convention::mccs_rule(), Convention::mccs_object()] {
                let parsed = convention.parse(&name).ok();
                prop_assert_eq!(
                    convention.parse_quietly(&name, &ParseOptions::default()),
                    parsed.clone()
                );
                let limits = convention.limits();
                if name.chars().count() <= limits.max_len && name.chars().all(|c| limits.allows(c)) {
                    prop_assert_eq!(
                        convention.read_within_limits(&name, &ParseOptions::default()),
                        parsed
                    );
                }
            }
        }
    }

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
}
