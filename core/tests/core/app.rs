//! `App`, the one assembly the phone shells and the desktop CLI both run: a meeting from
//! consent to a queued note with the real recogniser (Whisper tiny.en), the errors a
//! shell sees when recording cannot start, and a wipe that leaves nothing of the user.
use crate::common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use samtal_asr::Language;
use samtal_core::app::{App, AppConfig, AppError, Listener, StateEvent};
use samtal_core::review_flow::ReviewChange;
use samtal_draft::review::CitizenParticipation;
use samtal_draft::DraftContext;
use samtal_models::ModelError;
use samtal_store::keyvault::{FileKeyVault, KeyVault};
use samtal_store::{ConsentDecision, InformedBy, OutboxStatus, SessionState, StoreError};
use samtal_sync::login::{token, SignedOut, WorkerSession};

#[derive(Default)]
struct States(Mutex<Vec<SessionState>>);

impl Listener<StateEvent> for States {
    fn on_event(&self, event: &StateEvent) {
        self.0.lock().unwrap().push(event.state);
    }
}

/// The app over `dir`, recording with tiny.en from `models` if given.
fn app(dir: &Path, models: Option<&Path>) -> (App, Arc<FileKeyVault>) {
    let vault = Arc::new(FileKeyVault::open(dir.join("keys")).unwrap());
    let app = App::open(AppConfig::new(dir), vault.clone()).unwrap();
    if let Some(models) = models {
        common::use_tiny(&app, models).unwrap();
    }
    (app, vault)
}

#[test]
fn a_meeting_goes_from_consent_to_a_queued_note() {
    let dir = tempfile::tempdir().unwrap();
    let models = common::linked_models();
    let (app, _vault) = app(dir.path(), Some(models.path()));
    let states = Arc::new(States::default());
    let _states = app.events().states.subscribe(states.clone());
    let live = Arc::new(Mutex::new(Vec::new()));
    let heard = live.clone();
    struct Live(Arc<Mutex<Vec<String>>>);
    impl Listener<samtal_core::app::SegmentEvent> for Live {
        fn on_event(&self, e: &samtal_core::app::SegmentEvent) {
            self.0.lock().unwrap().push(e.segment.text.clone());
        }
    }
    let _live = app.events().transcript.subscribe(Arc::new(Live(heard)));

    let id = app
        .begin_session(ConsentDecision::Given, InformedBy::Verbal, "en", "worker-1")
        .unwrap();
    let recording = app.start_recording(&id, Some(Language::En)).unwrap();
    recording.capture_wav(&common::fixture().0).unwrap();
    assert!(recording.captured_seconds().unwrap() > 59.0);
    recording.stop().unwrap();
    assert!(matches!(recording.stop(), Err(AppError::RecordingEnded)));

    let transcript = app.transcript(&id).unwrap();
    assert!(transcript.len() >= 3, "{} segments", transcript.len());
    let stored: Vec<String> = transcript.iter().map(|s| s.text.clone()).collect();
    assert_eq!(
        *live.lock().unwrap(),
        stored,
        "live segments are the stored ones"
    );
    let info = app.session(&id).unwrap();
    assert_eq!(
        (info.state, info.spool_chunks),
        (SessionState::Transcribed, 0)
    );

    let draft = app
        .draft(&id, "en-casenote", &DraftContext::default())
        .unwrap();
    assert!(!draft.items.is_empty());
    app.review(&id, ReviewChange::MarkAllReviewed).unwrap();
    let note_id = app
        .approve(&id, "worker-1", CitizenParticipation::ReviewedOnScreen)
        .unwrap();
    let outbox = app.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        (outbox[0].note_id.as_str(), outbox[0].status),
        (note_id.as_str(), OutboxStatus::Queued)
    );
    assert!(app.queue_approved().unwrap().is_empty(), "queued once");
    assert_eq!(
        *states.0.lock().unwrap(),
        [
            SessionState::Consented,
            SessionState::Recording,
            SessionState::Transcribed,
            SessionState::Drafted,
            SessionState::InReview,
            SessionState::Queued
        ]
    );
    assert!(app.verify_audit().is_ok());
}

/// A shell that lets go of a recording without stopping it (the process is killed, or its
/// handle is released) leaves the session recoverable; what the engine still had in flight
/// must not land in the store after that, or recovery transcribes that audio a second time.
#[test]
fn a_recording_let_go_mid_transcription_is_recovered_once() {
    let dir = tempfile::tempdir().unwrap();
    let models = common::linked_models();
    let (app, _vault) = app(dir.path(), Some(models.path()));
    let id = app
        .begin_session(ConsentDecision::Given, InformedBy::Verbal, "en", "worker-1")
        .unwrap();
    let recording = app.start_recording(&id, Some(Language::En)).unwrap();
    recording.capture_wav(&common::fixture().0).unwrap();
    drop(recording);
    assert_eq!(
        app.session(&id).unwrap().state,
        SessionState::Recording,
        "left as a killed process leaves it"
    );

    let recovered = app.recover_recording(&id, Some(Language::En)).unwrap();
    recovered.stop().unwrap();
    let transcript = app.transcript(&id).unwrap();
    assert!(transcript.len() >= 3, "{} segments", transcript.len());
    for pair in transcript.windows(2) {
        assert!(
            pair[1].start >= pair[0].end - 0.05,
            "segments {} ({:.2}-{:.2} s) and {} ({:.2}-{:.2} s) overlap: audio transcribed twice",
            pair[0].id,
            pair[0].start,
            pair[0].end,
            pair[1].id,
            pair[1].start,
            pair[1].end
        );
    }
    let info = app.session(&id).unwrap();
    assert_eq!(
        (info.state, info.spool_chunks),
        (SessionState::Transcribed, 0)
    );
}

#[test]
fn recording_that_cannot_start_leaves_the_session_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _vault) = app(dir.path(), None);
    let id = app
        .begin_session(
            ConsentDecision::Given,
            InformedBy::Written,
            "sv",
            "worker-1",
        )
        .unwrap();
    assert!(matches!(
        app.start_recording(&id, None),
        Err(AppError::NoModel)
    ));
    assert_eq!(app.session(&id).unwrap().state, SessionState::Consented);
    drop(app);

    // The phones choose the model after opening: a missing one is reported, the app stays
    // open, and recording fails as without a model.
    let (app, _vault) = self::app(dir.path(), None);
    let err = common::use_tiny(&app, &dir.path().join("no-models")).unwrap_err();
    assert!(
        matches!(&err, AppError::Model(ModelError::NotInstalled(id)) if id == "whisper-tiny-en"),
        "{err}"
    );
    assert!(!err.to_string().contains("samtal "), "no CLI advice: {err}");
    assert!(matches!(
        app.start_recording(&id, None),
        Err(AppError::NoModel)
    ));
    assert_eq!(app.session(&id).unwrap().state, SessionState::Consented);

    let refused = app
        .begin_session(
            ConsentDecision::Refused,
            InformedBy::Verbal,
            "da",
            "worker-1",
        )
        .unwrap();
    assert_eq!(
        app.session(&refused).unwrap().state,
        SessionState::Discarded
    );
}

/// Every regular file under `dir`.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    common::files_under(dir)
}

#[test]
fn wipe_leaves_nothing_of_the_user_sign_in_included() {
    let dir = tempfile::tempdir().unwrap();
    let models = common::linked_models();
    let (app, vault) = app(dir.path(), Some(models.path()));
    let done = app
        .begin_session(ConsentDecision::Given, InformedBy::Verbal, "en", "worker-1")
        .unwrap();
    app.withdraw(&done).unwrap();
    // A recording in progress: its sealed audio is in the spool.
    let id = app
        .begin_session(ConsentDecision::Given, InformedBy::Verbal, "en", "worker-1")
        .unwrap();
    let recording = app.start_recording(&id, Some(Language::En)).unwrap();
    recording
        .push(&common::tone(0, 3 * common::SECOND))
        .unwrap();
    assert!(app.session(&id).unwrap().spool_chunks > 0);
    // A worker signed in: the sealed token and its key.
    let signed_in = WorkerSession {
        token: "ab".repeat(32),
        expires_at_ms: i64::MAX,
        worker_id: None,
    };
    token::save(dir.path(), vault.as_ref(), &signed_in).unwrap();
    assert!(app.current_login().unwrap().is_some());
    assert!(dir.path().join("worker-session.sealed").exists());
    assert!(files(dir.path()).len() >= 4, "{:?}", files(dir.path()));

    // Not enrolled, so the endpoint cannot be told; the wipe goes on regardless.
    let outcome = app.wipe().unwrap();
    assert!(matches!(outcome, SignedOut::NotRevoked(_)), "{outcome:?}");
    drop(recording);
    drop(app);
    assert_eq!(files(dir.path()), Vec::<std::path::PathBuf>::new());
    for alias in [
        "samtal-db",
        "sync-device-tls",
        "worker-session",
        "samtal-model-seal",
    ] {
        assert!(vault.get(alias).unwrap().is_none(), "{alias}");
    }

    let (app, _vault) = self::app(dir.path(), None);
    assert!(app.sessions().unwrap().is_empty());
    assert!(app.current_login().unwrap().is_none());
}

#[test]
fn a_store_whose_key_is_lost_is_wiped_all_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (app, vault) = app(dir.path(), None);
    app.begin_session(ConsentDecision::Given, InformedBy::Verbal, "sv", "worker-1")
        .unwrap();
    token::save(
        dir.path(),
        vault.as_ref(),
        &WorkerSession {
            token: "cd".repeat(32),
            expires_at_ms: i64::MAX,
            worker_id: None,
        },
    )
    .unwrap();
    drop(app);
    vault.delete("samtal-db").unwrap();
    let config = AppConfig::new(dir.path());
    assert!(matches!(
        App::open(config, vault.clone()),
        Err(AppError::Store(StoreError::KeyMissing { .. }))
    ));
    App::wipe_unopened(dir.path(), vault.as_ref()).unwrap();
    assert_eq!(files(dir.path()), Vec::<std::path::PathBuf>::new());
}
