//! Validating a convention spec: parsing its template into parts, and checking its tokens and
//! characters against its limits.

use std::collections::BTreeSet;

use super::{ConventionError, ConventionSpec, Placeholder, Target};

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

/// The most parts a template may have.
const MAX_PARTS: usize = 32;

/// Parses the template and checks the whole spec.
pub(super) fn validate(spec: &ConventionSpec) -> Result<Vec<Part>, ConventionError> {
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
    use crate::Convention;

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
}
