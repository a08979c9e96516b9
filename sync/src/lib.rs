//! samtal-sync: everything the phone says to the municipal endpoint, over mutual TLS.
//!
//! - [`enroll`](mod@enroll): the phone makes its own key pair and CSR, redeems a one-time code and keeps
//!   the signed certificate; the private key is sealed under a [`KeyVault`] key.
//! - [`outbox`]: approved notes queued in the encrypted store with a per-note status.
//! - [`client`]: `sync_now` uploads due notes (idempotent PUT by note id), verifies the
//!   signed receipt, then purges the session keeping only the receipt.
//! - [`policy`]: exponential backoff with jitter for retries and background syncing.
//! - [`login`]: the worker's BankID sign-in through the endpoint, and the citizen's
//!   signature of an approved note.
//!
//! What each step trusts and pins: docs/security.md.
//!
//! [`KeyVault`]: samtal_store::keyvault::KeyVault

pub mod client;
pub mod enroll;
pub mod login;
pub mod outbox;
pub mod policy;
mod tls;

pub use client::{SyncClient, SyncReport};
pub use enroll::enroll;
pub use outbox::{OutboxEntry, OutboxStatus};
pub use policy::Backoff;
pub use samtal_store::DeviceIdentity;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

/// Errors of enrollment and sync. Messages carry status codes, field names and endpoint
/// error codes, never note content.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("this phone is not enrolled with the municipality yet; enroll it with a one-time code first")]
    NotEnrolled,
    #[error(
        "the enrollment code is malformed: expected SECRET.FINGERPRINT as printed by the endpoint"
    )]
    BadCode,
    #[error("the endpoint's CA does not match the fingerprint in the enrollment code; do not enroll against this server")]
    CaMismatch,
    #[error("enrollment refused ({status}): {message}")]
    EnrollRefused { status: u16, message: String },
    #[error("the endpoint refused this device's certificate ({0}); enroll the phone again")]
    DeviceRefused(String),
    #[error("network error talking to the endpoint: {0}")]
    Network(String),
    #[error("the endpoint sent an invalid response: {0}")]
    Protocol(String),
    #[error("the note cannot be queued: {0}")]
    InvalidNote(String),
    #[error("session {0} is not approved; only approved notes leave the phone")]
    NotApproved(String),
    #[error(transparent)]
    Store(#[from] samtal_store::StoreError),
    #[error(transparent)]
    Vault(#[from] samtal_store::keyvault::KeyVaultError),
    #[error("cryptography error: {0}")]
    Crypto(String),
    #[error("sign in with BankID first: the endpoint needs a valid worker session")]
    LoginRequired,
}

impl From<reqwest::Error> for SyncError {
    fn from(e: reqwest::Error) -> Self {
        // reqwest errors name the URL (host and note id path), never bodies.
        SyncError::Network(e.without_url().to_string())
    }
}
