//! Sets of IP addresses as sorted, merged intervals: exact union, intersection and difference,
//! so "the part of the flow a rule leaves out" is computed, not guessed.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};

/// Sorted, non-overlapping, non-adjacent inclusive intervals.
type Ranges = Vec<(u128, u128)>;

/// A set of IPv4 and IPv6 addresses.
///
/// ```
/// use mccs_path::AddrSet;
/// let vnet = AddrSet::from_prefix("10.46.8.0/24".parse().unwrap());
/// let pilot = AddrSet::from_prefix("10.46.8.0/25".parse().unwrap());
/// assert!(vnet.covers(&pilot));
/// assert_eq!(vnet.difference(&pilot).to_string(), "10.46.8.128/25");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AddrSet {
    v4: Ranges,
    v6: Ranges,
}

/// The interval of a network; an IPv4-mapped IPv6 network counts as the IPv4 network it
/// denotes ([`mccs_model::canonical_net`]).
fn bounds(net: IpNet) -> (bool, u128, u128) {
    match mccs_model::canonical_net(net) {
        IpNet::V4(n) => (
            true,
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (false, u128::from(n.network()), u128::from(n.broadcast())),
    }
}

fn normalize(mut r: Ranges) -> Ranges {
    r.sort_unstable();
    let mut out: Ranges = Vec::with_capacity(r.len());
    for (a, b) in r {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn intersect(x: &Ranges, y: &Ranges) -> Ranges {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while let (Some(&(a1, b1)), Some(&(a2, b2))) = (x.get(i), y.get(j)) {
        let (lo, hi) = (a1.max(a2), b1.min(b2));
        if lo <= hi {
            out.push((lo, hi));
        }
        if b1 < b2 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn difference(x: &Ranges, y: &Ranges) -> Ranges {
    let mut out = Vec::new();
    let mut j = 0;
    for &(a, b) in x {
        let mut start = a;
        let mut done = false;
        while let Some(&(c, d)) = y.get(j) {
            if d < start {
                j += 1;
                continue;
            }
            if c > b {
                break;
            }
            if c > start {
                out.push((start, c - 1));
            }
            if d >= b {
                done = true;
                break;
            }
            start = d + 1;
            j += 1;
        }
        if !done {
            out.push((start, b));
        }
    }
    out
}

fn covers(x: &Ranges, y: &Ranges) -> bool {
    // Every interval of y lies inside one interval of x (x is merged, so one suffices).
    let mut i = 0;
    for &(c, d) in y {
        while x.get(i).is_some_and(|&(_, b)| b < c) {
            i += 1;
        }
        match x.get(i) {
            Some(&(a, b)) if a <= c && d <= b => {}
            _ => return false,
        }
    }
    true
}

fn overlaps(x: &Ranges, y: &Ranges) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(&(a1, b1)), Some(&(a2, b2))) = (x.get(i), y.get(j)) {
        if a1.max(a2) <= b1.min(b2) {
            return true;
        }
        if b1 < b2 {
            i += 1;
        } else {
            j += 1;
        }
    }
    false
}

/// The fewest prefixes that cover the interval `a..=b` of a `width`-bit family exactly, in
/// address order, as (network, length): at each step the largest block that starts at `a`
/// (aligned) and ends within `b`. The same list as `ipnet`'s `Ipv4Subnets` / `Ipv6Subnets`
/// (checked by a test), in a few bit operations per prefix.
fn cover(a: u128, b: u128, width: u32) -> impl Iterator<Item = (u128, u8)> {
    let mut next = (a <= b).then_some(a);
    std::iter::from_fn(move || {
        let a = next?;
        let span = b - a;
        // The largest power of two that fits in span + 1 (2^128 when the interval is all).
        let fit = if span == u128::MAX {
            128
        } else {
            127 - (span + 1).leading_zeros()
        };
        let align = if a == 0 { width } else { a.trailing_zeros() };
        let k = fit.min(align).min(width);
        next = if k >= 128 {
            None
        } else {
            a.checked_add(1u128 << k).filter(|n| *n <= b)
        };
        u8::try_from(width - k).ok().map(|len| (a, len))
    })
}

impl AddrSet {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every IPv4 and IPv6 address.
    pub fn any() -> Self {
        Self {
            v4: vec![(0, u128::from(u32::MAX))],
            v6: vec![(0, u128::MAX)],
        }
    }

    /// The addresses of one prefix.
    pub fn from_prefix(net: IpNet) -> Self {
        Self::from_prefixes([net])
    }

    /// The union of some prefixes.
    pub fn from_prefixes(nets: impl IntoIterator<Item = IpNet>) -> Self {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for n in nets {
            let (is4, a, b) = bounds(n);
            if is4 {
                v4.push((a, b));
            } else {
                v6.push((a, b));
            }
        }
        Self {
            v4: normalize(v4),
            v6: normalize(v6),
        }
    }

    /// Whether the set has no address.
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// The addresses in either set.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        let mut v4 = self.v4.clone();
        v4.extend_from_slice(&other.v4);
        let mut v6 = self.v6.clone();
        v6.extend_from_slice(&other.v6);
        Self {
            v4: normalize(v4),
            v6: normalize(v6),
        }
    }

    /// The union of many sets in one pass (sort and merge once), rather than one union per set.
    pub fn union_all<'a>(sets: impl IntoIterator<Item = &'a Self>) -> Self {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for s in sets {
            v4.extend_from_slice(&s.v4);
            v6.extend_from_slice(&s.v6);
        }
        Self {
            v4: normalize(v4),
            v6: normalize(v6),
        }
    }

    /// The addresses in both sets.
    #[must_use]
    pub fn intersection(&self, other: &Self) -> Self {
        Self {
            v4: intersect(&self.v4, &other.v4),
            v6: intersect(&self.v6, &other.v6),
        }
    }

    /// The addresses of `self` that are not in `other`.
    #[must_use]
    pub fn difference(&self, other: &Self) -> Self {
        Self {
            v4: difference(&self.v4, &other.v4),
            v6: difference(&self.v6, &other.v6),
        }
    }

    /// Whether every address of `other` is in `self`.
    pub fn covers(&self, other: &Self) -> bool {
        covers(&self.v4, &other.v4) && covers(&self.v6, &other.v6)
    }

    /// How many intervals the set is stored as: what operations on it cost.
    pub(crate) fn intervals(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// Whether the sets have an address in common.
    pub fn overlaps(&self, other: &Self) -> bool {
        overlaps(&self.v4, &other.v4) || overlaps(&self.v6, &other.v6)
    }

    /// Whether `addr` is in the set.
    pub fn contains_addr(&self, addr: IpAddr) -> bool {
        self.covers(&Self::from_prefix(IpNet::from(addr)))
    }

    /// The prefixes of [`AddrSet::to_prefixes`], without collecting them.
    pub fn prefixes(&self) -> impl Iterator<Item = IpNet> + '_ {
        let v4 = self.v4.iter().flat_map(|&(a, b)| {
            cover(a, b, 32).filter_map(|(n, len)| {
                let addr = Ipv4Addr::from(u32::try_from(n).ok()?);
                ipnet::Ipv4Net::new(addr, len).ok().map(IpNet::V4)
            })
        });
        let v6 = self.v6.iter().flat_map(|&(a, b)| {
            cover(a, b, 128).filter_map(|(n, len)| {
                ipnet::Ipv6Net::new(Ipv6Addr::from(n), len)
                    .ok()
                    .map(IpNet::V6)
            })
        });
        v4.chain(v6)
    }

    /// The set's one prefix, when [`AddrSet::prefixes`] yields exactly one (the common case of
    /// a flow or a rule end): without the iterator's machinery.
    pub(crate) fn single_prefix(&self) -> Option<IpNet> {
        // One aligned block of 2^k addresses: the span's bits are all ones and none of them is
        // set in the start (the whole space, span all ones, has start 0).
        let one = |a: u128, b: u128, width: u32| {
            let span = b.checked_sub(a)?;
            if span & span.wrapping_add(1) != 0 || a & span != 0 {
                return None;
            }
            let bits = 128 - span.leading_zeros();
            let len = width.checked_sub(bits)?;
            Some((a, u8::try_from(len).ok()?))
        };
        match (self.v4.as_slice(), self.v6.as_slice()) {
            ([(a, b)], []) => {
                let (n, len) = one(*a, *b, 32)?;
                let addr = Ipv4Addr::from(u32::try_from(n).ok()?);
                ipnet::Ipv4Net::new(addr, len).ok().map(IpNet::V4)
            }
            ([], [(a, b)]) => {
                let (n, len) = one(*a, *b, 128)?;
                ipnet::Ipv6Net::new(Ipv6Addr::from(n), len)
                    .ok()
                    .map(IpNet::V6)
            }
            _ => None,
        }
    }

    /// The smallest list of prefixes that is exactly this set, IPv4 first, in address order.
    pub fn to_prefixes(&self) -> Vec<IpNet> {
        let mut out = Vec::new();
        for &(a, b) in &self.v4 {
            let (a, b) = (
                Ipv4Addr::from(u32::try_from(a).unwrap_or(u32::MAX)),
                Ipv4Addr::from(u32::try_from(b).unwrap_or(u32::MAX)),
            );
            out.extend(Ipv4Subnets::new(a, b, 0).map(IpNet::V4));
        }
        for &(a, b) in &self.v6 {
            out.extend(Ipv6Subnets::new(Ipv6Addr::from(a), Ipv6Addr::from(b), 0).map(IpNet::V6));
        }
        out
    }

    /// Whether the set holds an IPv4 address.
    pub fn has_v4(&self) -> bool {
        !self.v4.is_empty()
    }

    /// Whether the set holds an IPv6 address (IPv4-mapped addresses count as IPv4).
    pub fn has_v6(&self) -> bool {
        !self.v6.is_empty()
    }

    /// The IPv4 addresses of the set.
    #[must_use]
    pub fn v4_only(&self) -> Self {
        Self {
            v4: self.v4.clone(),
            v6: Vec::new(),
        }
    }

    /// The IPv6 addresses of the set.
    #[must_use]
    pub fn v6_only(&self) -> Self {
        Self {
            v4: Vec::new(),
            v6: self.v6.clone(),
        }
    }

    /// The number of intervals (a measure of how fragmented the set is).
    pub fn interval_count(&self) -> usize {
        self.v4.len() + self.v6.len()
    }
}

impl fmt::Display for AddrSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("(none)");
        }
        // `AddrSet::any()`, compared without making it.
        if self.v4 == [(0, u128::from(u32::MAX))] && self.v6 == [(0, u128::MAX)] {
            return f.write_str("any");
        }
        // Written as they are made: no list, no allocation (requests and traces write one
        // set or more per line).
        for (i, p) in self.prefixes().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match p {
                IpNet::V4(n) => f.write_str(ipv4_prefix_text(&n).as_str())?,
                IpNet::V6(_) => write!(f, "{p}")?,
            }
        }
        Ok(())
    }
}

/// An IPv4 prefix's text (`10.0.0.0/16`), as `Display` writes it, written on the stack.
struct Ipv4PrefixText {
    buf: [u8; 18],
    len: usize,
}

impl Ipv4PrefixText {
    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// `n` as its `Display` writes it, without the formatting machinery (a request or a trace
/// writes one or more per line: `Display` was a tenth of building the requests).
fn ipv4_prefix_text(n: &ipnet::Ipv4Net) -> Ipv4PrefixText {
    let mut out = Ipv4PrefixText {
        buf: [0; 18],
        len: 0,
    };
    let mut push = |b: u8| {
        if let Some(slot) = out.buf.get_mut(out.len) {
            *slot = b;
            out.len += 1;
        }
    };
    let decimal = |push: &mut dyn FnMut(u8), n: u8| {
        if n >= 100 {
            push(b'0' + n / 100);
        }
        if n >= 10 {
            push(b'0' + n / 10 % 10);
        }
        push(b'0' + n % 10);
    };
    for (i, octet) in n.addr().octets().into_iter().enumerate() {
        if i > 0 {
            push(b'.');
        }
        decimal(&mut push, octet);
    }
    push(b'/');
    decimal(&mut push, n.prefix_len());
    out
}

/// `p` as its `Display` writes it (`10.0.0.0/16`, `2001:db8::/32`), for an IPv4 prefix without
/// the formatting machinery: requests and traces write thousands.
///
/// ```
/// let p: ipnet::IpNet = "10.40.12.0/24".parse().unwrap();
/// assert_eq!(mccs_path::prefix_text(&p), "10.40.12.0/24");
/// ```
pub fn prefix_text(p: &IpNet) -> String {
    match p {
        IpNet::V4(n) => ipv4_prefix_text(n).as_str().to_owned(),
        IpNet::V6(_) => p.to_string(),
    }
}

impl serde::Serialize for AddrSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.to_prefixes().iter().map(ToString::to_string))
    }
}

impl schemars::JsonSchema for AddrSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AddrSet".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "items": {"type": "string"},
            "description": "Addresses as the smallest list of CIDRs, IPv4 first, in address order."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(s: &[&str]) -> AddrSet {
        AddrSet::from_prefixes(s.iter().map(|p| p.parse().unwrap()))
    }

    #[test]
    fn merges_adjacent() {
        assert_eq!(
            set(&["10.0.0.0/25", "10.0.0.128/25"]).to_string(),
            "10.0.0.0/24"
        );
        assert_eq!(AddrSet::any().to_string(), "any");
        assert_eq!(AddrSet::new().to_string(), "(none)");
    }

    #[test]
    fn prefixes_are_the_fewest_that_cover_the_set() {
        for s in [
            AddrSet::any(),
            AddrSet::new(),
            set(&["0.0.0.0/0"]),
            set(&["255.255.255.255/32", "::/0"]),
            set(&["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.1.0/24"]),
            set(&[
                "::/1",
                "8000::/2",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
            ]),
            set(&["10.0.0.0/8"]).difference(&set(&["10.0.0.0/32", "10.255.255.255/32"])),
            AddrSet::any().difference(&set(&["0.0.0.0/32", "::/128", "::1/128"])),
        ] {
            assert_eq!(s.prefixes().collect::<Vec<_>>(), s.to_prefixes(), "{s}");
        }
    }

    #[test]
    fn difference_punches_holes() {
        let d = set(&["10.0.0.0/24"]).difference(&set(&["10.0.0.64/26"]));
        assert_eq!(d.to_string(), "10.0.0.0/26, 10.0.0.128/25");
        assert!(set(&["::/0"]).covers(&set(&["2001:db8::/32"])));
        assert!(!set(&["10.0.0.0/8"]).covers(&set(&["2001:db8::/32"])));
    }

    fn arb_set() -> impl Strategy<Value = AddrSet> {
        prop::collection::vec((any::<u32>(), 20u8..=32), 0..6).prop_map(|v| {
            AddrSet::from_prefixes(v.into_iter().map(|(a, l)| {
                IpNet::V4(ipnet::Ipv4Net::new(Ipv4Addr::from(a), l).unwrap().trunc())
            }))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn set_algebra(a in arb_set(), b in arb_set()) {
            let i = a.intersection(&b);
            let d = a.difference(&b);
            prop_assert!(a.covers(&i) && b.covers(&i));
            prop_assert!(!d.overlaps(&b));
            prop_assert_eq!(&d.union(&i), &a);
            prop_assert_eq!(&AddrSet::from_prefixes(a.to_prefixes()), &a);
            prop_assert_eq!(a.overlaps(&b), !i.is_empty());
            prop_assert_eq!(a.prefixes().collect::<Vec<_>>(), a.to_prefixes());
            prop_assert_eq!(d.prefixes().collect::<Vec<_>>(), d.to_prefixes());
            for s in [&a, &d, &a.union(&b)] {
                let listed: Vec<String> = s.to_prefixes().iter().map(ToString::to_string).collect();
                let expected = match listed.as_slice() {
                    [] => "(none)".to_owned(),
                    _ if *s == AddrSet::any() => "any".to_owned(),
                    _ => listed.join(", "),
                };
                prop_assert_eq!(s.to_string(), expected);
            }
        }

        /// The short cut for a set of one prefix answers what the prefix iterator does.
        #[test]
        fn single_prefix_is_the_only_prefix(a in arb_set(), b in arb_set(), v6 in any::<bool>()) {
            for s in [a.clone(), a.intersection(&b), a.difference(&b), a.union(&b)] {
                let s = if v6 {
                    // The same intervals as IPv6 (shifted into the high bits).
                    AddrSet {
                        v4: Vec::new(),
                        v6: s.v4.iter().map(|&(x, y)| (x << 96, (y << 96) | ((1u128 << 96) - 1))).collect(),
                    }
                } else {
                    s
                };
                let all: Vec<IpNet> = s.prefixes().collect();
                let expected = match all.as_slice() {
                    [one] => Some(*one),
                    _ => None,
                };
                prop_assert_eq!(s.single_prefix(), expected);
            }
        }
    }

    #[test]
    fn single_prefix_of_edge_sets() {
        for (s, one) in [
            (AddrSet::any(), None),
            (AddrSet::new(), None),
            (set(&["0.0.0.0/0"]), Some("0.0.0.0/0")),
            (set(&["::/0"]), Some("::/0")),
            (set(&["10.0.0.1/32"]), Some("10.0.0.1/32")),
            (set(&["10.0.0.1/32", "10.0.0.2/32"]), None),
            (set(&["10.0.0.0/25", "10.0.0.128/25"]), Some("10.0.0.0/24")),
            (set(&["2001:db8::/32", "10.0.0.0/8"]), None),
        ] {
            assert_eq!(s.single_prefix(), one.map(|p| p.parse().unwrap()), "{s}");
        }
    }
}

#[cfg(test)]
mod prefix_text_tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn prefix_text_is_display(a in any::<u32>(), len in 0u8..=32) {
            let net = ipnet::IpNet::V4(
                ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(a), len).unwrap(),
            );
            prop_assert_eq!(super::prefix_text(&net), net.to_string());
        }
    }

    #[test]
    fn ipv6_prefixes_are_display_too() {
        let net: ipnet::IpNet = "2001:db8::/32".parse().unwrap();
        assert_eq!(super::prefix_text(&net), "2001:db8::/32");
    }
}
