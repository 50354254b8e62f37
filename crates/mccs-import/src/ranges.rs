//! Address ranges as integer intervals, for overlap checks whose cost grows as `n log n` with the
//! number of ranges (an export or a topology may hold tens of thousands).

use std::collections::BTreeMap;

use ipnet::IpNet;

/// The family (`true` for IPv6) and the first and last address of `net`, as integers.
fn span(net: &IpNet) -> (bool, u128, u128) {
    match net {
        IpNet::V4(n) => (
            false,
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (true, u128::from(n.network()), u128::from(n.broadcast())),
    }
}

/// Ranges that never overlap, each with its owner: a range is added only when it overlaps none.
#[derive(Debug)]
pub(crate) struct Disjoint<T> {
    /// `(v6, first) -> (last, owner)`.
    ranges: BTreeMap<(bool, u128), (u128, T)>,
}

impl<T> Default for Disjoint<T> {
    fn default() -> Self {
        Self {
            ranges: BTreeMap::new(),
        }
    }
}

impl<T> Disjoint<T> {
    /// Adds `net` for `owner`, or returns the owner of a range it overlaps (and adds nothing).
    pub(crate) fn insert(&mut self, net: &IpNet, owner: T) -> Result<(), &T> {
        let (v6, first, last) = span(net);
        // Ranges are disjoint, so only the nearest one starting at or before `first` and the
        // nearest one starting after it can overlap.
        let before = self
            .ranges
            .range(..=(v6, first))
            .next_back()
            .filter(|((f, _), (l, _))| *f == v6 && *l >= first)
            .map(|(k, _)| *k);
        let after = self
            .ranges
            .range((v6, first)..)
            .next()
            .filter(|((f, start), _)| *f == v6 && *start <= last)
            .map(|(k, _)| *k);
        match before.or(after) {
            Some(key) => Err(&self.ranges[&key].1),
            None => {
                self.ranges.insert((v6, first), (last, owner));
                Ok(())
            }
        }
    }
}

/// Fixed ranges that may overlap each other, each with its owner, asked which one a range
/// overlaps: sorted by first address, with the running maximum of the last address.
#[derive(Debug)]
pub(crate) struct Index<T> {
    /// `(v6, first, last, owner)`, sorted.
    ranges: Vec<(bool, u128, u128, T)>,
    /// For each position, the position at or before it whose range ends last (same family).
    reach: Vec<usize>,
}

impl<T> Index<T> {
    /// The index of `ranges`.
    pub(crate) fn new(ranges: impl IntoIterator<Item = (IpNet, T)>) -> Self {
        let mut ranges: Vec<(bool, u128, u128, T)> = ranges
            .into_iter()
            .map(|(net, owner)| {
                let (v6, first, last) = span(&net);
                (v6, first, last, owner)
            })
            .collect();
        ranges.sort_by_key(|r| (r.0, r.1, r.2));
        let mut reach = Vec::with_capacity(ranges.len());
        for (i, r) in ranges.iter().enumerate() {
            let best = match reach.last() {
                Some(&j) if i > 0 => {
                    let prev: &(bool, u128, u128, T) = &ranges[j];
                    if prev.0 == r.0 && prev.2 >= r.2 { j } else { i }
                }
                _ => i,
            };
            reach.push(best);
        }
        Self { ranges, reach }
    }

    /// The owner of a range that overlaps `net`, if any (the one reaching furthest among those
    /// starting at or before `net`'s end).
    pub(crate) fn overlapping(&self, net: &IpNet) -> Option<&T> {
        let (v6, first, last) = span(net);
        let end = self.ranges.partition_point(|r| (r.0, r.1) <= (v6, last));
        let j = *self.reach.get(end.checked_sub(1)?)?;
        let r = &self.ranges[j];
        (r.0 == v6 && r.2 >= first).then_some(&r.3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn disjoint_ranges_refuse_overlaps_on_either_side() {
        let mut d = Disjoint::default();
        assert!(d.insert(&net("10.0.1.0/24"), "a").is_ok());
        assert!(d.insert(&net("10.0.3.0/24"), "b").is_ok());
        assert_eq!(d.insert(&net("10.0.1.128/25"), "c"), Err(&"a"));
        assert_eq!(d.insert(&net("10.0.0.0/22"), "c"), Err(&"a"));
        assert_eq!(d.insert(&net("10.0.2.0/23"), "c"), Err(&"b"));
        assert!(d.insert(&net("10.0.2.0/24"), "c").is_ok());
        // The families never overlap.
        assert!(d.insert(&net("::/0"), "v6").is_ok());
        assert!(d.insert(&net("0.0.0.0/0"), "all").is_err());
    }

    #[test]
    fn index_finds_an_overlap_behind_a_shorter_later_range() {
        let index = Index::new([
            (net("10.0.0.0/16"), 1),
            (net("10.0.5.0/24"), 2),
            (net("10.2.0.0/24"), 3),
            (net("fd00::/48"), 4),
        ]);
        // 10.0.200.0/24 starts after 10.0.5.0/24, which ends before it; the /16 still holds it.
        assert_eq!(index.overlapping(&net("10.0.200.0/24")), Some(&1));
        assert_eq!(index.overlapping(&net("10.2.0.128/25")), Some(&3));
        assert_eq!(index.overlapping(&net("10.1.0.0/24")), None);
        assert_eq!(index.overlapping(&net("9.0.0.0/8")), None);
        assert_eq!(index.overlapping(&net("fd00::1/128")), Some(&4));
        assert_eq!(index.overlapping(&net("fd01::/64")), None);
        // A wide query that covers several ranges finds one of them.
        assert!(index.overlapping(&net("10.0.0.0/8")).is_some());
        // The brute force agrees on a grid of queries.
        let all = [net("10.0.0.0/16"), net("10.0.5.0/24"), net("10.2.0.0/24")];
        for a in 0..4u8 {
            for b in (0..=255u8).step_by(5) {
                let q = net(&format!("10.{a}.{b}.0/24"));
                let brute = all
                    .iter()
                    .any(|n| n.contains(&q.network()) || q.contains(&n.network()));
                assert_eq!(index.overlapping(&q).is_some(), brute, "{q}");
            }
        }
    }
}
