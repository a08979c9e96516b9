//! The desktop microphone through cpal (feature `microphone`). Phones capture audio in their
//! shells (oboe, Core Audio) and feed it in through the FFI audio hook instead.
use super::{downmix, AudioError, AudioSource, MonoResampler, READ_BLOCK};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::sync::mpsc::{self, Receiver};

pub struct MicrophoneSource {
    // Dropping the stream stops capture; it is kept here only for that.
    _stream: cpal::Stream,
    frames: Receiver<Vec<f32>>,
    resampler: MonoResampler,
    ready: Vec<f32>,
    channels: usize,
}

// cpal::Stream is !Send on some platforms; capture is started and read on one thread.
unsafe impl Send for MicrophoneSource {}

impl MicrophoneSource {
    /// Opens the default input device at its default configuration.
    pub fn open_default() -> Result<MicrophoneSource, AudioError> {
        let device = cpal::default_host()
            .default_input_device()
            .ok_or_else(|| AudioError::Device("no input device found".into()))?;
        let config = device
            .default_input_config()
            .map_err(|e| AudioError::Device(e.to_string()))?;
        let channels = config.channels() as usize;
        let rate = config.sample_rate().0;
        let (tx, frames) = mpsc::channel();
        let stream = device
            .build_input_stream(
                &config.into(),
                move |data: &[f32], _| {
                    let _ = tx.send(data.to_vec());
                },
                |e| tracing::warn!(error = %e, "microphone stream error"),
                None,
            )
            .map_err(|e| AudioError::Device(e.to_string()))?;
        stream
            .play()
            .map_err(|e| AudioError::Device(e.to_string()))?;
        Ok(MicrophoneSource {
            _stream: stream,
            frames,
            resampler: MonoResampler::new(rate)?,
            ready: Vec::new(),
            channels,
        })
    }
}

impl AudioSource for MicrophoneSource {
    fn read(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        while self.ready.len() < READ_BLOCK {
            match self.frames.recv() {
                Ok(data) => {
                    let mono = downmix(&data, self.channels);
                    self.resampler.push(&mono, &mut self.ready)?;
                }
                Err(_) => return Err(AudioError::Device("microphone stream closed".into())),
            }
        }
        out.extend(self.ready.drain(..READ_BLOCK));
        Ok(true)
    }
}
