//! `samtal bench …`: measurements that print numbers (speed, latency, memory, CPU time,
//! load time, accuracy on synthetic renderings), never pass/fail.
mod live;
mod load;
mod speakers;
mod transcribe;

use crate::engine::ModelArgs;
use crate::transcribe::Spoken;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Real-time factor, CPU time and peak memory of transcription.
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
    /// Plays a recording in real time through the app's recording path (encrypted spool,
    /// streaming transcription) and reports, per finalized segment, the delay from the end
    /// of its speech to its arrival, and how long the transcript takes after stop.
    Live {
        /// Audio to play (default: the 60 s English fixture).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Spoken language of the file.
        #[arg(long, default_value = "en", value_parser = crate::transcribe::parse_spoken)]
        lang: Spoken,
        /// Also print every segment's times and delay (never its text).
        #[arg(long)]
        each: bool,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Model load time: header check, full SHA-256 check, sealed check and engine start,
    /// with the file in the page cache and (with --cold) evicted from it first.
    Load {
        /// Evict the model file from the page cache before each step (as after a reboot).
        #[arg(long)]
        cold: bool,
        /// Repetitions of each step; the median is printed.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
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

/// CPU seconds (user + system, all threads) this process has used so far.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// The value at quantile `q` (nearest rank) of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn print_config(model: &ModelArgs) {
    let config = model.config();
    println!("model          {} ({})", model.model, model.quant.name());
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
    println!(
        "windows        cut at a quiet after {} s, at the quietest moment at {} s, {}",
        config.cut_after_secs,
        config.max_window_secs,
        if config.previous_text {
            "each with the text before it as prompt"
        } else {
            "each decoded on its own"
        }
    );
    match config.early_commit_secs {
        Some(secs) => println!("early commit   every {secs} s of an open window"),
        None => println!("early commit   off"),
    }
}

fn print_peak_rss() {
    match peak_rss_mb() {
        Some(mb) => println!("peak RSS MB    {mb:.0}"),
        None => println!("peak RSS MB    unknown"),
    }
}

pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Transcribe {
            file,
            lang,
            runs,
            model,
        } => transcribe::run(&file.unwrap_or_else(default_clip), lang, runs, &model),
        BenchCommand::Live {
            file,
            lang,
            each,
            model,
        } => live::run(&file.unwrap_or_else(default_clip), lang, each, &model),
        BenchCommand::Load { cold, runs, model } => load::run(cold, runs, &model),
        BenchCommand::Speakers(args) => speakers::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 10.0);
        assert_eq!(quantile(&v, 0.95), 19.0);
        assert_eq!(quantile(&v, 1.0), 20.0);
        assert_eq!(quantile(&[3.0], 0.95), 3.0);
    }
}
