//! Phone to endpoint: enrollment with a one-time code, delivery of an approved note over
//! mutual TLS, receipt verification, and purge of the session keeping only the receipt;
//! background sync over a dead network, a connection cut after the endpoint committed, and a
//! revoked device, all against a real endpoint on loopback.

use std::sync::Arc;
use std::time::Duration;

use crate::phone::{eventually, large_note, new_note, Endpoint, Mode, Options, Phone};
use samtal_store::SessionState;
use samtal_sync::{outbox, Backoff, OutboxStatus, SyncClient, SyncError};

#[test]
fn approved_note_is_delivered_once_and_only_the_receipt_stays() {
    let endpoint = Endpoint::new(Options::default());
    endpoint.serve();
    let (_, code) = endpoint
        .runtime
        .block_on(samtal_endpoint::admin::device_enroll(
            &endpoint.config,
            "e2e phone",
            10,
        ))
        .unwrap();
    let enroll_url = endpoint.enroll_url();
    let phone = Phone::new();
    let (store, vault) = (&phone.store, phone.vault.as_ref());

    // A code whose CA fingerprint does not match is refused before anything is sent.
    let mut forged = code.clone();
    forged.ca_fingerprint = "0".repeat(32);
    assert!(matches!(
        samtal_sync::enroll(store, vault, &enroll_url, &forged.to_string()),
        Err(SyncError::CaMismatch)
    ));
    assert!(matches!(
        samtal_sync::enroll(store, vault, &enroll_url, "not a code"),
        Err(SyncError::BadCode)
    ));
    assert!(matches!(
        SyncClient::new(store.clone(), vault),
        Err(SyncError::NotEnrolled)
    ));
    let identity = samtal_sync::enroll(store, vault, &enroll_url, &code.to_string()).unwrap();
    assert_eq!(
        identity.endpoint_url,
        format!("https://127.0.0.1:{}", endpoint.config.listen.port())
    );

    let note_id = "5f0c8a52-3b1e-4d7a-9c2f-0a1b2c3d4e5f";
    let note = samtal_endpoint::bench::synthetic_note(note_id, 1);
    let session = phone.approved(&note);
    assert_eq!(outbox::enqueue(store, &session).unwrap(), note_id);
    assert_eq!(outbox::enqueue(store, &session).unwrap(), note_id);
    assert_eq!(phone.entry(note_id).status, OutboxStatus::Queued);

    let client = phone.sync_client();
    let report = client.sync_now().unwrap();
    assert_eq!(report.delivered, 1);
    assert_eq!(client.sync_now().unwrap(), Default::default());

    assert_eq!(phone.entry(note_id).status, OutboxStatus::Delivered);
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
    assert_eq!(endpoint.delivered(note_id)["note"], note);
}

#[test]
fn background_sync_waits_out_a_dead_network_with_growing_delays_then_delivers() {
    let endpoint = Endpoint::new(Options {
        proxy: true,
        ..Options::default()
    });
    endpoint.serve();
    let phone = Phone::new();
    endpoint.enroll(&phone);
    let (session, note_id) = phone.queue(&new_note(1));

    // The phone's network is down: nothing listens where the phone sends notes.
    let backoff = Backoff {
        base: Duration::from_millis(200),
        max: Duration::from_secs(10),
    };
    let client = Arc::new(phone.sync_client().with_backoff(backoff));
    let background = client.clone().spawn_background(Duration::from_secs(30));

    // Record the delay chosen after each failed attempt (next attempt − time of failure).
    let mut delays = Vec::new();
    eventually(20, "four failed attempts", || {
        let e = phone.entry(&note_id);
        if e.status == OutboxStatus::Queued && e.attempts as usize == delays.len() + 1 {
            assert!(
                e.reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("network error talking to the endpoint")),
                "{:?}",
                e.reason
            );
            delays.push(e.next_attempt_at - e.updated_at);
        }
        delays.len() == 4
    });
    for (attempt, delay) in delays.iter().enumerate() {
        let ceiling = backoff.ceiling(attempt as u32).as_millis() as i64;
        assert!(
            (ceiling / 2..=ceiling).contains(delay),
            "delay {delay} ms after failure {} is outside [{}, {ceiling}]",
            attempt + 1,
            ceiling / 2
        );
    }
    assert!(
        phone.still_has_note(&session),
        "nothing is purged while undelivered"
    );
    assert_eq!(endpoint.note_count(), 0);

    // The network comes back: the next attempt delivers, purges and keeps the receipt.
    endpoint.proxy().up();
    eventually(20, "delivery after the network came back", || {
        phone.entry(&note_id).status == OutboxStatus::Delivered
    });
    assert!(phone.store.session_state(&session).is_err(), "purged");
    assert_eq!(phone.store.receipts().unwrap()[0].note_id, note_id);
    assert_eq!(endpoint.delivered(&note_id)["note"]["note_id"], note_id);

    // After cancel() the background thread is gone: a new note stays queued, untouched.
    background.cancel();
    let (_, later) = phone.queue(&new_note(2));
    std::thread::sleep(Duration::from_millis(700));
    let entry = phone.entry(&later);
    assert_eq!((entry.status, entry.attempts), (OutboxStatus::Queued, 0));
    assert_eq!(endpoint.note_count(), 1);
}

#[test]
fn upload_cut_after_the_endpoint_committed_is_retried_without_a_duplicate() {
    let endpoint = Endpoint::new(Options {
        proxy: true,
        ..Options::default()
    });
    endpoint.proxy().up();
    endpoint.serve();
    let phone = Phone::new();
    endpoint.enroll(&phone);
    let note = large_note(24 * 1024);
    let (session, note_id) = phone.queue(&note);

    // The endpoint receives the whole request and answers, but the answer never reaches
    // the phone: the connection dies after the note was committed.
    endpoint
        .proxy()
        .set_mode(Mode::SwallowRepliesAfter(12 * 1024));
    let client = Arc::new(phone.sync_client().with_backoff(Backoff {
        base: Duration::from_millis(100),
        max: Duration::from_millis(200),
    }));
    let uploading = {
        let client = client.clone();
        std::thread::spawn(move || client.sync_now())
    };
    let first = endpoint.delivered(&note_id);
    endpoint.proxy().cut();
    let report = uploading.join().unwrap().unwrap();
    assert_eq!((report.delivered, report.retry_later), (0, 1));
    let entry = phone.entry(&note_id);
    assert_eq!(entry.status, OutboxStatus::Queued);
    assert!(entry
        .reason
        .as_deref()
        .is_some_and(|r| r.starts_with("network error")));
    assert_eq!(
        phone.store.session_state(&session).unwrap(),
        SessionState::Queued
    );

    // The retry gets the original receipt (200), not a second note.
    endpoint.proxy().set_mode(Mode::Forward);
    std::thread::sleep(Duration::from_millis(250));
    assert_eq!(client.sync_now().unwrap().delivered, 1);
    assert_eq!(endpoint.note_count(), 1);
    assert_eq!(endpoint.sink_files(), 1);
    let receipt = &phone.store.receipts().unwrap()[0];
    assert_eq!(receipt.note_id, note_id);
    assert_eq!(
        receipt.received_at,
        first["receipt"]["received_at_ms"].as_i64().unwrap(),
        "the phone keeps the receipt of the first, committed upload"
    );
}

#[test]
fn revoked_device_gets_an_actionable_error_and_loses_nothing() {
    let endpoint = Endpoint::new(Options::default());
    endpoint.serve();
    let phone = Phone::new();
    let identity = endpoint.enroll(&phone);
    let client = phone.sync_client();

    // One note goes through on a connection the client keeps open.
    let (_, first) = phone.queue(&new_note(1));
    assert_eq!(client.sync_now().unwrap().delivered, 1);
    assert_eq!(phone.entry(&first).status, OutboxStatus::Delivered);

    // `samtal-endpoint device revoke`: the same client, even on its kept-alive connection,
    // is refused, and the note stays queued with its content.
    endpoint
        .runtime
        .block_on(samtal_endpoint::admin::device_revoke(
            &endpoint.config,
            &identity.device_id,
        ))
        .unwrap();
    let (session, second) = phone.queue(&new_note(2));
    let error = client.sync_now().unwrap_err();
    assert!(
        matches!(&error, SyncError::DeviceRefused(code) if code == "certificate_revoked"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the endpoint refused this device's certificate (certificate_revoked); enroll the phone again"
    );
    let entry = phone.entry(&second);
    assert_eq!(entry.status, OutboxStatus::Queued);
    assert_eq!(
        entry.reason.as_deref(),
        Some("device certificate refused (certificate_revoked); enroll the phone again")
    );
    assert!(phone.still_has_note(&session));
    assert_eq!(endpoint.note_count(), 1);
    assert!(matches!(
        phone.sync_client().sync_now(),
        Err(SyncError::DeviceRefused(_))
    ));

    // Enrolled again with a new code, the queued note is delivered.
    endpoint.enroll(&phone);
    assert_eq!(phone.sync_client().sync_now().unwrap().delivered, 1);
    assert_eq!(phone.entry(&second).status, OutboxStatus::Delivered);
    assert_eq!(endpoint.note_count(), 2);
}
