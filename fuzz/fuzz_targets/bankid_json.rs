//! BankID JSON: the RP client's responses and the simulator's requests never panic, and the
//! user message of any collect response can be chosen.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::bankid_json(data));
