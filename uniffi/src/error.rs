//! The one error the shells see. Every core error is mapped here, in one place, to a kind
//! the UI can act on plus a message safe to show (core messages carry no transcript or note
//! text, names or personal numbers, and no desktop commands). Every match names every
//! variant: a new core error does not compile until it is given its kind here.
use samtal_asr::TranscribeError;
use samtal_audio::AudioError;
use samtal_core::app::AppError;
use samtal_core::review_flow::FlowError;
use samtal_draft::review::ReviewError;
use samtal_draft::template::TemplateError;
use samtal_models::ModelError;
use samtal_speaker::SpeakerError;
use samtal_store::keyvault::KeyVaultError;
use samtal_store::StoreError;
use samtal_sync::login::LoginError;
use samtal_sync::SyncError;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SamtalError {
    /// Something the user typed or chose is not valid (an id, a language, a section).
    #[error("{reason}")]
    InvalidInput { reason: String },
    /// Not possible in the session's current state (e.g. approving with open flags).
    #[error("{reason}")]
    NotAllowed { reason: String },
    /// The speech model is missing or damaged.
    #[error("{reason}")]
    Model { reason: String },
    /// Audio could not be read or converted.
    #[error("{reason}")]
    Audio { reason: String },
    /// The encrypted store, its key or the disk failed; nothing was changed.
    #[error("{reason}")]
    Storage { reason: String },
    /// The endpoint could not be reached; queued notes stay queued.
    #[error("{reason}")]
    Network { reason: String },
    /// The phone must be enrolled with the municipality first.
    #[error("{reason}")]
    NotEnrolled { reason: String },
    /// The worker must sign in with BankID (again).
    #[error("{reason}")]
    SignInRequired { reason: String },
    /// The endpoint or BankID said no (not on the staff list, device revoked, order failed).
    #[error("{reason}")]
    Refused { reason: String },
    #[error("{reason}")]
    Cancelled { reason: String },
    /// A platform service of the shell (key store, audio capture) failed.
    #[error("{reason}")]
    Platform { reason: String },
}

/// The kinds, without their message (which is always the core error's own).
enum Kind {
    InvalidInput,
    NotAllowed,
    Model,
    Audio,
    Storage,
    Network,
    NotEnrolled,
    SignInRequired,
    Refused,
    Cancelled,
    Platform,
}

impl Kind {
    fn with(self, reason: String) -> SamtalError {
        match self {
            Kind::InvalidInput => SamtalError::InvalidInput { reason },
            Kind::NotAllowed => SamtalError::NotAllowed { reason },
            Kind::Model => SamtalError::Model { reason },
            Kind::Audio => SamtalError::Audio { reason },
            Kind::Storage => SamtalError::Storage { reason },
            Kind::Network => SamtalError::Network { reason },
            Kind::NotEnrolled => SamtalError::NotEnrolled { reason },
            Kind::SignInRequired => SamtalError::SignInRequired { reason },
            Kind::Refused => SamtalError::Refused { reason },
            Kind::Cancelled => SamtalError::Cancelled { reason },
            Kind::Platform => SamtalError::Platform { reason },
        }
    }
}

impl From<AppError> for SamtalError {
    fn from(e: AppError) -> Self {
        let kind = match &e {
            AppError::Store(e) => store_kind(e),
            AppError::Transcribe(e) => transcribe_kind(e),
            AppError::Audio(e) => audio_kind(e),
            AppError::Template(e) => template_kind(e),
            AppError::Review(e) => review_kind(e),
            AppError::Flow(e) => flow_kind(e),
            AppError::Sync(e) => sync_kind(e),
            AppError::Login(e) => login_kind(e),
            AppError::Vault(e) => vault_kind(e),
            AppError::RecordingEnded => Kind::NotAllowed,
            AppError::NoModel => Kind::Model,
            AppError::Model(e) => model_kind(e),
            AppError::Speaker(SpeakerError::TooLittleSpeech { .. }) => Kind::Audio,
            AppError::Speaker(SpeakerError::BadProfile) => Kind::Storage,
            AppError::UnknownParticipant | AppError::InvalidParticipant(_) => Kind::InvalidInput,
        };
        kind.with(e.to_string())
    }
}

fn store_kind(e: &StoreError) -> Kind {
    match e {
        StoreError::InvalidInput { .. } | StoreError::UnknownSession(_) => Kind::InvalidInput,
        StoreError::Transition(_) | StoreError::NotRecording { .. } => Kind::NotAllowed,
        StoreError::Vault(e) => vault_kind(e),
        StoreError::WrongKeyOrNotADatabase { .. }
        | StoreError::KeyMissing { .. }
        | StoreError::SchemaTooNew { .. }
        | StoreError::Sql(_)
        | StoreError::Io { .. }
        | StoreError::UnknownState(_)
        | StoreError::Encoding { .. }
        | StoreError::ChunkCorrupt { .. } => Kind::Storage,
    }
}

fn vault_kind(e: &KeyVaultError) -> Kind {
    match e {
        KeyVaultError::Platform(_) => Kind::Platform,
        KeyVaultError::InvalidAlias(_)
        | KeyVaultError::Corrupt { .. }
        | KeyVaultError::InsecurePermissions { .. }
        | KeyVaultError::Io { .. } => Kind::Storage,
    }
}

fn transcribe_kind(e: &TranscribeError) -> Kind {
    match e {
        TranscribeError::ModelLoad { .. }
        | TranscribeError::Start(_)
        | TranscribeError::Window(_)
        | TranscribeError::Stopped => Kind::Model,
    }
}

fn audio_kind(e: &AudioError) -> Kind {
    match e {
        AudioError::Format { .. } | AudioError::Io { .. } | AudioError::Resample(_) => Kind::Audio,
        AudioError::Device(_) => Kind::Platform,
    }
}

fn template_kind(e: &TemplateError) -> Kind {
    match e {
        TemplateError::Unknown(..)
        | TemplateError::Syntax { .. }
        | TemplateError::Invalid { .. }
        | TemplateError::Io { .. }
        | TemplateError::Duplicate { .. } => Kind::InvalidInput,
    }
}

fn review_kind(e: &ReviewError) -> Kind {
    match e {
        ReviewError::NoSuchItem(_) | ReviewError::NoSuchSection(_) | ReviewError::EmptyText => {
            Kind::InvalidInput
        }
        ReviewError::Approved
        | ReviewError::UnresolvedFlags(_)
        | ReviewError::Empty
        | ReviewError::NoApprover
        | ReviewError::NotApproved => Kind::NotAllowed,
    }
}

fn flow_kind(e: &FlowError) -> Kind {
    match e {
        FlowError::NoTranscript(_) | FlowError::NoDraft(_) => Kind::NotAllowed,
        FlowError::Review(e) => review_kind(e),
        FlowError::Store(e) => store_kind(e),
        FlowError::Sync(e) => sync_kind(e),
        FlowError::Template(e) => template_kind(e),
        FlowError::UnknownSpeaker | FlowError::NoSuchVoice(_) => Kind::InvalidInput,
    }
}

fn sync_kind(e: &SyncError) -> Kind {
    match e {
        SyncError::NotEnrolled => Kind::NotEnrolled,
        SyncError::LoginRequired => Kind::SignInRequired,
        SyncError::Network(_) => Kind::Network,
        SyncError::BadCode => Kind::InvalidInput,
        SyncError::NotApproved(_) => Kind::NotAllowed,
        SyncError::Store(e) => store_kind(e),
        SyncError::Vault(e) => vault_kind(e),
        SyncError::CaMismatch
        | SyncError::InvalidNote(_)
        | SyncError::EnrollRefused { .. }
        | SyncError::DeviceRefused(_)
        | SyncError::Protocol(_)
        | SyncError::Crypto(_) => Kind::Refused,
    }
}

/// Every model error is the model's: the app chose the model, not the user.
fn model_kind(e: &ModelError) -> Kind {
    match e {
        ModelError::Manifest { .. }
        | ModelError::UnknownModel(_)
        | ModelError::NotInstalled(_)
        | ModelError::Checksum { .. }
        | ModelError::Size { .. }
        | ModelError::Unpinned { .. }
        | ModelError::Conversion { .. }
        | ModelError::WrongKind { .. }
        | ModelError::Format { .. }
        | ModelError::Corrupt { .. }
        | ModelError::Pip { .. }
        | ModelError::MissingMember { .. }
        | ModelError::Download { .. }
        | ModelError::Io { .. } => Kind::Model,
    }
}

fn login_kind(e: &LoginError) -> Kind {
    match e {
        LoginError::NotEnrolled => Kind::NotEnrolled,
        LoginError::SignInRequired => Kind::SignInRequired,
        LoginError::NotSignable(_) => Kind::NotAllowed,
        LoginError::Network(_) => Kind::Network,
        LoginError::Cancelled => Kind::Cancelled,
        LoginError::Vault(e) => vault_kind(e),
        LoginError::Io(_) | LoginError::Crypto(_) => Kind::Storage,
        LoginError::NotConfigured
        | LoginError::Failed(_)
        | LoginError::NotStaff
        | LoginError::Refused { .. }
        | LoginError::Protocol(_) => Kind::Refused,
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for SamtalError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        SamtalError::Platform {
            reason: format!("the app's platform code failed: {}", e.reason),
        }
    }
}

impl From<AudioError> for SamtalError {
    fn from(e: AudioError) -> Self {
        AppError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_map_to_kinds_the_ui_can_act_on() {
        let approved = SamtalError::from(AppError::Review(ReviewError::UnresolvedFlags(2)));
        assert!(matches!(approved, SamtalError::NotAllowed { .. }));
        assert!(approved.to_string().contains("2 item(s)"));
        let login = SamtalError::from(AppError::Sync(SyncError::LoginRequired));
        assert!(matches!(login, SamtalError::SignInRequired { .. }));
        let offline = SamtalError::from(AppError::Sync(SyncError::Network("timed out".into())));
        assert!(matches!(offline, SamtalError::Network { .. }));
        let id = SamtalError::from(AppError::Store(StoreError::UnknownSession("ab".into())));
        assert!(matches!(id, SamtalError::InvalidInput { .. }));
        let vault = SamtalError::from(AppError::Store(StoreError::Vault(KeyVaultError::Platform(
            "locked".into(),
        ))));
        assert!(matches!(vault, SamtalError::Platform { .. }));
        let damaged = SamtalError::from(AppError::Model(ModelError::NotInstalled("m".into())));
        assert!(matches!(damaged, SamtalError::Model { .. }));
    }

    #[test]
    fn messages_the_phone_shows_name_no_desktop_commands() {
        let errors = [
            SamtalError::from(AppError::Sync(SyncError::NotEnrolled)),
            SamtalError::from(AppError::Sync(SyncError::LoginRequired)),
            SamtalError::from(AppError::Login(LoginError::NotEnrolled)),
            SamtalError::from(AppError::Login(LoginError::SignInRequired)),
            SamtalError::from(AppError::Flow(FlowError::NoDraft("ab".into()))),
            SamtalError::from(AppError::Transcribe(TranscribeError::ModelLoad {
                path: "model.bin".into(),
            })),
            SamtalError::from(AppError::Store(StoreError::KeyMissing {
                path: "samtal.db".into(),
            })),
            SamtalError::from(AppError::Store(
                "x".parse::<samtal_store::SessionId>().unwrap_err(),
            )),
            SamtalError::from(AppError::Model(ModelError::NotInstalled(
                "whisper-base".into(),
            ))),
            SamtalError::from(AppError::Model(ModelError::UnknownModel(
                "whisper-huge".into(),
            ))),
            SamtalError::from(AppError::Model(ModelError::Checksum {
                path: "whisper-base-q5_0.bin".into(),
                expected: "ab".into(),
                actual: "cd".into(),
            })),
            SamtalError::from(AppError::Model(ModelError::Size {
                path: "whisper-base-q5_0.bin".into(),
                expected: 2,
                actual: 1,
            })),
            SamtalError::from(AppError::Model(ModelError::Unpinned {
                id: "whisper-base".into(),
                quantization: "q5_0".into(),
            })),
        ];
        for e in errors {
            let text = e.to_string();
            assert!(!text.contains("samtal "), "{text}");
            assert!(!text.contains('`') || text.contains("`whisper"), "{text}");
        }
    }
}
