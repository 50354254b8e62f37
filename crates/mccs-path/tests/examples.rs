//! The `build_trace_plan` example runs to the end, and the topology it builds validates
//! without a finding. (`cargo test` only compiles examples; this runs it. `.ci/run` runs the
//! `trace` example, which takes arguments.)

#[path = "../examples/build_trace_plan.rs"]
mod build_trace_plan;

#[test]
fn build_trace_plan_example_runs() {
    let t = build_trace_plan::topology().unwrap();
    let findings = mccs_model::validate(&t, &mccs_model::ValidateOptions::default());
    assert!(findings.is_empty(), "{findings:#?}");
    build_trace_plan::main().unwrap();
}
