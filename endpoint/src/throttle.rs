//! Per-address throttling of failed enrollment codes: after too many wrong codes from one
//! address (an IPv6 /64, as one host usually holds the whole prefix) in a window, every
//! enrollment from it gets `429 Too Many Requests` with `Retry-After` until the window ends.
//! Kept in memory per instance; behind a load balancer each instance throttles by the
//! address it sees.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Addresses remembered at most; past it the oldest window is forgotten first.
const MAX_TRACKED: usize = 16_384;

pub struct FailureThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl FailureThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` while `addr` has used up its failures in the current window.
    pub fn check(&self, addr: IpAddr) -> Result<(), u64> {
        let key = key(addr);
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(&key) {
            Some((count, start)) if *count >= self.max_failures => {
                let left = self.window.saturating_sub(start.elapsed());
                if left.is_zero() {
                    Ok(())
                } else {
                    Err(left.as_secs().max(1))
                }
            }
            _ => Ok(()),
        }
    }

    /// Count a failed attempt from `addr`.
    pub fn failed(&self, addr: IpAddr) {
        let key = key(addr);
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_TRACKED && !failures.contains_key(&key) {
            let window = self.window;
            failures.retain(|_, (_, start)| start.elapsed() < window);
            if failures.len() >= MAX_TRACKED {
                if let Some(oldest) = failures
                    .iter()
                    .min_by_key(|(_, (_, s))| *s)
                    .map(|(k, _)| *k)
                {
                    failures.remove(&oldest);
                }
            }
        }
        let entry = failures.entry(key).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }
}

/// IPv4 addresses as they are; IPv6 by /64 (IPv4-mapped ones as IPv4).
fn key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_throttled_after_its_failures_and_others_are_not() {
        let throttle = FailureThrottle::new(3, Duration::from_millis(300));
        let a: IpAddr = "192.0.2.7".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b_neighbour: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(throttle.check(a), Ok(()));
            throttle.failed(a);
        }
        assert_eq!(throttle.check(a), Err(1));
        assert_eq!(throttle.check(b), Ok(()));
        for _ in 0..3 {
            throttle.failed(b);
        }
        assert!(throttle.check(b_neighbour).is_err(), "the same /64");
        std::thread::sleep(Duration::from_millis(350));
        assert_eq!(throttle.check(a), Ok(()));
        throttle.failed(a);
        assert_eq!(throttle.check(a), Ok(()), "a new window");
    }
}
