//! Speakers in the store: the voice profile (one, replaced on re-enrolment, deleted), the
//! attributed transcript that replaces the recogniser's at stop, and the worker's
//! relabelling, each allowed only in its part of the lifecycle.
use crate::common;

use samtal_draft::transcript::Segment;
use samtal_store::{Action, ConsentDecision, InformedBy, SegmentSpeaker, StoreError};

fn segment(id: u32, start: f64, text: &str) -> Segment {
    Segment {
        id,
        start,
        end: start + 1.0,
        text: text.to_string(),
        confidence: 0.9,
        words: vec![],
        speaker: None,
    }
}

fn speaker(voice: u32, confidence: f32, unsure: bool) -> Option<SegmentSpeaker> {
    Some(SegmentSpeaker {
        segment: 0,
        voice,
        confidence,
        unsure,
    })
}

#[test]
fn the_voice_profile_is_one_replaced_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _vault, _clock) = common::open_store(dir.path());
    assert!(store.voice_profile().unwrap().is_none());
    assert!(store.save_voice_profile(&[]).is_err());
    store.save_voice_profile(b"first profile").unwrap();
    store.save_voice_profile(b"second profile").unwrap();
    assert_eq!(
        store.voice_profile().unwrap().unwrap().bytes.as_slice(),
        b"second profile"
    );
    assert!(store.delete_voice_profile().unwrap());
    assert!(!store.delete_voice_profile().unwrap());
    assert!(store.voice_profile().unwrap().is_none());
}

#[test]
fn attributed_segments_replace_the_transcript_at_stop_and_the_worker_relabels_them() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _vault, _clock) = common::open_store(dir.path());
    let id = store.create_session().unwrap();
    store
        .record_consent_with_present(
            &id,
            ConsentDecision::Given,
            InformedBy::Verbal,
            "en",
            "worker-1",
            &["citizen".to_string(), "relative".to_string()],
        )
        .unwrap();
    assert_eq!(
        store.session(&id).unwrap().consent.unwrap().present,
        ["citizen", "relative"]
    );
    store.transition(&id, Action::StartRecording).unwrap();
    store.append_segment(&id, &segment(1, 0.0, "one")).unwrap();
    store
        .append_segment(&id, &segment(2, 1.0, "two three"))
        .unwrap();
    let split = [
        (segment(1, 0.0, "one"), speaker(0, 0.8, false)),
        (segment(2, 1.0, "two"), speaker(1, 0.1, true)),
        (segment(3, 1.5, "three"), speaker(2, 0.5, false)),
    ];
    let refused = store.replace_segments(&id, &split).unwrap_err();
    assert!(
        matches!(refused, StoreError::NotRecording { .. }),
        "{refused}"
    );
    store.transition(&id, Action::Stop).unwrap();
    store.replace_segments(&id, &split).unwrap();
    let speakers = store.segment_speakers(&id).unwrap();
    assert_eq!(
        speakers
            .iter()
            .map(|s| (s.segment, s.voice, s.unsure))
            .collect::<Vec<_>>(),
        [(1, 0, false), (2, 1, true), (3, 2, false)]
    );
    assert_eq!(store.segments(&id).unwrap().len(), 3);

    store.transition(&id, Action::FinishTranscription).unwrap();
    assert_eq!(store.relabel_segments(&id, &[2], "citizen").unwrap(), 1);
    let relabelled = &store.segment_speakers(&id).unwrap()[1];
    assert_eq!(
        (relabelled.voice, relabelled.confidence, relabelled.unsure),
        (1, 1.0, false)
    );
    assert_eq!(
        store.segments(&id).unwrap()[1].speaker.as_deref(),
        Some("citizen")
    );
    assert!(store.relabel_segments(&id, &[9], "citizen").is_err());
    assert!(store
        .relabel_segments(&id, &[1], "Bertil Karlsson")
        .is_err());
    let kinds: Vec<String> = store
        .audit_events(Some(&id))
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&"speakers_attributed".to_string()));
    assert!(kinds.contains(&"speakers_relabelled".to_string()));
}
