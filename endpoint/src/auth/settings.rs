//! The `[bankid]` section of the endpoint's configuration file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use samtal_bankid::{BankIdClient, ClientIdentity, Environment, PinnedCa};
use serde::Deserialize;

/// How the endpoint reaches BankID. Without this section notes are accepted without a
/// worker session (and receipts carry no author).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankIdSettings {
    /// `production`, `test`, or the base URL of another RP API (e.g. a bankid-sim).
    pub environment: String,
    /// PEM of the CA BankID's server certificate must chain to (the only one trusted).
    pub ca_file: PathBuf,
    /// RP certificate and key as PEM files …
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// … or as PKCS#12 (e.g. BankID's FPTestcert5_20240610.p12).
    pub p12_file: Option<PathBuf>,
    pub p12_password: Option<String>,
    /// Lifetime of a worker session.
    #[serde(default = "default_session_hours")]
    pub session_hours: u64,
    /// How often BankID is collected per order (BankID asks for 2 s).
    #[serde(default = "default_collect_interval_ms")]
    pub collect_interval_ms: u64,
    /// `endUserIp` sent to BankID when the phone's address is not known.
    #[serde(default = "default_end_user_ip")]
    pub end_user_ip: String,
}

fn default_session_hours() -> u64 {
    10
}

fn default_collect_interval_ms() -> u64 {
    2000
}

fn default_end_user_ip() -> String {
    "127.0.0.1".into()
}

impl BankIdSettings {
    /// Resolves relative paths against the configuration file's directory.
    pub fn resolve_paths(&mut self, base: &Path) {
        for path in [
            Some(&mut self.ca_file),
            self.cert_file.as_mut(),
            self.key_file.as_mut(),
            self.p12_file.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            *path = base.join(&*path);
        }
    }

    /// The BankID client these settings describe.
    pub fn client(&self) -> anyhow::Result<BankIdClient> {
        let identity = match (&self.cert_file, &self.key_file, &self.p12_file) {
            (Some(cert), Some(key), None) => ClientIdentity::from_pem_files(cert, key)?,
            (None, None, Some(p12)) => ClientIdentity::from_pkcs12_file(
                p12,
                self.p12_password.as_deref().unwrap_or_default(),
            )?,
            _ => anyhow::bail!(
                "[bankid] needs either cert_file and key_file, or p12_file (with p12_password)"
            ),
        };
        let ca = PinnedCa::from_pem_file(&self.ca_file)
            .with_context(|| format!("[bankid] ca_file {}", self.ca_file.display()))?;
        Ok(BankIdClient::new(
            &Environment::parse(&self.environment),
            &identity,
            &ca,
        )?)
    }

    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_hours * 3600)
    }

    pub fn collect_interval(&self) -> Duration {
        Duration::from_millis(self.collect_interval_ms)
    }
}
