//! Test harness: a real endpoint process on loopback with its own CA, database and sink.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use samtal_endpoint::config::Config;
use samtal_endpoint::db::Db;
use samtal_endpoint::pki::{Pki, Role};
use samtal_protocol::{EnrollRequest, EnrollResponse, EnrollmentCode};
use time::OffsetDateTime;

/// Where the endpoint keeps its notes in a test.
#[derive(Clone)]
pub enum Backend {
    Sqlite,
    /// URL of a fresh, empty PostgreSQL database.
    Postgres(String),
}

/// A configured endpoint (CA, config file, sink dir) that can be started and restarted.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
    pub config: Config,
    pub database_url: String,
}

pub struct Identity {
    pub cert_pem: String,
    pub key_pem: String,
    pub device_id: String,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Setup {
    pub fn new(backend: &Backend) -> Self {
        Self::with_limits(backend, 64 * 1024)
    }

    pub fn with_limits(backend: &Backend, max_note_bytes: usize) -> Self {
        Self::with_config(backend, max_note_bytes, "")
    }

    /// `extra` is appended to the config file, right after `[sinks.directory] path = "drop"`.
    pub fn with_config(backend: &Backend, max_note_bytes: usize, extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}/endpoint.db?mode=rwc", dir.path().display()),
            Backend::Postgres(url) => url.clone(),
        };
        let config_path = dir.path().join("endpoint.toml");
        std::fs::write(
            &config_path,
            format!(
                "listen = \"127.0.0.1:{}\"\nenroll_listen = \"127.0.0.1:{}\"\ndata_dir = \"data\"\n\
                 database_url = \"{database_url}\"\nmax_note_bytes = {max_note_bytes}\n\
                 delivery_lease_secs = 5\n\
                 [sinks.directory]\npath = \"drop\"\n{extra}",
                free_port(),
                free_port()
            ),
        )
        .unwrap();
        let config = Config::load(&config_path).unwrap();
        samtal_endpoint::admin::ca_init(&config, &["localhost".into(), "127.0.0.1".into()])
            .unwrap();
        Self {
            dir,
            config_path,
            config,
            database_url,
        }
    }

    pub fn pki(&self) -> Pki {
        Pki::load(&self.config.data_dir).unwrap()
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.config.listen.port())
    }

    pub fn enroll_url(&self) -> String {
        format!(
            "https://127.0.0.1:{}",
            self.config.enroll_listen.unwrap().port()
        )
    }

    pub fn sink_dir(&self) -> PathBuf {
        self.config.sinks.directory.as_ref().unwrap().path.clone()
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("endpoint.log")
    }

    pub async fn db(&self) -> Db {
        Db::connect(&self.database_url).await.unwrap()
    }

    /// Start `samtal-endpoint serve` and wait until it listens.
    pub fn start(&self) -> Server {
        self.start_with(&[])
    }

    /// [`start`](Self::start) with extra global options, e.g. `--log-format json`.
    pub fn start_with(&self, options: &[&str]) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_samtal-endpoint"))
            .args(options)
            .arg("serve")
            .arg("--config")
            .arg(&self.config_path)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.starts_with("listening"),
            "endpoint did not start: {line:?}; log: {}",
            std::fs::read_to_string(self.log_path()).unwrap_or_default()
        );
        Server { child }
    }

    /// A service certificate issued and recorded for `role`.
    pub async fn service_identity(&self, role: Role, name: &str) -> Identity {
        let now = OffsetDateTime::now_utc();
        let (issued, key_pem) = self
            .pki()
            .issue_client(
                name,
                role,
                now - time::Duration::minutes(5),
                now + time::Duration::days(1),
            )
            .unwrap();
        self.db()
            .await
            .record_cert(&issued.serial_hex, role, name, i64::MAX)
            .await
            .unwrap();
        Identity {
            cert_pem: issued.cert_pem,
            key_pem,
            device_id: name.into(),
        }
    }

    /// Enroll a device the way a phone does: one-time code, key pair and CSR made locally.
    pub async fn enroll_device(&self) -> (Identity, EnrollResponse) {
        let (_, code) = samtal_endpoint::admin::device_enroll(&self.config, "test phone", 10)
            .await
            .unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let csr = rcgen::CertificateParams::new(Vec::<String>::new())
            .unwrap()
            .serialize_request(&key)
            .unwrap()
            .pem()
            .unwrap();
        let response = self.post_enroll(&code, &csr).await;
        assert_eq!(response.status(), 201);
        let enrolled: EnrollResponse = response.json().await.unwrap();
        (
            Identity {
                cert_pem: enrolled.certificate_pem.clone(),
                key_pem: key.serialize_pem(),
                device_id: enrolled.device_id.clone(),
            },
            enrolled,
        )
    }

    pub async fn post_enroll(&self, code: &EnrollmentCode, csr_pem: &str) -> reqwest::Response {
        let client = samtal_endpoint::client::anonymous_client(&self.pki().ca_pem).unwrap();
        client
            .post(format!("{}/v1/enroll", self.enroll_url()))
            .json(&EnrollRequest {
                code: code.secret.clone(),
                csr_pem: csr_pem.into(),
            })
            .send()
            .await
            .unwrap()
    }

    /// PUTs `note` (its canonical JSON) as the phone behind `client` does.
    pub async fn put_note(
        &self,
        client: &reqwest::Client,
        note: &serde_json::Value,
    ) -> reqwest::Response {
        client
            .put(format!(
                "{}/v1/notes/{}",
                self.url(),
                note["note_id"].as_str().unwrap()
            ))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(note).unwrap())
            .send()
            .await
            .unwrap()
    }

    pub fn client(&self, identity: &Identity) -> reqwest::Client {
        samtal_endpoint::client::mtls_client(
            &self.pki().ca_pem,
            &identity.cert_pem,
            &identity.key_pem,
        )
        .unwrap()
    }

    /// Files in the directory sink (excluding temporary files).
    pub fn sink_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.sink_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    }

    /// Wait until the directory sink holds `n` files.
    pub async fn wait_for_sink(&self, n: usize) {
        for _ in 0..600 {
            if self.sink_files().len() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("sink has {} files, expected {n}", self.sink_files().len());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }
}

/// A running endpoint process, killed on drop.
pub struct Server {
    child: Child,
}

impl Server {
    /// SIGKILL: no chance to flush or clean up.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A throw-away PostgreSQL cluster started with scripts/pg-test-server.sh.
pub struct PgCluster {
    dir: tempfile::TempDir,
    pub url: String,
}

impl PgCluster {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let output = Command::new(script())
            .arg("start")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "could not start PostgreSQL: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let url = String::from_utf8(output.stdout).unwrap().trim().to_owned();
        Self { dir, url }
    }

    /// Create a fresh database and return its URL.
    pub async fn database(&self, name: &str) -> String {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let (server, _) = self.url.rsplit_once('/').unwrap();
        format!("{server}/{name}")
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-test-server.sh")
}
