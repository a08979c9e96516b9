//! Note canonicalisation and validation as the endpoint runs them on every upload: whatever
//! parses is exactly its canonical form, and validation never panics.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::note(data));
