//! `samtal record` never leaves a half-started session: a file it cannot use is refused
//! before a session exists, and a failure once recording has begun discards the session
//! (its content wiped) instead of leaving it `recording`.
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use samtal_audio::SAMPLE_RATE;
use samtal_store::keyvault::FileKeyVault;
use samtal_store::{SessionInfo, SessionState, Store};

const MODEL: [&str; 4] = ["--model", "whisper-tiny-en", "--lang", "en"];

fn record(data: &Path, wav: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_samtal"))
        .env("SAMTAL_DATA_DIR", data)
        .stdin(Stdio::null())
        .args(["record", "--from-wav"])
        .arg(wav)
        .args(MODEL)
        .output()
        .unwrap()
}

fn sessions(data: &Path) -> Vec<SessionInfo> {
    let vault = FileKeyVault::open(data.join("keys")).unwrap();
    Store::open(data, &vault).unwrap().sessions().unwrap()
}

/// A 16-bit mono PCM WAV whose header claims `rate` and `claimed` samples but which holds
/// only `held` samples of a tone.
fn wav(dir: &Path, rate: u32, claimed: u32, held: u32) -> PathBuf {
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + 2 * claimed).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&rate.wrapping_mul(2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(2 * claimed).to_le_bytes());
    for i in 0..held {
        let s = ((i as f32 * 0.05).sin() * 8_000.0) as i16;
        out.extend_from_slice(&s.to_le_bytes());
    }
    let path = dir.join(format!("{rate}-{claimed}-{held}.wav"));
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn a_file_it_cannot_use_is_refused_before_a_session_exists() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let out = record(data.path(), &wav(files.path(), 1_000_000_000, 1_000, 1_000));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("1000000000 Hz"), "{stderr}");
    assert!(sessions(data.path()).is_empty(), "no session was started");
}

#[test]
fn a_failure_after_recording_began_discards_the_session() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    // The header promises ten seconds; the file ends after two.
    let truncated = wav(files.path(), SAMPLE_RATE, 10 * SAMPLE_RATE, 2 * SAMPLE_RATE);
    let out = record(data.path(), &truncated);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("not a usable audio file"), "{stderr}");
    assert!(stderr.contains("discarded"), "{stderr}");
    let sessions = sessions(data.path());
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(s.state, SessionState::Discarded);
    assert_eq!((s.segments, s.spool_chunks), (0, 0));
    assert!(!data.path().join("spool").join(s.id.as_str()).exists());
}
