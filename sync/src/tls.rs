//! The HTTPS client every request to the endpoint goes through: TLS 1.3 only, HTTPS only,
//! and only the municipal CA trusted (never the system's roots).
use std::time::Duration;

use super::SyncError;

/// How long a request may take before it counts as a network failure.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// A client builder trusting only `ca_pem`, giving up on a request after `timeout`.
pub(crate) fn pinned_builder(
    ca_pem: &str,
    timeout: Duration,
) -> Result<reqwest::blocking::ClientBuilder, SyncError> {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes())
        .map_err(|_| SyncError::Protocol("the municipal CA is not a PEM certificate".into()))?;
    Ok(reqwest::blocking::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .min_tls_version(reqwest::tls::Version::TLS_1_3)
        .https_only(true)
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout))
}
