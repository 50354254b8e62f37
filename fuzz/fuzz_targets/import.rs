//! Fuzz target `import`: see `mccs_fuzz::import` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mccs_fuzz::import(data));
