//! HTTP surface of the simulator: BankID's RP API paths, JSON, status codes and error
//! bodies, plus `/admin` for driving orders by hand in demos.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{
    decode_data, AuthRequest, ErrorBody, OrderRefRequest, PhoneAuthRequest, PhoneSignRequest,
    SignRequest,
};
use crate::codes::{ErrorCode, HintCode};
use crate::personal_number;
use crate::sim::completion::SignedContent;
use crate::sim::scenario::Scenario;
use crate::sim::state::{ApiError, NewOrder, OrderKind, Orders};

pub type Shared = Arc<Mutex<Orders>>;

/// The router of one simulator.
pub fn router(state: Shared) -> Router {
    let rp = |kind| post(move |s, h, b| start(s, h, b, kind)).fallback(method_not_allowed);
    Router::new()
        .route("/rp/v6.0/auth", rp(OrderKind::Auth))
        .route("/rp/v6.0/sign", rp(OrderKind::Sign))
        .route("/rp/v6.0/phone/auth", rp(OrderKind::PhoneAuth))
        .route("/rp/v6.0/phone/sign", rp(OrderKind::PhoneSign))
        .route(
            "/rp/v6.0/collect",
            post(collect).fallback(method_not_allowed),
        )
        .route("/rp/v6.0/cancel", post(cancel).fallback(method_not_allowed))
        .route("/admin/orders", get(admin_orders))
        .route("/admin/orders/{order_ref}/complete", post(admin_complete))
        .route("/admin/orders/{order_ref}/hint", post(admin_hint))
        .route("/admin/default-scenario", put(admin_default_scenario))
        .fallback(not_found)
        .with_state(state)
}

fn error(code: ErrorCode, details: &str) -> Response {
    let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = ErrorBody {
        error_code: code,
        details: details.to_string(),
    };
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(self.code, &self.details)
    }
}

async fn not_found() -> Response {
    error(ErrorCode::NotFound, "Not found")
}

async fn method_not_allowed() -> Response {
    error(ErrorCode::MethodNotAllowed, "Only POST is allowed")
}

/// Parses a JSON body the way BankID does: `application/json` only, then the fields.
fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json",
        ));
    }
    serde_json::from_slice(body).map_err(|_| invalid("Invalid JSON"))
}

fn invalid(details: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameters, details)
}

fn typed<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|_| invalid("Invalid parameters"))
}

/// Checks a base64 data field: decodable, UTF-8 where visible, and within BankID's size.
fn check_data(
    v: &Value,
    field: &str,
    required: bool,
    max: usize,
    text: bool,
) -> Result<(), ApiError> {
    let incorrect = || invalid(&format!("Incorrect {field}"));
    match v.get(field) {
        None | Some(Value::Null) if !required => Ok(()),
        Some(Value::String(s)) if !s.is_empty() && s.len() <= max => {
            let bytes = decode_data(s).map_err(|_| incorrect())?;
            if text && String::from_utf8(bytes).is_err() {
                return Err(incorrect());
            }
            Ok(())
        }
        _ => Err(incorrect()),
    }
}

fn checked_pn(pn: Option<&Value>, required: bool) -> Result<Option<String>, ApiError> {
    match pn {
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(s)) if s.len() == 12 && personal_number::is_valid(s) => {
            Ok(Some(s.clone()))
        }
        _ => Err(invalid("Incorrect personalNumber")),
    }
}

/// Validates an auth/sign/phone body into a new order.
fn new_order(kind: OrderKind, v: Value) -> Result<NewOrder, ApiError> {
    if !v.is_object() {
        return Err(invalid("Invalid parameters"));
    }
    let signing = matches!(kind, OrderKind::Sign | OrderKind::PhoneSign);
    check_data(&v, "userVisibleData", signing, 40_000, true)?;
    check_data(&v, "userNonVisibleData", false, 200_000, false)?;
    let content =
        |ip: String, visible: Option<String>, non_visible, mrtd: bool, risk| SignedContent {
            signing,
            user_visible_data: visible,
            user_non_visible_data: non_visible,
            end_user_ip: ip,
            mrtd,
            return_risk: risk,
        };
    match kind {
        OrderKind::Auth | OrderKind::Sign => {
            let ip_ok = v
                .get("endUserIp")
                .and_then(Value::as_str)
                .is_some_and(|ip| ip.parse::<IpAddr>().is_ok());
            if !ip_ok {
                return Err(invalid("Incorrect endUserIp"));
            }
            let pn = checked_pn(
                v.get("requirement").and_then(|r| r.get("personalNumber")),
                false,
            )?;
            let (ip, visible, non_visible, req, risk) = if kind == OrderKind::Auth {
                let r: AuthRequest = typed(v)?;
                (
                    r.end_user_ip,
                    r.user_visible_data,
                    r.user_non_visible_data,
                    r.requirement,
                    r.return_risk,
                )
            } else {
                let r: SignRequest = typed(v)?;
                (
                    r.end_user_ip,
                    Some(r.user_visible_data),
                    r.user_non_visible_data,
                    r.requirement,
                    r.return_risk,
                )
            };
            let mrtd = req.and_then(|r| r.mrtd).unwrap_or(false);
            Ok(NewOrder {
                kind,
                personal_number: pn,
                content: content(ip, visible, non_visible, mrtd, risk.unwrap_or(false)),
            })
        }
        OrderKind::PhoneAuth | OrderKind::PhoneSign => {
            let pn = checked_pn(v.get("personalNumber"), true)?;
            if !matches!(
                v.get("callInitiator").and_then(Value::as_str),
                Some("user" | "RP")
            ) {
                return Err(invalid("Incorrect callInitiator"));
            }
            let (visible, non_visible, req) = if kind == OrderKind::PhoneAuth {
                let r: PhoneAuthRequest = typed(v)?;
                (r.user_visible_data, r.user_non_visible_data, r.requirement)
            } else {
                let r: PhoneSignRequest = typed(v)?;
                (
                    Some(r.user_visible_data),
                    r.user_non_visible_data,
                    r.requirement,
                )
            };
            let mrtd = req.and_then(|r| r.mrtd).unwrap_or(false);
            // A phone order has no endUserIp; BankID reports the app's address.
            let ip = "192.0.2.10".to_string();
            Ok(NewOrder {
                kind,
                personal_number: pn,
                content: content(ip, visible, non_visible, mrtd, false),
            })
        }
    }
}

async fn start(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
    kind: OrderKind,
) -> Response {
    let result = json_body(&headers, &body)
        .and_then(|v| new_order(kind, v))
        .and_then(|order| lock(&state).create(order, Instant::now()));
    match result {
        Ok(created) if matches!(kind, OrderKind::PhoneAuth | OrderKind::PhoneSign) => {
            Json(json!({ "orderRef": created.order_ref })).into_response()
        }
        Ok(c) => Json(json!({
            "orderRef": c.order_ref,
            "autoStartToken": c.auto_start_token,
            "qrStartToken": c.qr_start_token,
            "qrStartSecret": c.qr_start_secret,
        }))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

fn order_ref(headers: &HeaderMap, body: &Bytes) -> Result<String, ApiError> {
    let r: OrderRefRequest = typed(json_body(headers, body)?)?;
    Ok(r.order_ref)
}

async fn collect(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    match order_ref(&headers, &body).and_then(|r| lock(&state).collect(&r, Instant::now())) {
        Ok(resp) => Json(resp).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn cancel(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    match order_ref(&headers, &body).and_then(|r| lock(&state).cancel(&r, Instant::now())) {
        Ok(()) => Json(json!({})).into_response(),
        Err(e) => e.into_response(),
    }
}

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, Orders> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn admin_result(r: Result<String, String>) -> Response {
    match r {
        Ok(order_ref) => Json(json!({ "orderRef": order_ref })).into_response(),
        Err(e) => (StatusCode::CONFLICT, Json(json!({ "error": e }))).into_response(),
    }
}

async fn admin_orders(State(state): State<Shared>) -> Response {
    Json(lock(&state).summaries(Instant::now())).into_response()
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CompleteBody {
    personal_number: Option<String>,
}

async fn admin_complete(
    State(state): State<Shared>,
    Path(order_ref): Path<String>,
    body: Bytes,
) -> Response {
    let body: CompleteBody = if body.is_empty() {
        CompleteBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(_) => {
                return admin_result(Err(
                    "body must be {\"personalNumber\": \"YYYYMMDDNNNN\"}".into()
                ))
            }
        }
    };
    let pn = match body
        .personal_number
        .as_deref()
        .map(personal_number::normalize)
    {
        Some(None) => {
            return admin_result(Err("personalNumber is not a valid personal number".into()))
        }
        Some(pn) => pn,
        None => None,
    };
    admin_result(lock(&state).admin_complete(&order_ref, pn, Instant::now()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HintBody {
    hint_code: HintCode,
}

async fn admin_hint(
    State(state): State<Shared>,
    Path(order_ref): Path<String>,
    body: Bytes,
) -> Response {
    match serde_json::from_slice::<HintBody>(&body) {
        Ok(b) => admin_result(lock(&state).admin_hint(&order_ref, b.hint_code, Instant::now())),
        Err(_) => admin_result(Err("body must be {\"hintCode\": \"userCancel\"}".into())),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefaultScenarioBody {
    scenario: String,
    personal_number: Option<String>,
}

async fn admin_default_scenario(State(state): State<Shared>, body: Bytes) -> Response {
    let body: DefaultScenarioBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(_) => return admin_result(Err("body must be {\"scenario\": \"complete:3\"}".into())),
    };
    let scenario = match Scenario::parse(&body.scenario) {
        Ok(s) => s,
        Err(e) => return admin_result(Err(e)),
    };
    let pn = match body
        .personal_number
        .as_deref()
        .map(personal_number::normalize)
    {
        Some(None) => {
            return admin_result(Err("personalNumber is not a valid personal number".into()))
        }
        Some(pn) => pn,
        None => None,
    };
    let mut orders = lock(&state);
    orders.config.default_scenario = scenario;
    if let Some(pn) = pn {
        orders.config.default_personal_number = pn;
    }
    Json(json!({ "scenario": body.scenario })).into_response()
}
