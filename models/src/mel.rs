//! The 80-band mel filterbank Whisper was trained with (librosa's Slaney-style mel scale and
//! area normalisation, 16 kHz, n_fft 400). whisper.cpp reads it from the model file.

const SAMPLE_RATE: f64 = samtal_audio::SAMPLE_RATE as f64;
pub const N_FFT: usize = 400;
pub const N_BINS: usize = N_FFT / 2 + 1;

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(f: f64) -> f64 {
    if f >= MIN_LOG_HZ {
        MIN_LOG_MEL + (f / MIN_LOG_HZ).ln() / log_step()
    } else {
        f / F_SP
    }
}

fn mel_to_hz(m: f64) -> f64 {
    if m >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (m - MIN_LOG_MEL)).exp()
    } else {
        F_SP * m
    }
}

/// Row-major `n_mels × 201` filter weights.
pub fn filterbank(n_mels: usize) -> Vec<f32> {
    let top = hz_to_mel(SAMPLE_RATE / 2.0);
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(top * i as f64 / (n_mels + 1) as f64))
        .collect();
    let fft_freqs: Vec<f64> = (0..N_BINS)
        .map(|i| SAMPLE_RATE / 2.0 * i as f64 / (N_BINS - 1) as f64)
        .collect();
    let mut weights = Vec::with_capacity(n_mels * N_BINS);
    for i in 0..n_mels {
        let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
        let lower_width = mel_f[i + 1] - mel_f[i];
        let upper_width = mel_f[i + 2] - mel_f[i + 1];
        for &f in &fft_freqs {
            let lower = (f - mel_f[i]) / lower_width;
            let upper = (mel_f[i + 2] - f) / upper_width;
            weights.push((lower.min(upper).max(0.0) * enorm) as f32);
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filterbank_matches_librosa_reference_values() {
        let w = filterbank(80);
        assert_eq!(w.len(), 80 * N_BINS);
        // librosa.filters.mel(sr=SAMPLE_RATE, n_fft=400, n_mels=80): filter 0 peaks at bin 1.
        assert!((w[1] - 0.024_862_1).abs() < 1e-5, "{}", w[1]);
        assert_eq!(w[0], 0.0);
        // Every filter has some weight and none is negative.
        for row in w.chunks(N_BINS) {
            assert!(row.iter().any(|&x| x > 0.0));
            assert!(row.iter().all(|&x| x >= 0.0));
        }
    }
}
