//! The model cache on disk: what is installed, where, and whether it is intact.
//!
//! Layout: `<dir>/<id>/<file>` plus `<dir>/<id>/installed.json` recording each file's size and
//! SHA-256. Files appear only by atomic rename, so a crash never leaves a half-written model
//! under its final name.
use crate::error::{ModelError, Result};
use crate::ggml::Quantization;
use crate::manifest::ModelKind;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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

/// The model cache directory.
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
}

impl ModelStore {
    pub fn new(dir: impl Into<PathBuf>) -> ModelStore {
        ModelStore { dir: dir.into() }
    }

    /// `SAMTAL_MODELS_DIR`, else `~/.cache/samtal/models`.
    pub fn from_env() -> ModelStore {
        let dir = std::env::var_os("SAMTAL_MODELS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
                Path::new(&home).join(".cache/samtal/models")
            });
        ModelStore::new(dir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
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

    /// Path of an installed Whisper model in the given quantization, checked for size and
    /// checksum so a corrupt file is refused before an engine reads it.
    pub fn whisper_model(&self, id: &str, q: Quantization) -> Result<PathBuf> {
        let installed = self
            .installed(id)?
            .ok_or_else(|| ModelError::NotInstalled(id.to_string()))?;
        let file = installed
            .files
            .iter()
            .find(|f| f.quantization.as_deref() == Some(q.name()))
            .ok_or_else(|| ModelError::NotInstalled(format!("{id} ({})", q.name())))?;
        let path = self.model_dir(id).join(&file.name);
        check_file(&path, file.size, &file.sha256)?;
        Ok(path)
    }

    /// Re-checks every installed file; returns the per-file outcome.
    pub fn verify(&self, id: &str) -> Result<Vec<(PathBuf, Result<()>)>> {
        let installed = self
            .installed(id)?
            .ok_or_else(|| ModelError::NotInstalled(id.to_string()))?;
        Ok(installed
            .files
            .iter()
            .map(|f| {
                let path = self.model_dir(id).join(&f.name);
                let outcome = check_file(&path, f.size, &f.sha256);
                (path, outcome)
            })
            .collect())
    }
}

/// Size first (cheap, catches truncation), then SHA-256.
pub fn check_file(path: &Path, size: u64, sha256: &str) -> Result<()> {
    let actual = std::fs::metadata(path).map_err(ModelError::io(path))?.len();
    if actual != size {
        return Err(ModelError::Size {
            path: path.into(),
            expected: size,
            actual,
        });
    }
    let digest = sha256_file(path)?;
    if digest != sha256 {
        return Err(ModelError::Checksum {
            path: path.into(),
            expected: sha256.to_string(),
            actual: digest,
        });
    }
    Ok(())
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
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(ModelError::io(dir))?;
    let target = dir.join(name);
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(ModelError::io(dir))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file());
        write(&mut w)
            .and_then(|_| w.flush())
            .map_err(ModelError::io(&target))?;
    }
    tmp.as_file().sync_all().map_err(ModelError::io(&target))?;
    tmp.persist(&target).map_err(|e| ModelError::Io {
        path: target.clone(),
        source: e.error,
    })?;
    Ok(())
}
