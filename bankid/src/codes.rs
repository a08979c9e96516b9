//! String-valued codes of the RP API: order status, hint codes and error codes.
//!
//! BankID adds codes over time, so every enum keeps an unknown value verbatim
//! (`Other`) instead of failing to parse the whole response.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! api_code {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this client does not know yet, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire form of the code.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(s) => s,
                }
            }

            /// Parses the wire form; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)+
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }
    };
}

api_code! {
    /// `status` of a collect response.
    Status {
        Pending => "pending",
        Failed => "failed",
        Complete => "complete",
    }
}

api_code! {
    /// `hintCode` of a pending or failed order.
    HintCode {
        /// Pending: the order is being processed, the app has not started it yet.
        OutstandingTransaction => "outstandingTransaction",
        /// Pending: no client has started the order.
        NoClient => "noClient",
        /// Pending: a client has started and is looking for a usable BankID.
        Started => "started",
        /// Pending: the user is scanning a travel document (MRTD step-up).
        UserMrtd => "userMrtd",
        /// Pending (phone orders): the user must confirm the call.
        UserCallConfirm => "userCallConfirm",
        /// Pending: the user is asked to enter the security code.
        UserSign => "userSign",
        /// Failed: the order was not completed in time.
        ExpiredTransaction => "expiredTransaction",
        /// Failed: the user's BankID is blocked, revoked or too old.
        CertificateErr => "certificateErr",
        /// Failed: the user cancelled in the app.
        UserCancel => "userCancel",
        /// Failed: the order was cancelled (by the RP or by a new order).
        Cancelled => "cancelled",
        /// Failed: the app could not be started / the QR code was not read.
        StartFailed => "startFailed",
        /// Failed (phone orders): the user declined the call.
        UserDeclinedCall => "userDeclinedCall",
        /// Failed: the user's app does not support what was requested.
        NotSupportedByUserApp => "notSupportedByUserApp",
        /// Failed: the order was blocked by BankID's risk assessment.
        TransactionRiskBlocked => "transactionRiskBlocked",
    }
}

api_code! {
    /// `errorCode` of an error response.
    ErrorCode {
        /// 400: an order is already in progress for this personal number.
        AlreadyInProgress => "alreadyInProgress",
        /// 400: a parameter is missing or invalid, or the order is unknown.
        InvalidParameters => "invalidParameters",
        /// 401: the RP is not allowed to use the service.
        Unauthorized => "unauthorized",
        /// 404: no such endpoint.
        NotFound => "notFound",
        /// 405: only POST is allowed.
        MethodNotAllowed => "methodNotAllowed",
        /// 408: the request was not received in time.
        RequestTimeout => "requestTimeout",
        /// 415: the request was not `application/json`.
        UnsupportedMediaType => "unsupportedMediaType",
        /// 500: internal error at BankID.
        InternalError => "internalError",
        /// 503: BankID is under maintenance.
        Maintenance => "maintenance",
    }
}

api_code! {
    /// `risk` in completionData when `returnRisk` was requested.
    Risk {
        Low => "low",
        Moderate => "moderate",
        High => "high",
    }
}

impl HintCode {
    /// Whether this hint is one BankID sends with `status: failed`.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Self::ExpiredTransaction
                | Self::CertificateErr
                | Self::UserCancel
                | Self::Cancelled
                | Self::StartFailed
                | Self::UserDeclinedCall
                | Self::NotSupportedByUserApp
                | Self::TransactionRiskBlocked
        )
    }
}

impl ErrorCode {
    /// The HTTP status BankID answers with for this error code.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::AlreadyInProgress | Self::InvalidParameters | Self::Other(_) => 400,
            Self::Unauthorized => 401,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::RequestTimeout => 408,
            Self::UnsupportedMediaType => 415,
            Self::InternalError => 500,
            Self::Maintenance => 503,
        }
    }

    /// Whether BankID recommends simply retrying the request later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RequestTimeout | Self::InternalError | Self::Maintenance
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes_round_trip() {
        let h: HintCode = serde_json::from_str("\"userSign\"").unwrap();
        assert_eq!(h, HintCode::UserSign);
        let h: HintCode = serde_json::from_str("\"somethingNew\"").unwrap();
        assert_eq!(h, HintCode::Other("somethingNew".into()));
        assert_eq!(serde_json::to_string(&h).unwrap(), "\"somethingNew\"");
        let e: ErrorCode = serde_json::from_str("\"maintenance\"").unwrap();
        assert_eq!(e.http_status(), 503);
        assert!(e.is_transient());
        let s: Status = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(s.as_str(), "paused");
    }

    #[test]
    fn failure_hints_are_classified() {
        assert!(HintCode::UserCancel.is_failure());
        assert!(!HintCode::OutstandingTransaction.is_failure());
        assert!(!HintCode::Other("x".into()).is_failure());
    }
}
