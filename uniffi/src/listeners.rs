//! Event listeners the shell implements, and the handles that stop them. Listeners are
//! called on Samtal's threads; the shell hops to its UI thread itself.
use std::sync::{Arc, Mutex};

use samtal_core::app::{Listener, SegmentEvent, StateEvent, Subscription};
use samtal_core::login::{LoginError, LoginHandle, LoginObserver, LoginProgress, WorkerSession};
use samtal_core::sync::OutboxEntry;

use crate::types::{OutboxItem, Phase, SignInProgress, TranscriptSegment};

/// Live transcript: each segment once it is final.
#[uniffi::export(with_foreign)]
pub trait TranscriptListener: Send + Sync {
    fn on_segment(&self, session_id: String, segment: TranscriptSegment);
}

/// Session lifecycle changes.
#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    fn on_phase(&self, session_id: String, phase: Phase);
}

/// Delivery status of notes after each sync.
#[uniffi::export(with_foreign)]
pub trait OutboxListener: Send + Sync {
    fn on_status(&self, item: OutboxItem);
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
    fn on_progress(&self, progress: SignInProgress);
    fn on_finished(&self, result: SignInResult);
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
        self.0.on_phase(e.session.to_string(), e.state.into());
    }
}

pub(crate) struct Outbox(pub Arc<dyn OutboxListener>);

impl Listener<OutboxEntry> for Outbox {
    fn on_event(&self, e: &OutboxEntry) {
        self.0.on_status(e.clone().into());
    }
}

pub(crate) struct SignIn(pub Arc<dyn SignInListener>);

impl LoginObserver for SignIn {
    fn on_progress(&self, progress: &LoginProgress) {
        self.0.on_progress(progress.clone().into());
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
