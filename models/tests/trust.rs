//! Model trust (issue 19, item 2): whoever can write the models directory cannot make the
//! app load a file the manifest does not pin, and a hostile header never reaches
//! whisper.cpp, even in a file the manifest does pin. Seals skip re-hashing only while a
//! file is unchanged.
mod common;

use common::{converted, installed, setup, setup_pinned, sha, synthetic_model};
use samtal_models::{Manifest, ModelError, ModelStore, Quantization, SealKey};
use std::path::Path;

/// Offset of the first tensor header of a whisper.cpp ggml file.
fn first_tensor(b: &[u8]) -> usize {
    let i32_at = |at: usize| i32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let mut at = 48;
    at += 8 + 4 * (i32_at(at) * i32_at(at + 4)) as usize;
    let tokens = i32_at(at);
    at += 4;
    for _ in 0..tokens {
        at += 4 + i32_at(at) as usize;
    }
    at
}

fn put_i32(b: &mut [u8], at: usize, v: i32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The hostile headers of issue 19, each with what the refusal must say.
fn hostile(valid: &[u8]) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let at = first_tensor(valid);
    let with = |field: usize, v: i32| {
        let mut b = valid.to_vec();
        put_i32(&mut b, at + field, v);
        b
    };
    vec![
        ("64 dimensions", with(0, 64), "64 dimensions"),
        ("negative name length", with(4, -1), "name is -1 bytes"),
        ("unknown type", with(8, 99), "unknown type 99"),
        // The first tensor is encoder.positional_embedding [64, 1500].
        ("an oversized dimension", with(16, 1 << 30), "shape"),
        (
            "data past the end",
            valid[..valid.len() - 100].to_vec(),
            "truncated",
        ),
    ]
}

fn a_valid_ggml_file() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let store = installed(dir.path(), setup_pinned(dir.path(), &synthetic_model()));
    std::fs::read(converted(&store, Quantization::F16)).unwrap()
}

#[test]
fn a_checksum_beside_the_model_cannot_vouch_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = synthetic_model();
    // installed.json is complete and right, but the manifest pins no conversion.
    let store = installed(dir.path(), setup(dir.path(), &model, &sha(&model)));
    for (_, outcome) in store.verify("tiny-test").unwrap() {
        assert!(matches!(outcome, Err(ModelError::Unpinned { .. })));
    }
    let err = store
        .whisper_model("tiny-test", Quantization::F16)
        .unwrap_err();
    assert!(matches!(err, ModelError::Unpinned { .. }), "{err}");
    assert!(err.to_string().contains("converted.f16"), "{err}");
}

#[test]
fn a_swapped_file_with_a_rewritten_record_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = installed(dir.path(), setup_pinned(dir.path(), &synthetic_model()));
    let f16 = converted(&store, Quantization::F16);
    let valid = std::fs::read(&f16).unwrap();
    for (case, bytes, _) in hostile(&valid) {
        std::fs::write(&f16, &bytes).unwrap();
        // What an attacker with write access to the directory would also do.
        let record = store.model_dir("tiny-test").join("installed.json");
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
        json["files"][0]["size"] = bytes.len().into();
        json["files"][0]["sha256"] = sha(&bytes).into();
        std::fs::write(&record, serde_json::to_vec(&json).unwrap()).unwrap();
        let err = store
            .whisper_model("tiny-test", Quantization::F16)
            .unwrap_err();
        assert!(
            matches!(err, ModelError::Size { .. } | ModelError::Checksum { .. }),
            "{case}: {err}"
        );
    }
}

/// A manifest whose `ggml` entry pins `file` itself: the checksum is right, so only the
/// header check stands between the file and whisper.cpp.
fn pinning(dir: &Path, bytes: &[u8]) -> ModelStore {
    let cache = dir.join("cache");
    std::fs::create_dir_all(cache.join("pinned")).unwrap();
    std::fs::write(cache.join("pinned/pinned.bin"), bytes).unwrap();
    let text = format!(
        "[[model]]\nid = \"pinned\"\nkind = \"whisper-ggml\"\nlicense = \"MIT\"\n\
         format = \"ggml\"\nsha256 = \"{}\"\nsize = {}\n[model.source]\ntype = \"file\"\n\
         path = \"pinned.bin\"\n",
        sha(bytes),
        bytes.len()
    );
    ModelStore::new(cache).with_manifest(Manifest::parse(&text, "test").unwrap())
}

#[test]
fn a_hostile_header_never_reaches_whisper_cpp_even_when_pinned() {
    let valid = a_valid_ggml_file();
    let dir = tempfile::tempdir().unwrap();
    pinning(dir.path(), &valid)
        .whisper_model("pinned", Quantization::F16)
        .unwrap();
    for (case, bytes, says) in hostile(&valid) {
        let dir = tempfile::tempdir().unwrap();
        let err = pinning(dir.path(), &bytes)
            .whisper_model("pinned", Quantization::F16)
            .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ModelError::Corrupt { .. }), "{case}: {msg}");
        assert!(
            msg.contains(says) && msg.contains("pinned.bin"),
            "{case}: {msg}"
        );
    }
}

#[test]
fn a_published_file_is_loaded_only_in_its_own_format() {
    let valid = a_valid_ggml_file();
    let dir = tempfile::tempdir().unwrap();
    let err = pinning(dir.path(), &valid)
        .whisper_model("pinned", Quantization::Q5_0)
        .unwrap_err();
    assert!(
        matches!(err, ModelError::Format { .. }) && err.to_string().contains("f16"),
        "{err}"
    );
}

#[test]
fn a_sealed_file_loads_unchanged_and_is_hashed_again_once_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = installed(dir.path(), setup_pinned(dir.path(), &synthetic_model()))
        .with_seal_key(SealKey::new([7; 32]));
    let q5 = converted(&store, Quantization::Q5_0);
    let seal = q5.with_file_name("tiny-test-q5_0.bin.seal");
    // Files changed in the last two seconds are not sealed.
    store
        .whisper_model("tiny-test", Quantization::Q5_0)
        .unwrap();
    assert!(!seal.exists());
    std::thread::sleep(std::time::Duration::from_millis(2100));
    store
        .whisper_model("tiny-test", Quantization::Q5_0)
        .unwrap();
    assert!(seal.exists());
    store
        .whisper_model("tiny-test", Quantization::Q5_0)
        .unwrap();

    // Another key does not trust the record, but the file itself is still right.
    let other = ModelStore::new(store.dir())
        .with_manifest(store.manifest().clone())
        .with_seal_key(SealKey::new([8; 32]));
    other
        .whisper_model("tiny-test", Quantization::Q5_0)
        .unwrap();

    let mut bytes = std::fs::read(&q5).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&q5, &bytes).unwrap();
    let err = store
        .whisper_model("tiny-test", Quantization::Q5_0)
        .unwrap_err();
    assert!(matches!(err, ModelError::Checksum { .. }), "{err}");
}
