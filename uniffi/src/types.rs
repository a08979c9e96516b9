//! Plain data crossing the boundary: owned records and enums converted from core types.
use samtal_asr::Language;
use samtal_draft::review::{self, CitizenParticipation, DraftDocument, FlagKind};
use samtal_store::SessionState;
use samtal_store::{ConsentDecision, InformedBy, SessionInfo};
use samtal_sync::{OutboxEntry, OutboxStatus, SyncReport};

/// How the citizen decided about recording.
#[derive(uniffi::Enum)]
pub enum Consent {
    Given,
    Refused,
}

impl From<Consent> for ConsentDecision {
    fn from(c: Consent) -> Self {
        match c {
            Consent::Given => ConsentDecision::Given,
            Consent::Refused => ConsentDecision::Refused,
        }
    }
}

/// How the citizen was informed before deciding.
#[derive(uniffi::Enum)]
pub enum Informed {
    Verbal,
    Written,
    Interpreter,
}

impl From<Informed> for InformedBy {
    fn from(i: Informed) -> Self {
        match i {
            Informed::Verbal => InformedBy::Verbal,
            Informed::Written => InformedBy::Written,
            Informed::Interpreter => InformedBy::Interpreter,
        }
    }
}

/// Spoken language of the meeting.
#[derive(uniffi::Enum)]
pub enum SpokenLanguage {
    Swedish,
    Danish,
    English,
    Detect,
}

impl From<SpokenLanguage> for Option<Language> {
    fn from(l: SpokenLanguage) -> Self {
        match l {
            SpokenLanguage::Swedish => Some(Language::Swedish),
            SpokenLanguage::Danish => Some(Language::Danish),
            SpokenLanguage::English => Some(Language::English),
            SpokenLanguage::Detect => None,
        }
    }
}

/// Where a session is in its lifecycle (design.md §3).
#[derive(uniffi::Enum, Debug, PartialEq, Eq)]
pub enum Phase {
    Created,
    Consented,
    Recording,
    Paused,
    Stopped,
    Transcribed,
    Drafted,
    InReview,
    Approved,
    Queued,
    Synced,
    Purged,
    Withdrawn,
    Discarded,
}

impl From<SessionState> for Phase {
    fn from(s: SessionState) -> Self {
        match s {
            SessionState::Created => Phase::Created,
            SessionState::Consented => Phase::Consented,
            SessionState::Recording => Phase::Recording,
            SessionState::Paused => Phase::Paused,
            SessionState::Stopped => Phase::Stopped,
            SessionState::Transcribed => Phase::Transcribed,
            SessionState::Drafted => Phase::Drafted,
            SessionState::InReview => Phase::InReview,
            SessionState::Approved => Phase::Approved,
            SessionState::Queued => Phase::Queued,
            SessionState::Synced => Phase::Synced,
            SessionState::Purged => Phase::Purged,
            SessionState::Withdrawn => Phase::Withdrawn,
            SessionState::Discarded => Phase::Discarded,
        }
    }
}

/// A session as listed: states, times and counts, never content.
#[derive(uniffi::Record)]
pub struct SessionSummary {
    pub id: String,
    pub phase: Phase,
    pub created_at_ms: i64,
    pub captured_seconds: f64,
    pub segments: u64,
    pub has_draft: bool,
}

impl From<SessionInfo> for SessionSummary {
    fn from(s: SessionInfo) -> Self {
        SessionSummary {
            id: s.id.to_string(),
            phase: s.state.into(),
            created_at_ms: s.created_at,
            captured_seconds: s.captured_seconds,
            segments: s.segments,
            has_draft: s.has_draft,
        }
    }
}

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

/// A change made while reviewing.
#[derive(uniffi::Enum)]
pub enum ReviewEdit {
    MarkReviewed { items: Vec<u32> },
    MarkAllReviewed,
    Edit { item: u32, text: String },
    Add { section: String, text: String },
    Delete { item: u32 },
    Move { item: u32, section: String },
    CitizenComment { text: String },
}

impl From<ReviewEdit> for samtal_core::review_flow::ReviewChange {
    fn from(e: ReviewEdit) -> Self {
        use samtal_core::review_flow::ReviewChange as C;
        match e {
            ReviewEdit::MarkReviewed { items } => C::MarkReviewed(items),
            ReviewEdit::MarkAllReviewed => C::MarkAllReviewed,
            ReviewEdit::Edit { item, text } => C::Edit { item, text },
            ReviewEdit::Add { section, text } => C::Add { section, text },
            ReviewEdit::Delete { item } => C::Delete { item },
            ReviewEdit::Move { item, section } => C::Move { item, section },
            ReviewEdit::CitizenComment { text } => C::CitizenComment(text),
        }
    }
}

/// Delivery status of one note.
#[derive(uniffi::Enum)]
pub enum DeliveryStatus {
    Queued,
    Sending,
    Delivered,
    Rejected,
}

#[derive(uniffi::Record)]
pub struct OutboxItem {
    pub note_id: String,
    pub session_id: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// Why the last attempt failed or the endpoint rejected the note.
    pub reason: Option<String>,
}

impl From<OutboxEntry> for OutboxItem {
    fn from(e: OutboxEntry) -> Self {
        OutboxItem {
            note_id: e.note_id,
            session_id: e.session_id,
            status: match e.status {
                OutboxStatus::Queued => DeliveryStatus::Queued,
                OutboxStatus::Sending => DeliveryStatus::Sending,
                OutboxStatus::Delivered => DeliveryStatus::Delivered,
                OutboxStatus::Rejected => DeliveryStatus::Rejected,
            },
            attempts: e.attempts,
            reason: e.reason,
        }
    }
}

#[derive(uniffi::Record)]
pub struct SyncResult {
    pub delivered: u32,
    pub rejected: u32,
    pub retry_later: u32,
}

impl From<SyncReport> for SyncResult {
    fn from(r: SyncReport) -> Self {
        SyncResult {
            delivered: r.delivered as u32,
            rejected: r.rejected as u32,
            retry_later: r.retry_later as u32,
        }
    }
}

/// Proof of delivery: all that stays on the phone after a note is delivered.
#[derive(uniffi::Record)]
pub struct DeliveryReceipt {
    pub note_id: String,
    pub received_at_ms: i64,
    pub content_hash: String,
    /// SHA-256 of the citizen's BankID signature, if they signed the note.
    pub citizen_signature: Option<String>,
}

impl From<samtal_store::Receipt> for DeliveryReceipt {
    fn from(r: samtal_store::Receipt) -> Self {
        DeliveryReceipt {
            note_id: r.note_id,
            received_at_ms: r.received_at,
            content_hash: r.content_hash,
            citizen_signature: r.citizen_signature,
        }
    }
}

/// BankID sign-in progress: what to show and the QR frame to render.
#[derive(uniffi::Record)]
pub struct SignInProgress {
    /// `pending`, `failed` or `complete`.
    pub status: String,
    pub hint_code: Option<String>,
    /// BankID's recommended message id (e.g. `RFA1`) and its text.
    pub rfa: Option<String>,
    pub message: Option<String>,
    pub qr_data: Option<String>,
}

impl From<samtal_sync::login::LoginProgress> for SignInProgress {
    fn from(p: samtal_sync::login::LoginProgress) -> Self {
        SignInProgress {
            status: p.status,
            hint_code: p.hint_code,
            rfa: p.rfa,
            message: p.message,
            qr_data: p.qr_data,
        }
    }
}

/// This phone's enrollment with the municipal endpoint.
#[derive(uniffi::Record)]
pub struct Enrollment {
    pub device_id: String,
    pub endpoint_url: String,
}

impl From<samtal_sync::DeviceIdentity> for Enrollment {
    fn from(d: samtal_sync::DeviceIdentity) -> Self {
        Enrollment {
            device_id: d.device_id,
            endpoint_url: d.endpoint_url,
        }
    }
}
