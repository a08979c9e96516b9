//! samtal-draft: what was said (transcript types), the municipality's journal templates,
//! the language knowledge the drafter uses, the grounded drafter that turns one into the
//! other, the review document worker and citizen approve together, and the evaluation and
//! training of drafts against gold facts. Pure logic: no audio, no recogniser, no store,
//! no network.
pub mod drafter;
pub mod eval;
pub mod files;
pub mod language;
pub mod learn;
pub mod review;
pub mod template;
pub mod transcript;

pub use drafter::{draft, DraftContext, Drafter, Participant, LOW_CONFIDENCE};
pub use language::{Language, UnknownLanguage};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
