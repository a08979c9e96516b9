//! Shared by the phone-side tests: a real endpoint served in-process on loopback (optionally
//! with bankid-sim, optionally reached through a TCP proxy that stands in for the phone's
//! network), and a phone with its own encrypted store and an approved note.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use samtal_bankid::sim::{Scenario, SimConfig, SimPki, SimServer};
use samtal_endpoint::config::Config;
use samtal_endpoint::db::Db;
use samtal_store::keyvault::{KeyVault, MemoryKeyVault};
use samtal_store::Action;
use samtal_store::{ConsentDecision, InformedBy, SessionId, Store};
use samtal_sync::{outbox, DeviceIdentity, OutboxEntry, SyncClient};
use serde_json::{json, Value};

/// A worker on the endpoint's staff allow-list, a citizen, and someone who is neither.
pub const STAFF: &str = "197503159845";
pub const CITIZEN: &str = "191212121212";
pub const OUTSIDER: &str = "198112289874";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A free port for a listener that starts later (the phone's network coming up), below the
/// kernel's ephemeral range: a port [`free_port`] found free can meanwhile become the local
/// port of some outgoing connection, one below the range cannot.
pub fn port_for_later() -> u16 {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let ephemeral = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let (low, span) = (10_000u16, ephemeral.saturating_sub(10_000).max(1));
    // Spread by process and call, so test binaries running side by side rarely try the same.
    let seed = std::process::id() as usize * 7919;
    loop {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = low + ((seed + n * 104_729) % span as usize) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Waits until something listens on `port`; a server that stopped before it did fails the
/// test with its own error, and a loaded machine (the whole suite at once) gets 30 s.
fn wait_for<T: std::fmt::Debug>(
    port: u16,
    server: &tokio::runtime::Runtime,
    task: &mut tokio::task::JoinHandle<T>,
) {
    for _ in 0..600 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if task.is_finished() {
            let ended = server.block_on(task);
            panic!("the endpoint stopped before listening on {port}: {ended:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing listens on {port} after 30 s");
}

/// Polls `check` every 20 ms for up to `secs` seconds.
pub fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

#[derive(Default)]
pub struct Options {
    /// Configure `[bankid]` against an in-process bankid-sim whose orders wait for the test.
    pub bankid: bool,
    /// Phones reach the mutual-TLS listener through a [`Proxy`] (their "network").
    pub proxy: bool,
}

/// An endpoint with its own CA, SQLite database and directory sink.
pub struct Endpoint {
    /// Its configuration, CA and data; removed when the endpoint is dropped.
    _dir: tempfile::TempDir,
    pub config: Config,
    pub runtime: tokio::runtime::Runtime,
    pub sim: Option<SimServer>,
    pub proxy: Option<Proxy>,
    /// The runtime `serve` runs on.
    server: std::sync::Mutex<Option<tokio::runtime::Runtime>>,
}

impl Endpoint {
    pub fn new(options: Options) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (port, enroll_port) = (free_port(), free_port());
        let proxy = options.proxy.then(|| Proxy::new(port));
        let mut text = format!(
            "listen = \"127.0.0.1:{port}\"\nenroll_listen = \"127.0.0.1:{enroll_port}\"\n\
             data_dir = \"data\"\ndatabase_url = \"sqlite://{}/endpoint.db?mode=rwc\"\n",
            dir.path().display()
        );
        if let Some(proxy) = &proxy {
            text.push_str(&format!("public_url = \"{}\"\n", proxy.url()));
        }
        let sim = options.bankid.then(|| {
            let pki = SimPki::open_or_init(&dir.path().join("bankid-sim")).unwrap();
            let config = SimConfig {
                default_scenario: Scenario::Manual,
                ..SimConfig::default()
            };
            runtime
                .block_on(SimServer::start(
                    &pki,
                    config,
                    "127.0.0.1:0".parse().unwrap(),
                ))
                .unwrap()
        });
        text.push_str("[sinks.directory]\npath = \"drop\"\n");
        if let Some(sim) = &sim {
            text.push_str(&format!(
                "[bankid]\nenvironment = \"{}\"\nca_file = \"bankid-sim/ca.pem\"\n\
                 cert_file = \"bankid-sim/rp.pem\"\nkey_file = \"bankid-sim/rp.key\"\n\
                 collect_interval_ms = 50\n",
                sim.base_url()
            ));
        }
        let config_path = dir.path().join("endpoint.toml");
        std::fs::write(&config_path, text).unwrap();
        let config = Config::load(&config_path).unwrap();
        samtal_endpoint::admin::ca_init(&config, &[]).unwrap();
        let endpoint = Self {
            _dir: dir,
            config,
            runtime,
            sim,
            proxy,
            server: std::sync::Mutex::new(None),
        };
        if options.bankid {
            endpoint.allow_staff(STAFF);
        }
        endpoint
    }

    /// Serve in-process, on a runtime of its own, until the test ends or [`restart`].
    ///
    /// [`restart`]: Self::restart
    pub fn serve(&self) {
        let server = tokio::runtime::Runtime::new().unwrap();
        let mut task = server.spawn(samtal_endpoint::serve::serve(self.config.clone()));
        wait_for(self.config.listen.port(), &server, &mut task);
        wait_for(
            self.config.enroll_listen.unwrap().port(),
            &server,
            &mut task,
        );
        *self.server.lock().unwrap() = Some(server);
    }

    /// Stop serving (every task and listener) and serve again, as after `systemctl restart`.
    pub fn restart(&self) {
        if let Some(server) = self.server.lock().unwrap().take() {
            server.shutdown_timeout(Duration::from_secs(5));
        }
        self.serve();
    }

    pub fn enroll_url(&self) -> String {
        format!(
            "https://127.0.0.1:{}",
            self.config.enroll_listen.unwrap().port()
        )
    }

    /// Enroll `phone` with a fresh one-time code, the way `samtal enroll` does.
    pub fn enroll(&self, phone: &Phone) -> DeviceIdentity {
        let (_, code) = self
            .runtime
            .block_on(samtal_endpoint::admin::device_enroll(
                &self.config,
                "test phone",
                10,
            ))
            .unwrap();
        samtal_sync::enroll(
            &phone.store,
            phone.vault.as_ref(),
            &self.enroll_url(),
            &code.to_string(),
        )
        .unwrap()
    }

    pub fn db(&self) -> Db {
        self.runtime
            .block_on(Db::connect(&self.config.database_url()))
            .unwrap()
    }

    pub fn allow_staff(&self, personal_number: &str) {
        let db = self.db();
        self.runtime
            .block_on(db.set_staff(personal_number, true))
            .unwrap();
    }

    pub fn note_count(&self) -> i64 {
        let db = self.db();
        self.runtime.block_on(db.note_count()).unwrap()
    }

    pub fn sim(&self) -> &SimServer {
        self.sim.as_ref().expect("endpoint started with bankid")
    }

    pub fn proxy(&self) -> &Proxy {
        self.proxy.as_ref().expect("endpoint started with a proxy")
    }

    /// The file the directory sink wrote for `note_id`, once it is there.
    pub fn delivered(&self, note_id: &str) -> Value {
        let path = self.sink_dir().join(format!("{note_id}.json"));
        eventually(10, "the directory sink", || path.exists());
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
    }

    pub fn sink_dir(&self) -> PathBuf {
        self.config.sinks.directory.as_ref().unwrap().path.clone()
    }

    pub fn sink_files(&self) -> usize {
        std::fs::read_dir(self.sink_dir())
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "json")
                })
                .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        if let Some(server) = self.server.lock().unwrap().take() {
            server.shutdown_background();
        }
        if let Some(sim) = self.sim.take() {
            self.runtime.block_on(sim.shutdown());
        }
    }
}

/// A phone: encrypted store, key vault, data directory.
pub struct Phone {
    pub dir: tempfile::TempDir,
    pub vault: Arc<MemoryKeyVault>,
    pub store: Arc<Store>,
}

impl Phone {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = Arc::new(MemoryKeyVault::new());
        let store = Arc::new(Store::open(dir.path(), vault.as_ref()).unwrap());
        Self { dir, vault, store }
    }

    pub fn shared_vault(&self) -> Arc<dyn KeyVault> {
        self.vault.clone()
    }

    /// A session taken through consent, recording and review to an approved `note`.
    pub fn approved(&self, note: &Value) -> SessionId {
        let session = self.store.create_session().unwrap();
        self.store
            .record_consent(
                &session,
                ConsentDecision::Given,
                InformedBy::Verbal,
                "sv",
                "worker-1",
            )
            .unwrap();
        for action in [
            Action::StartRecording,
            Action::Stop,
            Action::FinishTranscription,
            Action::Draft,
            Action::OpenReview,
            Action::Approve,
        ] {
            self.store.transition(&session, action).unwrap();
        }
        self.store.save_note(&session, note).unwrap();
        session
    }

    /// An approved note put into the outbox; returns its session and note id.
    pub fn queue(&self, note: &Value) -> (SessionId, String) {
        let session = self.approved(note);
        let note_id = outbox::enqueue(&self.store, &session).unwrap();
        (session, note_id)
    }

    pub fn sync_client(&self) -> SyncClient {
        SyncClient::new(self.store.clone(), self.vault.clone()).unwrap()
    }

    pub fn entry(&self, note_id: &str) -> OutboxEntry {
        outbox::list(&self.store)
            .unwrap()
            .into_iter()
            .find(|e| e.note_id == note_id)
            .unwrap()
    }

    /// True while the session and its note are still on the phone.
    pub fn still_has_note(&self, session: &SessionId) -> bool {
        self.store
            .load_note::<Value>(session)
            .is_ok_and(|n| n.is_some())
    }
}

/// A fresh synthetic note (fictional content).
pub fn new_note(seq: usize) -> Value {
    samtal_endpoint::bench::synthetic_note(&uuid::Uuid::new_v4().to_string(), seq)
}

/// A note of about `bytes` bytes: the synthetic note with more planning items.
pub fn large_note(bytes: usize) -> Value {
    let mut note = new_note(1);
    let items = note["sections"][3]["items"].as_array_mut().unwrap();
    let mut n = 0;
    while serde_json::to_vec(items).unwrap().len() < bytes {
        n += 1;
        items.push(json!({
            "text": format!("Uppföljningspunkt {n}: hemtjänstens insatser ses över tillsammans med den enskilde och anhöriga vid nästa besök."),
            "citations": [{"segment": 9, "start_ms": 40000, "end_ms": 43000}]
        }));
    }
    samtal_protocol::note::seal(&mut note);
    note
}

/// What the proxy does with the endpoint's replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Forward,
    /// Forward the phone's bytes but drop the endpoint's once the phone has sent more than
    /// this many bytes on a connection (past the handshake, into the request body): the
    /// endpoint gets the whole request, the phone never sees the answer.
    SwallowRepliesAfter(usize),
}

/// The phone's network: down until [`Proxy::up`], then a TCP relay to the endpoint whose
/// open connections can be cut.
pub struct Proxy {
    pub port: u16,
    target: u16,
    mode: Arc<Mutex<Mode>>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    pub fn new(target: u16) -> Self {
        Self {
            port: port_for_later(),
            target,
            mode: Arc::new(Mutex::new(Mode::Forward)),
            open: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// The network comes up: start relaying.
    pub fn up(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).unwrap();
        let (target, mode, open) = (self.target, self.mode.clone(), self.open.clone());
        std::thread::spawn(move || {
            for phone in listener.incoming() {
                let Ok(phone) = phone else { continue };
                let Ok(endpoint) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                relay(phone, endpoint, mode.clone(), &open);
            }
        });
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Cut every open connection in both directions.
    pub fn cut(&self) {
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn relay(
    phone: TcpStream,
    endpoint: TcpStream,
    mode: Arc<Mutex<Mode>>,
    open: &Mutex<Vec<TcpStream>>,
) {
    open.lock()
        .unwrap()
        .extend([phone.try_clone().unwrap(), endpoint.try_clone().unwrap()]);
    let sent = Arc::new(AtomicUsize::new(0));
    let (mut from_phone, mut to_endpoint) =
        (phone.try_clone().unwrap(), endpoint.try_clone().unwrap());
    let counter = sent.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from_phone.read(&mut buf) {
            if n == 0 || to_endpoint.write_all(&buf[..n]).is_err() {
                break;
            }
            counter.fetch_add(n, Ordering::SeqCst);
        }
        let _ = to_endpoint.shutdown(Shutdown::Write);
    });
    let (mut from_endpoint, mut to_phone) = (endpoint, phone);
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from_endpoint.read(&mut buf) {
            if n == 0 {
                break;
            }
            let swallow = match *mode.lock().unwrap() {
                Mode::SwallowRepliesAfter(limit) => sent.load(Ordering::SeqCst) > limit,
                Mode::Forward => false,
            };
            if !swallow && to_phone.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to_phone.shutdown(Shutdown::Write);
    });
}
