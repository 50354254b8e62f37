//! Requests for security groups and network ACLs: the list a rule goes in, the return-traffic row
//! of a stateless filter, rule numbers and the notes that explain them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_model::{RuleList, Topology, examples};
use mccs_request::{NoteKind, Placement, RequestSet};

fn build(t: &Topology) -> RequestSet {
    let plan = mccs_path::plan(t, &t.flows, &mccs_path::PlanOptions::default());
    RequestSet::from_plan(t, &plan)
}

#[test]
fn network_acl_rows_say_the_list_the_number_and_the_return_traffic() {
    let set = build(&examples::lza_data_subnet());
    let req = set.request("workload-iac").unwrap();
    assert_eq!(req.traffic.len(), 2);
    let (forward, back) = (&req.traffic[0], &req.traffic[1]);
    assert_eq!(forward.list, Some(RuleList::Inbound));
    assert!(!forward.return_traffic);
    assert_eq!(strs(&forward.services), ["tcp/5432"]);
    assert_eq!(forward.apply_on[0].rule_number, Some(120));
    assert_eq!(back.list, Some(RuleList::Outbound));
    assert!(back.return_traffic);
    assert_eq!(back.source_addresses, forward.destination_addresses);
    assert_eq!(back.destination_addresses, forward.source_addresses);
    assert_eq!(strs(&back.services), ["tcp/1024-65535"]);
    assert_eq!(back.apply_on[0].rule_number, Some(120));
    let stateless: Vec<&str> = req
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Stateless)
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(stateless.len(), 1);
    assert!(
        stateless[0].contains("Return-traffic rules here: MCCS_HLTH_LZA_LIVE_dat123_prod_IN_02.")
    );
    // The cloud firewall's request has neither a list nor a stateless note.
    let cloud = set.request("cloud-firewall-request").unwrap();
    assert!(
        cloud
            .traffic
            .iter()
            .all(|r| r.list.is_none() && !r.return_traffic)
    );
    assert!(cloud.notes.iter().all(|n| n.kind != NoteKind::Stateless));
}

#[test]
fn a_network_acl_without_a_free_number_below_the_deny_says_so() {
    let mut t = examples::lza_data_subnet();
    let acl = t
        .firewalls
        .iter_mut()
        .find(|f| f.name.as_str() == "dat123-prod-data-nacl")
        .unwrap();
    // A deny at rule number 1 blocks the reporting application: nothing fits below it.
    let mut deny = acl.rules[0].clone();
    deny.name = "deny-zone-b".parse().unwrap();
    deny.priority = Some(1);
    deny.sources = vec!["142.34.20.0/24".parse().unwrap()];
    deny.action = mccs_model::Action::Deny;
    acl.rules.push(deny);
    let set = build(&t);
    let req = set.request("workload-iac").unwrap();
    let forward = req.traffic.iter().find(|r| !r.return_traffic).unwrap();
    assert_eq!(
        forward.apply_on[0].placement,
        Placement::Above {
            rule: "deny-zone-b".into()
        }
    );
    assert_eq!(forward.apply_on[0].rule_number, None);
    assert!(req.notes.iter().any(|n| n.kind == NoteKind::Placement
        && n.text.contains("none is free there: renumber the list")));
}

#[test]
fn security_group_egress_is_named_in_the_summary() {
    let set = build(&examples::lza_data_subnet());
    let batch = set.flow("batch-to-ledger").unwrap();
    assert!(
        batch.directions[0].details[0]
            .starts_with("allowed today on dat123-prod-sg (outbound list) by https-to-on-prem"),
        "{:?}",
        batch.directions[0].details
    );
}

/// A list of shared texts as plain `&str`s, to compare with literals.
fn strs(v: &[std::sync::Arc<str>]) -> Vec<&str> {
    v.iter().map(|s| &**s).collect()
}
