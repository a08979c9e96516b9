//! `POST /v1/auth/bankid/{start,collect,cancel}`, `POST /v1/auth/logout`, citizen signing
//! (`POST /v1/notes/{id}/signature/{start,collect}`), and the session check of note uploads.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};

use samtal_bankid::api::{AuthRequest, SignRequest};
use samtal_bankid::{
    rfa, CompletionData, Language, OrderPoller, QrGenerator, StartMethod, Status,
    UserVisibleDataFormat,
};
use samtal_protocol::note::is_uuid;

use super::sessions::{self, Invalid};
use super::{bankid_error, bearer, BankIdService, Pending, Purpose};
use crate::api::{ApiError, AppState};
use crate::pki::Role;
use crate::tls::Peer;

/// Routes of BankID sign-in and signing (mutual-TLS listener, device certificates).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/bankid/start", post(start_login))
        .route("/v1/auth/bankid/collect", post(collect))
        .route("/v1/auth/bankid/cancel", post(cancel))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/notes/{id}/signature/start", post(start_signature))
        .route("/v1/notes/{id}/signature/collect", post(collect))
}

fn service(state: &AppState) -> Result<&Arc<BankIdService>, ApiError> {
    state.bankid.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "bankid_not_configured",
            "this endpoint has no [bankid] configuration",
        )
    })
}

fn device_only(peer: &Peer) -> Result<(), ApiError> {
    if peer.role == Role::Device {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_role",
            "only enrolled devices may use BankID",
        ))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartBody {
    /// True when the BankID app is on this phone (autostart) rather than scanned by QR.
    #[serde(default)]
    pub same_device: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartResponse {
    pub order_ref: String,
    pub auto_start_token: String,
    pub auto_start_url: String,
    /// The first QR frame; the current one comes with every collect.
    pub qr_data: String,
}

fn parse_body<T: for<'de> Deserialize<'de> + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "the body is not the expected JSON ({:?} error)",
                e.classify()
            ),
        )
    })
}

async fn start_login(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    body: axum::body::Bytes,
) -> Result<Json<StartResponse>, ApiError> {
    device_only(&peer)?;
    let service = service(&state)?;
    let body: StartBody = parse_body(&body)?;
    let req = AuthRequest::new(service.settings.end_user_ip.clone())
        .with_visible_text("Logga in i Samtal", UserVisibleDataFormat::Plaintext);
    let order = service.client.auth(&req).await.map_err(bankid_error)?;
    Ok(Json(track(
        service,
        &peer,
        order,
        body.same_device,
        Purpose::Login,
    )))
}

fn track(
    service: &BankIdService,
    peer: &Peer,
    order: samtal_bankid::OrderResponse,
    same_device: bool,
    purpose: Purpose,
) -> StartResponse {
    let qr = QrGenerator::new(&order.qr_start_token, &order.qr_start_secret);
    let response = StartResponse {
        order_ref: order.order_ref.clone(),
        auto_start_token: order.auto_start_token.clone(),
        auto_start_url: order.autostart_url(None),
        qr_data: qr.current(),
    };
    let poller = OrderPoller::new(service.client.clone(), &order.order_ref)
        .with_interval(service.settings.collect_interval());
    service.track(
        &order.order_ref,
        Pending {
            poller,
            qr,
            start: if same_device {
                StartMethod::AutoStart
            } else {
                StartMethod::QrCode
            },
            cert_serial: peer.serial.clone(),
            purpose,
            created: Instant::now(),
        },
    );
    response
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectBody {
    pub order_ref: String,
    /// `sv` (default) or `en`: language of `message`.
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionGrant {
    pub token: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureInfo {
    /// SHA-256 (hex) of the stored signature; the receipt of the note carries the same.
    pub signature_sha256: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectView {
    pub order_ref: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rfa: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
    /// Current animated QR payload while the order is pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionGrant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureInfo>,
}

async fn collect(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    body: axum::body::Bytes,
) -> Result<Json<CollectView>, ApiError> {
    device_only(&peer)?;
    let service = service(&state)?;
    let body: CollectBody = parse_body(&body)?;
    let unknown = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_order",
            "no BankID order with this reference was started from this device (or it has ended)",
        )
    };
    let pending = service.pending(&body.order_ref).ok_or_else(unknown)?;
    let mut pending = pending.lock().await;
    if pending.cert_serial != peer.serial {
        return Err(unknown());
    }
    let resp = pending.poller.poll_if_due().await.map_err(|e| {
        if e.code() == Some(&samtal_bankid::ErrorCode::InvalidParameters) {
            service.forget(&body.order_ref);
        }
        bankid_error(e)
    })?;
    let lang = Language::from_tag(body.language.as_deref().unwrap_or("sv"));
    let advice = rfa::for_collect(&resp, pending.start);
    let mut view = CollectView {
        order_ref: resp.order_ref.clone(),
        status: resp.status.as_str().to_string(),
        hint_code: resp.hint_code.as_ref().map(|h| h.as_str().to_string()),
        rfa: advice.map(|r| r.code()),
        message: advice.map(|r| r.message(lang)),
        qr_data: (resp.status == Status::Pending && pending.start == StartMethod::QrCode)
            .then(|| pending.qr.current()),
        session: None,
        signature: None,
    };
    if resp.is_final() {
        service.forget(&body.order_ref);
    }
    if let (Status::Complete, Some(data)) = (&resp.status, &resp.completion_data) {
        match pending.purpose.clone() {
            Purpose::Login => {
                view.session = Some(grant_session(&state, service, &peer, data).await?)
            }
            Purpose::Sign {
                note_id,
                content_hash,
                session_hash,
            } => {
                let digest =
                    keep_signature(&state, &peer, &note_id, &content_hash, &session_hash, data)
                        .await?;
                view.signature = Some(SignatureInfo {
                    signature_sha256: digest,
                });
            }
        }
    }
    Ok(Json(view))
}

/// Stores a completed citizen signature for the device and worker session that started it,
/// if that session is still valid, the note not yet delivered and this version not yet
/// signed; returns the SHA-256 of the stored signature.
async fn keep_signature(
    state: &AppState,
    peer: &Peer,
    note_id: &str,
    content_hash: &str,
    session_hash: &str,
    data: &CompletionData,
) -> Result<String, ApiError> {
    let session = match sessions::check_hash(&state.db, session_hash, &peer.serial).await? {
        Ok(session) => session,
        Err(invalid) => {
            tracing::info!(
                ?invalid,
                "citizen signature dropped: the worker session ended"
            );
            return Err(session_error(invalid));
        }
    };
    let signer = sessions::Signer {
        device_id: &peer.subject,
        session_hash,
    };
    let stored = sessions::store_signature(
        &state.db,
        note_id,
        content_hash,
        &signer,
        &data.signature,
        &data.ocsp_response,
    )
    .await?;
    match stored {
        sessions::Stored::Stored => {}
        sessions::Stored::AlreadySigned => return Err(already_signed()),
        sessions::Stored::AlreadyDelivered => return Err(already_delivered()),
    }
    tracing::info!(note_id, "citizen signature stored");
    Ok(sessions::signature_digest(
        &state.db,
        note_id,
        content_hash,
        &peer.subject,
        &session.personal_number,
    )
    .await?
    .unwrap_or_default())
}

fn already_signed() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "already_signed",
        "this note version already has a citizen signature; it is never replaced",
    )
}

fn already_delivered() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "already_delivered",
        "a note with this id has already been delivered; the citizen signs before delivery",
    )
}

async fn grant_session(
    state: &AppState,
    service: &BankIdService,
    peer: &Peer,
    data: &CompletionData,
) -> Result<SessionGrant, ApiError> {
    let pn = &data.user.personal_number;
    if !state.db.staff_allowed(pn).await? {
        tracing::info!(device = %peer.subject, "BankID sign-in of a person not on the staff allow-list");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_staff",
            "this person is not on the endpoint's staff allow-list",
        ));
    }
    let ttl = service.settings.session_ttl().as_millis() as i64;
    let (token, expires_at_ms) =
        sessions::create(&state.db, pn, &peer.serial, &peer.subject, ttl).await?;
    tracing::info!(device = %peer.subject, "worker session opened");
    Ok(SessionGrant {
        token,
        expires_at_ms,
    })
}

async fn cancel(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    device_only(&peer)?;
    let service = service(&state)?;
    let body: CollectBody = parse_body(&body)?;
    if let Some(pending) = service.pending(&body.order_ref) {
        let pending = pending.lock().await;
        if pending.cert_serial == peer.serial {
            service.forget(&body.order_ref);
            if !pending.poller.is_done() {
                service
                    .client
                    .cancel(&body.order_ref)
                    .await
                    .map_err(bankid_error)?;
            }
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Sign-out of the session signed in on this device: a token presented over another
/// certificate (another phone, a case system) revokes nothing.
async fn logout(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    device_only(&peer)?;
    if let Some(token) = bearer(&headers) {
        if sessions::revoke_token(&state.db, token, &peer.serial).await?
            == sessions::Logout::OtherDevice
        {
            tracing::info!(device = %peer.subject, "sign-out refused: the session belongs to another device");
            return Err(session_error(Invalid::OtherDevice));
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignatureStartBody {
    /// The note version the citizen signs.
    pub content_hash: String,
    /// A short summary shown in the citizen's BankID app (no more than 1,000 characters).
    pub summary: String,
    #[serde(default)]
    pub same_device: bool,
}

/// The text the citizen sees in the BankID app (simpleMarkdownV1).
fn signature_text(summary: &str, content_hash: &str) -> String {
    let summary: String = summary
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '+'))
        .collect();
    format!(
        "# Journalanteckning\n\n{summary}\n\n---\n\nJag har läst anteckningen tillsammans med handläggaren.\n\nInnehållets kontrollsumma (SHA-256): `{content_hash}`"
    )
}

async fn start_signature(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<StartResponse>, ApiError> {
    device_only(&peer)?;
    let service = service(&state)?;
    let session = require_session(&state, &peer, &headers).await?;
    let body: SignatureStartBody = parse_body(&body)?;
    let hash_ok =
        body.content_hash.len() == 64 && body.content_hash.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_uuid(&id)
        || !hash_ok
        || body.summary.trim().is_empty()
        || body.summary.chars().count() > 1000
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_signature_request",
            "give the note's UUID in the URL, contentHash as 64 hex digits and a summary of 1–1000 characters",
        ));
    }
    let content_hash = body.content_hash.to_ascii_lowercase();
    if sessions::note_delivered(&state.db, &id).await? {
        return Err(already_delivered());
    }
    if sessions::is_signed(&state.db, &id, &content_hash).await? {
        return Err(already_signed());
    }
    let req = SignRequest::new(
        service.settings.end_user_ip.clone(),
        &signature_text(&body.summary, &body.content_hash),
        UserVisibleDataFormat::SimpleMarkdownV1,
    )
    .with_non_visible_data(body.content_hash.as_bytes());
    let order = service.client.sign(&req).await.map_err(bankid_error)?;
    let purpose = Purpose::Sign {
        note_id: id,
        content_hash,
        session_hash: session.token_hash,
    };
    Ok(Json(track(
        service,
        &peer,
        order,
        body.same_device,
        purpose,
    )))
}

/// The worker session of a request; errors name why it is not valid.
async fn require_session(
    state: &AppState,
    peer: &Peer,
    headers: &HeaderMap,
) -> Result<sessions::Session, ApiError> {
    let token = bearer(headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "session_required",
            "sign in with BankID first (Authorization: Bearer <session token>)",
        )
    })?;
    sessions::check(&state.db, token, &peer.serial)
        .await?
        .map_err(session_error)
}

/// The answer to a request whose worker session is not valid, naming why.
fn session_error(invalid: Invalid) -> ApiError {
    let (code, message) = match invalid {
        Invalid::Unknown => (
            "session_unknown",
            "the session token is not known; sign in again",
        ),
        Invalid::Expired => ("session_expired", "the session has expired; sign in again"),
        Invalid::Revoked => ("session_revoked", "the session was revoked; sign in again"),
        Invalid::OtherDevice => (
            "session_other_device",
            "the session belongs to another device certificate",
        ),
        Invalid::NoLongerStaff => (
            "session_not_staff",
            "the worker is no longer on the staff allow-list",
        ),
    };
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

/// Who a note upload is recorded for.
#[derive(Debug, Default)]
pub struct Authorship {
    /// The worker's personal number.
    pub author: Option<String>,
    /// SHA-256 of the citizen's signature of this note version made on this device in a
    /// session of this worker, if any.
    pub citizen_signature: Option<String>,
    /// [`samtal_protocol::session_id`] of the worker session.
    pub session_id: Option<String>,
}

/// For `PUT /v1/notes/{id}`: with BankID configured a valid worker session is required and
/// its personal number becomes the receipt's author. Without BankID: nobody.
pub async fn author_for_note(
    state: &AppState,
    peer: &Peer,
    headers: &HeaderMap,
    note_id: &str,
    content_hash: &str,
) -> Result<Authorship, ApiError> {
    if state.bankid.is_none() {
        return Ok(Authorship::default());
    }
    let session = require_session(state, peer, headers).await?;
    let citizen_signature = sessions::signature_digest(
        &state.db,
        note_id,
        content_hash,
        &peer.subject,
        &session.personal_number,
    )
    .await?;
    Ok(Authorship {
        session_id: Some(session.token_hash[..sessions::SESSION_ID_LEN].to_string()),
        author: Some(session.personal_number),
        citizen_signature,
    })
}
