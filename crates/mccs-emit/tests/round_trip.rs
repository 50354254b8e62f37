//! Closing the loop (issue 15): plan → emit → apply the emitted rules to each firewall's own
//! export → read the exports again → plan again requests nothing, and `trace` shows the new
//! rules allowing the flows.
//!
//! The on-prem firewalls (the 3PG and the zone firewalls) take their rules from PAN-OS `set`
//! configurations; applying the emitted `set` commands is what a person does on the firewall:
//! appending them to the configuration. The Azure cloud firewall takes its rules from its
//! policy's `az network firewall policy rule-collection-group list`; applying the emitted
//! Terraform (read with a real HCL parser, `hcl-rs`) adds the rule collection group Azure would
//! then list. The AWS cloud firewall takes its rules from its Network Firewall policy and rule
//! groups (`describe-firewall-policy`, `describe-rule-group`); applying the emitted
//! `aws_networkfirewall_rule_group` adds a rule group (as `describe-rule-group` then shows it)
//! and its reference in the policy. Whatever firewall is left with rules in the document takes
//! the plan through `mccs_path::apply`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mccs_emit::{Format, Options, emit};
use mccs_model::{
    AddressRef, Firewall, FirewallKind, FirewallObject, RulebaseFormat, RulebaseRef, Service,
    ServiceRef, Topology, ValidateOptions, check_with,
};
use mccs_path::{NetworkGraph, PlanOptions, TraceOptions, Verdict, plan};
use mccs_request::RequestSet;

/// A firewall's rules, and every object and service of the topology, as PAN-OS `set` commands:
/// the configuration the firewall would have.
fn to_set(t: &Topology, fw: &Firewall) -> String {
    let mut out = String::new();
    for o in &t.objects {
        match o {
            FirewallObject::Host { name, address, .. } => {
                let len = if address.is_ipv4() { 32 } else { 128 };
                writeln!(out, "set address {name} ip-netmask {address}/{len}").unwrap();
            }
            FirewallObject::Network { name, address, .. } => {
                writeln!(out, "set address {name} ip-netmask {address}").unwrap();
            }
            FirewallObject::Range { name, range, .. } => {
                writeln!(out, "set address {name} ip-range {range}").unwrap();
            }
            FirewallObject::Group { name, members, .. } => {
                let m: Vec<String> = members.iter().map(ToString::to_string).collect();
                writeln!(out, "set address-group {name} static [ {} ]", m.join(" ")).unwrap();
            }
        }
    }
    let service_line = |name: &str, s: &Service| match s {
        Service::Tcp(p) => format!("set service {name} protocol tcp port {p}"),
        Service::Udp(p) => format!("set service {name} protocol udp port {p}"),
        other => panic!("the round trip's topology has no {other} service"),
    };
    for s in &t.services {
        assert_eq!(s.services.len(), 1, "one service per named service here");
        writeln!(out, "{}", service_line(s.name.as_str(), &s.services[0])).unwrap();
    }
    for r in &fw.rules {
        let addr = |a: &[AddressRef]| -> String {
            let v: Vec<String> = a.iter().map(ToString::to_string).collect();
            format!("[ {} ]", v.join(" "))
        };
        let mut services = Vec::new();
        for s in &r.services {
            match s {
                ServiceRef::Named(n) => services.push(n.to_string()),
                ServiceRef::Literal(Service::Any) => services.push("any".to_owned()),
                ServiceRef::Literal(l) => {
                    let name = format!("svc-{}", l.to_string().replace('/', "-"));
                    writeln!(out, "{}", service_line(&name, l)).unwrap();
                    services.push(name);
                }
            }
        }
        writeln!(
            out,
            "set rulebase security rules {} from any to any source {} destination {} application any service [ {} ] action {}",
            r.name,
            addr(&r.sources),
            addr(&r.destinations),
            services.join(" "),
            r.action.as_str()
        )
        .unwrap();
    }
    out
}

/// Reads a topology whose on-prem firewalls name the `set` files in `files`.
fn read(text: &str, files: &BTreeMap<String, String>) -> Topology {
    let mut reader = mccs_import::rulebase::Reader::new(|f: &str| {
        files
            .get(f)
            .cloned()
            .ok_or_else(|| format!("{f}: no such export"))
    });
    let checked = check_with(
        text,
        mccs_model::Format::Yaml,
        &ValidateOptions::default(),
        &mut reader,
    );
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked.topology
}

/// Moves the on-prem firewalls' rules into PAN-OS exports: the document and its exports.
fn exported(mut t: Topology) -> (Topology, BTreeMap<String, String>) {
    let mut files = BTreeMap::new();
    let on_prem: Vec<usize> = (0..t.firewalls.len())
        .filter(|i| {
            matches!(
                t.firewalls[*i].kind,
                FirewallKind::Edge | FirewallKind::Zone
            )
        })
        .collect();
    for i in on_prem {
        let file = format!("{}.set", t.firewalls[i].name);
        files.insert(file.clone(), to_set(&t, &t.firewalls[i]));
        let fw = &mut t.firewalls[i];
        fw.rules.clear();
        fw.rulebase = Some(RulebaseRef::new(RulebaseFormat::PanOs, file));
    }
    if let Some(i) = t.firewalls.iter().position(|f| {
        f.kind == FirewallKind::Cloud && f.platform == Some(mccs_model::Platform::AzureAlz)
    }) {
        let file = format!("{}.json", t.firewalls[i].name);
        let groups = serde_json::json!([to_rcg(&t, &t.firewalls[i])]);
        files.insert(file.clone(), serde_json::to_string_pretty(&groups).unwrap());
        let fw = &mut t.firewalls[i];
        fw.rules.clear();
        fw.rulebase = Some(RulebaseRef::new(RulebaseFormat::AzureFirewallPolicy, file));
    }
    if let Some(i) = t.firewalls.iter().position(|f| {
        f.kind == FirewallKind::Cloud && f.platform == Some(mccs_model::Platform::AwsLza)
    }) {
        let name = t.firewalls[i].name.to_string();
        let (policy, group) = to_nfw(&t, &t.firewalls[i]);
        files.insert(
            format!("{name}-policy.json"),
            serde_json::to_string_pretty(&policy).unwrap(),
        );
        files.insert(
            format!("{name}-existing.json"),
            serde_json::to_string_pretty(&group).unwrap(),
        );
        let fw = &mut t.firewalls[i];
        fw.rules.clear();
        fw.rulebase = Some(
            RulebaseRef::new(
                RulebaseFormat::AwsNetworkFirewall,
                format!("{name}-policy.json"),
            )
            .rule_group(format!("{name}-existing.json")),
        );
    }
    (t, files)
}

fn round_trip(t: Topology) {
    let (mut doc, mut files) = exported(t);
    let text = mccs_model::to_yaml(&doc).unwrap();
    let before = read(&text, &files);
    let p = plan(&before, &before.flows, &PlanOptions::default());
    assert!(
        !p.rules.is_empty(),
        "the round trip needs something to request"
    );
    let on_prem_rules: Vec<(String, String)> = p
        .rules
        .iter()
        .flat_map(|r| {
            r.targets
                .iter()
                .map(move |x| (x.firewall.to_string(), r.name.to_string()))
        })
        .filter(|(fw, _)| files.contains_key(&format!("{fw}.set")))
        .collect();
    assert!(!on_prem_rules.is_empty());
    let azure_rules = p
        .rules
        .iter()
        .filter(|r| {
            r.targets
                .iter()
                .any(|x| files.contains_key(&format!("{}.json", x.firewall)))
        })
        .count();
    assert!(
        azure_rules > 0,
        "nothing planned on the Azure firewall: that leg is not tested"
    );
    let set = RequestSet::from_plan(&before, &p);
    // Apply: the Terraform's rule collection group joins the Azure policy's list, its Network
    // Firewall rule group joins the policy's stateful groups ...
    for f in emit(&set, &before, Format::Terraform, &Options::default()) {
        let fw = f.path.trim_end_matches(".tf").to_owned();
        let policy = format!("{fw}-policy.json");
        if files.contains_key(&policy) {
            let (group_file, group) = applied_nfw_group(&f.contents);
            let arn = group["RuleGroupResponse"]["RuleGroupArn"].clone();
            let export = files.get_mut(&policy).unwrap();
            let mut p: serde_json::Value = serde_json::from_str(export).unwrap();
            p["FirewallPolicy"]["StatefulRuleGroupReferences"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({"ResourceArn": arn, "Priority": 200}));
            *export = serde_json::to_string_pretty(&p).unwrap();
            let file = format!("{fw}-{group_file}.json");
            files.insert(file.clone(), serde_json::to_string_pretty(&group).unwrap());
            let d = doc
                .firewalls
                .iter_mut()
                .find(|x| x.name == fw.as_str())
                .unwrap();
            if let Some(r) = d.rulebase.as_mut() {
                r.rule_groups.push(file);
            }
        }
        let json = f.path.replace(".tf", ".json");
        if let Some(export) = files.get_mut(&json) {
            let mut groups: serde_json::Value = serde_json::from_str(export).unwrap();
            groups
                .as_array_mut()
                .unwrap()
                .push(applied_rcg(&f.contents));
            *export = serde_json::to_string_pretty(&groups).unwrap();
        }
    }
    // ... and each emitted `set` file is appended to its firewall's configuration.
    for f in emit(&set, &before, Format::PanOs, &Options::default()) {
        let export = files
            .get_mut(&f.path)
            .unwrap_or_else(|| panic!("{} is not an on-prem firewall's export", f.path));
        export.push_str(&f.contents);
    }
    // The cloud firewalls take the plan in the document.
    let text = mccs_model::to_yaml(&doc).unwrap();
    let mut after = read(&text, &files);
    let applied = mccs_path::apply(&after, &p);
    for fw in after.firewalls.iter_mut().filter(|f| f.rulebase.is_none()) {
        let new = applied
            .firewalls
            .iter()
            .find(|g| g.name == fw.name)
            .unwrap();
        fw.rules = new.rules.clone();
        fw.outbound_rules = new.outbound_rules.clone();
    }
    let again = plan(&after, &after.flows, &PlanOptions::default());
    assert!(
        again.rules.is_empty(),
        "after applying the emitted rules, the plan still requests {:#?}",
        again
            .rules
            .iter()
            .map(|r| (&r.name, &r.targets))
            .collect::<Vec<_>>()
    );
    // And a trace shows the new rules allowing the flows on the on-prem firewalls.
    let g = NetworkGraph::build(&after);
    let mut allowing: Vec<(String, String)> = Vec::new();
    for flow in &after.flows {
        for d in g.directed_flows(flow).unwrap() {
            let tr = g.trace(&d, &TraceOptions::default());
            assert!(tr.is_allowed(), "{tr}");
            for h in tr.paths.iter().flat_map(|p| &p.hops) {
                if let Some(Verdict::Allowed { rules }) = h.verdict() {
                    allowing.extend(rules.iter().map(|r| (h.node().to_owned(), r.clone())));
                }
            }
        }
    }
    for (fw, rule) in &on_prem_rules {
        assert!(
            allowing.iter().any(|(f, r)| f == fw && r == rule),
            "no trace shows {rule} allowing a flow on {fw}"
        );
    }
    // Every on-prem rule the plan asked for is now in its firewall's rulebase, read back from
    // the export.
    for (fw, rule) in &on_prem_rules {
        let f = after
            .firewalls
            .iter()
            .find(|f| f.name == fw.as_str())
            .unwrap();
        assert!(
            f.rules.iter().any(|r| r.name.as_str() == rule),
            "{rule} is not in {fw}'s configuration after applying"
        );
    }
}

#[test]
fn the_reference_topology_round_trips_through_pan_os_azure_and_aws_exports() {
    round_trip(mccs_model::examples::reference());
}

/// The reference topology grown to a synthetic estate: 120 more Project Sets on both
/// platforms, 80 more endpoints in zones b and c, deny rules on the zone firewalls that planned
/// rules must go above, and 400 flows on random ports.
fn synthetic() -> Topology {
    use mccs_model::{
        Action, Endpoint, Environment, Flow, Platform, ProjectSet, Rule, VirtualNetwork,
    };
    let mut t = mccs_model::examples::reference();
    let mut seed: u64 = 0x5EED_0015;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut envs = Vec::new();
    for i in 0..120u32 {
        let plate: mccs_model::LicensePlate = format!("sy{i:04}").parse().unwrap();
        let platform = if i % 2 == 0 {
            Platform::AzureAlz
        } else {
            Platform::AwsLza
        };
        let cidr = format!("10.{}.{}.0/24", 120 + i / 256, i % 256)
            .parse()
            .unwrap();
        let ps = ProjectSet::new(plate, "CITZ".parse().unwrap(), platform).environment(
            Environment::Prod,
            VirtualNetwork::new(format!("acct-{i}"), "canadacentral".into(), vec![cidr]),
        );
        envs.push(format!("sy{i:04}-prod"));
        t.project_sets.push(ps);
    }
    let mut endpoints = Vec::new();
    let zones = t.on_prem.as_mut().unwrap();
    for j in 0..80u32 {
        let (zone, net) = if j % 2 == 0 {
            ("zone-b", 10)
        } else {
            ("zone-c", 20)
        };
        let z = zones.zones.iter_mut().find(|z| z.name == zone).unwrap();
        let name = format!("host-{j}");
        z.endpoints.push(Endpoint::new(
            name.parse().unwrap(),
            format!("142.34.{net}.{}", 100 + j / 2).parse().unwrap(),
        ));
        endpoints.push(name);
    }
    // Deny rules the planned rules must be placed above.
    for (fw, net) in [("zone-b-firewall", 10), ("zone-c-firewall", 20)] {
        let f = t.firewalls.iter_mut().find(|f| f.name == fw).unwrap();
        f.rules.push(Rule::new(
            "DENY_LEGACY_PORTS".parse().unwrap(),
            Action::Deny,
            [AddressRef::Any],
            [format!("142.34.{net}.0/24").parse::<AddressRef>().unwrap()],
            ["tcp/1100-1150".parse::<Service>().unwrap()],
        ));
    }
    for k in 0..400u32 {
        let env = &envs[usize::try_from(next(envs.len() as u64)).unwrap()];
        let ep = &endpoints[usize::try_from(next(endpoints.len() as u64)).unwrap()];
        let port = 1000 + next(300);
        t.flows.push(Flow::new(
            format!("flow-{k}").parse().unwrap(),
            env.parse::<mccs_model::EnvRef>().unwrap(),
            mccs_model::FlowEnd::Named(ep.parse().unwrap()),
            [format!("tcp/{port}").parse::<Service>().unwrap()],
        ));
    }
    t
}

#[test]
fn a_synthetic_estate_round_trips_with_rules_placed_above_denies() {
    let t = synthetic();
    // Some planned rules must go above the deny rules: the round trip checks placement too.
    let p = plan(&t, &t.flows, &PlanOptions::default());
    assert!(
        p.rules.iter().flat_map(|r| &r.targets).any(|x| matches!(
            &x.placement,
            mccs_path::Placement::Above { rule } if rule == "DENY_LEGACY_PORTS"
        )),
        "no rule must go above a deny: the synthetic estate does not test placement"
    );
    round_trip(t);
}

/// The addresses an address reference stands for, as Azure writes them.
fn addresses(t: &Topology, a: &AddressRef) -> Vec<String> {
    match a {
        AddressRef::Any => vec!["*".to_owned()],
        AddressRef::Prefix(p) => vec![p.to_string()],
        AddressRef::Object(n) => match t.objects.iter().find(|o| o.name() == n).unwrap() {
            FirewallObject::Host { address, .. } => vec![address.to_string()],
            FirewallObject::Network { address, .. } => vec![address.to_string()],
            FirewallObject::Range { range, .. } => vec![range.to_string()],
            FirewallObject::Group { members, .. } => members
                .iter()
                .flat_map(|m| addresses(t, &AddressRef::Object(m.clone())))
                .collect(),
        },
    }
}

/// A firewall's rules as one rule collection group, as `az network firewall policy
/// rule-collection-group list` shows it (the CLI's flattened shape).
fn to_rcg(t: &Topology, fw: &Firewall) -> serde_json::Value {
    let mut collections = Vec::new();
    for (k, r) in fw.rules.iter().enumerate() {
        let (mut protocols, mut ports) = (Vec::new(), Vec::new());
        for s in &r.services {
            let s = match s {
                ServiceRef::Literal(l) => *l,
                ServiceRef::Named(n) => {
                    t.services.iter().find(|x| x.name == *n).unwrap().services[0]
                }
            };
            match s {
                Service::Tcp(p) => {
                    protocols.push("TCP");
                    ports.push(p.to_string());
                }
                Service::Udp(p) => {
                    protocols.push("UDP");
                    ports.push(p.to_string());
                }
                other => panic!("no {other} rule in the round trip's Azure firewall"),
            }
        }
        let list =
            |a: &[AddressRef]| -> Vec<String> { a.iter().flat_map(|x| addresses(t, x)).collect() };
        collections.push(serde_json::json!({
            "name": format!("existing-{k}"),
            "priority": 100 + k,
            "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
            "action": {"type": if r.action == mccs_model::Action::Allow { "Allow" } else { "Deny" }},
            "rules": [{
                "name": r.name.as_str(),
                "ruleType": "NetworkRule",
                "ipProtocols": protocols,
                "sourceAddresses": list(&r.sources),
                "destinationAddresses": list(&r.destinations),
                "destinationPorts": ports,
                "sourceIpGroups": [],
                "destinationIpGroups": [],
                "destinationFqdns": [],
            }],
        }));
    }
    serde_json::json!({
        "name": "existing",
        "priority": 200,
        "ruleCollections": collections,
    })
}

/// The rule collection group Azure lists after the emitted Terraform is applied: the
/// `azurerm_firewall_policy_rule_collection_group` read with `hcl-rs`, its priority variable
/// filled in after the existing group's.
fn applied_rcg(terraform: &str) -> serde_json::Value {
    let body: hcl::Body = hcl::from_str(terraform).unwrap();
    let group = body
        .blocks()
        .find(|b| {
            b.identifier() == "resource"
                && b.labels().first().map(hcl::BlockLabel::as_str)
                    == Some("azurerm_firewall_policy_rule_collection_group")
        })
        .expect("a rule collection group resource");
    let text = |b: &hcl::Body, key: &str| -> serde_json::Value {
        let e = b
            .attributes()
            .find(|a| a.key() == key)
            .map(hcl::Attribute::expr)
            .unwrap();
        serde_json::to_value(e).unwrap()
    };
    let mut collections = Vec::new();
    for c in group
        .body()
        .blocks()
        .filter(|b| b.identifier() == "network_rule_collection")
    {
        let rules: Vec<serde_json::Value> = c
            .body()
            .blocks()
            .filter(|b| b.identifier() == "rule")
            .map(|r| {
                serde_json::json!({
                    "name": text(r.body(), "name"),
                    "ruleType": "NetworkRule",
                    "ipProtocols": text(r.body(), "protocols"),
                    "sourceAddresses": text(r.body(), "source_addresses"),
                    "destinationAddresses": text(r.body(), "destination_addresses"),
                    "destinationPorts": text(r.body(), "destination_ports"),
                    "sourceIpGroups": [],
                    "destinationIpGroups": [],
                    "destinationFqdns": [],
                })
            })
            .collect();
        collections.push(serde_json::json!({
            "name": text(c.body(), "name"),
            "priority": text(c.body(), "priority"),
            "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
            "action": {"type": text(c.body(), "action")},
            "rules": rules,
        }));
    }
    serde_json::json!({
        "name": text(group.body(), "name"),
        "priority": 300,
        "ruleCollections": collections,
    })
}

/// A Network Firewall's rules as a policy (stateless traffic forwarded to the stateful engine,
/// strict order, default drop) and one stateful rule group of 5-tuple rules, as
/// `aws network-firewall describe-firewall-policy` and `describe-rule-group` show them.
fn to_nfw(t: &Topology, fw: &Firewall) -> (serde_json::Value, serde_json::Value) {
    let arn = "arn:aws:network-firewall:ca-central-1:222222222222:stateful-rulegroup/existing";
    let policy = serde_json::json!({
        "FirewallPolicyResponse": {"FirewallPolicyName": format!("{}-policy", fw.name)},
        "FirewallPolicy": {
            "StatelessRuleGroupReferences": [],
            "StatelessDefaultActions": ["aws:forward_to_sfe"],
            "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
            "StatefulRuleGroupReferences": [{"ResourceArn": arn, "Priority": 100}],
            "StatefulDefaultActions": ["aws:drop_strict"],
            "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER"},
        },
    });
    let mut rules = Vec::new();
    for r in &fw.rules {
        let list = |a: &[AddressRef]| -> String {
            let v: Vec<String> = a.iter().flat_map(|x| addresses(t, x)).collect();
            match v.as_slice() {
                [one] if one == "*" => "ANY".to_owned(),
                [one] => one.clone(),
                many => format!("[{}]", many.join(",")),
            }
        };
        for s in &r.services {
            let s = match s {
                ServiceRef::Literal(l) => *l,
                ServiceRef::Named(n) => {
                    t.services.iter().find(|x| x.name == *n).unwrap().services[0]
                }
            };
            let (protocol, port) = match s {
                Service::Tcp(p) => ("TCP", p.to_string()),
                Service::Udp(p) => ("UDP", p.to_string()),
                other => panic!("no {other} rule in the round trip's Network Firewall"),
            };
            rules.push(serde_json::json!({
                "Action": if r.action == mccs_model::Action::Allow { "PASS" } else { "DROP" },
                "Header": {
                    "Protocol": protocol,
                    "Source": list(&r.sources),
                    "SourcePort": "ANY",
                    "Direction": "FORWARD",
                    "Destination": list(&r.destinations),
                    "DestinationPort": port.replace('-', ":"),
                },
                "RuleOptions": [
                    {"Keyword": "msg", "Settings": [format!("\"{}\"", r.name)]},
                    {"Keyword": "sid", "Settings": [(rules.len() + 1).to_string()]},
                ],
            }));
        }
    }
    let group = serde_json::json!({
        "RuleGroup": {
            "RulesSource": {"StatefulRules": rules},
            "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"},
        },
        "RuleGroupResponse": {
            "RuleGroupArn": arn,
            "RuleGroupName": "existing",
            "Type": "STATEFUL",
        },
    });
    (policy, group)
}

/// The rule group `describe-rule-group` shows after the emitted `aws_networkfirewall_rule_group`
/// is applied, and its name, read with `hcl-rs`.
fn applied_nfw_group(terraform: &str) -> (String, serde_json::Value) {
    let body: hcl::Body = hcl::from_str(terraform).unwrap();
    let group = body
        .blocks()
        .find(|b| {
            b.identifier() == "resource"
                && b.labels().first().map(hcl::BlockLabel::as_str)
                    == Some("aws_networkfirewall_rule_group")
        })
        .expect("a Network Firewall rule group resource");
    let value = |b: &hcl::Body, key: &str| -> serde_json::Value {
        let e = b
            .attributes()
            .find(|a| a.key() == key)
            .map(hcl::Attribute::expr)
            .unwrap();
        serde_json::to_value(e).unwrap()
    };
    let block = |b: &hcl::Body, name: &str| -> Vec<hcl::Body> {
        b.blocks()
            .filter(|x| x.identifier() == name)
            .map(|x| x.body().clone())
            .collect()
    };
    let name = value(group.body(), "name").as_str().unwrap().to_owned();
    let mut rules = Vec::new();
    for rg in block(group.body(), "rule_group") {
        for src in block(&rg, "rules_source") {
            for r in block(&src, "stateful_rule") {
                let h = &block(&r, "header")[0];
                let options: Vec<serde_json::Value> = block(&r, "rule_option")
                    .iter()
                    .map(|o| serde_json::json!({"Keyword": value(o, "keyword"), "Settings": value(o, "settings")}))
                    .collect();
                rules.push(serde_json::json!({
                    "Action": value(&r, "action"),
                    "Header": {
                        "Protocol": value(h, "protocol"),
                        "Source": value(h, "source"),
                        "SourcePort": value(h, "source_port"),
                        "Direction": value(h, "direction"),
                        "Destination": value(h, "destination"),
                        "DestinationPort": value(h, "destination_port"),
                    },
                    "RuleOptions": options,
                }));
            }
        }
    }
    let group = serde_json::json!({
        "RuleGroup": {
            "RulesSource": {"StatefulRules": rules},
            "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"},
        },
        "RuleGroupResponse": {
            "RuleGroupArn": format!("arn:aws:network-firewall:ca-central-1:222222222222:stateful-rulegroup/{name}"),
            "RuleGroupName": name,
            "Type": "STATEFUL",
        },
    });
    (name, group)
}
