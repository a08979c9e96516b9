//! Wiping the phone: every local trace of the user goes, and the worker's sign-in is
//! revoked at the endpoint first when the endpoint answers in time; nothing waits longer.
use std::path::Path;
use std::time::Duration;

use samtal_store::keyvault::KeyVault;
use samtal_store::{retention, Store};
use samtal_sync::enroll::TLS_KEY_ALIAS;
use samtal_sync::login::{self, token, SignedOut};

use super::Result;

/// The most a wipe waits for the endpoint to revoke the sign-in.
const SIGN_OUT_WITHIN: Duration = Duration::from_secs(5);

/// Best effort: revokes the stored sign-in at the endpoint; any failure is reported in the
/// outcome, never as an error, because the wipe must go on.
pub(super) fn sign_out(store: &Store, vault: &dyn KeyVault) -> SignedOut {
    login::sign_out_within(store, vault, SIGN_OUT_WITHIN).unwrap_or_else(SignedOut::NotRevoked)
}

/// Removes the sealed sign-in and its key, the device identity's sealing key, the key that
/// seals model install records (not the user's, but a wipe leaves no key of the app; the
/// next start re-hashes the model once), the database (and its journals), the audio spool
/// and the database key.
pub(super) fn local_data(data_dir: &Path, vault: &dyn KeyVault) -> Result<()> {
    token::clear(data_dir, vault)?;
    vault.delete(TLS_KEY_ALIAS)?;
    vault.delete(super::model::SEAL_KEY_ALIAS)?;
    retention::wipe_all(data_dir, vault)?;
    Ok(())
}
