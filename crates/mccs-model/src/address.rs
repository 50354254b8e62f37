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
    /// Text that is meant as an IP address or CIDR (it has a `/` or a `:`, or it is written
    /// where only an address or CIDR may be) and is not one: what is wrong and how to write it.
    #[error("`{input}`: {problem}: {fix}")]
    Ip {
        /// The text as written.
        input: String,
        /// What is wrong with it, e.g. `prefix length 33 is longer than 32`.
        problem: String,
        /// How to write it, e.g. `write a prefix length from 0 to 32, e.g. `10.46.7.0/24``.
        fix: String,
    },
}

fn ip_error(input: &str, problem: impl Into<String>, fix: impl Into<String>) -> AddressError {
    AddressError::Ip {
        input: input.to_owned(),
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// Why `text` (the address part of `input`) is not an IP address.
fn explain_address(input: &str, text: &str) -> AddressError {
    if text.contains(':') {
        const FIX: &str = "write up to eight groups of 1 to 4 hex digits separated by `:`, with `::` once for a run of zero groups, e.g. `fd00::5`";
        if text.matches("::").count() > 1 {
            return ip_error(
                input,
                "`::` appears more than once (it stands for one run of zero groups)",
                FIX,
            );
        }
        if let Some(c) = text
            .chars()
            .find(|c| !c.is_ascii_hexdigit() && *c != ':' && *c != '.')
        {
            return ip_error(input, format!("`{c}` is not a hex digit"), FIX);
        }
        if let Some(g) = text.split(':').find(|g| g.len() > 4 && !g.contains('.')) {
            return ip_error(
                input,
                format!("group `{g}` has more than 4 hex digits"),
                FIX,
            );
        }
        return ip_error(input, "not an IPv6 address", FIX);
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        const FIX: &str = "write four numbers from 0 to 255 separated by dots, e.g. `10.46.8.5`";
        let parts: Vec<&str> = text.split('.').collect();
        if parts.len() != 4 {
            return ip_error(
                input,
                format!("an IPv4 address has four parts, this has {}", parts.len()),
                FIX,
            );
        }
        for part in parts {
            if part.is_empty() {
                return ip_error(input, "a part is empty", FIX);
            }
            if part.len() > 1 && part.starts_with('0') {
                return ip_error(
                    input,
                    format!("part `{part}` has a leading zero (some tools read it as octal)"),
                    format!("write `{}`", part.trim_start_matches('0').max("0")),
                );
            }
            if part.parse::<u8>().is_err() {
                return ip_error(input, format!("part {part} is larger than 255"), FIX);
            }
        }
    }
    ip_error(
        input,
        "not an IP address",
        "write an IPv4 address such as `10.46.8.5` or an IPv6 address such as `fd00::5`",
    )
}

/// Reads one IP address, IPv4 (`10.46.8.5`, four decimal parts without leading zeros) or IPv6
/// (`fd00::5`), as documents write them.
///
/// # Errors
///
/// [`AddressError::Ip`] for anything else (a network, a part over 255, a leading zero, ...),
/// saying what is wrong and how to write it.
///
/// ```
/// use mccs_model::parse_ip_addr;
/// assert_eq!(parse_ip_addr("10.46.8.5").unwrap().to_string(), "10.46.8.5");
/// let e = parse_ip_addr("142.34.10.256").unwrap_err().to_string();
/// assert!(e.starts_with("`142.34.10.256`: part 256 is larger than 255"), "{e}");
/// ```
pub fn parse_ip_addr(s: &str) -> Result<IpAddr, AddressError> {
    if let Ok(a) = s.parse::<IpAddr>() {
        return Ok(a);
    }
    if let Some((addr, _)) = s.split_once('/')
        && let Ok(net) = parse_ip_net(s)
    {
        return Err(ip_error(
            s,
            "a network, not one address",
            format!(
                "write the address alone (e.g. `{addr}`){}",
                if net.prefix_len() == net.max_prefix_len() {
                    ""
                } else {
                    ", or use a field that takes a CIDR"
                }
            ),
        ));
    }
    Err(explain_address(s, s))
}

/// Reads an IP network in CIDR notation, `10.46.8.0/24` or `fd00::/64`: an address as
/// [`parse_ip_addr`] reads it, `/`, and a prefix length (decimal, no sign or leading zero, at
/// most 32 for IPv4 and 128 for IPv6).
///
/// # Errors
///
/// [`AddressError::Ip`] for anything else (no prefix length, one too long, a bad address, ...),
/// saying what is wrong and how to write it.
///
/// ```
/// use mccs_model::parse_ip_net;
/// assert_eq!(parse_ip_net("10.46.7.0/24").unwrap().to_string(), "10.46.7.0/24");
/// assert_eq!(
///     parse_ip_net("10.46.7.0/33").unwrap_err().to_string(),
///     "`10.46.7.0/33`: prefix length 33 is longer than 32, the most an IPv4 network has: \
///      write a prefix length from 0 to 32, e.g. `10.46.7.0/24`"
/// );
/// ```
pub fn parse_ip_net(s: &str) -> Result<IpNet, AddressError> {
    let Some((addr_text, len)) = s.split_once('/') else {
        return Err(match s.parse::<IpAddr>() {
            Ok(a) => ip_error(
                s,
                "no prefix length",
                format!(
                    "write the network in CIDR notation, e.g. `{s}/{}` for this one address",
                    if a.is_ipv4() { 32 } else { 128 }
                ),
            ),
            Err(_) => explain_address(s, s),
        });
    };
    let addr: IpAddr = addr_text
        .parse()
        .map_err(|_| explain_address(s, addr_text))?;
    let (max, family, example) = if addr.is_ipv4() {
        (32u8, "IPv4", 24)
    } else {
        (128, "IPv6", 64)
    };
    let fix = format!("write a prefix length from 0 to {max}, e.g. `{addr_text}/{example}`");
    if len.is_empty()
        || !len.bytes().all(|b| b.is_ascii_digit())
        || (len.len() > 1 && len.starts_with('0'))
    {
        return Err(ip_error(
            s,
            format!("prefix length `{len}` is not a plain number"),
            fix,
        ));
    }
    match len.parse::<u8>() {
        Ok(n) if n <= max => IpNet::new(addr, n).map_err(|_| ip_error(s, "not a network", fix)),
        _ => Err(ip_error(
            s,
            format!("prefix length {len} is longer than {max}, the most an {family} network has"),
            fix,
        )),
    }
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

/// Parses `10.0.0.0/24`, or a bare address as a host prefix (`/32`, `/128`), as
/// [`parse_ip_net`] and [`parse_ip_addr`] read them.
pub fn parse_prefix(s: &str) -> Option<IpNet> {
    // Text without `/` is never a CIDR: no need to build (and drop) `parse_ip_net`'s error,
    // which costs more than the rest of reading a name (a flow end or a rule's source).
    if s.contains('/') {
        parse_ip_net(s).ok()
    } else {
        s.parse::<IpAddr>().ok().map(IpNet::from)
    }
}

/// The error for text that is neither an address, a CIDR nor a name: when it has a `/` or a
/// `:` (which no name has) it was meant as an address or CIDR, and the error says what is wrong
/// with it.
fn not_an_address(s: &str) -> AddressError {
    if s.contains('/') {
        parse_ip_net(s)
            .err()
            .unwrap_or_else(|| AddressError::Syntax(s.to_owned()))
    } else if s.contains(':') {
        parse_ip_addr(s)
            .err()
            .unwrap_or_else(|| AddressError::Syntax(s.to_owned()))
    } else {
        AddressError::Syntax(s.to_owned())
    }
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
    "pattern": pattern::range(),
    "patternErrorMessage": "Not an address range: write `<first>-<last>` with two addresses of one family, e.g. `10.0.0.10-10.0.0.20`.",
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
            .map_err(|_| not_an_address(s))
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
    "pattern": pattern::address_or_name(),
    "patternErrorMessage": "Not `any`, an IP address, a CIDR (prefix length at most 32 for IPv4, 128 for IPv6) or an object name: e.g. `10.46.8.0/24`, `OCP_SILVER`.",
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
            .map_err(|_| not_an_address(s))
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
    "pattern": pattern::address_or_name(),
    "patternErrorMessage": "Not an environment (`abc123-prod`), an IP address, a CIDR (prefix length at most 32 for IPv4, 128 for IPv6) or a name.",
    "description": "A Project Set environment (`abc123-prod`), an address or CIDR, or the name of an endpoint, object or external network."
});

/// Regular expressions (unanchored bodies) of exactly the text the reader accepts, for the JSON
/// Schema: a test runs them against the parsers.
pub(crate) mod pattern {
    const HEX: &str = "[0-9A-Fa-f]{1,4}";
    const OCTET: &str = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    /// A name (`Name`): no `/` and no `:`, so never an address or CIDR.
    pub(crate) const NAME: &str = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";

    /// An IPv4 address: four decimal parts 0 to 255 without leading zeros.
    pub(crate) fn ipv4() -> String {
        format!("(?:{OCTET}\\.){{3}}{OCTET}")
    }

    /// `k` groups, `::`, then at most `max_right` more groups (each followed by `:` when an IPv4
    /// `tail` comes last).
    fn compressed(k: usize, max_right: usize, tail: &str) -> String {
        let left = match k {
            0 => String::new(),
            1 => HEX.to_owned(),
            k => format!("(?:{HEX}:){{{}}}{HEX}", k - 1),
        };
        let right = match (max_right, tail.is_empty()) {
            (0, _) => String::new(),
            (1, true) => format!("(?:{HEX})?"),
            (m, true) => format!("(?:(?:{HEX}:){{0,{}}}{HEX})?", m - 1),
            (m, false) => format!("(?:{HEX}:){{0,{m}}}"),
        };
        format!("{left}::{right}{tail}")
    }

    /// An IPv6 address as `std::net::Ipv6Addr` reads it: eight groups of 1 to 4 hex digits, or
    /// fewer with one `::` standing for one or more zero groups, the last two groups optionally
    /// written as an IPv4 address.
    pub(crate) fn ipv6() -> String {
        let mut alts = vec![format!("(?:{HEX}:){{7}}{HEX}")];
        alts.extend((0..8).map(|k| compressed(k, 7 - k, "")));
        let v4 = ipv4();
        alts.push(format!("(?:{HEX}:){{6}}{v4}"));
        alts.extend((0..6).map(|k| compressed(k, 5 - k, &v4)));
        format!("(?:{})", alts.join("|"))
    }

    /// An IPv4 or IPv6 address.
    pub(crate) fn ip_addr() -> String {
        format!("(?:{}|{})", ipv4(), ipv6())
    }

    /// An IPv4 or IPv6 network in CIDR notation (prefix length without sign or leading zero).
    pub(crate) fn ip_net() -> String {
        format!(
            "(?:{}/(?:3[0-2]|[12][0-9]|[0-9])|{}/(?:12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9]))",
            ipv4(),
            ipv6()
        )
    }

    /// What [`super::parse_prefix`] reads, or a name: a rule's source or a flow's end.
    pub(crate) fn address_or_name() -> String {
        format!("^(?:{}|{}|{NAME})$", ip_net(), ip_addr())
    }

    /// An address range: two addresses of one family (the reader also checks first <= last).
    pub(crate) fn range() -> String {
        let (v4, v6) = (ipv4(), ipv6());
        format!("^(?:{v4} *- *{v4}|{v6} *- *{v6})$")
    }
}

/// `deserialize_with` functions for the model's address fields: the reader's errors quote the
/// text and say how to write it ([`parse_ip_net`], [`parse_ip_addr`]), where the `FromStr` of
/// `ipnet` and `std` say only "invalid IP address syntax".
pub(crate) mod ip_serde {
    use std::net::IpAddr;

    use ipnet::IpNet;
    use serde::de::{Deserialize, Deserializer, Error};

    struct Net(IpNet);
    struct Addr(IpAddr);

    impl<'de> Deserialize<'de> for Net {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            super::parse_ip_net(&s).map(Net).map_err(D::Error::custom)
        }
    }

    impl<'de> Deserialize<'de> for Addr {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            super::parse_ip_addr(&s).map(Addr).map_err(D::Error::custom)
        }
    }

    pub(crate) fn net<'de, D: Deserializer<'de>>(d: D) -> Result<IpNet, D::Error> {
        Net::deserialize(d).map(|n| n.0)
    }

    pub(crate) fn nets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
        Vec::<Net>::deserialize(d).map(|v| v.into_iter().map(|n| n.0).collect())
    }

    pub(crate) fn addr<'de, D: Deserializer<'de>>(d: D) -> Result<IpAddr, D::Error> {
        Addr::deserialize(d).map(|a| a.0)
    }

    pub(crate) fn addrs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpAddr>, D::Error> {
        Vec::<Addr>::deserialize(d).map(|v| v.into_iter().map(|a| a.0).collect())
    }
}

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
