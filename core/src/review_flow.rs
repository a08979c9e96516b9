//! The path of one session from its stored transcript to a draft under review and on to an
//! approved, sealed note in the outbox. The drafter only proposes; [`approve_and_queue`] is
//! the single place a person's approval turns a draft into something that may leave the phone.
use serde_json::Value;

use samtal_draft::review::{render, CitizenParticipation, DraftDocument, ReviewError};
use samtal_draft::template::Template;
use samtal_draft::transcript::Transcript;
use samtal_draft::{draft, DraftContext};
use samtal_store::{Action, SessionId, SessionState, Store, StoreError};
use samtal_sync::{outbox, SyncError};

/// Why a step of the review flow was refused. Never carries transcript or note text.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("session {0} has no transcript yet; record it first")]
    NoTranscript(String),
    #[error("session {0} has no draft yet; draft it first")]
    NoDraft(String),
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sync(#[from] SyncError),
}

/// Drafts the session's stored transcript with `template` and saves the draft, replacing an
/// earlier one (re-drafting is allowed until approval).
pub fn draft_session(
    store: &Store,
    session: &SessionId,
    template: &Template,
    ctx: &DraftContext,
) -> Result<DraftDocument, FlowError> {
    let transcript = Transcript {
        language: template.language.clone(),
        segments: store.segments(session)?,
    };
    if transcript.segments.is_empty() {
        return Err(FlowError::NoTranscript(session.to_string()));
    }
    let doc = draft(&transcript, template, ctx);
    // Check the transition before saving, so a draft is never stored for a session that
    // may not have one (e.g. already approved).
    store
        .session_state(session)?
        .apply(Action::Draft)
        .map_err(StoreError::from)?;
    store.save_draft(session, &doc)?;
    store.transition(session, Action::Draft)?;
    Ok(doc)
}

/// The session's current draft (or approved document).
pub fn load(store: &Store, session: &SessionId) -> Result<DraftDocument, FlowError> {
    store
        .load_draft(session)?
        .ok_or_else(|| FlowError::NoDraft(session.to_string()))
}

/// Applies one review change to the stored draft and saves it; opens the review first if
/// the session was only drafted. `what` is the audit word for the change.
fn update(
    store: &Store,
    session: &SessionId,
    what: &str,
    change: impl FnOnce(&mut DraftDocument) -> Result<(), ReviewError>,
) -> Result<DraftDocument, FlowError> {
    let mut doc = load(store, session)?;
    change(&mut doc)?;
    open_review(store, session)?;
    store.save_draft(session, &doc)?;
    store.audit(Some(session), what, "")?;
    Ok(doc)
}

/// One change a person makes while reviewing a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ReviewChange {
    /// The worker has checked these items against what was said (resolves their flags).
    MarkReviewed {
        items: Vec<u32>,
    },
    /// As `MarkReviewed` for every item in the note.
    MarkAllReviewed,
    /// Replaces an item's text (flagged as edited; keeps its citations).
    Edit {
        item: u32,
        text: String,
    },
    /// Adds an item of the worker's own to a section.
    Add {
        section: String,
        text: String,
    },
    Delete {
        item: u32,
    },
    /// Moves an item to another section.
    Move {
        item: u32,
        section: String,
    },
    /// The citizen's own comment on the note, in their words.
    CitizenComment {
        text: String,
    },
}

impl ReviewChange {
    /// The audit word for the change (no content).
    fn audit_kind(&self) -> &'static str {
        match self {
            ReviewChange::MarkReviewed { .. } | ReviewChange::MarkAllReviewed => "items_reviewed",
            ReviewChange::Edit { .. } => "item_edited",
            ReviewChange::Add { .. } => "item_added",
            ReviewChange::Delete { .. } => "item_deleted",
            ReviewChange::Move { .. } => "item_moved",
            ReviewChange::CitizenComment { .. } => "citizen_commented",
        }
    }
}

/// Applies a [`ReviewChange`] to the stored draft; returns the saved draft.
pub fn apply(
    store: &Store,
    session: &SessionId,
    change: ReviewChange,
) -> Result<DraftDocument, FlowError> {
    let what = change.audit_kind();
    update(store, session, what, |d| match change {
        ReviewChange::MarkReviewed { items } => {
            items.into_iter().try_for_each(|i| d.mark_reviewed(i))
        }
        ReviewChange::MarkAllReviewed => {
            let ids: Vec<u32> = d.items.iter().map(|i| i.id).collect();
            ids.into_iter().try_for_each(|i| d.mark_reviewed(i))
        }
        ReviewChange::Edit { item, text } => d.edit(item, &text),
        ReviewChange::Add { section, text } => d.add(&section, &text).map(|_| ()),
        ReviewChange::Delete { item } => d.delete(item),
        ReviewChange::Move { item, section } => d.move_to(item, &section),
        ReviewChange::CitizenComment { text } => d.set_citizen_comment(&text),
    })
}

/// The worker approves the note (every flag resolved, [`DraftDocument::approve`]'s rules),
/// the sealed note is stored and queued for delivery. Returns the note id. Safe to repeat
/// after an interruption: an approved note keeps its id and is queued once.
pub fn approve_and_queue(
    store: &Store,
    session: &SessionId,
    approved_by: &str,
    citizen: CitizenParticipation,
) -> Result<String, FlowError> {
    let mut doc = load(store, session)?;
    if store.session_state(session)?.is_before_approval() {
        open_review(store, session)?;
        if !doc.is_approved() {
            doc.approve(approved_by, &rfc3339(store.now_ms()), citizen)?;
            store.save_draft(session, &doc)?;
        }
        if store.load_note::<Value>(session)?.is_none() {
            store.save_note(session, &sealed_note(&doc)?)?;
        }
        store.transition(session, Action::Approve)?;
    }
    Ok(outbox::enqueue(store, session)?)
}

/// The approved note as the wire protocol wants it: the `samtal.note` JSON with a fresh
/// note id and the template id, sealed with its content hash.
fn sealed_note(doc: &DraftDocument) -> Result<Value, FlowError> {
    let mut note: Value =
        serde_json::from_str(&render::note_json(doc)?).expect("note_json is valid JSON");
    if let Value::Object(map) = &mut note {
        map.insert(
            "note_id".into(),
            Value::String(uuid::Uuid::new_v4().to_string()),
        );
        map.insert("template_id".into(), Value::String(doc.template.clone()));
    }
    samtal_protocol::note::seal(&mut note);
    Ok(note)
}

fn open_review(store: &Store, session: &SessionId) -> Result<(), FlowError> {
    if store.session_state(session)? == SessionState::Drafted {
        store.transition(session, Action::OpenReview)?;
    }
    Ok(())
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use samtal_draft::template::Templates;
    use samtal_draft::transcript::Segment;
    use samtal_store::keyvault::MemoryKeyVault;
    use samtal_store::{ConsentDecision, InformedBy};

    fn transcribed(store: &Store) -> SessionId {
        let s = store.create_session().unwrap();
        store
            .record_consent(
                &s,
                ConsentDecision::Given,
                InformedBy::Verbal,
                "en",
                "worker-1",
            )
            .unwrap();
        store.transition(&s, Action::StartRecording).unwrap();
        let seg = Segment {
            id: 1,
            start: 0.0,
            end: 4.0,
            text: "I would like help with cleaning once a week.".into(),
            confidence: 0.95,
            words: vec![],
            speaker: Some("citizen".into()),
        };
        store.append_segment(&s, &seg).unwrap();
        store.transition(&s, Action::Stop).unwrap();
        store.transition(&s, Action::FinishTranscription).unwrap();
        s
    }

    #[test]
    fn transcript_to_queued_sealed_note_only_after_review() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &MemoryKeyVault::new()).unwrap();
        let s = transcribed(&store);
        let templates = Templates::builtin();
        let template = templates.get("en-casenote").unwrap();
        let doc = draft_session(&store, &s, template, &DraftContext::default()).unwrap();
        assert!(!doc.items.is_empty());
        assert_eq!(store.session_state(&s).unwrap(), SessionState::Drafted);

        let ids: Vec<u32> = doc.items.iter().map(|i| i.id).collect();
        update(&store, &s, "items_reviewed", |d| {
            ids.iter().try_for_each(|id| d.mark_reviewed(*id))
        })
        .unwrap();
        assert_eq!(store.session_state(&s).unwrap(), SessionState::InReview);

        let note_id = approve_and_queue(
            &store,
            &s,
            "worker-1",
            CitizenParticipation::ReviewedOnScreen,
        )
        .unwrap();
        assert_eq!(store.session_state(&s).unwrap(), SessionState::Queued);
        let note: Value = store.load_note(&s).unwrap().unwrap();
        let envelope = samtal_protocol::validate_note(&note).unwrap();
        assert_eq!(envelope.note_id, note_id);
        assert_eq!(envelope.template_id, "en-casenote");
        // Repeating the approval queues the same note once.
        assert_eq!(
            approve_and_queue(
                &store,
                &s,
                "worker-1",
                CitizenParticipation::ReviewedOnScreen
            )
            .unwrap(),
            note_id
        );
        assert_eq!(outbox::list(&store).unwrap().len(), 1);
        // An approved note cannot be re-drafted or changed.
        assert!(draft_session(&store, &s, template, &DraftContext::default()).is_err());
        assert!(matches!(
            update(&store, &s, "item_edited", |d| d.edit(ids[0], "x")),
            Err(FlowError::Review(ReviewError::Approved))
        ));
    }

    #[test]
    fn untranscribed_session_cannot_be_drafted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &MemoryKeyVault::new()).unwrap();
        let s = store.create_session().unwrap();
        let templates = Templates::builtin();
        let err = draft_session(
            &store,
            &s,
            templates.get("en-casenote").unwrap(),
            &DraftContext::default(),
        )
        .unwrap_err();
        assert!(matches!(err, FlowError::NoTranscript(_)));
    }
}
