//! Mutual TLS and wire-level behaviour of bankid-sim, client identities from PEM and
//! PKCS#12 (including the legacy RC2/3DES encryption of BankID's test certificate), and
//! the `bankid-sim` binary as a separate process.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use samtal_bankid::api::AuthRequest;
use samtal_bankid::sim::{SimPki, RP_P12_PASSWORD};
use samtal_bankid::{BankIdClient, ClientIdentity, Environment, Error, PinnedCa, Status};
use serde_json::{json, Value};

#[tokio::test]
async fn client_without_certificate_is_refused() {
    let sim = common::start_default().await;
    let ca = std::fs::read(sim.pki.ca_cert()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls::pki_types::pem::PemObject::pem_slice_iter(&ca) {
        roots.add(c.unwrap()).unwrap();
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .build()
        .unwrap();
    let result = http
        .post(sim.url("rp/v6.0/auth"))
        .json(&json!({"endUserIp": "192.0.2.1"}))
        .send()
        .await;
    assert!(
        result.is_err(),
        "the handshake must fail without a client certificate"
    );
}

#[tokio::test]
async fn client_certificate_from_another_ca_is_refused() {
    let sim = common::start_default().await;
    let other = tempfile::tempdir().unwrap();
    let other_pki = SimPki::open_or_init(other.path()).unwrap();
    let identity =
        ClientIdentity::from_pem_files(&other_pki.rp_cert(), &other_pki.rp_key()).unwrap();
    let ca = PinnedCa::from_pem_file(&sim.pki.ca_cert()).unwrap();
    let client =
        BankIdClient::new(&Environment::Custom(sim.server.base_url()), &identity, &ca).unwrap();
    let err = client
        .auth(&AuthRequest::new("192.0.2.1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn server_outside_the_pinned_ca_is_refused() {
    let sim = common::start_default().await;
    let other = tempfile::tempdir().unwrap();
    let other_pki = SimPki::open_or_init(other.path()).unwrap();
    let identity = ClientIdentity::from_pem_files(&sim.pki.rp_cert(), &sim.pki.rp_key()).unwrap();
    let wrong_ca = PinnedCa::from_pem_file(&other_pki.ca_cert()).unwrap();
    let client = BankIdClient::new(
        &Environment::Custom(sim.server.base_url()),
        &identity,
        &wrong_ca,
    )
    .unwrap();
    let err = client
        .auth(&AuthRequest::new("192.0.2.1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

async fn completes_with(sim: &common::Sim, identity: &ClientIdentity) {
    let ca = PinnedCa::from_pem_file(&sim.pki.ca_cert()).unwrap();
    let client =
        BankIdClient::new(&Environment::Custom(sim.server.base_url()), identity, &ca).unwrap();
    let order = client.auth(&AuthRequest::new("192.0.2.1")).await.unwrap();
    let r = client.collect(&order.order_ref).await.unwrap();
    assert_eq!(r.status, Status::Pending);
    client.cancel(&order.order_ref).await.unwrap();
}

#[tokio::test]
async fn identity_from_generated_pkcs12() {
    let sim = common::start_default().await;
    let identity = ClientIdentity::from_pkcs12_file(&sim.pki.rp_p12(), RP_P12_PASSWORD).unwrap();
    assert_eq!(identity.certificates().len(), 2);
    completes_with(&sim, &identity).await;
}

#[tokio::test]
async fn identity_from_legacy_pkcs12_like_fptestcert5() {
    let sim = common::start_default().await;
    let p12 = sim.dir.path().join("legacy.p12");
    // RC2-40 for the certificates, 3DES for the key, SHA-1 MAC: what `-legacy` writes
    // and what BankID's public FPTestcert5_20240610.p12 uses.
    let out = Command::new("openssl")
        .args(["pkcs12", "-export", "-legacy", "-in"])
        .arg(sim.pki.rp_cert())
        .arg("-inkey")
        .arg(sim.pki.rp_key())
        .arg("-out")
        .arg(&p12)
        .args(["-passout", "pass:qwerty123"])
        .output()
        .expect("openssl must be installed to build the legacy PKCS#12 fixture");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info = Command::new("openssl")
        .args([
            "pkcs12",
            "-info",
            "-noout",
            "-legacy",
            "-passin",
            "pass:qwerty123",
            "-in",
        ])
        .arg(&p12)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stderr).to_string();
    assert!(info.contains("40BitRC2"), "{info}");
    assert!(info.contains("TripleDES"), "{info}");

    let identity = ClientIdentity::from_pkcs12_file(&p12, "qwerty123").unwrap();
    completes_with(&sim, &identity).await;

    let err = ClientIdentity::from_pkcs12_file(&p12, "wrong").unwrap_err();
    assert!(matches!(err, Error::Identity(_)));
    assert!(!err.to_string().contains("qwerty123"));
}

async fn raw(sim: &common::Sim, path: &str, content_type: &str, body: &str) -> (u16, Value) {
    let resp = sim
        .raw_http()
        .post(sim.url(path))
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn wire_format_matches_bankid() {
    let sim = common::start_default().await;
    let json = "application/json";

    let (status, body) = raw(&sim, "rp/v6.0/auth", json, r#"{"endUserIp":"192.0.2.1"}"#).await;
    assert_eq!(status, 200);
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "autoStartToken",
            "orderRef",
            "qrStartSecret",
            "qrStartToken"
        ]
    );
    let order_ref = body["orderRef"].as_str().unwrap().to_string();

    let (status, body) = raw(
        &sim,
        "rp/v6.0/collect",
        json,
        &format!(r#"{{"orderRef":"{order_ref}"}}"#),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "pending");
    assert_eq!(body["hintCode"], "outstandingTransaction");
    assert!(body.get("completionData").is_none());

    let (status, body) = raw(
        &sim,
        "rp/v6.0/cancel",
        json,
        &format!(r#"{{"orderRef":"{order_ref}"}}"#),
    )
    .await;
    assert_eq!((status, body), (200, json!({})));

    let cases = [
        (
            "rp/v6.0/auth",
            "text/plain",
            r#"{"endUserIp":"192.0.2.1"}"#,
            415,
            "unsupportedMediaType",
        ),
        (
            "rp/v6.0/auth",
            json,
            r#"{"endUserIp":"not-an-ip"}"#,
            400,
            "invalidParameters",
        ),
        ("rp/v6.0/auth", json, "{not json", 400, "invalidParameters"),
        (
            "rp/v6.0/auth",
            json,
            r#"{"endUserIp":"192.0.2.1","requirement":{"personalNumber":"191212121213"}}"#,
            400,
            "invalidParameters",
        ),
        (
            "rp/v6.0/auth",
            json,
            r#"{"endUserIp":"192.0.2.1","userVisibleData":"***"}"#,
            400,
            "invalidParameters",
        ),
        (
            "rp/v6.0/sign",
            json,
            r#"{"endUserIp":"192.0.2.1"}"#,
            400,
            "invalidParameters",
        ),
        (
            "rp/v6.0/phone/auth",
            json,
            r#"{"personalNumber":"191212121212"}"#,
            400,
            "invalidParameters",
        ),
        ("rp/v6.0/collect", json, r#"{}"#, 400, "invalidParameters"),
        ("rp/v6.0/nothing", json, "{}", 404, "notFound"),
    ];
    for (path, ct, body, status, code) in cases {
        let (got_status, got) = raw(&sim, path, ct, body).await;
        assert_eq!(got_status, status, "{path} {body}");
        assert_eq!(got["errorCode"], code, "{path} {body}");
        assert!(got["details"].is_string());
    }

    let resp = sim
        .raw_http()
        .get(sim.url("rp/v6.0/auth"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
}

#[tokio::test]
async fn admin_api_drives_a_manual_order() {
    let sim = common::start(samtal_bankid::sim::SimConfig {
        default_scenario: samtal_bankid::sim::Scenario::Manual,
        ..Default::default()
    })
    .await;
    let order = sim
        .client
        .auth(&AuthRequest::new("192.0.2.1"))
        .await
        .unwrap();
    let mut poller = sim.poller(&order.order_ref);
    for _ in 0..3 {
        assert_eq!(poller.poll().await.unwrap().status, Status::Pending);
    }
    let http = sim.raw_http();
    let orders: Value = http
        .get(sim.url("admin/orders"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(orders[0]["orderRef"], order.order_ref.as_str());
    assert_eq!(orders[0]["collects"], 3);

    let resp = http
        .post(sim.url("admin/orders/latest/complete"))
        .json(&json!({"personalNumber": "19121212-1212"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let done = poller.poll().await.unwrap();
    assert_eq!(done.completion_data.unwrap().user.given_name, "Tolvan");

    let resp = http
        .post(sim.url(&format!("admin/orders/{}/complete", order.order_ref)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        409,
        "a finished order cannot be driven again"
    );

    let resp = http
        .put(sim.url("admin/default-scenario"))
        .json(&json!({"scenario": "userCancel:1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let order = sim
        .client
        .auth(&AuthRequest::new("192.0.2.1"))
        .await
        .unwrap();
    let r = sim.client.collect(&order.order_ref).await.unwrap();
    assert_eq!(r.hint_code, Some(samtal_bankid::HintCode::UserCancel));
}

/// Kills the child process when the test ends, pass or fail.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn bankid_sim_binary_inits_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let init = Command::new(env!("CARGO_BIN_EXE_bankid-sim"))
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(init.status.success());
    let pki = SimPki {
        dir: dir.path().to_path_buf(),
    };
    for f in [
        pki.ca_cert(),
        pki.ca_key(),
        pki.server_cert(),
        pki.server_key(),
        pki.rp_cert(),
        pki.rp_key(),
        pki.rp_p12(),
    ] {
        assert!(f.exists(), "{}", f.display());
    }

    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_bankid-sim"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--default-scenario",
                "complete:2",
                "--dir",
            ])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(
        url.starts_with("https://127.0.0.1:") && url.ends_with("/rp/v6.0/"),
        "{line}"
    );

    let identity = ClientIdentity::from_pkcs12_file(&pki.rp_p12(), RP_P12_PASSWORD).unwrap();
    let ca = PinnedCa::from_pem_file(&pki.ca_cert()).unwrap();
    let client = BankIdClient::new(&Environment::Custom(url), &identity, &ca).unwrap();
    let order = client.auth(&AuthRequest::new("192.0.2.1")).await.unwrap();
    let done = samtal_bankid::OrderPoller::new(client, &order.order_ref)
        .with_interval(common::FAST)
        .wait(|_| {})
        .await
        .unwrap();
    assert_eq!(done.status, Status::Complete);
    drop(stdout);
}
