//! What expires when: the CA, the server certificate and every unrevoked client
//! certificate, for `samtal-endpoint status` and the `/metrics` gauges.

use time::OffsetDateTime;

use crate::db::{now_ms, Db};
use crate::pki::{not_after, Pki};

/// One certificate and its expiry.
pub struct Expiry {
    /// `ca`, `server`, `device`, `case-system` or `monitor`.
    pub kind: String,
    /// Device id or service name; empty for the CA and the server.
    pub subject: String,
    pub not_after_ms: i64,
}

impl Expiry {
    pub fn days_left(&self, now_ms: i64) -> f64 {
        (self.not_after_ms - now_ms) as f64 / 86_400_000.0
    }
}

fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Every certificate that has not been revoked, soonest expiry first.
pub async fn all(pki: &Pki, db: &Db) -> anyhow::Result<Vec<Expiry>> {
    let mut list = vec![Expiry {
        kind: "ca".into(),
        subject: String::new(),
        not_after_ms: ms(not_after(&pki.ca_pem)?),
    }];
    let server = std::fs::read_to_string(&pki.files.server_cert)?;
    list.push(Expiry {
        kind: "server".into(),
        subject: String::new(),
        not_after_ms: ms(not_after(&server)?),
    });
    for (role, subject, _, not_after_ms) in db.live_certs().await? {
        list.push(Expiry {
            kind: role,
            subject,
            not_after_ms,
        });
    }
    list.sort_by_key(|e| e.not_after_ms);
    Ok(list)
}

/// Prometheus gauges: days to the nearest expiry per kind among certificates still valid,
/// and how many unrevoked certificates have already expired (phones that never renewed).
pub fn render(list: &[Expiry]) -> String {
    use std::fmt::Write;
    let now = now_ms();
    let mut out = String::new();
    out.push_str(
        "# HELP samtal_certificate_expiry_days Days until the nearest expiry among valid \
         certificates of a kind.\n# TYPE samtal_certificate_expiry_days gauge\n",
    );
    for kind in ["ca", "server", "device", "case-system", "monitor"] {
        let nearest = list
            .iter()
            .filter(|e| e.kind == kind && e.not_after_ms > now)
            .map(|e| e.days_left(now))
            .fold(f64::INFINITY, f64::min);
        if nearest.is_finite() {
            let _ = writeln!(
                out,
                "samtal_certificate_expiry_days{{kind=\"{kind}\"}} {nearest:.2}"
            );
        }
    }
    out.push_str(
        "# HELP samtal_certificates_expired Unrevoked certificates past their expiry.\n\
         # TYPE samtal_certificates_expired gauge\n",
    );
    for kind in ["device", "case-system", "monitor"] {
        let expired = list
            .iter()
            .filter(|e| e.kind == kind && e.not_after_ms <= now)
            .count();
        let _ = writeln!(
            out,
            "samtal_certificates_expired{{kind=\"{kind}\"}} {expired}"
        );
    }
    out
}
