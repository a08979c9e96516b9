//! The municipal CA: creating it, and issuing server, device and service certificates.
//!
//! Devices never send a private key: they send a CSR, and the CA signs it with a subject it
//! chooses itself (the device id), so a phone cannot claim another identity or a CA role.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rand::RngCore;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use time::{Duration, OffsetDateTime};

use samtal_protocol::ReceiptSigner;

/// The role a client certificate grants. Stored with the certificate's serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An enrolled phone: may deliver notes and read its own receipts.
    Device,
    /// A case-system integration: may pull notes through the export API.
    CaseSystem,
    /// Monitoring: may read metrics.
    Monitor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Device => "device",
            Role::CaseSystem => "case-system",
            Role::Monitor => "monitor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "device" => Some(Role::Device),
            "case-system" => Some(Role::CaseSystem),
            "monitor" => Some(Role::Monitor),
            _ => None,
        }
    }
}

/// A certificate issued by the CA, with what the database records about it.
pub struct Issued {
    pub cert_pem: String,
    pub serial_hex: String,
    pub not_after: OffsetDateTime,
}

/// Paths of the CA's files inside the data directory.
pub struct PkiFiles {
    pub ca_cert: PathBuf,
    pub ca_key: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub receipt_key: PathBuf,
}

impl PkiFiles {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            ca_cert: dir.join("ca.pem"),
            ca_key: dir.join("ca.key.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server.key.pem"),
            receipt_key: dir.join("receipt.key"),
        }
    }
}

/// The loaded CA and receipt key.
pub struct Pki {
    pub ca_pem: String,
    ca_key: KeyPair,
    pub files: PkiFiles,
}

impl Pki {
    /// Create the CA, the server certificate for `server_names` and the receipt key.
    pub fn init(dir: &Path, server_names: &[String]) -> anyhow::Result<()> {
        let files = PkiFiles::in_dir(dir);
        if files.ca_cert.exists() {
            bail!(
                "a CA already exists in {}; refusing to overwrite it",
                dir.display()
            );
        }
        crate::owner_only::private_dir(dir)?;
        let ca_key = KeyPair::generate()?;
        let mut params = CertificateParams::default();
        params.distinguished_name = dn("Samtal municipal CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = OffsetDateTime::now_utc() - Duration::hours(1);
        params.not_after = OffsetDateTime::now_utc() + Duration::days(3650);
        params.serial_number = Some(random_serial());
        let ca_cert = params.self_signed(&ca_key)?;
        write_secret(&files.ca_key, ca_key.serialize_pem().as_bytes())?;
        crate::owner_only::write_private(&files.ca_cert, ca_cert.pem().as_bytes())?;

        let pki = Pki::load(dir)?;
        let server_key = KeyPair::generate()?;
        let mut names = server_names.to_vec();
        if names.is_empty() {
            names = vec!["localhost".into(), "127.0.0.1".into()];
        }
        let mut params = CertificateParams::default();
        params.distinguished_name = dn(&names[0]);
        params.subject_alt_names = names
            .iter()
            .map(|n| match n.parse::<IpAddr>() {
                Ok(ip) => Ok(SanType::IpAddress(ip)),
                Err(_) => Ok(SanType::DnsName(n.clone().try_into()?)),
            })
            .collect::<Result<_, rcgen::Error>>()?;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let server = pki.sign(params, &server_key, Duration::days(825))?;
        write_secret(&files.server_key, server_key.serialize_pem().as_bytes())?;
        crate::owner_only::write_private(&files.server_cert, server.cert_pem.as_bytes())?;
        write_secret(&files.receipt_key, &ReceiptSigner::generate_pkcs8())?;
        Ok(())
    }

    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let files = PkiFiles::in_dir(dir);
        let ca_pem = std::fs::read_to_string(&files.ca_cert).with_context(|| {
            format!(
                "reading {} (run `samtal-endpoint ca init` first)",
                files.ca_cert.display()
            )
        })?;
        let ca_key = KeyPair::from_pem(&std::fs::read_to_string(&files.ca_key)?)
            .context("parsing the CA key")?;
        Ok(Self {
            ca_pem,
            ca_key,
            files,
        })
    }

    pub fn receipt_signer(&self) -> anyhow::Result<ReceiptSigner> {
        let bytes = std::fs::read(&self.files.receipt_key)
            .with_context(|| format!("reading {}", self.files.receipt_key.display()))?;
        Ok(ReceiptSigner::from_pkcs8(&bytes)?)
    }

    /// First 32 hex digits of the SHA-256 of the CA certificate (DER), carried in enrollment
    /// codes so a phone can pin the CA before it trusts anything the endpoint says.
    pub fn ca_fingerprint(&self) -> anyhow::Result<String> {
        ca_fingerprint(&self.ca_pem)
    }

    /// Sign a device's CSR; the subject is replaced by the device id chosen by the endpoint.
    pub fn sign_device_csr(
        &self,
        csr: CertificateSigningRequestParams,
        device_id: &str,
        validity: Duration,
    ) -> anyhow::Result<Issued> {
        let mut params = client_params(device_id, Role::Device);
        params.not_before = OffsetDateTime::now_utc() - Duration::minutes(5);
        params.not_after = OffsetDateTime::now_utc() + validity;
        params.serial_number = Some(random_serial());
        let cert = params.signed_by(&csr.public_key, &self.issuer()?)?;
        issued(cert.pem(), cert.der())
    }

    /// Issue a client certificate with a fresh key pair generated here (for service roles,
    /// benchmarks and tests). Returns the certificate and the key PEM.
    pub fn issue_client(
        &self,
        subject: &str,
        role: Role,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> anyhow::Result<(Issued, String)> {
        let key = KeyPair::generate()?;
        let mut params = client_params(subject, role);
        params.not_before = not_before;
        params.not_after = not_after;
        params.serial_number = Some(random_serial());
        let cert = params.signed_by(&key, &self.issuer()?)?;
        Ok((issued(cert.pem(), cert.der())?, key.serialize_pem()))
    }

    fn sign(
        &self,
        mut params: CertificateParams,
        key: &KeyPair,
        validity: Duration,
    ) -> anyhow::Result<Issued> {
        params.not_before = OffsetDateTime::now_utc() - Duration::hours(1);
        params.not_after = OffsetDateTime::now_utc() + validity;
        params.serial_number = Some(random_serial());
        let cert = params.signed_by(key, &self.issuer()?)?;
        issued(cert.pem(), cert.der())
    }

    fn issuer(&self) -> anyhow::Result<Issuer<'static, &KeyPair>> {
        Ok(Issuer::from_ca_cert_pem(&self.ca_pem, &self.ca_key)?)
    }
}

/// A phone's certificate signing request (PKCS#10 in PEM) if it is well-formed and its
/// self-signature verifies; what it asks for beyond its public key is ignored.
pub fn parse_csr(pem: &str) -> Option<CertificateSigningRequestParams> {
    CertificateSigningRequestParams::from_pem(pem).ok()
}

/// Fingerprint of a CA certificate in PEM, as used in enrollment codes.
pub fn ca_fingerprint(ca_pem: &str) -> anyhow::Result<String> {
    samtal_protocol::ca_fingerprint(ca_pem).context("parsing the CA certificate")
}

/// Hex serial of a DER certificate, as recorded in the database and checked per connection.
pub fn serial_hex(der: &[u8]) -> anyhow::Result<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).context("parsing a certificate")?;
    Ok(hex::encode(cert.tbs_certificate.raw_serial()))
}

fn issued(cert_pem: String, der: &[u8]) -> anyhow::Result<Issued> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).context("parsing a certificate")?;
    let not_after = cert.validity().not_after.to_datetime();
    Ok(Issued {
        cert_pem,
        serial_hex: hex::encode(cert.tbs_certificate.raw_serial()),
        not_after,
    })
}

fn client_params(subject: &str, role: Role) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, subject);
    name.push(DnType::OrganizationalUnitName, role.as_str());
    params.distinguished_name = name;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params
}

fn dn(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}

fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::from_slice(&bytes)
}

fn write_secret(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}
