//! samtal-store: the encrypted on-device store. One SQLCipher database under the data
//! directory, keyed from the [`KeyVault`]. Everything a session produces (consent,
//! transcript, draft, note, spool chunk keys, outbox, audit trail) lives here, so losing the
//! key loses the data, which is what we want for a lost phone.
//!
//! SQL runs only in this crate: each table has a small API here ([`Store`]'s methods,
//! [`Store::outbox`], [`spool`], [`audit`]), and the connection never leaves it. What the
//! encryption protects against: docs/security.md.
pub mod audit;
mod identity;
pub mod keyvault;
mod migrations;
mod outbox;
pub mod retention;
mod sessions;
mod speakers;
pub mod spool;
mod state;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::keyvault::{KeyVault, KeyVaultError};

pub use identity::{DeviceIdentity, SealedIdentity};
pub use outbox::{DueNote, Outbox, OutboxEntry, OutboxStatus};
pub use sessions::{Consent, ConsentDecision, InformedBy, Receipt, SessionId, SessionInfo};
pub use speakers::{SegmentSpeaker, StoredVoiceProfile};
pub use state::{Action, SessionState, TransitionError, UnknownState};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "samtal.db";
/// Vault alias of the database key.
pub const DB_KEY_ALIAS: &str = "samtal-db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} cannot be opened: the key is wrong or the file is not a Samtal database \
         (nothing was changed; restore the right key or move the file away)"
    )]
    WrongKeyOrNotADatabase { path: PathBuf },
    #[error(
        "{path} exists but its key is missing from the key store; the data cannot be read \
         (nothing was changed; wiping the app removes it)"
    )]
    KeyMissing { path: PathBuf },
    #[error("database schema version {found} is newer than this app supports ({supported}); update the app")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error(transparent)]
    Vault(#[from] KeyVaultError),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("I/O error at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no session {0}")]
    UnknownSession(String),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    UnknownState(#[from] UnknownState),
    #[error("session {session} is {state}, not recording: audio cannot be added")]
    NotRecording {
        session: String,
        state: SessionState,
    },
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        field: &'static str,
        reason: &'static str,
    },
    /// Never carries the serde message: it can quote the content being encoded.
    #[error("could not {op} {what} (line {line}, column {column})")]
    Encoding {
        op: &'static str,
        what: &'static str,
        line: usize,
        column: usize,
    },
    #[error("audio chunk {seq} of session {session} failed authentication (damaged or tampered)")]
    ChunkCorrupt { session: String, seq: u64 },
}

impl StoreError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
        move |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn encoding(
        op: &'static str,
        what: &'static str,
        e: &serde_json::Error,
    ) -> StoreError {
        StoreError::Encoding {
            op,
            what,
            line: e.line(),
            column: e.column(),
        }
    }
}

/// The time source, injectable so retention can be tested without waiting.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// The real wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }
}

/// A clock that only moves when told to (tests, simulations).
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(now_ms: i64) -> Self {
        ManualClock(AtomicI64::new(now_ms))
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The encrypted store. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct Store {
    conn: Mutex<Connection>,
    data_dir: PathBuf,
    clock: Arc<dyn Clock>,
    device_id: String,
    user_id: Mutex<String>,
}

impl Store {
    /// Opens (or creates) the store in `data_dir` with the real clock.
    pub fn open(data_dir: &Path, vault: &dyn KeyVault) -> Result<Store, StoreError> {
        Store::open_with_clock(data_dir, vault, Arc::new(SystemClock))
    }

    /// Opens (or creates) the store. An existing database is never modified before its
    /// key has been verified; a wrong key or foreign file is an error, not a reset.
    pub fn open_with_clock(
        data_dir: &Path,
        vault: &dyn KeyVault,
        clock: Arc<dyn Clock>,
    ) -> Result<Store, StoreError> {
        crate::keyvault::create_private_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        let exists = path.exists();
        let key = if exists {
            vault
                .get(DB_KEY_ALIAS)?
                .ok_or_else(|| StoreError::KeyMissing { path: path.clone() })?
        } else {
            vault.get_or_create(DB_KEY_ALIAS)?
        };
        let flags = if exists {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let mut conn = Connection::open_with_flags(&path, flags)?;
        // Memory security wipes SQLCipher's buffers on free; set before the key is used.
        // SQLCipher's own stderr log is off: failures come back as errors instead.
        conn.execute_batch("PRAGMA cipher_log_level = NONE; PRAGMA cipher_memory_security = ON;")?;
        let hex_key = zeroize::Zeroizing::new(hex::encode(key.expose()));
        let key_pragma = zeroize::Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", *hex_key));
        conn.execute_batch(&key_pragma)?;
        // The first read tells a wrong key or a foreign file apart from a good database.
        let check: Result<i64, _> =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
        match check {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(StoreError::WrongKeyOrNotADatabase { path });
            }
            Err(e) => return Err(e.into()),
        }
        conn.execute_batch(
            "PRAGMA secure_delete = ON;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA synchronous = FULL;",
        )?;
        if !pragma_on(&conn, "secure_delete")? || !pragma_on(&conn, "cipher_memory_security")? {
            return Err(StoreError::InvalidInput {
                field: "database",
                reason: "SQLCipher did not accept secure_delete / cipher_memory_security",
            });
        }
        migrations::migrate(&mut conn)?;
        let device_id = device_id(&conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            data_dir: data_dir.to_path_buf(),
            clock,
            device_id,
            user_id: Mutex::new("-".to_string()),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Directory of the encrypted audio spool.
    pub fn spool_dir(&self) -> PathBuf {
        self.data_dir.join("spool")
    }

    /// This device's random id, made when the database was created.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Sets the signed-in worker's id (a staff id, never a personal number) that audit
    /// events are attributed to.
    pub fn set_user(&self, user_id: &str) -> Result<(), StoreError> {
        check_token("user id", user_id)?;
        *self.user_id.lock().unwrap_or_else(|e| e.into_inner()) = user_id.to_string();
        Ok(())
    }

    pub fn user_id(&self) -> String {
        self.user_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The connection, for this crate's table modules only.
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one transaction: committed if it returns `Ok`, rolled back otherwise.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Saves the session's current draft (any serde type of the drafting/review model).
    pub fn save_draft(
        &self,
        session: &SessionId,
        draft: &impl Serialize,
    ) -> Result<(), StoreError> {
        self.save_blob("drafts", "draft", session, draft)
    }

    pub fn load_draft<T: DeserializeOwned>(
        &self,
        session: &SessionId,
    ) -> Result<Option<T>, StoreError> {
        self.load_blob("drafts", "draft", session)
    }

    /// Saves what the session's draft was made with besides the transcript (the drafter's
    /// context), so it can be drafted again the same way.
    pub fn save_draft_context(
        &self,
        session: &SessionId,
        context: &impl Serialize,
    ) -> Result<(), StoreError> {
        self.save_blob("draft_contexts", "draft_context", session, context)
    }

    pub fn load_draft_context<T: DeserializeOwned>(
        &self,
        session: &SessionId,
    ) -> Result<Option<T>, StoreError> {
        self.load_blob("draft_contexts", "draft_context", session)
    }

    /// Saves who takes part in the session (names, descriptions, pronouns as the worker
    /// entered them), replacing what was saved before. Content: wiped with the transcript.
    pub fn save_participants(
        &self,
        session: &SessionId,
        participants: &impl Serialize,
    ) -> Result<(), StoreError> {
        self.save_blob("participants", "participants", session, participants)
    }

    pub fn load_participants<T: DeserializeOwned>(
        &self,
        session: &SessionId,
    ) -> Result<Option<T>, StoreError> {
        self.load_blob("participants", "participants", session)
    }

    /// Saves the session's note (e.g. the approved note awaiting sync).
    pub fn save_note(&self, session: &SessionId, note: &impl Serialize) -> Result<(), StoreError> {
        self.save_blob("notes", "note", session, note)
    }

    pub fn load_note<T: DeserializeOwned>(
        &self,
        session: &SessionId,
    ) -> Result<Option<T>, StoreError> {
        self.load_blob("notes", "note", session)
    }

    fn save_blob(
        &self,
        table: &'static str,
        what: &'static str,
        session: &SessionId,
        value: &impl Serialize,
    ) -> Result<(), StoreError> {
        let body = zeroize::Zeroizing::new(
            serde_json::to_vec(value).map_err(|e| StoreError::encoding("encode", what, &e))?,
        );
        let now = self.now_ms();
        self.write(|tx| {
            let state = sessions::state_of(tx, session)?;
            if !state.is_before_approval() && state != SessionState::Approved {
                return Err(TransitionError::Invalid {
                    from: state,
                    action: Action::Draft,
                }
                .into());
            }
            tx.execute(
                &format!(
                    "INSERT INTO {table} (session_id, updated_at, body) VALUES (?1, ?2, ?3)
                     ON CONFLICT(session_id) DO UPDATE SET updated_at = ?2, body = ?3"
                ),
                rusqlite::params![session.as_str(), now, &body[..]],
            )?;
            crate::audit::append(
                tx,
                &self.event(now, Some(session), &format!("{what}_saved"), ""),
            )?;
            Ok(())
        })
    }

    fn load_blob<T: DeserializeOwned>(
        &self,
        table: &'static str,
        what: &'static str,
        session: &SessionId,
    ) -> Result<Option<T>, StoreError> {
        let conn = self.conn();
        let body: Option<zeroize::Zeroizing<Vec<u8>>> = conn
            .query_row(
                &format!("SELECT body FROM {table} WHERE session_id = ?1"),
                [session.as_str()],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()?
            .map(zeroize::Zeroizing::new);
        body.map(|b| {
            serde_json::from_slice(&b).map_err(|e| StoreError::encoding("decode", what, &e))
        })
        .transpose()
    }

    /// An audit event attributed to this device and the current user.
    pub(crate) fn event<'a>(
        &self,
        at: i64,
        session: Option<&'a SessionId>,
        kind: &str,
        detail: &'a str,
    ) -> crate::audit::NewEvent<'a> {
        crate::audit::NewEvent {
            at,
            device_id: self.device_id.clone(),
            user_id: self.user_id(),
            session: session.map(SessionId::as_str),
            kind: kind.to_string(),
            detail,
        }
    }

    /// Appends an audit event for something that happened outside the store (e.g.
    /// "note_edited", "sync_failed"). `kind` and `detail` are short machine words:
    /// never transcript or note text, names or personal numbers.
    pub fn audit(
        &self,
        session: Option<&SessionId>,
        kind: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        check_token("audit kind", kind)?;
        if detail.len() > 200 {
            return Err(StoreError::InvalidInput {
                field: "audit detail",
                reason: "longer than 200 bytes; audit details are short codes, never content",
            });
        }
        let now = self.now_ms();
        let conn = self.conn();
        crate::audit::append(&conn, &self.event(now, session, kind, detail))?;
        Ok(())
    }

    /// Checks the whole audit chain; see [`crate::audit::verify`].
    pub fn verify_audit(&self) -> Result<crate::audit::Verified, crate::audit::AuditError> {
        crate::audit::verify(&self.conn())
    }
}

/// Short identifiers only (ids, codes): keeps free text, and with it content, out of
/// fields that end up in the audit trail.
fn check_token(field: &'static str, value: &str) -> Result<(), StoreError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidInput {
            field,
            reason: "use 1–64 characters of letters, digits and - _ . @ :",
        })
    }
}

/// Whether a boolean pragma reads back as on (SQLCipher answers with text, SQLite with
/// an integer).
fn pragma_on(conn: &Connection, pragma: &str) -> Result<bool, StoreError> {
    use rusqlite::types::Value;
    let v: Value = conn.pragma_query_value(None, pragma, |r| r.get(0))?;
    Ok(match v {
        Value::Integer(i) => i == 1,
        Value::Text(t) => t == "1" || t.eq_ignore_ascii_case("on"),
        _ => false,
    })
}

fn device_id(conn: &Connection) -> Result<String, StoreError> {
    let existing: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = sessions::random_id();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('device_id', ?1)",
        [&id],
    )?;
    Ok(id)
}
