//! `samtal transcribe FILE.wav`: one-shot transcription of a recording.
use crate::engine::ModelArgs;
use anyhow::Context;
use clap::Args;
use samtal_asr::{Language, TranscribeOptions};
use samtal_audio::WavFileSource;
use std::path::PathBuf;

#[derive(Args)]
pub struct TranscribeArgs {
    /// A WAV file (any sample rate and channel count).
    pub file: PathBuf,
    /// Spoken language: sv, da, en or auto.
    #[arg(long, default_value = "auto", value_parser = parse_spoken)]
    pub lang: Spoken,
    /// Domain words that help recognition (names of benefits, places, …).
    #[arg(long)]
    pub prompt: Option<String>,
    /// Print JSON (segments with start, end, text, confidence and words).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// A `--lang` value: a language, or `auto` (`None`) to let the recogniser detect it.
#[derive(Debug, Clone, Copy)]
pub struct Spoken(pub Option<Language>);

pub fn parse_spoken(s: &str) -> Result<Spoken, String> {
    if s == "auto" {
        return Ok(Spoken(None));
    }
    s.parse()
        .map(|l| Spoken(Some(l)))
        .map_err(|_| format!("unknown language `{s}` (use sv, da, en or auto)"))
}

pub fn run(args: TranscribeArgs) -> anyhow::Result<()> {
    let samples = WavFileSource::read_all(&args.file)?;
    let transcriber = args.model.load()?;
    let options = TranscribeOptions {
        language: args.lang.0,
        prompt: args.prompt,
    };
    let transcript = transcriber
        .transcribe(&samples, &options)
        .context("transcription failed")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&transcript)?);
    } else {
        for s in &transcript.segments {
            println!("[{:>7.2} – {:>7.2}] {}", s.start, s.end, s.text);
        }
    }
    Ok(())
}
