//! Who said what, through `App` with the real recogniser (Whisper tiny.en): the worker's
//! voice enrolled from `en-two-voices.enrol.wav`, the two-voice meeting recorded, and at
//! stop every segment labelled with its speaker, a segment spanning a change of voice
//! split, and nothing left on disk of the audio or of the speaker features, only the
//! sealed profile in the encrypted store.
use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use samtal_asr::Language;
use samtal_core::app::{App, AppConfig, AppError};
use samtal_core::review_flow::{FlowError, ReviewChange};
use samtal_draft::review::{CitizenParticipation, FlagKind};
use samtal_draft::DraftContext;
use samtal_speaker::{FeatureExtractor, SpeakerError};
use samtal_store::keyvault::FileKeyVault;
use samtal_store::{ConsentDecision, InformedBy, SessionId, SessionState};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn app(dir: &Path, keys: &Path) -> App {
    let vault = Arc::new(FileKeyVault::open(keys).unwrap());
    let app = App::open(AppConfig::new(dir), vault).unwrap();
    // Loaded now: the linked models directory goes at the end of this function.
    let models = common::linked_models();
    common::use_tiny(&app, models.path()).unwrap();
    app.load_model().unwrap();
    app
}

/// The gold role at time `t` of the two-voice fixture (`en-two-voices.json`).
fn gold_role(t: f64) -> Option<String> {
    let gold: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("en-two-voices.json")).unwrap()).unwrap();
    gold["turns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|turn| turn["start"].as_f64().unwrap() <= t && t < turn["end"].as_f64().unwrap())
        .map(|turn| turn["role"].as_str().unwrap().to_string())
}

/// Byte patterns of the speaker features of the recording (MFCCs of its loudest frames,
/// f32 little-endian, as they would be written if they were kept).
fn feature_needles(wav: &Path) -> Vec<Vec<u8>> {
    let samples = samtal_audio::WavFileSource::read_all(wav).unwrap();
    let mut extractor = FeatureExtractor::new();
    let mut frames = Vec::new();
    extractor.push(&samples, &mut frames);
    extractor.finish(&mut frames);
    let mut loud: Vec<_> = frames.iter().filter(|f| f.f0 > 0.0).collect();
    loud.sort_by(|a, b| b.energy_db.total_cmp(&a.energy_db));
    loud.iter()
        .take(50)
        .map(|f| f.mfcc[..4].iter().flat_map(|c| c.to_le_bytes()).collect())
        .collect()
}

#[test]
fn speakers_are_attributed_at_stop_and_only_the_sealed_profile_remains() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let app = app(dir.path(), keys.path());
    assert!(!app.voice_status().unwrap().enrolled);
    let status = app
        .enroll_voice_wav(&fixture("en-two-voices.enrol.wav"))
        .unwrap();
    assert!(status.enrolled && !status.needs_reenrolment, "{status:?}");
    assert!(status.speech_seconds.unwrap() >= 10.0);

    let id = app
        .begin_session_with_present(
            ConsentDecision::Given,
            InformedBy::Verbal,
            "en",
            "worker-1",
            &["citizen".to_string()],
        )
        .unwrap();
    assert_eq!(
        app.session(&id).unwrap().consent.unwrap().present,
        ["citizen"]
    );
    let wav = fixture("en-two-voices.wav");
    let recording = app.start_recording(&id, Some(Language::En)).unwrap();
    recording.capture_wav(&wav).unwrap();
    recording.stop().unwrap();

    // Every segment has a speaker; judged by the gold role at each word's middle, at
    // least 90 % of the words are attributed to the right one.
    let transcript = app.transcript(&id).unwrap();
    let speakers = app.segment_speakers(&id).unwrap();
    assert_eq!(speakers.len(), transcript.len(), "every segment attributed");
    let (mut right, mut words) = (0, 0);
    for segment in &transcript {
        let speaker = segment.speaker.as_deref().expect("a speaker");
        for word in &segment.words {
            if let Some(gold) = gold_role((word.start + word.end) / 2.0) {
                words += 1;
                right += usize::from(gold == speaker);
            }
        }
    }
    assert!(words > 40, "{words} words");
    assert!(
        right * 10 >= words * 9,
        "{right} of {words} words attributed right"
    );
    for role in ["worker", "citizen"] {
        assert!(
            transcript
                .iter()
                .any(|s| s.speaker.as_deref() == Some(role)),
            "no {role} segment"
        );
    }
    let ids: Vec<u32> = transcript.iter().map(|s| s.id).collect();
    assert_eq!(ids, (1..=transcript.len() as u32).collect::<Vec<_>>());
    assert_eq!(
        speakers.iter().map(|s| s.segment).collect::<Vec<_>>(),
        ids,
        "speakers line up with segments"
    );

    // Nothing of the audio or its features on disk: no spool files, only the database
    // (whose pages are encrypted), and neither audio nor feature bytes in any file.
    let info = app.session(&id).unwrap();
    assert_eq!(
        (info.state, info.spool_chunks),
        (SessionState::Transcribed, 0)
    );
    let files = common::files_under(dir.path());
    assert!(
        files.iter().all(|f| f
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("samtal.db")),
        "{files:?}"
    );
    let audio = samtal_audio::WavFileSource::read_all(&wav).unwrap();
    let mut needles = feature_needles(&wav);
    for chunk in audio.chunks(common::SECOND) {
        needles.extend(common::audio_needles(chunk));
    }
    // The profile as it is stored, in the clear, would show as its JSON.
    let enrolment =
        samtal_audio::WavFileSource::read_all(&fixture("en-two-voices.enrol.wav")).unwrap();
    let profile = samtal_speaker::VoiceProfile::enroll(&enrolment)
        .unwrap()
        .to_bytes();
    needles.extend(profile.chunks(24).skip(2).take(8).map(<[u8]>::to_vec));
    let found = common::files_containing(dir.path(), &needles);
    assert!(
        found.is_empty(),
        "audio, features or the profile in {found:?}"
    );

    // The profile is there, sealed: a wipe removes it with everything else.
    assert!(app.voice_status().unwrap().enrolled);
    app.wipe().unwrap();
    drop(app);
    assert!(common::files_under(dir.path()).is_empty());
    let app = self::app(dir.path(), keys.path());
    assert!(!app.voice_status().unwrap().enrolled);
}

#[test]
fn the_voice_profile_is_enrolled_replaced_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let app = app(dir.path(), keys.path());
    assert!(!app.delete_voice().unwrap(), "nothing to delete yet");
    let first = app
        .enroll_voice_wav(&fixture("en-two-voices.enrol.wav"))
        .unwrap();
    // Too little speech is refused and keeps the profile there was.
    let err = app
        .enroll_voice_wav(&fixture("silence-10s.wav"))
        .unwrap_err();
    assert!(
        matches!(err, AppError::Speaker(SpeakerError::TooLittleSpeech { .. })),
        "{err}"
    );
    assert_eq!(app.voice_status().unwrap(), first);
    let again = app
        .enroll_voice_wav(&fixture("en-two-voices.enrol.wav"))
        .unwrap();
    assert!(again.enrolled);
    assert!(app.delete_voice().unwrap());
    assert!(!app.voice_status().unwrap().enrolled);
    let kinds: Vec<String> = app
        .audit_events(None)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for kind in ["voice_enrolled", "voice_reenrolled", "voice_deleted"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}

#[test]
fn a_participant_that_is_not_a_role_is_refused_before_a_session_starts() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let app = app(dir.path(), keys.path());
    for bad in ["worker", "Bertil", ""] {
        let err = app
            .begin_session_with_present(
                ConsentDecision::Given,
                InformedBy::Verbal,
                "sv",
                "worker-1",
                &[bad.to_string()],
            )
            .unwrap_err();
        assert!(matches!(err, AppError::UnknownParticipant), "{err}");
    }
    assert!(app.sessions().unwrap().is_empty());
}

/// Enrols the worker's voice and records the two-voice meeting with the citizen present.
fn record_two_voices(app: &App) -> SessionId {
    app.enroll_voice_wav(&fixture("en-two-voices.enrol.wav"))
        .unwrap();
    let id = app
        .begin_session_with_present(
            ConsentDecision::Given,
            InformedBy::Verbal,
            "en",
            "worker-1",
            &["citizen".to_string()],
        )
        .unwrap();
    let recording = app.start_recording(&id, Some(Language::En)).unwrap();
    recording
        .capture_wav(&fixture("en-two-voices.wav"))
        .unwrap();
    recording.stop().unwrap();
    id
}

#[test]
fn unsure_speakers_are_flagged_and_a_relabelled_voice_is_drafted_again() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let app = app(dir.path(), keys.path());
    let id = record_two_voices(&app);
    let context = DraftContext {
        contact_kind: Some("home visit".into()),
        ..DraftContext::default()
    };
    let draft = app.draft(&id, "en-casenote", &context).unwrap();
    assert!(!draft.items.is_empty());

    // Every item citing a segment whose speaker is unsure carries an open flag.
    let speakers = app.segment_speakers(&id).unwrap();
    let unsure: Vec<u32> = speakers
        .iter()
        .filter(|s| s.unsure)
        .map(|s| s.segment)
        .collect();
    for item in &draft.items {
        if item.citations.iter().any(|c| unsure.contains(&c.segment)) {
            assert!(
                item.flags
                    .iter()
                    .any(|f| f.kind == FlagKind::LowConfidence && !f.resolved),
                "item {} cites an unsure speaker but is not flagged",
                item.id
            );
        }
    }

    // The worker says the second voice is a relative: every segment of it is relabelled
    // (sure now) and the note is drafted again from the corrected transcript.
    let voice = speakers.iter().find(|s| s.voice != 0).unwrap().voice;
    let redrafted = app
        .review(
            &id,
            ReviewChange::RelabelVoice {
                voice,
                speaker: "relative".into(),
            },
        )
        .unwrap();
    let transcript = app.transcript(&id).unwrap();
    for s in app.segment_speakers(&id).unwrap() {
        let label = transcript[s.segment as usize - 1].speaker.as_deref();
        if s.voice == voice {
            assert_eq!(label, Some("relative"));
            assert!(!s.unsure && s.confidence == 1.0);
        } else {
            assert_ne!(label, Some("relative"));
        }
    }
    assert!(!transcript
        .iter()
        .any(|s| s.speaker.as_deref() == Some("citizen")));
    assert_eq!(
        redrafted.header.contact_kind.as_deref(),
        Some("home visit"),
        "drafted again with the same context"
    );
    assert_eq!(app.document(&id).unwrap(), redrafted);

    // One segment back to the worker; an unknown label or voice is refused.
    let first = app
        .review(
            &id,
            ReviewChange::RelabelSegments {
                segments: vec![1],
                speaker: "worker".into(),
            },
        )
        .unwrap();
    assert!(!first.items.is_empty());
    assert_eq!(
        app.transcript(&id).unwrap()[0].speaker.as_deref(),
        Some("worker")
    );
    for bad in [
        ReviewChange::RelabelSegments {
            segments: vec![1],
            speaker: "Bertil".into(),
        },
        ReviewChange::RelabelVoice {
            voice: 99,
            speaker: "citizen".into(),
        },
    ] {
        let err = app.review(&id, bad).unwrap_err();
        assert!(
            matches!(
                err,
                AppError::Flow(FlowError::UnknownSpeaker | FlowError::NoSuchVoice(_))
            ),
            "{err}"
        );
    }

    // After approval the labels are part of what was approved and cannot change.
    app.review(&id, ReviewChange::MarkAllReviewed).unwrap();
    app.approve(&id, "worker-1", CitizenParticipation::ReviewedOnScreen)
        .unwrap();
    let err = app
        .review(
            &id,
            ReviewChange::RelabelSegments {
                segments: vec![1],
                speaker: "citizen".into(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, AppError::Review(_) | AppError::Store(_)),
        "{err}"
    );
    assert_eq!(
        app.transcript(&id).unwrap()[0].speaker.as_deref(),
        Some("worker")
    );
}
