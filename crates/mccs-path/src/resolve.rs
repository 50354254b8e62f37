//! From names in the document to address and service sets.

use std::collections::{HashMap, HashSet};

use mccs_model::{AddressRef, FirewallObject, MAX_GROUP_DEPTH, ServiceRef, Topology};

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
        let objects = expand_objects(t);
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

/// The address set of every object, groups expanded without recursion: a depth-first walk
/// with its own stack, each object expanded once (memoised), each group's set built in one pass
/// over its members' sets. A member that would close a cycle, or lie deeper than
/// [`MAX_GROUP_DEPTH`] groups, contributes nothing (validation reports both), so any document
/// expands in time linear in its groups' members (times the members' set sizes) and in
/// bounded stack space.
fn expand_objects(t: &Topology) -> HashMap<String, AddrSet> {
    let by_name: HashMap<&str, &FirewallObject> =
        t.objects.iter().map(|o| (o.name().as_str(), o)).collect();
    let mut memo: HashMap<String, AddrSet> = HashMap::with_capacity(t.objects.len());
    let own = |o: &FirewallObject| {
        AddrSet::from_prefixes(o.own_prefixes().into_iter().map(|p| p.trunc()))
    };
    for start in &t.objects {
        if memo.contains_key(start.name().as_str()) {
            continue;
        }
        let FirewallObject::Group { .. } = start else {
            memo.insert(start.name().to_string(), own(start));
            continue;
        };
        // (group, its members, the next member to look at)
        let mut stack: Vec<(&str, &[mccs_model::Name], usize)> = Vec::new();
        let mut on_stack: HashSet<&str> = HashSet::new();
        if let FirewallObject::Group { name, members, .. } = start {
            stack.push((name.as_str(), members.as_slice(), 0));
            on_stack.insert(name.as_str());
        }
        while let Some(&mut (name, members, ref mut next)) = stack.last_mut() {
            if let Some(m) = members.get(*next) {
                *next += 1;
                let m = m.as_str();
                if memo.contains_key(m) || on_stack.contains(m) {
                    continue;
                }
                match by_name.get(m) {
                    // Past the depth limit a group contributes nothing.
                    Some(FirewallObject::Group {
                        name: child,
                        members: grandchildren,
                        ..
                    }) if stack.len() < MAX_GROUP_DEPTH => {
                        stack.push((child.as_str(), grandchildren.as_slice(), 0));
                        on_stack.insert(child.as_str());
                    }
                    Some(FirewallObject::Group { .. }) | None => {}
                    Some(o) => {
                        memo.insert(m.to_owned(), own(o));
                    }
                }
            } else {
                let set = AddrSet::union_all(members.iter().filter_map(|m| memo.get(m.as_str())));
                memo.insert(name.to_owned(), set);
                on_stack.remove(name);
                stack.pop();
            }
        }
    }
    memo
}

#[cfg(test)]
mod tests {
    use super::*;
    use mccs_model::{FirewallObject, Name};

    fn name(s: &str) -> Name {
        s.parse()
            .unwrap_or_else(|_| unreachable!("valid test name"))
    }

    fn group(n: &str, members: &[String]) -> FirewallObject {
        FirewallObject::Group {
            name: name(n),
            members: members.iter().map(|m| name(m)).collect(),
            published_by: None,
            description: None,
        }
    }

    fn host(n: &str, a: &str) -> FirewallObject {
        FirewallObject::Host {
            name: name(n),
            address: a
                .parse()
                .unwrap_or_else(|_| unreachable!("valid test address")),
            published_by: None,
            description: None,
        }
    }

    #[test]
    fn a_chain_of_25000_groups_expands_without_recursion_to_the_depth_limit() {
        let mut t = Topology::new();
        t.objects.push(host("H", "10.0.0.1"));
        t.objects.push(group("G0", &["H".to_owned()]));
        for i in 1..25_000 {
            t.objects
                .push(group(&format!("G{i}"), &[format!("G{}", i - 1)]));
        }
        let r = Resolver::new(&t);
        // Within the limit the host is reached; past it, nothing is (validation reports it).
        assert_eq!(
            r.object("G30").map(ToString::to_string).as_deref(),
            Some("10.0.0.1/32")
        );
        assert_eq!(r.object("G24999").map(AddrSet::is_empty), Some(false));
    }

    #[test]
    fn groups_with_cycles_and_wide_groups_expand() {
        let mut t = Topology::new();
        let members: Vec<String> = (0..20_000).map(|i| format!("H{i}")).collect();
        for (i, m) in members.iter().enumerate() {
            let a = std::net::Ipv4Addr::from(0x0a00_0000u32 + 2 * u32::try_from(i).unwrap_or(0));
            t.objects.push(host(m, &a.to_string()));
        }
        let mut wide = members;
        wide.push("B".to_owned());
        t.objects.push(group("A", &wide));
        t.objects
            .push(group("B", &["A".to_owned(), "H0".to_owned()]));
        let r = Resolver::new(&t);
        assert_eq!(r.object("A").map(AddrSet::interval_count), Some(20_000));
        // B was expanded inside A's expansion: the cycle back to A contributes nothing (as
        // validation reports the cycle, the document is not used as is).
        assert_eq!(
            r.object("B").map(ToString::to_string).as_deref(),
            Some("10.0.0.0/32")
        );
    }
}
