//! A real session with the on-device recogniser (Whisper tiny.en, fetched by `make test`):
//! the fixture's words never appear in plain form on disk — during or after the session —
//! nor in any log line, whisper.cpp's own included.
use crate::common;

use samtal_asr::{EngineConfig, Language, TranscribeOptions, Transcriber};
use samtal_audio::{AudioSource, Pace, WavFileSource};
use samtal_core::recorder::{Recorder, WhisperStreams};
use samtal_store::SessionState;
use samtal_store::{ConsentDecision, InformedBy};

/// Distinctive words of a text (long enough not to occur by chance in binary data).
fn words(text: &str) -> Vec<String> {
    let mut w: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 6)
        .map(str::to_string)
        .collect();
    w.sort();
    w.dedup();
    w
}

/// Every run of three consecutive words, lowercased: what a leaked sentence would show.
fn trigrams(text: &str) -> Vec<String> {
    let w: Vec<String> = normalise(text).split(' ').map(str::to_string).collect();
    w.windows(3).map(|t| t.join(" ")).collect()
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
fn a_real_session_leaves_no_plaintext_on_disk_or_in_logs() {
    // Global, so the engine threads' events (and whisper.cpp's log) are captured too.
    let logs = common::logs();

    let (wav, reference) = common::fixture();
    let reference_words = words(&reference);
    let dir = tempfile::tempdir().unwrap();
    let (store, _vault, _clock) = common::open_store(dir.path());
    let id = store.create_session().unwrap();
    store
        .record_consent(
            &id,
            ConsentDecision::Given,
            InformedBy::Written,
            "en",
            "worker-1",
        )
        .unwrap();
    let factory = WhisperStreams {
        transcriber: Transcriber::load(&common::model(), EngineConfig::default()).unwrap(),
        options: TranscribeOptions::new(Some(Language::En)),
    };
    let mut rec = Recorder::start(store.clone(), id.clone(), &factory, 8000).unwrap();
    let mut source = WavFileSource::open(&wav, Pace::Fast).unwrap();
    let mut audio = Vec::new();
    let mut buf = Vec::new();
    let mut reads = 0;
    loop {
        buf.clear();
        let more = source.read(&mut buf).unwrap();
        rec.push(&buf).unwrap();
        audio.extend_from_slice(&buf);
        reads += 1;
        // The first twelve seconds of the meeting are plenty, and keep the test quick.
        let more = more && audio.len() < common::SECOND * 12;
        if reads % 10 == 0 {
            let mut needles: Vec<Vec<u8>> = reference_words
                .iter()
                .map(|w| w.as_bytes().to_vec())
                .collect();
            needles.extend(common::audio_needles(&audio[audio.len() - 1600..]));
            let found = common::files_containing(dir.path(), &needles);
            assert!(found.is_empty(), "plaintext during recording in {found:?}");
        }
        if !more {
            break;
        }
    }
    rec.stop().unwrap();

    let info = store.session(&id).unwrap();
    assert_eq!(info.state, SessionState::Transcribed);
    assert_eq!(info.spool_chunks, 0);
    assert!(
        !store.spool_dir().join(id.as_str()).exists(),
        "no audio remains"
    );
    let transcript: Vec<String> = store
        .segments(&id)
        .unwrap()
        .into_iter()
        .map(|s| s.text)
        .collect();
    let transcript = transcript.join(" ");
    let heard = words(&transcript);
    let hits = heard
        .iter()
        .filter(|w| reference.to_lowercase().contains(&w.to_lowercase()))
        .count();
    assert!(
        hits * 2 >= heard.len() && hits >= 3,
        "transcript does not match the fixture"
    );
    drop(store);

    let mut needles: Vec<Vec<u8>> = reference_words
        .iter()
        .chain(heard.iter())
        .map(|w| w.as_bytes().to_vec())
        .collect();
    for second in audio.chunks(common::SECOND) {
        needles.extend(common::audio_needles(second));
    }
    let found = common::files_containing(dir.path(), &needles);
    assert!(found.is_empty(), "plaintext after the session in {found:?}");

    let logs = logs.text();
    assert!(logs.contains("session state changed"), "logs were captured");
    let logs = normalise(&logs);
    for t in trigrams(&transcript)
        .iter()
        .chain(trigrams(&reference).iter())
    {
        assert!(
            !logs.contains(t.as_str()),
            "a log line contains transcript text"
        );
    }
}
