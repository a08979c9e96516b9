//! Who took part, entered at consent, reaches the drafter: the session stores it (sealed,
//! never in plain form on disk or in the logs), `App::draft` names people and uses their
//! pronouns without the caller passing them, and it is wiped with the transcript.
use crate::common;

use std::path::Path;
use std::sync::Arc;

use samtal_core::app::{App, AppConfig, AppError};
use samtal_core::recorder::Recorder;
use samtal_core::review_flow::ReviewChange;
use samtal_draft::review::CitizenParticipation;
use samtal_draft::{DraftContext, Participant};
use samtal_store::keyvault::MemoryKeyVault;
use samtal_store::{Action, ConsentDecision, InformedBy, Receipt, SessionId, SessionState, Store};

/// A home visit: the worker asks, the citizen answers.
const MEETING: &[&str] = &[
    "Hur har du det med sömnen nu för tiden?",
    "Jag sover dåligt och vaknar flera gånger varje natt.",
    "Har du pratat med din läkare om det?",
    "Ja, jag har fått en tid på vårdcentralen nästa vecka.",
    "Hur går det med maten?",
    "Jag lagar mat själv men orkar inte handla längre.",
];

const NAME: &str = "Solveig";
const RELATIVE: &str = "Gunnel";

/// A session with `MEETING` transcribed (by a scripted recogniser), in a store under `dir`.
fn transcribed_session(dir: &Path, vault: &MemoryKeyVault) -> SessionId {
    let store = Arc::new(Store::open(dir, vault).unwrap());
    let id = store.create_session().unwrap();
    store
        .record_consent_with_present(
            &id,
            ConsentDecision::Given,
            InformedBy::Verbal,
            "sv",
            "handl-042",
            &["citizen".to_string(), "relative".to_string()],
        )
        .unwrap();
    let f = common::ScriptedFactory::new(MEETING);
    let mut rec = Recorder::start(store.clone(), id.clone(), &f, 8000).unwrap();
    rec.push(&common::tone(0, common::SECOND * (MEETING.len() + 1)))
        .unwrap();
    rec.stop().unwrap();
    id
}

fn open_app(dir: &Path, vault: &Arc<MemoryKeyVault>) -> App {
    App::open(AppConfig::new(dir), vault.clone()).unwrap()
}

fn people() -> Vec<Participant> {
    vec![
        Participant {
            speaker: "citizen".into(),
            name: Some(NAME.into()),
            description: None,
            pronoun: Some("hon".into()),
        },
        Participant {
            speaker: "relative".into(),
            name: Some(RELATIVE.into()),
            description: Some("dotter".into()),
            pronoun: None,
        },
    ]
}

fn note(app: &App, id: &SessionId) -> String {
    app.draft(id, "sv-socialtjanst-journal", &DraftContext::default())
        .unwrap();
    app.note_text(id).unwrap()
}

#[test]
fn names_entered_at_consent_reach_the_note_and_are_purged_after_delivery() {
    let logs = common::logs();
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemoryKeyVault::new());
    let id = transcribed_session(dir.path(), &vault);
    let app = open_app(dir.path(), &vault);

    let anonymous = note(&app, &id);
    assert!(
        anonymous.to_lowercase().contains("den enskilde"),
        "{anonymous}"
    );
    assert!(!anonymous.contains(NAME), "{anonymous}");

    app.set_participants(&id, &people()).unwrap();
    assert_eq!(app.participants(&id).unwrap(), people());
    let named = note(&app, &id);
    assert!(named.contains(&format!("{NAME} berättar")), "{named}");
    assert!(named.contains(" hon "), "her pronoun: {named}");
    let items: Vec<&str> = named
        .lines()
        .filter(|l| !l.starts_with("Deltagare"))
        .collect();
    assert!(
        !items.join("\n").to_lowercase().contains("den enskilde"),
        "the header says her part, the items her name: {named}"
    );
    assert!(
        named.contains(&format!("Deltagare: {NAME} (den enskilde)")),
        "{named}"
    );
    assert!(
        named.contains("Dokumenterat av: handl-042"),
        "the staff id that obtained consent signs it: {named}"
    );
    // The caller's own participants still win (the CLI's meeting files).
    let given = DraftContext {
        participants: vec![Participant {
            speaker: "citizen".into(),
            name: Some("Birgitta".into()),
            ..Participant::default()
        }],
        ..DraftContext::default()
    };
    app.draft(&id, "sv-socialtjanst-journal", &given).unwrap();
    assert!(app.note_text(&id).unwrap().contains("Birgitta"));
    note(&app, &id);

    let needles: Vec<Vec<u8>> = [NAME, RELATIVE, "dotter"]
        .iter()
        .map(|n| n.as_bytes().to_vec())
        .collect();
    let found = common::files_containing(dir.path(), &needles);
    assert!(found.is_empty(), "plaintext names in {found:?}");

    app.review(&id, ReviewChange::MarkAllReviewed).unwrap();
    app.approve(&id, "handl-042", CitizenParticipation::ReviewedOnScreen)
        .unwrap();
    drop(app);
    // Delivery as the sync client ends it: synced, then purged keeping the receipt.
    let store = Store::open(dir.path(), vault.as_ref()).unwrap();
    assert_eq!(store.session_state(&id).unwrap(), SessionState::Queued);
    store.transition(&id, Action::MarkSynced).unwrap();
    store
        .purge_session_keep_receipt(
            &id,
            &Receipt {
                note_id: "note-1".into(),
                session_id: id.to_string(),
                received_at: 1,
                content_hash: "00".into(),
                citizen_signature: None,
            },
        )
        .unwrap();
    assert_eq!(
        store.load_participants::<Vec<Participant>>(&id).unwrap(),
        None
    );

    let logs = logs.text();
    assert!(logs.contains("session state changed"), "logs were captured");
    for n in [NAME, RELATIVE, "Birgitta", "dotter"] {
        assert!(!logs.contains(n), "log contains a name: {n}");
    }
}

#[test]
fn withdrawal_wipes_the_participants_and_bad_entries_are_refused_unquoted() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemoryKeyVault::new());
    let id = transcribed_session(dir.path(), &vault);
    let app = open_app(dir.path(), &vault);

    let wrong = [Participant {
        speaker: "citizen".into(),
        name: Some(NAME.into()),
        pronoun: Some("she".into()),
        ..Participant::default()
    }];
    let err = app.set_participants(&id, &wrong).unwrap_err();
    assert!(matches!(err, AppError::InvalidParticipant(_)), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("han, hon, hen") && !msg.contains(NAME),
        "{msg}"
    );
    let long = [Participant {
        speaker: "relative".into(),
        description: Some(format!("{RELATIVE} ").repeat(20)),
        ..Participant::default()
    }];
    let msg = app.set_participants(&id, &long).unwrap_err().to_string();
    assert!(!msg.contains(RELATIVE), "{msg}");
    let worker = [Participant {
        speaker: "chef".into(),
        ..Participant::default()
    }];
    assert!(matches!(
        app.set_participants(&id, &worker),
        Err(AppError::UnknownParticipant)
    ));
    assert!(
        app.participants(&id).unwrap().is_empty(),
        "nothing half-saved"
    );

    // Only the role: the note stays neutral, as with nobody entered.
    let roles_only = [Participant {
        speaker: "citizen".into(),
        ..Participant::default()
    }];
    app.set_participants(&id, &roles_only).unwrap();
    assert!(
        app.participants(&id).unwrap().is_empty(),
        "a role alone is not kept"
    );
    let text = note(&app, &id);
    assert!(text.to_lowercase().contains("den enskilde"), "{text}");

    app.set_participants(&id, &people()).unwrap();
    app.withdraw(&id).unwrap();
    assert!(app.participants(&id).unwrap().is_empty());
    assert!(app.set_participants(&id, &people()).is_err(), "withdrawn");
}
