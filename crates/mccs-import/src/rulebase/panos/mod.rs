//! PAN-OS running configuration: the XML `show config running` and the XML API
//! (`type=config&action=show`) write, or the same configuration as `set` commands.
//!
//! Two front ends (XML and `set`) read the text into one shape (the shared objects and those
//! of the selected virtual system or Panorama device group, with its rules in order); one
//! mapping turns that into the model's rules, objects and services. See
//! `docs/import/panos.md` for what is mapped to what and what is marked unknown.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;
use mccs_model::{
    AddressRange, AddressRef, ExportFinding, ExportPlace, Firewall, FirewallObject,
    ImportedRulebase, Location, MAX_GROUP_DEPTH, Name, NamedService, PortRange, Rule, Service,
    ServiceRef,
};

use super::{Export, to_name};

mod set;
mod xml;

/// The most services one service group may hold once its nested groups are flattened: far
/// above any real group, and a bound on the work nesting can cause.
pub const MAX_SERVICE_GROUP_SERVICES: usize = 4096;

/// The most `move` commands one `set` export may hold: each costs up to the length of its rule
/// list, so this bounds their work to 10,000 times the rules.
pub const MAX_MOVES: usize = 10_000;

/// Reads the security rules of the virtual system or Panorama device group `select` names
/// (default `vsys1`), with the address, address group, service and service group objects of
/// that scope and of `shared`.
///
/// The text is XML when its first character (after white space) is `<`, else `set` commands.
///
/// # Errors
///
/// Every problem found in the export, each located in it.
pub fn read(
    export: &Export,
    select: Option<&str>,
    _firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    let text = export.text().trim_start_matches('\u{feff}');
    let config = if text.trim_start().starts_with('<') {
        xml::read(export, select)?
    } else {
        set::read(export, select)?
    };
    map(export, &config)
}

/// Where something is in the export: its path (an XPath for XML, the command's words for `set`)
/// and line:column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Place {
    pub(crate) path: String,
    pub(crate) location: Option<Location>,
}

impl Place {
    fn to_export(&self, export: &Export) -> ExportPlace {
        export.place_at(self.path.clone(), self.location)
    }
}

/// Line starts of a text, to turn byte offsets into line:column without rescanning.
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Self { text, starts }
    }

    pub(crate) fn location(&self, offset: usize) -> Location {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        Location { line, column }
    }
}

/// What an address object holds.
#[derive(Debug, Clone)]
pub(crate) enum AddrKind {
    Netmask(String),
    Range(String),
    Fqdn(String),
    Wildcard(String),
    /// None of the above (the element names seen).
    Missing,
}

#[derive(Debug, Clone)]
pub(crate) struct Address {
    pub(crate) name: String,
    pub(crate) at: Place,
    pub(crate) kind: AddrKind,
    pub(crate) description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct AddressGroup {
    pub(crate) name: String,
    pub(crate) at: Place,
    pub(crate) members: Vec<String>,
    pub(crate) dynamic: Option<String>,
    pub(crate) description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Svc {
    pub(crate) name: String,
    pub(crate) at: Place,
    /// `tcp`, `udp`, `sctp` (empty when missing).
    pub(crate) protocol: String,
    pub(crate) ports: Option<String>,
    pub(crate) source_ports: Option<String>,
    pub(crate) description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct SvcGroup {
    pub(crate) name: String,
    pub(crate) at: Place,
    pub(crate) members: Vec<String>,
}

/// A security rule as the export writes it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawRule {
    pub(crate) name: String,
    pub(crate) at: Place,
    pub(crate) from: Vec<String>,
    pub(crate) to: Vec<String>,
    pub(crate) source: Vec<String>,
    pub(crate) destination: Vec<String>,
    pub(crate) source_user: Vec<String>,
    pub(crate) category: Vec<String>,
    pub(crate) application: Vec<String>,
    pub(crate) service: Vec<String>,
    /// HIP profiles (`source-hip`, `destination-hip`, `hip-profiles`) other than `any`.
    pub(crate) hip: Vec<String>,
    pub(crate) action: Option<String>,
    pub(crate) disabled: bool,
    pub(crate) negate_source: bool,
    pub(crate) negate_destination: bool,
    pub(crate) description: Option<String>,
    pub(crate) rule_type: Option<String>,
    pub(crate) schedule: Option<String>,
}

/// One scope's objects and rules: `shared`, a virtual system or a device group.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    pub(crate) addresses: Vec<Address>,
    pub(crate) groups: Vec<AddressGroup>,
    pub(crate) services: Vec<Svc>,
    pub(crate) service_groups: Vec<SvcGroup>,
    /// External dynamic lists and custom regions: names a rule may use, never resolvable.
    pub(crate) dynamic_lists: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) pre_rules: Vec<RawRule>,
    pub(crate) rules: Vec<RawRule>,
    pub(crate) post_rules: Vec<RawRule>,
    /// The `interzone-default` rule's overridden action, if any.
    pub(crate) interzone_default: Option<(String, Place)>,
}

/// What a front end read: the shared scope and the selected one.
#[derive(Debug, Default)]
pub(crate) struct Config {
    pub(crate) shared: Scope,
    pub(crate) target: Scope,
    /// `vsys vsys1` or `device group DG`, for messages.
    pub(crate) label: String,
}

/// The predefined services PAN-OS ships (Objects > Services): `service-http` is TCP 80 and
/// 8080, `service-https` TCP 443.
fn predefined(name: &str) -> Option<Vec<Service>> {
    let tcp = |p| PortRange::single(p).map(Service::Tcp);
    match name {
        "service-http" => Some([tcp(80), tcp(8080)].into_iter().flatten().collect()),
        "service-https" => Some(tcp(443).into_iter().collect()),
        _ => None,
    }
}

/// An address (`10.1.1.1`), CIDR (`10.1.1.0/24`) or range (`10.1.1.1-10.1.1.9`) as prefixes;
/// `None` if the text is none of them. A CIDR with host bits set is its network, as PAN-OS
/// matches it.
fn literal(text: &str) -> Option<Vec<IpNet>> {
    if let Ok(a) = text.parse::<IpAddr>() {
        return Some(vec![IpNet::from(a)]);
    }
    if let Ok(n) = text.parse::<IpNet>() {
        return Some(vec![n.trunc()]);
    }
    if text.contains('-') {
        return text
            .parse::<AddressRange>()
            .ok()
            .map(AddressRange::to_prefixes);
    }
    None
}

/// A port list as PAN-OS writes it: `80`, `80,443`, `8000-8080`, `0-65535` (port 0 is never
/// used, so a range from 0 starts at 1).
fn ports(text: &str) -> Option<Vec<PortRange>> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let a: u16 = a.trim().parse().ok()?;
        let b: u16 = b.trim().parse().ok()?;
        out.push(PortRange::new(a.max(1), b)?);
    }
    (!out.is_empty()).then_some(out)
}

/// What a name resolves to.
#[derive(Debug, Clone)]
enum Res {
    /// An object (or service) the model holds under this name.
    Exact,
    /// Matches on something the model cannot judge: what.
    Unknown(String),
    /// Wrong: an error was already reported.
    Bad,
}

#[derive(Clone, Copy)]
enum AddrDef<'c> {
    Address(&'c Address),
    Group(&'c AddressGroup),
}

#[derive(Clone, Copy)]
enum SvcDef<'c> {
    Service(&'c Svc),
    Group(&'c SvcGroup),
}

#[derive(Debug, Clone)]
enum SvcRes {
    Exact(Vec<Service>),
    Unknown(String),
    Bad,
}

struct Mapper<'c, 'e> {
    export: &'e Export,
    label: &'c str,
    errors: Vec<ExportFinding>,
    out: ImportedRulebase,
    names: HashMap<&'c str, Option<Name>>,
    addresses: HashMap<&'c str, AddrDef<'c>>,
    services: HashMap<&'c str, SvcDef<'c>>,
    dynamic_lists: HashSet<&'c str>,
    regions: HashSet<&'c str>,
    addr_res: HashMap<&'c str, Res>,
    svc_res: HashMap<&'c str, SvcRes>,
}

/// Turns what a front end read into the model's rules, objects and services.
pub(crate) fn map(
    export: &Export,
    config: &Config,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    let mut m = Mapper {
        export,
        label: &config.label,
        errors: Vec::new(),
        out: ImportedRulebase::new(),
        names: HashMap::new(),
        addresses: HashMap::new(),
        services: HashMap::new(),
        dynamic_lists: HashSet::new(),
        regions: HashSet::new(),
        addr_res: HashMap::new(),
        svc_res: HashMap::new(),
    };
    // Shared first, the selected scope over it: a vsys or device group object hides a shared
    // one of the same name, as on the firewall.
    for scope in [&config.shared, &config.target] {
        for a in &scope.addresses {
            m.addresses.insert(&a.name, AddrDef::Address(a));
        }
        for g in &scope.groups {
            m.addresses.insert(&g.name, AddrDef::Group(g));
        }
        for s in &scope.services {
            m.services.insert(&s.name, SvcDef::Service(s));
        }
        for g in &scope.service_groups {
            m.services.insert(&g.name, SvcDef::Group(g));
        }
        m.dynamic_lists
            .extend(scope.dynamic_lists.iter().map(String::as_str));
        m.regions.extend(scope.regions.iter().map(String::as_str));
    }
    // Every object and service in scope becomes the model's, so requests reuse them.
    let mut seen = HashSet::new();
    for scope in [&config.target, &config.shared] {
        let names = scope
            .addresses
            .iter()
            .map(|a| a.name.as_str())
            .chain(scope.groups.iter().map(|g| g.name.as_str()));
        for name in names {
            if seen.insert(name) {
                let mut stack = Vec::new();
                m.address(name, &mut stack);
            }
        }
        let names = scope
            .services
            .iter()
            .map(|s| s.name.as_str())
            .chain(scope.service_groups.iter().map(|g| g.name.as_str()));
        for name in names {
            if seen.insert(name) {
                let mut stack = Vec::new();
                m.service(name, &mut stack);
            }
        }
    }
    let order = [
        &config.shared.pre_rules,
        &config.target.pre_rules,
        &config.target.rules,
        &config.target.post_rules,
        &config.shared.post_rules,
    ];
    let mut zoned: Vec<&str> = Vec::new();
    for list in order {
        for raw in list {
            m.rule(raw, &mut zoned);
        }
    }
    let interzone = config
        .target
        .interzone_default
        .as_ref()
        .or(config.shared.interzone_default.as_ref());
    if let Some((action, at)) = interzone {
        m.interzone_default(action, at);
    }
    if let Some(first) = zoned.first() {
        let place = ExportPlace::new(export.file(), "");
        m.out.findings.push(ExportFinding::warning(
            place,
            format!(
                "{} rule(s) of {} are limited to zones (first: `{first}`); mccs has no zones of this firewall, so it matches them by their addresses only, which is exact when each address a rule names lies in the zone it names: check that, or write `any` zones with exact addresses",
                zoned.len(),
                m.label
            ),
        ));
    }
    if m.errors.is_empty() {
        Ok(m.out)
    } else {
        Err(m.errors)
    }
}

impl<'c> Mapper<'c, '_> {
    fn error(&mut self, at: &Place, message: String) {
        self.errors
            .push(ExportFinding::error(at.to_export(self.export), message));
    }

    fn warning(&mut self, at: &Place, message: String) {
        self.out
            .findings
            .push(ExportFinding::warning(at.to_export(self.export), message));
    }

    /// The model's name for an export name (the name itself when it is one).
    fn name(&mut self, raw: &'c str, at: &Place) -> Option<Name> {
        if let Some(n) = self.names.get(raw) {
            return n.clone();
        }
        let got = match to_name(raw) {
            Some((n, false)) => Some(n),
            Some((n, true)) => {
                self.warning(
                    at,
                    format!(
                        "`{raw}` is not a name mccs can write (letters, digits, `_ - .` and single spaces): it is `{n}` in the model"
                    ),
                );
                Some(n)
            }
            None => {
                self.error(
                    at,
                    format!("`{raw}` cannot be made a name: give it letters or digits"),
                );
                None
            }
        };
        self.names.insert(raw, got.clone());
        got
    }

    /// Resolves the address or address group `name` (which must be defined), emitting its
    /// object the first time.
    fn address(&mut self, name: &'c str, stack: &mut Vec<&'c str>) -> Res {
        if let Some(r) = self.addr_res.get(name) {
            return r.clone();
        }
        let Some(def) = self.addresses.get(name).copied() else {
            return Res::Bad;
        };
        let res = match def {
            AddrDef::Address(a) => self.plain_address(a),
            AddrDef::Group(g) => {
                if stack.contains(&name) {
                    let cycle = stack.join(" -> ");
                    self.error(
                        &g.at,
                        format!(
                            "address group `{name}` contains itself ({cycle} -> {name}): remove one of the members"
                        ),
                    );
                    return Res::Bad;
                }
                if stack.len() >= MAX_GROUP_DEPTH {
                    self.error(
                        &g.at,
                        format!(
                            "address group `{name}` is nested more than {MAX_GROUP_DEPTH} deep: flatten it"
                        ),
                    );
                    return Res::Bad;
                }
                stack.push(name);
                let res = self.group(g, stack);
                stack.pop();
                res
            }
        };
        self.addr_res.insert(name, res.clone());
        res
    }

    fn plain_address(&mut self, a: &'c Address) -> Res {
        let name = a.name.as_str();
        let object = match &a.kind {
            AddrKind::Fqdn(f) => return Res::Unknown(format!("FQDN {f} (address {name})")),
            AddrKind::Wildcard(w) => {
                return Res::Unknown(format!("wildcard mask {w} (address {name})"));
            }
            AddrKind::Missing => {
                self.error(
                    &a.at,
                    format!(
                        "address `{name}` has none of ip-netmask, ip-range, fqdn, ip-wildcard: it is not what PAN-OS writes; export the configuration again"
                    ),
                );
                return Res::Bad;
            }
            AddrKind::Netmask(text) => {
                let Some(n) = self.name(name, &a.at) else {
                    return Res::Bad;
                };
                if let Ok(ip) = text.parse::<IpAddr>() {
                    FirewallObject::host(n, ip)
                } else if let Ok(net) = text.parse::<IpNet>() {
                    if net.prefix_len() == net.max_prefix_len() {
                        FirewallObject::host(n, net.addr())
                    } else {
                        if net.trunc() != net {
                            self.warning(
                                &a.at,
                                format!(
                                    "address `{name}` is {text}, with host bits set: PAN-OS matches the network {}, and so does mccs",
                                    net.trunc()
                                ),
                            );
                        }
                        FirewallObject::network(n, net.trunc())
                    }
                } else {
                    self.error(
                        &a.at,
                        format!(
                            "address `{name}`: `{text}` is not an IP address or CIDR (ip-netmask): fix it on the firewall"
                        ),
                    );
                    return Res::Bad;
                }
            }
            AddrKind::Range(text) => {
                let Some(n) = self.name(name, &a.at) else {
                    return Res::Bad;
                };
                match text.parse::<AddressRange>() {
                    Ok(r) => FirewallObject::range(n, r),
                    Err(_) => {
                        self.error(
                            &a.at,
                            format!(
                                "address `{name}`: `{text}` is not an address range FIRST-LAST (ip-range): fix it on the firewall"
                            ),
                        );
                        return Res::Bad;
                    }
                }
            }
        };
        let object = match &a.description {
            Some(d) => object.with_description(d.clone()),
            None => object,
        };
        self.out.push_object(object, a.at.to_export(self.export));
        Res::Exact
    }

    fn group(&mut self, g: &'c AddressGroup, stack: &mut Vec<&'c str>) -> Res {
        let name = g.name.as_str();
        if let Some(filter) = &g.dynamic {
            return Res::Unknown(format!(
                "dynamic address group {name} (tag filter {filter})"
            ));
        }
        if g.members.is_empty() {
            return Res::Unknown(format!("address group {name} has no members"));
        }
        let mut members = Vec::new();
        let mut unknown = None;
        let mut bad = false;
        for m in &g.members {
            if !self.addresses.contains_key(m.as_str()) {
                self.error(
                    &g.at,
                    format!(
                        "address group `{name}` names `{m}`, which is no address or address group of {} or shared: define it, or export the whole configuration",
                        self.label
                    ),
                );
                bad = true;
                continue;
            }
            match self.address(m, stack) {
                Res::Exact => {
                    if let Some(n) = self.names.get(m.as_str()).cloned().flatten() {
                        members.push(n);
                    }
                }
                Res::Unknown(why) => {
                    unknown.get_or_insert(why);
                }
                Res::Bad => bad = true,
            }
        }
        if bad {
            return Res::Bad;
        }
        if let Some(why) = unknown {
            return Res::Unknown(format!("address group {name} holds {why}"));
        }
        let Some(n) = self.name(name, &g.at) else {
            return Res::Bad;
        };
        let object = FirewallObject::group(n, members);
        let object = match &g.description {
            Some(d) => object.with_description(d.clone()),
            None => object,
        };
        self.out.push_object(object, g.at.to_export(self.export));
        Res::Exact
    }

    /// Resolves the service or service group `name` (defined or predefined).
    fn service(&mut self, name: &'c str, stack: &mut Vec<&'c str>) -> SvcRes {
        if let Some(r) = self.svc_res.get(name) {
            return r.clone();
        }
        let Some(def) = self.services.get(name).copied() else {
            return predefined(name).map_or(SvcRes::Bad, SvcRes::Exact);
        };
        let res = match def {
            SvcDef::Service(s) => self.plain_service(s),
            SvcDef::Group(g) => {
                if stack.contains(&name) {
                    let cycle = stack.join(" -> ");
                    self.error(
                        &g.at,
                        format!(
                            "service group `{name}` contains itself ({cycle} -> {name}): remove one of the members"
                        ),
                    );
                    return SvcRes::Bad;
                }
                if stack.len() >= MAX_GROUP_DEPTH {
                    self.error(
                        &g.at,
                        format!(
                            "service group `{name}` is nested more than {MAX_GROUP_DEPTH} deep: flatten it"
                        ),
                    );
                    return SvcRes::Bad;
                }
                stack.push(name);
                let res = self.service_group(g, stack);
                stack.pop();
                res
            }
        };
        self.svc_res.insert(name, res.clone());
        res
    }

    fn plain_service(&mut self, s: &'c Svc) -> SvcRes {
        let name = s.name.as_str();
        let proto = s.protocol.as_str();
        if proto == "sctp" {
            return SvcRes::Unknown(format!("SCTP service {name}"));
        }
        if proto != "tcp" && proto != "udp" {
            self.error(
                &s.at,
                format!(
                    "service `{name}` has protocol `{proto}`: PAN-OS services are tcp, udp or sctp; export the configuration again"
                ),
            );
            return SvcRes::Bad;
        }
        let text = s.ports.as_deref().unwrap_or_default();
        let Some(ranges) = ports(text) else {
            self.error(
                &s.at,
                format!(
                    "service `{name}`: `{text}` is not a port list (`80`, `80,443`, `8000-8080`, ports 1 to 65535): fix it on the firewall"
                ),
            );
            return SvcRes::Bad;
        };
        let services: Vec<Service> = ranges
            .into_iter()
            .map(|r| {
                if proto == "tcp" {
                    Service::Tcp(r)
                } else {
                    Service::Udp(r)
                }
            })
            .collect();
        if let Some(sp) = &s.source_ports {
            return SvcRes::Unknown(format!("source ports {sp} (service {name})"));
        }
        if name.parse::<Service>().is_ok() {
            return SvcRes::Exact(services);
        }
        let Some(n) = self.name(name, &s.at) else {
            return SvcRes::Bad;
        };
        let mut named = NamedService::new(n, services.iter().copied());
        if let Some(d) = &s.description {
            named = named.description(d.clone());
        }
        self.out.push_service(named, s.at.to_export(self.export));
        SvcRes::Exact(services)
    }

    fn service_group(&mut self, g: &'c SvcGroup, stack: &mut Vec<&'c str>) -> SvcRes {
        let name = g.name.as_str();
        if g.members.is_empty() {
            return SvcRes::Unknown(format!("service group {name} has no members"));
        }
        let mut all: Vec<Service> = Vec::new();
        let mut unknown = None;
        let mut bad = false;
        for m in &g.members {
            if !self.services.contains_key(m.as_str()) && predefined(m).is_none() {
                self.error(
                    &g.at,
                    format!(
                        "service group `{name}` names `{m}`, which is no service or service group of {} or shared, nor service-http / service-https: define it",
                        self.label
                    ),
                );
                bad = true;
                continue;
            }
            match self.service(m, stack) {
                SvcRes::Exact(s) => {
                    for svc in s {
                        if !all.contains(&svc) {
                            all.push(svc);
                        }
                        if all.len() > MAX_SERVICE_GROUP_SERVICES {
                            self.error(
                                &g.at,
                                format!(
                                    "service group `{name}` holds more than {MAX_SERVICE_GROUP_SERVICES} services once flattened: split it"
                                ),
                            );
                            return SvcRes::Bad;
                        }
                    }
                }
                SvcRes::Unknown(why) => {
                    unknown.get_or_insert(why);
                }
                SvcRes::Bad => bad = true,
            }
        }
        if bad {
            return SvcRes::Bad;
        }
        if let Some(why) = unknown {
            return SvcRes::Unknown(format!("service group {name} holds {why}"));
        }
        if name.parse::<Service>().is_ok() {
            return SvcRes::Exact(all);
        }
        let Some(n) = self.name(name, &g.at) else {
            return SvcRes::Bad;
        };
        self.out.push_service(
            NamedService::new(n, all.iter().copied()),
            g.at.to_export(self.export),
        );
        SvcRes::Exact(all)
    }

    /// One side (source or destination) of a rule; `None` when it names something undefined.
    fn side(
        &mut self,
        raw: &'c RawRule,
        field: &str,
        members: &'c [String],
        why: &mut Vec<String>,
    ) -> Option<Vec<AddressRef>> {
        let rule = raw.name.as_str();
        if members.is_empty() {
            self.error(
                &raw.at,
                format!("rule `{rule}` has no {field}: PAN-OS writes `any` or members; export the configuration again"),
            );
            return None;
        }
        if members.iter().any(|m| m == "any") {
            return Some(vec![AddressRef::Any]);
        }
        let mut out = Vec::new();
        let mut unknown = false;
        let mut bad = false;
        for m in members {
            if self.addresses.contains_key(m.as_str()) {
                let mut stack = Vec::new();
                match self.address(m, &mut stack) {
                    Res::Exact => match self.names.get(m.as_str()).cloned().flatten() {
                        // An object named like an address (`10.1.1.1`, `any`) is written out
                        // as its addresses, so the rule reads the same wherever it is printed.
                        Some(n) if m == "any" || literal(m).is_some() => {
                            let own = self
                                .out
                                .objects
                                .iter()
                                .find(|o| *o.name() == n)
                                .map(FirewallObject::own_prefixes)
                                .unwrap_or_default();
                            if own.is_empty() {
                                out.push(AddressRef::Object(n));
                            } else {
                                out.extend(own.into_iter().map(AddressRef::Prefix));
                            }
                        }
                        Some(n) => out.push(AddressRef::Object(n)),
                        None => bad = true,
                    },
                    Res::Unknown(w) => {
                        why.push(format!("{field} {w}"));
                        unknown = true;
                    }
                    Res::Bad => bad = true,
                }
            } else if let Some(nets) = literal(m) {
                out.extend(nets.into_iter().map(AddressRef::Prefix));
            } else if self.dynamic_lists.contains(m.as_str()) {
                why.push(format!("{field} external dynamic list {m}"));
                unknown = true;
            } else if self.regions.contains(m.as_str())
                || (m.len() == 2 && m.bytes().all(|b| b.is_ascii_uppercase()))
            {
                why.push(format!("{field} region {m}"));
                unknown = true;
            } else {
                self.error(
                    &raw.at,
                    format!(
                        "rule `{rule}` names `{m}` as {field}, which is no address, address group, external dynamic list or region of {} or shared, nor an IP address, CIDR or range: define it, or export the whole configuration",
                        self.label
                    ),
                );
                bad = true;
            }
        }
        if bad {
            return None;
        }
        if unknown {
            return Some(vec![AddressRef::Any]);
        }
        Some(out)
    }

    fn rule_services(
        &mut self,
        raw: &'c RawRule,
        why: &mut Vec<String>,
    ) -> Option<Vec<ServiceRef>> {
        let rule = raw.name.as_str();
        if raw.service.is_empty() {
            self.error(
                &raw.at,
                format!("rule `{rule}` has no service: PAN-OS writes `any`, `application-default` or members; export the configuration again"),
            );
            return None;
        }
        if raw.service.iter().any(|s| s == "any") {
            return Some(vec![ServiceRef::Literal(Service::Any)]);
        }
        let mut out = Vec::new();
        let mut unknown = false;
        let mut bad = false;
        for s in &raw.service {
            if s == "application-default" {
                why.push(
                    "service application-default (each application's standard ports)".to_owned(),
                );
                unknown = true;
                continue;
            }
            if !self.services.contains_key(s.as_str()) && predefined(s).is_none() {
                self.error(
                    &raw.at,
                    format!(
                        "rule `{rule}` names service `{s}`, which is no service or service group of {} or shared, nor service-http / service-https: define it, or export the whole configuration",
                        self.label
                    ),
                );
                bad = true;
                continue;
            }
            let mut stack = Vec::new();
            match self.service(s, &mut stack) {
                SvcRes::Exact(list) => {
                    // A service named like a literal (`tcp`, `any`) is written out, so the
                    // rule reads the same wherever it is printed.
                    if self.services.contains_key(s.as_str()) && s.parse::<Service>().is_err() {
                        match self.names.get(s.as_str()).cloned().flatten() {
                            Some(n) => out.push(ServiceRef::Named(n)),
                            None => bad = true,
                        }
                    } else {
                        out.extend(list.into_iter().map(ServiceRef::Literal));
                    }
                }
                SvcRes::Unknown(w) => {
                    why.push(w);
                    unknown = true;
                }
                SvcRes::Bad => bad = true,
            }
        }
        if bad {
            return None;
        }
        if unknown {
            return Some(vec![ServiceRef::Literal(Service::Any)]);
        }
        Some(out)
    }

    fn rule(&mut self, raw: &'c RawRule, zoned: &mut Vec<&'c str>) {
        let rule = raw.name.as_str();
        let Some(name) = self.name(rule, &raw.at) else {
            return;
        };
        let action = match raw.action.as_deref() {
            Some("allow") => mccs_model::Action::Allow,
            Some("deny" | "drop" | "reset-client" | "reset-server" | "reset-both") => {
                mccs_model::Action::Deny
            }
            other => {
                self.error(
                    &raw.at,
                    format!(
                        "rule `{rule}` has action `{}`: PAN-OS actions are allow, deny, drop, reset-client, reset-server, reset-both",
                        other.unwrap_or("(none)")
                    ),
                );
                return;
            }
        };
        let mut why: Vec<String> = Vec::new();
        let sources = self.side(raw, "source", &raw.source, &mut why);
        let destinations = self.side(raw, "destination", &raw.destination, &mut why);
        let services = self.rule_services(raw, &mut why);
        let (Some(mut sources), Some(mut destinations), Some(services)) =
            (sources, destinations, services)
        else {
            return;
        };
        if raw.negate_source {
            why.push("negate-source (every address but the sources)".to_owned());
            sources = vec![AddressRef::Any];
        }
        if raw.negate_destination {
            why.push("negate-destination (every address but the destinations)".to_owned());
            destinations = vec![AddressRef::Any];
        }
        let not_any = |list: &[String]| !list.is_empty() && !list.iter().any(|m| m == "any");
        if not_any(&raw.application) {
            why.push(format!("App-ID {}", raw.application.join(", ")));
        }
        if not_any(&raw.source_user) {
            why.push(format!("source-user {}", raw.source_user.join(", ")));
        }
        if not_any(&raw.category) {
            why.push(format!("URL category {}", raw.category.join(", ")));
        }
        if !raw.hip.is_empty() {
            why.push(format!("HIP profile {}", raw.hip.join(", ")));
        }
        if let Some(s) = &raw.schedule {
            why.push(format!("schedule {s} (in force only at some times)"));
        }
        if raw.rule_type.as_deref() == Some("intrazone") {
            why.push("rule-type intrazone (traffic that stays in one zone)".to_owned());
        }
        let from_zoned = not_any(&raw.from);
        let to_zoned = not_any(&raw.to);
        let any_member = |list: &[String]| list.iter().any(|m| m == "any");
        if from_zoned && any_member(&raw.source) {
            why.push(format!(
                "source zone {} with source any (only the zone limits it)",
                raw.from.join(", ")
            ));
        }
        if to_zoned && any_member(&raw.destination) {
            why.push(format!(
                "destination zone {} with destination any (only the zone limits it)",
                raw.to.join(", ")
            ));
        }
        if (from_zoned || to_zoned) && why.is_empty() && !raw.disabled {
            zoned.push(rule);
        }
        let zones = format!(
            "zones {} -> {}",
            list_or_any(&raw.from),
            list_or_any(&raw.to)
        );
        let mut description = match &raw.description {
            Some(d) if !d.trim().is_empty() => format!("{} ({zones})", d.trim()),
            _ => zones,
        };
        if name.as_str() != rule {
            description = format!("PAN-OS rule `{rule}`; {description}");
        }
        let mut out =
            Rule::new(name, action, sources, destinations, services).description(description);
        if raw.disabled {
            out = out.disabled();
        }
        if !why.is_empty() {
            let what = why.join("; ");
            if !raw.disabled {
                self.warning(
                    &raw.at,
                    format!(
                        "rule `{rule}` also matches on {what}, which mccs cannot judge: traffic reaching it is `unknown`; a person must check it on the firewall"
                    ),
                );
            }
            out = out.unknown(what);
        }
        self.out.push_rule(out, raw.at.to_export(self.export));
    }

    /// `interzone-default` overridden: allow makes every interzone flow that no rule matched
    /// pass; deny is the model's own implicit deny.
    fn interzone_default(&mut self, action: &str, at: &Place) {
        match action {
            "allow" => {
                let Ok(name) = "interzone-default".parse::<Name>() else {
                    return;
                };
                let rule = Rule::allow(
                    name,
                    [AddressRef::Any],
                    [AddressRef::Any],
                    [ServiceRef::Literal(Service::Any)],
                )
                .description("PAN-OS default rule interzone-default, overridden to allow");
                self.warning(
                    at,
                    "interzone-default is overridden to allow: traffic between zones that no rule denies is allowed".to_owned(),
                );
                self.out.push_rule(rule, at.to_export(self.export));
            }
            "deny" | "drop" | "reset-client" | "reset-server" | "reset-both" => {}
            other => self.error(
                at,
                format!("interzone-default has action `{other}`: PAN-OS actions are allow, deny, drop, reset-client, reset-server, reset-both"),
            ),
        }
    }
}

fn list_or_any(list: &[String]) -> String {
    if list.is_empty() {
        "any".to_owned()
    } else {
        list.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_lists() {
        let p = ports("80,443,8000-8080").unwrap_or_default();
        assert_eq!(p.len(), 3);
        assert_eq!(p[2].to_string(), "8000-8080");
        assert_eq!(ports("0-65535").map(|p| p[0]), Some(PortRange::ALL));
        assert!(ports("80,").is_none());
        assert!(ports("99999").is_none());
        assert!(ports("90-80").is_none());
    }

    #[test]
    fn literals() {
        assert_eq!(
            literal("10.1.1.5/24").unwrap_or_default()[0].to_string(),
            "10.1.1.0/24"
        );
        assert_eq!(literal("10.0.0.10-10.0.0.20").map(|v| v.len()), Some(4));
        assert!(literal("WEB").is_none());
    }

    #[test]
    fn lines_give_columns_in_characters() {
        let l = Lines::new("ab\né<x>");
        assert_eq!(l.location(0), Location { line: 1, column: 1 });
        assert_eq!(l.location(5), Location { line: 2, column: 2 });
    }
}
