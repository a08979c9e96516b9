//! `samtal login` and `samtal logout`: worker sign-in with BankID through the endpoint;
//! `samtal sign`: the citizen signs an approved note with their own BankID.
//! Progress is printed once a second: status, BankID's message and the QR payload to
//! render (or scan from another phone's BankID app via a QR renderer).
use std::sync::mpsc;

use anyhow::Context;
use clap::Args;
use samtal_core::app::App;
use samtal_store::SessionId;
use samtal_sync::login::{
    CitizenSignature, LoginError, LoginObserver, LoginProgress, SignedOut, SigningObserver,
    WorkerSession,
};

use crate::app;

#[derive(Args)]
pub struct LoginArgs {
    /// The BankID app is on this computer/phone: print the autostart link instead of QR data.
    #[arg(long)]
    same_device: bool,
    /// Language of BankID's messages: sv or en.
    #[arg(long, default_value = "sv")]
    language: String,
}

#[derive(Args)]
pub struct LogoutArgs {}

#[derive(Args)]
pub struct SignArgs {
    /// The session (or its note id) whose approved, not yet delivered note the citizen signs.
    session_or_note: String,
    /// The citizen signs on this phone: print the autostart link instead of QR data.
    #[arg(long)]
    same_device: bool,
    /// Language of BankID's messages: sv or en.
    #[arg(long, default_value = "sv")]
    language: String,
}

enum Event<T> {
    Progress(LoginProgress),
    Finished(Result<T, LoginError>),
}

struct Printer<T>(mpsc::Sender<Event<T>>);

impl LoginObserver for Printer<WorkerSession> {
    fn on_progress(&self, progress: &LoginProgress) {
        let _ = self.0.send(Event::Progress(progress.clone()));
    }
    fn on_finished(&self, result: Result<WorkerSession, LoginError>) {
        let _ = self.0.send(Event::Finished(result));
    }
}

impl SigningObserver for Printer<CitizenSignature> {
    fn on_progress(&self, progress: &LoginProgress) {
        let _ = self.0.send(Event::Progress(progress.clone()));
    }
    fn on_finished(&self, result: Result<CitizenSignature, LoginError>) {
        let _ = self.0.send(Event::Finished(result));
    }
}

/// Prints progress lines until the order ends; returns its result.
fn print_until_finished<T>(rx: mpsc::Receiver<Event<T>>) -> anyhow::Result<Result<T, LoginError>> {
    for event in rx {
        match event {
            Event::Progress(p) => {
                let qr = p
                    .qr_data
                    .as_deref()
                    .map(|q| format!("\tqr={q}"))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}{qr}",
                    p.status,
                    p.rfa.as_deref().unwrap_or("-"),
                    p.message.as_deref().unwrap_or("")
                );
            }
            Event::Finished(result) => return Ok(result),
        }
    }
    anyhow::bail!("the BankID thread ended without a result")
}

pub fn login(args: &LoginArgs) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    let handle = app::open()?.login(args.same_device, &args.language, Box::new(Printer(tx)))?;
    if args.same_device {
        println!("open: {}", handle.start().auto_start_url);
    }
    let result = print_until_finished(rx)?;
    handle.join();
    let session = result.context("BankID sign-in did not complete")?;
    println!(
        "signed in; session valid until {} (ms since epoch)",
        session.expires_at_ms
    );
    Ok(())
}

/// The session named by `arg`: a session id, or the note id of a queued note.
fn resolve_session(app: &App, arg: &str) -> anyhow::Result<SessionId> {
    if let Ok(id) = arg.parse::<SessionId>() {
        if app.session(&id).is_ok() {
            return Ok(id);
        }
    }
    let entry = app
        .outbox()?
        .into_iter()
        .find(|e| e.note_id == arg)
        .with_context(|| {
            format!("no session or queued note {arg} (see `samtal sessions` and `samtal outbox`)")
        })?;
    Ok(entry.session_id.parse()?)
}

pub fn sign(args: &SignArgs) -> anyhow::Result<()> {
    let app = app::open()?;
    let session = resolve_session(&app, &args.session_or_note)?;
    let (tx, rx) = mpsc::channel();
    let handle = app.citizen_sign(
        &session,
        args.same_device,
        &args.language,
        Box::new(Printer(tx)),
    )?;
    println!(
        "note {} (content hash {})",
        handle.start().note_id,
        handle.start().content_hash
    );
    if args.same_device {
        println!("open: {}", handle.start().auto_start_url);
    }
    let result = print_until_finished(rx)?;
    handle.join();
    let signature = result.context("the citizen's BankID signature did not complete")?;
    println!(
        "signed by the citizen; signature sha256 {} (shown in the receipt after `samtal sync`)",
        signature.signature_sha256
    );
    Ok(())
}

pub fn logout(_args: &LogoutArgs) -> anyhow::Result<()> {
    match app::open()?.logout()? {
        SignedOut::Revoked => println!("session revoked at the endpoint"),
        SignedOut::NoSession => {}
        SignedOut::NotRevoked(e) => {
            eprintln!("could not revoke the session at the endpoint ({e}); it is removed here")
        }
    }
    println!("signed out");
    Ok(())
}
