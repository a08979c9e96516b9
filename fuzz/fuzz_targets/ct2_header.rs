//! The CTranslate2 model.bin reader used by the model converter.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ct2_header(data));
