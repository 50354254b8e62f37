//! Azure network security groups: `az network nsg list` / `show`.
//!
//! The export is a JSON array of NSGs (`list`) or one NSG (`show`), as the Azure CLI prints
//! them (`properties` flattened; the REST API's `properties.securityRules` is read too).
//! `select` names the NSG: its `name` or its resource `id`.
//!
//! Each `securityRules` entry becomes a rule of the `security-group` firewall: `Inbound` ones
//! into `rules`, `Outbound` ones into `outbound_rules`, each list sorted by priority (lowest
//! first). The path engine adds Azure's six default rules itself, so `defaultSecurityRules` are
//! not imported; they are checked to be the standard six. What the model cannot say exactly
//! is kept and marked [`Rule::unknown`] with that side widened to `any`: the service tags
//! `VirtualNetwork` and `Internet` (mccs computes what they stand for only for its own default
//! rules), every other service tag, application security groups, source port ranges other
//! than `*`, and the ESP and AH protocols. `AzureLoadBalancer` is 168.63.129.16, the address
//! Azure documents for it (and the engine's default rule uses). See `docs/import/azure.md`.
//!
//! [`Rule::unknown`]: mccs_model::Rule::unknown

use std::collections::HashMap;

use mccs_model::{
    Action, AddressRef, DocPath, ExportFinding, ExportPlace, Firewall, FirewallKind,
    ImportedRulebase, Platform, PortRange, Rule, Service, ServiceRef,
};
use serde_json::Value;

use super::Export;
use super::azure_fw::{Addr, Cx, address, listing, ports, short};

/// The address Azure's `AzureLoadBalancer` tag stands for (the health probe source).
const AZURE_LOAD_BALANCER: &str = "168.63.129.16/32";

/// Reads the NSG `select` names.
///
/// # Errors
///
/// Every problem found in the export, each located in it.
pub fn read(
    export: &Export,
    select: &str,
    firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    let mut cx = Cx::new(export);
    if firewall.kind != FirewallKind::SecurityGroup || firewall.platform != Some(Platform::AzureAlz)
    {
        cx.errors.push(ExportFinding::error(
            ExportPlace::new(export.file(), ""),
            format!(
                "an Azure NSG is the rulebase of a security group: give firewall `{}` `kind: security-group` and `platform: azure-alz`, so Azure's default rules are applied after its rules (it has kind {}{})",
                firewall.name,
                firewall.kind.as_str(),
                firewall
                    .platform
                    .map_or_else(|| ", no platform".to_owned(), |p| format!(", platform {p}"))
            ),
        ));
    }
    let Some(doc) = cx.parse() else {
        return Err(cx.errors);
    };
    let root = DocPath::root();
    let nsgs: Vec<(&Value, DocPath)> = match &doc {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (v, root.index(i)))
            .collect(),
        Value::Object(_) => vec![(&doc, root.clone())],
        _ => {
            cx.error(
                &root,
                "not the JSON `az network nsg list --output json` (or `nsg show`) writes: expected a list of NSGs or one NSG",
            );
            return Err(cx.errors);
        }
    };
    let by_id = select.starts_with('/');
    let matches: Vec<&(&Value, DocPath)> = nsgs
        .iter()
        .filter(|(v, _)| {
            let key = if by_id { "id" } else { "name" };
            v.get(key)
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case(select))
        })
        .collect();
    let (nsg, at) = match matches.as_slice() {
        [one] => (one.0, one.1.clone()),
        [] => {
            let names: Vec<String> = nsgs
                .iter()
                .filter_map(|(v, _)| v.get("name").and_then(Value::as_str))
                .map(short)
                .collect();
            cx.errors.push(ExportFinding::error(
                ExportPlace::new(export.file(), ""),
                format!(
                    "no NSG `{}` in the export ({}): `select` must be an NSG's name or resource ID",
                    short(select),
                    if names.is_empty() {
                        "it holds none".to_owned()
                    } else {
                        listing("it holds", &names)
                    }
                ),
            ));
            return Err(cx.errors);
        }
        [first, ..] => {
            cx.error(
                &first.1,
                format!(
                    "{} NSGs are named `{}` (in different resource groups): select one by its resource ID (`id`)",
                    matches.len(),
                    short(select)
                ),
            );
            return Err(cx.errors);
        }
    };
    let name = nsg.get("name").and_then(Value::as_str).unwrap_or(select);
    let mut lists: [Vec<(u32, Rule, ExportPlace)>; 2] = [Vec::new(), Vec::new()];
    let mut seen: [HashMap<u32, String>; 2] = [HashMap::new(), HashMap::new()];
    for (r, r_at) in cx.list(nsg, &at, "securityRules") {
        let before = cx.errors.len();
        let Some((dir, prio, rule)) = read_rule(&mut cx, r, &r_at) else {
            continue;
        };
        if cx.errors.len() > before {
            continue;
        }
        let i = usize::from(dir == Dir::Outbound);
        if let Some((s, l)) = seen.get_mut(i).zip(lists.get_mut(i)) {
            if let Some(other) = s.insert(prio, rule.name.to_string()) {
                cx.error(
                    &r_at.key("priority"),
                    format!(
                        "rules `{other}` and `{}` both have priority {prio} in the same direction: Azure allows one rule per priority and direction",
                        rule.name
                    ),
                );
                continue;
            }
            l.push((prio, rule, cx.place(&r_at)));
        }
    }
    check_defaults(&mut cx, nsg, &at, name);
    attachments(&mut cx, nsg, &at, name);
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let mut out = ImportedRulebase::new();
    let [mut inbound, mut outbound] = lists;
    inbound.sort_by_key(|(p, _, _)| *p);
    outbound.sort_by_key(|(p, _, _)| *p);
    for (_, rule, place) in inbound {
        warn_unknown(&mut out, &rule, &place);
        out.push_rule(rule, place);
    }
    for (_, rule, place) in outbound {
        warn_unknown(&mut out, &rule, &place);
        out.push_outbound_rule(rule, place);
    }
    out.findings.append(&mut cx.warnings);
    Ok(out)
}

fn warn_unknown(out: &mut ImportedRulebase, rule: &Rule, place: &ExportPlace) {
    if let Some(what) = &rule.unknown {
        out.findings.push(ExportFinding::warning(
            place.clone(),
            format!(
                "rule `{}` matches on {what}, which mccs cannot judge: it is kept, and traffic reaching it gets the verdict unknown; a person must check what it matches",
                rule.name
            ),
        ));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Inbound,
    Outbound,
}

/// One security rule: its direction, priority and the model's rule.
fn read_rule(cx: &mut Cx<'_>, r: &Value, at: &DocPath) -> Option<(Dir, u32, Rule)> {
    if !r.is_object() {
        cx.error(at, "a security rule is a JSON object with `name`, `priority`, `direction`, `access` and `protocol`");
        return None;
    }
    let raw = cx.string(r, at, "name", true).map(|(s, _)| s);
    let prio = cx.number(r, at, "priority", 100, 4096);
    let dir = match cx.string(r, at, "direction", true) {
        Some((d, _)) if d.eq_ignore_ascii_case("inbound") => Some(Dir::Inbound),
        Some((d, _)) if d.eq_ignore_ascii_case("outbound") => Some(Dir::Outbound),
        Some((d, p)) => {
            cx.error(
                &p,
                format!("direction `{}` is not Inbound or Outbound", short(d)),
            );
            None
        }
        None => None,
    };
    let action = match cx.string(r, at, "access", true) {
        Some((a, _)) if a.eq_ignore_ascii_case("allow") => Some(Action::Allow),
        Some((a, _)) if a.eq_ignore_ascii_case("deny") => Some(Action::Deny),
        Some((a, p)) => {
            cx.error(&p, format!("access `{}` is not Allow or Deny", short(a)));
            None
        }
        None => None,
    };
    let mut unknown = Vec::new();
    let sources = side(
        cx,
        r,
        at,
        ("sourceAddressPrefix", "sourceAddressPrefixes"),
        "sourceApplicationSecurityGroups",
        &mut unknown,
    );
    let destinations = side(
        cx,
        r,
        at,
        ("destinationAddressPrefix", "destinationAddressPrefixes"),
        "destinationApplicationSecurityGroups",
        &mut unknown,
    );
    // Source ports: the model has none; anything narrower than `*` is unknown.
    let src_ports = port_list(cx, r, at, ("sourcePortRange", "sourcePortRanges"));
    if src_ports.iter().any(|(p, _)| *p != PortRange::ALL) {
        let texts: Vec<String> = src_ports.iter().map(|(_, t)| t.clone()).collect();
        unknown.push(listing("source ports", &texts));
    }
    let dst_ports = port_list(cx, r, at, ("destinationPortRange", "destinationPortRanges"));
    let services = match cx.string(r, at, "protocol", true) {
        Some((p, p_at)) => match p.to_ascii_lowercase().as_str() {
            "*" | "any" => Some(vec![ServiceRef::Literal(Service::Any)]),
            "tcp" => Some(ported(&dst_ports, Service::Tcp)),
            "udp" => Some(ported(&dst_ports, Service::Udp)),
            "icmp" => Some(vec![ServiceRef::Literal(Service::Icmp)]),
            "esp" | "ah" => {
                unknown.push(format!("protocol {p}"));
                Some(vec![ServiceRef::Literal(Service::Any)])
            }
            _ => {
                cx.error(
                    &p_at,
                    format!(
                        "protocol `{}` is not Tcp, Udp, Icmp, Esp, Ah or *",
                        short(p)
                    ),
                );
                None
            }
        },
        None => None,
    };
    let description = cx
        .string(r, at, "description", false)
        .map(|(s, _)| s.to_owned())
        .filter(|s| !s.trim().is_empty());
    let (raw, prio, dir, action, services) = (raw?, prio?, dir?, action?, services?);
    let Some((name, renamed)) = super::to_name(raw) else {
        cx.error(at, format!("rule name `{}` cannot be a name", short(raw)));
        return None;
    };
    let mut rule = Rule::new(name.clone(), action, sources, destinations, services);
    let mut description = description;
    if renamed {
        cx.warn(
            &at.key("name"),
            format!("rule `{}` is named `{name}` here (a name holds letters, digits, `_ - .` and single spaces); its Azure name is kept in the description", short(raw)),
        );
        let note = format!("Azure: {raw}");
        description = Some(description.map_or_else(|| note.clone(), |d| format!("{note}. {d}")));
    }
    if let Some(d) = description {
        rule = rule.description(d);
    }
    if !unknown.is_empty() {
        let mut once: Vec<String> = Vec::with_capacity(unknown.len());
        for u in unknown {
            if !once.contains(&u) {
                once.push(u);
            }
        }
        rule = rule.unknown(once.join("; "));
    }
    Some((dir, prio, rule))
}

/// TCP or UDP to each destination port range (none given: every port).
fn ported(ports: &[(PortRange, String)], make: fn(PortRange) -> Service) -> Vec<ServiceRef> {
    if ports.is_empty() {
        return vec![ServiceRef::Literal(make(PortRange::ALL))];
    }
    ports
        .iter()
        .map(|(p, _)| ServiceRef::Literal(make(*p)))
        .collect()
}

/// The port ranges of the single field and the list field together.
fn port_list(
    cx: &mut Cx<'_>,
    r: &Value,
    at: &DocPath,
    (one, many): (&str, &str),
) -> Vec<(PortRange, String)> {
    let mut texts = cx.string(r, at, one, false).into_iter().collect::<Vec<_>>();
    texts.extend(cx.strings(r, at, many));
    let mut out = Vec::with_capacity(texts.len());
    for (t, p) in texts {
        match ports(t) {
            Ok(pr) => out.push((pr, t.trim().to_owned())),
            Err(e) => cx.error(&p, e),
        }
    }
    out
}

/// The addresses of one side: the prefix field, the prefixes list and the ASGs.
fn side(
    cx: &mut Cx<'_>,
    r: &Value,
    at: &DocPath,
    (one, many): (&str, &str),
    asg_key: &str,
    unknown: &mut Vec<String>,
) -> Vec<AddressRef> {
    let mut texts = cx.string(r, at, one, false).into_iter().collect::<Vec<_>>();
    texts.extend(cx.strings(r, at, many));
    let mut out = Vec::new();
    let mut any = false;
    let mut tags = Vec::new();
    let written = texts.len();
    for (t, p) in texts {
        match address(t) {
            Ok(Addr::Any) => any = true,
            Ok(Addr::Net(n)) => out.push(AddressRef::Prefix(n)),
            Ok(Addr::Range(_)) => cx.error(
                &p,
                format!(
                    "`{}`: an NSG rule holds addresses and CIDRs, not ranges",
                    short(t)
                ),
            ),
            Ok(Addr::Tag(tag)) if tag.eq_ignore_ascii_case("AzureLoadBalancer") => {
                if let Ok(AddressRef::Prefix(n)) = AZURE_LOAD_BALANCER.parse::<AddressRef>() {
                    out.push(AddressRef::Prefix(n));
                }
            }
            Ok(Addr::Tag(tag)) => tags.push(tag),
            Err(e) => cx.error(&p, e),
        }
    }
    let asgs: Vec<String> = cx
        .list(r, at, asg_key)
        .into_iter()
        .map(|(v, _)| {
            v.get("id").and_then(Value::as_str).map_or_else(
                || "?".to_owned(),
                |id| short(id.rsplit('/').next().unwrap_or(id)),
            )
        })
        .collect();
    let named = written > 0 || !asgs.is_empty();
    if !tags.is_empty() {
        unknown.push(listing("service tag", &tags));
        any = true;
    }
    if !asgs.is_empty() {
        unknown.push(listing("application security group", &asgs));
        any = true;
    }
    if !named {
        cx.error(
            at,
            format!("the rule has no `{one}`, `{many}` or `{asg_key}`"),
        );
    }
    if any || out.is_empty() {
        return vec![AddressRef::Any];
    }
    out
}

/// Azure's six default rules: (name, priority, direction, access, source, destination).
const DEFAULTS: [(&str, u32, &str, &str, &str, &str); 6] = [
    (
        "AllowVnetInBound",
        65000,
        "Inbound",
        "Allow",
        "VirtualNetwork",
        "VirtualNetwork",
    ),
    (
        "AllowAzureLoadBalancerInBound",
        65001,
        "Inbound",
        "Allow",
        "AzureLoadBalancer",
        "*",
    ),
    ("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
    (
        "AllowVnetOutBound",
        65000,
        "Outbound",
        "Allow",
        "VirtualNetwork",
        "VirtualNetwork",
    ),
    (
        "AllowInternetOutBound",
        65001,
        "Outbound",
        "Allow",
        "*",
        "Internet",
    ),
    ("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
];

/// Warns when `defaultSecurityRules` are not Azure's standard six (mccs applies those).
fn check_defaults(cx: &mut Cx<'_>, nsg: &Value, at: &DocPath, name: &str) {
    let Some((Value::Array(list), list_at)) = Cx::get(nsg, at, "defaultSecurityRules") else {
        return;
    };
    let s = |v: &Value, k: &str| -> String {
        Cx::get(v, &DocPath::root(), k)
            .and_then(|(x, _)| x.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let mut found = [false; 6];
    for (i, r) in list.iter().enumerate() {
        let rname = s(r, "name");
        let standard = DEFAULTS.iter().position(|d| {
            d.0.eq_ignore_ascii_case(&rname)
                && Cx::get(r, &DocPath::root(), "priority").and_then(|(x, _)| x.as_u64())
                    == Some(u64::from(d.1))
                && s(r, "direction").eq_ignore_ascii_case(d.2)
                && s(r, "access").eq_ignore_ascii_case(d.3)
                && s(r, "sourceAddressPrefix").eq_ignore_ascii_case(d.4)
                && s(r, "destinationAddressPrefix").eq_ignore_ascii_case(d.5)
                && s(r, "protocol") == "*"
        });
        match standard.and_then(|k| found.get_mut(k)) {
            Some(f) => *f = true,
            None => cx.warn(
                &list_at.index(i),
                format!(
                    "default rule `{}` of NSG `{name}` is not one of Azure's six standard default rules as documented: mccs applies the standard six after the NSG's rules; check this NSG by hand",
                    short(&rname)
                ),
            ),
        }
    }
    let missing: Vec<String> = DEFAULTS
        .iter()
        .zip(found)
        .filter(|(_, f)| !f)
        .map(|(d, _)| d.0.to_owned())
        .collect();
    if !missing.is_empty() {
        cx.warn(
            &list_at,
            format!(
                "NSG `{name}`'s default rules lack {}: mccs applies Azure's standard six after the NSG's rules; check this NSG by hand",
                missing.join(", ")
            ),
        );
    }
}

/// Says what the NSG is attached to when the topology's wiring may differ from Azure's.
fn attachments(cx: &mut Cx<'_>, nsg: &Value, at: &DocPath, name: &str) {
    let count = |k: &str| match Cx::get(nsg, at, k) {
        Some((Value::Array(a), _)) => a.len(),
        _ => 0,
    };
    let (subnets, nics) = (count("subnets"), count("networkInterfaces"));
    if subnets == 0 && nics == 0 {
        cx.warn(
            at,
            format!("NSG `{name}` is attached to no subnet and no network interface: in Azure it filters nothing; mccs applies it where the topology's `security_groups` name it"),
        );
    } else if nics > 0 {
        cx.warn(
            &at.key("networkInterfaces"),
            format!("NSG `{name}` is attached to {nics} network interface(s) (and {subnets} subnet(s)): mccs applies it to the whole network that names it in `security_groups`, so check traffic to other hosts of that network by hand"),
        );
    }
}
