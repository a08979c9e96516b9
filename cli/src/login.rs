//! `samtal login` and `samtal logout`: worker sign-in with BankID through the endpoint.
//! Progress is printed once a second: status, BankID's message and the QR payload to
//! render (or scan from another phone's BankID app via a QR renderer).
use std::sync::mpsc;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use samtal_core::keyvault::KeyVault;
use samtal_core::login::{
    self, LoginClient, LoginError, LoginHandle, LoginObserver, LoginProgress, WorkerSession,
};

use crate::sessions::{data_dir, open_store, vault};

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

enum Event {
    Progress(LoginProgress),
    Finished(Result<WorkerSession, LoginError>),
}

struct Printer(mpsc::Sender<Event>);

impl LoginObserver for Printer {
    fn on_progress(&self, progress: &LoginProgress) {
        let _ = self.0.send(Event::Progress(progress.clone()));
    }
    fn on_finished(&self, result: Result<WorkerSession, LoginError>) {
        let _ = self.0.send(Event::Finished(result));
    }
}

pub fn login(args: &LoginArgs) -> anyhow::Result<()> {
    let store = open_store()?;
    let dir = data_dir()?;
    let vault: Arc<dyn KeyVault> = Arc::new(vault(&dir)?);
    let client = LoginClient::from_store(&store, vault.as_ref())?;
    let (tx, rx) = mpsc::channel();
    let handle = LoginHandle::spawn(
        client,
        dir,
        vault,
        args.same_device,
        &args.language,
        Box::new(Printer(tx)),
    )?;
    if args.same_device {
        println!("open: {}", handle.start().auto_start_url);
    }
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
            Event::Finished(Ok(session)) => {
                handle.join();
                println!(
                    "signed in; session valid until {} (ms since epoch)",
                    session.expires_at_ms
                );
                return Ok(());
            }
            Event::Finished(Err(e)) => {
                handle.join();
                return Err(e).context("BankID sign-in did not complete");
            }
        }
    }
    anyhow::bail!("the sign-in thread ended without a result")
}

pub fn logout(_args: &LogoutArgs) -> anyhow::Result<()> {
    let store = open_store()?;
    let dir = data_dir()?;
    let vault = vault(&dir)?;
    if let Some(session) = login::token::load(&dir, &vault)? {
        match LoginClient::from_store(&store, &vault).and_then(|c| c.logout(&session.token)) {
            Ok(()) => println!("session revoked at the endpoint"),
            Err(e) => {
                eprintln!("could not revoke the session at the endpoint ({e}); it is removed here")
            }
        }
    }
    login::token::clear(&dir, &vault)?;
    println!("signed out");
    Ok(())
}
