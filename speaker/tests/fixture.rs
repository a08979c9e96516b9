//! The two-voice English fixture (`tests/fixtures/en-two-voices*`, made by
//! `scripts/render-speakers.py fixture`): attribution from the WAV files as the phone would
//! do it, scored against the rendering's own timing.
use samtal_draft::transcript::{Segment, Word};
use samtal_speaker::{
    label_segments, Analyzer, Attribution, Config, Participants, Role, VoiceProfile,
};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Deserialize)]
struct Gold {
    turns: Vec<GoldTurn>,
}

#[derive(Deserialize)]
struct GoldTurn {
    role: String,
    start: f64,
    end: f64,
    speech: Vec<[f64; 2]>,
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn read_wav(name: &str) -> Vec<f32> {
    let reader = hound::WavReader::open(fixture(name)).expect("fixture WAV");
    assert_eq!(
        reader.spec().sample_rate,
        samtal_speaker::SAMPLE_RATE as u32
    );
    reader
        .into_samples::<i16>()
        .map(|s| f32::from(s.expect("sample")) / 32_768.0)
        .collect()
}

fn gold() -> Gold {
    serde_json::from_str(&std::fs::read_to_string(fixture("en-two-voices.json")).unwrap()).unwrap()
}

/// The fixture attributed as on the phone: enrolment, then the meeting in half-second
/// chunks, a worker and a citizen declared.
fn attribute_fixture() -> Attribution {
    let profile = VoiceProfile::enroll(&read_wav("en-two-voices.enrol.wav")).unwrap();
    assert!(profile.speech_seconds() > 15.0);
    let mut analyzer = Analyzer::new();
    for chunk in read_wav("en-two-voices.wav").chunks(8_000) {
        analyzer.push(chunk);
    }
    analyzer.finish();
    analyzer.attribute(
        &profile,
        &Participants::new(vec![Role::Citizen]),
        &Config::default(),
    )
}

#[test]
fn two_voices_are_told_apart_and_the_cut_in_is_found() {
    let found = attribute_fixture();
    let gold = gold();

    let (mut right, mut all) = (0.0, 0.0);
    for turn in &gold.turns {
        let truth = Role::parse(&turn.role).unwrap();
        for [start, end] in &turn.speech {
            let mut t = start + 0.005;
            while t < *end {
                all += 1.0;
                if found.at(t).map(|x| x.role) == Some(truth) {
                    right += 1.0;
                }
                t += 0.01;
            }
        }
    }
    assert!(
        right / all > 0.95,
        "{:.1} % right: {found:#?}",
        100.0 * right / all
    );
    assert_eq!(found.voices.len(), 2);

    // The citizen is cut off and the worker follows without a pause.
    let cut = gold
        .turns
        .windows(2)
        .find(|w| (w[1].start - w[0].end).abs() < 1e-6)
        .map(|w| w[1].start)
        .expect("the fixture has a cut-in");
    let boundary = found
        .turns
        .iter()
        .filter(|t| t.role == Role::Worker)
        .map(|t| t.start)
        .min_by(|a, b| (a - cut).abs().total_cmp(&(b - cut).abs()))
        .unwrap();
    assert!(
        (boundary - cut).abs() < 0.3,
        "cut-in at {cut} s, turn starts at {boundary} s"
    );
}

#[test]
fn a_segment_running_over_the_cut_in_is_split_between_the_speakers() {
    let found = attribute_fixture();
    let gold = gold();
    // One recognised segment over the citizen's cut-off turn and the worker's answer, as
    // the recogniser makes when there is no pause: one "word" per stretch of sound.
    let at = gold
        .turns
        .windows(2)
        .position(|w| (w[1].start - w[0].end).abs() < 1e-6)
        .unwrap();
    let words: Vec<Word> = gold.turns[at..at + 2]
        .iter()
        .flat_map(|t| {
            t.speech.iter().map(move |[s, e]| Word {
                text: t.role.clone(),
                start: *s,
                end: *e,
                confidence: 0.9,
            })
        })
        .collect();
    let segment = Segment {
        id: 1,
        start: words[0].start,
        end: words[words.len() - 1].end,
        text: words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        confidence: 0.9,
        words,
        speaker: None,
    };
    let out = label_segments(&[segment], &found);
    let got: Vec<(Option<&str>, bool)> = out
        .iter()
        .map(|l| {
            let speaker = l.segment.speaker.as_deref();
            (
                speaker,
                l.segment
                    .words
                    .iter()
                    .all(|w| Some(w.text.as_str()) == speaker),
            )
        })
        .collect();
    assert_eq!(got, [(Some("citizen"), true), (Some("worker"), true)]);
    assert_eq!((out[0].segment.id, out[1].segment.id), (1, 2));
}
