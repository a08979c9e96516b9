//! Review of a draft together with the citizen, approval, and the note's outputs.
pub mod document;
pub mod render;

pub use document::{
    Approval, Citation, CitedText, CitizenComment, CitizenParticipation, DraftDocument, Flag,
    FlagKind, Header, Item, ReviewError, SectionHead, SCHEMA_VERSION,
};
