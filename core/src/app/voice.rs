//! The worker's voice profile: enrolled once from about 30 s of the worker reading
//! [`samtal_speaker::enrolment_text`], kept sealed in the store as statistics (the audio is
//! analysed as it is read and never stored), used by every recording to tell the worker's
//! speech from the others'. Re-enrolment replaces it; deletion and a wipe remove it.
use std::path::Path;

use samtal_asr::Language;
use samtal_audio::{AudioSource, Pace, WavFileSource, READ_BLOCK};
use samtal_speaker::{Analyzer, Config, Participants, Role, VoiceProfile};
use samtal_store::SessionId;
use zeroize::Zeroizing;

use super::{App, Result};
use crate::recorder::SpeakerSetup;

/// What the settings screen shows about the voice profile.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VoiceStatus {
    pub enrolled: bool,
    /// Unix milliseconds of the (last) enrolment.
    pub enrolled_at: Option<i64>,
    /// Seconds of speech the profile was made from.
    pub speech_seconds: Option<f64>,
    /// A stored profile this version of Samtal cannot read: enrol again.
    pub needs_reenrolment: bool,
}

impl App {
    /// Enrols (or re-enrols) the worker's voice from a capture of them reading the
    /// enrolment text. Only the voice statistics are kept; too little speech is an error
    /// that keeps any earlier profile.
    pub fn enroll_voice(&self, source: &mut dyn AudioSource) -> Result<VoiceStatus> {
        let mut analyzer = Analyzer::new();
        let mut block = Zeroizing::new(Vec::with_capacity(READ_BLOCK));
        loop {
            block.clear();
            let more = source.read(&mut block)?;
            analyzer.push(&block);
            if !more {
                break;
            }
        }
        analyzer.finish();
        let profile = VoiceProfile::from_frames(analyzer.frames())?;
        self.store
            .save_voice_profile(&Zeroizing::new(profile.to_bytes()))?;
        self.voice_status()
    }

    /// [`enroll_voice`](Self::enroll_voice) from a WAV file (any rate and channel count).
    pub fn enroll_voice_wav(&self, path: &Path) -> Result<VoiceStatus> {
        self.enroll_voice(&mut WavFileSource::open(path, Pace::Fast)?)
    }

    /// The enrolled profile, if there is one it can read (for attributing a file outside
    /// a recording, `samtal transcribe --speakers`).
    pub fn voice_profile(&self) -> Result<Option<VoiceProfile>> {
        Ok(self
            .store
            .voice_profile()?
            .map(|stored| VoiceProfile::from_bytes(&stored.bytes))
            .transpose()?)
    }

    pub fn voice_status(&self) -> Result<VoiceStatus> {
        let Some(stored) = self.store.voice_profile()? else {
            return Ok(VoiceStatus {
                enrolled: false,
                enrolled_at: None,
                speech_seconds: None,
                needs_reenrolment: false,
            });
        };
        let profile = VoiceProfile::from_bytes(&stored.bytes).ok();
        Ok(VoiceStatus {
            enrolled: true,
            enrolled_at: Some(stored.enrolled_at),
            speech_seconds: profile.as_ref().map(VoiceProfile::speech_seconds),
            needs_reenrolment: profile.is_none(),
        })
    }

    /// Deletes the voice profile; `false` if none was enrolled. Recordings are then no
    /// longer attributed to speakers until the worker enrols again.
    pub fn delete_voice(&self) -> Result<bool> {
        Ok(self.store.delete_voice_profile()?)
    }

    /// What a recording of `session` needs for speaker attribution: the enrolled profile
    /// and who was declared present at consent. `None` without a usable profile: the
    /// recording then goes on unattributed (the settings screen says to enrol).
    pub(super) fn speaker_setup(
        &self,
        session: &SessionId,
        spoken: Option<Language>,
    ) -> Result<Option<SpeakerSetup>> {
        let Some(stored) = self.store.voice_profile()? else {
            return Ok(None);
        };
        let Ok(profile) = VoiceProfile::from_bytes(&stored.bytes) else {
            tracing::warn!("the stored voice profile cannot be read; recording without speakers");
            return Ok(None);
        };
        let consent = self.store.session(session)?.consent;
        let language = spoken.map_or_else(
            || {
                consent
                    .as_ref()
                    .map_or_else(String::new, |c| c.language.clone())
            },
            |l| l.code().to_string(),
        );
        let present = consent.map(|c| c.present).unwrap_or_default();
        let participants = if present.is_empty() {
            Participants::unknown()
        } else {
            Participants::new(present.iter().filter_map(|r| Role::parse(r)).collect())
        };
        Ok(Some(SpeakerSetup {
            profile,
            participants,
            config: Config::default(),
            language,
        }))
    }
}
