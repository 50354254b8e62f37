//! Checking the names already on a firewall, and choosing the next unique one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::convention::Convention;
use crate::format::FormatError;
use crate::identity::RuleStem;
use crate::parse::{ParseError, ParseOptions};

/// One problem found in a list of names, pointing at the rules by their 0-based index in the
/// list that was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Finding {
    /// The name at `index` breaks the convention; `error` says where and how to fix it.
    Invalid {
        /// Index of the rule.
        index: usize,
        /// Its name.
        name: String,
        /// What is wrong.
        error: ParseError,
    },
    /// Two or more rules share exactly this name; reviewers cannot tell them apart.
    Duplicate {
        /// The shared name.
        name: String,
        /// Indices of the rules, ascending.
        indices: Vec<usize>,
    },
    /// Names that differ only in upper/lower case. Firewalls that compare names without case
    /// see these as duplicates.
    CaseCollision {
        /// Each distinct spelling with the index of its first rule, ascending by index.
        names: Vec<(usize, String)>,
    },
}

impl Finding {
    /// The indices of the rules the finding is about, ascending.
    pub fn indices(&self) -> Vec<usize> {
        match self {
            Self::Invalid { index, .. } => vec![*index],
            Self::Duplicate { indices, .. } => indices.clone(),
            Self::CaseCollision { names } => names.iter().map(|(i, _)| *i).collect(),
        }
    }

    fn sort_key(&self) -> (usize, u8) {
        let rank = match self {
            Self::Invalid { .. } => 0,
            Self::Duplicate { .. } => 1,
            Self::CaseCollision { .. } => 2,
        };
        (self.indices().first().copied().unwrap_or(0), rank)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { index, error, .. } => write!(f, "rule {index}: {error}"),
            Self::Duplicate { name, indices } => {
                let list: Vec<String> = indices.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "rules {} share the name `{name}`: give each its own sequence number",
                    list.join(", ")
                )
            }
            Self::CaseCollision { names } => {
                let list: Vec<String> = names
                    .iter()
                    .map(|(i, n)| format!("rule {i} `{n}`"))
                    .collect();
                write!(
                    f,
                    "{} differ only in case: firewalls that ignore case see one name",
                    list.join(", ")
                )
            }
        }
    }
}

/// Checks a list of existing names (e.g. the rulebase of a firewall, in order) against a
/// convention: every name that breaks it, every group of rules sharing a name, and every group
/// of names that differ only in case. Findings are ordered by the first index they concern.
/// Works for object lists too, with an object convention.
///
/// ```
/// use mccs_naming::{check_rulebase, Convention, Finding, ParseOptions};
/// let findings = check_rulebase(
///     &Convention::mccs_rule(),
///     &ParseOptions::default(),
///     ["MCCS_CITZ_ALZ_LIVE_abc123_prod", "allow-any", "MCCS_CITZ_ALZ_LIVE_abc123_prod"],
/// );
/// assert_eq!(findings.len(), 2);
/// assert!(matches!(&findings[0], Finding::Duplicate { indices, .. } if indices == &[0, 2]));
/// assert!(matches!(&findings[1], Finding::Invalid { index: 1, .. }));
/// ```
pub fn check_rulebase<I, S>(
    convention: &Convention,
    options: &ParseOptions,
    names: I,
) -> Vec<Finding>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let names: Vec<S> = names.into_iter().collect();
    let mut findings = Vec::new();
    let mut exact: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut folded: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for (index, name) in names.iter().enumerate() {
        let name = name.as_ref();
        if let Err(error) = convention.parse_with(name, options) {
            findings.push(Finding::Invalid {
                index,
                name: name.to_owned(),
                error,
            });
        }
        exact.entry(name).or_default().push(index);
        folded
            .entry(name.to_ascii_lowercase())
            .or_default()
            .entry(name)
            .or_insert(index);
    }
    for (name, indices) in exact {
        if indices.len() > 1 {
            findings.push(Finding::Duplicate {
                name: name.to_owned(),
                indices,
            });
        }
    }
    for spellings in folded.into_values() {
        if spellings.len() > 1 {
            let mut names: Vec<(usize, String)> = spellings
                .into_iter()
                .map(|(n, i)| (i, n.to_owned()))
                .collect();
            names.sort();
            findings.push(Finding::CaseCollision { names });
        }
    }
    findings.sort_by_key(Finding::sort_key);
    findings
}

/// The name for a new rule of `stem` that is not yet in use: one past the highest sequence
/// number already used for that stem (so deleted rules' names are not silently reused), or the
/// first rule's name when the stem has none. A candidate equal to a used name, ignoring case,
/// is skipped. Deterministic: the same inputs give the same name.
///
/// ```
/// use mccs_naming::{next_free, Convention, Direction, RuleStem};
/// let rules = Convention::mccs_rule();
/// let mut stem = RuleStem {
///     ministry: "CITZ".parse()?,
///     platform: mccs_model::Platform::AzureAlz,
///     license_plate: "abc123".parse()?,
///     environment: "prod".parse()?,
///     direction: Direction::Outbound,
/// };
/// assert_eq!(next_free(&rules, &stem, Vec::<&str>::new())?, "MCCS_CITZ_ALZ_LIVE_abc123_prod");
/// let used = ["MCCS_CITZ_ALZ_LIVE_abc123_prod", "MCCS_CITZ_ALZ_LIVE_abc123_prod_02"];
/// assert_eq!(next_free(&rules, &stem, used)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod_03");
/// stem.direction = Direction::Inbound;
/// assert_eq!(next_free(&rules, &stem, used)?, "MCCS_CITZ_ALZ_LIVE_abc123_prod_IN");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`FormatError::WrongTarget`] for an object convention, [`FormatError::SequenceExhausted`]
/// when no sequence number is left, or any error of [`Convention::format_rule`] (e.g.
/// [`FormatError::TooLong`]).
pub fn next_free<I, S>(
    convention: &Convention,
    stem: &RuleStem,
    used_names: I,
) -> Result<String, FormatError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut used = BTreeSet::new();
    let mut highest: Option<u32> = None;
    for name in used_names {
        let name = name.as_ref();
        if let Ok(id) = convention.parse_rule(name)
            && id.stem() == *stem
        {
            highest = highest.max(Some(id.sequence));
        }
        used.insert(name.to_ascii_lowercase());
    }
    let mut sequence = match highest {
        None => 1,
        Some(h) => h.checked_add(1).ok_or(FormatError::SequenceExhausted)?,
    };
    loop {
        let name = convention.format_rule(&stem.with_sequence(sequence))?;
        if !used.contains(&name.to_ascii_lowercase()) {
            return Ok(name);
        }
        sequence = sequence
            .checked_add(1)
            .ok_or(FormatError::SequenceExhausted)?;
    }
}
