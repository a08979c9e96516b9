//! A recording in progress, shared between the shell's capture and UI threads.
use std::sync::Arc;

use samtal_audio::CaptureSource;
use samtal_core::app;

use crate::platform::{AudioBridge, AudioInput};
use crate::runtime::blocking;
use crate::SamtalError;

#[derive(uniffi::Object)]
pub struct Recording(pub(crate) app::Recording);

#[uniffi::export]
impl Recording {
    pub fn session_id(&self) -> String {
        self.0.session().to_string()
    }

    /// Audio the shell captured itself, 16 kHz mono f32.
    pub fn push_audio(&self, samples: Vec<f32>) -> Result<(), SamtalError> {
        Ok(self.0.push(&samples)?)
    }

    /// Reads the shell's capture to its end (any rate and channel count).
    pub async fn capture(self: Arc<Self>, input: Arc<dyn AudioInput>) -> Result<(), SamtalError> {
        blocking(move || {
            Ok(self
                .0
                .capture(&mut CaptureSource::new(AudioBridge(input))?)?)
        })
        .await
    }

    /// Records a WAV file as if it were the microphone (tests, demos).
    pub async fn capture_wav(self: Arc<Self>, path: String) -> Result<(), SamtalError> {
        blocking(move || Ok(self.0.capture_wav(path.as_ref())?)).await
    }

    /// Seconds of audio safely sealed into the encrypted spool.
    pub fn captured_seconds(&self) -> Result<f64, SamtalError> {
        Ok(self.0.captured_seconds()?)
    }

    pub fn pause(&self) -> Result<(), SamtalError> {
        Ok(self.0.pause()?)
    }

    pub fn resume(&self) -> Result<(), SamtalError> {
        Ok(self.0.resume()?)
    }

    /// Stops, finishes transcription and shreds all audio.
    pub async fn stop(self: Arc<Self>) -> Result<(), SamtalError> {
        blocking(move || Ok(self.0.stop()?)).await
    }

    /// The citizen withdrew consent: everything captured is wiped at once.
    pub fn withdraw(&self) -> Result<(), SamtalError> {
        Ok(self.0.withdraw()?)
    }
}
