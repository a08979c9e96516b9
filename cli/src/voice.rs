//! `samtal voice`: the worker's voice profile that tells their speech from the others' in
//! every recording. Enrolled from a WAV of the worker reading the enrolment text
//! (`samtal voice text`); only voice statistics are kept, sealed in the store.
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::app;

#[derive(Subcommand)]
pub enum VoiceCommand {
    /// Enrol (or re-enrol) the worker's voice from a recording of them reading the
    /// enrolment text for about 30 s. The audio is not kept.
    Enroll(EnrollArgs),
    /// Whether a voice profile is enrolled, and when.
    Status,
    /// Delete the voice profile (recordings are then not attributed to speakers).
    Delete,
    /// Print the enrolment text to read aloud.
    Text(TextArgs),
}

#[derive(Args)]
pub struct EnrollArgs {
    /// WAV file of the worker reading the enrolment text (any rate and channel count).
    #[arg(long, value_name = "FILE")]
    from_wav: PathBuf,
}

#[derive(Args)]
pub struct TextArgs {
    /// sv, da or en.
    #[arg(long, default_value = "sv")]
    lang: String,
}

pub fn run(command: VoiceCommand) -> anyhow::Result<()> {
    match command {
        VoiceCommand::Enroll(args) => {
            let app = app::open()?;
            let status = app.enroll_voice_wav(&args.from_wav)?;
            eprintln!(
                "voice enrolled from {:.1} s of speech; the recording was not kept",
                status.speech_seconds.unwrap_or(0.0)
            );
        }
        VoiceCommand::Status => {
            let status = app::open()?.voice_status()?;
            match (
                status.enrolled,
                status.needs_reenrolment,
                status.enrolled_at,
            ) {
                (false, _, _) => {
                    println!("no voice enrolled: `samtal voice enroll --from-wav FILE`")
                }
                (true, true, _) => println!(
                    "a voice profile is stored but this version cannot read it: enrol again"
                ),
                (true, false, at) => println!(
                    "voice enrolled at {} from {:.1} s of speech",
                    at.map_or_else(|| "-".to_string(), crate::sessions::timestamp),
                    status.speech_seconds.unwrap_or(0.0)
                ),
            }
        }
        VoiceCommand::Delete => {
            if app::open()?.delete_voice()? {
                eprintln!("voice profile deleted");
            } else {
                eprintln!("no voice profile was enrolled");
            }
        }
        VoiceCommand::Text(args) => {
            let text = samtal_speaker::enrolment_text(&args.lang)
                .context("no enrolment text in this language (use sv, da or en)")?;
            print!("{text}");
        }
    }
    Ok(())
}
