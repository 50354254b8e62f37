//! Fuzz target `plan_render`: see `mccs_fuzz::plan_render` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mccs_fuzz::plan_render(data));
