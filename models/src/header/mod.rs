//! Structural checks of model files before a native loader (whisper.cpp, an LLM runtime)
//! sees them. The readers take any `Read + Seek` (a file, or `Cursor<&[u8]>` for fuzzing)
//! and never read tensor data.
mod gguf;
mod reader;
mod whisper;

pub use gguf::{read_gguf, Gguf};
pub use reader::HeaderError;
pub use whisper::{read_whisper_ggml, WhisperGgml};

use crate::error::{ModelError, Result};
use std::io::{BufReader, Cursor};
use std::path::Path;

/// [`read_whisper_ggml`] over bytes in memory (for fuzzing and tests).
pub fn check_whisper_ggml_bytes(bytes: &[u8]) -> std::result::Result<WhisperGgml, HeaderError> {
    read_whisper_ggml(Cursor::new(bytes))
}

/// [`read_gguf`] over bytes in memory (for fuzzing and tests).
pub fn check_gguf_bytes(bytes: &[u8]) -> std::result::Result<Gguf, HeaderError> {
    read_gguf(Cursor::new(bytes))
}

fn open(path: &Path) -> Result<BufReader<std::fs::File>> {
    Ok(BufReader::new(
        std::fs::File::open(path).map_err(ModelError::io(path))?,
    ))
}

fn corrupt(path: &Path, format: &'static str, e: HeaderError) -> ModelError {
    match e {
        HeaderError::Io(source) => ModelError::Io {
            path: path.into(),
            source,
        },
        invalid => ModelError::Corrupt {
            path: path.into(),
            format,
            reason: invalid.to_string(),
        },
    }
}

/// Checks a whisper.cpp model file on disk.
pub fn check_whisper_file(path: &Path) -> Result<WhisperGgml> {
    read_whisper_ggml(open(path)?).map_err(|e| corrupt(path, "whisper.cpp ggml", e))
}

/// Checks a GGUF model file on disk.
pub fn check_gguf_file(path: &Path) -> Result<Gguf> {
    read_gguf(open(path)?).map_err(|e| corrupt(path, "GGUF", e))
}
