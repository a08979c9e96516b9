//! The phone side of BankID against a real endpoint and bankid-sim over mutual TLS: worker
//! sign-in (progress, sealed session, cancel, not on the staff list, expiry, logout, revoked
//! sessions), the citizen's signature of a note shown in its receipt, and a wipe that signs
//! the worker out.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::phone::{
    eventually, new_note, Endpoint, Mode, Options, Phone, CITIZEN, OUTSIDER, STAFF,
};
use samtal_core::app::{App, AppConfig};
use samtal_endpoint::admin::SessionTarget;
use samtal_store::keyvault::KeyVault;
use samtal_sync::login::{
    self, token, CitizenSignature, LoginClient, LoginError, LoginHandle, LoginObserver,
    LoginProgress, SignedOut, SigningHandle, SigningObserver, WorkerSession,
};
use samtal_sync::{Backoff, OutboxStatus, SyncClient, SyncError};

const INTERVAL: Duration = Duration::from_millis(100);

/// Collects progress (with arrival times) and hands over the final result.
struct Recorder<T> {
    progress: Arc<Mutex<Vec<(Instant, LoginProgress)>>>,
    done: Mutex<mpsc::Sender<Result<T, LoginError>>>,
}

type Progress = Arc<Mutex<Vec<(Instant, LoginProgress)>>>;

fn recorder<T>() -> (Recorder<T>, Progress, mpsc::Receiver<Result<T, LoginError>>) {
    let progress = Progress::default();
    let (tx, rx) = mpsc::channel();
    (
        Recorder {
            progress: progress.clone(),
            done: Mutex::new(tx),
        },
        progress,
        rx,
    )
}

impl<T> Recorder<T> {
    fn record(&self, p: &LoginProgress) {
        self.progress
            .lock()
            .unwrap()
            .push((Instant::now(), p.clone()));
    }
    fn finish(&self, result: Result<T, LoginError>) {
        let _ = self.done.lock().unwrap().send(result);
    }
}

impl LoginObserver for Recorder<WorkerSession> {
    fn on_progress(&self, p: &LoginProgress) {
        self.record(p)
    }
    fn on_finished(&self, result: Result<WorkerSession, LoginError>) {
        self.finish(result)
    }
}

impl SigningObserver for Recorder<CitizenSignature> {
    fn on_progress(&self, p: &LoginProgress) {
        self.record(p)
    }
    fn on_finished(&self, result: Result<CitizenSignature, LoginError>) {
        self.finish(result)
    }
}

fn wait<T>(rx: &mpsc::Receiver<Result<T, LoginError>>) -> Result<T, LoginError> {
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the BankID flow ended")
}

struct Env {
    endpoint: Endpoint,
    phone: Phone,
    device_id: String,
}

fn env() -> Env {
    env_with(Options {
        bankid: true,
        ..Options::default()
    })
}

fn env_with(options: Options) -> Env {
    let proxy = options.proxy;
    let endpoint = Endpoint::new(options);
    endpoint.serve();
    if proxy {
        endpoint.proxy().up();
    }
    let phone = Phone::new();
    let device_id = endpoint.enroll(&phone).device_id;
    Env {
        endpoint,
        phone,
        device_id,
    }
}

impl Env {
    fn login_client(&self) -> LoginClient {
        LoginClient::from_store(&self.phone.store, self.phone.vault.as_ref()).unwrap()
    }

    fn spawn_login(
        &self,
        same_device: bool,
    ) -> (
        LoginHandle,
        Progress,
        mpsc::Receiver<Result<WorkerSession, LoginError>>,
    ) {
        let (observer, progress, rx) = recorder();
        let handle = LoginHandle::spawn_with_interval(
            self.login_client(),
            self.phone.dir.path().to_path_buf(),
            self.phone.shared_vault(),
            same_device,
            "sv",
            Box::new(observer),
            INTERVAL,
        )
        .unwrap();
        (handle, progress, rx)
    }

    /// A full sign-in as `person`, completed in bankid-sim once the phone polls.
    fn sign_in(&self, person: &str) -> Result<WorkerSession, LoginError> {
        let (handle, progress, rx) = self.spawn_login(false);
        eventually(10, "first progress", || {
            !progress.lock().unwrap().is_empty()
        });
        self.endpoint
            .sim()
            .complete(&handle.start().order_ref, Some(person))
            .unwrap();
        let result = wait(&rx);
        handle.join();
        result
    }

    fn stored_session(&self) -> Option<WorkerSession> {
        token::load(self.phone.dir.path(), self.phone.vault.as_ref()).unwrap()
    }

    fn now_ms(&self) -> i64 {
        self.phone.store.now_ms()
    }
}

/// Every file under `dir`, read as bytes.
fn files_contain(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let path = e.unwrap().path();
        if path.is_dir() {
            return files_contain(&path, needle);
        }
        std::fs::read(&path)
            .unwrap_or_default()
            .windows(needle.len())
            .any(|w| w == needle)
    })
}

#[test]
fn sign_in_reports_progress_each_interval_and_stores_a_sealed_session() {
    let env = env();
    assert_eq!(env.stored_session(), None);
    let (handle, progress, rx) = env.spawn_login(false);
    assert!(handle.start().qr_data.starts_with("bankid."));
    assert!(handle
        .start()
        .auto_start_url
        .starts_with("bankid:///?autostarttoken="));

    // A whole second of progress: the QR frame changes with the second.
    std::thread::sleep(Duration::from_millis(1300));
    env.endpoint
        .sim()
        .complete(&handle.start().order_ref, Some(STAFF))
        .unwrap();
    let session = wait(&rx).unwrap();
    handle.join();

    let progress = progress.lock().unwrap().clone();
    let pending: Vec<_> = progress
        .iter()
        .filter(|(_, p)| p.status == "pending")
        .collect();
    assert!(pending.len() >= 8, "{} pending reports", pending.len());
    // The user message follows BankID's hints: start the app, then (scanned) sign in it.
    assert_eq!(pending[0].1.rfa.as_deref(), Some("RFA1"));
    assert_eq!(
        pending[0].1.message.as_deref(),
        Some("Starta BankID-appen.")
    );
    let last = &pending.last().unwrap().1;
    assert_eq!(
        (last.hint_code.as_deref(), last.rfa.as_deref()),
        (Some("userSign"), Some("RFA9"))
    );
    assert!(last
        .message
        .as_deref()
        .unwrap()
        .starts_with("Skriv in din säkerhetskod i BankID-appen"));
    for (_, p) in &pending {
        assert!(p.qr_data.as_deref().unwrap().starts_with("bankid."));
    }
    for pair in pending.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= INTERVAL - Duration::from_millis(5));
    }
    let frames: std::collections::HashSet<_> =
        pending.iter().map(|(_, p)| p.qr_data.clone()).collect();
    assert!(frames.len() >= 2, "a new QR frame each second");
    assert_eq!(progress.last().unwrap().1.status, "complete");

    // Stored through the KeyVault: the token is nowhere in plain text on the phone.
    assert_eq!(env.stored_session(), Some(session.clone()));
    assert!(!session.is_expired(env.now_ms()));
    assert!(!files_contain(
        env.phone.dir.path(),
        session.token.as_bytes()
    ));

    // The session lets the phone deliver.
    let (_, note_id) = env.phone.queue(&new_note(1));
    assert_eq!(env.phone.sync_client().sync_now().unwrap().delivered, 1);
    assert_eq!(env.phone.entry(&note_id).status, OutboxStatus::Delivered);
}

#[test]
fn cancel_stops_the_sign_in_and_cancels_the_order() {
    let env = env();
    let (handle, progress, rx) = env.spawn_login(true);
    let order_ref = handle.start().order_ref.clone();
    eventually(10, "first progress", || progress.lock().unwrap().len() >= 2);
    let first = progress.lock().unwrap()[0].1.clone();
    assert_eq!(first.qr_data, None, "no QR code when signing on this phone");
    assert_eq!(first.rfa.as_deref(), Some("RFA13"));

    handle.cancel();
    assert!(matches!(wait(&rx), Err(LoginError::Cancelled)));
    let polls = env.endpoint.sim().collect_count(&order_ref);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        env.endpoint.sim().collect_count(&order_ref),
        polls,
        "nobody collects any more"
    );
    assert!(
        env.endpoint
            .sim()
            .complete(&order_ref, Some(STAFF))
            .is_err(),
        "the order was cancelled at BankID"
    );
    assert_eq!(env.stored_session(), None);
}

#[test]
fn worker_not_on_the_allow_list_gets_not_staff_and_no_session() {
    let env = env();
    let result = env.sign_in(OUTSIDER);
    assert!(matches!(result, Err(LoginError::NotStaff)), "{result:?}");
    assert_eq!(env.stored_session(), None);
}

#[test]
fn expired_session_is_detected_and_sync_waits_for_a_new_sign_in() {
    let env = env();
    let session = env.sign_in(STAFF).unwrap();
    let (note_session, note_id) = env.phone.queue(&new_note(1));
    let client = env
        .phone
        .sync_client()
        .with_session_from(env.phone.shared_vault());

    // Expired on the phone: detected, not sent; the note waits with a clear status.
    let expired = WorkerSession {
        expires_at_ms: env.now_ms() - 1,
        ..session
    };
    token::save(env.phone.dir.path(), env.phone.vault.as_ref(), &expired).unwrap();
    assert!(env.stored_session().unwrap().is_expired(env.now_ms()));
    assert_eq!(
        login::current_session(env.phone.dir.path(), env.phone.vault.as_ref(), env.now_ms())
            .unwrap(),
        None
    );
    assert!(matches!(client.sync_now(), Err(SyncError::LoginRequired)));
    let entry = env.phone.entry(&note_id);
    assert_eq!(entry.status, OutboxStatus::Queued);
    assert_eq!(
        entry.reason.as_deref(),
        Some("waiting for BankID sign-in (session_required)")
    );
    assert!(env.phone.still_has_note(&note_session));

    // Expired at the endpoint while the phone still thinks it is valid.
    let fresh = env.sign_in(STAFF).unwrap();
    let db = env.endpoint.db();
    env.endpoint
        .runtime
        .block_on(
            sqlx::query("UPDATE staff_sessions SET expires_ms = $1 WHERE revoked_ms IS NULL")
                .bind(samtal_endpoint::db::now_ms() - 1)
                .execute(db.pool()),
        )
        .unwrap();
    assert!(!fresh.is_expired(env.now_ms()));
    assert!(matches!(client.sync_now(), Err(SyncError::LoginRequired)));
    assert_eq!(
        env.phone.entry(&note_id).reason.as_deref(),
        Some("waiting for BankID sign-in (session_expired)")
    );
    assert_eq!(env.endpoint.note_count(), 0);

    // Signed in again: the same client picks the new session up and delivers.
    env.sign_in(STAFF).unwrap();
    assert_eq!(client.sync_now().unwrap().delivered, 1);
    assert_eq!(env.phone.entry(&note_id).status, OutboxStatus::Delivered);
}

#[test]
fn logout_and_admin_revocation_stop_delivery_and_keep_the_note() {
    let env = env();
    let session = env.sign_in(STAFF).unwrap();
    let (note_session, note_id) = env.phone.queue(&new_note(1));

    // Logout revokes at the endpoint: the old token no longer delivers.
    env.login_client().logout(&session.token).unwrap();
    let revoked: Option<i64> = env
        .endpoint
        .runtime
        .block_on(
            sqlx::query_scalar("SELECT revoked_ms FROM staff_sessions")
                .fetch_one(env.endpoint.db().pool()),
        )
        .unwrap();
    assert!(revoked.is_some());
    assert!(matches!(
        env.phone.sync_client().sync_now(),
        Err(SyncError::LoginRequired)
    ));
    assert_eq!(
        env.phone.entry(&note_id).reason.as_deref(),
        Some("waiting for BankID sign-in (session_revoked)")
    );

    // An administrator revokes the device's sessions (`samtal-endpoint session revoke`).
    env.sign_in(STAFF).unwrap();
    let n = env
        .endpoint
        .runtime
        .block_on(samtal_endpoint::admin::session_revoke(
            &env.endpoint.config,
            &SessionTarget::Device(env.device_id.clone()),
        ))
        .unwrap();
    assert_eq!(n, 1);
    assert!(matches!(
        env.phone.sync_client().sync_now(),
        Err(SyncError::LoginRequired)
    ));
    assert_eq!(env.phone.entry(&note_id).status, OutboxStatus::Queued);
    assert!(env.phone.still_has_note(&note_session));
    assert_eq!(env.endpoint.note_count(), 0);
}

#[test]
fn citizen_signs_a_queued_note_and_its_receipt_shows_the_signature() {
    let env = env();
    let (session, note_id) = env.phone.queue(&new_note(1));
    let spawn = |same_device: bool| {
        let (observer, progress, rx) = recorder::<CitizenSignature>();
        SigningHandle::spawn_with_interval(
            env.login_client(),
            &env.phone.store,
            env.phone.vault.as_ref(),
            &session,
            same_device,
            "en",
            Box::new(observer),
            INTERVAL,
        )
        .map(|h| (h, progress, rx))
    };
    assert!(matches!(spawn(false), Err(LoginError::SignInRequired)));
    env.sign_in(STAFF).unwrap();

    // On the service phone (autostart), then cancelled.
    let (handle, progress, rx) = spawn(true).unwrap();
    assert!(handle
        .start()
        .auto_start_url
        .starts_with("bankid:///?autostarttoken="));
    let cancelled_order = handle.start().order_ref.clone();
    eventually(10, "first progress", || {
        !progress.lock().unwrap().is_empty()
    });
    handle.cancel();
    assert!(matches!(wait(&rx), Err(LoginError::Cancelled)));
    assert!(env
        .endpoint
        .sim()
        .complete(&cancelled_order, Some(CITIZEN))
        .is_err());

    // With the citizen's own phone (QR), completed.
    let (handle, progress, rx) = spawn(false).unwrap();
    assert_eq!(handle.start().note_id, note_id);
    eventually(10, "first progress", || progress.lock().unwrap().len() >= 2);
    let pending = progress.lock().unwrap()[0].1.clone();
    assert_eq!(pending.status, "pending");
    assert_eq!(pending.message.as_deref(), Some("Start your BankID app."));
    assert!(pending.qr_data.unwrap().starts_with("bankid."));
    env.endpoint
        .sim()
        .complete(&handle.start().order_ref, Some(CITIZEN))
        .unwrap();
    let signature = wait(&rx).unwrap();
    handle.join();
    assert_eq!(signature.note_id, note_id);
    assert_eq!(signature.content_hash, handle_hash(&env, &note_id));
    assert_eq!(signature.signature_sha256.len(), 64);

    // Delivered afterwards: the endpoint's receipt carries the signature's digest.
    assert_eq!(env.phone.sync_client().sync_now().unwrap().delivered, 1);
    let delivered = env.endpoint.delivered(&note_id);
    assert_eq!(
        delivered["receipt"]["citizen_signature"],
        signature.signature_sha256.as_str()
    );
    assert_eq!(delivered["receipt"]["author"], STAFF);
    // The phone keeps the same proof in its own receipt.
    let kept = env.phone.store.receipts().unwrap();
    let kept = kept.iter().find(|r| r.note_id == note_id).unwrap();
    assert_eq!(
        kept.citizen_signature.as_deref(),
        Some(signature.signature_sha256.as_str())
    );

    // A delivered (purged) note can no longer be signed.
    assert!(matches!(spawn(false), Err(LoginError::NotSignable(_))));
}

fn handle_hash(env: &Env, note_id: &str) -> String {
    env.phone.entry(note_id).content_hash
}

impl Env {
    /// The phone's data directory opened as the app (alongside the test's own store).
    fn app(&self) -> App {
        App::open(
            AppConfig::new(self.phone.dir.path()),
            self.phone.shared_vault(),
        )
        .unwrap()
    }

    /// The endpoint's worker sessions as (revoked?) flags.
    fn revoked_sessions(&self) -> Vec<bool> {
        self.endpoint
            .runtime
            .block_on(samtal_endpoint::admin::session_list(
                &self.endpoint.config,
                true,
            ))
            .unwrap()
            .iter()
            .map(|s| s.revoked_ms.is_some())
            .collect()
    }

    /// Nothing of the user is left: no file in the data directory, no key in the vault.
    fn assert_nothing_left(&self) {
        let mut files = Vec::new();
        let mut dirs = vec![self.phone.dir.path().to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        assert!(files.is_empty(), "left after the wipe: {files:?}");
        for alias in ["samtal-db", "sync-device-tls", "worker-session"] {
            assert!(self.phone.vault.get(alias).unwrap().is_none(), "{alias}");
        }
    }
}

#[test]
fn wipe_signs_the_worker_out_at_the_endpoint_and_leaves_nothing() {
    let env = env();
    env.sign_in(STAFF).unwrap();
    env.phone.queue(&new_note(1));
    assert_eq!(env.revoked_sessions(), [false]);
    let app = env.app();
    assert!(app.current_login().unwrap().is_some());

    assert!(matches!(app.wipe().unwrap(), SignedOut::Revoked));
    assert_eq!(env.revoked_sessions(), [true]);
    drop(app);
    env.assert_nothing_left();
}

#[test]
fn wipe_does_not_wait_for_an_endpoint_that_never_answers() {
    let env = env_with(Options {
        bankid: true,
        proxy: true,
    });
    env.sign_in(STAFF).unwrap();
    let app = env.app();
    // The network takes the phone's bytes and never answers, from the first byte of a new
    // connection: one kept open from the sign-in would carry the request to the endpoint.
    env.endpoint.proxy().set_mode(Mode::SwallowRepliesAfter(0));
    env.endpoint.proxy().cut();
    let started = Instant::now();
    let outcome = app.wipe().unwrap();
    let took = started.elapsed();
    assert!(matches!(outcome, SignedOut::NotRevoked(_)), "{outcome:?}");
    assert!(took < Duration::from_secs(8), "the wipe waited {took:?}");
    drop(app);
    env.assert_nothing_left();
    // The session was not revoked; it expires at the endpoint by itself.
    assert_eq!(env.revoked_sessions(), [false]);
}

/// A note whose receipt was lost (the connection died after the endpoint committed it),
/// retried after the worker signed in again or after another worker signed in on the phone.
fn delivered_but_receipt_lost(env: &Env) -> (samtal_store::SessionId, String, Arc<SyncClient>) {
    let note = crate::phone::large_note(24 * 1024);
    let (session, note_id) = env.phone.queue(&note);
    env.endpoint
        .proxy()
        .set_mode(Mode::SwallowRepliesAfter(12 * 1024));
    let client = Arc::new(
        env.phone
            .sync_client()
            .with_session_from(env.phone.shared_vault())
            .with_backoff(Backoff {
                base: Duration::from_millis(100),
                max: Duration::from_millis(200),
            }),
    );
    let uploading = {
        let client = client.clone();
        std::thread::spawn(move || client.sync_now())
    };
    env.endpoint.delivered(&note_id);
    env.endpoint.proxy().cut();
    assert_eq!(uploading.join().unwrap().unwrap().retry_later, 1);
    env.endpoint.proxy().set_mode(Mode::Forward);
    (session, note_id, client)
}

#[test]
fn a_note_retried_after_a_new_sign_in_of_the_same_worker_is_purged_once() {
    let env = env_with(Options {
        bankid: true,
        proxy: true,
    });
    let first = env.sign_in(STAFF).unwrap();
    let worker_id = first
        .worker_id
        .clone()
        .expect("the sign-in names the worker");
    assert_eq!(worker_id.len(), 32);
    assert!(!worker_id.contains(&STAFF[2..]));
    let (session, note_id, client) = delivered_but_receipt_lost(&env);

    // A new sign-in of the same worker: another session token, the same worker id.
    let second = env.sign_in(STAFF).unwrap();
    assert_ne!(second.token, first.token);
    assert_eq!(second.worker_id, first.worker_id);
    std::thread::sleep(Duration::from_millis(250));
    let report = client.sync_now().unwrap();
    assert_eq!((report.delivered, report.rejected), (1, 0));
    assert_eq!(env.phone.entry(&note_id).status, OutboxStatus::Delivered);
    assert!(!env.phone.still_has_note(&session));
    assert_eq!(env.endpoint.note_count(), 1);
    let receipt = &env.endpoint.delivered(&note_id)["receipt"];
    assert_eq!(receipt["worker_id"], worker_id.as_str());
}

#[test]
fn a_receipt_naming_another_worker_keeps_the_note_as_rejected() {
    let env = env_with(Options {
        bankid: true,
        proxy: true,
    });
    env.sign_in(STAFF).unwrap();
    let (session, note_id, client) = delivered_but_receipt_lost(&env);

    // Another worker signs in on the phone; the endpoint's answer is the first delivery's
    // receipt, which names the first worker.
    const COLLEAGUE: &str = "198112189876";
    env.endpoint.allow_staff(COLLEAGUE);
    let colleague = env.sign_in(COLLEAGUE).unwrap();
    assert_ne!(colleague.worker_id, None);
    std::thread::sleep(Duration::from_millis(250));
    let report = client.sync_now().unwrap();
    assert_eq!((report.delivered, report.rejected), (0, 1));
    let entry = env.phone.entry(&note_id);
    assert_eq!(entry.status, OutboxStatus::Rejected);
    assert!(
        entry
            .reason
            .as_deref()
            .is_some_and(|r| r.starts_with("receipt names another worker")),
        "{:?}",
        entry.reason
    );
    assert!(env.phone.still_has_note(&session));
    assert_eq!(env.endpoint.note_count(), 1);
}
