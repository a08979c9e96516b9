//! `samtal sessions`, `samtal audit` and `samtal wipe`: look after the encrypted local
//! store in `SAMTAL_DATA_DIR`.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use samtal_store::keyvault::FileKeyVault;
use samtal_store::retention::{self, RetentionPolicy};
use samtal_store::{SessionId, Store};

/// Where the data lives: `SAMTAL_DATA_DIR`, else `~/.local/share/samtal`.
pub fn data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SAMTAL_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").context("set SAMTAL_DATA_DIR (HOME is not set)")?;
    Ok(PathBuf::from(home).join(".local/share/samtal"))
}

/// The desktop key vault: key files under `<data dir>/keys`. This is less secure than
/// a phone's hardware keystore; the desktop harness is for development and testing.
pub fn vault(data_dir: &std::path::Path) -> anyhow::Result<FileKeyVault> {
    Ok(FileKeyVault::open(data_dir.join("keys"))?)
}

/// Opens the store and applies retention (`SAMTAL_RETENTION_HOURS`, default 12) first,
/// so expired sessions are gone before anything else is done.
pub fn open_store() -> anyhow::Result<Arc<Store>> {
    let dir = data_dir()?;
    let store = Store::open(&dir, &vault(&dir)?)?;
    let policy = retention_policy()?;
    let wiped = retention::enforce(&store, &policy)?;
    if !wiped.is_empty() {
        eprintln!("retention: wiped {} expired session(s)", wiped.len());
    }
    Ok(Arc::new(store))
}

fn retention_policy() -> anyhow::Result<RetentionPolicy> {
    match std::env::var("SAMTAL_RETENTION_HOURS") {
        Ok(h) if !h.is_empty() => {
            let hours: f64 = h
                .parse()
                .ok()
                .filter(|h: &f64| h.is_finite() && *h > 0.0)
                .context("SAMTAL_RETENTION_HOURS must be a positive number of hours")?;
            Ok(RetentionPolicy {
                unapproved_max_age: Duration::from_secs_f64(hours * 3600.0),
            })
        }
        _ => Ok(RetentionPolicy::default()),
    }
}

#[derive(Args)]
pub struct SessionsArgs {
    #[command(subcommand)]
    cmd: Option<SessionsCmd>,
}

#[derive(Subcommand)]
enum SessionsCmd {
    /// List sessions with their states (the default).
    List,
    /// The citizen withdrew consent: wipe everything captured in the session.
    Withdraw { session: String },
    /// Discard the session (worker's decision): wipe everything captured in it.
    Discard { session: String },
}

pub fn sessions(args: SessionsArgs) -> anyhow::Result<()> {
    let store = open_store()?;
    match args.cmd.unwrap_or(SessionsCmd::List) {
        SessionsCmd::List => list(&store),
        SessionsCmd::Withdraw { session } => {
            let id: SessionId = session.parse()?;
            store.withdraw(&id)?;
            println!("session {id}: consent withdrawn, everything captured was wiped");
            Ok(())
        }
        SessionsCmd::Discard { session } => {
            let id: SessionId = session.parse()?;
            store.discard(&id)?;
            println!("session {id}: discarded, everything captured was wiped");
            Ok(())
        }
    }
}

fn list(store: &Store) -> anyhow::Result<()> {
    let sessions = store.sessions()?;
    if sessions.is_empty() {
        println!("no sessions");
        return Ok(());
    }
    println!(
        "{:<32}  {:<12}  {:<20}  {:>9}  {:>8}  {:>6}  consent",
        "session", "state", "created (UTC)", "audio s", "segments", "spool"
    );
    for s in sessions {
        let consent = s.consent.as_ref().map_or("-".to_string(), |c| {
            let mut text = format!(
                "{:?} ({}, {})",
                c.decision,
                c.informed_by.as_str(),
                c.language
            )
            .to_lowercase();
            if c.withdrawn_at.is_some() {
                text.push_str(", withdrawn");
            }
            text
        });
        println!(
            "{:<32}  {:<12}  {:<20}  {:>9.1}  {:>8}  {:>6}  {}",
            s.id,
            s.state,
            timestamp(s.created_at),
            s.captured_seconds,
            s.segments,
            s.spool_chunks,
            consent
        );
    }
    Ok(())
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn timestamp(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| ms.to_string())
}

#[derive(Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    cmd: AuditCmd,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the hash chain of the local audit trail.
    Verify,
    /// Print the audit events (kinds, ids and times only).
    Log {
        #[arg(long)]
        session: Option<String>,
    },
}

pub fn audit(args: AuditArgs) -> anyhow::Result<()> {
    let dir = data_dir()?;
    let store = Store::open(&dir, &vault(&dir)?)?;
    match args.cmd {
        AuditCmd::Verify => {
            let v = store
                .verify_audit()
                .context("audit trail verification FAILED")?;
            println!("audit trail OK: {} events, head {}", v.events, v.head);
        }
        AuditCmd::Log { session } => {
            let id = session.map(|s| s.parse::<SessionId>()).transpose()?;
            for e in store.audit_events(id.as_ref())? {
                println!(
                    "{:>6}  {}  {:<20} {:<32} user={} device={} {}",
                    e.seq,
                    timestamp(e.at),
                    e.kind,
                    e.session.as_deref().unwrap_or("-"),
                    e.user_id,
                    e.device_id,
                    e.detail
                );
            }
        }
    }
    Ok(())
}

#[derive(Args)]
pub struct WipeArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
}

/// Removes all local data: database, audio spool and keys.
pub fn wipe(args: WipeArgs) -> anyhow::Result<()> {
    let dir = data_dir()?;
    if !args.yes {
        eprint!(
            "This permanently removes all Samtal data in {} (sessions, audio, notes, keys). Type 'wipe' to go on: ",
            dir.display()
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != "wipe" {
            anyhow::bail!("not wiped");
        }
    }
    retention::wipe_all(&dir, &vault(&dir)?)?;
    let keys = dir.join("keys");
    match std::fs::remove_dir_all(&keys) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("removing {}", keys.display())),
    }
    println!("all local data in {} wiped", dir.display());
    Ok(())
}
