//! The phone's outbox: approved notes waiting for delivery, with a status per note.
//!
//! A note enters only from an approved session. Its body is kept until the endpoint's receipt
//! has been verified, then removed; the row stays as a content-free record of delivery.
//! `sending` rows left by a crash are simply sent again: the endpoint's PUT is idempotent
//! by note id, so the effect is exactly once.

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::SyncError;
use crate::session::{Action, SessionState};
use crate::store::{SessionId, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Queued,
    Sending,
    Delivered,
    Rejected,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Delivered => "delivered",
            OutboxStatus::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> OutboxStatus {
        match s {
            "sending" => OutboxStatus::Sending,
            "delivered" => OutboxStatus::Delivered,
            "rejected" => OutboxStatus::Rejected,
            _ => OutboxStatus::Queued,
        }
    }
}

/// One outbox row as shown to the worker (no content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub note_id: String,
    pub session_id: String,
    pub content_hash: String,
    pub status: OutboxStatus,
    pub attempts: u32,
    /// Why the last attempt failed or why the endpoint rejected the note.
    pub reason: Option<String>,
    pub next_attempt_at: i64,
    pub updated_at: i64,
}

/// A note due for upload.
pub(crate) struct Due {
    pub note_id: String,
    pub session_id: String,
    pub content_hash: String,
    pub body: Vec<u8>,
    pub attempts: u32,
}

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
    let now = store.now_ms();
    store.conn().execute(
        "INSERT OR IGNORE INTO sync_outbox
         (note_id, session_id, content_hash, body, status, attempts, next_attempt_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?5)",
        params![
            envelope.note_id,
            session.as_str(),
            envelope.content_hash,
            &*body,
            now
        ],
    )?;
    if state == SessionState::Approved {
        store.transition(session, Action::Queue)?;
    }
    Ok(envelope.note_id)
}

/// Every outbox row, oldest first.
pub fn list(store: &Store) -> Result<Vec<OutboxEntry>, SyncError> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT note_id, session_id, content_hash, status, attempts, reason, next_attempt_at,
                updated_at
         FROM sync_outbox ORDER BY rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OutboxEntry {
            note_id: r.get(0)?,
            session_id: r.get(1)?,
            content_hash: r.get(2)?,
            status: OutboxStatus::parse(&r.get::<_, String>(3)?),
            attempts: r.get(4)?,
            reason: r.get(5)?,
            next_attempt_at: r.get(6)?,
            updated_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn due(store: &Store, now: i64) -> Result<Vec<Due>, SyncError> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT note_id, session_id, content_hash, body, attempts FROM sync_outbox
         WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?1
         ORDER BY next_attempt_at, rowid",
    )?;
    let rows = stmt.query_map([now], |r| {
        Ok(Due {
            note_id: r.get(0)?,
            session_id: r.get(1)?,
            content_hash: r.get(2)?,
            body: r.get(3)?,
            attempts: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Earliest next attempt among notes still waiting, if any.
pub(crate) fn next_due(store: &Store) -> Result<Option<i64>, SyncError> {
    Ok(store
        .conn()
        .query_row(
            "SELECT MIN(next_attempt_at) FROM sync_outbox WHERE status IN ('queued', 'sending')",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub(crate) fn mark_sending(store: &Store, note_id: &str) -> Result<(), SyncError> {
    store.conn().execute(
        "UPDATE sync_outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?2
         WHERE note_id = ?1",
        params![note_id, store.now_ms()],
    )?;
    Ok(())
}

pub(crate) fn mark_retry(
    store: &Store,
    note_id: &str,
    next_attempt_at: i64,
    reason: &str,
) -> Result<(), SyncError> {
    store.conn().execute(
        "UPDATE sync_outbox SET status = 'queued', reason = ?3, next_attempt_at = ?4,
         updated_at = ?2 WHERE note_id = ?1",
        params![note_id, store.now_ms(), reason, next_attempt_at],
    )?;
    Ok(())
}

/// Rejected by the endpoint: kept (with its body) so the worker can see why and correct it
/// in a new version; never retried automatically.
pub(crate) fn mark_rejected(store: &Store, note_id: &str, reason: &str) -> Result<(), SyncError> {
    store.conn().execute(
        "UPDATE sync_outbox SET status = 'rejected', reason = ?3, updated_at = ?2
         WHERE note_id = ?1",
        params![note_id, store.now_ms(), reason],
    )?;
    Ok(())
}

/// Delivered: the body is removed, the row stays as a content-free record.
pub(crate) fn mark_delivered(store: &Store, note_id: &str) -> Result<(), SyncError> {
    store.conn().execute(
        "UPDATE sync_outbox SET status = 'delivered', body = NULL, reason = NULL,
         updated_at = ?2 WHERE note_id = ?1",
        params![note_id, store.now_ms()],
    )?;
    Ok(())
}
