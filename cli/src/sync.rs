//! `samtal enroll`, `samtal sync` and `samtal outbox`: deliver approved notes to the
//! municipal endpoint over mutual TLS.
use clap::Args;

use crate::app;

#[derive(Args)]
pub struct EnrollArgs {
    /// The endpoint's enrollment URL, e.g. https://samtal.kommun.example:8444
    #[arg(long)]
    endpoint: String,
    /// The one-time code printed by `samtal-endpoint device enroll`.
    #[arg(long)]
    code: String,
}

pub fn enroll(args: &EnrollArgs) -> anyhow::Result<()> {
    let identity = app::open()?.enroll(&args.endpoint, &args.code)?;
    println!("enrolled as {}", identity.device_id);
    println!("notes will be delivered to {}", identity.endpoint_url);
    Ok(())
}

#[derive(Args)]
pub struct SyncArgs {}

/// Queue every approved session's note, then upload everything that is due.
pub fn sync(_args: &SyncArgs) -> anyhow::Result<()> {
    let app = app::open()?;
    for note_id in app.queue_approved()? {
        println!("queued note {note_id}");
    }
    let report = app.sync_now()?;
    println!(
        "delivered {}, rejected {}, waiting to retry {}",
        report.delivered, report.rejected, report.retry_later
    );
    Ok(())
}

#[derive(Args)]
pub struct OutboxArgs {}

/// One line per note: id, status, attempts and the reason of the last failure.
pub fn outbox(_args: &OutboxArgs) -> anyhow::Result<()> {
    let entries = app::open()?.outbox()?;
    if entries.is_empty() {
        println!("outbox is empty");
    }
    for e in entries {
        println!(
            "{}\t{}\tattempts={}\t{}",
            e.note_id,
            e.status.as_str(),
            e.attempts,
            e.reason.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
