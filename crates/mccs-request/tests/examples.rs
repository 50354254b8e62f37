//! The `build_plan_render` example runs to the end, and the topology it builds validates
//! without a finding and asks for one request per channel. (`cargo test` only compiles
//! examples; this runs it.)

#[path = "../examples/build_plan_render.rs"]
mod build_plan_render;

#[test]
fn build_plan_render_example_runs() {
    let t = build_plan_render::topology().unwrap();
    let findings = mccs_model::validate(&t, &mccs_model::ValidateOptions::default());
    assert!(findings.is_empty(), "{findings:#?}");
    let plan = mccs_path::plan(&t, &t.flows, &mccs_path::PlanOptions::default());
    let set = mccs_request::RequestSet::from_plan(&t, &plan);
    assert!(set.request("cloud-request").is_some());
    assert!(set.request("on-prem-request").is_some());
    build_plan_render::main().unwrap();
}
