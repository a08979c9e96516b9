//! BankID's recommended user messages (RFA) in Swedish and English, and which one to
//! show for a hint code or error code.

use crate::api::CollectResponse;
use crate::codes::{ErrorCode, HintCode, Status};

/// Language of a user message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Swedish,
    English,
}

impl Language {
    /// `sv` / `en` (anything else: Swedish, BankID's default).
    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("en") {
            Self::English
        } else {
            Self::Swedish
        }
    }
}

/// How the user is expected to start the BankID app; changes some messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMethod {
    /// The user scans an animated QR code with another device.
    QrCode,
    /// The app is opened on the same device through the autostart link.
    AutoStart,
    /// A phone order: the user opens the app during the call.
    Phone,
}

/// A recommended user message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rfa {
    Rfa1,
    Rfa2,
    Rfa3,
    Rfa4,
    Rfa5,
    Rfa6,
    Rfa8,
    Rfa9,
    Rfa13,
    Rfa15,
    Rfa16,
    Rfa17A,
    Rfa17B,
    Rfa21,
    Rfa22,
    Rfa23,
}

impl Rfa {
    /// The identifier, e.g. `RFA17B`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Rfa1 => "RFA1",
            Self::Rfa2 => "RFA2",
            Self::Rfa3 => "RFA3",
            Self::Rfa4 => "RFA4",
            Self::Rfa5 => "RFA5",
            Self::Rfa6 => "RFA6",
            Self::Rfa8 => "RFA8",
            Self::Rfa9 => "RFA9",
            Self::Rfa13 => "RFA13",
            Self::Rfa15 => "RFA15",
            Self::Rfa16 => "RFA16",
            Self::Rfa17A => "RFA17A",
            Self::Rfa17B => "RFA17B",
            Self::Rfa21 => "RFA21",
            Self::Rfa22 => "RFA22",
            Self::Rfa23 => "RFA23",
        }
    }

    /// The message text to show the user.
    pub fn message(self, lang: Language) -> &'static str {
        let (sv, en) = match self {
            Self::Rfa1 => ("Starta BankID-appen.", "Start your BankID app."),
            Self::Rfa2 => (
                "Du har inte BankID-appen installerad. Kontakta din bank.",
                "The BankID app is not installed. Please contact your bank.",
            ),
            Self::Rfa3 => (
                "Åtgärden avbröts. Försök igen.",
                "Action cancelled. Please try again.",
            ),
            Self::Rfa4 => (
                "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
                "An identification or signing for this personal number is already started. Please try again.",
            ),
            Self::Rfa5 => (
                "Internt tekniskt fel. Försök igen.",
                "Internal error. Please try again.",
            ),
            Self::Rfa6 => ("Åtgärden avbröts.", "Action cancelled."),
            Self::Rfa8 => (
                "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Försök sedan igen.",
                "The BankID app is not responding. Please check that it is started and that you have internet access. Then try again.",
            ),
            Self::Rfa9 => (
                "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
                "Enter your security code in the BankID app and select Identify or Sign.",
            ),
            Self::Rfa13 => (
                "Försöker starta BankID-appen.",
                "Trying to start your BankID app.",
            ),
            Self::Rfa15 => (
                "Söker efter BankID, det kan ta en liten stund … Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten.",
                "Searching for BankID, it may take a little while … If a few seconds have passed and still no BankID has been found, you probably don't have a BankID which can be used for this identification/signing on this device.",
            ),
            Self::Rfa16 => (
                "Ditt BankID är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
                "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
            ),
            Self::Rfa17A => (
                "BankID-appen verkar inte finnas i din dator eller telefon. Installera den och skaffa ett BankID hos din bank.",
                "The BankID app couldn't be found on your computer or mobile device. Please install it and get a BankID from your bank.",
            ),
            Self::Rfa17B => (
                "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden.",
                "Failed to scan the QR code. Start the BankID app and scan the QR code.",
            ),
            Self::Rfa21 => (
                "En identifiering eller underskrift pågår.",
                "Identification or signing in progress.",
            ),
            Self::Rfa22 => ("Något gick fel. Försök igen.", "Unknown error. Please try again."),
            Self::Rfa23 => (
                "Fotografera och läs av din ID-handling med BankID-appen.",
                "Process your machine-readable travel document using the BankID app.",
            ),
        };
        match lang {
            Language::Swedish => sv,
            Language::English => en,
        }
    }
}

/// The message for a pending order. Unknown hints get RFA21, as BankID recommends.
/// `userCallConfirm` has no dedicated RFA; the generic "in progress" (RFA21) is used.
pub fn for_pending(hint: Option<&HintCode>, start: StartMethod) -> Rfa {
    match hint {
        Some(HintCode::OutstandingTransaction) if start == StartMethod::AutoStart => Rfa::Rfa13,
        Some(HintCode::OutstandingTransaction) | Some(HintCode::NoClient) => Rfa::Rfa1,
        Some(HintCode::Started) => Rfa::Rfa15,
        Some(HintCode::UserSign) => Rfa::Rfa9,
        Some(HintCode::UserMrtd) => Rfa::Rfa23,
        _ => Rfa::Rfa21,
    }
}

/// The message for a failed order. Unknown hints get RFA22, as BankID recommends.
/// `userDeclinedCall` is shown as a cancellation (RFA3); `notSupportedByUserApp` and
/// `transactionRiskBlocked` have no dedicated RFA and get RFA22.
pub fn for_failure(hint: Option<&HintCode>, start: StartMethod) -> Rfa {
    match hint {
        Some(HintCode::ExpiredTransaction) => Rfa::Rfa8,
        Some(HintCode::CertificateErr) => Rfa::Rfa16,
        Some(HintCode::UserCancel) => Rfa::Rfa6,
        Some(HintCode::Cancelled) | Some(HintCode::UserDeclinedCall) => Rfa::Rfa3,
        Some(HintCode::StartFailed) if start == StartMethod::QrCode => Rfa::Rfa17B,
        Some(HintCode::StartFailed) => Rfa::Rfa17A,
        _ => Rfa::Rfa22,
    }
}

/// The message for a collect response; `None` once the order is complete.
pub fn for_collect(resp: &CollectResponse, start: StartMethod) -> Option<Rfa> {
    match resp.status {
        Status::Complete => None,
        Status::Failed => Some(for_failure(resp.hint_code.as_ref(), start)),
        Status::Pending | Status::Other(_) => Some(for_pending(resp.hint_code.as_ref(), start)),
    }
}

/// The message for an error response from auth/sign/collect.
pub fn for_error(code: &ErrorCode) -> Rfa {
    match code {
        ErrorCode::AlreadyInProgress => Rfa::Rfa4,
        ErrorCode::RequestTimeout | ErrorCode::Maintenance | ErrorCode::InternalError => Rfa::Rfa5,
        _ => Rfa::Rfa22,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_codes_map_to_design_messages() {
        use StartMethod::*;
        let p = |h: HintCode, s| for_pending(Some(&h), s);
        let f = |h: HintCode, s| for_failure(Some(&h), s);
        assert_eq!(p(HintCode::OutstandingTransaction, AutoStart), Rfa::Rfa13);
        assert_eq!(p(HintCode::OutstandingTransaction, QrCode), Rfa::Rfa1);
        assert_eq!(p(HintCode::NoClient, QrCode), Rfa::Rfa1);
        assert_eq!(p(HintCode::Started, QrCode), Rfa::Rfa15);
        assert_eq!(p(HintCode::UserSign, QrCode), Rfa::Rfa9);
        assert_eq!(p(HintCode::Other("new".into()), QrCode), Rfa::Rfa21);
        assert_eq!(f(HintCode::ExpiredTransaction, QrCode), Rfa::Rfa8);
        assert_eq!(f(HintCode::CertificateErr, QrCode), Rfa::Rfa16);
        assert_eq!(f(HintCode::UserCancel, QrCode), Rfa::Rfa6);
        assert_eq!(f(HintCode::Cancelled, QrCode), Rfa::Rfa3);
        assert_eq!(f(HintCode::StartFailed, QrCode), Rfa::Rfa17B);
        assert_eq!(f(HintCode::StartFailed, AutoStart), Rfa::Rfa17A);
        assert_eq!(f(HintCode::Other("new".into()), QrCode), Rfa::Rfa22);
        assert_eq!(for_error(&ErrorCode::AlreadyInProgress), Rfa::Rfa4);
        assert_eq!(for_error(&ErrorCode::Maintenance), Rfa::Rfa5);
    }

    #[test]
    fn messages_exist_in_both_languages() {
        assert_eq!(Rfa::Rfa6.message(Language::Swedish), "Åtgärden avbröts.");
        assert_eq!(Rfa::Rfa6.message(Language::English), "Action cancelled.");
        assert_eq!(
            Rfa::Rfa9.message(Language::Swedish),
            "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under."
        );
        assert_eq!(Language::from_tag("en-GB"), Language::English);
        assert_eq!(Rfa::Rfa17B.code(), "RFA17B");
    }
}
