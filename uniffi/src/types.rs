//! Views of the drafter's types for the shells. Everything else crosses the boundary as the
//! core crates' own types (UniFFI records and enums derived where they are defined, under
//! their `uniffi` feature); these stay here only until samtal-draft derives its own.
use samtal_draft::review::{self, CitizenParticipation, DraftDocument, FlagKind};

/// A finalized piece of transcript.
#[derive(uniffi::Record)]
pub struct TranscriptSegment {
    pub id: u32,
    pub start_seconds: f64,
    pub end_seconds: f64,
    pub text: String,
    pub confidence: f32,
    pub speaker: Option<String>,
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
        }
    }
}

/// Why an item needs a second look before approval.
#[derive(uniffi::Enum)]
pub enum FlagReason {
    LowConfidence,
    Unsupported,
    Edited,
    AddedByWorker,
}

#[derive(uniffi::Record)]
pub struct ItemFlag {
    pub reason: FlagReason,
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
                    reason: match f.kind {
                        FlagKind::LowConfidence => FlagReason::LowConfidence,
                        FlagKind::Unsupported => FlagReason::Unsupported,
                        FlagKind::Edited => FlagReason::Edited,
                        FlagKind::AddedByWorker => FlagReason::AddedByWorker,
                    },
                    blocks_approval: f.kind.blocks_approval(),
                    resolved: f.resolved,
                })
                .collect(),
            reviewed: i.reviewed,
        }
    }
}

/// How the citizen took part in the review.
#[derive(uniffi::Enum)]
pub enum CitizenRole {
    ReviewedOnScreen,
    DeclinedToReview,
    NotPresent,
}

impl From<CitizenRole> for CitizenParticipation {
    fn from(c: CitizenRole) -> Self {
        match c {
            CitizenRole::ReviewedOnScreen => CitizenParticipation::ReviewedOnScreen,
            CitizenRole::DeclinedToReview => CitizenParticipation::DeclinedToReview,
            CitizenRole::NotPresent => CitizenParticipation::NotPresent,
        }
    }
}
