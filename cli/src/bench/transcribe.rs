//! `samtal bench transcribe`: batch speed, CPU time per audio minute (the figure that tracks
//! battery use) and peak memory of one configuration.
use super::{cpu_seconds, print_config, print_peak_rss};
use crate::engine::ModelArgs;
use crate::transcribe::Spoken;
use samtal_asr::TranscribeOptions;
use samtal_audio::WavFileSource;
use std::path::Path;
use std::time::Instant;

pub fn run(file: &Path, lang: Spoken, runs: u32, model: &ModelArgs) -> anyhow::Result<()> {
    let samples = WavFileSource::read_all(file)?;
    let audio_secs = samtal_audio::seconds(samples.len());
    let load = Instant::now();
    let transcriber = model.load()?;
    let load_secs = load.elapsed().as_secs_f64();
    let mut walls = Vec::new();
    let mut segments = 0;
    let cpu_before = cpu_seconds();
    for _ in 0..runs {
        let t = Instant::now();
        let transcript = transcriber.transcribe(&samples, &TranscribeOptions::new(lang.0))?;
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
