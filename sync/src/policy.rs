//! Retry timing: exponential backoff with full jitter, so many phones coming back online at
//! once do not hit the endpoint in lockstep.

use std::time::Duration;

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::OsRng;

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(2),
            max: Duration::from_secs(15 * 60),
        }
    }
}

impl Backoff {
    /// The ceiling after `attempts` failures: base · 2^attempts, capped at `max`.
    pub fn ceiling(&self, attempts: u32) -> Duration {
        self.base
            .saturating_mul(1u32 << attempts.min(20))
            .min(self.max)
    }

    /// A random delay in [ceiling/2, ceiling].
    pub fn delay(&self, attempts: u32) -> Duration {
        let ceiling = self.ceiling(attempts).as_millis() as u64;
        let half = ceiling / 2;
        let jitter = if half == 0 {
            0
        } else {
            OsRng.next_u64() % (half + 1)
        };
        Duration::from_millis(half + jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_with_jitter_and_is_capped() {
        let b = Backoff::default();
        assert_eq!(b.ceiling(0), Duration::from_secs(2));
        assert_eq!(b.ceiling(3), Duration::from_secs(16));
        assert_eq!(b.ceiling(40), b.max);
        for attempts in 0..12 {
            let d = b.delay(attempts);
            assert!(d >= b.ceiling(attempts) / 2 && d <= b.ceiling(attempts));
        }
    }
}
