//! The desktop's advice for errors whose messages the phone also shows, and which
//! therefore name no commands: the CLI adds the command that helps.
use samtal_asr::TranscribeError;
use samtal_core::app::AppError;
use samtal_core::review_flow::FlowError;
use samtal_store::StoreError;
use samtal_sync::login::LoginError;
use samtal_sync::SyncError;

/// The command that helps with `error`, if one does.
pub fn for_error(error: &anyhow::Error) -> Option<&'static str> {
    error.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<AppError>() {
            app(e)
        } else if let Some(e) = cause.downcast_ref::<StoreError>() {
            store(e)
        } else if let Some(e) = cause.downcast_ref::<TranscribeError>() {
            transcribe(e)
        } else {
            None
        }
    })
}

fn app(e: &AppError) -> Option<&'static str> {
    match e {
        AppError::Store(e) => store(e),
        AppError::Sync(e) => sync(e),
        AppError::Login(e) => login(e),
        AppError::Transcribe(e) => transcribe(e),
        AppError::Flow(FlowError::NoDraft(_)) => {
            Some("draft it with `samtal review draft SESSION --template ID`")
        }
        AppError::NoModel => Some("fetch one with `samtal models fetch`"),
        _ => None,
    }
}

fn store(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::KeyMissing { .. } => Some("`samtal wipe` removes the unreadable data"),
        StoreError::InvalidInput {
            field: "session id",
            ..
        }
        | StoreError::UnknownSession(_) => Some("`samtal sessions` lists the sessions"),
        _ => None,
    }
}

fn sync(e: &SyncError) -> Option<&'static str> {
    match e {
        SyncError::NotEnrolled => Some("enroll with `samtal enroll --endpoint URL --code CODE`"),
        SyncError::LoginRequired => Some("sign in with `samtal login`"),
        _ => None,
    }
}

fn login(e: &LoginError) -> Option<&'static str> {
    match e {
        LoginError::NotEnrolled => Some("enroll with `samtal enroll --endpoint URL --code CODE`"),
        LoginError::SignInRequired => Some("sign in with `samtal login`"),
        _ => None,
    }
}

fn transcribe(e: &TranscribeError) -> Option<&'static str> {
    match e {
        TranscribeError::ModelLoad { .. } => {
            Some("check the model with `samtal models verify`, fetch it with `samtal models fetch`")
        }
        _ => None,
    }
}
