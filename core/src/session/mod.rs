//! Meeting sessions: the lifecycle state machine and the recording pipeline
//! (audio source → encrypted spool → streaming transcription → shredding).
mod recorder;
mod whisper;

pub use recorder::{
    Recorder, SegmentSink, StreamFactory, TranscriptionStream, DEFAULT_CHUNK_SAMPLES,
};
pub use whisper::WhisperStreams;
