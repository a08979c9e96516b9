//! Cross-crate end-to-end tests and the helpers they share (fixtures, model paths).
