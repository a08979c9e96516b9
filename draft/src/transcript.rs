//! The transcript: what was said, as timed segments. Everything later (draft, review,
//! citations) points back into these segments by id, so ids are stable within a session.
use serde::{Deserialize, Serialize};

/// One recognised word with the recogniser's confidence (0–1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub start: f64,
    pub end: f64,
    pub confidence: f32,
}

/// A finalized stretch of speech. Times are seconds from the start of the recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// 1-based, increasing in time order within one transcript.
    pub id: u32,
    pub start: f64,
    pub end: f64,
    pub text: String,
    /// Mean word confidence (0–1); 1.0 when the source gives none (typed transcripts).
    #[serde(default = "full_confidence")]
    pub confidence: f32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Word>,
    /// Speaker label when known (`worker`, `citizen`, `relative`, `interpreter`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

fn full_confidence() -> f32 {
    1.0
}

/// A whole transcript as stored, drafted from and exchanged as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// ISO 639-1 code of the spoken language (`sv`, `da`, `en`).
    pub language: String,
    pub segments: Vec<Segment>,
}

impl Transcript {
    /// The segment with this id, if any.
    pub fn segment(&self, id: u32) -> Option<&Segment> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// All segment texts joined with spaces, in order.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join(" ")
    }
}

#[cfg(test)]
impl Transcript {
    /// Labelled turns of a second each, for tests.
    pub(crate) fn of_turns(language: &str, turns: &[(&str, &str)]) -> Transcript {
        Transcript {
            language: language.into(),
            segments: turns
                .iter()
                .enumerate()
                .map(|(i, (who, text))| Segment {
                    id: i as u32 + 1,
                    start: i as f64,
                    end: i as f64 + 1.0,
                    text: (*text).into(),
                    confidence: 1.0,
                    words: vec![],
                    speaker: Some((*who).into()),
                })
                .collect(),
        }
    }
}
