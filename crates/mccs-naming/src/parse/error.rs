//! [`ParseError`]: what is wrong with a name, where, and how to fix it.

use serde::Serialize;
use thiserror::Error;

use crate::convention::{Placeholder, Target};

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
    /// [`Convention::from_spec`](crate::Convention::from_spec) always have every placeholder their target needs.
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
