//! Key lifecycle over mutual TLS: a phone renews its device certificate with a new key pair
//! before it expires, and fetches the receipt keys when a receipt names one it does not know.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use time::Duration;

use super::{csr_request, require, ApiError, AppState};
use crate::pki::Role;
use crate::tls::Peer;
use samtal_protocol::{ReceiptKey, ReceiptKeys, RenewRequest, RenewResponse};

/// A new certificate for the calling device's new key; the old certificate stays valid until
/// the phone connects with the new one (so a renewal lost on the way changes nothing).
#[utoipa::path(post, path = "/v1/device/renew", tag = "devices",
    security(("device" = [])),
    request_body = RenewRequest,
    responses(
        (status = 201, description = "Certificate issued", body = RenewResponse),
        (status = 400, description = "Malformed request or CSR", body = samtal_protocol::ErrorBody),
        (status = 403, description = "Not a device certificate, or revoked", body = samtal_protocol::ErrorBody),
        (status = 413, description = "Request too large", body = samtal_protocol::ErrorBody),
    ))]
pub async fn renew(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    body: Bytes,
) -> Result<(StatusCode, Json<RenewResponse>), ApiError> {
    require(&peer, &[Role::Device])?;
    let (_, csr) = csr_request(
        &body,
        "renewal request",
        "{\"csr_pem\": \"…\"}",
        |r: &RenewRequest| &r.csr_pem,
    )?;
    let issued =
        state
            .pki
            .sign_device_csr(csr, &peer.subject, Duration::days(state.device_cert_days))?;
    let not_after_ms = (issued.not_after.unix_timestamp_nanos() / 1_000_000) as i64;
    state
        .db
        .record_renewal(
            &issued.serial_hex,
            &peer.subject,
            not_after_ms,
            &peer.serial,
        )
        .await?;
    tracing::info!(device = %peer.subject, serial = %issued.serial_hex, "device certificate renewed");
    Ok((
        StatusCode::CREATED,
        Json(RenewResponse {
            certificate_pem: issued.cert_pem,
            not_after_ms,
        }),
    ))
}

/// The receipt keys' public halves: the current one first, then retired ones.
#[utoipa::path(get, path = "/v1/receipt-keys", tag = "devices",
    security(("device" = []), ("caseSystem" = [])),
    responses(
        (status = 200, description = "Receipt keys", body = ReceiptKeys),
        (status = 403, description = "A monitoring certificate", body = samtal_protocol::ErrorBody),
    ))]
pub async fn receipt_keys(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
) -> Result<Json<ReceiptKeys>, ApiError> {
    require(&peer, &[Role::Device, Role::CaseSystem])?;
    let keys = state
        .receipt_keys
        .iter()
        .map(|(key_id, public_key)| ReceiptKey {
            key_id: key_id.clone(),
            public_key: public_key.clone(),
        })
        .collect();
    Ok(Json(ReceiptKeys { keys }))
}
