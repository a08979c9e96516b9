//! Deterministic behaviour of simulated orders, chosen by the personal number in the
//! request (or a configurable default for QR orders without one).
//!
//! | personal number | name | scenario |
//! | --- | --- | --- |
//! | 191212121212 | Tolvan Tolvansson | completes on the 2nd collect |
//! | 198112289874 | Maja Provsson | completes on the 3rd collect |
//! | 197503159845 | Eva Exempelsson | completes on the 3rd collect |
//! | 198506079824 | Lisa Testberg | completes on the 1st collect |
//! | 196809249839 | Sven Simulant | stays pending until driven through `/admin` |
//! | 199001019810 | – | `failed` / `userCancel` on the 2nd collect |
//! | 199001019828 | – | `failed` / `expiredTransaction` on the 2nd collect |
//! | 199001019836 | – | `failed` / `certificateErr` on the 1st collect |
//! | 199001019844 | – | `failed` / `startFailed` on the 2nd collect |
//! | 199001019877 | – | `failed` / `userDeclinedCall` on the 2nd collect (phone orders) |
//! | 199001019851 | – | auth/sign answer 400 `alreadyInProgress` |
//! | 199001019869 | – | auth/sign answer 503 `maintenance` |
//! | any other valid number | Test Testsson | completes on the 3rd collect |
//!
//! Besides these, a second order for a personal number that has one pending cancels the
//! first (`failed` / `cancelled`) and is refused with `alreadyInProgress`, as BankID does.

use crate::codes::HintCode;

/// What a simulated order does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenario {
    /// `complete` on the given collect (1-based).
    Complete { after: u32 },
    /// `failed` with `hint` on the given collect.
    Fail { hint: HintCode, after: u32 },
    /// Pending until an admin request completes or fails it (or it expires).
    Manual,
    /// The order is refused with 400 `alreadyInProgress`.
    AlreadyInProgress,
    /// The order is refused with 503 `maintenance`.
    Maintenance,
}

impl Scenario {
    /// Parses `complete:3`, `userCancel:2`, `manual`, `maintenance`, `alreadyInProgress`,
    /// or any failure hint code with an optional `:N`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (name, n) = match s.split_once(':') {
            Some((name, n)) => (
                name,
                Some(
                    n.parse::<u32>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| format!("`{n}` is not a collect count (1 or more)"))?,
                ),
            ),
            None => (s, None),
        };
        match name {
            "complete" => Ok(Self::Complete {
                after: n.unwrap_or(3),
            }),
            "manual" => Ok(Self::Manual),
            "alreadyInProgress" => Ok(Self::AlreadyInProgress),
            "maintenance" => Ok(Self::Maintenance),
            other => {
                let hint = HintCode::parse(other);
                if hint.is_failure() {
                    Ok(Self::Fail {
                        hint,
                        after: n.unwrap_or(2),
                    })
                } else {
                    Err(format!(
                        "unknown scenario `{other}`: use complete[:N], manual, alreadyInProgress, \
                         maintenance or a failure hint such as userCancel[:N]"
                    ))
                }
            }
        }
    }

    /// The scenario of an order for `personal_number` (12 digits).
    pub fn for_personal_number(personal_number: &str) -> Self {
        let fail = |hint, after| Self::Fail { hint, after };
        match personal_number {
            "191212121212" => Self::Complete { after: 2 },
            "198506079824" => Self::Complete { after: 1 },
            "196809249839" => Self::Manual,
            "199001019810" => fail(HintCode::UserCancel, 2),
            "199001019828" => fail(HintCode::ExpiredTransaction, 2),
            "199001019836" => fail(HintCode::CertificateErr, 1),
            "199001019844" => fail(HintCode::StartFailed, 2),
            "199001019877" => fail(HintCode::UserDeclinedCall, 2),
            "199001019851" => Self::AlreadyInProgress,
            "199001019869" => Self::Maintenance,
            _ => Self::Complete { after: 3 },
        }
    }
}

/// A fictional person the simulator identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestIdentity {
    pub given_name: &'static str,
    pub surname: &'static str,
    pub bank_id_issue_date: &'static str,
}

/// The fictional identity behind a test personal number.
pub fn identity(personal_number: &str) -> TestIdentity {
    let id = |given_name, surname, bank_id_issue_date| TestIdentity {
        given_name,
        surname,
        bank_id_issue_date,
    };
    match personal_number {
        "191212121212" => id("Tolvan", "Tolvansson", "2023-04-12"),
        "198112289874" => id("Maja", "Provsson", "2022-11-03"),
        "197503159845" => id("Eva", "Exempelsson", "2024-01-22"),
        "198506079824" => id("Lisa", "Testberg", "2021-06-30"),
        "196809249839" => id("Sven", "Simulant", "2020-09-15"),
        _ => id("Test", "Testsson", "2024-05-02"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::personal_number::is_valid;

    #[test]
    fn scenario_numbers_are_valid_personal_numbers() {
        for pn in [
            "191212121212",
            "198112289874",
            "197503159845",
            "198506079824",
            "196809249839",
            "199001019810",
            "199001019828",
            "199001019836",
            "199001019844",
            "199001019877",
            "199001019851",
            "199001019869",
        ] {
            assert!(is_valid(pn), "{pn}");
        }
    }

    #[test]
    fn scenarios_parse() {
        assert_eq!(
            Scenario::parse("complete:5"),
            Ok(Scenario::Complete { after: 5 })
        );
        assert_eq!(
            Scenario::parse("userCancel"),
            Ok(Scenario::Fail {
                hint: HintCode::UserCancel,
                after: 2
            })
        );
        assert_eq!(Scenario::parse("manual"), Ok(Scenario::Manual));
        assert!(Scenario::parse("userSign").is_err());
        assert!(Scenario::parse("complete:0").is_err());
    }
}
