//! Request and response bodies other than the note itself.

use serde::{Deserialize, Serialize};

use crate::receipt::Receipt;

/// Error body of every 4xx/5xx answer: a stable code and a message safe to show and log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// `POST /v1/enroll` on the enrollment listener.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollRequest {
    /// The secret part of the one-time enrollment code.
    pub code: String,
    /// PKCS#10 certificate signing request in PEM, made on the phone from its own key pair.
    pub csr_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollResponse {
    /// Base URL of the mutual-TLS listener the phone syncs with from now on.
    pub endpoint_url: String,
    pub device_id: String,
    pub certificate_pem: String,
    pub ca_pem: String,
    /// Hex Ed25519 public key that signs receipts.
    pub receipt_public_key: String,
}

/// `POST /v1/device/renew` over mutual TLS with the current device certificate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenewRequest {
    /// PKCS#10 request in PEM for a new key pair made on the phone.
    pub csr_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenewResponse {
    /// The new certificate (same device id). The old one is revoked when the phone first
    /// connects with the new one.
    pub certificate_pem: String,
    /// Its expiry, milliseconds since the Unix epoch.
    pub not_after_ms: i64,
}

/// One receipt-signing key's public half.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptKey {
    /// As in a receipt's `key_id`.
    pub key_id: String,
    /// Hex Ed25519 public key.
    pub public_key: String,
}

/// `GET /v1/receipt-keys`: the current key first, then retired ones, whose receipts stay
/// valid.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptKeys {
    pub keys: Vec<ReceiptKey>,
}

/// One delivered note in the pull API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportItem {
    pub cursor: i64,
    pub receipt: Receipt,
    /// The approved note exactly as the phone sent it (schema `ApprovedNote`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub note: serde_json::Value,
}

/// `GET /v1/export?after=CURSOR`: notes in commit order after the cursor.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportPage {
    pub items: Vec<ExportItem>,
    /// Pass as `after` to continue; equal to the request's cursor when nothing new.
    pub next_cursor: i64,
}

/// A one-time enrollment code as handed to a worker: `SECRET.CAFINGERPRINT`.
///
/// The secret authorises one enrollment; the fingerprint (first 32 hex digits of the SHA-256
/// of the municipal CA certificate) lets the phone pin the CA before its first request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentCode {
    pub secret: String,
    pub ca_fingerprint: String,
}

impl EnrollmentCode {
    pub fn parse(code: &str) -> Option<Self> {
        let (secret, fingerprint) = code.trim().split_once('.')?;
        let ok = !secret.is_empty()
            && secret.chars().all(|c| c.is_ascii_alphanumeric())
            && fingerprint.len() == 32
            && fingerprint.chars().all(|c| c.is_ascii_hexdigit());
        ok.then(|| Self {
            secret: secret.to_owned(),
            ca_fingerprint: fingerprint.to_ascii_lowercase(),
        })
    }
}

impl std::fmt::Display for EnrollmentCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.secret, self.ca_fingerprint)
    }
}

/// First 32 hex digits of the SHA-256 of a CA certificate (PEM), as carried in enrollment
/// codes so a phone can pin the CA before its first request.
pub fn ca_fingerprint(ca_pem: &str) -> Result<String, rustls_pki_types::pem::Error> {
    use rustls_pki_types::pem::PemObject;
    use sha2::{Digest, Sha256};
    let der = rustls_pki_types::CertificateDer::from_pem_slice(ca_pem.as_bytes())?;
    Ok(hex::encode(&Sha256::digest(der.as_ref())[..16]))
}
