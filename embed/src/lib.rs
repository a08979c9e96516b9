//! An experiment, not part of the drafter: Gemma 3 270M (GGUF Q4_K_M, run with candle)
//! turns a sentence into the mean of its tokens' hidden states after a layer, and
//! [`experiment`] measures leave-one-meeting-out whether those vectors tell relevance and
//! section better than the drafter's word features, and what they cost per meeting minute.
//! `samtal-draft` does not depend on this crate.
pub mod classify;
mod embedder;
pub mod experiment;
pub mod gemma;
pub mod metrics;
pub mod tokenizer;

pub use embedder::{Embedder, Pooled, MODEL_ID};

/// Errors of loading and running the model; they name files and counts, never text.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error(transparent)]
    Model(#[from] samtal_models::ModelError),
    #[error("cannot read model file {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("the model's vocabulary is unusable: {0}")]
    Vocabulary(String),
    #[error("the model's weights are unusable: {0}")]
    Weights(String),
    #[error("{asked} layers asked for, the model has {blocks} (1–{blocks})")]
    Layers { asked: usize, blocks: usize },
    #[error("a span of {0} tokens cannot be embedded (1–511 tokens)")]
    Length(usize),
    #[error("embedding cache {path}: {reason}; delete it to recompute")]
    Cache { path: String, reason: String },
    #[error(transparent)]
    Eval(#[from] samtal_draft::eval::EvalError),
}
