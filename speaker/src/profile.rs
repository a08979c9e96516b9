//! The worker's voice profile: the voice statistics of about 30 s of enrolment speech. It
//! holds averages of spectral features and pitch, never audio, and cannot be turned back
//! into speech. Stored sealed by the app like any other personal data.
use crate::embedding::VoiceStats;
use crate::features::{frames_of, Frame};
use crate::pieces::{speech_mask, PieceConfig};
use crate::SpeakerError;
use serde::{Deserialize, Serialize};

/// Enrolment needs at least this much speech (s); about 30 s of reading gives 20–25 s.
pub const MIN_ENROLMENT_SECONDS: f64 = 10.0;
/// Format version of a serialized profile; a profile of another version is refused.
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceProfile {
    version: u32,
    stats: VoiceStats,
}

impl VoiceProfile {
    /// Enrols from 16 kHz mono samples of the worker reading the enrolment text.
    pub fn enroll(samples: &[f32]) -> Result<VoiceProfile, SpeakerError> {
        VoiceProfile::from_frames(&frames_of(samples))
    }

    /// Enrols from frames already computed (the analyzer of a live recording).
    pub fn from_frames(frames: &[Frame]) -> Result<VoiceProfile, SpeakerError> {
        let mask = speech_mask(frames, &PieceConfig::default());
        let stats = VoiceStats::of_frames(
            frames
                .iter()
                .zip(&mask)
                .filter(|(_, speech)| **speech)
                .map(|(f, _)| f),
        );
        if stats.seconds() < MIN_ENROLMENT_SECONDS || stats.voiced == 0 {
            return Err(SpeakerError::TooLittleSpeech {
                seconds: stats.seconds(),
                needed: MIN_ENROLMENT_SECONDS,
            });
        }
        Ok(VoiceProfile {
            version: VERSION,
            stats,
        })
    }

    /// Seconds of speech the profile was made from.
    pub fn speech_seconds(&self) -> f64 {
        self.stats.seconds()
    }

    pub(crate) fn stats(&self) -> &VoiceStats {
        &self.stats
    }

    /// The profile as bytes for sealed storage (JSON of the statistics).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a profile always serializes")
    }

    /// Reads a stored profile; one of another version or damaged is refused, never misread.
    pub fn from_bytes(bytes: &[u8]) -> Result<VoiceProfile, SpeakerError> {
        let profile: VoiceProfile =
            serde_json::from_slice(bytes).map_err(|_| SpeakerError::BadProfile)?;
        if profile.version != VERSION
            || !profile.stats.is_well_formed()
            || profile.stats.seconds() < MIN_ENROLMENT_SECONDS
        {
            return Err(SpeakerError::BadProfile);
        }
        Ok(profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::tests::vowel;

    #[test]
    fn enrols_from_speech_round_trips_and_refuses_too_little_or_damaged_input() {
        let mut audio = Vec::new();
        for i in 0..14 {
            audio.extend(vowel(120.0 + i as f32, (700.0, 1_200.0), 1.0));
            audio.extend(vec![0.0; 8_000]);
        }
        let profile = VoiceProfile::enroll(&audio).unwrap();
        assert!((profile.speech_seconds() - 14.0).abs() < 0.5);
        let bytes = profile.to_bytes();
        let read = VoiceProfile::from_bytes(&bytes).unwrap();
        assert_eq!(read.stats().frames, profile.stats().frames);
        for (a, b) in read.stats().sum_sq.iter().zip(&profile.stats().sum_sq) {
            assert!((a - b).abs() <= 1e-9 * b.abs());
        }
        assert!(
            bytes.len() < 4_000,
            "a profile is small: {} bytes",
            bytes.len()
        );

        let short = VoiceProfile::enroll(&audio[..crate::SAMPLE_RATE * 6]);
        assert!(matches!(short, Err(SpeakerError::TooLittleSpeech { .. })));
        let silent = VoiceProfile::enroll(&vec![0.0; crate::SAMPLE_RATE * 40]);
        assert!(matches!(silent, Err(SpeakerError::TooLittleSpeech { .. })));

        assert!(matches!(
            VoiceProfile::from_bytes(&bytes[..bytes.len() / 2]),
            Err(SpeakerError::BadProfile)
        ));
        let text = String::from_utf8(bytes)
            .unwrap()
            .replace("\"version\":1", "\"version\":9");
        assert!(matches!(
            VoiceProfile::from_bytes(text.as_bytes()),
            Err(SpeakerError::BadProfile)
        ));
    }
}
