//! `samtal bench transcribe`: batch speed, CPU time per audio minute (the figure that tracks
//! battery use) and peak memory of one configuration, the audio streamed in as recorded.
use super::{cpu_seconds, print_config, print_peak_rss};
use crate::engine::ModelArgs;
use crate::transcribe::Spoken;
use samtal_asr::{TranscribeOptions, Transcriber};
use samtal_audio::{Pace, WavFileSource};
use samtal_draft::transcript::Transcript;
use std::path::Path;
use std::time::Instant;

pub fn run(file: &Path, lang: Spoken, runs: u32, model: &ModelArgs) -> anyhow::Result<()> {
    let audio_secs = WavFileSource::open(file, Pace::Fast)?.duration_secs();
    let load = Instant::now();
    let transcriber = model.load()?;
    let load_secs = load.elapsed().as_secs_f64();
    let mut walls = Vec::new();
    let mut segments = 0;
    let cpu_before = cpu_seconds();
    for _ in 0..runs {
        let t = Instant::now();
        let transcript = transcribe_file(&transcriber, file, &TranscribeOptions::new(lang.0))?;
        walls.push(t.elapsed().as_secs_f64());
        segments = transcript.segments.len();
    }
    let cpu = (cpu_seconds() - cpu_before) / f64::from(runs);
    walls.sort_by(f64::total_cmp);
    let (wall, median) = (walls[0], walls[walls.len() / 2]);
    print_config(model);
    println!("audio seconds  {audio_secs:.2}");
    println!("load seconds   {load_secs:.2}");
    println!("runs           {runs}");
    println!("wall seconds   {wall:.2}");
    println!("median seconds {median:.2}");
    println!("real-time factor {:.3}", wall / audio_secs);
    println!("cpu seconds    {cpu:.2}");
    println!("cpu s/audio min {:.2}", cpu / audio_secs * 60.0);
    println!("segments       {segments}");
    print_peak_rss();
    Ok(())
}

/// Reads the file block by block into a live stream, as a microphone feeds the recorder:
/// peak memory is then the engine's and one window's, as on the phone, not the engine's plus
/// the whole recording.
fn transcribe_file(
    transcriber: &Transcriber,
    file: &Path,
    options: &TranscribeOptions,
) -> anyhow::Result<Transcript> {
    let mut source = WavFileSource::open(file, Pace::Fast)?;
    let mut stream = transcriber.stream(options.clone(), Box::new(|_| {}));
    samtal_audio::pump(&mut source, |block| -> anyhow::Result<()> {
        Ok(stream.push(block)?)
    })?;
    Ok(stream.finish()?)
}
