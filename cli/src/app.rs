//! How every command gets at Samtal: the same `App` the phones run, over
//! `SAMTAL_DATA_DIR` with the desktop's key files. Nothing is assembled twice.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use samtal_core::app::{App, AppConfig};
use samtal_store::keyvault::FileKeyVault;
use samtal_store::retention::RetentionPolicy;

/// Where the data lives: `SAMTAL_DATA_DIR`, else `~/.local/share/samtal`.
pub fn data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SAMTAL_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").context("set SAMTAL_DATA_DIR (HOME is not set)")?;
    Ok(PathBuf::from(home).join(".local/share/samtal"))
}

/// The desktop key vault: key files under `<data dir>/keys`. This is less secure than
/// a phone's hardware keystore; the desktop harness is for development and testing.
pub fn vault() -> anyhow::Result<Arc<FileKeyVault>> {
    Ok(Arc::new(FileKeyVault::open(data_dir()?.join("keys"))?))
}

/// The app's configuration from the environment: the data directory and the retention
/// time (`SAMTAL_RETENTION_HOURS`, default 12); no model and the built-in templates
/// unless the command sets them.
pub fn config() -> anyhow::Result<AppConfig> {
    Ok(AppConfig {
        retention: retention_policy()?,
        ..AppConfig::new(data_dir()?)
    })
}

/// Opens the app with `config`. Retention runs first, so expired sessions are gone
/// before anything else is done.
pub fn open_with(config: AppConfig) -> anyhow::Result<App> {
    let app = App::open(config, vault()?)?;
    let expired = app.expired_on_open().len();
    if expired > 0 {
        eprintln!("retention: wiped {expired} expired session(s)");
    }
    Ok(app)
}

/// Opens the app for a command that does not record.
pub fn open() -> anyhow::Result<App> {
    open_with(config()?)
}

fn retention_policy() -> anyhow::Result<RetentionPolicy> {
    match std::env::var("SAMTAL_RETENTION_HOURS") {
        Ok(h) if !h.is_empty() => {
            let hours: f64 = h
                .parse()
                .ok()
                .filter(|h: &f64| h.is_finite() && *h > 0.0)
                .context("SAMTAL_RETENTION_HOURS must be a positive number of hours")?;
            Ok(RetentionPolicy {
                unapproved_max_age: Duration::from_secs_f64(hours * 3600.0),
            })
        }
        _ => Ok(RetentionPolicy::default()),
    }
}
