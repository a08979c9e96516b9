//! samtal-core: the product. [`app::App`] assembles the parts (audio, recognition, store,
//! sync) into the one flow the phone shells and the desktop CLI both run; the review flow
//! and the recorder live here because they join those parts. No FFI types and no platform
//! code: platform services come in through traits. The crate graph: docs/architecture.md.

pub mod app;
pub mod recorder;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
pub mod review_flow;
