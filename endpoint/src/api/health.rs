//! Liveness and Prometheus metrics.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde_json::json;

use super::{require, ApiError, AppState};
use crate::pki::Role;
use crate::tls::Peer;

/// 200 when the database answers.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(state.db.pool()).await {
        Ok(_) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": state.db.backend.as_str()})),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": state.db.backend.as_str()})),
            )
        }
    }
}

pub async fn metrics(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
) -> Result<impl IntoResponse, ApiError> {
    require(&peer, &[Role::Monitor, Role::CaseSystem])?;
    let pending = state.db.pending_deliveries().await?;
    let expiries = crate::expiry::all(&state.pki, &state.db).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(pending) + &crate::expiry::render(&expiries),
    ))
}
