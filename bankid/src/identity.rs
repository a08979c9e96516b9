//! The RP's TLS identity (client certificate + key, from PEM or PKCS#12) and the pinned
//! BankID CA. Only the configured CA is trusted: no system or bundled roots.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::{Error, Result};

/// Client certificate chain and private key the RP presents to BankID.
pub struct ClientIdentity {
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("certs", &self.certs.len())
            .finish_non_exhaustive()
    }
}

impl Clone for ClientIdentity {
    fn clone(&self) -> Self {
        Self {
            certs: self.certs.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl ClientIdentity {
    /// From a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Self> {
        let certs = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Identity(format!("certificate PEM: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Identity("no certificate in the PEM data".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|e| Error::Identity(format!("private key PEM: {e}")))?;
        Ok(Self { certs, key })
    }

    /// From PEM files, e.g. the `rp.pem` / `rp.key` that `bankid-sim init` writes.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self> {
        Self::from_pem(&read(cert)?, &read(key)?)
    }

    /// From a PKCS#12 archive, including the legacy RC2/3DES encryption that BankID's
    /// public test certificate (FPTestcert5) uses.
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Self> {
        let store = p12_keystore::KeyStore::from_pkcs12(
            der,
            password,
            p12_keystore::Pkcs12ImportPolicy::Relaxed,
        )
        .map_err(|e| {
            Error::Identity(format!("PKCS#12 (wrong passphrase or damaged file?): {e}"))
        })?;
        let (_, chain) = store
            .private_key_chain()
            .ok_or_else(|| Error::Identity("the PKCS#12 holds no private key".into()))?;
        let certs: Vec<CertificateDer<'static>> = chain
            .certs()
            .iter()
            .map(|c| CertificateDer::from(c.as_der().to_vec()))
            .collect();
        if certs.is_empty() {
            return Err(Error::Identity(
                "the PKCS#12 holds no certificate for its private key".into(),
            ));
        }
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec()));
        Ok(Self { certs, key })
    }

    /// From a PKCS#12 file.
    pub fn from_pkcs12_file(path: &Path, password: &str) -> Result<Self> {
        Self::from_pkcs12(&read(path)?, password)
    }

    /// The certificate chain, leaf first.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }
}

/// The CA certificate(s) BankID's server certificate must chain to.
#[derive(Debug, Clone)]
pub struct PinnedCa {
    roots: rustls::RootCertStore,
}

impl PinnedCa {
    /// From PEM data holding one or more CA certificates.
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| Error::Identity(format!("CA PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| Error::Identity(format!("CA certificate: {e}")))?;
        }
        if roots.is_empty() {
            return Err(Error::Identity("no CA certificate in the PEM data".into()));
        }
        Ok(Self { roots })
    }

    /// From a PEM file.
    pub fn from_pem_file(path: &Path) -> Result<Self> {
        Self::from_pem(&read(path)?)
    }
}

/// A rustls client configuration that trusts only `ca` and presents `identity`.
pub fn tls_config(identity: &ClientIdentity, ca: &PinnedCa) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Identity(format!("TLS setup: {e}")))?
        .with_root_certificates(ca.roots.clone())
        .with_client_auth_cert(identity.certs.clone(), identity.key.clone_key())
        .map_err(|e| Error::Identity(format!("client certificate and key do not match: {e}")))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::Identity(format!("cannot read {}: {e}", path.display())))
}
