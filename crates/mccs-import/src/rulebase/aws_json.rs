//! What the three AWS readers share: walking the JSON the AWS CLI writes while collecting every
//! problem (each located in the export), protocol numbers, port ranges and rule names.
//!
//! The readers parse the export into a [`serde_json::Value`] first (a syntax error is one
//! located finding), then walk it by hand: a wrong type or a bad value in one rule is an error
//! for that rule only, and reading goes on, so a person fixes every problem in one pass.

use ipnet::IpNet;
use mccs_model::{
    DocPath, ExportFinding, ExportPlace, ImportedRulebase, Name, RulebaseFormat, Service,
    parse_ip_net,
};
use serde_json::Value;

use super::{Export, to_name};

/// The findings of one read, and the export they point into.
pub(crate) struct Walk<'a> {
    pub(crate) export: &'a Export,
    pub(crate) errors: Vec<ExportFinding>,
    pub(crate) warnings: Vec<ExportFinding>,
}

impl<'a> Walk<'a> {
    pub(crate) fn new(export: &'a Export) -> Self {
        Self {
            export,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The export's text as JSON, or the located syntax error.
    pub(crate) fn parse(&self, format: RulebaseFormat) -> Result<Value, Vec<ExportFinding>> {
        self.export.parse_json::<Value>(format)
    }

    pub(crate) fn place(&self, path: &DocPath) -> ExportPlace {
        self.export.json_place(path)
    }

    pub(crate) fn error(&mut self, path: &DocPath, message: impl Into<String>) {
        let place = self.place(path);
        self.errors.push(ExportFinding::error(place, message));
    }

    pub(crate) fn warn(&mut self, path: &DocPath, message: impl Into<String>) {
        let place = self.place(path);
        self.warnings.push(ExportFinding::warning(place, message));
    }

    /// The rulebase with the warnings, or every error.
    pub(crate) fn finish(
        self,
        mut rulebase: ImportedRulebase,
    ) -> Result<ImportedRulebase, Vec<ExportFinding>> {
        if self.errors.is_empty() {
            rulebase.findings.extend(self.warnings);
            Ok(rulebase)
        } else {
            Err(self.errors)
        }
    }

    /// The export's top level, which AWS writes as an object; an error naming the command
    /// otherwise (an `az` export given for an AWS format, a list, ...).
    pub(crate) fn root<'v>(
        &mut self,
        value: &'v Value,
        format: RulebaseFormat,
    ) -> Option<&'v serde_json::Map<String, Value>> {
        match value {
            Value::Object(m) => Some(m),
            other => {
                self.error(
                    &DocPath::root(),
                    format!(
                        "the export is {}: not the JSON `{}` writes, which is an object",
                        kind_of(other),
                        format.export_command()
                    ),
                );
                None
            }
        }
    }

    /// `value` when it is an object; an error when it is something else.
    pub(crate) fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &DocPath,
        what: &str,
    ) -> Option<&'v serde_json::Map<String, Value>> {
        match value {
            Value::Object(m) => Some(m),
            other => {
                self.error(path, format!("{what} is {}, not an object", kind_of(other)));
                None
            }
        }
    }

    /// The list at `key`: absent or `null` is empty; anything else but a list is an error.
    pub(crate) fn list<'v>(
        &mut self,
        m: &'v serde_json::Map<String, Value>,
        path: &DocPath,
        key: &str,
    ) -> &'v [Value] {
        match m.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(a)) => a,
            Some(other) => {
                self.error(
                    &path.key(key),
                    format!("`{key}` is {}, not a list", kind_of(other)),
                );
                &[]
            }
        }
    }

    /// The string at `key`, `None` when absent (an error when `required`) or not a string.
    pub(crate) fn string<'v>(
        &mut self,
        m: &'v serde_json::Map<String, Value>,
        path: &DocPath,
        key: &str,
        required: bool,
    ) -> Option<&'v str> {
        match m.get(key) {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => {
                if required {
                    self.error(path, format!("`{key}` is missing"));
                }
                None
            }
            Some(other) => {
                self.error(
                    &path.key(key),
                    format!("`{key}` is {}, not a string", kind_of(other)),
                );
                None
            }
        }
    }

    /// The integer at `key`: `Ok(None)` when absent, `Err(())` (reported) when not an integer
    /// that fits in 64 bits.
    pub(crate) fn int(
        &mut self,
        m: &serde_json::Map<String, Value>,
        path: &DocPath,
        key: &str,
    ) -> Result<Option<i64>, ()> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                None => {
                    self.error(
                        &path.key(key),
                        format!("`{key}` is {n}, not a whole number in range"),
                    );
                    Err(())
                }
            },
            Some(other) => {
                self.error(
                    &path.key(key),
                    format!("`{key}` is {}, not a number", kind_of(other)),
                );
                Err(())
            }
        }
    }

    /// The boolean at `key` (absent: `None`).
    pub(crate) fn boolean(
        &mut self,
        m: &serde_json::Map<String, Value>,
        path: &DocPath,
        key: &str,
    ) -> Result<Option<bool>, ()> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => {
                self.error(
                    &path.key(key),
                    format!("`{key}` is {}, not true or false", kind_of(other)),
                );
                Err(())
            }
        }
    }

    /// A CIDR as AWS writes it, or a reported error.
    pub(crate) fn cidr(&mut self, text: &str, path: &DocPath) -> Option<IpNet> {
        match parse_ip_net(text) {
            Ok(n) => Some(n),
            Err(e) => {
                self.error(path, e.to_string());
                None
            }
        }
    }

    /// A rule name from `raw`, renamed when it cannot be one (with a warning, and `raw` kept
    /// in the description the caller builds from the returned flag).
    pub(crate) fn name(&mut self, raw: &str, path: &DocPath) -> Option<(Name, bool)> {
        match to_name(raw) {
            Some((n, renamed)) => {
                if renamed {
                    self.warn(
                        path,
                        format!(
                            "`{}` cannot be a rule name here: imported as `{n}` (the original is kept in the description)",
                            shorten(raw)
                        ),
                    );
                }
                Some((n, renamed))
            }
            None => {
                self.error(path, format!("`{}` cannot be made a name", shorten(raw)));
                None
            }
        }
    }
}

/// What a JSON value is, for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// At most 80 characters of `text`, for messages about hostile input.
pub(crate) fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(80).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// An IP protocol as AWS writes it in security groups and network ACLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Proto {
    /// `-1`: every protocol.
    All,
    /// 6.
    Tcp,
    /// 17.
    Udp,
    /// 1.
    Icmp,
    /// 58.
    Icmpv6,
    /// Any other IANA protocol number.
    Other(u8),
}

impl Proto {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` or an IANA number 0-255.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text.to_ascii_lowercase().as_str() {
            "-1" | "all" => Self::All,
            "tcp" | "6" => Self::Tcp,
            "udp" | "17" => Self::Udp,
            "icmp" | "1" => Self::Icmp,
            "icmpv6" | "58" => Self::Icmpv6,
            n if !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()) => {
                Self::Other(n.parse().ok()?)
            }
            _ => return None,
        })
    }
}

/// The service of a TCP or UDP port range `from..=to` as AWS writes it (`0`-`65535` or
/// `-1` meaning every port), and what the model cannot judge of it.
pub(crate) fn port_service(
    tcp: bool,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<(Service, Option<String>), String> {
    let make = |r: mccs_model::PortRange| {
        if tcp {
            Service::Tcp(r)
        } else {
            Service::Udp(r)
        }
    };
    let proto = if tcp { "tcp" } else { "udp" };
    let (from, to) = match (from, to) {
        (None, None) | (Some(-1), Some(-1)) | (Some(-1), None) | (None, Some(-1)) => {
            return Ok((make(mccs_model::PortRange::ALL), None));
        }
        (Some(f), Some(t)) => (f, t),
        (Some(p), None) | (None, Some(p)) => (p, p),
    };
    if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
        return Err(format!(
            "port range {from}-{to} is not one: ports run from 0 to 65535, first <= last"
        ));
    }
    // Port 0 is not a port flows use: the model's ranges start at 1.
    let first = u16::try_from(from.max(1)).unwrap_or(1);
    let last = u16::try_from(to).unwrap_or(u16::MAX);
    match mccs_model::PortRange::new(first, last) {
        Some(r) => Ok((make(r), None)),
        None => Ok((
            make(mccs_model::PortRange::ALL),
            Some(format!("{proto} port 0 only")),
        )),
    }
}

/// The service of an ICMP type and code (`-1`: every type or code), and what the model
/// cannot judge (it has no ICMP types).
pub(crate) fn icmp_service(
    v6: bool,
    icmp_type: Option<i64>,
    code: Option<i64>,
) -> (Service, Option<String>) {
    let family = if v6 { "ICMPv6" } else { "ICMP" };
    match (icmp_type, code) {
        (None | Some(-1), None | Some(-1)) => (Service::Icmp, None),
        (t, c) => (
            Service::Icmp,
            Some(format!(
                "{family} type {} code {} only (mccs judges ICMP as a whole)",
                t.map_or_else(|| "any".to_owned(), |t| t.to_string()),
                c.filter(|c| *c != -1)
                    .map_or_else(|| "any".to_owned(), |c| c.to_string())
            )),
        ),
    }
}

/// Joins two "cannot judge" notes.
pub(crate) fn join_unknown(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_are_names_or_numbers() {
        assert_eq!(Proto::parse("-1"), Some(Proto::All));
        assert_eq!(Proto::parse("TCP"), Some(Proto::Tcp));
        assert_eq!(Proto::parse("17"), Some(Proto::Udp));
        assert_eq!(Proto::parse("58"), Some(Proto::Icmpv6));
        assert_eq!(Proto::parse("50"), Some(Proto::Other(50)));
        assert_eq!(Proto::parse("256"), None);
        assert_eq!(Proto::parse("gre"), None);
        assert_eq!(Proto::parse(""), None);
    }

    #[test]
    fn port_ranges_as_aws_writes_them() {
        let text =
            |r: Result<(Service, Option<String>), String>| r.map(|(s, u)| (s.to_string(), u));
        assert_eq!(
            text(port_service(true, Some(0), Some(65535))),
            Ok(("tcp".into(), None))
        );
        assert_eq!(
            text(port_service(false, Some(53), Some(53))),
            Ok(("udp/53".into(), None))
        );
        assert_eq!(
            text(port_service(true, None, None)),
            Ok(("tcp".into(), None))
        );
        assert!(port_service(true, Some(0), Some(0)).unwrap().1.is_some());
        assert!(port_service(true, Some(10), Some(1)).is_err());
        assert!(port_service(true, Some(-5), Some(1)).is_err());
        assert!(port_service(true, Some(1), Some(70_000)).is_err());
    }

    #[test]
    fn icmp_types_are_unknown_and_all_types_exact() {
        assert_eq!(
            icmp_service(false, Some(-1), Some(-1)),
            (Service::Icmp, None)
        );
        assert!(
            icmp_service(false, Some(8), None)
                .1
                .unwrap()
                .contains("ICMP type 8 code any")
        );
        assert!(
            icmp_service(true, Some(128), Some(0))
                .1
                .unwrap()
                .contains("ICMPv6 type 128 code 0")
        );
    }
}
