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
