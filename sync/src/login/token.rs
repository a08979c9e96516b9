//! The worker's session token on the phone: sealed with a [`KeyVault`] key
//! (ChaCha20-Poly1305) in a file in the store's data directory, never in plain text.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::ChaCha20Poly1305;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::LoginError;
use samtal_store::keyvault::KeyVault;

/// Vault alias of the key sealing the session token.
pub const SESSION_KEY_ALIAS: &str = "worker-session";
const FILE_NAME: &str = "worker-session.sealed";

/// A worker session granted by the endpoint after BankID sign-in.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WorkerSession {
    pub token: String,
    pub expires_at_ms: i64,
}

impl std::fmt::Debug for WorkerSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerSession")
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

impl WorkerSession {
    /// Whether the session has run out at `now_ms` (sign in again).
    pub fn is_expired(&self, now_ms: i64) -> bool {
        now_ms >= self.expires_at_ms
    }
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// Seals and stores `session`, replacing any earlier one.
pub fn save(
    data_dir: &Path,
    vault: &dyn KeyVault,
    session: &WorkerSession,
) -> Result<(), LoginError> {
    let key = vault.get_or_create(SESSION_KEY_ALIAS)?;
    let cipher = ChaCha20Poly1305::new(key.expose().into());
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let plain = Zeroizing::new(
        serde_json::to_vec(session).map_err(|e| LoginError::Protocol(e.to_string()))?,
    );
    let mut sealed = nonce.to_vec();
    sealed.extend(
        cipher
            .encrypt(&nonce, plain.as_slice())
            .map_err(|_| LoginError::Crypto("sealing the session failed".into()))?,
    );
    let target = path(data_dir);
    let tmp = target.with_extension("tmp");
    std::fs::write(&tmp, &sealed).map_err(|e| LoginError::Io(e.to_string()))?;
    std::fs::rename(&tmp, &target).map_err(|e| LoginError::Io(e.to_string()))?;
    Ok(())
}

/// The stored session, if any (expired or not: callers check [`WorkerSession::is_expired`]).
pub fn load(data_dir: &Path, vault: &dyn KeyVault) -> Result<Option<WorkerSession>, LoginError> {
    let sealed = match std::fs::read(path(data_dir)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LoginError::Io(e.to_string())),
    };
    let Some(key) = vault.get(SESSION_KEY_ALIAS)? else {
        return Ok(None);
    };
    if sealed.len() < 12 {
        return Err(LoginError::Crypto("the stored session is damaged".into()));
    }
    let (nonce, ciphertext) = sealed.split_at(12);
    let plain = Zeroizing::new(
        ChaCha20Poly1305::new(key.expose().into())
            .decrypt(nonce.into(), ciphertext)
            .map_err(|_| LoginError::Crypto("the stored session does not open".into()))?,
    );
    serde_json::from_slice(&plain)
        .map(Some)
        .map_err(|_| LoginError::Crypto("the stored session is damaged".into()))
}

/// Forgets the session: the file and its sealing key.
pub fn clear(data_dir: &Path, vault: &dyn KeyVault) -> Result<(), LoginError> {
    match std::fs::remove_file(path(data_dir)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(LoginError::Io(e.to_string())),
    }
    vault.delete(SESSION_KEY_ALIAS)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use samtal_store::keyvault::MemoryKeyVault;

    #[test]
    fn session_round_trips_sealed_and_is_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let vault = MemoryKeyVault::default();
        assert_eq!(load(dir.path(), &vault).unwrap(), None);
        let s = WorkerSession {
            token: "ab".repeat(32),
            expires_at_ms: 1_000,
        };
        save(dir.path(), &vault, &s).unwrap();
        let raw = std::fs::read(path(dir.path())).unwrap();
        assert!(
            !raw.windows(8).any(|w| w == b"abababab"),
            "token is not stored in clear"
        );
        assert_eq!(load(dir.path(), &vault).unwrap(), Some(s.clone()));
        assert!(s.is_expired(1_000) && !s.is_expired(999));
        assert!(!format!("{s:?}").contains("abab"));
        clear(dir.path(), &vault).unwrap();
        assert_eq!(load(dir.path(), &vault).unwrap(), None);
    }
}
