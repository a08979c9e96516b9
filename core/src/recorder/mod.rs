//! The recording pipeline of one session: every buffer of audio is first sealed into the
//! encrypted spool (durable), then pushed to the streaming transcriber; whatever the
//! transcriber has finished with is shredded right away. Finalized segments go straight
//! into the encrypted store. After a crash, [`Recorder::recover`] re-feeds what is left in
//! the spool, so at most one unsealed chunk is lost.
mod whisper;

use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use samtal_asr::TranscribeError;
use samtal_audio::SAMPLE_RATE;
use samtal_draft::transcript::Segment;
use samtal_store::spool;
use samtal_store::{Action, SessionId, SessionState, Store, StoreError, TransitionError};

pub use whisper::WhisperStreams;

/// Why a recording step failed: the store (including refused lifecycle steps) or the
/// recogniser. Neither carries audio or transcript content.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Recognition(#[from] TranscribeError),
}

impl From<TransitionError> for RecordError {
    fn from(e: TransitionError) -> Self {
        RecordError::Store(e.into())
    }
}

/// Default chunk length: half a second, so a crash costs at most that much audio.
pub const DEFAULT_CHUNK_SAMPLES: usize = SAMPLE_RATE as usize / 2;

/// Receives finalized segments, with times relative to the start of that stream.
pub type SegmentSink = Box<dyn FnMut(Segment) + Send>;

/// A streaming transcription in progress (implemented over the whisper engine's stream).
pub trait TranscriptionStream: Send {
    /// Queues 16 kHz mono samples for transcription.
    fn push(&mut self, samples: &[f32]) -> Result<(), TranscribeError>;
    /// Seconds of pushed audio fully processed: all of it is transcribed or was silence.
    fn transcribed_until(&self) -> f64;
    /// Flushes the rest and returns the segments not yet handed to the sink.
    fn finish(self: Box<Self>) -> Result<Vec<Segment>, TranscribeError>;
}

/// Starts transcription streams for a recorder.
pub trait StreamFactory {
    fn start(
        &self,
        on_segment: SegmentSink,
    ) -> Result<Box<dyn TranscriptionStream>, TranscribeError>;
}

/// Records one session. Drop without [`Recorder::stop`] leaves the session recoverable.
pub struct Recorder {
    store: Arc<Store>,
    session: SessionId,
    stream: Box<dyn TranscriptionStream>,
    pending: Zeroizing<Vec<f32>>,
    chunk_samples: usize,
    /// Recording position (samples) at which the current stream's time 0 lies.
    stream_origin: u64,
    failure: Arc<Mutex<Option<StoreError>>>,
}

impl Recorder {
    /// Starts recording a consented session (`Consented` → `Recording`).
    pub fn start(
        store: Arc<Store>,
        session: SessionId,
        factory: &dyn StreamFactory,
        chunk_samples: usize,
    ) -> Result<Recorder, RecordError> {
        check_chunk(chunk_samples)?;
        let state = store.session_state(&session)?;
        state.apply(Action::StartRecording)?;
        let rec = Recorder::new(store, session, factory, chunk_samples, 0.0, 0)?;
        rec.store.transition(&rec.session, Action::StartRecording)?;
        Ok(rec)
    }

    /// Picks up a recording interrupted by a crash or kill (state `Recording`, `Paused`
    /// or `Stopped`): checks the spool, transcribes what it still holds, and leaves the
    /// session `Paused` (or `Stopped`) so the caller can [`resume`](Self::resume) or
    /// [`stop`](Self::stop).
    pub fn recover(
        store: Arc<Store>,
        session: SessionId,
        factory: &dyn StreamFactory,
        chunk_samples: usize,
    ) -> Result<Recorder, RecordError> {
        check_chunk(chunk_samples)?;
        let state = store.session_state(&session)?;
        if !matches!(
            state,
            SessionState::Recording | SessionState::Paused | SessionState::Stopped
        ) {
            return Err(TransitionError::Invalid {
                from: state,
                action: Action::Resume,
            }
            .into());
        }
        if state == SessionState::Recording {
            store.mark_interrupted(&session)?;
        }
        let found = spool::recover(&store, &session)?;
        // Resume transcription where the stored transcript ends: audio before that point
        // was transcribed already (even if its chunk had not been shredded yet).
        let info = store.session(&session)?;
        let last_end = store.segments(&session)?.last().map_or(0.0, |s| s.end);
        let resume_at = (info.transcribed_until.max(last_end) * f64::from(SAMPLE_RATE)) as u64;
        let captured = (info.captured_seconds * f64::from(SAMPLE_RATE)).round() as u64;
        let resume_at = resume_at.min(captured);
        let origin_s = resume_at as f64 / f64::from(SAMPLE_RATE);
        let mut rec = Recorder::new(
            store.clone(),
            session.clone(),
            factory,
            chunk_samples,
            origin_s,
            resume_at,
        )?;
        spool::shred_until(&store, &session, resume_at)?;
        for meta in &found.chunks {
            if meta.end_sample() <= resume_at {
                continue;
            }
            let samples = Zeroizing::new(spool::open(&store, &session, meta)?);
            let skip = resume_at.saturating_sub(meta.start_sample) as usize;
            rec.feed(&samples[skip..])?;
        }
        Ok(rec)
    }

    fn new(
        store: Arc<Store>,
        session: SessionId,
        factory: &dyn StreamFactory,
        chunk_samples: usize,
        origin_s: f64,
        origin_sample: u64,
    ) -> Result<Recorder, RecordError> {
        let failure = Arc::new(Mutex::new(None));
        let sink = segment_sink(store.clone(), session.clone(), origin_s, failure.clone());
        let stream = factory.start(sink)?;
        Ok(Recorder {
            store,
            session,
            stream,
            pending: Zeroizing::new(Vec::with_capacity(chunk_samples)),
            chunk_samples,
            stream_origin: origin_sample,
            failure,
        })
    }

    pub fn session(&self) -> &SessionId {
        &self.session
    }

    /// Adds recorded audio (16 kHz mono). Full chunks are sealed, fsynced and pushed to
    /// the transcriber immediately; a partial chunk waits in memory for the next call.
    pub fn push(&mut self, samples: &[f32]) -> Result<(), RecordError> {
        self.check_failure()?;
        let state = self.store.session_state(&self.session)?;
        if state != SessionState::Recording {
            return Err(StoreError::NotRecording {
                session: self.session.to_string(),
                state,
            }
            .into());
        }
        self.pending.extend_from_slice(samples);
        while self.pending.len() >= self.chunk_samples {
            let chunk: Zeroizing<Vec<f32>> =
                Zeroizing::new(self.pending.drain(..self.chunk_samples).collect());
            self.seal_and_feed(&chunk)?;
        }
        Ok(())
    }

    /// Seconds of audio sealed into the spool so far (the part a crash cannot lose).
    pub fn captured_seconds(&self) -> Result<f64, RecordError> {
        Ok(self.store.session(&self.session)?.captured_seconds)
    }

    /// Pauses: seals what is buffered and moves to `Paused`.
    pub fn pause(&mut self) -> Result<(), RecordError> {
        self.flush()?;
        self.store.transition(&self.session, Action::Pause)?;
        Ok(())
    }

    pub fn resume(&mut self) -> Result<(), RecordError> {
        self.store.transition(&self.session, Action::Resume)?;
        Ok(())
    }

    /// Stops recording, finishes transcription, shreds all remaining audio and moves the
    /// session to `Transcribed`. On a transcription error the audio stays in the spool
    /// (session `Stopped`) so [`Recorder::recover`] can try again.
    pub fn stop(mut self) -> Result<(), RecordError> {
        let state = self.store.session_state(&self.session)?;
        if state == SessionState::Recording {
            self.flush()?;
        }
        if state != SessionState::Stopped {
            self.store.transition(&self.session, Action::Stop)?;
        }
        let rest = self.stream.finish()?;
        let origin_s = self.stream_origin as f64 / f64::from(SAMPLE_RATE);
        for seg in rest {
            self.store
                .append_segment(&self.session, &shift(seg, origin_s))?;
        }
        if let Some(e) = self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            return Err(e.into());
        }
        let captured = self.store.session(&self.session)?.captured_seconds;
        spool::shred_until(
            &self.store,
            &self.session,
            (captured * f64::from(SAMPLE_RATE)).round() as u64,
        )?;
        spool::remove_session_files(&self.store, &self.session)?;
        self.store
            .transition(&self.session, Action::FinishTranscription)?;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), RecordError> {
        if !self.pending.is_empty() {
            let chunk: Zeroizing<Vec<f32>> = Zeroizing::new(self.pending.drain(..).collect());
            self.seal_and_feed(&chunk)?;
        }
        Ok(())
    }

    fn seal_and_feed(&mut self, chunk: &[f32]) -> Result<(), RecordError> {
        spool::seal(&self.store, &self.session, chunk)?;
        self.feed(chunk)
    }

    /// Pushes sealed audio to the transcriber and shreds what it has finished with.
    fn feed(&mut self, samples: &[f32]) -> Result<(), RecordError> {
        self.stream.push(samples)?;
        self.check_failure()?;
        let done = (self.stream.transcribed_until() * f64::from(SAMPLE_RATE)) as u64;
        spool::shred_until(&self.store, &self.session, self.stream_origin + done)?;
        Ok(())
    }

    fn check_failure(&self) -> Result<(), RecordError> {
        match self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

fn check_chunk(chunk_samples: usize) -> Result<(), StoreError> {
    if chunk_samples == 0 || chunk_samples > spool::MAX_CHUNK_SAMPLES {
        return Err(StoreError::InvalidInput {
            field: "chunk length",
            reason: "must be between 1 sample and one second",
        });
    }
    Ok(())
}

fn shift(mut seg: Segment, by: f64) -> Segment {
    seg.start += by;
    seg.end += by;
    for w in &mut seg.words {
        w.start += by;
        w.end += by;
    }
    seg
}

/// Stores each finalized segment as it arrives (on the engine's thread); the first
/// failure is kept for the recorder to report.
fn segment_sink(
    store: Arc<Store>,
    session: SessionId,
    origin_s: f64,
    failure: Arc<Mutex<Option<StoreError>>>,
) -> SegmentSink {
    Box::new(move |seg: Segment| {
        if let Err(e) = store.append_segment(&session, &shift(seg, origin_s)) {
            tracing::warn!(session = %session, "could not store a transcript segment");
            failure
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert(e);
        }
    })
}
