//! Views of the drafter's types for the shells. Everything else crosses the boundary as the
//! core crates' own types (UniFFI records and enums derived where they are defined, under
//! their `uniffi` feature); these stay here only until samtal-draft derives its own.
use samtal_draft::review::{self, DraftDocument, FlagKind};

/// A finalized piece of transcript.
#[derive(uniffi::Record)]
pub struct TranscriptSegment {
    pub id: u32,
    pub start_seconds: f64,
    pub end_seconds: f64,
    pub text: String,
    pub confidence: f32,
    /// `worker`, `citizen`, `relative`, `interpreter` or `other`; none before stop (speakers
    /// are attributed when the recording stops) or without an enrolled voice profile.
    pub speaker: Option<String>,
    /// The voice within the session (0 is the worker's), to relabel a voice throughout.
    pub voice: Option<u32>,
    /// How sure attribution was of the speaker (0–1); 1 once the worker has set it.
    pub speaker_confidence: Option<f32>,
    /// The speaker label should be checked by the worker.
    pub speaker_unsure: bool,
}

impl From<samtal_draft::transcript::Segment> for TranscriptSegment {
    fn from(s: samtal_draft::transcript::Segment) -> Self {
        TranscriptSegment {
            id: s.id,
            start_seconds: s.start,
            end_seconds: s.end,
            text: s.text,
            confidence: s.confidence,
            speaker: s.speaker,
            voice: None,
            speaker_confidence: None,
            speaker_unsure: false,
        }
    }
}

impl TranscriptSegment {
    /// The segment with who spoke it, as attribution (or the worker) set it.
    pub(crate) fn with_speaker(mut self, speaker: Option<&samtal_store::SegmentSpeaker>) -> Self {
        if let Some(s) = speaker {
            self.voice = Some(s.voice);
            self.speaker_confidence = Some(s.confidence);
            self.speaker_unsure = s.unsure;
        }
        self
    }
}

#[derive(uniffi::Record)]
pub struct ItemFlag {
    pub reason: FlagKind,
    /// Blocks approval until a person has checked the item.
    pub blocks_approval: bool,
    pub resolved: bool,
}

/// One statement of the note with the transcript segments it rests on.
#[derive(uniffi::Record)]
pub struct NoteItem {
    pub id: u32,
    pub section: String,
    pub text: String,
    pub cited_segments: Vec<u32>,
    pub flags: Vec<ItemFlag>,
    pub reviewed: bool,
}

#[derive(uniffi::Record)]
pub struct NoteSection {
    pub id: String,
    pub label: String,
}

/// The draft (or approved note) as the review screen shows it.
#[derive(uniffi::Record)]
pub struct NoteDraft {
    pub template: String,
    pub language: String,
    pub version: u32,
    pub sections: Vec<NoteSection>,
    pub items: Vec<NoteItem>,
    pub citizen_comment: Option<String>,
    /// Items whose flags still block approval.
    pub unresolved: u32,
    pub approved: bool,
}

impl From<DraftDocument> for NoteDraft {
    fn from(d: DraftDocument) -> Self {
        NoteDraft {
            unresolved: d.unresolved_count() as u32,
            approved: d.is_approved(),
            template: d.template,
            language: d.language,
            version: d.version,
            sections: d
                .sections
                .into_iter()
                .map(|s| NoteSection {
                    id: s.id,
                    label: s.label,
                })
                .collect(),
            items: d.items.into_iter().map(NoteItem::from).collect(),
            citizen_comment: d.citizen_comment.map(|c| c.text),
        }
    }
}

impl From<review::Item> for NoteItem {
    fn from(i: review::Item) -> Self {
        NoteItem {
            id: i.id,
            section: i.section,
            text: i.text,
            cited_segments: i.citations.iter().map(|c| c.segment).collect(),
            flags: i
                .flags
                .iter()
                .map(|f| ItemFlag {
                    reason: f.kind,
                    blocks_approval: f.kind.blocks_approval(),
                    resolved: f.resolved,
                })
                .collect(),
            reviewed: i.reviewed,
        }
    }
}
