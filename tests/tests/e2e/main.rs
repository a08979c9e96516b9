//! samtal-tests' cross-crate tests, one binary: the phone against a real endpoint and
//! bankid-sim on loopback, and recognition on the fixtures with the real models.
mod bankid_phone;
mod lifecycle;
mod phone;
mod sync_endpoint;
mod transcription;
mod weight_formats;
