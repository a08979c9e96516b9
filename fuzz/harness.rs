//! What each fuzz target does with one input, shared by the cargo-fuzz targets
//! (fuzz_targets/) and by `make test`, which replays every file in seeds/<target>/ and
//! regressions/<target>/ through the same function (tests/tests/fuzz_regressions.rs).
//! A function may only panic on a bug: that is what the fuzzer looks for.

#![allow(dead_code)]

use std::io::Write;
use std::sync::OnceLock;

use samtal_bankid::api::{
    AuthRequest, CollectResponse, ErrorBody, OrderRefRequest, OrderResponse, PhoneAuthRequest,
    PhoneSignRequest, SignRequest,
};
use samtal_bankid::{rfa, StartMethod};
use samtal_endpoint::pki::{parse_csr, Pki};
use samtal_protocol::canonical::{parse_canonical, to_canonical_string};
use samtal_protocol::{Delivery, Receipt, ReceiptSigner, ReceiptVerifier};

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// Every target by name, for replaying stored inputs.
pub const TARGETS: [(&str, Target); 10] = [
    ("wav", wav),
    ("template", template),
    ("note", note),
    ("receipt", receipt),
    ("bankid_json", bankid_json),
    ("csr", csr),
    ("ct2_header", ct2_header),
    ("language_data", language_data),
    ("ggml_header", ggml_header),
    ("gguf_header", gguf_header),
];

/// The WAV reader. It reads from a path, so each input goes through a file in /dev/shm.
pub fn wav(data: &[u8]) {
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let mut file = tempfile::Builder::new()
        .suffix(".wav")
        .tempfile_in(dir)
        .expect("temporary file");
    file.write_all(data).expect("write");
    let _ = samtal_audio::WavFileSource::read_all(file.path());
}

/// The journal-template parser (TOML data a municipality adds).
pub fn template(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = samtal_draft::template::Template::parse("fuzz.toml", text);
    }
}

/// Note canonicalisation and validation as the endpoint runs them on every upload: whatever
/// parses is exactly its canonical form, and a valid note's hash is its content's.
pub fn note(data: &[u8]) {
    if let Ok(note) = parse_canonical(data) {
        assert_eq!(to_canonical_string(&note).as_bytes(), data);
        if samtal_protocol::validate_note(&note).is_ok() {
            assert_eq!(
                Some(samtal_protocol::content_hash(&note).as_str()),
                note["content_hash"].as_str()
            );
        }
    }
}

fn receipt_keys() -> &'static (ReceiptSigner, ReceiptVerifier) {
    static KEYS: OnceLock<(ReceiptSigner, ReceiptVerifier)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let signer = ReceiptSigner::from_pkcs8(&ReceiptSigner::generate_pkcs8()).unwrap();
        let verifier = ReceiptVerifier::from_hex(&signer.public_key_hex()).unwrap();
        (signer, verifier)
    })
}

/// Receipts as the phone reads them: parsing, canonical signing bytes and verification never
/// panic, and a receipt re-signed by the key verifies.
pub fn receipt(data: &[u8]) {
    let Ok(receipt) = serde_json::from_slice::<Receipt>(data) else {
        return;
    };
    let (signer, verifier) = receipt_keys();
    let delivery = Delivery {
        note_id: &receipt.note_id,
        content_hash: &receipt.content_hash,
        device_id: &receipt.device_id,
        worker_id: None,
    };
    let _ = verifier.verify_delivery(&receipt, &delivery);
    let signed = signer.sign(receipt.clone());
    verifier
        .verify(&signed, &receipt.note_id, &receipt.content_hash)
        .expect("a receipt signed by the key verifies");
}

/// BankID JSON: the RP client's responses and the simulator's requests never panic, and
/// the user message for any collect response can be chosen.
pub fn bankid_json(data: &[u8]) {
    if let Ok(collect) = serde_json::from_slice::<CollectResponse>(data) {
        let _ = rfa::for_collect(&collect, StartMethod::QrCode);
        let _ = rfa::for_collect(&collect, StartMethod::AutoStart);
        let _ = serde_json::to_vec(&collect);
    }
    let _ = serde_json::from_slice::<OrderResponse>(data);
    let _ = serde_json::from_slice::<ErrorBody>(data);
    let _ = serde_json::from_slice::<AuthRequest>(data);
    let _ = serde_json::from_slice::<SignRequest>(data);
    let _ = serde_json::from_slice::<PhoneAuthRequest>(data);
    let _ = serde_json::from_slice::<PhoneSignRequest>(data);
    let _ = serde_json::from_slice::<OrderRefRequest>(data);
}

fn test_ca() -> &'static Pki {
    static CA: OnceLock<(tempfile::TempDir, Pki)> = OnceLock::new();
    &CA.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        Pki::init(dir.path(), &["localhost".into()]).unwrap();
        let pki = Pki::load(dir.path()).unwrap();
        (dir, pki)
    })
    .1
}

/// The endpoint's handling of a phone's CSR at enrollment: parsing and signing by the CA.
pub fn csr(data: &[u8]) {
    let Ok(pem) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(csr) = parse_csr(pem) {
        let _ = test_ca().sign_device_csr(csr, "dev-fuzz", time::Duration::days(1));
    }
}

/// The CTranslate2 model.bin reader used by the model converter.
pub fn ct2_header(data: &[u8]) {
    if let Ok(model) = samtal_models::ct2::Ct2Model::parse(data) {
        for variable in model.variables.values() {
            let _ = variable.to_f32();
            let _ = variable.scalar_int();
        }
    }
}

/// The drafter's language data as a municipality adds it (`<templates>/lang/sv.toml`): read,
/// checked, merged into the built-in Swedish data and compiled, through a file in /dev/shm.
pub fn language_data(data: &[u8]) {
    let shm = std::path::Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = tempfile::tempdir_in(base).expect("temporary directory");
    std::fs::write(dir.path().join("sv.toml"), data).expect("write");
    let _ = samtal_draft::language::Languages::with_dir(dir.path());
}

/// The whisper.cpp ggml header check that stands between a model file and whisper.cpp:
/// whatever it accepts is a Whisper model whose tensors it counted.
pub fn ggml_header(data: &[u8]) {
    if let Ok(head) = samtal_models::header::check_whisper_ggml_bytes(data) {
        assert!(head.tensors > 0 && head.n_audio_layer > 0 && head.n_text_layer > 0);
    }
}

/// The GGUF header check in front of the language model's loader: whatever it accepts has
/// its tensor data inside the file, aligned as it says.
pub fn gguf_header(data: &[u8]) {
    if let Ok(head) = samtal_models::header::check_gguf_bytes(data) {
        assert!(head.alignment.is_power_of_two());
        assert!(head.data_start <= data.len() as u64);
        assert!(head.data_start.is_multiple_of(head.alignment));
    }
}
