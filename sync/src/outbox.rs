//! The phone's outbox: approved notes waiting for delivery, with a status per note (the
//! `sync_outbox` table of [`Store::outbox`]).
//!
//! A note enters only from an approved session, checked against the wire protocol first.
//! `sending` rows left by a crash are simply sent again: the endpoint's PUT is idempotent
//! by note id, so the effect is exactly once.

use serde_json::Value;

use super::SyncError;
use samtal_store::{SessionId, SessionState, Store};

pub use samtal_store::{OutboxEntry, OutboxStatus};

/// Queue the approved note of `session` (idempotent). Returns the note id.
pub fn enqueue(store: &Store, session: &SessionId) -> Result<String, SyncError> {
    let state = store.session_state(session)?;
    if !matches!(state, SessionState::Approved | SessionState::Queued) {
        return Err(SyncError::NotApproved(session.as_str().to_owned()));
    }
    let note: Value = store
        .load_note(session)?
        .ok_or_else(|| SyncError::InvalidNote("the session has no approved note".into()))?;
    let envelope =
        samtal_protocol::validate_note(&note).map_err(|e| SyncError::InvalidNote(e.to_string()))?;
    let body = zeroize::Zeroizing::new(
        serde_json::to_vec(&note).map_err(|e| SyncError::InvalidNote(e.to_string()))?,
    );
    store
        .outbox()
        .enqueue(session, &envelope.note_id, &envelope.content_hash, &body)?;
    Ok(envelope.note_id)
}

/// Every outbox row, oldest first.
pub fn list(store: &Store) -> Result<Vec<OutboxEntry>, SyncError> {
    Ok(store.outbox().list()?)
}
