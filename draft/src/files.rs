//! Reading the files a municipality or an evaluator points the drafter at (templates,
//! language data, meetings): only regular files, and only up to a size limit, so a FIFO,
//! a device such as `/dev/zero` or a runaway file gives a clear error instead of a hang
//! or an exhausted memory.
use std::io::Read;
use std::path::Path;

/// Why a file could not be read. Names the file, never its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {file}: {message}")]
    Io { file: String, message: String },
    #[error("{file} is not a regular file (a directory, device or pipe); give the path of a file")]
    NotRegular { file: String },
    #[error("{file} is larger than {limit} bytes, more than such a file can be; check that it is the right file")]
    TooLarge { file: String, limit: u64 },
    #[error("{file} is not UTF-8 text")]
    NotText { file: String },
}

/// Templates and language data files are small; this is far above any real one.
pub const MAX_DATA_FILE: u64 = 1 << 20;

/// Reads `path` as UTF-8 text if it is a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<String, FileError> {
    let file = path.display().to_string();
    let io = |e: std::io::Error| FileError::Io {
        file: file.clone(),
        message: e.kind().to_string(),
    };
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular { file });
    }
    if meta.len() > limit {
        return Err(FileError::TooLarge { file, limit });
    }
    let handle = std::fs::File::open(path).map_err(io)?;
    if !handle.metadata().map_err(io)?.is_file() {
        return Err(FileError::NotRegular { file });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow after the check: never read more than the limit.
    handle.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { file, limit });
    }
    String::from_utf8(bytes).map_err(|_| FileError::NotText { file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_bounded(&p, 100).unwrap(), "x = 1\n");
        assert!(matches!(
            read_bounded(&p, 3),
            Err(FileError::TooLarge { limit: 3, .. })
        ));
    }

    #[test]
    fn devices_directories_and_pipes_are_refused_at_once() {
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 100),
            Err(FileError::NotRegular { .. })
        ));
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_bounded(dir.path(), 100),
            Err(FileError::NotRegular { .. })
        ));
        let fifo = dir.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read_bounded(&fifo, 100),
                Err(FileError::NotRegular { .. })
            ));
        }
    }
}
