//! Addresses as documents write them: ranges, rule sources/destinations and flow ends.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use thiserror::Error;

use crate::ident::{EnvRef, Name};
use crate::text::text_serde;

/// Why an address could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AddressError {
    /// Not an address, CIDR, range or name.
    #[error(
        "`{0}` is not an address: write an IP (`10.0.0.5`), a CIDR (`10.0.0.0/24`), `any`, or the name of an object"
    )]
    Syntax(String),
    /// A range that is not `first-last` with both ends of one family and first <= last.
    #[error(
        "`{0}` is not an address range: write `<first>-<last>` with two addresses of the same family, first <= last"
    )]
    Range(String),
}

/// The network an IPv4-mapped IPv6 network (`::ffff:a.b.c.d`, inside `::ffff:0:0/96`) denotes:
/// its IPv4 network. Every other network is returned as it is. Overlap checks and rule matching
/// use this, so `::ffff:10.0.0.1` and `10.0.0.1` are the same address.
///
/// ```
/// use mccs_model::canonical_net;
/// let mapped: ipnet::IpNet = "::ffff:10.46.8.0/120".parse().unwrap();
/// assert_eq!(canonical_net(mapped).to_string(), "10.46.8.0/24");
/// let plain: ipnet::IpNet = "fd00::/64".parse().unwrap();
/// assert_eq!(canonical_net(plain), plain);
/// ```
pub fn canonical_net(net: IpNet) -> IpNet {
    if let IpNet::V6(n) = net
        && n.prefix_len() >= 96
        && let Some(v4) = n.network().to_ipv4_mapped()
        && let Ok(v4net) = ipnet::Ipv4Net::new(v4, n.prefix_len() - 96)
    {
        return IpNet::V4(v4net);
    }
    net
}

/// Parses `10.0.0.0/24`, or a bare address as a host prefix (`/32`, `/128`).
pub fn parse_prefix(s: &str) -> Option<IpNet> {
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

/// An inclusive range of addresses of one family, such as `10.0.0.10-10.0.0.20`.
///
/// ```
/// use mccs_model::AddressRange;
/// let r: AddressRange = "10.0.0.10-10.0.0.20".parse()?;
/// assert_eq!(r.to_prefixes().len(), 4); // .10/31, .12/30, .16/30, .20/32
/// # Ok::<(), mccs_model::AddressError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddressRange {
    first: IpAddr,
    last: IpAddr,
}

impl AddressRange {
    /// The range `first..=last`, or `None` for mixed families or first > last.
    pub fn new(first: IpAddr, last: IpAddr) -> Option<Self> {
        (first.is_ipv4() == last.is_ipv4() && first <= last).then_some(Self { first, last })
    }

    /// The first address.
    pub fn first(self) -> IpAddr {
        self.first
    }

    /// The last address (inclusive).
    pub fn last(self) -> IpAddr {
        self.last
    }

    /// The smallest list of prefixes that covers exactly this range.
    pub fn to_prefixes(self) -> Vec<IpNet> {
        match (self.first, self.last) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                ipnet::Ipv4Subnets::new(a, b, 0).map(IpNet::V4).collect()
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                ipnet::Ipv6Subnets::new(a, b, 0).map(IpNet::V6).collect()
            }
            _ => Vec::new(),
        }
    }
}

impl FromStr for AddressRange {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || AddressError::Range(s.to_owned());
        let (a, b) = s.split_once('-').ok_or_else(err)?;
        let a: IpAddr = a.trim().parse().map_err(|_| err())?;
        let b: IpAddr = b.trim().parse().map_err(|_| err())?;
        Self::new(a, b).ok_or_else(err)
    }
}

impl fmt::Display for AddressRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

text_serde!(AddressRange, "AddressRange", {
    "type": "string",
    "description": "An inclusive address range `<first>-<last>`, e.g. `10.0.0.10-10.0.0.20`."
});

/// A rule's source or destination: `any`, an address or CIDR, or the name of a firewall object.
///
/// ```
/// use mccs_model::AddressRef;
/// assert_eq!("any".parse::<AddressRef>()?, AddressRef::Any);
/// assert!(matches!("10.0.0.5".parse::<AddressRef>()?, AddressRef::Prefix(p) if p.prefix_len() == 32));
/// assert!(matches!("OCP_GOLD".parse::<AddressRef>()?, AddressRef::Object(_)));
/// # Ok::<(), mccs_model::AddressError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddressRef {
    /// Every address.
    Any,
    /// An address or CIDR written in the rule.
    Prefix(IpNet),
    /// A firewall object by name.
    Object(Name),
}

impl FromStr for AddressRef {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "any" {
            return Ok(Self::Any);
        }
        if let Some(p) = parse_prefix(s) {
            return Ok(Self::Prefix(p));
        }
        s.parse::<Name>()
            .map(Self::Object)
            .map_err(|_| AddressError::Syntax(s.to_owned()))
    }
}

impl fmt::Display for AddressRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("any"),
            Self::Prefix(p) => p.fmt(f),
            Self::Object(n) => n.fmt(f),
        }
    }
}

text_serde!(AddressRef, "AddressRef", {
    "type": "string",
    "description": "`any`, an address or CIDR, or the name of a firewall object."
});

/// One end of a flow: a Project Set environment (`abc123-prod`), a CIDR or address, or the name of
/// an on-prem endpoint, firewall object or external network. Text is read in that order:
/// an address first, then `<plate>-<env>`, then a name.
///
/// ```
/// use mccs_model::FlowEnd;
/// assert!(matches!("abc123-prod".parse::<FlowEnd>()?, FlowEnd::Environment(_)));
/// assert!(matches!("142.34.10.0/24".parse::<FlowEnd>()?, FlowEnd::Prefix(_)));
/// assert!(matches!("ORACLE_DB".parse::<FlowEnd>()?, FlowEnd::Named(_)));
/// # Ok::<(), mccs_model::AddressError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowEnd {
    /// The VPC/VNet of one environment of a Project Set.
    Environment(EnvRef),
    /// An address or CIDR.
    Prefix(IpNet),
    /// An on-prem endpoint, firewall object or external network, by name.
    Named(Name),
}

impl FromStr for FlowEnd {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(p) = parse_prefix(s) {
            return Ok(Self::Prefix(p));
        }
        if let Ok(e) = s.parse::<EnvRef>() {
            return Ok(Self::Environment(e));
        }
        s.parse::<Name>()
            .map(Self::Named)
            .map_err(|_| AddressError::Syntax(s.to_owned()))
    }
}

impl fmt::Display for FlowEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Environment(e) => e.fmt(f),
            Self::Prefix(p) => p.fmt(f),
            Self::Named(n) => n.fmt(f),
        }
    }
}

text_serde!(FlowEnd, "FlowEnd", {
    "type": "string",
    "description": "A Project Set environment (`abc123-prod`), an address or CIDR, or the name of an endpoint, object or external network."
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_to_prefixes_is_exact() {
        let r: AddressRange = "10.0.0.10-10.0.0.20".parse().unwrap();
        let p: Vec<String> = r.to_prefixes().iter().map(ToString::to_string).collect();
        assert_eq!(
            p,
            [
                "10.0.0.10/31",
                "10.0.0.12/30",
                "10.0.0.16/30",
                "10.0.0.20/32"
            ]
        );
        assert!("10.0.0.9-10.0.0.1".parse::<AddressRange>().is_err());
        assert!("10.0.0.1-::1".parse::<AddressRange>().is_err());
    }

    #[test]
    fn bad_addresses_are_errors() {
        assert!("bad name!".parse::<AddressRef>().is_err());
        assert!("10.0.0.0/33".parse::<FlowEnd>().is_err());
    }
}
