//! samtal-core's integration tests, one binary: the app and its model check, the session
//! lifecycle, the encrypted spool, privacy of what is written and logged, a real recording.
mod app;
mod common;
mod model;
mod participants;
mod session_lifecycle;
mod session_privacy;
mod session_spool;
mod session_whisper;
mod speakers;
// The store tests' own helper for opening a store with a manual clock.
#[path = "../../../store/tests/store/common.rs"]
mod store_common;
