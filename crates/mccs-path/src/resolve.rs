//! From names in the document to address and service sets.

use std::collections::HashMap;

use mccs_model::{AddressRef, FirewallObject, ServiceRef, Topology};

use crate::addrset::AddrSet;
use crate::svcset::SvcSet;

/// Resolves object names (groups included, cycle-safe) and service names once, up front.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolver {
    objects: HashMap<String, AddrSet>,
    services: HashMap<String, SvcSet>,
}

impl Resolver {
    pub(crate) fn new(t: &Topology) -> Self {
        let index = mccs_model::Index::new(t);
        // An object that cannot be resolved (an unknown member, a cycle, nesting past the
        // limit) matches nothing: validation reports it, and no address is guessed for it.
        let mut objects = HashMap::with_capacity(t.objects.len());
        for (o, set) in t.objects.iter().zip(object_sets(t, &index)) {
            objects
                .entry(o.name().to_string())
                .or_insert_with(|| set.unwrap_or_default());
        }
        let services = t
            .services
            .iter()
            .map(|s| (s.name.to_string(), SvcSet::from_services(&s.services)))
            .collect();
        Self { objects, services }
    }

    /// The addresses of an object (empty when unknown: validation reports unknown names).
    pub(crate) fn object(&self, name: &str) -> Option<&AddrSet> {
        self.objects.get(name)
    }

    pub(crate) fn address_refs(&self, refs: &[AddressRef]) -> AddrSet {
        let mut prefixes = Vec::new();
        let mut sets = Vec::new();
        for r in refs {
            match r {
                AddressRef::Any => return AddrSet::any(),
                AddressRef::Prefix(p) => prefixes.push(p.trunc()),
                AddressRef::Object(n) => sets.extend(self.objects.get(n.as_str())),
            }
        }
        let literal = AddrSet::from_prefixes(prefixes);
        // One merge for all of them: a rule naming many objects costs linear time, not quadratic.
        AddrSet::union_all(sets.into_iter().chain(std::iter::once(&literal)))
    }

    pub(crate) fn service_refs(&self, refs: &[ServiceRef]) -> SvcSet {
        let mut out = SvcSet::default();
        for r in refs {
            let s = match r {
                ServiceRef::Literal(s) => SvcSet::from_services(std::slice::from_ref(s)),
                ServiceRef::Named(n) => self.services.get(n.as_str()).cloned().unwrap_or_default(),
            };
            out = out.union(&s);
        }
        out
    }
}

/// The address set of every topology object (by position), `None` when it cannot be resolved
/// (an unknown member, a cycle, groups nested deeper than [`mccs_model::MAX_GROUP_DEPTH`]). A
/// name used twice is resolved as its first object (what `Topology::object` finds).
///
/// Each object is expanded once, without recursion, and a group's set is built in one pass over
/// its members' sets, so the cost is linear in the objects and their members: a group is
/// `None` when a member is, and when its nesting height (1 + its highest member's, 0 for an
/// address object or an empty group) passes the limit.
pub fn object_sets(t: &Topology, index: &mccs_model::Index<'_>) -> Vec<Option<AddrSet>> {
    const UNSEEN: u8 = 0;
    const ON_STACK: u8 = 1;
    const DONE: u8 = 2;
    let n = t.objects.len();
    let mut state = vec![UNSEEN; n];
    let mut height = vec![0usize; n];
    let mut sets: Vec<Option<AddrSet>> = vec![None; n];
    let members_of = |i: usize| -> &[mccs_model::Name] {
        match t.objects.get(i) {
            Some(FirewallObject::Group { members, .. }) => members,
            _ => &[],
        }
    };
    for start in 0..n {
        if state.get(start) != Some(&UNSEEN) {
            continue;
        }
        if let Some(s) = state.get_mut(start) {
            *s = ON_STACK;
        }
        // (object, next member to look at)
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(m) = members_of(node).get(*next) {
                *next += 1;
                // Done, on the stack (a cycle) or unknown: judged when `node` is finished.
                if let Some(c) = index.object_position(m.as_str())
                    && state.get(c) == Some(&UNSEEN)
                {
                    if let Some(s) = state.get_mut(c) {
                        *s = ON_STACK;
                    }
                    stack.push((c, 0));
                }
                continue;
            }
            let result = match t.objects.get(node) {
                Some(FirewallObject::Group { members, .. }) => {
                    let mut h = 0;
                    let mut parts = Vec::with_capacity(members.len());
                    for m in members {
                        let done = index
                            .object_position(m.as_str())
                            .filter(|c| state.get(*c) == Some(&DONE));
                        match done.and_then(|c| Some((sets.get(c)?.as_ref()?, height.get(c)?))) {
                            Some((set, mh)) => {
                                h = h.max(mh + 1);
                                parts.push(set);
                            }
                            // An unknown member, a member on the stack (a cycle) or one that
                            // cannot be resolved.
                            None => {
                                h = usize::MAX;
                                break;
                            }
                        }
                    }
                    (h <= mccs_model::MAX_GROUP_DEPTH).then(|| {
                        if let Some(slot) = height.get_mut(node) {
                            *slot = h;
                        }
                        AddrSet::union_all(parts)
                    })
                }
                Some(o) => Some(AddrSet::from_prefixes(
                    o.own_prefixes().into_iter().map(|p| p.trunc()),
                )),
                None => None,
            };
            if let Some(slot) = sets.get_mut(node) {
                *slot = result;
            }
            if let Some(s) = state.get_mut(node) {
                *s = DONE;
            }
            stack.pop();
        }
    }
    // A repeated name stands for its first object.
    for i in 0..n {
        let first = t
            .objects
            .get(i)
            .and_then(|o| index.object_position(o.name().as_str()));
        if let Some(f) = first
            && f != i
        {
            let set = sets.get(f).cloned().flatten();
            if let Some(slot) = sets.get_mut(i) {
                *slot = set;
            }
        }
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;
    use mccs_model::{Index, Name};
    use std::net::{IpAddr, Ipv4Addr};

    /// The definition `object_sets` must agree with: recursive expansion by name, `None` past
    /// the depth limit, for an unknown member or in a cycle.
    fn by_recursion(t: &Topology, name: &str, depth: usize) -> Option<AddrSet> {
        if depth > mccs_model::MAX_GROUP_DEPTH {
            return None;
        }
        match t.object(name)? {
            FirewallObject::Group { members, .. } => {
                let mut set = AddrSet::new();
                for m in members {
                    set = set.union(&by_recursion(t, m.as_str(), depth + 1)?);
                }
                Some(set)
            }
            o => Some(AddrSet::from_prefixes(
                o.own_prefixes().into_iter().map(|p| p.trunc()),
            )),
        }
    }

    fn name(s: &str) -> Name {
        s.parse()
            .unwrap_or_else(|_| unreachable!("valid test name {s}"))
    }

    fn group(n: &str, members: &[&str]) -> FirewallObject {
        FirewallObject::Group {
            name: name(n),
            members: members.iter().map(|m| name(m)).collect(),
            published_by: None,
            description: None,
        }
    }

    fn host(n: &str, last: u8) -> FirewallObject {
        FirewallObject::Host {
            name: name(n),
            address: IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)),
            published_by: None,
            description: None,
        }
    }

    #[test]
    fn object_sets_agree_with_recursive_expansion() {
        let mut t = Topology::new();
        t.objects.push(host("H1", 1));
        t.objects.push(host("H2", 2));
        // A chain just within the limit and one group past it.
        t.objects.push(group("C0", &["H1"]));
        for i in 1..=mccs_model::MAX_GROUP_DEPTH {
            let (n, m) = (format!("C{i}"), format!("C{}", i - 1));
            t.objects.push(group(&n, &[m.as_str()]));
        }
        // A diamond, a cycle, a group reaching the cycle, an unknown member, an empty group, a
        // repeated member, and a name used twice (the first one counts).
        t.objects.push(group("D", &["E", "F"]));
        t.objects.push(group("E", &["H1"]));
        t.objects.push(group("F", &["H2", "E"]));
        t.objects.push(group("X", &["Y", "H1"]));
        t.objects.push(group("Y", &["X"]));
        t.objects.push(group("Z", &["H2", "Y"]));
        t.objects.push(group("U", &["H1", "NOPE"]));
        t.objects.push(group("EMPTY", &[]));
        t.objects.push(group("TWICE", &["H2", "H2", "EMPTY"]));
        t.objects.push(host("E", 9));
        let index = Index::new(&t);
        let got = object_sets(&t, &index);
        let want: Vec<Option<AddrSet>> = t
            .objects
            .iter()
            .map(|o| by_recursion(&t, o.name().as_str(), 0))
            .collect();
        assert_eq!(got, want);
        // The limit is where it should be: the 32nd group holds the host, the 33rd nothing.
        let at = |n: &str| index.object_position(n).and_then(|i| got.get(i).cloned());
        assert!(at("C31").flatten().is_some());
        assert_eq!(at("C32"), Some(None));
        assert_eq!(at("Z"), Some(None));
    }

    #[test]
    fn a_chain_of_25000_groups_resolves_without_recursion_to_the_depth_limit() {
        let mut t = Topology::new();
        t.objects.push(host("H", 1));
        t.objects.push(group("G0", &["H"]));
        for i in 1..25_000 {
            let (n, m) = (format!("G{i}"), format!("G{}", i - 1));
            t.objects.push(group(&n, &[m.as_str()]));
        }
        let r = Resolver::new(&t);
        // Within the limit the host is reached; past it, nothing is (validation reports it).
        assert_eq!(
            r.object("G30").map(ToString::to_string).as_deref(),
            Some("10.0.0.1/32")
        );
        assert_eq!(r.object("G24999").map(AddrSet::is_empty), Some(true));
    }

    #[test]
    fn a_wide_group_resolves_in_one_merge_and_a_cycle_matches_nothing() {
        let mut t = Topology::new();
        let members: Vec<String> = (0..20_000).map(|i| format!("W{i}")).collect();
        for (i, m) in members.iter().enumerate() {
            t.objects.push(FirewallObject::Host {
                name: name(m),
                address: IpAddr::V4(Ipv4Addr::from(
                    0x0a00_0000u32 + 2 * u32::try_from(i).unwrap_or(0),
                )),
                published_by: None,
                description: None,
            });
        }
        let wide: Vec<&str> = members.iter().map(String::as_str).collect();
        t.objects.push(group("A", &wide));
        t.objects.push(group("X", &["Y", "W0"]));
        t.objects.push(group("Y", &["X"]));
        let r = Resolver::new(&t);
        assert_eq!(r.object("A").map(AddrSet::interval_count), Some(20_000));
        assert_eq!(r.object("X").map(AddrSet::is_empty), Some(true));
        assert_eq!(r.object("Y").map(AddrSet::is_empty), Some(true));
    }
}
