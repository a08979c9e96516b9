//! `samtal bench …`: measurements that print numbers (speed, memory, accuracy on synthetic
//! renderings), never pass/fail.
mod speakers;

use crate::engine::ModelArgs;
use crate::transcribe::Spoken;
use clap::Subcommand;
use samtal_asr::TranscribeOptions;
use samtal_audio::WavFileSource;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Real-time factor and peak memory of transcription.
    Transcribe {
        /// Audio to transcribe (default: the 60 s English fixture).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Spoken language of the file.
        #[arg(long, default_value = "en", value_parser = crate::transcribe::parse_spoken)]
        lang: Spoken,
        /// Transcriptions of the file with the model loaded once; the fastest and the
        /// median are printed (this machine's speed drifts from run to run).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        runs: u32,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Speaker attribution on espeak-ng renderings of the dev meetings: share of speech
    /// time with the right role and the right side of worker / not worker, and time per
    /// audio minute.
    Speakers(speakers::SpeakersArgs),
}

fn default_clip() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/en-meeting-60s.wav")
}

/// Peak resident set size of this process in MB (Linux), if known.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Transcribe {
            file,
            lang,
            runs,
            model,
        } => {
            let file = file.unwrap_or_else(default_clip);
            let samples = WavFileSource::read_all(&file)?;
            let audio_secs = samtal_audio::seconds(samples.len());
            let load = Instant::now();
            let transcriber = model.load()?;
            let load_secs = load.elapsed().as_secs_f64();
            let mut walls = Vec::new();
            let mut segments = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let transcript =
                    transcriber.transcribe(&samples, &TranscribeOptions::new(lang.0))?;
                walls.push(t.elapsed().as_secs_f64());
                segments = transcript.segments.len();
            }
            walls.sort_by(f64::total_cmp);
            let (wall, median) = (walls[0], walls[walls.len() / 2]);
            println!("model          {} ({})", model.model, model.quant.name());
            let config = model.config();
            println!("threads        {}", config.threads);
            println!(
                "lanes          {}",
                config.lanes.clamp(1, config.threads.max(1))
            );
            println!(
                "encoder        {} context, flash attention {}",
                if config.fit_context {
                    "fitted"
                } else {
                    "full 30 s"
                },
                if config.flash_attention { "on" } else { "off" }
            );
            println!("audio seconds  {audio_secs:.2}");
            println!("load seconds   {load_secs:.2}");
            println!("runs           {runs}");
            println!("wall seconds   {wall:.2}");
            println!("median seconds {median:.2}");
            println!("real-time factor {:.3}", wall / audio_secs);
            println!("segments       {segments}");
            match peak_rss_mb() {
                Some(mb) => println!("peak RSS MB    {mb:.0}"),
                None => println!("peak RSS MB    unknown"),
            }
        }
        BenchCommand::Speakers(args) => speakers::run(args)?,
    }
    Ok(())
}
