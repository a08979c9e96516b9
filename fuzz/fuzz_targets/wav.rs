//! The WAV reader (reads from a path, so each input goes through a file in memory-backed /dev/shm).
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::wav(data));
