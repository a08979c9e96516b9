//! Delivery of received notes to the case system.
//!
//! Every note gets one outbox row per configured sink in the same transaction that stores
//! it, so a note can never be acknowledged to the phone and then lost. A single worker per
//! process delivers due rows, marks them delivered only after the sink confirmed, and retries
//! failures with exponential backoff and jitter, across restarts. Delivery is at least once;
//! the directory sink is idempotent (one file per note id, atomically replaced) and the
//! webhook carries the note id as `Idempotency-Key`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rand::Rng;
use tokio::sync::Notify;

use crate::config::{Config, DirectorySink, WebhookSink};
use crate::db::{now_ms, Db};
use crate::metrics::Metrics;
use crate::owner_only;

pub const DIRECTORY: &str = "directory";
pub const WEBHOOK: &str = "webhook";

const IDLE_POLL: Duration = Duration::from_millis(500);
const BATCH: i64 = 64;
const MAX_BACKOFF_MS: i64 = 5 * 60 * 1000;

/// A configured destination for notes.
pub enum Sink {
    Directory(DropDir),
    Webhook {
        url: String,
        client: reqwest::Client,
    },
}

impl Sink {
    pub fn name(&self) -> &'static str {
        match self {
            Sink::Directory(_) => DIRECTORY,
            Sink::Webhook { .. } => WEBHOOK,
        }
    }

    fn directory(config: &DirectorySink) -> anyhow::Result<Self> {
        let gid = config
            .group
            .as_deref()
            .map(owner_only::group_id)
            .transpose()?;
        owner_only::dir_with_mode(&config.path, config.dir_mode)
            .with_context(|| format!("preparing sink directory {}", config.path.display()))?;
        if let Some(gid) = gid {
            owner_only::set_group(&config.path, gid)?;
        }
        let swept = sweep_abandoned(&config.path)
            .with_context(|| format!("cleaning sink directory {}", config.path.display()))?;
        if swept > 0 {
            tracing::info!(
                files = swept,
                "removed temporary files a stopped writer left"
            );
        }
        Ok(Sink::Directory(DropDir {
            path: config.path.clone(),
            file_mode: config.file_mode,
            gid,
        }))
    }

    fn webhook(config: &WebhookSink) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(Duration::from_secs(config.timeout_secs));
        if let Some(ca) = &config.ca_file {
            let pem = std::fs::read(ca).with_context(|| format!("reading {}", ca.display()))?;
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(&pem)?);
        }
        Ok(Sink::Webhook {
            url: config.url.clone(),
            client: builder.build()?,
        })
    }

    /// Deliver one note; Ok only when the destination durably has it.
    async fn deliver(&self, note_id: &str, payload: &str) -> anyhow::Result<()> {
        match self {
            Sink::Directory(dir) => write_atomically(dir.clone(), note_id, payload).await,
            Sink::Webhook { url, client } => {
                let response = client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("idempotency-key", note_id)
                    .body(payload.to_owned())
                    .send()
                    .await
                    .context("webhook request failed")?;
                let status = response.status();
                anyhow::ensure!(status.is_success(), "webhook answered {status}");
                Ok(())
            }
        }
    }
}

/// Build the sinks named in the configuration.
pub fn sinks(config: &Config) -> anyhow::Result<Vec<Sink>> {
    let mut sinks = Vec::new();
    if let Some(dir) = &config.sinks.directory {
        sinks.push(Sink::directory(dir)?);
    }
    if let Some(hook) = &config.sinks.webhook {
        sinks.push(Sink::webhook(hook)?);
    }
    Ok(sinks)
}

/// The file a case system picks up: the receipt and the note as received.
fn payload(receipt_json: &str, body: &str) -> String {
    format!("{{\"receipt\":{receipt_json},\"note\":{body}}}")
}

/// The drop directory of the directory sink, with the mode and group of its files.
#[derive(Clone)]
pub struct DropDir {
    path: PathBuf,
    file_mode: u32,
    gid: Option<u32>,
}

/// Write `<dir>/<note_id>.json` via a temporary file, fsync and rename, so a reader never
/// sees a partial file and a crash leaves either the old state or the whole file. The
/// temporary name is unique, so two endpoint instances never write into each other's file,
/// and it is locked while written, so [`sweep_abandoned`] can tell a killed writer's file.
async fn write_atomically(dir: DropDir, note_id: &str, payload: &str) -> anyhow::Result<()> {
    let note_id = note_id.to_owned();
    let payload = payload.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let unique = uuid::Uuid::new_v4().simple();
        let tmp = dir.path.join(format!(".{note_id}.{unique}.tmp"));
        let target = dir.path.join(format!("{note_id}.json"));
        let mut file = owner_only::create_locked(&tmp, dir.file_mode)?;
        file.write_all(payload.as_bytes())?;
        file.sync_all()?;
        if let Some(gid) = dir.gid {
            owner_only::set_group(&tmp, gid)?;
        }
        std::fs::rename(&tmp, &target)?;
        drop(file);
        std::fs::File::open(&dir.path)?.sync_all()?;
        Ok(())
    })
    .await?
}

/// Removes the temporary files (`.<note>.<unique>.tmp`) that a killed writer left in the drop
/// directory: each holds a whole note, and the note is delivered again from the database
/// anyway. A file whose lock can be taken has no writer; files being written by another
/// instance sharing the directory are locked and stay. Returns how many were removed.
pub fn sweep_abandoned(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let temporary = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"));
        if !temporary {
            continue;
        }
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        if file.try_lock().is_ok() {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Exponential backoff from 1 s, capped at 5 min, with ±25 % jitter.
fn backoff_ms(attempts: i64) -> i64 {
    let base = (1000i64 << attempts.clamp(0, 20)).min(MAX_BACKOFF_MS);
    let jitter = rand::thread_rng().gen_range(-(base / 4)..=(base / 4));
    base + jitter
}

/// Runs until the process ends. Rows are claimed for `lease` at a time, so several endpoint
/// instances on one database deliver each row once.
pub async fn run(
    db: Db,
    sinks: Vec<Sink>,
    notify: Arc<Notify>,
    metrics: Arc<Metrics>,
    lease: Duration,
) {
    loop {
        if let Err(error) = db.sequence_exports().await {
            tracing::warn!(error = %format!("{error:#}"), "export sequencing failed; will retry");
        }
        let worked = match deliver_due(&db, &sinks, &metrics, lease).await {
            Ok(n) => n,
            Err(error) => {
                tracing::warn!(error = %format!("{error:#}"), "outbox round failed; will retry");
                0
            }
        };
        if worked == 0 {
            tokio::select! {
                _ = notify.notified() => {}
                _ = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
    }
}

async fn deliver_due(
    db: &Db,
    sinks: &[Sink],
    metrics: &Metrics,
    lease: Duration,
) -> anyhow::Result<usize> {
    let claimed_at = std::time::Instant::now();
    let now = now_ms();
    let due = db
        .claim_due_deliveries(now, BATCH, now + lease.as_millis() as i64)
        .await?;
    let mut worked = 0;
    for row in due {
        // Rows whose claim is about to run out are left for the next claim (here or in
        // another instance) rather than delivered twice.
        if claimed_at.elapsed() > lease * 3 / 4 {
            break;
        }
        let Some(sink) = sinks.iter().find(|s| s.name() == row.sink) else {
            continue;
        };
        worked += 1;
        let (body, receipt) = db.note_payload(&row.note_id).await?;
        match sink.deliver(&row.note_id, &payload(&receipt, &body)).await {
            Ok(()) => {
                db.mark_delivered(&row.note_id, &row.sink).await?;
                metrics.delivery(true);
                tracing::info!(note_id = %row.note_id, sink = row.sink, "note delivered to sink");
            }
            Err(error) => {
                let delay = backoff_ms(row.attempts);
                let message = format!("{error:#}");
                db.mark_retry(&row.note_id, &row.sink, now_ms() + delay, &message)
                    .await?;
                metrics.delivery(false);
                tracing::warn!(
                    note_id = %row.note_id,
                    sink = row.sink,
                    attempts = row.attempts + 1,
                    retry_in_ms = delay,
                    error = %message,
                    "sink delivery failed"
                );
            }
        }
    }
    Ok(worked)
}

#[cfg(test)]
mod tests {
    use super::{backoff_ms, sweep_abandoned};
    use crate::owner_only;

    #[test]
    fn only_temporary_files_without_a_writer_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(path("n1.json"), "{}").unwrap();
        std::fs::write(path(".n2.dead.tmp"), "{}").unwrap();
        let writing = owner_only::create_locked(&path(".n3.live.tmp"), 0o600).unwrap();
        assert_eq!(sweep_abandoned(dir.path()).unwrap(), 1);
        assert!(path("n1.json").exists(), "delivered notes stay");
        assert!(
            !path(".n2.dead.tmp").exists(),
            "a killed writer's file goes"
        );
        assert!(path(".n3.live.tmp").exists(), "a file being written stays");
        drop(writing);
        assert_eq!(sweep_abandoned(dir.path()).unwrap(), 1);
        assert!(!path(".n3.live.tmp").exists());
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for _ in 0..50 {
            let first = backoff_ms(0);
            assert!((750..=1250).contains(&first));
            let capped = backoff_ms(30);
            assert!((225_000..=375_000).contains(&capped));
        }
    }
}
