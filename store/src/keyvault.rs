//! Key storage. The phone shells implement [`KeyVault`] with the hardware keystore
//! (Android Keystore, iOS Keychain / Secure Enclave); core only ever asks for a key by alias.
//! Two implementations live here: [`FileKeyVault`] for the desktop harness and
//! [`MemoryKeyVault`] for tests.
use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of every key the vault hands out: 256 bits.
pub const KEY_LEN: usize = 32;

/// A 256-bit secret key. Its bytes are wiped from memory when it is dropped, and it never
/// prints its value.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct SecretKey([u8; KEY_LEN]);

impl SecretKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut bytes);
        SecretKey(bytes)
    }

    /// Wraps raw key bytes (e.g. handed over by a platform keystore).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        SecretKey(bytes)
    }

    /// The raw key bytes; keep borrows short so no copy outlives the key.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyVaultError {
    #[error("invalid key alias {0:?}: use 1–64 characters of a-z, 0-9, '-' or '_'")]
    InvalidAlias(String),
    #[error("key file {path} is damaged (expected {KEY_LEN} bytes, found {len})")]
    Corrupt { path: PathBuf, len: u64 },
    #[error("key file {path} is readable by other users (mode {mode:o}); it must be 0600")]
    InsecurePermissions { path: PathBuf, mode: u32 },
    #[error("key storage I/O error at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("platform key store error: {0}")]
    Platform(String),
}

/// Where keys live. Implementations must be safe to share between threads.
pub trait KeyVault: Send + Sync {
    /// The key stored under `alias`, if there is one.
    fn get(&self, alias: &str) -> Result<Option<SecretKey>, KeyVaultError>;

    /// Creates and stores a fresh 256-bit key under `alias`, replacing none: if a key is
    /// already there it is returned unchanged.
    fn get_or_create(&self, alias: &str) -> Result<SecretKey, KeyVaultError>;

    /// Destroys the key under `alias`; deleting a missing key is not an error.
    fn delete(&self, alias: &str) -> Result<(), KeyVaultError>;
}

fn check_alias(alias: &str) -> Result<(), KeyVaultError> {
    let ok = !alias.is_empty()
        && alias.len() <= 64
        && alias
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(KeyVaultError::InvalidAlias(alias.to_string()))
    }
}

/// Keys held only in process memory: for tests, and for throw-away sessions.
#[derive(Default)]
pub struct MemoryKeyVault {
    keys: Mutex<HashMap<String, SecretKey>>,
}

impl MemoryKeyVault {
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyVault for MemoryKeyVault {
    fn get(&self, alias: &str) -> Result<Option<SecretKey>, KeyVaultError> {
        check_alias(alias)?;
        Ok(self.lock().get(alias).cloned())
    }

    fn get_or_create(&self, alias: &str) -> Result<SecretKey, KeyVaultError> {
        check_alias(alias)?;
        Ok(self
            .lock()
            .entry(alias.to_string())
            .or_insert_with(SecretKey::generate)
            .clone())
    }

    fn delete(&self, alias: &str) -> Result<(), KeyVaultError> {
        check_alias(alias)?;
        self.lock().remove(alias);
        Ok(())
    }
}

impl MemoryKeyVault {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, SecretKey>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// **Less secure than a hardware keystore.** Keys are plain files (mode 0600) in a
/// directory, so anyone who can read the user's files can read the keys, and the
/// database and spool they protect. Use it only on the desktop harness; the phone shells
/// supply Android Keystore / iOS Keychain implementations instead.
pub struct FileKeyVault {
    dir: PathBuf,
}

impl FileKeyVault {
    /// Keys go in `dir` (created with mode 0700 when missing).
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, KeyVaultError> {
        let dir = dir.into();
        create_private_dir(&dir)?;
        Ok(FileKeyVault { dir })
    }

    fn path(&self, alias: &str) -> PathBuf {
        self.dir.join(format!("{alias}.key"))
    }

    fn read(&self, path: &Path) -> Result<Option<SecretKey>, KeyVaultError> {
        let io = |source| KeyVaultError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        check_private(path, &meta)?;
        if meta.len() != KEY_LEN as u64 {
            return Err(KeyVaultError::Corrupt {
                path: path.to_path_buf(),
                len: meta.len(),
            });
        }
        let mut data = fs::read(path).map_err(io)?;
        let mut bytes = [0u8; KEY_LEN];
        bytes.copy_from_slice(&data);
        data.zeroize();
        Ok(Some(SecretKey(bytes)))
    }
}

impl KeyVault for FileKeyVault {
    fn get(&self, alias: &str) -> Result<Option<SecretKey>, KeyVaultError> {
        check_alias(alias)?;
        self.read(&self.path(alias))
    }

    fn get_or_create(&self, alias: &str) -> Result<SecretKey, KeyVaultError> {
        check_alias(alias)?;
        let path = self.path(alias);
        if let Some(key) = self.read(&path)? {
            return Ok(key);
        }
        let key = SecretKey::generate();
        let tmp = self.dir.join(format!(".{alias}.key.tmp"));
        let io = |source| KeyVaultError::Io {
            path: tmp.clone(),
            source,
        };
        let _ = fs::remove_file(&tmp);
        let mut file = private_file_options().open(&tmp).map_err(io)?;
        file.write_all(key.expose()).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        // A hard link fails if another process created the key meanwhile; then use theirs.
        let linked = fs::hard_link(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        sync_dir(&self.dir);
        match linked {
            Ok(()) => Ok(key),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self
                .read(&path)?
                .ok_or(KeyVaultError::Io { path, source: e }),
            Err(source) => Err(KeyVaultError::Io { path, source }),
        }
    }

    fn delete(&self, alias: &str) -> Result<(), KeyVaultError> {
        check_alias(alias)?;
        let path = self.path(alias);
        // Overwrite before unlinking; on flash storage this is best effort only.
        if let Ok(mut f) = fs::OpenOptions::new().write(true).open(&path) {
            let _ = f.write_all(&[0u8; KEY_LEN]);
            let _ = f.sync_all();
        }
        match fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.dir);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(KeyVaultError::Io { path, source }),
        }
    }
}

/// Creates `dir` (and parents) readable only by this user.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), KeyVaultError> {
    let io = |source| KeyVaultError::Io {
        path: dir.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir).map_err(io)
    }
}

fn private_file_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn check_private(path: &Path, meta: &fs::Metadata) -> Result<(), KeyVaultError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyVaultError::InsecurePermissions {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _meta: &fs::Metadata) -> Result<(), KeyVaultError> {
    Ok(())
}

/// Makes a rename/unlink in `dir` durable. Best effort: not every platform can open a
/// directory for syncing.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_vault_keeps_and_deletes_keys() {
        let v = MemoryKeyVault::new();
        assert!(v.get("db").unwrap().is_none());
        let k = v.get_or_create("db").unwrap();
        assert_eq!(v.get_or_create("db").unwrap(), k);
        v.delete("db").unwrap();
        assert!(v.get("db").unwrap().is_none());
        assert!(v.get("../etc").is_err());
    }

    #[test]
    fn file_vault_persists_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let v = FileKeyVault::open(dir.path().join("keys")).unwrap();
        let k = v.get_or_create("db").unwrap();
        let again = FileKeyVault::open(dir.path().join("keys")).unwrap();
        assert_eq!(again.get("db").unwrap().unwrap(), k);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("keys/db.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            fs::set_permissions(
                dir.path().join("keys/db.key"),
                fs::Permissions::from_mode(0o644),
            )
            .unwrap();
            assert!(matches!(
                again.get("db"),
                Err(KeyVaultError::InsecurePermissions { .. })
            ));
        }
        again.delete("db").unwrap();
        assert!(!dir.path().join("keys/db.key").exists());
        assert_eq!(format!("{k:?}"), "SecretKey(<redacted>)");
    }
}
