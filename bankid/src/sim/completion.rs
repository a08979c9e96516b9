//! `completionData` the way BankID builds it: a user certificate issued by the
//! simulator's CA, an XML signature (XML-DSig over `bankIdSignedData`) made with that
//! certificate's key, and a signed DER OCSP response saying the certificate is good.

use base64::Engine;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, Issuer, KeyPair, SigningKey,
    PKCS_ECDSA_P256_SHA256,
};
use rustls::pki_types::CertificateDer;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::api::{CompletionData, Device, StepUp, User};
use crate::codes::Risk;
use crate::sim::scenario::identity;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What an order carried that ends up in the signature.
#[derive(Debug, Clone, Default)]
pub struct SignedContent {
    /// `true` for sign/phone/sign (funcId `Signing`), `false` for auth.
    pub signing: bool,
    pub user_visible_data: Option<String>,
    pub user_non_visible_data: Option<String>,
    pub end_user_ip: String,
    pub mrtd: bool,
    pub return_risk: bool,
}

/// Issues user certificates and OCSP responses with the simulator's CA.
pub struct UserSigner {
    ca: Issuer<'static, KeyPair>,
    ca_der: CertificateDer<'static>,
}

impl UserSigner {
    /// A signer for the CA `ca_pem` with its key.
    pub fn new(ca_pem: &str, ca_key: KeyPair) -> anyhow::Result<Self> {
        let ca_der = rustls::pki_types::pem::PemObject::from_pem_slice(ca_pem.as_bytes())?;
        Ok(Self {
            ca: Issuer::from_ca_cert_pem(ca_pem, ca_key)?,
            ca_der,
        })
    }

    /// The completion data for `personal_number` after an order with `content`.
    pub fn complete(
        &self,
        personal_number: &str,
        content: &SignedContent,
    ) -> anyhow::Result<CompletionData> {
        let who = identity(personal_number);
        let name = format!("{} {}", who.given_name, who.surname);
        let user_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "SE");
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), who.given_name);
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), who.surname);
        dn.push(DnType::CommonName, name.as_str());
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 5]), personal_number);
        params.distinguished_name = dn;
        let now = OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(365 * 2);
        params.serial_number = Some(serial_from(personal_number, now).into());
        let user_cert = params.signed_by(&user_key, &self.ca)?;
        let uhi = B64.encode(&Sha256::digest(format!("uhi:{personal_number}"))[..20]);

        let xml = signature_xml(
            content,
            &user_key,
            &[user_cert.der().as_ref(), self.ca_der.as_ref()],
            &uhi,
        )?;
        let ocsp = self.ocsp_response(user_cert.der(), now)?;
        Ok(CompletionData {
            user: User {
                personal_number: personal_number.to_string(),
                name,
                given_name: who.given_name.to_string(),
                surname: who.surname.to_string(),
            },
            device: Device {
                ip_address: content.end_user_ip.clone(),
                uhi: Some(uhi),
            },
            bank_id_issue_date: who.bank_id_issue_date.to_string(),
            step_up: content.mrtd.then_some(StepUp { mrtd: true }),
            signature: B64.encode(xml),
            ocsp_response: B64.encode(ocsp),
            risk: content.return_risk.then_some(Risk::Low),
        })
    }

    /// A DER `OCSPResponse` (RFC 6960) saying `cert` is good, signed by the CA.
    fn ocsp_response(
        &self,
        cert: &CertificateDer<'_>,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<u8>> {
        let (_, user) = x509_parser::parse_x509_certificate(cert)?;
        let (_, ca) = x509_parser::parse_x509_certificate(&self.ca_der)?;
        let sha256_alg = seq(&[OID_SHA256, &[0x05, 0x00]].concat());
        let cert_id = seq(&[
            sha256_alg,
            tlv(0x04, &Sha256::digest(user.tbs_certificate.issuer.as_raw())),
            tlv(
                0x04,
                &Sha256::digest(&ca.tbs_certificate.subject_pki.subject_public_key.data),
            ),
            tlv(0x02, user.tbs_certificate.raw_serial()),
        ]
        .concat());
        let time = generalized_time(now);
        let single = seq(&[cert_id, vec![0x80, 0x00], time.clone()].concat());
        let tbs = seq(&[
            tlv(0xA1, ca.tbs_certificate.subject.as_raw()),
            time,
            seq(&single),
        ]
        .concat());
        let signature = self.ca.key().sign(&tbs)?;
        let mut bits = vec![0u8];
        bits.extend_from_slice(&signature);
        let basic = seq(&[
            tbs,
            seq(OID_ECDSA_SHA256),
            tlv(0x03, &bits),
            tlv(0xA0, &seq(self.ca_der.as_ref())),
        ]
        .concat());
        let response_bytes = seq(&[OID_OCSP_BASIC, &tlv(0x04, &basic)].concat());
        Ok(seq(
            &[&[0x0A, 0x01, 0x00][..], &tlv(0xA0, &response_bytes)].concat()
        ))
    }
}

const OID_SHA256: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
];
const OID_ECDSA_SHA256: &[u8] = &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
const OID_OCSP_BASIC: &[u8] = &[
    0x06, 0x09, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01,
];

/// One DER TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(content: &[u8]) -> Vec<u8> {
    tlv(0x30, content)
}

fn generalized_time(t: OffsetDateTime) -> Vec<u8> {
    let s = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    tlv(0x18, s.as_bytes())
}

/// A positive certificate serial, unique per identity and moment.
fn serial_from(personal_number: &str, now: OffsetDateTime) -> Vec<u8> {
    let mut serial =
        Sha256::digest(format!("{personal_number}:{}", now.unix_timestamp_nanos()))[..16].to_vec();
    serial[0] &= 0x7F;
    serial[0] |= 0x01;
    serial
}

/// BankID's signature document: `bankIdSignedData` and `KeyInfo` referenced from a
/// `SignedInfo` signed with the user's key (ECDSA P-256, r||s as XML-DSig requires).
fn signature_xml(
    content: &SignedContent,
    key: &KeyPair,
    chain: &[&[u8]],
    uhi: &str,
) -> anyhow::Result<String> {
    let func = if content.signing {
        "Signing"
    } else {
        "Identification"
    };
    let visible = content
        .user_visible_data
        .as_deref()
        .map(|d| {
            format!(r#"<usrVisibleData charset="UTF-8" visible="wysiwys">{d}</usrVisibleData>"#)
        })
        .unwrap_or_default();
    let non_visible = content
        .user_non_visible_data
        .as_deref()
        .map(|d| format!("<usrNonVisibleData>{d}</usrNonVisibleData>"))
        .unwrap_or_default();
    let signed_data = format!(
        r#"<bankIdSignedData xmlns="http://www.bankid.com/signature/v1.0.0/types" Id="bidSignedData">{visible}{non_visible}<srvInfo><name>{rp}</name><nonce>{nonce}</nonce><displayName>{display}</displayName></srvInfo><clientInfo><funcId>{func}</funcId><version>{version}</version><env><ai><type>{os}</type><deviceInfo>{device}</deviceInfo><uhi>{uhi}</uhi><fsib>0</fsib><utb>cs1</utb><requirement><condition><type>CertificatePolicies</type><value>1.2.3.4.25</value></condition></requirement><uauth>pin</uauth></ai></env></clientInfo></bankIdSignedData>"#,
        rp = B64.encode("cn=Samtal BankID-sim RP,o=Samtal"),
        nonce = B64.encode(&Sha256::digest(uhi.as_bytes() as &[u8])[..20]),
        display = B64.encode("Samtal"),
        version = B64.encode("Personal=7.14.0.10&BankID_exe=7.14.0.10"),
        os = B64.encode("ANDROID"),
        device = B64.encode("15"),
    );
    let certs: String = chain
        .iter()
        .map(|c| format!("<X509Certificate>{}</X509Certificate>", B64.encode(c)))
        .collect();
    let key_info = format!(
        r#"<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#" Id="bidKeyInfo"><X509Data>{certs}</X509Data></KeyInfo>"#
    );
    let reference = |uri: &str, ty: Option<&str>, digest: String| {
        let ty = ty.map(|t| format!(r#" Type="{t}""#)).unwrap_or_default();
        format!(
            r##"<Reference{ty} URI="#{uri}"><Transforms><Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"></Transform></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod><DigestValue>{digest}</DigestValue></Reference>"##
        )
    };
    let signed_info = format!(
        r#"<SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"></CanonicalizationMethod><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"></SignatureMethod>{}{}</SignedInfo>"#,
        reference(
            "bidSignedData",
            Some("http://www.bankid.com/signature/v1.0.0/types"),
            B64.encode(Sha256::digest(signed_data.as_bytes()))
        ),
        reference(
            "bidKeyInfo",
            None,
            B64.encode(Sha256::digest(key_info.as_bytes()))
        ),
    );
    let signature = ecdsa_der_to_raw(&key.sign(signed_info.as_bytes())?)?;
    Ok(format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?><Signature xmlns="http://www.w3.org/2000/09/xmldsig#">{signed_info}<SignatureValue>{}</SignatureValue>{key_info}<Object>{signed_data}</Object></Signature>"#,
        B64.encode(signature)
    ))
}

/// ECDSA-Sig-Value `SEQUENCE { r INTEGER, s INTEGER }` → 32-byte r || 32-byte s.
fn ecdsa_der_to_raw(der: &[u8]) -> anyhow::Result<Vec<u8>> {
    let bad = || anyhow::anyhow!("malformed ECDSA signature");
    let body = der
        .get(2..)
        .filter(|_| der.first() == Some(&0x30))
        .ok_or_else(bad)?;
    let mut out = Vec::with_capacity(64);
    let mut rest = body;
    for _ in 0..2 {
        if rest.first() != Some(&0x02) {
            return Err(bad());
        }
        let len = *rest.get(1).ok_or_else(bad)? as usize;
        let int = rest.get(2..2 + len).ok_or_else(bad)?;
        let int: Vec<u8> = int.iter().copied().skip_while(|b| *b == 0).collect();
        if int.len() > 32 {
            return Err(bad());
        }
        out.extend(std::iter::repeat_n(0, 32 - int.len()));
        out.extend(int);
        rest = &rest[2 + len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths_use_long_form_past_127() {
        assert_eq!(tlv(0x04, &[1; 3])[..2], [0x04, 3]);
        assert_eq!(tlv(0x04, &[1; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(tlv(0x04, &[1; 300])[..4], [0x04, 0x82, 0x01, 0x2C]);
    }
}
