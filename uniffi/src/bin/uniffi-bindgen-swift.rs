//! Swift bindings for all the crates' components at once, with one modulemap for their
//! headers (`make bindings`).
fn main() {
    uniffi::uniffi_bindgen_swift()
}
