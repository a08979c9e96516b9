//! The OpenAPI 3.1 description of the endpoint, generated from the handlers' annotations
//! and the wire types (utoipa): served at `/openapi.json` to case-system certificates and
//! printed by `samtal-endpoint openapi`.

use axum::{Extension, Json};
use serde_json::{json, Value};
use utoipa::openapi::security::SecurityScheme;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi};

use super::{require, ApiError};
use crate::pki::Role;
use crate::tls::Peer;

/// An approved note as a phone sends it. The wire form is canonical JSON (object keys sorted
/// by their UTF-8 bytes, no whitespace, numbers and strings as serde_json writes them) and
/// `content_hash` is the lowercase hex SHA-256 of the canonical JSON of the note without
/// `content_hash`; anything else is refused. Fields beyond these are carried opaquely.
pub struct ApprovedNote;

impl utoipa::PartialSchema for ApprovedNote {
    fn schema() -> RefOr<Schema> {
        let schema = json!({
            "type": "object",
            "description": "An approved journal note in canonical JSON; fields beyond these are kept as sent.",
            "required": ["schema_version", "note_id", "template_id", "content_hash", "sections"],
            "properties": {
                "schema_version": {"type": "integer", "enum": [samtal_protocol::NOTE_SCHEMA_VERSION]},
                "note_id": {"type": "string", "format": "uuid"},
                "template_id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,100}$"},
                "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "sections": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["id", "items"],
                        "properties": {
                            "id": {"type": "string", "minLength": 1},
                            "items": {"type": "array", "items": {"type": "object"}}
                        }
                    }
                }
            }
        });
        RefOr::T(serde_json::from_value(schema).expect("a valid schema"))
    }
}

impl utoipa::ToSchema for ApprovedNote {}

/// What the webhook sink POSTs for each note (with `Idempotency-Key: <note id>`), and what
/// the directory sink writes to `<note id>.json`.
pub struct WebhookPayload;

impl utoipa::PartialSchema for WebhookPayload {
    fn schema() -> RefOr<Schema> {
        let schema = json!({
            "type": "object",
            "description": "One delivered note and its signed receipt.",
            "required": ["receipt", "note"],
            "properties": {
                "receipt": {"$ref": "#/components/schemas/Receipt"},
                "note": {"$ref": "#/components/schemas/ApprovedNote"}
            }
        });
        RefOr::T(serde_json::from_value(schema).expect("a valid schema"))
    }
}

impl utoipa::ToSchema for WebhookPayload {}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, who) in [
            ("device", "an enrolled phone's device certificate"),
            (
                "caseSystem",
                "a case-system certificate (`cert issue --role case-system`)",
            ),
            (
                "monitor",
                "a monitoring certificate (`cert issue --role monitor`)",
            ),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::MutualTls {
                    description: Some(format!(
                        "Mutual TLS with {who}, issued by the municipal CA."
                    )),
                    extensions: None,
                },
            );
        }
        components.add_security_scheme(
            "workerSession",
            SecurityScheme::Http(
                utoipa::openapi::security::HttpBuilder::new()
                    .scheme(utoipa::openapi::security::HttpAuthScheme::Bearer)
                    .description(Some(
                        "The session token from a completed BankID sign-in (only when the \
                         endpoint has a [bankid] section).",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Samtal municipal endpoint",
        description = "Receives approved journal notes from the Samtal phones over mutual TLS and \
            hands them to the case system: pulled with `GET /v1/export`, pushed to a webhook \
            (see `webhooks`) or written to a drop directory. Every route but `/v1/enroll` and \
            `/v1/ca` is on the mutual-TLS listener; those two are on the enrollment listener \
            (server-authenticated TLS). Errors are `ErrorBody` with a stable `error` code."
    ),
    paths(
        super::notes::put_note,
        super::notes::get_receipt,
        super::export::export,
        super::lifecycle::renew,
        super::lifecycle::receipt_keys,
        super::health::healthz,
        super::health::metrics,
        openapi_json,
        super::enroll::enroll,
        super::enroll::ca,
        crate::auth::routes::start_login,
        crate::auth::routes::collect,
        crate::auth::routes::cancel,
        crate::auth::routes::logout,
        crate::auth::routes::start_signature,
        crate::auth::routes::collect_signature,
    ),
    components(schemas(ApprovedNote, WebhookPayload)),
    modifiers(&Security),
    tags(
        (name = "notes", description = "Delivery of approved notes by phones"),
        (name = "case-system", description = "Integration of the case system"),
        (name = "devices", description = "Enrollment and certificate lifecycle of phones"),
        (name = "bankid", description = "Worker sign-in and citizen signing with BankID"),
        (name = "operations", description = "Health, metrics and this description"),
    )
)]
struct ApiDoc;

/// The description as JSON, with the webhook the endpoint calls.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the description serializes");
    doc["webhooks"] = json!({
        "note": {
            "post": {
                "summary": "A delivered note, sent to the configured [sinks.webhook] url",
                "description": "Retried with exponential backoff and jitter until the case \
                    system answers 2xx; delivery is at least once, so honour Idempotency-Key.",
                "parameters": [{
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": true,
                    "description": "The note id: the same for every attempt of one note.",
                    "schema": {"type": "string", "format": "uuid"}
                }],
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/WebhookPayload"}
                    }}
                },
                "responses": {
                    "2XX": {"description": "Stored by the case system; not sent again."},
                    "default": {"description": "Not stored; sent again later."}
                }
            }
        }
    });
    doc
}

/// This description, for case-system integrations.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    security(("caseSystem" = [])),
    responses(
        (status = 200, description = "OpenAPI 3.1 description", content_type = "application/json", body = Object),
        (status = 403, description = "Not a case-system certificate", body = samtal_protocol::ErrorBody),
    ))]
pub async fn openapi_json(Extension(peer): Extension<Peer>) -> Result<Json<Value>, ApiError> {
    require(&peer, &[Role::CaseSystem])?;
    Ok(Json(document()))
}
