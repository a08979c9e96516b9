//! Files and directories the endpoint writes are its own: 0700 directories and 0600 files,
//! set explicitly so the result does not depend on the umask it was started with. The drop
//! directory of the case system is the one exception, with a configured mode and group.

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::Context;

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Create `dir` (and missing parents) and give it `mode`, also if it already existed.
pub fn dir_with_mode(dir: &Path, mode: u32) -> anyhow::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    std::fs::set_permissions(dir, Permissions::from_mode(mode))
        .with_context(|| format!("setting the mode of {}", dir.display()))
}

/// A directory only the endpoint's user can enter.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    dir_with_mode(dir, DIR_MODE)
}

/// Write `bytes` to `path` (replacing it) with `mode`, synced to disk.
pub fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.set_permissions(Permissions::from_mode(mode))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// Create `path` with `mode` and hold an exclusive lock on it until the returned file is
/// dropped: a lock that can be taken on such a file means its writer is gone (the kernel
/// drops a killed process's locks), see `outbox::sweep_abandoned`.
pub fn create_locked(path: &Path, mode: u32) -> anyhow::Result<std::fs::File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.lock()?;
    file.set_permissions(Permissions::from_mode(mode))?;
    Ok(file)
}

/// Write a file only the endpoint's user can read.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_with_mode(path, bytes, FILE_MODE)
}

/// Before SQLite opens `db`: create it 0600 in a 0700 directory, and make an existing
/// database and its WAL and shared-memory files 0600. SQLite gives the WAL and shared-memory
/// files it creates the database file's mode.
pub fn prepare_sqlite(db: &Path) -> anyhow::Result<()> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            private_dir(dir)?;
        }
    }
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(FILE_MODE)
        .open(db)
        .with_context(|| format!("creating {}", db.display()))?;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let path = Path::new(&format!("{}{suffix}", db.display())).to_path_buf();
        match std::fs::set_permissions(&path, Permissions::from_mode(FILE_MODE)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("restricting {}", path.display())),
        }
    }
    Ok(())
}

/// The group id of `group`, a group name or a number.
pub fn group_id(group: &str) -> anyhow::Result<u32> {
    if let Ok(gid) = group.parse::<u32>() {
        return Ok(gid);
    }
    let name = std::ffi::CString::new(group).context("a group name has no NUL byte")?;
    let mut entry: libc::group = unsafe { std::mem::zeroed() };
    let mut buf = vec![0u8; 16 * 1024];
    let mut found: *mut libc::group = std::ptr::null_mut();
    // SAFETY: every pointer refers to a live local of the stated size.
    let rc = unsafe {
        libc::getgrnam_r(
            name.as_ptr(),
            &mut entry,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut found,
        )
    };
    anyhow::ensure!(
        rc == 0 && !found.is_null(),
        "no group named {group} on this system (give a group name or a numeric gid)"
    );
    Ok(entry.gr_gid)
}

/// Hand `path` to group `gid`, keeping its owner.
pub fn set_group(path: &Path, gid: u32) -> anyhow::Result<()> {
    std::os::unix::fs::chown(path, None, Some(gid))
        .with_context(|| format!("giving {} to group {gid}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn modes_are_set_whatever_existed_before() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::set_permissions(&sub, Permissions::from_mode(0o755)).unwrap();
        private_dir(&sub).unwrap();
        assert_eq!(std::fs::metadata(&sub).unwrap().mode() & 0o777, 0o700);
        let file = sub.join("f");
        std::fs::write(&file, b"old").unwrap();
        std::fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        write_private(&file, b"new").unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        assert_eq!(group_id("0").unwrap(), 0);
        assert_eq!(group_id("root").unwrap(), 0);
        assert!(group_id("no-such-group-samtal").is_err());
    }
}
