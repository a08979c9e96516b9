//! samtal-core: all on-device logic of Samtal. No FFI types and no platform code here;
//! platform services come in through traits.

#[cfg(feature = "sync")]
pub mod app;
pub mod audit;
pub mod keyvault;
#[cfg(feature = "sync")]
pub mod login;
pub mod retention;
#[cfg(feature = "sync")]
pub mod review_flow;
pub mod session;
pub mod spool;
pub mod store;
#[cfg(feature = "sync")]
pub mod sync;
