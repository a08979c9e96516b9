//! Talking to the endpoint's `/v1/auth/bankid/*` routes, and the background sign-in that
//! reports progress (status, user message, QR frame) once a second until it ends.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::token::{self, WorkerSession};
use super::LoginError;
use crate::tls::REQUEST_TIMEOUT;
use crate::SyncError;
use samtal_store::keyvault::KeyVault;
use samtal_store::Store;

/// How often the phone asks for progress (and gets a fresh QR frame).
pub const PROGRESS_INTERVAL: Duration = Duration::from_secs(1);

/// A started sign-in order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginStart {
    pub order_ref: String,
    /// Opens the BankID app on this phone (`bankid:///?autostarttoken=…`).
    pub auto_start_url: String,
    /// First animated QR frame.
    pub qr_data: String,
}

/// One progress report: BankID's status and hint, the message to show, the QR frame.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct LoginProgress {
    pub order_ref: String,
    /// `pending`, `failed` or `complete`.
    pub status: String,
    pub hint_code: Option<String>,
    /// BankID's recommended message id (e.g. `RFA1`) and text.
    pub rfa: Option<String>,
    pub message: Option<String>,
    /// Current QR payload while pending (render it as a QR code).
    pub qr_data: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CollectBody {
    #[serde(flatten)]
    progress: LoginProgress,
    session: Option<SessionBody>,
    signature: Option<SignatureBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignatureBody {
    signature_sha256: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionBody {
    token: String,
    expires_at_ms: i64,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    message: String,
}

/// What one collect said; on completion a worker session (sign-in) or the digest of the
/// citizen's signature (signing).
pub enum Collected<T = WorkerSession> {
    Pending(LoginProgress),
    Failed(LoginProgress),
    Complete(LoginProgress, T),
}

/// The endpoint's sign-in API over the phone's enrolled mutual-TLS identity.
pub struct LoginClient {
    http: reqwest::blocking::Client,
    base: String,
}

impl LoginClient {
    /// A client using the enrolled identity in `store`.
    pub fn from_store(store: &Store, vault: &dyn KeyVault) -> Result<Self, LoginError> {
        Self::from_store_within(store, vault, REQUEST_TIMEOUT)
    }

    /// As [`from_store`](Self::from_store), giving up on each request after `timeout`.
    pub fn from_store_within(
        store: &Store,
        vault: &dyn KeyVault,
        timeout: Duration,
    ) -> Result<Self, LoginError> {
        let (identity, http) = crate::enroll::client(store, vault, timeout)
            .map_err(|e| match e {
                SyncError::NotEnrolled => LoginError::NotEnrolled,
                SyncError::Network(e) => LoginError::Network(e),
                e => LoginError::Crypto(e.to_string()),
            })?
            .ok_or(LoginError::NotEnrolled)?;
        Ok(Self {
            http,
            base: identity.endpoint_url.trim_end_matches('/').to_string(),
        })
    }

    fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        token: Option<&str>,
    ) -> Result<reqwest::blocking::Response, LoginError> {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send()?;
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return Ok(resp);
        }
        let body = resp.json::<ErrorBody>().ok();
        Err(match body {
            Some(b) if b.error == "not_staff" => LoginError::NotStaff,
            Some(b) if b.error == "bankid_not_configured" => LoginError::NotConfigured,
            Some(b) => LoginError::Refused {
                status,
                message: b.message,
            },
            None => LoginError::Refused {
                status,
                message: "no details".into(),
            },
        })
    }

    /// Starts a sign-in; `same_device` when the BankID app is on this phone.
    pub fn start(&self, same_device: bool) -> Result<LoginStart, LoginError> {
        self.post(
            "/v1/auth/bankid/start",
            json!({ "sameDevice": same_device }),
            None,
        )?
        .json()
        .map_err(|_| LoginError::Protocol("start response is not the expected JSON".into()))
    }

    fn collect_at(
        &self,
        path: &str,
        order_ref: &str,
        language: &str,
    ) -> Result<CollectBody, LoginError> {
        self.post(
            path,
            json!({ "orderRef": order_ref, "language": language }),
            None,
        )?
        .json()
        .map_err(|_| LoginError::Protocol("collect response is not the expected JSON".into()))
    }

    /// Asks for the order's progress; `language` is `sv` or `en`.
    pub fn collect(&self, order_ref: &str, language: &str) -> Result<Collected, LoginError> {
        let body = self.collect_at("/v1/auth/bankid/collect", order_ref, language)?;
        classify(body.progress, |_| {
            body.session.map(|s| WorkerSession {
                token: s.token,
                expires_at_ms: s.expires_at_ms,
            })
        })
    }

    /// Starts the citizen's BankID signature of a note version; needs the worker's session.
    /// `summary` is shown in the citizen's BankID app together with the content hash.
    pub fn start_signature(
        &self,
        note_id: &str,
        content_hash: &str,
        summary: &str,
        same_device: bool,
        session_token: &str,
    ) -> Result<LoginStart, LoginError> {
        self.post(
            &format!("/v1/notes/{note_id}/signature/start"),
            json!({ "contentHash": content_hash, "summary": summary, "sameDevice": same_device }),
            Some(session_token),
        )?
        .json()
        .map_err(|_| LoginError::Protocol("start response is not the expected JSON".into()))
    }

    /// Asks for the progress of a citizen's signature of `note_id`.
    pub fn collect_signature(
        &self,
        note_id: &str,
        order_ref: &str,
        language: &str,
    ) -> Result<Collected<String>, LoginError> {
        let body = self.collect_at(
            &format!("/v1/notes/{note_id}/signature/collect"),
            order_ref,
            language,
        )?;
        classify(body.progress, |_| {
            body.signature.map(|s| s.signature_sha256)
        })
    }

    /// Cancels the order at BankID (through the endpoint).
    pub fn cancel(&self, order_ref: &str) -> Result<(), LoginError> {
        self.post(
            "/v1/auth/bankid/cancel",
            json!({ "orderRef": order_ref }),
            None,
        )?;
        Ok(())
    }

    /// Revokes the session at the endpoint.
    pub fn logout(&self, token: &str) -> Result<(), LoginError> {
        self.post("/v1/auth/logout", json!({}), Some(token))?;
        Ok(())
    }
}

/// Sorts a collect answer; a completion must carry what `result` extracts.
fn classify<T>(
    progress: LoginProgress,
    result: impl FnOnce(&LoginProgress) -> Option<T>,
) -> Result<Collected<T>, LoginError> {
    Ok(match progress.status.as_str() {
        "complete" => match result(&progress) {
            Some(value) => Collected::Complete(progress, value),
            None => {
                return Err(LoginError::Protocol(
                    "the order completed without its result".into(),
                ))
            }
        },
        "failed" => Collected::Failed(progress),
        _ => Collected::Pending(progress),
    })
}

/// Receives sign-in progress (called on the sign-in thread).
pub trait LoginObserver: Send {
    fn on_progress(&self, progress: &LoginProgress);
    fn on_finished(&self, result: Result<WorkerSession, LoginError>);
}

/// A BankID order followed on its own thread; cancelled on request or when dropped.
pub(super) struct Follower {
    cancelled: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Follower {
    /// Runs `work` on a new thread; it must stop once the flag it is given is set.
    pub(super) fn spawn(work: impl FnOnce(&AtomicBool) + Send + 'static) -> Follower {
        let cancelled = Arc::new(AtomicBool::new(false));
        let flag = cancelled.clone();
        Follower {
            cancelled,
            thread: Some(std::thread::spawn(move || work(&flag))),
        }
    }

    /// Sets the flag and waits for the thread to end.
    pub(super) fn cancel(mut self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.wait();
    }

    pub(super) fn join(mut self) {
        self.wait();
    }

    fn wait(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }
}

/// A running sign-in; `cancel()` stops it and cancels the BankID order.
pub struct LoginHandle {
    start: LoginStart,
    follower: Follower,
}

impl LoginHandle {
    /// Starts a sign-in and follows it on a background thread. On completion the session
    /// is stored sealed in `data_dir` before the observer hears of it.
    pub fn spawn(
        client: LoginClient,
        data_dir: PathBuf,
        vault: Arc<dyn KeyVault>,
        same_device: bool,
        language: &str,
        observer: Box<dyn LoginObserver>,
    ) -> Result<Self, LoginError> {
        Self::spawn_with_interval(
            client,
            data_dir,
            vault,
            same_device,
            language,
            observer,
            PROGRESS_INTERVAL,
        )
    }

    /// As [`spawn`](Self::spawn) with another progress interval (tests).
    pub fn spawn_with_interval(
        client: LoginClient,
        data_dir: PathBuf,
        vault: Arc<dyn KeyVault>,
        same_device: bool,
        language: &str,
        observer: Box<dyn LoginObserver>,
        interval: Duration,
    ) -> Result<Self, LoginError> {
        let start = client.start(same_device)?;
        let order_ref = start.order_ref.clone();
        let language = language.to_string();
        let follower = Follower::spawn(move |cancelled| {
            let result = follow(
                || client.collect(&order_ref, &language),
                cancelled,
                interval,
                &|p| observer.on_progress(p),
            )
            .and_then(|session| {
                token::save(&data_dir, vault.as_ref(), &session)?;
                Ok(session)
            });
            if matches!(result, Err(LoginError::Cancelled)) {
                let _ = client.cancel(&order_ref);
            }
            observer.on_finished(result);
        });
        Ok(Self { start, follower })
    }

    /// The started order (autostart link, first QR frame).
    pub fn start(&self) -> &LoginStart {
        &self.start
    }

    /// Stops following and cancels the order; returns when the thread has ended.
    pub fn cancel(self) {
        self.follower.cancel();
    }

    /// Waits until the sign-in has ended (the observer has the result).
    pub fn join(self) {
        self.follower.join();
    }
}

/// Collects every `interval` until the order ends or `cancelled` is set, reporting each
/// answer to `on_progress`.
pub(crate) fn follow<T>(
    collect: impl Fn() -> Result<Collected<T>, LoginError>,
    cancelled: &AtomicBool,
    interval: Duration,
    on_progress: &dyn Fn(&LoginProgress),
) -> Result<T, LoginError> {
    loop {
        if cancelled.load(Ordering::SeqCst) {
            return Err(LoginError::Cancelled);
        }
        match collect()? {
            Collected::Pending(p) => on_progress(&p),
            Collected::Failed(p) => {
                on_progress(&p);
                return Err(LoginError::Failed(
                    p.message
                        .unwrap_or_else(|| "the BankID order failed".into()),
                ));
            }
            Collected::Complete(p, value) => {
                on_progress(&p);
                return Ok(value);
            }
        }
        let mut waited = Duration::ZERO;
        while waited < interval && !cancelled.load(Ordering::SeqCst) {
            let step = Duration::from_millis(50).min(interval - waited);
            std::thread::sleep(step);
            waited += step;
        }
    }
}

/// What signing out did at the endpoint.
#[derive(Debug)]
pub enum SignedOut {
    /// The endpoint revoked the session.
    Revoked,
    /// There was no stored session.
    NoSession,
    /// The endpoint could not be told (offline, not enrolled); the session is still gone
    /// from this phone and expires at the endpoint by itself.
    NotRevoked(LoginError),
}

/// Signs the worker out: revokes the stored session at the endpoint if it can, and always
/// removes it from the phone.
pub fn sign_out(store: &Store, vault: &dyn KeyVault) -> Result<SignedOut, LoginError> {
    sign_out_within(store, vault, REQUEST_TIMEOUT)
}

/// As [`sign_out`], waiting at most `timeout` for the endpoint.
pub fn sign_out_within(
    store: &Store,
    vault: &dyn KeyVault,
    timeout: Duration,
) -> Result<SignedOut, LoginError> {
    let outcome = match token::load(store.data_dir(), vault)? {
        None => SignedOut::NoSession,
        Some(session) => {
            match LoginClient::from_store_within(store, vault, timeout)
                .and_then(|c| c.logout(&session.token))
            {
                Ok(()) => SignedOut::Revoked,
                Err(e) => SignedOut::NotRevoked(e),
            }
        }
    };
    token::clear(store.data_dir(), vault)?;
    Ok(outcome)
}

/// The stored session if it is still valid at `now_ms`; `None` means: sign in (again).
pub fn current_session(
    data_dir: &std::path::Path,
    vault: &dyn KeyVault,
    now_ms: i64,
) -> Result<Option<WorkerSession>, LoginError> {
    Ok(token::load(data_dir, vault)?.filter(|s| !s.is_expired(now_ms)))
}
