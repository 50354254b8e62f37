//! Fuzz target `document_yaml`: see `mccs_fuzz::document_yaml` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mccs_fuzz::document_yaml(data));
