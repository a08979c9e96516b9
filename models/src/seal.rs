//! Sealed install records: after a model file has been hashed and found right, a record of
//! its checksum and of its identity on disk (device, inode, size, modification and change
//! times) is kept beside it, authenticated with an HMAC under a key from the app's key
//! vault. Later loads that find the record intact and the file unchanged skip re-hashing
//! the whole file.
//!
//! Why this is sound: without the key nobody can write a record that verifies, and the
//! file cannot be changed without changing its change time (ctime), which unprivileged
//! code cannot set back (unlike mtime). Copying, restoring or replacing the file gives it
//! a new inode or ctime, so the next load hashes it again. The identity is taken before
//! hashing and must be the same after it, and a file changed in the last two seconds is
//! not sealed (file times are only as fine as the kernel's clock tick), so a change made
//! while it was being hashed cannot hide behind the record. A record only says "this file
//! hashed to this value"; whether that value is right is decided against the manifest
//! every time. What it does not catch is damage below the file system (flash wear):
//! `samtal models verify` re-hashes everything.
use crate::error::{ModelError, Result};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::path::{Path, PathBuf};

const VERSION: u32 = 1;

/// A key for sealing install records (32 bytes from the app's key vault).
pub struct SealKey(zeroize::Zeroizing<[u8; 32]>);

impl SealKey {
    pub fn new(bytes: [u8; 32]) -> SealKey {
        SealKey(zeroize::Zeroizing::new(bytes))
    }
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(<redacted>)")
    }
}

/// The file's identity on disk; any write, replacement or copy changes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

/// A file changed more recently than this is not sealed.
const SETTLE_NS: i128 = 2_000_000_000;

#[cfg(unix)]
pub fn identity(path: &Path) -> Result<Identity> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).map_err(ModelError::io(path))?;
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    Ok(Identity {
        dev: m.dev(),
        ino: m.ino(),
        size: m.size(),
        mtime_ns: ns(m.mtime(), m.mtime_nsec()),
        ctime_ns: ns(m.ctime(), m.ctime_nsec()),
    })
}

/// Without a change time that programs cannot set, nothing can be sealed.
#[cfg(not(unix))]
pub fn identity(path: &Path) -> Result<Identity> {
    Err(ModelError::Io {
        path: path.into(),
        source: std::io::Error::other("sealed install records need a Unix file system"),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    version: u32,
    file: String,
    identity: Identity,
    sha256: String,
    mac: String,
}

fn record_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".seal");
    path.with_file_name(name)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn mac(key: &SealKey, r: &Record) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.0.as_slice()).expect("any key length");
    let i = &r.identity;
    let text = format!(
        "samtal-model-seal\n{}\n{}\n{} {} {} {} {}\n{}\n",
        r.version, r.file, i.dev, i.ino, i.size, i.mtime_ns, i.ctime_ns, r.sha256
    );
    m.update(text.as_bytes());
    m
}

/// The checksum sealed for `path`, if an authentic record exists and the file is still the
/// one that was hashed. A missing, unreadable, forged or foreign record (another key,
/// another file) is no record, and neither is one for a file changed since.
pub fn read(path: &Path, key: &SealKey) -> Option<String> {
    let bytes = std::fs::read(record_path(path)).ok()?;
    let record: Record = serde_json::from_slice(&bytes).ok()?;
    let tag = hex::decode(&record.mac).ok()?;
    if record.version != VERSION || record.file != file_name(path) {
        return None;
    }
    mac(key, &record).verify_slice(&tag).ok()?;
    let now = identity(path).ok()?;
    (now == record.identity).then_some(record.sha256)
}

/// Seals `path`, hashed to `sha256` while its identity was `before`; returns whether it
/// did. Nothing is sealed if the file changed meanwhile or too recently.
pub fn write(path: &Path, key: &SealKey, before: &Identity, sha256: &str) -> Result<bool> {
    let now = identity(path)?;
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    if now != *before || clock - now.ctime_ns < SETTLE_NS {
        return Ok(false);
    }
    let mut record = Record {
        version: VERSION,
        file: file_name(path),
        identity: now,
        sha256: sha256.to_string(),
        mac: String::new(),
    };
    record.mac = hex::encode(mac(key, &record).finalize().into_bytes());
    let json = serde_json::to_vec_pretty(&record).expect("a seal serializes");
    let target = record_path(path);
    let dir = target.parent().unwrap_or(Path::new("."));
    crate::store::write_atomically(dir, &file_name(&target), |w| {
        std::io::Write::write_all(w, &json)
    })?;
    Ok(true)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_an_authentic_record_of_an_unchanged_file_counts() {
        let dir = tempfile::tempdir().unwrap();
        let (model, other) = (dir.path().join("m.bin"), dir.path().join("n.bin"));
        std::fs::write(&model, b"weights").unwrap();
        std::fs::write(&other, b"weights").unwrap();
        let key = SealKey::new([1; 32]);
        let before = identity(&model).unwrap();
        assert!(!write(&model, &key, &before, "abc").unwrap(), "too fresh");
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let before = identity(&model).unwrap();
        assert!(write(&model, &key, &before, "abc").unwrap());
        assert_eq!(read(&model, &key).as_deref(), Some("abc"));
        assert_eq!(read(&model, &SealKey::new([2; 32])), None, "another key");

        // A record copied to another file, or edited, is no record.
        let record = std::fs::read_to_string(record_path(&model)).unwrap();
        std::fs::write(record_path(&other), &record).unwrap();
        assert_eq!(read(&other, &key), None);
        std::fs::write(record_path(&model), record.replace("\"abc\"", "\"abd\"")).unwrap();
        assert_eq!(read(&model, &key), None);
        std::fs::write(record_path(&model), &record).unwrap();
        assert_eq!(read(&model, &key).as_deref(), Some("abc"));

        // Setting the modification time back to what it was still changes the ctime.
        let mtime = std::fs::metadata(&model).unwrap().modified().unwrap();
        let f = std::fs::File::options().write(true).open(&model).unwrap();
        f.set_modified(mtime).unwrap();
        assert_eq!(read(&model, &key), None);

        // A file that changes while it is hashed is not sealed.
        let before = identity(&other).unwrap();
        std::fs::write(&other, b"changed").unwrap();
        assert!(!write(&other, &key, &before, "abc").unwrap());
    }
}
