//! The `set` front end: the configuration as PAN-OS `set` commands (`set cli
//! config-output-format set` then `show config running`, or what `mccs plan --emit pan-os`
//! writes).
//!
//! A line is `set [vsys NAME | device-group NAME | shared] WHAT NAME ATTRIBUTE VALUE ...`;
//! names with spaces are in double quotes, lists are `[ a b ]`. Lines without a scope belong to
//! `vsys1`. Attributes of one rule may come on one line or on many; a list attribute set twice
//! gets both members, as on the firewall. Commands about anything but addresses, services,
//! groups, dynamic lists, regions and security rules are skipped.

use std::collections::HashMap;

use mccs_model::{ExportFinding, Location};

use super::{
    AddrKind, Address, AddressGroup, Config, MAX_MOVES, Place, RawRule, Scope, Svc, SvcGroup,
};
use crate::rulebase::Export;

/// A token, the column (in characters) it starts at, and whether it was quoted (a quoted `[`
/// is a name, not a list).
type Token = (String, usize, bool);

/// Splits a line into words, quoted strings and `[` / `]`.
fn tokens(line: &str) -> Result<Vec<Token>, (usize, String)> {
    let mut out = Vec::new();
    let mut chars = line.chars().enumerate().peekable();
    while let Some(&(col, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' {
            chars.next();
            let mut word = String::new();
            let mut closed = false;
            for (_, c) in chars.by_ref() {
                if c == '"' {
                    closed = true;
                    break;
                }
                word.push(c);
            }
            if !closed {
                return Err((
                    col + 1,
                    "a quoted name is not closed: add the closing `\"`".to_owned(),
                ));
            }
            out.push((word, col + 1, true));
            continue;
        }
        let mut word = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            word.push(c);
            chars.next();
        }
        out.push((word, col + 1, false));
    }
    Ok(out)
}

/// A value at `i`: one word, or the members of `[ ... ]`. Returns the values and the next index.
fn value(words: &[Token], i: usize) -> Result<(Vec<String>, usize), String> {
    match words.get(i) {
        None => Err("a value is missing at the end of the line".to_owned()),
        Some((w, _, false)) if w == "[" => {
            let mut list = Vec::new();
            let mut j = i + 1;
            loop {
                match words.get(j) {
                    None => return Err("a list `[` is not closed: add `]`".to_owned()),
                    Some((w, _, false)) if w == "]" => return Ok((list, j + 1)),
                    Some((w, _, _)) => list.push(w.clone()),
                }
                j += 1;
            }
        }
        Some((w, _, _)) => Ok((vec![w.clone()], i + 1)),
    }
}

fn one(words: &[Token], i: usize) -> Result<(String, usize), String> {
    let (v, next) = value(words, i)?;
    Ok((v.join(" "), next))
}

/// Scopes by key (`shared`, `vsys NAME`, `device group NAME`), in order of first appearance.
#[derive(Default)]
struct Scopes {
    order: Vec<String>,
    scopes: HashMap<String, Scope>,
    /// (scope, list, rule name) -> index in its list.
    rules: HashMap<(String, u8, String), usize>,
    addresses: HashMap<(String, String), usize>,
    groups: HashMap<(String, String), usize>,
    services: HashMap<(String, String), usize>,
    service_groups: HashMap<(String, String), usize>,
}

impl Scopes {
    fn get(&mut self, key: &str) -> &mut Scope {
        if !self.scopes.contains_key(key) {
            self.order.push(key.to_owned());
        }
        self.scopes.entry(key.to_owned()).or_default()
    }
}

/// Reads the `set` commands of `export`, selecting the virtual system or device group `select`.
pub(super) fn read(export: &Export, select: Option<&str>) -> Result<Config, Vec<ExportFinding>> {
    let mut s = Scopes::default();
    let mut errors = Vec::new();
    let mut moves = 0usize;
    for (n, line) in export.text().lines().enumerate() {
        let line_no = n + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let err = |col: usize, message: String| {
            ExportFinding::error(
                export.place_at(
                    format!("line {line_no}"),
                    Some(Location {
                        line: line_no,
                        column: col.max(1),
                    }),
                ),
                message,
            )
        };
        let words = match tokens(line) {
            Ok(w) => w,
            Err((col, message)) => {
                errors.push(err(col, message));
                continue;
            }
        };
        let Some((first, first_col, _)) = words.first() else {
            continue;
        };
        match first.as_str() {
            "set" => {}
            "move" => {
                moves += 1;
                let done = if moves > MAX_MOVES {
                    Err((
                        *first_col,
                        format!(
                            "more than {MAX_MOVES} `move` commands: apply them on the firewall and export its configuration instead"
                        ),
                    ))
                } else {
                    move_rule(&mut s, &words)
                };
                if let Err((col, message)) = done {
                    errors.push(err(col, message));
                }
                continue;
            }
            "configure" | "exit" | "quit" | "commit" => continue,
            other => {
                errors.push(err(
                    *first_col,
                    format!(
                        "`{other}` is not a `set` command: the export is either the XML of `show config running` or `set` commands, one per line"
                    ),
                ));
                continue;
            }
        }
        if let Err((col, message)) = command(&mut s, &words, line_no) {
            errors.push(err(col, message));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let want = select.unwrap_or("vsys1");
    let vsys = format!("vsys {want}");
    let dg = format!("device group {want}");
    let key = if s.scopes.contains_key(&vsys) {
        vsys
    } else if s.scopes.contains_key(&dg) {
        dg
    } else {
        let available: Vec<&str> = s
            .order
            .iter()
            .filter(|k| k.as_str() != "shared")
            .map(String::as_str)
            .collect();
        let has = if available.is_empty() {
            "it has none".to_owned()
        } else {
            format!("it has {}", available.join(", "))
        };
        return Err(vec![ExportFinding::error(
            export.place_at("", Some(Location { line: 1, column: 1 })),
            format!(
                "no virtual system or device group `{want}` in the `set` commands ({has}): set `select` to one of them"
            ),
        )]);
    };
    let target = s.scopes.remove(&key).unwrap_or_default();
    let shared = s.scopes.remove("shared").unwrap_or_default();
    Ok(Config {
        shared,
        target,
        label: key,
    })
}

/// The scope a command names after its verb (`vsys NAME`, `device-group NAME`, `shared`, or
/// none: `vsys1`), and the index of the word after it.
fn scope_key(words: &[Token]) -> Result<(String, usize), (usize, String)> {
    let col = |i: usize| words.get(i).map_or(1, |w| w.1);
    let word = |i: usize| words.get(i).map(|w| w.0.as_str());
    Ok(match word(1) {
        Some("shared") => ("shared".to_owned(), 2),
        Some("vsys") => match word(2) {
            Some(v) => (format!("vsys {v}"), 3),
            None => {
                return Err((
                    col(1),
                    "`set vsys` needs the virtual system's name".to_owned(),
                ));
            }
        },
        Some("device-group") => match word(2) {
            Some(v) => (format!("device group {v}"), 3),
            None => {
                return Err((
                    col(1),
                    "`set device-group` needs the device group's name".to_owned(),
                ));
            }
        },
        _ => ("vsys vsys1".to_owned(), 1),
    })
}

/// `move [SCOPE] rulebase|pre-rulebase|post-rulebase security rules NAME top|bottom|before
/// OTHER|after OTHER`: where PAN-OS puts a rule, as `mccs plan --emit pan-os` places one above
/// a deny.
fn move_rule(s: &mut Scopes, words: &[Token]) -> Result<(), (usize, String)> {
    let col = |i: usize| words.get(i).map_or(1, |w| w.1);
    let word = |i: usize| words.get(i).map(|w| w.0.as_str());
    let (key, i) = scope_key(words)?;
    let list: u8 = match (word(i), word(i + 1), word(i + 2)) {
        (Some("pre-rulebase"), Some("security"), Some("rules")) => 0,
        (Some("rulebase"), Some("security"), Some("rules")) => 1,
        (Some("post-rulebase"), Some("security"), Some("rules")) => 2,
        _ => {
            return Err((
                col(i),
                "mccs reads `move` only for security rules: `move rulebase security rules NAME top|bottom|before OTHER|after OTHER`".to_owned(),
            ));
        }
    };
    let Some(name) = word(i + 3) else {
        return Err((col(i + 2), "the rule to move is missing".to_owned()));
    };
    let where_at = i + 4;
    let other = word(where_at + 1);
    let missing = |n: &str, at: usize| {
        (
            col(at),
            format!(
                "no security rule `{n}` in this rulebase before this line: define it with `set` first"
            ),
        )
    };
    let scope = s.get(&key);
    let rules = match list {
        0 => &mut scope.pre_rules,
        1 => &mut scope.rules,
        _ => &mut scope.post_rules,
    };
    let Some(from) = rules.iter().position(|r| r.name == name) else {
        return Err(missing(name, i + 3));
    };
    let rule = rules.remove(from);
    let to = match (word(where_at), other) {
        (Some("top"), _) => Some(0),
        (Some("bottom"), _) => Some(rules.len()),
        (Some("before"), Some(o)) => rules.iter().position(|r| r.name == o),
        (Some("after"), Some(o)) => rules.iter().position(|r| r.name == o).map(|k| k + 1),
        _ => {
            rules.insert(from, rule);
            return Err((
                col(where_at),
                "say where: `top`, `bottom`, `before OTHER` or `after OTHER`".to_owned(),
            ));
        }
    };
    let Some(to) = to else {
        rules.insert(from, rule);
        return Err(missing(other.unwrap_or_default(), where_at + 1));
    };
    rules.insert(to, rule);
    // The rules' positions moved: index them again.
    let names: Vec<String> = rules.iter().map(|r| r.name.clone()).collect();
    s.rules.retain(|(k, l, _), _| !(k == &key && *l == list));
    for (k, n) in names.into_iter().enumerate() {
        s.rules.insert((key.clone(), list, n), k);
    }
    Ok(())
}

/// One `set` command (the words after `set`).
fn command(s: &mut Scopes, words: &[Token], line_no: usize) -> Result<(), (usize, String)> {
    let col = |i: usize| words.get(i).map_or(1, |w| w.1);
    let word = |i: usize| words.get(i).map(|w| w.0.as_str());
    let (key, mut i) = scope_key(words)?;
    let what_col = col(i);
    let Some(what) = word(i) else {
        return Ok(());
    };
    i += 1;
    let fail = |i: usize, m: String| (col(i), m);
    match what {
        "rulebase" | "pre-rulebase" | "post-rulebase" => {
            let list: u8 = match what {
                "pre-rulebase" => 0,
                "rulebase" => 1,
                _ => 2,
            };
            match (word(i), word(i + 1)) {
                (Some("security"), Some("rules")) => {}
                (Some("default-security-rules"), Some("rules")) => {
                    if word(i + 2) == Some("interzone-default") {
                        let mut j = i + 3;
                        while j < words.len() {
                            let (attr, next) = one(words, j).map_err(|m| fail(j, m))?;
                            let (v, next) = one(words, next).map_err(|m| fail(next, m))?;
                            if attr == "action" {
                                let at = place(
                                    format!(
                                        "{what} default-security-rules rules interzone-default"
                                    ),
                                    line_no,
                                    col(i + 2),
                                );
                                s.get(&key).interzone_default = Some((v, at));
                            }
                            j = next;
                        }
                    }
                    return Ok(());
                }
                _ => return Ok(()),
            }
            i += 2;
            let Some(name) = word(i) else {
                return Err(fail(
                    i,
                    "a rule name is missing after `security rules`".to_owned(),
                ));
            };
            let name = name.to_owned();
            let name_col = col(i);
            i += 1;
            let rk = (key.clone(), list, name.clone());
            let idx = match s.rules.get(&rk) {
                Some(&k) => k,
                None => {
                    let scope = s.get(&key);
                    let rules = match list {
                        0 => &mut scope.pre_rules,
                        1 => &mut scope.rules,
                        _ => &mut scope.post_rules,
                    };
                    rules.push(RawRule {
                        name: name.clone(),
                        at: place(
                            format!("{what} security rules \"{name}\""),
                            line_no,
                            name_col,
                        ),
                        ..RawRule::default()
                    });
                    let k = rules.len() - 1;
                    s.rules.insert(rk, k);
                    k
                }
            };
            let scope = s.get(&key);
            let rules = match list {
                0 => &mut scope.pre_rules,
                1 => &mut scope.rules,
                _ => &mut scope.post_rules,
            };
            let Some(rule) = rules.get_mut(idx) else {
                return Ok(());
            };
            rule_attributes(rule, words, i)
        }
        "address" => {
            let Some(name) = word(i) else {
                return Err(fail(i, "an address name is missing".to_owned()));
            };
            let k = (key.clone(), name.to_owned());
            let idx = match s.addresses.get(&k) {
                Some(&x) => x,
                None => {
                    let at = place(format!("address \"{name}\""), line_no, col(i));
                    let list = &mut s.get(&key).addresses;
                    list.push(Address {
                        name: name.to_owned(),
                        at,
                        kind: AddrKind::Missing,
                        description: None,
                    });
                    let x = list.len() - 1;
                    s.addresses.insert(k, x);
                    x
                }
            };
            let Some(a) = s.get(&key).addresses.get_mut(idx) else {
                return Ok(());
            };
            let mut j = i + 1;
            while j < words.len() {
                let (attr, next) = one(words, j).map_err(|m| fail(j, m))?;
                let (v, next) = one(words, next).map_err(|m| fail(next, m))?;
                match attr.as_str() {
                    "ip-netmask" => a.kind = AddrKind::Netmask(v),
                    "ip-range" => a.kind = AddrKind::Range(v),
                    "fqdn" => a.kind = AddrKind::Fqdn(v),
                    "ip-wildcard" => a.kind = AddrKind::Wildcard(v),
                    "description" => a.description = Some(v),
                    _ => {}
                }
                j = next;
            }
            Ok(())
        }
        "address-group" => {
            let Some(name) = word(i) else {
                return Err(fail(i, "an address group name is missing".to_owned()));
            };
            let k = (key.clone(), name.to_owned());
            let idx = match s.groups.get(&k) {
                Some(&x) => x,
                None => {
                    let at = place(format!("address-group \"{name}\""), line_no, col(i));
                    let list = &mut s.get(&key).groups;
                    list.push(AddressGroup {
                        name: name.to_owned(),
                        at,
                        ..AddressGroup::default()
                    });
                    let x = list.len() - 1;
                    s.groups.insert(k, x);
                    x
                }
            };
            let Some(g) = s.get(&key).groups.get_mut(idx) else {
                return Ok(());
            };
            let mut j = i + 1;
            while j < words.len() {
                let (attr, next) = one(words, j).map_err(|m| fail(j, m))?;
                match attr.as_str() {
                    "static" => {
                        let (v, next) = value(words, next).map_err(|m| fail(next, m))?;
                        g.members.extend(v);
                        j = next;
                    }
                    "dynamic" => {
                        // dynamic filter "'tag' and 'tag2'"
                        let (_, n2) = one(words, next).map_err(|m| fail(next, m))?;
                        let (v, n3) = one(words, n2).map_err(|m| fail(n2, m))?;
                        g.dynamic = Some(v);
                        j = n3;
                    }
                    "description" => {
                        let (v, next) = one(words, next).map_err(|m| fail(next, m))?;
                        g.description = Some(v);
                        j = next;
                    }
                    _ => {
                        let (_, next) = value(words, next).map_err(|m| fail(next, m))?;
                        j = next;
                    }
                }
            }
            Ok(())
        }
        "service" => {
            let Some(name) = word(i) else {
                return Err(fail(i, "a service name is missing".to_owned()));
            };
            let k = (key.clone(), name.to_owned());
            let idx = match s.services.get(&k) {
                Some(&x) => x,
                None => {
                    let at = place(format!("service \"{name}\""), line_no, col(i));
                    let list = &mut s.get(&key).services;
                    list.push(Svc {
                        name: name.to_owned(),
                        at,
                        ..Svc::default()
                    });
                    let x = list.len() - 1;
                    s.services.insert(k, x);
                    x
                }
            };
            let Some(svc) = s.get(&key).services.get_mut(idx) else {
                return Ok(());
            };
            let mut j = i + 1;
            while j < words.len() {
                let (attr, next) = one(words, j).map_err(|m| fail(j, m))?;
                match attr.as_str() {
                    "protocol" => {
                        let (p, next) = one(words, next).map_err(|m| fail(next, m))?;
                        svc.protocol = p;
                        j = next;
                    }
                    "port" => {
                        let (v, next) = one(words, next).map_err(|m| fail(next, m))?;
                        svc.ports = Some(v);
                        j = next;
                    }
                    "source-port" => {
                        let (v, next) = one(words, next).map_err(|m| fail(next, m))?;
                        svc.source_ports = Some(v);
                        j = next;
                    }
                    "description" => {
                        let (v, next) = one(words, next).map_err(|m| fail(next, m))?;
                        svc.description = Some(v);
                        j = next;
                    }
                    // `override no` / `override yes timeout 3600 ...`: session timeouts.
                    "override" => break,
                    _ => {
                        let (_, next) = value(words, next).map_err(|m| fail(next, m))?;
                        j = next;
                    }
                }
            }
            Ok(())
        }
        "service-group" => {
            let Some(name) = word(i) else {
                return Err(fail(i, "a service group name is missing".to_owned()));
            };
            let k = (key.clone(), name.to_owned());
            let idx = match s.service_groups.get(&k) {
                Some(&x) => x,
                None => {
                    let at = place(format!("service-group \"{name}\""), line_no, col(i));
                    let list = &mut s.get(&key).service_groups;
                    list.push(SvcGroup {
                        name: name.to_owned(),
                        at,
                        members: Vec::new(),
                    });
                    let x = list.len() - 1;
                    s.service_groups.insert(k, x);
                    x
                }
            };
            let Some(g) = s.get(&key).service_groups.get_mut(idx) else {
                return Ok(());
            };
            let mut j = i + 1;
            while j < words.len() {
                let (attr, next) = one(words, j).map_err(|m| fail(j, m))?;
                let (v, next) = value(words, next).map_err(|m| fail(next, m))?;
                if attr == "members" {
                    g.members.extend(v);
                }
                j = next;
            }
            Ok(())
        }
        "external-list" | "region" => {
            if let Some(name) = word(i) {
                let scope = s.get(&key);
                let list = if what == "region" {
                    &mut scope.regions
                } else {
                    &mut scope.dynamic_lists
                };
                if !list.iter().any(|n| n == name) {
                    list.push(name.to_owned());
                }
            }
            Ok(())
        }
        _ => {
            let _ = what_col;
            Ok(())
        }
    }
}

fn place(path: String, line: usize, column: usize) -> Place {
    Place {
        path,
        location: Some(Location {
            line,
            column: column.max(1),
        }),
    }
}

/// Attributes of a security rule from word `i` on: `from trust to untrust source [ A B ] ...`.
fn rule_attributes(
    rule: &mut RawRule,
    words: &[Token],
    mut i: usize,
) -> Result<(), (usize, String)> {
    let col = |i: usize| words.get(i).map_or(1, |w| w.1);
    while i < words.len() {
        let attr = words.get(i).map(|w| w.0.as_str()).unwrap_or_default();
        let at = i + 1;
        // Attributes with nested settings mccs does not read take the rest of the line.
        if matches!(attr, "profile-setting" | "option" | "qos" | "target") {
            return Ok(());
        }
        let (v, next) = value(words, at).map_err(|m| (col(at), m))?;
        let add = |list: &mut Vec<String>| {
            for m in v.iter() {
                if !list.contains(m) {
                    list.push(m.clone());
                }
            }
        };
        match attr {
            "from" => add(&mut rule.from),
            "to" => add(&mut rule.to),
            "source" => add(&mut rule.source),
            "destination" => add(&mut rule.destination),
            "source-user" => add(&mut rule.source_user),
            "category" => add(&mut rule.category),
            "application" => add(&mut rule.application),
            "service" => add(&mut rule.service),
            "source-hip" | "destination-hip" | "hip-profiles" => {
                for m in v.iter().filter(|m| m.as_str() != "any") {
                    if !rule.hip.contains(m) {
                        rule.hip.push(m.clone());
                    }
                }
            }
            "action" => rule.action = Some(v.join(" ")),
            "disabled" => rule.disabled = v.iter().any(|x| x == "yes"),
            "negate-source" => rule.negate_source = v.iter().any(|x| x == "yes"),
            "negate-destination" => rule.negate_destination = v.iter().any(|x| x == "yes"),
            "description" => rule.description = Some(v.join(" ")),
            "rule-type" => rule.rule_type = Some(v.join(" ")),
            "schedule" => rule.schedule = Some(v.join(" ")),
            _ => {}
        }
        i = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_names_and_lists() {
        let w = tokens(r#"set rulebase security rules "Allow web" source [ A B ] to untrust"#)
            .unwrap_or_default();
        let words: Vec<&str> = w.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            words,
            [
                "set",
                "rulebase",
                "security",
                "rules",
                "Allow web",
                "source",
                "[",
                "A",
                "B",
                "]",
                "to",
                "untrust"
            ]
        );
        assert_eq!(w[4].1, 29);
        assert!(value(&w, 6).is_ok_and(|(v, n)| v == ["A", "B"] && n == 10));
        assert!(tokens("set address \"open").is_err());
        let w = tokens(r#"set address A description "[" tag x"#).unwrap_or_default();
        assert!(value(&w, 4).is_ok_and(|(v, n)| v == ["["] && n == 5));
    }
}
