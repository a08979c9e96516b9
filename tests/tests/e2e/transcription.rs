//! Transcription with the real converted Whisper models (no mocks): accuracy on the
//! synthetic fixtures, silence and noise, streaming, quantization, language handling.
use samtal_asr::{EngineConfig, Language, TranscribeOptions};
use samtal_models::Quantization;
use samtal_tests::{audio, reference, transcriber, transcriber_with, wer};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BASE: &str = "whisper-base";

fn text(model: &str, q: Quantization, file: &str, lang: Language) -> String {
    let t = transcriber(model, q)
        .transcribe(&audio(file), &TranscribeOptions::new(Some(lang)))
        .unwrap();
    t.text()
}

#[test]
fn base_model_transcribes_english_fixture_within_ten_percent_wer() {
    let hyp = text(BASE, Quantization::F16, "en-meeting-60s.wav", Language::En);
    let w = wer(&reference("en-meeting-60s.txt"), &hyp);
    println!("f16 WER {:.1} %: {hyp}", w * 100.0);
    assert!(w <= 0.10, "WER {w}");
}

#[test]
fn f16_and_q8_0_differ_by_at_most_one_wer_point() {
    let reference = reference("en-meeting-60s.txt");
    let f16 = wer(
        &reference,
        &text(BASE, Quantization::F16, "en-meeting-60s.wav", Language::En),
    );
    let q8 = wer(
        &reference,
        &text(BASE, Quantization::Q8_0, "en-meeting-60s.wav", Language::En),
    );
    println!("WER f16 {:.2} %, q8_0 {:.2} %", f16 * 100.0, q8 * 100.0);
    assert!((f16 - q8).abs() <= 0.01, "f16 {f16} vs q8_0 {q8}");
}

#[test]
fn silence_and_noise_give_empty_transcripts() {
    for file in ["silence-10s.wav", "noise-10s.wav", "pink-noise-10s.wav"] {
        for lang in [Some(Language::Sv), None] {
            let t = transcriber(BASE, Quantization::Q8_0)
                .transcribe(&audio(file), &TranscribeOptions::new(lang))
                .unwrap();
            assert!(t.segments.is_empty(), "{file}: {:?}", t.segments);
        }
    }
}

/// Waits up to two minutes, while the recording goes on, for the segments delivered so far
/// to satisfy `ready`; the caller asserts what it needs afterwards.
fn wait_for_live(
    live: &Mutex<Vec<samtal_draft::transcript::Segment>>,
    ready: impl Fn(&[samtal_draft::transcript::Segment]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready(&live.lock().unwrap()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn streaming_delivers_segments_while_recording_and_agrees_with_one_shot() {
    let samples = audio("en-meeting-60s.wav");
    let engine = transcriber(BASE, Quantization::Q8_0);
    let options = TranscribeOptions::new(Some(Language::En));
    let one_shot = engine.transcribe(&samples, &options).unwrap();

    let live = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&live);
    let mut stream = engine.stream(options, Box::new(move |s| sink.lock().unwrap().push(s)));
    let (first, rest) = samples.split_at(samples.len() * 2 / 3);
    for chunk in first.chunks(1_600) {
        stream.push(chunk).unwrap();
    }
    // Recording goes on; finalized segments must arrive before it ends.
    wait_for_live(&live, |segments| !segments.is_empty());
    assert!(
        !live.lock().unwrap().is_empty(),
        "no segment before the end of the recording"
    );
    assert!(
        stream.transcribed_until() > 5.0,
        "transcribed_until {}",
        stream.transcribed_until()
    );
    for chunk in rest.chunks(1_600) {
        stream.push(chunk).unwrap();
    }
    let streamed = stream.finish().unwrap();
    assert_eq!(streamed.segments, one_shot.segments);
    assert_eq!(*live.lock().unwrap(), streamed.segments);
    // Every segment is timed inside the recording, in order, with ids 1..n.
    for (i, s) in streamed.segments.iter().enumerate() {
        assert_eq!(s.id as usize, i + 1);
        assert!(s.start <= s.end && s.end <= samtal_audio::seconds(samples.len()));
        assert!(s.words.iter().all(|w| (0.0..=1.0).contains(&w.confidence)));
    }
}

#[test]
fn with_the_text_before_each_window_as_prompt_live_and_batch_still_agree() {
    // Short windows, so most are decoded with a prompt; the live stream gets its audio in
    // other blocks than the batch run.
    let config = EngineConfig {
        cut_after_secs: 3.0,
        previous_text: true,
        ..EngineConfig::default()
    };
    let engine = transcriber_with(BASE, Quantization::Q5_0, config);
    let samples = audio("en-meeting-60s.wav");
    let mut options = TranscribeOptions::new(Some(Language::En));
    options.prompt = Some("home care, care plan, Maria Lindqvist".into());
    let batch = engine.transcribe(&samples, &options).unwrap();
    let live = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&live);
    let mut stream = engine.stream(options, Box::new(move |s| sink.lock().unwrap().push(s)));
    for chunk in samples.chunks(1_111) {
        stream.push(chunk).unwrap();
    }
    let streamed = stream.finish().unwrap();
    assert!(batch.segments.len() >= 8, "{}", batch.segments.len());
    assert_eq!(streamed.segments, batch.segments);
    assert_eq!(*live.lock().unwrap(), batch.segments);
    let error = wer(&reference("en-meeting-60s.txt"), &batch.text());
    println!(
        "WER with the text before as prompt, 3 s cut: {:.1} %",
        error * 100.0
    );
    assert!(error <= 0.10, "WER {error:.3}");
}

#[test]
fn early_commit_shows_a_sentence_before_its_window_ends_and_live_and_batch_agree() {
    // The fixture's 12.8-24.4 s stretch has no 0.3 s quiet, so without early commit nothing
    // of it is final before 24.4 s of audio have come in. One lane in a fresh engine for
    // each run: with two, a window whose decode falls back to sampling can differ between
    // runs (README, Performance), and early commit decodes more often.
    let config = EngineConfig {
        early_commit_secs: Some(1.0),
        ..EngineConfig::low_memory()
    };
    let samples = audio("en-meeting-60s.wav");
    let options = TranscribeOptions::new(Some(Language::En));
    let batch = transcriber_with(BASE, Quantization::Q5_0, config.clone())
        .transcribe(&samples, &options)
        .unwrap();

    let engine = transcriber_with(BASE, Quantization::Q5_0, config);
    let live = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&live);
    let mut stream = engine.stream(options, Box::new(move |s| sink.lock().unwrap().push(s)));
    let second = samtal_audio::SAMPLE_RATE as usize;
    let (first, rest) = samples.split_at(22 * second);
    for chunk in first.chunks(1_333) {
        stream.push(chunk).unwrap();
    }
    let inside = |s: &samtal_draft::transcript::Segment| s.start >= 12.5 && s.end <= 20.0;
    wait_for_live(&live, |segments| segments.iter().any(inside));
    assert!(
        live.lock().unwrap().iter().any(inside),
        "nothing of the unbroken stretch was committed while it went on: {:?}",
        live.lock()
            .unwrap()
            .iter()
            .map(|s| (s.start, s.end))
            .collect::<Vec<_>>()
    );
    assert!(
        stream.transcribed_until() > 16.0,
        "{}",
        stream.transcribed_until()
    );
    for chunk in rest.chunks(1_333) {
        stream.push(chunk).unwrap();
    }
    let streamed = stream.finish().unwrap();
    assert!(streamed.segments == batch.segments, "live and batch differ");
    assert!(
        *live.lock().unwrap() == batch.segments,
        "callbacks and transcript differ"
    );
    for (i, s) in batch.segments.iter().enumerate() {
        assert_eq!(s.id as usize, i + 1);
        assert!(s.start <= s.end && s.end <= samtal_audio::seconds(samples.len()));
    }
    assert!(
        batch
            .segments
            .windows(2)
            .all(|w| w[0].end <= w[1].start + 0.01),
        "segments in order without overlap"
    );
    let error = wer(&reference("en-meeting-60s.txt"), &batch.text());
    println!("WER with early commit every 1 s: {:.1} %", error * 100.0);
    assert!(error <= 0.10, "WER {error:.3}");
}

#[test]
fn any_sample_rate_and_channel_count_is_accepted() {
    let hyp = text(
        BASE,
        Quantization::Q8_0,
        "en-short-44k-stereo.wav",
        Language::En,
    )
    .to_lowercase();
    assert!(
        hyp.contains("good morning") && hyp.contains("my name is"),
        "{hyp}"
    );
}

#[test]
fn swedish_is_transcribed_and_english_is_detected() {
    // Whisper base hears espeak's robotic Swedish poorly (it guesses Latin when asked to
    // detect), so Swedish is given; detection is checked on English. Which words base gets
    // right shifts with where a window ends (about 42-44 % WER either way), so the check is
    // a WER bound plus words every window layout has kept.
    let sv = transcriber(BASE, Quantization::Q8_0)
        .transcribe(
            &audio("sv-meeting.wav"),
            &TranscribeOptions::new(Some(Language::Sv)),
        )
        .unwrap();
    assert_eq!(sv.language, "sv");
    let hyp = sv.text().to_lowercase();
    let error = wer(&reference("sv-meeting.txt"), &hyp);
    println!("sv WER {:.1} %: {hyp}", error * 100.0);
    assert!(error <= 0.5, "WER {error:.3}: {hyp}");
    assert!(
        ["jag heter", "vi träffas i dag", "kronor i månaden"]
            .iter()
            .all(|w| hyp.contains(w)),
        "{hyp}"
    );

    let en = transcriber(BASE, Quantization::Q8_0)
        .transcribe(
            &audio("en-short-44k-stereo.wav"),
            &TranscribeOptions::new(None),
        )
        .unwrap();
    assert_eq!(en.language, "en");
}
