//! The app object the shell holds: one per data directory, alive for the app's lifetime.
use std::sync::Arc;
use std::time::Duration;

use samtal_asr::{EngineConfig, Language};
use samtal_audio::CaptureSource;
use samtal_core::app::{App, AppConfig, VoiceStatus};
use samtal_core::review_flow::ReviewChange;
use samtal_draft::review::CitizenParticipation;
use samtal_draft::{DraftContext, Participant};
use samtal_models::{ModelStore, Quantization};
use samtal_store::retention::RetentionPolicy;
use samtal_store::{
    ConsentDecision, DeviceIdentity, InformedBy, OutboxEntry, Receipt, SessionId, SessionInfo,
};
use samtal_sync::SyncReport;

use crate::listeners::{
    self, CitizenSignHandle, CitizenSignListener, ListenerHandle, OutboxListener, SessionListener,
    SignInHandle, SignInListener, TranscriptListener,
};
use crate::platform::{AudioBridge, AudioInput, KeyVault, VaultBridge};
use crate::recording::Recording;
use crate::runtime::blocking;
use crate::types::*;
use crate::SamtalError;

/// Where Samtal keeps its data and how it runs its speech model (chosen with
/// [`Samtal::use_installed_model`]).
#[derive(uniffi::Record)]
pub struct Config {
    /// The app's private data directory.
    pub data_dir: String,
    pub threads: Option<u32>,
    /// Extra municipal note templates (`*.toml`).
    pub templates_dir: Option<String>,
    /// Hours after which sessions that were never approved are wiped (default 12).
    pub unapproved_retention_hours: Option<u32>,
}

impl From<Config> for AppConfig {
    fn from(c: Config) -> Self {
        let retention = c
            .unapproved_retention_hours
            .map_or_else(RetentionPolicy::default, |h| RetentionPolicy {
                unapproved_max_age: Duration::from_secs(u64::from(h) * 3600),
            });
        AppConfig {
            engine: c.threads.map_or_else(EngineConfig::for_device, |t| {
                EngineConfig::with_threads(t as usize)
            }),
            templates_dir: c.templates_dir.map(Into::into),
            retention,
            ..AppConfig::new(c.data_dir)
        }
    }
}

#[derive(uniffi::Object)]
pub struct Samtal(App);

fn id(session_id: &str) -> Result<SessionId, SamtalError> {
    Ok(session_id
        .parse::<SessionId>()
        .map_err(samtal_core::app::AppError::from)?)
}

#[uniffi::export]
impl Samtal {
    /// Opens the encrypted store (applying retention). No speech model is chosen until
    /// [`use_installed_model`](Self::use_installed_model); it loads on first recording.
    #[uniffi::constructor]
    pub fn open(config: Config, vault: Arc<dyn KeyVault>) -> Result<Arc<Self>, SamtalError> {
        Ok(Arc::new(Samtal(App::open(
            config.into(),
            Arc::new(VaultBridge(vault)),
        )?)))
    }

    /// Checks the installed model (`f16`, `q8_0`, `q5_1`, `q5_0` or `q4_0`) against the
    /// built-in manifest and records with it from the next recording on; returns its path.
    /// The whole file is hashed only when no record sealed with this app's key shows it
    /// unchanged since it last hashed right. On an error no model is chosen.
    pub fn use_installed_model(
        &self,
        models_dir: String,
        model_id: String,
        quantization: String,
    ) -> Result<String, SamtalError> {
        let quant =
            Quantization::parse(&quantization).ok_or_else(|| SamtalError::InvalidInput {
                reason: format!(
                    "unknown quantization `{quantization}` (use {})",
                    Quantization::names()
                ),
            })?;
        let path = self
            .0
            .use_installed_model(&ModelStore::new(models_dir), &model_id, quant)?;
        Ok(path.to_string_lossy().into_owned())
    }

    pub fn template_ids(&self) -> Vec<String> {
        self.0.template_ids()
    }

    pub fn sessions(&self) -> Result<Vec<SessionInfo>, SamtalError> {
        Ok(self.0.sessions()?)
    }

    pub fn session(&self, session_id: String) -> Result<SessionInfo, SamtalError> {
        Ok(self.0.session(&id(&session_id)?)?)
    }

    /// Starts a session with the citizen's decision; returns its id. `present`: who takes
    /// part besides the worker (`citizen`, `relative`, `interpreter`, `other`; empty when
    /// not said), stored with the consent and used to name the voices.
    pub fn begin_session(
        &self,
        consent: ConsentDecision,
        informed: InformedBy,
        language: String,
        worker: String,
        present: Vec<String>,
    ) -> Result<String, SamtalError> {
        Ok(self
            .0
            .begin_session_with_present(consent, informed, &language, &worker, &present)?
            .to_string())
    }

    /// Stores who takes part (replacing what was stored): each person's role and, if the
    /// worker entered them, first name, a short description ("dotter") and pronoun (one of
    /// [`pronoun_choices`](crate::pronoun_choices) for the consent's language). Drafts of
    /// the session then name them; empty fields leave the note neutral ("den enskilde").
    pub fn set_participants(
        &self,
        session_id: String,
        participants: Vec<Participant>,
    ) -> Result<(), SamtalError> {
        Ok(self.0.set_participants(&id(&session_id)?, &participants)?)
    }

    /// Who takes part, as stored; empty when nobody was entered.
    pub fn participants(&self, session_id: String) -> Result<Vec<Participant>, SamtalError> {
        Ok(self.0.participants(&id(&session_id)?)?)
    }

    /// Enrols (or re-enrols) the worker's voice from the shell's capture of them reading
    /// [`enrolment_text`](crate::enrolment_text) for about 30 s. Only voice statistics
    /// are kept, sealed in the store; never the audio.
    pub async fn enroll_voice(
        self: Arc<Self>,
        input: Arc<dyn AudioInput>,
    ) -> Result<VoiceStatus, SamtalError> {
        blocking(move || {
            Ok(self
                .0
                .enroll_voice(&mut CaptureSource::new(AudioBridge(input))?)?)
        })
        .await
    }

    /// Enrols the worker's voice from a WAV file (tests, desktop).
    pub async fn enroll_voice_wav(
        self: Arc<Self>,
        path: String,
    ) -> Result<VoiceStatus, SamtalError> {
        blocking(move || Ok(self.0.enroll_voice_wav(path.as_ref())?)).await
    }

    pub fn voice_status(&self) -> Result<VoiceStatus, SamtalError> {
        Ok(self.0.voice_status()?)
    }

    /// Deletes the voice profile; false if none was enrolled.
    pub fn delete_voice(&self) -> Result<bool, SamtalError> {
        Ok(self.0.delete_voice()?)
    }

    pub async fn start_recording(
        self: Arc<Self>,
        session_id: String,
        language: Option<Language>,
    ) -> Result<Arc<Recording>, SamtalError> {
        blocking(move || {
            let rec = self.0.start_recording(&id(&session_id)?, language)?;
            Ok(Arc::new(Recording(rec)))
        })
        .await
    }

    /// Picks up a recording interrupted by a crash; it is left paused.
    pub async fn recover_recording(
        self: Arc<Self>,
        session_id: String,
        language: Option<Language>,
    ) -> Result<Arc<Recording>, SamtalError> {
        blocking(move || {
            let rec = self.0.recover_recording(&id(&session_id)?, language)?;
            Ok(Arc::new(Recording(rec)))
        })
        .await
    }

    pub fn transcript(&self, session_id: String) -> Result<Vec<TranscriptSegment>, SamtalError> {
        let session = id(&session_id)?;
        let speakers: std::collections::HashMap<u32, samtal_store::SegmentSpeaker> = self
            .0
            .segment_speakers(&session)?
            .into_iter()
            .map(|s| (s.segment, s))
            .collect();
        let segments = self.0.transcript(&session)?;
        Ok(segments
            .into_iter()
            .map(|s| {
                let speaker = speakers.get(&s.id);
                TranscriptSegment::from(s).with_speaker(speaker)
            })
            .collect())
    }

    /// Drafts the transcript into a note with `template` (replacing an earlier draft),
    /// naming the people [`set_participants`](Self::set_participants) stored.
    pub async fn draft(
        self: Arc<Self>,
        session_id: String,
        template: String,
        contact_kind: Option<String>,
    ) -> Result<NoteDraft, SamtalError> {
        blocking(move || {
            let context = DraftContext {
                contact_kind,
                ..DraftContext::default()
            };
            Ok(self.0.draft(&id(&session_id)?, &template, &context)?.into())
        })
        .await
    }

    pub fn document(&self, session_id: String) -> Result<NoteDraft, SamtalError> {
        Ok(self.0.document(&id(&session_id)?)?.into())
    }

    pub fn review(&self, session_id: String, edit: ReviewChange) -> Result<NoteDraft, SamtalError> {
        Ok(self.0.review(&id(&session_id)?, edit)?.into())
    }

    /// What the citizen sees: plain language in reading order.
    pub fn citizen_view(&self, session_id: String) -> Result<String, SamtalError> {
        Ok(self.0.citizen_view(&id(&session_id)?)?)
    }

    pub fn note_text(&self, session_id: String) -> Result<String, SamtalError> {
        Ok(self.0.note_text(&id(&session_id)?)?)
    }

    /// A person approves; the sealed note is queued. Returns the note id.
    pub fn approve(
        &self,
        session_id: String,
        approved_by: String,
        citizen: CitizenParticipation,
    ) -> Result<String, SamtalError> {
        Ok(self.0.approve(&id(&session_id)?, &approved_by, citizen)?)
    }

    pub fn withdraw(&self, session_id: String) -> Result<(), SamtalError> {
        Ok(self.0.withdraw(&id(&session_id)?)?)
    }

    pub fn discard(&self, session_id: String) -> Result<(), SamtalError> {
        Ok(self.0.discard(&id(&session_id)?)?)
    }

    /// Enrolls this phone with the one-time code from the municipality's IT department.
    pub async fn enroll(
        self: Arc<Self>,
        endpoint_url: String,
        code: String,
    ) -> Result<DeviceIdentity, SamtalError> {
        blocking(move || Ok(self.0.enroll(&endpoint_url, &code)?)).await
    }

    /// Starts a BankID sign-in; progress and the result go to `listener`.
    pub fn sign_in(
        &self,
        same_device: bool,
        language: String,
        listener: Arc<dyn SignInListener>,
    ) -> Result<Arc<SignInHandle>, SamtalError> {
        let observer = Box::new(listeners::SignIn(listener));
        Ok(SignInHandle::new(self.0.login(
            same_device,
            &language,
            observer,
        )?))
    }

    /// The citizen signs the approved note with their own BankID before it is delivered.
    pub fn citizen_sign(
        &self,
        session_id: String,
        same_device: bool,
        language: String,
        listener: Arc<dyn CitizenSignListener>,
    ) -> Result<Arc<CitizenSignHandle>, SamtalError> {
        let observer = Box::new(listeners::CitizenSign(listener));
        Ok(CitizenSignHandle::new(self.0.citizen_sign(
            &id(&session_id)?,
            same_device,
            &language,
            observer,
        )?))
    }

    /// Until when the stored sign-in is valid (ms since epoch); `None`: sign in.
    pub fn signed_in_until(&self) -> Result<Option<i64>, SamtalError> {
        Ok(self.0.current_login()?.map(|s| s.expires_at_ms))
    }

    pub fn sign_out(&self) -> Result<(), SamtalError> {
        self.0.logout()?;
        Ok(())
    }

    /// Delivers every due note; delivered notes are purged, keeping their receipts.
    pub async fn sync_now(self: Arc<Self>) -> Result<SyncReport, SamtalError> {
        blocking(move || Ok(self.0.sync_now()?)).await
    }

    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, SamtalError> {
        Ok(self.0.outbox()?)
    }

    pub fn receipts(&self) -> Result<Vec<Receipt>, SamtalError> {
        Ok(self.0.receipts()?)
    }

    /// Live transcript segments. Keep the handle: dropping it cancels the listener.
    pub fn observe_transcript(&self, listener: Arc<dyn TranscriptListener>) -> Arc<ListenerHandle> {
        let listener = Arc::new(listeners::Transcript(listener));
        ListenerHandle::new(self.0.events().transcript.subscribe(listener))
    }

    /// Session phase changes. Keep the handle: dropping it cancels the listener.
    pub fn observe_sessions(&self, listener: Arc<dyn SessionListener>) -> Arc<ListenerHandle> {
        let listener = Arc::new(listeners::Sessions(listener));
        ListenerHandle::new(self.0.events().states.subscribe(listener))
    }

    /// Delivery status after each sync. Keep the handle: dropping it cancels the listener.
    pub fn observe_outbox(&self, listener: Arc<dyn OutboxListener>) -> Arc<ListenerHandle> {
        let listener = Arc::new(listeners::Outbox(listener));
        ListenerHandle::new(self.0.events().outbox.subscribe(listener))
    }

    /// Removes every local trace (store, spool, sign-in, keys), signing out at the endpoint
    /// first when it answers within seconds. Drop this object after.
    pub fn wipe(&self) -> Result<(), SamtalError> {
        self.0.wipe()?;
        Ok(())
    }
}
