//! Swedish personal identity numbers as BankID accepts them: 12 digits
//! (`YYYYMMDDNNNC`) with a valid Luhn check digit.

/// Normalises `YYYYMMDD-NNNC`, `YYYYMMDDNNNC` (and `+` as separator) to 12 digits,
/// or `None` when the value is not a valid personal number.
pub fn normalize(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | '+' | ' '))
        .collect();
    (digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()) && is_valid(&digits))
        .then_some(digits)
}

/// Whether 12 digits form a valid personal number (plausible date, Luhn check digit).
pub fn is_valid(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap_or(0);
    let month = num(4..6);
    // Day 61–91 is a coordination number (samordningsnummer): day + 60.
    let day = num(6..8);
    let day = if day > 60 { day - 60 } else { day };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    luhn(&b[2..11]) == b[11] - b'0'
}

/// The Luhn check digit over the 9 digits YYMMDDNNN.
fn luhn(nine: &[u8]) -> u8 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0') * if i % 2 == 0 { 2 } else { 1 };
            v / 10 + v % 10
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_numbers_validate() {
        assert_eq!(normalize("19121212-1212").as_deref(), Some("191212121212"));
        assert_eq!(normalize("198112289874").as_deref(), Some("198112289874"));
        assert_eq!(normalize("191212121213"), None);
        assert_eq!(normalize("1912121212"), None);
        assert_eq!(normalize("19121312-1212"), None);
        assert!(!is_valid("abcdefghijkl"));
    }
}
