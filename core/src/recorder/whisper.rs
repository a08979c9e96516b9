//! Connects the recorder to the on-device whisper engine's streaming transcription.
use super::{SegmentSink, StreamFactory, TranscriptionStream};
use samtal_asr::{Stream, TranscribeError, TranscribeOptions, Transcriber};
use samtal_draft::transcript::Segment;

/// Starts whisper streams with fixed options (language, vocabulary prompt).
pub struct WhisperStreams {
    pub transcriber: Transcriber,
    pub options: TranscribeOptions,
}

impl StreamFactory for WhisperStreams {
    fn start(
        &self,
        on_segment: SegmentSink,
    ) -> Result<Box<dyn TranscriptionStream>, TranscribeError> {
        Ok(Box::new(WhisperStream(
            self.transcriber.stream(self.options.clone(), on_segment),
        )))
    }
}

struct WhisperStream(Stream);

impl TranscriptionStream for WhisperStream {
    fn push(&mut self, samples: &[f32]) -> Result<(), TranscribeError> {
        self.0.push(samples)
    }

    fn transcribed_until(&self) -> f64 {
        self.0.transcribed_until()
    }

    /// Every segment, the last ones included, has already gone through the sink by the
    /// time the engine's `finish` returns; its full transcript is not needed here.
    fn finish(self: Box<Self>) -> Result<Vec<Segment>, TranscribeError> {
        self.0.finish().map(|_| Vec::new())
    }
}
