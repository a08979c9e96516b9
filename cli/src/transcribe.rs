//! `samtal transcribe FILE.wav`: one-shot transcription of a recording.
use crate::engine::ModelArgs;
use anyhow::Context;
use clap::Args;
use samtal_asr::{Language, TranscribeOptions};
use samtal_audio::WavFileSource;
use samtal_speaker::{label_segments, Config, Participants, Role, VoiceProfile};
use samtal_store::SegmentSpeaker;
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
    /// Say who spoke each segment (worker by the enrolled voice profile, see `samtal
    /// voice`); segments are split where the voice changes. JSON gets a `speakers` list
    /// with each segment's voice, confidence and whether to check it.
    #[arg(long)]
    pub speakers: bool,
    /// With --speakers: who takes part besides the worker, comma-separated (citizen,
    /// relative, interpreter, other).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ROLES",
        requires = "speakers"
    )]
    pub present: Vec<String>,
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
    let profile = if args.speakers {
        Some(enrolled_profile()?)
    } else {
        None
    };
    let participants = participants(&args.present)?;
    let mut transcript = transcriber
        .transcribe(&samples, &options)
        .context("transcription failed")?;
    let mut speakers = Vec::new();
    if let Some(profile) = profile {
        let attribution =
            samtal_speaker::attribute(&samples, &profile, &participants, &Config::default());
        let labelled = label_segments(&transcript.segments, &attribution);
        if !labelled.is_empty() {
            transcript.segments = labelled.iter().map(|l| l.segment.clone()).collect();
            speakers = labelled
                .iter()
                .map(|l| SegmentSpeaker {
                    segment: l.segment.id,
                    voice: l.voice,
                    confidence: l.confidence,
                    unsure: l.low_confidence,
                })
                .collect();
        }
    }
    if args.json {
        let mut json = serde_json::to_value(&transcript)?;
        if args.speakers {
            json["speakers"] = serde_json::to_value(&speakers)?;
        }
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        for s in &transcript.segments {
            let unsure = speakers.iter().any(|sp| sp.segment == s.id && sp.unsure);
            let who = s
                .speaker
                .as_deref()
                .map(|w| format!("{w}{}: ", if unsure { " (?)" } else { "" }))
                .unwrap_or_default();
            println!("[{:>7.2} – {:>7.2}] {who}{}", s.start, s.end, s.text);
        }
    }
    Ok(())
}

/// The worker's enrolled voice profile from the local store.
fn enrolled_profile() -> anyhow::Result<VoiceProfile> {
    let app = crate::app::open()?;
    let status = app.voice_status()?;
    if !status.enrolled || status.needs_reenrolment {
        anyhow::bail!(
            "--speakers needs the worker's voice: enrol it first with `samtal voice enroll --from-wav FILE`"
        );
    }
    app.voice_profile()?.context("the voice profile went away")
}

/// The roles declared present (`--present`), or "citizen and perhaps a relative".
pub fn participants(present: &[String]) -> anyhow::Result<Participants> {
    if present.is_empty() {
        return Ok(Participants::unknown());
    }
    let roles = present
        .iter()
        .map(|p| {
            Role::parse(p)
                .filter(|r| *r != Role::Worker)
                .context("--present takes citizen, relative, interpreter or other")
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Participants::new(roles))
}
