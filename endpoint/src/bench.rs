//! `samtal-endpoint bench`: many concurrent mutual-TLS clients upload notes to a running
//! endpoint; prints throughput and latency percentiles.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::client::mtls_client;
use crate::config::Config;
use crate::db::Db;
use crate::pki::{Pki, Role};

/// A synthetic approved note (fictional content) with a valid content hash.
pub fn synthetic_note(note_id: &str, seq: usize) -> Value {
    let mut note = json!({
        "schema_version": 1,
        "note_id": note_id,
        "template_id": "sv-socialtjanst-journal",
        "language": "sv",
        "header": {"date": "2026-11-23", "contact_kind": "hembesök", "author": "Handläggare Test"},
        "sections": [
            {"id": "anledning", "items": [
                {"text": format!("Uppföljande hembesök nummer {seq} enligt plan."), "citations": [{"segment": 1, "start_ms": 0, "end_ms": 4000}]}
            ]},
            {"id": "aktuellt", "items": [
                {"text": "Testperson Exempelsson berättar att hon klarar matlagningen men behöver hjälp med tvätt.", "citations": [{"segment": 3, "start_ms": 9000, "end_ms": 15000}]},
                {"text": "Hon berättar att dottern handlar varje vecka.", "citations": [{"segment": 5, "start_ms": 21000, "end_ms": 26000}]}
            ]},
            {"id": "enskildes_uppfattning", "items": [
                {"text": "Testperson Exempelsson uppger att hon vill bo kvar hemma.", "citations": [{"segment": 7, "start_ms": 30000, "end_ms": 34000}]}
            ]},
            {"id": "planering", "items": [
                {"text": "Ny uppföljning om tre månader.", "citations": [{"segment": 9, "start_ms": 40000, "end_ms": 43000}]}
            ]}
        ],
        "approval": {"approved_by": "worker-test", "approved_at": "2026-11-23T10:00:00Z", "citizen_participation": "present_reviewed"}
    });
    samtal_protocol::note::seal(&mut note);
    note
}

pub struct BenchReport {
    pub backend: &'static str,
    pub clients: usize,
    pub notes: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backend={} clients={} notes={} errors={} elapsed={:.2}s notes/s={:.0} p50={:.1}ms p99={:.1}ms",
            self.backend,
            self.clients,
            self.notes,
            self.errors,
            self.elapsed.as_secs_f64(),
            self.notes as f64 / self.elapsed.as_secs_f64(),
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
        )
    }
}

/// Drive the endpoint described by `config` (which must be running) at `url`.
pub async fn run(
    config: &Config,
    url: &str,
    clients: usize,
    notes: usize,
) -> anyhow::Result<BenchReport> {
    anyhow::ensure!(
        clients > 0 && notes > 0,
        "clients and notes must be positive"
    );
    let pki = Pki::load(&config.data_dir)?;
    let db = Db::connect(&config.database_url()).await?;
    let now = OffsetDateTime::now_utc();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let subject = format!("bench-{}", uuid::Uuid::new_v4().simple());
        let (issued, key) = pki.issue_client(
            &subject,
            Role::Device,
            now - time::Duration::minutes(5),
            now + time::Duration::hours(1),
        )?;
        db.record_cert(
            &issued.serial_hex,
            Role::Device,
            &subject,
            (issued.not_after.unix_timestamp_nanos() / 1_000_000) as i64,
        )
        .await?;
        let client = mtls_client(&pki.ca_pem, &issued.cert_pem, &key)?;
        let share = notes / clients + usize::from(c < notes % clients);
        let url = url.trim_end_matches('/').to_owned();
        tasks.push(async move {
            let mut latencies = Vec::with_capacity(share);
            let mut errors = 0;
            for i in 0..share {
                let id = uuid::Uuid::new_v4().to_string();
                let body =
                    serde_json::to_vec(&synthetic_note(&id, c * 1_000_000 + i)).expect("json");
                let started = Instant::now();
                let result = client
                    .put(format!("{url}/v1/notes/{id}"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match result {
                    Ok(r) if r.status().as_u16() == 201 => latencies.push(started.elapsed()),
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        });
    }
    let started = Instant::now();
    let handles: Vec<_> = tasks.into_iter().map(tokio::spawn).collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for handle in handles {
        let (l, e) = handle.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    Ok(BenchReport {
        backend: db.backend.as_str(),
        clients,
        notes,
        errors,
        elapsed,
        p50: pct(0.50),
        p99: pct(0.99),
    })
}
