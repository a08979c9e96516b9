//! Certificate and key lifecycle between the phone and a real endpoint: a device
//! certificate far into its life is renewed over mutual TLS and delivery goes on, the old
//! certificate refused afterwards; receipts signed before a receipt-key rotation stay
//! verifiable and the phone learns the new key by itself.

use crate::phone::{new_note, Endpoint, Options, Phone};
use rustls_pki_types::pem::PemObject;
use samtal_endpoint::pki::{parse_csr, serial_hex, Pki, Role};
use samtal_protocol::{Delivery, Receipt, ReceiptKeyring, ReceiptKeys, ReceiptVerifier};
use samtal_sync::renew;
use samtal_sync::OutboxStatus;
use time::OffsetDateTime;

/// An HTTP client presenting `cert_pem` with `key_pem` (the phone's, or one it had).
fn client_with(phone: &Phone, cert_pem: &str, key_pem: &str) -> reqwest::Client {
    let identity = phone.store.identity().unwrap().unwrap().identity;
    samtal_endpoint::client::mtls_client(&identity.ca_pem, cert_pem, key_pem).unwrap()
}

/// The phone's current certificate and key.
fn phone_client(phone: &Phone) -> reqwest::Client {
    let (identity, key_pem) = samtal_sync::enroll::load(&phone.store, phone.vault.as_ref())
        .unwrap()
        .unwrap();
    client_with(phone, &identity.cert_pem, &key_pem)
}

fn url(endpoint: &Endpoint, path: &str) -> String {
    format!("https://127.0.0.1:{}{path}", endpoint.config.listen.port())
}

/// GETs `path` with the phone's current certificate and reads the JSON answer.
fn get_json(endpoint: &Endpoint, phone: &Phone, path: &str) -> serde_json::Value {
    endpoint.runtime.block_on(async {
        phone_client(phone)
            .get(url(endpoint, path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

#[test]
fn a_phone_90_percent_through_its_certificate_renews_it_and_keeps_delivering() {
    let endpoint = Endpoint::new(Options::default());
    endpoint.serve();
    let phone = Phone::new();
    endpoint.enroll(&phone);

    // The phone's own key, certified from 9 days ago for 10 days: 90 % of its life gone.
    let sealed = phone.store.identity().unwrap().unwrap();
    let (identity, key_pem) = samtal_sync::enroll::load(&phone.store, phone.vault.as_ref())
        .unwrap()
        .unwrap();
    let key = rcgen::KeyPair::from_pem(&key_pem).unwrap();
    let csr = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .serialize_request(&key)
        .unwrap()
        .pem()
        .unwrap();
    let now = OffsetDateTime::now_utc();
    let pki = Pki::load(&endpoint.config.data_dir).unwrap();
    let aged = pki
        .sign_device_csr_between(
            parse_csr(&csr).unwrap(),
            &identity.device_id,
            now - time::Duration::days(9),
            now + time::Duration::days(1),
        )
        .unwrap();
    let db = endpoint.db();
    endpoint
        .runtime
        .block_on(db.record_cert(
            &aged.serial_hex,
            Role::Device,
            &identity.device_id,
            (aged.not_after.unix_timestamp_nanos() / 1_000_000) as i64,
        ))
        .unwrap();
    let aged_identity = samtal_sync::DeviceIdentity {
        cert_pem: aged.cert_pem.clone(),
        ..identity.clone()
    };
    phone
        .store
        .save_identity(&aged_identity, &sealed.sealed_key)
        .unwrap();
    assert!(renew::due(&aged.cert_pem, phone.store.now_ms()).unwrap());

    // One sync: renewal first, then the note over the new certificate.
    let client = phone.sync_client();
    let (session, note_id) = phone.queue(&new_note(1));
    assert_eq!(client.sync_now().unwrap().delivered, 1);
    assert_eq!(phone.entry(&note_id).status, OutboxStatus::Delivered);
    assert!(!phone.still_has_note(&session));
    let renewed = client.identity();
    assert_ne!(renewed.cert_pem, aged.cert_pem);
    assert_eq!(renewed.device_id, identity.device_id);
    assert!(!renew::due(&renewed.cert_pem, phone.store.now_ms()).unwrap());
    let stored = phone.store.identity().unwrap().unwrap();
    assert_eq!(stored.identity.cert_pem, renewed.cert_pem);
    assert_ne!(stored.sealed_key, sealed.sealed_key, "a new key pair");

    // The switch revoked the old certificate: it is refused, the new one served.
    let old = endpoint
        .runtime
        .block_on(db.cert(&aged.serial_hex))
        .unwrap()
        .unwrap();
    assert!(old.revoked);
    let der = rustls_pki_types::CertificateDer::from_pem_slice(renewed.cert_pem.as_bytes());
    let new_serial = serial_hex(&der.unwrap()).unwrap();
    assert!(
        !endpoint
            .runtime
            .block_on(db.cert(&new_serial))
            .unwrap()
            .unwrap()
            .revoked
    );
    let refused = endpoint.runtime.block_on(async {
        let response = client_with(&phone, &aged.cert_pem, &key_pem)
            .get(url(&endpoint, "/v1/receipt-keys"))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    });
    assert_eq!(refused.0, 403);
    assert!(refused.1.contains("certificate_revoked"), "{}", refused.1);

    // A fresh client (the app restarted) reads the renewed identity and keeps delivering.
    let (_, second) = phone.queue(&new_note(2));
    assert_eq!(phone.sync_client().sync_now().unwrap().delivered, 1);
    assert_eq!(phone.entry(&second).status, OutboxStatus::Delivered);
    assert_eq!(endpoint.note_count(), 2);
}

#[test]
fn a_rotated_receipt_key_leaves_old_receipts_verifiable() {
    let endpoint = Endpoint::new(Options::default());
    endpoint.serve();
    let phone = Phone::new();
    let identity = endpoint.enroll(&phone);
    let (_, before) = phone.queue(&new_note(1));
    assert_eq!(phone.sync_client().sync_now().unwrap().delivered, 1);

    let (old_id, new_id) = samtal_endpoint::admin::rotate_receipt_key(&endpoint.config).unwrap();
    assert_ne!(old_id, new_id);
    endpoint.restart();

    // The phone knows only the enrollment key; the new key's receipt makes it fetch the keys.
    let (session, after) = phone.queue(&new_note(2));
    let report = phone.sync_client().sync_now().unwrap();
    assert_eq!((report.delivered, report.rejected), (1, 0));
    assert!(!phone.still_has_note(&session));

    let receipt = |note_id: &str| -> Receipt {
        serde_json::from_value(endpoint.delivered(note_id)["receipt"].clone()).unwrap()
    };
    let (old_receipt, new_receipt) = (receipt(&before), receipt(&after));
    assert_eq!(old_receipt.key_id, old_id);
    assert_eq!(new_receipt.key_id, new_id);

    // Anyone holding the published keys verifies receipts from before and after.
    let keys: ReceiptKeys =
        serde_json::from_value(get_json(&endpoint, &phone, "/v1/receipt-keys")).unwrap();
    assert_eq!(keys.keys[0].key_id, new_id);
    let mut ring =
        ReceiptKeyring::new(ReceiptVerifier::from_hex(&keys.keys[0].public_key).unwrap());
    for key in &keys.keys[1..] {
        ring.add_hex(&key.public_key).unwrap();
    }
    for (r, note_id) in [(&old_receipt, &before), (&new_receipt, &after)] {
        let delivery = Delivery {
            note_id,
            content_hash: &r.content_hash,
            device_id: &identity.device_id,
            worker_id: None,
        };
        ring.verify_delivery(r, &delivery).unwrap();
    }
    // And the old receipt still comes back, signed as it was, when asked for again.
    let again: Receipt = serde_json::from_value(get_json(
        &endpoint,
        &phone,
        &format!("/v1/notes/{before}/receipt"),
    ))
    .unwrap();
    assert_eq!(again, old_receipt);
}
