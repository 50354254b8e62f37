//! [`ConventionError`]: why a convention spec is not a valid convention.

use thiserror::Error;

use super::{Placeholder, Target};

/// Why a [`ConventionSpec`](super::ConventionSpec) was rejected. Each message says what to change.
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
