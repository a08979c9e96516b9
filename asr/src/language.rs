//! The languages Samtal recognises. "Detect it" is `Option::None` wherever a language is
//! asked for, never a variant of its own.
use std::fmt;
use std::str::FromStr;

/// A spoken language Samtal has templates and recognition settings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Language {
    Swedish,
    Danish,
    English,
}

impl Language {
    /// The ISO 639-1 code (`sv`, `da`, `en`), as Whisper and the templates name it.
    pub fn code(self) -> &'static str {
        match self {
            Language::Swedish => "sv",
            Language::Danish => "da",
            Language::English => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A code other than `sv`, `da` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use sv, da or en")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        match code {
            "sv" => Ok(Language::Swedish),
            "da" => Ok(Language::Danish),
            "en" => Ok(Language::English),
            _ => Err(UnknownLanguage(code.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for l in [Language::Swedish, Language::Danish, Language::English] {
            assert_eq!(l.code().parse::<Language>(), Ok(l));
        }
        assert!("auto".parse::<Language>().is_err());
        assert_eq!(Language::Danish.to_string(), "da");
    }
}
