//! samtal-core: all on-device logic of Samtal. No FFI types and no platform code here;
//! platform services come in through traits.

#[cfg(feature = "sync")]
pub mod app;
#[cfg(feature = "sync")]
pub mod login;
#[cfg(feature = "sync")]
pub mod review_flow;
pub mod session;
#[cfg(feature = "sync")]
pub mod sync;
