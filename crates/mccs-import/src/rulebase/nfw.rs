//! AWS Network Firewall: `aws network-firewall describe-firewall-policy` and one
//! `aws network-firewall describe-rule-group` per rule group the policy names.
//!
//! Network Firewall judges a packet in two engines, and mccs writes both as one first-match
//! list (the firewall's `rules`, kind `cloud`):
//!
//! 1. **Stateless** rule groups by the policy's `Priority`, their rules by rule `Priority`:
//!    `aws:drop` is a deny; `aws:pass` an allow kept as unknown (a stateless pass lets packets
//!    of one direction through: the answers need a stateless rule of their own, which mccs does
//!    not pair); `aws:forward_to_sfe` hands the packet to the stateful rules, so the stateful
//!    list (and its default) is written at that place, narrowed to what the forwarding rule
//!    matches. A stateless drop also drops the answers of traffic the other way: an unknown rule
//!    `<name>-return` says so right after it. Source ports and TCP flags are not judged
//!    (unknown).
//! 2. The stateless **default action**: `aws:pass` is a final allow, `aws:drop` a final deny,
//!    `aws:forward_to_sfe` the stateful list.
//! 3. **Stateful** rule groups: with `STRICT_ORDER` by the policy's `Priority` and each group's
//!    rules in their order; with `DEFAULT_ACTION_ORDER` (the default) every `PASS` rule first,
//!    then `DROP`, then `REJECT` (Suricata's action order). `PASS` is an allow, `DROP` and
//!    `REJECT` denies; `ALERT` only logs, so an `ALERT` rule (or a `DROP` in a group whose
//!    reference overrides it `DROP_TO_ALERT`) is kept disabled. Header protocols `IP`, `TCP`,
//!    `UDP`, `ICMP` are judged; application protocols (`HTTP`, `TLS`, ...) and rule options
//!    other than `msg`, `sid`, `rev`, `flow`, `classtype`, `metadata`, `priority` make the rule
//!    unknown. Direction `ANY` adds the reverse rule `<name>-reverse`.
//! 4. The stateful **default**: `aws:drop_strict` / `aws:drop_established` (and their
//!    application-layer forms) are a final deny `<policy>-stateful-default-drop`; no drop
//!    default (alert only, none, or `DEFAULT_ACTION_ORDER`) passes what no rule matched, so a
//!    final allow-any `<policy>-stateful-default-pass` is written.
//!
//! Suricata rule strings (`RulesString`) and domain lists (`RulesSourceList`) are kept as one
//! unknown rule per group over what they may match. IP set variables (`RuleVariables.IPSets`,
//! the policy's `HOME_NET`) become objects under their own names (`HOME_NET`); a name defined
//! differently by two groups is qualified with the group's name (`egress-rules.HOME_NET`). A
//! variable defined nowhere (Network Firewall's own `HOME_NET` default is the inspection VPC's
//! CIDR, which the export does not hold) makes its rules unknown.

use std::collections::{HashMap, HashSet};

use ipnet::IpNet;
use mccs_model::{
    Action, AddressRef, DocPath, ExportFinding, ExportPlace, Firewall, FirewallKind,
    FirewallObject, ImportedRulebase, Name, PortRange, Rule, RulebaseFormat, Service,
    parse_ip_addr,
};
use serde_json::Value;

use super::Export;
use super::aws_json::{Walk, join_unknown, shorten};
use super::aws_sg::check_firewall_kind;

/// The most rules a policy's stateless `aws:forward_to_sfe` rules may write by narrowing the
/// stateful list (forwarding rules × stateful rules): far above a real policy, and a bound on
/// the work an export can cause.
pub const MAX_FORWARDED_RULES: usize = 200_000;

/// An address side of a rule.
#[derive(Debug, Clone, PartialEq)]
enum Addr {
    Any,
    Nets(Vec<IpNet>),
    /// A variable's object, and its networks.
    Object(Name, Vec<IpNet>),
}

impl Addr {
    fn nets(&self) -> Option<&[IpNet]> {
        match self {
            Self::Any => None,
            Self::Nets(n) | Self::Object(_, n) => Some(n),
        }
    }

    fn refs(&self) -> Vec<AddressRef> {
        match self {
            Self::Any => vec![AddressRef::Any],
            Self::Nets(n) => n.iter().copied().map(AddressRef::Prefix).collect(),
            Self::Object(name, _) => vec![AddressRef::Object(name.clone())],
        }
    }

    /// The addresses in both, `None` when none.
    fn meet(&self, other: &Self) -> Option<Self> {
        let (Some(a), Some(b)) = (self.nets(), other.nets()) else {
            return Some(if self.nets().is_none() {
                other.clone()
            } else {
                self.clone()
            });
        };
        let mut out = Vec::new();
        for p in a {
            for q in b {
                if p.contains(q) {
                    out.push(*q);
                } else if q.contains(p) {
                    out.push(*p);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        (!out.is_empty()).then_some(Self::Nets(out))
    }
}

/// A rule before it is named and written.
#[derive(Debug, Clone)]
struct Ir {
    name: String,
    src: Addr,
    dst: Addr,
    svc: Vec<Service>,
    action: Action,
    unknown: Option<String>,
    description: Option<String>,
    disabled: bool,
    place: ExportPlace,
}

impl Ir {
    fn any(name: String, action: Action, description: String, place: ExportPlace) -> Self {
        Self {
            name,
            src: Addr::Any,
            dst: Addr::Any,
            svc: vec![Service::Any],
            action,
            unknown: None,
            description: Some(description),
            disabled: false,
            place,
        }
    }

    /// This rule narrowed to what `by` matches, named after both.
    fn within(&self, by: &Ir) -> Option<Ir> {
        let src = self.src.meet(&by.src)?;
        let dst = self.dst.meet(&by.dst)?;
        let mut svc = Vec::new();
        for a in &self.svc {
            for b in &by.svc {
                if let Some(s) = a.intersect(b)
                    && !svc.contains(&s)
                {
                    svc.push(s);
                }
            }
        }
        if svc.is_empty() {
            return None;
        }
        Some(Ir {
            name: format!("{}.{}", by.name, self.name),
            src,
            dst,
            svc,
            action: self.action,
            unknown: join_unknown(by.unknown.clone(), self.unknown.clone()),
            description: Some(format!(
                "{} (stateful rule `{}`, for the traffic stateless rule `{}` forwards)",
                self.description.as_deref().unwrap_or(""),
                self.name,
                by.name
            )),
            disabled: self.disabled,
            place: self.place.clone(),
        })
    }
}

/// One rule group export, read.
struct Group<'e> {
    export: &'e Export,
    value: Value,
    name: String,
    kind: String,
}

/// Reads a firewall policy and its rule groups.
///
/// # Errors
///
/// Every problem found in the exports, each located in its file.
pub fn read(
    export: &Export,
    rule_groups: &[Export],
    firewall: &Firewall,
) -> Result<ImportedRulebase, Vec<ExportFinding>> {
    let mut w = Walk::new(export);
    let root = w.parse(RulebaseFormat::AwsNetworkFirewall)?;
    check_firewall_kind(
        &mut w,
        firewall,
        FirewallKind::Cloud,
        RulebaseFormat::AwsNetworkFirewall,
    );
    let top = DocPath::root();
    let Some(m) = w.root(&root, RulebaseFormat::AwsNetworkFirewall) else {
        return Err(w.errors);
    };
    let Some(policy_value) = m.get("FirewallPolicy") else {
        w.error(
            &top,
            format!(
                "no `FirewallPolicy` here: not the JSON `{}` writes",
                RulebaseFormat::AwsNetworkFirewall.export_command()
            ),
        );
        return Err(w.errors);
    };
    let ppath = top.key("FirewallPolicy");
    let Some(pm) = w.object(policy_value, &ppath, "`FirewallPolicy`") else {
        return Err(w.errors);
    };
    let policy_name = m
        .get("FirewallPolicyResponse")
        .and_then(|r| r.get("FirewallPolicyName"))
        .and_then(Value::as_str)
        .unwrap_or("policy")
        .to_owned();

    // The rule groups, by ARN.
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut by_arn: HashMap<String, usize> = HashMap::new();
    let mut group_errors = Vec::new();
    for g in rule_groups {
        let mut gw = Walk::new(g);
        let value = match gw.parse(RulebaseFormat::AwsNetworkFirewall) {
            Ok(v) => v,
            Err(mut e) => {
                for f in &mut e {
                    f.message = f.message.replace(
                        RulebaseFormat::AwsNetworkFirewall.export_command(),
                        "aws network-firewall describe-rule-group --rule-group-arn ARN --output json",
                    );
                }
                group_errors.extend(e);
                continue;
            }
        };
        let resp = value.get("RuleGroupResponse");
        let arn = resp
            .and_then(|r| r.get("RuleGroupArn"))
            .and_then(Value::as_str);
        let name = resp
            .and_then(|r| r.get("RuleGroupName"))
            .and_then(Value::as_str);
        let kind = resp
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let (Some(arn), Some(name), true) = (arn, name, value.get("RuleGroup").is_some()) else {
            gw.error(
                &DocPath::root(),
                "not the JSON `aws network-firewall describe-rule-group --rule-group-arn ARN --output json` writes: it needs `RuleGroup` and `RuleGroupResponse` with `RuleGroupArn` and `RuleGroupName`",
            );
            group_errors.extend(gw.errors);
            continue;
        };
        if by_arn.insert(arn.to_owned(), groups.len()).is_some() {
            gw.error(
                &DocPath::root().key("RuleGroupResponse").key("RuleGroupArn"),
                format!("rule group {arn} is given twice in `rule_groups`: give each once"),
            );
            group_errors.extend(gw.errors);
            continue;
        }
        groups.push(Group {
            export: g,
            name: name.to_owned(),
            kind: kind.to_owned(),
            value,
        });
    }
    w.errors.extend(group_errors);

    // The policy's HOME_NET.
    let policy_vars = ip_sets(
        &mut w,
        pm.get("PolicyVariables")
            .and_then(|v| v.get("RuleVariables")),
        &ppath.key("PolicyVariables").key("RuleVariables"),
    );

    let strict = match pm
        .get("StatefulEngineOptions")
        .and_then(|o| o.get("RuleOrder"))
        .and_then(Value::as_str)
    {
        None | Some("DEFAULT_ACTION_ORDER") => false,
        Some("STRICT_ORDER") => true,
        Some(other) => {
            w.error(
                &ppath.key("StatefulEngineOptions").key("RuleOrder"),
                format!(
                    "`{}` is not a rule order: AWS writes DEFAULT_ACTION_ORDER or STRICT_ORDER",
                    shorten(other)
                ),
            );
            false
        }
    };

    let stateless_refs = references(&mut w, pm, &ppath, "StatelessRuleGroupReferences", true);
    let stateful_refs = references(&mut w, pm, &ppath, "StatefulRuleGroupReferences", strict);

    let mut used_groups = HashSet::new();
    let mut vars = Vars::new(&policy_vars);
    // Collect every referenced group's variables first: names shared with other content get
    // qualified.
    for (r, _) in stateless_refs.iter().chain(&stateful_refs) {
        if let Some(&gi) = by_arn.get(&r.arn)
            && let Some(g) = groups.get(gi)
        {
            let mut gw = Walk::new(g.export);
            let sets = ip_sets(
                &mut gw,
                g.value
                    .get("RuleGroup")
                    .and_then(|rg| rg.get("RuleVariables"))
                    .and_then(|v| v.get("IPSets")),
                &DocPath::root()
                    .key("RuleGroup")
                    .key("RuleVariables")
                    .key("IPSets"),
            );
            w.errors.extend(gw.errors);
            vars.add_group(&g.name, sets);
        }
    }
    vars.settle();

    // Stateless rules, in order.
    let mut stateless: Vec<Ir> = Vec::new();
    for (r, at) in &stateless_refs {
        let Some(g) = group_for(&mut w, &by_arn, &groups, r, at, "STATELESS") else {
            continue;
        };
        used_groups.insert(r.arn.clone());
        stateless_group(&mut w, g, &mut stateless);
    }

    // Stateful rules, in order.
    let mut stateful: Vec<(u8, Ir)> = Vec::new();
    for (r, at) in &stateful_refs {
        let Some(g) = group_for(&mut w, &by_arn, &groups, r, at, "STATEFUL") else {
            continue;
        };
        used_groups.insert(r.arn.clone());
        stateful_group(&mut w, g, &vars, r.drop_to_alert, strict, &mut stateful);
    }
    if !strict {
        // Suricata's action order: pass, drop, reject, alert (a stable sort keeps each
        // class in policy order). Within a class the exact rules come first: any rule of
        // the class that matches decides the same way, so an unknown one only matters for
        // what no exact one matches.
        stateful.sort_by_key(|(class, r)| (*class, r.unknown.is_some()));
    }
    let mut stateful: Vec<Ir> = stateful.into_iter().map(|(_, r)| r).collect();
    let policy_place = w.place(&ppath);
    let drop_default = pm
        .get("StatefulDefaultActions")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .any(|s| s.starts_with("aws:drop_"))
        });
    stateful.push(if strict && drop_default {
        Ir::any(
            format!("{policy_name}-stateful-default-drop"),
            Action::Deny,
            "The policy's stateful default action (aws:drop_strict / aws:drop_established): traffic no stateful rule passes is dropped".to_owned(),
            w.place(&ppath.key("StatefulDefaultActions")),
        )
    } else {
        Ir::any(
            format!("{policy_name}-stateful-default-pass"),
            Action::Allow,
            if strict {
                "The policy has no stateful drop default action: Network Firewall passes traffic no stateful rule drops"
            } else {
                "Default action order: Network Firewall passes traffic no stateful rule drops"
            }
            .to_owned(),
            policy_place,
        )
    });

    for (arn, &gi) in &by_arn {
        if !used_groups.contains(arn)
            && let Some(g) = groups.get(gi)
        {
            let mut gw = Walk::new(g.export);
            gw.warn(
                &DocPath::root().key("RuleGroupResponse").key("RuleGroupArn"),
                format!(
                    "rule group `{}` is not referenced by the policy: nothing of it was imported",
                    g.name
                ),
            );
            w.warnings.extend(gw.warnings);
        }
    }

    // The stateless default, and the list.
    let default = stateless_default(&mut w, pm, &ppath, &policy_name);
    let mut out: Vec<Ir> = Vec::new();
    let mut forwarded = false;
    let mut budget = MAX_FORWARDED_RULES;
    for rule in stateless {
        if rule.name.ends_with(FORWARD_MARK) {
            forwarded = true;
            let mut by = rule;
            by.name.truncate(by.name.len() - FORWARD_MARK.len());
            for s in &stateful {
                if budget == 0 {
                    w.errors.push(ExportFinding::error(
                        by.place.clone(),
                        format!(
                            "the stateless rules that forward to the stateful engine would write more than {MAX_FORWARDED_RULES} rules: mccs does not read a policy this large"
                        ),
                    ));
                    return Err(w.errors);
                }
                budget -= 1;
                if let Some(r) = s.within(&by) {
                    out.push(r);
                }
            }
        } else {
            out.push(rule);
        }
    }
    match default {
        Some(StatelessDefault::Forward) => {
            out.extend(stateful);
        }
        Some(StatelessDefault::Final(rule)) => {
            out.push(*rule);
            if !forwarded {
                // Nothing reaches the stateful engine: keep its rules, never evaluated.
                for mut s in stateful {
                    s.disabled = true;
                    s.description = Some(format!(
                        "{} (never reached: no stateless rule or default forwards to the stateful engine)",
                        s.description.as_deref().unwrap_or("")
                    ));
                    out.push(s);
                }
            }
        }
        None => {}
    }

    let mut rb = ImportedRulebase::new();
    for (object, place) in vars.objects() {
        rb.push_object(object, place);
    }
    let mut names = Names::default();
    for ir in out {
        if let Some((rule, place)) = write_rule(&mut w, ir, &mut names) {
            rb.push_rule(rule, place);
        }
    }
    w.finish(rb)
}

/// A rule name suffix marking a stateless `aws:forward_to_sfe` rule until the list is written.
const FORWARD_MARK: &str = "\u{0}forward";

/// The rule names in use (lower-cased) and the next number to try for each taken name.
#[derive(Default)]
struct Names {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

/// Names the rule (unique in the firewall) and writes it.
fn write_rule(w: &mut Walk<'_>, ir: Ir, names: &mut Names) -> Option<(Rule, ExportPlace)> {
    let Some((mut name, renamed)) = super::to_name(&ir.name) else {
        w.errors.push(ExportFinding::error(
            ir.place,
            format!("`{}` cannot be made a rule name", shorten(&ir.name)),
        ));
        return None;
    };
    // A name taken already gets `-2`, `-3`, ...: the next number of each name is kept, so
    // many rules of one name cost one step each, not one per rule before them.
    let key = name.as_str().to_lowercase();
    if !names.used.insert(key.clone()) {
        let base = name.as_str().to_owned();
        loop {
            let k = names.next.entry(key.clone()).or_insert(2);
            let suffix = format!("-{k}");
            *k += 1;
            let cut: String = base
                .chars()
                .take(Name::MAX_LEN.saturating_sub(suffix.len()))
                .collect();
            let Ok(candidate) = format!("{cut}{suffix}").parse::<Name>() else {
                return None;
            };
            if names.used.insert(candidate.as_str().to_lowercase()) {
                name = candidate;
                break;
            }
        }
    }
    let mut description = ir.description.filter(|d| !d.is_empty());
    if renamed {
        w.warnings.push(ExportFinding::warning(
            ir.place.clone(),
            format!(
                "`{}` cannot be a rule name: imported as `{name}` (the original is kept in the description)",
                shorten(&ir.name)
            ),
        ));
        description = Some(match description {
            Some(d) => format!("{d} ({})", ir.name),
            None => ir.name.clone(),
        });
    }
    let mut rule = Rule::new(
        name.clone(),
        ir.action,
        ir.src.refs(),
        ir.dst.refs(),
        ir.svc,
    );
    if let Some(d) = description {
        rule = rule.description(d);
    }
    if ir.disabled {
        rule = rule.disabled();
    }
    if let Some(u) = ir.unknown {
        if !ir.disabled {
            w.warnings.push(ExportFinding::warning(
                ir.place.clone(),
                format!(
                    "rule `{name}` is kept as unknown: it also depends on {u}; traffic reaching it gets the verdict unknown until a person checks it"
                ),
            ));
        }
        rule = rule.unknown(u);
    }
    Some((rule, ir.place))
}

/// A rule group reference of the policy.
struct Reference {
    arn: String,
    drop_to_alert: bool,
}

/// The references at `key`, sorted by `Priority` when `ordered`.
fn references(
    w: &mut Walk<'_>,
    pm: &serde_json::Map<String, Value>,
    ppath: &DocPath,
    key: &str,
    ordered: bool,
) -> Vec<(Reference, DocPath)> {
    let mut out = Vec::new();
    for (i, r) in w.list(pm, ppath, key).iter().enumerate() {
        let rpath = ppath.key(key).index(i);
        let Some(rm) = w.object(r, &rpath, "a rule group reference") else {
            continue;
        };
        let Some(arn) = w.string(rm, &rpath, "ResourceArn", true) else {
            continue;
        };
        let Ok(priority) = w.int(rm, &rpath, "Priority") else {
            continue;
        };
        if ordered && priority.is_none() {
            w.error(
                &rpath,
                "`Priority` is missing: rule groups are evaluated by it",
            );
            continue;
        }
        if let Some(p) = priority
            && !(1..=65535).contains(&p)
        {
            w.error(
                &rpath.key("Priority"),
                format!("priority {p} is not one: AWS takes 1 to 65535"),
            );
            continue;
        }
        let drop_to_alert = rm
            .get("Override")
            .and_then(|o| o.get("Action"))
            .and_then(Value::as_str)
            == Some("DROP_TO_ALERT");
        out.push((
            priority.unwrap_or(0),
            Reference {
                arn: arn.to_owned(),
                drop_to_alert,
            },
            rpath,
        ));
    }
    if ordered {
        out.sort_by_key(|(p, _, _)| *p);
    }
    out.into_iter().map(|(_, r, p)| (r, p)).collect()
}

fn group_for<'g, 'e>(
    w: &mut Walk<'_>,
    by_arn: &HashMap<String, usize>,
    groups: &'g [Group<'e>],
    r: &Reference,
    at: &DocPath,
    kind: &str,
) -> Option<&'g Group<'e>> {
    let Some(g) = by_arn.get(&r.arn).and_then(|&i| groups.get(i)) else {
        w.error(
            &at.key("ResourceArn"),
            format!(
                "rule group {} is not among the firewall's `rule_groups`: add the output of `aws network-firewall describe-rule-group --rule-group-arn {} --output json`",
                shorten(&r.arn),
                shorten(&r.arn)
            ),
        );
        return None;
    };
    let stateful_kind = kind == "STATEFUL" && g.kind.starts_with("STATEFUL");
    if !(g.kind == kind || stateful_kind || g.kind.is_empty()) {
        w.error(
            &at.key("ResourceArn"),
            format!(
                "rule group `{}` is of type {}, but the policy references it as {kind}",
                g.name, g.kind
            ),
        );
        return None;
    }
    Some(g)
}

/// The IP sets of a `RuleVariables.IPSets` (or the policy's `RuleVariables`) map: name ->
/// networks (`None` for one that could not be read; reported) and where it is.
fn ip_sets(
    w: &mut Walk<'_>,
    value: Option<&Value>,
    path: &DocPath,
) -> Vec<(String, Option<Vec<IpNet>>, ExportPlace)> {
    let mut out = Vec::new();
    let Some(value) = value else { return out };
    let Some(m) = w.object(value, path, "the IP set variables") else {
        return out;
    };
    for (name, set) in m {
        let vpath = path.key(name.as_str());
        let place = w.place(&vpath);
        let Some(sm) = w.object(set, &vpath, "an IP set") else {
            out.push((name.clone(), None, place));
            continue;
        };
        let mut nets = Vec::new();
        let mut ok = true;
        for (i, d) in w.list(sm, &vpath, "Definition").iter().enumerate() {
            let dpath = vpath.key("Definition").index(i);
            match d.as_str().map(|s| cidr_or_host(w, s, &dpath)) {
                Some(Some(n)) => nets.push(n),
                Some(None) => ok = false,
                None => {
                    w.error(&dpath, "an IP set definition is a CIDR string");
                    ok = false;
                }
            }
        }
        if nets.is_empty() && ok {
            w.error(&vpath, format!("IP set `{name}` defines no address"));
            ok = false;
        }
        out.push((name.clone(), ok.then_some(nets), place));
    }
    out
}

/// `10.0.0.0/16` or `10.0.0.5`.
fn cidr_or_host(w: &mut Walk<'_>, text: &str, path: &DocPath) -> Option<IpNet> {
    if !text.contains('/')
        && let Ok(a) = parse_ip_addr(text)
    {
        return Some(IpNet::from(a));
    }
    w.cidr(text, path)
}

/// A variable's object and its networks.
type Variable = (Name, Vec<IpNet>);

/// The variables of the groups and the policy, and the objects they become.
struct Vars {
    /// (group, variable) -> the object and its networks, or `None` when it could not be read.
    by_group: HashMap<(String, String), Option<Variable>>,
    /// The policy's variables (HOME_NET).
    policy: HashMap<String, Option<Vec<IpNet>>>,
    /// Every definition: (group or "" for the policy, variable, networks, place).
    all: Vec<(String, String, Option<Vec<IpNet>>, ExportPlace)>,
    objects: Vec<(FirewallObject, ExportPlace)>,
}

impl Vars {
    fn new(policy: &[(String, Option<Vec<IpNet>>, ExportPlace)]) -> Self {
        let mut v = Self {
            by_group: HashMap::new(),
            policy: HashMap::new(),
            all: Vec::new(),
            objects: Vec::new(),
        };
        for (name, nets, place) in policy {
            v.policy.insert(name.clone(), nets.clone());
            v.all
                .push((String::new(), name.clone(), nets.clone(), place.clone()));
        }
        v
    }

    fn add_group(&mut self, group: &str, sets: Vec<(String, Option<Vec<IpNet>>, ExportPlace)>) {
        if self.all.iter().any(|(g, _, _, _)| g == group) {
            return;
        }
        for (name, nets, place) in sets {
            self.all.push((group.to_owned(), name, nets, place));
        }
    }

    /// Names each definition: the variable's own name when every definition of it agrees,
    /// else `<group>.<name>`; makes the objects.
    fn settle(&mut self) {
        let mut contents: HashMap<&str, Vec<&Option<Vec<IpNet>>>> = HashMap::new();
        for (_, name, nets, _) in &self.all {
            contents.entry(name.as_str()).or_default().push(nets);
        }
        let mut made: HashSet<String> = HashSet::new();
        let mut objects = Vec::new();
        let mut by_group = HashMap::new();
        for (group, name, nets, place) in &self.all {
            let shared = contents
                .get(name.as_str())
                .is_some_and(|c| c.iter().all(|n| *n == nets));
            let raw = if shared || group.is_empty() {
                name.clone()
            } else {
                format!("{group}.{name}")
            };
            let entry = match (nets, raw.parse::<Name>()) {
                (Some(nets), Ok(obj)) => {
                    if made.insert(raw.clone()) {
                        let owner = if group.is_empty() {
                            "the firewall policy".to_owned()
                        } else {
                            format!("rule group {group}")
                        };
                        let description =
                            format!("Network Firewall IP set variable ${name} of {owner}");
                        objects.extend(object(&obj, nets, description, place));
                    }
                    Some((obj, nets.clone()))
                }
                _ => None,
            };
            if !group.is_empty() {
                by_group.insert((group.clone(), name.clone()), entry);
            } else if let Some(e) = entry {
                by_group.insert((String::new(), name.clone()), Some(e));
            }
        }
        self.by_group = by_group;
        self.objects = objects;
    }

    /// `$name` in `group`: the object, or what is unknown about it.
    fn lookup(&self, group: &str, name: &str) -> Result<(Name, Vec<IpNet>), String> {
        let own = self.by_group.get(&(group.to_owned(), name.to_owned()));
        let policy = self.by_group.get(&(String::new(), name.to_owned()));
        match (own, policy) {
            (Some(Some(a)), Some(Some(b))) if a.1 != b.1 => Err(format!(
                "${name}, which the rule group and the policy define differently"
            )),
            (Some(Some(a)), _) => Ok(a.clone()),
            (Some(None), _) => Err(format!("${name}, whose definition could not be read")),
            (None, Some(Some(b))) => Ok(b.clone()),
            _ if name == "HOME_NET" => Err(
                "$HOME_NET, which neither the rule group nor the policy defines (Network Firewall then uses the inspection VPC's CIDR)".to_owned(),
            ),
            _ => Err(format!("${name}, which the rule group does not define")),
        }
    }

    fn objects(&mut self) -> Vec<(FirewallObject, ExportPlace)> {
        std::mem::take(&mut self.objects)
    }
}

/// The objects of one variable: a network, or a group of networks `<name>-<n>`.
fn object(
    name: &Name,
    nets: &[IpNet],
    description: String,
    place: &ExportPlace,
) -> Vec<(FirewallObject, ExportPlace)> {
    let network = |name: Name, address: IpNet, description: String| FirewallObject::Network {
        name,
        address,
        published_by: None,
        description: Some(description),
    };
    if let [one] = nets {
        return vec![(network(name.clone(), *one, description), place.clone())];
    }
    let mut out = Vec::new();
    let mut members = Vec::new();
    for (i, n) in nets.iter().enumerate() {
        let Ok(m) = format!("{name}-{}", i + 1).parse::<Name>() else {
            continue;
        };
        members.push(m.clone());
        out.push((
            network(m, *n, format!("{description}, entry {}", i + 1)),
            place.clone(),
        ));
    }
    out.push((
        FirewallObject::Group {
            name: name.clone(),
            members,
            published_by: None,
            description: Some(description),
        },
        place.clone(),
    ));
    out
}

/// What the stateless engine does with packets no stateless rule matches.
enum StatelessDefault {
    Forward,
    Final(Box<Ir>),
}

fn standard_action(actions: &[Value]) -> Result<&str, String> {
    let standard: Vec<&str> = actions
        .iter()
        .filter_map(Value::as_str)
        .filter(|a| a.starts_with("aws:"))
        .collect();
    match standard.as_slice() {
        [one] if matches!(*one, "aws:pass" | "aws:drop" | "aws:forward_to_sfe") => Ok(one),
        [] => Err("no standard action: AWS writes exactly one of aws:pass, aws:drop, aws:forward_to_sfe".to_owned()),
        [one] => Err(format!(
            "`{}` is not a standard action: AWS writes aws:pass, aws:drop or aws:forward_to_sfe",
            shorten(one)
        )),
        _ => Err("more than one standard action: AWS writes exactly one of aws:pass, aws:drop, aws:forward_to_sfe".to_owned()),
    }
}

fn stateless_default(
    w: &mut Walk<'_>,
    pm: &serde_json::Map<String, Value>,
    ppath: &DocPath,
    policy: &str,
) -> Option<StatelessDefault> {
    let path = ppath.key("StatelessDefaultActions");
    if !pm.contains_key("StatelessDefaultActions") {
        w.error(ppath, "`StatelessDefaultActions` is missing");
        return None;
    }
    let actions = w.list(pm, ppath, "StatelessDefaultActions");
    let place = w.place(&path);
    match standard_action(actions) {
        Ok("aws:forward_to_sfe") => Some(StatelessDefault::Forward),
        Ok("aws:pass") => Some(StatelessDefault::Final(Box::new(Ir::any(
            format!("{policy}-stateless-default-pass"),
            Action::Allow,
            "The policy's stateless default action aws:pass: packets no stateless rule matches pass, without stateful inspection".to_owned(),
            place,
        )))),
        Ok(_) => Some(StatelessDefault::Final(Box::new(Ir::any(
            format!("{policy}-stateless-default-drop"),
            Action::Deny,
            "The policy's stateless default action aws:drop: packets no stateless rule matches are dropped".to_owned(),
            place,
        )))),
        Err(e) => {
            w.error(&path, e);
            None
        }
    }
}

/// The stateless rules of a group, by priority.
fn stateless_group(w: &mut Walk<'_>, g: &Group<'_>, out: &mut Vec<Ir>) {
    let mut gw = Walk::new(g.export);
    let base = DocPath::root()
        .key("RuleGroup")
        .key("RulesSource")
        .key("StatelessRulesAndCustomActions");
    let rules = g
        .value
        .get("RuleGroup")
        .and_then(|r| r.get("RulesSource"))
        .and_then(|r| r.get("StatelessRulesAndCustomActions"))
        .and_then(|r| r.get("StatelessRules"));
    let Some(rules) = rules else {
        gw.error(
            &DocPath::root().key("RuleGroup").key("RulesSource"),
            "a stateless rule group holds `StatelessRulesAndCustomActions.StatelessRules`",
        );
        w.errors.extend(gw.errors);
        return;
    };
    let list = match rules {
        Value::Array(a) => a.as_slice(),
        other => {
            gw.error(
                &base.key("StatelessRules"),
                format!(
                    "`StatelessRules` is {}, not a list",
                    super::aws_json::kind_of(other)
                ),
            );
            &[]
        }
    };
    let mut read: Vec<(i64, Ir, Option<Ir>)> = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let rpath = base.key("StatelessRules").index(i);
        if let Some(x) = stateless_rule(&mut gw, &g.name, r, &rpath) {
            read.push(x);
        }
    }
    read.sort_by_key(|(p, _, _)| *p);
    for (_, r, mirror) in read {
        out.push(r);
        out.extend(mirror);
    }
    w.errors.extend(gw.errors);
    w.warnings.extend(gw.warnings);
}

/// Port ranges of a stateless rule (`[{FromPort, ToPort}]`); `None` when there are none.
fn port_ranges(
    w: &mut Walk<'_>,
    m: &serde_json::Map<String, Value>,
    path: &DocPath,
    key: &str,
) -> Result<Option<Vec<PortRange>>, ()> {
    let list = w.list(m, path, key);
    if list.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let rpath = path.key(key).index(i);
        let rm = w.object(r, &rpath, "a port range").ok_or(())?;
        let from = w.int(rm, &rpath, "FromPort")?;
        let to = w.int(rm, &rpath, "ToPort")?;
        let (Some(from), Some(to)) = (from, to) else {
            w.error(&rpath, "a port range has `FromPort` and `ToPort`");
            return Err(());
        };
        if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
            w.error(
                &rpath,
                format!(
                    "port range {from}-{to} is not one: ports run from 0 to 65535, first <= last"
                ),
            );
            return Err(());
        }
        let first = u16::try_from(from.max(1)).unwrap_or(1);
        let last = u16::try_from(to).unwrap_or(u16::MAX);
        if let Some(r) = PortRange::new(first, last) {
            out.push(r);
        }
    }
    Ok(Some(out))
}

fn addresses(
    w: &mut Walk<'_>,
    m: &serde_json::Map<String, Value>,
    path: &DocPath,
    key: &str,
) -> Result<Addr, ()> {
    let list = w.list(m, path, key);
    if list.is_empty() {
        return Ok(Addr::Any);
    }
    let mut nets = Vec::new();
    let mut ok = true;
    for (i, a) in list.iter().enumerate() {
        let apath = path.key(key).index(i);
        let def = a.get("AddressDefinition").and_then(Value::as_str);
        match def {
            Some(d) => match cidr_or_host(w, d, &apath.key("AddressDefinition")) {
                Some(n) => nets.push(n),
                None => ok = false,
            },
            None => {
                w.error(&apath, "`AddressDefinition` is missing");
                ok = false;
            }
        }
    }
    if ok { Ok(Addr::Nets(nets)) } else { Err(()) }
}

/// One stateless rule: its priority, the rule, and for a drop the unknown rule about the
/// answers it also drops. A forwarding rule's name ends in [`FORWARD_MARK`].
fn stateless_rule(
    w: &mut Walk<'_>,
    group: &str,
    r: &Value,
    path: &DocPath,
) -> Option<(i64, Ir, Option<Ir>)> {
    let rm = w.object(r, path, "a stateless rule")?;
    let priority = w.int(rm, path, "Priority").ok()?;
    let Some(priority) = priority else {
        w.error(path, "`Priority` is missing");
        return None;
    };
    if !(1..=65535).contains(&priority) {
        w.error(
            &path.key("Priority"),
            format!("priority {priority} is not one: AWS takes 1 to 65535"),
        );
        return None;
    }
    let dpath = path.key("RuleDefinition");
    let dm = w.object(
        rm.get("RuleDefinition").unwrap_or(&Value::Null),
        &dpath,
        "`RuleDefinition`",
    )?;
    let mpath = dpath.key("MatchAttributes");
    let mm = w.object(
        dm.get("MatchAttributes").unwrap_or(&Value::Null),
        &mpath,
        "`MatchAttributes`",
    )?;
    let action = match standard_action(w.list(dm, &dpath, "Actions")) {
        Ok(a) => a.to_owned(),
        Err(e) => {
            w.error(&dpath.key("Actions"), e);
            return None;
        }
    };
    let src = addresses(w, mm, &mpath, "Sources");
    let dst = addresses(w, mm, &mpath, "Destinations");
    let sports = port_ranges(w, mm, &mpath, "SourcePorts");
    let dports = port_ranges(w, mm, &mpath, "DestinationPorts");
    let (Ok(src), Ok(dst), Ok(sports), Ok(dports)) = (src, dst, sports, dports) else {
        return None;
    };
    let mut protocols = Vec::new();
    for (i, p) in w.list(mm, &mpath, "Protocols").iter().enumerate() {
        match p.as_i64().filter(|p| (0..=255).contains(p)) {
            Some(p) => protocols.push(p),
            None => {
                w.error(
                    &mpath.key("Protocols").index(i),
                    format!(
                        "`{}` is not an IP protocol number (0-255)",
                        shorten(&p.to_string())
                    ),
                );
                return None;
            }
        }
    }
    let mut unknown = None;
    let (svc, svc_unknown) = services(&protocols, dports.as_deref());
    unknown = join_unknown(unknown, svc_unknown);
    if let Some(sp) = &sports {
        unknown = join_unknown(unknown, Some(format!("source ports {}", ranges_text(sp))));
    }
    if !w.list(mm, &mpath, "TCPFlags").is_empty() {
        unknown = join_unknown(unknown, Some("TCP flags".to_owned()));
    }
    let name = format!("{group}-{priority}");
    let place = w.place(path);
    let mut ir = Ir {
        name: name.clone(),
        src: src.clone(),
        dst: dst.clone(),
        svc,
        action: Action::Allow,
        unknown,
        description: Some(format!(
            "stateless rule {priority} of rule group {group} ({action})"
        )),
        disabled: false,
        place: place.clone(),
    };
    let mut mirror = None;
    match action.as_str() {
        "aws:pass" => {
            ir.unknown = join_unknown(ir.unknown, Some("a stateless pass: the answers need a stateless rule of their own, which mccs does not pair".to_owned()));
        }
        "aws:drop" => {
            ir.action = Action::Deny;
            // The answers of traffic from the destinations to the sources, when they can come
            // from the source ports and go to ephemeral ports the rule matches.
            let ephemeral = dports
                .as_ref()
                .is_none_or(|d| d.iter().any(|r| r.overlaps(PortRange::EPHEMERAL)));
            if ephemeral {
                let (back, back_unknown) = services(&protocols, sports.as_deref());
                mirror = Some(Ir {
                    name: format!("{name}-return"),
                    src: dst,
                    dst: src,
                    svc: back,
                    action: Action::Deny,
                    unknown: join_unknown(
                        back_unknown,
                        Some(format!(
                            "the answers of this traffic, which stateless rule `{name}` drops (stateless rules judge each packet)"
                        )),
                    ),
                    description: Some(format!(
                        "the answers stateless drop rule {priority} of rule group {group} also drops"
                    )),
                    disabled: false,
                    place,
                });
            }
        }
        _ => {
            ir.name.push_str(FORWARD_MARK);
        }
    }
    Some((priority, ir, mirror))
}

fn ranges_text(r: &[PortRange]) -> String {
    r.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The services of protocol numbers (none: every protocol) and destination ports (none: every
/// port), and what the model cannot judge.
fn services(protocols: &[i64], ports: Option<&[PortRange]>) -> (Vec<Service>, Option<String>) {
    let ports_of = |tcp: bool| -> Vec<Service> {
        match ports {
            None => vec![if tcp {
                Service::Tcp(PortRange::ALL)
            } else {
                Service::Udp(PortRange::ALL)
            }],
            Some(p) => p
                .iter()
                .map(|r| {
                    if tcp {
                        Service::Tcp(*r)
                    } else {
                        Service::Udp(*r)
                    }
                })
                .collect(),
        }
    };
    if protocols.is_empty() {
        return match ports {
            None => (vec![Service::Any], None),
            Some(_) => {
                let mut s = ports_of(true);
                s.extend(ports_of(false));
                (
                    vec![Service::Any],
                    Some(format!(
                        "any protocol with ports {} (TCP and UDP: {})",
                        ports.map(ranges_text).unwrap_or_default(),
                        s.iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )
            }
        };
    }
    let mut out = Vec::new();
    let mut other = Vec::new();
    for p in protocols {
        match p {
            6 => out.extend(ports_of(true)),
            17 => out.extend(ports_of(false)),
            1 | 58 => out.push(Service::Icmp),
            p => other.push(p.to_string()),
        }
    }
    if other.is_empty() {
        out.dedup();
        (out, None)
    } else {
        (
            vec![Service::Any],
            Some(format!(
                "IP protocol {} (mccs judges TCP, UDP and ICMP)",
                other.join(", ")
            )),
        )
    }
}

/// The stateful rules of a group: (action class for the default order, rule).
fn stateful_group(
    w: &mut Walk<'_>,
    g: &Group<'_>,
    vars: &Vars,
    drop_to_alert: bool,
    strict: bool,
    out: &mut Vec<(u8, Ir)>,
) {
    let mut gw = Walk::new(g.export);
    let src_path = DocPath::root().key("RuleGroup").key("RulesSource");
    let Some(source) = g.value.get("RuleGroup").and_then(|r| r.get("RulesSource")) else {
        gw.error(
            &DocPath::root().key("RuleGroup"),
            "`RulesSource` is missing",
        );
        w.errors.extend(gw.errors);
        return;
    };
    let port_sets = g
        .value
        .get("RuleGroup")
        .and_then(|r| r.get("RuleVariables"))
        .and_then(|v| v.get("PortSets"));
    if let Some(rules) = source.get("StatefulRules") {
        let list = rules.as_array().map_or(&[][..], Vec::as_slice);
        for (i, r) in list.iter().enumerate() {
            let rpath = src_path.key("StatefulRules").index(i);
            let ctx = Ctx {
                group: &g.name,
                vars,
                port_sets,
                drop_to_alert,
            };
            for x in stateful_rule(&mut gw, &ctx, r, &rpath, i) {
                out.push(x);
            }
        }
    }
    if let Some(text) = source.get("RulesString").and_then(Value::as_str) {
        let place = gw.place(&src_path.key("RulesString"));
        // Which actions the Suricata rules use, so the unknown rule sits where the first of
        // them would be evaluated (in the default action order).
        let mut class = 3u8;
        let mut only_pass = true;
        for line in text.lines() {
            let word = line.split_whitespace().next().unwrap_or("");
            let c = match word {
                "pass" => 0,
                "drop" => 1,
                "reject" => 2,
                _ => 3,
            };
            only_pass &= c == 0 || word.is_empty() || word.starts_with('#');
            class = class.min(c);
        }
        let rules = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .count();
        out.push((
            if strict { 0 } else { class.min(2) },
            Ir {
                name: format!("{}-suricata", g.name),
                src: Addr::Any,
                dst: Addr::Any,
                svc: vec![Service::Any],
                // What the rules would do, as far as the words they start with say.
                action: if only_pass && rules > 0 {
                    Action::Allow
                } else {
                    Action::Deny
                },
                unknown: Some(format!(
                    "the {rules} Suricata rule(s) of rule group {} (RulesString)",
                    g.name
                )),
                description: Some(format!("Suricata rules of rule group {}", g.name)),
                disabled: false,
                place,
            },
        ));
    }
    if let Some(list) = source.get("RulesSourceList") {
        let lpath = src_path.key("RulesSourceList");
        let place = gw.place(&lpath);
        let kind = list
            .get("GeneratedRulesType")
            .and_then(Value::as_str)
            .unwrap_or("");
        let targets: Vec<&str> = list
            .get("Targets")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).take(5).collect())
            .unwrap_or_default();
        let (class, action, alert) = match kind {
            "ALLOWLIST" => (0, Action::Allow, false),
            "DENYLIST" => (1, Action::Deny, false),
            "REJECTLIST" => (2, Action::Deny, false),
            "ALERTLIST" => (3, Action::Deny, true),
            other => {
                gw.error(&lpath.key("GeneratedRulesType"), format!("`{}` is not a domain list type: AWS writes ALLOWLIST, DENYLIST, REJECTLIST or ALERTLIST", shorten(other)));
                (3, Action::Deny, true)
            }
        };
        out.push((
            if strict { 0 } else { class },
            Ir {
                name: format!("{}-domains", g.name),
                src: Addr::Any,
                dst: Addr::Any,
                svc: vec![Service::Tcp(PortRange::ALL)],
                action,
                unknown: Some(format!("the domain list ({kind}: {}) of rule group {}, matched on HTTP Host and TLS SNI", targets.join(", "), g.name)),
                description: Some(format!("domain list ({kind}) of rule group {}", g.name)),
                disabled: alert,
                place,
            },
        ));
        if alert {
            gw.warn(
                &lpath,
                "an ALERTLIST only logs: kept disabled, it neither passes nor drops",
            );
        }
    }
    if source.get("StatefulRules").is_none()
        && source.get("RulesString").is_none()
        && source.get("RulesSourceList").is_none()
    {
        gw.error(
            &src_path,
            "a stateful rule group holds `StatefulRules`, `RulesString` or `RulesSourceList`",
        );
    }
    w.errors.extend(gw.errors);
    w.warnings.extend(gw.warnings);
}

struct Ctx<'a> {
    group: &'a str,
    vars: &'a Vars,
    port_sets: Option<&'a Value>,
    drop_to_alert: bool,
}

/// Rule options that change nothing of what a 5-tuple rule matches.
const PLAIN_OPTIONS: [&str; 8] = [
    "msg",
    "sid",
    "rev",
    "flow",
    "classtype",
    "metadata",
    "priority",
    "gid",
];

fn stateful_rule(
    w: &mut Walk<'_>,
    ctx: &Ctx<'_>,
    r: &Value,
    path: &DocPath,
    index: usize,
) -> Vec<(u8, Ir)> {
    let Some(rm) = w.object(r, path, "a stateful rule") else {
        return Vec::new();
    };
    let action = w.string(rm, path, "Action", true);
    let hpath = path.key("Header");
    let Some(hm) = rm
        .get("Header")
        .and_then(|h| w.object(h, &hpath, "`Header`"))
    else {
        if rm.get("Header").is_none() {
            w.error(path, "`Header` is missing");
        }
        return Vec::new();
    };
    let Some(action) = action else {
        return Vec::new();
    };
    let (class, act, alert) = match action {
        "PASS" => (0u8, Action::Allow, false),
        "DROP" => (1, Action::Deny, ctx.drop_to_alert),
        "REJECT" => (2, Action::Deny, ctx.drop_to_alert),
        "ALERT" => (3, Action::Deny, true),
        other => {
            w.error(
                &path.key("Action"),
                format!(
                    "`{}` is not a stateful action: AWS writes PASS, DROP, ALERT or REJECT",
                    shorten(other)
                ),
            );
            return Vec::new();
        }
    };
    let fields: Vec<Option<&str>> = [
        "Protocol",
        "Source",
        "SourcePort",
        "Direction",
        "Destination",
        "DestinationPort",
    ]
    .iter()
    .map(|k| w.string(hm, &hpath, k, true))
    .collect();
    let [
        Some(proto),
        Some(src),
        Some(sport),
        Some(direction),
        Some(dst),
        Some(dport),
    ] = fields.as_slice()
    else {
        return Vec::new();
    };
    let mut unknown = None;
    let (protos, proto_unknown) = match proto.to_ascii_uppercase().as_str() {
        "IP" => (vec![Service::Any], None),
        "TCP" => (vec![Service::Tcp(PortRange::ALL)], None),
        "UDP" => (vec![Service::Udp(PortRange::ALL)], None),
        "ICMP" => (vec![Service::Icmp], None),
        "DNS" | "KRB5" => (
            vec![Service::Tcp(PortRange::ALL), Service::Udp(PortRange::ALL)],
            Some(format!("application protocol {proto}")),
        ),
        "QUIC" | "IKEV2" | "TFTP" | "NTP" | "DHCP" => (
            vec![Service::Udp(PortRange::ALL)],
            Some(format!("application protocol {proto}")),
        ),
        "HTTP" | "FTP" | "TLS" | "SMB" | "DCERPC" | "SSH" | "SMTP" | "IMAP" | "MSN" | "HTTP2" => (
            vec![Service::Tcp(PortRange::ALL)],
            Some(format!("application protocol {proto}")),
        ),
        other => {
            w.error(&hpath.key("Protocol"), format!("`{}` is not a stateful rule protocol: AWS writes IP, TCP, UDP, ICMP or an application protocol (HTTP, TLS, ...)", shorten(other)));
            return Vec::new();
        }
    };
    unknown = join_unknown(unknown, proto_unknown);
    let (src_addr, u) = address_text(w, ctx, src, &hpath.key("Source"));
    unknown = join_unknown(unknown, u);
    let (dst_addr, u) = address_text(w, ctx, dst, &hpath.key("Destination"));
    unknown = join_unknown(unknown, u);
    let (dports, u) = ports_text(w, ctx, dport, &hpath.key("DestinationPort"));
    unknown = join_unknown(unknown, u);
    let (sports, u) = ports_text(w, ctx, sport, &hpath.key("SourcePort"));
    let (Some(src_addr), Some(dst_addr), Some(dports), Some(sports)) =
        (src_addr, dst_addr, dports, sports)
    else {
        return Vec::new();
    };
    let mut sid = None;
    let mut msg = None;
    let mut other_options = Vec::new();
    for o in rm
        .get("RuleOptions")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
    {
        let kw = o.get("Keyword").and_then(Value::as_str).unwrap_or("");
        let first = o
            .get("Settings")
            .and_then(Value::as_array)
            .and_then(|s| s.first())
            .and_then(Value::as_str);
        match kw {
            "sid" => sid = first.map(str::to_owned),
            "msg" => msg = first.map(|m| m.trim_matches('"').to_owned()),
            k if PLAIN_OPTIONS.contains(&k) => {}
            k => {
                if other_options.len() < 5 {
                    other_options.push(shorten(k));
                }
            }
        }
    }
    if !other_options.is_empty() {
        unknown = join_unknown(
            unknown,
            Some(format!("rule option(s) {}", other_options.join(", "))),
        );
    }
    let name = match &sid {
        Some(s) => format!("{}-sid-{s}", ctx.group),
        None => format!("{}-{}", ctx.group, index + 1),
    };
    let place = w.place(path);
    let with_ports = |svcs: &[Service], ports: &Option<Vec<PortRange>>| -> Vec<Service> {
        let Some(ports) = ports else {
            return svcs.to_vec();
        };
        let mut out = Vec::new();
        for s in svcs {
            match s {
                Service::Tcp(_) => out.extend(ports.iter().map(|p| Service::Tcp(*p))),
                Service::Udp(_) => out.extend(ports.iter().map(|p| Service::Udp(*p))),
                Service::Any => {
                    out.extend(ports.iter().map(|p| Service::Tcp(*p)));
                    out.extend(ports.iter().map(|p| Service::Udp(*p)));
                }
                Service::Icmp => out.push(Service::Icmp),
            }
        }
        out
    };
    // An IP rule with ports matches TCP and UDP only on those ports, and every other protocol.
    let ip_with_ports = protos == [Service::Any] && dports.is_some();
    let forward_unknown = join_unknown(
        join_unknown(unknown.clone(), u),
        ip_with_ports.then(|| {
            "protocol IP with ports (every protocol other than TCP and UDP too)".to_owned()
        }),
    );
    let description = msg.or_else(|| {
        Some(format!(
            "stateful rule {} of rule group {}",
            index + 1,
            ctx.group
        ))
    });
    let mut out = vec![(
        class,
        Ir {
            name: name.clone(),
            src: src_addr.clone(),
            dst: dst_addr.clone(),
            svc: if ip_with_ports {
                vec![Service::Any]
            } else {
                with_ports(&protos, &dports)
            },
            action: act,
            unknown: forward_unknown,
            description: description.clone(),
            disabled: alert,
            place: place.clone(),
        },
    )];
    if direction.eq_ignore_ascii_case("ANY") {
        // Both ways: the reverse matches traffic from the destination to the source, to the
        // source ports, from the destination ports.
        let back_unknown = join_unknown(
            join_unknown(
                unknown,
                dports
                    .as_ref()
                    .map(|d| format!("source ports {}", ranges_text(d))),
            ),
            (protos == [Service::Any] && sports.is_some()).then(|| {
                "protocol IP with ports (every protocol other than TCP and UDP too)".to_owned()
            }),
        );
        out.push((
            class,
            Ir {
                name: format!("{name}-reverse"),
                src: dst_addr,
                dst: src_addr,
                svc: if protos == [Service::Any] && sports.is_some() {
                    vec![Service::Any]
                } else {
                    with_ports(&protos, &sports)
                },
                action: act,
                unknown: back_unknown,
                description: description.map(|d| format!("{d} (direction ANY: the reverse way)")),
                disabled: alert,
                place,
            },
        ));
    } else if !direction.eq_ignore_ascii_case("FORWARD") {
        w.error(
            &hpath.key("Direction"),
            format!(
                "`{}` is not a direction: AWS writes FORWARD or ANY",
                shorten(direction)
            ),
        );
        return Vec::new();
    }
    if alert {
        w.warn(
            path,
            format!(
                "rule `{name}` only alerts ({}): kept disabled, it neither passes nor drops",
                if action == "ALERT" {
                    "ALERT"
                } else {
                    "its group's reference overrides DROP_TO_ALERT"
                }
            ),
        );
    }
    out
}

/// A Suricata address as a stateful rule header writes it: `ANY`, a CIDR or address, `$VAR`,
/// or a `[...]` list of them. `!` negations and `@` references are unknown (over `any`).
fn address_text(
    w: &mut Walk<'_>,
    ctx: &Ctx<'_>,
    text: &str,
    path: &DocPath,
) -> (Option<Addr>, Option<String>) {
    let t = text.trim();
    if t.eq_ignore_ascii_case("any") {
        return (Some(Addr::Any), None);
    }
    if t.contains('!') || t.contains('@') {
        return (
            Some(Addr::Any),
            Some(format!("the address `{}`", shorten(t))),
        );
    }
    let inner = t.strip_prefix('[').and_then(|s| s.strip_suffix(']'));
    let parts: Vec<&str> = match inner {
        Some(i) => i.split(',').map(str::trim).collect(),
        None => vec![t],
    };
    if let [one] = parts.as_slice()
        && let Some(var) = one.strip_prefix('$')
    {
        return match ctx.vars.lookup(ctx.group, var) {
            Ok((name, nets)) => (Some(Addr::Object(name, nets)), None),
            Err(u) => (Some(Addr::Any), Some(u)),
        };
    }
    let mut nets = Vec::new();
    for p in parts {
        if p.eq_ignore_ascii_case("any") {
            return (Some(Addr::Any), None);
        }
        if let Some(var) = p.strip_prefix('$') {
            match ctx.vars.lookup(ctx.group, var) {
                Ok((_, n)) => nets.extend(n),
                Err(u) => return (Some(Addr::Any), Some(u)),
            }
            continue;
        }
        match cidr_or_host(w, p, path) {
            Some(n) => nets.push(n),
            None => return (None, None),
        }
    }
    if nets.is_empty() {
        w.error(path, "an empty address list");
        return (None, None);
    }
    (Some(Addr::Nets(nets)), None)
}

/// A Suricata port: `ANY` (`None`), `443`, `1990:1994`, `[80,443]`, `$VAR` (a port set).
/// Negations are unknown (every port).
fn ports_text(
    w: &mut Walk<'_>,
    ctx: &Ctx<'_>,
    text: &str,
    path: &DocPath,
) -> (Option<Option<Vec<PortRange>>>, Option<String>) {
    let t = text.trim();
    if t.eq_ignore_ascii_case("any") {
        return (Some(None), None);
    }
    if t.contains('!') {
        return (Some(None), Some(format!("the ports `{}`", shorten(t))));
    }
    let inner = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    let mut out = Vec::new();
    for p in inner.split(',').map(str::trim) {
        if let Some(var) = p.strip_prefix('$') {
            let defs = ctx
                .port_sets
                .and_then(|s| s.get(var))
                .and_then(|s| s.get("Definition"))
                .and_then(Value::as_array);
            let Some(defs) = defs else {
                return (
                    Some(None),
                    Some(format!(
                        "the port variable ${var}, which the rule group does not define"
                    )),
                );
            };
            for d in defs.iter().filter_map(Value::as_str) {
                match port_range(d) {
                    Some(r) => out.push(r),
                    None => {
                        return (
                            Some(None),
                            Some(format!("the port variable ${var} ({})", shorten(d))),
                        );
                    }
                }
            }
            continue;
        }
        match port_range(p) {
            Some(r) => out.push(r),
            None => {
                w.error(
                    path,
                    format!(
                        "`{}` is not a port: write ANY, 443, 1990:1994 or [80,443]",
                        shorten(t)
                    ),
                );
                return (None, None);
            }
        }
    }
    (Some(Some(out)), None)
}

/// `443` or `1990:1994` (ports 1 to 65535).
fn port_range(text: &str) -> Option<PortRange> {
    let num = |s: &str| -> Option<u16> {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())?
    };
    match text.split_once(':') {
        Some((a, b)) => PortRange::new(num(a)?, num(b)?),
        None => PortRange::single(num(text)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Addr {
        Addr::Nets(list.iter().map(|n| n.parse().unwrap()).collect())
    }

    #[test]
    fn suricata_ports_are_read_exactly() {
        assert_eq!(port_range("443"), PortRange::single(443));
        assert_eq!(port_range("1990:1994"), PortRange::new(1990, 1994));
        assert_eq!(port_range("0"), None);
        assert_eq!(port_range("70000"), None);
        assert_eq!(port_range("+80"), None);
        assert_eq!(port_range("10:1"), None);
    }

    #[test]
    fn addresses_meet_by_containment() {
        let vpc = nets(&["10.1.0.0/24"]);
        assert_eq!(
            vpc.meet(&nets(&["10.1.0.64/26", "10.2.0.0/16"])),
            Some(nets(&["10.1.0.64/26"]))
        );
        assert_eq!(vpc.meet(&nets(&["10.0.0.0/8"])), Some(vpc.clone()));
        assert_eq!(vpc.meet(&nets(&["192.0.2.0/24"])), None);
        assert_eq!(Addr::Any.meet(&vpc), Some(vpc.clone()));
    }

    #[test]
    fn stateless_protocols_and_ports_become_services() {
        let https = [PortRange::single(443).unwrap()];
        let (s, u) = services(&[6, 17], Some(&https));
        assert_eq!(
            s.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["tcp/443", "udp/443"]
        );
        assert!(u.is_none());
        let (s, u) = services(&[], None);
        assert_eq!(s, [Service::Any]);
        assert!(u.is_none());
        let (s, u) = services(&[50], None);
        assert_eq!(s, [Service::Any]);
        assert!(u.unwrap().contains("IP protocol 50"));
    }

    #[test]
    fn standard_actions_are_exactly_one() {
        let v = |a: &[&str]| a.iter().map(|s| Value::from(*s)).collect::<Vec<_>>();
        assert_eq!(
            standard_action(&v(&["aws:pass", "metrics"])),
            Ok("aws:pass")
        );
        assert!(standard_action(&v(&["aws:pass", "aws:drop"])).is_err());
        assert!(standard_action(&v(&[])).is_err());
        assert!(standard_action(&v(&["aws:maybe"])).is_err());
    }
}
