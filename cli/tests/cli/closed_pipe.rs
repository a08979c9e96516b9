//! `samtal draft … | head`: a reader that goes away early ends the command quietly.
use std::process::{Command, Stdio};

#[test]
fn a_closed_pipe_ends_the_command_without_a_panic() {
    let transcript = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../draft/tests/data/sv-hembesok.json"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_samtal"))
        .args(["draft", transcript, "--template", "sv-socialtjanst-journal"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before the first line is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert!(
            out.status.success() || out.status.signal() == Some(libc::SIGPIPE),
            "{:?}",
            out.status
        );
    }
}
