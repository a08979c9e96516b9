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

/// The scale of one meeting. Dimensions are centred on the meeting's pooled speech,
/// divided by how much they vary within one voice, and weighted by how much more they vary
/// between the meeting's pieces than within one voice. Within-voice spread is measured
/// from the two halves of the meeting's own longer pieces (each almost surely one
/// speaker). So what counts is the dimensions in which this meeting's voices differ (pitch
/// in one meeting, the vocal tract in another) compared with how much one voice wanders
/// with what it says, whatever the microphone and room; no weights are learned anywhere.
#[derive(Debug, Clone)]
pub struct Scale {
    pooled: VoiceStats,
    /// Within-voice standard deviation of each dimension for one second of speech.
    noise: Vec<f64>,
    /// Weight of each dimension: the between-voice over the within-voice spread.
    gain: Vec<f64>,
}

/// Least within-voice spread of a dimension for one second of speech, in units of the
/// meeting's frame-to-frame spread: no voice says two seconds exactly alike, and a spread
/// measured as nearly zero (a held tone) would make any small difference decisive.
const MIN_NOISE: f64 = 0.05;

/// Frames in the reference duration of [`Scale`]'s noise (1 s).
const REFERENCE_FRAMES: f64 = 100.0;

impl Scale {
    /// `halves`: statistics of the first and second half of pieces of one voice each;
    /// `pieces`: the statistics of the meeting's pieces.
    pub fn new(
        pooled: VoiceStats,
        halves: &[(VoiceStats, VoiceStats)],
        pieces: &[VoiceStats],
    ) -> Scale {
        let mut scale = Scale {
            pooled,
            noise: Vec::new(),
            gain: Vec::new(),
        };
        let dims = scale.raw(&scale.pooled).len();
        scale.noise = vec![1.0; dims];
        scale.gain = vec![1.0; dims];
        if !halves.is_empty() {
            let mut variance = vec![0.0; dims];
            for (a, b) in halves {
                let (ea, eb) = (scale.raw(a), scale.raw(b));
                let frames = f64::from(a.frames.min(b.frames));
                for (v, (x, y)) in variance.iter_mut().zip(ea.iter().zip(&eb)) {
                    *v += (x - y).powi(2) / 2.0 * frames / REFERENCE_FRAMES;
                }
            }
            let n = halves.len() as f64;
            let mean_variance = variance.iter().sum::<f64>() / (n * dims as f64);
            // Shrunk towards the average, so that a dimension that barely moved in a few
            // pieces does not dominate.
            scale.noise = variance
                .iter()
                .map(|v| (v / n + 0.1 * mean_variance).sqrt().max(MIN_NOISE))
                .collect();
        }
        let long: Vec<&VoiceStats> = pieces
            .iter()
            .filter(|p| f64::from(p.frames) >= REFERENCE_FRAMES)
            .collect();
        if long.len() >= 2 {
            let frames: f64 = long.iter().map(|p| f64::from(p.frames)).sum();
            let embedded: Vec<(f64, Vec<f64>)> = long
                .iter()
                .map(|p| (f64::from(p.frames), scale.embed(p).0))
                .collect();
            // Each piece's own noise, in within-voice units: 1 per second of speech.
            let within = REFERENCE_FRAMES * long.len() as f64 / frames;
            let between: Vec<f64> = (0..dims)
                .map(|k| {
                    let mean = embedded.iter().map(|(w, e)| w * e[k]).sum::<f64>() / frames;
                    let var = embedded
                        .iter()
                        .map(|(w, e)| w * (e[k] - mean).powi(2))
                        .sum::<f64>()
                        / frames;
                    (var - within).max(0.0)
                })
                .collect();
            let mean_between = between.iter().sum::<f64>() / dims as f64;
            scale.gain = between
                .iter()
                .map(|b| (b + 0.2 * mean_between).max(1e-9).sqrt())
                .collect();
        }
        scale
    }

    /// The dimensions before scaling: MFCC means in units of the meeting's frame-to-frame
    /// spread, log spreads, log pitch mean and spread.
    fn raw(&self, stats: &VoiceStats) -> Vec<f64> {
        let p = &self.pooled;
        let mut v = Vec::with_capacity(2 * CEPS + 2);
        for k in 0..CEPS {
            v.push((stats.mean(k) - p.mean(k)) / p.std(k));
        }
        for k in 0..CEPS {
            v.push((stats.std(k) / p.std(k)).ln());
        }
        match (
            stats.pitch_mean(),
            stats.pitch_std(),
            p.pitch_mean(),
            p.pitch_std(),
        ) {
            (Some(m), Some(s), Some(pm), Some(ps)) => {
                v.push((m - pm) / ps);
                v.push((s / ps).ln());
            }
            _ => v.extend([0.0, 0.0]),
        }
        v
    }

    /// The embedding of `stats` on this scale.
    pub fn embed(&self, stats: &VoiceStats) -> Embedding {
        Embedding(
            self.raw(stats)
                .iter()
                .zip(self.noise.iter().zip(&self.gain))
                .map(|(x, (noise, gain))| x / noise * gain)
                .collect(),
        )
    }

    /// The cost (a negative log-likelihood up to a constant) of `stats` being spoken by the
    /// voice at `centroid`: its distance squared over what one voice's own wandering gives
    /// for that much speech; about half the number of dimensions for its own voice.
    pub fn cost(&self, stats: &VoiceStats, centroid: &Embedding) -> f64 {
        let d2 = self.embed(stats).distance(centroid).powi(2);
        let weight: f64 = self.gain.iter().map(|g| g * g).sum();
        let frames = f64::from(stats.frames.max(1));
        0.5 * self.gain.len() as f64 * d2 * frames / (REFERENCE_FRAMES * weight.max(1e-12))
    }

    /// How far apart two sets of statistics are compared with two stretches of one voice
    /// of the same lengths: about 1 for one voice, more for two. Durations count up to
    /// `cap` frames, so a long voice does not become so precise that any drift splits it.
    pub fn separation(&self, a: &VoiceStats, b: &VoiceStats, cap: u32) -> f64 {
        let d = self.embed(a).distance(&self.embed(b));
        let n = |s: &VoiceStats| f64::from(s.frames.clamp(1, cap));
        let weight: f64 = self.gain.iter().map(|g| g * g).sum();
        let noise = ((REFERENCE_FRAMES / n(a) + REFERENCE_FRAMES / n(b)) * weight).sqrt();
        d / noise.max(1e-12)
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
        let scale = Scale::new(pooled, &[], &[]);
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
        let scale = Scale::new(pooled, &[], &[]);
        assert!(scale.embed(&low).distance(&scale.embed(&high)) > 1.5);
    }
}
