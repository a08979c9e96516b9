//! samtal-ffi: the thin UniFFI facade over samtal-core for the Android and iOS shells.
//! Each export is one delegation to core plus conversion; the one error type is
//! [`SamtalError`], mapped from core errors in `error.rs`; the one async runtime is in
//! `runtime.rs`; the shell's platform services and listeners are foreign traits.
mod error;
mod listeners;
mod platform;
mod recording;
mod runtime;
mod samtal;
mod types;

pub use error::SamtalError;
pub use listeners::{
    CitizenSignHandle, CitizenSignListener, CitizenSignResult, ListenerHandle, OutboxListener,
    SessionListener, SignInHandle, SignInListener, SignInResult, TranscriptListener,
};
pub use platform::{AudioInput, KeyVault};
pub use recording::Recording;
pub use samtal::{Config, Samtal};
pub use types::*;

uniffi::setup_scaffolding!();

/// The text the worker reads aloud to enrol their voice (`sv`, `da` or `en`; about 30 s).
#[uniffi::export]
pub fn enrolment_text(language: String) -> Result<String, SamtalError> {
    samtal_speaker::enrolment_text(&language)
        .map(str::to_string)
        .ok_or_else(|| SamtalError::InvalidInput {
            reason: "no enrolment text in this language (use sv, da or en)".to_string(),
        })
}

/// The weight format to pass to [`verified_model_path`]: the same on every phone (on one
/// with little RAM the engine runs one lane instead, `Config::threads` left unset).
#[uniffi::export]
pub fn recommended_quantization() -> String {
    samtal_models::Quantization::DEFAULT.name().to_string()
}

/// The path of an installed model after checking it against the built-in manifest
/// (`f16`, `q8_0`, `q5_1`, `q5_0` or `q4_0`).
#[uniffi::export]
pub fn verified_model_path(
    models_dir: String,
    model_id: String,
    quantization: String,
) -> Result<String, SamtalError> {
    let quant = samtal_models::Quantization::parse(&quantization).ok_or_else(|| {
        SamtalError::InvalidInput {
            reason: format!(
                "unknown quantization `{quantization}` (use {})",
                samtal_models::Quantization::names()
            ),
        }
    })?;
    let path = samtal_models::ModelStore::new(models_dir).whisper_model(&model_id, quant)?;
    Ok(path.to_string_lossy().into_owned())
}
