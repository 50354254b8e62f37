//! Terraform (HCL): one `.tf` file per cloud firewall, security group or network ACL.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use mccs_model::{FirewallKind, Platform, RuleList};
use mccs_request::Placement;

use crate::common::{
    Entry, Proto, Svc, Unique, Work, by_protocol, file_stem, header_lines, is_any, placement_words,
    plain, services, token,
};
use crate::{Emitted, EmittedFile, Options};

/// The highest rule number an AWS network ACL takes.
const NACL_MAX: u32 = 32_766;

/// An HCL quoted string: `"`, `\` and control characters escaped, and the template sequences
/// `${` and `%{` doubled so they stay literal text.
pub(crate) fn hcl(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A list of HCL strings.
fn hcl_list<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| hcl(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

/// A `# ` comment line (the text reduced to one plain line, so it cannot end the comment).
fn comment(out: &mut String, indent: &str, text: &str) {
    let _ = writeln!(out, "{indent}# {}", plain(text));
}

/// A `variable` block of type string or number.
fn variable(out: &mut String, name: &str, ty: &str, description: &str) {
    let _ = writeln!(out, "variable {} {{", hcl(name));
    let _ = writeln!(out, "  description = {}", hcl(&plain(description)));
    let _ = writeln!(out, "  type        = {ty}");
    let _ = writeln!(out, "}}\n");
}

pub(crate) fn emit(work: &[Work<'_>], options: &Options) -> Emitted {
    let mut out = Emitted::default();
    let mut files = Unique::default();
    let mut labels = Unique::default();
    for w in work {
        let Some(fw) = w.firewall else {
            out.notes.push(format!(
                "{}: not in the topology; no Terraform written for it",
                plain(w.name)
            ));
            continue;
        };
        let what = format!(
            "the rules to add on {} ({}{})",
            w.name,
            fw.kind.noun(),
            fw.platform
                .map_or(String::new(), |p| format!(", {}", p.as_str()))
        );
        let mut text = String::new();
        for line in header_lines(options, &what) {
            comment(&mut text, "", &line);
        }
        if let Some(d) = &fw.description {
            comment(&mut text, "", &format!("{}: {d}", w.name));
        }
        text.push('\n');
        let ident = token(w.name, "firewall");
        let written = match (fw.kind, fw.platform) {
            (FirewallKind::Cloud, Some(Platform::AzureAlz)) => {
                azure_firewall(&mut text, w, &ident, &mut labels);
                true
            }
            (FirewallKind::Cloud, Some(Platform::AwsLza)) => {
                aws_network_firewall(&mut text, w, &ident, &mut labels);
                true
            }
            (FirewallKind::SecurityGroup, Some(Platform::AwsLza)) => {
                aws_security_group(&mut text, w, &ident, &mut labels);
                true
            }
            (FirewallKind::NetworkAcl, Some(Platform::AwsLza) | None) => {
                aws_network_acl(&mut text, w, fw, &ident, &mut labels);
                true
            }
            _ => false,
        };
        if written {
            let name = files.take(&file_stem(w.name), "-");
            out.files.push(EmittedFile::new(format!("{name}.tf"), text));
        } else {
            let instead = match fw.kind {
                FirewallKind::Edge | FirewallKind::Zone => "use --emit pan-os or --emit aerleon",
                _ => "use --emit aerleon, or the request",
            };
            out.notes.push(format!(
                "{} ({}{}): Terraform covers Azure Firewall, AWS Network Firewall, AWS security groups and network ACLs; {instead}",
                plain(w.name),
                fw.kind.noun(),
                fw.platform.map_or(String::new(), |p| format!(", {}", p.as_str())),
            ));
        }
    }
    out
}

/// The rule's placement comment lines.
fn placement_comment(text: &mut String, indent: &str, e: &Entry<'_>, extra: &str) {
    comment(
        text,
        indent,
        &format!("{}: place {}{extra}", e.row.rule, placement_words(e.target)),
    );
    comment(text, indent, &e.about());
}

fn azure_firewall(text: &mut String, w: &Work<'_>, ident: &str, labels: &mut Unique) {
    let policy = format!("{ident}_policy_id");
    let priority = format!("{ident}_rule_collection_group_priority");
    variable(
        text,
        &policy,
        "string",
        &format!("Resource ID of the Azure Firewall Policy of {}", w.name),
    );
    let denies: BTreeSet<String> = w
        .entries
        .iter()
        .filter_map(|e| match &e.target.placement {
            Placement::Above { rule } => Some(plain(rule)),
            Placement::Append => None,
        })
        .collect();
    let priority_help = if denies.is_empty() {
        "Priority of the mccs rule collection group (100-65000, unique in the policy); no deny rule stands in the way of these rules".to_owned()
    } else {
        format!(
            "Priority of the mccs rule collection group (100-65000, unique in the policy): LOWER than the priority of the group holding {}, so these rules are processed first",
            denies.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    variable(text, &priority, "number", &priority_help);
    let label = labels.take(&format!("{ident}_mccs"), "_");
    let _ = writeln!(
        text,
        "resource \"azurerm_firewall_policy_rule_collection_group\" {} {{",
        hcl(&label)
    );
    let _ = writeln!(
        text,
        "  name               = {}",
        hcl(&format!("mccs-{}", file_stem(w.name)))
    );
    let _ = writeln!(text, "  firewall_policy_id = var.{policy}");
    let _ = writeln!(text, "  priority           = var.{priority}\n");
    let _ = writeln!(text, "  network_rule_collection {{");
    let _ = writeln!(text, "    name     = \"mccs-allow\"");
    let _ = writeln!(text, "    priority = 100");
    let _ = writeln!(text, "    action   = \"Allow\"");
    let mut names = Unique::default();
    for e in &w.entries {
        let groups = by_protocol(e.row);
        let split = groups.len() > 1;
        for (proto, svcs) in groups {
            let protocol = match proto {
                Proto::Any => "Any",
                Proto::Tcp => "TCP",
                Proto::Udp => "UDP",
                Proto::Icmp => "ICMP",
                Proto::Other(ref p) => {
                    text.push('\n');
                    comment(
                        text,
                        "    ",
                        &format!(
                            "{}: protocol {p} is not one an Azure Firewall network rule takes (Any, TCP, UDP, ICMP): add it by hand",
                            e.row.rule
                        ),
                    );
                    continue;
                }
            };
            let base = if split {
                format!("{}-{}", e.row.rule, proto.name())
            } else {
                e.row.rule.to_string()
            };
            let name = names.take(&base, "-");
            let ports: Vec<String> = if proto.has_ports() {
                svcs.iter()
                    .map(|s| s.port_text().unwrap_or_else(|| "*".to_owned()))
                    .collect()
            } else {
                vec!["*".to_owned()]
            };
            text.push('\n');
            placement_comment(text, "    ", e, "");
            let objects = object_names(e);
            if !objects.is_empty() {
                comment(text, "    ", &format!("objects: {objects}"));
            }
            let _ = writeln!(text, "    rule {{");
            let _ = writeln!(text, "      name                  = {}", hcl(&name));
            let _ = writeln!(text, "      description           = {}", hcl(&e.about()));
            let _ = writeln!(
                text,
                "      protocols             = {}",
                hcl_list(&[protocol])
            );
            let _ = writeln!(
                text,
                "      source_addresses      = {}",
                hcl_list(&azure_addresses(&e.row.source_addresses))
            );
            let _ = writeln!(
                text,
                "      destination_addresses = {}",
                hcl_list(&azure_addresses(&e.row.destination_addresses))
            );
            let _ = writeln!(text, "      destination_ports     = {}", hcl_list(&ports));
            let _ = writeln!(text, "    }}");
        }
    }
    let _ = writeln!(text, "  }}");
    let _ = writeln!(text, "}}");
}

/// The objects a row uses, for a comment: `sources -> destinations`, marking existing ones.
fn object_names(e: &Entry<'_>) -> String {
    let show = |names: &[Arc<str>]| -> String {
        names
            .iter()
            .map(|n| match e.object(n) {
                Some(o) if o.status != mccs_request::ObjectStatus::Create => {
                    format!("{n} (existing)")
                }
                _ => n.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} -> {}", show(&e.row.sources), show(&e.row.destinations))
}

fn azure_addresses(cidrs: &[Arc<str>]) -> Vec<String> {
    if is_any(cidrs) {
        vec!["*".to_owned()]
    } else {
        cidrs.iter().map(|c| plain(c)).collect()
    }
}

/// The CIDRs a list of addresses stands for, `0.0.0.0/0` for any.
fn aws_cidrs(cidrs: &[Arc<str>]) -> Vec<String> {
    if is_any(cidrs) {
        vec!["0.0.0.0/0".to_owned()]
    } else {
        cidrs.iter().map(|c| plain(c)).collect()
    }
}

/// Text an AWS security group rule description takes: letters, digits, spaces and
/// `._-:/()#,@[]+=&;{}!$*`, at most 255 characters.
fn aws_description(s: &str) -> String {
    plain(s)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c) {
                c
            } else {
                ' '
            }
        })
        .take(255)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

fn aws_security_group(text: &mut String, w: &Work<'_>, ident: &str, labels: &mut Unique) {
    let sg = format!("{ident}_security_group_id");
    variable(
        text,
        &sg,
        "string",
        &format!("ID of the security group {} (sg-...)", w.name),
    );
    comment(
        text,
        "",
        "A security group is an allow-list without order: these rules need no placement.",
    );
    for e in &w.entries {
        let egress = e.row.list == Some(RuleList::Outbound);
        let (kind, peers) = if egress {
            (
                "aws_vpc_security_group_egress_rule",
                &e.row.destination_addresses,
            )
        } else {
            (
                "aws_vpc_security_group_ingress_rule",
                &e.row.source_addresses,
            )
        };
        text.push('\n');
        comment(
            text,
            "",
            &format!(
                "{}: {} rule; {}",
                e.row.rule,
                if egress {
                    "outbound (egress)"
                } else {
                    "inbound (ingress)"
                },
                e.about()
            ),
        );
        for cidr in aws_cidrs(peers) {
            for svc in services(e.row) {
                let Some((protocol, from, to)) = aws_ports(&svc, true) else {
                    comment(text, "", &unsupported(&e.row.rule, &svc));
                    continue;
                };
                let label = labels.take(&token(&e.row.rule, "rule"), "_");
                let _ = writeln!(text, "resource {} {} {{", hcl(kind), hcl(&label));
                let _ = writeln!(text, "  security_group_id = var.{sg}");
                let _ = writeln!(
                    text,
                    "  description       = {}",
                    hcl(&aws_description(&format!(
                        "{}: {}",
                        e.row.rule,
                        e.row.flows.join(", ")
                    )))
                );
                let key = if cidr.contains(':') {
                    "cidr_ipv6"
                } else {
                    "cidr_ipv4"
                };
                let _ = writeln!(text, "  {key:<17} = {}", hcl(&cidr));
                let _ = writeln!(text, "  ip_protocol       = {}", hcl(&protocol));
                if let (Some(from), Some(to)) = (from, to) {
                    let _ = writeln!(text, "  from_port         = {from}");
                    let _ = writeln!(text, "  to_port           = {to}");
                }
                let _ = writeln!(text, "  tags = {{");
                let _ = writeln!(text, "    Name = {}", hcl(&e.row.rule));
                let _ = writeln!(text, "  }}");
                let _ = writeln!(text, "}}");
            }
        }
    }
}

fn unsupported(rule: &str, svc: &Svc) -> String {
    format!(
        "{rule}: protocol {} cannot be written here: add it by hand",
        svc.proto.name()
    )
}

/// (protocol, from, to) for AWS: `-1` for any protocol (no ports); ICMP type in `from` and
/// `-1` code in `to` (security groups) or `None` (ACLs, which use icmp_type).
fn aws_ports(svc: &Svc, sg: bool) -> Option<(String, Option<i64>, Option<i64>)> {
    Some(match &svc.proto {
        Proto::Any => ("-1".to_owned(), None, None),
        Proto::Tcp | Proto::Udp => {
            let (lo, hi) = svc.ports.unwrap_or((0, 65535));
            (
                svc.proto.name().to_owned(),
                Some(i64::from(lo)),
                Some(i64::from(hi)),
            )
        }
        Proto::Icmp if sg => {
            let t = svc.ports.map_or(-1, |(t, _)| i64::from(t));
            ("icmp".to_owned(), Some(t), Some(-1))
        }
        Proto::Icmp => ("icmp".to_owned(), None, None),
        Proto::Other(p) => {
            if p.chars().all(|c| c.is_ascii_digit()) {
                (p.clone(), None, None)
            } else {
                return None;
            }
        }
    })
}

fn aws_network_acl(
    text: &mut String,
    w: &Work<'_>,
    fw: &mccs_model::Firewall,
    ident: &str,
    labels: &mut Unique,
) {
    let acl = format!("{ident}_network_acl_id");
    variable(
        text,
        &acl,
        "string",
        &format!("ID of the network ACL {} (acl-...)", w.name),
    );
    comment(
        text,
        "",
        "A network ACL is stateless and evaluated lowest rule number first: each rule number below is free in the list today and, where a rule must go above a deny, lower than that deny's number.",
    );
    // Numbers in use per list: the existing rules', then the ones handed out here.
    let mut used: [BTreeSet<u32>; 2] = [
        fw.rules.iter().filter_map(|r| r.priority).collect(),
        fw.outbound_rules
            .iter()
            .filter_map(|r| r.priority)
            .collect(),
    ];
    let mut missing: Vec<String> = Vec::new();
    let mut body = String::new();
    for e in &w.entries {
        let list = e.row.list.unwrap_or(RuleList::Inbound);
        let egress = list == RuleList::Outbound;
        let (rules, used) = if egress {
            (&fw.outbound_rules, &mut used[1])
        } else {
            (&fw.rules, &mut used[0])
        };
        let peers = if egress {
            &e.row.destination_addresses
        } else {
            &e.row.source_addresses
        };
        let deny_number = match &e.target.placement {
            Placement::Above { rule } => rules
                .iter()
                .find(|r| r.name.as_str() == rule)
                .and_then(|r| r.priority),
            Placement::Append => None,
        };
        body.push('\n');
        placement_comment(
            &mut body,
            "",
            e,
            &format!(
                "{}{}",
                deny_number.map_or(String::new(), |n| format!(" (rule number {n})")),
                if e.row.return_traffic {
                    "; this rule lets the return traffic back"
                } else {
                    ""
                }
            ),
        );
        for cidr in aws_cidrs(peers) {
            for svc in services(e.row) {
                let Some((protocol, from, to)) = aws_ports(&svc, false) else {
                    comment(&mut body, "", &unsupported(&e.row.rule, &svc));
                    continue;
                };
                let number = match &e.target.placement {
                    Placement::Above { .. } => {
                        let limit = deny_number.or(e.target.rule_number.map(|n| n + 1));
                        let start = e.target.rule_number.or(limit.map(|l| l.saturating_sub(1)));
                        match (start, limit) {
                            (Some(start), Some(limit)) => (1..=start.min(limit.saturating_sub(1)))
                                .rev()
                                .find(|n| !used.contains(n)),
                            _ => None,
                        }
                    }
                    Placement::Append => {
                        let last = used.iter().next_back().copied().unwrap_or(0);
                        let start = e.target.rule_number.unwrap_or_else(|| (last / 10 + 1) * 10);
                        (start..=NACL_MAX).find(|n| !used.contains(n))
                    }
                };
                let label = labels.take(&token(&e.row.rule, "rule"), "_");
                let _ = writeln!(body, "resource \"aws_network_acl_rule\" {} {{", hcl(&label));
                let _ = writeln!(body, "  network_acl_id  = var.{acl}");
                match number {
                    Some(n) => {
                        used.insert(n);
                        let _ = writeln!(body, "  rule_number     = {n}");
                    }
                    None => {
                        let var = format!("{label}_rule_number");
                        missing.push(var.clone());
                        comment(
                            &mut body,
                            "  ",
                            "No rule number is free below the deny rule: renumber the ACL and set this variable.",
                        );
                        let _ = writeln!(body, "  rule_number     = var.{var}");
                    }
                }
                let _ = writeln!(body, "  egress          = {egress}");
                let _ = writeln!(body, "  protocol        = {}", hcl(&protocol));
                let _ = writeln!(body, "  rule_action     = \"allow\"");
                let key = if cidr.contains(':') {
                    "ipv6_cidr_block"
                } else {
                    "cidr_block"
                };
                let _ = writeln!(body, "  {key:<15} = {}", hcl(&cidr));
                if let (Some(from), Some(to)) = (from, to) {
                    let _ = writeln!(body, "  from_port       = {from}");
                    let _ = writeln!(body, "  to_port         = {to}");
                }
                if svc.proto == Proto::Icmp {
                    let t = svc.ports.map_or(-1, |(t, _)| i64::from(t));
                    let _ = writeln!(body, "  icmp_type       = {t}");
                    let _ = writeln!(body, "  icmp_code       = -1");
                }
                let _ = writeln!(body, "}}");
            }
        }
    }
    for var in &missing {
        variable(
            text,
            var,
            "number",
            "A free rule number below the deny rule this rule must precede (none is free today)",
        );
    }
    text.push_str(&body);
}

/// A port or range in Suricata's spelling (`443`, `1024:65535`), `ANY` for every port.
fn suricata_port(svc: &Svc) -> String {
    match svc.ports {
        Some((lo, hi)) if lo == hi => lo.to_string(),
        Some((lo, hi)) => format!("{lo}:{hi}"),
        None => "ANY".to_owned(),
    }
}

fn aws_network_firewall(text: &mut String, w: &Work<'_>, ident: &str, labels: &mut Unique) {
    struct Stateful {
        protocol: &'static str,
        source: String,
        destination: String,
        port: String,
        msg: String,
    }
    let mut rules: Vec<(usize, Stateful)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for (i, e) in w.entries.iter().enumerate() {
        for src in aws_nfw_addresses(&e.row.source_addresses) {
            for dst in aws_nfw_addresses(&e.row.destination_addresses) {
                for svc in services(e.row) {
                    let protocol = match svc.proto {
                        Proto::Any => "IP",
                        Proto::Tcp => "TCP",
                        Proto::Udp => "UDP",
                        Proto::Icmp => "ICMP",
                        Proto::Other(_) => {
                            skipped.push(unsupported(&e.row.rule, &svc));
                            continue;
                        }
                    };
                    let port = if svc.proto.has_ports() {
                        suricata_port(&svc)
                    } else {
                        "ANY".to_owned()
                    };
                    rules.push((
                        i,
                        Stateful {
                            protocol,
                            source: src.clone(),
                            destination: dst.clone(),
                            port,
                            msg: e.row.rule.to_string(),
                        },
                    ));
                }
            }
        }
    }
    let capacity = rules.len().div_ceil(100).max(1) * 100;
    let denies: BTreeSet<String> = w
        .entries
        .iter()
        .filter_map(|e| match &e.target.placement {
            Placement::Above { rule } => Some(plain(rule)),
            Placement::Append => None,
        })
        .collect();
    comment(
        text,
        "",
        &format!(
            "Add this rule group to the firewall policy of {} (stateful_rule_group_reference).",
            w.name
        ),
    );
    if denies.is_empty() {
        comment(text, "", "No deny rule stands in the way of these rules.");
    } else {
        comment(
            text,
            "",
            &format!(
                "PLACEMENT: these rules must be evaluated before {}: with STRICT_ORDER give this group's reference a lower priority than the group holding it; with the default action order, pass rules are already evaluated before drop rules.",
                denies.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
    }
    comment(
        text,
        "",
        &format!(
            "Capacity cannot change after creation: {capacity} leaves room over the {} rules here.",
            rules.len()
        ),
    );
    let label = labels.take(&format!("{ident}_mccs"), "_");
    let group_name: String = format!("mccs-{}", w.name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    let _ = writeln!(
        text,
        "resource \"aws_networkfirewall_rule_group\" {} {{",
        hcl(&label)
    );
    let _ = writeln!(text, "  name        = {}", hcl(&group_name));
    let _ = writeln!(text, "  type        = \"STATEFUL\"");
    let _ = writeln!(text, "  capacity    = {capacity}");
    let _ = writeln!(
        text,
        "  description = {}",
        hcl(&format!("Rules planned by mccs for {}", plain(w.name)))
    );
    let _ = writeln!(text, "\n  rule_group {{");
    let _ = writeln!(text, "    rules_source {{");
    let mut last: Option<usize> = None;
    for (sid, (i, r)) in rules.iter().enumerate() {
        if last != Some(*i) {
            if let Some(e) = w.entries.get(*i) {
                text.push('\n');
                placement_comment(text, "      ", e, "");
            }
            last = Some(*i);
        }
        let _ = writeln!(text, "      stateful_rule {{");
        let _ = writeln!(text, "        action = \"PASS\"");
        let _ = writeln!(text, "        header {{");
        let _ = writeln!(text, "          protocol         = {}", hcl(r.protocol));
        let _ = writeln!(text, "          source           = {}", hcl(&r.source));
        let _ = writeln!(text, "          source_port      = \"ANY\"");
        let _ = writeln!(text, "          direction        = \"FORWARD\"");
        let _ = writeln!(text, "          destination      = {}", hcl(&r.destination));
        let _ = writeln!(text, "          destination_port = {}", hcl(&r.port));
        let _ = writeln!(text, "        }}");
        let _ = writeln!(text, "        rule_option {{");
        let _ = writeln!(text, "          keyword  = \"msg\"");
        // Suricata's msg is a quoted string: the rule name without quotes or `;`.
        let msg: String = r
            .msg
            .chars()
            .filter(|c| !matches!(c, '"' | ';' | '\\'))
            .collect();
        let _ = writeln!(
            text,
            "          settings = {}",
            hcl_list(&[format!("\"{msg}\"")])
        );
        let _ = writeln!(text, "        }}");
        let _ = writeln!(text, "        rule_option {{");
        let _ = writeln!(text, "          keyword  = \"sid\"");
        let _ = writeln!(
            text,
            "          settings = {}",
            hcl_list(&[(sid + 1).to_string()])
        );
        let _ = writeln!(text, "        }}");
        let _ = writeln!(text, "      }}");
    }
    for s in &skipped {
        comment(text, "      ", s);
    }
    let _ = writeln!(text, "    }}");
    let _ = writeln!(text, "  }}");
    let _ = writeln!(text, "}}");
}

fn aws_nfw_addresses(cidrs: &[Arc<str>]) -> Vec<String> {
    if is_any(cidrs) {
        vec!["ANY".to_owned()]
    } else {
        cidrs.iter().map(|c| plain(c)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::hcl;

    #[test]
    fn hcl_strings_escape_quotes_and_templates() {
        assert_eq!(hcl(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(hcl("${x} %{if} $ %"), r#""$${x} %%{if} $ %""#);
        assert_eq!(hcl("a\nb\u{1}"), r#""a\nb\u0001""#);
    }
}
