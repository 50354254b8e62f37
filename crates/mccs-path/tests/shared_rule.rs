//! A rule shared by many flows: one planned rule listing every flow once, in input order, with
//! each justification once (the merge keeps lists without repeats in linear time).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mccs_path::{PlanOptions, plan};

#[test]
fn a_rule_shared_by_many_flows_lists_each_flow_once_in_order() {
    let mut t = mccs_model::examples::reference();
    let seed = t.flows.first().cloned().expect("the reference has flows");
    let mut flows = Vec::new();
    for i in 0..500 {
        let mut f = seed.clone();
        f.name = format!("copy-{i:03}").parse().unwrap();
        // Two justifications, alternating: each must appear once.
        f.justification = Some(format!("reason {}", i % 2));
        flows.push(f);
    }
    t.flows = flows.clone();
    let p = plan(&t, &flows, &PlanOptions::default());
    assert!(!p.rules.is_empty());
    let names: Vec<String> = flows.iter().map(|f| f.name.to_string()).collect();
    for r in &p.rules {
        assert_eq!(r.flows, names, "rule {} on {}", r.name, r.channel);
        assert_eq!(r.justifications, ["reason 0", "reason 1"]);
    }
    // Every step of every flow names its planned rule.
    for fp in &p.flows {
        for d in &fp.directions {
            for s in &d.steps {
                if !matches!(*s.verdict, mccs_path::Verdict::Allowed { .. }) {
                    assert!(s.planned_rule.is_some(), "{}: {}", fp.flow, s.firewall);
                }
            }
        }
    }
}
