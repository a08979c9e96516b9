//! Sessions in the database: creation, consent, lifecycle steps (each audited in the same
//! transaction), transcript segments, wiping and the receipt that outlives a session.
use std::fmt;
use std::str::FromStr;

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{check_token, Store, StoreError};
use crate::state::{Action, SessionState};
use samtal_draft::transcript::Segment;

/// A session's random id (128 bits, hex). Carries no meaning, so it may appear in logs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SessionId(String);

impl SessionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Crosses the FFI as a string; one coming in is checked like any other.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(SessionId, String, {
    lower: |id| id.0,
    try_lift: |s| Ok(s.parse()?),
});

impl FromStr for SessionId {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(SessionId(s.to_ascii_lowercase()))
        } else {
            Err(StoreError::InvalidInput {
                field: "session id",
                reason: "expected 32 hex characters",
            })
        }
    }
}

pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ConsentDecision {
    Given,
    Refused,
}

/// How the citizen was informed before deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum InformedBy {
    Verbal,
    Written,
    Interpreter,
}

impl InformedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            InformedBy::Verbal => "verbal",
            InformedBy::Written => "written",
            InformedBy::Interpreter => "interpreter",
        }
    }
}

impl FromStr for InformedBy {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "verbal" => Ok(InformedBy::Verbal),
            "written" => Ok(InformedBy::Written),
            "interpreter" => Ok(InformedBy::Interpreter),
            _ => Err(StoreError::InvalidInput {
                field: "informed by",
                reason: "expected verbal, written or interpreter",
            }),
        }
    }
}

/// The consent record: how the citizen was informed, in which language, who obtained it
/// and when (the store's clock fills `recorded_at`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Consent {
    pub decision: ConsentDecision,
    pub informed_by: InformedBy,
    /// ISO 639-1 code of the language the citizen was informed in.
    pub language: String,
    /// Staff id of the worker who obtained it (never a personal number).
    pub obtained_by: String,
    pub recorded_at: i64,
    pub withdrawn_at: Option<i64>,
    /// Who takes part besides the worker, as declared at consent (role labels such as
    /// `citizen`, `relative`, `interpreter`); empty when not declared.
    #[serde(default)]
    pub present: Vec<String>,
}

/// What `samtal sessions` shows: states, times and counts, never content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionInfo {
    pub id: SessionId,
    pub state: SessionState,
    pub created_at: i64,
    pub updated_at: i64,
    pub captured_seconds: f64,
    pub transcribed_until: f64,
    pub consent: Option<Consent>,
    pub segments: u64,
    pub spool_chunks: u64,
    pub has_draft: bool,
    pub has_note: bool,
}

/// Proof of delivery from the municipal endpoint; all that stays after a purge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Receipt {
    pub note_id: String,
    pub session_id: String,
    pub received_at: i64,
    pub content_hash: String,
    /// SHA-256 (hex) of the citizen's BankID signature, if the citizen signed the note.
    #[serde(default)]
    pub citizen_signature: Option<String>,
}

fn audit_kind(action: Action) -> &'static str {
    match action {
        Action::GiveConsent => "consent_given",
        Action::RefuseConsent => "consent_refused",
        Action::StartRecording => "recording_started",
        Action::Pause => "recording_paused",
        Action::Resume => "recording_resumed",
        Action::Stop => "recording_stopped",
        Action::FinishTranscription => "transcribed",
        Action::Draft => "drafted",
        Action::OpenReview => "review_opened",
        Action::Approve => "approved",
        Action::Queue => "queued",
        Action::MarkSynced => "synced",
        Action::Purge => "purged",
        Action::Withdraw => "consent_withdrawn",
        Action::Discard => "discarded",
    }
}

pub(crate) fn state_of(conn: &Connection, session: &SessionId) -> Result<SessionState, StoreError> {
    let state: Option<String> = conn
        .query_row(
            "SELECT state FROM sessions WHERE id = ?1",
            [session.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    let state = state.ok_or_else(|| StoreError::UnknownSession(session.to_string()))?;
    Ok(state.parse()?)
}

impl Store {
    /// Starts a new session in state `Created`.
    pub fn create_session(&self) -> Result<SessionId, StoreError> {
        let id = SessionId(random_id());
        let now = self.now_ms();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sessions (id, state, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                rusqlite::params![id.as_str(), SessionState::Created.as_str(), now],
            )?;
            crate::audit::append(tx, &self.event(now, Some(&id), "session_created", ""))?;
            Ok(())
        })?;
        tracing::info!(session = %id, "session created");
        Ok(id)
    }

    /// Records the citizen's decision. Given → `Consented`; refused → `Discarded`, and
    /// the session can never record.
    pub fn record_consent(
        &self,
        session: &SessionId,
        decision: ConsentDecision,
        informed_by: InformedBy,
        language: &str,
        obtained_by: &str,
    ) -> Result<SessionState, StoreError> {
        self.record_consent_with_present(session, decision, informed_by, language, obtained_by, &[])
    }

    /// [`record_consent`](Self::record_consent) with who takes part besides the worker
    /// (short role labels, at most 8).
    pub fn record_consent_with_present(
        &self,
        session: &SessionId,
        decision: ConsentDecision,
        informed_by: InformedBy,
        language: &str,
        obtained_by: &str,
        present: &[String],
    ) -> Result<SessionState, StoreError> {
        if present.len() > 8 {
            return Err(StoreError::InvalidInput {
                field: "present",
                reason: "at most 8 roles",
            });
        }
        for role in present {
            check_token("present", role)?;
        }
        let present = present.join(",");
        if !(language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase())) {
            return Err(StoreError::InvalidInput {
                field: "consent language",
                reason: "expected an ISO 639-1 code such as sv, da or en",
            });
        }
        check_token("obtained by", obtained_by)?;
        let action = match decision {
            ConsentDecision::Given => Action::GiveConsent,
            ConsentDecision::Refused => Action::RefuseConsent,
        };
        let now = self.now_ms();
        self.write(|tx| {
            let next = self.step(tx, session, action, now, informed_by.as_str())?;
            tx.execute(
                "INSERT INTO consents (session_id, decision, informed_by, language, obtained_by, recorded_at, present)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    session.as_str(),
                    match decision {
                        ConsentDecision::Given => "given",
                        ConsentDecision::Refused => "refused",
                    },
                    informed_by.as_str(),
                    language,
                    obtained_by,
                    now,
                    present
                ],
            )?;
            Ok(next)
        })
    }

    /// A lifecycle step without side effects on content: start/pause/resume/stop
    /// recording, finish transcription, draft, open review, approve, queue, mark synced.
    /// Consent, withdrawal, discarding and purging have their own methods because they
    /// record or wipe data.
    pub fn transition(
        &self,
        session: &SessionId,
        action: Action,
    ) -> Result<SessionState, StoreError> {
        if matches!(
            action,
            Action::GiveConsent
                | Action::RefuseConsent
                | Action::Withdraw
                | Action::Discard
                | Action::Purge
        ) {
            return Err(StoreError::InvalidInput {
                field: "action",
                reason: "use record_consent, withdraw, discard or purge_session_keep_receipt",
            });
        }
        let now = self.now_ms();
        self.write(|tx| self.step(tx, session, action, now, ""))
    }

    /// A recording found in `Recording` after a crash or kill: paused, audited as
    /// recovered, so it can be resumed or stopped.
    pub fn mark_interrupted(&self, session: &SessionId) -> Result<SessionState, StoreError> {
        let now = self.now_ms();
        self.write(|tx| self.step(tx, session, Action::Pause, now, "recovered"))
    }

    /// Applies `action` to the stored state and audits it, inside the caller's transaction.
    pub(crate) fn step(
        &self,
        conn: &Connection,
        session: &SessionId,
        action: Action,
        now: i64,
        detail: &str,
    ) -> Result<SessionState, StoreError> {
        let from = state_of(conn, session)?;
        let next = from.apply(action)?;
        conn.execute(
            "UPDATE sessions SET state = ?2, updated_at = ?3 WHERE id = ?1",
            rusqlite::params![session.as_str(), next.as_str(), now],
        )?;
        crate::audit::append(
            conn,
            &self.event(now, Some(session), audit_kind(action), detail),
        )?;
        tracing::info!(session = %session, from = %from, to = %next, "session state changed");
        Ok(next)
    }

    /// The citizen withdraws consent: everything captured (audio, transcript, draft,
    /// note) is wiped at once; only the consent record and the audit trail remain.
    pub fn withdraw(&self, session: &SessionId) -> Result<(), StoreError> {
        self.end_and_wipe(session, Action::Withdraw)
    }

    /// The worker discards the session; its content is wiped like on withdrawal.
    pub fn discard(&self, session: &SessionId) -> Result<(), StoreError> {
        self.end_and_wipe(session, Action::Discard)
    }

    fn end_and_wipe(&self, session: &SessionId, action: Action) -> Result<(), StoreError> {
        let now = self.now_ms();
        self.write(|tx| {
            self.step(tx, session, action, now, "")?;
            delete_content(tx, session)?;
            if action == Action::Withdraw {
                tx.execute(
                    "UPDATE consents SET withdrawn_at = ?2 WHERE session_id = ?1",
                    rusqlite::params![session.as_str(), now],
                )?;
            }
            Ok(())
        })?;
        crate::spool::remove_session_files(self, session)
    }

    /// After the endpoint's verified receipt: removes the session and all its content
    /// and keeps only the receipt (note id, time, content hash). The session must be
    /// `Synced`.
    pub fn purge_session_keep_receipt(
        &self,
        session: &SessionId,
        receipt: &Receipt,
    ) -> Result<(), StoreError> {
        check_token("note id", &receipt.note_id)?;
        if receipt.session_id != session.as_str() {
            return Err(StoreError::InvalidInput {
                field: "receipt",
                reason: "belongs to another session",
            });
        }
        let now = self.now_ms();
        self.write(|tx| {
            self.step(tx, session, Action::Purge, now, &receipt.note_id)?;
            tx.execute(
                "INSERT INTO receipts
                    (note_id, session_id, received_at, content_hash, stored_at, citizen_signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    receipt.note_id,
                    receipt.session_id,
                    receipt.received_at,
                    receipt.content_hash,
                    now,
                    receipt.citizen_signature
                ],
            )?;
            delete_session(tx, session)
        })?;
        crate::spool::remove_session_files(self, session)
    }

    pub fn receipts(&self) -> Result<Vec<Receipt>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT note_id, session_id, received_at, content_hash, citizen_signature
             FROM receipts ORDER BY received_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Receipt {
                note_id: r.get(0)?,
                session_id: r.get(1)?,
                received_at: r.get(2)?,
                content_hash: r.get(3)?,
                citizen_signature: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn session_state(&self, session: &SessionId) -> Result<SessionState, StoreError> {
        state_of(&self.conn(), session)
    }

    pub fn session(&self, session: &SessionId) -> Result<SessionInfo, StoreError> {
        self.sessions()?
            .into_iter()
            .find(|s| &s.id == session)
            .ok_or_else(|| StoreError::UnknownSession(session.to_string()))
    }

    /// All sessions, oldest first.
    pub fn sessions(&self) -> Result<Vec<SessionInfo>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT s.id, s.state, s.created_at, s.updated_at, s.captured_samples, s.transcribed_until,
                    c.decision, c.informed_by, c.language, c.obtained_by, c.recorded_at, c.withdrawn_at,
                    (SELECT count(*) FROM segments g WHERE g.session_id = s.id),
                    (SELECT count(*) FROM spool_chunks k WHERE k.session_id = s.id),
                    EXISTS (SELECT 1 FROM drafts d WHERE d.session_id = s.id),
                    EXISTS (SELECT 1 FROM notes n WHERE n.session_id = s.id),
                    c.present
             FROM sessions s LEFT JOIN consents c ON c.session_id = s.id
             ORDER BY s.created_at, s.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let decision: Option<String> = r.get(6)?;
            let informed: Option<String> = r.get(7)?;
            let consent = match (decision, informed) {
                (Some(d), Some(i)) => Some(Consent {
                    decision: if d == "given" {
                        ConsentDecision::Given
                    } else {
                        ConsentDecision::Refused
                    },
                    informed_by: i.parse().unwrap_or(InformedBy::Verbal),
                    language: r.get(8)?,
                    obtained_by: r.get(9)?,
                    recorded_at: r.get(10)?,
                    withdrawn_at: r.get(11)?,
                    present: r
                        .get::<_, Option<String>>(16)?
                        .unwrap_or_default()
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect(),
                }),
                _ => None,
            };
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, f64>(5)?,
                consent,
                r.get::<_, i64>(12)?,
                r.get::<_, i64>(13)?,
                r.get::<_, bool>(14)?,
                r.get::<_, bool>(15)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, state, created_at, updated_at, samples, until, consent, segs, chunks, d, n) =
                row?;
            out.push(SessionInfo {
                id: SessionId(id),
                state: state.parse()?,
                created_at,
                updated_at,
                captured_seconds: samtal_audio::seconds(samples as usize),
                transcribed_until: until,
                consent,
                segments: segs as u64,
                spool_chunks: chunks as u64,
                has_draft: d,
                has_note: n,
            });
        }
        Ok(out)
    }

    /// Appends a finalized transcript segment while the session is being recorded or
    /// transcribed. Ids are renumbered to continue the stored ones, so a recording
    /// resumed after a crash keeps one increasing id sequence.
    pub fn append_segment(
        &self,
        session: &SessionId,
        segment: &Segment,
    ) -> Result<u32, StoreError> {
        self.write(|tx| {
            let state = state_of(tx, session)?;
            if !matches!(
                state,
                SessionState::Recording | SessionState::Paused | SessionState::Stopped
            ) {
                return Err(StoreError::NotRecording {
                    session: session.to_string(),
                    state,
                });
            }
            let id: u32 = tx.query_row(
                "SELECT coalesce(max(id), 0) + 1 FROM segments WHERE session_id = ?1",
                [session.as_str()],
                |r| r.get(0),
            )?;
            let mut stored = segment.clone();
            stored.id = id;
            let body = zeroize::Zeroizing::new(
                serde_json::to_vec(&stored)
                    .map_err(|e| StoreError::encoding("encode", "segment", &e))?,
            );
            tx.execute(
                "INSERT INTO segments (session_id, id, start_s, end_s, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![session.as_str(), id, stored.start, stored.end, &body[..]],
            )?;
            Ok(id)
        })
    }

    /// The transcript's segments so far, in id order.
    pub fn segments(&self, session: &SessionId) -> Result<Vec<Segment>, StoreError> {
        let conn = self.conn();
        state_of(&conn, session)?;
        let mut stmt =
            conn.prepare("SELECT body FROM segments WHERE session_id = ?1 ORDER BY id")?;
        let bodies = stmt.query_map([session.as_str()], |r| r.get::<_, Vec<u8>>(0))?;
        let mut segments = Vec::new();
        for body in bodies {
            let body = zeroize::Zeroizing::new(body?);
            segments.push(
                serde_json::from_slice(&body)
                    .map_err(|e| StoreError::encoding("decode", "segment", &e))?,
            );
        }
        Ok(segments)
    }

    /// Audit events of one session (or of everything), oldest first.
    pub fn audit_events(
        &self,
        session: Option<&SessionId>,
    ) -> Result<Vec<crate::audit::Event>, StoreError> {
        Ok(crate::audit::events(
            &self.conn(),
            session.map(SessionId::as_str),
        )?)
    }

    /// Wipes a session completely (content, spool, the session row) and audits why.
    pub(crate) fn wipe_session(&self, session: &SessionId, reason: &str) -> Result<(), StoreError> {
        let now = self.now_ms();
        self.write(|tx| {
            delete_session(tx, session)?;
            crate::audit::append(tx, &self.event(now, Some(session), "wiped", reason))?;
            Ok(())
        })?;
        tracing::info!(session = %session, reason, "session wiped");
        crate::spool::remove_session_files(self, session)
    }
}

/// Deletes everything captured in a session but keeps the session and consent rows.
fn delete_content(conn: &Connection, session: &SessionId) -> Result<(), StoreError> {
    for table in [
        "spool_chunks",
        "segments",
        "drafts",
        "draft_contexts",
        "participants",
        "notes",
    ] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE session_id = ?1"),
            [session.as_str()],
        )?;
    }
    conn.execute(
        "UPDATE sessions SET transcribed_until = 0 WHERE id = ?1",
        [session.as_str()],
    )?;
    Ok(())
}

fn delete_session(conn: &Connection, session: &SessionId) -> Result<(), StoreError> {
    delete_content(conn, session)?;
    conn.execute(
        "DELETE FROM consents WHERE session_id = ?1",
        [session.as_str()],
    )?;
    conn.execute("DELETE FROM sessions WHERE id = ?1", [session.as_str()])?;
    Ok(())
}
