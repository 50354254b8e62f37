//! The Object Table: which object each party's addresses map to (an existing or centrally
//! published object of the topology, or one to create), how an object to create is named, and
//! how its addresses are written.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::rc::Rc;
use std::sync::Arc;

use ipnet::IpNet;
use mccs_model::{EnvRef, FirewallObject, RegionRole};
use mccs_naming::{FormatError, ObjectIdentity, ObjectKind, cidr_label};
use mccs_path::{AddrSet, Party, PrivateLinkSide};

use super::{Builder, Key, KeyView, Resolved, ResolvedList, cidrs, shared_cidrs};
use crate::model::{ObjectStatus, ObjectType};

fn object_type(o: &FirewallObject) -> ObjectType {
    match o {
        FirewallObject::Host { .. } => ObjectType::Host,
        FirewallObject::Network { .. } => ObjectType::Network,
        FirewallObject::Range { .. } => ObjectType::Range,
        FirewallObject::Group { .. } => ObjectType::Group,
    }
}

/// The set as inclusive intervals, IPv4 first.
fn intervals(set: &AddrSet) -> Vec<(IpAddr, IpAddr)> {
    let mut out: Vec<(bool, u128, u128)> = Vec::new();
    for p in set.to_prefixes() {
        let (v4, a, b) = match p {
            IpNet::V4(n) => (
                true,
                u128::from(u32::from(n.network())),
                u128::from(u32::from(n.broadcast())),
            ),
            IpNet::V6(n) => (false, u128::from(n.network()), u128::from(n.broadcast())),
        };
        match out.last_mut() {
            Some(last) if last.0 == v4 && last.2.checked_add(1) == Some(a) => last.2 = b,
            _ => out.push((v4, a, b)),
        }
    }
    let ip = |v4: bool, x: u128| -> IpAddr {
        if v4 {
            IpAddr::V4(Ipv4Addr::from(u32::try_from(x).unwrap_or(u32::MAX)))
        } else {
            IpAddr::V6(Ipv6Addr::from(x))
        }
    };
    out.into_iter()
        .map(|(v4, a, b)| (ip(v4, a), ip(v4, b)))
        .collect()
}

/// The addresses as an object of `kind` is written in a form.
fn display_addresses(kind: ObjectType, set: &AddrSet) -> Vec<String> {
    match kind {
        ObjectType::Host | ObjectType::Range => intervals(set)
            .into_iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect(),
        ObjectType::Network | ObjectType::Group => cidrs(set),
    }
}

fn is_single_address(set: &AddrSet) -> bool {
    matches!(intervals(set).as_slice(), [(a, b)] if a == b)
}

/// A label for an object name made from a topology name: upper case, `_` for anything but
/// letters, digits and `.`.
fn name_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '.' {
            c.to_ascii_uppercase()
        } else {
            '_'
        };
        if !(c == '_' && (out.is_empty() || out.ends_with('_'))) {
            out.push(c);
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "OBJ".to_owned()
    } else {
        out
    }
}

fn prefix_label(p: IpNet) -> String {
    let text = if p.prefix_len() == p.max_prefix_len() {
        p.addr().to_string()
    } else {
        p.to_string()
    };
    cidr_label(&text).map_or_else(|_| name_label(&text), |n| n.to_string())
}

impl<'a> Builder<'a> {
    /// The topology object that holds exactly `set`: the party's own object first (a flow end
    /// that names an object, or the `object` an endpoint names), then a published one, then a
    /// plain object before a group, then document order.
    fn existing(&self, party: &Party, set: &AddrSet) -> Option<&'a FirewallObject> {
        if set.is_empty() {
            return None;
        }
        let t = self.t;
        let own_name = match party {
            Party::Object { name, .. } => Some(name.as_str()),
            Party::Endpoint { name } => self
                .index
                .endpoint(name.as_str())
                .and_then(|(_, e)| e.object.as_ref())
                .map(|o| o.as_str()),
            _ => None,
        };
        if let Some(name) = own_name {
            let own = self.index.object_position(name);
            if let Some(i) = own
                && self.object_sets.get(i).and_then(Option::as_ref) == Some(set)
            {
                return t.objects.get(i);
            }
        }
        self.best_object.get(set).and_then(|i| t.objects.get(*i))
    }

    /// What `party`'s addresses `set` are, in words; `full_env` says whether they are all of
    /// the environment's address space ([`Builder::is_full_env`]).
    fn stands_for(&self, party: &Party, set: &AddrSet, full_env: bool) -> String {
        let t = self.t;
        let index = &self.index;
        match party {
            Party::Environment { env } => {
                let net = index.environment(env);
                match net {
                    Some((ps, _)) => {
                        let what = if full_env {
                            " address space of "
                        } else {
                            " addresses of "
                        };
                        // `VPC address space of abc123-prod (CITZ, Name)`, written into one
                        // buffer (one per object to create).
                        let mut out = String::with_capacity(64);
                        out.push_str(ps.platform.network_noun());
                        out.push_str(what);
                        super::push_env(&mut out, env);
                        out.push_str(" (");
                        out.push_str(ps.ministry.as_str());
                        if let Some(n) = ps.name.as_deref() {
                            out.push_str(", ");
                            out.push_str(n);
                        }
                        out.push(')');
                        out
                    }
                    None => format!("addresses of {env}"),
                }
            }
            Party::Endpoint { name } => match index.endpoint(name.as_str()) {
                Some((zone, e)) => {
                    let desc = e
                        .description
                        .as_deref()
                        .map_or_else(String::new, |d| format!(": {d}"));
                    format!("on-prem endpoint {name} in {}{desc}", zone.name.as_str())
                }
                None => format!("on-prem endpoint {name}"),
            },
            Party::Object { name, .. } => {
                let desc = index
                    .object(name.as_str())
                    .and_then(FirewallObject::description)
                    .map_or_else(String::new, |d| format!(": {d}"));
                format!("firewall object {name}{desc}")
            }
            Party::External { name } => {
                let desc = index
                    .external_network(name.as_str())
                    .and_then(|x| x.description.as_deref())
                    .map_or_else(String::new, |d| format!(": {d}"));
                format!("external network {name}{desc}")
            }
            Party::Zone { name } => {
                let desc = index
                    .zone(name.as_str())
                    .and_then(|z| z.description.as_deref())
                    .map_or_else(String::new, |d| format!(": {d}"));
                format!("on-prem zone {name}{desc}")
            }
            Party::Translated {
                private_link,
                region,
                role,
            } => {
                let what = if *role == PrivateLinkSide::Endpoint {
                    "VPC endpoint"
                } else {
                    "VPC endpoint service"
                };
                let region_role = t
                    .private_links
                    .iter()
                    .find(|p| p.name.as_str() == private_link)
                    .and_then(|p| p.regions.iter().find(|r| *r.region == **region))
                    .map_or("", |r| match r.role {
                        RegionRole::Primary => ", primary region",
                        RegionRole::Dr => ", DR region",
                    });
                format!("private IPs of the {what} of {private_link} in {region}{region_role}")
            }
            Party::Nat { env } => format!(
                "private NAT addresses of {env} (the source of traffic from its secondary ranges)"
            ),
            // A prefix of no one, and any kind of party a later mccs-path adds: its addresses.
            _ => format!("addresses {set}"),
        }
    }

    /// The Project Set environment whose address space holds all of `set`, if any.
    fn owning_env(&self, set: &AddrSet) -> Option<EnvRef> {
        if set.is_empty() {
            return None;
        }
        self.t.project_sets.iter().find_map(|ps| {
            ps.environments.iter().find_map(|(env, vn)| {
                AddrSet::from_prefixes(vn.address_space.iter().map(|p| p.trunc()))
                    .covers(set)
                    .then(|| EnvRef {
                        license_plate: ps.license_plate,
                        environment: env.clone(),
                    })
            })
        })
    }

    /// The objects `party`'s addresses `set` map to.
    ///
    /// Names depend on who owns the addresses, never on which rule asks for them: a VPC/VNet
    /// (or a part of one) is named after its own Project Set environment; endpoints, external
    /// networks and PrivateLink addresses, which no Project Set owns, get owner-independent
    /// names (`MCCS_HOST_<label>`, `MCCS_NET_<label>`), so every request that reaches them
    /// uses one object.
    ///
    /// Takes the pair by value (callers group a rule's addresses by party, which builds it):
    /// the cache keeps it on a miss, and a hit copies nothing.
    pub(super) fn resolve(&mut self, party: Party, set: AddrSet) -> Rc<ResolvedList> {
        let key = Key { party, set };
        if let Some(r) = self.cache.get(&key) {
            return Rc::clone(r);
        }
        self.resolve_new(key)
    }

    /// [`Builder::resolve`] for a borrowed pair: copied only when the cache does not hold it.
    pub(super) fn resolve_ref(&mut self, party: &Party, set: &AddrSet) -> Rc<ResolvedList> {
        if let Some(r) = self.cache.get(&(party, set) as &dyn KeyView) {
            return Rc::clone(r);
        }
        self.resolve_new(Key {
            party: party.clone(),
            set: set.clone(),
        })
    }

    /// Resolves `key`, which the cache does not hold, and caches the answer. An object
    /// resolved before, for another pair, keeps its number and shares its name.
    fn resolve_new(&mut self, key: Key) -> Rc<ResolvedList> {
        let mut resolved = self.resolve_uncached(&key.party, &key.set);
        for o in &mut resolved {
            match self.object_ids.get_key_value(&*o.name) {
                Some((name, id)) => {
                    o.name = Arc::clone(name);
                    o.id = *id;
                }
                None => {
                    o.id = self.object_ids.len();
                    self.object_ids.insert(Arc::clone(&o.name), o.id);
                }
            }
        }
        let resolved = Rc::new(ResolvedList::new(resolved));
        self.cache.insert(key, Rc::clone(&resolved));
        resolved
    }

    fn resolve_uncached(&mut self, party: &Party, set: &AddrSet) -> Vec<Resolved> {
        let full_env = self.is_full_env(party, set);
        let stands_for = self.stands_for(party, set, full_env);
        if let Some(o) = self.existing(party, set) {
            return vec![existing_resolved(o, set, stands_for)];
        }
        // Addresses a Project Set environment owns (its space, or its private NAT's addresses)
        // are named after it, whoever asks.
        let party_env = match party {
            Party::Environment { env } | Party::Nat { env } => Some(env.clone()),
            _ => None,
        };
        let one = self.single_object(party, set, full_env);
        if let Some((kind, form, label)) = one {
            let name = self.create_name(party_env.as_ref(), kind, label.as_deref(), set);
            return vec![Resolved {
                id: 0,
                name: name.into(),
                kind: form,
                addresses: display_addresses(form, set),
                cidrs: shared_cidrs(set),
                status: ObjectStatus::Create,
                published_by: None,
                stands_for,
            }];
        }
        // A part of an environment or object, or written-out addresses: one object per CIDR.
        set.to_prefixes()
            .into_iter()
            .map(|p| {
                let part = AddrSet::from_prefix(p);
                if let Some(o) = self.existing(&Party::Prefix, &part) {
                    return existing_resolved(o, &part, stands_for.clone());
                }
                let (kind, form) = if p.prefix_len() == p.max_prefix_len() {
                    (ObjectKind::Host, ObjectType::Host)
                } else {
                    (ObjectKind::Range, ObjectType::Network)
                };
                let owner = party_env.clone().or_else(|| self.owning_env(&part));
                let name = self.create_name(owner.as_ref(), kind, Some(&prefix_label(p)), &part);
                Resolved {
                    id: 0,
                    name: name.into(),
                    kind: form,
                    addresses: display_addresses(form, &part),
                    cidrs: shared_cidrs(&part),
                    status: ObjectStatus::Create,
                    published_by: None,
                    stands_for: stands_for.clone(),
                }
            })
            .collect()
    }

    /// Whether `party` is an environment and `set` all of its address space (worked out once
    /// per object: its words and its name both depend on it).
    fn is_full_env(&self, party: &Party, set: &AddrSet) -> bool {
        match party {
            Party::Environment { env } => self
                .index
                .environment(env)
                .map(|(_, vn)| AddrSet::from_prefixes(vn.address_space.iter().map(|p| p.trunc())))
                .is_some_and(|full| full == *set),
            _ => false,
        }
    }

    /// The one object to create for all of `party`'s addresses `set`, as (naming kind, form
    /// type, label), when the party has a single-party object.
    ///
    /// `full_env` says whether the party is an environment and `set` all of its address space
    /// ([`Builder::is_full_env`]).
    fn single_object(
        &self,
        party: &Party,
        set: &AddrSet,
        full_env: bool,
    ) -> Option<(ObjectKind, ObjectType, Option<String>)> {
        match party {
            Party::Environment { .. } if full_env => {
                Some((ObjectKind::Network, ObjectType::Network, None))
            }
            Party::Endpoint { name } if is_single_address(set) => Some((
                ObjectKind::Host,
                ObjectType::Host,
                Some(name_label(name.as_str())),
            )),
            Party::Translated { region, role, .. } => {
                let r = if *role == PrivateLinkSide::Endpoint {
                    "EP"
                } else {
                    "SVC"
                };
                Some((
                    ObjectKind::Range,
                    ObjectType::Range,
                    Some(format!("PL_{r}_{}", name_label(region))),
                ))
            }
            Party::Nat { .. } => {
                let form = if is_single_address(set) {
                    ObjectType::Host
                } else {
                    ObjectType::Range
                };
                let kind = if is_single_address(set) {
                    ObjectKind::Host
                } else {
                    ObjectKind::Range
                };
                Some((kind, form, Some("NAT".to_owned())))
            }
            Party::External { name } | Party::Endpoint { name } | Party::Zone { name } => {
                if is_single_address(set) {
                    Some((
                        ObjectKind::Host,
                        ObjectType::Host,
                        Some(name_label(name.as_str())),
                    ))
                } else {
                    Some((
                        ObjectKind::Range,
                        ObjectType::Network,
                        Some(name_label(name.as_str())),
                    ))
                }
            }
            // Whole environments, objects, bare prefixes (and any kind of party a later
            // mccs-path adds) get no single-party object here.
            _ => None,
        }
    }

    /// A name for a new object holding `set`, unique among the topology's objects and the
    /// objects named so far.
    fn create_name(
        &mut self,
        owner: Option<&EnvRef>,
        kind: ObjectKind,
        label: Option<&str>,
        set: &AddrSet,
    ) -> String {
        for n in 1..=10_000u32 {
            let suffix = (n > 1).then(|| n.to_string());
            let name = self.format_name(owner, kind, label, suffix.as_deref());
            if self.index.object(&name).is_some() {
                continue;
            }
            match self.assigned.get(&name) {
                Some(s) if s == set => return name,
                Some(_) => {}
                None => {
                    self.assigned.insert(name.clone(), set.clone());
                    return name;
                }
            }
        }
        // Unreachable in practice: ten thousand objects of one label.
        format!("MCCS_OBJ_{}", self.assigned.len())
    }

    /// `base` (cut to fit the convention's length limit) and `suffix`, as an object name.
    fn format_name(
        &self,
        owner: Option<&EnvRef>,
        kind: ObjectKind,
        base: Option<&str>,
        suffix: Option<&str>,
    ) -> String {
        let join = |base: Option<&str>| -> Option<String> {
            match (base, suffix) {
                (Some(b), Some(s)) => Some(format!("{b}_{s}")),
                (Some(b), None) => Some(b.to_owned()),
                (None, Some(s)) => Some(s.to_owned()),
                (None, None) => None,
            }
        };
        let env = owner.and_then(|o| self.index.environment(o).map(|(ps, _)| (o, ps)));
        if let Some((o, ps)) = env {
            let identity = |label: Option<String>| -> Option<ObjectIdentity> {
                let label = match label {
                    Some(l) => Some(l.parse().ok()?),
                    None => None,
                };
                Some(ObjectIdentity {
                    ministry: ps.ministry,
                    platform: ps.platform,
                    license_plate: ps.license_plate,
                    environment: o.environment.clone(),
                    kind,
                    label,
                })
            };
            if let Some(id) = identity(join(base)) {
                match self.convention.format_object(&id) {
                    Ok(name) => return name,
                    Err(FormatError::TooLong { len, max, .. }) => {
                        // Cut the base label so the name fits, keeping the suffix.
                        if let Some(b) = base {
                            let keep = b.len().saturating_sub(len - max);
                            let cut = b
                                .get(..keep)
                                .unwrap_or_default()
                                .trim_end_matches(['_', '-', '.']);
                            if !cut.is_empty()
                                && let Some(id) = identity(join(Some(cut)))
                                && let Ok(name) = self.convention.format_object(&id)
                            {
                                return name;
                            }
                        }
                    }
                    Err(_) => {}
                }
            }
        }
        // No Project Set to name the object after, or the convention cannot write it.
        let token = match kind {
            ObjectKind::Network => "NETWORK",
            ObjectKind::Host => "HOST",
            ObjectKind::Range => "NET",
        };
        let mut name = match join(base) {
            Some(l) => format!("MCCS_{token}_{l}"),
            None => format!("MCCS_{token}"),
        };
        let max = self.convention.limits().max_len.max(8);
        if name.len() > max {
            let tail = suffix.map_or(String::new(), |s| format!("_{s}"));
            name.truncate(max.saturating_sub(tail.len()));
            name.push_str(&tail);
        }
        name
    }
}

/// A row for the existing (or published) object `o` that holds `set`.
fn existing_resolved(o: &FirewallObject, set: &AddrSet, stands_for: String) -> Resolved {
    let kind = object_type(o);
    Resolved {
        id: 0,
        name: Arc::from(o.name()),
        kind,
        addresses: display_addresses(kind, set),
        cidrs: shared_cidrs(set),
        status: if o.published_by().is_some() {
            ObjectStatus::Published
        } else {
            ObjectStatus::Existing
        },
        published_by: o.published_by().map(str::to_owned),
        stands_for,
    }
}
