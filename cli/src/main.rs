//! `samtal`: the desktop harness for Samtal. One module per command group; this file only
//! parses the command line and dispatches.
mod app;
mod bench;
mod draft;
mod embed_eval;
mod engine;
mod eval;
mod hints;
mod login;
mod models;
mod pipeline_eval;
mod record;
mod review;
mod sessions;
mod sync;
mod transcribe;
mod voice;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "samtal", version, about = "Samtal desktop harness")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch, list and verify speech and language models.
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// Transcribe a WAV file on this machine.
    Transcribe(transcribe::TranscribeArgs),
    /// Draft a journal note from a transcript JSON file.
    Draft(draft::DraftArgs),
    /// Evaluate against synthetic evaluation sets.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Benchmarks that print numbers.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Run a meeting session from a WAV file as if it were the microphone (consent,
    /// encrypted recording, live transcription), or resume an interrupted one.
    Record(record::RecordArgs),
    /// List local sessions and their states; withdraw or discard one.
    Sessions(sessions::SessionsArgs),
    /// Verify or show the local hash-chained audit trail.
    Audit(sessions::AuditArgs),
    /// Remove all local data (database, audio spool, voice profile, keys).
    Wipe(sessions::WipeArgs),
    /// Draft a recorded session, review it with the citizen and approve it into the outbox.
    Review(review::ReviewArgs),
    /// Receipts of delivered notes (all that stays after delivery).
    Receipts(review::ReceiptsArgs),
    /// Enroll this device with the municipal endpoint using a one-time code.
    Enroll(sync::EnrollArgs),
    /// Queue approved notes and deliver them to the municipal endpoint now.
    Sync(sync::SyncArgs),
    /// Show the delivery status of every queued note.
    Outbox(sync::OutboxArgs),
    /// Sign in with BankID (through the endpoint); prints progress and QR data.
    Login(login::LoginArgs),
    /// Sign out: revoke the session at the endpoint and forget it here.
    Logout(login::LogoutArgs),
    /// The worker's voice profile for speaker attribution: enroll, status, delete, text.
    #[command(subcommand)]
    Voice(voice::VoiceCommand),
    /// The citizen signs an approved note with their own BankID; prints progress and QR data.
    Sign(login::SignArgs),
}

fn main() -> ExitCode {
    end_quietly_on_a_closed_pipe();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SAMTAL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:?}");
            if let Some(hint) = hints::for_error(&e) {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Models(cmd) => models::run(cmd),
        Command::Transcribe(args) => transcribe::run(args),
        Command::Bench(cmd) => bench::run(cmd),
        Command::Draft(args) => draft::run(&args),
        Command::Eval(cmd) => eval::run(&cmd),
        Command::Record(args) => record::record(args),
        Command::Sessions(args) => sessions::sessions(args),
        Command::Audit(args) => sessions::audit(args),
        Command::Wipe(args) => sessions::wipe(args),
        Command::Review(args) => review::run(args),
        Command::Receipts(args) => review::receipts(&args),
        Command::Enroll(args) => sync::enroll(&args),
        Command::Sync(args) => sync::sync(&args),
        Command::Outbox(args) => sync::outbox(&args),
        Command::Login(args) => login::login(&args),
        Command::Logout(args) => login::logout(&args),
        Command::Sign(args) => login::sign(&args),
        Command::Voice(cmd) => voice::run(cmd),
    }
}

/// A reader that stops early (`samtal draft … | head`) ends the program quietly, as it
/// does any Unix filter, instead of a panic at the next `println!`. Rust ignores SIGPIPE by
/// default; this puts the default action back.
fn end_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
