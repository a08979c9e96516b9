//! The sync client: mutual TLS to the municipal endpoint, only the municipal CA trusted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::tls::REQUEST_TIMEOUT;
use super::{enroll, Backoff, DeviceIdentity, SyncError};
use samtal_protocol::{Delivery, ErrorBody, Receipt, ReceiptError, ReceiptVerifier};
use samtal_store::keyvault::KeyVault;
use samtal_store::DueNote as Due;
use samtal_store::{Action, Receipt as StoredReceipt, SessionId, SessionState, Store, StoreError};

/// What one `sync_now` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncReport {
    pub delivered: u32,
    pub rejected: u32,
    /// Notes that failed for a transient reason and wait for their next attempt.
    pub retry_later: u32,
}

/// Uploads queued notes for one enrolled device.
pub struct SyncClient {
    store: Arc<Store>,
    identity: DeviceIdentity,
    http: reqwest::blocking::Client,
    verifier: ReceiptVerifier,
    backoff: Backoff,
    /// The worker's BankID session, sent as a bearer token (see [`crate::login`]).
    session_token: std::sync::Mutex<Option<zeroize::Zeroizing<String>>>,
    /// When set, the stored session is read again before every run, so a background sync
    /// picks up a new sign-in and stops using an expired session.
    session_vault: Option<Arc<dyn KeyVault>>,
}

impl SyncClient {
    /// Build a client from the enrolled identity in `store`.
    pub fn new(store: Arc<Store>, vault: &dyn KeyVault) -> Result<Self, SyncError> {
        let (identity, http) =
            enroll::client(&store, vault, REQUEST_TIMEOUT)?.ok_or(SyncError::NotEnrolled)?;
        let verifier = ReceiptVerifier::from_hex(&identity.receipt_public_key)
            .map_err(|e| SyncError::Crypto(e.to_string()))?;
        let session_token = stored_session(&store, vault)?;
        Ok(Self {
            store,
            identity,
            http,
            verifier,
            backoff: Backoff::default(),
            session_token: std::sync::Mutex::new(session_token),
            session_vault: None,
        })
    }

    /// Read the worker's stored session from `vault` before every run (see `session_vault`).
    pub fn with_session_from(mut self, vault: Arc<dyn KeyVault>) -> Self {
        self.session_vault = Some(vault);
        self
    }

    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    pub fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    /// Upload every due note once. Transient failures are rescheduled with backoff; a
    /// refused device certificate stops the run with an error (nothing is lost).
    pub fn sync_now(&self) -> Result<SyncReport, SyncError> {
        if let Some(vault) = &self.session_vault {
            *self.session_token.lock().unwrap_or_else(|p| p.into_inner()) =
                stored_session(&self.store, vault.as_ref())?;
        }
        let mut report = SyncReport::default();
        for note in self.store.outbox().due(self.store.now_ms())? {
            match self.upload(&note)? {
                Outcome::Delivered => report.delivered += 1,
                Outcome::Rejected => report.rejected += 1,
                Outcome::RetryLater => report.retry_later += 1,
            }
        }
        Ok(report)
    }

    fn upload(&self, note: &Due) -> Result<Outcome, SyncError> {
        self.store.outbox().mark_sending(&note.note_id)?;
        let url = format!("{}/v1/notes/{}", self.identity.endpoint_url, note.note_id);
        let sent = self
            .http
            .put(url)
            .header("content-type", "application/json")
            .body(note.body.to_vec());
        let token = self
            .session_token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let sent = match &token {
            Some(token) => sent.bearer_auth(token.as_str()),
            None => sent,
        }
        .send();
        let response = match sent {
            Ok(r) => r,
            Err(e) => return self.retry(note, &SyncError::from(e).to_string()),
        };
        let status = response.status().as_u16();
        match status {
            200 | 201 => {
                let receipt: Receipt = match response.json() {
                    Ok(r) => r,
                    Err(_) => return self.retry(note, "the receipt was not valid JSON"),
                };
                let delivery = Delivery {
                    note_id: &note.note_id,
                    content_hash: &note.content_hash,
                    device_id: &self.identity.device_id,
                    session_token: token.as_ref().map(|t| t.as_str()),
                };
                match self.verifier.verify_delivery(&receipt, &delivery) {
                    Ok(()) => {}
                    // Signed, but for a delivery by another device or worker: the note stays.
                    Err(e @ (ReceiptError::OtherDevice | ReceiptError::OtherAuthor)) => {
                        tracing::warn!(note_id = %note.note_id, error = %e, "receipt is not this phone's");
                        self.store.outbox().mark_rejected(
                            &note.note_id,
                            &format!("{e}; the note is kept, ask the endpoint's administrator"),
                        )?;
                        return Ok(Outcome::Rejected);
                    }
                    Err(e) => {
                        tracing::warn!(note_id = %note.note_id, error = %e, "receipt did not verify");
                        return self.retry(note, &format!("receipt did not verify: {e}"));
                    }
                }
                self.finish(note, &receipt)?;
                tracing::info!(note_id = %note.note_id, status, "note delivered");
                Ok(Outcome::Delivered)
            }
            403 => {
                let body = response.json::<ErrorBody>().ok();
                let code = body.as_ref().map_or("forbidden", |b| b.error.as_str());
                if code.starts_with("certificate_") {
                    self.store.outbox().mark_retry(
                        &note.note_id,
                        self.store.now_ms(),
                        &format!("device certificate refused ({code}); enroll the phone again"),
                    )?;
                    return Err(SyncError::DeviceRefused(code.to_owned()));
                }
                self.reject(note, status, body)
            }
            // No valid worker session: the note waits for a sign-in, it is not rejected.
            401 => {
                let code = response
                    .json::<ErrorBody>()
                    .map(|b| b.error)
                    .unwrap_or_else(|_| "unauthorized".into());
                self.store.outbox().mark_retry(
                    &note.note_id,
                    self.store.now_ms(),
                    &format!("waiting for BankID sign-in ({code})"),
                )?;
                Err(SyncError::LoginRequired)
            }
            400..=499 if status != 408 && status != 429 => {
                let body = response.json::<ErrorBody>().ok();
                self.reject(note, status, body)
            }
            _ => self.retry(note, &format!("endpoint answered {status}")),
        }
    }

    /// The verified receipt: mark the session synced, purge it keeping the receipt, and drop
    /// the outbox body. Each step tolerates having been done before a crash.
    fn finish(&self, note: &Due, receipt: &Receipt) -> Result<(), SyncError> {
        let session: SessionId = note.session_id.parse()?;
        let state = match self.store.session_state(&session) {
            Ok(state) => Some(state),
            Err(StoreError::UnknownSession(_)) => None,
            Err(e) => return Err(e.into()),
        };
        if state == Some(SessionState::Queued) {
            self.store.transition(&session, Action::MarkSynced)?;
        }
        if matches!(state, Some(SessionState::Queued | SessionState::Synced)) {
            self.store.purge_session_keep_receipt(
                &session,
                &StoredReceipt {
                    note_id: receipt.note_id.clone(),
                    session_id: note.session_id.clone(),
                    received_at: receipt.received_at_ms,
                    content_hash: receipt.content_hash.clone(),
                    citizen_signature: receipt.citizen_signature.clone(),
                },
            )?;
        }
        Ok(self.store.outbox().mark_delivered(&note.note_id)?)
    }

    fn reject(
        &self,
        note: &Due,
        status: u16,
        body: Option<ErrorBody>,
    ) -> Result<Outcome, SyncError> {
        let reason = match body {
            Some(b) => format!("{status} {}: {}", b.error, b.message),
            None => format!("{status}"),
        };
        tracing::warn!(note_id = %note.note_id, status, "note rejected by the endpoint");
        self.store.outbox().mark_rejected(&note.note_id, &reason)?;
        Ok(Outcome::Rejected)
    }

    fn retry(&self, note: &Due, reason: &str) -> Result<Outcome, SyncError> {
        let delay = self.backoff.delay(note.attempts);
        self.store.outbox().mark_retry(
            &note.note_id,
            self.store.now_ms() + delay.as_millis() as i64,
            reason,
        )?;
        tracing::info!(note_id = %note.note_id, retry_in_ms = delay.as_millis() as u64, "upload will be retried");
        Ok(Outcome::RetryLater)
    }

    /// Sync in a background thread: whenever notes are due, then sleeping until the next one
    /// is (at most `idle`), until [`BackgroundSync::cancel`].
    pub fn spawn_background(self: Arc<Self>, idle: Duration) -> BackgroundSync {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                let mut wait = idle;
                match self.sync_now() {
                    Ok(_) => {
                        if let Ok(Some(next)) = self.store.outbox().next_due() {
                            let until = (next - self.store.now_ms()).max(0) as u64;
                            wait = wait.min(Duration::from_millis(until));
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "background sync failed"),
                }
                let deadline = std::time::Instant::now() + wait.max(Duration::from_millis(100));
                while !flag.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        });
        BackgroundSync {
            stop,
            handle: Some(handle),
        }
    }
}

/// The stored worker session's token if it is still valid (an expired one is not sent).
fn stored_session(
    store: &Store,
    vault: &dyn KeyVault,
) -> Result<Option<zeroize::Zeroizing<String>>, SyncError> {
    Ok(
        crate::login::current_session(store.data_dir(), vault, store.now_ms())
            .map_err(|e| SyncError::Crypto(e.to_string()))?
            .map(|s| zeroize::Zeroizing::new(s.token)),
    )
}

enum Outcome {
    Delivered,
    Rejected,
    RetryLater,
}

/// A running background sync; stops when cancelled or dropped.
pub struct BackgroundSync {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl BackgroundSync {
    pub fn cancel(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for BackgroundSync {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
