//! Aerleon: a policy file per firewall (`policies/pol/FIREWALL.yaml`) and the network and
//! service definitions they use (`def/networks.yaml`, `def/services.yaml`).
//!
//! The policies target Juniper (`juniper: FILTER inet`): Aerleon's oldest and most complete
//! generator, which keeps term names and comments as they are, so the output is easy to compare
//! with the request. Change the target in the header for any other platform Aerleon supports.

use std::collections::HashMap;
use std::sync::Arc;

use mccs_model::RuleList;
use std::fmt::Write as _;

use crate::common::{
    Entry, Proto, Svc, Unique, Work, file_stem, header_lines, is_any, placement_words, plain,
    services, token,
};
use crate::{Emitted, EmittedFile, Options};

/// A YAML double-quoted scalar (JSON's string syntax is YAML's double-quoted style).
fn yaml(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Comment text for a generated filter: one line, no `"` (as `'`), no `{` or `}` (as `(` and
/// `)`: Aerleon's Juniper output indents by them, and unbalanced ones make it fail) and no `*/`
/// or `/*`, which would end or nest the comments of the platforms Aerleon generates for.
fn note(s: &str) -> String {
    plain(s)
        .replace('"', "'")
        .replace('{', "(")
        .replace('}', ")")
        .replace("*/", "* /")
        .replace("/*", "/ *")
}

/// A term or filter name: the rule's (or firewall's) name with anything but letters, digits,
/// `_` and `-` as `_`.
fn term_name(s: &str) -> String {
    let s: String = s
        .chars()
        .take(120)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "term".to_owned() } else { s }
}

/// ICMP type names Aerleon takes for the common types.
fn icmp_type(t: u32) -> Option<&'static str> {
    Some(match t {
        0 => "echo-reply",
        3 => "unreachable",
        4 => "source-quench",
        5 => "redirect",
        8 => "echo-request",
        11 => "time-exceeded",
        12 => "parameter-problem",
        13 => "timestamp-request",
        14 => "timestamp-reply",
        _ => return None,
    })
}

#[derive(Default)]
struct Defs {
    /// Object (or address set) → network token.
    tokens: HashMap<String, String>,
    names: Unique,
    networks: String,
    services: String,
    service_tokens: HashMap<Svc, String>,
}

impl Defs {
    /// The network token for an object with these CIDRs, defining it on first use.
    fn network<S: AsRef<str>>(&mut self, object: &str, cidrs: &[S], comment: &str) -> String {
        if let Some(t) = self.tokens.get(object) {
            return t.clone();
        }
        let t = self.names.take(&token(object, "NET"), "_");
        let _ = writeln!(self.networks, "  {t}:");
        let _ = writeln!(self.networks, "    values:");
        for c in cidrs {
            let _ = writeln!(
                self.networks,
                "      - address: {}",
                yaml(&plain(c.as_ref()))
            );
            let _ = writeln!(self.networks, "        comment: {}", yaml(&note(comment)));
        }
        self.tokens.insert(object.to_owned(), t.clone());
        t
    }

    /// The service token for a TCP or UDP service, defining it on first use.
    fn service(&mut self, svc: &Svc) -> String {
        if let Some(t) = self.service_tokens.get(svc) {
            return t.clone();
        }
        let port = svc.port_text().unwrap_or_else(|| "0-65535".to_owned());
        let t = self.names.take(
            &token(
                &format!("{}_{}", svc.proto.name(), port).to_ascii_uppercase(),
                "SVC",
            ),
            "_",
        );
        let _ = writeln!(self.services, "  {t}:");
        let _ = writeln!(self.services, "    - port: {}", yaml(&port));
        let _ = writeln!(self.services, "      protocol: {}", svc.proto.name());
        self.service_tokens.insert(svc.clone(), t.clone());
        t
    }
}

pub(crate) fn emit(work: &[Work<'_>], options: &Options) -> Emitted {
    let mut out = Emitted::default();
    let mut defs = Defs::default();
    let mut files = Unique::default();
    let mut filters = Unique::default();
    let mut policies = Vec::new();
    for w in work {
        let mut s = String::new();
        let kind = w.firewall.map_or("firewall", |f| f.kind.noun());
        for line in header_lines(options, &format!("the rules to add on {} ({kind})", w.name)) {
            let _ = writeln!(s, "# {}", note(&line));
        }
        let _ = writeln!(s, "filters:");
        // A security group or network ACL has an inbound and an outbound list: one filter each
        // (`FIREWALL-inbound`, `FIREWALL-outbound`); any other firewall has one.
        let lists = [None, Some(RuleList::Inbound), Some(RuleList::Outbound)];
        for list in lists {
            let entries: Vec<&Entry<'_>> =
                w.entries.iter().filter(|e| e.row.list == list).collect();
            if entries.is_empty() {
                continue;
            }
            let base = match list {
                None => term_name(w.name),
                Some(l) => term_name(&format!("{}-{}", w.name, l.as_str())),
            };
            let filter = filters.take(&base, "_");
            let mut comment = format!(
                "Rules planned by mccs for {} ({kind}{}). Terms are in order; place them where each term's comment says.",
                w.name,
                list.map_or(String::new(), |l| format!(", {} list", l.as_str()))
            );
            if let Some(d) = w.firewall.and_then(|f| f.description.as_ref()) {
                comment.push(' ');
                comment.push_str(d);
            }
            let _ = writeln!(s, "  - header:");
            let _ = writeln!(s, "      comment: {}", yaml(&note(&comment)));
            let _ = writeln!(s, "      targets:");
            let _ = writeln!(s, "        juniper: {}", yaml(&format!("{filter} inet")));
            let _ = writeln!(s, "    terms:");
            let mut terms = Unique::default();
            for e in entries {
                term(&mut s, e, &mut defs, &mut terms);
            }
        }
        let name = files.take(&file_stem(w.name), "-");
        policies.push(EmittedFile::new(format!("policies/pol/{name}.yaml"), s));
    }
    if policies.is_empty() {
        return out;
    }
    let head = |what: &str| -> String {
        header_lines(options, what)
            .iter()
            .map(|l| format!("# {}\n", note(l)))
            .collect()
    };
    let networks = if defs.networks.is_empty() {
        "networks: {}\n".to_owned()
    } else {
        format!("networks:\n{}", defs.networks)
    };
    let svcs = if defs.services.is_empty() {
        "services: {}\n".to_owned()
    } else {
        format!("services:\n{}", defs.services)
    };
    out.files.push(EmittedFile::new(
        "def/networks.yaml",
        format!("{}{networks}", head("the networks the policies use")),
    ));
    out.files.push(EmittedFile::new(
        "def/services.yaml",
        format!("{}{svcs}", head("the services the policies use")),
    ));
    out.files.extend(policies);
    out
}

/// The network tokens of one side of a rule, or `None` for any address.
fn side(
    e: &Entry<'_>,
    names: &[Arc<str>],
    cidrs: &[Arc<str>],
    defs: &mut Defs,
    what: &str,
) -> Option<Vec<String>> {
    if names.iter().any(|n| &**n == "any") || is_any(cidrs) {
        return None;
    }
    let mut out = Vec::new();
    let mut missing = false;
    for n in names {
        match e.object(n) {
            Some(o) if !o.cidrs.is_empty() => {
                let t = defs.network(&o.name, &o.cidrs, &format!("{}: {}", o.name, o.stands_for));
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            _ => missing = true,
        }
    }
    if missing || out.is_empty() {
        // Not in the Object Table: a network of the row's own addresses.
        let key = format!("{}_{what}", e.row.rule);
        let t = defs.network(&key, cidrs, &format!("{what} of {}", e.row.rule));
        out.push(t);
    }
    Some(out)
}

fn term(s: &mut String, e: &Entry<'_>, defs: &mut Defs, terms: &mut Unique) {
    let src = side(e, &e.row.sources, &e.row.source_addresses, defs, "SRC");
    let dst = side(
        e,
        &e.row.destinations,
        &e.row.destination_addresses,
        defs,
        "DST",
    );
    // TCP and UDP share a term (ports per protocol come from the service definitions); ICMP and
    // other protocols get a term of their own.
    let svcs = services(e.row);
    let mut groups: Vec<(Vec<Proto>, Vec<Svc>)> = Vec::new();
    if svcs.iter().any(|v| v.proto == Proto::Any) {
        groups.push((Vec::new(), Vec::new()));
    } else {
        let ported: Vec<Svc> = svcs
            .iter()
            .filter(|v| v.proto.has_ports())
            .cloned()
            .collect();
        if !ported.is_empty() {
            let mut protos: Vec<Proto> = Vec::new();
            for v in &ported {
                if !protos.contains(&v.proto) {
                    protos.push(v.proto.clone());
                }
            }
            groups.push((protos, ported));
        }
        for v in svcs.iter().filter(|v| !v.proto.has_ports()) {
            match groups
                .iter_mut()
                .find(|(p, _)| p.first() == Some(&v.proto) && !v.proto.has_ports())
            {
                Some((_, list)) => list.push(v.clone()),
                None => groups.push((vec![v.proto.clone()], vec![v.clone()])),
            }
        }
    }
    let split = groups.len() > 1;
    for (protos, list) in groups {
        let base = term_name(&e.row.rule);
        let base = if split {
            let names: Vec<&str> = protos.iter().map(Proto::name).collect();
            format!(
                "{base}-{}",
                if names.is_empty() {
                    "any".to_owned()
                } else {
                    names.join("-")
                }
            )
        } else {
            base
        };
        let name = terms.take(&base, "-");
        let _ = writeln!(s, "      - name: {}", yaml(&name));
        let _ = writeln!(
            s,
            "        comment: {}",
            yaml(&note(&format!(
                "{}: place {}. {}",
                e.row.rule,
                placement_words(e.target),
                e.about()
            )))
        );
        if let Some(src) = &src {
            let _ = writeln!(s, "        source-address: {}", yaml(&src.join(" ")));
        }
        if let Some(dst) = &dst {
            let _ = writeln!(s, "        destination-address: {}", yaml(&dst.join(" ")));
        }
        if !protos.is_empty() {
            let names: Vec<&str> = protos.iter().map(Proto::name).collect();
            let _ = writeln!(s, "        protocol: {}", yaml(&names.join(" ")));
        }
        let ports: Vec<String> = list
            .iter()
            .filter(|v| v.proto.has_ports() && v.ports.is_some())
            .map(|v| defs.service(v))
            .collect();
        if !ports.is_empty() {
            let _ = writeln!(s, "        destination-port: {}", yaml(&ports.join(" ")));
        }
        let icmp: Vec<&str> = list
            .iter()
            .filter(|v| v.proto == Proto::Icmp)
            .filter_map(|v| v.ports.and_then(|(t, _)| icmp_type(t)))
            .collect();
        if !icmp.is_empty() && list.iter().all(|v| v.ports.is_some()) {
            let _ = writeln!(s, "        icmp-type: {}", yaml(&icmp.join(" ")));
        }
        let _ = writeln!(s, "        action: accept");
    }
}
