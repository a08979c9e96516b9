//! Cutting speech into pieces that each hold one voice: at pauses, and inside continuous
//! speech wherever the two sides of a point are better explained by two voices than by
//! one (the Bayesian information criterion, ΔBIC, between adjacent windows). A change of
//! speaker without any pause, as when one speaker cuts in, is found the second way.
use crate::features::{Frame, CEPS, FRAME_RATE};
use std::ops::Range;

/// How speech is told from silence and cut into pieces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PieceConfig {
    /// Speech must be this far above the recording's noise floor (dB)…
    pub above_floor_db: f32,
    /// …and above this absolute level (dBFS).
    pub min_speech_db: f32,
    /// Silences shorter than this (s) do not end a piece (stops, breaths).
    pub min_pause: f64,
    /// Half-width (s) of the windows compared on either side of a possible change.
    pub change_window: f64,
    /// Shortest piece (s) that a change point may leave on either side.
    pub min_piece: f64,
    /// Penalty factor of ΔBIC; higher finds fewer changes.
    pub bic_penalty: f64,
}

impl Default for PieceConfig {
    fn default() -> Self {
        PieceConfig {
            above_floor_db: 15.0,
            min_speech_db: -50.0,
            min_pause: 0.25,
            change_window: 1.5,
            min_piece: 0.8,
            bic_penalty: 5.0,
        }
    }
}

/// Which frames are speech: loud enough above the recording's own noise floor.
pub fn speech_mask(frames: &[Frame], config: &PieceConfig) -> Vec<bool> {
    if frames.is_empty() {
        return Vec::new();
    }
    let mut levels: Vec<f32> = frames.iter().map(|f| f.energy_db).collect();
    let mut at = |fraction: f64| {
        let i = ((levels.len() - 1) as f64 * fraction) as usize;
        *levels.select_nth_unstable_by(i, f32::total_cmp).1
    };
    // The noise floor is where the quietest 5 % of frames stay; in a recording with no
    // pause at all that is speech, so the threshold is never far under the loud frames.
    let floor = at(0.05);
    let loud = at(0.95);
    let threshold = (floor + config.above_floor_db)
        .min(loud - 2.0 * config.above_floor_db)
        .max(config.min_speech_db);
    frames.iter().map(|f| f.energy_db > threshold).collect()
}

/// Runs of speech frames, silences shorter than `min_pause` bridged, blips under 0.1 s dropped.
pub fn speech_runs(mask: &[bool], config: &PieceConfig) -> Vec<Range<usize>> {
    let bridge = (config.min_pause * FRAME_RATE) as usize;
    let min_len = (0.1 * FRAME_RATE) as usize;
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < mask.len() {
        if !mask[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < mask.len() && mask[i] {
            i += 1;
        }
        match runs.last_mut() {
            Some(last) if start - last.end < bridge => last.end = i,
            _ => runs.push(start..i),
        }
    }
    runs.retain(|r| r.len() >= min_len);
    runs
}

/// Floor of a coefficient's variance in ΔBIC, so that near-constant stretches (a held
/// vowel, digital silence) do not make any small change look significant.
const MIN_VARIANCE: f64 = 0.25;

/// Prefix sums of the MFCCs and their squares, for the statistics of any frame range in
/// constant time.
struct Prefix {
    sum: Vec<[f64; CEPS]>,
    sum_sq: Vec<[f64; CEPS]>,
}

impl Prefix {
    fn new(frames: &[Frame]) -> Prefix {
        let mut sum = vec![[0.0; CEPS]; frames.len() + 1];
        let mut sum_sq = vec![[0.0; CEPS]; frames.len() + 1];
        for (i, f) in frames.iter().enumerate() {
            for k in 0..CEPS {
                let c = f64::from(f.mfcc[k]);
                sum[i + 1][k] = sum[i][k] + c;
                sum_sq[i + 1][k] = sum_sq[i][k] + c * c;
            }
        }
        Prefix { sum, sum_sq }
    }

    /// n · log|Σ| of a diagonal Gaussian fitted to frames `r`.
    fn n_log_det(&self, r: &Range<usize>) -> f64 {
        let n = r.len() as f64;
        (0..CEPS)
            .map(|k| {
                let s = self.sum[r.end][k] - self.sum[r.start][k];
                let q = self.sum_sq[r.end][k] - self.sum_sq[r.start][k];
                let var = (q / n - (s / n).powi(2)).max(MIN_VARIANCE);
                var.ln()
            })
            .sum::<f64>()
            * n
    }
}

/// ΔBIC of splitting `left ∪ right` into two diagonal Gaussians: positive when two
/// voices explain the frames better than one, after the penalty for the extra parameters.
fn delta_bic(prefix: &Prefix, left: Range<usize>, right: Range<usize>, penalty: f64) -> f64 {
    let whole = left.start..right.end;
    let n = whole.len() as f64;
    let parameters = 2.0 * CEPS as f64;
    0.5 * (prefix.n_log_det(&whole) - prefix.n_log_det(&left) - prefix.n_log_det(&right))
        - penalty * 0.5 * parameters * n.ln()
}

/// Speaker changes inside one run of speech, as frame indices, in order: the strongest
/// change first, then the same search on each side of it, with windows that never reach
/// across a change already found.
fn changes_in(prefix: &Prefix, run: &Range<usize>, config: &PieceConfig) -> Vec<usize> {
    let window = (config.change_window * FRAME_RATE) as usize;
    let min_piece = ((config.min_piece * FRAME_RATE) as usize).max(1);
    let mut found = Vec::new();
    let mut todo = vec![run.clone()];
    while let Some(span) = todo.pop() {
        if span.len() < 2 * min_piece {
            continue;
        }
        let best = (span.start + min_piece..=span.end - min_piece)
            .step_by(5)
            .map(|t| {
                let left = t.saturating_sub(window).max(span.start)..t;
                let right = t..(t + window).min(span.end);
                (t, delta_bic(prefix, left, right, config.bic_penalty))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((t, _)) = best.filter(|(_, score)| *score > 0.0) {
            // Placed to the frame with wider windows, which see more of either voice.
            let wide = 2 * window;
            let t = (t.saturating_sub(window / 2).max(span.start + min_piece)
                ..=(t + window / 2).min(span.end - min_piece))
                .map(|u| {
                    let left = u.saturating_sub(wide).max(span.start)..u;
                    let right = u..(u + wide).min(span.end);
                    (u, delta_bic(prefix, left, right, config.bic_penalty))
                })
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(t, |(u, _)| u);
            found.push(t);
            todo.push(span.start..t);
            todo.push(t..span.end);
        }
    }
    found.sort_unstable();
    found
}

/// Frame ranges that each hold one voice: speech runs, cut at speaker changes.
pub fn pieces(frames: &[Frame], config: &PieceConfig) -> Vec<Range<usize>> {
    let mask = speech_mask(frames, config);
    let prefix = Prefix::new(frames);
    let mut out = Vec::new();
    for run in speech_runs(&mask, config) {
        let mut start = run.start;
        for change in changes_in(&prefix, &run, config) {
            out.push(start..change);
            start = change;
        }
        out.push(start..run.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{
        frames_of,
        tests::{speak, vowel},
    };

    fn silence(seconds: f32) -> Vec<f32> {
        vec![0.0; (seconds * crate::SAMPLE_RATE as f32) as usize]
    }

    #[test]
    fn pauses_cut_and_short_gaps_do_not() {
        let mut audio = vowel(120.0, (700.0, 1_200.0), 1.0);
        audio.extend(silence(0.1));
        audio.extend(vowel(120.0, (700.0, 1_200.0), 1.0));
        audio.extend(silence(0.6));
        audio.extend(vowel(120.0, (700.0, 1_200.0), 1.0));
        audio.extend(silence(0.5));
        let frames = frames_of(&audio);
        let config = PieceConfig::default();
        let runs = speech_runs(&speech_mask(&frames, &config), &config);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(
            (runs[1].start as f64 / FRAME_RATE - 2.7).abs() < 0.05,
            "{runs:?}"
        );
    }

    #[test]
    fn a_change_of_voice_without_a_pause_is_a_boundary() {
        let mut audio = silence(0.3);
        audio.extend(speak((110.0, 650.0, 1_100.0), 3.0));
        let truth = audio.len() as f64 / crate::SAMPLE_RATE as f64;
        audio.extend(speak((210.0, 850.0, 2_000.0), 3.0));
        audio.extend(silence(0.3));
        let frames = frames_of(&audio);
        let found = pieces(&frames, &PieceConfig::default());
        assert_eq!(found.len(), 2, "{found:?}");
        let change = found[1].start as f64 / FRAME_RATE;
        assert!(
            (change - truth).abs() < 0.05,
            "change at {truth} s found at {change} s"
        );
    }

    #[test]
    fn one_steady_voice_is_not_cut() {
        let mut audio = silence(0.3);
        audio.extend(speak((110.0, 650.0, 1_100.0), 4.0));
        audio.extend(silence(0.3));
        let found = pieces(&frames_of(&audio), &PieceConfig::default());
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
