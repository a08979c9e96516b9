//! Pull API for case-system integrations: notes in commit order after a cursor.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;

use super::{require, ApiError, AppState};
use crate::pki::Role;
use crate::tls::Peer;
use samtal_protocol::{ExportItem, ExportPage};

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

/// Notes in commit order after a cursor, each with its receipt.
#[utoipa::path(get, path = "/v1/export", tag = "case-system",
    security(("caseSystem" = [])),
    params(
        ("after" = Option<i64>, Query, minimum = 0, description = "Cursor: next_cursor of the previous page (0 or absent: from the start)"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
    ),
    responses(
        (status = 200, description = "A page of notes", body = samtal_protocol::ExportPage),
        (status = 400, description = "Bad cursor or limit", body = samtal_protocol::ErrorBody),
        (status = 403, description = "Not a case-system certificate", body = samtal_protocol::ErrorBody),
    ))]
pub async fn export(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Json<ExportPage>, ApiError> {
    require(&peer, &[Role::CaseSystem])?;
    let Query(query) = query.map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "query must be ?after=CURSOR[&limit=N] with integers",
        )
    })?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) || query.after < 0 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "after must be >= 0 and limit between 1 and 1000",
        ));
    }
    let rows = state.db.export_after(query.after, limit).await?;
    let mut items = Vec::with_capacity(rows.len());
    for (cursor, receipt, body) in rows {
        items.push(ExportItem {
            cursor,
            receipt: serde_json::from_str(&receipt).map_err(anyhow::Error::from)?,
            note: serde_json::from_str(&body).map_err(anyhow::Error::from)?,
        });
    }
    let next_cursor = items.last().map_or(query.after, |i| i.cursor);
    tracing::info!(
        case_system = %peer.subject,
        after = query.after,
        count = items.len(),
        "export page served"
    );
    Ok(Json(ExportPage { items, next_cursor }))
}
