//! Animated QR codes: `bankid.{qrStartToken}.{t}.{hex(HMAC-SHA256(qrStartSecret, t))}`,
//! where `t` is the whole number of seconds since the order was started.

use std::time::Instant;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The `qrAuthCode` for second `t`.
pub fn qr_auth_code(qr_start_secret: &str, t: u64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(qr_start_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(t.to_string().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The QR payload for second `t`.
pub fn qr_data(qr_start_token: &str, qr_start_secret: &str, t: u64) -> String {
    format!(
        "bankid.{qr_start_token}.{t}.{}",
        qr_auth_code(qr_start_secret, t)
    )
}

/// Produces the current QR payload of one order; lives on the RP server with the secret.
#[derive(Clone)]
pub struct QrGenerator {
    token: String,
    secret: String,
    started: Instant,
}

impl std::fmt::Debug for QrGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrGenerator")
            .field("token", &self.token)
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

impl QrGenerator {
    /// Starts counting now; call right when the auth/sign response arrives.
    pub fn new(qr_start_token: impl Into<String>, qr_start_secret: impl Into<String>) -> Self {
        Self::started_at(qr_start_token, qr_start_secret, Instant::now())
    }

    /// Counts from `started` (when the auth/sign response arrived).
    pub fn started_at(
        qr_start_token: impl Into<String>,
        qr_start_secret: impl Into<String>,
        started: Instant,
    ) -> Self {
        Self {
            token: qr_start_token.into(),
            secret: qr_start_secret.into(),
            started,
        }
    }

    /// Whole seconds since the order started.
    pub fn elapsed_seconds(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// The payload to show now; regenerate every second.
    pub fn current(&self) -> String {
        self.at(self.elapsed_seconds())
    }

    /// The payload for second `t`.
    pub fn at(&self, t: u64) -> String {
        qr_data(&self.token, &self.secret, t)
    }
}

/// Splits a QR payload into (qrStartToken, t, code), checking its shape.
pub fn parse_qr_data(data: &str) -> Option<(&str, u64, &str)> {
    let rest = data.strip_prefix("bankid.")?;
    let mut parts = rest.rsplitn(3, '.');
    let code = parts.next()?;
    let t = parts.next()?.parse().ok()?;
    let token = parts.next()?;
    (code.len() == 64 && code.bytes().all(|b| b.is_ascii_hexdigit())).then_some((token, t, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed independently with Python:
    // hmac.new(secret.encode(), str(t).encode(), hashlib.sha256).hexdigest()
    const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
    const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";

    #[test]
    fn matches_published_algorithm_for_fixed_inputs() {
        assert_eq!(
            qr_data(TOKEN, SECRET, 0),
            "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        );
        assert_eq!(
            qr_auth_code(SECRET, 1),
            "949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"
        );
        assert_eq!(
            qr_auth_code(SECRET, 2),
            "a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3"
        );
        let other = "4c3d7a16-1d0a-4f41-9e1a-0c7b8f0e2a55";
        assert_eq!(
            qr_auth_code(other, 29),
            "58f3ff8da521bd15fb9f556ff5e1a682ad9349594848cceba10184331a0b2718"
        );
        assert_eq!(
            qr_auth_code(other, 123),
            "813cdde06c32a55033d173097f58666cffc7ff4ac4e4650743e50a1686046aea"
        );
    }

    #[test]
    fn generator_counts_whole_seconds_from_start() {
        let started = Instant::now() - std::time::Duration::from_millis(7_400);
        let g = QrGenerator::started_at(TOKEN, SECRET, started);
        assert_eq!(g.elapsed_seconds(), 7);
        assert_eq!(g.current(), qr_data(TOKEN, SECRET, 7));
        let data = g.at(30);
        assert_eq!(
            parse_qr_data(&data),
            Some((TOKEN, 30, qr_auth_code(SECRET, 30).as_str()))
        );
        assert_eq!(parse_qr_data("bankid.x.1.short"), None);
        assert!(!format!("{g:?}").contains(SECRET));
    }
}
