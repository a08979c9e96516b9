//! samtal-audio: audio input. Every source (a WAV file, the shell's capture, the desktop
//! microphone) delivers 16 kHz mono f32, the only format the recogniser takes.
mod capture;
#[cfg(feature = "microphone")]
mod microphone;
mod resample;
mod wav;

pub use capture::{CaptureSource, PcmCapture};
#[cfg(feature = "microphone")]
pub use microphone::MicrophoneSource;
pub use resample::MonoResampler;
pub use wav::{Pace, WavFileSource};

use std::path::PathBuf;

/// The sample rate of everything downstream of a source: the recogniser, the spool, the
/// converted models' mel filters. The one place it is written down.
pub const SAMPLE_RATE: u32 = 16_000;

/// Seconds of audio in `samples` samples at [`SAMPLE_RATE`].
pub fn seconds(samples: usize) -> f64 {
    samples as f64 / f64::from(SAMPLE_RATE)
}

/// Input sample rates taken: telephone quality up to studio rates. Anything else is a
/// damaged or hostile header, and resampling it could take gigabytes.
pub const INPUT_RATES: std::ops::RangeInclusive<u32> = 8_000..=192_000;
/// Interleaved channels taken from a file or a capture.
pub const MAX_CHANNELS: u16 = 32;
/// The longest recording a file may hold: far beyond a meeting, far below memory trouble.
pub const MAX_FILE_SECONDS: u32 = 4 * 60 * 60;

/// Why a sample rate and channel count cannot be input, if they cannot.
fn unusable_format(rate: u32, channels: u16) -> Option<String> {
    (!INPUT_RATES.contains(&rate) || channels == 0 || channels > MAX_CHANNELS).then(|| {
        format!(
            "{rate} Hz with {channels} channel(s) is not speech audio; use {} to {} Hz and 1 to {MAX_CHANNELS} channels",
            INPUT_RATES.start(),
            INPUT_RATES.end()
        )
    })
}

/// Samples per read: 100 ms, small enough for live display, large enough to be cheap.
pub const READ_BLOCK: usize = SAMPLE_RATE as usize / 10;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: not a usable audio file ({reason}); Samtal reads WAV (PCM 8/16/24/32-bit or 32-bit float, 8-192 kHz, up to 32 channels); convert other formats first, e.g. `sox in.mp3 out.wav`")]
    Format { path: PathBuf, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("resampling failed: {0}")]
    Resample(String),
    #[error("audio device: {0}")]
    Device(String),
}

/// A producer of 16 kHz mono f32 audio (a file, a microphone, a platform capture hook).
pub trait AudioSource: Send {
    /// Appends up to [`READ_BLOCK`] samples to `out`; returns `false` once the source has
    /// ended and nothing more will come.
    fn read(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError>;
}

/// Reads `source` to its end in blocks of at most [`READ_BLOCK`], handing each to `push`
/// (the last one may be empty). One block of audio is held at a time.
pub fn pump<E: From<AudioError>>(
    source: &mut dyn AudioSource,
    mut push: impl FnMut(&[f32]) -> Result<(), E>,
) -> Result<(), E> {
    let mut block = Vec::with_capacity(READ_BLOCK);
    loop {
        block.clear();
        let more = source.read(&mut block)?;
        push(&block)?;
        if !more {
            return Ok(());
        }
    }
}

/// Averages interleaved channels into one.
pub fn downmix(interleaved: &[f32], channels: usize) -> Vec<f32> {
    if channels <= 1 {
        return interleaved.to_vec();
    }
    interleaved
        .chunks_exact(channels)
        .map(|frame| frame.iter().sum::<f32>() / channels as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source of `left` samples of silence, then the end.
    struct Silence {
        left: usize,
    }

    impl AudioSource for Silence {
        fn read(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
            let n = self.left.min(READ_BLOCK);
            out.extend(std::iter::repeat_n(0.0, n));
            self.left -= n;
            Ok(self.left > 0)
        }
    }

    #[test]
    fn pump_hands_over_every_block_and_stops_at_the_end_or_an_error() {
        let mut blocks = Vec::new();
        pump(
            &mut Silence {
                left: READ_BLOCK * 5 / 2,
            },
            |b| {
                blocks.push(b.len());
                Ok::<(), AudioError>(())
            },
        )
        .unwrap();
        assert_eq!(blocks, [READ_BLOCK, READ_BLOCK, READ_BLOCK / 2]);
        let mut pushed = 0;
        let failed = pump(
            &mut Silence {
                left: READ_BLOCK * 3,
            },
            |_| {
                pushed += 1;
                Err(AudioError::Device("full".into()))
            },
        );
        assert!(failed.is_err());
        assert_eq!(pushed, 1, "the first error ends the pump");
    }
}
