//! Services: what a rule or flow allows on top of addresses (`tcp/443`, `udp/5000-5010`,
//! `icmp`, `any`).

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::ident::Name;
use crate::text::text_serde;

/// Why a service could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The text is not one of the accepted forms.
    #[error(
        "`{0}` is not a service: write `tcp/<port>`, `tcp/<first>-<last>`, `udp/...`, `tcp` (all ports), `icmp` or `any`"
    )]
    Syntax(String),
    /// A port outside 1..=65535, or a range whose first port is above its last.
    #[error(
        "`{0}`: ports run from 1 to 65535 and a range is written `<first>-<last>` with first <= last"
    )]
    Ports(String),
    /// A port written other than as a plain number: a sign, a leading zero, spaces.
    #[error(
        "`{0}`: write each port as a plain number, without a sign, spaces or leading zeros (e.g. `tcp/443`)"
    )]
    Inexact(String),
}

/// An inclusive range of TCP or UDP ports; never empty and never includes port 0.
///
/// ```
/// use mccs_model::PortRange;
/// let r = PortRange::new(5000, 5010).unwrap();
/// assert!(r.contains(5005));
/// assert!(PortRange::new(10, 1).is_none());
/// assert!(PortRange::new(0, 1).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    first: u16,
    last: u16,
}

impl PortRange {
    /// Every port, 1 to 65535.
    pub const ALL: PortRange = PortRange {
        first: 1,
        last: u16::MAX,
    };

    /// The range `first..=last`, or `None` when it is empty or starts at port 0.
    pub fn new(first: u16, last: u16) -> Option<Self> {
        (first >= 1 && first <= last).then_some(Self { first, last })
    }

    /// A single port, or `None` for port 0.
    pub fn single(port: u16) -> Option<Self> {
        Self::new(port, port)
    }

    /// The first port.
    pub fn first(self) -> u16 {
        self.first
    }

    /// The last port (inclusive).
    pub fn last(self) -> u16 {
        self.last
    }

    /// Whether `port` is in the range.
    pub fn contains(self, port: u16) -> bool {
        self.first <= port && port <= self.last
    }

    /// Whether every port of `other` is in this range.
    pub fn covers(self, other: PortRange) -> bool {
        self.first <= other.first && other.last <= self.last
    }

    /// Whether the two ranges share a port.
    pub fn overlaps(self, other: PortRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// The ports in both ranges, if any.
    pub fn intersect(self, other: PortRange) -> Option<PortRange> {
        PortRange::new(self.first.max(other.first), self.last.min(other.last))
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// An IP protocol as firewalls match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (any type).
    Icmp,
}

impl Protocol {
    /// Lower-case name: `tcp`, `udp`, `icmp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Icmp => "icmp",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Protocol {
    type Err = ServiceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tcp" => Ok(Self::Tcp),
            "udp" => Ok(Self::Udp),
            "icmp" => Ok(Self::Icmp),
            _ => Err(ServiceError::Syntax(s.to_owned())),
        }
    }
}

/// A service: protocol and destination ports. The text form round-trips:
/// `tcp/443`, `udp/5000-5010`, `tcp` (every TCP port), `icmp`, `any`.
///
/// ```
/// use mccs_model::Service;
/// let s: Service = "tcp/1521".parse()?;
/// assert!(s.covers(&"tcp/1521".parse()?));
/// assert!("tcp".parse::<Service>()?.covers(&s));
/// assert_eq!("tcp/1-65535".parse::<Service>()?.to_string(), "tcp");
/// # Ok::<(), mccs_model::ServiceError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// TCP to the given destination ports.
    Tcp(PortRange),
    /// UDP to the given destination ports.
    Udp(PortRange),
    /// ICMP.
    Icmp,
    /// Any protocol, any port.
    Any,
}

impl Service {
    /// The protocol, or `None` for [`Service::Any`].
    pub fn protocol(self) -> Option<Protocol> {
        match self {
            Self::Tcp(_) => Some(Protocol::Tcp),
            Self::Udp(_) => Some(Protocol::Udp),
            Self::Icmp => Some(Protocol::Icmp),
            Self::Any => None,
        }
    }

    /// The destination ports, for TCP and UDP.
    pub fn ports(self) -> Option<PortRange> {
        match self {
            Self::Tcp(p) | Self::Udp(p) => Some(p),
            Self::Icmp | Self::Any => None,
        }
    }

    /// Whether everything `other` carries is also carried by `self`.
    pub fn covers(&self, other: &Service) -> bool {
        match (self, other) {
            (Self::Any, _) => true,
            (Self::Tcp(a), Self::Tcp(b)) | (Self::Udp(a), Self::Udp(b)) => a.covers(*b),
            (Self::Icmp, Self::Icmp) => true,
            _ => false,
        }
    }

    /// The part of `other` that `self` also carries, if any.
    pub fn intersect(&self, other: &Service) -> Option<Service> {
        match (self, other) {
            (Self::Any, o) => Some(*o),
            (s, Self::Any) => Some(*s),
            (Self::Tcp(a), Self::Tcp(b)) => a.intersect(*b).map(Self::Tcp),
            (Self::Udp(a), Self::Udp(b)) => a.intersect(*b).map(Self::Udp),
            (Self::Icmp, Self::Icmp) => Some(Self::Icmp),
            _ => None,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp(p) | Self::Udp(p) => {
                let proto = self.protocol().map_or("", Protocol::as_str);
                if *p == PortRange::ALL {
                    f.write_str(proto)
                } else {
                    write!(f, "{proto}/{p}")
                }
            }
            Self::Icmp => f.write_str("icmp"),
            Self::Any => f.write_str("any"),
        }
    }
}

impl FromStr for Service {
    type Err = ServiceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (proto, ports) = match s.split_once('/') {
            Some((p, ports)) => (p, Some(ports)),
            None => (s, None),
        };
        if proto == "any" && ports.is_none() {
            return Ok(Self::Any);
        }
        let proto: Protocol = proto
            .parse()
            .map_err(|_| ServiceError::Syntax(s.to_owned()))?;
        let range = match ports {
            None => PortRange::ALL,
            Some(ports) => parse_ports(ports).ok_or_else(|| {
                let numbers = ports.split('-');
                if numbers.clone().any(|n| {
                    n.starts_with(['+', ' '])
                        || n.ends_with(' ')
                        || (n.len() > 1 && n.starts_with('0'))
                }) {
                    ServiceError::Inexact(s.to_owned())
                } else if ports.is_empty()
                    || !ports.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                {
                    ServiceError::Syntax(s.to_owned())
                } else {
                    ServiceError::Ports(s.to_owned())
                }
            })?,
        };
        match proto {
            Protocol::Tcp => Ok(Self::Tcp(range)),
            Protocol::Udp => Ok(Self::Udp(range)),
            Protocol::Icmp if ports.is_none() => Ok(Self::Icmp),
            Protocol::Icmp => Err(ServiceError::Syntax(s.to_owned())),
        }
    }
}

impl PortRange {
    /// The ephemeral (client) ports return traffic of a session goes to when no other range is
    /// configured: 1024-65535, what AWS recommends a network ACL allows for return traffic.
    pub const EPHEMERAL: PortRange = PortRange {
        first: 1024,
        last: u16::MAX,
    };
}

impl FromStr for PortRange {
    type Err = ServiceError;
    /// `1521` or `1024-65535`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_ports(s).ok_or_else(|| {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                ServiceError::Syntax(s.to_owned())
            } else {
                ServiceError::Ports(s.to_owned())
            }
        })
    }
}

/// A port (1 to 65535, no sign or leading zero) or a port range, as the reader accepts them,
/// for the schema (the reader also checks first <= last).
const PORTS: &str = concat!(
    "(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])",
    "(?:-",
    "(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])",
    ")?"
);
/// A literal service.
const SERVICE: &str = concat!(
    "(?:any|icmp|(?:tcp|udp)(?:/",
    "(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])",
    "(?:-",
    "(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])",
    ")?)?)"
);

text_serde!(PortRange, "PortRange", {
    "type": "string",
    "pattern": format!("^{PORTS}$"),
    "patternErrorMessage": "Not a port or port range: write `1521` or `1024-65535` (1 to 65535, no sign or leading zero).",
    "description": "A port or an inclusive port range, e.g. `1521` or `1024-65535`."
});

fn parse_ports(text: &str) -> Option<PortRange> {
    match text.split_once('-') {
        Some((a, b)) => PortRange::new(port_number(a)?, port_number(b)?),
        None => PortRange::single(port_number(text)?),
    }
}

/// A port number written exactly: ASCII digits only (no sign, no spaces), no leading zero, at
/// most five digits. `+443` and `0443` are not read as 443: text that is not written the way
/// mccs writes it back is an error, not a lenient guess.
fn port_number(text: &str) -> Option<u16> {
    let exact = !text.is_empty()
        && text.len() <= 5
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    exact.then(|| text.parse().ok())?
}

text_serde!(Service, "Service", {
    "type": "string",
    "pattern": format!("^{SERVICE}$"),
    "patternErrorMessage": "Not a service: write `tcp/443`, `udp/5000-5010` (ports 1 to 65535, no sign or leading zero), `tcp`, `udp`, `icmp` or `any`.",
    "description": "A service: `tcp/443`, `udp/5000-5010`, `tcp` (all ports), `icmp` or `any`."
});

/// A service as a rule or flow names it: written out, or the name of a service defined in the
/// document's `services` section. Text that parses as a [`Service`] is one; anything else is a name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceRef {
    /// A literal service such as `tcp/1521`.
    Literal(Service),
    /// The name of a service defined in `services`.
    Named(Name),
}

impl FromStr for ServiceRef {
    type Err = ServiceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<Service>() {
            Ok(svc) => Ok(Self::Literal(svc)),
            Err(e @ ServiceError::Ports(_)) => Err(e),
            Err(e) => s.parse::<Name>().map(Self::Named).map_err(|_| e),
        }
    }
}

impl fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Literal(s) => s.fmt(f),
            Self::Named(n) => n.fmt(f),
        }
    }
}

text_serde!(ServiceRef, "ServiceRef", {
    "type": "string",
    "pattern": format!("^(?:{SERVICE}|{})$", crate::address::pattern::NAME),
    "patternErrorMessage": "Not a service or a service name: write `tcp/443`, `udp/5000-5010` (ports 1 to 65535, no sign or leading zero), `icmp`, `any`, or the name of one under `services`.",
    "description": "A service (`tcp/443`, `udp/5000-5010`, `icmp`, `any`) or the name of one defined under `services`."
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            "udp/5000-5010".parse::<Service>().unwrap(),
            Service::Udp(PortRange::new(5000, 5010).unwrap())
        );
        assert!(matches!(
            "tcp/0".parse::<Service>(),
            Err(ServiceError::Ports(_))
        ));
        assert!(matches!(
            "tcp/70000".parse::<Service>(),
            Err(ServiceError::Ports(_))
        ));
        assert!(matches!(
            "tcp/9-1".parse::<Service>(),
            Err(ServiceError::Ports(_))
        ));
        assert!(matches!(
            "sctp/1".parse::<Service>(),
            Err(ServiceError::Syntax(_))
        ));
        assert!(matches!(
            "icmp/8".parse::<Service>(),
            Err(ServiceError::Syntax(_))
        ));
        assert!(matches!(
            "tcp/".parse::<Service>(),
            Err(ServiceError::Syntax(_))
        ));
    }

    #[test]
    fn ports_are_read_only_as_written_exactly() {
        for inexact in [
            "tcp/+443",
            "tcp/0443",
            "udp/1000-+2000",
            "tcp/010-20",
            "tcp/ 443",
        ] {
            assert!(
                matches!(inexact.parse::<Service>(), Err(ServiceError::Inexact(_))),
                "{inexact}: {:?}",
                inexact.parse::<Service>()
            );
        }
        for wrong in ["tcp/1e3", "tcp/443.0", "tcp/0x1bb", "tcp/1e400"] {
            assert!(wrong.parse::<Service>().is_err(), "{wrong}");
        }
        // What mccs writes back reads back.
        for ok in ["tcp/443", "udp/1024-65535", "tcp/1"] {
            let s: Service = ok.parse().unwrap();
            assert_eq!(s.to_string(), ok);
        }
    }

    #[test]
    fn service_ref_prefers_literal() {
        assert!(matches!(
            "tcp/1".parse::<ServiceRef>().unwrap(),
            ServiceRef::Literal(_)
        ));
        assert!(matches!(
            "oracle".parse::<ServiceRef>().unwrap(),
            ServiceRef::Named(_)
        ));
        assert!("tcp/0".parse::<ServiceRef>().is_err());
    }

    #[test]
    fn intersect_and_cover() {
        let a: Service = "tcp/1000-2000".parse().unwrap();
        let b: Service = "tcp/1500-2500".parse().unwrap();
        assert_eq!(a.intersect(&b).unwrap().to_string(), "tcp/1500-2000");
        assert!(!a.covers(&b));
        assert!(Service::Any.covers(&b));
        assert!(a.intersect(&Service::Icmp).is_none());
    }
}
