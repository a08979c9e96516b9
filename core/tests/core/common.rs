//! Helpers shared by the session and app tests.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use samtal_asr::TranscribeError;
use samtal_core::recorder::{SegmentSink, StreamFactory, TranscriptionStream};
use samtal_draft::transcript::Segment;

/// Samples per second of everything recorded.
pub const SECOND: usize = samtal_audio::SAMPLE_RATE as usize;

pub use crate::store_common::open_store;

/// A transcription stream for tests that need no model: every `every` seconds of pushed
/// audio it finalizes one segment whose text is the next line of `script`, and it reports
/// audio as transcribed `lag` seconds behind what was pushed.
pub struct ScriptedFactory {
    pub script: Vec<String>,
    pub every: f64,
    pub lag: f64,
    /// All audio pushed to any stream started by this factory, in order.
    pub pushed: Arc<Mutex<Vec<f32>>>,
}

impl ScriptedFactory {
    pub fn new(script: &[&str]) -> Self {
        ScriptedFactory {
            script: script.iter().map(|s| s.to_string()).collect(),
            every: 1.0,
            lag: 0.5,
            pushed: Arc::new(Mutex::new(Vec::new())),
        }
    }
}

struct ScriptedStream {
    script: Vec<String>,
    every: f64,
    lag: f64,
    samples: u64,
    emitted: usize,
    sink: SegmentSink,
    pushed: Arc<Mutex<Vec<f32>>>,
}

impl StreamFactory for ScriptedFactory {
    fn start(
        &self,
        on_segment: SegmentSink,
    ) -> Result<Box<dyn TranscriptionStream>, TranscribeError> {
        Ok(Box::new(ScriptedStream {
            script: self.script.clone(),
            every: self.every,
            lag: self.lag,
            samples: 0,
            emitted: 0,
            sink: on_segment,
            pushed: self.pushed.clone(),
        }))
    }
}

impl ScriptedStream {
    fn segment(&mut self) -> Segment {
        let i = self.emitted;
        self.emitted += 1;
        Segment {
            id: i as u32 + 1,
            start: i as f64 * self.every,
            end: (i + 1) as f64 * self.every,
            text: self.script[i % self.script.len()].clone(),
            confidence: 0.9,
            words: vec![],
            speaker: None,
        }
    }
    fn seconds(&self) -> f64 {
        self.samples as f64 / SECOND as f64
    }
}

impl TranscriptionStream for ScriptedStream {
    fn push(&mut self, samples: &[f32]) -> Result<(), TranscribeError> {
        self.samples += samples.len() as u64;
        self.pushed.lock().unwrap().extend_from_slice(samples);
        while (self.emitted + 1) as f64 * self.every <= self.seconds() - self.lag {
            let seg = self.segment();
            (self.sink)(seg);
        }
        Ok(())
    }
    fn transcribed_until(&self) -> f64 {
        (self.emitted as f64 * self.every).min(self.seconds())
    }
    fn finish(mut self: Box<Self>) -> Result<Vec<Segment>, TranscribeError> {
        let mut rest = Vec::new();
        while (self.emitted as f64) * self.every < self.seconds() {
            rest.push(self.segment());
        }
        Ok(rest)
    }
}

/// A deterministic test signal (not silence), distinct per sample index.
pub fn tone(start: u64, n: usize) -> Vec<f32> {
    (0..n as u64)
        .map(|i| (((start + i) as f32) * 0.031).sin() * 0.5 + ((start + i) % 7) as f32 * 1e-4)
        .collect()
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Files under `dir` whose raw bytes contain any of `needles` (each at least 4 bytes).
/// One pass per file, looking needles up by their first four bytes.
pub fn files_containing(dir: &Path, needles: &[Vec<u8>]) -> Vec<PathBuf> {
    let mut by_prefix: std::collections::HashMap<[u8; 4], Vec<&[u8]>> = Default::default();
    for n in needles {
        assert!(n.len() >= 4, "needle too short to be meaningful");
        by_prefix
            .entry([n[0], n[1], n[2], n[3]])
            .or_default()
            .push(n);
    }
    files_under(dir)
        .into_iter()
        .filter(|p| {
            let data = std::fs::read(p).unwrap_or_default();
            (0..data.len().saturating_sub(3)).any(|i| {
                by_prefix
                    .get(&[data[i], data[i + 1], data[i + 2], data[i + 3]])
                    .is_some_and(|ns| ns.iter().any(|n| data[i..].starts_with(n)))
            })
        })
        .collect()
}

/// Byte patterns that would reveal `samples` stored in plain form (f32 LE and 16-bit PCM).
pub fn audio_needles(samples: &[f32]) -> Vec<Vec<u8>> {
    let window = &samples[..samples.len().min(64)];
    let f32le: Vec<u8> = window.iter().flat_map(|s| s.to_le_bytes()).collect();
    let i16le: Vec<u8> = window
        .iter()
        .flat_map(|s| ((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes())
        .collect();
    vec![f32le, i16le]
}

/// The installed tiny.en model (q8_0), as `samtal models fetch` lays it out.
pub fn model() -> PathBuf {
    let dir = std::env::var_os("SAMTAL_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/samtal/models")
        })
        .join("whisper-tiny-en");
    let record = std::fs::read(dir.join("installed.json")).unwrap_or_else(|_| {
        panic!("whisper-tiny-en is not installed in {}: run `samtal models fetch whisper-tiny-en` (make test does)", dir.display())
    });
    let installed: serde_json::Value = serde_json::from_slice(&record).unwrap();
    let file = installed["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["quantization"] == "q8_0")
        .expect("q8_0 file");
    dir.join(file["name"].as_str().unwrap())
}

/// A models directory whose tiny.en (q8_0) is a link to the installed file: the app seals
/// what it checks beside the model file, and the shared model cache is never written to.
pub fn linked_models() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let model = model();
    let linked = dir
        .path()
        .join("whisper-tiny-en")
        .join(model.file_name().unwrap());
    std::fs::create_dir_all(linked.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&model, &linked).unwrap();
    dir
}

/// Makes tiny.en (q8_0) in `models` the app's model, as the phone shells do at start.
pub fn use_tiny(
    app: &samtal_core::app::App,
    models: &Path,
) -> Result<PathBuf, samtal_core::app::AppError> {
    app.use_installed_model(
        &samtal_models::ModelStore::new(models),
        "whisper-tiny-en",
        samtal_models::Quantization::Q8_0,
    )
}

pub fn fixture() -> (PathBuf, String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let wav = dir.join("en-meeting-60s.wav");
    let text =
        std::fs::read_to_string(dir.join("en-meeting-60s.txt")).expect("fixture reference text");
    (wav, text)
}

/// What every thread of this test binary logged, at every level.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The logs of the whole binary, captured by one global subscriber installed by the first
/// test that asks: the engine's threads log too, and a second or a thread-local subscriber
/// next to a global one can miss events.
pub fn logs() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        tracing::subscriber::set_global_default(
            tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish(),
        )
        .expect("no other global subscriber");
        logs
    })
    .clone()
}
