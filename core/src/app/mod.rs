//! The whole on-device flow behind one object, the one assembly of the product: the phone
//! shells use it through the UniFFI facade and the desktop CLI directly. Open the encrypted
//! store, record with consent, draft, review with the citizen, approve, enroll, sign in
//! with BankID, sync and wipe. Each method composes the crates that do the work; state
//! changes are announced to [`events`] listeners.
pub mod events;
mod model;
mod participants;
mod recording;
mod voice;
mod wipe;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use events::{Listener, Listeners, Subscription};
pub use participants::pronoun_choices;
pub use recording::Recording;
pub use voice::VoiceStatus;

use crate::recorder::{RecordError, WhisperStreams, DEFAULT_CHUNK_SAMPLES};
use crate::review_flow::{self, FlowError, ReviewChange};
use samtal_asr::{EngineConfig, Language, TranscribeError, TranscribeOptions, Transcriber};
use samtal_draft::review::{render, CitizenParticipation, DraftDocument, ReviewError};
use samtal_draft::template::{TemplateError, Templates};
use samtal_draft::transcript::Segment;
use samtal_draft::DraftContext;
use samtal_models::{ModelError, ModelStore, Quantization};
use samtal_store::audit::{AuditError, Event, Verified};
use samtal_store::keyvault::{KeyVault, KeyVaultError};
use samtal_store::retention::{self, RetentionPolicy};
use samtal_store::{
    ConsentDecision, InformedBy, Receipt, SegmentSpeaker, SessionId, SessionInfo, SessionState,
    Store, StoreError,
};
use samtal_sync::login::{
    self, LoginClient, LoginError, LoginHandle, LoginObserver, SignedOut, SigningHandle,
    SigningObserver, WorkerSession,
};
use samtal_sync::{outbox, DeviceIdentity, OutboxEntry, SyncClient, SyncError, SyncReport};

/// Where the app keeps its data and how it runs its speech model (which model is chosen
/// with [`App::use_installed_model`]).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The app's private data directory (encrypted store and spool).
    pub data_dir: PathBuf,
    /// How the recognition engine runs (threads, lanes).
    pub engine: EngineConfig,
    /// Extra municipal templates (`*.toml`) besides the built-in ones.
    pub templates_dir: Option<PathBuf>,
    pub retention: RetentionPolicy,
    /// Audio per spool chunk, in samples (at most one second): the most a crash can lose.
    pub chunk_samples: usize,
}

impl AppConfig {
    /// Defaults for everything but the data directory: the default engine, the built-in
    /// templates, 12 hours' retention, half-second spool chunks.
    pub fn new(data_dir: impl Into<PathBuf>) -> AppConfig {
        AppConfig {
            data_dir: data_dir.into(),
            engine: EngineConfig::default(),
            templates_dir: None,
            retention: RetentionPolicy::default(),
            chunk_samples: DEFAULT_CHUNK_SAMPLES,
        }
    }
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
    Audio(#[from] samtal_audio::AudioError),
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
    #[error(transparent)]
    Speaker(#[from] samtal_speaker::SpeakerError),
    /// The chosen speech model is missing, damaged or not the one the manifest pins.
    #[error("{}", model::describe(.0))]
    Model(#[from] ModelError),
    #[error("unknown participant: those present besides the worker are citizen, relative, interpreter or other")]
    UnknownParticipant,
    /// What the worker entered about a participant cannot be used (never quotes it).
    #[error("invalid participant: {0}")]
    InvalidParticipant(String),
    #[error("this recording has already been stopped or withdrawn")]
    RecordingEnded,
    #[error("no working speech model is installed, so nothing can be recorded")]
    NoModel,
}

impl From<RecordError> for AppError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Store(e) => AppError::Store(e),
            RecordError::Recognition(e) => AppError::Transcribe(e),
        }
    }
}

impl From<FlowError> for AppError {
    /// Unwraps the flow's wrappers so callers see the underlying kind of failure.
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::Review(e) => AppError::Review(e),
            FlowError::Store(e) => AppError::Store(e),
            FlowError::Sync(e) => AppError::Sync(e),
            FlowError::Template(e) => AppError::Template(e),
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
    model: Mutex<model::ModelSlot>,
    events: Arc<AppEvents>,
    /// Sessions retention wiped when the app opened.
    expired: Vec<SessionId>,
}

impl App {
    /// Opens (or creates) the encrypted store and applies retention first, so sessions past
    /// their time are gone before anything else happens. No model is chosen until
    /// [`use_installed_model`](Self::use_installed_model); it loads on first use.
    pub fn open(config: AppConfig, vault: Arc<dyn KeyVault>) -> Result<App> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| StoreError::Io {
            path: config.data_dir.clone(),
            source: e,
        })?;
        let store = Arc::new(Store::open(&config.data_dir, vault.as_ref())?);
        let expired = retention::enforce(&store, &config.retention)?;
        let templates = match &config.templates_dir {
            Some(dir) => Templates::with_dir(dir)?,
            None => Templates::builtin(),
        };
        Ok(App {
            config,
            vault,
            store,
            templates,
            model: Mutex::default(),
            events: Arc::new(AppEvents::default()),
            expired,
        })
    }

    pub fn events(&self) -> &AppEvents {
        &self.events
    }

    /// Sessions past their retention time that opening the app wiped.
    pub fn expired_on_open(&self) -> &[SessionId] {
        &self.expired
    }

    /// The worker (a staff id, never a personal number) audit events are attributed to.
    pub fn set_worker(&self, worker: &str) -> Result<()> {
        Ok(self.store.set_user(worker)?)
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
        self.begin_session_with_present(decision, informed_by, language, worker, &[])
    }

    /// [`begin_session`](Self::begin_session) with who takes part besides the worker
    /// (`citizen`, `relative`, `interpreter`, `other`), stored with the consent; it tells
    /// speaker attribution how many other voices to look for and what to call them.
    pub fn begin_session_with_present(
        &self,
        decision: ConsentDecision,
        informed_by: InformedBy,
        language: &str,
        worker: &str,
        present: &[String],
    ) -> Result<SessionId> {
        for role in present {
            if !matches!(
                samtal_speaker::Role::parse(role),
                Some(r) if r != samtal_speaker::Role::Worker
            ) {
                return Err(AppError::UnknownParticipant);
            }
        }
        self.store.set_user(worker)?;
        let id = self.store.create_session()?;
        let state = self.store.record_consent_with_present(
            &id,
            decision,
            informed_by,
            language,
            worker,
            present,
        )?;
        self.announce(&id, state);
        Ok(id)
    }

    /// Checks Whisper model `model_id` in `quant` from `models` against its manifest and
    /// makes it the model of the next recording (a recording in progress keeps its engine).
    /// The whole file is hashed only when no install record sealed with a key from this
    /// app's vault shows it unchanged since it last hashed right; a damaged file is never
    /// chosen. On any error no model is chosen, and recording fails with
    /// [`AppError::NoModel`] until a model checks out. Returns the model file's path.
    pub fn use_installed_model(
        &self,
        models: &ModelStore,
        model_id: &str,
        quant: Quantization,
    ) -> Result<PathBuf> {
        let checked = model::check(models, self.vault.as_ref(), model_id, quant);
        self.model_slot().select(checked.as_ref().ok().cloned());
        checked
    }

    /// Loads the chosen speech model now instead of at the first recording, so a model
    /// whisper.cpp cannot load shows before a session is started.
    pub fn load_model(&self) -> Result<()> {
        self.transcriber().map(drop)
    }

    /// Starts recording a consented session; segments are announced as they are final.
    /// `language: None` lets the recogniser detect it.
    pub fn start_recording(
        &self,
        session: &SessionId,
        language: Option<Language>,
    ) -> Result<Recording> {
        let factory = WhisperStreams {
            transcriber: self.transcriber()?,
            options: TranscribeOptions::new(language),
        };
        let recording = Recording::start(
            self.store.clone(),
            session.clone(),
            &factory,
            self.config.chunk_samples,
            self.speaker_setup(session, language)?,
            self.events.clone(),
        )?;
        self.announce(session, SessionState::Recording);
        Ok(recording)
    }

    /// Picks up a recording interrupted by a crash; it is left paused (or stopped).
    pub fn recover_recording(
        &self,
        session: &SessionId,
        language: Option<Language>,
    ) -> Result<Recording> {
        let factory = WhisperStreams {
            transcriber: self.transcriber()?,
            options: TranscribeOptions::new(language),
        };
        Recording::recover(
            self.store.clone(),
            session.clone(),
            &factory,
            self.config.chunk_samples,
            self.speaker_setup(session, language)?,
            self.events.clone(),
        )
    }

    /// The session's stored transcript, segments in order.
    pub fn transcript(&self, session: &SessionId) -> Result<Vec<Segment>> {
        Ok(self.store.segments(session)?)
    }

    /// Who spoke each attributed segment (voice, confidence, whether to check it); the
    /// role is the segment's own `speaker`. Empty when the recording was not attributed.
    pub fn segment_speakers(&self, session: &SessionId) -> Result<Vec<SegmentSpeaker>> {
        Ok(self.store.segment_speakers(session)?)
    }

    /// Drafts the transcript into a note with `template` (replacing an earlier draft).
    /// Who took part and the author come from the session when `context` leaves them out
    /// (see [`set_participants`](Self::set_participants)).
    pub fn draft(
        &self,
        session: &SessionId,
        template: &str,
        context: &DraftContext,
    ) -> Result<DraftDocument> {
        let template = self.templates.get(template)?;
        let context = self.draft_context(session, context)?;
        let doc = review_flow::draft_session(&self.store, session, template, &context)?;
        self.announce_current(session)?;
        Ok(doc)
    }

    /// The session's draft (or approved note).
    pub fn document(&self, session: &SessionId) -> Result<DraftDocument> {
        Ok(review_flow::load(&self.store, session)?)
    }

    /// Applies one review change and returns the saved draft.
    pub fn review(&self, session: &SessionId, change: ReviewChange) -> Result<DraftDocument> {
        let doc = review_flow::apply(&self.store, session, &self.templates, change)?;
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
        Ok(samtal_sync::enroll(
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
    pub fn logout(&self) -> Result<SignedOut> {
        let outcome = login::sign_out(&self.store, self.vault.as_ref())?;
        if let SignedOut::NotRevoked(e) = &outcome {
            tracing::warn!(error = %e, "could not revoke the session at the endpoint");
        }
        Ok(outcome)
    }

    /// Queues the note of every approved session not queued yet (approval queues it; this
    /// catches an approval interrupted before that). Returns the note ids queued.
    pub fn queue_approved(&self) -> Result<Vec<String>> {
        let mut queued = Vec::new();
        for session in self.store.sessions()? {
            if session.state == SessionState::Approved {
                queued.push(outbox::enqueue(&self.store, &session.id)?);
                self.announce(&session.id, SessionState::Queued);
            }
        }
        Ok(queued)
    }

    /// Uploads every due note now, then announces each outbox entry's status. Delivered
    /// notes are purged, keeping their receipts.
    pub fn sync_now(&self) -> Result<SyncReport> {
        self.queue_approved()?;
        let client = SyncClient::new(self.store.clone(), self.vault.clone())?;
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

    /// Checks the whole hash-chained audit trail.
    pub fn verify_audit(&self) -> std::result::Result<Verified, AuditError> {
        self.store.verify_audit()
    }

    /// Audit events (kinds, ids and times, never content) of one session or of all.
    pub fn audit_events(&self, session: Option<&SessionId>) -> Result<Vec<Event>> {
        Ok(self.store.audit_events(session)?)
    }

    /// Removes every local trace of the user: database, spool, sign-in, device identity
    /// and keys. First signs the worker out at the endpoint when it answers within a few
    /// seconds; that never holds up or prevents the wipe. Drop the app afterwards; open a
    /// new one to start again.
    pub fn wipe(&self) -> Result<SignedOut> {
        let signed_out = wipe::sign_out(&self.store, self.vault.as_ref());
        wipe::local_data(&self.config.data_dir, self.vault.as_ref())?;
        Ok(signed_out)
    }

    /// [`wipe`](Self::wipe) for a data directory whose store cannot be opened (its key is
    /// lost, the file is damaged): the same removal, without signing out, as the endpoint
    /// identity is in the unreadable store.
    pub fn wipe_unopened(data_dir: &Path, vault: &dyn KeyVault) -> Result<()> {
        wipe::local_data(data_dir, vault)
    }

    /// The chosen model's recognition engine (loaded once, shared by every recording).
    fn transcriber(&self) -> Result<Transcriber> {
        self.model_slot().engine(&self.config.engine)
    }

    fn model_slot(&self) -> std::sync::MutexGuard<'_, model::ModelSlot> {
        self.model.lock().unwrap_or_else(|e| e.into_inner())
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
