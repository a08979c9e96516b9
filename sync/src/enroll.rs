//! Enrollment: the phone's own key pair, a CSR, and a one-time code buy a device certificate
//! from the municipal CA. The private key never leaves the phone: it is sealed under a
//! [`KeyVault`] key and stored in the encrypted database.

use std::time::Duration;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::ChaCha20Poly1305;
use zeroize::Zeroizing;

use super::tls::{pinned_builder, REQUEST_TIMEOUT};
use super::SyncError;
use samtal_protocol::{ca_fingerprint, EnrollRequest, EnrollResponse, EnrollmentCode, ErrorBody};
use samtal_store::keyvault::KeyVault;
use samtal_store::{DeviceIdentity, SealedIdentity, Store};

/// Vault alias of the key that seals the device's TLS private key.
pub const TLS_KEY_ALIAS: &str = "sync-device-tls";

/// Enroll against the enrollment listener at `enroll_url` with `code`.
pub fn enroll(
    store: &Store,
    vault: &dyn KeyVault,
    enroll_url: &str,
    code: &str,
) -> Result<DeviceIdentity, SyncError> {
    let code = EnrollmentCode::parse(code).ok_or(SyncError::BadCode)?;
    let base = enroll_url.trim_end_matches('/');

    // Fetch the CA without trusting the channel, then pin it only if it matches the code.
    let bootstrap = reqwest::blocking::Client::builder()
        .use_rustls_tls()
        .danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(30))
        .build()?;
    let ca_pem = bootstrap
        .get(format!("{base}/v1/ca"))
        .send()?
        .error_for_status()?
        .text()?;
    let fingerprint = ca_fingerprint(&ca_pem)
        .map_err(|_| SyncError::Protocol("the CA is not a PEM certificate".into()))?;
    if fingerprint != code.ca_fingerprint {
        return Err(SyncError::CaMismatch);
    }

    let key = rcgen::KeyPair::generate().map_err(|e| SyncError::Crypto(e.to_string()))?;
    let csr = rcgen::CertificateParams::new(Vec::<String>::new())
        .and_then(|p| p.serialize_request(&key))
        .and_then(|r| r.pem())
        .map_err(|e| SyncError::Crypto(e.to_string()))?;
    let pinned = pinned_builder(&ca_pem, REQUEST_TIMEOUT)?.build()?;
    let response = pinned
        .post(format!("{base}/v1/enroll"))
        .header("content-type", "application/json")
        .body(
            serde_json::to_vec(&EnrollRequest {
                code: code.secret.clone(),
                csr_pem: csr,
            })
            .map_err(|e| SyncError::Protocol(e.to_string()))?,
        )
        .send()?;
    let status = response.status();
    if !status.is_success() {
        let message = response
            .json::<ErrorBody>()
            .map(|b| b.message)
            .unwrap_or_else(|_| "no details".into());
        return Err(SyncError::EnrollRefused {
            status: status.as_u16(),
            message,
        });
    }
    let enrolled: EnrollResponse = response
        .json()
        .map_err(|_| SyncError::Protocol("enrollment response is not the expected JSON".into()))?;
    if ca_fingerprint(&enrolled.ca_pem).ok().as_deref() != Some(code.ca_fingerprint.as_str()) {
        return Err(SyncError::CaMismatch);
    }
    let identity = DeviceIdentity {
        endpoint_url: enrolled.endpoint_url.trim_end_matches('/').to_owned(),
        device_id: enrolled.device_id,
        cert_pem: enrolled.certificate_pem,
        ca_pem: enrolled.ca_pem,
        receipt_public_key: enrolled.receipt_public_key,
    };
    save(
        store,
        vault,
        &identity,
        &Zeroizing::new(key.serialize_pem()),
    )?;
    tracing::info!(device = %identity.device_id, "device enrolled");
    Ok(identity)
}

fn save(
    store: &Store,
    vault: &dyn KeyVault,
    identity: &DeviceIdentity,
    key_pem: &str,
) -> Result<(), SyncError> {
    let sealing = vault.get_or_create(TLS_KEY_ALIAS)?;
    let cipher = ChaCha20Poly1305::new(sealing.expose().into());
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let mut sealed = nonce.to_vec();
    sealed.extend(
        cipher
            .encrypt(&nonce, key_pem.as_bytes())
            .map_err(|_| SyncError::Crypto("sealing the device key failed".into()))?,
    );
    store.save_identity(identity, &sealed)?;
    Ok(())
}

/// A client for the endpoint with the enrolled device's certificate, and the identity it
/// presents; `None` when the phone is not enrolled. Requests give up after `timeout`.
pub(crate) fn client(
    store: &Store,
    vault: &dyn KeyVault,
    timeout: Duration,
) -> Result<Option<(DeviceIdentity, reqwest::blocking::Client)>, SyncError> {
    let Some((identity, key_pem)) = load(store, vault)? else {
        return Ok(None);
    };
    let pem = Zeroizing::new(format!("{}\n{}", identity.cert_pem, *key_pem));
    let tls = reqwest::Identity::from_pem(pem.as_bytes())
        .map_err(|_| SyncError::Crypto("the enrolled certificate or key is unusable".into()))?;
    let http = pinned_builder(&identity.ca_pem, timeout)?
        .identity(tls)
        .build()?;
    Ok(Some((identity, http)))
}

/// The enrolled identity and its unsealed private key (PEM), if the phone is enrolled.
pub fn load(
    store: &Store,
    vault: &dyn KeyVault,
) -> Result<Option<(DeviceIdentity, Zeroizing<String>)>, SyncError> {
    let Some(SealedIdentity {
        identity,
        sealed_key: sealed,
    }) = store.identity()?
    else {
        return Ok(None);
    };
    let sealing = vault.get(TLS_KEY_ALIAS)?.ok_or(SyncError::NotEnrolled)?;
    if sealed.len() < 12 {
        return Err(SyncError::Crypto("the sealed device key is damaged".into()));
    }
    let (nonce, ciphertext) = sealed.split_at(12);
    let plain = Zeroizing::new(
        ChaCha20Poly1305::new(sealing.expose().into())
            .decrypt(nonce.into(), ciphertext)
            .map_err(|_| SyncError::Crypto("the sealed device key does not open".into()))?,
    );
    let pem = String::from_utf8(plain.to_vec())
        .map_err(|_| SyncError::Crypto("the device key is not PEM".into()))?;
    Ok(Some((identity, Zeroizing::new(pem))))
}
