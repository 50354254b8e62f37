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
        let by_name: HashMap<&str, &FirewallObject> =
            t.objects.iter().map(|o| (o.name().as_str(), o)).collect();
        let mut objects = HashMap::with_capacity(t.objects.len());
        for o in &t.objects {
            let mut visiting = Vec::new();
            let set = expand(o, &by_name, &mut objects, &mut visiting);
            objects.insert(o.name().to_string(), set);
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
        let mut out = AddrSet::new();
        for r in refs {
            match r {
                AddressRef::Any => return AddrSet::any(),
                AddressRef::Prefix(p) => prefixes.push(p.trunc()),
                AddressRef::Object(n) => {
                    if let Some(s) = self.objects.get(n.as_str()) {
                        out = out.union(s);
                    }
                }
            }
        }
        out.union(&AddrSet::from_prefixes(prefixes))
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

fn expand(
    o: &FirewallObject,
    by_name: &HashMap<&str, &FirewallObject>,
    memo: &mut HashMap<String, AddrSet>,
    visiting: &mut Vec<String>,
) -> AddrSet {
    if let Some(s) = memo.get(o.name().as_str()) {
        return s.clone();
    }
    match o {
        FirewallObject::Group { name, members, .. } => {
            if visiting.iter().any(|v| v == name.as_str()) {
                return AddrSet::new(); // a cycle: validation reports it; contribute nothing
            }
            visiting.push(name.to_string());
            let mut set = AddrSet::new();
            for m in members {
                if let Some(child) = by_name.get(m.as_str()) {
                    set = set.union(&expand(child, by_name, memo, visiting));
                }
            }
            visiting.pop();
            memo.insert(name.to_string(), set.clone());
            set
        }
        other => AddrSet::from_prefixes(other.own_prefixes().into_iter().map(|p| p.trunc())),
    }
}
