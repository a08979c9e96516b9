//! Who said what, inside the recorder: every buffer the recogniser gets also goes to the
//! speaker analyzer, which keeps only feature frames, in memory. At stop the frames are
//! attributed to the worker (by the enrolled profile) and the other people present, the
//! stored segments are split where the voice changes and labelled, and the frames are
//! dropped with the recorder: they never reach the disk, so nothing of them outlives the
//! audio. After a crash only the audio still in the spool is analysed again; segments
//! transcribed before the crash keep what they had (no speaker if none).
use std::collections::HashMap;

use samtal_audio::SAMPLE_RATE;
use samtal_draft::transcript::Segment;
use samtal_speaker::{
    label_segments, rename_by_speech, Analyzer, Config, Participants, VoiceProfile,
};
use samtal_store::SegmentSpeaker;

/// What attribution needs besides the audio: the worker's profile and who is present.
#[derive(Debug, Clone)]
pub struct SpeakerSetup {
    pub profile: VoiceProfile,
    pub participants: Participants,
    pub config: Config,
    /// ISO 639-1 code of the spoken language, for naming voices by what they say.
    pub language: String,
}

/// The analysis of one recorder's audio.
pub(super) struct SpeakerAnalysis {
    setup: SpeakerSetup,
    analyzer: Analyzer,
    /// Seconds of recording at which the analyzer's time 0 lies (after a recovery, where
    /// the spool's audio starts again).
    origin: f64,
}

impl SpeakerAnalysis {
    pub(super) fn new(setup: SpeakerSetup, origin_sample: u64) -> SpeakerAnalysis {
        SpeakerAnalysis {
            setup,
            analyzer: Analyzer::new(),
            origin: origin_sample as f64 / f64::from(SAMPLE_RATE),
        }
    }

    pub(super) fn push(&mut self, samples: &[f32]) {
        self.analyzer.push(samples);
    }

    /// The transcript with speakers: segments from the analysed stretch are labelled (and
    /// split where the voice changes); earlier ones keep their `earlier` labels. Segments
    /// come back in order, with their speaker where there is one.
    pub(super) fn label(
        mut self,
        segments: Vec<Segment>,
        earlier: &[SegmentSpeaker],
    ) -> Vec<(Segment, Option<SegmentSpeaker>)> {
        self.analyzer.finish();
        let mut attribution = self.analyzer.attribute(
            &self.setup.profile,
            &self.setup.participants,
            &self.setup.config,
        );
        for turn in &mut attribution.turns {
            turn.start += self.origin;
            turn.end += self.origin;
        }
        let spans: Vec<(f64, f64, &str)> = segments
            .iter()
            .flat_map(|s| {
                if s.words.is_empty() {
                    vec![(s.start, s.end, s.text.as_str())]
                } else {
                    s.words
                        .iter()
                        .map(|w| (w.start, w.end, w.text.as_str()))
                        .collect()
                }
            })
            .collect();
        rename_by_speech(&mut attribution, &spans, &self.setup.language);
        let earlier: HashMap<u32, SegmentSpeaker> =
            earlier.iter().map(|s| (s.segment, *s)).collect();
        let (before, analysed): (Vec<Segment>, Vec<Segment>) = segments
            .into_iter()
            .partition(|s| s.end <= self.origin || attribution.turns.is_empty());
        let mut out: Vec<(Segment, Option<SegmentSpeaker>)> = before
            .into_iter()
            .map(|s| {
                let speaker = earlier.get(&s.id).copied();
                (s, speaker)
            })
            .collect();
        out.extend(
            label_segments(&analysed, &attribution)
                .into_iter()
                .map(|l| {
                    let speaker = SegmentSpeaker {
                        segment: l.segment.id,
                        voice: l.voice,
                        confidence: l.confidence,
                        unsure: l.low_confidence,
                    };
                    (l.segment, Some(speaker))
                }),
        );
        out
    }
}
