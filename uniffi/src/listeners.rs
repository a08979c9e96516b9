//! Event listeners the shell implements, and the handles that stop them. Listeners are
//! called on Samtal's threads; the shell hops to its UI thread itself.
use std::sync::{Arc, Mutex};

use samtal_core::app::{Listener, SegmentEvent, StateEvent, Subscription};
use samtal_sync::login::{
    CitizenSignature, LoginError, LoginHandle, LoginObserver, LoginProgress, SigningHandle,
    SigningObserver, WorkerSession,
};
use samtal_sync::OutboxEntry;

use samtal_store::SessionState;

use crate::types::TranscriptSegment;

/// Live transcript: each segment once it is final.
#[uniffi::export(with_foreign)]
pub trait TranscriptListener: Send + Sync {
    fn on_segment(&self, session_id: String, segment: TranscriptSegment);
}

/// Session lifecycle changes.
#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    fn on_phase(&self, session_id: String, state: SessionState);
}

/// Delivery status of notes after each sync.
#[uniffi::export(with_foreign)]
pub trait OutboxListener: Send + Sync {
    fn on_status(&self, item: OutboxEntry);
}

/// How a BankID sign-in ended.
#[derive(uniffi::Enum)]
pub enum SignInResult {
    SignedIn {
        expires_at_ms: i64,
    },
    Cancelled,
    /// Why it failed, safe to show (e.g. BankID's message, not on the staff list).
    Failed {
        message: String,
    },
}

/// BankID sign-in progress (once a second) and its end.
#[uniffi::export(with_foreign)]
pub trait SignInListener: Send + Sync {
    fn on_progress(&self, progress: LoginProgress);
    fn on_finished(&self, result: SignInResult);
}

/// How the citizen's signature ended.
#[derive(uniffi::Enum)]
pub enum CitizenSignResult {
    /// Stored with the note at the endpoint; the receipt will carry the same digest.
    Signed {
        note_id: String,
        content_hash: String,
        signature_sha256: String,
    },
    Cancelled,
    Failed {
        message: String,
    },
}

/// The citizen's BankID signature: progress (once a second) and its end.
#[uniffi::export(with_foreign)]
pub trait CitizenSignListener: Send + Sync {
    fn on_progress(&self, progress: LoginProgress);
    fn on_finished(&self, result: CitizenSignResult);
}

pub(crate) struct Transcript(pub Arc<dyn TranscriptListener>);

impl Listener<SegmentEvent> for Transcript {
    fn on_event(&self, e: &SegmentEvent) {
        self.0
            .on_segment(e.session.to_string(), e.segment.clone().into());
    }
}

pub(crate) struct Sessions(pub Arc<dyn SessionListener>);

impl Listener<StateEvent> for Sessions {
    fn on_event(&self, e: &StateEvent) {
        self.0.on_phase(e.session.to_string(), e.state);
    }
}

pub(crate) struct Outbox(pub Arc<dyn OutboxListener>);

impl Listener<OutboxEntry> for Outbox {
    fn on_event(&self, e: &OutboxEntry) {
        self.0.on_status(e.clone());
    }
}

pub(crate) struct SignIn(pub Arc<dyn SignInListener>);

impl LoginObserver for SignIn {
    fn on_progress(&self, progress: &LoginProgress) {
        self.0.on_progress(progress.clone());
    }

    fn on_finished(&self, result: Result<WorkerSession, LoginError>) {
        self.0.on_finished(match result {
            Ok(s) => SignInResult::SignedIn {
                expires_at_ms: s.expires_at_ms,
            },
            Err(LoginError::Cancelled) => SignInResult::Cancelled,
            Err(e) => SignInResult::Failed {
                message: e.to_string(),
            },
        });
    }
}

pub(crate) struct CitizenSign(pub Arc<dyn CitizenSignListener>);

impl SigningObserver for CitizenSign {
    fn on_progress(&self, progress: &LoginProgress) {
        self.0.on_progress(progress.clone());
    }

    fn on_finished(&self, result: Result<CitizenSignature, LoginError>) {
        self.0.on_finished(match result {
            Ok(s) => CitizenSignResult::Signed {
                note_id: s.note_id,
                content_hash: s.content_hash,
                signature_sha256: s.signature_sha256,
            },
            Err(LoginError::Cancelled) => CitizenSignResult::Cancelled,
            Err(e) => CitizenSignResult::Failed {
                message: e.to_string(),
            },
        });
    }
}

/// A listener's subscription; `cancel()` stops its events at once.
#[derive(uniffi::Object)]
pub struct ListenerHandle(Mutex<Option<Subscription>>);

impl ListenerHandle {
    pub(crate) fn new(subscription: Subscription) -> Arc<Self> {
        Arc::new(ListenerHandle(Mutex::new(Some(subscription))))
    }
}

#[uniffi::export]
impl ListenerHandle {
    pub fn cancel(&self) {
        drop(self.0.lock().unwrap_or_else(|e| e.into_inner()).take());
    }
}

/// A running BankID sign-in.
#[derive(uniffi::Object)]
pub struct SignInHandle {
    auto_start_url: String,
    first_qr: String,
    running: Mutex<Option<LoginHandle>>,
}

impl SignInHandle {
    pub(crate) fn new(handle: LoginHandle) -> Arc<Self> {
        Arc::new(SignInHandle {
            auto_start_url: handle.start().auto_start_url.clone(),
            first_qr: handle.start().qr_data.clone(),
            running: Mutex::new(Some(handle)),
        })
    }
}

#[uniffi::export]
impl SignInHandle {
    /// Opens the BankID app on this phone.
    pub fn auto_start_url(&self) -> String {
        self.auto_start_url.clone()
    }

    /// The first QR frame; later ones arrive with each progress report.
    pub fn first_qr(&self) -> String {
        self.first_qr.clone()
    }

    /// Stops following and cancels the BankID order.
    pub fn cancel(&self) {
        if let Some(h) = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            h.cancel();
        }
    }
}

/// A running citizen signature.
#[derive(uniffi::Object)]
pub struct CitizenSignHandle {
    auto_start_url: String,
    first_qr: String,
    note_id: String,
    content_hash: String,
    running: Mutex<Option<SigningHandle>>,
}

impl CitizenSignHandle {
    pub(crate) fn new(handle: SigningHandle) -> Arc<Self> {
        let start = handle.start().clone();
        Arc::new(CitizenSignHandle {
            auto_start_url: start.auto_start_url,
            first_qr: start.qr_data,
            note_id: start.note_id,
            content_hash: start.content_hash,
            running: Mutex::new(Some(handle)),
        })
    }
}

#[uniffi::export]
impl CitizenSignHandle {
    /// Opens the BankID app when the citizen signs on the service phone.
    pub fn auto_start_url(&self) -> String {
        self.auto_start_url.clone()
    }

    /// The first QR frame for the citizen's own phone; later ones come with progress.
    pub fn first_qr(&self) -> String {
        self.first_qr.clone()
    }

    /// The note and content hash being signed (shown to the citizen in BankID).
    pub fn note_id(&self) -> String {
        self.note_id.clone()
    }

    pub fn content_hash(&self) -> String {
        self.content_hash.clone()
    }

    /// Stops following and cancels the BankID order.
    pub fn cancel(&self) {
        if let Some(h) = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            h.cancel();
        }
    }
}
