//! samtal-core: all on-device logic of Samtal. No FFI types and no platform code here;
//! platform services come in through traits.

pub mod transcript;
