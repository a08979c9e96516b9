//! The whole on-device flow behind one object, for the phone shells (through the UniFFI
//! facade) and anything else that wants the product rather than its parts: open the
//! encrypted store, record with consent, draft, review with the citizen, approve, enroll,
//! sign in with BankID, sync and wipe. Each method composes the modules that do the work;
//! state changes are announced to [`events`] listeners.
pub mod events;
mod recording;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use events::{Listener, Listeners, Subscription};
pub use recording::Recording;

use crate::keyvault::{KeyVault, KeyVaultError};
use crate::login::{
    self, LoginClient, LoginError, LoginHandle, LoginObserver, SigningHandle, SigningObserver,
    WorkerSession,
};
use crate::retention::{self, RetentionPolicy};
use crate::review_flow::{self, FlowError, ReviewChange};
use crate::session::{SessionState, WhisperStreams, DEFAULT_CHUNK_SAMPLES};
use crate::store::{
    ConsentDecision, InformedBy, Receipt, SessionId, SessionInfo, Store, StoreError,
};
use crate::sync::{self, outbox, DeviceIdentity, OutboxEntry, SyncClient, SyncError, SyncReport};
use crate::transcribe::{EngineConfig, Language, TranscribeError, TranscribeOptions, Transcriber};
use samtal_draft::review::{render, CitizenParticipation, DraftDocument, ReviewError};
use samtal_draft::template::{TemplateError, Templates};
use samtal_draft::transcript::{Segment, Transcript};
use samtal_draft::DraftContext;

/// Where the app keeps its data and which speech model it runs.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The app's private data directory (encrypted store and spool).
    pub data_dir: PathBuf,
    /// A verified whisper.cpp model file (see `samtal-models`).
    pub model_path: PathBuf,
    /// CPU threads for recognition; `None` picks the setting for this device (two lanes of
    /// one thread, or one on phones with little memory: `transcribe::EngineConfig`).
    pub threads: Option<usize>,
    /// Extra municipal templates (`*.toml`) besides the built-in ones.
    pub templates_dir: Option<PathBuf>,
    pub retention: RetentionPolicy,
}

/// Everything that can go wrong in the app. Every message is free of transcript and note
/// text, names and personal numbers (the modules' own errors are).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Transcribe(#[from] TranscribeError),
    #[error(transparent)]
    Audio(#[from] crate::audio::AudioError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error("{0}")]
    Flow(FlowError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Login(#[from] LoginError),
    #[error(transparent)]
    Vault(#[from] KeyVaultError),
    #[error("this recording has already been stopped or withdrawn")]
    RecordingEnded,
}

impl From<FlowError> for AppError {
    /// Unwraps the flow's wrappers so callers see the underlying kind of failure.
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::Review(e) => AppError::Review(e),
            FlowError::Store(e) => AppError::Store(e),
            FlowError::Sync(e) => AppError::Sync(e),
            e => AppError::Flow(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, AppError>;

/// A finalized piece of the live transcript of a session.
#[derive(Debug, Clone)]
pub struct SegmentEvent {
    pub session: SessionId,
    pub segment: Segment,
}

/// A session moved to another lifecycle state.
#[derive(Debug, Clone)]
pub struct StateEvent {
    pub session: SessionId,
    pub state: SessionState,
}

/// The listeners the app announces to.
#[derive(Default)]
pub struct AppEvents {
    pub transcript: Listeners<SegmentEvent>,
    pub states: Listeners<StateEvent>,
    pub outbox: Listeners<OutboxEntry>,
}

/// The app: one per data directory.
pub struct App {
    config: AppConfig,
    vault: Arc<dyn KeyVault>,
    store: Arc<Store>,
    templates: Templates,
    transcriber: Mutex<Option<Transcriber>>,
    events: Arc<AppEvents>,
}

impl App {
    /// Opens (or creates) the encrypted store and applies retention first, so sessions past
    /// their time are gone before anything else happens. The model loads on first use.
    pub fn open(config: AppConfig, vault: Arc<dyn KeyVault>) -> Result<App> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| StoreError::Io {
            path: config.data_dir.clone(),
            source: e,
        })?;
        let store = Arc::new(Store::open(&config.data_dir, vault.as_ref())?);
        retention::enforce(&store, &config.retention)?;
        let templates = match &config.templates_dir {
            Some(dir) => Templates::with_dir(dir)?,
            None => Templates::builtin(),
        };
        Ok(App {
            config,
            vault,
            store,
            templates,
            transcriber: Mutex::new(None),
            events: Arc::new(AppEvents::default()),
        })
    }

    pub fn events(&self) -> &AppEvents {
        &self.events
    }

    /// Ids of the note templates available.
    pub fn template_ids(&self) -> Vec<String> {
        self.templates.ids()
    }

    pub fn sessions(&self) -> Result<Vec<SessionInfo>> {
        Ok(self.store.sessions()?)
    }

    pub fn session(&self, session: &SessionId) -> Result<SessionInfo> {
        Ok(self.store.session(session)?)
    }

    /// Starts a session with the citizen's decision. Refusal ends it at once (`Discarded`);
    /// nothing can be recorded without consent.
    pub fn begin_session(
        &self,
        decision: ConsentDecision,
        informed_by: InformedBy,
        language: &str,
        worker: &str,
    ) -> Result<SessionId> {
        self.store.set_user(worker)?;
        let id = self.store.create_session()?;
        let state = self
            .store
            .record_consent(&id, decision, informed_by, language, worker)?;
        self.announce(&id, state);
        Ok(id)
    }

    /// Starts recording a consented session; segments are announced as they are final.
    pub fn start_recording(&self, session: &SessionId, language: Language) -> Result<Recording> {
        let factory = WhisperStreams {
            transcriber: self.transcriber()?,
            options: TranscribeOptions::new(language),
        };
        let recording = Recording::start(
            self.store.clone(),
            session.clone(),
            &factory,
            DEFAULT_CHUNK_SAMPLES,
            self.events.clone(),
        )?;
        self.announce(session, SessionState::Recording);
        Ok(recording)
    }

    /// Picks up a recording interrupted by a crash; it is left paused (or stopped).
    pub fn recover_recording(&self, session: &SessionId, language: Language) -> Result<Recording> {
        let factory = WhisperStreams {
            transcriber: self.transcriber()?,
            options: TranscribeOptions::new(language),
        };
        Recording::recover(
            self.store.clone(),
            session.clone(),
            &factory,
            DEFAULT_CHUNK_SAMPLES,
            self.events.clone(),
        )
    }

    /// The session's stored transcript.
    pub fn transcript(&self, session: &SessionId) -> Result<Transcript> {
        Ok(self.store.transcript(session, "")?)
    }

    /// Drafts the transcript into a note with `template` (replacing an earlier draft).
    pub fn draft(
        &self,
        session: &SessionId,
        template: &str,
        context: &DraftContext,
    ) -> Result<DraftDocument> {
        let doc = review_flow::draft_session(
            &self.store,
            session,
            self.templates.get(template)?,
            context,
        )?;
        self.announce_current(session)?;
        Ok(doc)
    }

    /// The session's draft (or approved note).
    pub fn document(&self, session: &SessionId) -> Result<DraftDocument> {
        Ok(review_flow::load(&self.store, session)?)
    }

    /// Applies one review change and returns the saved draft.
    pub fn review(&self, session: &SessionId, change: ReviewChange) -> Result<DraftDocument> {
        let doc = review_flow::apply(&self.store, session, change)?;
        self.announce_current(session)?;
        Ok(doc)
    }

    /// What the citizen sees on screen: plain language in reading order.
    pub fn citizen_view(&self, session: &SessionId) -> Result<String> {
        Ok(render::citizen_view(&self.document(session)?))
    }

    /// The note as text for a case system.
    pub fn note_text(&self, session: &SessionId) -> Result<String> {
        Ok(render::plain_text(&self.document(session)?))
    }

    /// A person approves the note (every flag resolved); it is sealed and queued.
    /// Returns the note id.
    pub fn approve(
        &self,
        session: &SessionId,
        approved_by: &str,
        citizen: CitizenParticipation,
    ) -> Result<String> {
        self.store.set_user(approved_by)?;
        let note = review_flow::approve_and_queue(&self.store, session, approved_by, citizen)?;
        self.announce_current(session)?;
        Ok(note)
    }

    /// The citizen withdraws consent: everything captured is wiped at once.
    pub fn withdraw(&self, session: &SessionId) -> Result<()> {
        self.store.withdraw(session)?;
        self.announce(session, SessionState::Withdrawn);
        Ok(())
    }

    /// The worker discards the session; its content is wiped.
    pub fn discard(&self, session: &SessionId) -> Result<()> {
        self.store.discard(session)?;
        self.announce(session, SessionState::Discarded);
        Ok(())
    }

    /// Enrolls this phone with the endpoint using a one-time code.
    pub fn enroll(&self, enroll_url: &str, code: &str) -> Result<DeviceIdentity> {
        Ok(sync::enroll(
            &self.store,
            self.vault.as_ref(),
            enroll_url,
            code,
        )?)
    }

    /// Starts a BankID sign-in through the endpoint; the observer hears progress once a
    /// second and the result. The session token is stored through the key vault.
    pub fn login(
        &self,
        same_device: bool,
        language: &str,
        observer: Box<dyn LoginObserver>,
    ) -> Result<LoginHandle> {
        let client = LoginClient::from_store(&self.store, self.vault.as_ref())?;
        Ok(LoginHandle::spawn(
            client,
            self.config.data_dir.clone(),
            self.vault.clone(),
            same_device,
            language,
            observer,
        )?)
    }

    /// The citizen signs the session's approved note with their own BankID (before it is
    /// delivered); the observer hears progress with QR frames and the stored signature.
    pub fn citizen_sign(
        &self,
        session: &SessionId,
        same_device: bool,
        language: &str,
        observer: Box<dyn SigningObserver>,
    ) -> Result<SigningHandle> {
        let client = LoginClient::from_store(&self.store, self.vault.as_ref())?;
        Ok(SigningHandle::spawn(
            client,
            &self.store,
            self.vault.as_ref(),
            session,
            same_device,
            language,
            observer,
        )?)
    }

    /// The stored worker session if it is still valid; `None` means: sign in (again).
    pub fn current_login(&self) -> Result<Option<WorkerSession>> {
        Ok(login::current_session(
            &self.config.data_dir,
            self.vault.as_ref(),
            self.store.now_ms(),
        )?)
    }

    /// Signs out: revokes the session at the endpoint if it can be reached, and always
    /// removes it here.
    pub fn logout(&self) -> Result<()> {
        if let login::SignedOut::NotRevoked(e) = login::sign_out(&self.store, self.vault.as_ref())?
        {
            tracing::warn!(error = %e, "could not revoke the session at the endpoint");
        }
        Ok(())
    }

    /// Uploads every due note now, then announces each outbox entry's status. Delivered
    /// notes are purged, keeping their receipts.
    pub fn sync_now(&self) -> Result<SyncReport> {
        let client = SyncClient::new(self.store.clone(), self.vault.as_ref())?;
        let report = client.sync_now()?;
        for entry in outbox::list(&self.store)? {
            self.events.outbox.emit(&entry);
            // Delivered sessions are purged and have no state left to announce.
            if let Ok(session) = entry.session_id.parse::<SessionId>() {
                if let Ok(state) = self.store.session_state(&session) {
                    self.announce(&session, state);
                }
            }
        }
        Ok(report)
    }

    pub fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        Ok(outbox::list(&self.store)?)
    }

    /// The endpoint's receipts: all that stays after a note is delivered.
    pub fn receipts(&self) -> Result<Vec<Receipt>> {
        Ok(self.store.receipts()?)
    }

    /// Removes every local trace: database, spool, session token and keys. Drop the app
    /// afterwards; open a new one to start again.
    pub fn wipe(&self) -> Result<()> {
        let (dir, vault) = (&self.config.data_dir, self.vault.as_ref());
        login::token::clear(dir, vault)?;
        vault.delete(sync::enroll::TLS_KEY_ALIAS)?;
        Ok(retention::wipe_all(dir, vault)?)
    }

    /// The loaded recognition engine (loaded once, shared by every recording).
    fn transcriber(&self) -> Result<Transcriber> {
        let mut slot = self.transcriber.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = slot.as_ref() {
            return Ok(t.clone());
        }
        let device = EngineConfig::for_device();
        let config = match self.config.threads {
            Some(threads) => EngineConfig { threads, ..device },
            None => device,
        };
        let t = Transcriber::load(&self.config.model_path, config)?;
        *slot = Some(t.clone());
        Ok(t)
    }

    fn announce(&self, session: &SessionId, state: SessionState) {
        self.events.states.emit(&StateEvent {
            session: session.clone(),
            state,
        });
    }

    fn announce_current(&self, session: &SessionId) -> Result<()> {
        let state = self.store.session_state(session)?;
        self.announce(session, state);
        Ok(())
    }
}
