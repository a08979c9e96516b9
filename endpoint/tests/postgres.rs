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
    pg_dump_recipe_and_key_backup(&cluster).await;
}

/// The README's PostgreSQL recipe: `samtal-endpoint backup` for the keys, `pg_dump` for the
/// database; both restored into a new database and an empty data directory, a phone's
/// retry gets its original receipt and nothing is duplicated.
async fn pg_dump_recipe_and_key_backup(cluster: &PgCluster) {
    use samtal_endpoint::bench::synthetic_note;
    use std::process::Command;
    let source = cluster.database("backup_source").await;
    let setup = Setup::new(&Backend::Postgres(source.clone()));
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_samtal-endpoint"))
            .arg("--config")
            .arg(&setup.config_path)
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let server = setup.start();
    let (phone, _) = setup.enroll_device().await;
    let mut receipts = Vec::new();
    let notes: Vec<_> = (0..3)
        .map(|i| synthetic_note(&uuid::Uuid::new_v4().to_string(), i))
        .collect();
    for note in &notes {
        let response = setup.put_note(&setup.client(&phone), note).await;
        assert_eq!(response.status(), 201);
        receipts.push(response.text().await.unwrap());
    }
    let keys = setup.dir.path().join("keys-backup");
    let out = cli(&["backup", "--out", keys.to_str().unwrap()]);
    assert!(out.contains("pg_dump"), "{out}");
    let dump = setup.dir.path().join("samtal.dump");
    let status = Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success());
    server.kill();

    // A new database server's worth: an empty database and an empty data directory.
    let target = cluster.database("backup_target").await;
    let status = Command::new("pg_restore")
        .args(["--clean", "--if-exists", "--no-owner", "--dbname"])
        .arg(&target)
        .arg(&dump)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_dir_all(&setup.config.data_dir).unwrap();
    let config = std::fs::read_to_string(&setup.config_path)
        .unwrap()
        .replace(&source, &target);
    std::fs::write(&setup.config_path, config).unwrap();
    cli(&["restore", "--from", keys.to_str().unwrap()]);

    let _server = setup.start();
    let last = &notes[2];
    let again = setup.put_note(&setup.client(&phone), last).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.text().await.unwrap(), receipts[2]);
    let restored = samtal_endpoint::db::Db::connect(&target).await.unwrap();
    assert_eq!(restored.note_count().await.unwrap(), 3);
}
