//! A prefix index: exact-prefix hash lookups per present prefix length, as a router's FIB does,
//! plus a sorted list for "what lies inside this prefix" queries.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use ipnet::IpNet;

/// A small, fast, non-cryptographic hasher (the multiply-rotate scheme of rustc's FxHash) for
/// maps keyed by prefixes: the keys come from the topology, not from an adversary over the
/// network, and lookups are the hot path of routing and rule matching.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            if let Some(dst) = w.get_mut(..rest.len()) {
                dst.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A prefix as a hash key: its masked bits, its length and its family, in 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PKey {
    hi: u64,
    lo: u64,
    len: u8,
    v4: bool,
}

impl std::hash::Hash for PKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.lo);
        state.write_u64(self.hi ^ (u64::from(self.len) << 1) ^ u64::from(self.v4));
    }
}

impl PKey {
    /// The prefix this key stands for.
    fn net(self) -> IpNet {
        let bits = (u128::from(self.hi) << 64) | u128::from(self.lo);
        if self.v4 {
            let a = std::net::Ipv4Addr::from(u32::try_from(bits).unwrap_or(0));
            ipnet::Ipv4Net::new(a, self.len)
                .map_or_else(|_| IpNet::V4(ipnet::Ipv4Net::default()), IpNet::V4)
        } else {
            let a = std::net::Ipv6Addr::from(bits);
            ipnet::Ipv6Net::new(a, self.len)
                .map_or_else(|_| IpNet::V6(ipnet::Ipv6Net::default()), IpNet::V6)
        }
    }
}

/// The key of `p`'s supernet of length `len` (`len` at most `p`'s length).
fn key(p: IpNet, len: u8) -> PKey {
    let (bits, v4) = match p {
        IpNet::V4(n) => {
            let a = u32::from(n.addr());
            let mask = u32::MAX
                .checked_shl(32 - u32::from(len.min(32)))
                .unwrap_or(0);
            (u128::from(a & mask), true)
        }
        IpNet::V6(n) => {
            let a = u128::from(n.addr());
            let mask = u128::MAX
                .checked_shl(128 - u32::from(len.min(128)))
                .unwrap_or(0);
            (a & mask, false)
        }
    };
    // Splitting the bits in two words is the point of the casts.
    #[allow(clippy::cast_possible_truncation)]
    PKey {
        hi: (bits >> 64) as u64,
        lo: bits as u64,
        len,
        v4,
    }
}

/// The values stored under one prefix: the first inline (most prefixes have one), the rest
/// beside it, so a lookup reads one table entry and usually nothing else.
#[derive(Debug, Clone)]
pub(crate) struct Values<T> {
    first: T,
    rest: Vec<T>,
}

impl<T: Copy> Values<T> {
    /// Every value, in insertion order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::once(self.first).chain(self.rest.iter().copied())
    }

    /// The first value inserted.
    pub(crate) fn first(&self) -> T {
        self.first
    }

    /// Appends every value to `out`, in insertion order ([`Values::iter`] without the chain).
    pub(crate) fn extend_into(&self, out: &mut Vec<T>) {
        out.push(self.first);
        out.extend_from_slice(&self.rest);
    }
}

/// A set of prefix lengths (0 to 128) as a bitset kept inline: asking which lengths occur reads
/// no other memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct LenSet([u64; 3]);

impl LenSet {
    fn insert(&mut self, len: u8) {
        let i = usize::from(len);
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// The set with only the lengths up to `max`.
    fn below_or_at(self, max: u8) -> [u64; 3] {
        let m = usize::from(max);
        let mut words = self.0;
        for (i, w) in words.iter_mut().enumerate() {
            let lo = i * 64;
            if m < lo {
                *w = 0;
            } else if m - lo < 63 {
                *w &= (1u64 << (m - lo + 1)) - 1;
            }
        }
        words
    }

    /// Lengths up to `max`, shortest first (reading the set bits, not testing every length).
    fn up_to(self, max: u8) -> impl Iterator<Item = u8> {
        let mut words = self.below_or_at(max);
        let mut i = 0usize;
        std::iter::from_fn(move || {
            while let Some(w) = words.get_mut(i) {
                if *w != 0 {
                    let bit = w.trailing_zeros() as usize;
                    *w &= *w - 1;
                    return u8::try_from(i * 64 + bit).ok();
                }
                i += 1;
            }
            None
        })
    }

    /// Lengths up to `max`, longest first.
    fn down_from(self, max: u8) -> impl Iterator<Item = u8> {
        let mut words = self.below_or_at(max);
        let mut i = words.len();
        std::iter::from_fn(move || {
            while i > 0 {
                let w = words.get_mut(i - 1)?;
                if *w != 0 {
                    let bit = 63 - w.leading_zeros() as usize;
                    *w &= !(1u64 << bit);
                    return u8::try_from((i - 1) * 64 + bit).ok();
                }
                i -= 1;
            }
            None
        })
    }

    fn max(self) -> Option<u8> {
        let [a, b, c] = self.0;
        // The highest set bit of the highest non-empty word.
        let (base, w) = if c != 0 {
            (128, c)
        } else if b != 0 {
            (64, b)
        } else if a != 0 {
            (0, a)
        } else {
            return None;
        };
        u8::try_from(base + 63 - w.leading_zeros() as usize).ok()
    }
}

/// Values keyed by prefix, queried by longest match, by every match, or by containment.
#[derive(Debug, Clone)]
pub(crate) struct PrefixIndex<T> {
    map: FastMap<PKey, Values<T>>,
    sorted: Vec<IpNet>,
    lengths_v4: LenSet,
    lengths_v6: LenSet,
}

impl<T> Default for PrefixIndex<T> {
    fn default() -> Self {
        Self {
            map: FastMap::default(),
            sorted: Vec::new(),
            lengths_v4: LenSet::default(),
            lengths_v6: LenSet::default(),
        }
    }
}

impl<T: Copy> PrefixIndex<T> {
    /// Adds `value` under `prefix`. Call [`PrefixIndex::finish`] before querying.
    pub(crate) fn insert(&mut self, prefix: IpNet, value: T) {
        let prefix = prefix.trunc();
        match self.map.entry(key(prefix, prefix.prefix_len())) {
            std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().rest.push(value),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Values {
                    first: value,
                    rest: Vec::new(),
                });
                self.sorted.push(prefix);
            }
        }
    }

    pub(crate) fn finish(&mut self) {
        self.sorted
            .sort_unstable_by_key(|p| (p.network(), p.prefix_len()));
        for p in &self.sorted {
            match p {
                IpNet::V4(_) => self.lengths_v4.insert(p.prefix_len()),
                IpNet::V6(_) => self.lengths_v6.insert(p.prefix_len()),
            }
        }
        for v in self.map.values_mut() {
            v.rest.shrink_to_fit();
        }
    }

    fn lengths(&self, p: IpNet) -> LenSet {
        match p {
            IpNet::V4(_) => self.lengths_v4,
            IpNet::V6(_) => self.lengths_v6,
        }
    }

    /// The longest stored prefix length in `p`'s family (0 when there is none).
    pub(crate) fn max_len(&self, p: IpNet) -> u8 {
        self.lengths(p).max().unwrap_or(0)
    }

    fn get(&self, p: IpNet, len: u8) -> Option<(IpNet, &Values<T>)> {
        let k = key(p, len);
        self.map.get(&k).map(|v| (k.net(), v))
    }

    /// Every stored prefix that contains `p` (shortest first), with its values.
    #[cfg(test)]
    pub(crate) fn containing(&self, p: IpNet) -> impl Iterator<Item = (IpNet, &Values<T>)> + '_ {
        self.lengths(p)
            .up_to(p.prefix_len())
            .filter_map(move |l| self.get(p, l))
    }

    /// The values of every stored prefix that contains `p` (shortest first):
    /// [`PrefixIndex::containing`] without making each prefix.
    pub(crate) fn containing_values(&self, p: IpNet) -> impl Iterator<Item = &Values<T>> + '_ {
        self.lengths(p)
            .up_to(p.prefix_len())
            .filter_map(move |l| self.map.get(&key(p, l)))
    }

    /// Calls `f` with the values of every stored prefix that contains `p`, shortest first:
    /// [`PrefixIndex::containing_values`] as a plain loop over the set bits of the lengths.
    pub(crate) fn each_containing(&self, p: IpNet, mut f: impl FnMut(&Values<T>)) {
        let words = self.lengths(p).below_or_at(p.prefix_len());
        for (i, mut w) in words.into_iter().enumerate() {
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                let Ok(len) = u8::try_from(i * 64 + bit) else {
                    continue;
                };
                if let Some(v) = self.map.get(&key(p, len)) {
                    f(v);
                }
            }
        }
    }

    /// Whether a stored prefix of `p`'s family is longer than `p` (else nothing lies strictly
    /// inside it, and [`PrefixIndex::inside`] need not search).
    pub(crate) fn has_longer(&self, p: IpNet) -> bool {
        self.max_len(p) > p.prefix_len()
    }

    /// The length and values of the longest stored prefix that contains `p`:
    /// [`PrefixIndex::longest`] without making the prefix.
    pub(crate) fn longest_len(&self, p: IpNet) -> Option<(u8, &Values<T>)> {
        // The lengths' set bits, highest first, as a plain loop (no iterator state).
        let words = self.lengths(p).below_or_at(p.prefix_len());
        for (i, mut w) in words.into_iter().enumerate().rev() {
            while w != 0 {
                let bit = 63 - w.leading_zeros() as usize;
                w &= !(1u64 << bit);
                let Ok(len) = u8::try_from(i * 64 + bit) else {
                    continue;
                };
                if let Some(v) = self.map.get(&key(p, len)) {
                    return Some((len, v));
                }
            }
        }
        None
    }

    /// The longest stored prefix that contains `p`.
    pub(crate) fn longest(&self, p: IpNet) -> Option<(IpNet, &Values<T>)> {
        self.lengths(p)
            .down_from(p.prefix_len())
            .find_map(|l| self.get(p, l))
    }

    /// Every stored prefix strictly inside `p`.
    pub(crate) fn inside(&self, p: IpNet) -> impl Iterator<Item = (IpNet, &Values<T>)> + '_ {
        // Nothing lies strictly inside a prefix at least as long as every stored one (a host
        // prefix, say): skip the search.
        let start = if self.max_len(p) <= p.prefix_len() {
            self.sorted.len()
        } else {
            self.sorted.partition_point(|q| q.network() < p.network())
        };
        self.sorted
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |q| p.contains(&q.network()))
            .filter(move |q| {
                q.prefix_len() > p.prefix_len() && q.network().is_ipv4() == p.network().is_ipv4()
            })
            .filter_map(|q| self.get(*q, q.prefix_len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn length_sets() {
        let mut s = LenSet::default();
        assert_eq!(s.max(), None);
        for l in [0, 24, 32, 64, 128] {
            s.insert(l);
        }
        assert_eq!(s.max(), Some(128));
        assert_eq!(s.up_to(32).collect::<Vec<_>>(), [0, 24, 32]);
        assert_eq!(s.down_from(100).collect::<Vec<_>>(), [64, 32, 24, 0]);
        assert_eq!(s.up_to(128).collect::<Vec<_>>(), [0, 24, 32, 64, 128]);
        assert_eq!(s.down_from(128).collect::<Vec<_>>(), [128, 64, 32, 24, 0]);
        assert_eq!(s.up_to(63).collect::<Vec<_>>(), [0, 24, 32]);
        assert_eq!(s.up_to(64).collect::<Vec<_>>(), [0, 24, 32, 64]);
        assert_eq!(s.down_from(0).collect::<Vec<_>>(), [0]);
        assert_eq!(s.up_to(23).collect::<Vec<_>>(), [0]);
    }

    proptest::proptest! {
        /// The plain loops (`longest_len`, `each_containing`, `has_longer`) answer what the
        /// iterators over the lengths (`longest`, `containing_values`, `max_len`) do.
        #[test]
        fn plain_loops_agree_with_the_iterators(
            stored in proptest::collection::vec((proptest::prelude::any::<u32>(), 0u8..=32, proptest::prelude::any::<bool>()), 0..24),
            probe in proptest::prelude::any::<u32>(),
            probe_len in 0u8..=32,
            probe_v6 in proptest::prelude::any::<bool>(),
        ) {
            let net = |a: u32, l: u8, v6: bool| {
                if v6 {
                    let a = std::net::Ipv6Addr::from(u128::from(a) << 96);
                    IpNet::V6(ipnet::Ipv6Net::new(a, l * 4).unwrap().trunc())
                } else {
                    IpNet::V4(ipnet::Ipv4Net::new(a.into(), l).unwrap().trunc())
                }
            };
            let mut ix = PrefixIndex::default();
            for (i, (a, l, v6)) in stored.iter().enumerate() {
                ix.insert(net(*a, *l, *v6), i);
            }
            ix.finish();
            let q = net(probe, probe_len, probe_v6);
            let slow = ix.longest(q).map(|(n, v)| (n.prefix_len(), v.iter().collect::<Vec<_>>()));
            let fast = ix.longest_len(q).map(|(l, v)| (l, v.iter().collect::<Vec<_>>()));
            proptest::prop_assert_eq!(fast, slow);
            let slow: Vec<Vec<usize>> = ix.containing_values(q).map(|v| v.iter().collect()).collect();
            let mut fast: Vec<Vec<usize>> = Vec::new();
            ix.each_containing(q, |v| {
                let mut out = Vec::new();
                v.extend_into(&mut out);
                fast.push(out);
            });
            proptest::prop_assert_eq!(fast, slow);
            proptest::prop_assert_eq!(ix.has_longer(q), ix.inside(q).next().is_some() || ix.max_len(q) > q.prefix_len());
            proptest::prop_assert_eq!(ix.lengths(q).max(), ix.lengths(q).down_from(128).next());
        }
    }

    #[test]
    fn longest_match_and_inside() {
        let mut ix = PrefixIndex::default();
        ix.insert(p("0.0.0.0/0"), 0);
        ix.insert(p("10.0.0.0/8"), 1);
        ix.insert(p("10.1.0.0/16"), 2);
        ix.insert(p("10.1.2.0/24"), 3);
        ix.finish();
        assert_eq!(
            ix.longest(p("10.1.2.3/32"))
                .unwrap()
                .1
                .iter()
                .collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(
            ix.longest(p("10.9.0.0/16"))
                .unwrap()
                .1
                .iter()
                .collect::<Vec<_>>(),
            [1]
        );
        assert_eq!(
            ix.longest(p("192.168.0.0/16"))
                .unwrap()
                .1
                .iter()
                .collect::<Vec<_>>(),
            [0]
        );
        assert_eq!(ix.containing(p("10.1.2.0/24")).count(), 4);
        let inside: Vec<_> = ix
            .inside(p("10.0.0.0/8"))
            .map(|(q, _)| q.to_string())
            .collect();
        assert_eq!(inside, ["10.1.0.0/16", "10.1.2.0/24"]);
        assert!(ix.longest(p("::1/128")).is_none());
    }
}
