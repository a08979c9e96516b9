//! Endpoint scenarios on the default SQLite backend.

mod common;
mod scenarios;

use common::{Backend, Setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_bad_client_certificates() {
    scenarios::refuses_bad_client_certificates(&Setup::new(&Backend::Sqlite)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_is_idempotent_and_conflicts_are_refused() {
    scenarios::put_is_idempotent_and_conflicts_are_refused(&Setup::new(&Backend::Sqlite)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_notes_get_clear_errors_and_change_nothing() {
    let setup = Setup::with_limits(&Backend::Sqlite, 8 * 1024);
    scenarios::bad_notes_get_clear_errors_and_change_nothing(&setup).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_cut_mid_request_delivers_exactly_once() {
    scenarios::connection_cut_mid_request_delivers_exactly_once(&Setup::new(&Backend::Sqlite))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_and_restart_loses_and_duplicates_nothing() {
    scenarios::kill_and_restart_loses_and_duplicates_nothing(&Setup::new(&Backend::Sqlite)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_roles_and_metrics() {
    scenarios::export_roles_and_metrics(&Setup::new(&Backend::Sqlite)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_codes_work_once() {
    scenarios::enrollment_codes_work_once(&Setup::new(&Backend::Sqlite)).await;
}
