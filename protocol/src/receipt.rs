//! Receipts: the endpoint's signed statement that it holds a note.
//!
//! The phone purges a note only after verifying the receipt's Ed25519 signature against the
//! endpoint's receipt key (handed over at enrollment, over TLS pinned to the municipal CA).
//! The signature covers the canonical JSON of every receipt field except `signature`, so fields
//! added later (such as the authenticated author) are covered without a format change.

use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::canonical::to_canonical_string;

/// A signed receipt for one note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub note_id: String,
    pub content_hash: String,
    /// RFC 3339 UTC time the endpoint committed the note.
    pub received_at: String,
    /// The same instant in milliseconds since the Unix epoch.
    pub received_at_ms: i64,
    /// The enrolled device that delivered the note.
    pub device_id: String,
    /// Who is recorded as author (set when the worker is authenticated, e.g. by BankID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// SHA-256 (hex) of the citizen's BankID signature of this note version, if they signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_signature: Option<String>,
    /// The worker session the note was delivered in ([`session_id`] of its token), so the
    /// phone can tell that `author` is the worker signed in on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Identifies the receipt key (hex prefix of the SHA-256 of the public key).
    pub key_id: String,
    /// Hex Ed25519 signature over the canonical receipt without this field.
    pub signature: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("receipt key is not a valid Ed25519 PKCS#8 key")]
    BadKey,
    #[error("receipt was signed by another key")]
    WrongKey,
    #[error("receipt signature is invalid")]
    BadSignature,
    #[error("receipt is for another note or content")]
    Mismatch,
    #[error("receipt names another device")]
    OtherDevice,
    #[error("receipt names another author or worker session")]
    OtherAuthor,
}

/// How a worker session is named in receipts and to administrators: the first 16 hex digits
/// of the SHA-256 of its token (identifies the session without revealing the token).
pub fn session_id(token: &str) -> String {
    hex::encode(&Sha256::digest(token.as_bytes())[..8])
}

/// What a phone knows about a note it delivered, to check the receipt against.
pub struct Delivery<'a> {
    pub note_id: &'a str,
    pub content_hash: &'a str,
    pub device_id: &'a str,
    /// The token of the worker session the note was sent with, if any.
    pub session_token: Option<&'a str>,
}

impl Receipt {
    fn signed_bytes(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).expect("receipt serializes");
        if let Some(map) = value.as_object_mut() {
            map.remove("signature");
        }
        to_canonical_string(&value).into_bytes()
    }
}

/// Signs receipts with the endpoint's Ed25519 key.
pub struct ReceiptSigner {
    key: Ed25519KeyPair,
    key_id: String,
}

impl ReceiptSigner {
    /// Generate a new PKCS#8-encoded key.
    pub fn generate_pkcs8() -> Vec<u8> {
        let rng = ring::rand::SystemRandom::new();
        Ed25519KeyPair::generate_pkcs8(&rng)
            .expect("system randomness available")
            .as_ref()
            .to_vec()
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, ReceiptError> {
        let key = Ed25519KeyPair::from_pkcs8(pkcs8).map_err(|_| ReceiptError::BadKey)?;
        let key_id = key_id(key.public_key().as_ref());
        Ok(Self { key, key_id })
    }

    /// Hex of the raw 32-byte public key, as handed to enrolled devices.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.public_key().as_ref())
    }

    /// Fill in `key_id` and `signature`.
    pub fn sign(&self, mut receipt: Receipt) -> Receipt {
        receipt.key_id = self.key_id.clone();
        receipt.signature.clear();
        receipt.signature = hex::encode(self.key.sign(&receipt.signed_bytes()).as_ref());
        receipt
    }
}

/// Verifies receipts on the phone.
#[derive(Debug, Clone)]
pub struct ReceiptVerifier {
    public_key: Vec<u8>,
    key_id: String,
}

impl ReceiptVerifier {
    pub fn from_hex(public_key_hex: &str) -> Result<Self, ReceiptError> {
        let public_key = hex::decode(public_key_hex).map_err(|_| ReceiptError::BadKey)?;
        if public_key.len() != 32 {
            return Err(ReceiptError::BadKey);
        }
        let key_id = key_id(&public_key);
        Ok(Self { public_key, key_id })
    }

    /// Verify the signature and that the receipt is for this note id and content hash.
    pub fn verify(
        &self,
        receipt: &Receipt,
        note_id: &str,
        content_hash: &str,
    ) -> Result<(), ReceiptError> {
        if receipt.key_id != self.key_id {
            return Err(ReceiptError::WrongKey);
        }
        let signature = hex::decode(&receipt.signature).map_err(|_| ReceiptError::BadSignature)?;
        UnparsedPublicKey::new(&ED25519, &self.public_key)
            .verify(&receipt.signed_bytes(), &signature)
            .map_err(|_| ReceiptError::BadSignature)?;
        if receipt.note_id != note_id || receipt.content_hash != content_hash {
            return Err(ReceiptError::Mismatch);
        }
        Ok(())
    }

    /// [`verify`](Self::verify), and that the receipt names this device and, as author, the
    /// worker of the session the note was sent in (no author when it was sent without one):
    /// only such a receipt lets the phone purge the note.
    pub fn verify_delivery(
        &self,
        receipt: &Receipt,
        delivery: &Delivery<'_>,
    ) -> Result<(), ReceiptError> {
        self.verify(receipt, delivery.note_id, delivery.content_hash)?;
        if receipt.device_id != delivery.device_id {
            return Err(ReceiptError::OtherDevice);
        }
        let expected = delivery.session_token.map(session_id);
        if receipt.session_id != expected || receipt.author.is_some() != expected.is_some() {
            return Err(ReceiptError::OtherAuthor);
        }
        Ok(())
    }
}

fn key_id(public_key: &[u8]) -> String {
    hex::encode(&Sha256::digest(public_key)[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Receipt {
        Receipt {
            note_id: "n1".into(),
            content_hash: "h".into(),
            received_at: "2026-01-01T00:00:00Z".into(),
            received_at_ms: 1_767_225_600_000,
            device_id: "d1".into(),
            author: None,
            citizen_signature: None,
            session_id: None,
            key_id: String::new(),
            signature: String::new(),
        }
    }

    #[test]
    fn signed_receipt_verifies_and_tampering_fails() {
        let signer = ReceiptSigner::from_pkcs8(&ReceiptSigner::generate_pkcs8()).unwrap();
        let verifier = ReceiptVerifier::from_hex(&signer.public_key_hex()).unwrap();
        let signed = signer.sign(receipt());
        verifier.verify(&signed, "n1", "h").unwrap();
        assert!(matches!(
            verifier.verify(&signed, "n2", "h"),
            Err(ReceiptError::Mismatch)
        ));
        let mut tampered = signed.clone();
        tampered.received_at = "2027-01-01T00:00:00Z".into();
        assert!(matches!(
            verifier.verify(&tampered, "n1", "h"),
            Err(ReceiptError::BadSignature)
        ));
        let delivery = Delivery {
            note_id: "n1",
            content_hash: "h",
            device_id: "d1",
            session_token: None,
        };
        verifier.verify_delivery(&signed, &delivery).unwrap();
        let other_device = Delivery {
            device_id: "d2",
            ..delivery
        };
        assert!(matches!(
            verifier.verify_delivery(&signed, &other_device),
            Err(ReceiptError::OtherDevice)
        ));
        let with_session = Delivery {
            session_token: Some("token"),
            ..delivery
        };
        assert!(matches!(
            verifier.verify_delivery(&signed, &with_session),
            Err(ReceiptError::OtherAuthor)
        ));
        let authored = signer.sign(Receipt {
            author: Some("191212121212".into()),
            session_id: Some(session_id("token")),
            ..receipt()
        });
        verifier.verify_delivery(&authored, &with_session).unwrap();
        let other_session = Delivery {
            session_token: Some("another token"),
            ..delivery
        };
        assert!(matches!(
            verifier.verify_delivery(&authored, &other_session),
            Err(ReceiptError::OtherAuthor)
        ));
        assert!(matches!(
            verifier.verify_delivery(&authored, &delivery),
            Err(ReceiptError::OtherAuthor)
        ));
        let other = ReceiptSigner::from_pkcs8(&ReceiptSigner::generate_pkcs8()).unwrap();
        assert!(matches!(
            verifier.verify(&other.sign(receipt()), "n1", "h"),
            Err(ReceiptError::WrongKey)
        ));
    }
}
