//! Two endpoint instances on one PostgreSQL database (started for the test with
//! `scripts/pg-test-server.sh`) behind a client-side "load balancer": 1,000 notes go to
//! both, one instance is killed with SIGKILL mid-run and restarted, and every note reaches
//! the directory sink and the webhook exactly once per Idempotency-Key; raw redeliveries
//! come only from outbox rows the killed instance had claimed.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use common::{free_port, Backend, Identity, PgCluster, Setup};
use samtal_endpoint::bench::synthetic_note;
use samtal_protocol::Receipt;
use serde_json::Value;

const NOTES: usize = 1000;
const PHONES: usize = 8;
/// The outbox claims rows in batches of this size: the most one killed instance can leave
/// half-delivered.
const CLAIM_BATCH: usize = 64;

type Received = Arc<Mutex<HashMap<String, usize>>>;

async fn receive(State(seen): State<Received>, headers: HeaderMap) -> StatusCode {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    *seen.lock().unwrap().entry(key).or_default() += 1;
    StatusCode::OK
}

async fn webhook(port: u16) -> Received {
    let seen = Received::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(seen.clone());
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    seen
}

/// A second instance: the same data directory (CA, receipt key), database and sinks, its
/// own ports.
fn second_instance(setup: &Setup) -> Setup {
    let text = std::fs::read_to_string(&setup.config_path).unwrap();
    let text = text
        .replace(
            &format!("127.0.0.1:{}", setup.config.listen.port()),
            &format!("127.0.0.1:{}", free_port()),
        )
        .replace(
            &format!("127.0.0.1:{}", setup.config.enroll_listen.unwrap().port()),
            &format!("127.0.0.1:{}", free_port()),
        );
    let config_path = setup.dir.path().join("endpoint-b.toml");
    std::fs::write(&config_path, text).unwrap();
    Setup {
        dir: tempfile::tempdir_in(setup.dir.path()).unwrap(),
        config: samtal_endpoint::config::Config::load(&config_path).unwrap(),
        config_path,
        database_url: setup.database_url.clone(),
    }
}

/// PUT to instance `first` and, if it is down, to the other one (what a load balancer does).
async fn deliver(clients: &[reqwest::Client; 2], urls: &[String; 2], first: usize, note: &Value) {
    let id = note["note_id"].as_str().unwrap();
    let body = serde_json::to_vec(note).unwrap();
    for attempt in 0..20 {
        let i = (first + attempt) % 2;
        let sent = clients[i]
            .put(format!("{}/v1/notes/{id}", urls[i]))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                let receipt: Receipt = r.json().await.unwrap();
                assert_eq!(receipt.note_id, id);
                return;
            }
            Ok(r) => panic!("instance answered {}", r.status()),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("no instance took the note");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_every_note_once_while_one_is_killed_and_restarted() {
    let cluster = PgCluster::start();
    let backend = Backend::Postgres(cluster.database("scale_out").await);
    let hook_port = free_port();
    let seen = webhook(hook_port).await;
    let setup = Setup::with_config(
        &backend,
        64 * 1024,
        &format!("[sinks.webhook]\nurl = \"http://127.0.0.1:{hook_port}/hook\"\n"),
    );
    let other = second_instance(&setup);
    let a = setup.start();
    let mut b = Some(other.start());

    let mut phones: Vec<Identity> = Vec::new();
    for _ in 0..PHONES {
        phones.push(setup.enroll_device().await.0);
    }
    let urls = [setup.url(), other.url()];
    let notes: Vec<Value> = (0..NOTES)
        .map(|i| synthetic_note(&uuid::Uuid::new_v4().to_string(), i))
        .collect();
    let mut tasks = Vec::new();
    for (p, phone) in phones.iter().enumerate() {
        let clients = [setup.client(phone), other.client(phone)];
        let urls = urls.clone();
        let mine: Vec<Value> = notes.iter().skip(p).step_by(PHONES).cloned().collect();
        tasks.push(tokio::spawn(async move {
            for (i, note) in mine.iter().enumerate() {
                deliver(&clients, &urls, (p + i) % 2, note).await;
            }
        }));
    }
    // Kill instance B while notes arrive and are delivered, then bring it back.
    let pending = || async { setup.db().await.note_count().await.unwrap() };
    while pending().await < (NOTES / 3) as i64 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    b.take().unwrap().kill();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _b = other.start();
    for task in tasks {
        task.await.unwrap();
    }

    // Every note in the directory sink once, and accepted once by the webhook.
    setup.wait_for_sink(NOTES).await;
    let db = setup.db().await;
    for _ in 0..600 {
        if db.pending_deliveries().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(db.pending_deliveries().await.unwrap(), 0);
    assert_eq!(db.note_count().await.unwrap(), NOTES as i64);
    let files = setup.sink_files();
    assert_eq!(files.len(), NOTES);
    let leftovers = std::fs::read_dir(setup.sink_dir()).unwrap().count() - files.len();
    assert_eq!(leftovers, 0, "no temporary files are left");
    for note in &notes {
        let id = note["note_id"].as_str().unwrap();
        let raw = std::fs::read_to_string(setup.sink_dir().join(format!("{id}.json"))).unwrap();
        let dropped: Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(&dropped["note"], note);
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), NOTES, "every note reached the webhook");
    let redelivered: usize = seen.values().map(|n| n - 1).sum();
    println!("webhook: {NOTES} notes, {redelivered} redeliveries after the kill");
    assert!(
        redelivered <= CLAIM_BATCH,
        "{redelivered} redeliveries: more than one killed claim"
    );
    drop(a);
}
