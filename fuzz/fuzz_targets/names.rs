//! Fuzz target `names`: see `mccs_fuzz::names` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mccs_fuzz::names(data));
