//! samtal-core's integration tests, one binary: the app, the session lifecycle, the
//! encrypted spool, privacy of what is written and logged, a real recording.
mod app;
mod common;
mod session_lifecycle;
mod session_privacy;
mod session_spool;
mod session_whisper;
// The store tests' own helper for opening a store with a manual clock.
#[path = "../../../store/tests/store/common.rs"]
mod store_common;
