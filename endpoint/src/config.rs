//! The endpoint's configuration file (TOML). Relative paths are relative to the file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// `serve --config FILE` and every admin command read this.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Mutual-TLS listener for devices, case systems and monitoring.
    pub listen: SocketAddr,
    /// Server-authenticated TLS listener that only serves enrollment (phones have no
    /// certificate yet). Omit to disable enrollment over the network.
    pub enroll_listen: Option<SocketAddr>,
    /// URL phones use to reach `listen` (given to them at enrollment); defaults to
    /// `https://<listen>`.
    pub public_url: Option<String>,
    /// Holds the CA, the server and receipt keys, and the default SQLite database.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; the `DATABASE_URL` environment variable overrides it.
    pub database_url: Option<String>,
    /// Largest accepted note body in bytes.
    #[serde(default = "default_max_note_bytes")]
    pub max_note_bytes: usize,
    /// Validity of device certificates issued at enrollment.
    #[serde(default = "default_device_cert_days")]
    pub device_cert_days: i64,
    #[serde(default)]
    pub sinks: Sinks,
    #[serde(default)]
    pub limits: Limits,
    /// How long an instance's claim on an outbox row lasts: another instance on the same
    /// database takes the row over once a claim has run out (e.g. the instance was killed).
    #[serde(default = "default_delivery_lease_secs")]
    pub delivery_lease_secs: u64,
    /// BankID sign-in of workers and citizen signing; without it no session is required.
    pub bankid: Option<crate::auth::BankIdSettings>,
}

/// Connection budgets and timeouts. The defaults fit a file-descriptor limit of 1,024 with
/// room for the database, sinks and logs; `serve` refuses budgets the limit cannot hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Open connections on the mutual-TLS listener (phones, case systems, monitoring).
    pub max_connections: usize,
    /// Open connections on the enrollment listener: kept small, so anonymous clients can
    /// never take the capacity reserved for phones. Connections over a budget are closed
    /// at once.
    pub max_enroll_connections: usize,
    /// Time for a client to complete the TLS handshake.
    pub handshake_timeout_secs: u64,
    /// Time from the handshake to the first complete request head, whatever the protocol
    /// (HTTP/1 or HTTP/2); also the limit for each later request head on HTTP/1.
    pub first_request_timeout_secs: u64,
    /// A connection with no request in progress is closed after this long (HTTP/1
    /// keep-alive and HTTP/2 alike).
    pub idle_timeout_secs: u64,
    /// Longest time one request may take, body included.
    pub request_timeout_secs: u64,
    /// Failed enrollment codes one address (an IPv6 /64) may send per window before it gets
    /// `429 Too Many Requests` with `Retry-After`.
    pub enroll_failures_per_address: u32,
    pub enroll_failure_window_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            max_enroll_connections: 64,
            handshake_timeout_secs: 10,
            first_request_timeout_secs: 10,
            idle_timeout_secs: 60,
            request_timeout_secs: 60,
            enroll_failures_per_address: 10,
            enroll_failure_window_secs: 600,
        }
    }
}

fn default_delivery_lease_secs() -> u64 {
    30
}

/// Where received notes are delivered (each note to every configured sink).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sinks {
    pub directory: Option<DirectorySink>,
    pub webhook: Option<WebhookSink>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorySink {
    pub path: PathBuf,
    /// Mode of the drop directory (TOML octal, e.g. `0o750` for a case-system group).
    #[serde(default = "default_drop_dir_mode")]
    pub dir_mode: u32,
    /// Mode of each delivered file (e.g. `0o640`).
    #[serde(default = "default_drop_file_mode")]
    pub file_mode: u32,
    /// Group (name or gid) given the drop directory and its files, for the case system.
    pub group: Option<String>,
}

fn default_drop_dir_mode() -> u32 {
    crate::owner_only::DIR_MODE
}

fn default_drop_file_mode() -> u32 {
    crate::owner_only::FILE_MODE
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSink {
    pub url: String,
    /// Extra CA (PEM) trusted for the webhook's HTTPS, e.g. the case system's internal CA.
    pub ca_file: Option<PathBuf>,
    #[serde(default = "default_webhook_timeout")]
    pub timeout_secs: u64,
}

fn default_max_note_bytes() -> usize {
    256 * 1024
}

fn default_device_cert_days() -> i64 {
    365
}

fn default_webhook_timeout() -> u64 {
    10
}

impl Config {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).with_context(|| format!("parsing config {}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.data_dir = base.join(&config.data_dir);
        if let Some(bankid) = &mut config.bankid {
            bankid.resolve_paths(base);
        }
        if let Some(dir) = &mut config.sinks.directory {
            dir.path = base.join(&dir.path);
            anyhow::ensure!(
                dir.dir_mode & !0o770 == 0 && dir.file_mode & !0o660 == 0,
                "{}: [sinks.directory] dir_mode and file_mode may give rights to the owner and \
                 the group only (e.g. dir_mode = 0o750, file_mode = 0o640): notes are never \
                 world-readable",
                path.display()
            );
        }
        if let Some(hook) = &mut config.sinks.webhook {
            if let Some(ca) = &mut hook.ca_file {
                *ca = base.join(&*ca);
            }
        }
        Ok(config)
    }

    /// `DATABASE_URL` if set, else the config's `database_url`, else SQLite in the data dir.
    pub fn database_url(&self) -> String {
        std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(|| self.database_url.clone())
            .unwrap_or_else(|| {
                format!(
                    "sqlite://{}?mode=rwc",
                    self.data_dir.join("endpoint.db").display()
                )
            })
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("https://{}", self.listen))
    }

    /// Names of the configured sinks, as recorded per note in the delivery outbox.
    pub fn sink_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.sinks.directory.is_some() {
            names.push(crate::outbox::DIRECTORY);
        }
        if self.sinks.webhook.is_some() {
            names.push(crate::outbox::WEBHOOK);
        }
        names
    }
}
