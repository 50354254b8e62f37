//! What every format shares: the planned rules grouped by firewall, services split into
//! protocol and ports, addresses resolved through the Object Table, and the name and text
//! sanitisers.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use mccs_model::{Firewall, Topology};
use mccs_request::{ObjectRow, RequestSet, RuleTarget, TrafficRow};

/// One planned rule on one firewall.
pub(crate) struct Entry<'a> {
    /// The Traffic Table row.
    pub row: &'a TrafficRow,
    /// The row's target on this firewall (placement, rule number).
    pub target: &'a RuleTarget,
    /// The request's Object Table by name (shared by its entries).
    pub objects: Rc<HashMap<&'a str, &'a ObjectRow>>,
}

impl Entry<'_> {
    /// The row of the Object Table named `name`, if the request has one.
    pub(crate) fn object(&self, name: &str) -> Option<&ObjectRow> {
        self.objects.get(name).copied()
    }

    /// The rule's justification and flows, as one line of plain text.
    pub(crate) fn about(&self) -> String {
        let mut s = format!("flows: {}", self.row.flows.join(", "));
        if !self.row.justifications.is_empty() {
            s.push_str("; ");
            s.push_str(&self.row.justifications.join("; "));
        }
        plain(&s)
    }
}

/// One firewall with rules to add, in the order the requests first name it.
pub(crate) struct Work<'a> {
    /// The firewall's name.
    pub name: &'a str,
    /// The firewall in the topology (`None` when the request set names a firewall the topology
    /// does not have).
    pub firewall: Option<&'a Firewall>,
    /// Its planned rules, in request, row and target order.
    pub entries: Vec<Entry<'a>>,
}

/// Groups every rule target of `set` by firewall. Bounded by the size of the request set.
pub(crate) fn by_firewall<'a>(set: &'a RequestSet, topology: &'a Topology) -> Vec<Work<'a>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<Work<'a>> = Vec::new();
    for request in &set.requests {
        let objects: Rc<HashMap<&str, &ObjectRow>> =
            Rc::new(request.objects.iter().map(|o| (&*o.name, o)).collect());
        for row in &request.traffic {
            for target in &row.apply_on {
                let i = *index.entry(&*target.firewall).or_insert_with(|| {
                    out.push(Work {
                        name: &target.firewall,
                        firewall: topology.firewall(&target.firewall),
                        entries: Vec::new(),
                    });
                    out.len() - 1
                });
                if let Some(w) = out.get_mut(i) {
                    w.entries.push(Entry {
                        row,
                        target,
                        objects: Rc::clone(&objects),
                    });
                }
            }
        }
    }
    out
}

/// A protocol as the Traffic Table spells it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Proto {
    /// Every protocol.
    Any,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (IPv4).
    Icmp,
    /// Another protocol, by name or number (kept as written, sanitised).
    Other(String),
}

impl Proto {
    /// `tcp`, `udp`, `icmp`, `any` or the other protocol's name.
    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Any => "any",
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Icmp => "icmp",
            Self::Other(s) => s,
        }
    }

    /// Whether the protocol has ports.
    pub(crate) fn has_ports(&self) -> bool {
        matches!(self, Self::Tcp | Self::Udp)
    }
}

/// One service: a protocol and, for TCP and UDP, a port range; for ICMP, maybe a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Svc {
    /// The protocol.
    pub proto: Proto,
    /// The ports (TCP/UDP) or the ICMP type (`(t, t)`); `None` for every port or type.
    pub ports: Option<(u32, u32)>,
}

impl Svc {
    /// `443` or `1024-65535`; `None` for every port.
    pub(crate) fn port_text(&self) -> Option<String> {
        self.ports.map(|(lo, hi)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            }
        })
    }
}

/// Parses a Traffic Table service (`tcp/443`, `udp/5000-5010`, `icmp`, `icmp/8`, `any`, `tcp`).
pub(crate) fn parse_service(s: &str) -> Svc {
    let (p, rest) = match s.split_once('/') {
        Some((p, r)) => (p, Some(r)),
        None => (s, None),
    };
    let proto = match p.to_ascii_lowercase().as_str() {
        "any" => Proto::Any,
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        "icmp" => Proto::Icmp,
        other => Proto::Other(token(other, "proto")),
    };
    let ports = rest.and_then(|r| {
        let (lo, hi) = r.split_once('-').unwrap_or((r, r));
        Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?))
    });
    let ports = if proto == Proto::Any { None } else { ports };
    Svc { proto, ports }
}

/// A row's services, parsed; `any` anywhere makes the whole list `[any]`. Deduplicated, in
/// first-seen order.
pub(crate) fn services(row: &TrafficRow) -> Vec<Svc> {
    let mut out: Vec<Svc> = Vec::new();
    for s in row.services.iter() {
        let svc = parse_service(s);
        if svc.proto == Proto::Any {
            return vec![svc];
        }
        if !out.contains(&svc) {
            out.push(svc);
        }
    }
    if out.is_empty() {
        out.push(Svc {
            proto: Proto::Any,
            ports: None,
        });
    }
    out
}

/// A row's services grouped by protocol, in first-seen order.
pub(crate) fn by_protocol(row: &TrafficRow) -> Vec<(Proto, Vec<Svc>)> {
    let mut out: Vec<(Proto, Vec<Svc>)> = Vec::new();
    for s in services(row) {
        match out.iter_mut().find(|(p, _)| *p == s.proto) {
            Some((_, list)) => list.push(s),
            None => out.push((s.proto.clone(), vec![s])),
        }
    }
    out
}

/// Whether a CIDR list means every address.
pub(crate) fn is_any<S: AsRef<str>>(cidrs: &[S]) -> bool {
    cidrs.is_empty()
        || cidrs
            .iter()
            .any(|c| matches!(c.as_ref(), "any" | "0.0.0.0/0" | "::/0"))
}

/// Text reduced to one line of printable characters: control characters (line breaks among
/// them) become spaces, runs of spaces one space, at most 1,000 characters.
pub(crate) fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(1000));
    let mut space = false;
    for c in s.chars().take(1000) {
        let c = if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.trim_end().to_owned()
}

/// An identifier of letters, digits and `_` (anything else becomes `_`), starting with a
/// letter or `_` (`fallback` when nothing is left).
pub(crate) fn token(s: &str, fallback: &str) -> String {
    let mut out: String = s
        .chars()
        .take(200)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Hands out identifiers that stay unique (case-insensitively, so they also make file names):
/// the second `x` is `x_2`, the third `x_3`, in the order asked.
#[derive(Default)]
pub(crate) struct Unique {
    seen: HashSet<String>,
    /// Per base (lower case), the next number to try, so many equal bases stay linear.
    next: HashMap<String, u64>,
}

impl Unique {
    /// `base`, or `base` + `sep` + n, the first not yet handed out.
    pub(crate) fn take(&mut self, base: &str, sep: &str) -> String {
        let key = base.to_ascii_lowercase();
        if self.seen.insert(key.clone()) {
            return base.to_owned();
        }
        let n = self.next.entry(key).or_insert(2);
        // Bounded: each try is a new name, and a number tried is never tried again for this base.
        loop {
            let name = format!("{base}{sep}{n}");
            *n += 1;
            if self.seen.insert(name.to_ascii_lowercase()) {
                return name;
            }
        }
    }
}

/// A file name for a firewall: its name with anything but letters, digits, `_`, `-` and `.`
/// as `_`, never starting with `.`.
pub(crate) fn file_stem(name: &str) -> String {
    let mut s: String = name
        .chars()
        .take(120)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        s.insert(0, '_');
    }
    s
}

/// The placement of a target in words, for comments.
pub(crate) fn placement_words(target: &RuleTarget) -> String {
    match &target.placement {
        mccs_request::Placement::Append => {
            "after the existing rules (no deny rule stands in its way)".to_owned()
        }
        mccs_request::Placement::Above { rule } => format!(
            "ABOVE rule {}, which denies part of this traffic today (first match wins)",
            plain(rule)
        ),
    }
}

/// The banner comment lines every file starts with (without the comment marker).
pub(crate) fn header_lines(options: &crate::Options, what: &str) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(b) = &options.banner {
        v.push(plain(b));
    }
    v.push(format!("Generated by mccs: {}", plain(what)));
    v.push("Review before applying: mccs never applies anything itself.".to_owned());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_parse() {
        assert_eq!(
            parse_service("tcp/443"),
            Svc {
                proto: Proto::Tcp,
                ports: Some((443, 443))
            }
        );
        assert_eq!(
            parse_service("udp/5000-5010").port_text().as_deref(),
            Some("5000-5010")
        );
        assert_eq!(parse_service("icmp").ports, None);
        assert_eq!(parse_service("any").proto, Proto::Any);
        assert_eq!(parse_service("gre").proto, Proto::Other("gre".into()));
    }

    #[test]
    fn names_are_sanitised_and_unique() {
        assert_eq!(token("aws-cloud firewall", "x"), "aws_cloud_firewall");
        assert_eq!(token("3pg", "x"), "_3pg");
        assert_eq!(token("", "x"), "x");
        let mut u = Unique::default();
        assert_eq!(u.take("a", "_"), "a");
        assert_eq!(u.take("A", "_"), "A_2");
        assert_eq!(u.take("a", "_"), "a_3");
        assert_eq!(file_stem("../x y"), "_.._x_y");
        assert_eq!(plain("a\n\n}\r\nb"), "a } b");
    }
}
