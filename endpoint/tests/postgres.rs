//! The same endpoint scenarios against a real PostgreSQL server, started for this test with
//! `scripts/pg-test-server.sh` (Debian's `postgresql` package must be installed).

mod common;
mod scenarios;

use common::{Backend, PgCluster, Setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backend_passes_the_endpoint_scenarios() {
    let cluster = PgCluster::start();
    let backend = |name: &'static str| {
        let cluster = &cluster;
        async move { Backend::Postgres(cluster.database(name).await) }
    };
    scenarios::refuses_bad_client_certificates(&Setup::new(&backend("refusals").await)).await;
    scenarios::put_is_idempotent_and_conflicts_are_refused(&Setup::new(
        &backend("idempotency").await,
    ))
    .await;
    let setup = Setup::with_limits(&backend("bad_input").await, 8 * 1024);
    scenarios::bad_notes_get_clear_errors_and_change_nothing(&setup).await;
    scenarios::connection_cut_mid_request_delivers_exactly_once(&Setup::new(&backend("cut").await))
        .await;
    scenarios::kill_and_restart_loses_and_duplicates_nothing(&Setup::new(
        &backend("restart").await,
    ))
    .await;
    scenarios::export_roles_and_metrics(&Setup::new(&backend("export").await)).await;
    scenarios::enrollment_codes_work_once(&Setup::new(&backend("enrollment").await)).await;
}
