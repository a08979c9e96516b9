//! WAV files as an audio source: any sample rate, channel count and PCM/float sample format,
//! played as fast as possible (tests, batch) or in real time (as if it were a microphone).
use super::{downmix, AudioError, AudioSource, MonoResampler, READ_BLOCK, SAMPLE_RATE};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How fast a file source delivers audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// As fast as the consumer reads.
    Fast,
    /// At the speed it was recorded, like a live microphone.
    RealTime,
}

pub struct WavFileSource {
    path: PathBuf,
    reader: hound::WavReader<BufReader<std::fs::File>>,
    channels: usize,
    /// `None` for float files; else the divisor that maps integers to [-1, 1).
    int_scale: Option<f32>,
    resampler: MonoResampler,
    ready: Vec<f32>,
    finished: bool,
    pace: Pace,
    started: Instant,
    delivered: usize,
}

impl WavFileSource {
    pub fn open(path: &Path, pace: Pace) -> Result<WavFileSource, AudioError> {
        let format_err = |reason: String| AudioError::Format {
            path: path.to_path_buf(),
            reason,
        };
        let reader = hound::WavReader::open(path).map_err(|e| match e {
            hound::Error::IoError(source) => AudioError::Io {
                path: path.to_path_buf(),
                source,
            },
            other => format_err(other.to_string()),
        })?;
        let spec = reader.spec();
        let int_scale = match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Float, 32) => None,
            (hound::SampleFormat::Int, bits @ (8 | 16 | 24 | 32)) => {
                Some((1u64 << (bits - 1)) as f32)
            }
            (_, bits) => return Err(format_err(format!("{bits}-bit samples are not supported"))),
        };
        if spec.channels == 0 || spec.sample_rate < 4_000 {
            return Err(format_err(format!(
                "{} channels at {} Hz is not speech audio",
                spec.channels, spec.sample_rate
            )));
        }
        Ok(WavFileSource {
            path: path.to_path_buf(),
            channels: spec.channels as usize,
            int_scale,
            resampler: MonoResampler::new(spec.sample_rate)?,
            reader,
            ready: Vec::new(),
            finished: false,
            pace,
            started: Instant::now(),
            delivered: 0,
        })
    }

    /// Reads the whole file as 16 kHz mono.
    pub fn read_all(path: &Path) -> Result<Vec<f32>, AudioError> {
        let mut source = WavFileSource::open(path, Pace::Fast)?;
        let mut out = Vec::new();
        while source.read(&mut out)? {}
        Ok(out)
    }

    /// Duration in seconds, from the header.
    pub fn duration_secs(&self) -> f64 {
        self.reader.duration() as f64 / self.reader.spec().sample_rate as f64
    }

    fn fill(&mut self) -> Result<(), AudioError> {
        let frames = READ_BLOCK * self.reader.spec().sample_rate as usize / SAMPLE_RATE as usize;
        let mut interleaved = Vec::with_capacity(frames * self.channels);
        let path = &self.path;
        let err = |e: hound::Error| AudioError::Format {
            path: path.clone(),
            reason: e.to_string(),
        };
        match self.int_scale {
            None => {
                for s in self.reader.samples::<f32>().take(frames * self.channels) {
                    interleaved.push(s.map_err(err)?);
                }
            }
            Some(scale) => {
                for s in self.reader.samples::<i32>().take(frames * self.channels) {
                    interleaved.push(s.map_err(err)? as f32 / scale);
                }
            }
        }
        let mono = downmix(&interleaved, self.channels);
        self.resampler.push(&mono, &mut self.ready)?;
        if interleaved.len() < frames * self.channels {
            self.resampler.finish(&mut self.ready)?;
            self.finished = true;
        }
        Ok(())
    }
}

impl AudioSource for WavFileSource {
    fn read(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        while self.ready.len() < READ_BLOCK && !self.finished {
            self.fill()?;
        }
        let n = self.ready.len().min(READ_BLOCK);
        if self.pace == Pace::RealTime {
            let due = Duration::from_secs_f64((self.delivered + n) as f64 / SAMPLE_RATE as f64);
            if let Some(wait) = due.checked_sub(self.started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        out.extend(self.ready.drain(..n));
        self.delivered += n;
        Ok(!(self.finished && self.ready.is_empty()))
    }
}
