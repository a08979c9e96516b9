//! How much memory the phone has decides the recogniser's setting: where the BankID app and
//! the camera must fit beside Samtal, it runs one lane (one whisper state) of one thread
//! (README, Performance: the low-memory setting).

/// Devices reporting less RAM than this run the low-memory setting: phones sold with 3 GB
/// or less (the kernel reports a few hundred MB below the nominal size).
pub const LOW_MEMORY_BELOW_MB: u64 = 3_500;

/// Total RAM in MB as the system reports it (Linux and Android: `MemTotal` in
/// /proc/meminfo); `None` where it cannot be read.
pub fn device_memory_mb() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    mem_total_mb(&info)
}

fn mem_total_mb(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Whether this device should run the low-memory setting (unknown memory: no).
pub fn low_memory_device() -> bool {
    device_memory_mb().is_some_and(|mb| mb < LOW_MEMORY_BELOW_MB)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_total_memory_from_meminfo() {
        let three_gb_phone = "MemTotal:        2846720 kB\nMemFree:          112344 kB\n";
        assert_eq!(mem_total_mb(three_gb_phone), Some(2780));
        assert!(mem_total_mb(three_gb_phone).unwrap() < LOW_MEMORY_BELOW_MB);
        let four_gb_phone = "MemTotal:        3735552 kB\n";
        assert!(mem_total_mb(four_gb_phone).unwrap() >= LOW_MEMORY_BELOW_MB);
        assert_eq!(mem_total_mb("MemFree: 1 kB\n"), None);
    }
}
