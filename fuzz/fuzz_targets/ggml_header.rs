//! The whisper.cpp ggml header check in front of whisper.cpp's loader.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ggml_header(data));
