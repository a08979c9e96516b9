//! Platform services the shell implements: key storage and audio capture. Each foreign
//! trait has a bridge to the core trait it stands for.
use std::sync::Arc;

use samtal_audio::{AudioError, PcmCapture};
use samtal_store::keyvault::{self, KeyVaultError, SecretKey, KEY_LEN};
use zeroize::Zeroizing;

use crate::SamtalError;

/// Key storage backed by the platform keystore (Android Keystore, iOS Keychain). Keys are
/// 32 random bytes; `get_or_create` must create one atomically if none exists.
#[uniffi::export(with_foreign)]
pub trait KeyVault: Send + Sync {
    fn get(&self, alias: String) -> Result<Option<Vec<u8>>, SamtalError>;
    fn get_or_create(&self, alias: String) -> Result<Vec<u8>, SamtalError>;
    fn delete(&self, alias: String) -> Result<(), SamtalError>;
}

/// Audio captured by the shell (oboe, AVAudioEngine): interleaved f32 blocks.
#[uniffi::export(with_foreign)]
pub trait AudioInput: Send + Sync {
    fn sample_rate(&self) -> u32;
    fn channels(&self) -> u16;
    /// The next block (may be empty while waiting); `None` when capture has ended.
    fn read(&self) -> Result<Option<Vec<f32>>, SamtalError>;
}

pub(crate) struct VaultBridge(pub Arc<dyn KeyVault>);

impl keyvault::KeyVault for VaultBridge {
    fn get(&self, alias: &str) -> Result<Option<SecretKey>, KeyVaultError> {
        self.0
            .get(alias.to_string())
            .map_err(platform)?
            .map(secret)
            .transpose()
    }

    fn get_or_create(&self, alias: &str) -> Result<SecretKey, KeyVaultError> {
        secret(self.0.get_or_create(alias.to_string()).map_err(platform)?)
    }

    fn delete(&self, alias: &str) -> Result<(), KeyVaultError> {
        self.0.delete(alias.to_string()).map_err(platform)
    }
}

fn platform(e: SamtalError) -> KeyVaultError {
    KeyVaultError::Platform(e.to_string())
}

/// Copies the key out of the foreign buffer and wipes the buffer.
fn secret(bytes: Vec<u8>) -> Result<SecretKey, KeyVaultError> {
    let bytes = Zeroizing::new(bytes);
    let len = bytes.len();
    <[u8; KEY_LEN]>::try_from(bytes.as_slice())
        .map(SecretKey::from_bytes)
        .map_err(|_| {
            KeyVaultError::Platform(format!(
                "the platform key store returned a {len}-byte key; keys are {KEY_LEN} bytes"
            ))
        })
}

pub(crate) struct AudioBridge(pub Arc<dyn AudioInput>);

impl PcmCapture for AudioBridge {
    fn sample_rate(&self) -> u32 {
        self.0.sample_rate()
    }

    fn channels(&self) -> u16 {
        self.0.channels()
    }

    fn next_block(&mut self) -> Result<Option<Vec<f32>>, AudioError> {
        self.0.read().map_err(|e| AudioError::Device(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyvault::KeyVault as _;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// A Rust stand-in for the shell's keystore, handing out keys of a chosen length.
    struct Keystore {
        keys: Mutex<HashMap<String, Vec<u8>>>,
        len: usize,
    }

    impl KeyVault for Keystore {
        fn get(&self, alias: String) -> Result<Option<Vec<u8>>, SamtalError> {
            Ok(self.keys.lock().unwrap().get(&alias).cloned())
        }
        fn get_or_create(&self, alias: String) -> Result<Vec<u8>, SamtalError> {
            let mut keys = self.keys.lock().unwrap();
            Ok(keys
                .entry(alias)
                .or_insert_with(|| vec![7; self.len])
                .clone())
        }
        fn delete(&self, alias: String) -> Result<(), SamtalError> {
            self.keys.lock().unwrap().remove(&alias);
            Ok(())
        }
    }

    fn bridge(len: usize) -> VaultBridge {
        VaultBridge(Arc::new(Keystore {
            keys: Mutex::new(HashMap::new()),
            len,
        }))
    }

    #[test]
    fn keys_pass_through_the_bridge() {
        let vault = bridge(KEY_LEN);
        let key = vault.get_or_create("samtal-db").unwrap();
        assert_eq!(key.expose(), &[7; KEY_LEN]);
        assert_eq!(vault.get("samtal-db").unwrap(), Some(key));
        vault.delete("samtal-db").unwrap();
        assert_eq!(vault.get("samtal-db").unwrap(), None);
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused_with_a_clear_error() {
        let err = bridge(16).get_or_create("samtal-db").unwrap_err();
        assert!(err.to_string().contains("16-byte key"), "{err}");
    }
}
