//! samtal-ffi: the thin UniFFI facade over samtal-core used by the Android and iOS shells.
