//! `samtal enroll`, `samtal login`, `samtal sign` and `samtal sync` as a worker runs them,
//! against a real endpoint and bankid-sim on loopback: the citizen's signature ends up in
//! the receipt of the delivered note; `samtal wipe` then signs the worker out and leaves
//! nothing behind.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::phone::{new_note, Endpoint, Options, CITIZEN, STAFF};
use samtal_store::keyvault::FileKeyVault;
use samtal_store::Action;
use samtal_store::{ConsentDecision, InformedBy, Store};
use samtal_sync::outbox;

fn samtal(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_samtal"));
    cmd.env("SAMTAL_DATA_DIR", data).stdin(Stdio::null());
    cmd
}

fn run(data: &Path, args: &[&str]) -> Output {
    samtal(data).args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs a BankID command, completes the newest order as `person` once the first progress
/// line is printed, and returns every stdout line.
fn complete_as(endpoint: &Endpoint, data: &Path, args: &[&str], person: &str) -> Vec<String> {
    let mut child = samtal(data)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut completed = false;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if !completed && line.starts_with("pending\t") {
            endpoint.sim().complete("latest", Some(person)).unwrap();
            completed = true;
        }
        lines.push(line);
    }
    assert!(child.wait().unwrap().success(), "{lines:?}");
    lines
}

#[test]
fn worker_signs_in_citizen_signs_and_the_receipt_shows_the_signature() {
    let endpoint = Endpoint::new(Options {
        bankid: true,
        ..Options::default()
    });
    endpoint.serve();
    let data = tempfile::tempdir().unwrap();
    let (_, code) = endpoint
        .runtime
        .block_on(samtal_endpoint::admin::device_enroll(
            &endpoint.config,
            "cli phone",
            10,
        ))
        .unwrap();
    let out = run(
        data.path(),
        &[
            "enroll",
            "--endpoint",
            &endpoint.enroll_url(),
            "--code",
            &code.to_string(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    // An approved, queued note (recording and review have their own tests).
    let note = new_note(1);
    let note_id = {
        let vault = FileKeyVault::open(data.path().join("keys")).unwrap();
        let store = Store::open(data.path(), &vault).unwrap();
        let session = store.create_session().unwrap();
        store
            .record_consent(
                &session,
                ConsentDecision::Given,
                InformedBy::Verbal,
                "sv",
                "worker-1",
            )
            .unwrap();
        for action in [
            Action::StartRecording,
            Action::Stop,
            Action::FinishTranscription,
            Action::Draft,
            Action::OpenReview,
            Action::Approve,
        ] {
            store.transition(&session, action).unwrap();
        }
        store.save_note(&session, &note).unwrap();
        outbox::enqueue(&store, &session).unwrap()
    };

    let out = run(data.path(), &["sign", &note_id]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("sign in with BankID first"),
        "{}",
        text(&out)
    );

    let login = complete_as(&endpoint, data.path(), &["login"], STAFF);
    assert!(login[0].starts_with("pending\tRFA1\tStarta BankID-appen.\tqr=bankid."));
    assert!(login
        .last()
        .unwrap()
        .starts_with("signed in; session valid until"));

    let sign = complete_as(
        &endpoint,
        data.path(),
        &["sign", &note_id, "--language", "en"],
        CITIZEN,
    );
    let hash = note["content_hash"].as_str().unwrap();
    assert_eq!(sign[0], format!("note {note_id} (content hash {hash})"));
    assert!(sign[1].starts_with("pending\tRFA1\tStart your BankID app.\tqr=bankid."));
    let digest = sign
        .last()
        .unwrap()
        .strip_prefix("signed by the citizen; signature sha256 ")
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(digest.len(), 64);

    let out = run(data.path(), &["sync"]);
    assert!(
        text(&out).contains("delivered 1, rejected 0"),
        "{}",
        text(&out)
    );
    let receipt = &endpoint.delivered(&note_id)["receipt"];
    assert_eq!(receipt["citizen_signature"], digest.as_str());
    assert_eq!(receipt["author"], STAFF);

    let again = run(data.path(), &["sign", &note_id]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("this note cannot be signed"),
        "{}",
        text(&again)
    );

    // `samtal wipe` signs the worker out at the endpoint and leaves nothing on the phone,
    // the sealed sign-in included.
    assert!(data.path().join("worker-session.sealed").exists());
    let wipe = run(data.path(), &["wipe", "--yes"]);
    assert!(wipe.status.success(), "{}", text(&wipe));
    assert!(
        text(&wipe).contains("signed out at the endpoint"),
        "{}",
        text(&wipe)
    );
    let sessions = endpoint
        .runtime
        .block_on(samtal_endpoint::admin::session_list(&endpoint.config, true))
        .unwrap();
    assert!(!sessions.is_empty() && sessions.iter().all(|s| s.revoked_ms.is_some()));
    let left: Vec<_> = std::fs::read_dir(data.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");

    // Nobody's personal number is printed.
    let printed = [
        login.join("\n"),
        sign.join("\n"),
        text(&out),
        text(&again),
        text(&wipe),
    ]
    .join("\n");
    for person in [STAFF, CITIZEN] {
        assert!(!printed.contains(person));
    }
}
