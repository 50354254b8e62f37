//! Calendar dates for rule expiry.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::text::text_serde;

/// A date that is not a real `YYYY-MM-DD` calendar day.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{input}` is not a date: write `YYYY-MM-DD`, e.g. `2027-03-31`")]
pub struct DateError {
    input: String,
}

impl DateError {
    /// The text that is not a date.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// A calendar day (proleptic Gregorian), written `YYYY-MM-DD`. Only days that exist can be built.
///
/// Rule expiry needs calendar days and nothing else (no time zones, no clock), so this small
/// type is used rather than a full date-time crate.
///
/// ```
/// use mccs_model::Date;
/// let d: Date = "2024-02-29".parse()?;
/// assert!(d < "2024-03-01".parse()?);
/// assert!("2023-02-29".parse::<Date>().is_err());
/// assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
/// # Ok::<(), mccs_model::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, or `None` when the day does not exist (year 1 to 9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Self {
            year,
            month,
            day,
        })
    }

    /// The day `days` after 1970-01-01 (e.g. from the system clock); clamped to year 1..=9999.
    pub fn from_days_since_epoch(days: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = days.clamp(-719_162, 2_932_896) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self {
            year: u16::try_from(year).unwrap_or(1),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DateError {
            input: s.to_owned(),
        };
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let t = s.get(r)?;
            t.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| t.parse().ok())?
        };
        let (y, m, d) = (num(0..4), num(5..7), num(8..10));
        match (y, m, d) {
            (Some(y), Some(m), Some(d)) => Self::new(
                y,
                u8::try_from(m).map_err(|_| err())?,
                u8::try_from(d).map_err(|_| err())?,
            )
            .ok_or_else(err),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The days that exist, years 1 to 9999, for the schema: `format: date` alone is an annotation
/// most validators and editors do not check.
const DATE_PATTERN: &str = concat!(
    "^(?:",
    "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-",
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29",
    ")$"
);

text_serde!(Date, "Date", {
    "type": "string",
    "format": "date",
    "pattern": DATE_PATTERN,
    "patternErrorMessage": "Not a calendar day: write `YYYY-MM-DD`, e.g. `2027-03-31` (months have their own number of days; February 29 only in leap years).",
    "description": "A calendar date `YYYY-MM-DD`."
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_conversion() {
        assert_eq!(
            Date::from_days_since_epoch(20_415).to_string(),
            "2025-11-23"
        );
        assert_eq!(Date::from_days_since_epoch(-1).to_string(), "1969-12-31");
        assert_eq!(
            Date::from_days_since_epoch(i64::MAX).to_string(),
            "9999-12-31"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "2024-13-01",
            "2024-00-10",
            "24-01-01",
            "2024-1-01",
            "2024-01-32",
            "+024-01-01",
            "２０２４-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }
}
