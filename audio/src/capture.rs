//! Audio captured by the platform shell (Android's oboe, iOS's AVAudioEngine): the shell
//! hands over blocks in the device's own format; this turns them into 16 kHz mono.
use super::{downmix, unusable_format, AudioError, AudioSource, MonoResampler};

/// A platform capture: blocks of interleaved f32 samples at a fixed rate and channel count.
pub trait PcmCapture: Send {
    /// Samples per second per channel of every block.
    fn sample_rate(&self) -> u32;
    /// Interleaved channels of every block.
    fn channels(&self) -> u16;
    /// The next block (it may be empty while the device has nothing yet); `None` once
    /// capturing has ended.
    fn next_block(&mut self) -> Result<Option<Vec<f32>>, AudioError>;
}

/// Adapts a [`PcmCapture`] to an [`AudioSource`]: downmixes and resamples to 16 kHz mono.
pub struct CaptureSource<C: PcmCapture> {
    capture: C,
    channels: usize,
    resampler: MonoResampler,
    finished: bool,
}

impl<C: PcmCapture> CaptureSource<C> {
    pub fn new(capture: C) -> Result<Self, AudioError> {
        let (rate, channels) = (capture.sample_rate(), capture.channels());
        if let Some(reason) = unusable_format(rate, channels) {
            return Err(AudioError::Device(format!(
                "unsupported capture format: {reason}"
            )));
        }
        Ok(CaptureSource {
            capture,
            channels: usize::from(channels),
            resampler: MonoResampler::new(rate)?,
            finished: false,
        })
    }
}

impl<C: PcmCapture> AudioSource for CaptureSource<C> {
    fn read(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        if self.finished {
            return Ok(false);
        }
        match self.capture.next_block()? {
            Some(block) => {
                if block.len() % self.channels != 0 {
                    return Err(AudioError::Device(format!(
                        "a captured block of {} samples is not whole frames of {} channels",
                        block.len(),
                        self.channels
                    )));
                }
                self.resampler.push(&downmix(&block, self.channels), out)?;
                Ok(true)
            }
            None => {
                self.resampler.finish(out)?;
                self.finished = true;
                Ok(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SAMPLE_RATE;

    struct Blocks {
        rate: u32,
        channels: u16,
        blocks: Vec<Vec<f32>>,
    }

    impl PcmCapture for Blocks {
        fn sample_rate(&self) -> u32 {
            self.rate
        }
        fn channels(&self) -> u16 {
            self.channels
        }
        fn next_block(&mut self) -> Result<Option<Vec<f32>>, AudioError> {
            Ok((!self.blocks.is_empty()).then(|| self.blocks.remove(0)))
        }
    }

    fn drain(source: &mut impl AudioSource) -> Vec<f32> {
        let mut out = Vec::new();
        while source.read(&mut out).unwrap() {}
        out
    }

    #[test]
    fn stereo_48k_becomes_16k_mono_of_the_same_length() {
        // One second of stereo at 48 kHz in 10 ms blocks, left 0.5 and right -0.1.
        let block: Vec<f32> = (0..480).flat_map(|_| [0.5, -0.1]).collect();
        let mut source = CaptureSource::new(Blocks {
            rate: 48_000,
            channels: 2,
            blocks: vec![block; 100],
        })
        .unwrap();
        let out = drain(&mut source);
        assert_eq!(out.len(), SAMPLE_RATE as usize);
        assert!((out[8_000] - 0.2).abs() < 0.01);
    }

    #[test]
    fn broken_formats_are_refused_clearly() {
        let bad = Blocks {
            rate: 0,
            channels: 1,
            blocks: vec![],
        };
        assert!(CaptureSource::new(bad).is_err());
        let mut torn = CaptureSource::new(Blocks {
            rate: SAMPLE_RATE,
            channels: 2,
            blocks: vec![vec![0.0; 3]],
        })
        .unwrap();
        let err = torn.read(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("whole frames"));
    }
}
