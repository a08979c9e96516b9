//! Liveness and Prometheus metrics.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};

use super::{require, ApiError, AppState};
use crate::pki::Role;
use crate::tls::Peer;

/// 200 when the database answers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct HealthBody {
    /// `ok` or `unavailable`.
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
}

/// Liveness: 200 while the database answers (also on the enrollment listener).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    security(("device" = []), ("caseSystem" = []), ("monitor" = [])),
    responses(
        (status = 200, description = "Serving", body = HealthBody),
        (status = 403, description = "Certificate revoked or unknown", body = samtal_protocol::ErrorBody),
        (status = 503, description = "The database does not answer", body = HealthBody),
    ))]
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(state.db.pool()).await {
        Ok(_) => (
            StatusCode::OK,
            Json(HealthBody {
                status: "ok",
                database: state.db.backend.as_str(),
            }),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(HealthBody {
                    status: "unavailable",
                    database: state.db.backend.as_str(),
                }),
            )
        }
    }
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    security(("monitor" = []), ("caseSystem" = [])),
    responses(
        (status = 200, description = "Metrics", content_type = "text/plain", body = String),
        (status = 403, description = "Not a monitoring or case-system certificate", body = samtal_protocol::ErrorBody),
    ))]
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
