//! Fuzz target `document_json`: see `mccs_fuzz::document_json` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mccs_fuzz::document_json(data));
