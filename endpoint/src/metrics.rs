//! Prometheus counters and a latency histogram, rendered in the text exposition format.
//! Labels carry outcomes only, never note ids, devices or content.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the note-request latency histogram.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// Outcome of a `PUT /v1/notes/{id}`.
#[derive(Debug, Clone, Copy)]
pub enum NoteOutcome {
    Created = 0,
    Duplicate = 1,
    Conflict = 2,
    Rejected = 3,
}

const OUTCOMES: [&str; 4] = ["created", "duplicate", "conflict", "rejected"];

#[derive(Default)]
pub struct Metrics {
    notes: [AtomicU64; 4],
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    connections_accepted: AtomicU64,
    connections_refused: AtomicU64,
    connections_over_budget: AtomicU64,
    connections_timed_out: AtomicU64,
    deliveries_ok: AtomicU64,
    deliveries_failed: AtomicU64,
}

impl Metrics {
    pub fn note(&self, outcome: NoteOutcome, elapsed: Duration) {
        self.notes[outcome as usize].fetch_add(1, Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency_buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn connection(&self, accepted: bool) {
        let counter = if accepted {
            &self.connections_accepted
        } else {
            &self.connections_refused
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection closed at once because its listener's budget was full.
    pub fn over_budget(&self) {
        self.connections_over_budget.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection closed for a handshake, first-request, idle or request timeout.
    pub fn timed_out(&self) {
        self.connections_timed_out.fetch_add(1, Ordering::Relaxed);
    }

    pub fn delivery(&self, ok: bool) {
        let counter = if ok {
            &self.deliveries_ok
        } else {
            &self.deliveries_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Text exposition; `pending` is the number of undelivered outbox rows.
    pub fn render(&self, pending: i64) -> String {
        let mut out = String::new();
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        out.push_str("# HELP samtal_notes_total Note uploads by outcome.\n");
        out.push_str("# TYPE samtal_notes_total counter\n");
        for (name, counter) in OUTCOMES.iter().zip(&self.notes) {
            let _ = writeln!(
                out,
                "samtal_notes_total{{outcome=\"{name}\"}} {}",
                get(counter)
            );
        }
        out.push_str("# HELP samtal_note_request_seconds Latency of note uploads.\n");
        out.push_str("# TYPE samtal_note_request_seconds histogram\n");
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "samtal_note_request_seconds_bucket{{le=\"{bound}\"}} {}",
                get(bucket)
            );
        }
        let count = get(&self.latency_count);
        let _ = writeln!(
            out,
            "samtal_note_request_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "samtal_note_request_seconds_sum {}",
            get(&self.latency_sum_micros) as f64 / 1e6
        );
        let _ = writeln!(out, "samtal_note_request_seconds_count {count}");
        out.push_str("# HELP samtal_tls_connections_total Mutual-TLS connections by result.\n");
        out.push_str("# TYPE samtal_tls_connections_total counter\n");
        let _ = writeln!(
            out,
            "samtal_tls_connections_total{{result=\"accepted\"}} {}",
            get(&self.connections_accepted)
        );
        let _ = writeln!(
            out,
            "samtal_tls_connections_total{{result=\"refused\"}} {}",
            get(&self.connections_refused)
        );
        let _ = writeln!(
            out,
            "samtal_tls_connections_total{{result=\"over_budget\"}} {}",
            get(&self.connections_over_budget)
        );
        let _ = writeln!(
            out,
            "samtal_tls_connections_total{{result=\"timed_out\"}} {}",
            get(&self.connections_timed_out)
        );
        out.push_str("# HELP samtal_deliveries_total Sink delivery attempts by result.\n");
        out.push_str("# TYPE samtal_deliveries_total counter\n");
        let _ = writeln!(
            out,
            "samtal_deliveries_total{{result=\"ok\"}} {}",
            get(&self.deliveries_ok)
        );
        let _ = writeln!(
            out,
            "samtal_deliveries_total{{result=\"failed\"}} {}",
            get(&self.deliveries_failed)
        );
        out.push_str("# HELP samtal_outbox_pending Deliveries not yet acknowledged by a sink.\n");
        out.push_str("# TYPE samtal_outbox_pending gauge\n");
        let _ = writeln!(out, "samtal_outbox_pending {pending}");
        out
    }
}
