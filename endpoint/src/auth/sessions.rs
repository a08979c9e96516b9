//! Worker sessions: a random bearer token (only its SHA-256 is stored) bound to the
//! device certificate that signed in, with an expiry and revocation.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::db::{now_ms, Db};

/// A valid session.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub personal_number: String,
    pub expires_ms: i64,
    /// SHA-256 of the token: what a citizen signature started in this session records.
    pub token_hash: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("expires_ms", &self.expires_ms)
            .finish_non_exhaustive()
    }
}

/// Why a token does not authorise a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Unknown,
    Expired,
    Revoked,
    OtherDevice,
    NoLongerStaff,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh 256-bit token, hex.
fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| anyhow::anyhow!("no system randomness"))?;
    Ok(hex::encode(bytes))
}

/// Opens a session for `personal_number` on the device certificate `cert_serial`;
/// returns the token (shown once) and its expiry.
pub async fn create(
    db: &Db,
    personal_number: &str,
    cert_serial: &str,
    device_id: &str,
    ttl_ms: i64,
) -> anyhow::Result<(String, i64)> {
    let token = new_token()?;
    let now = now_ms();
    let expires = now + ttl_ms;
    sqlx::query(
        "INSERT INTO staff_sessions (token_hash, personal_number, cert_serial, device_id, \
         created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(personal_number)
    .bind(cert_serial)
    .bind(device_id)
    .bind(now)
    .bind(expires)
    .execute(db.pool())
    .await?;
    Ok((token, expires))
}

/// Checks `token` for a request over the certificate `cert_serial`.
pub async fn check(
    db: &Db,
    token: &str,
    cert_serial: &str,
) -> anyhow::Result<Result<Session, Invalid>> {
    check_hash(db, &token_hash(token), cert_serial).await
}

/// As [`check`], for the session whose token has SHA-256 `hash`.
pub async fn check_hash(
    db: &Db,
    hash: &str,
    cert_serial: &str,
) -> anyhow::Result<Result<Session, Invalid>> {
    let row = sqlx::query(
        "SELECT s.personal_number, s.cert_serial, s.expires_ms, s.revoked_ms, \
         COALESCE(st.allowed, 0) AS allowed \
         FROM staff_sessions s LEFT JOIN staff st ON st.personal_number = s.personal_number \
         WHERE s.token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(Err(Invalid::Unknown));
    };
    let revoked: Option<i64> = row.try_get("revoked_ms")?;
    let expires_ms: i64 = row.try_get("expires_ms")?;
    let serial: String = row.try_get("cert_serial")?;
    let allowed: i64 = row.try_get("allowed")?;
    Ok(if revoked.is_some() {
        Err(Invalid::Revoked)
    } else if expires_ms <= now_ms() {
        Err(Invalid::Expired)
    } else if serial != cert_serial {
        Err(Invalid::OtherDevice)
    } else if allowed != 1 {
        Err(Invalid::NoLongerStaff)
    } else {
        Ok(Session {
            personal_number: row.try_get("personal_number")?,
            expires_ms,
            token_hash: hash.to_string(),
        })
    })
}

/// What a sign-out did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logout {
    /// The session was open and is now revoked (or was already closed).
    Done,
    /// The token belongs to a session signed in on another device certificate: untouched.
    OtherDevice,
}

/// Revokes the session of `token` (sign-out) if it was signed in over `cert_serial`: a
/// token alone, presented by another device or a service certificate, revokes nothing.
pub async fn revoke_token(db: &Db, token: &str, cert_serial: &str) -> anyhow::Result<Logout> {
    let hash = token_hash(token);
    let on_this_device = "token_hash = $2 AND cert_serial = $3";
    revoke_where(db, on_this_device, &[&hash, cert_serial]).await?;
    let row = sqlx::query("SELECT cert_serial FROM staff_sessions WHERE token_hash = $1")
        .bind(&hash)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(row) if row.try_get::<String, _>("cert_serial")? != cert_serial => Logout::OtherDevice,
        _ => Logout::Done,
    })
}

/// Marks the sessions matching `condition` (over `$1` = now and `$2`, `$3`… = `values`)
/// revoked, unless they already are; returns how many it revoked.
async fn revoke_where(db: &Db, condition: &'static str, values: &[&str]) -> anyhow::Result<u64> {
    let sql = format!(
        "UPDATE staff_sessions SET revoked_ms = $1 WHERE revoked_ms IS NULL AND {condition}"
    );
    // `condition` is one of this module's literals; values only ever travel as binds.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now_ms());
    for value in values {
        query = query.bind(value.to_string());
    }
    Ok(query.execute(db.pool()).await?.rows_affected())
}

/// Revokes every open (unexpired) session of a worker; returns how many there were.
pub async fn revoke_person(db: &Db, personal_number: &str) -> anyhow::Result<u64> {
    let open_of_person = "personal_number = $2 AND expires_ms > $1";
    revoke_where(db, open_of_person, &[personal_number]).await
}

/// How administrators name a session: the first 16 hex digits of the SHA-256 of its token.
/// It identifies the session without revealing the token (only the hash is stored).
pub const SESSION_ID_LEN: usize = 16;

/// A session as shown to administrators: no token, no personal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub session_id: String,
    pub device_id: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub revoked_ms: Option<i64>,
}

impl SessionInfo {
    /// `active`, `expired` or `revoked` at `now`.
    pub fn state(&self, now: i64) -> &'static str {
        if self.revoked_ms.is_some() {
            "revoked"
        } else if self.expires_ms <= now {
            "expired"
        } else {
            "active"
        }
    }
}

/// Every session, newest first; `only_open` leaves out revoked and expired ones.
pub async fn list(db: &Db, only_open: bool) -> anyhow::Result<Vec<SessionInfo>> {
    let rows = sqlx::query(
        "SELECT token_hash, device_id, created_ms, expires_ms, revoked_ms FROM staff_sessions \
         ORDER BY created_ms DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let now = now_ms();
    let all = rows
        .iter()
        .map(|r| {
            let hash: String = r.try_get("token_hash")?;
            Ok(SessionInfo {
                session_id: hash[..SESSION_ID_LEN].to_string(),
                device_id: r.try_get("device_id")?,
                created_ms: r.try_get("created_ms")?,
                expires_ms: r.try_get("expires_ms")?,
                revoked_ms: r.try_get("revoked_ms")?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(all
        .into_iter()
        .filter(|s| !only_open || s.state(now) == "active")
        .collect())
}

/// Revokes the open session with this id (see [`SESSION_ID_LEN`]); true if there was one.
pub async fn revoke_id(db: &Db, session_id: &str) -> anyhow::Result<bool> {
    let id = session_id.trim().to_ascii_lowercase();
    anyhow::ensure!(
        id.len() == SESSION_ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "a session id is {SESSION_ID_LEN} hex digits, as printed by `session list`"
    );
    let open_with_id = "token_hash LIKE $2 AND expires_ms > $1";
    Ok(revoke_where(db, open_with_id, &[&format!("{id}%")]).await? > 0)
}

/// Revokes every open session signed in on a device (e.g. a lost phone); returns how many.
pub async fn revoke_device(db: &Db, device_id: &str) -> anyhow::Result<u64> {
    let open_on_device = "device_id = $2 AND expires_ms > $1";
    revoke_where(db, open_on_device, &[device_id]).await
}

/// What storing a citizen's signature did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Stored,
    /// This note version already has a signature; it is never replaced.
    AlreadySigned,
    /// The note id was already delivered (by any device): a signature must come first.
    AlreadyDelivered,
}

/// Who started a signature: the device and the worker session.
pub struct Signer<'a> {
    pub device_id: &'a str,
    pub session_hash: &'a str,
}

/// Stores a citizen's completed BankID signature of a note version, bound to the device
/// and worker session that started it, unless the note was delivered meanwhile or this
/// version is already signed (a stored signature is never overwritten).
pub async fn store_signature(
    db: &Db,
    note_id: &str,
    content_hash: &str,
    signer: &Signer<'_>,
    signature: &str,
    ocsp_response: &str,
) -> anyhow::Result<Stored> {
    let inserted = sqlx::query(
        "INSERT INTO note_signatures (note_id, content_hash, signature, ocsp_response, \
         signed_ms, device_id, session_hash) \
         SELECT $1, $2, $3, $4, $5, $6, $7 \
         WHERE NOT EXISTS (SELECT 1 FROM notes WHERE note_id = $1) \
         ON CONFLICT (note_id, content_hash) DO NOTHING",
    )
    .bind(note_id)
    .bind(content_hash)
    .bind(signature)
    .bind(ocsp_response)
    .bind(now_ms())
    .bind(signer.device_id)
    .bind(signer.session_hash)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(if inserted == 1 {
        Stored::Stored
    } else if note_delivered(db, note_id).await? {
        Stored::AlreadyDelivered
    } else {
        Stored::AlreadySigned
    })
}

/// True if a note with this id was delivered, by any device.
pub async fn note_delivered(db: &Db, note_id: &str) -> anyhow::Result<bool> {
    Ok(sqlx::query("SELECT 1 AS one FROM notes WHERE note_id = $1")
        .bind(note_id)
        .fetch_optional(db.pool())
        .await?
        .is_some())
}

/// True if this note version already has a stored signature.
pub async fn is_signed(db: &Db, note_id: &str, content_hash: &str) -> anyhow::Result<bool> {
    Ok(
        sqlx::query(
            "SELECT 1 AS one FROM note_signatures WHERE note_id = $1 AND content_hash = $2",
        )
        .bind(note_id)
        .bind(content_hash)
        .fetch_optional(db.pool())
        .await?
        .is_some(),
    )
}

/// SHA-256 (hex) of the stored citizen signature of this note version, if it was signed on
/// `device_id` in a session of the worker `personal_number`.
pub async fn signature_digest(
    db: &Db,
    note_id: &str,
    content_hash: &str,
    device_id: &str,
    personal_number: &str,
) -> anyhow::Result<Option<String>> {
    let row = sqlx::query(
        "SELECT ns.signature FROM note_signatures ns \
         JOIN staff_sessions s ON s.token_hash = ns.session_hash \
         WHERE ns.note_id = $1 AND ns.content_hash = $2 AND ns.device_id = $3 \
         AND s.personal_number = $4",
    )
    .bind(note_id)
    .bind(content_hash)
    .bind(device_id)
    .bind(personal_number)
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(row) => Some(hex::encode(Sha256::digest(
            row.try_get::<String, _>("signature")?.as_bytes(),
        ))),
        None => None,
    })
}
