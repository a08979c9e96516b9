//! HTTP API: routers for the mutual-TLS and the enrollment listeners, and the error type.

mod enroll;
pub use enroll::code_hash;
mod export;
mod health;
mod lifecycle;
mod notes;
pub mod openapi;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use tokio::sync::Notify;

use crate::db::Db;
use crate::metrics::Metrics;
use crate::pki::{Pki, Role};
use crate::tls::{Peer, Refusal};
use samtal_protocol::{ErrorBody, ReceiptSigner};

/// Shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub pki: Arc<Pki>,
    pub signer: Arc<ReceiptSigner>,
    /// (key id, hex public key) of the current and the retired receipt keys.
    pub receipt_keys: Arc<Vec<(String, String)>>,
    pub metrics: Arc<Metrics>,
    /// Wakes the delivery worker when a note was stored.
    pub outbox: Arc<Notify>,
    pub sinks: Arc<Vec<&'static str>>,
    pub max_note_bytes: usize,
    pub device_cert_days: i64,
    /// Given to phones at enrollment as the URL of the mutual-TLS listener.
    pub public_url: Arc<String>,
    /// BankID sign-in and signing; `None` when no `[bankid]` section is configured.
    pub bankid: Option<Arc<crate::auth::BankIdService>>,
    /// Stable worker ids (keyed pseudonyms of personal numbers) for sign-in and receipts.
    pub worker_ids: Arc<crate::worker_id::WorkerIds>,
    /// Failed enrollment codes per address.
    pub enroll_throttle: Arc<crate::throttle::FailureThrottle>,
}

/// Routes served to peers with a valid, known, unrevoked client certificate.
pub fn mtls_router(state: AppState) -> Router {
    Router::new()
        .route("/v1/notes/{id}", put(notes::put_note))
        .route("/v1/notes/{id}/receipt", get(notes::get_receipt))
        .route("/v1/export", get(export::export))
        .route("/v1/device/renew", post(lifecycle::renew))
        .route("/v1/receipt-keys", get(lifecycle::receipt_keys))
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(openapi::openapi_json))
        .merge(crate::auth::router())
        .fallback(not_found)
        .with_state(state)
}

/// Routes of the enrollment listener (server-authenticated TLS, no client certificate).
pub fn enroll_router(state: AppState) -> Router {
    Router::new()
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/ca", get(enroll::ca))
        .route("/healthz", get(health::healthz))
        .fallback(not_found)
        .with_state(state)
}

/// Answer for every request on a connection whose certificate was revoked or is unknown.
pub fn refused_router(refusal: Refusal) -> Router {
    let error = match refusal {
        Refusal::Revoked => ApiError::new(
            StatusCode::FORBIDDEN,
            "certificate_revoked",
            "this client certificate has been revoked; enroll the device again",
        ),
        Refusal::Unknown => ApiError::new(
            StatusCode::FORBIDDEN,
            "certificate_unknown",
            "this client certificate was not issued by this endpoint",
        ),
    };
    Router::new().fallback(move |body: axum::body::Body| {
        let error = error.clone();
        async move {
            // Read what the client sends (bounded), so it gets this answer, not a reset.
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                http_body_util::BodyExt::collect(http_body_util::Limited::new(body, 1 << 20)),
            )
            .await;
            let mut response = error.into_response();
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            response
        }
    })
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}

/// An error answer: status, stable code and a message that never contains note content.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    fn internal(error: anyhow::Error) -> Self {
        tracing::error!(error = %format!("{error:#}"), "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; the request had no effect and can be retried",
        )
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.code.to_owned(),
                message: self.message,
            }),
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// A request that carries a CSR (enrollment, renewal): at most 16 KiB of JSON of the
/// expected shape, and a valid self-signed PKCS#10 request in `csr_pem`. `what` names the
/// request in the size error, `shape` the JSON expected.
fn csr_request<T: serde::de::DeserializeOwned>(
    body: &[u8],
    what: &str,
    shape: &str,
    csr_pem: impl Fn(&T) -> &str,
) -> Result<(T, rcgen::CertificateSigningRequestParams), ApiError> {
    const MAX_CSR_REQUEST_BYTES: usize = 16 * 1024;
    if body.len() > MAX_CSR_REQUEST_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("{what} too large"),
        ));
    }
    let request: T = serde_json::from_slice(body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            format!("expected JSON {shape}"),
        )
    })?;
    let csr = crate::pki::parse_csr(csr_pem(&request)).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_csr",
            "csr_pem is not a valid, self-signed PKCS#10 request",
        )
    })?;
    Ok((request, csr))
}

/// Refuse a peer whose certificate role does not allow this route.
fn require(peer: &Peer, allowed: &[Role]) -> Result<(), ApiError> {
    if allowed.contains(&peer.role) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_role",
            format!(
                "a {} certificate may not use this route",
                peer.role.as_str()
            ),
        ))
    }
}
