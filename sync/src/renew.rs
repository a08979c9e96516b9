//! Renewal of the device certificate before it expires: a new key pair made on the phone,
//! a CSR sent over mutual TLS with the current certificate, the new certificate and sealed
//! key stored in one step. The endpoint revokes the old certificate when the phone first
//! connects with the new one, so a renewal lost on the way leaves the old one working.

use zeroize::Zeroizing;

use super::{enroll, SyncError};
use samtal_protocol::{ErrorBody, RenewRequest, RenewResponse};
use samtal_store::keyvault::KeyVault;
use samtal_store::{DeviceIdentity, Store};

/// Share of a certificate's validity after which the phone renews it (two thirds: with the
/// default year, a phone used at least once in the last four months never expires).
pub const RENEW_AFTER: f64 = 2.0 / 3.0;

/// Whether the certificate in `cert_pem` is due for renewal at `now_ms`.
pub fn due(cert_pem: &str, now_ms: i64) -> Result<bool, SyncError> {
    let unparsable = || SyncError::Crypto("the device certificate does not parse".into());
    let (_, pem) =
        x509_parser::pem::parse_x509_pem(cert_pem.as_bytes()).map_err(|_| unparsable())?;
    let cert = pem.parse_x509().map_err(|_| unparsable())?;
    let from = cert.validity().not_before.timestamp() * 1000;
    let until = cert.validity().not_after.timestamp() * 1000;
    let renew_at = from + ((until - from) as f64 * RENEW_AFTER) as i64;
    Ok(now_ms >= renew_at)
}

/// Renew over `http` (a client with the current certificate) and store the new certificate
/// and key. Returns the new identity.
pub fn renew(
    store: &Store,
    vault: &dyn KeyVault,
    http: &reqwest::blocking::Client,
    identity: &DeviceIdentity,
) -> Result<DeviceIdentity, SyncError> {
    let key = rcgen::KeyPair::generate().map_err(|e| SyncError::Crypto(e.to_string()))?;
    let csr = rcgen::CertificateParams::new(Vec::<String>::new())
        .and_then(|p| p.serialize_request(&key))
        .and_then(|r| r.pem())
        .map_err(|e| SyncError::Crypto(e.to_string()))?;
    let response = http
        .post(format!("{}/v1/device/renew", identity.endpoint_url))
        .header("content-type", "application/json")
        .body(
            serde_json::to_vec(&RenewRequest { csr_pem: csr })
                .map_err(|e| SyncError::Protocol(e.to_string()))?,
        )
        .send()?;
    let status = response.status().as_u16();
    if status != 201 {
        let code = response
            .json::<ErrorBody>()
            .map(|b| b.error)
            .unwrap_or_else(|_| format!("status {status}"));
        if code.starts_with("certificate_") {
            return Err(SyncError::DeviceRefused(code));
        }
        return Err(SyncError::Protocol(format!(
            "certificate renewal refused ({code})"
        )));
    }
    let renewed: RenewResponse = response
        .json()
        .map_err(|_| SyncError::Protocol("renewal response is not the expected JSON".into()))?;
    let new = DeviceIdentity {
        cert_pem: renewed.certificate_pem,
        ..identity.clone()
    };
    enroll::save(store, vault, &new, &Zeroizing::new(key.serialize_pem()))?;
    tracing::info!(device = %new.device_id, "device certificate renewed");
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(days_ago: i64, days_left: i64) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.not_before = rcgen::date_time_ymd(1970, 1, 1)
            + std::time::Duration::from_secs((now - days_ago * 86_400) as u64);
        params.not_after = rcgen::date_time_ymd(1970, 1, 1)
            + std::time::Duration::from_secs((now + days_left * 86_400) as u64);
        let key = rcgen::KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().pem()
    }

    #[test]
    fn due_after_two_thirds_of_the_validity() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        assert!(!due(&cert(1, 364), now).unwrap());
        assert!(!due(&cert(200, 165), now).unwrap());
        assert!(due(&cert(250, 115), now).unwrap());
        assert!(due(&cert(9, 1), now).unwrap());
        assert!(due(&cert(400, -35), now).unwrap());
        assert!(due("not a certificate", now).is_err());
    }
}
