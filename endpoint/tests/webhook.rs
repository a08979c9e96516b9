//! The HTTP webhook sink against a local case-system stand-in: failures are retried with
//! growing backoff, every note arrives exactly once after recovery, and nothing is lost when
//! the endpoint is killed and restarted while the webhook is down.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use common::{free_port, Backend, Setup};
use samtal_endpoint::bench::synthetic_note;
use serde_json::Value;

/// Fictional content that must never show up in the endpoint's log.
const SECRET_WORDS: [&str; 2] = ["Testperson", "Exempelsson"];

#[derive(Clone)]
struct Attempt {
    key: String,
    status: u16,
    at: Instant,
    body: Value,
}

struct HookState {
    /// Answer 500 to the first `fail_each` attempts of every note.
    fail_each: usize,
    attempts: Mutex<Vec<Attempt>>,
}

/// A case system's webhook receiver on loopback.
struct Hook {
    state: Arc<HookState>,
}

async fn receive(
    State(state): State<Arc<HookState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut attempts = state.attempts.lock().unwrap();
    let earlier = attempts.iter().filter(|a| a.key == key).count();
    let status = if earlier < state.fail_each { 500 } else { 200 };
    attempts.push(Attempt {
        key,
        status,
        at: Instant::now(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    StatusCode::from_u16(status).unwrap()
}

impl Hook {
    async fn start(port: u16, fail_each: usize) -> Self {
        let state = Arc::new(HookState {
            fail_each,
            attempts: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(state.clone());
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { state }
    }

    fn attempts(&self) -> Vec<Attempt> {
        self.state.attempts.lock().unwrap().clone()
    }

    fn attempts_for(&self, note_id: &str) -> Vec<Attempt> {
        self.attempts()
            .into_iter()
            .filter(|a| a.key == note_id)
            .collect()
    }

    async fn wait_accepted(&self, n: usize) {
        for _ in 0..400 {
            if self.attempts().iter().filter(|a| a.status == 200).count() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the webhook did not accept {n} notes in time");
    }
}

/// An endpoint delivering to the directory sink and to a webhook on `port`.
fn setup_with_webhook(port: u16) -> Setup {
    let setup = Setup::new(&Backend::Sqlite);
    let mut text = std::fs::read_to_string(&setup.config_path).unwrap();
    text.push_str(&format!(
        "\n[sinks.webhook]\nurl = \"http://127.0.0.1:{port}/hook\"\ntimeout_secs = 5\n"
    ));
    std::fs::write(&setup.config_path, text).unwrap();
    setup
}

async fn upload_notes(setup: &Setup, n: usize) -> Vec<Value> {
    let (phone, _) = setup.enroll_device().await;
    let client = setup.client(&phone);
    let mut notes = Vec::new();
    for seq in 0..n {
        let note = synthetic_note(&uuid::Uuid::new_v4().to_string(), seq);
        let response = setup.put_note(&client, &note).await;
        assert_eq!(response.status(), 201);
        notes.push(note);
    }
    notes
}

/// (attempts, delivered, last_error) of every webhook delivery row.
async fn webhook_rows(setup: &Setup) -> Vec<(i64, bool, Option<String>)> {
    let rows: Vec<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT attempts, delivered_ms, last_error FROM deliveries WHERE sink = 'webhook'",
    )
    .fetch_all(setup.db().await.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, d, e)| (a, d.is_some(), e))
        .collect()
}

fn assert_delivered_as_received(attempt: &Attempt, note: &Value) {
    assert_eq!(attempt.body["note"], *note);
    assert_eq!(attempt.body["receipt"]["note_id"], note["note_id"]);
    assert_eq!(
        attempt.body["receipt"]["content_hash"],
        note["content_hash"]
    );
}

fn assert_log_has_no_content(setup: &Setup) {
    let log = setup.log();
    for word in SECRET_WORDS {
        assert!(
            !log.contains(word),
            "the endpoint log contains note content"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_failures_are_retried_with_backoff_and_each_note_arrives_once() {
    let port = free_port();
    let hook = Hook::start(port, 2).await;
    let setup = setup_with_webhook(port);
    let _server = setup.start();
    let notes = upload_notes(&setup, 3).await;

    hook.wait_accepted(3).await;
    setup.wait_for_sink(3).await;
    for note in &notes {
        let tries = hook.attempts_for(note["note_id"].as_str().unwrap());
        let statuses: Vec<u16> = tries.iter().map(|a| a.status).collect();
        assert_eq!(statuses, [500, 500, 200], "two failures, then one delivery");
        // Backoff from 1 s (±25 %), doubling: the second wait is at least the double floor.
        let first_wait = tries[1].at - tries[0].at;
        let second_wait = tries[2].at - tries[1].at;
        assert!(first_wait >= Duration::from_millis(700), "{first_wait:?}");
        assert!(
            second_wait >= Duration::from_millis(1450),
            "{second_wait:?}"
        );
        assert_delivered_as_received(&tries[2], note);
    }

    // Nothing is sent again once the webhook has confirmed.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hook.attempts().len(), 9);
    let rows = webhook_rows(&setup).await;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| *r == (3, true, None)), "{rows:?}");
    assert_log_has_no_content(&setup);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_down_across_an_endpoint_restart_loses_nothing() {
    // Nothing listens on the webhook's port yet: the case system is down.
    let port = free_port();
    let setup = setup_with_webhook(port);
    let server = setup.start();
    let notes = upload_notes(&setup, 5).await;

    let mut failed_once = false;
    for _ in 0..200 {
        let rows = webhook_rows(&setup).await;
        if rows.len() == 5
            && rows
                .iter()
                .all(|(attempts, delivered, _)| *attempts >= 1 && !delivered)
        {
            assert!(rows.iter().all(|(_, _, e)| e
                .as_deref()
                .is_some_and(|e| e.starts_with("webhook request failed"))));
            failed_once = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        failed_once,
        "every webhook delivery should have failed once"
    );
    setup.wait_for_sink(5).await;
    server.kill();

    // The case system comes back, then the endpoint restarts and catches up.
    let hook = Hook::start(port, 0).await;
    let _server = setup.start();
    hook.wait_accepted(5).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hook.attempts().len(), 5, "each note exactly once");
    for note in &notes {
        let tries = hook.attempts_for(note["note_id"].as_str().unwrap());
        assert_eq!(tries.len(), 1);
        assert_delivered_as_received(&tries[0], note);
    }
    assert!(webhook_rows(&setup)
        .await
        .iter()
        .all(|r| r.1 && r.2.is_none()));
    assert_eq!(setup.sink_files().len(), 5);
    assert_log_has_no_content(&setup);
}
