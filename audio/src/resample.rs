//! Streaming conversion of mono audio at any rate to 16 kHz (rubato's FFT resampler).
use super::{AudioError, SAMPLE_RATE};
use rubato::{FftFixedIn, Resampler};

const CHUNK: usize = 1024;

/// Feeds arbitrary-length pieces in, gets 16 kHz out, with the resampler's delay removed so
/// that timestamps stay aligned with the original audio.
pub struct MonoResampler {
    inner: Option<FftFixedIn<f32>>,
    pending: Vec<f32>,
    skip: usize,
    input_total: usize,
    output_total: usize,
    ratio: f64,
}

impl MonoResampler {
    pub fn new(input_rate: u32) -> Result<MonoResampler, AudioError> {
        let inner = if input_rate == SAMPLE_RATE {
            None
        } else {
            Some(
                FftFixedIn::new(input_rate as usize, SAMPLE_RATE as usize, CHUNK, 2, 1)
                    .map_err(|e| AudioError::Resample(e.to_string()))?,
            )
        };
        let skip = inner.as_ref().map_or(0, |r| r.output_delay());
        Ok(MonoResampler {
            inner,
            pending: Vec::new(),
            skip,
            input_total: 0,
            output_total: 0,
            ratio: SAMPLE_RATE as f64 / input_rate as f64,
        })
    }

    /// Resamples what it can of `input` (keeping a remainder for next time) into `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<(), AudioError> {
        self.input_total += input.len();
        let Some(r) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            return Ok(());
        };
        self.pending.extend_from_slice(input);
        let mut used = 0;
        while self.pending.len() - used >= r.input_frames_next() {
            let n = r.input_frames_next();
            let res = r
                .process(&[&self.pending[used..used + n]], None)
                .map_err(|e| AudioError::Resample(e.to_string()))?;
            used += n;
            Self::emit(&mut self.skip, &mut self.output_total, &res[0], out);
        }
        self.pending.drain(..used);
        Ok(())
    }

    /// Flushes the remainder so the output is as long as the input implies.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<(), AudioError> {
        let Some(r) = self.inner.as_mut() else {
            return Ok(());
        };
        let expected = (self.input_total as f64 * self.ratio).round() as usize;
        let mut rest = Some(std::mem::take(&mut self.pending)).filter(|r| !r.is_empty());
        while self.output_total < expected {
            let res = match rest.take() {
                Some(tail) => r.process_partial(Some(&[tail.as_slice()]), None),
                None => r.process_partial(None::<&[&[f32]]>, None),
            }
            .map_err(|e| AudioError::Resample(e.to_string()))?;
            if res[0].is_empty() {
                break;
            }
            Self::emit(&mut self.skip, &mut self.output_total, &res[0], out);
        }
        // The flushed tail is silence; make the length exactly what the input implies.
        if self.output_total > expected {
            out.truncate(out.len() - (self.output_total - expected));
        } else {
            out.resize(out.len() + (expected - self.output_total), 0.0);
        }
        self.output_total = expected;
        Ok(())
    }

    fn emit(skip: &mut usize, total: &mut usize, chunk: &[f32], out: &mut Vec<f32>) {
        let drop = (*skip).min(chunk.len());
        *skip -= drop;
        out.extend_from_slice(&chunk[drop..]);
        *total += chunk.len() - drop;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, freq: f32, secs: f32) -> Vec<f32> {
        (0..(rate as f32 * secs) as usize)
            .map(|i| (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn resampling_keeps_length_and_timing() {
        for rate in [8_000, 22_050, 44_100, 48_000] {
            let input = sine(rate, 440.0, 1.3);
            let mut r = MonoResampler::new(rate).unwrap();
            let mut out = Vec::new();
            for piece in input.chunks(777) {
                r.push(piece, &mut out).unwrap();
            }
            r.finish(&mut out).unwrap();
            let expected =
                (input.len() as f64 * f64::from(SAMPLE_RATE) / f64::from(rate)).round() as usize;
            assert_eq!(out.len(), expected, "rate {rate}");
            // The output is the same 440 Hz tone, in phase: compare with a 16 kHz sine.
            let reference = sine(SAMPLE_RATE, 440.0, 1.3);
            let mid = &out[4_000..12_000];
            let err: f32 = mid
                .iter()
                .zip(&reference[4_000..12_000])
                .map(|(a, b)| (a - b).abs())
                .sum::<f32>()
                / mid.len() as f32;
            assert!(err < 0.05, "rate {rate}: mean error {err}");
        }
    }
}
