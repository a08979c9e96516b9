//! `samtal sessions`, `samtal audit` and `samtal wipe`: look after the encrypted local
//! store in `SAMTAL_DATA_DIR`, through the same `App` the phones use.
use anyhow::Context;
use clap::{Args, Subcommand};
use samtal_core::app::App;
use samtal_draft::Participant;
use samtal_store::SessionId;
use samtal_sync::login::SignedOut;

use crate::app;

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
    /// Who takes part, so drafts name them: with `--person`, store (replacing what was
    /// stored); without, show what is stored.
    People {
        session: String,
        /// ROLE[:FIRST NAME[:PRONOUN[:RELATION]]], e.g. `citizen:Selma:hon` or
        /// `relative:Tove::dotter`; roles citizen, relative, interpreter, other, worker.
        #[arg(long = "person", value_name = "PERSON", value_parser = parse_person)]
        people: Vec<Participant>,
    },
}

/// `ROLE[:NAME[:PRONOUN[:RELATION]]]`, empty parts left out.
fn parse_person(s: &str) -> Result<Participant, String> {
    let mut parts = s.splitn(4, ':').map(str::trim);
    let mut next = || parts.next().filter(|p| !p.is_empty()).map(str::to_string);
    let speaker = next().ok_or("expected ROLE[:NAME[:PRONOUN[:RELATION]]]")?;
    Ok(Participant {
        speaker,
        name: next(),
        pronoun: next(),
        description: next(),
    })
}

pub fn sessions(args: SessionsArgs) -> anyhow::Result<()> {
    let app = app::open()?;
    match args.cmd.unwrap_or(SessionsCmd::List) {
        SessionsCmd::List => list(&app),
        SessionsCmd::Withdraw { session } => {
            let id: SessionId = session.parse()?;
            app.withdraw(&id)?;
            println!("session {id}: consent withdrawn, everything captured was wiped");
            Ok(())
        }
        SessionsCmd::People { session, people } => {
            let id: SessionId = session.parse()?;
            if !people.is_empty() {
                app.set_participants(&id, &people)?;
            }
            let stored = app.participants(&id)?;
            if stored.is_empty() {
                println!("session {id}: nobody entered; drafts say \"the client\"");
            }
            for p in stored {
                let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                println!(
                    "{:<12} {:<20} {:<12} {}",
                    p.speaker,
                    field(&p.name),
                    field(&p.pronoun),
                    field(&p.description)
                );
            }
            Ok(())
        }
        SessionsCmd::Discard { session } => {
            let id: SessionId = session.parse()?;
            app.discard(&id)?;
            println!("session {id}: discarded, everything captured was wiped");
            Ok(())
        }
    }
}

fn list(app: &App) -> anyhow::Result<()> {
    let sessions = app.sessions()?;
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
    let app = app::open()?;
    match args.cmd {
        AuditCmd::Verify => {
            let v = app
                .verify_audit()
                .context("audit trail verification FAILED")?;
            println!("audit trail OK: {} events, head {}", v.events, v.head);
        }
        AuditCmd::Log { session } => {
            let id = session.map(|s| s.parse::<SessionId>()).transpose()?;
            for e in app.audit_events(id.as_ref())? {
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

/// Removes all local data: database, audio spool, sign-in and keys, with `App::wipe`
/// (which signs out at the endpoint first when it can).
pub fn wipe(args: WipeArgs) -> anyhow::Result<()> {
    let dir = app::data_dir()?;
    if !args.yes {
        eprint!(
            "This permanently removes all Samtal data in {} (sessions, audio, notes, sign-in, keys). Type 'wipe' to go on: ",
            dir.display()
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != "wipe" {
            anyhow::bail!("not wiped");
        }
    }
    let vault = app::vault()?;
    match App::open(app::config()?, vault.clone()) {
        Ok(app) => match app.wipe()? {
            SignedOut::Revoked => eprintln!("signed out at the endpoint"),
            SignedOut::NoSession => {}
            SignedOut::NotRevoked(e) => eprintln!(
                "could not sign out at the endpoint ({e}); the sign-in is removed here and expires there by itself"
            ),
        },
        Err(e) => {
            eprintln!("the store cannot be opened ({e}); wiping it without signing out");
            App::wipe_unopened(&dir, vault.as_ref())?;
        }
    }
    // The desktop's key files live in the data directory; their directory goes too.
    let keys = dir.join("keys");
    match std::fs::remove_dir_all(&keys) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("removing {}", keys.display())),
    }
    println!("all local data in {} wiped", dir.display());
    Ok(())
}
