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

/// A prefix as a hash key: its masked bits, its length and its family, hashed in two words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PKey {
    bits: u128,
    len: u8,
    v4: bool,
}

impl std::hash::Hash for PKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Truncation is the point: the two halves of the bits go in two words.
        #[allow(clippy::cast_possible_truncation)]
        let (lo, hi) = (self.bits as u64, (self.bits >> 64) as u64);
        state.write_u64(lo);
        state.write_u64(hi ^ (u64::from(self.len) << 1) ^ u64::from(self.v4));
    }
}

/// The key of `p`'s supernet of length `len` (`len` at most `p`'s length).
fn key(p: IpNet, len: u8) -> PKey {
    match p {
        IpNet::V4(n) => {
            let a = u32::from(n.addr());
            let mask = u32::MAX
                .checked_shl(32 - u32::from(len.min(32)))
                .unwrap_or(0);
            PKey {
                bits: u128::from(a & mask),
                len,
                v4: true,
            }
        }
        IpNet::V6(n) => {
            let a = u128::from(n.addr());
            let mask = u128::MAX
                .checked_shl(128 - u32::from(len.min(128)))
                .unwrap_or(0);
            PKey {
                bits: a & mask,
                len,
                v4: false,
            }
        }
    }
}

/// Values keyed by prefix, queried by longest match, by every match, or by containment.
#[derive(Debug, Clone)]
pub(crate) struct PrefixIndex<T> {
    map: FastMap<PKey, (IpNet, Vec<T>)>,
    sorted: Vec<IpNet>,
    lengths_v4: Vec<u8>,
    lengths_v6: Vec<u8>,
}

impl<T> Default for PrefixIndex<T> {
    fn default() -> Self {
        Self {
            map: FastMap::default(),
            sorted: Vec::new(),
            lengths_v4: Vec::new(),
            lengths_v6: Vec::new(),
        }
    }
}

impl<T> PrefixIndex<T> {
    /// Adds `value` under `prefix`. Call [`PrefixIndex::finish`] before querying.
    pub(crate) fn insert(&mut self, prefix: IpNet, value: T) {
        let prefix = prefix.trunc();
        let entry = self
            .map
            .entry(key(prefix, prefix.prefix_len()))
            .or_insert_with(|| (prefix, Vec::new()));
        if entry.1.is_empty() {
            self.sorted.push(prefix);
        }
        entry.1.push(value);
    }

    pub(crate) fn finish(&mut self) {
        self.sorted
            .sort_unstable_by_key(|p| (p.network(), p.prefix_len()));
        let mut v4 = [false; 33];
        let mut v6 = [false; 129];
        for p in &self.sorted {
            let slot = match p {
                IpNet::V4(_) => v4.get_mut(usize::from(p.prefix_len())),
                IpNet::V6(_) => v6.get_mut(usize::from(p.prefix_len())),
            };
            if let Some(s) = slot {
                *s = true;
            }
        }
        self.lengths_v4 = (0u8..=32)
            .filter(|l| v4.get(usize::from(*l)) == Some(&true))
            .collect();
        self.lengths_v6 = (0u8..=128)
            .filter(|l| v6.get(usize::from(*l)) == Some(&true))
            .collect();
    }

    fn lengths(&self, p: IpNet) -> &[u8] {
        match p {
            IpNet::V4(_) => &self.lengths_v4,
            IpNet::V6(_) => &self.lengths_v6,
        }
    }

    /// The longest stored prefix length in `p`'s family (0 when there is none).
    pub(crate) fn max_len(&self, p: IpNet) -> u8 {
        self.lengths(p).last().copied().unwrap_or(0)
    }

    fn get(&self, p: IpNet, len: u8) -> Option<(IpNet, &[T])> {
        self.map.get(&key(p, len)).map(|(q, v)| (*q, v.as_slice()))
    }

    /// Every stored prefix that contains `p` (shortest first), with its values.
    pub(crate) fn containing(&self, p: IpNet) -> impl Iterator<Item = (IpNet, &[T])> + '_ {
        self.lengths(p)
            .iter()
            .take_while(move |l| **l <= p.prefix_len())
            .filter_map(move |&l| self.get(p, l))
    }

    /// The longest stored prefix that contains `p`.
    pub(crate) fn longest(&self, p: IpNet) -> Option<(IpNet, &[T])> {
        self.lengths(p)
            .iter()
            .rev()
            .filter(|l| **l <= p.prefix_len())
            .find_map(|&l| self.get(p, l))
    }

    /// Every stored prefix strictly inside `p`.
    pub(crate) fn inside(&self, p: IpNet) -> impl Iterator<Item = (IpNet, &[T])> + '_ {
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
    fn longest_match_and_inside() {
        let mut ix = PrefixIndex::default();
        ix.insert(p("0.0.0.0/0"), 0);
        ix.insert(p("10.0.0.0/8"), 1);
        ix.insert(p("10.1.0.0/16"), 2);
        ix.insert(p("10.1.2.0/24"), 3);
        ix.finish();
        assert_eq!(ix.longest(p("10.1.2.3/32")).unwrap().1, &[3]);
        assert_eq!(ix.longest(p("10.9.0.0/16")).unwrap().1, &[1]);
        assert_eq!(ix.longest(p("192.168.0.0/16")).unwrap().1, &[0]);
        assert_eq!(ix.containing(p("10.1.2.0/24")).count(), 4);
        let inside: Vec<_> = ix
            .inside(p("10.0.0.0/8"))
            .map(|(q, _)| q.to_string())
            .collect();
        assert_eq!(inside, ["10.1.0.0/16", "10.1.2.0/24"]);
        assert!(ix.longest(p("::1/128")).is_none());
    }
}
