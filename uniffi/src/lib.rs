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

/// The pronouns a participant can be given in `language` (`sv`, `da`, `en`) as the note
/// writes them ("hon", "han", "hen"), the neutral one last; empty for another language.
#[uniffi::export]
pub fn pronoun_choices(language: String) -> Vec<String> {
    samtal_core::app::pronoun_choices(&language)
}

/// The weight format to pass to [`Samtal::use_installed_model`]: the same on every phone (on
/// one with little RAM the engine runs one lane instead, `Config::threads` left unset).
#[uniffi::export]
pub fn recommended_quantization() -> String {
    samtal_models::Quantization::DEFAULT.name().to_string()
}
