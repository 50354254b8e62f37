//! Azure Firewall Policy: `az network firewall policy rule-collection-group list`.
//!
//! The export is a JSON array of rule collection groups as the Azure CLI prints them (the
//! resource's `properties` flattened: `name`, `priority`, `ruleCollections`; the REST API's
//! unflattened `properties.priority` / `properties.ruleCollections` are read too, and a single
//! group from `rule-collection-group show` is read as a list of one).
//!
//! Order is Azure's documented processing order: every DNAT rule first, then every network
//! rule, then every application rule; within each kind the parent policy's rules before the
//! policy's own, then by rule collection group priority (lowest first), then by rule
//! collection priority, then the rules in the order the collection lists them. No match
//! denies, as the model's `cloud` firewall does.
//!
//! Network rules are mapped exactly where the model can say the same: addresses, CIDRs,
//! ranges, IP Groups (objects named by the IP Group's name), `*`, TCP/UDP/ICMP/Any and their
//! ports. What the model cannot judge is kept and marked [`Rule::unknown`] with its
//! addresses widened to `any`: service tags, destination FQDNs, every application rule (FQDNs,
//! FQDN tags, URLs, web categories) and every DNAT rule (mccs models no address translation
//! on this firewall). See `docs/import/azure.md`.
//!
//! [`Rule::unknown`]: mccs_model::Rule::unknown

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;
use mccs_model::{
    Action, AddressRange, AddressRef, DocPath, ExportFinding, ExportPlace, Firewall, FirewallKind,
    FirewallObject, ImportedRulebase, Name, Platform, PortRange, Rule, RulebaseFormat, Service,
    ServiceRef,
};
use serde_json::Value;

use super::{Export, to_name};

const FORMAT: RulebaseFormat = RulebaseFormat::AzureFirewallPolicy;

/// How many values an `unknown` text names before it says how many more there are.
const NAMED_IN_UNKNOWN: usize = 5;

/// Reads a policy's rule collection groups (with its parent's and its IP Groups).
///
/// # Errors
///
/// Every problem found in the exports, each located in its file.
pub fn read(
    export: &Export,
    parent: Option<&Export>,
    ip_groups: Option<&Export>,
    firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    let mut out = ImportedRulebase::new();
    let mut errors = Vec::new();
    if firewall.kind != FirewallKind::Cloud || firewall.platform != Some(Platform::AzureAlz) {
        errors.push(ExportFinding::error(
            ExportPlace::new(export.file(), ""),
            format!(
                "an Azure Firewall Policy is the rulebase of an Azure Firewall: give firewall `{}` `kind: cloud` and `platform: azure-alz` (it has kind {}{})",
                firewall.name,
                firewall.kind.as_str(),
                firewall
                    .platform
                    .map_or_else(|| ", no platform".to_owned(), |p| format!(", platform {p}"))
            ),
        ));
    }
    // IP Groups first: the rules refer to them by resource ID.
    let mut groups = IpGroups::default();
    if let Some(ipg) = ip_groups {
        let mut cx = Cx::new(ipg);
        groups = read_ip_groups(&mut cx, &mut out);
        errors.append(&mut cx.errors);
        out.findings.append(&mut cx.warnings);
    }
    let mut entries = Vec::new();
    for (rank, ex) in parent.into_iter().map(|p| (0u8, p)).chain([(1u8, export)]) {
        let mut cx = Cx::new(ex);
        let ipg_file = ip_groups.map(Export::file);
        read_policy(&mut cx, rank, &groups, ipg_file, &mut entries);
        errors.append(&mut cx.errors);
        out.findings.append(&mut cx.warnings);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    entries.sort_by_key(|e| e.key);
    let mut names = Names::default();
    let mut errors = Vec::new();
    for e in entries {
        let raw = format!("{}.{}", e.collection, e.rule);
        let Some((name, renamed)) = names.unique(&raw, &e.group) else {
            errors.push(ExportFinding::error(
                e.at,
                format!(
                    "rule `{}` of collection `{}` cannot be given a name",
                    short(&e.rule),
                    short(&e.collection)
                ),
            ));
            continue;
        };
        let mut description = e.description;
        if renamed {
            out.findings.push(ExportFinding::warning(
                e.at.clone(),
                format!(
                    "rule `{}` of collection `{}` is named `{name}` here (a rule's name is unique only within its collection, and a name holds letters, digits, `_ - .` and single spaces); its Azure name is kept in the description",
                    e.rule, e.collection
                ),
            ));
            let note = format!("Azure: {raw}");
            description = Some(match description {
                Some(d) => format!("{note}. {d}"),
                None => note,
            });
        }
        let mut rule = Rule::new(
            name.clone(),
            e.action,
            e.sources,
            e.destinations,
            e.services,
        );
        if let Some(d) = description {
            rule = rule.description(d);
        }
        if !e.unknown.is_empty() {
            let what = e.unknown.join("; ");
            out.findings.push(ExportFinding::warning(
                e.at.clone(),
                format!(
                    "rule `{name}` matches on {what}, which mccs cannot judge: it is kept, and traffic reaching it gets the verdict unknown; a person must check what it matches"
                ),
            ));
            rule = rule.unknown(what);
        }
        if e.matches_nothing {
            out.findings.push(ExportFinding::warning(
                e.at.clone(),
                format!(
                    "rule `{name}` names only empty IP Groups on one side, so it matches nothing: it is kept as disabled"
                ),
            ));
            rule = rule.disabled();
        }
        out.push_rule(rule, e.at);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(out)
}

/// One rule on its way into the list, with the key that orders it.
struct Entry {
    /// (kind: DNAT 0, network 1, application 2; parent 0 or own 1; group priority; group
    /// index; collection priority; collection index; rule index).
    key: (u8, u8, u32, usize, u32, usize, usize),
    group: String,
    collection: String,
    rule: String,
    action: Action,
    sources: Vec<AddressRef>,
    destinations: Vec<AddressRef>,
    services: Vec<ServiceRef>,
    description: Option<String>,
    unknown: Vec<String>,
    matches_nothing: bool,
    at: ExportPlace,
}

/// The model names given so far, to keep each unique.
#[derive(Default)]
struct Names {
    given: HashSet<String>,
    /// Per base name, the next number to try: numbering stays linear however many rules share
    /// a name.
    next: HashMap<String, usize>,
}

impl Names {
    /// A unique name for `<collection>.<rule>` (`raw`): itself, else prefixed with the
    /// group, else numbered. `true` when it is not `raw` as written.
    fn unique(&mut self, raw: &str, group: &str) -> Option<(Name, bool)> {
        let (first, renamed) = to_name(raw)?;
        if self.given.insert(first.as_str().to_owned()) {
            return Some((first, renamed));
        }
        if let Some((n, _)) = to_name(&format!("{group}.{raw}"))
            && self.given.insert(n.as_str().to_owned())
        {
            return Some((n, true));
        }
        // Numbered: each try either succeeds or skips a number taken by another rule, so the
        // tries over the whole export are at most its rules plus one per base name.
        let base = first.as_str().to_owned();
        let mut k = self.next.get(&base).copied().unwrap_or(2);
        let last = k + self.given.len() + 1;
        while k <= last {
            let suffix = format!(".{k}");
            k += 1;
            let keep = Name::MAX_LEN.saturating_sub(suffix.len());
            let cut: String = base.chars().take(keep).collect();
            if let Some((n, _)) = to_name(&format!("{cut}{suffix}"))
                && self.given.insert(n.as_str().to_owned())
            {
                self.next.insert(base, k);
                return Some((n, true));
            }
        }
        None
    }
}

/// IP Groups by lowercased resource ID: the object a rule names (`None`: an empty group).
#[derive(Default)]
struct IpGroups {
    by_id: HashMap<String, Option<Name>>,
    read: bool,
}

fn read_ip_groups(cx: &mut Cx<'_>, out: &mut ImportedRulebase) -> IpGroups {
    let mut groups = IpGroups {
        read: true,
        ..IpGroups::default()
    };
    let Some(doc) = cx.parse() else {
        return groups;
    };
    let root = DocPath::root();
    let items: Vec<(&Value, DocPath)> = match &doc {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (v, root.index(i)))
            .collect(),
        Value::Object(_) => vec![(&doc, root.clone())],
        _ => {
            cx.error(
                &root,
                "not the JSON `az network ip-group list --output json` writes: expected a list of IP Groups",
            );
            return groups;
        }
    };
    for (g, at) in items {
        if !g.is_object() {
            cx.error(
                &at,
                "an IP Group is a JSON object with `id`, `name` and `ipAddresses`",
            );
            continue;
        }
        let Some((raw, name_at)) = cx.string(g, &at, "name", true) else {
            continue;
        };
        let id = cx.string(g, &at, "id", false).map(|(s, _)| s);
        let Some((name, renamed)) = to_name(raw) else {
            cx.error(
                &name_at,
                format!("IP Group name `{raw}` cannot be an object name"),
            );
            continue;
        };
        let place = cx.place(&at);
        if renamed {
            cx.warn(
                &name_at,
                format!("IP Group `{raw}` is the object `{name}` (a name holds letters, digits, `_ - .` and single spaces)"),
            );
        }
        let addresses = cx.strings(g, &at, "ipAddresses");
        let mut objects = Vec::new();
        let single = addresses.len() == 1;
        for (k, (text, a_at)) in addresses.iter().enumerate() {
            let obj_name = if single {
                Some(name.clone())
            } else {
                to_name(&format!("{name}.{}", k + 1)).map(|(n, _)| n)
            };
            let Some(obj_name) = obj_name else { continue };
            match ip_object(obj_name, text) {
                Ok(o) => objects.push(o),
                Err(e) => cx.error(a_at, format!("IP Group `{raw}`: {e}")),
            }
        }
        let description = format!("Azure IP Group {raw}");
        let target = match objects.len() {
            0 => {
                cx.warn(
                    &at,
                    format!("IP Group `{raw}` holds no address: rules naming it match nothing through it"),
                );
                None
            }
            1 if single => {
                for o in objects {
                    out.push_object(o.with_description(description.clone()), place.clone());
                }
                Some(name)
            }
            _ => {
                let members: Vec<Name> = objects.iter().map(|o| o.name().clone()).collect();
                for o in objects {
                    out.push_object(o, place.clone());
                }
                out.push_object(
                    FirewallObject::group(name.clone(), members).with_description(description),
                    place.clone(),
                );
                Some(name)
            }
        };
        if let Some(id) = id {
            groups.by_id.insert(id.to_ascii_lowercase(), target);
        }
    }
    groups
}

/// The host, network or range object an IP Group's address is.
fn ip_object(name: Name, text: &str) -> Result<FirewallObject, String> {
    match address(text)? {
        Addr::Range(r) => Ok(FirewallObject::range(name, r)),
        Addr::Net(n) if text.contains('/') => Ok(FirewallObject::network(name, n)),
        Addr::Net(n) => Ok(FirewallObject::host(name, n.addr())),
        Addr::Any | Addr::Tag(_) => Err(format!(
            "`{text}` is not an address, CIDR or range (an IP Group holds only those)"
        )),
    }
}

/// An address as the exports write it.
#[derive(Debug)]
pub(super) enum Addr {
    /// `*` (or `Any`).
    Any,
    /// An address or CIDR.
    Net(IpNet),
    /// `first-last`.
    Range(AddressRange),
    /// A service tag (`AzureCloud`, `Storage.CanadaCentral`, `VirtualNetwork`).
    Tag(String),
}

/// Reads `*`, `Any`, an address, a CIDR, a range `a-b` or a service tag.
pub(super) fn address(text: &str) -> Result<Addr, String> {
    let t = text.trim();
    if t == "*" || t.eq_ignore_ascii_case("any") {
        return Ok(Addr::Any);
    }
    if let Some((a, b)) = t.split_once('-')
        && let (Ok(a), Ok(b)) = (a.trim().parse::<IpAddr>(), b.trim().parse::<IpAddr>())
    {
        return AddressRange::new(a, b).map(Addr::Range).ok_or_else(|| {
            format!("`{t}` is not a range: both ends of one family, the first not above the last")
        });
    }
    let looks_like_address =
        t.contains('/') || t.contains(':') || t.starts_with(|c: char| c.is_ascii_digit());
    if looks_like_address {
        return match t.parse::<AddressRef>() {
            Ok(AddressRef::Prefix(p)) => Ok(Addr::Net(p)),
            Ok(_) => Err(format!("`{t}` is not an address or CIDR")),
            Err(e) => Err(e.to_string()),
        };
    }
    if !t.is_empty()
        && t.len() <= 128
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Ok(Addr::Tag(t.to_owned()));
    }
    Err(format!(
        "`{}` is not an address, CIDR, range, `*` or service tag",
        short(t)
    ))
}

/// At most 60 characters of `t`, for messages.
pub(super) fn short(t: &str) -> String {
    if t.chars().count() <= 60 {
        return t.to_owned();
    }
    let mut s: String = t.chars().take(57).collect();
    s.push_str("...");
    s
}

/// `443`, `8000-8080` or `*`.
pub(super) fn ports(text: &str) -> Result<PortRange, String> {
    let t = text.trim();
    if t == "*" || t.eq_ignore_ascii_case("any") {
        return Ok(PortRange::ALL);
    }
    t.parse::<PortRange>().map_err(|_| {
        format!(
            "`{}` is not a port or port range: write `443`, `8000-8080` or `*` (1 to 65535, first not above last)",
            short(t)
        )
    })
}

/// `a, b, c (and 4 more)`.
pub(super) fn listing(what: &str, items: &[String]) -> String {
    let mut s = format!("{what} ");
    s.push_str(
        &items
            .iter()
            .take(NAMED_IN_UNKNOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    );
    if items.len() > NAMED_IN_UNKNOWN {
        s.push_str(&format!(" (and {} more)", items.len() - NAMED_IN_UNKNOWN));
    }
    s
}

/// Findings and JSON access for one export.
pub(super) struct Cx<'e> {
    pub(super) export: &'e Export,
    pub(super) errors: Vec<ExportFinding>,
    pub(super) warnings: Vec<ExportFinding>,
}

impl<'e> Cx<'e> {
    pub(super) fn new(export: &'e Export) -> Self {
        Self {
            export,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The export as JSON (a syntax error is one error).
    pub(super) fn parse(&mut self) -> Option<Value> {
        match self.export.parse_json::<Value>(FORMAT) {
            Ok(v) => Some(v),
            Err(mut e) => {
                self.errors.append(&mut e);
                None
            }
        }
    }

    pub(super) fn place(&self, at: &impl Where) -> ExportPlace {
        self.export.json_place(&at.doc())
    }

    pub(super) fn error(&mut self, at: &impl Where, message: impl Into<String>) {
        let p = self.place(at);
        self.errors.push(ExportFinding::error(p, message));
    }

    pub(super) fn warn(&mut self, at: &impl Where, message: impl Into<String>) {
        let p = self.place(at);
        self.warnings.push(ExportFinding::warning(p, message));
    }

    /// `key` of the object `v`, or of its `properties` (the REST API's shape); null is absent.
    pub(super) fn get<'v, 'a>(
        v: &'v Value,
        at: &'a DocPath,
        key: &'a str,
    ) -> Option<(&'v Value, At<'a>)> {
        let here = At {
            base: at,
            props: false,
            key,
            index: None,
        };
        if let Some(x) = v.get(key).filter(|x| !x.is_null()) {
            return Some((x, here));
        }
        v.get("properties")
            .and_then(|p| p.get(key))
            .filter(|x| !x.is_null())
            .map(|x| {
                (
                    x,
                    At {
                        props: true,
                        ..here
                    },
                )
            })
    }

    /// The string `key`; an error when it is missing and `required`, or not a string.
    pub(super) fn string<'v, 'a>(
        &mut self,
        v: &'v Value,
        at: &'a DocPath,
        key: &'a str,
        required: bool,
    ) -> Option<(&'v str, At<'a>)> {
        match Self::get(v, at, key) {
            Some((Value::String(s), p)) => Some((s.as_str(), p)),
            Some((_, p)) => {
                self.error(&p, format!("`{key}` must be a string"));
                None
            }
            None => {
                if required {
                    self.error(at, format!("`{key}` is missing"));
                }
                None
            }
        }
    }

    /// The list of strings `key` (missing or null: empty).
    pub(super) fn strings<'v, 'a>(
        &mut self,
        v: &'v Value,
        at: &'a DocPath,
        key: &'a str,
    ) -> Vec<(&'v str, At<'a>)> {
        match Self::get(v, at, key) {
            None => Vec::new(),
            Some((Value::Array(a), p)) => {
                let mut out = Vec::with_capacity(a.len());
                for (i, x) in a.iter().enumerate() {
                    match x {
                        Value::String(s) => out.push((s.as_str(), p.index(i))),
                        _ => self.error(&p.index(i), format!("`{key}` must hold strings")),
                    }
                }
                out
            }
            Some((_, p)) => {
                self.error(&p, format!("`{key}` must be a list of strings"));
                Vec::new()
            }
        }
    }

    /// The list `key` (missing or null: empty).
    pub(super) fn list<'v>(
        &mut self,
        v: &'v Value,
        at: &DocPath,
        key: &str,
    ) -> Vec<(&'v Value, DocPath)> {
        match Self::get(v, at, key) {
            None => Vec::new(),
            Some((Value::Array(a), p)) => {
                let p = p.doc();
                a.iter().enumerate().map(|(i, x)| (x, p.index(i))).collect()
            }
            Some((_, p)) => {
                self.error(&p, format!("`{key}` must be a list"));
                Vec::new()
            }
        }
    }

    /// The whole number `key`, in `lo..=hi`.
    pub(super) fn number(
        &mut self,
        v: &Value,
        at: &DocPath,
        key: &str,
        lo: u32,
        hi: u32,
    ) -> Option<u32> {
        match Self::get(v, at, key) {
            Some((x, p)) => {
                let n = x
                    .as_u64()
                    .or_else(|| x.as_str().and_then(|s| s.trim().parse::<u64>().ok()));
                match n
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| (lo..=hi).contains(n))
                {
                    Some(n) => Some(n),
                    None => {
                        self.error(
                            &p,
                            format!(
                                "`{key}` must be a whole number from {lo} to {hi}, not {}",
                                short(&x.to_string())
                            ),
                        );
                        None
                    }
                }
            }
            None => {
                self.error(at, format!("`{key}` is missing"));
                None
            }
        }
    }
}

/// Something a finding can be located at: a path into the export.
pub(super) trait Where {
    /// The path.
    fn doc(&self) -> DocPath;
}

impl Where for DocPath {
    fn doc(&self) -> DocPath {
        self.clone()
    }
}

/// The path of an object's field (or of an element of it), built into a [`DocPath`] only when a
/// finding needs it: reading a large export makes no path per field.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    base: &'a DocPath,
    /// The field is under the object's `properties`.
    props: bool,
    key: &'a str,
    index: Option<usize>,
}

impl At<'_> {
    /// Element `i` of this field.
    pub(super) fn index(self, i: usize) -> Self {
        Self {
            index: Some(i),
            ..self
        }
    }
}

impl Where for At<'_> {
    fn doc(&self) -> DocPath {
        let mut p = if self.props {
            self.base.key("properties")
        } else {
            self.base.clone()
        };
        p = p.key(self.key);
        if let Some(i) = self.index {
            p = p.index(i);
        }
        p
    }
}

/// The kinds of rules, in the order Azure processes them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Nat,
    Network,
    Application,
}

fn read_policy(
    cx: &mut Cx<'_>,
    rank: u8,
    groups: &IpGroups,
    ipg_file: Option<&str>,
    entries: &mut Vec<Entry>,
) {
    let Some(doc) = cx.parse() else { return };
    let root = DocPath::root();
    let items: Vec<(&Value, DocPath)> = match &doc {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (v, root.index(i)))
            .collect(),
        Value::Object(_) => vec![(&doc, root.clone())],
        _ => {
            cx.error(
                &root,
                format!(
                    "not the JSON `{}` writes: expected a list of rule collection groups",
                    FORMAT.export_command()
                ),
            );
            return;
        }
    };
    for (gi, (g, g_at)) in items.into_iter().enumerate() {
        if !g.is_object() {
            cx.error(&g_at, "a rule collection group is a JSON object with `name`, `priority` and `ruleCollections`");
            continue;
        }
        let name = cx.string(g, &g_at, "name", true).map(|(s, _)| s);
        let priority = cx.number(g, &g_at, "priority", 100, 65_000);
        let collections = cx.list(g, &g_at, "ruleCollections");
        let (Some(gname), Some(gprio)) = (name, priority) else {
            continue;
        };
        for (ci, (c, c_at)) in collections.into_iter().enumerate() {
            read_collection(
                cx,
                Group {
                    rank,
                    name: gname,
                    priority: gprio,
                    index: gi,
                },
                (c, c_at, ci),
                groups,
                ipg_file,
                entries,
            );
        }
    }
}

#[derive(Clone, Copy)]
struct Group<'a> {
    rank: u8,
    name: &'a str,
    priority: u32,
    index: usize,
}

fn read_collection(
    cx: &mut Cx<'_>,
    g: Group<'_>,
    (c, c_at, ci): (&Value, DocPath, usize),
    groups: &IpGroups,
    ipg_file: Option<&str>,
    entries: &mut Vec<Entry>,
) {
    if !c.is_object() {
        cx.error(&c_at, "a rule collection is a JSON object with `name`, `priority`, `ruleCollectionType`, `action` and `rules`");
        return;
    }
    let name = cx.string(c, &c_at, "name", true).map(|(s, _)| s);
    let priority = cx.number(c, &c_at, "priority", 100, 65_000);
    let ctype = cx.string(c, &c_at, "ruleCollectionType", true);
    let action = match Cx::get(c, &c_at, "action") {
        Some((a, p)) => {
            let t = a.get("type").and_then(Value::as_str).or_else(|| a.as_str());
            match t {
                Some(t) if t.eq_ignore_ascii_case("allow") => Some(Action::Allow),
                Some(t) if t.eq_ignore_ascii_case("deny") => Some(Action::Deny),
                // DNAT translates and then allows what it translated.
                Some(t) if t.eq_ignore_ascii_case("dnat") => Some(Action::Allow),
                _ => {
                    cx.error(&p, "`action.type` must be Allow, Deny or DNAT");
                    None
                }
            }
        }
        None => {
            cx.error(
                &c_at,
                "`action` is missing: give `{\"type\": \"Allow\"}` or `Deny`",
            );
            None
        }
    };
    let rules = cx.list(c, &c_at, "rules");
    let nat_collection = match ctype {
        Some((t, _)) if t.eq_ignore_ascii_case("FirewallPolicyFilterRuleCollection") => false,
        Some((t, _)) if t.eq_ignore_ascii_case("FirewallPolicyNatRuleCollection") => true,
        Some((t, p)) => {
            cx.error(
                &p,
                format!("rule collection type `{}` is not FirewallPolicyFilterRuleCollection or FirewallPolicyNatRuleCollection", short(t)),
            );
            return;
        }
        None => return,
    };
    let (Some(cname), Some(cprio), Some(action)) = (name, priority, action) else {
        return;
    };
    for (ri, (r, r_at)) in rules.into_iter().enumerate() {
        if !r.is_object() {
            cx.error(&r_at, "a rule is a JSON object with `name` and `ruleType`");
            continue;
        }
        let rname = cx.string(r, &r_at, "name", true).map(|(s, _)| s);
        let kind = match cx.string(r, &r_at, "ruleType", true) {
            Some((t, _)) if t.eq_ignore_ascii_case("NetworkRule") => Some(Kind::Network),
            Some((t, _)) if t.eq_ignore_ascii_case("ApplicationRule") => Some(Kind::Application),
            Some((t, _)) if t.eq_ignore_ascii_case("NatRule") => Some(Kind::Nat),
            Some((t, p)) => {
                cx.error(
                    &p,
                    format!(
                        "rule type `{}` is not NetworkRule, ApplicationRule or NatRule",
                        short(t)
                    ),
                );
                None
            }
            None => None,
        };
        let (Some(rname), Some(kind)) = (rname, kind) else {
            continue;
        };
        if (kind == Kind::Nat) != nat_collection {
            cx.error(
                &r_at,
                if nat_collection {
                    "a FirewallPolicyNatRuleCollection holds only NatRule rules"
                } else {
                    "a FirewallPolicyFilterRuleCollection holds NetworkRule or ApplicationRule rules, not NatRule"
                },
            );
            continue;
        }
        let errors_before = cx.errors.len();
        let mut e = Entry {
            key: (
                match kind {
                    Kind::Nat => 0,
                    Kind::Network => 1,
                    Kind::Application => 2,
                },
                g.rank,
                g.priority,
                g.index,
                cprio,
                ci,
                ri,
            ),
            group: g.name.to_owned(),
            collection: cname.to_owned(),
            rule: rname.to_owned(),
            action,
            sources: Vec::new(),
            destinations: Vec::new(),
            services: Vec::new(),
            description: cx
                .string(r, &r_at, "description", false)
                .map(|(s, _)| s.to_owned())
                .filter(|s| !s.trim().is_empty()),
            unknown: Vec::new(),
            matches_nothing: false,
            at: ExportPlace::default(),
        };
        let mut side = Side::new(cx, r, &r_at, groups, ipg_file);
        let (sources, src_nothing) =
            side.read("sourceAddresses", "sourceIpGroups", None, &mut e.unknown);
        let fqdns = if kind == Kind::Application {
            None
        } else {
            Some("destinationFqdns")
        };
        let (destinations, dst_nothing) = if kind == Kind::Application {
            // What an application rule matches is named by FQDNs, tags, URLs and web categories:
            // any destination it may reach.
            (vec![AddressRef::Any], false)
        } else {
            side.read(
                "destinationAddresses",
                "destinationIpGroups",
                fqdns,
                &mut e.unknown,
            )
        };
        e.sources = sources;
        e.destinations = destinations;
        e.matches_nothing = src_nothing || dst_nothing;
        match kind {
            Kind::Network => e.services = network_services(cx, r, &r_at),
            Kind::Nat => {
                e.services = network_services(cx, r, &r_at);
                let to = cx
                    .string(r, &r_at, "translatedAddress", false)
                    .or_else(|| cx.string(r, &r_at, "translatedFqdn", false))
                    .map_or("?", |(s, _)| s);
                let port = cx
                    .string(r, &r_at, "translatedPort", false)
                    .map_or("?", |(s, _)| s);
                e.unknown.insert(
                    0,
                    format!(
                        "DNAT to {}:{} (mccs does not model address translation on this firewall)",
                        short(to),
                        short(port)
                    ),
                );
            }
            Kind::Application => {
                e.services = application_services(cx, r, &r_at);
                let mut what = Vec::new();
                for (key, label) in [
                    ("targetFqdns", "FQDN"),
                    ("fqdnTags", "FQDN tag"),
                    ("targetUrls", "URL"),
                    ("webCategories", "web category"),
                ] {
                    let items: Vec<String> = cx
                        .strings(r, &r_at, key)
                        .into_iter()
                        .map(|(s, _)| short(s))
                        .collect();
                    if !items.is_empty() {
                        what.push(listing(label, &items));
                    }
                }
                if what.is_empty() {
                    what.push("an application rule's HTTP/HTTPS inspection".to_owned());
                }
                e.unknown.splice(0..0, what);
            }
        }
        if cx.errors.len() > errors_before {
            continue;
        }
        e.at = cx.place(&r_at);
        entries.push(e);
    }
}

/// Reads one side (sources or destinations) of a rule.
struct Side<'c, 'e, 'v> {
    cx: &'c mut Cx<'e>,
    rule: &'v Value,
    at: &'v DocPath,
    groups: &'v IpGroups,
    ipg_file: Option<&'v str>,
}

impl<'c, 'e, 'v> Side<'c, 'e, 'v> {
    fn new(
        cx: &'c mut Cx<'e>,
        rule: &'v Value,
        at: &'v DocPath,
        groups: &'v IpGroups,
        ipg_file: Option<&'v str>,
    ) -> Self {
        Self {
            cx,
            rule,
            at,
            groups,
            ipg_file,
        }
    }

    /// The addresses of `addr_key`, `ipg_key` and `fqdn_key`; `true` when the side names only
    /// empty IP Groups (matches nothing). Service tags and FQDNs widen the side to `any` and
    /// say so in `unknown`.
    fn read(
        &mut self,
        addr_key: &str,
        ipg_key: &str,
        fqdn_key: Option<&str>,
        unknown: &mut Vec<String>,
    ) -> (Vec<AddressRef>, bool) {
        let mut out = Vec::new();
        let mut any = false;
        let mut tags = Vec::new();
        let mut named = 0usize;
        for (text, p) in self.cx.strings(self.rule, self.at, addr_key) {
            named += 1;
            match address(text) {
                Ok(Addr::Any) => any = true,
                Ok(Addr::Net(n)) => out.push(AddressRef::Prefix(n)),
                Ok(Addr::Range(r)) => {
                    out.extend(r.to_prefixes().into_iter().map(AddressRef::Prefix));
                }
                Ok(Addr::Tag(t)) => tags.push(t),
                Err(e) => self.cx.error(&p, format!("`{addr_key}`: {e}")),
            }
        }
        for (id, p) in self.cx.strings(self.rule, self.at, ipg_key) {
            named += 1;
            if !self.groups.read {
                self.cx.error(
                    &p,
                    format!(
                        "the rule names the IP Group `{}`: give the `az network ip-group list --output json` export as the rulebase's `ip_groups`",
                        short(last_segment(id))
                    ),
                );
                continue;
            }
            match self.groups.by_id.get(&id.to_ascii_lowercase()) {
                Some(Some(n)) => out.push(AddressRef::Object(n.clone())),
                Some(None) => {}
                None => self.cx.error(
                    &p,
                    format!(
                        "IP Group `{}` is not in {}: export the IP Groups of every resource group the policy uses (`az network ip-group list` without `-g`)",
                        short(last_segment(id)),
                        self.ipg_file.unwrap_or("the IP Groups export")
                    ),
                ),
            }
        }
        if let Some(fk) = fqdn_key {
            let fqdns: Vec<String> = self
                .cx
                .strings(self.rule, self.at, fk)
                .into_iter()
                .map(|(s, _)| short(s))
                .collect();
            if !fqdns.is_empty() {
                named += 1;
                unknown.push(listing("FQDN", &fqdns));
                any = true;
            }
        }
        if !tags.is_empty() {
            unknown.push(listing("service tag", &tags));
            any = true;
        }
        if named == 0 {
            self.cx.error(
                self.at,
                format!("the rule has no `{addr_key}` and no `{ipg_key}`"),
            );
        }
        if any {
            return (vec![AddressRef::Any], false);
        }
        let nothing = out.is_empty() && named > 0;
        if nothing {
            // Keeps the rule well-formed; it is disabled, so it never matches.
            out.push(AddressRef::Any);
        }
        (out, nothing)
    }
}

/// The last `/` segment of a resource ID: its name.
fn last_segment(id: &str) -> &str {
    id.rsplit('/').find(|s| !s.is_empty()).unwrap_or(id)
}

/// `ipProtocols` × `destinationPorts` of a network or DNAT rule.
fn network_services(cx: &mut Cx<'_>, r: &Value, at: &DocPath) -> Vec<ServiceRef> {
    let mut ranges = Vec::new();
    for (text, p) in cx.strings(r, at, "destinationPorts") {
        match ports(text) {
            Ok(pr) => ranges.push(pr),
            Err(e) => cx.error(&p, e),
        }
    }
    let (mut tcp, mut udp, mut icmp) = (false, false, false);
    let protocols = cx.strings(r, at, "ipProtocols");
    if protocols.is_empty() {
        cx.error(
            at,
            "the rule has no `ipProtocols`: give TCP, UDP, ICMP or Any",
        );
    }
    for (text, p) in protocols {
        match text.to_ascii_lowercase().as_str() {
            "tcp" => tcp = true,
            "udp" => udp = true,
            "icmp" => icmp = true,
            "any" => (tcp, udp, icmp) = (true, true, true),
            _ => cx.error(
                &p,
                format!("protocol `{}` is not TCP, UDP, ICMP or Any", short(text)),
            ),
        }
    }
    if (tcp || udp) && ranges.is_empty() {
        cx.error(
            at,
            "the rule has no `destinationPorts`: give `*` for every port",
        );
    }
    let mut out = Vec::new();
    for (on, make) in [
        (tcp, Service::Tcp as fn(PortRange) -> Service),
        (udp, Service::Udp),
    ] {
        if on {
            out.extend(ranges.iter().map(|p| ServiceRef::Literal(make(*p))));
        }
    }
    if icmp {
        out.push(ServiceRef::Literal(Service::Icmp));
    }
    out
}

/// An application rule's `protocols` as TCP ports (what it may match).
fn application_services(cx: &mut Cx<'_>, r: &Value, at: &DocPath) -> Vec<ServiceRef> {
    let mut out = Vec::new();
    for (p, p_at) in cx.list(r, at, "protocols") {
        let port = p
            .get("port")
            .and_then(|x| {
                x.as_u64()
                    .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
            })
            .and_then(|n| u16::try_from(n).ok())
            .and_then(PortRange::single);
        match port {
            Some(pr) => out.push(ServiceRef::Literal(Service::Tcp(pr))),
            None => cx.error(
                &p_at,
                "an application rule protocol needs `port`, 1 to 65535",
            ),
        }
    }
    if out.is_empty() {
        out.push(ServiceRef::Literal(Service::Tcp(PortRange::ALL)));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)] // a test fails by panicking

    use super::*;

    #[test]
    fn addresses_and_ports() {
        assert!(matches!(address("*"), Ok(Addr::Any)));
        assert!(matches!(address("10.0.0.1"), Ok(Addr::Net(_))));
        assert!(matches!(address("10.0.0.1-10.0.0.9"), Ok(Addr::Range(_))));
        assert!(matches!(address("Storage.CanadaCentral"), Ok(Addr::Tag(_))));
        assert!(address("10.0.0.9-10.0.0.1").is_err());
        assert!(
            address("10.0.0.0/33")
                .unwrap_err()
                .contains("longer than 32")
        );
        assert!(address("a b").is_err());
        assert_eq!(ports("*").unwrap(), PortRange::ALL);
        assert_eq!(ports("8000-8080").unwrap().to_string(), "8000-8080");
        assert!(ports("0").is_err());
        assert!(ports("9-1").is_err());
        assert!(ports("99999999999999999999").is_err());
    }

    #[test]
    fn names_stay_unique() {
        let mut n = Names::default();
        assert_eq!(
            n.unique("c.r", "g1").unwrap(),
            ("c.r".parse().unwrap(), false)
        );
        assert_eq!(
            n.unique("c.r", "g2").unwrap(),
            ("g2.c.r".parse().unwrap(), true)
        );
        assert_eq!(
            n.unique("c.r", "g2").unwrap(),
            ("c.r.2".parse().unwrap(), true)
        );
        assert_eq!(
            n.unique("c/r", "g").unwrap(),
            ("c_r".parse().unwrap(), true)
        );
    }
}
