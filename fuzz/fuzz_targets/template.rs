//! The journal-template parser (TOML data a municipality adds).
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::template(data));
