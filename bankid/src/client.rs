//! The RP API v6.0 client: one method per endpoint, typed bodies, BankID's error
//! bodies turned into [`Error::Api`].

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{
    AuthRequest, CollectResponse, ErrorBody, OrderRefRequest, OrderResponse, PhoneAuthRequest,
    PhoneOrderResponse, PhoneSignRequest, SignRequest,
};
use crate::error::{Error, Result};
use crate::identity::{tls_config, ClientIdentity, PinnedCa};

/// Where the RP API lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://appapi2.bankid.com/rp/v6.0/`
    Production,
    /// `https://appapi2.test.bankid.com/rp/v6.0/`
    Test,
    /// Any other base URL, e.g. a `bankid-sim` on loopback.
    Custom(String),
}

impl Environment {
    /// The base URL, always ending in `/`.
    pub fn base_url(&self) -> String {
        let url = match self {
            Self::Production => "https://appapi2.bankid.com/rp/v6.0/",
            Self::Test => "https://appapi2.test.bankid.com/rp/v6.0/",
            Self::Custom(url) => url,
        };
        if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        }
    }

    /// Parses `production`, `test` or a URL.
    pub fn parse(s: &str) -> Self {
        match s {
            "production" | "prod" => Self::Production,
            "test" => Self::Test,
            url => Self::Custom(url.to_string()),
        }
    }
}

/// A BankID RP API client. Cheap to clone (shares one connection pool).
#[derive(Clone)]
pub struct BankIdClient {
    http: reqwest::Client,
    base: String,
}

impl std::fmt::Debug for BankIdClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankIdClient")
            .field("base", &self.base)
            .finish()
    }
}

impl BankIdClient {
    /// A client for `env` that presents `identity` and trusts only `ca`.
    pub fn new(env: &Environment, identity: &ClientIdentity, ca: &PinnedCa) -> Result<Self> {
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls_config(identity, ca)?)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::Identity(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            base: env.base_url(),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `POST auth`: starts an authentication order.
    pub async fn auth(&self, req: &AuthRequest) -> Result<OrderResponse> {
        self.post("auth", req).await
    }

    /// `POST sign`: starts a signing order.
    pub async fn sign(&self, req: &SignRequest) -> Result<OrderResponse> {
        self.post("sign", req).await
    }

    /// `POST phone/auth`: authenticates a user the RP is on the phone with.
    pub async fn phone_auth(&self, req: &PhoneAuthRequest) -> Result<PhoneOrderResponse> {
        self.post("phone/auth", req).await
    }

    /// `POST phone/sign`: a signature from a user the RP is on the phone with.
    pub async fn phone_sign(&self, req: &PhoneSignRequest) -> Result<PhoneOrderResponse> {
        self.post("phone/sign", req).await
    }

    /// `POST collect`: the current state of an order. Prefer [`crate::OrderPoller`],
    /// which keeps the 2-second rhythm and never collects a finished order.
    pub async fn collect(&self, order_ref: &str) -> Result<CollectResponse> {
        let req = OrderRefRequest {
            order_ref: order_ref.to_string(),
        };
        self.post("collect", &req).await
    }

    /// `POST cancel`: cancels a pending order.
    pub async fn cancel(&self, order_ref: &str) -> Result<()> {
        let req = OrderRefRequest {
            order_ref: order_ref.to_string(),
        };
        let _: serde_json::Value = self.post("cancel", &req).await?;
        Ok(())
    }

    async fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: &Req,
    ) -> Result<Resp> {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .map_err(Error::Transport)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(Error::Transport)?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| Error::decode(&e));
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(err) => Err(Error::Api {
                http_status: status.as_u16(),
                code: err.error_code,
                details: err.details,
            }),
            Err(_) => Err(Error::UnexpectedStatus {
                http_status: status.as_u16(),
            }),
        }
    }
}
