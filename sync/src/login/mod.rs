//! Worker sign-in with BankID through the municipal endpoint. The phone never talks to
//! BankID: it asks the endpoint (over its enrolled mutual-TLS identity) to start an order,
//! shows the user message and the animated QR code the endpoint returns every second, and
//! stores the session token sealed under a [`KeyVault`](samtal_store::keyvault::KeyVault) key.
//! [`signing`] lets the citizen sign an approved note with their own BankID the same way.

pub mod flow;
pub mod signing;
pub mod token;

pub use flow::{
    current_session, sign_out, sign_out_within, Collected, LoginClient, LoginHandle, LoginObserver,
    LoginProgress, LoginStart, SignedOut,
};
pub use signing::{CitizenSignature, SigningHandle, SigningObserver, SigningStart};
pub use token::WorkerSession;

/// Errors of sign-in. Messages never carry personal numbers, names or tokens.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("this phone is not enrolled with the municipality yet; enroll it with a one-time code first")]
    NotEnrolled,
    #[error("the endpoint has no BankID configuration")]
    NotConfigured,
    #[error("BankID sign-in failed: {0}")]
    Failed(String),
    #[error("this person is not on the endpoint's staff list and cannot sign in")]
    NotStaff,
    #[error("the endpoint refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("network error talking to the endpoint: {0}")]
    Network(String),
    #[error("the endpoint sent an invalid response: {0}")]
    Protocol(String),
    #[error("sign in with BankID first: the signature is started under the worker's session")]
    SignInRequired,
    #[error(
        "this note cannot be signed: {0} (only an approved note not yet delivered can be signed)"
    )]
    NotSignable(String),
    #[error("the BankID order was cancelled")]
    Cancelled,
    #[error("session storage: {0}")]
    Io(String),
    #[error("cryptography error: {0}")]
    Crypto(String),
    #[error(transparent)]
    Vault(#[from] samtal_store::keyvault::KeyVaultError),
}

impl From<reqwest::Error> for LoginError {
    fn from(e: reqwest::Error) -> Self {
        LoginError::Network(e.without_url().to_string())
    }
}
