//! Receipts as the phone reads them: parsing, canonical signing bytes and verification never
//! panic, and a receipt re-signed by the key verifies.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::receipt(data));
