//! AWS security groups: `aws ec2 describe-security-groups --output json`.
//!
//! `select` names one group by its `GroupId` (`sg-...`) or its `GroupName`. Its inbound
//! permissions (`IpPermissions`) become the firewall's `rules`, its outbound ones
//! (`IpPermissionsEgress`) its `outbound_rules`. A security group only allows, and its rules have
//! no order (traffic passes when any rule allows it), so:
//!
//! - every address entry of a permission (one `IpRanges`, `Ipv6Ranges`, `PrefixListIds` or
//!   `UserIdGroupPairs` element: what AWS calls one security group rule) becomes one allow rule,
//!   named `<GroupId>-in-<n>` / `<GroupId>-out-<n>` (n counts the list's entries in export
//!   order, from 1), described by the entry's `Description`;
//! - rules the model cannot judge (a prefix list or another security group as the peer: their
//!   addresses are not in this export; one ICMP type; an IP protocol other than TCP, UDP and
//!   ICMP) are kept with [`Rule::unknown`] over `any` and come after every exact rule. In a list
//!   of allows the order changes nothing on AWS; in mccs's first-match order it means traffic an
//!   exact rule allows is allowed, and only the rest meets the unknown rules.
//!
//! An empty egress list gets the model's `default-egress-allow-all`, as on AWS; the default
//! egress rule AWS creates (`-1` to `0.0.0.0/0`) is a rule of the export and is imported as one.
//!
//! [`Rule::unknown`]: mccs_model::Rule::unknown

use mccs_model::{
    AddressRef, DocPath, ExportFinding, ExportPlace, Firewall, FirewallKind, ImportedRulebase,
    Platform, Rule, RulebaseFormat, Service,
};
use serde_json::Value;

use super::Export;
use super::aws_json::{Proto, Walk, icmp_service, join_unknown, port_service, shorten};

/// Reads the security group `select` names.
///
/// # Errors
///
/// Every problem found in the export, each located in it.
pub fn read(
    export: &Export,
    select: &str,
    firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    let mut w = Walk::new(export);
    let root = w.parse(RulebaseFormat::AwsSecurityGroup)?;
    check_firewall(&mut w, firewall);
    let top = DocPath::root();
    let Some(m) = w.root(&root, RulebaseFormat::AwsSecurityGroup) else {
        return Err(w.errors);
    };
    if !m.contains_key("SecurityGroups") {
        w.error(
            &top,
            format!(
                "no `SecurityGroups` here: not the JSON `{}` writes",
                RulebaseFormat::AwsSecurityGroup.export_command()
            ),
        );
        return Err(w.errors);
    }
    let groups = w.list(m, &top, "SecurityGroups");
    let at = top.key("SecurityGroups");
    let Some(index) = find(&mut w, groups, &at, select) else {
        return Err(w.errors);
    };
    let gpath = at.index(index);
    let Some(gm) = groups
        .get(index)
        .and_then(|g| w.object(g, &gpath, "a security group"))
    else {
        return Err(w.errors);
    };
    let group_id = w
        .string(gm, &gpath, "GroupId", true)
        .unwrap_or(select)
        .to_owned();
    let mut rb = ImportedRulebase::new();
    for (key, outbound) in [("IpPermissions", false), ("IpPermissionsEgress", true)] {
        let perms = w.list(gm, &gpath, key);
        let list = Direction {
            group: &group_id,
            outbound,
        };
        let mut exact = Vec::new();
        let mut unsure = Vec::new();
        let mut n = 0usize;
        for (j, perm) in perms.iter().enumerate() {
            let ppath = gpath.key(key).index(j);
            permission(&mut w, &list, perm, &ppath, &mut n, &mut exact, &mut unsure);
        }
        for (rule, place) in exact.into_iter().chain(unsure) {
            if outbound {
                rb.push_outbound_rule(rule, place);
            } else {
                rb.push_rule(rule, place);
            }
        }
    }
    w.finish(rb)
}

/// A security group export makes a security group on AWS.
pub(super) fn check_firewall_kind(
    w: &mut Walk<'_>,
    firewall: &Firewall,
    kind: FirewallKind,
    format: RulebaseFormat,
) {
    if firewall.kind != kind {
        w.errors.push(ExportFinding::error(
            ExportPlace::new(w.export.file(), ""),
            format!(
                "an {format} export holds the rules of a {}, but firewall `{}` is of kind `{}`: set `kind: {}`",
                kind.noun(),
                firewall.name,
                firewall.kind.as_str(),
                kind.as_str()
            ),
        ));
    }
    if firewall.platform == Some(Platform::AzureAlz) {
        w.errors.push(ExportFinding::error(
            ExportPlace::new(w.export.file(), ""),
            format!(
                "an {format} export is AWS's, but firewall `{}` has `platform: azure-alz`: set `platform: aws-lza`",
                firewall.name
            ),
        ));
    }
}

fn check_firewall(w: &mut Walk<'_>, firewall: &Firewall) {
    check_firewall_kind(
        w,
        firewall,
        FirewallKind::SecurityGroup,
        RulebaseFormat::AwsSecurityGroup,
    );
}

/// The index of the one group `select` names, by id or name; errors otherwise.
fn find(w: &mut Walk<'_>, groups: &[Value], at: &DocPath, select: &str) -> Option<usize> {
    let mut by_id = None;
    let mut by_name = Vec::new();
    let mut seen = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let Value::Object(gm) = g else { continue };
        let id = gm.get("GroupId").and_then(Value::as_str);
        let name = gm.get("GroupName").and_then(Value::as_str);
        if seen.len() < 10 {
            seen.push(id.or(name).unwrap_or("?").to_owned());
        }
        if id == Some(select) && by_id.is_none() {
            by_id = Some(i);
        } else if name == Some(select) {
            by_name.push((
                i,
                id.unwrap_or("?"),
                gm.get("VpcId").and_then(Value::as_str),
            ));
        }
    }
    if by_id.is_some() {
        return by_id;
    }
    match by_name.as_slice() {
        [(i, _, _)] => Some(*i),
        [] => {
            let more = if groups.len() > seen.len() {
                ", ..."
            } else {
                ""
            };
            w.error(
                at,
                format!(
                    "no security group `{}` in this export (it holds {}{more}): `select` takes a GroupId (sg-...) or a GroupName",
                    shorten(select),
                    if seen.is_empty() {
                        "none".to_owned()
                    } else {
                        seen.join(", ")
                    }
                ),
            );
            None
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .take(10)
                .map(|(_, id, vpc)| format!("{id} in {}", vpc.unwrap_or("?")))
                .collect();
            w.error(
                at,
                format!(
                    "{} security groups are named `{}` ({}): select one by its GroupId",
                    many.len(),
                    shorten(select),
                    ids.join(", ")
                ),
            );
            None
        }
    }
}

/// Which list a permission is in.
struct Direction<'a> {
    group: &'a str,
    outbound: bool,
}

type Placed = Vec<(Rule, ExportPlace)>;

/// One permission: a rule per address entry, exact ones to `exact`, the rest to `unsure`.
fn permission(
    w: &mut Walk<'_>,
    list: &Direction<'_>,
    perm: &Value,
    path: &DocPath,
    n: &mut usize,
    exact: &mut Placed,
    unsure: &mut Placed,
) {
    let Some(pm) = w.object(perm, path, "a permission") else {
        return;
    };
    let service = permission_service(w, pm, path);
    let entries: [(&str, &str); 4] = [
        ("IpRanges", "CidrIp"),
        ("Ipv6Ranges", "CidrIpv6"),
        ("PrefixListIds", "PrefixListId"),
        ("UserIdGroupPairs", "GroupId"),
    ];
    let mut any = false;
    for (key, field) in entries {
        for (k, entry) in w.list(pm, path, key).iter().enumerate() {
            any = true;
            *n += 1;
            let epath = path.key(key).index(k);
            let Some(em) = w.object(entry, &epath, "an address entry") else {
                continue;
            };
            let Some(value) = w.string(em, &epath, field, true) else {
                continue;
            };
            let description = em
                .get("Description")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let (peer, peer_unknown) = match key {
                "IpRanges" | "Ipv6Ranges" => {
                    let Some(net) = w.cidr(value, &epath.key(field)) else {
                        continue;
                    };
                    (AddressRef::Prefix(net), None)
                }
                "PrefixListIds" => (
                    AddressRef::Any,
                    Some(format!(
                        "prefix list {value}: its addresses are not in this export (aws ec2 get-managed-prefix-list-entries --prefix-list-id {value})"
                    )),
                ),
                _ => {
                    let owner = em
                        .get("UserId")
                        .and_then(Value::as_str)
                        .map(|u| format!(" of account {u}"))
                        .unwrap_or_default();
                    (
                        AddressRef::Any,
                        Some(format!(
                            "members of security group {value}{owner}: their addresses are not in this export"
                        )),
                    )
                }
            };
            let Some((svc, svc_unknown)) = service.clone() else {
                continue;
            };
            let family = family_note(&peer, pm);
            let unknown = join_unknown(join_unknown(peer_unknown, svc_unknown), family);
            let dir = if list.outbound { "out" } else { "in" };
            let raw = format!("{}-{dir}-{n}", list.group);
            let Some((name, renamed)) = w.name(&raw, &epath) else {
                continue;
            };
            let description = match (description, renamed) {
                (d, false) => d,
                (Some(d), true) => Some(format!("{d} ({raw})")),
                (None, true) => Some(raw.clone()),
            };
            let (sources, destinations) = if list.outbound {
                (vec![AddressRef::Any], vec![peer])
            } else {
                (vec![peer], vec![AddressRef::Any])
            };
            let mut rule = Rule::allow(name.clone(), sources, destinations, [svc]);
            if let Some(d) = description {
                rule = rule.description(d);
            }
            let place = w.place(&epath);
            match unknown {
                None => exact.push((rule, place)),
                Some(u) => {
                    w.warn(
                        &epath,
                        format!(
                            "rule `{name}` is kept as unknown: it also depends on {u}; traffic only it may allow gets the verdict unknown until a person checks it"
                        ),
                    );
                    unsure.push((rule.unknown(u), place));
                }
            }
        }
    }
    if !any {
        w.warn(
            path,
            "this permission names no address, prefix list or security group, so it allows nothing: nothing was imported from it",
        );
    }
}

/// The service of a permission, and what of it the model cannot judge; `None` (reported)
/// when the protocol or ports are not AWS's.
fn permission_service(
    w: &mut Walk<'_>,
    pm: &serde_json::Map<String, Value>,
    path: &DocPath,
) -> Option<(Service, Option<String>)> {
    let proto_text = w.string(pm, path, "IpProtocol", true)?;
    let Some(proto) = Proto::parse(proto_text) else {
        w.error(
            &path.key("IpProtocol"),
            format!(
                "`{}` is not an IP protocol: AWS writes tcp, udp, icmp, icmpv6, -1 (all) or a number 0-255",
                shorten(proto_text)
            ),
        );
        return None;
    };
    let from = w.int(pm, path, "FromPort").ok()?;
    let to = w.int(pm, path, "ToPort").ok()?;
    match proto {
        Proto::All => Some((Service::Any, None)),
        Proto::Tcp | Proto::Udp => match port_service(proto == Proto::Tcp, from, to) {
            Ok(s) => Some(s),
            Err(e) => {
                w.error(&path.key("FromPort"), e);
                None
            }
        },
        Proto::Icmp | Proto::Icmpv6 => Some(icmp_service(proto == Proto::Icmpv6, from, to)),
        Proto::Other(p) => Some((
            Service::Any,
            Some(format!(
                "IP protocol {p} only (mccs judges TCP, UDP and ICMP; this rule is written over any service)"
            )),
        )),
    }
}

/// ICMP of one family with an address of the other matches nothing on AWS.
fn family_note(peer: &AddressRef, pm: &serde_json::Map<String, Value>) -> Option<String> {
    let proto = pm
        .get("IpProtocol")
        .and_then(Value::as_str)
        .and_then(Proto::parse)?;
    match (proto, peer) {
        (Proto::Icmpv6, AddressRef::Prefix(net)) if net.addr().is_ipv4() => {
            Some("ICMPv6 with an IPv4 range".to_owned())
        }
        (Proto::Icmp, AddressRef::Prefix(net)) if net.addr().is_ipv6() => {
            Some("ICMP (IPv4) with an IPv6 range".to_owned())
        }
        _ => None,
    }
}
