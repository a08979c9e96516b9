//! The `sync_outbox` table: approved notes waiting for delivery, one row per note with its
//! status. A row enters only from an approved session. Its body is kept until the endpoint's
//! receipt has been verified, then removed; the row stays as a content-free record of
//! delivery. What a status means for delivery is decided by `samtal-sync`.
use rusqlite::{params, OptionalExtension};
use zeroize::Zeroizing;

use crate::sessions::state_of;
use crate::{Action, SessionId, SessionState, Store, StoreError, TransitionError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

/// A note due for upload, with its sealed body.
pub struct DueNote {
    pub note_id: String,
    pub session_id: String,
    pub content_hash: String,
    pub body: Zeroizing<Vec<u8>>,
    pub attempts: u32,
}

/// The outbox table of a [`Store`] (see [`Store::outbox`]).
pub struct Outbox<'s>(&'s Store);

impl Store {
    /// The outbox: approved notes and their delivery status.
    pub fn outbox(&self) -> Outbox<'_> {
        Outbox(self)
    }
}

impl Outbox<'_> {
    /// Queues the approved note of `session` (idempotent: a note already queued keeps its
    /// row) and moves an `Approved` session to `Queued`, in one transaction.
    pub fn enqueue(
        &self,
        session: &SessionId,
        note_id: &str,
        content_hash: &str,
        body: &[u8],
    ) -> Result<(), StoreError> {
        let store = self.0;
        let now = store.now_ms();
        store.write(|tx| {
            let state = state_of(tx, session)?;
            if !matches!(state, SessionState::Approved | SessionState::Queued) {
                return Err(TransitionError::Invalid {
                    from: state,
                    action: Action::Queue,
                }
                .into());
            }
            tx.execute(
                "INSERT OR IGNORE INTO sync_outbox
                 (note_id, session_id, content_hash, body, status, attempts, next_attempt_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?5)",
                params![note_id, session.as_str(), content_hash, body, now],
            )?;
            if state == SessionState::Approved {
                store.step(tx, session, Action::Queue, now, "")?;
            }
            Ok(())
        })
    }

    /// Every row, oldest first.
    pub fn list(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let conn = self.0.conn();
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

    /// Notes waiting for delivery whose next attempt is due at `now`. `sending` rows left by
    /// a crash are due again: the endpoint's PUT is idempotent by note id.
    pub fn due(&self, now: i64) -> Result<Vec<DueNote>, StoreError> {
        let conn = self.0.conn();
        let mut stmt = conn.prepare(
            "SELECT note_id, session_id, content_hash, body, attempts FROM sync_outbox
             WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, rowid",
        )?;
        let rows = stmt.query_map([now], |r| {
            Ok(DueNote {
                note_id: r.get(0)?,
                session_id: r.get(1)?,
                content_hash: r.get(2)?,
                body: Zeroizing::new(r.get(3)?),
                attempts: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Earliest next attempt among notes still waiting, if any.
    pub fn next_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .0
            .conn()
            .query_row(
                "SELECT MIN(next_attempt_at) FROM sync_outbox WHERE status IN ('queued', 'sending')",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    pub fn mark_sending(&self, note_id: &str) -> Result<(), StoreError> {
        self.update(
            "UPDATE sync_outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?2
             WHERE note_id = ?1",
            note_id,
            &[],
        )
    }

    /// Back to `queued`, tried again at `next_attempt_at`.
    pub fn mark_retry(
        &self,
        note_id: &str,
        next_attempt_at: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.update(
            "UPDATE sync_outbox SET status = 'queued', reason = ?3, next_attempt_at = ?4,
             updated_at = ?2 WHERE note_id = ?1",
            note_id,
            &[&reason, &next_attempt_at],
        )
    }

    /// Rejected by the endpoint: kept (with its body) so the worker can see why and correct
    /// it in a new version; never retried automatically.
    pub fn mark_rejected(&self, note_id: &str, reason: &str) -> Result<(), StoreError> {
        self.update(
            "UPDATE sync_outbox SET status = 'rejected', reason = ?3, updated_at = ?2
             WHERE note_id = ?1",
            note_id,
            &[&reason],
        )
    }

    /// Delivered: the body is removed, the row stays as a content-free record.
    pub fn mark_delivered(&self, note_id: &str) -> Result<(), StoreError> {
        self.update(
            "UPDATE sync_outbox SET status = 'delivered', body = NULL, reason = NULL,
             updated_at = ?2 WHERE note_id = ?1",
            note_id,
            &[],
        )
    }

    /// Runs `sql` with `?1` the note id, `?2` the store's time and `?3…` the `rest`.
    fn update(
        &self,
        sql: &str,
        note_id: &str,
        rest: &[&dyn rusqlite::ToSql],
    ) -> Result<(), StoreError> {
        let now = self.0.now_ms();
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&note_id, &now];
        args.extend_from_slice(rest);
        self.0.conn().execute(sql, args.as_slice())?;
        Ok(())
    }
}
