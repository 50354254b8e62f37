//! Diagnosing a name no alignment accepts (parts in the wrong order, one part missing or
//! extra) and the hints that say how to fix a wrong part.

use mccs_model::Platform;

use super::align::{alignments, perfect_matching};
use super::{Alignment, ParseError, ParseOptions};
use crate::convention::{Convention, Part, Placeholder};
use crate::format::format_sequence;
use crate::identity::Direction;

impl Convention {
    /// When some reordering of the parts would make the name valid, says so.
    pub(super) fn diagnose_order(
        &self,
        name: &str,
        alignments: &[Alignment],
        tokens: &[&str],
        options: &ParseOptions,
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
            let suggestion = reordered.join(self.separator().encode_utf8(&mut [0; 4]));
            if !self.accepts(&suggestion, options) {
                continue;
            }
            let (part, token) = present.get(first)?;
            return Some(ParseError::WrongOrder {
                name: name.to_owned(),
                position: token + 1,
                found: token_text(first).to_owned(),
                expected: part.describe(),
                suggestion,
            });
        }
        None
    }

    /// The name has a number of parts no alignment accepts: find one missing or extra part.
    pub(super) fn diagnose_count(
        &self,
        name: &str,
        tokens: &[&str],
        options: &ParseOptions,
    ) -> ParseError {
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
                            Some(fixed.join(&sep)).filter(|s| self.accepts(s, options))
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
                let suggestion = reduced.join(&sep);
                if fits && self.accepts(&suggestion, options) {
                    return ParseError::ExtraPart {
                        name: name.to_owned(),
                        found: found.to_owned(),
                        position: r + 1,
                        suggestion,
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

    pub(super) fn platform_hint(&self, found: &str) -> String {
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

    pub(super) fn direction_hint(&self, found: &str) -> String {
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

    pub(super) fn kind_hint(&self, found: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
