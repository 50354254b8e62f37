//! Fuzz target `document_toml`: see `mccs_fuzz::document_toml` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mccs_fuzz::document_toml(data));
