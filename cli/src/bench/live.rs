//! `samtal bench live`: a recording played in real time through the path the app records
//! with (100 ms microphone buffers → recorder → encrypted spool in half-second chunks →
//! streaming transcription), in a throw-away encrypted store. For each finalized segment it
//! measures the delay from the end of its speech (its end time in the recording, on the
//! playback clock) to its arrival at the segment callback, and after the last buffer, how
//! long `stop` takes until the whole transcript is there.
use super::{cpu_seconds, print_config, print_peak_rss, quantile};
use crate::engine::ModelArgs;
use crate::transcribe::Spoken;
use samtal_asr::{TranscribeError, TranscribeOptions};
use samtal_audio::{Pace, WavFileSource};
use samtal_core::recorder::{
    Recorder, SegmentSink, StreamFactory, TranscriptionStream, WhisperStreams,
    DEFAULT_CHUNK_SAMPLES,
};
use samtal_store::keyvault::MemoryKeyVault;
use samtal_store::{ConsentDecision, InformedBy, Store};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// (arrival, segment start, segment end): times in seconds since playback started.
type Arrivals = Arc<Mutex<Vec<(f64, f64, f64)>>>;

/// Passes segments on to the recorder's sink, noting when each arrived (as the app's
/// transcript listeners would see it).
struct Timed<'a> {
    inner: &'a dyn StreamFactory,
    origin: Instant,
    arrivals: Arrivals,
}

impl StreamFactory for Timed<'_> {
    fn start(
        &self,
        mut on_segment: SegmentSink,
    ) -> Result<Box<dyn TranscriptionStream>, TranscribeError> {
        let (origin, arrivals) = (self.origin, self.arrivals.clone());
        self.inner.start(Box::new(move |segment| {
            let at = origin.elapsed().as_secs_f64();
            let mut arrivals = arrivals.lock().unwrap_or_else(|e| e.into_inner());
            arrivals.push((at, segment.start, segment.end));
            drop(arrivals);
            on_segment(segment);
        }))
    }
}

pub fn run(file: &Path, lang: Spoken, each: bool, model: &ModelArgs) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let store = Arc::new(Store::open(data.path(), &MemoryKeyVault::new())?);
    store.set_user("bench")?;
    let session = store.create_session()?;
    store.record_consent(
        &session,
        ConsentDecision::Given,
        InformedBy::Verbal,
        lang.0.map_or("en", |l| l.code()),
        "bench",
    )?;
    let factory = WhisperStreams {
        transcriber: model.load()?,
        options: TranscribeOptions::new(lang.0),
    };
    let arrivals = Arrivals::default();
    let mut source = WavFileSource::open(file, Pace::RealTime)?;
    let audio_secs = source.duration_secs();
    let origin = Instant::now();
    let timed = Timed {
        inner: &factory,
        origin,
        arrivals: arrivals.clone(),
    };
    let mut recorder = Recorder::start(store, session, &timed, DEFAULT_CHUNK_SAMPLES)?;
    let cpu_before = cpu_seconds();
    samtal_audio::pump(&mut source, |block| -> anyhow::Result<()> {
        Ok(recorder.push(block)?)
    })?;
    let stop = origin.elapsed().as_secs_f64();
    recorder.stop()?;
    let done = origin.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;

    let arrivals = arrivals.lock().unwrap_or_else(|e| e.into_inner()).clone();
    anyhow::ensure!(!arrivals.is_empty(), "no speech was recognised in the file");
    let mut delays: Vec<f64> = arrivals.iter().map(|(at, _, end)| at - end).collect();
    if each {
        println!("segment  start s    end s  arrived s  delay s");
        for (i, (at, start, end)) in arrivals.iter().enumerate() {
            println!(
                "{:>7} {start:>8.2} {end:>8.2} {at:>10.2} {:>8.2}",
                i + 1,
                at - end
            );
        }
    }
    delays.sort_by(f64::total_cmp);
    print_config(model);
    println!("audio seconds  {audio_secs:.2}");
    println!("played until   {stop:.2} s (stop)");
    println!("segments       {}", delays.len());
    println!("delay p50 s    {:.2}", quantile(&delays, 0.5));
    println!("delay p95 s    {:.2}", quantile(&delays, 0.95));
    println!("delay max s    {:.2}", quantile(&delays, 1.0));
    println!(
        "after stop s   {:.2}  (stop until the transcript is complete)",
        done - stop
    );
    println!("cpu s/audio min {:.2}", cpu / audio_secs * 60.0);
    print_peak_rss();
    Ok(())
}
