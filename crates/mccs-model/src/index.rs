//! Look-ups by name over a topology, built once: hash maps instead of the scans of
//! [`Topology`]'s own look-up methods.

// Seeded at random per map and per process, as the standard hasher, at a fraction of its cost
// for short keys (request building looks firewalls, environments and objects up per row).
use foldhash::{HashMap, HashMapExt};

use crate::ident::{EnvRef, LicensePlate};
use crate::topology::{
    Channel, Endpoint, ExternalNetwork, Firewall, FirewallObject, NamedService, ProjectSet,
    Topology, VirtualNetwork, Zone,
};

/// Every named element of a [`Topology`], indexed by name once (in time linear in the
/// document), so that each look-up is a hash probe instead of a scan of a list.
///
/// [`Topology::object`], [`Topology::firewall`] and the other look-up methods of `Topology`
/// scan their list, which is fine for one look-up but quadratic when made per rule, per flow
/// or per object of a large estate. Build an `Index` once and ask it instead: each method
/// answers exactly what the `Topology` method of the same name answers, including for a name
/// used twice (the first in document order; validation reports the duplicate).
///
/// ```
/// use mccs_model::Index;
///
/// let t = mccs_model::examples::reference();
/// let index = Index::new(&t);
/// let prod = "abc123-prod".parse()?;
/// assert_eq!(index.environment(&prod), t.environment(&prod));
/// assert_eq!(index.object("CITZ_ORACLE_DB"), t.object("CITZ_ORACLE_DB"));
/// assert_eq!(index.object_position("CITZ_ORACLE_DB").and_then(|i| t.objects.get(i)), t.object("CITZ_ORACLE_DB"));
/// assert!(index.firewall("no-such-firewall").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Index<'a> {
    topology: &'a Topology,
    firewalls: HashMap<&'a str, &'a Firewall>,
    channels: HashMap<&'a str, &'a Channel>,
    project_sets: HashMap<LicensePlate, &'a ProjectSet>,
    objects: HashMap<&'a str, usize>,
    services: HashMap<&'a str, &'a NamedService>,
    zones: HashMap<&'a str, &'a Zone>,
    endpoints: HashMap<&'a str, (&'a Zone, &'a Endpoint)>,
    external_networks: HashMap<&'a str, &'a ExternalNetwork>,
}

/// Indexes `items` by `key`, keeping the first of each key (what a front-to-back scan finds).
fn first_by<'a, K, T, V>(
    items: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
    value: impl Fn(T) -> V,
) -> HashMap<K, V>
where
    K: std::hash::Hash + Eq + 'a,
{
    let items = items.into_iter();
    let mut map = HashMap::with_capacity(items.size_hint().0);
    for item in items {
        map.entry(key(&item)).or_insert_with(|| value(item));
    }
    map
}

impl<'a> Index<'a> {
    /// Indexes every named element of `topology`.
    pub fn new(topology: &'a Topology) -> Self {
        let zones = topology.zones();
        Self {
            topology,
            firewalls: first_by(&topology.firewalls, |f| f.name.as_str(), |f| f),
            channels: first_by(&topology.channels, |c| c.name.as_str(), |c| c),
            project_sets: first_by(&topology.project_sets, |p| p.license_plate, |p| p),
            objects: first_by(
                topology.objects.iter().enumerate(),
                |(_, o)| o.name().as_str(),
                |(i, _)| i,
            ),
            services: first_by(&topology.services, |s| s.name.as_str(), |s| s),
            zones: first_by(zones, |z| z.name.as_str(), |z| z),
            endpoints: first_by(
                zones
                    .iter()
                    .flat_map(|z| z.endpoints.iter().map(move |e| (z, e))),
                |(_, e)| e.name.as_str(),
                |ze| ze,
            ),
            external_networks: first_by(&topology.external_networks, |n| n.name.as_str(), |n| n),
        }
    }

    /// The topology this index was built from.
    pub fn topology(&self) -> &'a Topology {
        self.topology
    }

    /// The firewall called `name` ([`Topology::firewall`]).
    pub fn firewall(&self, name: &str) -> Option<&'a Firewall> {
        self.firewalls.get(name).copied()
    }

    /// The channel called `name` ([`Topology::channel`]).
    pub fn channel(&self, name: &str) -> Option<&'a Channel> {
        self.channels.get(name).copied()
    }

    /// The Project Set with this license plate ([`Topology::project_set`]).
    pub fn project_set(&self, plate: &LicensePlate) -> Option<&'a ProjectSet> {
        self.project_sets.get(plate).copied()
    }

    /// The VPC/VNet of one Project Set environment, with its Project Set
    /// ([`Topology::environment`]).
    pub fn environment(&self, r: &EnvRef) -> Option<(&'a ProjectSet, &'a VirtualNetwork)> {
        let ps = self.project_set(&r.license_plate)?;
        ps.environments.get(&r.environment).map(|n| (ps, n))
    }

    /// The firewall object called `name` ([`Topology::object`]).
    pub fn object(&self, name: &str) -> Option<&'a FirewallObject> {
        let topology = self.topology;
        self.object_position(name)
            .and_then(|i| topology.objects.get(i))
    }

    /// The position in `objects` of the firewall object called `name` (the first, if the name
    /// is used twice).
    pub fn object_position(&self, name: &str) -> Option<usize> {
        self.objects.get(name).copied()
    }

    /// The named service called `name` ([`Topology::service`]).
    pub fn service(&self, name: &str) -> Option<&'a NamedService> {
        self.services.get(name).copied()
    }

    /// The on-prem zone called `name` ([`Topology::zone`]).
    pub fn zone(&self, name: &str) -> Option<&'a Zone> {
        self.zones.get(name).copied()
    }

    /// The on-prem endpoint called `name`, with its zone ([`Topology::endpoint`]).
    pub fn endpoint(&self, name: &str) -> Option<(&'a Zone, &'a Endpoint)> {
        self.endpoints.get(name).copied()
    }

    /// The external network called `name` ([`Topology::external_network`]).
    pub fn external_network(&self, name: &str) -> Option<&'a ExternalNetwork> {
        self.external_networks.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers what the scans answer, for every name of the reference topology, a
    /// name used twice, and an unknown name.
    #[test]
    fn the_index_answers_what_the_scans_answer() {
        let mut t = crate::examples::reference();
        // A second object and a second endpoint with names already taken: the first wins.
        if let Some(o) = t.objects.first().cloned() {
            t.objects.push(o);
        }
        if let Some(op) = t.on_prem.as_mut()
            && let Some(e) = op.zones.first().and_then(|z| z.endpoints.first()).cloned()
            && let Some(last) = op.zones.last_mut()
        {
            last.endpoints.push(e);
        }
        let index = Index::new(&t);
        let mut names: Vec<String> = vec!["nothing-by-this-name".to_owned()];
        names.extend(t.firewalls.iter().map(|f| f.name.to_string()));
        names.extend(t.channels.iter().map(|c| c.name.to_string()));
        names.extend(t.objects.iter().map(|o| o.name().to_string()));
        names.extend(t.services.iter().map(|s| s.name.to_string()));
        names.extend(t.external_networks.iter().map(|x| x.name.to_string()));
        for z in t.zones() {
            names.push(z.name.to_string());
            names.extend(z.endpoints.iter().map(|e| e.name.to_string()));
        }
        for n in &names {
            let n = n.as_str();
            assert!(std::ptr::eq(
                index.firewall(n).map_or(std::ptr::null(), |x| x),
                t.firewall(n).map_or(std::ptr::null(), |x| x)
            ));
            assert!(std::ptr::eq(
                index.object(n).map_or(std::ptr::null(), |x| x),
                t.object(n).map_or(std::ptr::null(), |x| x)
            ));
            assert!(std::ptr::eq(
                index.endpoint(n).map_or(std::ptr::null(), |x| x.1),
                t.endpoint(n).map_or(std::ptr::null(), |x| x.1)
            ));
            assert_eq!(index.channel(n), t.channel(n));
            assert_eq!(index.service(n), t.service(n));
            assert_eq!(index.zone(n), t.zone(n));
            assert_eq!(index.external_network(n), t.external_network(n));
        }
        for (r, _, _) in t.environments() {
            assert_eq!(index.environment(&r), t.environment(&r));
            assert_eq!(
                index.project_set(&r.license_plate),
                t.project_set(&r.license_plate)
            );
        }
    }
}
