//! Voice statistics and the embedding made from them. A stretch of speech is summarised by
//! the mean and spread of its MFCCs (the vocal tract) and of its log pitch (the voice's
//! height and melody). The sums are additive, so a cluster's or a profile's statistics are
//! the sums of its parts; the embedding compares them on the scale of the meeting at hand.
use crate::features::{Frame, CEPS};
use serde::{Deserialize, Serialize};

/// Additive sufficient statistics of some speech frames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceStats {
    /// Speech frames counted.
    pub frames: u32,
    pub sum: Vec<f64>,
    pub sum_sq: Vec<f64>,
    /// Voiced frames (with a pitch) among them.
    pub voiced: u32,
    pub pitch_sum: f64,
    pub pitch_sum_sq: f64,
}

impl Default for VoiceStats {
    fn default() -> Self {
        VoiceStats {
            frames: 0,
            sum: vec![0.0; CEPS],
            sum_sq: vec![0.0; CEPS],
            voiced: 0,
            pitch_sum: 0.0,
            pitch_sum_sq: 0.0,
        }
    }
}

impl VoiceStats {
    pub fn add_frame(&mut self, frame: &Frame) {
        self.frames += 1;
        for ((s, q), c) in self.sum.iter_mut().zip(&mut self.sum_sq).zip(&frame.mfcc) {
            let c = f64::from(*c);
            *s += c;
            *q += c * c;
        }
        if frame.f0 > 0.0 {
            let p = f64::from(frame.f0).ln();
            self.voiced += 1;
            self.pitch_sum += p;
            self.pitch_sum_sq += p * p;
        }
    }

    pub fn of_frames<'a>(frames: impl IntoIterator<Item = &'a Frame>) -> VoiceStats {
        let mut stats = VoiceStats::default();
        for frame in frames {
            stats.add_frame(frame);
        }
        stats
    }

    pub fn add(&mut self, other: &VoiceStats) {
        self.frames += other.frames;
        self.voiced += other.voiced;
        for (a, b) in self.sum.iter_mut().zip(&other.sum) {
            *a += b;
        }
        for (a, b) in self.sum_sq.iter_mut().zip(&other.sum_sq) {
            *a += b;
        }
        self.pitch_sum += other.pitch_sum;
        self.pitch_sum_sq += other.pitch_sum_sq;
    }

    /// Seconds of speech these statistics summarise.
    pub fn seconds(&self) -> f64 {
        f64::from(self.frames) / crate::features::FRAME_RATE
    }

    fn mean(&self, k: usize) -> f64 {
        self.sum[k] / f64::from(self.frames.max(1))
    }

    fn std(&self, k: usize) -> f64 {
        let m = self.mean(k);
        (self.sum_sq[k] / f64::from(self.frames.max(1)) - m * m)
            .max(1e-6)
            .sqrt()
    }

    fn pitch_mean(&self) -> Option<f64> {
        (self.voiced > 0).then(|| self.pitch_sum / f64::from(self.voiced))
    }

    fn pitch_std(&self) -> Option<f64> {
        let m = self.pitch_mean()?;
        Some(
            (self.pitch_sum_sq / f64::from(self.voiced) - m * m)
                .max(1e-6)
                .sqrt(),
        )
    }

    /// True when the shape of the statistics is what this crate writes (a stored profile
    /// from another version, or damaged, is refused rather than misread).
    pub fn is_well_formed(&self) -> bool {
        self.sum.len() == CEPS
            && self.sum_sq.len() == CEPS
            && self.voiced <= self.frames
            && self.sum.iter().chain(&self.sum_sq).all(|v| v.is_finite())
            && self.pitch_sum.is_finite()
            && self.pitch_sum_sq.is_finite()
    }
}

/// How much each part of the embedding counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub mfcc_mean: f64,
    pub mfcc_spread: f64,
    pub pitch: f64,
    pub pitch_spread: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            mfcc_mean: 1.0,
            mfcc_spread: 0.5,
            pitch: 2.0,
            pitch_spread: 0.5,
        }
    }
}

/// The scale of one meeting: the pooled mean and spread of all its speech, so that
/// embeddings are comparable whatever the microphone and room did to the absolute values.
#[derive(Debug, Clone)]
pub struct Scale {
    pooled: VoiceStats,
    weights: Weights,
}

impl Scale {
    pub fn new(pooled: VoiceStats, weights: Weights) -> Scale {
        Scale { pooled, weights }
    }

    /// The embedding of `stats` on this scale: each dimension in units of the meeting's
    /// frame-to-frame spread, weighted.
    pub fn embed(&self, stats: &VoiceStats) -> Embedding {
        let w = self.weights;
        let p = &self.pooled;
        let mut v = Vec::with_capacity(2 * CEPS + 2);
        for k in 0..CEPS {
            v.push(w.mfcc_mean * (stats.mean(k) - p.mean(k)) / p.std(k));
        }
        for k in 0..CEPS {
            v.push(w.mfcc_spread * (stats.std(k) / p.std(k)).ln());
        }
        match (
            stats.pitch_mean(),
            stats.pitch_std(),
            p.pitch_mean(),
            p.pitch_std(),
        ) {
            (Some(m), Some(s), Some(pm), Some(ps)) => {
                v.push(w.pitch * (m - pm) / ps);
                v.push(w.pitch_spread * (s / ps).ln());
            }
            _ => v.extend([0.0, 0.0]),
        }
        Embedding(v)
    }
}

/// A point in voice space; near points are alike voices.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding(pub Vec<f64>);

impl Embedding {
    pub fn distance(&self, other: &Embedding) -> f64 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{frames_of, tests::vowel};

    fn stats(f0: f32, formants: (f32, f32), seconds: f32) -> VoiceStats {
        VoiceStats::of_frames(&frames_of(&vowel(f0, formants, seconds)))
    }

    #[test]
    fn sums_add_up_like_one_pass_over_all_frames() {
        let frames = frames_of(&vowel(130.0, (600.0, 1_500.0), 1.0));
        let mut parts = VoiceStats::of_frames(&frames[..40]);
        parts.add(&VoiceStats::of_frames(&frames[40..]));
        let whole = VoiceStats::of_frames(&frames);
        assert_eq!(parts.frames, whole.frames);
        assert_eq!(parts.voiced, whole.voiced);
        for (a, b) in parts.sum.iter().zip(&whole.sum) {
            assert!((a - b).abs() < 1e-6 * (1.0 + b.abs()));
        }
        assert!((whole.seconds() - 1.0).abs() < 0.02);
        assert!(whole.is_well_formed());
    }

    #[test]
    fn the_same_voice_embeds_near_itself_and_far_from_another() {
        let a1 = stats(110.0, (650.0, 1_100.0), 1.0);
        let a2 = stats(112.0, (660.0, 1_120.0), 1.5);
        let b = stats(220.0, (800.0, 1_900.0), 1.0);
        let mut pooled = a1.clone();
        pooled.add(&a2);
        pooled.add(&b);
        let scale = Scale::new(pooled, Weights::default());
        let (e1, e2, eb) = (scale.embed(&a1), scale.embed(&a2), scale.embed(&b));
        let (same, other) = (e1.distance(&e2), e1.distance(&eb));
        assert!(other > 3.0 * same, "same {same} other {other}");
        assert!((e1.distance(&eb) - eb.distance(&e1)).abs() < 1e-12);
    }

    #[test]
    fn pitch_alone_tells_two_voices_with_the_same_vocal_tract_apart() {
        let low = stats(100.0, (700.0, 1_200.0), 1.0);
        let high = stats(190.0, (700.0, 1_200.0), 1.0);
        let mut pooled = low.clone();
        pooled.add(&high);
        let only_pitch = Weights {
            mfcc_mean: 0.0,
            mfcc_spread: 0.0,
            pitch: 1.0,
            pitch_spread: 0.0,
        };
        let scale = Scale::new(pooled, only_pitch);
        assert!(scale.embed(&low).distance(&scale.embed(&high)) > 1.5);
    }
}
