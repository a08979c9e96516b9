//! The endpoint's handling of a phone's CSR at enrollment: parsing and signing by the CA.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::csr(data));
