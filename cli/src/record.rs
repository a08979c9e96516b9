//! `samtal record`: runs a whole meeting session from a WAV file as if it were the phone's
//! microphone: consent, record (encrypted spool), live transcription, stop. With
//! `--resume` it picks up a recording that was interrupted (crash, kill, power loss).
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use samtal_asr::Language;
use samtal_audio::{AudioSource, Pace, WavFileSource, SAMPLE_RATE};
use samtal_core::app::{App, AppConfig, Recording};
use samtal_core::recorder::DEFAULT_CHUNK_SAMPLES;
use samtal_models::ModelStore;
use samtal_store::{ConsentDecision, InformedBy, SessionId};

use crate::app;
use crate::engine::ModelArgs;
use crate::transcribe::{parse_spoken, Spoken};

#[derive(Args)]
pub struct RecordArgs {
    /// WAV file to use as the microphone (8-192 kHz, up to 32 channels).
    #[arg(long, value_name = "FILE", required_unless_present = "resume")]
    from_wav: Option<PathBuf>,
    /// Deliver the file at real-time speed, like a live microphone.
    #[arg(long)]
    realtime: bool,
    /// Continue an interrupted recording (see `samtal sessions`); with --from-wav the
    /// file's audio is appended, otherwise the recording is stopped and transcribed.
    #[arg(long, value_name = "SESSION")]
    resume: Option<String>,
    /// Spoken language: sv, da, en or auto.
    #[arg(long, default_value = "sv", value_parser = parse_spoken)]
    lang: Spoken,
    #[command(flatten)]
    model: ModelArgs,
    /// How the citizen was informed before consenting: verbal, written or interpreter.
    #[arg(long, default_value = "verbal")]
    informed_by: String,
    /// Who takes part besides the worker, comma-separated: citizen, relative, interpreter,
    /// other (e.g. `citizen,relative`). Names the voices found; stored with the consent.
    #[arg(long, value_delimiter = ',', value_name = "ROLES")]
    present: Vec<String>,
    /// Staff id of the worker (never a personal number).
    #[arg(long, default_value = "desktop-worker")]
    worker: String,
    /// Spool chunk length in milliseconds (at most 1000): the most audio a crash can lose.
    #[arg(long, default_value_t = (DEFAULT_CHUNK_SAMPLES * 1000 / SAMPLE_RATE as usize) as u32)]
    chunk_ms: u32,
}

pub fn record(args: RecordArgs) -> anyhow::Result<()> {
    let informed_by: InformedBy = args.informed_by.parse()?;
    if args.chunk_ms == 0 || args.chunk_ms > 1000 {
        anyhow::bail!("--chunk-ms must be between 1 and 1000");
    }
    let language = args.lang.0;
    let pace = if args.realtime {
        Pace::RealTime
    } else {
        Pace::Fast
    };
    // Everything that can be checked is checked before a session exists: the audio file,
    // the model, the store.
    let source = args
        .from_wav
        .as_deref()
        .map(|path| WavFileSource::open(path, pace))
        .transpose()?;
    let app = app::open_with(AppConfig {
        engine: args.model.config(),
        chunk_samples: args.chunk_ms as usize * SAMPLE_RATE as usize / 1000,
        ..app::config()?
    })?;
    app.use_installed_model(
        &ModelStore::from_env()?,
        &args.model.model,
        args.model.quant,
    )?;
    app.set_worker(&args.worker)?;
    app.load_model()?;
    if !app.voice_status()?.enrolled {
        eprintln!(
            "no voice profile enrolled: speakers will not be attributed (`samtal voice enroll --from-wav FILE`)"
        );
    }

    let id = match &args.resume {
        Some(id) => {
            let id: SessionId = id.parse()?;
            resume(&app, &id, language, source)?;
            id
        }
        None => {
            let source = source.context("--from-wav is needed for a new recording")?;
            let consent_language = language.map_or("sv", Language::code);
            let id = app.begin_session_with_present(
                ConsentDecision::Given,
                informed_by,
                consent_language,
                &args.worker,
                &args.present,
            )?;
            eprintln!(
                "session {id}: consent recorded ({}), recording",
                informed_by.as_str()
            );
            // A failure from here on discards the session: nothing is left half-started,
            // and the file it came from is untouched. (A kill leaves it recoverable.)
            if let Err(e) = record_new(&app, &id, language, source) {
                match app.discard(&id) {
                    Ok(()) => eprintln!("session {id}: discarded, nothing of it was kept"),
                    Err(d) => eprintln!("session {id}: could not be discarded ({d})"),
                }
                return Err(e);
            }
            id
        }
    };
    print_result(&app, &id)
}

fn record_new(
    app: &App,
    id: &SessionId,
    language: Option<Language>,
    mut source: WavFileSource,
) -> anyhow::Result<()> {
    let recording = app.start_recording(id, language)?;
    feed(&recording, &mut source, 0.0)?;
    eprintln!("session {id}: stopped, finishing transcription");
    Ok(recording.stop()?)
}

/// Picks up an interrupted recording, appends the file if one is given, and finishes it.
/// A failure leaves it recoverable, as the kill did.
fn resume(
    app: &App,
    id: &SessionId,
    language: Option<Language>,
    source: Option<WavFileSource>,
) -> anyhow::Result<()> {
    let recording = app.recover_recording(id, language)?;
    let recovered = recording.captured_seconds()?;
    eprintln!("session {id}: recovered {recovered:.1} s of recorded audio");
    if let Some(mut source) = source {
        recording.resume()?;
        feed(&recording, &mut source, recovered)?;
    }
    eprintln!("session {id}: stopped, finishing transcription");
    Ok(recording.stop()?)
}

/// Pushes the whole source into the recording, printing how much was read.
fn feed(recording: &Recording, source: &mut dyn AudioSource, offset: f64) -> anyhow::Result<()> {
    let mut read = 0usize;
    samtal_audio::pump(source, |block| -> anyhow::Result<()> {
        read += block.len();
        recording.push(block)?;
        // Progress (no content): audio read from the source so far, in seconds.
        eprint!(
            "\rrecording: read {:.1} s",
            offset + samtal_audio::seconds(read)
        );
        let _ = std::io::stderr().flush();
        Ok(())
    })?;
    eprintln!();
    Ok(())
}

/// Prints the session's transcript on stdout (the user's own output; never logged).
fn print_result(app: &App, id: &SessionId) -> anyhow::Result<()> {
    let info = app.session(id)?;
    let segments = app.transcript(id)?;
    let speakers = app.segment_speakers(id)?;
    for s in &segments {
        let unsure = speakers
            .iter()
            .find(|sp| sp.segment == s.id)
            .is_some_and(|sp| sp.unsure);
        match &s.speaker {
            Some(who) => println!(
                "[{:7.2} – {:7.2}] {who}{}: {}",
                s.start,
                s.end,
                if unsure { " (?)" } else { "" },
                s.text
            ),
            None => println!("[{:7.2} – {:7.2}] {}", s.start, s.end, s.text),
        }
    }
    eprintln!(
        "session {id}: {} — {:.1} s recorded, {} segments, {} audio chunks left",
        info.state,
        info.captured_seconds,
        segments.len(),
        info.spool_chunks
    );
    Ok(())
}
