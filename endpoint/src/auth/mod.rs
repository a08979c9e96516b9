//! Worker sign-in and citizen signing with BankID. The phone never holds the RP
//! certificate: the endpoint starts and collects BankID orders, keeps the QR secret, and
//! hands the phone status, user message and the current QR data. A completed sign-in of a
//! worker on the staff allow-list yields a session bound to the device certificate.

mod routes;
pub mod sessions;
pub mod settings;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use samtal_bankid::{BankIdClient, OrderPoller, QrGenerator, StartMethod};

pub use routes::{author_for_note, router};
pub use settings::BankIdSettings;

use crate::api::ApiError;

/// A pending order nobody collects any more is cancelled at BankID after this.
const ABANDONED_AFTER: Duration = Duration::from_secs(300);

/// What an order is for.
#[derive(Debug, Clone)]
enum Purpose {
    Login,
    Sign {
        note_id: String,
        content_hash: String,
        /// SHA-256 of the worker session's token that started the signature.
        session_hash: String,
    },
}

struct Pending {
    poller: OrderPoller,
    qr: QrGenerator,
    start: StartMethod,
    cert_serial: String,
    purpose: Purpose,
    created: Instant,
}

/// BankID orders in flight for this endpoint.
pub struct BankIdService {
    client: BankIdClient,
    settings: BankIdSettings,
    orders: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Pending>>>>,
}

impl BankIdService {
    pub fn new(settings: BankIdSettings) -> anyhow::Result<Self> {
        Ok(Self {
            client: settings.client()?,
            settings,
            orders: Mutex::new(HashMap::new()),
        })
    }

    fn track(&self, order_ref: &str, pending: Pending) {
        let mut orders = self.orders.lock().unwrap_or_else(|p| p.into_inner());
        // Dropping an abandoned order's poller cancels it at BankID.
        orders.retain(|_, p| {
            p.try_lock()
                .map(|p| p.created.elapsed() < ABANDONED_AFTER)
                .unwrap_or(true)
        });
        orders.insert(
            order_ref.to_string(),
            Arc::new(tokio::sync::Mutex::new(pending)),
        );
    }

    fn pending(&self, order_ref: &str) -> Option<Arc<tokio::sync::Mutex<Pending>>> {
        self.orders
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(order_ref)
            .cloned()
    }

    fn forget(&self, order_ref: &str) {
        self.orders
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(order_ref);
    }
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn bankid_error(e: samtal_bankid::Error) -> ApiError {
    match &e {
        samtal_bankid::Error::Api { code, .. }
            if *code == samtal_bankid::ErrorCode::AlreadyInProgress =>
        {
            ApiError::new(
                StatusCode::CONFLICT,
                "bankid_already_in_progress",
                "a BankID sign-in or signature is already in progress for this person; try again",
            )
        }
        samtal_bankid::Error::Api { code, .. } if code.is_transient() => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "bankid_unavailable",
            "BankID is temporarily unavailable; try again shortly",
        ),
        _ => {
            tracing::warn!(error = %e, "BankID request failed");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "bankid_failed",
                "the request to BankID failed; try again",
            )
        }
    }
}
