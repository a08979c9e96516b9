//! WAV files as an audio source: any sample rate, channel count and PCM/float sample format,
//! played as fast as possible (tests, batch) or in real time (as if it were a microphone).
use super::{
    downmix, unusable_format, AudioError, AudioSource, MonoResampler, MAX_FILE_SECONDS, READ_BLOCK,
    SAMPLE_RATE,
};
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
    /// When the first block was read: real-time pacing counts from there, not from opening.
    started: Option<Instant>,
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
        if let Some(reason) = unusable_format(spec.sample_rate, spec.channels) {
            return Err(format_err(reason));
        }
        // The header's length is checked before anything is read, so a file claiming days
        // of audio is refused at once.
        let seconds = reader.duration() / spec.sample_rate;
        if seconds > MAX_FILE_SECONDS {
            return Err(format_err(format!(
                "its header claims {:.1} hours; recordings of at most {} hours are taken",
                f64::from(seconds) / 3600.0,
                MAX_FILE_SECONDS / 3600
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
            started: None,
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
            let started = *self.started.get_or_insert_with(Instant::now);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        out.extend(self.ready.drain(..n));
        self.delivered += n;
        Ok(!(self.finished && self.ready.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-bit PCM WAV header claiming `rate`, `channels` and `data_len` bytes of samples,
    /// followed by `data` (which may be far shorter than claimed).
    fn wav(rate: u32, channels: u16, data_len: u32, data: &[u8]) -> tempfile::NamedTempFile {
        let block = channels * 2;
        let mut out = Vec::new();
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&36u32.saturating_add(data_len).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&16u32.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&channels.to_le_bytes());
        out.extend_from_slice(&rate.to_le_bytes());
        out.extend_from_slice(&rate.wrapping_mul(u32::from(block)).to_le_bytes());
        out.extend_from_slice(&block.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(b"data");
        out.extend_from_slice(&data_len.to_le_bytes());
        out.extend_from_slice(data);
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), out).unwrap();
        file
    }

    fn refusal(file: &tempfile::NamedTempFile) -> String {
        match WavFileSource::open(file.path(), Pace::Fast) {
            Err(e @ AudioError::Format { .. }) => e.to_string(),
            Err(e) => panic!("not a format error: {e}"),
            Ok(_) => panic!("the header was accepted"),
        }
    }

    #[test]
    fn a_header_claiming_a_gigahertz_rate_is_refused_before_reading() {
        let err = refusal(&wav(1_000_000_000, 1, 2_000, &[0; 2_000]));
        assert!(err.contains("1000000000 Hz"), "{err}");
        assert!(err.contains("8000 to 192000 Hz"), "{err}");
    }

    #[test]
    fn too_many_channels_are_refused() {
        let err = refusal(&wav(SAMPLE_RATE, 64, 1_280, &[0; 1_280]));
        assert!(err.contains("64 channel(s)"), "{err}");
    }

    #[test]
    fn a_header_claiming_days_of_audio_is_refused() {
        // 4 GB of 16-bit mono at 8 kHz is about 75 hours; the file holds a moment of it.
        let err = refusal(&wav(8_000, 1, u32::MAX - 65, &[0; 1_600]));
        assert!(err.contains("hours"), "{err}");
    }

    #[test]
    fn a_file_shorter_than_its_header_is_a_clear_error_not_a_panic() {
        let file = wav(SAMPLE_RATE, 1, 32_000, &[0; 3_200]);
        let err = WavFileSource::read_all(file.path()).unwrap_err();
        assert!(matches!(err, AudioError::Format { .. }), "{err}");
    }

    #[test]
    fn ordinary_files_still_open() {
        let file = wav(44_100, 2, 44_100 * 4, &vec![0; 44_100 * 4]);
        let samples = WavFileSource::read_all(file.path()).unwrap();
        assert_eq!(samples.len(), SAMPLE_RATE as usize);
    }
}
