//! Storage through sqlx: SQLite by default, PostgreSQL when the URL says so.
//!
//! Both backends run the same statements (`$n` placeholders work in both) and migrations with
//! the same semantics from `migrations/sqlite` and `migrations/postgres`.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

use crate::pki::Role;
use samtal_protocol::Receipt;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    pub backend: Backend,
}

/// A note ready to be stored, with its signed receipt.
pub struct NewNote<'a> {
    pub note_id: &'a str,
    pub content_hash: &'a str,
    pub template_id: &'a str,
    pub schema_version: i64,
    pub device_id: &'a str,
    pub received_at_ms: i64,
    pub body: &'a str,
    pub receipt: &'a Receipt,
}

/// What storing a note did.
pub enum StoreOutcome {
    /// First time this note id was seen.
    Created,
    /// Same id and content hash as before: the original receipt.
    Duplicate(Box<Receipt>),
    /// Same id, different content, or delivered by another device.
    Conflict,
}

/// What a client certificate's serial is recorded as.
pub struct CertRecord {
    pub role: Option<Role>,
    pub subject: String,
    pub revoked: bool,
}

/// An outbox row that is due for delivery.
pub struct DueDelivery {
    pub note_id: String,
    pub sink: String,
    pub attempts: i64,
}

/// The file of a `sqlite:` URL (`sqlite://PATH?…` or `sqlite:PATH`), unless in memory.
fn sqlite_path(url: &str) -> Option<&std::path::Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| std::path::Path::new(path))
}

/// Key of the PostgreSQL advisory lock under which export positions are handed out.
const EXPORT_SEQUENCE_LOCK: i64 = 0x5a17_a1e0;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Db {
    /// Connect and run migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        };
        if backend == Backend::Sqlite {
            if let Some(path) = sqlite_path(url) {
                crate::owner_only::prepare_sqlite(path)?;
            }
        }
        let mut options = AnyPoolOptions::new();
        options = match backend {
            Backend::Sqlite => options.max_connections(4).after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql("PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
                        .execute(conn)
                        .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options.max_connections(16),
        };
        let pool = options
            .connect(url)
            .await
            .with_context(|| format!("connecting to the {} database", backend.as_str()))?;
        if backend == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .context("running database migrations")?;
        Ok(Self { pool, backend })
    }

    /// Store a note and its outbox rows atomically, or report the earlier one with that id.
    pub async fn store_note(
        &self,
        note: &NewNote<'_>,
        sinks: &[&str],
    ) -> anyhow::Result<StoreOutcome> {
        let receipt_json = serde_json::to_string(note.receipt)?;
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO notes (note_id, content_hash, template_id, schema_version, device_id, \
             received_at_ms, body, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (note_id) DO NOTHING",
        )
        .bind(note.note_id)
        .bind(note.content_hash)
        .bind(note.template_id)
        .bind(note.schema_version)
        .bind(note.device_id)
        .bind(note.received_at_ms)
        .bind(note.body)
        .bind(&receipt_json)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            for sink in sinks {
                sqlx::query(
                    "INSERT INTO deliveries (note_id, sink, attempts, next_attempt_ms) \
                     VALUES ($1, $2, 0, $3)",
                )
                .bind(note.note_id)
                .bind(*sink)
                .bind(note.received_at_ms)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            return Ok(StoreOutcome::Created);
        }
        let row =
            sqlx::query("SELECT content_hash, device_id, receipt FROM notes WHERE note_id = $1")
                .bind(note.note_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.rollback().await?;
        let hash: String = row.try_get("content_hash")?;
        let device: String = row.try_get("device_id")?;
        // Another device re-sending the same note gets the answer a different note gets:
        // never the original receipt, which names the author.
        if hash == note.content_hash && device == note.device_id {
            let receipt: String = row.try_get("receipt")?;
            Ok(StoreOutcome::Duplicate(Box::new(serde_json::from_str(
                &receipt,
            )?)))
        } else {
            Ok(StoreOutcome::Conflict)
        }
    }

    /// The receipt of a note, if it was delivered by `device_id`.
    pub async fn receipt(&self, note_id: &str, device_id: &str) -> anyhow::Result<Option<Receipt>> {
        let row = sqlx::query("SELECT receipt FROM notes WHERE note_id = $1 AND device_id = $2")
            .bind(note_id)
            .bind(device_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(serde_json::from_str(
                &row.try_get::<String, _>("receipt")?,
            )?)),
            None => Ok(None),
        }
    }

    pub async fn note_count(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM notes")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    pub async fn pending_deliveries(&self) -> anyhow::Result<i64> {
        Ok(
            sqlx::query("SELECT COUNT(*) AS n FROM deliveries WHERE delivered_ms IS NULL")
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?,
        )
    }

    // ---- outbox ----

    /// Claim up to `limit` due outbox rows until `lease_until`: no other instance on this
    /// database gets them before that (PostgreSQL skips rows another transaction is
    /// claiming; SQLite has one writer at a time). A claim that runs out, because its
    /// instance died, makes the row due again for everyone.
    pub async fn claim_due_deliveries(
        &self,
        now: i64,
        limit: i64,
        lease_until: i64,
    ) -> anyhow::Result<Vec<DueDelivery>> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE deliveries SET lease_until_ms = $3 WHERE (note_id, sink) IN \
             (SELECT note_id, sink FROM deliveries \
              WHERE delivered_ms IS NULL AND next_attempt_ms <= $1 \
              AND (lease_until_ms IS NULL OR lease_until_ms <= $1) \
              ORDER BY next_attempt_ms LIMIT $2 {lock}) \
             RETURNING note_id, sink, attempts"
        );
        // `lock` is one of the two literals above; values travel as binds.
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(limit)
            .bind(lease_until)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DueDelivery {
                    note_id: r.try_get("note_id")?,
                    sink: r.try_get("sink")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// The stored note body and receipt JSON.
    pub async fn note_payload(&self, note_id: &str) -> anyhow::Result<(String, String)> {
        let row = sqlx::query("SELECT body, receipt FROM notes WHERE note_id = $1")
            .bind(note_id)
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get("body")?, row.try_get("receipt")?))
    }

    pub async fn mark_delivered(&self, note_id: &str, sink: &str) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE deliveries SET delivered_ms = $1, attempts = attempts + 1, last_error = NULL, \
             lease_until_ms = NULL WHERE note_id = $2 AND sink = $3",
        )
        .bind(now_ms())
        .bind(note_id)
        .bind(sink)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn mark_retry(
        &self,
        note_id: &str,
        sink: &str,
        next_attempt_ms: i64,
        error: &str,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_ms = $1, last_error = $2, \
             lease_until_ms = NULL WHERE note_id = $3 AND sink = $4",
        )
        .bind(next_attempt_ms)
        .bind(error)
        .bind(note_id)
        .bind(sink)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Give committed notes their place in the export order, in one transaction. Runs in
    /// one task per process; on PostgreSQL the endpoint instances sharing the database take
    /// turns through a transaction-scoped advisory lock (SQLite has one writer at a time).
    pub async fn sequence_exports(&self) -> anyhow::Result<usize> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(EXPORT_SEQUENCE_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        let rows = sqlx::query(
            "SELECT note_id FROM notes WHERE export_seq IS NULL \
             ORDER BY received_at_ms, note_id LIMIT 500",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let note_id: String = row.try_get("note_id")?;
            sqlx::query(
                "UPDATE notes SET export_seq = \
                 (SELECT COALESCE(MAX(export_seq), 0) + 1 FROM notes) \
                 WHERE note_id = $1 AND export_seq IS NULL",
            )
            .bind(&note_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Notes with an export position after `after`, in order.
    pub async fn export_after(
        &self,
        after: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<(i64, String, String)>> {
        let rows = sqlx::query(
            "SELECT export_seq, receipt, body FROM notes WHERE export_seq > $1 \
             ORDER BY export_seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r: &AnyRow| {
                Ok((
                    r.try_get("export_seq")?,
                    r.try_get("receipt")?,
                    r.try_get("body")?,
                ))
            })
            .collect()
    }

    // ---- certificates, devices, enrollment ----

    pub async fn record_cert(
        &self,
        serial: &str,
        role: Role,
        subject: &str,
        not_after_ms: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO certs (serial, role, subject, issued_ms, not_after_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(serial)
        .bind(role.as_str())
        .bind(subject)
        .bind(now_ms())
        .bind(not_after_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Looked up for every connection: unknown serials and revoked certificates are refused.
    pub async fn cert(&self, serial: &str) -> anyhow::Result<Option<CertRecord>> {
        let row = sqlx::query("SELECT role, subject, revoked_ms FROM certs WHERE serial = $1")
            .bind(serial)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let role: String = row.try_get("role")?;
        let revoked: Option<i64> = row.try_get("revoked_ms")?;
        Ok(Some(CertRecord {
            role: Role::parse(&role),
            subject: row.try_get("subject")?,
            revoked: revoked.is_some(),
        }))
    }

    pub async fn create_device(&self, device_id: &str, name: &str) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO devices (device_id, name, created_ms) VALUES ($1, $2, $3)")
            .bind(device_id)
            .bind(name)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn create_enrollment_code(
        &self,
        code_hash: &str,
        device_id: &str,
        expires_ms: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO enrollment_codes (code_hash, device_id, expires_ms) VALUES ($1, $2, $3)",
        )
        .bind(code_hash)
        .bind(device_id)
        .bind(expires_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Use up an enrollment code; returns the device id if the code was valid and unused.
    pub async fn redeem_enrollment_code(&self, code_hash: &str) -> anyhow::Result<Option<String>> {
        let now = now_ms();
        let used = sqlx::query(
            "UPDATE enrollment_codes SET used_ms = $1 \
             WHERE code_hash = $2 AND used_ms IS NULL AND expires_ms > $1 \
             AND device_id IN (SELECT device_id FROM devices WHERE revoked_ms IS NULL)",
        )
        .bind(now)
        .bind(code_hash)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if used != 1 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT device_id FROM enrollment_codes WHERE code_hash = $1")
            .bind(code_hash)
            .fetch_one(&self.pool)
            .await?;
        Ok(Some(row.try_get("device_id")?))
    }

    /// Revoke a device and every certificate issued to it. Returns false if unknown.
    pub async fn revoke_device(&self, device_id: &str) -> anyhow::Result<bool> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let found = sqlx::query(
            "UPDATE devices SET revoked_ms = $1 WHERE device_id = $2 AND revoked_ms IS NULL",
        )
        .bind(now)
        .bind(device_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE certs SET revoked_ms = $1 WHERE subject = $2 AND role = 'device' \
             AND revoked_ms IS NULL",
        )
        .bind(now)
        .bind(device_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(found == 1)
    }

    /// Revoke one certificate by serial (for service certificates).
    pub async fn revoke_cert(&self, serial: &str) -> anyhow::Result<bool> {
        Ok(
            sqlx::query(
                "UPDATE certs SET revoked_ms = $1 WHERE serial = $2 AND revoked_ms IS NULL",
            )
            .bind(now_ms())
            .bind(serial)
            .execute(&self.pool)
            .await?
            .rows_affected()
                == 1,
        )
    }

    /// Devices as (id, name, revoked).
    pub async fn devices(&self) -> anyhow::Result<Vec<(String, String, bool)>> {
        let rows =
            sqlx::query("SELECT device_id, name, revoked_ms FROM devices ORDER BY created_ms")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                let revoked: Option<i64> = r.try_get("revoked_ms")?;
                Ok((
                    r.try_get("device_id")?,
                    r.try_get("name")?,
                    revoked.is_some(),
                ))
            })
            .collect()
    }

    // ---- staff allow-list (BankID sign-in) ----

    pub async fn set_staff(&self, personal_number: &str, allowed: bool) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO staff (personal_number, allowed, updated_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (personal_number) DO UPDATE SET allowed = excluded.allowed, \
             updated_ms = excluded.updated_ms",
        )
        .bind(personal_number)
        .bind(allowed as i64)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// True if the (normalised, 12-digit) personal number may sign in.
    pub async fn staff_allowed(&self, personal_number: &str) -> anyhow::Result<bool> {
        let row = sqlx::query("SELECT allowed FROM staff WHERE personal_number = $1")
            .bind(personal_number)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get::<i64, _>("allowed")? == 1,
            None => false,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Normalise a Swedish personal number to 12 digits (YYYYMMDDNNNN), accepting an optional
/// hyphen. The error never echoes the input.
pub fn normalize_personal_number(input: &str) -> anyhow::Result<String> {
    let digits: String = input.chars().filter(|c| *c != '-').collect();
    if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
        anyhow::bail!("a personal number must be 12 digits (YYYYMMDDNNNN, hyphen optional)");
    }
    Ok(digits)
}
