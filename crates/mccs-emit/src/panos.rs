//! PAN-OS `set` commands: one `.set` file per on-premises (edge or zone) firewall.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use mccs_model::FirewallKind;
use mccs_request::{ObjectStatus, ObjectType, Placement};

use crate::common::{
    Entry, Proto, Svc, Unique, Work, file_stem, header_lines, is_any, plain, services,
};
use crate::{Emitted, EmittedFile, Options};

/// A name as the PAN-OS CLI takes it: bare when it is letters, digits, `_`, `-` and `.`, else
/// in double quotes (the characters PAN-OS names cannot hold, `"` and `\`, become `_`).
pub(crate) fn name(s: &str) -> String {
    let s: String = plain(s)
        .chars()
        .map(|c| if matches!(c, '"' | '\\') { '_' } else { c })
        .take(63)
        .collect();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        s
    } else {
        format!("\"{s}\"")
    }
}

/// Free text (a description) as a quoted PAN-OS CLI string: one line, `"` as `'`, `\` as `/`,
/// at most 1,023 characters.
fn text(s: &str) -> String {
    let s: String = plain(s)
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c => c,
        })
        .take(1023)
        .collect();
    format!("\"{s}\"")
}

/// An address value (CIDR, address or `first-last` range): only the characters those take.
fn addr(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':' | '/' | '-'))
        .take(100)
        .collect()
}

/// `[ a b ]`, or the single member bare.
fn members(items: &[String]) -> String {
    match items {
        [one] => one.clone(),
        _ => format!("[ {} ]", items.join(" ")),
    }
}

/// The name of the service object for a TCP or UDP service: `mccs-tcp-443`.
fn service_name(svc: &Svc) -> String {
    match svc.port_text() {
        Some(p) => format!("mccs-{}-{p}", svc.proto.name()),
        None => format!("mccs-{}-all", svc.proto.name()),
    }
}

pub(crate) fn emit(work: &[Work<'_>], options: &Options) -> Emitted {
    let mut out = Emitted::default();
    let mut files = Unique::default();
    for w in work {
        let Some(fw) = w.firewall else {
            out.notes.push(format!(
                "{}: not in the topology; no PAN-OS commands written for it",
                plain(w.name)
            ));
            continue;
        };
        if !matches!(fw.kind, FirewallKind::Edge | FirewallKind::Zone) {
            out.notes.push(format!(
                "{} ({}): PAN-OS commands are for the on-premises edge and zone firewalls; use --emit terraform or --emit aerleon",
                plain(w.name),
                fw.kind.noun()
            ));
            continue;
        }
        let mut s = String::new();
        for line in header_lines(
            options,
            &format!("the rules to add on {} ({})", w.name, fw.kind.noun()),
        ) {
            let _ = writeln!(s, "# {line}");
        }
        let _ = writeln!(
            s,
            "# Paste in configuration mode (configure), review with `show | compare`, then commit."
        );
        firewall(&mut s, w);
        let name = files.take(&file_stem(w.name), "-");
        out.files.push(EmittedFile::new(format!("{name}.set"), s));
    }
    out
}

fn firewall(s: &mut String, w: &Work<'_>) {
    // Objects to create: each once per firewall, in order of first use.
    let mut created: HashSet<String> = HashSet::new();
    let mut referenced: Vec<String> = Vec::new();
    let mut referenced_seen: HashSet<String> = HashSet::new();
    let mut objects = String::new();
    let mut svc_objects = String::new();
    let mut svc_seen: HashSet<String> = HashSet::new();
    let mut rules = String::new();
    let mut rule_names = Unique::default();
    for e in &w.entries {
        let src = addresses(
            e,
            &e.row.sources,
            &e.row.source_addresses,
            &mut created,
            &mut (&mut referenced, &mut referenced_seen),
            &mut objects,
        );
        let dst = addresses(
            e,
            &e.row.destinations,
            &e.row.destination_addresses,
            &mut created,
            &mut (&mut referenced, &mut referenced_seen),
            &mut objects,
        );
        // TCP/UDP services go in one rule with service objects; ICMP and other protocols need
        // an application instead of a service, so they get a rule of their own.
        let svcs = services(e.row);
        let any = svcs.iter().any(|v| v.proto == Proto::Any);
        let ported: Vec<&Svc> = svcs.iter().filter(|v| v.proto.has_ports()).collect();
        let mut apps: Vec<&Svc> = svcs
            .iter()
            .filter(|v| !v.proto.has_ports() && v.proto != Proto::Any)
            .collect();
        if any {
            apps.clear();
        }
        let mut variants: Vec<(String, String, String)> = Vec::new(); // (suffix, application, service)
        if any {
            variants.push((String::new(), "any".into(), "any".into()));
        } else {
            if !ported.is_empty() {
                let mut names = Vec::new();
                for v in &ported {
                    let n = service_name(v);
                    if svc_seen.insert(n.clone()) {
                        let port = v.port_text().unwrap_or_else(|| "0-65535".to_owned());
                        let _ = writeln!(
                            svc_objects,
                            "set service {n} protocol {} port {port}",
                            v.proto.name()
                        );
                    }
                    names.push(n);
                }
                variants.push((String::new(), "any".into(), members(&names)));
            }
            if !apps.is_empty() {
                let mut app_names: Vec<String> = Vec::new();
                for v in &apps {
                    let app = match v.proto {
                        Proto::Icmp => "icmp".to_owned(),
                        ref p => name(p.name()),
                    };
                    if !app_names.contains(&app) {
                        app_names.push(app);
                    }
                }
                let suffix = if ported.is_empty() {
                    String::new()
                } else {
                    "-icmp".to_owned()
                };
                variants.push((suffix, members(&app_names), "application-default".into()));
            }
        }
        for (suffix, application, service) in variants {
            let rule = rule_names.take(&format!("{}{suffix}", e.row.rule), "-");
            let rn = name(&rule);
            let _ = writeln!(rules);
            let _ = writeln!(rules, "# {}: {}", plain(&rule), e.about());
            let _ = writeln!(
                rules,
                "set rulebase security rules {rn} from any to any source {} destination {} application {application} service {service} action allow",
                members(&src),
                members(&dst)
            );
            let _ = writeln!(
                rules,
                "set rulebase security rules {rn} description {}",
                text(&format!("mccs: {}", e.about()))
            );
            match &e.target.placement {
                Placement::Above { rule: deny } => {
                    let _ = writeln!(
                        rules,
                        "# placement: above {}, which denies part of this traffic today",
                        plain(deny)
                    );
                    let _ = writeln!(
                        rules,
                        "move rulebase security rules {rn} before {}",
                        name(deny)
                    );
                }
                Placement::Append => {
                    let _ = writeln!(
                        rules,
                        "# placement: after the existing rules (no deny rule stands in its way)"
                    );
                }
            }
        }
    }
    if !referenced.is_empty() {
        let _ = writeln!(
            s,
            "\n# Existing objects, referenced by name (not re-created): {}",
            referenced.join(", ")
        );
    }
    if !objects.is_empty() {
        let _ = writeln!(s, "\n# Address objects to create");
        s.push_str(&objects);
    }
    if !svc_objects.is_empty() {
        let _ = writeln!(s, "\n# Service objects");
        s.push_str(&svc_objects);
    }
    let _ = writeln!(s, "\n# Security rules");
    s.push_str(rules.trim_start_matches('\n'));
}

/// The rule's source or destination members: object names from the Object Table (creating the
/// new ones once), `any`, or the addresses themselves when the object is not in the table.
fn addresses(
    e: &Entry<'_>,
    names: &[Arc<str>],
    cidrs: &[Arc<str>],
    created: &mut HashSet<String>,
    referenced: &mut (&mut Vec<String>, &mut HashSet<String>),
    objects: &mut String,
) -> Vec<String> {
    if names.iter().any(|n| &**n == "any") || (names.is_empty() && is_any(cidrs)) {
        return vec!["any".to_owned()];
    }
    let mut out = Vec::new();
    for n in names {
        let Some(o) = e.object(n) else {
            // Not in the Object Table: the addresses the row gives.
            out.extend(cidrs.iter().map(|c| addr(c)));
            continue;
        };
        let obj = name(&o.name);
        if o.status != ObjectStatus::Create {
            let shown = plain(&o.name);
            if referenced.1.insert(shown.clone()) {
                referenced.0.push(shown);
            }
        } else if created.insert(o.name.to_string()) {
            let _ = writeln!(objects, "# {}: {}", plain(&o.name), plain(&o.stands_for));
            let values: Vec<(String, &str)> = if o.kind == ObjectType::Range {
                o.addresses.iter().map(|a| (addr(a), "ip-range")).collect()
            } else {
                o.cidrs.iter().map(|c| (addr(c), "ip-netmask")).collect()
            };
            match values.as_slice() {
                [(v, kind)] => {
                    let _ = writeln!(objects, "set address {obj} {kind} {v}");
                    let _ = writeln!(
                        objects,
                        "set address {obj} description {}",
                        text(&o.stands_for)
                    );
                }
                _ => {
                    let mut member_names = Vec::new();
                    for (i, (v, kind)) in values.iter().enumerate() {
                        let m = name(&format!("{}_{}", o.name, i + 1));
                        let _ = writeln!(objects, "set address {m} {kind} {v}");
                        member_names.push(m);
                    }
                    let _ = writeln!(
                        objects,
                        "set address-group {obj} static {}",
                        format_args!("[ {} ]", member_names.join(" "))
                    );
                    let _ = writeln!(
                        objects,
                        "set address-group {obj} description {}",
                        text(&o.stands_for)
                    );
                }
            }
        }
        out.push(obj);
    }
    if out.is_empty() {
        out.push("any".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{name, text};

    #[test]
    fn names_and_text_are_quoted() {
        assert_eq!(name("MCCS_X"), "MCCS_X");
        assert_eq!(name("Allow web"), "\"Allow web\"");
        assert_eq!(name("a\"b\nset x"), "\"a_b set x\"");
        assert_eq!(
            text("say \"hi\"\nset rulebase"),
            "\"say 'hi' set rulebase\""
        );
    }
}
