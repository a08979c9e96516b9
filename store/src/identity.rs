//! The `sync_identity` table: the phone's mutual-TLS identity from enrollment. The private
//! key arrives already sealed (`samtal-sync` seals it under a key-vault key), so deleting
//! that vault key disables the identity even if the database survives.
use rusqlite::{params, OptionalExtension};
use zeroize::Zeroizing;

use crate::{Store, StoreError};

/// What the phone keeps after enrollment (the private key is separate, sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DeviceIdentity {
    /// Base URL of the mutual-TLS listener.
    pub endpoint_url: String,
    pub device_id: String,
    pub cert_pem: String,
    /// The municipal CA: the only root the sync client trusts.
    pub ca_pem: String,
    /// Hex Ed25519 key that signs receipts.
    pub receipt_public_key: String,
}

/// The stored identity with its private key, still sealed.
pub struct SealedIdentity {
    pub identity: DeviceIdentity,
    pub sealed_key: Zeroizing<Vec<u8>>,
}

impl Store {
    /// Stores the enrolled identity with its sealed private key, replacing an earlier one.
    pub fn save_identity(
        &self,
        identity: &DeviceIdentity,
        sealed_key: &[u8],
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO sync_identity
             (id, endpoint_url, device_id, cert_pem, ca_pem, receipt_public_key, sealed_key, enrolled_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                identity.endpoint_url,
                identity.device_id,
                identity.cert_pem,
                identity.ca_pem,
                identity.receipt_public_key,
                sealed_key,
                self.now_ms()
            ],
        )?;
        Ok(())
    }

    /// The enrolled identity and its sealed private key, if the phone is enrolled.
    pub fn identity(&self) -> Result<Option<SealedIdentity>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT endpoint_url, device_id, cert_pem, ca_pem, receipt_public_key, sealed_key
                 FROM sync_identity WHERE id = 1",
                [],
                |r| {
                    Ok(SealedIdentity {
                        identity: DeviceIdentity {
                            endpoint_url: r.get(0)?,
                            device_id: r.get(1)?,
                            cert_pem: r.get(2)?,
                            ca_pem: r.get(3)?,
                            receipt_public_key: r.get(4)?,
                        },
                        sealed_key: Zeroizing::new(r.get(5)?),
                    })
                },
            )
            .optional()?)
    }
}
