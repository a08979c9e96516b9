//! Choosing and loading the speech model, shared by every command that transcribes.
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use samtal_asr::{EngineConfig, Transcriber};
use samtal_models::{ModelStore, Quantization};

#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// Whisper model id from the manifest (`samtal models list --all`).
    #[arg(long = "model", default_value = "whisper-base")]
    pub model: String,
    /// Weight format: f16, q8_0, q5_1, q5_0 or q4_0 (README, Performance).
    #[arg(long = "quant", default_value_t = Quantization::DEFAULT, value_parser = parse_quant)]
    pub quant: Quantization,
    /// CPU threads for recognition, all lanes together (default: 2, one per lane).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Windows recognised side by side when several wait (default 2; 1: one at a time).
    #[arg(long)]
    pub lanes: Option<usize>,
    /// Always encode Whisper's full 30 s context, even for short windows (slower).
    #[arg(long)]
    pub full_context: bool,
    /// With whisper.cpp's flash attention kernels (slower on this machine's CPU).
    #[arg(long)]
    pub flash_attention: bool,
    /// Seconds after which a window ends at the next short quiet (default: the engine's).
    #[arg(long)]
    pub cut_after: Option<f32>,
    /// Seconds at which a window is cut at its quietest moment (default: the engine's, 28).
    #[arg(long)]
    pub max_window: Option<f32>,
    /// Decode each window with the text before it as Whisper's prompt (windows then go
    /// one at a time).
    #[arg(long)]
    pub previous_text: bool,
    /// Every so many seconds of an open window, decode it so far and commit the sentences
    /// Whisper has closed in it (0: off; default: the engine's).
    #[arg(long, value_name = "SECS")]
    pub early_commit: Option<f32>,
}

fn parse_quant(s: &str) -> Result<Quantization, String> {
    Quantization::parse(s)
        .ok_or_else(|| format!("unknown quantization `{s}` (use {})", Quantization::names()))
}

impl ModelArgs {
    pub fn config(&self) -> EngineConfig {
        let base = match self.threads {
            Some(threads) => EngineConfig::with_threads(threads),
            None => EngineConfig::default(),
        };
        EngineConfig {
            lanes: self.lanes.unwrap_or(base.lanes),
            fit_context: !self.full_context,
            flash_attention: self.flash_attention,
            cut_after_secs: self.cut_after.unwrap_or(base.cut_after_secs),
            max_window_secs: self.max_window.unwrap_or(base.max_window_secs),
            previous_text: self.previous_text || base.previous_text,
            early_commit_secs: match self.early_commit {
                Some(secs) if secs > 0.0 => Some(secs),
                Some(_) => None,
                None => base.early_commit_secs,
            },
            ..base
        }
    }

    /// The installed model's file, after checking it against the manifest.
    pub fn verified_path(&self) -> anyhow::Result<PathBuf> {
        Ok(ModelStore::from_env()?.whisper_model(&self.model, self.quant)?)
    }

    /// Loads the verified model into a recognition engine.
    pub fn load(&self) -> anyhow::Result<Transcriber> {
        Transcriber::load(&self.verified_path()?, self.config())
            .with_context(|| format!("loading model {} ({})", self.model, self.quant.name()))
    }
}
