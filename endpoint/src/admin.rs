//! Administration: CA, devices, service certificates and the staff allow-list.

use std::path::Path;

use anyhow::Context;
use rand::Rng;
use time::{Duration, OffsetDateTime};

use crate::api::code_hash;
use crate::config::Config;
use crate::db::{normalize_personal_number, now_ms, Db};
use crate::owner_only;
use crate::pki::{Pki, Role};
use samtal_protocol::EnrollmentCode;

/// Letters and digits that cannot be confused when read aloud or typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

pub fn ca_init(config: &Config, server_names: &[String]) -> anyhow::Result<String> {
    Pki::init(&config.data_dir, server_names)?;
    Pki::load(&config.data_dir)?.ca_fingerprint()
}

/// Register a device and issue its one-time enrollment code.
pub async fn device_enroll(
    config: &Config,
    name: &str,
    valid_minutes: i64,
) -> anyhow::Result<(String, EnrollmentCode)> {
    let pki = Pki::load(&config.data_dir)?;
    let db = Db::connect(&config.database_url()).await?;
    let device_id = format!("dev-{}", uuid::Uuid::new_v4().simple());
    let mut rng = rand::thread_rng();
    let secret: String = (0..16)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    db.create_device(&device_id, name).await?;
    db.create_enrollment_code(
        &code_hash(&secret),
        &device_id,
        now_ms() + valid_minutes * 60_000,
    )
    .await?;
    Ok((
        device_id,
        EnrollmentCode {
            secret,
            ca_fingerprint: pki.ca_fingerprint()?,
        },
    ))
}

pub async fn device_revoke(config: &Config, device_id: &str) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url()).await?;
    anyhow::ensure!(
        db.revoke_device(device_id).await?,
        "no active device with id {device_id}"
    );
    Ok(())
}

pub async fn device_list(config: &Config) -> anyhow::Result<Vec<(String, String, bool)>> {
    Db::connect(&config.database_url()).await?.devices().await
}

/// Issue a certificate for a service role (case system, monitoring) into `out_dir`.
pub async fn cert_issue(
    config: &Config,
    role: Role,
    name: &str,
    days: i64,
    out_dir: &Path,
) -> anyhow::Result<String> {
    let pki = Pki::load(&config.data_dir)?;
    let db = Db::connect(&config.database_url()).await?;
    let now = OffsetDateTime::now_utc();
    let (issued, key_pem) = pki.issue_client(
        name,
        role,
        now - Duration::minutes(5),
        now + Duration::days(days),
    )?;
    db.record_cert(
        &issued.serial_hex,
        role,
        name,
        (issued.not_after.unix_timestamp_nanos() / 1_000_000) as i64,
    )
    .await?;
    owner_only::private_dir(out_dir)?;
    owner_only::write_private(&out_dir.join("client.pem"), issued.cert_pem.as_bytes())?;
    write_key(&out_dir.join("client.key.pem"), &key_pem)?;
    owner_only::write_private(&out_dir.join("ca.pem"), pki.ca_pem.as_bytes())?;
    Ok(issued.serial_hex)
}

pub async fn cert_revoke(config: &Config, serial: &str) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url()).await?;
    anyhow::ensure!(
        db.revoke_cert(&serial.to_ascii_lowercase()).await?,
        "no unrevoked certificate with serial {serial}"
    );
    Ok(())
}

pub async fn staff_set(
    config: &Config,
    personal_number: &str,
    allowed: bool,
) -> anyhow::Result<()> {
    let pn = normalize_personal_number(personal_number)?;
    Db::connect(&config.database_url())
        .await?
        .set_staff(&pn, allowed)
        .await
}

/// Whose worker sessions an administrator revokes.
pub enum SessionTarget {
    /// One session, by the id `session list` prints.
    Id(String),
    /// Every open session signed in on this device (e.g. a lost phone).
    Device(String),
    /// Every open session of this worker (personal number, as given to `staff allow`).
    Worker(String),
}

pub async fn session_list(
    config: &Config,
    all: bool,
) -> anyhow::Result<Vec<crate::auth::sessions::SessionInfo>> {
    let db = Db::connect(&config.database_url()).await?;
    crate::auth::sessions::list(&db, !all).await
}

/// Revokes sessions; they are refused from the next request on. Returns how many.
pub async fn session_revoke(config: &Config, target: &SessionTarget) -> anyhow::Result<u64> {
    use crate::auth::sessions;
    let db = Db::connect(&config.database_url()).await?;
    let revoked = match target {
        SessionTarget::Id(id) => {
            anyhow::ensure!(
                sessions::revoke_id(&db, id).await?,
                "no open session with id {id} (see `session list --all`)"
            );
            1
        }
        SessionTarget::Device(device) => sessions::revoke_device(&db, device).await?,
        SessionTarget::Worker(pn) => {
            sessions::revoke_person(&db, &normalize_personal_number(pn)?).await?
        }
    };
    tracing::info!(revoked, "worker sessions revoked by an administrator");
    Ok(revoked)
}

fn write_key(path: &Path, pem: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(pem.as_bytes())?;
    Ok(())
}
