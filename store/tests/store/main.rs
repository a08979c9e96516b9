//! samtal-store's integration tests, one binary: opening and keys, the audit trail.
mod common;
mod store_audit;
mod store_open;
