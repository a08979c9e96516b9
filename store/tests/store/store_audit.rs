//! The audit trail is a hash chain: it verifies as written, and editing, removing or
//! cutting off a stored event is detected.
use crate::common;

use samtal_store::audit::AuditError;
use samtal_store::keyvault::KeyVault;
use samtal_store::Action;
use samtal_store::{ConsentDecision, InformedBy, DB_FILE, DB_KEY_ALIAS};

fn keyed(dir: &std::path::Path, vault: &dyn KeyVault) -> rusqlite::Connection {
    let key = vault.get(DB_KEY_ALIAS).unwrap().unwrap();
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\";",
        hex::encode(key.expose())
    ))
    .unwrap();
    conn
}

fn session_with_history(store: &samtal_store::Store) {
    store.set_user("worker-17").unwrap();
    let id = store.create_session().unwrap();
    store
        .record_consent(
            &id,
            ConsentDecision::Given,
            InformedBy::Written,
            "sv",
            "worker-17",
        )
        .unwrap();
    store.transition(&id, Action::StartRecording).unwrap();
    store.transition(&id, Action::Pause).unwrap();
    store.transition(&id, Action::Resume).unwrap();
    store.transition(&id, Action::Stop).unwrap();
    store.transition(&id, Action::FinishTranscription).unwrap();
    store.audit(Some(&id), "note_edited", "").unwrap();
}

#[test]
fn chain_verifies_and_records_who_and_what() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _vault, _clock) = common::open_store(dir.path());
    session_with_history(&store);
    let v = store.verify_audit().unwrap();
    assert_eq!(v.events, 8);
    let events = store.audit_events(None).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "session_created",
            "consent_given",
            "recording_started",
            "recording_paused",
            "recording_resumed",
            "recording_stopped",
            "transcribed",
            "note_edited"
        ]
    );
    assert!(events.iter().all(|e| e.device_id == store.device_id()));
    assert!(events.iter().all(|e| e.user_id == "worker-17"));
    // Free text cannot be smuggled into the trail.
    assert!(store.audit(None, "Anna Andersson said", "").is_err());
}

#[test]
fn editing_a_stored_event_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (store, vault, _clock) = common::open_store(dir.path());
    session_with_history(&store);
    drop(store);
    // Someone with the key edits history: the append-only trigger stops a plain UPDATE...
    let conn = keyed(dir.path(), vault.as_ref());
    assert!(conn
        .execute(
            "UPDATE audit_events SET kind = 'approved' WHERE seq = 4",
            []
        )
        .is_err());
    // ...so they drop it first; the chain still tells.
    conn.execute_batch("DROP TRIGGER audit_events_no_update;")
        .unwrap();
    conn.execute(
        "UPDATE audit_events SET user_id = 'someone-else' WHERE seq = 4",
        [],
    )
    .unwrap();
    let err = samtal_store::audit::verify(&conn).unwrap_err();
    assert!(matches!(err, AuditError::Edited { seq: 4 }), "{err}");
}

#[test]
fn removing_or_cutting_off_events_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (store, vault, _clock) = common::open_store(dir.path());
    session_with_history(&store);
    drop(store);
    let conn = keyed(dir.path(), vault.as_ref());
    conn.execute_batch("DROP TRIGGER audit_events_no_delete;")
        .unwrap();

    conn.execute("DELETE FROM audit_events WHERE seq = 8", [])
        .unwrap();
    let err = samtal_store::audit::verify(&conn).unwrap_err();
    assert!(
        matches!(
            err,
            AuditError::Truncated {
                found: 7,
                expected: 8
            }
        ),
        "{err}"
    );

    conn.execute("DELETE FROM audit_events WHERE seq = 3", [])
        .unwrap();
    let err = samtal_store::audit::verify(&conn).unwrap_err();
    assert!(matches!(err, AuditError::Broken { seq: 4 }), "{err}");
}
