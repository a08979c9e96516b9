//! BankID Relying Party API v6.0 client and `bankid-sim`, a protocol-faithful simulator.
//!
//! The client ([`BankIdClient`]) speaks to production, BankID's test environment or the
//! simulator ([`sim`]) over mutual TLS with BankID's CA pinned. [`OrderPoller`] follows
//! an order the way BankID asks (2-second collects, never after a final status, cancel
//! on abandon), [`QrGenerator`] produces animated QR codes and [`rfa`] the user messages.

pub mod api;
pub mod client;
pub mod codes;
pub mod error;
pub mod identity;
pub mod order;
pub mod personal_number;
pub mod qr;
pub mod rfa;
pub mod sim;

pub use api::{
    AuthRequest, CallInitiator, CollectResponse, CompletionData, OrderResponse, PhoneAuthRequest,
    PhoneOrderResponse, PhoneSignRequest, Requirement, SignRequest, User, UserVisibleDataFormat,
};
pub use client::{BankIdClient, Environment};
pub use codes::{ErrorCode, HintCode, Risk, Status};
pub use error::{Error, Result};
pub use identity::{ClientIdentity, PinnedCa};
pub use order::{OrderPoller, COLLECT_INTERVAL};
pub use qr::QrGenerator;
pub use rfa::{Language, Rfa, StartMethod};
