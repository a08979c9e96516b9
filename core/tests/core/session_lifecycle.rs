//! The session lifecycle: consent gates recording, invalid steps are errors, withdrawal
//! and discarding wipe content, purge keeps only the receipt, retention wipes old
//! unapproved sessions.
use crate::common;

use std::time::Duration;

use samtal_core::recorder::{RecordError, Recorder};
use samtal_store::retention::{self, RetentionPolicy};
use samtal_store::spool;
use samtal_store::{Action, SessionState, TransitionError};
use samtal_store::{ConsentDecision, InformedBy, Receipt, StoreError};
use serde::{Deserialize, Serialize};

const PHRASE: &str = "Anna Andersson berättar att hyran är obetald sedan mars";

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct DraftDoc {
    sections: Vec<(String, String)>,
}

fn consented(store: &samtal_store::Store) -> samtal_store::SessionId {
    let id = store.create_session().unwrap();
    store
        .record_consent(
            &id,
            ConsentDecision::Given,
            InformedBy::Verbal,
            "sv",
            "worker-1",
        )
        .unwrap();
    id
}

#[test]
fn recording_needs_consent() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let f = common::ScriptedFactory::new(&["x"]);
    let id = store.create_session().unwrap();
    let err = Recorder::start(store.clone(), id.clone(), &f, 8000)
        .err()
        .unwrap();
    assert!(matches!(
        err,
        RecordError::Store(StoreError::Transition(TransitionError::ConsentRequired(
            SessionState::Created
        )))
    ));
    // Audio cannot be spooled either.
    assert!(spool::seal(&store, &id, &common::tone(0, 100)).is_err());

    let refused = store.create_session().unwrap();
    let state = store
        .record_consent(
            &refused,
            ConsentDecision::Refused,
            InformedBy::Interpreter,
            "da",
            "worker-1",
        )
        .unwrap();
    assert_eq!(state, SessionState::Discarded);
    assert!(Recorder::start(store.clone(), refused.clone(), &f, 8000).is_err());
    let info = store.session(&refused).unwrap();
    let consent = info.consent.unwrap();
    assert_eq!(consent.decision, ConsentDecision::Refused);
    assert_eq!(consent.informed_by, InformedBy::Interpreter);
    assert_eq!(consent.language, "da");
    assert_eq!(consent.obtained_by, "worker-1");
    // Consent twice is an invalid transition, not a panic.
    assert!(store
        .record_consent(
            &refused,
            ConsentDecision::Given,
            InformedBy::Verbal,
            "da",
            "worker-1"
        )
        .is_err());
    assert!(store
        .record_consent(
            &id,
            ConsentDecision::Given,
            InformedBy::Verbal,
            "Swedish",
            "worker-1"
        )
        .is_err());
}

#[test]
fn invalid_transitions_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let id = consented(&store);
    for action in [
        Action::Pause,
        Action::Stop,
        Action::Approve,
        Action::Queue,
        Action::MarkSynced,
    ] {
        let err = store.transition(&id, action).unwrap_err();
        assert!(
            matches!(err, StoreError::Transition(TransitionError::Invalid { .. })),
            "{action}"
        );
    }
    assert_eq!(store.session_state(&id).unwrap(), SessionState::Consented);
    let unknown = "00000000000000000000000000000000".parse().unwrap();
    assert!(matches!(
        store.transition(&unknown, Action::StartRecording),
        Err(StoreError::UnknownSession(_))
    ));
    assert!("not-an-id".parse::<samtal_store::SessionId>().is_err());
}

#[test]
fn withdraw_leaves_no_session_content() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let id = consented(&store);
    let f = common::ScriptedFactory::new(&[PHRASE]);
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
    let audio = common::tone(0, common::SECOND * 3);
    rec.push(&audio).unwrap();
    assert!(store.session(&id).unwrap().segments > 0);
    assert!(store.session(&id).unwrap().spool_chunks > 0);
    store
        .save_draft(
            &id,
            &DraftDoc {
                sections: vec![("aktuellt".into(), PHRASE.into())],
            },
        )
        .unwrap();

    store.withdraw(&id).unwrap();
    // The recorder cannot add anything afterwards.
    assert!(matches!(
        rec.push(&audio),
        Err(RecordError::Store(StoreError::NotRecording { .. }))
    ));
    drop(rec);

    let info = store.session(&id).unwrap();
    assert_eq!(info.state, SessionState::Withdrawn);
    assert_eq!(
        (
            info.segments,
            info.spool_chunks,
            info.has_draft,
            info.has_note
        ),
        (0, 0, false, false)
    );
    assert!(info.consent.unwrap().withdrawn_at.is_some());
    assert!(store.segments(&id).unwrap().is_empty());
    assert!(store.load_draft::<DraftDoc>(&id).unwrap().is_none());
    assert!(!store.spool_dir().join(id.as_str()).exists());
    // Nothing can be added back, and no further step is possible.
    assert!(store
        .save_draft(&id, &DraftDoc { sections: vec![] })
        .is_err());
    assert!(store.transition(&id, Action::StartRecording).is_err());
    drop(store);
    let mut needles = common::audio_needles(&audio);
    needles.push(PHRASE.as_bytes().to_vec());
    needles.push(b"Andersson".to_vec());
    assert!(common::files_containing(dir.path(), &needles).is_empty());
}

#[test]
fn discard_wipes_content_and_purge_keeps_only_the_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, _c) = common::open_store(dir.path());
    let f = common::ScriptedFactory::new(&[PHRASE]);

    let discarded = consented(&store);
    let mut rec = Recorder::start(store.clone(), discarded.clone(), &f, 8000).unwrap();
    rec.push(&common::tone(0, 40_000)).unwrap();
    rec.stop().unwrap();
    store.discard(&discarded).unwrap();
    let info = store.session(&discarded).unwrap();
    assert_eq!((info.state, info.segments), (SessionState::Discarded, 0));

    let id = consented(&store);
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
    rec.push(&common::tone(0, 40_000)).unwrap();
    rec.stop().unwrap();
    let draft = DraftDoc {
        sections: vec![("aktuellt".into(), PHRASE.into())],
    };
    store.save_draft(&id, &draft).unwrap();
    assert_eq!(store.load_draft::<DraftDoc>(&id).unwrap().unwrap(), draft);
    for a in [Action::Draft, Action::OpenReview, Action::Approve] {
        store.transition(&id, a).unwrap();
    }
    store.save_note(&id, &draft).unwrap();
    assert!(store.withdraw(&id).is_err(), "no withdrawal after approval");
    store.transition(&id, Action::Queue).unwrap();
    let receipt = Receipt {
        note_id: "note-0001".into(),
        session_id: id.to_string(),
        received_at: 1_790_000_100_000,
        content_hash: "ab".repeat(32),
        citizen_signature: Some("cd".repeat(32)),
    };
    assert!(
        store.purge_session_keep_receipt(&id, &receipt).is_err(),
        "only after sync"
    );
    store.transition(&id, Action::MarkSynced).unwrap();
    store.purge_session_keep_receipt(&id, &receipt).unwrap();

    assert!(matches!(
        store.session(&id),
        Err(StoreError::UnknownSession(_))
    ));
    assert_eq!(store.receipts().unwrap(), vec![receipt]);
    assert!(store.verify_audit().is_ok());
    let kinds: Vec<String> = store
        .audit_events(Some(&id))
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.last().unwrap(), "purged");
    drop(store);
    assert!(common::files_containing(dir.path(), &[PHRASE.as_bytes().to_vec()]).is_empty());
}

#[test]
fn retention_wipes_expired_unapproved_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _v, clock) = common::open_store(dir.path());
    let f = common::ScriptedFactory::new(&[PHRASE]);
    let policy = RetentionPolicy::default();
    assert_eq!(policy.unapproved_max_age, Duration::from_secs(12 * 3600));

    // An interrupted recording with audio still in the spool, and an approved note.
    let old = consented(&store);
    let mut rec = Recorder::start(store.clone(), old.clone(), &f, 8000).unwrap();
    rec.push(&common::tone(0, 40_000)).unwrap();
    drop(rec);
    assert!(store.session(&old).unwrap().spool_chunks > 0);
    let approved = consented(&store);
    let mut rec = Recorder::start(store.clone(), approved.clone(), &f, 8000).unwrap();
    rec.push(&common::tone(0, 20_000)).unwrap();
    rec.stop().unwrap();
    for a in [Action::Draft, Action::OpenReview, Action::Approve] {
        store.transition(&approved, a).unwrap();
    }

    clock.advance_ms(11 * 3600 * 1000);
    let young = consented(&store);
    assert!(retention::enforce(&store, &policy).unwrap().is_empty());

    clock.advance_ms(3600 * 1000 + 1);
    let wiped = retention::enforce(&store, &policy).unwrap();
    assert_eq!(wiped, vec![old.clone()]);
    let left: Vec<_> = store
        .sessions()
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, vec![approved, young]);
    assert!(!store.spool_dir().join(old.as_str()).exists());
    let events = store.audit_events(Some(&old)).unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.kind.as_str(), last.detail.as_str()),
        ("wiped", "retention")
    );
    assert!(store.verify_audit().is_ok());
}

#[test]
fn wipe_all_removes_every_local_trace() {
    let dir = tempfile::tempdir().unwrap();
    let (store, vault, _c) = common::open_store(dir.path());
    let f = common::ScriptedFactory::new(&[PHRASE]);
    let id = consented(&store);
    let mut rec = Recorder::start(store.clone(), id, &f, 8000).unwrap();
    rec.push(&common::tone(0, 40_000)).unwrap();
    drop(rec);
    drop(store);
    retention::wipe_all(dir.path(), vault.as_ref()).unwrap();
    assert!(
        common::files_under(dir.path()).is_empty(),
        "{:?}",
        common::files_under(dir.path())
    );
    assert!(
        samtal_store::keyvault::KeyVault::get(vault.as_ref(), samtal_store::DB_KEY_ALIAS)
            .unwrap()
            .is_none()
    );
    // A fresh, empty store can be made afterwards.
    let (store, _v, _c) = common::open_store(dir.path());
    assert!(store.sessions().unwrap().is_empty());
}
