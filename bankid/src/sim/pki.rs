//! The simulator's own PKI: a CA, a server certificate for `localhost`/`127.0.0.1`, and
//! an RP client certificate (PEM and a PKCS#12 with BankID's test passphrase).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use time::OffsetDateTime;

/// Passphrase of the generated `rp.p12`, the same as BankID's public test certificate.
pub const RP_P12_PASSWORD: &str = "qwerty123";

/// Paths of the files `bankid-sim init` writes.
#[derive(Debug, Clone)]
pub struct SimPki {
    pub dir: PathBuf,
}

impl SimPki {
    /// The CA certificate the RP pins (`ca.pem`).
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    /// The CA private key (`ca.key`), used to issue user certificates and OCSP responses.
    pub fn ca_key(&self) -> PathBuf {
        self.dir.join("ca.key")
    }
    /// The simulator's server certificate (`server.pem`).
    pub fn server_cert(&self) -> PathBuf {
        self.dir.join("server.pem")
    }
    /// The simulator's server key (`server.key`).
    pub fn server_key(&self) -> PathBuf {
        self.dir.join("server.key")
    }
    /// The RP client certificate (`rp.pem`).
    pub fn rp_cert(&self) -> PathBuf {
        self.dir.join("rp.pem")
    }
    /// The RP client key (`rp.key`).
    pub fn rp_key(&self) -> PathBuf {
        self.dir.join("rp.key")
    }
    /// The RP client certificate and key as PKCS#12 (`rp.p12`, passphrase `qwerty123`).
    pub fn rp_p12(&self) -> PathBuf {
        self.dir.join("rp.p12")
    }

    /// Uses the PKI in `dir`, creating it first if `ca.pem` is missing.
    pub fn open_or_init(dir: &Path) -> anyhow::Result<Self> {
        let pki = Self {
            dir: dir.to_path_buf(),
        };
        if !pki.ca_cert().exists() {
            pki.generate()?;
        }
        Ok(pki)
    }

    /// Generates all files, replacing existing ones.
    pub fn generate(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let now = OffsetDateTime::now_utc();

        let ca_key = KeyPair::generate()?;
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.distinguished_name = dn("BankID-sim Root CA (test only)");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca.not_before = now - time::Duration::days(1);
        ca.not_after = now + time::Duration::days(3650);
        let ca_cert = ca.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca, &ca_key);

        let server_key = KeyPair::generate()?;
        let mut server = CertificateParams::new(vec!["localhost".to_string()])?;
        server
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        server.distinguished_name = dn("appapi2.bankid-sim.localhost");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        server.not_before = now - time::Duration::days(1);
        server.not_after = now + time::Duration::days(825);
        let server_cert = server.signed_by(&server_key, &issuer)?;

        let rp_key = KeyPair::generate()?;
        let mut rp = CertificateParams::new(Vec::<String>::new())?;
        rp.distinguished_name = dn("Samtal RP (BankID-sim test)");
        rp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        rp.not_before = now - time::Duration::days(1);
        rp.not_after = now + time::Duration::days(825);
        let rp_cert = rp.signed_by(&rp_key, &issuer)?;

        write(&self.ca_cert(), ca_cert.pem().as_bytes())?;
        write_secret(&self.ca_key(), ca_key.serialize_pem().as_bytes())?;
        write(&self.server_cert(), server_cert.pem().as_bytes())?;
        write_secret(&self.server_key(), server_key.serialize_pem().as_bytes())?;
        write(&self.rp_cert(), rp_cert.pem().as_bytes())?;
        write_secret(&self.rp_key(), rp_key.serialize_pem().as_bytes())?;

        let chain = p12_keystore::PrivateKeyChain::new(
            [1u8; 20].to_vec(),
            p12_keystore::PrivateKey::from_der(&rp_key.serialize_der())?,
            [
                p12_keystore::Certificate::from_der(rp_cert.der())?,
                p12_keystore::Certificate::from_der(ca_cert.der())?,
            ],
        );
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry("rp", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
        write_secret(&self.rp_p12(), &store.writer(RP_P12_PASSWORD).write()?)?;
        Ok(())
    }

    /// A TLS server configuration that requires a client certificate issued by the CA.
    pub fn server_tls(&self) -> anyhow::Result<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(self.ca_cert())? {
            roots.add(cert?)?;
        }
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()?;
        let chain =
            CertificateDer::pem_file_iter(self.server_cert())?.collect::<Result<Vec<_>, _>>()?;
        let key = PrivateKeyDer::from_pem_file(self.server_key())?;
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }

    /// The CA certificate (PEM) and key, for issuing user certificates.
    pub fn ca(&self) -> anyhow::Result<(String, KeyPair)> {
        let pem = std::fs::read_to_string(self.ca_cert())?;
        let key = KeyPair::from_pem(&std::fs::read_to_string(self.ca_key())?)?;
        Ok((pem, key))
    }
}

fn dn(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "SE");
    dn.push(DnType::OrganizationName, "Samtal BankID-sim");
    dn.push(DnType::CommonName, common_name);
    dn
}

fn write(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, data).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes a private key readable only by its owner.
fn write_secret(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    write(path, data)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
