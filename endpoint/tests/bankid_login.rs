//! Worker sign-in and citizen signing through the endpoint, against bankid-sim over
//! mutual TLS: only staff get a session, sessions are bound to the device certificate,
//! expire and can be revoked, note receipts name the author and carry the citizen's
//! signature.

mod common;

use std::time::Duration;

use common::{Backend, Identity, Setup};
use samtal_bankid::sim::{Scenario, SimConfig, SimPki, SimServer};
use samtal_endpoint::bench::synthetic_note;
use samtal_protocol::{ErrorBody, Receipt};
use serde_json::{json, Value};

const STAFF: &str = "197503159845";
const CITIZEN: &str = "191212121212";
const OUTSIDER: &str = "198112289874";

struct Env {
    setup: Setup,
    sim: SimServer,
    _server: common::Server,
}

/// An endpoint whose `[bankid]` points at a bankid-sim where every QR order waits for
/// the test to complete it as someone.
async fn start() -> Env {
    let setup = Setup::new(&Backend::Sqlite);
    let sim_dir = setup.dir.path().join("bankid-sim");
    let pki = SimPki::open_or_init(&sim_dir).unwrap();
    let config = SimConfig {
        default_scenario: Scenario::Manual,
        ..SimConfig::default()
    };
    let sim = SimServer::start(&pki, config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut text = std::fs::read_to_string(&setup.config_path).unwrap();
    text.push_str(&format!(
        "\n[bankid]\nenvironment = \"{}\"\nca_file = \"bankid-sim/ca.pem\"\n\
         cert_file = \"bankid-sim/rp.pem\"\nkey_file = \"bankid-sim/rp.key\"\n\
         collect_interval_ms = 50\n",
        sim.base_url()
    ));
    std::fs::write(&setup.config_path, text).unwrap();
    setup.db().await.set_staff(STAFF, true).await.unwrap();
    let server = setup.start();
    Env {
        setup,
        sim,
        _server: server,
    }
}

async fn post(
    client: &reqwest::Client,
    url: String,
    body: Value,
    token: Option<&str>,
) -> (u16, Value) {
    let mut req = client.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Polls the endpoint's collect until it reports a final status or refuses.
async fn collect_until_final(
    env: &Env,
    client: &reqwest::Client,
    path: &str,
    order_ref: &str,
) -> (u16, Value) {
    for _ in 0..100 {
        let (status, body) = post(
            client,
            format!("{}{path}", env.setup.url()),
            json!({"orderRef": order_ref, "language": "en"}),
            None,
        )
        .await;
        if status != 200 || body["status"] != "pending" {
            return (status, body);
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    panic!("order never finished");
}

/// Signs in on `device` as `person` and returns the collect answer.
async fn sign_in(env: &Env, device: &Identity, person: &str) -> (u16, Value) {
    let client = env.setup.client(device);
    let (status, started) = post(
        &client,
        format!("{}/v1/auth/bankid/start", env.setup.url()),
        json!({}),
        None,
    )
    .await;
    assert_eq!(status, 200, "{started}");
    let order_ref = started["orderRef"].as_str().unwrap().to_string();
    assert!(started["qrData"].as_str().unwrap().starts_with("bankid."));
    assert!(
        started.get("qrStartSecret").is_none(),
        "the QR secret stays on the endpoint"
    );

    let (status, pending) = post(
        &client,
        format!("{}/v1/auth/bankid/collect", env.setup.url()),
        json!({"orderRef": order_ref}),
        None,
    )
    .await;
    assert_eq!(status, 200, "{pending}");
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["rfa"], "RFA1");
    assert_eq!(pending["message"], "Starta BankID-appen.");
    assert!(pending["qrData"].as_str().unwrap().starts_with("bankid."));

    env.sim.complete(&order_ref, Some(person)).unwrap();
    collect_until_final(env, &client, "/v1/auth/bankid/collect", &order_ref).await
}

async fn put_note(env: &Env, device: &Identity, note: &Value, token: Option<&str>) -> (u16, Value) {
    let client = env.setup.client(device);
    let mut req = client
        .put(format!(
            "{}/v1/notes/{}",
            env.setup.url(),
            note["note_id"].as_str().unwrap()
        ))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(note).unwrap());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn new_note() -> Value {
    synthetic_note(&uuid::Uuid::new_v4().to_string(), 1)
}

fn error_code(body: &Value) -> String {
    serde_json::from_value::<ErrorBody>(body.clone())
        .unwrap()
        .error
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_signs_in_and_notes_name_the_author_while_the_session_is_valid() {
    let env = start().await;
    let (phone, _) = env.setup.enroll_device().await;
    let (other_phone, _) = env.setup.enroll_device().await;

    let (status, body) = put_note(&env, &phone, &new_note(), None).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_required")
    );

    let (status, done) = sign_in(&env, &phone, STAFF).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "complete");
    let token = done["session"]["token"].as_str().unwrap().to_string();
    let expires = done["session"]["expiresAtMs"].as_i64().unwrap();
    let hours = (expires - samtal_endpoint::db::now_ms()) as f64 / 3_600_000.0;
    assert!(
        (9.9..=10.0).contains(&hours),
        "default session lifetime is 10 h, got {hours}"
    );

    let note = new_note();
    let (status, receipt) = put_note(&env, &phone, &note, Some(&token)).await;
    assert_eq!(status, 201, "{receipt}");
    let receipt: Receipt = serde_json::from_value(receipt).unwrap();
    assert_eq!(receipt.author.as_deref(), Some(STAFF));
    assert_eq!(receipt.citizen_signature, None);

    let (status, body) = put_note(&env, &other_phone, &new_note(), Some(&token)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_other_device")
    );

    let (status, body) = put_note(&env, &phone, &new_note(), Some("0".repeat(64).as_str())).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_unknown")
    );

    let log = env.setup.log();
    assert!(!log.contains(STAFF), "personal numbers never reach the log");
    assert!(!log.contains(&token), "tokens never reach the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_not_on_the_allow_list_gets_no_session() {
    let env = start().await;
    let (phone, _) = env.setup.enroll_device().await;
    let (status, body) = sign_in(&env, &phone, OUTSIDER).await;
    assert_eq!((status, error_code(&body).as_str()), (403, "not_staff"));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_sessions")
        .fetch_one(env.setup.db().await.pool())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_expired_and_denied_sessions_cannot_deliver() {
    let env = start().await;
    let (phone, _) = env.setup.enroll_device().await;
    let db = env.setup.db().await;

    let (_, done) = sign_in(&env, &phone, STAFF).await;
    let token = done["session"]["token"].as_str().unwrap().to_string();
    let client = env.setup.client(&phone);
    let (status, _) = post(
        &client,
        format!("{}/v1/auth/logout", env.setup.url()),
        json!({}),
        Some(&token),
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = put_note(&env, &phone, &new_note(), Some(&token)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_revoked")
    );

    let (_, done) = sign_in(&env, &phone, STAFF).await;
    let token = done["session"]["token"].as_str().unwrap().to_string();
    sqlx::query("UPDATE staff_sessions SET expires_ms = $1 WHERE revoked_ms IS NULL")
        .bind(samtal_endpoint::db::now_ms() - 1)
        .execute(db.pool())
        .await
        .unwrap();
    let (status, body) = put_note(&env, &phone, &new_note(), Some(&token)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_expired")
    );

    let (_, done) = sign_in(&env, &phone, STAFF).await;
    let token = done["session"]["token"].as_str().unwrap().to_string();
    let note = new_note();
    assert_eq!(put_note(&env, &phone, &note, Some(&token)).await.0, 201);
    db.set_staff(STAFF, false).await.unwrap();
    let (status, body) = put_note(&env, &phone, &new_note(), Some(&token)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_not_staff")
    );
    db.set_staff(STAFF, true).await.unwrap();
    assert_eq!(
        samtal_endpoint::auth::sessions::revoke_person(&db, STAFF)
            .await
            .unwrap(),
        1
    );
    let (status, body) = put_note(&env, &phone, &new_note(), Some(&token)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_revoked")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_signature_is_stored_and_shown_in_the_receipt() {
    let env = start().await;
    let (phone, _) = env.setup.enroll_device().await;
    let (_, done) = sign_in(&env, &phone, STAFF).await;
    let token = done["session"]["token"].as_str().unwrap().to_string();
    let client = env.setup.client(&phone);
    let note = new_note();
    let id = note["note_id"].as_str().unwrap();
    let hash = note["content_hash"].as_str().unwrap();

    let url = format!("{}/v1/notes/{id}/signature/start", env.setup.url());
    let body = json!({"contentHash": hash, "summary": "Hembesök, planering av stöd"});
    let (status, err) = post(&client, url.clone(), body.clone(), None).await;
    assert_eq!(
        (status, error_code(&err).as_str()),
        (401, "session_required")
    );
    let (status, started) = post(&client, url, body, Some(&token)).await;
    assert_eq!(status, 200, "{started}");
    let order_ref = started["orderRef"].as_str().unwrap().to_string();

    env.sim.complete(&order_ref, Some(CITIZEN)).unwrap();
    let (status, signed) = collect_until_final(
        &env,
        &client,
        &format!("/v1/notes/{id}/signature/collect"),
        &order_ref,
    )
    .await;
    assert_eq!(status, 200, "{signed}");
    let digest = signed["signature"]["signatureSha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(digest.len(), 64);

    let db = env.setup.db().await;
    let xml: String =
        sqlx::query_scalar("SELECT signature FROM note_signatures WHERE note_id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let xml = String::from_utf8(samtal_bankid::api::decode_data(&xml).unwrap()).unwrap();
    assert!(xml.contains("<funcId>Signing</funcId>"));
    let visible = xml
        .split("<usrVisibleData charset=\"UTF-8\" visible=\"wysiwys\">")
        .nth(1)
        .unwrap();
    let visible = String::from_utf8(
        samtal_bankid::api::decode_data(visible.split('<').next().unwrap()).unwrap(),
    )
    .unwrap();
    assert!(visible.contains("Hembesök, planering av stöd"));
    assert!(visible.contains(hash), "the citizen sees the content hash");

    let (status, receipt) = put_note(&env, &phone, &note, Some(&token)).await;
    assert_eq!(status, 201, "{receipt}");
    let receipt: Receipt = serde_json::from_value(receipt).unwrap();
    assert_eq!(receipt.citizen_signature.as_deref(), Some(digest.as_str()));
    assert_eq!(receipt.author.as_deref(), Some(STAFF));
}

/// Runs `samtal-endpoint --config … ARGS` and returns (success, stdout, stderr).
fn admin(env: &Env, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_samtal-endpoint"))
        .arg("--config")
        .arg(&env.setup.config_path)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_lists_and_revokes_sessions_and_revoked_sessions_cannot_deliver() {
    let env = start().await;
    let (phone, _) = env.setup.enroll_device().await;
    let token_of = |done: &Value| done["session"]["token"].as_str().unwrap().to_string();

    let (_, done) = sign_in(&env, &phone, STAFF).await;
    let token = token_of(&done);
    assert_eq!(
        put_note(&env, &phone, &new_note(), Some(&token)).await.0,
        201
    );

    let (ok, listed, _) = admin(&env, &["session", "list"]);
    assert!(ok);
    let line = listed.lines().next().unwrap();
    let fields: Vec<&str> = line.split('\t').collect();
    let id = fields[0].to_string();
    assert_eq!(id.len(), 16);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(fields[1], phone.device_id);
    assert_eq!(fields[2], "active");

    let (ok, out, _) = admin(&env, &["session", "revoke", "--session", &id]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "revoked 1 session(s)");
    let (status, body) = put_note(&env, &phone, &new_note(), Some(&token)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_revoked")
    );
    let (ok, _, err) = admin(&env, &["session", "revoke", "--session", &id]);
    assert!(!ok && err.contains("no open session with id"), "{err}");
    assert_eq!(admin(&env, &["session", "list"]).1, "");

    // A lost phone: every session on the device.
    let (_, done) = sign_in(&env, &phone, STAFF).await;
    let by_device = token_of(&done);
    let (ok, out, _) = admin(&env, &["session", "revoke", "--device", &phone.device_id]);
    assert!(ok && out.trim() == "revoked 1 session(s)", "{out}");
    let (status, body) = put_note(&env, &phone, &new_note(), Some(&by_device)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_revoked")
    );

    // A worker who left: every session of the person.
    let (_, done) = sign_in(&env, &phone, STAFF).await;
    let by_worker = token_of(&done);
    let (ok, out, err) = admin(&env, &["session", "revoke", "--personal-number", STAFF]);
    assert!(ok && out.trim() == "revoked 1 session(s)", "{out}");
    let (status, body) = put_note(&env, &phone, &new_note(), Some(&by_worker)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_revoked")
    );

    let (ok, all, _) = admin(&env, &["session", "list", "--all"]);
    assert!(ok);
    assert_eq!(all.lines().count(), 3);
    assert!(all.lines().all(|l| l.split('\t').nth(2) == Some("revoked")));
    let (ok, _, _) = admin(&env, &["session", "revoke"]);
    assert!(!ok, "a target is required");
    for text in [listed, all, out, err, env.setup.log()] {
        for secret in [STAFF, &token, &by_device, &by_worker] {
            assert!(
                !text.contains(secret),
                "no tokens or personal numbers in output"
            );
        }
    }
}

/// Starts a citizen signature of `note` on `device` in the session `token`; if it starts,
/// completes it as the citizen and returns the final collect answer.
async fn sign_note(env: &Env, device: &Identity, token: &str, note: &Value) -> (u16, Value) {
    let client = env.setup.client(device);
    let id = note["note_id"].as_str().unwrap();
    let body = json!({"contentHash": note["content_hash"], "summary": "Hembesök"});
    let (status, started) = post(
        &client,
        format!("{}/v1/notes/{id}/signature/start", env.setup.url()),
        body,
        Some(token),
    )
    .await;
    if status != 200 {
        return (status, started);
    }
    let order_ref = started["orderRef"].as_str().unwrap().to_string();
    env.sim.complete(&order_ref, Some(CITIZEN)).unwrap();
    let path = format!("/v1/notes/{id}/signature/collect");
    collect_until_final(env, &client, &path, &order_ref).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_and_sign_out_are_bound_to_their_device_and_session() {
    let env = start().await;
    let (phone_a, _) = env.setup.enroll_device().await;
    let (phone_b, _) = env.setup.enroll_device().await;
    let (_, a) = sign_in(&env, &phone_a, STAFF).await;
    let token_a = a["session"]["token"].as_str().unwrap().to_string();
    let (_, b) = sign_in(&env, &phone_b, STAFF).await;
    let token_b = b["session"]["token"].as_str().unwrap().to_string();

    // Signed once on phone A; a second signature of the same version is refused, the first
    // is kept.
    let note = new_note();
    let (status, first) = sign_note(&env, &phone_a, &token_a, &note).await;
    assert_eq!(status, 200, "{first}");
    let digest = first["signature"]["signatureSha256"].as_str().unwrap();
    let (status, again) = sign_note(&env, &phone_a, &token_a, &note).await;
    assert_eq!(
        (status, error_code(&again).as_str()),
        (409, "already_signed")
    );

    // Phone B delivering the same note does not get phone A's signature in its receipt.
    let (status, receipt) = put_note(&env, &phone_b, &note, Some(&token_b)).await;
    assert_eq!(status, 201, "{receipt}");
    let receipt: Receipt = serde_json::from_value(receipt).unwrap();
    assert_eq!(receipt.citizen_signature, None);
    assert_eq!(receipt.device_id, phone_b.device_id);

    // A delivered note cannot be signed any more, on either phone.
    for (phone, token) in [(&phone_a, &token_a), (&phone_b, &token_b)] {
        let (status, refused) = sign_note(&env, phone, token, &note).await;
        assert_eq!(
            (status, error_code(&refused).as_str()),
            (409, "already_delivered")
        );
    }
    let db = env.setup.db().await;
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT signature FROM note_signatures WHERE note_id = $1")
            .bind(note["note_id"].as_str().unwrap())
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(stored.len(), 1);
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(stored[0].as_bytes())),
        digest
    );

    // Sign-out with phone A's token from phone B or from a case-system certificate revokes
    // nothing; phone A signs out its own session.
    let case_system = env
        .setup
        .service_identity(samtal_endpoint::pki::Role::CaseSystem, "treserva")
        .await;
    let logout = format!("{}/v1/auth/logout", env.setup.url());
    let (status, body) = post(
        &env.setup.client(&case_system),
        logout.clone(),
        json!({}),
        Some(&token_a),
    )
    .await;
    assert_eq!((status, error_code(&body).as_str()), (403, "wrong_role"));
    let (status, body) = post(
        &env.setup.client(&phone_b),
        logout.clone(),
        json!({}),
        Some(&token_a),
    )
    .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_other_device")
    );
    let (status, receipt) = put_note(&env, &phone_a, &new_note(), Some(&token_a)).await;
    assert_eq!(status, 201, "phone A's session survives: {receipt}");
    let (status, _) = post(
        &env.setup.client(&phone_a),
        logout,
        json!({}),
        Some(&token_a),
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = put_note(&env, &phone_a, &new_note(), Some(&token_a)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "session_revoked")
    );
}
