//! Per-frame features of 16 kHz mono audio, every 10 ms: MFCCs (the spectral envelope, which
//! carries the shape of a speaker's vocal tract), loudness and pitch. Computed as audio
//! arrives, so the recorder can drop each audio chunk once it has passed through here.
use crate::pitch::PitchTracker;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// Sample rate of the audio this crate takes: the product's one rate.
pub const SAMPLE_RATE: usize = samtal_audio::SAMPLE_RATE as usize;
/// Samples between frames (10 ms).
pub const HOP: usize = 160;
/// Frames per second.
pub const FRAME_RATE: f64 = (SAMPLE_RATE / HOP) as f64;
/// MFCC window: 25 ms.
const WIN: usize = 400;
const FFT: usize = 512;
const MELS: usize = 40;
/// Cepstral coefficients kept: c1..c20. c0 (overall level) is left out: it says more about
/// the distance to the phone than about the voice.
pub const CEPS: usize = 20;
const MEL_LOW_HZ: f32 = 60.0;
const MEL_HIGH_HZ: f32 = 7_600.0;

/// Features of one 10 ms frame. Frame `i` starts at `i * HOP` samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub mfcc: [f32; CEPS],
    /// Level of the frame in dBFS.
    pub energy_db: f32,
    /// Fundamental frequency in Hz of a voiced frame; 0 when unvoiced or silent.
    pub f0: f32,
}

/// Streaming extractor: push audio of any length, get the frames that are complete.
pub struct FeatureExtractor {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    /// `MELS` triangular filters as (first bin, weights).
    filters: Vec<(usize, Vec<f32>)>,
    /// DCT-II rows for c1..c20.
    dct: Vec<[f32; MELS]>,
    pitch: PitchTracker,
    /// Samples not yet consumed; starts at the next frame's first sample.
    pending: Vec<f32>,
    scratch_in: Vec<f32>,
    scratch_out: Vec<realfft::num_complex::Complex<f32>>,
}

impl Default for FeatureExtractor {
    fn default() -> Self {
        FeatureExtractor::new()
    }
}

fn hz_to_mel(hz: f32) -> f32 {
    2595.0 * (1.0 + hz / 700.0).log10()
}

fn mel_to_hz(mel: f32) -> f32 {
    700.0 * (10f32.powf(mel / 2595.0) - 1.0)
}

impl FeatureExtractor {
    pub fn new() -> FeatureExtractor {
        let fft = RealFftPlanner::new().plan_fft_forward(FFT);
        let window = (0..WIN)
            .map(|i| 0.54 - 0.46 * (2.0 * std::f32::consts::PI * i as f32 / (WIN - 1) as f32).cos())
            .collect();
        let (lo, hi) = (hz_to_mel(MEL_LOW_HZ), hz_to_mel(MEL_HIGH_HZ));
        let edges: Vec<f32> = (0..MELS + 2)
            .map(|i| {
                mel_to_hz(lo + (hi - lo) * i as f32 / (MELS + 1) as f32) * FFT as f32
                    / SAMPLE_RATE as f32
            })
            .collect();
        let filters = (0..MELS)
            .map(|m| {
                let (left, centre, right) = (edges[m], edges[m + 1], edges[m + 2]);
                let first = left.ceil() as usize;
                let weights = (first..=right.floor() as usize)
                    .map(|bin| {
                        let b = bin as f32;
                        if b <= centre {
                            (b - left) / (centre - left)
                        } else {
                            (right - b) / (right - centre)
                        }
                    })
                    .collect();
                (first, weights)
            })
            .collect();
        let scale = (2.0 / MELS as f32).sqrt();
        let dct = (1..=CEPS)
            .map(|k| {
                let mut row = [0.0; MELS];
                for (n, v) in row.iter_mut().enumerate() {
                    *v = scale
                        * (std::f32::consts::PI * k as f32 * (n as f32 + 0.5) / MELS as f32).cos();
                }
                row
            })
            .collect();
        let scratch_in = fft.make_input_vec();
        let scratch_out = fft.make_output_vec();
        FeatureExtractor {
            fft,
            window,
            filters,
            dct,
            pitch: PitchTracker::new(),
            pending: Vec::new(),
            scratch_in,
            scratch_out,
        }
    }

    /// Samples a frame needs from its first sample on (the pitch window is the longest).
    fn span() -> usize {
        WIN.max(crate::pitch::WINDOW)
    }

    /// Adds 16 kHz mono samples and appends every frame that is now complete to `out`.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<Frame>) {
        self.pending.extend_from_slice(samples);
        let mut start = 0;
        while start + Self::span() <= self.pending.len() {
            let frame = self.frame(start);
            out.push(frame);
            start += HOP;
        }
        self.pending.drain(..start);
    }

    /// Ends the audio: the last partial frames are computed over zero padding.
    pub fn finish(&mut self, out: &mut Vec<Frame>) {
        let whole = self.pending.len().div_ceil(HOP);
        self.pending.resize(whole * HOP + Self::span(), 0.0);
        for i in 0..whole {
            let frame = self.frame(i * HOP);
            out.push(frame);
        }
        self.pending.clear();
    }

    fn frame(&mut self, start: usize) -> Frame {
        let samples = &self.pending[start..start + WIN];
        let power = samples.iter().map(|x| x * x).sum::<f32>() / WIN as f32;
        let energy_db = 10.0 * (power + 1e-10).log10();
        self.scratch_in.fill(0.0);
        for ((dst, x), w) in self.scratch_in.iter_mut().zip(samples).zip(&self.window) {
            *dst = x * w;
        }
        let mut mfcc = [0.0; CEPS];
        if self
            .fft
            .process(&mut self.scratch_in, &mut self.scratch_out)
            .is_ok()
        {
            let mut log_mel = [0.0f32; MELS];
            for (value, (first, weights)) in log_mel.iter_mut().zip(&self.filters) {
                let energy: f32 = weights
                    .iter()
                    .zip(&self.scratch_out[*first..])
                    .map(|(w, c)| w * c.norm_sqr())
                    .sum();
                *value = (energy + 1e-8).ln();
            }
            for (c, row) in mfcc.iter_mut().zip(&self.dct) {
                *c = row.iter().zip(&log_mel).map(|(a, b)| a * b).sum();
            }
        }
        let f0 = self
            .pitch
            .estimate(&self.pending[start..start + crate::pitch::WINDOW]);
        Frame {
            mfcc,
            energy_db,
            f0,
        }
    }
}

/// All frames of a whole recording.
pub fn frames_of(samples: &[f32]) -> Vec<Frame> {
    let mut extractor = FeatureExtractor::new();
    let mut frames = Vec::with_capacity(samples.len() / HOP + 1);
    extractor.push(samples, &mut frames);
    extractor.finish(&mut frames);
    frames
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A vowel-like sound: harmonics of `f0` shaped by two formants.
    pub fn vowel(f0: f32, formants: (f32, f32), seconds: f32) -> Vec<f32> {
        let n = (seconds * SAMPLE_RATE as f32) as usize;
        let harmonics: Vec<(f32, f32)> = (1..)
            .map(|h| h as f32 * f0)
            .take_while(|f| *f < 7_000.0)
            .map(|f| {
                let gain = |centre: f32| 1.0 / (1.0 + ((f - centre) / 150.0).powi(2));
                (f, gain(formants.0) + 0.5 * gain(formants.1) + 0.02)
            })
            .collect();
        (0..n)
            .map(|i| {
                let t = i as f32 / SAMPLE_RATE as f32;
                harmonics
                    .iter()
                    .map(|(f, g)| g * (2.0 * std::f32::consts::PI * f * t).sin())
                    .sum::<f32>()
                    * 0.05
            })
            .collect()
    }

    /// A "voice" (pitch, two formants) speaking: vowels that move a little every 0.4 s.
    pub fn speak(voice: (f32, f32, f32), seconds: f32) -> Vec<f32> {
        let mut audio = Vec::new();
        let mut k = 0;
        while (audio.len() as f32) < seconds * SAMPLE_RATE as f32 {
            let wobble = [1.0, 1.08, 0.93, 1.04][k % 4];
            audio.extend(vowel(voice.0 * wobble, (voice.1 * wobble, voice.2), 0.4));
            k += 1;
        }
        audio
    }

    #[test]
    fn one_frame_per_10_ms_whatever_the_push_sizes() {
        let audio = vowel(140.0, (700.0, 1_200.0), 1.0);
        let whole = frames_of(&audio);
        assert_eq!(whole.len(), 100);
        let mut extractor = FeatureExtractor::new();
        let mut pieces = Vec::new();
        for chunk in audio.chunks(333) {
            extractor.push(chunk, &mut pieces);
        }
        extractor.finish(&mut pieces);
        assert_eq!(pieces, whole);
    }

    #[test]
    fn different_vocal_tracts_give_different_mfccs_and_silence_is_quiet() {
        let mean = |frames: &[Frame]| {
            let mut m = [0.0f32; CEPS];
            for f in frames {
                for (a, b) in m.iter_mut().zip(&f.mfcc) {
                    *a += b / frames.len() as f32;
                }
            }
            m
        };
        let dist = |a: &[f32; CEPS], b: &[f32; CEPS]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).powi(2))
                .sum::<f32>()
                .sqrt()
        };
        let a1 = frames_of(&vowel(120.0, (700.0, 1_100.0), 1.0));
        let a2 = frames_of(&vowel(125.0, (700.0, 1_100.0), 1.0));
        let b = frames_of(&vowel(120.0, (400.0, 2_300.0), 1.0));
        let (same, other) = (dist(&mean(&a1), &mean(&a2)), dist(&mean(&a1), &mean(&b)));
        assert!(other > 4.0 * same, "same {same} other {other}");
        let silence = frames_of(&vec![0.0; 8_000]);
        assert!(silence.iter().all(|f| f.energy_db < -90.0 && f.f0 == 0.0));
        assert!(a1[10].energy_db > -40.0);
    }
}
