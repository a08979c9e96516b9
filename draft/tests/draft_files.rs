//! Files a municipality or an evaluator points the drafter at are read only when they are
//! regular files of bounded size: a FIFO, a device or a huge file gives a clear error at
//! once instead of a hang or an exhausted memory.
use samtal_draft::eval::{load_set, EvalError, MAX_MEETING_BYTES, MAX_SEGMENTS};
use samtal_draft::files::FileError;
use samtal_draft::language::{LanguageError, Languages};
use samtal_draft::template::{TemplateError, Templates};
use std::path::Path;
use std::time::{Duration, Instant};

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_fifo_among_the_templates_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    if !mkfifo(&dir.path().join("pipe.toml")) {
        eprintln!("skipping: mkfifo not available");
        return;
    }
    let t0 = Instant::now();
    let err = Templates::with_dir(dir.path()).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(2));
    match &err {
        TemplateError::Io { file, message } => {
            assert!(file.ends_with("pipe.toml"));
            assert!(message.contains("not a regular file"), "{message}");
        }
        e => panic!("{e}"),
    }
}

#[test]
fn an_oversized_template_or_language_file_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("big.toml")).unwrap();
    big.set_len(64 << 20).unwrap();
    let err = Templates::with_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");

    let lang = tempfile::tempdir().unwrap();
    std::fs::File::create(lang.path().join("sv.toml"))
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    assert!(matches!(
        Languages::with_dir(lang.path()).unwrap_err(),
        LanguageError::File(FileError::TooLarge { .. })
    ));
    std::fs::remove_file(lang.path().join("sv.toml")).unwrap();
    if mkfifo(&lang.path().join("da.toml")) {
        assert!(matches!(
            Languages::with_dir(lang.path()).unwrap_err(),
            LanguageError::File(FileError::NotRegular { .. })
        ));
    }
}

#[test]
fn a_huge_meeting_file_fails_fast_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let huge = std::fs::File::create(dir.path().join("huge.json")).unwrap();
    huge.set_len(MAX_MEETING_BYTES * 64).unwrap();
    let t0 = Instant::now();
    let err = load_set(dir.path()).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    assert!(
        matches!(err, EvalError::File(FileError::TooLarge { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("huge.json"), "{err}");
}

#[test]
fn a_meeting_with_a_day_of_segments_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let segments: Vec<String> = (1..=MAX_SEGMENTS + 1)
        .map(|i| format!(r#"{{"id":{i},"start":{i},"end":{i}.5,"text":"Ja."}}"#))
        .collect();
    let json = format!(
        r#"{{"id":"long","language":"sv","template":"sv-socialtjanst-journal","segments":[{}],"gold":{{"facts":[]}}}}"#,
        segments.join(",")
    );
    std::fs::write(dir.path().join("long.json"), json).unwrap();
    let err = load_set(dir.path()).unwrap_err();
    assert!(
        matches!(err, EvalError::TooLong(_, n) if n == MAX_SEGMENTS + 1),
        "{err}"
    );
}

#[test]
fn an_empty_set_and_a_malformed_meeting_say_so() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        load_set(dir.path()).unwrap_err(),
        EvalError::Empty(_)
    ));
    std::fs::write(dir.path().join("bad.json"), "{\n \"id\": 3,\n}").unwrap();
    let err = load_set(dir.path()).unwrap_err();
    assert!(
        err.to_string().contains("bad.json") && err.to_string().contains("line 2"),
        "{err}"
    );
}
