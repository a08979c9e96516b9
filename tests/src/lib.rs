//! Cross-crate end-to-end tests and the helpers they share (fixtures, models, WER).
use samtal_asr::{EngineConfig, Transcriber};
use samtal_audio::WavFileSource;
use samtal_models::{ModelStore, Quantization};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A fixture WAV as 16 kHz mono.
pub fn audio(name: &str) -> Vec<f32> {
    WavFileSource::read_all(&fixture(name)).expect("fixture audio")
}

/// The reference text of a fixture recording.
pub fn reference(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture reference text")
}

/// One shared engine per model and quantization for the whole test binary (loading is the
/// slow part). Models are fetched by `make test` before the tests run.
pub fn transcriber(model: &str, q: Quantization) -> Transcriber {
    static ENGINES: OnceLock<Mutex<HashMap<String, Transcriber>>> = OnceLock::new();
    let key = format!("{model}-{}", q.name());
    let mut engines = ENGINES.get_or_init(Default::default).lock().unwrap();
    engines
        .entry(key)
        .or_insert_with(|| transcriber_with(model, q, EngineConfig::default()))
        .clone()
}

/// An engine of its own with a given configuration.
pub fn transcriber_with(model: &str, q: Quantization, config: EngineConfig) -> Transcriber {
    let path = ModelStore::from_env()
        .and_then(|store| store.whisper_model(model, q))
        .unwrap_or_else(|e| panic!("{e} (run `make models` first)"));
    Transcriber::load(&path, config).expect("model loads")
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error rate: word-level edit distance over the number of reference words.
pub fn wer(reference: &str, hypothesis: &str) -> f64 {
    let r = words(reference);
    let h = words(hypothesis);
    let mut row: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, hw) in h.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if rw == hw {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[h.len()] as f64 / r.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    #[test]
    fn wer_counts_substitutions_insertions_and_deletions() {
        assert_eq!(super::wer("a b c d", "a b c d"), 0.0);
        assert_eq!(super::wer("a b c d", "a x c"), 0.5);
        assert_eq!(super::wer("Hello, world.", "hello world"), 0.0);
    }
}
