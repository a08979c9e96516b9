//! Device enrollment: a one-time code plus a CSR made on the phone buys a device certificate.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use sha2::{Digest, Sha256};
use time::Duration;

use super::{ApiError, AppState};
use crate::pki::Role;
use crate::tls::RemoteAddr;
use samtal_protocol::{EnrollRequest, EnrollResponse};

const MAX_ENROLL_BYTES: usize = 16 * 1024;

/// Hash under which an enrollment code's secret is stored.
pub fn code_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

pub async fn enroll(
    State(state): State<AppState>,
    Extension(RemoteAddr(remote)): Extension<RemoteAddr>,
    body: Bytes,
) -> Result<(StatusCode, Json<EnrollResponse>), ApiError> {
    if let Err(seconds) = state.enroll_throttle.check(remote.ip()) {
        tracing::info!("enrollment throttled: too many wrong codes from this address");
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("too many wrong enrollment codes from this address; try again in {seconds} s"),
        );
        error.retry_after = Some(seconds);
        return Err(error);
    }
    if body.len() > MAX_ENROLL_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "enrollment request too large",
        ));
    }
    let request: EnrollRequest = serde_json::from_slice(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "expected JSON {\"code\": \"…\", \"csr_pem\": \"…\"}",
        )
    })?;
    let csr = crate::pki::parse_csr(&request.csr_pem).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_csr",
            "csr_pem is not a valid, self-signed PKCS#10 request",
        )
    })?;
    let Some(device_id) = state
        .db
        .redeem_enrollment_code(&code_hash(&request.code))
        .await?
    else {
        state.enroll_throttle.failed(remote.ip());
        tracing::info!("enrollment refused: unknown, used or expired code");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "enrollment_code_invalid",
            "the enrollment code is unknown, already used or expired; ask for a new one",
        ));
    };
    let issued =
        state
            .pki
            .sign_device_csr(csr, &device_id, Duration::days(state.device_cert_days))?;
    state
        .db
        .record_cert(
            &issued.serial_hex,
            Role::Device,
            &device_id,
            (issued.not_after.unix_timestamp_nanos() / 1_000_000) as i64,
        )
        .await?;
    tracing::info!(device = %device_id, serial = %issued.serial_hex, "device enrolled");
    Ok((
        StatusCode::CREATED,
        Json(EnrollResponse {
            endpoint_url: state.public_url.to_string(),
            device_id,
            certificate_pem: issued.cert_pem,
            ca_pem: state.pki.ca_pem.clone(),
            receipt_public_key: state.signer.public_key_hex(),
        }),
    ))
}

/// The CA certificate, for a phone to compare with the fingerprint in its enrollment code.
pub async fn ca(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        state.pki.ca_pem.clone(),
    )
}
