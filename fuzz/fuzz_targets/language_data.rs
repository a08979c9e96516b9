//! The drafter's language-data parser (TOML word lists and phrases a municipality adds).
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::language_data(data));
