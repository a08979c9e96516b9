//! The database is unreadable without its key, and bad keys or foreign files are clear
//! errors that change nothing on disk.
use crate::common;

use std::sync::Arc;

use samtal_store::keyvault::{FileKeyVault, KeyVault, MemoryKeyVault, SecretKey};
use samtal_store::{Store, StoreError, DB_FILE, DB_KEY_ALIAS};
use sha2::{Digest, Sha256};

fn digest(path: &std::path::Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn database_cannot_be_opened_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _vault, _clock) = common::open_store(dir.path());
    let id = store.create_session().unwrap();
    drop(store);
    let db = dir.path().join(DB_FILE);
    let before = digest(&db);
    let raw = std::fs::read(&db).unwrap();
    assert!(
        !raw.starts_with(b"SQLite format 3"),
        "database header is plain"
    );

    // A vault without the key: refused, nothing created or changed.
    let empty = MemoryKeyVault::new();
    let err = Store::open(dir.path(), &empty).err().unwrap();
    assert!(matches!(err, StoreError::KeyMissing { .. }), "{err}");
    assert!(empty.get(DB_KEY_ALIAS).unwrap().is_none());

    // A vault with another key: refused as wrong key.
    let wrong = MemoryKeyVault::new();
    wrong.get_or_create(DB_KEY_ALIAS).unwrap();
    let err = Store::open(dir.path(), &wrong).err().unwrap();
    assert!(
        matches!(err, StoreError::WrongKeyOrNotADatabase { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was changed"));

    // Plain SQLite access (no key) cannot read it either.
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert!(conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
        .is_err());
    drop(conn);
    assert_eq!(
        digest(&db),
        before,
        "a failed open must not modify the file"
    );
    assert!(!dir.path().join(format!("{DB_FILE}-journal")).exists());
    let _ = id;
}

#[test]
fn the_right_key_reopens_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let vault = FileKeyVault::open(dir.path().join("keys")).unwrap();
    let store = Store::open(dir.path(), &vault).unwrap();
    let id = store.create_session().unwrap();
    let device = store.device_id().to_string();
    drop(store);
    let vault = FileKeyVault::open(dir.path().join("keys")).unwrap();
    let store = Store::open(dir.path(), &vault).unwrap();
    assert_eq!(store.sessions().unwrap()[0].id, id);
    assert_eq!(store.device_id(), device);
}

#[test]
fn a_foreign_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    std::fs::write(&db, b"these are somebody's holiday photos, not a database").unwrap();
    let before = digest(&db);
    let vault = MemoryKeyVault::new();
    vault.get_or_create(DB_KEY_ALIAS).unwrap();
    let err = Store::open(dir.path(), &vault).err().unwrap();
    assert!(
        matches!(err, StoreError::WrongKeyOrNotADatabase { .. }),
        "{err}"
    );
    assert_eq!(digest(&db), before);

    // An unencrypted SQLite database is not ours either.
    std::fs::remove_file(&db).unwrap();
    let plain = rusqlite::Connection::open(&db).unwrap();
    plain
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(plain);
    let before = digest(&db);
    let err = Store::open(dir.path(), &vault).err().unwrap();
    assert!(
        matches!(err, StoreError::WrongKeyOrNotADatabase { .. }),
        "{err}"
    );
    assert_eq!(digest(&db), before);
}

#[test]
fn schema_is_migrated_and_hardened() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemoryKeyVault::new());
    let store = Store::open(dir.path(), vault.as_ref()).unwrap();
    drop(store);
    // Open with the raw key to inspect what the store set up.
    let key = vault.get(DB_KEY_ALIAS).unwrap().unwrap();
    let conn = keyed(&dir.path().join(DB_FILE), &key);
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(version >= 2);
    for table in [
        "sessions",
        "consents",
        "spool_chunks",
        "segments",
        "drafts",
        "participants",
        "notes",
        "receipts",
        "audit_events",
    ] {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{table}");
    }
    // Reopening applies nothing twice.
    drop(conn);
    Store::open(dir.path(), vault.as_ref()).unwrap();
}

pub fn keyed(path: &std::path::Path, key: &SecretKey) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\";",
        hex::encode(key.expose())
    ))
    .unwrap();
    conn
}
