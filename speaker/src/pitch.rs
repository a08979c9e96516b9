//! Pitch per frame by normalised autocorrelation (Boersma's method: the windowed signal's
//! autocorrelation divided by the window's own, so the peak height means periodicity, not
//! window shape). Pitch separates voices that the spectral envelope alone confuses, such as
//! two speakers of different gender with similar vowels.
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// Analysis window: 40 ms, so that two periods of a 60 Hz voice fit.
pub const WINDOW: usize = 640;
const FFT: usize = 2048;
const RATE: f32 = crate::features::SAMPLE_RATE as f32;
const MIN_HZ: f32 = 60.0;
const MAX_HZ: f32 = 400.0;
/// Normalised autocorrelation peak above which a frame counts as voiced.
const VOICING: f32 = 0.5;
/// Frames quieter than this (dBFS) are not analysed.
const MIN_DB: f32 = -55.0;

pub struct PitchTracker {
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    window: Vec<f32>,
    /// Autocorrelation of the window itself, normalised to 1 at lag 0.
    window_ac: Vec<f32>,
    time: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
}

impl PitchTracker {
    pub fn new() -> PitchTracker {
        let mut planner = RealFftPlanner::new();
        let forward = planner.plan_fft_forward(FFT);
        let inverse = planner.plan_fft_inverse(FFT);
        let window: Vec<f32> = (0..WINDOW)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / WINDOW as f32).cos())
            .collect();
        let mut tracker = PitchTracker {
            time: forward.make_input_vec(),
            spectrum: forward.make_output_vec(),
            forward,
            inverse,
            window,
            window_ac: Vec::new(),
        };
        let ones = vec![1.0; WINDOW];
        tracker.window_ac = tracker.autocorrelation(&ones);
        tracker
    }

    /// Autocorrelation of the windowed `samples`, normalised to 1 at lag 0.
    fn autocorrelation(&mut self, samples: &[f32]) -> Vec<f32> {
        self.time.fill(0.0);
        for ((dst, x), w) in self.time.iter_mut().zip(samples).zip(&self.window) {
            *dst = x * w;
        }
        if self
            .forward
            .process(&mut self.time, &mut self.spectrum)
            .is_err()
        {
            return vec![0.0; WINDOW];
        }
        for c in self.spectrum.iter_mut() {
            *c = Complex::new(c.norm_sqr(), 0.0);
        }
        if self
            .inverse
            .process(&mut self.spectrum, &mut self.time)
            .is_err()
        {
            return vec![0.0; WINDOW];
        }
        let zero = self.time[0].max(1e-20);
        self.time[..WINDOW].iter().map(|r| r / zero).collect()
    }

    /// Fundamental frequency in Hz of the `WINDOW` samples, or 0 when not voiced.
    pub fn estimate(&mut self, samples: &[f32]) -> f32 {
        let power = samples.iter().map(|x| x * x).sum::<f32>() / samples.len().max(1) as f32;
        if 10.0 * (power + 1e-10).log10() < MIN_DB {
            return 0.0;
        }
        let ac = self.autocorrelation(samples);
        let (lo, hi) = ((RATE / MAX_HZ) as usize, (RATE / MIN_HZ) as usize);
        let corrected = |lag: usize| ac[lag] / self.window_ac[lag].max(1e-6);
        let values: Vec<f32> = (lo - 1..=hi + 1).map(corrected).collect();
        let peak = values[1..values.len() - 1]
            .iter()
            .copied()
            .fold(f32::MIN, f32::max);
        if peak < VOICING {
            return 0.0;
        }
        // A periodic signal peaks at every multiple of its period: take the shortest lag
        // that peaks nearly as high as the best.
        let Some(best) = (lo..=hi).find(|&lag| {
            let v = values[lag - lo + 1];
            v >= 0.9 * peak && v >= values[lag - lo] && v >= values[lag - lo + 2]
        }) else {
            return 0.0;
        };
        if best == lo || best == hi {
            return 0.0;
        }
        let peak = values[best - lo + 1];
        // Parabolic interpolation between neighbouring lags.
        let (a, b, c) = (corrected(best - 1), peak, corrected(best + 1));
        let denominator = a - 2.0 * b + c;
        let shift = if denominator.abs() > 1e-9 {
            (0.5 * (a - c) / denominator).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        RATE / (best as f32 + shift)
    }
}

impl Default for PitchTracker {
    fn default() -> Self {
        PitchTracker::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::tests::vowel;

    #[test]
    fn finds_the_fundamental_of_low_and_high_voices() {
        let mut tracker = PitchTracker::new();
        for f0 in [85.0, 120.0, 210.0, 320.0] {
            let audio = vowel(f0, (700.0, 1_200.0), 0.2);
            let found = tracker.estimate(&audio[1_000..1_000 + WINDOW]);
            assert!((found - f0).abs() < f0 * 0.02, "{f0} Hz heard as {found}");
        }
    }

    #[test]
    fn noise_and_silence_are_unvoiced() {
        let mut tracker = PitchTracker::new();
        assert_eq!(tracker.estimate(&[0.0; WINDOW]), 0.0);
        let mut s = 0x1234_5678u32;
        let noise: Vec<f32> = (0..WINDOW)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                s as f32 / u32::MAX as f32 - 0.5
            })
            .collect();
        assert_eq!(tracker.estimate(&noise), 0.0);
    }
}
