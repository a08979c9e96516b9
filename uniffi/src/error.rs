//! The one error the shells see. Every core error is mapped here, in one place, to a kind
//! the UI can act on plus a message safe to show (core messages carry no transcript or note
//! text, names or personal numbers).
use samtal_core::app::AppError;
use samtal_draft::review::ReviewError;
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

impl From<AppError> for SamtalError {
    fn from(e: AppError) -> Self {
        let reason = e.to_string();
        match e {
            AppError::Store(s) => store_kind(&s, reason),
            AppError::Transcribe(_) | AppError::NoModel => SamtalError::Model { reason },
            AppError::Audio(_) => SamtalError::Audio { reason },
            AppError::Template(_) => SamtalError::InvalidInput { reason },
            AppError::Review(r) => review_kind(&r, reason),
            AppError::Flow(_) | AppError::RecordingEnded => SamtalError::NotAllowed { reason },
            AppError::Sync(s) => sync_kind(&s, reason),
            AppError::Login(l) => login_kind(&l, reason),
            AppError::Vault(_) => SamtalError::Platform { reason },
        }
    }
}

fn store_kind(e: &StoreError, reason: String) -> SamtalError {
    match e {
        StoreError::InvalidInput { .. } | StoreError::UnknownSession(_) => {
            SamtalError::InvalidInput { reason }
        }
        StoreError::Transition(_) | StoreError::NotRecording { .. } => {
            SamtalError::NotAllowed { reason }
        }
        StoreError::Vault(_) => SamtalError::Platform { reason },
        _ => SamtalError::Storage { reason },
    }
}

fn review_kind(e: &ReviewError, reason: String) -> SamtalError {
    match e {
        ReviewError::NoSuchItem(_) | ReviewError::NoSuchSection(_) | ReviewError::EmptyText => {
            SamtalError::InvalidInput { reason }
        }
        _ => SamtalError::NotAllowed { reason },
    }
}

fn sync_kind(e: &SyncError, reason: String) -> SamtalError {
    match e {
        SyncError::NotEnrolled => SamtalError::NotEnrolled { reason },
        SyncError::LoginRequired => SamtalError::SignInRequired { reason },
        SyncError::Network(_) => SamtalError::Network { reason },
        SyncError::BadCode => SamtalError::InvalidInput { reason },
        SyncError::NotApproved(_) => SamtalError::NotAllowed { reason },
        SyncError::Store(s) => store_kind(s, reason),
        SyncError::Vault(_) => SamtalError::Platform { reason },
        _ => SamtalError::Refused { reason },
    }
}

fn login_kind(e: &LoginError, reason: String) -> SamtalError {
    match e {
        LoginError::NotEnrolled => SamtalError::NotEnrolled { reason },
        LoginError::SignInRequired => SamtalError::SignInRequired { reason },
        LoginError::NotSignable(_) => SamtalError::NotAllowed { reason },
        LoginError::Network(_) => SamtalError::Network { reason },
        LoginError::Cancelled => SamtalError::Cancelled { reason },
        LoginError::Vault(_) => SamtalError::Platform { reason },
        LoginError::Io(_) | LoginError::Crypto(_) => SamtalError::Storage { reason },
        _ => SamtalError::Refused { reason },
    }
}

impl From<samtal_models::ModelError> for SamtalError {
    fn from(e: samtal_models::ModelError) -> Self {
        SamtalError::Model {
            reason: e.to_string(),
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for SamtalError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        SamtalError::Platform {
            reason: format!("the app's platform code failed: {}", e.reason),
        }
    }
}

impl From<samtal_audio::AudioError> for SamtalError {
    fn from(e: samtal_audio::AudioError) -> Self {
        AppError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samtal_draft::review::ReviewError;

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
    }
}
