//! Retention: nothing stays on the phone longer than it must. Sessions that were never
//! approved are wiped after a set time (default 12 hours); finished sessions leave only
//! their receipt (see `Store::purge_session_keep_receipt`); `wipe_all` removes every
//! local trace, keys included.
use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::keyvault::KeyVault;
use crate::{SessionId, SessionState, Store, StoreError, DB_FILE, DB_KEY_ALIAS};

/// How long unapproved sessions may stay on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Age (from creation) after which a session that was not approved is wiped.
    pub unapproved_max_age: Duration,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            unapproved_max_age: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// Wipes every session that is past its time: unapproved sessions (including withdrawn
/// and discarded ones, whose content is already gone) older than the policy allows.
/// Approved and queued sessions are kept: they are waiting for delivery. Returns the
/// sessions wiped.
pub fn enforce(store: &Store, policy: &RetentionPolicy) -> Result<Vec<SessionId>, StoreError> {
    let cutoff = store.now_ms() - policy.unapproved_max_age.as_millis() as i64;
    let expired: Vec<SessionId> = store
        .sessions()?
        .into_iter()
        .filter(|s| {
            (s.state.is_before_approval()
                || matches!(s.state, SessionState::Withdrawn | SessionState::Discarded))
                && s.created_at <= cutoff
        })
        .map(|s| s.id)
        .collect();
    for id in &expired {
        store.wipe_session(id, "retention")?;
    }
    if !expired.is_empty() {
        tracing::info!(sessions = expired.len(), "retention wiped expired sessions");
    }
    Ok(expired)
}

/// Removes all local data in `data_dir`: the database (and its journals), the audio spool
/// and the database key. Works even when the database can no longer be opened.
pub fn wipe_all(data_dir: &Path, vault: &dyn KeyVault) -> Result<(), StoreError> {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let path = data_dir.join(format!("{DB_FILE}{suffix}"));
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io(&path)(e)),
        }
    }
    let spool = data_dir.join("spool");
    match fs::remove_dir_all(&spool) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(StoreError::io(&spool)(e)),
    }
    vault.delete(DB_KEY_ALIAS)?;
    crate::keyvault::sync_dir(data_dir);
    tracing::info!("all local data wiped");
    Ok(())
}
