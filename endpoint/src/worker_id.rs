//! Stable worker identifiers: a keyed pseudonym of the personal number (HMAC-SHA-256 under a
//! key that never leaves the data directory), the same in every sign-in of a worker, so a
//! receipt can name who delivered a note without naming their personal number, and a phone
//! can tell its worker's receipts from another worker's across sign-ins.

use std::path::Path;

use anyhow::Context;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const FILE: &str = "worker-id.key";

/// Hex digits of a worker id (128 bits).
const LEN: usize = 32;

pub struct WorkerIds {
    key: [u8; 32],
}

impl WorkerIds {
    /// The key in `data_dir`, created (owner-only) on first use.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(FILE);
        if !path.exists() {
            let mut key = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut key);
            crate::owner_only::write_private(&path, hex::encode(key).as_bytes())?;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let bytes = hex::decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .with_context(|| format!("{} is not 64 hex digits", path.display()))?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(Self { key })
    }

    /// The worker id of a (normalised, 12-digit) personal number.
    pub fn of(&self, personal_number: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(personal_number.as_bytes());
        hex::encode(mac.finalize().into_bytes())[..LEN].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_worker_and_key_and_unlike_the_personal_number() {
        let dir = tempfile::tempdir().unwrap();
        let ids = WorkerIds::load_or_create(dir.path()).unwrap();
        let again = WorkerIds::load_or_create(dir.path()).unwrap();
        let a = ids.of("191212121212");
        assert_eq!(a, again.of("191212121212"));
        assert_eq!(a.len(), LEN);
        assert!(!a.contains("1212121212"));
        assert_ne!(a, ids.of("198112189876"));
        let other = WorkerIds::load_or_create(tempfile::tempdir().unwrap().path()).unwrap();
        assert_ne!(a, other.of("191212121212"));
    }
}
