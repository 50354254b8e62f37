//! AWS network ACLs: `aws ec2 describe-network-acls --output json`.
//!
//! `select` names one network ACL by its `NetworkAclId` (`acl-...`). Each entry becomes a rule:
//! inbound entries (`Egress: false`) the firewall's `rules`, outbound ones its
//! `outbound_rules`, with `priority` = `RuleNumber` (the model evaluates a network ACL lowest
//! number first, as AWS does), named `<NetworkAclId>-in-<RuleNumber>` /
//! `<NetworkAclId>-out-<RuleNumber>`, `allow` or `deny` as `RuleAction` says. An inbound
//! entry's `CidrBlock` / `Ipv6CidrBlock` is the rule's source, an outbound one's its
//! destination.
//!
//! The entries AWS numbers 32767 (the `*` rule: deny everything, one for IPv4 and one for
//! IPv6) are the model's own implicit deny of a network ACL (docs/topology-format.md: "with no
//! matching rule a network ACL denies"): they are not imported as rules, so traffic no numbered
//! rule matches gets `no matching rule`, and a planned rule is numbered after the last real
//! rule, not just below 32767. Any other entry numbered 32767 is an error.
//!
//! The subnets the ACL is associated with (`Associations`) are reported in a warning: the
//! topology wires them (`subnets[].network_acl`).

use mccs_model::{
    Action, AddressRef, DocPath, ExportFinding, Firewall, FirewallKind, ImportedRulebase, Rule,
    RulebaseFormat, Service,
};
use serde_json::Value;

use super::Export;
use super::aws_json::{Proto, Walk, icmp_service, port_service, shorten};
use super::aws_sg::check_firewall_kind;

/// The number AWS gives the default `*` entries.
const DEFAULT_RULE_NUMBER: i64 = 32767;

/// The highest number a network ACL entry can have.
const MAX_RULE_NUMBER: i64 = 32766;

/// Reads the network ACL `select` names.
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
    let root = w.parse(RulebaseFormat::AwsNetworkAcl)?;
    check_firewall_kind(
        &mut w,
        firewall,
        FirewallKind::NetworkAcl,
        RulebaseFormat::AwsNetworkAcl,
    );
    let top = DocPath::root();
    let Some(m) = w.root(&root, RulebaseFormat::AwsNetworkAcl) else {
        return Err(w.errors);
    };
    if !m.contains_key("NetworkAcls") {
        w.error(
            &top,
            format!(
                "no `NetworkAcls` here: not the JSON `{}` writes",
                RulebaseFormat::AwsNetworkAcl.export_command()
            ),
        );
        return Err(w.errors);
    }
    let acls = w.list(m, &top, "NetworkAcls");
    let at = top.key("NetworkAcls");
    let mut seen = Vec::new();
    let index = acls.iter().position(|a| {
        let id = a.get("NetworkAclId").and_then(Value::as_str);
        if seen.len() < 10 {
            seen.push(id.unwrap_or("?").to_owned());
        }
        id == Some(select)
    });
    let Some(index) = index else {
        let more = if acls.len() > seen.len() { ", ..." } else { "" };
        w.error(
            &at,
            format!(
                "no network ACL `{}` in this export (it holds {}{more}): `select` takes a NetworkAclId (acl-...)",
                shorten(select),
                if seen.is_empty() {
                    "none".to_owned()
                } else {
                    seen.join(", ")
                }
            ),
        );
        return Err(w.errors);
    };
    let apath = at.index(index);
    let Some(am) = acls
        .get(index)
        .and_then(|a| w.object(a, &apath, "a network ACL"))
    else {
        return Err(w.errors);
    };
    let mut rb = ImportedRulebase::new();
    for (k, entry) in w.list(am, &apath, "Entries").iter().enumerate() {
        let epath = apath.key("Entries").index(k);
        if let Some((rule, outbound)) = entry_rule(&mut w, select, entry, &epath) {
            let place = w.place(&epath);
            if outbound {
                rb.push_outbound_rule(rule, place);
            } else {
                rb.push_rule(rule, place);
            }
        }
    }
    let subnets: Vec<&str> = w
        .list(am, &apath, "Associations")
        .iter()
        .filter_map(|a| a.get("SubnetId").and_then(Value::as_str))
        .collect();
    if !subnets.is_empty() {
        let shown: Vec<&str> = subnets.iter().take(20).copied().collect();
        let more = if subnets.len() > shown.len() {
            format!(" and {} more", subnets.len() - shown.len())
        } else {
            String::new()
        };
        w.warn(
            &apath.key("Associations"),
            format!(
                "network ACL {} is associated with subnet{} {}{more}: mccs applies firewall `{}` to the subnets whose `network_acl` names it; check the topology lists these subnets' CIDRs that way",
                shorten(select),
                if subnets.len() == 1 { "" } else { "s" },
                shown.join(", "),
                firewall.name
            ),
        );
    }
    w.finish(rb)
}

/// One entry: the rule and whether it is outbound; `None` for the default `*` entries and for
/// entries with errors (reported).
fn entry_rule(w: &mut Walk<'_>, acl: &str, entry: &Value, path: &DocPath) -> Option<(Rule, bool)> {
    let em = w.object(entry, path, "an entry")?;
    let number = w.int(em, path, "RuleNumber");
    let egress = w.boolean(em, path, "Egress");
    let action = w.string(em, path, "RuleAction", true);
    let proto_text = w.string(em, path, "Protocol", true);
    let v4 = w.string(em, path, "CidrBlock", false);
    let v6 = w.string(em, path, "Ipv6CidrBlock", false);
    let (Ok(Some(number)), Ok(egress)) = (number, egress) else {
        if matches!(em.get("RuleNumber"), None | Some(Value::Null)) {
            w.error(path, "`RuleNumber` is missing");
        }
        return None;
    };
    let outbound = egress.unwrap_or(false);
    let action = match action? {
        "allow" => Action::Allow,
        "deny" => Action::Deny,
        other => {
            w.error(
                &path.key("RuleAction"),
                format!(
                    "`{}` is not a rule action: AWS writes allow or deny",
                    shorten(other)
                ),
            );
            return None;
        }
    };
    let cidr_text = match (v4, v6) {
        (Some(c), None) => ("CidrBlock", c),
        (None, Some(c)) => ("Ipv6CidrBlock", c),
        (Some(_), Some(_)) => {
            w.error(
                path,
                "an entry has either `CidrBlock` or `Ipv6CidrBlock`, not both",
            );
            return None;
        }
        (None, None) => {
            w.error(path, "`CidrBlock` (or `Ipv6CidrBlock`) is missing");
            return None;
        }
    };
    let net = w.cidr(cidr_text.1, &path.key(cidr_text.0));
    let proto_text = proto_text?;
    let Some(proto) = Proto::parse(proto_text) else {
        w.error(
            &path.key("Protocol"),
            format!(
                "`{}` is not an IP protocol: AWS writes -1 (all) or a number 0-255",
                shorten(proto_text)
            ),
        );
        return None;
    };
    let net = net?;
    if number == DEFAULT_RULE_NUMBER {
        if action == Action::Deny && proto == Proto::All && net.prefix_len() == 0 {
            // The `*` rule: the model's implicit deny.
            return None;
        }
        w.error(
            &path.key("RuleNumber"),
            "rule number 32767 is AWS's default `*` rule, which denies everything; this entry does something else, so the export is not AWS's",
        );
        return None;
    }
    if !(1..=MAX_RULE_NUMBER).contains(&number) {
        w.error(
            &path.key("RuleNumber"),
            format!("rule number {number} is not one: AWS numbers entries 1 to {MAX_RULE_NUMBER}"),
        );
        return None;
    }
    let (svc, unknown) = match proto {
        Proto::All => (Service::Any, None),
        Proto::Tcp | Proto::Udp => {
            let (from, to) = match em.get("PortRange") {
                None | Some(Value::Null) => (None, None),
                Some(r) => {
                    let rpath = path.key("PortRange");
                    let rm = w.object(r, &rpath, "`PortRange`")?;
                    let from = w.int(rm, &rpath, "From").ok()?;
                    let to = w.int(rm, &rpath, "To").ok()?;
                    (from, to)
                }
            };
            match port_service(proto == Proto::Tcp, from, to) {
                Ok(s) => s,
                Err(e) => {
                    w.error(&path.key("PortRange"), e);
                    return None;
                }
            }
        }
        Proto::Icmp | Proto::Icmpv6 => {
            let (t, c) = match em.get("IcmpTypeCode") {
                None | Some(Value::Null) => (None, None),
                Some(r) => {
                    let rpath = path.key("IcmpTypeCode");
                    let rm = w.object(r, &rpath, "`IcmpTypeCode`")?;
                    let t = w.int(rm, &rpath, "Type").ok()?;
                    let c = w.int(rm, &rpath, "Code").ok()?;
                    (t, c)
                }
            };
            icmp_service(proto == Proto::Icmpv6, t, c)
        }
        Proto::Other(p) => (
            Service::Any,
            Some(format!(
                "IP protocol {p} only (mccs judges TCP, UDP and ICMP; this rule is written over any service)"
            )),
        ),
    };
    let dir = if outbound { "out" } else { "in" };
    let raw = format!("{acl}-{dir}-{number}");
    let (name, renamed) = w.name(&raw, path)?;
    let peer = AddressRef::Prefix(net);
    let (sources, destinations) = if outbound {
        (vec![AddressRef::Any], vec![peer])
    } else {
        (vec![peer], vec![AddressRef::Any])
    };
    let priority = u32::try_from(number).ok()?;
    let mut rule = Rule::new(name.clone(), action, sources, destinations, [svc]).priority(priority);
    if renamed {
        rule = rule.description(raw);
    }
    if let Some(u) = unknown {
        w.warn(
            path,
            format!(
                "rule `{name}` ({} {number}) is kept as unknown: it also depends on {u}; traffic reaching it gets the verdict unknown until a person checks it",
                action.as_str()
            ),
        );
        rule = rule.unknown(u);
    }
    Some((rule, outbound))
}
