//! Phone to endpoint: enrollment with a one-time code, delivery of an approved note over
//! mutual TLS, receipt verification, and purge of the session keeping only the receipt.

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use samtal_core::keyvault::MemoryKeyVault;
use samtal_core::session::Action;
use samtal_core::store::{ConsentDecision, InformedBy, Store};
use samtal_core::sync::{self, outbox, OutboxStatus, SyncClient, SyncError};
use samtal_endpoint::config::Config;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16) {
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("endpoint did not listen on {port}");
}

#[test]
fn approved_note_is_delivered_once_and_only_the_receipt_stays() {
    let dir = tempfile::tempdir().unwrap();
    let (port, enroll_port) = (free_port(), free_port());
    let config_path = dir.path().join("endpoint.toml");
    std::fs::write(
        &config_path,
        format!(
            "listen = \"127.0.0.1:{port}\"\nenroll_listen = \"127.0.0.1:{enroll_port}\"\n\
             data_dir = \"data\"\n[sinks.directory]\npath = \"drop\"\n"
        ),
    )
    .unwrap();
    let config = Config::load(&config_path).unwrap();
    samtal_endpoint::admin::ca_init(&config, &[]).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, code) = runtime
        .block_on(samtal_endpoint::admin::device_enroll(
            &config,
            "e2e phone",
            10,
        ))
        .unwrap();
    runtime.spawn(samtal_endpoint::serve::serve(config.clone()));
    wait_for(port);
    wait_for(enroll_port);
    let enroll_url = format!("https://127.0.0.1:{enroll_port}");

    let phone_dir = tempfile::tempdir().unwrap();
    let vault = MemoryKeyVault::new();
    let store = Arc::new(Store::open(phone_dir.path(), &vault).unwrap());

    // A code whose CA fingerprint does not match is refused before anything is sent.
    let mut forged = code.clone();
    forged.ca_fingerprint = "0".repeat(32);
    assert!(matches!(
        sync::enroll(&store, &vault, &enroll_url, &forged.to_string()),
        Err(SyncError::CaMismatch)
    ));
    assert!(matches!(
        sync::enroll(&store, &vault, &enroll_url, "not a code"),
        Err(SyncError::BadCode)
    ));
    assert!(matches!(
        SyncClient::new(store.clone(), &vault),
        Err(SyncError::NotEnrolled)
    ));
    let identity = sync::enroll(&store, &vault, &enroll_url, &code.to_string()).unwrap();
    assert_eq!(identity.endpoint_url, format!("https://127.0.0.1:{port}"));

    // An approved session with its note.
    let session = store.create_session().unwrap();
    store
        .record_consent(
            &session,
            ConsentDecision::Given,
            InformedBy::Verbal,
            "sv",
            "worker-1",
        )
        .unwrap();
    for action in [
        Action::StartRecording,
        Action::Stop,
        Action::FinishTranscription,
        Action::Draft,
        Action::OpenReview,
        Action::Approve,
    ] {
        store.transition(&session, action).unwrap();
    }
    let note_id = "5f0c8a52-3b1e-4d7a-9c2f-0a1b2c3d4e5f";
    let note = samtal_endpoint::bench::synthetic_note(note_id, 1);
    store.save_note(&session, &note).unwrap();
    assert_eq!(outbox::enqueue(&store, &session).unwrap(), note_id);
    assert_eq!(outbox::enqueue(&store, &session).unwrap(), note_id);
    assert_eq!(
        outbox::list(&store).unwrap()[0].status,
        OutboxStatus::Queued
    );

    let client = SyncClient::new(store.clone(), &vault).unwrap();
    let report = client.sync_now().unwrap();
    assert_eq!(report.delivered, 1);
    assert_eq!(client.sync_now().unwrap(), Default::default());

    let entry = &outbox::list(&store).unwrap()[0];
    assert_eq!(entry.status, OutboxStatus::Delivered);
    assert!(
        store.session_state(&session).is_err(),
        "the session was purged"
    );
    let receipts = store.receipts().unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].note_id, note_id);
    assert_eq!(
        receipts[0].content_hash,
        note["content_hash"].as_str().unwrap()
    );

    let dropped = config
        .sinks
        .directory
        .as_ref()
        .unwrap()
        .path
        .join(format!("{note_id}.json"));
    for _ in 0..100 {
        if dropped.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let delivered: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&dropped).unwrap()).unwrap();
    assert_eq!(delivered["note"], note);
    runtime.shutdown_background();
}
