//! Every weight format the converter writes loads in whisper.cpp and recognises the English
//! fixture: the header checks accept what the converter writes, and the quantizers' bytes
//! are what ggml's kernels expect. The bound is the measured WERs (README, Performance)
//! plus a margin, not a ranking of the formats.
use samtal_asr::{Language, TranscribeOptions};
use samtal_models::Quantization;
use samtal_tests::{audio, reference, transcriber, wer};

#[test]
fn every_weight_format_recognises_the_english_fixture() {
    let samples = audio("en-meeting-60s.wav");
    let truth = reference("en-meeting-60s.txt");
    for q in Quantization::all() {
        let t = transcriber("whisper-base", q)
            .transcribe(&samples, &TranscribeOptions::new(Some(Language::En)))
            .unwrap();
        let w = wer(&truth, &t.text());
        assert!(w <= 0.12, "{}: WER {w:.3}", q.name());
    }
}
