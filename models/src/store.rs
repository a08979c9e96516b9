//! The model cache on disk: what is installed, where, and whether it is intact.
//!
//! Layout: `<dir>/<id>/<file>` plus `<dir>/<id>/installed.json` listing each file's size and
//! SHA-256. Files appear only by atomic rename, so a crash never leaves a half-written model
//! under its final name.
//!
//! Trust comes from the manifest the app ships, never from the directory: a file is loaded
//! only if it has the size and SHA-256 the manifest pins for it, and its header passes the
//! structural checks of [`crate::header`]. `installed.json` only says what is there. With a
//! seal key (from the app's key vault) a verified file gets a sealed record, so later loads
//! skip re-hashing it while it is unchanged ([`crate::seal`]).
use crate::error::{ModelError, Result};
use crate::ggml::Quantization;
use crate::header;
use crate::manifest::{Manifest, ModelKind, Pinned, SourceFormat};
use crate::seal::{self, SealKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const RECORD: &str = "installed.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstalledFile {
    pub name: String,
    /// `f16` / `q8_0` for converted Whisper models; absent for files used as fetched.
    pub quantization: Option<String>,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Installed {
    pub id: String,
    pub kind: ModelKind,
    /// SHA-256 of the source the files were made from (the manifest's checksum).
    pub source_sha256: String,
    pub files: Vec<InstalledFile>,
}

/// How much checking a load does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Re-hash unless an authentic sealed record shows the file unchanged.
    Sealed,
    /// Always re-hash the whole file.
    Full,
}

/// The model cache directory, and the manifest that says what its files must be.
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
    manifest: Manifest,
    seal_key: Option<Arc<SealKey>>,
}

impl ModelStore {
    /// A cache checked against the built-in manifest.
    pub fn new(dir: impl Into<PathBuf>) -> ModelStore {
        ModelStore {
            dir: dir.into(),
            manifest: Manifest::builtin(),
            seal_key: None,
        }
    }

    /// Checks against `manifest` instead (a municipality's own, shipped with the app).
    pub fn with_manifest(self, manifest: Manifest) -> ModelStore {
        ModelStore { manifest, ..self }
    }

    /// Seals verified files with `key`, so unchanged files are not re-hashed at every load.
    pub fn with_seal_key(self, key: SealKey) -> ModelStore {
        ModelStore {
            seal_key: Some(Arc::new(key)),
            ..self
        }
    }

    /// `SAMTAL_MODELS_DIR` (else `~/.cache/samtal/models`) checked against
    /// `SAMTAL_MODELS_MANIFEST` (else the built-in manifest).
    pub fn from_env() -> Result<ModelStore> {
        let dir = std::env::var_os("SAMTAL_MODELS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
                Path::new(&home).join(".cache/samtal/models")
            });
        Ok(ModelStore::new(dir).with_manifest(Manifest::from_env()?))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn model_dir(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    pub fn installed(&self, id: &str) -> Result<Option<Installed>> {
        let path = self.model_dir(id).join(RECORD);
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| ModelError::Corrupt {
                        path,
                        format: "install record",
                        reason: e.to_string(),
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ModelError::Io { path, source: e }),
        }
    }

    /// Every installed model, sorted by id.
    pub fn list(&self) -> Result<Vec<Installed>> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => {
                return Err(ModelError::Io {
                    path: self.dir.clone(),
                    source: e,
                })
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                out.extend(self.installed(&name)?);
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    pub(crate) fn record(&self, installed: &Installed) -> Result<()> {
        let dir = self.model_dir(&installed.id);
        let json = serde_json::to_vec_pretty(installed).expect("install record serializes");
        write_atomically(&dir, RECORD, |f| f.write_all(&json))
    }

    /// Path of an installed Whisper model in the given quantization, after checking it
    /// against the manifest (size, SHA-256, or an authentic seal of an unchanged file) and
    /// checking its header, so a damaged or foreign file never reaches whisper.cpp.
    pub fn whisper_model(&self, id: &str, q: Quantization) -> Result<PathBuf> {
        let entry = self.manifest.get(id)?;
        if entry.kind != ModelKind::WhisperGgml {
            return Err(ModelError::WrongKind {
                id: id.into(),
                wanted: "Whisper",
            });
        }
        let (path, pinned) = match entry.format {
            SourceFormat::Ctranslate2 => (
                self.model_dir(id).join(converted_name(id, q)),
                entry
                    .converted
                    .get(q.name())
                    .cloned()
                    .ok_or_else(|| ModelError::Unpinned {
                        id: id.into(),
                        quantization: q.name().into(),
                    })?
                    .into(),
            ),
            _ => (
                self.model_dir(id).join(published_name(id, false)),
                published(entry),
            ),
        };
        self.check(id, &path, &pinned, Check::Sealed)?;
        let head = header::check_whisper_file(&path)?;
        if head.matrix_type != q.matrix_type() {
            return Err(ModelError::Format {
                path,
                actual: head.matrix_type.name(),
                wanted: q.name(),
            });
        }
        Ok(path)
    }

    /// Path of an installed GGUF language model, checked like [`Self::whisper_model`].
    pub fn gguf_model(&self, id: &str) -> Result<PathBuf> {
        let entry = self.manifest.get(id)?;
        if entry.kind != ModelKind::LlmGguf || entry.format != SourceFormat::Gguf {
            return Err(ModelError::WrongKind {
                id: id.into(),
                wanted: "GGUF language",
            });
        }
        let path = self.model_dir(id).join(published_name(id, true));
        self.check(id, &path, &published(entry), Check::Sealed)?;
        header::check_gguf_file(&path)?;
        Ok(path)
    }

    /// Size and SHA-256 of `path` against `pinned`: skipped only when `check` allows and an
    /// authentic seal says the unchanged file hashed to exactly the pinned value.
    fn check(&self, id: &str, path: &Path, pinned: &Expected, check: Check) -> Result<()> {
        let actual = match std::fs::metadata(path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ModelError::NotInstalled(id.to_string()))
            }
            Err(e) => return Err(ModelError::io(path)(e)),
        };
        if let Some(expected) = pinned.size.filter(|&s| s != actual) {
            return Err(ModelError::Size {
                path: path.into(),
                expected,
                actual,
            });
        }
        let key = self.seal_key.as_deref();
        if let (Check::Sealed, Some(key)) = (check, key) {
            if seal::read(path, key).as_deref() == Some(pinned.sha256.as_str()) {
                return Ok(());
            }
        }
        let before = seal::identity(path).ok();
        let digest = sha256_file(path)?;
        if digest != pinned.sha256 {
            return Err(ModelError::Checksum {
                path: path.into(),
                expected: pinned.sha256.clone(),
                actual: digest,
            });
        }
        if let (Some(key), Some(before)) = (key, before) {
            // A read-only models directory only costs the next load a re-hash.
            if let Err(e) = seal::write(path, key, &before, &digest) {
                tracing::debug!(error = %e, "could not seal the verified model file");
            }
        }
        Ok(())
    }

    /// Re-hashes every installed file against the manifest and checks its header; returns
    /// the per-file outcome.
    pub fn verify(&self, id: &str) -> Result<Vec<(PathBuf, Result<()>)>> {
        let installed = self
            .installed(id)?
            .ok_or_else(|| ModelError::NotInstalled(id.to_string()))?;
        let entry = self.manifest.get(id)?;
        Ok(installed
            .files
            .iter()
            .map(|f| {
                let path = self.model_dir(id).join(&f.name);
                let outcome = self.verify_file(id, entry, f, &path);
                (path, outcome)
            })
            .collect())
    }

    fn verify_file(
        &self,
        id: &str,
        entry: &crate::manifest::ModelEntry,
        file: &InstalledFile,
        path: &Path,
    ) -> Result<()> {
        let pinned = match entry.format {
            SourceFormat::Ctranslate2 => {
                let q = file.quantization.clone().unwrap_or_default();
                entry
                    .converted
                    .get(&q)
                    .cloned()
                    .ok_or(ModelError::Unpinned {
                        id: id.into(),
                        quantization: q,
                    })?
                    .into()
            }
            _ => published(entry),
        };
        self.check(id, path, &pinned, Check::Full)?;
        match entry.format {
            SourceFormat::Gguf => header::check_gguf_file(path).map(drop),
            _ => header::check_whisper_file(path).map(drop),
        }
    }
}

/// File name of a ggml file converted from a CTranslate2 source.
pub(crate) fn converted_name(id: &str, q: Quantization) -> String {
    format!("{id}-{}.bin", q.name())
}

/// File name of a model installed as published.
pub(crate) fn published_name(id: &str, gguf: bool) -> String {
    format!("{id}.{}", if gguf { "gguf" } else { "bin" })
}

/// What a file used as published must be: the manifest's own size (if given) and checksum.
fn published(entry: &crate::manifest::ModelEntry) -> Expected {
    Expected {
        size: entry.size,
        sha256: entry.sha256.clone(),
    }
}

/// What a file must be, from the manifest.
struct Expected {
    size: Option<u64>,
    sha256: String,
}

impl From<Pinned> for Expected {
    fn from(p: Pinned) -> Expected {
        Expected {
            size: Some(p.size),
            sha256: p.sha256,
        }
    }
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(ModelError::io(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(ModelError::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Writes `name` in `dir` through a temporary file that is synced and renamed into place
/// only when `write` succeeded; on any error nothing appears under `name`.
pub(crate) fn write_atomically(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    write_checked(dir, name, write, |_| Ok(())).map(drop)
}

/// Like [`write_atomically`], hashing the bytes on their way out; `accept` sees the SHA-256
/// and size before the rename and can still refuse the file. Returns them.
pub(crate) fn write_checked(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    accept: impl FnOnce(&Written) -> Result<()>,
) -> Result<Written> {
    std::fs::create_dir_all(dir).map_err(ModelError::io(dir))?;
    let target = dir.join(name);
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(ModelError::io(dir))?;
    let written = {
        let mut w = Hashing {
            inner: std::io::BufWriter::new(tmp.as_file()),
            hasher: Sha256::new(),
            size: 0,
        };
        write(&mut w)
            .and_then(|_| w.inner.flush())
            .map_err(ModelError::io(&target))?;
        Written {
            sha256: hex::encode(w.hasher.finalize_reset()),
            size: w.size,
        }
    };
    accept(&written)?;
    tmp.as_file().sync_all().map_err(ModelError::io(&target))?;
    tmp.persist(&target).map_err(|e| ModelError::Io {
        path: target.clone(),
        source: e.error,
    })?;
    Ok(written)
}

/// What [`write_checked`] wrote.
pub(crate) struct Written {
    pub sha256: String,
    pub size: u64,
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
