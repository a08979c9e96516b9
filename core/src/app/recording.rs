//! A recording in progress, shareable between threads (the shell's capture thread pushes
//! audio while its UI thread pauses or stops). Finalized segments are announced to the
//! app's transcript listeners as they arrive.
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::{AppError, AppEvents, Result, SegmentEvent, StateEvent};
use crate::recorder::{Recorder, SegmentSink, SpeakerSetup, StreamFactory, TranscriptionStream};
use samtal_asr::TranscribeError;
use samtal_audio::{AudioSource, Pace, WavFileSource};
use samtal_store::{SessionId, SessionState, Store};

/// One session's recording. After `stop` or `withdraw` every call fails with
/// [`AppError::RecordingEnded`]. Dropped without `stop`, it is let go as a killed process
/// lets go of it: the session stays recoverable and nothing more reaches the store.
pub struct Recording {
    session: SessionId,
    store: Arc<Store>,
    recorder: Mutex<Option<Recorder>>,
    events: Arc<AppEvents>,
    released: Released,
}

/// Set once the recording is let go (dropped or withdrawn). The engine may still answer
/// windows that were in flight; those answers are neither stored nor announced, so a
/// recovery transcribes that audio once, from the spool, and a withdrawal stores nothing more.
#[derive(Clone, Default)]
struct Released(Arc<AtomicBool>);

impl Released {
    fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Wraps the app's stream factory so each stored segment is also announced.
struct Announcing<'a> {
    inner: &'a dyn StreamFactory,
    session: SessionId,
    events: Arc<AppEvents>,
    released: Released,
}

impl<'a> Announcing<'a> {
    fn new(
        inner: &'a dyn StreamFactory,
        session: &SessionId,
        events: &Arc<AppEvents>,
        released: &Released,
    ) -> Self {
        Announcing {
            inner,
            session: session.clone(),
            events: events.clone(),
            released: released.clone(),
        }
    }
}

impl StreamFactory for Announcing<'_> {
    fn start(
        &self,
        mut on_segment: SegmentSink,
    ) -> std::result::Result<Box<dyn TranscriptionStream>, TranscribeError> {
        let (session, events) = (self.session.clone(), self.events.clone());
        let released = self.released.clone();
        self.inner.start(Box::new(move |segment| {
            if released.is_set() {
                return;
            }
            on_segment(segment.clone());
            events.transcript.emit(&SegmentEvent {
                session: session.clone(),
                segment,
            });
        }))
    }
}

impl Recording {
    pub(super) fn start(
        store: Arc<Store>,
        session: SessionId,
        factory: &dyn StreamFactory,
        chunk_samples: usize,
        speakers: Option<SpeakerSetup>,
        events: Arc<AppEvents>,
    ) -> Result<Recording> {
        let released = Released::default();
        let announcing = Announcing::new(factory, &session, &events, &released);
        let recorder = Recorder::start_with_speakers(
            store.clone(),
            session.clone(),
            &announcing,
            chunk_samples,
            speakers,
        )?;
        Ok(Recording::new(store, session, recorder, events, released))
    }

    pub(super) fn recover(
        store: Arc<Store>,
        session: SessionId,
        factory: &dyn StreamFactory,
        chunk_samples: usize,
        speakers: Option<SpeakerSetup>,
        events: Arc<AppEvents>,
    ) -> Result<Recording> {
        let released = Released::default();
        let announcing = Announcing::new(factory, &session, &events, &released);
        let recorder = Recorder::recover_with_speakers(
            store.clone(),
            session.clone(),
            &announcing,
            chunk_samples,
            speakers,
        )?;
        Ok(Recording::new(store, session, recorder, events, released))
    }

    fn new(
        store: Arc<Store>,
        session: SessionId,
        recorder: Recorder,
        events: Arc<AppEvents>,
        released: Released,
    ) -> Self {
        Recording {
            session,
            store,
            recorder: Mutex::new(Some(recorder)),
            events,
            released,
        }
    }

    pub fn session(&self) -> &SessionId {
        &self.session
    }

    /// Adds recorded audio, 16 kHz mono f32 (see [`Recording::capture`] for other formats).
    pub fn push(&self, samples: &[f32]) -> Result<()> {
        Ok(self
            .recorder()
            .as_mut()
            .ok_or(AppError::RecordingEnded)?
            .push(samples)?)
    }

    /// Reads `source` to its end into the recording (a platform capture, a file).
    pub fn capture(&self, source: &mut dyn AudioSource) -> Result<()> {
        samtal_audio::pump(source, |block| self.push(block))
    }

    /// Records a WAV file (any rate and channel count) as if it were the microphone.
    pub fn capture_wav(&self, path: &Path) -> Result<()> {
        self.capture(&mut WavFileSource::open(path, Pace::Fast)?)
    }

    /// Seconds of audio sealed into the encrypted spool so far.
    pub fn captured_seconds(&self) -> Result<f64> {
        Ok(self.store.session(&self.session)?.captured_seconds)
    }

    pub fn pause(&self) -> Result<()> {
        self.recorder()
            .as_mut()
            .ok_or(AppError::RecordingEnded)?
            .pause()?;
        self.announce(SessionState::Paused);
        Ok(())
    }

    pub fn resume(&self) -> Result<()> {
        self.recorder()
            .as_mut()
            .ok_or(AppError::RecordingEnded)?
            .resume()?;
        self.announce(SessionState::Recording);
        Ok(())
    }

    /// Stops, finishes transcription and shreds all audio (session `Transcribed`).
    pub fn stop(&self) -> Result<()> {
        let recorder = self.recorder().take().ok_or(AppError::RecordingEnded)?;
        recorder.stop()?;
        self.announce(SessionState::Transcribed);
        Ok(())
    }

    /// The citizen withdraws consent mid-recording: transcription stops and everything
    /// captured is wiped at once.
    pub fn withdraw(&self) -> Result<()> {
        self.released.set();
        drop(self.recorder().take());
        self.store.withdraw(&self.session)?;
        self.announce(SessionState::Withdrawn);
        Ok(())
    }

    fn recorder(&self) -> MutexGuard<'_, Option<Recorder>> {
        self.recorder.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn announce(&self, state: SessionState) {
        self.events.states.emit(&StateEvent {
            session: self.session.clone(),
            state,
        });
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.released.set();
    }
}
