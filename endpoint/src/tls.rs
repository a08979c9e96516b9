//! TLS 1.3 listeners over rustls and the per-connection identity check.
//!
//! The mutual-TLS listener verifies client certificates against the municipal CA (chain and
//! validity period, so expired certificates fail the handshake). After the handshake every
//! connection's certificate serial is looked up in the database: unknown or revoked
//! certificates get only a 403 naming the reason, so a revoked phone learns it must re-enroll.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::db::Db;
use crate::metrics::Metrics;
use crate::pki::{serial_hex, PkiFiles, Role};

/// Who is on the other end of a mutual-TLS connection, inserted into every request.
#[derive(Debug, Clone)]
pub struct Peer {
    pub serial: String,
    pub role: Role,
    /// Device id for devices, service name otherwise.
    pub subject: String,
}

/// Why an authenticated connection is still refused.
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    Revoked,
    Unknown,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn server_identity(
    files: &PkiFiles,
) -> anyhow::Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    let certs = CertificateDer::pem_file_iter(&files.server_cert)
        .with_context(|| format!("reading {}", files.server_cert.display()))?
        .collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_file(&files.server_key)
        .with_context(|| format!("reading {}", files.server_key.display()))?;
    Ok((certs, key))
}

/// TLS 1.3 only, client certificate required and chained to the municipal CA.
pub fn mtls_config(files: &PkiFiles) -> anyhow::Result<Arc<ServerConfig>> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&files.ca_cert)? {
        roots.add(cert?)?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .context("building the client certificate verifier")?;
    let (certs, key) = server_identity(files)?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// TLS 1.3 only, no client certificate: used by the enrollment listener.
pub fn server_only_config(files: &PkiFiles) -> anyhow::Result<Arc<ServerConfig>> {
    let (certs, key) = server_identity(files)?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What to serve on a listener.
pub enum Routes {
    /// Mutual TLS: `ok` for identified peers, `refused` for revoked or unknown certificates.
    Mtls {
        ok: Router,
        refused: fn(Refusal) -> Router,
        db: Db,
    },
    /// Server-authenticated TLS only.
    Open(Router),
}

/// The TCP peer of a request (for per-address throttling), inserted into every request.
#[derive(Debug, Clone, Copy)]
pub struct RemoteAddr(pub std::net::SocketAddr);

/// Budget and timeouts of one listener.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    pub max_connections: usize,
    pub handshake: Duration,
    pub first_request: Duration,
    pub idle: Duration,
    pub request: Duration,
}

/// After a timeout a connection gets this long to close gracefully before it is dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Accept connections until the process ends. A connection over the listener's budget is
/// closed at once, so one listener can never take the descriptors of another.
pub async fn serve(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    routes: Routes,
    limits: ConnLimits,
    metrics: Arc<Metrics>,
) {
    let acceptor = TlsAcceptor::from(config);
    let routes = Arc::new(routes);
    let budget = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    loop {
        let (tcp, remote) = match listener.accept().await {
            Ok(conn) => conn,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = budget.clone().try_acquire_owned() else {
            metrics.over_budget();
            drop(tcp);
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let routes = routes.clone();
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let stream = match tokio::time::timeout(limits.handshake, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(error)) => {
                    metrics.connection(false);
                    tracing::debug!(%error, "TLS handshake refused");
                    return;
                }
                Err(_) => {
                    metrics.timed_out();
                    tracing::debug!("TLS handshake timed out");
                    return;
                }
            };
            let router = match &*routes {
                Routes::Open(router) => router.clone(),
                Routes::Mtls { ok, refused, db } => {
                    let leaf = stream
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|c| c.first())
                        .map(|c| c.to_vec());
                    match identify(leaf.as_deref(), db).await {
                        Ok(Ok(peer)) => {
                            metrics.connection(true);
                            let (db, refused) = (db.clone(), *refused);
                            ok.clone().layer(axum::middleware::from_fn(
                                move |req: axum::extract::Request, next: axum::middleware::Next| {
                                    per_request(req, next, peer.clone(), db.clone(), refused)
                                },
                            ))
                        }
                        Ok(Err(refusal)) => {
                            metrics.connection(false);
                            tracing::info!(?refusal, "client certificate refused");
                            refused(refusal)
                        }
                        Err(error) => {
                            metrics.connection(false);
                            tracing::error!(error = %format!("{error:#}"), "identity lookup failed");
                            return;
                        }
                    }
                }
            };
            let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
            let activity = Arc::new(Activity::new());
            let service = {
                let activity = activity.clone();
                hyper::service::service_fn(move |mut req: Request<Incoming>| {
                    req.extensions_mut().insert(RemoteAddr(remote));
                    let in_flight = activity.start();
                    let response = router.clone().oneshot(req);
                    async move {
                        let response = response.await;
                        drop(in_flight);
                        response
                    }
                })
            };
            let io = TokioIo::new(stream);
            let timed_out = if h2 {
                let conn = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .timer(TokioTimer::new())
                    .max_concurrent_streams(32)
                    .serve_connection(io, service);
                tokio::pin!(conn);
                watch(conn, &activity, &limits, |c| c.graceful_shutdown()).await
            } else {
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(limits.first_request)
                    .serve_connection(io, service);
                tokio::pin!(conn);
                watch(conn, &activity, &limits, |c| c.graceful_shutdown()).await
            };
            if timed_out {
                metrics.timed_out();
            }
        });
    }
}

/// Requests in progress on one connection and when the last one ended.
struct Activity {
    opened: Instant,
    state: std::sync::Mutex<ActivityState>,
}

struct ActivityState {
    in_flight: usize,
    /// Start of the oldest request in progress, or end of the last request.
    since: Instant,
    served: bool,
}

/// Marks a request in progress until dropped (also when the request is abandoned).
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        state.in_flight -= 1;
        if state.in_flight == 0 {
            state.since = Instant::now();
        }
    }
}

impl Activity {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            opened: now,
            state: std::sync::Mutex::new(ActivityState {
                in_flight: 0,
                since: now,
                served: false,
            }),
        }
    }

    fn start(self: &Arc<Self>) -> InFlight {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.in_flight == 0 {
            state.since = Instant::now();
        }
        state.in_flight += 1;
        state.served = true;
        InFlight(self.clone())
    }

    /// When the connection times out if nothing changes: the request timeout while a request
    /// runs, else the first-request timeout before any request and the idle timeout after.
    fn deadline(&self, limits: &ConnLimits) -> Instant {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.in_flight > 0 {
            state.since + limits.request
        } else if state.served {
            state.since + limits.idle
        } else {
            self.opened + limits.first_request
        }
    }
}

/// Drive a connection until it ends or times out; on a timeout shut it down gracefully
/// (HTTP/2 GOAWAY, HTTP/1 close) and drop it after [`CLOSE_GRACE`]. True if it timed out.
async fn watch<C, E>(
    mut conn: std::pin::Pin<&mut C>,
    activity: &Activity,
    limits: &ConnLimits,
    shutdown: impl FnOnce(std::pin::Pin<&mut C>),
) -> bool
where
    C: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    loop {
        let deadline = activity.deadline(limits);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return false;
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                if activity.deadline(limits) <= Instant::now() {
                    shutdown(conn.as_mut());
                    let _ = tokio::time::timeout(CLOSE_GRACE, conn).await;
                    return true;
                }
            }
        }
    }
}

/// Checks the certificate again for every request, so a kept-alive connection does not
/// outlive the revocation of its certificate, then hands the request its [`Peer`].
async fn per_request(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
    peer: Peer,
    db: Db,
    refused: fn(Refusal) -> Router,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let refusal = match db.cert(&peer.serial).await {
        Ok(Some(record)) if !record.revoked => {
            req.extensions_mut().insert(peer);
            return next.run(req).await;
        }
        Ok(Some(_)) => Refusal::Revoked,
        Ok(None) => Refusal::Unknown,
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "identity lookup failed");
            return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    tracing::info!(?refusal, "client certificate refused on an open connection");
    match refused(refusal).oneshot(req).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Look up the client certificate of a verified connection.
async fn identify(leaf: Option<&[u8]>, db: &Db) -> anyhow::Result<Result<Peer, Refusal>> {
    let Some(der) = leaf else {
        return Ok(Err(Refusal::Unknown));
    };
    let serial = serial_hex(der)?;
    Ok(match db.cert(&serial).await? {
        Some(record) if record.revoked => Err(Refusal::Revoked),
        Some(record) => match record.role {
            Some(role) => Ok(Peer {
                serial,
                role,
                subject: record.subject,
            }),
            None => Err(Refusal::Unknown),
        },
        None => Err(Refusal::Unknown),
    })
}
