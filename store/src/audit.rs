//! Hash-chained audit trail. Each event's hash covers the previous event's hash and all
//! its own fields, so editing, removing or reordering any stored event breaks the chain.
//! The newest hash and the count are also kept in `meta`, so cutting events off the end
//! is detected too. Events carry no content: only kinds, ids and times.
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// An event about to be appended.
pub struct NewEvent<'a> {
    pub at: i64,
    pub device_id: String,
    pub user_id: String,
    pub session: Option<&'a str>,
    pub kind: String,
    pub detail: &'a str,
}

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub seq: i64,
    pub at: i64,
    pub device_id: String,
    pub user_id: String,
    pub session: Option<String>,
    pub kind: String,
    pub detail: String,
}

/// Result of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub events: u64,
    /// Hex SHA-256 of the newest event (all zeros when empty).
    pub head: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit event {seq} does not match its hash: it was edited")]
    Edited { seq: i64 },
    #[error("audit chain broken before event {seq}: an event was removed, inserted or reordered")]
    Broken { seq: i64 },
    #[error("audit trail ends at event {found} but {expected} were recorded: events were cut off")]
    Truncated { found: u64, expected: u64 },
    #[error("database error while reading the audit trail: {0}")]
    Sql(#[from] rusqlite::Error),
}

const GENESIS: [u8; 32] = [0u8; 32];

fn hash_event(prev: &[u8], seq: i64, e: &NewEvent<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"samtal-audit-v1");
    h.update(prev);
    h.update(seq.to_le_bytes());
    h.update(e.at.to_le_bytes());
    for field in [
        e.device_id.as_str(),
        e.user_id.as_str(),
        e.session.unwrap_or(""),
        e.kind.as_str(),
        e.detail,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.update([u8::from(e.session.is_some())]);
    h.finalize().into()
}

fn head(conn: &Connection) -> rusqlite::Result<(u64, Vec<u8>)> {
    let stored: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(stored
        .and_then(|s| {
            let (n, h) = s.split_once(':')?;
            Some((n.parse().ok()?, hex::decode(h).ok()?))
        })
        .unwrap_or((0, GENESIS.to_vec())))
}

/// Appends an event; call inside the transaction that makes the change it records.
pub(crate) fn append(conn: &Connection, e: &NewEvent<'_>) -> rusqlite::Result<()> {
    let (count, prev) = head(conn)?;
    let seq = count as i64 + 1;
    let hash = hash_event(&prev, seq, e);
    conn.execute(
        "INSERT INTO audit_events (seq, at, device_id, user_id, session_id, kind, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![seq, e.at, e.device_id, e.user_id, e.session, e.kind, e.detail, prev, &hash[..]],
    )?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1)
         ON CONFLICT(key) DO UPDATE SET value = ?1",
        [format!("{}:{}", seq, hex::encode(hash))],
    )?;
    Ok(())
}

/// Walks the whole chain from the first event and checks every link and hash.
pub fn verify(conn: &Connection) -> Result<Verified, AuditError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, device_id, user_id, session_id, kind, detail, prev_hash, hash
         FROM audit_events ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_vec();
    let mut expected_seq = 1i64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let session: Option<String> = r.get(4)?;
        let detail: String = r.get(6)?;
        let e = NewEvent {
            at: r.get(1)?,
            device_id: r.get(2)?,
            user_id: r.get(3)?,
            session: session.as_deref(),
            kind: r.get(5)?,
            detail: &detail,
        };
        let stored_prev: Vec<u8> = r.get(7)?;
        let stored_hash: Vec<u8> = r.get(8)?;
        if seq != expected_seq || stored_prev != prev {
            return Err(AuditError::Broken { seq });
        }
        if hash_event(&prev, seq, &e)[..] != stored_hash[..] {
            return Err(AuditError::Edited { seq });
        }
        prev = stored_hash;
        expected_seq += 1;
    }
    let found = (expected_seq - 1) as u64;
    let (count, head_hash) = head(conn)?;
    if count != found {
        return Err(AuditError::Truncated {
            found,
            expected: count,
        });
    }
    if head_hash != prev {
        return Err(AuditError::Broken { seq: found as i64 });
    }
    Ok(Verified {
        events: found,
        head: hex::encode(prev),
    })
}

/// All events of one session (or all events), oldest first.
pub fn events(conn: &Connection, session: Option<&str>) -> rusqlite::Result<Vec<Event>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, device_id, user_id, session_id, kind, detail FROM audit_events
         WHERE ?1 IS NULL OR session_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([session], |r| {
        Ok(Event {
            seq: r.get(0)?,
            at: r.get(1)?,
            device_id: r.get(2)?,
            user_id: r.get(3)?,
            session: r.get(4)?,
            kind: r.get(5)?,
            detail: r.get(6)?,
        })
    })?;
    rows.collect()
}
