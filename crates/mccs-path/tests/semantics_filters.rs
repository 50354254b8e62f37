//! Security group egress, Azure NSG default rules, stateless network ACLs (forward and return
//! rules, rule numbers) and the private NAT of secondary ranges, on small topologies written
//! out in YAML, with the exact verdicts, rules and rule numbers expected.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: that is how a test fails

use mccs_model::{Format, RuleList, Topology, ValidateOptions, check};
use mccs_path::{
    Diagnosis, Hop, Party, Plan, PlanOptions, PlannedRule, Status, Trace, Verdict, apply, plan,
};
use proptest::prelude::*;

/// An AWS LZA VPC (Web, App and Data subnets; the Data subnets behind `data-nacl`; a secondary
/// range behind a private NAT), an Azure ALZ VNet with an NSG, both clouds' firewalls allowing
/// everything, a partner network behind the Azure firewall, and an on-prem zone with two
/// endpoints. `{nacl}` is the network ACL's lists,
/// `{sg}` the App security group's, `{flows}` the flows.
const BASE: &str = r#"
version: 1
channels:
  - { name: cloud, title: Cloud firewall change request, filed_by: Project team, handled_by: Public Cloud Team }
  - { name: on-prem, title: On-premises firewall request, filed_by: Project team, handled_by: On-prem }
  - { name: team, title: Infrastructure change, filed_by: Project team, handled_by: Project team }
firewalls:
  - name: aws-fw
    kind: cloud
    platform: aws-lza
    owner: Public Cloud Team
    channel: cloud
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: azure-fw
    kind: cloud
    platform: azure-alz
    owner: Public Cloud Team
    channel: cloud
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: 3pg
    kind: edge
    owner: On-prem
    channel: on-prem
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: zone-fw
    kind: zone
    owner: On-prem
    channel: on-prem
    rules: [{ name: ALL, sources: [any], destinations: [any], services: [any], action: allow }]
  - name: data-nacl
    kind: network-acl
    platform: aws-lza
    owner: Project team
    channel: team
{nacl}
  - name: app-sg
    kind: security-group
    platform: aws-lza
    owner: Project team
    channel: team
{sg}
  - name: vnet-nsg
    kind: security-group
    platform: azure-alz
    owner: Project team
    channel: team
project_sets:
  - license_plate: abc123
    ministry: CITZ
    platform: aws-lza
    environments:
      prod:
        account: "111111111111"
        region: ca-central-1
        address_space: [10.1.0.0/24]
        security_groups: [app-sg]
        subnets:
          - { name: web-a, cidr: 10.1.0.0/27 }
          - { name: app-a, cidr: 10.1.0.32/27 }
          - { name: data-a, cidr: 10.1.0.64/28, network_acl: data-nacl }
          - { name: data-b, cidr: 10.1.0.80/28, network_acl: data-nacl }
        secondary_ranges: [10.10.0.0/16]
        nat_addresses: [10.1.0.5]
  - license_plate: xyz789
    ministry: CITZ
    platform: azure-alz
    environments:
      prod:
        account: 0f3c8a52-6c1e-4d1b-9a7e-0c6a2b9d0d03
        region: canadacentral
        address_space: [10.2.0.0/24]
        security_groups: [vnet-nsg]
on_prem:
  edge_firewall: 3pg
  zones:
    - name: zone-b
      firewall: zone-fw
      networks: [10.9.0.0/16]
      endpoints:
        - { name: ora, address: 10.9.0.10 }
        - { name: app-server, address: 10.9.0.20 }
external_networks:
  - { name: partner, prefixes: [192.0.2.0/24], attached_to: azure-fw }
hybrid_links:
  - { name: dx, kind: direct-connect, redundancy: primary, encryption: ipsec }
  - { name: er, kind: express-route, redundancy: primary, encryption: ipsec }
flows:
{flows}
"#;

/// The Data subnets' network ACL as on the LZA: only the App subnet gets in (PostgreSQL), and
/// only return traffic toward it gets out.
const DATA_NACL: &str = r#"    rules:
      - { name: app-in, priority: 100, sources: [10.1.0.32/27], destinations: [any], services: [tcp/5432], action: allow }
    outbound_rules:
      - { name: app-return, priority: 100, sources: [any], destinations: [10.1.0.32/27], services: [tcp/1024-65535], action: allow }"#;

/// An App security group admitting everything in, with no egress list (AWS default egress).
const OPEN_SG: &str = "    rules: [{ name: all-in, sources: [any], destinations: [any], services: [any], action: allow }]";

fn text(nacl: &str, sg: &str, flows: &str) -> String {
    BASE.replace("{nacl}", nacl)
        .replace("{sg}", sg)
        .replace("{flows}", flows)
}

fn read(text: &str) -> Topology {
    let c = check(text, Format::Yaml, &ValidateOptions::default());
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    c.topology
}

fn topology(nacl: &str, sg: &str, flows: &str) -> Topology {
    read(&text(nacl, sg, flows))
}

fn flow(source: &str, destination: &str, service: &str, on_prem: bool) -> String {
    format!(
        "  - {{ name: f, source: {source}, destination: {destination}, services: [{service}]{} }}\n",
        if on_prem { ", initiator: on-prem" } else { "" }
    )
}

fn planned(t: &Topology) -> Plan {
    plan(t, &t.flows, &PlanOptions::default())
}

fn trace(p: &Plan) -> &Trace {
    &p.flows[0].directions[0].trace
}

/// The hop of `node` judging with `list` on the first path.
fn hop<'a>(tr: &'a Trace, node: &str, list: Option<RuleList>) -> &'a Hop {
    tr.paths[0]
        .hops
        .iter()
        .find(|h| h.node() == node && h.list() == list)
        .unwrap_or_else(|| panic!("no hop {node} {list:?} in {:#?}", tr.paths[0].hops))
}

fn allowed(rules: &[&str]) -> Verdict {
    Verdict::Allowed {
        rules: rules.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn rule<'a>(p: &'a Plan, firewall: &str, return_traffic: bool) -> &'a PlannedRule {
    p.rules
        .iter()
        .find(|r| r.targets[0].firewall == firewall && r.return_traffic == return_traffic)
        .unwrap_or_else(|| panic!("no rule on {firewall} in {:#?}", p.rules))
}

fn sets(list: &[mccs_path::Addresses]) -> Vec<String> {
    list.iter().map(|a| a.set.to_string()).collect()
}

/// Plan, apply, plan again: nothing left to request and every flow allowed.
fn closes(t: &Topology) -> Topology {
    let after = apply(t, &planned(t));
    let c = mccs_model::validate(&after, &ValidateOptions::default());
    assert!(c.iter().all(|d| !d.is_error()), "{c:#?}");
    let again = planned(&after);
    assert!(again.rules.is_empty(), "{:#?}", again.rules);
    assert!(again.is_complete());
    after
}

#[test]
fn aws_security_group_without_egress_rules_allows_all_egress() {
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("10.1.0.10/32", "ora", "tcp/1521", false),
    );
    let p = planned(&t);
    let tr = trace(&p);
    let kinds: Vec<String> = tr.paths[0]
        .hops
        .iter()
        .map(|h| h.kind().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "VPC",
            "security group (outbound)",
            "cloud firewall",
            "DirectConnect (primary)",
            "edge firewall (3PG)",
            "zone firewall",
            "on-prem zone",
            "on-prem endpoint"
        ]
    );
    let sg = hop(tr, "app-sg", Some(RuleList::Outbound));
    assert_eq!(sg.verdict(), Some(&allowed(&["default-egress-allow-all"])));
    assert!(p.rules.is_empty());
}

#[test]
fn security_group_egress_list_is_judged_and_planned_on_the_outbound_list() {
    let sg = format!(
        "{OPEN_SG}\n    outbound_rules: [{{ name: https-out, sources: [any], destinations: [any], services: [tcp/443], action: allow }}]"
    );
    let t = topology(
        DATA_NACL,
        &sg,
        &flow("10.1.0.10/32", "ora", "tcp/1521", false),
    );
    let p = planned(&t);
    let out = hop(trace(&p), "app-sg", Some(RuleList::Outbound));
    assert_eq!(out.verdict(), Some(&Verdict::NoMatchingRule));
    assert_eq!(out.return_verdict(), None, "security groups are stateful");
    assert_eq!(p.rules.len(), 1);
    let r = rule(&p, "app-sg", false);
    assert_eq!(r.list, Some(RuleList::Outbound));
    assert_eq!(&*r.name, "MCCS_CITZ_LZA_LIVE_abc123_prod");
    assert_eq!(sets(&r.sources), ["10.1.0.10/32"]);
    assert_eq!(sets(&r.destinations), ["10.9.0.10/32"]);
    let after = closes(&t);
    let fw = after.firewall("app-sg").unwrap();
    assert_eq!(fw.outbound_rules.len(), 2);
    assert_eq!(fw.rules.len(), 1, "the ingress list is untouched");
    // Traffic into the VPC passes the ingress list, which admits everything.
    let t = topology(
        DATA_NACL,
        &sg,
        &flow("app-server", "10.1.0.10/32", "tcp/22", true),
    );
    let p = planned(&t);
    let into = hop(trace(&p), "app-sg", Some(RuleList::Inbound));
    assert_eq!(into.verdict(), Some(&allowed(&["all-in"])));
    assert!(p.rules.is_empty());
}

#[test]
fn azure_nsg_default_rules_decide_and_are_named() {
    // On-prem is inside the VirtualNetwork tag (reached through the hub): AllowVnetInBound.
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("app-server", "xyz789-prod", "tcp/443", true),
    );
    let p = planned(&t);
    let nsg = hop(trace(&p), "vnet-nsg", Some(RuleList::Inbound));
    assert_eq!(nsg.kind(), "security group (inbound)");
    assert_eq!(nsg.verdict(), Some(&allowed(&["AllowVnetInBound"])));
    assert!(p.rules.is_empty());
    // And out again: AllowVnetOutBound.
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("xyz789-prod", "ora", "tcp/1521", false),
    );
    let p = planned(&t);
    let nsg = hop(trace(&p), "vnet-nsg", Some(RuleList::Outbound));
    assert_eq!(nsg.verdict(), Some(&allowed(&["AllowVnetOutBound"])));
    // A partner network is not in the VirtualNetwork tag: DenyAllInBound, and the planned
    // rule simply goes into the list (the default rules come after every user rule).
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("partner", "xyz789-prod", "tcp/443", false),
    );
    let p = planned(&t);
    let nsg = hop(trace(&p), "vnet-nsg", Some(RuleList::Inbound));
    assert_eq!(
        nsg.verdict(),
        Some(&Verdict::Denied {
            rules: vec!["DenyAllInBound".into()],
            implicit_deny_too: false,
        })
    );
    let r = rule(&p, "vnet-nsg", false);
    assert_eq!(r.list, Some(RuleList::Inbound));
    assert_eq!(r.targets[0].placement, mccs_path::Placement::Append);
    assert_eq!(r.targets[0].priority, None);
    closes(&t);
}

#[test]
fn network_acl_needs_forward_and_return_rules_for_traffic_into_its_subnet() {
    // An on-prem app opens a connection to the database in the Data subnet: neither the
    // inbound list (App subnet only) nor the outbound list (return to the App subnet only)
    // lets it through.
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("app-server", "10.1.0.70/32", "tcp/5432", true),
    );
    let p = planned(&t);
    let tr = trace(&p);
    let kinds: Vec<String> = tr.paths[0]
        .hops
        .iter()
        .map(|h| h.kind().to_string())
        .collect();
    // As AWS orders them: the subnet's network ACL at the subnet boundary, then the security
    // group at the instance.
    assert_eq!(
        kinds[kinds.len() - 3..],
        ["network ACL (inbound)", "security group (inbound)", "VPC"]
    );
    let acl = hop(tr, "data-nacl", Some(RuleList::Inbound));
    assert_eq!(acl.verdict(), Some(&Verdict::NoMatchingRule));
    assert_eq!(acl.return_verdict(), Some(&Verdict::NoMatchingRule));
    assert!(!acl.is_allowed());
    assert_eq!(p.flows[0].status(), Status::NeedsRules);

    let forward = rule(&p, "data-nacl", false);
    assert_eq!(forward.list, Some(RuleList::Inbound));
    assert_eq!(sets(&forward.sources), ["10.9.0.20/32"]);
    assert_eq!(sets(&forward.destinations), ["10.1.0.70/32"]);
    assert_eq!(forward.services.to_string(), "tcp/5432");
    assert_eq!(forward.targets[0].priority, Some(110));
    assert_eq!(&*forward.name, "MCCS_CITZ_LZA_LIVE_abc123_prod_IN");
    let back = rule(&p, "data-nacl", true);
    assert_eq!(back.list, Some(RuleList::Outbound));
    assert_eq!(sets(&back.sources), ["10.1.0.70/32"]);
    assert_eq!(sets(&back.destinations), ["10.9.0.20/32"]);
    assert_eq!(back.services.to_string(), "tcp/1024-65535");
    assert_eq!(back.targets[0].priority, Some(110));
    assert_eq!(&*back.name, "MCCS_CITZ_LZA_LIVE_abc123_prod_IN_02");
    assert_eq!(p.rules.len(), 2);

    let step = &p.flows[0].directions[0].steps;
    let acl_step = step.iter().find(|s| s.firewall == "data-nacl").unwrap();
    assert_eq!(acl_step.planned_rule.as_deref(), Some(&*forward.name));
    assert_eq!(acl_step.return_planned_rule.as_deref(), Some(&*back.name));

    let after = closes(&t);
    let acl = after.firewall("data-nacl").unwrap();
    let numbers = |l: &[mccs_model::Rule]| l.iter().map(|r| r.priority).collect::<Vec<_>>();
    assert_eq!(numbers(&acl.rules), [Some(100), Some(110)]);
    assert_eq!(numbers(&acl.outbound_rules), [Some(100), Some(110)]);
}

#[test]
fn network_acl_judges_only_the_part_of_the_traffic_in_its_subnets() {
    // From the whole VPC: the network ACL sees the Data subnets' part as the source.
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("abc123-prod", "ora", "tcp/1521", false),
    );
    let p = planned(&t);
    let acl = hop(trace(&p), "data-nacl", Some(RuleList::Outbound));
    assert_eq!(acl.source().set.to_string(), "10.1.0.64/27");
    assert_eq!(acl.verdict(), Some(&Verdict::NoMatchingRule));
    // The return rule admits on-prem back in: to the Data subnets, on the ephemeral ports.
    let back = rule(&p, "data-nacl", true);
    assert_eq!(back.list, Some(RuleList::Inbound));
    assert_eq!(sets(&back.sources), ["10.9.0.10/32"]);
    assert_eq!(sets(&back.destinations), ["10.1.0.64/27"]);
    assert_eq!(back.services.to_string(), "tcp/1024-65535");
    // The cloud firewall still sees the whole VPC.
    let fw = hop(trace(&p), "aws-fw", None);
    assert_eq!(fw.source().set.to_string(), "10.1.0.0/24");
    closes(&t);
    // From the Web subnet the network ACL is not on the path at all.
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("10.1.0.10/32", "ora", "tcp/1521", false),
    );
    let p = planned(&t);
    assert!(
        trace(&p).paths[0]
            .hops
            .iter()
            .all(|h| h.node() != "data-nacl")
    );
}

#[test]
fn network_acl_rules_are_evaluated_by_number_not_document_order() {
    let nacl = r#"    rules:
      - { name: allow-db, priority: 200, sources: [any], destinations: [any], services: [tcp/5432], action: allow }
      - { name: deny-on-prem, priority: 120, sources: [10.9.0.0/16], destinations: [any], services: [any], action: deny }
    outbound_rules:
      - { name: ephemeral-out, priority: 100, sources: [any], destinations: [any], services: [tcp/1024-65535], action: allow }"#;
    let t = topology(
        nacl,
        OPEN_SG,
        &flow("app-server", "10.1.0.70/32", "tcp/5432", true),
    );
    let p = planned(&t);
    let acl = hop(trace(&p), "data-nacl", Some(RuleList::Inbound));
    assert_eq!(
        acl.verdict(),
        Some(&Verdict::Denied {
            rules: vec!["deny-on-prem".into()],
            implicit_deny_too: false,
        })
    );
    assert_eq!(acl.return_verdict(), Some(&allowed(&["ephemeral-out"])));
    // One rule, numbered just below the deny that blocks it.
    assert_eq!(p.rules.len(), 1);
    let r = rule(&p, "data-nacl", false);
    assert_eq!(
        r.targets[0].placement,
        mccs_path::Placement::Above {
            rule: "deny-on-prem".into()
        }
    );
    assert_eq!(r.targets[0].priority, Some(110));
    let after = closes(&t);
    let names: Vec<(String, Option<u32>)> = after
        .firewall("data-nacl")
        .unwrap()
        .rules
        .iter()
        .map(|r| (r.name.to_string(), r.priority))
        .collect();
    assert_eq!(
        names,
        [
            ("MCCS_CITZ_LZA_LIVE_abc123_prod_IN".into(), Some(110)),
            ("allow-db".into(), Some(200)),
            ("deny-on-prem".into(), Some(120)),
        ]
    );
}

#[test]
fn secondary_range_leaves_through_the_private_nat() {
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("10.10.4.0/24", "ora", "tcp/1521", false),
    );
    let p = planned(&t);
    let tr = trace(&p);
    // Inside the VPC the source is the secondary range; past it, the NAT address.
    assert_eq!(
        hop(tr, "app-sg", Some(RuleList::Outbound))
            .source()
            .set
            .to_string(),
        "10.10.4.0/24"
    );
    for fw in ["aws-fw", "3pg", "zone-fw"] {
        let h = hop(tr, fw, None);
        assert_eq!(h.source().set.to_string(), "10.1.0.5/32", "{fw}");
        assert_eq!(
            h.source().party,
            Party::Nat {
                env: "abc123-prod".parse().unwrap()
            }
        );
    }
    assert!(tr.is_allowed());
}

#[test]
fn secondary_range_is_not_reachable_from_outside() {
    let t = topology(
        DATA_NACL,
        OPEN_SG,
        &flow("ora", "10.10.4.7/32", "tcp/8080", true),
    );
    let p = planned(&t);
    let d = &p.flows[0].directions[0];
    assert_eq!(d.status, Status::Blocked);
    assert!(d.trace.paths.is_empty());
    assert_eq!(
        d.trace.diagnoses,
        [Diagnosis::NonRoutable {
            destination: "10.10.4.7/32".into(),
            network: "abc123-prod".into(),
            range: "10.10.0.0/16".into(),
        }]
    );
    assert!(p.rules.is_empty());
}

#[test]
fn a_secondary_range_reused_by_two_networks_names_neither() {
    // The Azure VNet reuses 10.10.0.0/16 (allowed: secondary ranges are non-routable).
    let t = read(
        &text(DATA_NACL, OPEN_SG, &flow("10.10.4.0/24", "ora", "tcp/1521", false)).replace(
            "        security_groups: [vnet-nsg]\n",
            "        security_groups: [vnet-nsg]\n        secondary_ranges: [10.10.0.0/16]\n        nat_addresses: [10.2.0.5]\n",
        ),
    );
    let p = planned(&t);
    assert_eq!(
        p.flows[0].diagnoses,
        [Diagnosis::Ambiguous {
            end: "source".into(),
            name: "10.10.4.0/24".into(),
            owners: "abc123-prod, xyz789-prod".into(),
        }]
    );
}

// ----- proptest ------------------------------------------------------------------------------

const ADDRESSES: [&str; 7] = [
    "any",
    "10.1.0.64/28",
    "10.1.0.70/32",
    "10.1.0.64/29",
    "10.9.0.0/16",
    "10.9.0.20/32",
    "10.0.0.0/8",
];
const SERVICES: [&str; 7] = [
    "any",
    "tcp",
    "tcp/5432",
    "tcp/1024-65535",
    "udp/53",
    "tcp/1000-2000",
    "icmp",
];
const FLOW_SERVICES: [&str; 4] = ["tcp/5432", "udp/53", "tcp/80-90", "icmp"];

type NaclRule = (usize, usize, usize, bool);

fn nacl_list(field: &str, rules: &[NaclRule], seed: u32, prefix: &str) -> String {
    if rules.is_empty() {
        return String::new();
    }
    let mut out = format!("    {field}:\n");
    for (i, (s, d, v, allow)) in rules.iter().enumerate() {
        // Distinct numbers in an order unrelated to the document's.
        let number = ((u32::try_from(i).unwrap() * 7 + seed) % 13 + 1) * 10;
        out.push_str(&format!(
            "      - {{ name: {prefix}{i}, priority: {number}, sources: [\"{}\"], destinations: [\"{}\"], services: [\"{}\"], action: {} }}\n",
            ADDRESSES[*s],
            ADDRESSES[*d],
            SERVICES[*v],
            if *allow { "allow" } else { "deny" }
        ));
    }
    out
}

fn arb_rules() -> impl Strategy<Value = Vec<NaclRule>> {
    prop::collection::vec((0..7usize, 0..7usize, 0..7usize, any::<bool>()), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Through a network ACL with random numbered rules, a flow opened from either side: when
    /// the trace allows it nothing is requested; otherwise planning, applying and planning
    /// again requests nothing and allows it, with valid, unique rule numbers.
    #[test]
    fn network_acl_plan_apply_closes(
        mut inbound in arb_rules(),
        mut outbound in arb_rules(),
        open in prop::option::of((0..7usize, 0..7usize)),
        seed in 0..13u32,
        svc in 0..4usize,
        from_inside in any::<bool>(),
        wide in any::<bool>(),
    ) {
        // Often an allow-all rule somewhere in each list, so that some flows are allowed already.
        if let Some((i, o)) = open {
            inbound.insert(i.min(inbound.len()), (0, 0, 0, true));
            outbound.insert(o.min(outbound.len()), (0, 0, 0, true));
        }
        let mut nacl = nacl_list("rules", &inbound, seed, "in");
        nacl.push_str(&nacl_list("outbound_rules", &outbound, seed, "out"));
        let nacl = nacl.trim_end().to_owned();
        let db = if wide { "10.1.0.64/28" } else { "10.1.0.70/32" };
        let f = if from_inside {
            flow(db, "app-server", FLOW_SERVICES[svc], false)
        } else {
            flow("app-server", db, FLOW_SERVICES[svc], true)
        };
        let t = topology(&nacl, OPEN_SG, &f);
        let p = planned(&t);
        let allowed = trace(&p).is_allowed();
        prop_assert_eq!(allowed, p.rules.is_empty());
        if !allowed {
            prop_assert!(p.rules.iter().all(|r| r.targets.iter().all(|t| t.firewall == "data-nacl")));
            prop_assert!(p.rules.iter().all(|r| r.targets[0].priority.is_some()));
        }
        let after = apply(&t, &p);
        let errors: Vec<_> = mccs_model::validate(&after, &ValidateOptions::default())
            .into_iter()
            .filter(mccs_model::Diagnostic::is_error)
            .collect();
        prop_assert!(errors.is_empty(), "{:#?}", errors);
        let again = planned(&after);
        prop_assert!(again.rules.is_empty(), "{:#?}", again.rules);
        prop_assert!(trace(&again).is_allowed());
    }
}
