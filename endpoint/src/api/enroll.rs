//! Device enrollment: a one-time code plus a CSR made on the phone buys a device certificate.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use sha2::{Digest, Sha256};
use time::Duration;

use super::{csr_request, ApiError, AppState};
use crate::pki::Role;
use crate::tls::RemoteAddr;
use samtal_protocol::{EnrollRequest, EnrollResponse};

/// Hash under which an enrollment code's secret is stored.
pub fn code_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

/// Enrollment listener: a one-time code and a CSR buy a device certificate.
#[utoipa::path(post, path = "/v1/enroll", tag = "devices",
    request_body = samtal_protocol::EnrollRequest,
    responses(
        (status = 201, description = "Enrolled", body = samtal_protocol::EnrollResponse),
        (status = 400, description = "Malformed request or CSR", body = samtal_protocol::ErrorBody),
        (status = 403, description = "Unknown, used or expired code", body = samtal_protocol::ErrorBody),
        (status = 413, description = "Request too large", body = samtal_protocol::ErrorBody),
        (status = 429, description = "Too many wrong codes from this address (Retry-After)", body = samtal_protocol::ErrorBody),
    ))]
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
    let (request, csr) = csr_request(
        &body,
        "enrollment request",
        "{\"code\": \"…\", \"csr_pem\": \"…\"}",
        |r: &EnrollRequest| &r.csr_pem,
    )?;
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
/// Enrollment listener: the municipal CA certificate (PEM).
#[utoipa::path(get, path = "/v1/ca", tag = "devices",
    responses((status = 200, description = "The CA certificate", content_type = "application/x-pem-file", body = String)))]
pub async fn ca(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        state.pki.ca_pem.clone(),
    )
}
