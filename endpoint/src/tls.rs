//! TLS 1.3 listeners over rustls and the per-connection identity check.
//!
//! The mutual-TLS listener verifies client certificates against the municipal CA (chain and
//! validity period, so expired certificates fail the handshake). After the handshake every
//! connection's certificate serial is looked up in the database: unknown or revoked
//! certificates get only a 403 naming the reason, so a revoked phone learns it must re-enroll.

use std::sync::Arc;
use std::time::Duration;

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

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

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

/// Accept connections until the process ends.
pub async fn serve(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    routes: Routes,
    metrics: Arc<Metrics>,
) {
    let acceptor = TlsAcceptor::from(config);
    let routes = Arc::new(routes);
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(conn) => conn,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let routes = routes.clone();
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(error)) => {
                    metrics.connection(false);
                    tracing::info!(%error, "TLS handshake refused");
                    return;
                }
                Err(_) => {
                    metrics.connection(false);
                    tracing::info!("TLS handshake timed out");
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
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                router.clone().oneshot(req)
            });
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT);
            if let Err(error) = builder
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
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
