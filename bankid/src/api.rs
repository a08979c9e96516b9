//! Request and response bodies of the RP API v6.0, with BankID's field names.
//!
//! `Debug` output of every type that can carry a personal number or a name is
//! redacted so these values can never reach a log through `{:?}`.

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::codes::{ErrorCode, HintCode, Risk, Status};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Encodes text the way `userVisibleData` / `userNonVisibleData` expect (base64 of UTF-8).
pub fn encode_data(text: &str) -> String {
    B64.encode(text.as_bytes())
}

/// Decodes `userVisibleData`-style base64 back to bytes.
pub fn decode_data(data: &str) -> Result<Vec<u8>, base64::DecodeError> {
    B64.decode(data)
}

/// How BankID renders `userVisibleData`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserVisibleDataFormat {
    #[serde(rename = "plaintext")]
    Plaintext,
    #[serde(rename = "simpleMarkdownV1")]
    SimpleMarkdownV1,
}

/// Card reader class required for BankID on card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardReader {
    #[serde(rename = "class1")]
    Class1,
    #[serde(rename = "class2")]
    Class2,
}

/// Who called whom in a phone order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallInitiator {
    #[serde(rename = "user")]
    User,
    #[serde(rename = "RP")]
    Rp,
}

/// `requirement`: conditions the user's BankID must meet.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_reader: Option<CardReader>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_policies: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrtd: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin_code: Option<bool>,
}

impl std::fmt::Debug for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Requirement")
            .field("card_reader", &self.card_reader)
            .field("certificate_policies", &self.certificate_policies)
            .field("mrtd", &self.mrtd)
            .field(
                "personal_number",
                &self.personal_number.as_ref().map(|_| "<redacted>"),
            )
            .field("pin_code", &self.pin_code)
            .finish()
    }
}

/// `app`: the RP's native app the order was started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub app_identifier: String,
    #[serde(rename = "deviceOS")]
    pub device_os: String,
    pub device_model_name: String,
    pub device_identifier: String,
}

/// `web`: the browser the order was started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebInfo {
    pub device_identifier: String,
    pub referring_domain: String,
    pub user_agent: String,
}

/// Body of `POST auth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthRequest {
    pub end_user_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_visible_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_non_visible_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_visible_data_format: Option<UserVisibleDataFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_risk: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<AppInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<WebInfo>,
}

impl AuthRequest {
    /// A plain authentication of whoever scans the QR code or opens the app.
    pub fn new(end_user_ip: impl Into<String>) -> Self {
        Self {
            end_user_ip: end_user_ip.into(),
            requirement: None,
            user_visible_data: None,
            user_non_visible_data: None,
            user_visible_data_format: None,
            return_url: None,
            return_risk: None,
            app: None,
            web: None,
        }
    }

    /// Shows `text` in the app during authentication.
    pub fn with_visible_text(mut self, text: &str, format: UserVisibleDataFormat) -> Self {
        self.user_visible_data = Some(encode_data(text));
        self.user_visible_data_format = Some(format);
        self
    }
}

/// Body of `POST sign`; `userVisibleData` is mandatory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignRequest {
    pub end_user_ip: String,
    pub user_visible_data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_non_visible_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_visible_data_format: Option<UserVisibleDataFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_risk: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<AppInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<WebInfo>,
}

impl SignRequest {
    /// Signs `visible_text` (shown to the user) in the given format.
    pub fn new(
        end_user_ip: impl Into<String>,
        visible_text: &str,
        format: UserVisibleDataFormat,
    ) -> Self {
        Self {
            end_user_ip: end_user_ip.into(),
            user_visible_data: encode_data(visible_text),
            requirement: None,
            user_non_visible_data: None,
            user_visible_data_format: Some(format),
            return_url: None,
            return_risk: None,
            app: None,
            web: None,
        }
    }

    /// Binds data the user does not see (e.g. a content hash) into the signature.
    pub fn with_non_visible_data(mut self, data: &[u8]) -> Self {
        self.user_non_visible_data = Some(B64.encode(data));
        self
    }
}

/// Body of `POST phone/auth`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneAuthRequest {
    pub personal_number: String,
    pub call_initiator: CallInitiator,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_visible_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_non_visible_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_visible_data_format: Option<UserVisibleDataFormat>,
}

impl std::fmt::Debug for PhoneAuthRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneAuthRequest")
            .field("personal_number", &"<redacted>")
            .field("call_initiator", &self.call_initiator)
            .field("requirement", &self.requirement)
            .field("user_visible_data_format", &self.user_visible_data_format)
            .finish_non_exhaustive()
    }
}

/// Body of `POST phone/sign`; `userVisibleData` is mandatory.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneSignRequest {
    pub personal_number: String,
    pub call_initiator: CallInitiator,
    pub user_visible_data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_non_visible_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_visible_data_format: Option<UserVisibleDataFormat>,
}

impl std::fmt::Debug for PhoneSignRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneSignRequest")
            .field("personal_number", &"<redacted>")
            .field("call_initiator", &self.call_initiator)
            .field("requirement", &self.requirement)
            .field("user_visible_data_format", &self.user_visible_data_format)
            .finish_non_exhaustive()
    }
}

/// Response of `auth` and `sign`. `qr_start_secret` must never leave the RP's server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderResponse {
    pub order_ref: String,
    pub auto_start_token: String,
    pub qr_start_token: String,
    pub qr_start_secret: String,
}

impl std::fmt::Debug for OrderResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderResponse")
            .field("order_ref", &self.order_ref)
            .field("auto_start_token", &self.auto_start_token)
            .field("qr_start_token", &self.qr_start_token)
            .field("qr_start_secret", &"<redacted>")
            .finish()
    }
}

impl OrderResponse {
    /// The autostart link that opens the BankID app on the same device.
    pub fn autostart_url(&self, redirect: Option<&str>) -> String {
        let redirect = redirect
            .map(percent_encode)
            .unwrap_or_else(|| "null".into());
        format!(
            "bankid:///?autostarttoken={}&redirect={redirect}",
            self.auto_start_token
        )
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Response of `phone/auth` and `phone/sign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneOrderResponse {
    pub order_ref: String,
}

/// Body of `collect` and `cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRefRequest {
    pub order_ref: String,
}

/// Response of `collect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectResponse {
    pub order_ref: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint_code: Option<HintCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_data: Option<CompletionData>,
}

impl CollectResponse {
    /// Complete or failed: BankID must not be asked about this order again.
    pub fn is_final(&self) -> bool {
        matches!(self.status, Status::Complete | Status::Failed)
    }
}

/// `completionData` of a completed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletionData {
    pub user: User,
    pub device: Device,
    pub bank_id_issue_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_up: Option<StepUp>,
    /// Base64 of BankID's XML signature.
    pub signature: String,
    /// Base64 of the DER OCSP response for the user's certificate.
    pub ocsp_response: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
}

impl CompletionData {
    /// The signature as XML text.
    pub fn signature_xml(&self) -> Option<String> {
        decode_data(&self.signature)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    }
}

/// The identified person.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub personal_number: String,
    pub name: String,
    pub given_name: String,
    pub surname: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("User { <redacted> }")
    }
}

/// The device the user signed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub ip_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uhi: Option<String>,
}

/// Result of the MRTD step-up, present when `requirement.mrtd` was set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUp {
    pub mrtd: bool,
}

/// Body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub error_code: ErrorCode,
    pub details: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_request_uses_bankid_field_names() {
        let mut req = AuthRequest::new("192.0.2.10").with_visible_text(
            "Logga in i *Samtal*",
            UserVisibleDataFormat::SimpleMarkdownV1,
        );
        req.app = Some(AppInfo {
            app_identifier: "se.samtal.app".into(),
            device_os: "Android 15".into(),
            device_model_name: "Pixel 9".into(),
            device_identifier: "f1e2".into(),
        });
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(v["endUserIp"], "192.0.2.10");
        assert_eq!(v["userVisibleDataFormat"], "simpleMarkdownV1");
        assert_eq!(v["app"]["deviceOS"], "Android 15");
        assert!(v.get("requirement").is_none());
        assert_eq!(
            decode_data(v["userVisibleData"].as_str().unwrap()).unwrap(),
            "Logga in i *Samtal*".as_bytes()
        );
    }

    #[test]
    fn collect_response_parses_completion_and_unknown_codes() {
        let body = r#"{"orderRef":"131daac9-16c6-4618-beb0-365768f37288","status":"complete",
            "completionData":{"user":{"personalNumber":"191212121212","name":"Tolvan Tolvansson",
            "givenName":"Tolvan","surname":"Tolvansson"},"device":{"ipAddress":"192.0.2.10",
            "uhi":"OZvYM9VvyiAmG7NA5jU5zqGcVpo="},"bankIdIssueDate":"2020-02-01",
            "stepUp":{"mrtd":true},"signature":"PHhtbD48L3htbD4=","ocspResponse":"MIIH","risk":"low"}}"#;
        let r: CollectResponse = serde_json::from_str(body).unwrap();
        assert!(r.is_final());
        let c = r.completion_data.unwrap();
        assert_eq!(c.user.given_name, "Tolvan");
        assert_eq!(c.step_up, Some(StepUp { mrtd: true }));
        assert_eq!(c.signature_xml().unwrap(), "<xml></xml>");
        let debug = format!("{c:?}");
        assert!(!debug.contains("191212121212") && !debug.contains("Tolvan"));

        let r: CollectResponse = serde_json::from_str(
            r#"{"orderRef":"a","status":"pending","hintCode":"brandNewHint"}"#,
        )
        .unwrap();
        assert_eq!(r.hint_code, Some(HintCode::Other("brandNewHint".into())));
        assert!(!r.is_final());
    }

    #[test]
    fn autostart_url_encodes_redirect() {
        let r = OrderResponse {
            order_ref: "o".into(),
            auto_start_token: "46f6aa68-d0b3-4b0f-a1e0-6c0a2d0d0c58".into(),
            qr_start_token: "t".into(),
            qr_start_secret: "s".into(),
        };
        assert_eq!(
            r.autostart_url(Some("https://x.example/a?b=1")),
            "bankid:///?autostarttoken=46f6aa68-d0b3-4b0f-a1e0-6c0a2d0d0c58&redirect=https%3A%2F%2Fx.example%2Fa%3Fb%3D1"
        );
        assert!(!format!("{r:?}").contains("\"s\""));
    }
}
