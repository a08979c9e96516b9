//! Contract test: schemathesis (PyPI, scripts/schemathesis.sh) generates requests from the
//! endpoint's own OpenAPI description, fetched from `/openapi.json` with a case-system
//! certificate, and sends them to the running endpoint with a device, a case-system and no
//! certificate (enrollment listener); every answer must be documented (status, content type,
//! headers, body schema), no 5xx, and requests that break the schema must be refused.

use std::path::Path;
use std::process::Command;

use crate::common::{Backend, Identity, Setup};
use samtal_endpoint::pki::Role;

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_headers_conformance,response_schema_conformance,negative_data_rejection";

/// Certificate and key of `identity` as files for schemathesis.
fn write_identity(dir: &Path, name: &str, identity: &Identity) -> (String, String) {
    let cert = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}.key.pem"));
    std::fs::write(&cert, &identity.cert_pem).unwrap();
    std::fs::write(&key, &identity.key_pem).unwrap();
    (
        cert.to_str().unwrap().to_owned(),
        key.to_str().unwrap().to_owned(),
    )
}

fn schemathesis(schema: &Path, url: &str, ca: &Path, extra: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/schemathesis.sh");
    let output = Command::new(script)
        .arg("run")
        .arg(schema)
        .args(["--url", url, "--checks", CHECKS])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", "30", "--seed", "20"])
        .args(["--workers", "1", "--no-color"])
        .arg("--tls-verify")
        .arg(ca)
        .args(extra)
        // requests lets these override the CA given to it.
        .env_remove("REQUESTS_CA_BUNDLE")
        .env_remove("CURL_CA_BUNDLE")
        // Its cache (.schemathesis/) goes to the throw-away directory.
        .current_dir(schema.parent().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let log = std::fs::read_to_string(ca.with_file_name("endpoint.log")).unwrap_or_default();
    let log_tail: Vec<&str> = log.lines().rev().take(20).collect();
    assert!(
        output.status.success(),
        "schemathesis found failures ({extra:?}):\n{stdout}\n{}\nendpoint log, last lines first:\n{}",
        String::from_utf8_lossy(&output.stderr),
        log_tail.join("\n")
    );
    for line in stdout.lines().filter(|l| l.contains(" generated, ")) {
        println!("schemathesis ({:?}): {}", extra.first(), line.trim());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_endpoint_keeps_its_openapi_contract() {
    let setup = Setup::new(&Backend::Sqlite);
    let _server = setup.start();
    let (phone, _) = setup.enroll_device().await;
    let case_system = setup.service_identity(Role::CaseSystem, "treserva").await;
    let dir = setup.dir.path();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, setup.pki().ca_pem).unwrap();

    // The description as a case system gets it, identical to `samtal-endpoint openapi`.
    let served: serde_json::Value = setup
        .client(&case_system)
        .get(format!("{}/openapi.json", setup.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served["openapi"], "3.1.0");
    assert_eq!(served, samtal_endpoint::api::openapi::document());
    for path in [
        "/v1/notes/{id}",
        "/v1/notes/{id}/receipt",
        "/v1/export",
        "/v1/enroll",
        "/v1/auth/bankid/start",
        "/v1/notes/{id}/signature/start",
        "/v1/device/renew",
    ] {
        assert!(served["paths"][path].is_object(), "{path} is not described");
    }
    assert!(served["webhooks"]["note"]["post"].is_object());
    let refused = setup
        .client(&phone)
        .get(format!("{}/openapi.json", setup.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let schema = dir.join("openapi.json");
    std::fs::write(&schema, served.to_string()).unwrap();

    let enroll_paths = "^/v1/(enroll|ca)$";
    for (name, identity) in [("device", &phone), ("case-system", &case_system)] {
        let (cert, key) = write_identity(dir, name, identity);
        schemathesis(
            &schema,
            &setup.url(),
            &ca,
            &[
                "--request-cert",
                &cert,
                "--request-cert-key",
                &key,
                "--exclude-path-regex",
                enroll_paths,
            ],
        );
    }
    schemathesis(
        &schema,
        &setup.enroll_url(),
        &ca,
        &["--include-path-regex", enroll_paths],
    );
}
