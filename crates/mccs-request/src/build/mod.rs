//! Turning a plan into a request set: the entry points ([`RequestSet::from_plan`],
//! [`BuildOptions`]), the builder they drive and the small helpers its parts share.
//!
//! The parts: [`objects`] (the Object Table), [`traffic`] (the requests and their Traffic
//! Table rows), [`notes`] (the notes of each request and of the set) and [`summary`] (totals
//! and flow summaries); [`removal`] builds removal requests ([`RequestSet::for_removal`]).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::rc::Rc;
use std::sync::Arc;

use mccs_model::{FirewallKind, FirewallObject, Topology};
use mccs_naming::{Convention, Direction};
use mccs_path::{AddrSet, Addresses, FlowPlan, Party, Plan, SvcSet};

use crate::model::{CloudEnd, FORMAT_VERSION, ObjectStatus, ObjectType, PathRole, RequestSet};
use crate::vocabulary::Vocabularies;
pub use pictures::{MAX_PICTURE_BYTES, MAX_PICTURED_FLOWS, PictureOptions};

pub use removal::{Removal, RemovalError};

mod notes;
mod objects;
mod pictures;
mod removal;
mod summary;
mod traffic;

/// Settings for [`RequestSet::from_plan_with`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BuildOptions {
    /// How objects to create are named; [`Convention::mccs_object`] by default.
    pub object_convention: Convention,
    /// The words each request uses for its tables and object types; the built-in platform
    /// vocabularies by default.
    pub vocabularies: Vocabularies,
    /// A line shown before anything else in every format (`RequestSet::banner`); none by
    /// default.
    pub banner: Option<String>,
    /// Pictures of each flow's paths for the HTML output ([`BuildOptions::with_pictures`]);
    /// none by default.
    pub pictures: Option<PictureOptions>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            object_convention: Convention::mccs_object(),
            vocabularies: Vocabularies::default(),
            banner: None,
            pictures: None,
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

    /// Options whose request set carries `banner`: a line Markdown and HTML show under the
    /// title, JSON as the `banner` field and CSV as the first row of `summary.csv`, such as a
    /// warning that the requests are for an example topology.
    ///
    /// ```
    /// use mccs_request::{BuildOptions, OutputFormat, RequestSet, Templates, render};
    /// let t = mccs_model::examples::reference();
    /// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    /// let options = BuildOptions::default().with_banner("EXAMPLE: not a real estate");
    /// let set = RequestSet::from_plan_with(&t, &plan, &options);
    /// assert_eq!(set.banner.as_deref(), Some("EXAMPLE: not a real estate"));
    /// let md = render(&set, OutputFormat::Markdown, &Templates::default())?;
    /// assert!(md[0].contents.contains("> **EXAMPLE: not a real estate**"));
    /// # Ok::<(), mccs_request::RenderError>(())
    /// ```
    #[must_use]
    pub fn with_banner(mut self, banner: impl Into<String>) -> Self {
        self.banner = Some(banner.into());
        self
    }
}

impl BuildOptions {
    /// Options whose request set carries a picture of each flow's paths (SVG, one per
    /// direction), drawn as `mccs trace --format svg` draws them: the HTML output shows them
    /// in a section of its own; Markdown, CSV and JSON are the same as without. Bounded by
    /// [`PictureOptions::max_flows`] and [`PictureOptions::max_bytes`]; the page says how
    /// many flows were left out. A plan made without hops (`PlanOptions::with_hops(false)`)
    /// is traced again for them, with [`PictureOptions::trace`].
    ///
    /// ```
    /// use mccs_request::{BuildOptions, OutputFormat, PictureOptions, RequestSet, Templates, render};
    /// let t = mccs_model::examples::reference();
    /// let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default().with_hops(false));
    /// let options = BuildOptions::default().with_pictures(PictureOptions::default());
    /// let set = RequestSet::from_plan_with(&t, &plan, &options);
    /// let html = render(&set, OutputFormat::Html, &Templates::default())?;
    /// assert!(html[0].contents.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    /// let plain = RequestSet::from_plan(&t, &plan);
    /// assert_eq!(
    ///     render(&set, OutputFormat::Json, &Templates::default())?,
    ///     render(&plain, OutputFormat::Json, &Templates::default())?,
    /// );
    /// # Ok::<(), mccs_request::RenderError>(())
    /// ```
    #[must_use]
    pub fn with_pictures(mut self, pictures: PictureOptions) -> Self {
        self.pictures = Some(pictures);
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
    /// assert_eq!(&*vnet.name, "MCCS_CITZ_ALZ_abc123_prod_VNET");
    /// assert_eq!(vnet.type_name, "Network IP Range Object");
    /// assert_eq!(vnet.status, ObjectStatus::Create);
    /// ```
    pub fn from_plan(topology: &Topology, plan: &Plan) -> Self {
        Self::from_plan_with(topology, plan, &BuildOptions::default())
    }

    /// [`RequestSet::from_plan`] with explicit options.
    pub fn from_plan_with(topology: &Topology, plan: &Plan, options: &BuildOptions) -> Self {
        let mut set = Builder::new(topology, plan, options).build();
        set.banner.clone_from(&options.banner);
        if let Some(pictures) = &options.pictures {
            pictures::attach(&mut set, topology, plan, pictures);
        }
        set
    }
}

/// A service set's services as text, shared by every row and summary that asks for the set
/// ([`Builder::services`]), with each service's protocol and port ([`protocol_and_port`]).
#[derive(Debug, Clone)]
struct ServiceTexts {
    /// `tcp/443`, `udp/53`, ... in order.
    services: Arc<[Arc<str>]>,
    /// Each service's (protocol, port), in the same order.
    parts: Rc<[(Arc<str>, Arc<str>)]>,
}

/// A service set and its services as text ([`Builder::services`]).
type ServicesText<'a> = (&'a SvcSet, ServiceTexts);

/// A list of shared texts that rows share whole (a party's object names, its CIDRs).
type SharedList = Arc<[Arc<str>]>;

/// A firewall's name and its owner's, shared ([`Builder::firewall_texts`]).
type FirewallTexts = (Arc<str>, Arc<str>);

/// One copy of each text the request set repeats (firewall names and owners, rule names,
/// environments, accounts, regions, requesters, ...): rows that show the same text share it.
#[derive(Debug, Default)]
struct Texts {
    set: HashSet<Arc<str>>,
}

impl Texts {
    /// The shared copy of `s`, made on first use.
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(t) = self.set.get(s) {
            return Arc::clone(t);
        }
        let t: Arc<str> = Arc::from(s);
        self.set.insert(Arc::clone(&t));
        t
    }
}

/// What every request and the summary show of one flow of the plan, made once per flow and
/// shared by its rows, its details in each request and its summary.
#[derive(Debug, Clone)]
struct FlowTexts {
    name: Arc<str>,
    requester: Option<Arc<str>>,
    change_window: Option<Arc<str>>,
    justification: Option<Arc<str>>,
    cloud_ends: Arc<[CloudEnd]>,
}

/// A firewall's kind and platform, as [`Builder::firewall_kind`] finds them.
type FirewallKindOf = (FirewallKind, Option<mccs_model::Platform>);

/// An object a party's addresses map to.
#[derive(Debug, Clone)]
struct Resolved {
    /// The object's number among the names the builder has resolved (one per name), so a
    /// request finds an object's row by position instead of hashing its name again.
    id: usize,
    name: Arc<str>,
    kind: ObjectType,
    addresses: Vec<String>,
    cidrs: Arc<[Arc<str>]>,
    status: ObjectStatus,
    published_by: Option<String>,
    stands_for: String,
}

/// What [`Builder::resolve`] caches by: a party and its addresses, owned (the caller hands
/// over the pair it grouped, so neither a hit nor a miss copies them).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    party: Party,
    set: AddrSet,
}

/// A (party, addresses) pair, owned ([`Key`]) or borrowed, so the cache can be probed with a
/// borrowed pair (`&dyn KeyView`) without copying it into a key first.
trait KeyView {
    fn parts(&self) -> (&Party, &AddrSet);
}

impl KeyView for Key {
    fn parts(&self) -> (&Party, &AddrSet) {
        (&self.party, &self.set)
    }
}

impl KeyView for (&Party, &AddrSet) {
    fn parts(&self) -> (&Party, &AddrSet) {
        (self.0, self.1)
    }
}

impl<'k> std::borrow::Borrow<dyn KeyView + 'k> for Key {
    fn borrow(&self) -> &(dyn KeyView + 'k) {
        self
    }
}

// A key and its borrowed view hash and compare alike: the party, then the addresses.
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self as &dyn KeyView).hash(state);
    }
}

impl std::hash::Hash for dyn KeyView + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let (party, set) = self.parts();
        party.hash(state);
        set.hash(state);
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyView + '_ {}

struct Builder<'a> {
    t: &'a Topology,
    /// Look-ups by name (hash probes, not scans of the topology's lists).
    index: mccs_model::Index<'a>,
    plan: &'a Plan,
    convention: &'a Convention,
    vocabularies: &'a Vocabularies,
    /// Each flow's position in the plan, by name (the first, if a name repeats).
    flow_index: HashMap<&'a str, usize>,
    /// The address set of each topology object (by position), `None` when it cannot be
    /// resolved (unknown group member, cycle).
    object_sets: Vec<Option<AddrSet>>,
    /// For each address set some object holds, the object [`Builder::existing`] prefers for
    /// it (by position): published first, then a plain object before a group, then document
    /// order.
    best_object: HashMap<AddrSet, usize>,
    /// Names given to objects to create, with their addresses.
    assigned: HashMap<String, AddrSet>,
    /// The objects each (party, addresses) resolved to, shared: a hit copies nothing.
    cache: HashMap<Key, Rc<ResolvedList>>,
    /// The number ([`Resolved::id`]) of each object name resolved so far.
    object_ids: HashMap<Arc<str>, usize>,
    /// Each service set's services as text (`tcp/443`), worked out once per distinct set:
    /// most rules of a large plan ask for one of a few sets.
    service_texts: std::cell::RefCell<HashMap<&'a SvcSet, ServiceTexts>>,
    /// The service set [`Builder::services`] wrote last, with its text.
    last_services: std::cell::RefCell<Option<ServicesText<'a>>>,
    /// The name, requester, ... and cloud ends of each flow of the plan (by position), made
    /// once: the flow's details, the rows it needs and its summary all show them.
    flow_texts: Vec<FlowTexts>,
    /// The shared copy of each repeated text ([`Texts`]).
    texts: std::cell::RefCell<Texts>,
    /// Each firewall's name and its owner's, shared, by the firewall's name.
    firewall_texts: std::cell::RefCell<HashMap<&'a str, FirewallTexts>>,
    /// The request ids (channel names) handed out so far, shared ([`Builder::channel_text`]).
    channel_texts: std::cell::RefCell<Vec<(Box<str>, Arc<str>)>>,
    /// A buffer texts are written in before they are looked up ([`Builder::env_text`]).
    text_buf: std::cell::RefCell<String>,
    /// The transports only failover paths of each flow take, by the flow's position in the plan
    /// and direction (`2 * position`, plus one for inbound), once a request's notes asked.
    failover_via: std::cell::RefCell<Vec<Option<Rc<[String]>>>>,
    /// The channel of the first planned rule of each (rule name, firewall).
    rule_channel: HashMap<(&'a str, &'a str), &'a str>,
}

fn cidrs(set: &AddrSet) -> Vec<String> {
    set.to_prefixes()
        .iter()
        .map(mccs_path::prefix_text)
        .collect()
}

/// [`cidrs`], as a shared list.
fn shared_cidrs(set: &AddrSet) -> Arc<[Arc<str>]> {
    set.to_prefixes()
        .iter()
        .map(|p| Arc::from(mccs_path::prefix_text(p)))
        .collect()
}

/// The objects a (party, addresses) pair maps to, with what a row that names the pair alone
/// shows, shared by every such row: the objects' names (without repeats) and, for a single
/// object, its CIDRs (the pair's own).
#[derive(Debug)]
struct ResolvedList {
    objects: Vec<Resolved>,
    names: Arc<[Arc<str>]>,
    one_cidrs: Option<Arc<[Arc<str>]>>,
}

impl ResolvedList {
    fn new(objects: Vec<Resolved>) -> Self {
        let mut names = UniqueArcs::default();
        for o in &objects {
            names.push(&o.name);
        }
        let one_cidrs = match objects.as_slice() {
            [one] => Some(Arc::clone(&one.cidrs)),
            _ => None,
        };
        Self {
            objects,
            names: names.items.into(),
            one_cidrs,
        }
    }
}

/// The request of channel `id` with its tables still empty: title, form, address and who files
/// and handles it from the topology's channel, or placeholders when it has none. Requests to add
/// and to remove are headed the same way.
pub(crate) fn channel_request(
    channel: Option<&mccs_model::Channel>,
    id: &str,
    vocabulary: crate::Vocabulary,
) -> crate::model::Request {
    let unset = || "(not set in the topology)".to_owned();
    crate::model::Request {
        id: id.to_owned(),
        title: channel.map_or_else(|| id.to_owned(), |c| c.title.clone()),
        form: channel.and_then(|c| c.form.clone()),
        url: channel.and_then(|c| c.url.clone()),
        filed_by: channel.map_or_else(unset, |c| c.filed_by.clone()),
        handled_by: channel.map_or_else(unset, |c| c.handled_by.clone()),
        vocabulary,
        firewalls: Vec::new(),
        objects: Vec::new(),
        traffic: Vec::new(),
        flow_details: Vec::new(),
        flows: Vec::new(),
        notes: Vec::new(),
    }
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

fn services(s: &SvcSet) -> Vec<String> {
    s.to_string().split(", ").map(str::to_owned).collect()
}

/// `abc123-prod`, as `EnvRef`'s `Display` writes it, appended without the formatting machinery.
fn push_env(out: &mut String, env: &mccs_model::EnvRef) {
    out.push_str(env.license_plate.as_str());
    out.push('-');
    out.push_str(env.environment.as_str());
}

/// `a`'s party and addresses as the summary writes them: `abc123-prod (10.0.0.0/16)`, or the
/// addresses alone for a bare prefix. The same text as `format!("{} ({})", a.party, a.set)`,
/// written into one buffer (a summary writes two per direction of every flow).
fn party_addresses(a: &Addresses) -> String {
    party_addresses_in(&mut String::new(), a)
}

/// [`party_addresses`], written in `buf` (whatever it held is dropped) and copied out at its
/// length: a caller writing many keeps one buffer, and no string keeps spare room.
fn party_addresses_in(buf: &mut String, a: &Addresses) -> String {
    party_set_text(buf, &a.party, &a.set)
}

/// [`party_addresses_in`] of a party and its addresses `set`.
fn party_set_text(buf: &mut String, party: &Party, set: &AddrSet) -> String {
    write_party_set(buf, party, set);
    buf.as_str().to_owned()
}

/// [`party_set_text`], written in `buf` (whatever it held is dropped) and left there.
fn write_party_set(buf: &mut String, party: &Party, set: &AddrSet) {
    use std::fmt::Write as _;
    buf.clear();
    let out = buf;
    match party {
        Party::Prefix => {
            let _ = write!(out, "{set}");
            return;
        }
        Party::Environment { env } => push_env(out, env),
        Party::Endpoint { name }
        | Party::External { name }
        | Party::Zone { name }
        | Party::Object { name, .. } => out.push_str(name.as_str()),
        other => {
            let _ = write!(out, "{other}");
        }
    }
    out.push_str(" (");
    let _ = write!(out, "{set}");
    out.push(')');
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

fn list<S: std::borrow::Borrow<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.borrow().to_owned(),
        [rest @ .., last] => {
            let mut out = rest.join(", ");
            out.push_str(" and ");
            out.push_str(last.borrow());
            out
        }
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

/// Up to this many items a [`UniqueList`] finds repeats by scanning its items; past it, a
/// hash set takes over (most lists are a name or two: no set, no second copy of each).
const UNIQUE_SCAN: usize = 16;

impl UniqueList {
    fn push(&mut self, s: &str) {
        if self.items.len() < UNIQUE_SCAN {
            if !self.items.iter().any(|x| x == s) {
                self.items.push(s.to_owned());
            }
            return;
        }
        if self.seen.is_empty() {
            self.seen.extend(self.items.iter().cloned());
        }
        if self.seen.insert(s.to_owned()) {
            self.items.push(s.to_owned());
        }
    }
}

/// A [`UniqueList`] of shared text: pushing clones an `Arc`, never the text.
#[derive(Debug, Default)]
struct UniqueArcs {
    items: Vec<Arc<str>>,
    seen: HashSet<Arc<str>>,
}

impl UniqueArcs {
    fn push(&mut self, s: &Arc<str>) {
        if self.items.len() < UNIQUE_SCAN {
            if !self.items.iter().any(|x| x == s) {
                self.items.push(Arc::clone(s));
            }
            return;
        }
        if self.seen.is_empty() {
            self.seen.extend(self.items.iter().cloned());
        }
        if self.seen.insert(Arc::clone(s)) {
            self.items.push(Arc::clone(s));
        }
    }
}

/// A [`UniqueList`] of borrowed text: no copy of an item (nor of its key) until the caller
/// asks for the items as owned strings, and none at all when it only writes them out.
#[derive(Debug, Default)]
struct UniqueRefs<'s> {
    items: Vec<&'s str>,
    seen: HashSet<&'s str>,
    /// How many items the caller expects, at most (0: unknown).
    capacity: usize,
}

impl<'s> UniqueRefs<'s> {
    /// A list expected to hold up to `n` items: past [`UNIQUE_SCAN`] its set is made that big
    /// at once, not grown (and every key hashed again) one doubling at a time.
    fn with_capacity(n: usize) -> Self {
        Self {
            items: Vec::new(),
            seen: HashSet::new(),
            capacity: n,
        }
    }

    fn push(&mut self, s: &'s str) {
        if self.items.len() < UNIQUE_SCAN {
            if !self.items.contains(&s) {
                self.items.push(s);
            }
            return;
        }
        if self.seen.is_empty() {
            self.items
                .reserve(self.capacity.saturating_sub(self.items.len()));
            self.seen.reserve(self.capacity);
            self.seen.extend(self.items.iter().copied());
        }
        if self.seen.insert(s) {
            self.items.push(s);
        }
    }

    /// The items as owned strings, in a vector of exactly their number.
    #[cfg(test)]
    fn to_strings(&self) -> Vec<String> {
        self.items.iter().map(|s| (*s).to_owned()).collect()
    }
}

impl<'a> Builder<'a> {
    fn new(t: &'a Topology, plan: &'a Plan, options: &'a BuildOptions) -> Self {
        let index = mccs_model::Index::new(t);
        let object_sets = mccs_path::object_sets(t, &index);
        let mut best_object: HashMap<AddrSet, usize> = HashMap::with_capacity(object_sets.len());
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
        let mut rule_channel =
            HashMap::with_capacity(plan.rules.iter().map(|r| r.targets.len()).sum());
        for r in &plan.rules {
            for tg in &r.targets {
                rule_channel
                    .entry((&*r.name, tg.firewall.as_str()))
                    .or_insert(r.channel.as_str());
            }
        }
        Self {
            t,
            index,
            plan,
            convention: &options.object_convention,
            vocabularies: &options.vocabularies,
            flow_index: {
                let mut m = HashMap::with_capacity(plan.flows.len());
                m.extend(
                    plan.flows
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(i, f)| (f.flow.as_str(), i)),
                );
                m
            },
            object_sets,
            best_object,
            assigned: HashMap::with_capacity(plan.flows.len()),
            // About one (party, addresses) and one object per flow: sized up front, these
            // tables do not rehash (SipHash) every key each time they double.
            cache: HashMap::with_capacity(plan.flows.len()),
            object_ids: HashMap::with_capacity(plan.flows.len()),
            service_texts: std::cell::RefCell::default(),
            last_services: std::cell::RefCell::default(),
            flow_texts: Vec::new(),
            texts: std::cell::RefCell::default(),
            firewall_texts: std::cell::RefCell::default(),
            channel_texts: std::cell::RefCell::default(),
            text_buf: std::cell::RefCell::default(),
            failover_via: std::cell::RefCell::default(),
            rule_channel,
        }
    }

    fn build(mut self) -> RequestSet {
        let mut flow_texts = Vec::with_capacity(self.plan.flows.len());
        flow_texts.extend(self.plan.flows.iter().map(|fp| self.flow_texts_of(fp)));
        self.flow_texts = flow_texts;
        let requests = self.requests();
        // The builder's tables for the requests are not needed any more: free them before the
        // summary allocates its own.
        self.cache = HashMap::new();
        self.object_ids = HashMap::new();
        self.failover_via = std::cell::RefCell::default();
        let summary = self.summary(&requests);
        let notes = self.set_notes(&requests, &summary);
        RequestSet {
            format_version: FORMAT_VERSION,
            banner: None,
            requests,
            summary,
            notes,
            pictures: None,
            removal: None,
        }
    }

    /// `s`'s services as text, one per service (`tcp/443`, `udp/53`), as [`services`] writes
    /// them, with their protocols and ports; each distinct set is written once and shared.
    fn services(&self, s: &'a SvcSet) -> ServiceTexts {
        // Consecutive rules mostly ask for the same set: compared first, it needs no hash.
        let mut last = self.last_services.borrow_mut();
        if let Some((set, t)) = last.as_ref()
            && *set == s
        {
            return t.clone();
        }
        let mut known = self.service_texts.borrow_mut();
        let t = match known.get(s) {
            Some(t) => t.clone(),
            None => {
                let mut texts = self.texts.borrow_mut();
                let list = services(s);
                let t = ServiceTexts {
                    parts: list
                        .iter()
                        .map(|service| {
                            let (protocol, port) = traffic::protocol_and_port(service);
                            (texts.get(protocol), texts.get(port))
                        })
                        .collect(),
                    services: list.iter().map(|x| texts.get(x)).collect(),
                };
                known.insert(s, t.clone());
                t
            }
        };
        *last = Some((s, t.clone()));
        t
    }

    /// The shared copy of `s` ([`Texts`]).
    fn text(&self, s: &str) -> Arc<str> {
        self.texts.borrow_mut().get(s)
    }

    /// `abc123-prod`, as `EnvRef`'s `Display` writes it, shared ([`Builder::text`]); written
    /// in a kept buffer, so a text seen before costs no allocation.
    fn env_text(&self, env: &mccs_model::EnvRef) -> Arc<str> {
        let mut buf = self.text_buf.borrow_mut();
        buf.clear();
        push_env(&mut buf, env);
        self.text(&buf)
    }

    /// The shared id of the request of channel `channel` (a plan has a handful of channels:
    /// found by a scan, not a hash).
    fn channel_text(&self, channel: &str) -> Arc<str> {
        let mut known = self.channel_texts.borrow_mut();
        if let Some((_, t)) = known.iter().find(|(c, _)| **c == *channel) {
            return Arc::clone(t);
        }
        let t = self.text(channel);
        known.push((Box::from(channel), Arc::clone(&t)));
        t
    }

    /// The shared name of the firewall `firewall` and of its owner `owner`.
    fn firewall_texts(&self, firewall: &'a str, owner: &str) -> FirewallTexts {
        let mut known = self.firewall_texts.borrow_mut();
        if let Some((name, who)) = known.get(firewall) {
            if **who == *owner {
                return (Arc::clone(name), Arc::clone(who));
            }
            // Another owner for the same firewall (never in a plan): shared all the same.
            return (Arc::clone(name), self.text(owner));
        }
        let pair = (self.text(firewall), self.text(owner));
        known.insert(firewall, pair.clone());
        pair
    }

    /// What the requests and the summary show of the flow `fp` ([`FlowTexts`]).
    fn flow_texts_of(&self, fp: &FlowPlan) -> FlowTexts {
        let text = |s: &Option<String>| s.as_deref().map(|x| self.text(x));
        FlowTexts {
            name: Arc::from(&fp.flow),
            requester: text(&fp.requester),
            change_window: text(&fp.change_window),
            justification: text(&fp.justification),
            cloud_ends: self.cloud_ends(fp).into(),
        }
    }

    /// The position in the plan of the flow named `name` (the first, if a name repeats).
    fn flow_position(&self, name: &str) -> Option<usize> {
        self.flow_index.get(name).copied()
    }

    /// The plan of the flow named `name` (the first, if a name repeats).
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
                        .firewall(s.firewall.as_str())
                        .is_some_and(|f| kinds.contains(&f.kind))
                })
        })
    }

    fn is_on_prem_kind(&self, firewall: &str) -> bool {
        self.index
            .firewall(firewall)
            .is_some_and(|f| matches!(f.kind, FirewallKind::Edge | FirewallKind::Zone))
    }
}

#[cfg(test)]
mod tests {
    use super::{Key, KeyView, Texts, UniqueArcs, UniqueList, UniqueRefs, party_set_text};
    use std::collections::HashMap;
    use std::hash::{BuildHasher, RandomState};
    use std::sync::Arc;

    use ipnet::{IpNet, Ipv4Net};
    use mccs_path::{AddrSet, Party, PrivateLinkSide};
    use proptest::prelude::*;

    fn set(prefixes: &[(u32, u8)]) -> AddrSet {
        AddrSet::from_prefixes(
            prefixes
                .iter()
                .filter_map(|(a, len)| Ipv4Net::new((*a).into(), *len % 33).ok())
                .map(IpNet::V4),
        )
    }

    fn party(kind: u8, text: &str) -> Party {
        let name = |s: &str| {
            s.parse::<mccs_model::Name>()
                .unwrap_or_else(|_| unreachable!())
        };
        match kind % 6 {
            0 => Party::Environment {
                env: "abc123-prod".parse().unwrap_or_else(|_| unreachable!()),
            },
            1 => Party::Endpoint { name: name(text) },
            2 => Party::Object {
                name: name(text),
                published_by: None,
            },
            3 => Party::Translated {
                private_link: name(text),
                region: "ca-central-1".into(),
                role: PrivateLinkSide::Endpoint,
            },
            4 => Party::Nat {
                env: "abc123-dev".parse().unwrap_or_else(|_| unreachable!()),
            },
            _ => Party::Prefix,
        }
    }

    proptest! {
        /// The borrowed list keeps what the owned one keeps, in the same order, past the
        /// point where it starts hashing.
        #[test]
        fn unique_refs_keep_what_unique_list_keeps(
            items in proptest::collection::vec("[a-d]{1,2}", 0..60),
            capacity in 0usize..80,
        ) {
            let mut owned = UniqueList::default();
            let mut borrowed = UniqueRefs::with_capacity(capacity);
            for s in &items {
                owned.push(s);
                borrowed.push(s);
            }
            prop_assert_eq!(borrowed.to_strings(), owned.items);
        }

        /// A party's addresses written into a buffer read as `format!` wrote them.
        #[test]
        fn party_addresses_reads_as_display(
            kind: u8,
            name in "[a-z][a-z-]{0,11}",
            prefixes in proptest::collection::vec((any::<u32>(), 8u8..33), 0..4),
        ) {
            let (p, s) = (party(kind, &name), set(&prefixes));
            let expected = match p {
                Party::Prefix => s.to_string(),
                _ => format!("{p} ({s})"),
            };
            prop_assert_eq!(party_set_text(&mut String::from("old"), &p, &s), expected);
        }

        /// A key and its borrowed view hash alike, so the cache finds a pair either way.
        #[test]
        fn borrowed_keys_find_owned_ones(
            kind: u8,
            name in "[a-z][a-z-]{0,11}",
            prefixes in proptest::collection::vec((any::<u32>(), 8u8..33), 0..4),
        ) {
            let (p, s) = (party(kind, &name), set(&prefixes));
            let key = Key { party: p.clone(), set: s.clone() };
            let state = RandomState::new();
            prop_assert_eq!(
                state.hash_one(&key),
                state.hash_one(&(&p, &s) as &dyn KeyView)
            );
            let mut map = HashMap::new();
            map.insert(key, 7);
            prop_assert_eq!(map.get(&(&p, &s) as &dyn KeyView), Some(&7));
        }

        /// The list of shared texts keeps what the list of owned strings keeps, in the same
        /// order, past the point where it starts hashing.
        #[test]
        fn unique_arcs_keep_what_unique_list_keeps(
            items in proptest::collection::vec("[a-d]{1,2}", 0..60),
        ) {
            let mut owned = UniqueList::default();
            let mut shared = UniqueArcs::default();
            for s in &items {
                owned.push(s);
                shared.push(&Arc::from(s.as_str()));
            }
            let shared: Vec<String> = shared.items.iter().map(|s| s.to_string()).collect();
            prop_assert_eq!(shared, owned.items);
        }

        /// Equal texts get one shared copy; the copy reads as the text.
        #[test]
        fn texts_share_equal_text(items in proptest::collection::vec("[a-c]{0,3}", 0..40)) {
            let mut texts = Texts::default();
            let got: Vec<Arc<str>> = items.iter().map(|s| texts.get(s)).collect();
            for (a, x) in items.iter().zip(&got) {
                prop_assert_eq!(a.as_str(), &**x);
                for (b, y) in items.iter().zip(&got) {
                    prop_assert_eq!(a == b, Arc::ptr_eq(x, y));
                }
            }
        }
    }

    /// The rows of a set share their texts: a firewall's name, a flow's cloud ends and a
    /// service set are one allocation wherever the set shows them.
    #[test]
    fn rows_share_their_texts() {
        for t in [
            mccs_model::examples::reference(),
            mccs_model::examples::cross_cloud(),
        ] {
            let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
            let set = crate::RequestSet::from_plan(&t, &plan);
            let rows: Vec<_> = set.requests.iter().flat_map(|r| &r.traffic).collect();
            assert!(rows.len() > 1);
            let targets: Vec<_> = rows.iter().flat_map(|r| &r.apply_on).collect();
            for a in &targets {
                for b in &targets {
                    assert_eq!(
                        a.firewall == b.firewall,
                        Arc::ptr_eq(&a.firewall, &b.firewall)
                    );
                }
            }
            for row in &rows {
                for line in row.apply_on.iter().flat_map(|a| &a.lines) {
                    assert!(row.services.iter().any(|s| Arc::ptr_eq(s, &line.service)));
                }
                if let [flow] = &*row.flows {
                    let summary = set.flow(flow).unwrap_or_else(|| panic!("{flow}"));
                    assert!(Arc::ptr_eq(&summary.flow, flow));
                    assert!(Arc::ptr_eq(&summary.cloud_ends, &row.cloud_ends));
                }
            }
        }
    }
}
