//! Running the endpoint: JSON logs with request ids and no content, backup → wipe → restore,
//! `status`, the expiry metrics and a server-certificate rotation.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{free_port, Backend, Identity, Setup};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use samtal_endpoint::bench::synthetic_note;
use samtal_endpoint::pki::Role;
use serde_json::Value;

/// Fictional content and a test personal number that must never reach a log line.
const SECRETS: [&str; 3] = ["Testperson", "Exempelsson", "191212121212"];

fn endpoint(setup: &Setup, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_samtal-endpoint"))
        .arg("--config")
        .arg(&setup.config_path)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

async fn put(setup: &Setup, phone: &Identity, note: &Value) -> reqwest::Response {
    setup.put_note(&setup.client(phone), note).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_request_ids_and_never_content() {
    let setup = Setup::new(&Backend::Sqlite);
    let server = setup.start_with(&["--log-format", "json"]);
    let (phone, _) = setup.enroll_device().await;
    let note = synthetic_note(&uuid::Uuid::new_v4().to_string(), 1);
    let response = put(&setup, &phone, &note).await;
    assert_eq!(response.status(), 201);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(request_id.len(), 16);
    let staff = endpoint(
        &setup,
        &[
            "--log-format",
            "json",
            "staff",
            "allow",
            "--personal-number",
            "19121212-1212",
        ],
    );
    assert!(staff.status.success());
    server.kill();

    let log = setup.log() + &String::from_utf8_lossy(&staff.stderr);
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON line: {l}")))
        .collect();
    assert!(lines.len() >= 3);
    let upload = lines
        .iter()
        .find(|l| l["fields"]["message"] == "note upload")
        .expect("a log line for the upload");
    assert_eq!(upload["span"]["request_id"], request_id.as_str());
    assert_eq!(upload["fields"]["status"], 201);
    for secret in SECRETS {
        assert!(!log.contains(secret), "the log contains {secret}");
    }
}

/// A case system's webhook that can be made to fail, counting accepted deliveries by note.
#[derive(Default)]
struct Hook {
    failing: AtomicBool,
    accepted: Mutex<Vec<String>>,
    attempts: Mutex<Vec<String>>,
}

async fn receive(State(hook): State<Arc<Hook>>, headers: HeaderMap) -> StatusCode {
    let key = headers["idempotency-key"].to_str().unwrap().to_owned();
    hook.attempts.lock().unwrap().push(key.clone());
    if hook.failing.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    hook.accepted.lock().unwrap().push(key);
    StatusCode::OK
}

async fn wait_until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..600 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

fn wipe(path: &Path) {
    if path.is_dir() {
        std::fs::remove_dir_all(path).unwrap();
    } else if path.exists() {
        std::fs::remove_file(path).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_wipe_restore_loses_nothing_and_delivers_exactly_once() {
    let port = free_port();
    let hook = Arc::new(Hook::default());
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(hook.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let setup = Setup::with_config(
        &Backend::Sqlite,
        64 * 1024,
        &format!("[sinks.webhook]\nurl = \"http://127.0.0.1:{port}/hook\"\ntimeout_secs = 2\n"),
    );
    let server = setup.start();
    let (phone, _) = setup.enroll_device().await;
    let notes: Vec<Value> = (0..6)
        .map(|i| synthetic_note(&uuid::Uuid::new_v4().to_string(), i))
        .collect();
    let mut receipts = Vec::new();
    // Three notes reach the case system before the backup, three wait in the outbox.
    for note in &notes[..3] {
        receipts.push(put(&setup, &phone, note).await.text().await.unwrap());
    }
    wait_until("3 accepted deliveries", || {
        hook.accepted.lock().unwrap().len() == 3
    })
    .await;
    hook.failing.store(true, Ordering::SeqCst);
    for note in &notes[3..] {
        receipts.push(put(&setup, &phone, note).await.text().await.unwrap());
    }
    wait_until("3 failed attempts", || {
        hook.attempts.lock().unwrap().len() >= 6
    })
    .await;

    // Online: the endpoint keeps serving during the backup.
    let backup_dir = setup.dir.path().join("backup");
    let out = endpoint(&setup, &["backup", "--out", backup_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up 6 notes"));
    server.kill();

    // A restore over a live database is refused and changes nothing.
    let out = endpoint(&setup, &["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));

    let db_file = setup.dir.path().join("endpoint.db");
    for path in [
        setup.config.data_dir.clone(),
        setup.sink_dir(),
        db_file.clone(),
        db_file.with_file_name("endpoint.db-wal"),
        db_file.with_file_name("endpoint.db-shm"),
    ] {
        wipe(&path);
    }
    let out = endpoint(&setup, &["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    hook.failing.store(false, Ordering::SeqCst);
    let server = setup.start();
    wait_until("6 accepted deliveries", || {
        hook.accepted.lock().unwrap().len() >= 6
    })
    .await;
    // The phone lost the connection before the last receipt and sends the note again.
    let again = put(&setup, &phone, &notes[5]).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.text().await.unwrap(), receipts[5]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.kill();

    let mut accepted = hook.accepted.lock().unwrap().clone();
    accepted.sort();
    let mut expected: Vec<String> = notes
        .iter()
        .map(|n| n["note_id"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    assert_eq!(accepted, expected, "each note accepted exactly once");
    assert_eq!(setup.db().await.note_count().await.unwrap(), 6);
    assert_eq!(setup.db().await.pending_deliveries().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_metrics_and_server_certificate_rotation() {
    let setup = Setup::new(&Backend::Sqlite);
    let server = setup.start();
    let (phone, _) = setup.enroll_device().await;
    let monitor = setup.service_identity(Role::Monitor, "prometheus").await;

    let status = endpoint(&setup, &["status"]);
    assert!(status.status.success());
    let text = String::from_utf8_lossy(&status.stdout).into_owned();
    let kinds: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    for kind in ["ca", "server", "device", "monitor"] {
        assert!(kinds.contains(&kind), "{kind} missing from:\n{text}");
    }
    let device_line = text.lines().find(|l| l.starts_with("device\t")).unwrap();
    assert!(device_line.contains(&phone.device_id));
    assert!(
        device_line.ends_with("\t364") || device_line.ends_with("\t365"),
        "{device_line}"
    );
    assert!(text.contains("receipt key "));

    let metrics = setup
        .client(&monitor)
        .get(format!("{}/metrics", setup.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let days = |kind: &str| -> f64 {
        let prefix = format!("samtal_certificate_expiry_days{{kind=\"{kind}\"}} ");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{metrics}"))
            .parse()
            .unwrap()
    };
    assert!((days("device") - 365.0).abs() < 1.0);
    assert!((days("server") - 825.0).abs() < 1.0);
    // The harness records service certificates as never expiring.
    assert!(days("monitor") > 825.0);
    assert!(metrics.contains("samtal_certificates_expired{kind=\"device\"} 0"));

    // A new server certificate: the phones trust the CA, so they go on after a restart.
    let before = std::fs::read_to_string(setup.config.data_dir.join("server.pem")).unwrap();
    let out = endpoint(&setup, &["ca", "rotate-server-cert"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("localhost, 127.0.0.1"));
    let after = std::fs::read_to_string(setup.config.data_dir.join("server.pem")).unwrap();
    assert_ne!(before, after);
    server.kill();
    let server = setup.start();
    let note = synthetic_note(&uuid::Uuid::new_v4().to_string(), 1);
    assert_eq!(put(&setup, &phone, &note).await.status(), 201);
    server.kill();
}

#[test]
fn commands_refuse_a_data_directory_of_another_user() {
    // As root (CI), hand the data directory to another user; otherwise there is no one to
    // hand it to, and the check is the owner matching.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    let setup = Setup::new(&Backend::Sqlite);
    std::os::unix::fs::chown(&setup.config.data_dir, Some(1), None).unwrap();
    let out = endpoint(&setup, &["status"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sudo -u samtal-endpoint"), "{stderr}");
    std::os::unix::fs::chown(&setup.config.data_dir, Some(0), None).unwrap();
    assert!(endpoint(&setup, &["status"]).status.success());
}
