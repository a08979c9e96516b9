//! `PUT /v1/notes/{id}` (idempotent upload) and `GET /v1/notes/{id}/receipt`.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use http_body_util::BodyExt;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{require, ApiError, AppState};
use crate::db::{NewNote, StoreOutcome};
use crate::metrics::NoteOutcome;
use crate::pki::Role;
use crate::tls::Peer;
use samtal_protocol::note::is_uuid;
use samtal_protocol::{parse_canonical, validate_note, CanonicalError, Receipt};

/// A slow client may not hold a request open indefinitely.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Deliver an approved note (idempotent: the same note again gets its original receipt).
#[utoipa::path(put, path = "/v1/notes/{id}", tag = "notes",
    security(("device" = []), ("device" = [], "workerSession" = [])),
    params(("id" = String, Path, format = Uuid, description = "The note's note_id")),
    request_body(content = super::openapi::ApprovedNote, content_type = "application/json",
        description = "Canonical JSON; the bytes are stored and delivered as sent"),
    responses(
        (status = 201, description = "Stored; the signed receipt", body = samtal_protocol::Receipt),
        (status = 200, description = "Already stored with this content from this device; the original receipt", body = samtal_protocol::Receipt),
        (status = 400, description = "Not canonical JSON, duplicate key, bad id or id mismatch", body = samtal_protocol::ErrorBody),
        (status = 401, description = "No valid worker session (BankID configured)", body = samtal_protocol::ErrorBody),
        (status = 403, description = "Not a device certificate, or revoked", body = samtal_protocol::ErrorBody),
        (status = 408, description = "The body did not arrive in time", body = samtal_protocol::ErrorBody),
        (status = 409, description = "Another note or device already used this id", body = samtal_protocol::ErrorBody),
        (status = 413, description = "Larger than max_note_bytes", body = samtal_protocol::ErrorBody),
        (status = 415, description = "Not Content-Type: application/json", body = samtal_protocol::ErrorBody),
        (status = 422, description = "Not a valid approved note (field named, never its value)", body = samtal_protocol::ErrorBody),
    ))]
pub async fn put_note(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let started = Instant::now();
    let result = store(&state, &peer, &id, &headers, body).await;
    let (outcome, status) = match &result {
        Ok((status, _)) if *status == StatusCode::CREATED => (NoteOutcome::Created, *status),
        Ok((status, _)) => (NoteOutcome::Duplicate, *status),
        Err(e) if e.status == StatusCode::CONFLICT => (NoteOutcome::Conflict, e.status),
        Err(e) => (NoteOutcome::Rejected, e.status),
    };
    state.metrics.note(outcome, started.elapsed());
    let note_id = if is_uuid(&id) { id.as_str() } else { "-" };
    let reason = result.as_ref().err().map_or("", |e| e.code);
    tracing::info!(
        note_id,
        device = %peer.subject,
        status = status.as_u16(),
        reason,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "note upload"
    );
    result
}

async fn store(
    state: &AppState,
    peer: &Peer,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    // Read first, whatever the answer: a connection closed on an unread body reaches the
    // client as a reset, not as the answer.
    let bytes = read_body(body, state.max_note_bytes).await?;
    require(peer, &[Role::Device])?;
    if !is_uuid(id) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_note_id",
            "the note id in the URL must be a UUID",
        ));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim() == "application/json");
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the note as Content-Type: application/json",
        ));
    }
    // Only the canonical form is accepted, so the stored and delivered bytes are exactly the
    // bytes the content hash and the receipt cover.
    let note = parse_canonical(&bytes).map_err(|e| {
        let code = match e {
            CanonicalError::Syntax(_) => "malformed_json",
            CanonicalError::DuplicateKey(_) => "duplicate_key",
            CanonicalError::NotCanonical(_) => "non_canonical_json",
        };
        ApiError::new(StatusCode::BAD_REQUEST, code, e.to_string())
    })?;
    let envelope = validate_note(&note).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_note",
            e.to_string(),
        )
    })?;
    if envelope.note_id != id {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "note_id_mismatch",
            "note_id in the body differs from the id in the URL",
        ));
    }
    let body_text = std::str::from_utf8(&bytes).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "the body is not UTF-8",
        )
    })?;
    let authorship = crate::auth::author_for_note(
        state,
        peer,
        headers,
        &envelope.note_id,
        &envelope.content_hash,
    )
    .await?;
    let now = OffsetDateTime::now_utc();
    let received_at_ms = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    let receipt = state.signer.sign(Receipt {
        note_id: envelope.note_id.clone(),
        content_hash: envelope.content_hash.clone(),
        received_at: now.format(&Rfc3339).map_err(anyhow::Error::from)?,
        received_at_ms,
        device_id: peer.subject.clone(),
        author: authorship.author,
        citizen_signature: authorship.citizen_signature,
        session_id: authorship.session_id,
        worker_id: authorship.worker_id,
        key_id: String::new(),
        signature: String::new(),
    });
    let new = NewNote {
        note_id: &envelope.note_id,
        content_hash: &envelope.content_hash,
        template_id: &envelope.template_id,
        schema_version: envelope.schema_version as i64,
        device_id: &peer.subject,
        received_at_ms,
        body: body_text,
        receipt: &receipt,
    };
    match state.db.store_note(&new, &state.sinks).await? {
        StoreOutcome::Created => {
            state.outbox.notify_one();
            Ok((StatusCode::CREATED, Json(receipt)))
        }
        StoreOutcome::Duplicate(original) => Ok((StatusCode::OK, Json(*original))),
        StoreOutcome::Conflict => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "a different note was already received under this note id",
        )),
    }
}

/// A body over the limit is still read, up to this much more, and dropped, so the client
/// gets the 413 and not a reset connection; past it the connection is closed.
const DRAIN_LIMIT: usize = 1 << 20;

async fn read_body(mut body: Body, max: usize) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a note may be at most {max} bytes"),
        )
    };
    let incomplete = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "incomplete_body",
            "the request body could not be read completely",
        )
    };
    let read = tokio::time::timeout(BODY_READ_TIMEOUT, async {
        let mut kept = Vec::new();
        let mut total = 0usize;
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(|_| incomplete())?.into_data() else {
                continue;
            };
            total += data.len();
            if total <= max {
                kept.extend_from_slice(&data);
            } else if total > max + DRAIN_LIMIT {
                return Err(too_large());
            }
        }
        if total > max {
            Err(too_large())
        } else {
            Ok(axum::body::Bytes::from(kept))
        }
    })
    .await;
    read.unwrap_or_else(|_| {
        Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            "the request body was not received in time",
        ))
    })
}

/// The receipt of a note this device delivered.
#[utoipa::path(get, path = "/v1/notes/{id}/receipt", tag = "notes",
    security(("device" = [])),
    params(("id" = String, Path, format = Uuid, description = "The note's note_id")),
    responses(
        (status = 200, description = "The signed receipt", body = samtal_protocol::Receipt),
        (status = 400, description = "The id is not a UUID", body = samtal_protocol::ErrorBody),
        (status = 403, description = "Not a device certificate, or revoked", body = samtal_protocol::ErrorBody),
        (status = 404, description = "This device delivered no note with this id", body = samtal_protocol::ErrorBody),
    ))]
pub async fn get_receipt(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Path(id): Path<String>,
) -> Result<Json<Receipt>, ApiError> {
    require(&peer, &[Role::Device])?;
    if !is_uuid(&id) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_note_id",
            "the note id in the URL must be a UUID",
        ));
    }
    match state.db.receipt(&id, &peer.subject).await? {
        Some(receipt) => Ok(Json(receipt)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_receipt",
            "this device has delivered no note with this id",
        )),
    }
}
