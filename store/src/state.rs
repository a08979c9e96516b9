//! The meeting session lifecycle as a pure state machine, so every rule about what may
//! happen when lives in one place and invalid steps are errors (docs/session-lifecycle.md).
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
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
    /// The citizen withdrew consent; everything captured was wiped.
    Withdrawn,
    /// The worker discarded the session (or the citizen refused consent).
    Discarded,
}

/// Something that happens to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    GiveConsent,
    RefuseConsent,
    StartRecording,
    Pause,
    Resume,
    Stop,
    FinishTranscription,
    Draft,
    OpenReview,
    Approve,
    Queue,
    MarkSynced,
    Purge,
    Withdraw,
    Discard,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("recording needs the citizen's consent first (session is {0})")]
    ConsentRequired(SessionState),
    #[error("cannot {action} a session that is {from}")]
    Invalid { from: SessionState, action: Action },
}

impl SessionState {
    pub const ALL: [SessionState; 14] = [
        SessionState::Created,
        SessionState::Consented,
        SessionState::Recording,
        SessionState::Paused,
        SessionState::Stopped,
        SessionState::Transcribed,
        SessionState::Drafted,
        SessionState::InReview,
        SessionState::Approved,
        SessionState::Queued,
        SessionState::Synced,
        SessionState::Purged,
        SessionState::Withdrawn,
        SessionState::Discarded,
    ];

    /// States before approval: the citizen may still withdraw and the worker discard,
    /// and retention wipes them once they are too old.
    pub fn is_before_approval(self) -> bool {
        use SessionState::*;
        matches!(
            self,
            Created | Consented | Recording | Paused | Stopped | Transcribed | Drafted | InReview
        )
    }

    /// A recording that was going on (possibly interrupted by a crash).
    pub fn is_recording(self) -> bool {
        matches!(self, SessionState::Recording | SessionState::Paused)
    }

    /// The state after `action`, or why it is not allowed.
    pub fn apply(self, action: Action) -> Result<SessionState, TransitionError> {
        use Action::*;
        use SessionState::*;
        let next = match (self, action) {
            (Created, GiveConsent) => Consented,
            (Created, RefuseConsent) => Discarded,
            (Created, StartRecording) => return Err(TransitionError::ConsentRequired(self)),
            (Consented, StartRecording) => Recording,
            (Recording, Pause) => Paused,
            (Paused, Resume) => Recording,
            (Recording | Paused, Stop) => Stopped,
            (Stopped, FinishTranscription) => Transcribed,
            // Re-drafting (e.g. another template) is allowed until approval.
            (Transcribed | Drafted | InReview, Draft) => Drafted,
            (Drafted, OpenReview) => InReview,
            (InReview, Approve) => Approved,
            (Approved, Queue) => Queued,
            (Queued, MarkSynced) => Synced,
            (Synced, Purge) => Purged,
            (s, Withdraw) if s.is_before_approval() => Withdrawn,
            (s, Discard) if s.is_before_approval() => Discarded,
            _ => return Err(TransitionError::Invalid { from: self, action }),
        };
        Ok(next)
    }

    pub fn as_str(self) -> &'static str {
        use SessionState::*;
        match self {
            Created => "created",
            Consented => "consented",
            Recording => "recording",
            Paused => "paused",
            Stopped => "stopped",
            Transcribed => "transcribed",
            Drafted => "drafted",
            InReview => "in_review",
            Approved => "approved",
            Queued => "queued",
            Synced => "synced",
            Purged => "purged",
            Withdrawn => "withdrawn",
            Discarded => "discarded",
        }
    }
}

impl fmt::Display for SessionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SessionState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SessionState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown session state {0:?} in the database")]
pub struct UnknownState(pub String);

impl Action {
    pub fn as_str(self) -> &'static str {
        use Action::*;
        match self {
            GiveConsent => "give consent to",
            RefuseConsent => "refuse consent to",
            StartRecording => "start recording",
            Pause => "pause",
            Resume => "resume",
            Stop => "stop",
            FinishTranscription => "finish transcribing",
            Draft => "draft",
            OpenReview => "open review of",
            Approve => "approve",
            Queue => "queue",
            MarkSynced => "mark synced",
            Purge => "purge",
            Withdraw => "withdraw",
            Discard => "discard",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Action::*;
    use super::SessionState::*;
    use super::*;

    #[test]
    fn happy_path_reaches_purged() {
        let mut s = Created;
        for a in [
            GiveConsent,
            StartRecording,
            Pause,
            Resume,
            Stop,
            FinishTranscription,
            Draft,
            OpenReview,
            Approve,
            Queue,
            MarkSynced,
            Purge,
        ] {
            s = s.apply(a).unwrap();
        }
        assert_eq!(s, Purged);
    }

    #[test]
    fn no_recording_without_consent() {
        assert_eq!(
            Created.apply(StartRecording),
            Err(TransitionError::ConsentRequired(Created))
        );
        let refused = Created.apply(RefuseConsent).unwrap();
        assert!(refused.apply(StartRecording).is_err());
    }

    #[test]
    fn withdraw_only_before_approval() {
        for s in SessionState::ALL {
            assert_eq!(s.apply(Withdraw).is_ok(), s.is_before_approval(), "{s}");
            assert_eq!(s.apply(Discard).is_ok(), s.is_before_approval(), "{s}");
        }
        assert!(Approved.apply(Draft).is_err());
        assert!(Recording.apply(Approve).is_err());
    }

    #[test]
    fn states_round_trip_through_text() {
        for s in SessionState::ALL {
            assert_eq!(s.as_str().parse::<SessionState>().unwrap(), s);
        }
    }
}
