//! A mutual-TLS HTTP client pinned to the municipal CA (used by `bench` and the tests).

use std::time::Duration;

/// TLS 1.3 only, no system roots, presenting `cert_pem` + `key_pem`.
pub fn mtls_client(ca_pem: &str, cert_pem: &str, key_pem: &str) -> anyhow::Result<reqwest::Client> {
    let identity = reqwest::Identity::from_pem(format!("{cert_pem}\n{key_pem}").as_bytes())?;
    Ok(pinned_builder(ca_pem)?.identity(identity).build()?)
}

/// A client pinned to the CA that presents no certificate (enrollment, negative tests).
pub fn anonymous_client(ca_pem: &str) -> anyhow::Result<reqwest::Client> {
    Ok(pinned_builder(ca_pem)?.build()?)
}

fn pinned_builder(ca_pem: &str) -> anyhow::Result<reqwest::ClientBuilder> {
    Ok(reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes())?)
        .min_tls_version(reqwest::tls::Version::TLS_1_3)
        .https_only(true)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30)))
}

/// A raw TLS 1.3 connector pinned to `ca_pem`, presenting `identity` (certificate and key
/// PEM) if given and offering `alpn`: for clients that must control every byte (the
/// connection benchmark, tests of timeouts).
pub fn tls_connector(
    ca_pem: &str,
    identity: Option<(&str, &str)>,
    alpn: &[&[u8]],
) -> anyhow::Result<tokio_rustls::TlsConnector> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(ca_pem.as_bytes())?)?;
    let builder = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(&[&rustls::version::TLS13])?
    .with_root_certificates(roots);
    let mut config = match identity {
        Some((cert, key)) => builder.with_client_auth_cert(
            vec![CertificateDer::from_pem_slice(cert.as_bytes())?],
            PrivateKeyDer::from_pem_slice(key.as_bytes())?,
        )?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(tokio_rustls::TlsConnector::from(std::sync::Arc::new(
        config,
    )))
}
