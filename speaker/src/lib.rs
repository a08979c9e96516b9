//! Who said what: speaker attribution on the phone, without a model and without keeping
//! audio. Audio (16 kHz mono f32) goes through an [`Analyzer`] as it is recorded and leaves
//! only 10 ms feature frames behind. [`Analyzer::attribute`] then cuts the speech into
//! pieces of one voice each (pauses, and ΔBIC changes where one speaker cuts in on
//! another), groups the pieces by voice, names the voice nearest the worker's
//! [`VoiceProfile`] the worker and the others by the people present ([`Participants`]),
//! and gives every [`Turn`] a confidence. [`label_segments`] carries the turns onto
//! recognised segments, splitting a segment where the voice changes between its words.
//!
//! Nothing here decides anything: labels are proposals the worker sees and can correct in
//! review, and turns the analysis is unsure of are flagged.
mod embedding;
mod features;
mod label;
mod pieces;
mod pitch;
mod profile;
mod split;

pub use features::{FeatureExtractor, Frame, FRAME_RATE, SAMPLE_RATE};
pub use pieces::PieceConfig;
pub use profile::{VoiceProfile, MIN_ENROLMENT_SECONDS};
pub use split::{label_segments, LabelledSegment};

use serde::{Deserialize, Serialize};

/// Errors carry no audio, transcript text or personal data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpeakerError {
    #[error("the enrolment recording holds {seconds:.1} s of speech, at least {needed:.0} s are needed: read the whole enrolment text aloud, close to the phone, in a quiet room")]
    TooLittleSpeech { seconds: f64, needed: f64 },
    #[error("the stored voice profile is damaged or from another version of Samtal: enrol the voice again")]
    BadProfile,
}

/// A speaker's part in the meeting, as the drafter knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Worker,
    Citizen,
    Relative,
    Interpreter,
    Other,
}

impl Role {
    /// The label used in transcripts (`Segment::speaker`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Citizen => "citizen",
            Role::Relative => "relative",
            Role::Interpreter => "interpreter",
            Role::Other => "other",
        }
    }

    pub fn parse(label: &str) -> Option<Role> {
        Some(match label {
            "worker" => Role::Worker,
            "citizen" => Role::Citizen,
            "relative" => Role::Relative,
            "interpreter" => Role::Interpreter,
            "other" => Role::Other,
            _ => return None,
        })
    }
}

/// Who is present besides the worker, as the worker declares at the start (for example
/// "a phone call with the son": `[Relative]`). It bounds how many other voices are looked
/// for and names them: the voice that talks most is the interpreter when one is present
/// (an interpreter speaks for both sides), else the citizen when present; further voices
/// take the other declared roles in order of talk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participants {
    pub others: Vec<Role>,
}

impl Participants {
    pub fn new(others: Vec<Role>) -> Participants {
        let mut others: Vec<Role> = others.into_iter().filter(|r| *r != Role::Worker).collect();
        if others.is_empty() {
            others.push(Role::Citizen);
        }
        Participants { others }
    }

    /// Nothing declared: the citizen, and perhaps a relative.
    pub fn unknown() -> Participants {
        Participants::new(vec![Role::Citizen, Role::Relative])
    }

    /// Roles for the other voices in decreasing order of talk.
    fn roles_by_talk(&self) -> Vec<Role> {
        let mut roles = self.others.clone();
        let first = [Role::Interpreter, Role::Citizen]
            .into_iter()
            .find(|r| roles.contains(r));
        if let Some(first) = first {
            let at = roles.iter().position(|r| *r == first).unwrap_or(0);
            let role = roles.remove(at);
            roles.insert(0, role);
        }
        roles
    }
}

/// A stretch of the recording spoken by one voice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// Seconds from the start of the recording.
    pub start: f64,
    pub end: f64,
    pub role: Role,
    /// Which voice (0 is the worker's); every turn of one voice has the same number, so a
    /// correction in review can relabel a voice throughout.
    pub voice: u32,
    /// How clearly the turn belongs to its voice rather than the next likeliest (0–1).
    pub confidence: f32,
    /// Confidence below [`Config::low_confidence`]: the worker should check the label.
    pub low_confidence: bool,
}

/// One voice found in the recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voice {
    pub id: u32,
    pub role: Role,
    /// Seconds of speech attributed to it.
    pub seconds: f64,
}

/// The result of attribution over a whole recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    pub turns: Vec<Turn>,
    pub voices: Vec<Voice>,
}

impl Attribution {
    /// The turn covering time `t`, if any.
    pub fn at(&self, t: f64) -> Option<&Turn> {
        let i = self.turns.partition_point(|turn| turn.end <= t);
        self.turns.get(i).filter(|turn| turn.start <= t)
    }
}

/// Everything tunable in attribution. The defaults were tuned on renderings of dev-01..06
/// only (see the README's "Speaker attribution").
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub pieces: PieceConfig,
    /// Voices closer than this (embedding distance) are taken as one.
    pub merge_distance: f64,
    /// Pieces shorter than this (s) are too short to found a voice; they join the nearest.
    pub min_reliable: f64,
    /// A further voice beyond the first other voice must have this much speech (s)…
    pub min_voice_seconds: f64,
    /// …and this share of all speech to count as clearly present.
    pub min_voice_share: f64,
    /// Pieces of one voice less than this far apart (s) form one turn.
    pub max_turn_gap: f64,
    /// Cost (in log-likelihood) of a change of voice between pieces less than
    /// `max_turn_gap` apart.
    pub switch_penalty: f64,
    /// Turns with a confidence under this are flagged.
    pub low_confidence: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pieces: PieceConfig::default(),
            merge_distance: 2.5,
            min_reliable: 1.0,
            min_voice_seconds: 10.0,
            min_voice_share: 0.05,
            max_turn_gap: 1.5,
            switch_penalty: 8.0,
            low_confidence: 0.15,
        }
    }
}

/// Streaming analysis of one recording. Keeps feature frames (about 8.8 kB per second of
/// audio, in memory only), never audio, so each audio chunk can be shredded once pushed.
pub struct Analyzer {
    extractor: FeatureExtractor,
    frames: Vec<Frame>,
    finished: bool,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer {
            extractor: FeatureExtractor::new(),
            frames: Vec::new(),
            finished: false,
        }
    }

    /// Adds recorded audio, 16 kHz mono, any length. Audio pushed after
    /// [`finish`](Self::finish) starts a new stretch right after the last frame.
    pub fn push(&mut self, samples: &[f32]) {
        self.finished = false;
        self.extractor.push(samples, &mut self.frames);
    }

    /// Ends the audio, computing the last frames.
    pub fn finish(&mut self) {
        if !self.finished {
            self.extractor.finish(&mut self.frames);
            self.finished = true;
        }
    }

    /// Seconds of audio analysed.
    pub fn seconds(&self) -> f64 {
        self.frames.len() as f64 / FRAME_RATE
    }

    /// The frames so far (for a voice profile made from a live recording).
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// Attributes the speech so far to voices and roles.
    pub fn attribute(
        &self,
        profile: &VoiceProfile,
        participants: &Participants,
        config: &Config,
    ) -> Attribution {
        label::attribute(&self.frames, profile, participants, config)
    }
}

/// Attribution of a whole recording in one call.
pub fn attribute(
    samples: &[f32],
    profile: &VoiceProfile,
    participants: &Participants,
    config: &Config,
) -> Attribution {
    let mut analyzer = Analyzer::new();
    analyzer.push(samples);
    analyzer.finish();
    analyzer.attribute(profile, participants, config)
}

/// The text the worker reads aloud to enrol, in `sv`, `da` or `en` (about 30 s).
pub fn enrolment_text(language: &str) -> Option<&'static str> {
    match language {
        "sv" => Some(include_str!("../enrolment/sv.txt")),
        "da" => Some(include_str!("../enrolment/da.txt")),
        "en" => Some(include_str!("../enrolment/en.txt")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voices_are_named_by_who_is_present_and_who_talks_most() {
        let roles = |p: Participants| p.roles_by_talk();
        assert_eq!(
            roles(Participants::unknown()),
            [Role::Citizen, Role::Relative]
        );
        assert_eq!(
            roles(Participants::new(vec![Role::Citizen, Role::Interpreter])),
            [Role::Interpreter, Role::Citizen]
        );
        assert_eq!(
            roles(Participants::new(vec![Role::Relative])),
            [Role::Relative]
        );
        assert_eq!(
            roles(Participants::new(vec![Role::Relative, Role::Citizen])),
            [Role::Citizen, Role::Relative]
        );
        assert_eq!(
            roles(Participants::new(vec![Role::Worker])),
            [Role::Citizen]
        );
        for role in [
            Role::Worker,
            Role::Citizen,
            Role::Relative,
            Role::Interpreter,
            Role::Other,
        ] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn enrolment_texts_exist_for_each_language() {
        for lang in ["sv", "da", "en"] {
            let words = enrolment_text(lang).unwrap().split_whitespace().count();
            assert!((60..=110).contains(&words), "{lang}: {words} words");
        }
        assert!(enrolment_text("fi").is_none());
    }
}
