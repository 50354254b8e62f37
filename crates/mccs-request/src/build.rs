//! Turning a plan into a request set: requests per channel, object and traffic tables, the
//! summary and the notes.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use mccs_model::{EnvRef, FirewallKind, FirewallObject, RegionRole, RuleList, Topology};
use mccs_naming::{Convention, Direction, FormatError, ObjectIdentity, ObjectKind, cidr_label};
use mccs_path::{AddrSet, Addresses, FlowPlan, Party, Plan, PlannedRule, SvcSet, Verdict};

use crate::model::{
    CloudEnd, DirectionSummary, FORMAT_VERSION, FirewallInfo, FirewallRules, FlowDetails,
    FlowStatus, FlowSummary, Note, NoteKind, ObjectRow, ObjectStatus, ObjectType, PartialAllowance,
    PathRole, Placement, Problem, Request, RequestSet, RequestedRule, RuleAction, RuleTarget,
    Summary, Totals, TrafficRow,
};
use crate::vocabulary::Vocabularies;

/// Settings for [`RequestSet::from_plan_with`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BuildOptions {
    /// How objects to create are named; [`Convention::mccs_object`] by default.
    pub object_convention: Convention,
    /// The words each request uses for its tables and object types; the built-in platform
    /// vocabularies by default.
    pub vocabularies: Vocabularies,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            object_convention: Convention::mccs_object(),
            vocabularies: Vocabularies::default(),
        }
    }
}

impl BuildOptions {
    /// Options that name objects with `convention` (an object convention, e.g. loaded from a
    /// team's naming configuration).
    #[must_use]
    pub fn with_object_convention(mut self, convention: Convention) -> Self {
        self.object_convention = convention;
        self
    }

    /// Options whose requests speak these words (e.g. a team's own, read with
    /// [`Vocabularies::from_json`]).
    ///
    /// ```
    /// use mccs_request::{BuildOptions, RequestSet, Vocabularies};
    /// let mut words = Vocabularies::default();
    /// words.on_prem.object_table = "Objects to add".to_owned();
    /// let t = mccs_model::examples::reference();
    /// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    /// let set = RequestSet::from_plan_with(&t, &plan, &BuildOptions::default().with_vocabularies(words));
    /// let on_prem = set.request("on-prem-firewall-request").unwrap();
    /// assert_eq!(on_prem.vocabulary.object_table, "Objects to add");
    /// assert_eq!(set.request("cloud-firewall-request").unwrap().objects[0].type_name, "IP Group");
    /// ```
    #[must_use]
    pub fn with_vocabularies(mut self, vocabularies: Vocabularies) -> Self {
        self.vocabularies = vocabularies;
        self
    }
}

impl RequestSet {
    /// Builds the requests to file for `plan`, made on `topology`, with the MCCS object naming
    /// convention.
    ///
    /// ```
    /// use mccs_request::{ObjectStatus, RequestSet};
    /// let t = mccs_model::examples::reference();
    /// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    /// let set = RequestSet::from_plan(&t, &plan);
    /// let on_prem = set.request("on-prem-firewall-request").unwrap();
    /// let vnet = &on_prem.objects[0];
    /// assert_eq!(vnet.name, "MCCS_CITZ_ALZ_abc123_prod_VNET");
    /// assert_eq!(vnet.type_name, "Network IP Range Object");
    /// assert_eq!(vnet.status, ObjectStatus::Create);
    /// ```
    pub fn from_plan(topology: &Topology, plan: &Plan) -> Self {
        Self::from_plan_with(topology, plan, &BuildOptions::default())
    }

    /// [`RequestSet::from_plan`] with explicit options.
    pub fn from_plan_with(topology: &Topology, plan: &Plan, options: &BuildOptions) -> Self {
        Builder::new(topology, plan, options).build()
    }
}

/// An object a party's addresses map to.
#[derive(Debug, Clone)]
struct Resolved {
    name: String,
    kind: ObjectType,
    addresses: Vec<String>,
    cidrs: Vec<String>,
    status: ObjectStatus,
    published_by: Option<String>,
    stands_for: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    party: Party,
    set: AddrSet,
}

struct Builder<'a> {
    t: &'a Topology,
    /// Look-ups by name (hash probes, not scans of the topology's lists).
    index: mccs_model::Index<'a>,
    plan: &'a Plan,
    convention: &'a Convention,
    vocabularies: &'a Vocabularies,
    /// Each flow's position in the plan, by name (the first, if a name repeats).
    flow_index: std::collections::HashMap<&'a str, usize>,
    /// The address set of each topology object (by position), `None` when it cannot be
    /// resolved (unknown group member, cycle).
    object_sets: Vec<Option<AddrSet>>,
    /// For each address set some object holds, the object [`Builder::existing`] prefers for
    /// it (by position): published first, then a plain object before a group, then document
    /// order.
    best_object: HashMap<AddrSet, usize>,
    /// Names given to objects to create, with their addresses.
    assigned: HashMap<String, AddrSet>,
    cache: HashMap<Key, Vec<Resolved>>,
    /// The channel of the first planned rule of each (rule name, firewall).
    rule_channel: HashMap<(&'a str, &'a str), &'a str>,
}

fn object_type(o: &FirewallObject) -> ObjectType {
    match o {
        FirewallObject::Host { .. } => ObjectType::Host,
        FirewallObject::Network { .. } => ObjectType::Network,
        FirewallObject::Range { .. } => ObjectType::Range,
        FirewallObject::Group { .. } => ObjectType::Group,
    }
}

fn cidrs(set: &AddrSet) -> Vec<String> {
    set.to_prefixes().iter().map(ToString::to_string).collect()
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

/// `primary path`, `failover path only`, `primary and failover paths`.
pub(crate) fn roles_text(roles: &[PathRole]) -> &'static str {
    match (
        roles.contains(&PathRole::Primary),
        roles.contains(&PathRole::Failover),
    ) {
        (true, true) => "primary and failover paths",
        (true, false) => "primary path",
        (false, true) => "failover path only",
        (false, false) => "no path",
    }
}

fn role(r: mccs_path::PathRole) -> PathRole {
    match r {
        mccs_path::PathRole::Primary => PathRole::Primary,
        mccs_path::PathRole::Failover => PathRole::Failover,
    }
}

fn add_role(roles: &mut Vec<PathRole>, r: PathRole) {
    if !roles.contains(&r) {
        roles.push(r);
        roles.sort_unstable();
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_owned());
    }
}

/// A firewall as the summary names it: with the list that judged, and whether for the return
/// traffic, e.g. `data-nacl (outbound list, return traffic)`.
fn judged_by(firewall: &str, list: Option<RuleList>, return_traffic: bool) -> String {
    match (list, return_traffic) {
        (None, _) => firewall.to_owned(),
        (Some(l), false) => format!("{firewall} ({} list)", l.as_str()),
        (Some(l), true) => format!("{firewall} ({} list, return traffic)", l.as_str()),
    }
}

fn services(s: &SvcSet) -> Vec<String> {
    s.to_string().split(", ").map(str::to_owned).collect()
}

fn party_addresses(a: &Addresses) -> String {
    match a.party {
        Party::Prefix => a.set.to_string(),
        _ => format!("{} ({})", a.party, a.set),
    }
}

/// Groups addresses by party (first appearance), uniting the sets of one party.
fn by_party(list: &[Addresses]) -> Vec<(Party, AddrSet)> {
    let mut out: Vec<(Party, AddrSet)> = Vec::new();
    for a in list {
        match out.iter_mut().find(|(p, _)| *p == a.party) {
            Some((_, s)) => *s = s.union(&a.set),
            None => out.push((a.party.clone(), a.set.clone())),
        }
    }
    out
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A list without repeats, in order of first appearance, that stays linear however long it
/// grows (`push_unique` scans the list: fine for a handful, quadratic for a list per flow or
/// per rule of a large plan).
#[derive(Debug, Default)]
struct UniqueList {
    items: Vec<String>,
    seen: HashSet<String>,
}

impl UniqueList {
    fn push(&mut self, s: &str) {
        if !self.seen.contains(s) {
            self.seen.insert(s.to_owned());
            self.items.push(s.to_owned());
        }
    }
}

/// What a traffic row carries from its flows besides the justifications.
#[derive(Debug, Default)]
struct RuleMeta {
    requesters: Vec<String>,
    expires: Option<mccs_model::Date>,
    change_windows: Vec<String>,
    cloud_ends: Vec<CloudEnd>,
    failover_path: bool,
}

/// Whether a direction of `fp` has a failover path.
fn has_failover_path(fp: &FlowPlan, direction: Direction) -> bool {
    fp.directions
        .iter()
        .filter(|d| d.trace.flow.direction == direction)
        .flat_map(|d| &d.trace.paths)
        .any(|p| p.role == mccs_path::PathRole::Failover)
}

fn diagnosis_problem(d: &mccs_path::Diagnosis) -> Problem {
    let kind = serde_json::to_value(d)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "problem".to_owned());
    Problem {
        kind,
        message: d.to_string(),
    }
}

impl<'a> Builder<'a> {
    fn new(t: &'a Topology, plan: &'a Plan, options: &'a BuildOptions) -> Self {
        let index = mccs_model::Index::new(t);
        let object_sets = mccs_path::object_sets(t, &index);
        let mut best_object: HashMap<AddrSet, usize> = HashMap::new();
        let preference = |i: usize| {
            t.objects.get(i).map(|o| {
                (
                    o.published_by().is_none(),
                    matches!(o, FirewallObject::Group { .. }),
                    i,
                )
            })
        };
        for (i, set) in object_sets.iter().enumerate() {
            let Some(set) = set.as_ref().filter(|s| !s.is_empty()) else {
                continue;
            };
            match best_object.get_mut(set) {
                Some(best) if preference(i) < preference(*best) => *best = i,
                Some(_) => {}
                None => {
                    best_object.insert(set.clone(), i);
                }
            }
        }
        let mut rule_channel = HashMap::new();
        for r in &plan.rules {
            for tg in &r.targets {
                rule_channel
                    .entry((r.name.as_str(), tg.firewall.as_str()))
                    .or_insert(r.channel.as_str());
            }
        }
        Self {
            t,
            index,
            plan,
            convention: &options.object_convention,
            vocabularies: &options.vocabularies,
            flow_index: plan
                .flows
                .iter()
                .enumerate()
                .rev()
                .map(|(i, f)| (f.flow.as_str(), i))
                .collect(),
            object_sets,
            best_object,
            assigned: HashMap::new(),
            cache: HashMap::new(),
            rule_channel,
        }
    }

    fn build(mut self) -> RequestSet {
        let requests = self.requests();
        let summary = self.summary(&requests);
        let notes = self.set_notes(&requests, &summary);
        RequestSet {
            format_version: FORMAT_VERSION,
            requests,
            summary,
            notes,
        }
    }

    // ----- objects -------------------------------------------------------------------------

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
                .endpoint(name)
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

    fn stands_for(&self, party: &Party, set: &AddrSet) -> String {
        let t = self.t;
        let index = &self.index;
        match party {
            Party::Environment { env } => {
                let net = env
                    .parse::<EnvRef>()
                    .ok()
                    .and_then(|r| index.environment(&r));
                match net {
                    Some((ps, vn)) => {
                        let full =
                            AddrSet::from_prefixes(vn.address_space.iter().map(|p| p.trunc()));
                        let what = if full == *set {
                            "address space"
                        } else {
                            "addresses"
                        };
                        let name = ps
                            .name
                            .as_deref()
                            .map_or_else(String::new, |n| format!(", {n}"));
                        format!(
                            "{} {what} of {env} ({}{name})",
                            ps.platform.network_noun(),
                            ps.ministry.as_str()
                        )
                    }
                    None => format!("addresses of {env}"),
                }
            }
            Party::Endpoint { name } => match index.endpoint(name) {
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
                    .object(name)
                    .and_then(FirewallObject::description)
                    .map_or_else(String::new, |d| format!(": {d}"));
                format!("firewall object {name}{desc}")
            }
            Party::External { name } => {
                let desc = index
                    .external_network(name)
                    .and_then(|x| x.description.as_deref())
                    .map_or_else(String::new, |d| format!(": {d}"));
                format!("external network {name}{desc}")
            }
            Party::Zone { name } => {
                let desc = index
                    .zone(name)
                    .and_then(|z| z.description.as_deref())
                    .map_or_else(String::new, |d| format!(": {d}"));
                format!("on-prem zone {name}{desc}")
            }
            Party::Translated {
                private_link,
                region,
                role,
            } => {
                let what = if role == "endpoint" {
                    "VPC endpoint"
                } else {
                    "VPC endpoint service"
                };
                let region_role = t
                    .private_links
                    .iter()
                    .find(|p| p.name.as_str() == private_link)
                    .and_then(|p| p.regions.iter().find(|r| r.region == *region))
                    .map_or("", |r| match r.role {
                        RegionRole::Primary => ", primary region",
                        RegionRole::Dr => ", DR region",
                    });
                format!("private IPs of the {what} of {private_link} in {region}{region_role}")
            }
            Party::Nat { env } => format!(
                "private NAT addresses of {env} (the source of traffic from its secondary ranges)"
            ),
            Party::Prefix => format!("addresses {set}"),
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
    fn resolve(&mut self, party: &Party, set: &AddrSet) -> Vec<Resolved> {
        let key = Key {
            party: party.clone(),
            set: set.clone(),
        };
        if let Some(r) = self.cache.get(&key) {
            return r.clone();
        }
        let resolved = self.resolve_uncached(party, set);
        self.cache.insert(key, resolved.clone());
        resolved
    }

    fn resolve_uncached(&mut self, party: &Party, set: &AddrSet) -> Vec<Resolved> {
        let stands_for = self.stands_for(party, set);
        if let Some(o) = self.existing(party, set) {
            let kind = object_type(o);
            return vec![Resolved {
                name: o.name().to_string(),
                kind,
                addresses: display_addresses(kind, set),
                cidrs: cidrs(set),
                status: if o.published_by().is_some() {
                    ObjectStatus::Published
                } else {
                    ObjectStatus::Existing
                },
                published_by: o.published_by().map(str::to_owned),
                stands_for,
            }];
        }
        // Addresses a Project Set environment owns (its space, or its private NAT's addresses)
        // are named after it, whoever asks.
        let party_env = match party {
            Party::Environment { env } | Party::Nat { env } => env.parse::<EnvRef>().ok(),
            _ => None,
        };
        let full_env = match party {
            Party::Environment { env } => env
                .parse::<EnvRef>()
                .ok()
                .and_then(|r| self.index.environment(&r))
                .map(|(_, vn)| AddrSet::from_prefixes(vn.address_space.iter().map(|p| p.trunc())))
                .is_some_and(|full| full == *set),
            _ => false,
        };
        // (naming kind, form type, label)
        let one: Option<(ObjectKind, ObjectType, Option<String>)> = match party {
            Party::Environment { .. } if full_env => {
                Some((ObjectKind::Network, ObjectType::Network, None))
            }
            Party::Endpoint { name } if is_single_address(set) => {
                Some((ObjectKind::Host, ObjectType::Host, Some(name_label(name))))
            }
            Party::Translated { region, role, .. } => {
                let r = if role == "endpoint" { "EP" } else { "SVC" };
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
                    Some((ObjectKind::Host, ObjectType::Host, Some(name_label(name))))
                } else {
                    Some((
                        ObjectKind::Range,
                        ObjectType::Network,
                        Some(name_label(name)),
                    ))
                }
            }
            Party::Environment { .. } | Party::Object { .. } | Party::Prefix => None,
        };
        if let Some((kind, form, label)) = one {
            let name = self.create_name(party_env.as_ref(), kind, label.as_deref(), set);
            return vec![Resolved {
                name,
                kind: form,
                addresses: display_addresses(form, set),
                cidrs: cidrs(set),
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
                    let kind = object_type(o);
                    return Resolved {
                        name: o.name().to_string(),
                        kind,
                        addresses: display_addresses(kind, &part),
                        cidrs: cidrs(&part),
                        status: if o.published_by().is_some() {
                            ObjectStatus::Published
                        } else {
                            ObjectStatus::Existing
                        },
                        published_by: o.published_by().map(str::to_owned),
                        stands_for: stands_for.clone(),
                    };
                }
                let (kind, form) = if p.prefix_len() == p.max_prefix_len() {
                    (ObjectKind::Host, ObjectType::Host)
                } else {
                    (ObjectKind::Range, ObjectType::Network)
                };
                let owner = party_env.clone().or_else(|| self.owning_env(&part));
                let name = self.create_name(owner.as_ref(), kind, Some(&prefix_label(p)), &part);
                Resolved {
                    name,
                    kind: form,
                    addresses: display_addresses(form, &part),
                    cidrs: cidrs(&part),
                    status: ObjectStatus::Create,
                    published_by: None,
                    stands_for: stands_for.clone(),
                }
            })
            .collect()
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
                    ministry: ps.ministry.clone(),
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

    // ----- requests ------------------------------------------------------------------------

    fn requests(&mut self) -> Vec<Request> {
        let t = self.t;
        let mut channels: Vec<String> = t
            .channels
            .iter()
            .map(|c| c.name.to_string())
            .filter(|c| self.plan.rules.iter().any(|r| r.channel == *c))
            .collect();
        for r in &self.plan.rules {
            push_unique(&mut channels, &r.channel);
        }
        let plan = self.plan;
        channels
            .into_iter()
            .map(|id| {
                let rules: Vec<&PlannedRule> =
                    plan.rules.iter().filter(|r| r.channel == id).collect();
                self.request(&id, &rules)
            })
            .collect()
    }

    fn request(&mut self, id: &str, rules: &[&PlannedRule]) -> Request {
        let channel = self.index.channel(id);
        let kinds: Vec<(FirewallKind, Option<mccs_model::Platform>)> = rules
            .iter()
            .flat_map(|r| &r.targets)
            .map(|tg| {
                self.index
                    .firewall(&tg.firewall)
                    .map_or((FirewallKind::Other, None), |f| (f.kind, f.platform))
            })
            .collect();
        let vocabulary = self.vocabularies.for_request(id, &kinds).clone();
        let mut objects: Vec<ObjectRow> = Vec::new();
        // Each object row's position by name, and the (row, rule) pairs in `used_by`.
        let mut object_rows: HashMap<String, usize> = HashMap::new();
        let mut used_by: HashSet<(usize, String)> = HashSet::new();
        let mut traffic = Vec::new();
        let mut firewalls: Vec<FirewallInfo> = Vec::new();
        let mut firewall_names: HashSet<String> = HashSet::new();
        let mut flows = UniqueList::default();
        for r in rules {
            let mut names = |me: &mut Self, list: &[Addresses]| -> Vec<String> {
                let mut out = UniqueList::default();
                for (party, set) in by_party(list) {
                    for o in me.resolve(&party, &set) {
                        out.push(&o.name);
                        match object_rows.get(&o.name).copied() {
                            Some(i) => {
                                if used_by.insert((i, r.name.clone()))
                                    && let Some(row) = objects.get_mut(i)
                                {
                                    row.used_by.push(r.name.clone());
                                }
                            }
                            None => {
                                used_by.insert((objects.len(), r.name.clone()));
                                object_rows.insert(o.name.clone(), objects.len());
                                objects.push(ObjectRow {
                                    name: o.name,
                                    kind: o.kind,
                                    type_name: vocabulary.object_word(o.kind).to_owned(),
                                    addresses: o.addresses,
                                    cidrs: o.cidrs,
                                    status: o.status,
                                    published_by: o.published_by,
                                    stands_for: o.stands_for,
                                    used_by: vec![r.name.clone()],
                                });
                            }
                        }
                    }
                }
                out.items
            };
            let sources = names(self, &r.sources);
            let destinations = names(self, &r.destinations);
            let union =
                |list: &[Addresses]| list.iter().fold(AddrSet::new(), |acc, a| acc.union(&a.set));
            let mut roles = Vec::new();
            let apply_on: Vec<RuleTarget> = r
                .targets
                .iter()
                .map(|tg| {
                    let rs: Vec<PathRole> = tg.roles.iter().copied().map(role).collect();
                    for x in &rs {
                        add_role(&mut roles, *x);
                    }
                    if firewall_names.insert(tg.firewall.clone()) {
                        let fw = self.index.firewall(&tg.firewall);
                        firewalls.push(FirewallInfo {
                            name: tg.firewall.clone(),
                            kind: fw.map_or("firewall", |f| f.kind.noun()).to_owned(),
                            owner: tg.owner.clone(),
                            description: fw.and_then(|f| f.description.clone()),
                        });
                    }
                    RuleTarget {
                        firewall: tg.firewall.clone(),
                        owner: tg.owner.clone(),
                        placement: match &tg.placement {
                            mccs_path::Placement::Append => Placement::Append,
                            mccs_path::Placement::Before { rule } => {
                                Placement::Above { rule: rule.clone() }
                            }
                        },
                        rule_number: tg.priority,
                        roles: rs,
                    }
                })
                .collect();
            for f in &r.flows {
                flows.push(f);
            }
            let meta = self.rule_meta(r);
            traffic.push(TrafficRow {
                rule: r.name.clone(),
                direction: r.direction,
                owner: r.owner.clone(),
                sources,
                source_addresses: cidrs(&union(&r.sources)),
                destinations,
                destination_addresses: cidrs(&union(&r.destinations)),
                services: services(&r.services),
                action: RuleAction::Allow,
                apply_on,
                list: r.list,
                return_traffic: r.return_traffic,
                roles,
                flows: r.flows.clone(),
                justifications: r.justifications.clone(),
                requesters: meta.requesters,
                expires: meta.expires,
                change_windows: meta.change_windows,
                cloud_ends: meta.cloud_ends,
                failover_path: meta.failover_path,
            });
        }
        // An object's type word is the one of the firewalls that hold it: in a request to both
        // cloud firewalls, the Azure VNet's object is an IP Group and the AWS VPC's a prefix list.
        let mut rows_of_rule: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, row) in traffic.iter().enumerate() {
            rows_of_rule.entry(row.rule.as_str()).or_default().push(i);
        }
        for o in &mut objects {
            // The rows of the rules that use it, in Traffic Table order.
            let mut rows: Vec<usize> = o
                .used_by
                .iter()
                .filter_map(|rule| rows_of_rule.get(rule.as_str()))
                .flatten()
                .copied()
                .collect();
            rows.sort_unstable();
            rows.dedup();
            let kinds: Vec<(FirewallKind, Option<mccs_model::Platform>)> = rows
                .iter()
                .filter_map(|i| traffic.get(*i))
                .flat_map(|row| &row.apply_on)
                .map(|a| {
                    self.index
                        .firewall(&a.firewall)
                        .map_or((FirewallKind::Other, None), |f| (f.kind, f.platform))
                })
                .collect();
            o.type_name = self
                .vocabularies
                .for_request(id, &kinds)
                .object_word(o.kind)
                .to_owned();
        }
        let mut request = Request {
            id: id.to_owned(),
            title: channel.map_or_else(|| id.to_owned(), |c| c.title.clone()),
            form: channel.and_then(|c| c.form.clone()),
            url: channel.and_then(|c| c.url.clone()),
            filed_by: channel.map_or_else(
                || "(not set in the topology)".to_owned(),
                |c| c.filed_by.clone(),
            ),
            handled_by: channel.map_or_else(
                || "(not set in the topology)".to_owned(),
                |c| c.handled_by.clone(),
            ),
            vocabulary,
            firewalls,
            objects,
            traffic,
            flow_details: flows
                .items
                .iter()
                .filter_map(|f| self.flow_plan(f))
                .map(|fp| FlowDetails {
                    flow: fp.flow.clone(),
                    requester: fp.requester.clone(),
                    cloud_ends: self.cloud_ends(fp),
                    expires: fp.expires,
                    change_window: fp.change_window.clone(),
                    justification: fp.justification.clone(),
                })
                .collect(),
            flows: flows.items,
            notes: Vec::new(),
        };
        request.notes = self.request_notes(&request, rules);
        request
    }

    /// The cloud ends of a flow: each Project Set environment among its ends (named as one, or
    /// an object or CIDR inside the network of the environment the flow's rules are for), with
    /// account or subscription and region, in the order the directions name them.
    fn cloud_ends(&self, fp: &FlowPlan) -> Vec<CloudEnd> {
        let mut out: Vec<CloudEnd> = Vec::new();
        for d in &fp.directions {
            for a in [&d.trace.flow.source, &d.trace.flow.destination] {
                let env = match &a.party {
                    Party::Environment { env } => env.clone(),
                    _ => {
                        // Addresses inside the owner's network (a database object in its Data
                        // subnet, say) are that environment's end.
                        let Some(owner) = &d.trace.flow.owner else {
                            continue;
                        };
                        let inside = self.index.environment(owner).is_some_and(|(_, vn)| {
                            AddrSet::from_prefixes(
                                vn.address_space
                                    .iter()
                                    .chain(&vn.secondary_ranges)
                                    .map(|p| p.trunc()),
                            )
                            .covers(&a.set)
                        });
                        if !inside {
                            continue;
                        }
                        owner.to_string()
                    }
                };
                let env = &env;
                if out.iter().any(|c| c.environment == *env) {
                    continue;
                }
                let Some((ps, vn)) = env
                    .parse::<EnvRef>()
                    .ok()
                    .and_then(|r| self.index.environment(&r))
                else {
                    continue;
                };
                out.push(CloudEnd {
                    environment: env.clone(),
                    platform: ps.platform,
                    account: vn.account.clone(),
                    region: vn.region.clone(),
                });
            }
        }
        out
    }

    /// What a planned rule carries from its flows besides the justifications.
    fn rule_meta(&self, r: &PlannedRule) -> RuleMeta {
        let mut meta = RuleMeta::default();
        let mut all_expire = !r.flows.is_empty();
        let mut latest: Option<mccs_model::Date> = None;
        let mut requesters = UniqueList::default();
        let mut change_windows = UniqueList::default();
        // A cloud end is the same wherever its environment appears (it is read from the
        // topology), so its environment identifies it.
        let mut cloud_ends: HashSet<String> = HashSet::new();
        for fp in r.flows.iter().filter_map(|f| self.flow_plan(f)) {
            if let Some(x) = &fp.requester {
                requesters.push(x);
            }
            if let Some(x) = &fp.change_window {
                change_windows.push(x);
            }
            match fp.expires {
                Some(e) => latest = latest.max(Some(e)),
                None => all_expire = false,
            }
            for c in self.cloud_ends(fp) {
                if cloud_ends.insert(c.environment.clone()) {
                    meta.cloud_ends.push(c);
                }
            }
            meta.failover_path |= has_failover_path(fp, r.direction);
        }
        meta.requesters = requesters.items;
        meta.change_windows = change_windows.items;
        meta.expires = if all_expire { latest } else { None };
        meta
    }

    // ----- notes ---------------------------------------------------------------------------

    fn flow_plan(&self, name: &str) -> Option<&'a FlowPlan> {
        let plan = self.plan;
        self.flow_index.get(name).and_then(|i| plan.flows.get(*i))
    }

    /// Whether a firewall of `kinds` is on a path of `flow` in `direction`.
    fn crosses(&self, flow: &str, direction: Direction, kinds: &[FirewallKind]) -> bool {
        self.flow_plan(flow).is_some_and(|fp| {
            fp.directions
                .iter()
                .filter(|d| d.trace.flow.direction == direction)
                .flat_map(|d| &d.steps)
                .any(|s| {
                    self.index
                        .firewall(&s.firewall)
                        .is_some_and(|f| kinds.contains(&f.kind))
                })
        })
    }

    fn is_on_prem_kind(&self, firewall: &str) -> bool {
        self.index
            .firewall(firewall)
            .is_some_and(|f| matches!(f.kind, FirewallKind::Edge | FirewallKind::Zone))
    }

    /// Transports (links, PrivateLink regions) only failover paths of `flow` take.
    fn failover_via(&self, flow: &str, direction: Direction) -> Vec<String> {
        let mut out = Vec::new();
        let Some(fp) = self.flow_plan(flow) else {
            return out;
        };
        for d in fp
            .directions
            .iter()
            .filter(|d| d.trace.flow.direction == direction)
        {
            let primary: Vec<&str> = d
                .trace
                .paths
                .iter()
                .filter(|p| p.role == mccs_path::PathRole::Primary)
                .flat_map(|p| p.hops.iter().map(|h| h.node.as_str()))
                .collect();
            for p in d
                .trace
                .paths
                .iter()
                .filter(|p| p.role == mccs_path::PathRole::Failover)
            {
                for h in &p.hops {
                    if h.verdict.is_none() && !primary.contains(&h.node.as_str()) {
                        push_unique(&mut out, &h.node);
                    }
                }
            }
        }
        out
    }

    fn request_notes(&self, req: &Request, rules: &[&PlannedRule]) -> Vec<Note> {
        let mut notes = Vec::new();
        let note = |kind, text: String| Note { kind, text };

        // Shared responsibility.
        let cloud: Vec<String> = req
            .firewalls
            .iter()
            .filter(|f| {
                self.index
                    .firewall(&f.name)
                    .is_some_and(|x| x.kind == FirewallKind::Cloud)
            })
            .map(|f| f.name.clone())
            .collect();
        let on_prem: Vec<String> = req
            .firewalls
            .iter()
            .filter(|f| self.is_on_prem_kind(&f.name))
            .map(|f| f.name.clone())
            .collect();
        let mut text = format!(
            "Filed by {}; reviewed and implemented by {}.",
            req.filed_by, req.handled_by
        );
        if !on_prem.is_empty() {
            text.push_str(&format!(
                " The rules go on every on-premises firewall on the path ({}): the 3PG and each zone firewall must allow the traffic. Once traffic reaches the on-premises network, keeping it and the data secure there is the project team's responsibility.",
                list(&on_prem)
            ));
        }
        let reaches_on_prem = req.traffic.iter().zip(rules).any(|(row, r)| {
            r.flows
                .iter()
                .any(|f| self.crosses(f, row.direction, &[FirewallKind::Edge, FirewallKind::Zone]))
        });
        if !cloud.is_empty() {
            let owners: Vec<String> = req
                .firewalls
                .iter()
                .filter(|f| cloud.contains(&f.name))
                .fold(Vec::new(), |mut v, f| {
                    push_unique(&mut v, &f.owner);
                    v
                });
            text.push_str(&format!(
                " {} runs the connection up to and through the cloud firewall ({}).",
                list(&owners),
                list(&cloud)
            ));
            if reaches_on_prem && on_prem.is_empty() {
                text.push_str(
                    " The on-premises firewalls on the same paths (the 3PG and the zone firewalls) need their own request.",
                );
            }
        }
        notes.push(note(NoteKind::SharedResponsibility, text));

        // Objects.
        let published: Vec<String> = req
            .objects
            .iter()
            .filter(|o| o.status == ObjectStatus::Published)
            .map(|o| match &o.published_by {
                Some(by) => format!("{} (published by {by})", o.name),
                None => o.name.clone(),
            })
            .collect();
        if !published.is_empty() {
            notes.push(note(
                NoteKind::Objects,
                format!(
                    "Centrally published objects are referenced as they are, never re-created: {}.",
                    list(&published)
                ),
            ));
        }
        let existing: Vec<String> = req
            .objects
            .iter()
            .filter(|o| o.status == ObjectStatus::Existing)
            .map(|o| o.name.clone())
            .collect();
        if !existing.is_empty() {
            notes.push(note(
                NoteKind::Objects,
                format!(
                    "Existing objects already hold exactly the addresses needed: reference {}, do not create duplicates.",
                    list(&existing)
                ),
            ));
        }

        // Direction.
        let mut one_way = UniqueList::default();
        let mut one_way_on_prem = false;
        let mut inbound = UniqueList::default();
        for (row, r) in req.traffic.iter().zip(rules) {
            if row.owner.is_none() {
                continue;
            }
            if row.direction == Direction::Inbound {
                inbound.push(&row.rule);
                continue;
            }
            let single = row.flows.iter().any(|f| {
                self.flow_plan(f).is_some_and(|fp| {
                    fp.directions.len() == 1
                        && fp
                            .directions
                            .iter()
                            .all(|d| d.trace.flow.direction == Direction::Outbound)
                })
            });
            if single {
                one_way.push(&row.rule);
                one_way_on_prem |= r.flows.iter().any(|f| {
                    self.crosses(
                        f,
                        Direction::Outbound,
                        &[FirewallKind::Edge, FirewallKind::Zone],
                    )
                });
            }
        }
        let (one_way, inbound) = (one_way.items, inbound.items);
        if !one_way.is_empty() {
            let other = if one_way_on_prem {
                "an on-premises system needs to initiate traffic to the cloud resource"
            } else {
                "the other side needs to initiate traffic toward the Project Set"
            };
            notes.push(note(
                NoteKind::Direction,
                format!(
                    "{} only allow{} traffic initiated by the Project Set side (outbound); return traffic of those sessions needs no rule. If {other}, add another rule in the Traffic Table for that flow (set the flow's initiator to both and plan again).",
                    list(&one_way),
                    if one_way.len() == 1 { "s" } else { "" },
                ),
            ));
        }
        if !inbound.is_empty() {
            notes.push(note(
                NoteKind::Direction,
                format!(
                    "{} {} inbound: initiated from outside toward the Project Set. Each initiating side needs its own rule, so inbound traffic has separate rows from any outbound rule of the same flow.",
                    list(&inbound),
                    if inbound.len() == 1 { "is" } else { "are" },
                ),
            ));
        }

        // Translated sources.
        for (row, r) in req.traffic.iter().zip(rules) {
            for (party, set) in by_party(&r.sources) {
                let Party::Translated {
                    private_link,
                    region,
                    role,
                } = &party
                else {
                    continue;
                };
                let objects = row
                    .sources
                    .iter()
                    .filter(|n| {
                        req.objects
                            .iter()
                            .any(|o| o.name == **n && o.cidrs == cidrs(&set))
                    })
                    .cloned()
                    .collect::<Vec<_>>();
                let original: Vec<String> = r
                    .flows
                    .iter()
                    .filter_map(|f| self.flow_plan(f))
                    .flat_map(|fp| &fp.directions)
                    .filter(|d| d.trace.flow.direction == r.direction)
                    .map(|d| party_addresses(&d.trace.flow.source))
                    .fold(Vec::new(), |mut v, s| {
                        push_unique(&mut v, &s);
                        v
                    });
                let on: Vec<String> = row.apply_on.iter().map(|x| x.firewall.clone()).collect();
                let provider = self
                    .t
                    .private_links
                    .iter()
                    .find(|p| p.name.as_str() == private_link)
                    .map_or_else(|| "the provider".to_owned(), |p| p.provider.to_string());
                let text = if role == "endpoint" {
                    format!(
                        "{}: the source is {} ({}), the private IPs of the VPC endpoint of {private_link} in {region}, not {}. Traffic from {provider} toward the consumer VPC arrives from the VPC endpoint, so {} must admit these addresses.",
                        row.rule,
                        list(&objects),
                        set,
                        list(&original),
                        list(&on),
                    )
                } else {
                    format!(
                        "{}: the source is {} ({}), the private IPs of the VPC endpoint service of {private_link} in {region}, not {}. Traffic from the consumer VPCs toward {provider} leaves the connectivity account from the endpoint service, so {} sees these addresses; a rule with the VPC CIDR as source would not match.",
                        row.rule,
                        list(&objects),
                        set,
                        list(&original),
                        list(&on),
                    )
                };
                notes.push(note(NoteKind::TranslatedSource, text));
            }
        }

        // Failover.
        let mut both = UniqueList::default();
        let mut both_via = UniqueList::default();
        for (row, r) in req.traffic.iter().zip(rules) {
            let via: Vec<String> = r.flows.iter().fold(Vec::new(), |mut v, f| {
                for x in self.failover_via(f, r.direction) {
                    push_unique(&mut v, &x);
                }
                v
            });
            for tg in &row.apply_on {
                if tg.roles == [PathRole::Failover] {
                    let primary: Vec<String> = r
                        .flows
                        .iter()
                        .filter_map(|f| self.flow_plan(f))
                        .flat_map(|fp| &fp.directions)
                        .filter(|d| d.trace.flow.direction == r.direction)
                        .flat_map(|d| &d.steps)
                        .filter(|s| {
                            s.firewall == tg.firewall && s.role == mccs_path::PathRole::Primary
                        })
                        .filter_map(|s| match &s.verdict {
                            Verdict::Allowed { rules } => Some(rules.clone()),
                            _ => None,
                        })
                        .flatten()
                        .fold(Vec::new(), |mut v, s| {
                            push_unique(&mut v, &s);
                            v
                        });
                    let by = if primary.is_empty() {
                        String::new()
                    } else {
                        format!(" (by {})", list(&primary))
                    };
                    let translated = r
                        .sources
                        .iter()
                        .any(|a| matches!(a.party, Party::Translated { .. }));
                    let why = if translated {
                        ", but traffic that fails over to the DR region arrives from that region's addresses"
                    } else {
                        ""
                    };
                    notes.push(note(
                        NoteKind::Failover,
                        format!(
                            "{} on {} is for the failover path only{}: the primary path already allows the flow there{by}{why}. Request it anyway, or the flow stops when it fails over.",
                            row.rule,
                            tg.firewall,
                            if via.is_empty() { String::new() } else { format!(" (via {})", list(&via)) },
                        ),
                    ));
                } else if tg.roles.contains(&PathRole::Failover) {
                    both.push(&row.rule);
                    for x in &via {
                        both_via.push(x);
                    }
                }
            }
        }
        // Single paths: say so, and claim no failover coverage.
        let mut single = UniqueList::default();
        let mut single_rules = UniqueList::default();
        for row in req.traffic.iter().filter(|row| !row.failover_path) {
            single_rules.push(&row.rule);
            for f in &row.flows {
                single.push(f);
            }
        }
        let (single, single_rules) = (single.items, single_rules.items);
        let (both, both_via) = (both.items, both_via.items);
        if !single.is_empty() {
            notes.push(note(
                NoteKind::Failover,
                format!(
                    "No failover path for {}: no secondary link or DR region is on the way, so {} cover{} the only path; if it fails, the flow{} stop{}. Nothing in this request covers failover.",
                    list(&single),
                    list(&single_rules),
                    if single_rules.len() == 1 { "s" } else { "" },
                    if single.len() == 1 { "" } else { "s" },
                    if single.len() == 1 { "s" } else { "" },
                ),
            ));
        }
        if !both.is_empty() {
            notes.push(note(
                NoteKind::Failover,
                format!(
                    "{} {} requested for the failover paths as well{}: the same rules must be in place there, or the flows stop when traffic fails over.",
                    list(&both),
                    if both.len() == 1 { "is" } else { "are" },
                    if both_via.is_empty() { String::new() } else { format!(" (via {})", list(&both_via)) },
                ),
            ));
        }

        // Stateless filters.
        let stateless: Vec<String> = req
            .firewalls
            .iter()
            .filter(|f| {
                self.t
                    .firewall(&f.name)
                    .is_some_and(|x| x.kind.is_stateless())
            })
            .map(|f| f.name.clone())
            .collect();
        if !stateless.is_empty() {
            let returns: Vec<String> = req
                .traffic
                .iter()
                .filter(|r| r.return_traffic)
                .map(|r| r.rule.clone())
                .collect();
            let ports: Vec<String> = stateless
                .iter()
                .filter_map(|f| self.t.firewall(f))
                .map(|f| format!("{} on {}", f.ephemeral(), f.name))
                .collect();
            notes.push(note(
                NoteKind::Stateless,
                format!(
                    "{} {} a network ACL: stateless, it keeps no record of sessions, so the answers to a connection it lets in are dropped unless a rule on its other list lets them out (and the other way round). Each flow through it needs two rules: one for the traffic as it is opened, and one for the return traffic, from the destination back to the source, to the ephemeral ports ({}).{}",
                    list(&stateless),
                    if stateless.len() == 1 { "is" } else { "are" },
                    list(&ports),
                    if returns.is_empty() {
                        String::new()
                    } else {
                        format!(" Return-traffic rules here: {}.", list(&returns))
                    }
                ),
            ));
        }

        // Placement.
        for row in &req.traffic {
            for tg in &row.apply_on {
                let numbered = self
                    .t
                    .firewall(&tg.firewall)
                    .is_some_and(|f| f.kind == FirewallKind::NetworkAcl);
                if numbered && tg.rule_number.is_none() {
                    notes.push(note(
                        NoteKind::Placement,
                        format!(
                            "{} needs a rule number on {} {}, but none is free there: renumber the list to make room, then plan again.",
                            row.rule,
                            tg.firewall,
                            match &tg.placement {
                                Placement::Above { rule } => format!("lower than {rule}'s"),
                                Placement::Append => "after its last rule".to_owned(),
                            }
                        ),
                    ));
                    continue;
                }
                if let (Placement::Above { rule }, Some(n)) = (&tg.placement, tg.rule_number) {
                    notes.push(note(
                        NoteKind::Placement,
                        format!(
                            "{} must go on {} with rule number {n}, lower than {rule}'s: that rule denies part of this traffic today, and the lowest-numbered matching rule wins.",
                            row.rule, tg.firewall
                        ),
                    ));
                } else if let Placement::Above { rule } = &tg.placement {
                    notes.push(note(
                        NoteKind::Placement,
                        format!(
                            "{} must go on {} above {rule}: that rule denies part of this traffic today, and the first matching rule wins.",
                            row.rule, tg.firewall
                        ),
                    ));
                }
            }
        }
        notes
    }

    fn set_notes(&self, requests: &[Request], summary: &Summary) -> Vec<Note> {
        let mut notes = Vec::new();
        if !requests.is_empty() {
            let who: Vec<String> = requests
                .iter()
                .map(|r| {
                    format!(
                        "the {} (for {}) is filed by {} and handled by {}",
                        r.title,
                        list(
                            &r.firewalls
                                .iter()
                                .map(|f| f.name.clone())
                                .collect::<Vec<_>>()
                        ),
                        r.filed_by,
                        r.handled_by,
                    )
                })
                .collect();
            let mut text = format!("Who files what: {}.", who.join("; "));
            let has_cloud = requests.iter().flat_map(|r| &r.firewalls).any(|f| {
                self.index
                    .firewall(&f.name)
                    .is_some_and(|x| x.kind == FirewallKind::Cloud)
            });
            let on_prem_request = requests
                .iter()
                .find(|r| r.firewalls.iter().any(|f| self.is_on_prem_kind(&f.name)));
            if has_cloud && let Some(op) = on_prem_request {
                let links = self.hybrid_links_used();
                let encrypted = if !links.is_empty()
                    && links
                        .iter()
                        .all(|l| l.encryption == mccs_model::Encryption::Ipsec)
                {
                    " and the private links to on-premises (IPsec-encrypted)"
                } else {
                    ""
                };
                text.push_str(&format!(
                    " The platform team runs the connection up to and through the cloud firewall{encrypted}; {} files the {} for the 3PG and the zone firewalls, and owns security inside the on-premises network.",
                    op.filed_by, op.title
                ));
            }
            notes.push(Note {
                kind: NoteKind::SharedResponsibility,
                text,
            });
        }
        let blocked: Vec<String> = summary
            .flows
            .iter()
            .filter(|f| f.status == FlowStatus::Blocked)
            .map(|f| f.flow.clone())
            .collect();
        if !blocked.is_empty() {
            notes.push(Note {
                kind: NoteKind::Blocked,
                text: format!(
                    "{} {} blocked by a problem no firewall rule can fix (see the summary): fix the topology or the flow and plan again before filing for {}.",
                    list(&blocked),
                    if blocked.len() == 1 { "is" } else { "are" },
                    if blocked.len() == 1 { "it" } else { "them" },
                ),
            });
        }
        notes
    }

    fn hybrid_links_used(&self) -> Vec<&'a mccs_model::HybridLink> {
        let mut out: Vec<&mccs_model::HybridLink> = Vec::new();
        for fp in &self.plan.flows {
            for d in &fp.directions {
                for p in &d.trace.paths {
                    for h in &p.hops {
                        if let Some(l) = self
                            .t
                            .hybrid_links
                            .iter()
                            .find(|l| h.node == l.name.as_str())
                            && !out.iter().any(|x| x.name == l.name)
                        {
                            out.push(l);
                        }
                    }
                }
            }
        }
        out
    }

    // ----- summary -------------------------------------------------------------------------

    fn summary(&self, requests: &[Request]) -> Summary {
        // Distinct rules and objects: one flow and direction have one rule name in every
        // request, and an object has one name wherever it is used.
        let mut rules: Vec<&str> = requests
            .iter()
            .flat_map(|r| &r.traffic)
            .map(|row| row.rule.as_str())
            .collect();
        rules.sort_unstable();
        rules.dedup();
        let mut objects: Vec<&str> = requests
            .iter()
            .flat_map(|r| &r.objects)
            .filter(|o| o.status == ObjectStatus::Create)
            .map(|o| o.name.as_str())
            .collect();
        objects.sort_unstable();
        objects.dedup();
        let mut totals = Totals {
            requests: requests.len(),
            rules: rules.len(),
            objects_to_create: objects.len(),
            traffic_rows: requests.iter().map(|r| r.traffic.len()).sum(),
            ..Totals::default()
        };
        let flows: Vec<FlowSummary> = self
            .plan
            .flows
            .iter()
            .map(|fp| self.flow_summary(fp, requests))
            .collect();
        totals.flows = flows.len();
        for f in &flows {
            match f.status {
                FlowStatus::AlreadyAllowed => totals.already_allowed += 1,
                FlowStatus::NeedsRules => totals.needs_rules += 1,
                FlowStatus::Blocked => totals.blocked += 1,
            }
            if f.partially_allowed {
                totals.partially_allowed += 1;
            }
        }
        Summary { totals, flows }
    }

    fn flow_summary(&self, fp: &FlowPlan, requests: &[Request]) -> FlowSummary {
        let status = |s: mccs_path::Status| match s {
            mccs_path::Status::AlreadyAllowed => FlowStatus::AlreadyAllowed,
            mccs_path::Status::NeedsRules => FlowStatus::NeedsRules,
            mccs_path::Status::Blocked => FlowStatus::Blocked,
        };
        let directions: Vec<DirectionSummary> = fp
            .directions
            .iter()
            .map(|d| {
                let mut allowed: Vec<FirewallRules> = Vec::new();
                let mut partial: Vec<PartialAllowance> = Vec::new();
                let mut requested: Vec<RequestedRule> = Vec::new();
                // Each step's verdict and, through a stateless filter, its return verdict.
                let judged = d.steps.iter().flat_map(|s| {
                    let back = s.return_verdict.as_ref().map(|v| {
                        (
                            s,
                            v,
                            s.list.map(RuleList::other),
                            true,
                            &s.return_planned_rule,
                        )
                    });
                    std::iter::once((s, &s.verdict, s.list, false, &s.planned_rule)).chain(back)
                });
                for (s, verdict, list_of, return_traffic, planned_rule) in judged {
                    let r = role(s.role);
                    let same = |f: &str, l: Option<RuleList>, b: bool| {
                        f == s.firewall && l == list_of && b == return_traffic
                    };
                    match verdict {
                        Verdict::Allowed { rules } => {
                            match allowed
                                .iter_mut()
                                .find(|a| same(&a.firewall, a.list, a.return_traffic))
                            {
                                Some(a) => {
                                    for x in rules {
                                        push_unique(&mut a.rules, x);
                                    }
                                    add_role(&mut a.roles, r);
                                }
                                None => allowed.push(FirewallRules {
                                    firewall: s.firewall.clone(),
                                    list: list_of,
                                    return_traffic,
                                    rules: rules.clone(),
                                    roles: vec![r],
                                }),
                            }
                        }
                        Verdict::Partial {
                            allowed_by,
                            denied_by,
                            left_out_sources,
                            left_out_destinations,
                            left_out_services,
                        } => match partial
                            .iter_mut()
                            .find(|p| same(&p.firewall, p.list, p.return_traffic))
                        {
                            Some(p) => add_role(&mut p.roles, r),
                            None => partial.push(PartialAllowance {
                                firewall: s.firewall.clone(),
                                list: list_of,
                                return_traffic,
                                allowed_by: allowed_by.clone(),
                                denied_by: denied_by.clone(),
                                left_out_sources: left_out_sources.clone(),
                                left_out_destinations: left_out_destinations.clone(),
                                left_out_services: left_out_services.clone(),
                                roles: vec![r],
                            }),
                        },
                        Verdict::Denied { .. }
                        | Verdict::NoMatchingRule
                        | Verdict::Unknown { .. } => {}
                    }
                    if let Some(rule) = planned_rule {
                        let channel = self
                            .rule_channel
                            .get(&(rule.as_str(), s.firewall.as_str()))
                            .map(|c| (*c).to_owned())
                            .unwrap_or_default();
                        match requested
                            .iter_mut()
                            .find(|q| q.request == channel && q.rule == *rule)
                        {
                            Some(q) => push_unique(&mut q.firewalls, &s.firewall),
                            None => requested.push(RequestedRule {
                                request: channel,
                                rule: rule.clone(),
                                firewalls: vec![s.firewall.clone()],
                            }),
                        }
                    }
                }
                let st = status(d.status);
                let (problems, warnings): (Vec<Problem>, Vec<Problem>) =
                    if st == FlowStatus::Blocked {
                        (
                            d.trace.diagnoses.iter().map(diagnosis_problem).collect(),
                            Vec::new(),
                        )
                    } else {
                        (
                            Vec::new(),
                            d.trace.diagnoses.iter().map(diagnosis_problem).collect(),
                        )
                    };
                let mut details = Vec::new();
                for a in &allowed {
                    details.push(format!(
                        "allowed today on {} by {} ({})",
                        judged_by(&a.firewall, a.list, a.return_traffic),
                        list(&a.rules),
                        roles_text(&a.roles)
                    ));
                }
                for p in &partial {
                    let by = if p.allowed_by.is_empty() {
                        String::new()
                    } else {
                        format!(" by {}", list(&p.allowed_by))
                    };
                    let denied = if p.denied_by.is_empty() {
                        String::new()
                    } else {
                        format!(", denied by {}", list(&p.denied_by))
                    };
                    details.push(format!(
                        "partly allowed today on {}{by}{denied}; left out: {} to {} ({})",
                        judged_by(&p.firewall, p.list, p.return_traffic),
                        p.left_out_sources,
                        p.left_out_destinations,
                        p.left_out_services
                    ));
                }
                for q in &requested {
                    let title = requests
                        .iter()
                        .find(|r| r.id == q.request)
                        .map_or(q.request.as_str(), |r| r.title.as_str());
                    let row = requests
                        .iter()
                        .filter(|r| r.id == q.request)
                        .flat_map(|r| &r.traffic)
                        .find(|t| t.rule == q.rule);
                    let what = match row {
                        Some(t) if t.return_traffic => format!(
                            ", {} list, for the return traffic",
                            t.list.map_or("other", RuleList::as_str)
                        ),
                        Some(t) => t
                            .list
                            .map_or_else(String::new, |l| format!(", {} list", l.as_str())),
                        None => String::new(),
                    };
                    details.push(format!(
                        "request {} on {}{what} ({title})",
                        q.rule,
                        list(&q.firewalls)
                    ));
                }
                for p in &problems {
                    details.push(format!("blocked: {}", p.message));
                }
                for w in &warnings {
                    details.push(format!("warning: {}", w.message));
                }
                if d.trace.paths.is_empty() && problems.is_empty() {
                    details.push("blocked: no path was found".to_owned());
                }
                let failover_path = d
                    .trace
                    .paths
                    .iter()
                    .any(|p| p.role == mccs_path::PathRole::Failover);
                if !failover_path && !d.trace.paths.is_empty() {
                    details.push(
                        "no failover path: no secondary link or DR region is on the way".to_owned(),
                    );
                }
                DirectionSummary {
                    direction: d.trace.flow.direction,
                    source: party_addresses(&d.trace.flow.source),
                    destination: party_addresses(&d.trace.flow.destination),
                    services: services(&d.trace.flow.services),
                    status: st,
                    failover_path,
                    allowed,
                    partial,
                    requested,
                    problems,
                    warnings,
                    details,
                }
            })
            .collect();
        let problems: Vec<Problem> = fp.diagnoses.iter().map(diagnosis_problem).collect();
        FlowSummary {
            flow: fp.flow.clone(),
            justification: fp.justification.clone(),
            requester: fp.requester.clone(),
            expires: fp.expires,
            change_window: fp.change_window.clone(),
            cloud_ends: self.cloud_ends(fp),
            status: status(fp.status()),
            partially_allowed: directions.iter().any(|d| !d.partial.is_empty()),
            directions,
            problems,
        }
    }
}
