//! Aligning a name's tokens with the template's parts: every way optional and multi-token
//! parts can take the tokens, reading each part's value, and assembling the identity from a
//! valid alignment.

use std::borrow::Cow;
use std::sync::OnceLock;

use mccs_model::{Environment, LicensePlate, Ministry, Name};

use super::part_hints::{env_hint, known_list_hint, ministry_hint, plate_hint};
use super::{Alignment, Failure, MAX_ALIGNMENTS, ParseError, ParseOptions, Value};

use crate::convention::{Convention, Part, Placeholder, Target};
use crate::format::format_sequence;
use crate::identity::{ObjectIdentity, ParsedName, RuleIdentity};

impl Convention {
    /// Evaluates every part of one alignment: the values with their positions, or all errors
    /// and how many of the wrong parts do not even look like what they should be.
    pub(super) fn evaluate_alignment(
        &self,
        alignment: &Alignment,
        tokens: &[&str],
    ) -> Result<Vec<(usize, Value)>, Failure> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        let mut implausible = 0;
        for (part, text, position) in self.aligned(alignment, tokens) {
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

    fn join<'t>(&self, tokens: &[&'t str], start: usize, end: usize) -> Cow<'t, str> {
        match tokens.get(start..end) {
            // One token (every part but a label spanning several): the token itself, no copy.
            Some([one]) => Cow::Borrowed(one),
            Some(several) => Cow::Owned(several.join(self.separator().encode_utf8(&mut [0; 4]))),
            None => Cow::Borrowed(""),
        }
    }

    /// Reads one part. `text` is `None` for an optional part that was left out.
    pub(super) fn evaluate(
        &self,
        part: &Part,
        text: Option<&str>,
        position: usize,
    ) -> Result<Option<Value>, ParseError> {
        self.read(part, text)
            .map_err(|refusal| self.explain(refusal, part, text, position))
    }

    /// [`Convention::evaluate`] without the error: what the part reads, or why it cannot be
    /// read, before any message or hint is worked out. For the callers that only need to know
    /// whether a name reads (formatting checks every name it writes parses back).
    pub(super) fn read(&self, part: &Part, text: Option<&str>) -> Result<Option<Value>, Refusal> {
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
            return Err(Refusal::EmptyPart);
        }
        let (placeholder, optional) = match part {
            Part::Literal(literal) => {
                return if found == literal {
                    Ok(None)
                } else {
                    Err(Refusal::NotThePart)
                };
            }
            Part::Slot {
                placeholder,
                optional,
            } => (*placeholder, *optional),
        };
        let value = match placeholder {
            Placeholder::Ministry => found.parse::<Ministry>().ok().map(Value::Ministry),
            Placeholder::Platform => spec.platform_tokens.platform(found).map(Value::Platform),
            Placeholder::Plate => found.parse::<LicensePlate>().ok().map(Value::Plate),
            Placeholder::Env => found.parse::<Environment>().ok().map(Value::Env),
            Placeholder::Direction => {
                let tokens = &spec.direction_tokens;
                match text {
                    Some("") => None,
                    Some(t) => tokens.direction(t),
                    None => tokens.direction(""),
                }
                .map(Value::Direction)
            }
            Placeholder::Sequence => match text {
                None => Some(Value::Sequence(1)),
                Some(t) => read_sequence(t, spec.sequence_width, optional)
                    .ok()
                    .map(Value::Sequence),
            },
            Placeholder::Kind => spec
                .kind_tokens
                .kind(found)
                .map(|(kind, platform)| Value::Kind(kind, platform)),
            Placeholder::Label => match text {
                None => Some(Value::Label(None)),
                Some(t) => t.parse::<Name>().ok().map(|n| Value::Label(Some(n))),
            },
        };
        value.map(Some).ok_or(Refusal::NotThePart)
    }

    /// The error [`Convention::evaluate`] gives for a part [`Convention::read`] refused: what
    /// was found at `position`, what was expected, and a hint.
    fn explain(
        &self,
        refusal: Refusal,
        part: &Part,
        text: Option<&str>,
        position: usize,
    ) -> ParseError {
        let spec = self.spec();
        let found = text.unwrap_or_default();
        let placeholder = match (refusal, part) {
            (Refusal::EmptyPart, _) => {
                return ParseError::EmptyPart {
                    position,
                    separator: self.separator(),
                };
            }
            (_, Part::Literal(literal)) => {
                let hint = if found.eq_ignore_ascii_case(literal) {
                    format!("literal parts are written exactly: `{literal}`")
                } else {
                    format!(
                        "part {position} of `{}` is always `{literal}`",
                        self.template()
                    )
                };
                return ParseError::Literal {
                    position,
                    expected: literal.clone(),
                    found: found.to_owned(),
                    hint,
                };
            }
            (_, Part::Slot { placeholder, .. }) => *placeholder,
        };
        let (make, hint): (fn(usize, String, String) -> ParseError, String) = match placeholder {
            Placeholder::Ministry => (mk_ministry, ministry_hint(found)),
            Placeholder::Platform => (mk_platform, self.platform_hint(found)),
            Placeholder::Plate => (mk_plate, plate_hint(found)),
            Placeholder::Env => (mk_env, env_hint(found)),
            Placeholder::Direction => (mk_direction, self.direction_hint(found)),
            Placeholder::Sequence => {
                let optional = matches!(part, Part::Slot { optional: true, .. });
                let hint = parse_sequence(found, spec.sequence_width, optional)
                    .err()
                    .unwrap_or_default();
                (mk_sequence, hint)
            }
            Placeholder::Kind => (mk_kind, self.kind_hint(found)),
            Placeholder::Label => (
                mk_label,
                "use 1 to 128 letters, digits, `_`, `-` or `.`, starting with a letter or digit (e.g. the endpoint name `ORA_DB01`)".to_owned(),
            ),
        };
        make(position, found.to_owned(), hint)
    }

    /// The values of `alignment` when every part reads ([`Convention::read`]), `None` at the
    /// first part that does not: [`Convention::evaluate_alignment`]'s success, without working
    /// out what is wrong with a failing alignment.
    pub(super) fn read_alignment(
        &self,
        alignment: &Alignment,
        tokens: &[&str],
    ) -> Option<Vec<(usize, Value)>> {
        let mut values = Vec::with_capacity(alignment.len());
        for (part, text, position) in self.aligned(alignment, tokens) {
            if let Some(value) = self.read(part, text.as_deref()).ok()? {
                values.push((position, value));
            }
        }
        Some(values)
    }

    /// Each part under `alignment` with the text it takes (`None`: an optional part left out)
    /// and its position in the name, from 1 (a part left out has the next token's).
    fn aligned<'s, 't>(
        &'s self,
        alignment: &'s Alignment,
        tokens: &'s [&'t str],
    ) -> impl Iterator<Item = (&'s Part, Option<Cow<'t, str>>, usize)> + 's {
        let mut next_token = 0;
        self.parts()
            .iter()
            .zip(alignment)
            .map(move |(part, range)| match range {
                Some((start, end)) => {
                    next_token = *end;
                    (part, Some(self.join(tokens, *start, *end)), start + 1)
                }
                None => (part, None, next_token + 1),
            })
    }

    /// Builds the identity from the values of a valid alignment and applies the semantic checks.
    pub(super) fn assemble(
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

    /// Whether every part of `parts` accepts its tokens under `alignment`.
    pub(super) fn alignment_valid(
        &self,
        parts: &[Part],
        alignment: &Alignment,
        tokens: &[&str],
    ) -> bool {
        parts.iter().zip(alignment).all(|(part, range)| {
            let text = range.map(|(s, e)| self.join(tokens, s, e));
            self.read(part, text.as_deref()).is_ok()
        })
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

/// Why [`Convention::read`] refused a part's text; [`Convention::explain`] words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// An empty token where a part needs text.
    EmptyPart,
    /// Not the part's literal text, or not a value of its placeholder (which one, the part
    /// says).
    NotThePart,
}

/// Why a sequence token does not read ([`read_sequence`]); [`SequenceFault::hint`] words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SequenceFault {
    NotDigits,
    TooLarge,
    Zero,
    FirstHasNone,
    NotCanonical(u32),
}

impl SequenceFault {
    /// How to write `token` as a sequence of at least `width` digits.
    fn hint(self, token: &str, width: u8) -> String {
        let example = format_sequence(2, width);
        match self {
            Self::NotDigits => {
                format!("a sequence is digits only, at least {width} of them (e.g. `{example}`)")
            }
            Self::TooLarge => format!("`{token}` is too large; sequences go up to {}", u32::MAX),
            Self::Zero => format!("sequences start at 1 (e.g. `{example}`)"),
            Self::FirstHasNone => format!(
                "the first rule has no sequence part: drop `{token}` (the second rule is `{example}`)"
            ),
            Self::NotCanonical(n) => format!(
                "write sequence {n} as `{}` ({width} digits at least, no extra leading zeros)",
                format_sequence(n, width)
            ),
        }
    }
}

/// Reads a sequence token: digits only, a number from 1 (from 2 for an optional part),
/// written with `width` digits at least and no extra leading zero. Nothing is allocated: the
/// words of a refusal are made only when asked for ([`SequenceFault::hint`]).
fn read_sequence(token: &str, width: u8, optional: bool) -> Result<u32, SequenceFault> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SequenceFault::NotDigits);
    }
    let n = token.parse::<u32>().map_err(|_| SequenceFault::TooLarge)?;
    if n == 0 {
        return Err(SequenceFault::Zero);
    }
    if optional && n == 1 {
        return Err(SequenceFault::FirstHasNone);
    }
    // `format_sequence(n, width)` is `n`'s digits padded with zeros to `width`: the token
    // (digits of value `n`) is that text exactly when it is that long.
    let digits = n.checked_ilog10().map_or(1, |l| l as usize + 1);
    if token.len() == digits.max(usize::from(width)) {
        Ok(n)
    } else {
        Err(SequenceFault::NotCanonical(n))
    }
}

/// Reads a sequence token; the error is the hint.
fn parse_sequence(token: &str, width: u8, optional: bool) -> Result<u32, String> {
    read_sequence(token, width, optional).map_err(|fault| fault.hint(token, width))
}

/// Every way to give the template parts the `n` tokens, optional parts taken first.
/// How many numbers of tokens an [`AlignmentTable`] keeps the alignments of: names of more
/// tokens (only a `max_len` above 127 allows them) have theirs worked out each time.
const KEPT_TOKEN_COUNTS: usize = 128;

/// A convention's alignments for each number of tokens, worked out on first use and kept:
/// [`alignments`] depends only on the convention's parts and the number of tokens, and every
/// name a convention writes is read back, so planning asked for the same few lists once per
/// name. Takes no part in comparisons; a clone starts empty.
pub(crate) struct AlignmentTable {
    by_tokens: Box<[OnceLock<Vec<Alignment>>]>,
}

impl Default for AlignmentTable {
    fn default() -> Self {
        Self {
            by_tokens: (0..KEPT_TOKEN_COUNTS).map(|_| OnceLock::new()).collect(),
        }
    }
}

impl Clone for AlignmentTable {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for AlignmentTable {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for AlignmentTable {}

impl std::fmt::Debug for AlignmentTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.by_tokens.iter().filter(|c| c.get().is_some()).count();
        write!(f, "AlignmentTable {{ kept: {kept} }}")
    }
}

impl Convention {
    /// [`alignments`] of this convention's parts for `n` tokens, from its table.
    pub(super) fn alignments_of(&self, n: usize) -> Cow<'_, [Alignment]> {
        match self.alignment_table().by_tokens.get(n) {
            Some(cell) => Cow::Borrowed(cell.get_or_init(|| alignments(self.parts(), n))),
            None => Cow::Owned(alignments(self.parts(), n)),
        }
    }
}

pub(super) fn alignments(parts: &[Part], n: usize) -> Vec<Alignment> {
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
pub(super) fn perfect_matching(accepts: &[Vec<bool>]) -> Option<Vec<usize>> {
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

    proptest::proptest! {
        /// A sequence reads exactly when it is the text `format_sequence` writes for it.
        #[test]
        fn a_sequence_reads_when_it_is_written_as_format_sequence_writes_it(
            token in "[0-9]{0,12}|[0-9a-z]{0,4}",
            width in 0u8..5,
            optional: bool,
        ) {
            match parse_sequence(&token, width, optional) {
                Ok(n) => proptest::prop_assert_eq!(format_sequence(n, width), token.clone()),
                Err(hint) => proptest::prop_assert!(!hint.is_empty()),
            }
            if let Ok(n) = token.parse::<u32>()
                && n > u32::from(optional)
                && format_sequence(n, width) == token
            {
                proptest::prop_assert_eq!(parse_sequence(&token, width, optional), Ok(n));
            }
        }
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
        // Each refusal in its words.
        for (token, hint) in [
            (
                "x1",
                "a sequence is digits only, at least 2 of them (e.g. `02`)",
            ),
            (
                "99999999999",
                "`99999999999` is too large; sequences go up to 4294967295",
            ),
            ("00", "sequences start at 1 (e.g. `02`)"),
            (
                "01",
                "the first rule has no sequence part: drop `01` (the second rule is `02`)",
            ),
            (
                "002",
                "write sequence 2 as `02` (2 digits at least, no extra leading zeros)",
            ),
        ] {
            assert_eq!(
                parse_sequence(token, 2, true),
                Err(hint.to_owned()),
                "{token}"
            );
        }
    }

    #[test]
    fn the_table_gives_what_working_out_gives() {
        for c in [Convention::mccs_rule(), Convention::mccs_object()] {
            for n in [
                0,
                1,
                5,
                6,
                7,
                8,
                9,
                12,
                KEPT_TOKEN_COUNTS - 1,
                KEPT_TOKEN_COUNTS,
                300,
            ] {
                // Twice: worked out, then kept.
                assert_eq!(*c.alignments_of(n), alignments(c.parts(), n), "{n}");
                assert_eq!(*c.alignments_of(n), alignments(c.parts(), n), "{n}");
            }
            // A clone starts empty and still compares equal.
            let copy = c.clone();
            assert!(format!("{copy:?}").contains("kept: 0"));
            assert!(!format!("{c:?}").contains("kept: 0"));
            assert_eq!(copy, c);
        }
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
