//! Running the endpoint in a municipality, one test binary: the Debian package, logs, backup
//! and restore, status and rotation, and the OpenAPI contract.

#[path = "../common/mod.rs"]
mod common;

mod contract;
mod package;
mod running;
