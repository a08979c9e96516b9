//! `samtal record`: runs a whole meeting session from a WAV file as if it were the phone's
//! microphone: consent, record (encrypted spool), live transcription, stop. With
//! `--resume` it picks up a recording that was interrupted (crash, kill, power loss).
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use samtal_asr::{Language, TranscribeOptions};
use samtal_audio::{AudioSource, Pace, WavFileSource};
use samtal_core::recorder::{Recorder, WhisperStreams, DEFAULT_CHUNK_SAMPLES};
use samtal_store::{ConsentDecision, InformedBy, SessionId, Store};

use crate::engine::ModelArgs;
use crate::sessions::open_store;
use crate::transcribe::{parse_spoken, Spoken};

#[derive(Args)]
pub struct RecordArgs {
    /// WAV file to use as the microphone (any rate and channel count).
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
    /// Staff id of the worker (never a personal number).
    #[arg(long, default_value = "desktop-worker")]
    worker: String,
    /// Spool chunk length in milliseconds (at most 1000): the most audio a crash can lose.
    #[arg(long, default_value_t = (DEFAULT_CHUNK_SAMPLES / 16) as u32)]
    chunk_ms: u32,
}

pub fn record(args: RecordArgs) -> anyhow::Result<()> {
    let language = args.lang.0;
    let informed_by: InformedBy = args.informed_by.parse()?;
    if args.chunk_ms == 0 || args.chunk_ms > 1000 {
        anyhow::bail!("--chunk-ms must be between 1 and 1000");
    }
    let chunk_samples = args.chunk_ms as usize * 16;
    let store = open_store()?;
    store.set_user(&args.worker)?;

    let transcriber = args.model.load()?;
    let factory = WhisperStreams {
        transcriber,
        options: TranscribeOptions::new(language),
    };

    let mut recorder = match &args.resume {
        Some(id) => {
            let id: SessionId = id.parse()?;
            let mut rec = Recorder::recover(store.clone(), id.clone(), &factory, chunk_samples)?;
            eprintln!(
                "session {id}: recovered {:.1} s of recorded audio",
                rec.captured_seconds()?
            );
            if args.from_wav.is_some() {
                rec.resume()?;
            }
            rec
        }
        None => {
            let id = store.create_session()?;
            let consent_lang = language.map_or("sv", Language::code);
            store.record_consent(
                &id,
                ConsentDecision::Given,
                informed_by,
                consent_lang,
                &args.worker,
            )?;
            eprintln!(
                "session {id}: consent recorded ({}), recording",
                informed_by.as_str()
            );
            Recorder::start(store.clone(), id, &factory, chunk_samples)?
        }
    };
    let id = recorder.session().clone();

    if let Some(path) = &args.from_wav {
        let pace = if args.realtime {
            Pace::RealTime
        } else {
            Pace::Fast
        };
        let mut source = WavFileSource::open(path, pace)?;
        let offset = recorder.captured_seconds()?;
        let mut buf = Vec::with_capacity(samtal_audio::READ_BLOCK);
        let mut read = 0usize;
        loop {
            buf.clear();
            let more = source.read(&mut buf)?;
            read += buf.len();
            recorder.push(&buf)?;
            // Progress (no content): audio read from the source so far, in seconds.
            eprint!(
                "\rrecording: read {:.1} s",
                offset + samtal_audio::seconds(read)
            );
            let _ = std::io::stderr().flush();
            if !more {
                break;
            }
        }
        eprintln!();
    }
    eprintln!("session {id}: stopped, finishing transcription");
    recorder.stop()?;
    print_result(&store, &id)
}

/// Prints the session's transcript on stdout (the user's own output; never logged).
fn print_result(store: &Store, id: &SessionId) -> anyhow::Result<()> {
    let info = store.session(id)?;
    let segments = store.segments(id)?;
    for s in &segments {
        println!("[{:7.2} – {:7.2}] {}", s.start, s.end, s.text);
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
