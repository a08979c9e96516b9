//! Voice-activity detection per 20 ms frame: loud enough above the running noise floor and
//! spectrally peaked like voiced speech (noise is flat). Cheap enough to run on every frame
//! while recording; decides what the recogniser ever sees, so silence and noise never reach it.
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

pub const FRAME: usize = 320;
const FFT: usize = 512;
/// Analysed band: where voiced speech has its harmonics (300–4000 Hz).
const BAND: (usize, usize) = (300 * FFT / SECOND, 4_000 * FFT / SECOND);
/// Samples per second.
const SECOND: usize = samtal_audio::SAMPLE_RATE as usize;
/// Absolute floor below which nothing is speech, in dBFS.
const MIN_SPEECH_DB: f32 = -50.0;
/// How far above the noise floor speech must be.
const ABOVE_FLOOR_DB: f32 = 10.0;
/// Spectral flatness of white noise frames is around 0.56; voiced speech is well below 0.3.
const MAX_FLATNESS: f32 = 0.35;
/// Flatness of the spectrum divided by its smoothed envelope: harmonics make it low in
/// voiced speech whatever the spectral tilt, while any noise, white or pink, stays near 0.6.
const MAX_HARMONIC_FLATNESS: f32 = 0.4;
/// Half-width in bins of the envelope smoother (about two harmonics of a low voice).
const ENVELOPE_HALF: usize = 8;

#[derive(Debug, Clone, Copy)]
pub struct FrameInfo {
    pub energy_db: f32,
    /// Clearly above the noise floor: voice, or a voiceless consonant such as /s/ or /t/.
    pub loud: bool,
    /// Voiced speech.
    pub speech: bool,
}

pub struct Vad {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    floor_db: f32,
}

impl Default for Vad {
    fn default() -> Self {
        Vad::new()
    }
}

impl Vad {
    pub fn new() -> Vad {
        let window = (0..FRAME)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / FRAME as f32).cos())
            .collect();
        Vad {
            fft: RealFftPlanner::new().plan_fft_forward(FFT),
            window,
            floor_db: -70.0,
        }
    }

    pub fn classify(&mut self, frame: &[f32]) -> FrameInfo {
        let power = frame.iter().map(|x| x * x).sum::<f32>() / frame.len().max(1) as f32;
        let energy_db = 10.0 * (power + 1e-10).log10();
        // The floor follows quiet frames at once and loud ones only slowly.
        if energy_db < self.floor_db {
            self.floor_db = energy_db;
        } else {
            self.floor_db += 0.002 * (energy_db - self.floor_db);
        }
        let loud = energy_db > MIN_SPEECH_DB.max(self.floor_db + ABOVE_FLOOR_DB);
        let speech = loud && {
            let (flat, harmonic) = self.flatness(frame);
            flat < MAX_FLATNESS && harmonic < MAX_HARMONIC_FLATNESS
        };
        FrameInfo {
            energy_db,
            loud,
            speech,
        }
    }

    /// Spectral flatness (geometric over arithmetic mean of the power spectrum) in the
    /// speech band, plain and relative to the smoothed spectral envelope.
    fn flatness(&self, frame: &[f32]) -> (f32, f32) {
        let mut input = vec![0.0f32; FFT];
        for (i, (x, w)) in frame.iter().zip(&self.window).enumerate() {
            input[i] = x * w;
        }
        let mut spectrum = self.fft.make_output_vec();
        if self.fft.process(&mut input, &mut spectrum).is_err() {
            return (1.0, 1.0);
        }
        let band: Vec<f32> = spectrum[BAND.0..BAND.1]
            .iter()
            .map(|c| c.norm_sqr() + 1e-12)
            .collect();
        let relative: Vec<f32> = (0..band.len())
            .map(|i| {
                let lo = i.saturating_sub(ENVELOPE_HALF);
                let hi = (i + ENVELOPE_HALF + 1).min(band.len());
                band[i] * (hi - lo) as f32 / band[lo..hi].iter().sum::<f32>()
            })
            .collect();
        (flatness_of(&band), flatness_of(&relative))
    }
}

fn flatness_of(values: &[f32]) -> f32 {
    let log_mean = values.iter().map(|p| p.ln()).sum::<f32>() / values.len() as f32;
    let mean = values.iter().sum::<f32>() / values.len() as f32;
    log_mean.exp() / mean
}

/// Deterministic white noise (xorshift), peak `amplitude / 2`, for tests.
#[cfg(test)]
pub(crate) fn white_noise(samples: usize, amplitude: f32) -> Vec<f32> {
    let mut s = 0x2545_f491_u32;
    (0..samples)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32 - 0.5) * amplitude
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames_speech(samples: &[f32]) -> usize {
        let mut vad = Vad::new();
        samples
            .chunks_exact(FRAME)
            .filter(|f| vad.classify(f).speech)
            .count()
    }

    #[test]
    fn silence_and_white_noise_are_not_speech() {
        assert_eq!(frames_speech(&vec![0.0; SECOND]), 0);
        // about -15 dBFS
        let noise = white_noise(32_000, 0.6);
        assert!(frames_speech(&noise) < 5, "{}", frames_speech(&noise));
    }

    #[test]
    fn a_voiced_harmonic_sound_is_speech() {
        // 150 Hz fundamental with harmonics, like a vowel.
        let vowel: Vec<f32> = (0..SECOND)
            .map(|i| {
                let t = i as f32 / SECOND as f32;
                (1..20)
                    .map(|h| (2.0 * std::f32::consts::PI * 150.0 * h as f32 * t).sin() / h as f32)
                    .sum::<f32>()
                    * 0.1
            })
            .collect();
        assert!(frames_speech(&vowel) > 40);
    }
}
