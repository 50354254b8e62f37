//! The examples under `examples/` run to the end, so they cannot rot. (`cargo test` only
//! compiles examples; these tests run them.)

#[path = "../examples/names.rs"]
mod names;

#[test]
fn names_example_runs() {
    names::main().unwrap();
}
