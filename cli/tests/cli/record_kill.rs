//! Crash safety of a real recording: `samtal record --realtime` is killed with SIGKILL in
//! the middle of a meeting, several times at different moments; each time at most one
//! second of the audio read before the kill is missing from what the next start recovers,
//! and `samtal record --resume` finishes the transcript with no audio left behind.
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use samtal_audio::SAMPLE_RATE;
use samtal_store::keyvault::FileKeyVault;
use samtal_store::SessionState;
use samtal_store::Store;

fn fixture() -> (PathBuf, String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let text =
        std::fs::read_to_string(dir.join("en-meeting-60s.txt")).expect("fixture reference text");
    (dir.join("en-meeting-60s.wav"), text)
}

fn samtal(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_samtal"));
    cmd.env("SAMTAL_DATA_DIR", data)
        .env("SAMTAL_LOG", "info")
        .stdin(Stdio::null());
    cmd
}

const MODEL: [&str; 4] = ["--model", "whisper-tiny-en", "--lang", "en"];

/// Raw bytes of every file under `dir` contain none of `words`.
fn assert_no_plaintext(dir: &Path, words: &[String], when: &str) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let data = std::fs::read(&p).unwrap_or_default();
            for w in words {
                assert!(
                    !data.windows(w.len()).any(|x| x == w.as_bytes()),
                    "plaintext {when} in {}",
                    p.display()
                );
            }
        }
    }
}

#[test]
fn kill_9_during_recording_loses_at_most_one_second() {
    let (wav, reference) = fixture();
    let mut words: Vec<String> = reference
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 6)
        .map(str::to_string)
        .collect();
    words.dedup();
    for (trial, kill_at) in [1.3, 2.2, 3.1].into_iter().enumerate() {
        let data = tempfile::tempdir().unwrap();
        let mut child = samtal(data.path())
            .args(["record", "--from-wav"])
            .arg(&wav)
            .arg("--realtime")
            .args(MODEL)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Progress lines ("recording: read 1.7 s", no content) arrive on stderr.
        let (tx, rx) = mpsc::channel::<f64>();
        let mut stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            let mut buf = [0u8; 256];
            let mut line = Vec::new();
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                for &b in &buf[..n] {
                    all.push(b);
                    if b == b'\r' || b == b'\n' {
                        let text = String::from_utf8_lossy(&line).to_string();
                        if let Some(v) = text
                            .strip_prefix("recording: read ")
                            .and_then(|r| r.strip_suffix(" s"))
                            .and_then(|v| v.parse().ok())
                        {
                            let _ = tx.send(v);
                        }
                        line.clear();
                    } else {
                        line.push(b);
                    }
                }
            }
            String::from_utf8_lossy(&all).to_string()
        });
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut last_read = 0.0;
        while last_read < kill_at {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(v) => last_read = v,
                Err(_) => {
                    let _ = child.kill();
                    panic!("no recording progress; stderr: {}", reader.join().unwrap());
                }
            }
        }
        assert_no_plaintext(data.path(), &words, "during recording");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let stderr = reader.join().unwrap();
        while let Ok(v) = rx.try_recv() {
            last_read = v;
        }

        let vault = FileKeyVault::open(data.path().join("keys")).unwrap();
        let store = Store::open(data.path(), &vault).unwrap();
        let sessions = store.sessions().unwrap();
        assert_eq!(sessions.len(), 1, "{stderr}");
        let s = &sessions[0];
        assert_eq!(s.state, SessionState::Recording);
        // One more 100 ms block may have been read after the last progress line.
        let lost = last_read + 0.1 - s.captured_seconds;
        eprintln!(
            "trial {trial}: killed after {last_read:.1} s read, {:.2} s sealed, at most {lost:.2} s lost",
            s.captured_seconds
        );
        assert!(lost <= 1.0, "lost {lost:.2} s of audio");
        let id = s.id.clone();
        drop(store);

        let out = samtal(data.path())
            .args(["record", "--resume", id.as_str()])
            .args(MODEL)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let store = Store::open(data.path(), &vault).unwrap();
        let info = store.session(&id).unwrap();
        assert_eq!(info.state, SessionState::Transcribed);
        assert_eq!(info.spool_chunks, 0);
        assert!(!data.path().join("spool").join(id.as_str()).exists());
        assert!(info.segments > 0, "the recovered audio was transcribed");
        assert!(store.verify_audit().is_ok());
        drop(store);
        assert_no_plaintext(data.path(), &words, "after recovery");
    }
}

/// The first `secs` seconds of a 16 kHz mono 16-bit WAV file, as a new WAV file.
fn first_seconds(wav: &Path, secs: u32, dir: &Path) -> PathBuf {
    let bytes = std::fs::read(wav).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("WAV data chunk")
        + 8;
    assert_eq!(&bytes[22..24], &1u16.to_le_bytes(), "mono");
    assert_eq!(&bytes[24..28], &SAMPLE_RATE.to_le_bytes(), "16 kHz");
    let pcm = &bytes[at..(at + (secs * 2 * SAMPLE_RATE) as usize).min(bytes.len())];
    let mut out = Vec::with_capacity(44 + pcm.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(2 * SAMPLE_RATE).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    out.extend_from_slice(pcm);
    let path = dir.join("first.wav");
    std::fs::write(&path, out).unwrap();
    path
}

/// Every run of three consecutive words, lowercased, punctuation as spaces.
fn trigrams(text: &str) -> Vec<String> {
    let words: Vec<String> = normalise(text).split(' ').map(str::to_string).collect();
    words.windows(3).map(|t| t.join(" ")).collect()
}

fn normalise(text: &str) -> String {
    let cleaned: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn sessions_audit_and_wipe_commands() {
    let (meeting, _) = fixture();
    let data = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let wav = first_seconds(&meeting, 6, scratch.path());
    let out = samtal(data.path())
        .args(["record", "--from-wav"])
        .arg(&wav)
        .args(MODEL)
        .env("SAMTAL_LOG", "trace")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    // The transcript is the command's output on stdout, and never part of the log.
    let transcript: String = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(']').map(|(_, t)| t.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let grams = trigrams(&transcript);
    assert!(!grams.is_empty(), "prints the transcript");
    let log = normalise(&stderr);
    assert!(
        log.contains("session state changed"),
        "trace log was captured"
    );
    for g in &grams {
        assert!(
            !log.contains(g.as_str()),
            "the log contains transcript text"
        );
    }

    let list = samtal(data.path()).arg("sessions").output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(
        list.contains("transcribed") && list.contains("given (verbal, en)"),
        "{list}"
    );

    let verify = samtal(data.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(verify.status.success());
    assert!(String::from_utf8_lossy(&verify.stdout).contains("audit trail OK"));

    // A bad session id is a clear error, not a crash.
    let bad = samtal(data.path())
        .args(["sessions", "withdraw", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("32 hex characters"));

    let wipe = samtal(data.path())
        .args(["wipe", "--yes"])
        .output()
        .unwrap();
    assert!(wipe.status.success());
    let left: Vec<_> = std::fs::read_dir(data.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
}
