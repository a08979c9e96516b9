//! Loading the checked model file and pooling a text span's hidden states.
use crate::gemma::{mean_pool, Gemma, MAX_TOKENS};
use crate::tokenizer::Tokenizer;
use crate::EmbedError;
use candle_core::quantized::gguf_file::Content;
use samtal_models::{header, sha256_file, Manifest, ModelError, ModelStore};
use std::path::{Path, PathBuf};

/// The manifest entry of the model.
pub const MODEL_ID: &str = "gemma3-270m";

/// A span's pooled hidden states: one vector per loaded layer (layer 1 first).
#[derive(Debug, Clone, PartialEq)]
pub struct Pooled {
    /// Tokens of the span (without the beginning-of-sequence token).
    pub tokens: usize,
    pub layers: Vec<Vec<f32>>,
}

pub struct Embedder {
    tokenizer: Tokenizer,
    model: Gemma,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> EmbedError + '_ {
    move |e| EmbedError::Io {
        path: path.display().to_string(),
        reason: e.kind().to_string(),
    }
}

impl Embedder {
    /// The model installed by `samtal models fetch gemma3-270m` (checked by the model store
    /// against the manifest), with its first `layers` layers (all if `None`).
    pub fn installed(layers: Option<usize>) -> Result<Embedder, EmbedError> {
        let path = ModelStore::from_env()?.gguf_model(MODEL_ID)?;
        Embedder::load(&path, layers)
    }

    /// The model at `path`, which must be the file the built-in manifest pins for
    /// [`MODEL_ID`] (size and SHA-256) with a sound GGUF header: a damaged or foreign file
    /// is refused before candle reads it.
    pub fn open(path: &Path, layers: Option<usize>) -> Result<Embedder, EmbedError> {
        let entry = Manifest::builtin().get(MODEL_ID)?.clone();
        let size = std::fs::metadata(path).map_err(io(path))?.len();
        if let Some(expected) = entry.size.filter(|&s| s != size) {
            return Err(ModelError::Size {
                path: PathBuf::from(path),
                expected,
                actual: size,
            }
            .into());
        }
        let digest = sha256_file(path)?;
        if digest != entry.sha256 {
            return Err(ModelError::Checksum {
                path: PathBuf::from(path),
                expected: entry.sha256,
                actual: digest,
            }
            .into());
        }
        header::check_gguf_file(path)?;
        Embedder::load(path, layers)
    }

    fn load(path: &Path, layers: Option<usize>) -> Result<Embedder, EmbedError> {
        let mut file = std::fs::File::open(path).map_err(io(path))?;
        let ct = Content::read(&mut file).map_err(|e| EmbedError::Weights(e.to_string()))?;
        let tokenizer = Tokenizer::from_gguf(&ct)?;
        let model = Gemma::load(&ct, &mut file, layers)?;
        Ok(Embedder { tokenizer, model })
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Width of a pooled vector.
    pub fn width(&self) -> usize {
        self.model.hidden()
    }

    /// Layers run.
    pub fn layers(&self) -> usize {
        self.model.layers()
    }

    /// The mean hidden state of `text`'s tokens after each layer (the beginning-of-sequence
    /// token is run but not pooled: its state is an attention sink, the same for every
    /// text). A text longer than the model's window is cut to its first 511 tokens.
    pub fn embed(&self, text: &str) -> Result<Pooled, EmbedError> {
        self.embed_timed(text, |_| {})
    }

    /// [`Self::embed`], calling `after` with each layer number as it finishes.
    pub fn embed_timed(&self, text: &str, after: impl FnMut(usize)) -> Result<Pooled, EmbedError> {
        let mut ids = vec![self.tokenizer.bos()];
        ids.extend(self.tokenizer.encode(text));
        ids.truncate(MAX_TOKENS);
        if ids.len() < 2 {
            return Err(EmbedError::Length(0));
        }
        let states = self.model.forward(&ids, after)?;
        let layers = states
            .iter()
            .map(|s| mean_pool(s, 1))
            .collect::<Result<_, _>>()?;
        Ok(Pooled {
            tokens: ids.len() - 1,
            layers,
        })
    }
}
