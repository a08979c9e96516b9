//! The `samtal` binary's tests, one binary: commands run as processes the way a worker
//! runs them.
mod bankid_sign;
mod closed_pipe;
mod eval_orders;
// The phone-side harness of samtal-tests (endpoint, bankid-sim); this binary uses part of it.
#[allow(dead_code)]
#[path = "../../../tests/tests/e2e/phone.rs"]
mod phone;
mod record_failure;
mod record_kill;
