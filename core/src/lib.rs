//! samtal-core: all on-device logic of Samtal. No FFI types and no platform code here;
//! platform services come in through traits.

pub mod transcript;
pub mod audit;
pub mod keyvault;
pub mod retention;
pub mod session;
pub mod spool;
pub mod store;
pub mod draft;
pub mod review;
pub mod template;
pub mod audio;
pub mod transcribe;
#[cfg(feature = "sync")]
pub mod sync;
#[cfg(feature = "sync")]
pub mod login;
