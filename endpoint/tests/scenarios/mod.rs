//! Scenarios run against every storage backend (SQLite in `sqlite.rs`, PostgreSQL in
//! `postgres.rs`), all over real TLS on loopback against the real endpoint binary.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use samtal_endpoint::bench::synthetic_note;
use samtal_endpoint::client::anonymous_client;
use samtal_endpoint::pki::{Pki, Role};
use samtal_protocol::note::seal;
use samtal_protocol::{ErrorBody, ExportPage, Receipt, ReceiptVerifier};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::common::{Identity, Setup};

/// Fictional content that must never show up in logs, metrics or error messages.
const SECRET_WORDS: [&str; 2] = ["Testperson", "Exempelsson"];

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn try_put(
    client: &reqwest::Client,
    setup: &Setup,
    id: &str,
    body: Vec<u8>,
) -> Result<reqwest::Response, reqwest::Error> {
    client
        .put(format!("{}/v1/notes/{id}", setup.url()))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
}

async fn put_note(client: &reqwest::Client, setup: &Setup, note: &Value) -> reqwest::Response {
    try_put_note(client, setup, note).await.unwrap()
}

async fn try_put_note(
    client: &reqwest::Client,
    setup: &Setup,
    note: &Value,
) -> Result<reqwest::Response, reqwest::Error> {
    let id = note["note_id"].as_str().unwrap().to_owned();
    try_put(client, setup, &id, serde_json::to_vec(note).unwrap()).await
}

fn assert_no_content(text: &str, what: &str) {
    for word in SECRET_WORDS {
        assert!(!text.contains(word), "{what} contains note content");
    }
}

fn identity(issued: samtal_endpoint::pki::Issued, key_pem: String, name: &str) -> Identity {
    Identity {
        cert_pem: issued.cert_pem,
        key_pem,
        device_id: name.into(),
    }
}

pub async fn refuses_bad_client_certificates(setup: &Setup) {
    let _server = setup.start();
    let (device, _) = setup.enroll_device().await;
    let note = synthetic_note(&new_id(), 1);
    assert_eq!(
        put_note(&setup.client(&device), setup, &note)
            .await
            .status(),
        201
    );

    // No certificate: the TLS handshake fails.
    let anon = anonymous_client(&setup.pki().ca_pem).unwrap();
    assert!(anon
        .get(format!("{}/healthz", setup.url()))
        .send()
        .await
        .is_err());
    assert!(try_put_note(&anon, setup, &synthetic_note(&new_id(), 2))
        .await
        .is_err());

    // A certificate from another CA.
    let other_dir = tempfile::tempdir().unwrap();
    Pki::init(other_dir.path(), &[]).unwrap();
    let now = OffsetDateTime::now_utc();
    let hour = time::Duration::hours(1);
    let (issued, key) = Pki::load(other_dir.path())
        .unwrap()
        .issue_client("intruder", Role::Device, now - hour, now + hour)
        .unwrap();
    let foreign = identity(issued, key, "intruder");
    let result = try_put_note(
        &setup.client(&foreign),
        setup,
        &synthetic_note(&new_id(), 3),
    )
    .await;
    assert!(result.is_err(), "a foreign CA's certificate was accepted");

    // An expired certificate, although issued by our CA and recorded.
    let day = time::Duration::days(1);
    let (issued, key) = setup
        .pki()
        .issue_client("old-phone", Role::Device, now - 10 * day, now - day)
        .unwrap();
    setup
        .db()
        .await
        .record_cert(&issued.serial_hex, Role::Device, "old-phone", 0)
        .await
        .unwrap();
    let expired = identity(issued, key, "old-phone");
    let result = try_put_note(
        &setup.client(&expired),
        setup,
        &synthetic_note(&new_id(), 4),
    )
    .await;
    assert!(result.is_err(), "an expired certificate was accepted");

    // Issued by our CA but never recorded (e.g. made with a stolen CA key backup).
    let (issued, key) = setup
        .pki()
        .issue_client("ghost", Role::Device, now - hour, now + hour)
        .unwrap();
    let ghost = identity(issued, key, "ghost");
    let response = put_note(&setup.client(&ghost), setup, &synthetic_note(&new_id(), 5)).await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.json::<ErrorBody>().await.unwrap().error,
        "certificate_unknown"
    );

    // A revoked device works before the revocation and is refused on the next connection.
    let (phone, _) = setup.enroll_device().await;
    let note = synthetic_note(&new_id(), 6);
    assert_eq!(
        put_note(&setup.client(&phone), setup, &note).await.status(),
        201
    );
    samtal_endpoint::admin::device_revoke(&setup.config, &phone.device_id)
        .await
        .unwrap();
    let response = put_note(&setup.client(&phone), setup, &synthetic_note(&new_id(), 7)).await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.json::<ErrorBody>().await.unwrap().error,
        "certificate_revoked"
    );

    assert_eq!(setup.db().await.note_count().await.unwrap(), 2);
}

pub async fn put_is_idempotent_and_conflicts_are_refused(setup: &Setup) {
    let _server = setup.start();
    let (device, enrolled) = setup.enroll_device().await;
    let client = setup.client(&device);
    let id = new_id();
    let note = synthetic_note(&id, 1);
    let hash = note["content_hash"].as_str().unwrap().to_owned();

    let first = put_note(&client, setup, &note).await;
    assert_eq!(first.status(), 201);
    let receipt: Receipt = first.json().await.unwrap();
    let verifier = ReceiptVerifier::from_hex(&enrolled.receipt_public_key).unwrap();
    verifier.verify(&receipt, &id, &hash).unwrap();
    assert_eq!(receipt.device_id, device.device_id);

    // The same note again: the original receipt. Re-serialized in another form it is not
    // the canonical note and is refused.
    let again = put_note(&client, setup, &note).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Receipt>().await.unwrap(), receipt);
    let pretty = serde_json::to_vec_pretty(&note).unwrap();
    let again = try_put(&client, setup, &id, pretty).await.unwrap();
    assert_eq!(again.status(), 400);
    assert_eq!(
        again.json::<ErrorBody>().await.unwrap().error,
        "non_canonical_json"
    );

    // Another device re-sending the very same note learns nothing: the answer a different
    // note gets, no receipt, no author.
    let (other_phone, _) = setup.enroll_device().await;
    let copied = put_note(&setup.client(&other_phone), setup, &note).await;
    assert_eq!(copied.status(), 409);
    let text = copied.text().await.unwrap();
    let body: ErrorBody = serde_json::from_str(&text).unwrap();
    assert_eq!(body.error, "conflict");
    assert!(!text.contains(&device.device_id) && !text.contains(&receipt.signature));

    // Other content under the same id.
    let mut other = note.clone();
    other["sections"][0]["items"][0]["text"] = json!("Ändrad text.");
    seal(&mut other);
    let conflict = put_note(&client, setup, &other).await;
    assert_eq!(conflict.status(), 409);
    assert_eq!(
        conflict.json::<ErrorBody>().await.unwrap().error,
        "conflict"
    );

    // The receipt can be fetched by the device that delivered the note, and only by it.
    let fetched = client
        .get(format!("{}/v1/notes/{id}/receipt", setup.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.json::<Receipt>().await.unwrap(), receipt);
    let (stranger, _) = setup.enroll_device().await;
    let denied = setup
        .client(&stranger)
        .get(format!("{}/v1/notes/{id}/receipt", setup.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 404);

    // Delivered once to the directory sink, with the receipt, content as received.
    setup.wait_for_sink(1).await;
    let files = setup.sink_files();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    let canonical = samtal_protocol::canonical::to_canonical_string(&note);
    assert!(
        raw.ends_with(&format!("\"note\":{canonical}}}")),
        "the drop file carries exactly the canonical bytes the hash covers"
    );
    let dropped: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(dropped["note"], note);
    assert_eq!(
        serde_json::from_value::<Receipt>(dropped["receipt"].clone()).unwrap(),
        receipt
    );
    assert_eq!(setup.db().await.note_count().await.unwrap(), 1);
}

pub async fn bad_notes_get_clear_errors_and_change_nothing(setup: &Setup) {
    let _server = setup.start();
    let (device, _) = setup.enroll_device().await;
    let client = setup.client(&device);
    let max = setup.config.max_note_bytes;

    let expect = |status: u16, code: &'static str| {
        move |r: (u16, ErrorBody)| {
            assert_eq!((r.0, r.1.error.as_str()), (status, code), "{}", r.1.message);
            assert_no_content(&r.1.message, "an error message");
            r.1.message
        }
    };
    let send = |id: String, content_type: &'static str, body: Vec<u8>| {
        let client = client.clone();
        let url = format!("{}/v1/notes/{id}", setup.url());
        async move {
            let r = client
                .put(url)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<ErrorBody>().await.unwrap())
        }
    };

    // Oversized.
    let id = new_id();
    let mut big = synthetic_note(&id, 1);
    big["sections"][0]["items"][0]["text"] = json!("Testperson ".repeat(max / 5));
    seal(&mut big);
    expect(413, "too_large")(
        send(
            id.clone(),
            "application/json",
            serde_json::to_vec(&big).unwrap(),
        )
        .await,
    );

    // Malformed JSON.
    let msg = expect(400, "malformed_json")(
        send(
            new_id(),
            "application/json",
            b"{\"note_id\": \"Testperson Exempelsson\",".to_vec(),
        )
        .await,
    );
    assert!(msg.contains("line 1"), "{msg}");

    // Valid JSON that is not a valid note.
    let id = new_id();
    let mut missing = synthetic_note(&id, 2);
    missing.as_object_mut().unwrap().remove("sections");
    let msg = expect(422, "invalid_note")(
        send(
            id.clone(),
            "application/json",
            serde_json::to_vec(&missing).unwrap(),
        )
        .await,
    );
    assert!(msg.contains("sections"), "{msg}");

    let mut tampered = synthetic_note(&id, 3);
    tampered["sections"][1]["items"][0]["text"] = json!("Testperson Exempelsson har flyttat.");
    let msg = expect(422, "invalid_note")(
        send(
            id.clone(),
            "application/json",
            serde_json::to_vec(&tampered).unwrap(),
        )
        .await,
    );
    assert!(msg.contains("content_hash"), "{msg}");

    let mut bad_version = synthetic_note(&id, 4);
    bad_version["schema_version"] = json!(99);
    seal(&mut bad_version);
    expect(422, "invalid_note")(
        send(
            id.clone(),
            "application/json",
            serde_json::to_vec(&bad_version).unwrap(),
        )
        .await,
    );

    // A duplicate key hides a first value from the hash: refused, the hidden value unnamed.
    let sealed = serde_json::to_string(&synthetic_note(&id, 6)).unwrap();
    let hidden = sealed.replacen(
        "\"approval\":{",
        "\"approval\":{\"approved_by\":\"Dold Handläggare\",",
        1,
    );
    let msg =
        expect(400, "duplicate_key")(send(id.clone(), "application/json", hidden.into()).await);
    assert!(
        !msg.contains("Dold") && !msg.contains("approved_by"),
        "{msg}"
    );

    // Wrong media type, id mismatch, bad id.
    let good = serde_json::to_vec(&synthetic_note(&id, 5)).unwrap();
    expect(415, "unsupported_media_type")(send(id.clone(), "text/plain", good.clone()).await);
    expect(400, "note_id_mismatch")(send(new_id(), "application/json", good.clone()).await);
    expect(400, "bad_note_id")(send("Testperson".into(), "application/json", good).await);

    // Nothing was stored or delivered, and nothing of the content reached the log.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(setup.db().await.note_count().await.unwrap(), 0);
    assert!(setup.sink_files().is_empty());
    assert_no_content(&setup.log(), "the endpoint log");
}

/// Raw TLS so the test controls exactly when the connection dies.
async fn raw_tls(
    setup: &Setup,
    device: &Identity,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(setup.pki().ca_pem.as_bytes()).unwrap())
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(
            vec![CertificateDer::from_pem_slice(device.cert_pem.as_bytes()).unwrap()],
            PrivateKeyDer::from_pem_slice(device.key_pem.as_bytes()).unwrap(),
        )
        .unwrap();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", setup.config.listen.port()))
        .await
        .unwrap();
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap()
}

pub async fn connection_cut_mid_request_delivers_exactly_once(setup: &Setup) {
    use tokio::io::AsyncWriteExt;
    let _server = setup.start();
    let (device, _) = setup.enroll_device().await;
    let id = new_id();
    let note = synthetic_note(&id, 1);
    let body = serde_json::to_vec(&note).unwrap();
    let head = format!(
        "PUT /v1/notes/{id} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n",
        body.len()
    );

    // Cut after half the body: nothing is stored.
    let mut tls = raw_tls(setup, &device).await;
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(&body[..body.len() / 2]).await.unwrap();
    tls.flush().await.unwrap();
    drop(tls);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(setup.db().await.note_count().await.unwrap(), 0);

    // Cut after the whole request, before reading the answer: the retry gets the receipt.
    let mut tls = raw_tls(setup, &device).await;
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(&body).await.unwrap();
    tls.flush().await.unwrap();
    drop(tls);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let retry = put_note(&setup.client(&device), setup, &note).await;
    assert!(
        matches!(retry.status().as_u16(), 200 | 201),
        "{}",
        retry.status()
    );
    let receipt: Receipt = retry.json().await.unwrap();
    assert_eq!(receipt.note_id, id);

    setup.wait_for_sink(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(setup.sink_files().len(), 1);
    assert_eq!(setup.db().await.note_count().await.unwrap(), 1);
}

/// 1,000 notes from concurrent uploaders; the endpoint is SIGKILLed and restarted midway.
pub async fn kill_and_restart_loses_and_duplicates_nothing(setup: &Setup) {
    const NOTES: usize = 1000;
    const UPLOADERS: usize = 16;
    let mut server = Some(setup.start());
    let (device, enrolled) = setup.enroll_device().await;
    let client = setup.client(&device);
    let notes: Vec<Value> = (0..NOTES).map(|i| synthetic_note(&new_id(), i)).collect();
    let queue = Arc::new(Mutex::new(notes.iter().cloned().collect::<VecDeque<_>>()));
    let acked = Arc::new(AtomicUsize::new(0));
    let created = Arc::new(AtomicUsize::new(0));
    let receipts = Arc::new(Mutex::new(Vec::new()));

    let mut uploaders = Vec::new();
    for _ in 0..UPLOADERS {
        let (queue, acked, created, receipts) = (
            queue.clone(),
            acked.clone(),
            created.clone(),
            receipts.clone(),
        );
        let client = client.clone();
        let url = setup.url();
        uploaders.push(tokio::spawn(async move {
            loop {
                let Some(note) = queue.lock().unwrap().pop_front() else {
                    return;
                };
                let id = note["note_id"].as_str().unwrap().to_owned();
                let body = serde_json::to_vec(&note).unwrap();
                // Retry until the endpoint acknowledges, as the phone's outbox does.
                loop {
                    let sent = client
                        .put(format!("{url}/v1/notes/{id}"))
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await;
                    if let Ok(response) = sent {
                        let status = response.status().as_u16();
                        if status == 200 || status == 201 {
                            if let Ok(receipt) = response.json::<Receipt>().await {
                                if status == 201 {
                                    created.fetch_add(1, Ordering::SeqCst);
                                }
                                receipts.lock().unwrap().push((note.clone(), receipt));
                                acked.fetch_add(1, Ordering::SeqCst);
                                break;
                            }
                        } else {
                            assert!(status >= 500, "unexpected status {status}");
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }));
    }

    while acked.load(Ordering::SeqCst) < NOTES / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.take().unwrap().kill();
    let at_kill = acked.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    server = Some(setup.start());
    for uploader in uploaders {
        tokio::time::timeout(Duration::from_secs(180), uploader)
            .await
            .expect("uploads finished")
            .unwrap();
    }
    assert!(at_kill < NOTES, "the kill happened after all uploads");

    // Every note acknowledged once, every receipt valid, nothing lost or duplicated.
    assert_eq!(acked.load(Ordering::SeqCst), NOTES);
    assert!(created.load(Ordering::SeqCst) <= NOTES);
    let verifier = ReceiptVerifier::from_hex(&enrolled.receipt_public_key).unwrap();
    for (note, receipt) in receipts.lock().unwrap().iter() {
        verifier
            .verify(
                receipt,
                note["note_id"].as_str().unwrap(),
                note["content_hash"].as_str().unwrap(),
            )
            .unwrap();
    }
    assert_eq!(setup.db().await.note_count().await.unwrap(), NOTES as i64);
    setup.wait_for_sink(NOTES).await;
    let files = setup.sink_files();
    assert_eq!(files.len(), NOTES);
    let expected: HashSet<String> = notes
        .iter()
        .map(|n| format!("{}.json", n["note_id"].as_str().unwrap()))
        .collect();
    let found: HashSet<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(found, expected);
    for (file, note) in files.iter().zip({
        let mut sorted = notes.clone();
        sorted.sort_by(|a, b| a["note_id"].as_str().cmp(&b["note_id"].as_str()));
        sorted
    }) {
        let dropped: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        assert_eq!(dropped["note"], note);
    }
    drop(server);
}

pub async fn export_roles_and_metrics(setup: &Setup) {
    let _server = setup.start();
    let (device, _) = setup.enroll_device().await;
    let device_client = setup.client(&device);
    let mut ids = Vec::new();
    for i in 0..3 {
        let note = synthetic_note(&new_id(), i);
        ids.push(note["note_id"].as_str().unwrap().to_owned());
        assert_eq!(put_note(&device_client, setup, &note).await.status(), 201);
    }
    let case = setup
        .service_identity(Role::CaseSystem, "case-system-test")
        .await;
    let case_client = setup.client(&case);
    let mut page = ExportPage {
        items: vec![],
        next_cursor: 0,
    };
    for _ in 0..100 {
        page = case_client
            .get(format!("{}/v1/export?after=0", setup.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if page.items.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exported: Vec<&str> = page
        .items
        .iter()
        .map(|i| i.receipt.note_id.as_str())
        .collect();
    assert_eq!(exported.len(), 3);
    assert!(page.items.windows(2).all(|w| w[0].cursor < w[1].cursor));
    let rest: ExportPage = case_client
        .get(format!(
            "{}/v1/export?after={}",
            setup.url(),
            page.next_cursor
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(rest.items.is_empty());
    assert_eq!(rest.next_cursor, page.next_cursor);
    let bad = case_client
        .get(format!("{}/v1/export?after=soon", setup.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Roles: devices cannot export or read metrics; case systems cannot upload.
    let r = device_client
        .get(format!("{}/v1/export?after=0", setup.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = device_client
        .get(format!("{}/metrics", setup.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = put_note(&case_client, setup, &synthetic_note(&new_id(), 9)).await;
    assert_eq!(r.status(), 403);

    let monitor = setup.service_identity(Role::Monitor, "prometheus").await;
    let metrics = setup
        .client(&monitor)
        .get(format!("{}/metrics", setup.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("samtal_notes_total{outcome=\"created\"} 3"),
        "{metrics}"
    );
    assert!(metrics.contains("samtal_note_request_seconds_count"));
    for id in &ids {
        assert!(!metrics.contains(id.as_str()));
    }
    assert_no_content(&metrics, "metrics");
    let health = device_client
        .get(format!("{}/healthz", setup.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

pub async fn enrollment_codes_work_once(setup: &Setup) {
    let _server = setup.start();
    let (_, code) = samtal_endpoint::admin::device_enroll(&setup.config, "phone", 10)
        .await
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let csr = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .serialize_request(&key)
        .unwrap()
        .pem()
        .unwrap();
    let bad_csr = setup
        .post_enroll(
            &code,
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        )
        .await;
    assert_eq!(bad_csr.status(), 400);
    // A bad CSR does not use up the code.
    assert_eq!(setup.post_enroll(&code, &csr).await.status(), 201);
    let again = setup.post_enroll(&code, &csr).await;
    assert_eq!(again.status(), 403);
    assert_eq!(
        again.json::<ErrorBody>().await.unwrap().error,
        "enrollment_code_invalid"
    );
    // The enrollment listener pins: its certificate chains to the CA in the code.
    let ca = anonymous_client(&setup.pki().ca_pem)
        .unwrap()
        .get(format!("{}/v1/ca", setup.enroll_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        samtal_endpoint::pki::ca_fingerprint(&ca).unwrap(),
        code.ca_fingerprint
    );
}
