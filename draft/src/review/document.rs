//! The draft document worker and citizen review together: items in template sections,
//! each with citations back to the transcript and flags that must be resolved before the
//! note can be approved. An approved document is immutable; changes need a new version.
use crate::template::Template;
use crate::transcript::Transcript;
use serde::{Deserialize, Serialize};

/// Version of the serialized note/document schema.
pub const SCHEMA_VERSION: u32 = 1;

/// A pointer from an item to the transcript segment it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub segment: u32,
    pub start: f64,
    pub end: f64,
}

/// Why an item needs a second look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Built from words the recogniser was unsure of.
    LowConfidence,
    /// No transcript segment supports it.
    Unsupported,
    /// Changed by the worker after drafting.
    Edited,
    /// Written by the worker, not drafted from the transcript.
    AddedByWorker,
}

impl FlagKind {
    /// Flags that must be resolved (checked by a person) before approval.
    pub fn blocks_approval(self) -> bool {
        matches!(self, FlagKind::LowConfidence | FlagKind::Unsupported)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub resolved: bool,
}

/// One statement in the note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable within one document (not reused after deletion).
    pub id: u32,
    pub section: String,
    pub text: String,
    pub citations: Vec<Citation>,
    #[serde(default)]
    pub flags: Vec<Flag>,
    #[serde(default)]
    pub reviewed: bool,
}

impl Item {
    pub fn has_flag(&self, kind: FlagKind) -> bool {
        self.flags.iter().any(|f| f.kind == kind)
    }

    fn set_flag(&mut self, kind: FlagKind, resolved: bool) {
        match self.flags.iter_mut().find(|f| f.kind == kind) {
            Some(f) => f.resolved = resolved,
            None => self.flags.push(Flag { kind, resolved }),
        }
    }

    /// Flags that still block approval.
    pub fn unresolved(&self) -> impl Iterator<Item = &Flag> {
        self.flags
            .iter()
            .filter(|f| f.kind.blocks_approval() && !f.resolved)
    }
}

/// Header of the note (who, when, what kind of contact).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_kind: Option<String>,
    #[serde(default)]
    pub participants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// A section as shown in this document (template order, label in the note language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionHead {
    pub id: String,
    pub label: String,
}

/// How the citizen took part in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CitizenParticipation {
    /// Present and reviewed the note on screen with the worker.
    ReviewedOnScreen,
    /// Present but declined to review.
    DeclinedToReview,
    /// Not present (e.g. a call from a relative).
    NotPresent,
}

/// Who approved, when and how the citizen took part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    /// The signed-in worker (user id from the BankID session, not free text).
    pub approved_by: String,
    /// RFC 3339 time of approval.
    pub approved_at: String,
    pub citizen: CitizenParticipation,
}

/// The citizen's own comment on the note, recorded as the citizen's view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitizenComment {
    pub text: String,
}

/// A draft journal note under review, or an approved one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftDocument {
    pub schema_version: u32,
    /// Version of this note; 1 for the first draft, +1 for each change after approval.
    pub version: u32,
    pub template: String,
    pub language: String,
    pub header: Header,
    pub sections: Vec<SectionHead>,
    pub items: Vec<Item>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_comment: Option<CitizenComment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    next_item: u32,
}

/// Why a review operation was refused. Never carries note text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("the note is approved and cannot change; start a new version to make changes")]
    Approved,
    #[error("there is no item {0} in this note")]
    NoSuchItem(u32),
    /// The id is kept for the caller but not shown: it came from outside and may be anything.
    #[error("the template has no section with that id")]
    NoSuchSection(String),
    #[error("{0} item(s) still have unresolved flags (low confidence or unsupported); check and resolve them before approving")]
    UnresolvedFlags(usize),
    #[error("the note has no items; add at least one before approving")]
    Empty,
    #[error("item text must not be empty")]
    EmptyText,
    #[error("the approver's user id is missing")]
    NoApprover,
    #[error("the note is not approved yet")]
    NotApproved,
}

/// Cited transcript text for one item, as shown when the worker asks "where does this come from?".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitedText {
    pub segment: u32,
    pub start: f64,
    pub end: f64,
    pub speaker: Option<String>,
    /// None when the segment is no longer available (purged or from another transcript).
    pub text: Option<String>,
}

impl DraftDocument {
    /// An empty draft for `template`.
    pub fn new(template: &Template, header: Header) -> DraftDocument {
        DraftDocument {
            schema_version: SCHEMA_VERSION,
            version: 1,
            template: template.id.clone(),
            language: template.language.clone(),
            header,
            sections: template
                .sections
                .iter()
                .map(|s| SectionHead {
                    id: s.id.clone(),
                    label: s.label_in(&template.language).to_string(),
                })
                .collect(),
            items: Vec::new(),
            citizen_comment: None,
            approval: None,
            next_item: 1,
        }
    }

    pub fn is_approved(&self) -> bool {
        self.approval.is_some()
    }

    fn mutable(&self) -> Result<(), ReviewError> {
        if self.is_approved() {
            Err(ReviewError::Approved)
        } else {
            Ok(())
        }
    }

    fn check_section(&self, section: &str) -> Result<(), ReviewError> {
        if self.sections.iter().any(|s| s.id == section) {
            Ok(())
        } else {
            Err(ReviewError::NoSuchSection(section.to_string()))
        }
    }

    fn item_mut(&mut self, id: u32) -> Result<&mut Item, ReviewError> {
        self.items
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or(ReviewError::NoSuchItem(id))
    }

    pub fn item(&self, id: u32) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Items of one section in document order.
    pub fn section_items<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.section == section)
    }

    /// Adds a drafted item (used by the drafter); flags `unsupported` when it cites nothing.
    pub fn push_drafted(
        &mut self,
        section: &str,
        text: String,
        citations: Vec<Citation>,
        low_confidence: bool,
    ) -> Result<u32, ReviewError> {
        self.mutable()?;
        self.check_section(section)?;
        let id = self.next_item;
        self.next_item += 1;
        let mut item = Item {
            id,
            section: section.to_string(),
            text,
            citations,
            flags: Vec::new(),
            reviewed: false,
        };
        if item.citations.is_empty() {
            item.set_flag(FlagKind::Unsupported, false);
        }
        if low_confidence {
            item.set_flag(FlagKind::LowConfidence, false);
        }
        self.items.push(item);
        Ok(id)
    }

    /// The worker writes an item of their own; it is marked as worker-written.
    pub fn add(&mut self, section: &str, text: &str) -> Result<u32, ReviewError> {
        self.mutable()?;
        self.check_section(section)?;
        if text.trim().is_empty() {
            return Err(ReviewError::EmptyText);
        }
        let id = self.next_item;
        self.next_item += 1;
        self.items.push(Item {
            id,
            section: section.to_string(),
            text: text.trim().to_string(),
            citations: Vec::new(),
            flags: vec![Flag {
                kind: FlagKind::AddedByWorker,
                resolved: true,
            }],
            reviewed: true,
        });
        Ok(id)
    }

    /// Replaces an item's text; the item is marked edited and keeps its citations.
    pub fn edit(&mut self, id: u32, text: &str) -> Result<(), ReviewError> {
        self.mutable()?;
        if text.trim().is_empty() {
            return Err(ReviewError::EmptyText);
        }
        let item = self.item_mut(id)?;
        if item.text != text.trim() {
            item.text = text.trim().to_string();
            item.set_flag(FlagKind::Edited, true);
        }
        Ok(())
    }

    pub fn delete(&mut self, id: u32) -> Result<(), ReviewError> {
        self.mutable()?;
        let before = self.items.len();
        self.items.retain(|i| i.id != id);
        if self.items.len() == before {
            return Err(ReviewError::NoSuchItem(id));
        }
        Ok(())
    }

    /// Moves an item to another section (placed last there).
    pub fn move_to(&mut self, id: u32, section: &str) -> Result<(), ReviewError> {
        self.mutable()?;
        self.check_section(section)?;
        let pos = self
            .items
            .iter()
            .position(|i| i.id == id)
            .ok_or(ReviewError::NoSuchItem(id))?;
        let mut item = self.items.remove(pos);
        item.section = section.to_string();
        self.items.push(item);
        Ok(())
    }

    /// The worker has checked this item against what was said: marks it reviewed and
    /// resolves its low-confidence / unsupported flags.
    pub fn mark_reviewed(&mut self, id: u32) -> Result<(), ReviewError> {
        self.mutable()?;
        let item = self.item_mut(id)?;
        item.reviewed = true;
        for flag in item.flags.iter_mut() {
            flag.resolved = true;
        }
        Ok(())
    }

    /// The transcript text each citation of `id` points to.
    pub fn cited_text(
        &self,
        id: u32,
        transcript: &Transcript,
    ) -> Result<Vec<CitedText>, ReviewError> {
        let item = self.item(id).ok_or(ReviewError::NoSuchItem(id))?;
        Ok(item
            .citations
            .iter()
            .map(|c| {
                let seg = transcript.segment(c.segment);
                CitedText {
                    segment: c.segment,
                    start: c.start,
                    end: c.end,
                    speaker: seg.and_then(|s| s.speaker.clone()),
                    text: seg.map(|s| s.text.clone()),
                }
            })
            .collect())
    }

    /// Records the citizen's own comment on the note (their view, in their words).
    pub fn set_citizen_comment(&mut self, text: &str) -> Result<(), ReviewError> {
        self.mutable()?;
        self.citizen_comment = if text.trim().is_empty() {
            None
        } else {
            Some(CitizenComment {
                text: text.trim().to_string(),
            })
        };
        Ok(())
    }

    /// Number of items with flags that still block approval.
    pub fn unresolved_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.unresolved().next().is_some())
            .count()
    }

    /// Approves the note. Every flag must be resolved; afterwards the note is immutable.
    pub fn approve(
        &mut self,
        approved_by: &str,
        approved_at: &str,
        citizen: CitizenParticipation,
    ) -> Result<(), ReviewError> {
        self.mutable()?;
        if approved_by.trim().is_empty() {
            return Err(ReviewError::NoApprover);
        }
        if self.items.is_empty() {
            return Err(ReviewError::Empty);
        }
        let unresolved = self.unresolved_count();
        if unresolved > 0 {
            return Err(ReviewError::UnresolvedFlags(unresolved));
        }
        self.approval = Some(Approval {
            approved_by: approved_by.trim().to_string(),
            approved_at: approved_at.to_string(),
            citizen,
        });
        Ok(())
    }

    /// A new, editable version of an approved note (the approved one stays as it was).
    pub fn new_version(&self) -> Result<DraftDocument, ReviewError> {
        if !self.is_approved() {
            return Err(ReviewError::NotApproved);
        }
        let mut next = self.clone();
        next.version += 1;
        next.approval = None;
        for item in next.items.iter_mut() {
            item.reviewed = false;
        }
        Ok(next)
    }
}
