//! samtal-draft: what was said (transcript types), the municipality's journal templates,
//! the grounded drafter that turns one into the other, the review document worker and
//! citizen approve together, and the evaluation of drafts against gold facts. Pure logic:
//! no audio, no recogniser, no store, no network.
pub mod drafter;
pub mod eval;
pub mod review;
pub mod template;
pub mod transcript;

pub use drafter::{draft, DraftContext, Participant, LOW_CONFIDENCE};
