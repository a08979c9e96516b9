//! `PUT /v1/notes/{id}` (idempotent upload) and `GET /v1/notes/{id}/receipt`.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use http_body_util::{BodyExt, LengthLimitError, Limited};
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
    let bytes = read_body(body, state.max_note_bytes).await?;
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

async fn read_body(body: Body, max: usize) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a note may be at most {max} bytes"),
        )
    };
    let read = tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, max).collect()).await;
    match read {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "incomplete_body",
            "the request body could not be read completely",
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            "the request body was not received in time",
        )),
    }
}

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
