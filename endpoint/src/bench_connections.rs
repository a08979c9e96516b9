//! `samtal-endpoint bench-connections`: a running endpoint under a connection flood.
//!
//! Anonymous clients keep the enrollment listener full of TLS connections that send nothing,
//! slow clients trickle HTTP/1 headers and idle HTTP/2 clients hold connections after one
//! request on the mutual-TLS listener, while a phone delivers a note over a fresh connection
//! at a steady pace. The report gives how long each delivery took and, per kind of idle
//! client, how soon the endpoint closed it (against the configured timeout) and how many
//! connections it closed at once because a listener's budget was full. Loopback only.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::ServerName;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::bench::synthetic_note;
use crate::client::{mtls_client, tls_connector};
use crate::config::Config;
use crate::db::Db;
use crate::pki::{Pki, Role};

/// How hard to push.
#[derive(Debug, Clone)]
pub struct Options {
    /// Clients that keep reopening idle TLS connections to the enrollment listener.
    pub idle_enroll: usize,
    /// Clients on the mutual-TLS listener sending request headers one line a second.
    pub slow_header: usize,
    /// Clients on the mutual-TLS listener idling on HTTP/2 after one request.
    pub idle_h2: usize,
    /// How long the flood lasts.
    pub duration: Duration,
    /// Pause of a flooding client after the endpoint closed its connection at once.
    pub retry_pause: Duration,
    /// Pace of the phone's deliveries.
    pub delivery_every: Duration,
}

/// How soon the endpoint closed one kind of idle connection.
#[derive(Debug, Default, Clone)]
pub struct Closes {
    /// Connections that got through the handshake and were then held idle.
    pub held: usize,
    /// Closed by the endpoint: seconds from the client's last action to the close.
    pub closed_after: Vec<f64>,
    /// Still open when the client gave up waiting (the configured timeout plus 5 s).
    pub not_closed: usize,
    /// Closed at once, before or during the handshake (listener budget full).
    pub refused: usize,
}

impl Closes {
    fn max(&self) -> f64 {
        self.closed_after.iter().copied().fold(0.0, f64::max)
    }

    fn median(&self) -> f64 {
        let mut v = self.closed_after.clone();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub enroll: Closes,
    pub slow_header: Closes,
    pub idle_h2: Closes,
    /// Seconds each successful delivery took (new connection, handshake, PUT, receipt).
    pub deliveries: Vec<f64>,
    pub failed_deliveries: usize,
    pub first_request_timeout: f64,
    pub idle_timeout: f64,
}

impl Report {
    /// The slowest successful delivery in seconds.
    pub fn slowest_delivery(&self) -> f64 {
        self.deliveries.iter().copied().fold(0.0, f64::max)
    }

    pub fn slowest_close(&self) -> (f64, f64) {
        (
            self.enroll.max().max(self.slow_header.max()),
            self.idle_h2.max(),
        )
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = self.deliveries.clone();
        d.sort_by(f64::total_cmp);
        let p50 = d.get(d.len() / 2).copied().unwrap_or(0.0);
        writeln!(
            f,
            "phone deliveries: {} ok, {} failed, p50 {:.0} ms, max {:.0} ms",
            d.len(),
            self.failed_deliveries,
            p50 * 1e3,
            self.slowest_delivery() * 1e3
        )?;
        for (name, closes, timeout) in [
            (
                "idle enrollment TLS",
                &self.enroll,
                self.first_request_timeout,
            ),
            (
                "slow HTTP/1 headers",
                &self.slow_header,
                self.first_request_timeout,
            ),
            ("idle HTTP/2", &self.idle_h2, self.idle_timeout),
        ] {
            writeln!(
                f,
                "{name}: {} held, {} closed after median {:.2} s / max {:.2} s (timeout {timeout} s), {} not closed, {} refused at once (budget)",
                closes.held,
                closes.closed_after.len(),
                closes.median(),
                closes.max(),
                closes.not_closed,
                closes.refused
            )?;
        }
        Ok(())
    }
}

/// Run against the endpoint `config` describes (running, on this machine).
pub async fn run(config: &Config, options: &Options) -> anyhow::Result<Report> {
    let enroll_port = config
        .enroll_listen
        .map(|a| a.port())
        .ok_or_else(|| anyhow::anyhow!("the config must have enroll_listen"))?;
    let mtls_addr = SocketAddr::from(([127, 0, 0, 1], config.listen.port()));
    let enroll_addr = SocketAddr::from(([127, 0, 0, 1], enroll_port));
    let pki = Pki::load(&config.data_dir)?;
    let (cert, key) = device_identity(config, &pki).await?;
    let limits = &config.limits;
    let first_request = Duration::from_secs(limits.first_request_timeout_secs);
    let idle = Duration::from_secs(limits.idle_timeout_secs);
    let end = Instant::now() + options.duration;
    let report = Arc::new(Mutex::new(Report {
        first_request_timeout: first_request.as_secs_f64(),
        idle_timeout: idle.as_secs_f64(),
        ..Report::default()
    }));

    let anonymous = tls_connector(&pki.ca_pem, None, &[b"http/1.1"])?;
    let h1 = tls_connector(&pki.ca_pem, Some((&cert, &key)), &[b"http/1.1"])?;
    let h2 = tls_connector(&pki.ca_pem, Some((&cert, &key)), &[b"h2"])?;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..options.idle_enroll {
        let (connector, report) = (anonymous.clone(), report.clone());
        let pause = options.retry_pause;
        tasks.spawn(async move {
            while Instant::now() < end {
                let closes = hold_idle(&connector, enroll_addr, first_request).await;
                let refused = closes.refused > 0;
                merge(&report, |r| &mut r.enroll, closes);
                if refused {
                    tokio::time::sleep(pause).await;
                }
            }
        });
    }
    for _ in 0..options.slow_header {
        let (connector, report) = (h1.clone(), report.clone());
        let pause = options.retry_pause;
        tasks.spawn(async move {
            while Instant::now() < end {
                let closes = slow_header(&connector, mtls_addr, first_request).await;
                let refused = closes.refused > 0;
                merge(&report, |r| &mut r.slow_header, closes);
                if refused {
                    tokio::time::sleep(pause).await;
                }
            }
        });
    }
    for _ in 0..options.idle_h2 {
        let (connector, report) = (h2.clone(), report.clone());
        let pause = options.retry_pause;
        tasks.spawn(async move {
            while Instant::now() < end {
                let closes = idle_h2(&connector, mtls_addr, idle).await;
                let refused = closes.refused > 0;
                merge(&report, |r| &mut r.idle_h2, closes);
                if refused {
                    tokio::time::sleep(pause).await;
                }
            }
        });
    }
    // Let the flood fill the listeners before the phone starts.
    tokio::time::sleep(Duration::from_millis(500).min(options.duration / 4)).await;
    let url = format!("https://127.0.0.1:{}", config.listen.port());
    while Instant::now() < end {
        let started = Instant::now();
        let client = mtls_client(&pki.ca_pem, &cert, &key)?;
        let id = uuid::Uuid::new_v4().to_string();
        let body = serde_json::to_vec(&synthetic_note(&id, 1))?;
        let result = client
            .put(format!("{url}/v1/notes/{id}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        let elapsed = started.elapsed().as_secs_f64();
        {
            let mut r = report.lock().unwrap_or_else(|p| p.into_inner());
            match result {
                Ok(response) if response.status().as_u16() == 201 => r.deliveries.push(elapsed),
                _ => r.failed_deliveries += 1,
            }
        }
        tokio::time::sleep(options.delivery_every.saturating_sub(started.elapsed())).await;
    }
    while tasks.join_next().await.is_some() {}
    let report = std::mem::take(&mut *report.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(report)
}

fn merge(report: &Mutex<Report>, field: fn(&mut Report) -> &mut Closes, closes: Closes) {
    let mut report = report.lock().unwrap_or_else(|p| p.into_inner());
    let into = field(&mut report);
    into.held += closes.held;
    into.closed_after.extend(closes.closed_after);
    into.not_closed += closes.not_closed;
    into.refused += closes.refused;
}

/// A device certificate recorded in the endpoint's database, for the mutual-TLS clients.
async fn device_identity(config: &Config, pki: &Pki) -> anyhow::Result<(String, String)> {
    let db = Db::connect(&config.database_url()).await?;
    let now = OffsetDateTime::now_utc();
    let subject = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let (issued, key) = pki.issue_client(
        &subject,
        Role::Device,
        now - time::Duration::minutes(5),
        now + time::Duration::hours(2),
    )?;
    db.record_cert(
        &issued.serial_hex,
        Role::Device,
        &subject,
        (issued.not_after.unix_timestamp_nanos() / 1_000_000) as i64,
    )
    .await?;
    Ok((issued.cert_pem, key))
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

/// Connect and complete the TLS handshake; `None` if the endpoint closed the connection.
async fn connect(connector: &TlsConnector, addr: SocketAddr) -> Option<Tls> {
    let tcp = TcpStream::connect(addr).await.ok()?;
    let name = ServerName::try_from("localhost").ok()?;
    // A connection over the listener's budget is closed before the handshake.
    tokio::time::timeout(Duration::from_secs(15), connector.connect(name, tcp))
        .await
        .ok()?
        .ok()
}

/// Wait until the endpoint closes `tls` (reads return end or error), at most `limit`.
async fn closed_within(tls: &mut Tls, limit: Duration) -> Option<f64> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    let wait = async {
        loop {
            match tls.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(limit, wait)
        .await
        .ok()
        .map(|()| started.elapsed().as_secs_f64())
}

fn outcome(closed: Option<f64>) -> Closes {
    Closes {
        held: 1,
        closed_after: closed.into_iter().collect(),
        not_closed: usize::from(closed.is_none()),
        refused: 0,
    }
}

fn refused() -> Closes {
    Closes {
        refused: 1,
        ..Closes::default()
    }
}

/// A TLS connection that sends nothing after the handshake.
async fn hold_idle(connector: &TlsConnector, addr: SocketAddr, timeout: Duration) -> Closes {
    let Some(mut tls) = connect(connector, addr).await else {
        return refused();
    };
    outcome(closed_within(&mut tls, timeout + Duration::from_secs(5)).await)
}

/// An HTTP/1 request whose header lines come one a second and never end.
async fn slow_header(connector: &TlsConnector, addr: SocketAddr, timeout: Duration) -> Closes {
    let Some(tls) = connect(connector, addr).await else {
        return refused();
    };
    let (mut reader, mut writer) = tokio::io::split(tls);
    let started = Instant::now();
    let trickle = async {
        let _ = writer
            .write_all(b"PUT /v1/notes/00000000-0000-0000-0000-000000000000 HTTP/1.1\r\n")
            .await;
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if writer.write_all(b"x-slow: 1\r\n").await.is_err() {
                break;
            }
        }
    };
    let closed = async {
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    };
    let waited = tokio::time::timeout(timeout + Duration::from_secs(5), async {
        tokio::select! {
            _ = closed => {}
            _ = trickle => {}
        }
    })
    .await;
    outcome(waited.ok().map(|()| started.elapsed().as_secs_f64()))
}

/// One HTTP/2 request, then an open connection with nothing to do.
async fn idle_h2(connector: &TlsConnector, addr: SocketAddr, timeout: Duration) -> Closes {
    let Some(tls) = connect(connector, addr).await else {
        return refused();
    };
    let Ok((mut sender, conn)) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls)).await
    else {
        return refused();
    };
    let conn = tokio::spawn(conn);
    let request = hyper::Request::get("https://localhost/healthz")
        .body(Empty::<axum::body::Bytes>::new())
        .expect("request");
    match sender.send_request(request).await {
        Ok(response) => {
            let _ = response.into_body().collect().await;
        }
        Err(_) => return refused(),
    }
    let started = Instant::now();
    let closed = tokio::time::timeout(timeout + Duration::from_secs(5), conn).await;
    outcome(closed.ok().map(|_| started.elapsed().as_secs_f64()))
}
