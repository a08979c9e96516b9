//! The sync client: mutual TLS to the municipal endpoint, only the municipal CA trusted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use super::tls::REQUEST_TIMEOUT;
use super::{enroll, Backoff, DeviceIdentity, SyncError};
use samtal_protocol::{
    Delivery, ErrorBody, Receipt, ReceiptError, ReceiptKeyring, ReceiptKeys, ReceiptVerifier,
};
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
    /// The enrolled identity and a client presenting its certificate; replaced when the
    /// certificate is renewed.
    link: RwLock<Link>,
    /// Seals the renewed device key.
    vault: Arc<dyn KeyVault>,
    /// Receipt keys: the one from enrollment, and earlier or later ones fetched from the
    /// endpoint when a receipt names a key not known yet.
    keys: Mutex<ReceiptKeyring>,
    backoff: Backoff,
    /// The worker's BankID session, sent as a bearer token (see [`crate::login`]).
    session: Mutex<Option<Worker>>,
    /// When set, the stored session is read again before every run, so a background sync
    /// picks up a new sign-in and stops using an expired session.
    session_vault: Option<Arc<dyn KeyVault>>,
}

struct Link {
    identity: DeviceIdentity,
    http: reqwest::blocking::Client,
}

/// The signed-in worker a note is sent for.
#[derive(Clone)]
struct Worker {
    token: zeroize::Zeroizing<String>,
    /// Stable id given at sign-in, which the receipt must name.
    id: Option<String>,
}

impl SyncClient {
    /// Build a client from the enrolled identity in `store`.
    pub fn new(store: Arc<Store>, vault: Arc<dyn KeyVault>) -> Result<Self, SyncError> {
        let (identity, http) = enroll::client(&store, vault.as_ref(), REQUEST_TIMEOUT)?
            .ok_or(SyncError::NotEnrolled)?;
        let verifier = ReceiptVerifier::from_hex(&identity.receipt_public_key)
            .map_err(|e| SyncError::Crypto(e.to_string()))?;
        let session = stored_session(&store, vault.as_ref())?;
        Ok(Self {
            store,
            link: RwLock::new(Link { identity, http }),
            vault,
            keys: Mutex::new(ReceiptKeyring::new(verifier)),
            backoff: Backoff::default(),
            session: Mutex::new(session),
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

    /// The enrolled identity in use (its certificate changes when renewed).
    pub fn identity(&self) -> DeviceIdentity {
        self.link().identity.clone()
    }

    fn link(&self) -> std::sync::RwLockReadGuard<'_, Link> {
        self.link.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Renew the device certificate if two thirds of its validity have passed
    /// ([`crate::renew`]); later requests use the new one. True if it was renewed.
    pub fn renew_if_due(&self) -> Result<bool, SyncError> {
        if !crate::renew::due(&self.link().identity.cert_pem, self.store.now_ms())? {
            return Ok(false);
        }
        // One renewal at a time in this process, against the identity as stored now: another
        // client (the app's and a background one) may have renewed it meanwhile, and the
        // endpoint revokes every successor but the last it issued.
        static RENEWING: Mutex<()> = Mutex::new(());
        let _one = RENEWING.lock().unwrap_or_else(|p| p.into_inner());
        let (identity, http) = enroll::client(&self.store, self.vault.as_ref(), REQUEST_TIMEOUT)?
            .ok_or(SyncError::NotEnrolled)?;
        let renewed = crate::renew::due(&identity.cert_pem, self.store.now_ms())?;
        if renewed {
            crate::renew::renew(&self.store, self.vault.as_ref(), &http, &identity)?;
        }
        let (identity, http) = enroll::client(&self.store, self.vault.as_ref(), REQUEST_TIMEOUT)?
            .ok_or(SyncError::NotEnrolled)?;
        *self.link.write().unwrap_or_else(|p| p.into_inner()) = Link { identity, http };
        Ok(renewed)
    }

    /// Upload every due note once, after renewing the device certificate if it is due.
    /// Transient failures are rescheduled with backoff; a refused device certificate stops
    /// the run with an error (nothing is lost). A failed renewal is retried next run while
    /// the current certificate keeps working.
    pub fn sync_now(&self) -> Result<SyncReport, SyncError> {
        if let Some(vault) = &self.session_vault {
            *self.session.lock().unwrap_or_else(|p| p.into_inner()) =
                stored_session(&self.store, vault.as_ref())?;
        }
        match self.renew_if_due() {
            Ok(_) => {}
            Err(e @ SyncError::DeviceRefused(_)) => return Err(e),
            Err(e) => tracing::warn!(error = %e, "certificate renewal failed; retried next sync"),
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
        let (http, identity) = {
            let link = self.link();
            (link.http.clone(), link.identity.clone())
        };
        let url = format!("{}/v1/notes/{}", identity.endpoint_url, note.note_id);
        let sent = http
            .put(url)
            .header("content-type", "application/json")
            .body(note.body.to_vec());
        let worker = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let sent = match &worker {
            Some(worker) => sent.bearer_auth(worker.token.as_str()),
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
                    device_id: &identity.device_id,
                    worker_id: worker.as_ref().and_then(|w| w.id.as_deref()),
                };
                match self.verify(&http, &identity, &receipt, &delivery) {
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

    /// Verify with the known receipt keys; a receipt naming an unknown key (signed before or
    /// after a rotation) has the keys fetched over the pinned mutual-TLS link, once.
    fn verify(
        &self,
        http: &reqwest::blocking::Client,
        identity: &DeviceIdentity,
        receipt: &Receipt,
        delivery: &Delivery<'_>,
    ) -> Result<(), ReceiptError> {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if !keys.knows(&receipt.key_id) {
            match fetch_keys(http, identity) {
                Ok(fetched) => {
                    for key in fetched.keys {
                        if let Err(e) = keys.add_hex(&key.public_key) {
                            tracing::warn!(error = %e, "the endpoint sent an unusable receipt key");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "fetching the receipt keys failed"),
            }
        }
        keys.verify_delivery(receipt, delivery)
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

/// The stored worker session if it is still valid (an expired one is not sent).
fn stored_session(store: &Store, vault: &dyn KeyVault) -> Result<Option<Worker>, SyncError> {
    Ok(
        crate::login::current_session(store.data_dir(), vault, store.now_ms())
            .map_err(|e| SyncError::Crypto(e.to_string()))?
            .map(|s| Worker {
                token: zeroize::Zeroizing::new(s.token),
                id: s.worker_id,
            }),
    )
}

/// `GET /v1/receipt-keys`: the endpoint's current and retired receipt keys.
fn fetch_keys(
    http: &reqwest::blocking::Client,
    identity: &DeviceIdentity,
) -> Result<ReceiptKeys, SyncError> {
    let response = http
        .get(format!("{}/v1/receipt-keys", identity.endpoint_url))
        .send()?;
    if !response.status().is_success() {
        return Err(SyncError::Protocol(format!(
            "receipt keys: endpoint answered {}",
            response.status().as_u16()
        )));
    }
    response
        .json()
        .map_err(|_| SyncError::Protocol("receipt keys are not the expected JSON".into()))
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
