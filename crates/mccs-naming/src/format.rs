//! Writing names from typed identities.

use thiserror::Error;

use crate::convention::{Convention, Part, Placeholder, Target};
use crate::identity::{ObjectIdentity, ObjectKind, ParsedName, RuleIdentity};

/// Why a name could not be written. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FormatError {
    /// A rule identity was given to an object convention, or the reverse.
    #[error(
        "this convention names {convention}s, not {requested}s: use the {requested} convention (e.g. `Convention::mccs_{requested}()`)"
    )]
    WrongTarget {
        /// What the convention names.
        convention: Target,
        /// What was asked for.
        requested: Target,
    },
    /// Sequence numbers start at 1.
    #[error("sequence 0 is not a rule number: the first rule of a stem is sequence 1")]
    ZeroSequence,
    /// The template requires `{label}` but the identity has none.
    #[error(
        "the convention `{template}` requires a label for every object, and this {kind} object has none: set `label` (e.g. the endpoint name)"
    )]
    MissingLabel {
        /// The object's kind.
        kind: ObjectKind,
        /// The convention's template.
        template: String,
    },
    /// The identity has a label the template has no place for; writing it would lose it.
    #[error(
        "the convention `{template}` has no `{{label}}`, so the label `{label}` cannot be written: drop the label or use a template with `{{label?}}`"
    )]
    LabelNotInTemplate {
        /// The label.
        label: String,
        /// The convention's template.
        template: String,
    },
    /// The name would contain a character the limits do not allow.
    #[error(
        "`{name}` would contain `{ch}` at position {position}, which the convention does not allow (allowed are {allowed}): change the label or environment"
    )]
    BadCharacter {
        /// The name that would have been written.
        name: String,
        /// The offending character.
        ch: char,
        /// 1-based character position.
        position: usize,
        /// The allowed characters, described.
        allowed: String,
    },
    /// The name would exceed the maximum length.
    #[error(
        "`{name}` is {len} characters, over the limit of {max}: shorten the label (objects) or choose a convention with shorter literals"
    )]
    TooLong {
        /// The name that would have been written.
        name: String,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A custom convention produced a name that reads back as a different identity (e.g. a
    /// literal equal to a token); such a name could not be told apart from another one.
    #[error(
        "`{name}` would read back as a different identity under `{template}`: make literals and tokens distinct"
    )]
    NotReversible {
        /// The ambiguous name.
        name: String,
        /// The convention's template.
        template: String,
    },
    /// No unused sequence number is left for a stem.
    #[error("every sequence number up to {max} is taken for this stem", max = u32::MAX)]
    SequenceExhausted,
}

/// One rendered placeholder value.
struct Values<'a> {
    ministry: &'a str,
    platform: &'a str,
    plate: &'a str,
    env: &'a str,
    direction: &'a str,
    sequence: String,
    kind: &'a str,
    label: Option<&'a str>,
}

impl Convention {
    /// Writes the name of a traffic rule.
    ///
    /// ```
    /// use mccs_naming::{Convention, Direction, RuleIdentity};
    /// let rules = Convention::mccs_rule();
    /// let mut id = RuleIdentity {
    ///     ministry: "CITZ".parse()?,
    ///     platform: mccs_model::Platform::AzureAlz,
    ///     license_plate: "abc123".parse()?,
    ///     environment: "prod".parse()?,
    ///     direction: Direction::Outbound,
    ///     sequence: 1,
    /// };
    /// assert_eq!(rules.format_rule(&id)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
    /// id.sequence = 2;
    /// assert_eq!(rules.format_rule(&id)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod_02");
    /// id.direction = Direction::Inbound;
    /// assert_eq!(rules.format_rule(&id)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`FormatError::WrongTarget`] for an object convention, [`FormatError::ZeroSequence`],
    /// [`FormatError::TooLong`] or [`FormatError::BadCharacter`] when the result breaks the
    /// limits, and [`FormatError::NotReversible`] when a custom convention would produce a name
    /// that reads back differently.
    pub fn format_rule(&self, identity: &RuleIdentity) -> Result<String, FormatError> {
        self.expect_target(Target::Rule)?;
        if identity.sequence == 0 {
            return Err(FormatError::ZeroSequence);
        }
        let spec = self.spec();
        let sequence_optional = self.parts().iter().any(|p| {
            matches!(
                p,
                Part::Slot {
                    placeholder: Placeholder::Sequence,
                    optional: true
                }
            )
        });
        let sequence = if sequence_optional && identity.sequence == 1 {
            String::new()
        } else {
            format_sequence(identity.sequence, spec.sequence_width)
        };
        let values = Values {
            ministry: identity.ministry.as_str(),
            platform: spec.platform_tokens.token(identity.platform),
            plate: identity.license_plate.as_str(),
            env: identity.environment.as_str(),
            direction: spec.direction_tokens.token(identity.direction),
            sequence,
            kind: "",
            label: None,
        };
        let name = self.render(&values, None)?;
        self.check_reversible(name, &ParsedName::Rule(identity.clone()))
    }

    /// Writes the name of a firewall object.
    ///
    /// ```
    /// use mccs_naming::{Convention, ObjectIdentity, ObjectKind};
    /// let objects = Convention::mccs_object();
    /// let host = ObjectIdentity {
    ///     ministry: "CITZ".parse()?,
    ///     platform: mccs_model::Platform::AwsLza,
    ///     license_plate: "abc123".parse()?,
    ///     environment: "test".parse()?,
    ///     kind: ObjectKind::Host,
    ///     label: Some("ORADB01".parse()?),
    /// };
    /// assert_eq!(objects.format_object(&host)?, "MCCS_CITZ_LZA_abc123_test_HOST_ORADB01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`FormatError::WrongTarget`] for a rule convention, [`FormatError::MissingLabel`] or
    /// [`FormatError::LabelNotInTemplate`] when label and template disagree,
    /// [`FormatError::TooLong`] or [`FormatError::BadCharacter`] when the result breaks the
    /// limits, and [`FormatError::NotReversible`] as for [`Convention::format_rule`].
    pub fn format_object(&self, identity: &ObjectIdentity) -> Result<String, FormatError> {
        self.expect_target(Target::Object)?;
        let spec = self.spec();
        let values = Values {
            ministry: identity.ministry.as_str(),
            platform: spec.platform_tokens.token(identity.platform),
            plate: identity.license_plate.as_str(),
            env: identity.environment.as_str(),
            direction: "",
            sequence: String::new(),
            kind: spec.kind_tokens.token(identity.kind, identity.platform),
            label: identity.label.as_ref().map(|l| l.as_str()),
        };
        let name = self.render(&values, Some(identity.kind))?;
        self.check_reversible(name, &ParsedName::Object(identity.clone()))
    }

    fn expect_target(&self, requested: Target) -> Result<(), FormatError> {
        if self.target() == requested {
            Ok(())
        } else {
            Err(FormatError::WrongTarget {
                convention: self.target(),
                requested,
            })
        }
    }

    fn render(&self, values: &Values<'_>, kind: Option<ObjectKind>) -> Result<String, FormatError> {
        let mut written: Vec<&str> = Vec::with_capacity(self.parts().len());
        let mut label_used = false;
        for part in self.parts() {
            let (text, optional) = match part {
                Part::Literal(text) => (text.as_str(), false),
                Part::Slot {
                    placeholder,
                    optional,
                } => {
                    let text = match placeholder {
                        Placeholder::Ministry => values.ministry,
                        Placeholder::Platform => values.platform,
                        Placeholder::Plate => values.plate,
                        Placeholder::Env => values.env,
                        Placeholder::Direction => values.direction,
                        Placeholder::Sequence => values.sequence.as_str(),
                        Placeholder::Kind => values.kind,
                        Placeholder::Label => {
                            label_used = true;
                            match values.label {
                                Some(label) => label,
                                None if *optional => "",
                                None => {
                                    return Err(FormatError::MissingLabel {
                                        kind: kind.unwrap_or(ObjectKind::Host),
                                        template: self.template().to_owned(),
                                    });
                                }
                            }
                        }
                    };
                    (text, *optional)
                }
            };
            if !(optional && text.is_empty()) {
                written.push(text);
            }
        }
        if let (false, Some(label)) = (label_used, values.label) {
            return Err(FormatError::LabelNotInTemplate {
                label: label.to_owned(),
                template: self.template().to_owned(),
            });
        }
        let name = written.join(self.separator().encode_utf8(&mut [0; 4]));
        let limits = self.limits();
        if let Some((i, ch)) = name.chars().enumerate().find(|(_, c)| !limits.allows(*c)) {
            return Err(FormatError::BadCharacter {
                allowed: limits.describe(),
                name,
                ch,
                position: i + 1,
            });
        }
        let len = name.chars().count();
        if len > limits.max_len {
            return Err(FormatError::TooLong {
                name,
                len,
                max: limits.max_len,
            });
        }
        Ok(name)
    }

    /// `name` when [`Convention::parse`] reads it back as `expected`, else
    /// [`FormatError::NotReversible`]. `render` has checked the length and characters that
    /// `parse` checks first, so only the reading is done, and without working out why a name
    /// would not read ([`Convention::read_within_limits`], the same answer).
    fn check_reversible(&self, name: String, expected: &ParsedName) -> Result<String, FormatError> {
        match self.read_within_limits(&name, &crate::ParseOptions::default()) {
            Some(parsed) if parsed == *expected => Ok(name),
            _ => Err(FormatError::NotReversible {
                name,
                template: self.template().to_owned(),
            }),
        }
    }
}

/// A sequence number zero-padded to `width` digits.
pub(crate) fn format_sequence(n: u32, width: u8) -> String {
    format!("{n:0width$}", width = usize::from(width))
}

#[cfg(test)]
mod tests {
    use crate::{Convention, FormatError, ParsedName};

    /// A name is handed out only when it reads back as the identity it was written from.
    #[test]
    fn a_name_is_kept_only_when_it_reads_back_as_its_identity() {
        let rules = Convention::mccs_rule();
        let name = "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_02";
        let id = rules.parse_rule(name).unwrap();
        let expected = ParsedName::Rule(id.clone());
        assert_eq!(
            rules.check_reversible(name.to_owned(), &expected).unwrap(),
            name
        );
        // The same name does not read back as another identity, nor does a name that does not
        // read at all.
        let mut other = id;
        other.sequence = 3;
        for (name, expected) in [
            (name, ParsedName::Rule(other)),
            ("MCCS_CITZ_ALZ_LIVE_abc123_prod_IN_2", expected.clone()),
            ("", expected),
        ] {
            assert!(matches!(
                rules.check_reversible(name.to_owned(), &expected),
                Err(FormatError::NotReversible { .. })
            ));
        }
    }
}
