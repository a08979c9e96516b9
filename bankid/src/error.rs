//! Errors of the BankID client. Messages never contain personal data: BankID's own
//! `details` are generic texts, and decode errors keep only the position.

use crate::codes::ErrorCode;

/// Everything that can go wrong talking to BankID.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// BankID answered with an error body.
    #[error("BankID refused the request: HTTP {http_status} {code} ({details})")]
    Api {
        http_status: u16,
        code: ErrorCode,
        details: String,
    },
    /// BankID answered with an error status but no readable error body.
    #[error("BankID answered HTTP {http_status} without an error body")]
    UnexpectedStatus { http_status: u16 },
    /// Connection, TLS or timeout failure.
    #[error("could not reach BankID: {0}")]
    Transport(#[source] reqwest::Error),
    /// A response that does not match the RP API.
    #[error("BankID sent a response this client cannot read ({0})")]
    Decode(String),
    /// The client certificate, key or CA could not be loaded.
    #[error("BankID client identity: {0}")]
    Identity(String),
    /// The order has already reached a final status; BankID must not be polled again.
    #[error("the order has already finished and must not be collected again")]
    OrderFinished,
}

impl Error {
    /// The BankID error code, if BankID sent one.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub(crate) fn decode(e: &serde_json::Error) -> Self {
        Self::Decode(format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ))
    }
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
