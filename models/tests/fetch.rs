//! Fetch, convert, install and verify, on a small synthetic CTranslate2 Whisper model
//! (`common`) so every failure path is exercised.
mod common;

use common::{setup, setup_pinned, sha, synthetic_model, STATE, VOCAB};
use samtal_models::{fetch, ModelError, ModelStore, Outcome, Quantization};
use std::path::Path;

fn i32_at(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// A tensor as found in a ggml file: name, type, dims (innermost first), first data bytes.
type TensorHead = (String, i32, Vec<i32>, Vec<u8>);

/// Walks a ggml file; returns (hparams, tensors) and fails on any inconsistency.
fn parse_ggml(b: &[u8]) -> (Vec<i32>, Vec<TensorHead>) {
    assert_eq!(i32_at(b, 0) as u32, 0x6767_6d6c);
    let hp: Vec<i32> = (0..11).map(|i| i32_at(b, 4 + 4 * i)).collect();
    let mut at = 48;
    let (rows, cols) = (i32_at(b, at), i32_at(b, at + 4));
    assert_eq!((rows, cols), (80, 201));
    at += 8 + 4 * (rows * cols) as usize;
    let n_vocab = i32_at(b, at);
    assert_eq!(n_vocab, 50_257);
    at += 4;
    for _ in 0..n_vocab {
        at += 4 + i32_at(b, at) as usize;
    }
    let mut tensors = Vec::new();
    while at < b.len() {
        let (n_dims, name_len, ty) = (i32_at(b, at), i32_at(b, at + 4), i32_at(b, at + 8));
        at += 12;
        let dims: Vec<i32> = (0..n_dims as usize)
            .map(|i| i32_at(b, at + 4 * i))
            .collect();
        at += 4 * n_dims as usize;
        let name = String::from_utf8(b[at..at + name_len as usize].to_vec()).unwrap();
        at += name_len as usize;
        let elems: usize = dims.iter().map(|&d| d as usize).product();
        let bytes = match ty {
            0 => elems * 4,
            1 => elems * 2,
            8 => elems / 32 * 34,
            7 => elems / 32 * 24,
            6 => elems / 32 * 22,
            2 => elems / 32 * 18,
            other => panic!("unexpected type {other}"),
        };
        tensors.push((name, ty, dims, b[at..at + bytes.min(8)].to_vec()));
        at += bytes;
    }
    assert_eq!(at, b.len(), "file ends inside a tensor");
    (hp, tensors)
}

#[test]
fn converts_ctranslate2_to_ggml_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let model = synthetic_model();
    let manifest = setup_pinned(dir.path(), &model);
    let store = ModelStore::new(dir.path().join("cache")).with_manifest(manifest);
    let entry = store.manifest().get("tiny-test").unwrap();
    assert_eq!(fetch(&store, entry, false).unwrap(), Outcome::Installed);
    assert_eq!(
        fetch(&store, entry, false).unwrap(),
        Outcome::AlreadyInstalled
    );

    for (q, ftype, matrix_type) in [
        (Quantization::F16, 1, 1),
        (Quantization::Q8_0, 2007, 8),
        (Quantization::Q5_1, 2009, 7),
        (Quantization::Q5_0, 2008, 6),
        (Quantization::Q4_0, 2002, 2),
    ] {
        let path = store.whisper_model("tiny-test", q).unwrap();
        let bytes = std::fs::read(path).unwrap();
        let (hp, tensors) = parse_ggml(&bytes);
        // n_vocab, audio ctx/state/head/layer, text ctx/state/head/layer, mels, ftype
        assert_eq!(
            hp,
            vec![
                VOCAB as i32,
                1500,
                STATE as i32,
                2,
                1,
                448,
                64,
                2,
                1,
                80,
                ftype
            ]
        );
        assert_eq!(tensors.len(), 50);
        let find = |n: &str| {
            tensors
                .iter()
                .find(|t| t.0 == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        let key = find("encoder.blocks.0.attn.key.weight");
        assert_eq!((key.1, key.2.clone()), (matrix_type, vec![64, 64]));
        if q == Quantization::F16 {
            // The key is the second third of the fused matrix (all 2.0).
            assert_eq!(half::f16::from_le_bytes([key.3[0], key.3[1]]).to_f32(), 2.0);
        }
        assert!(!tensors.iter().any(|t| t.0.ends_with("attn.key.bias")));
        assert_eq!(find("encoder.conv1.bias").2, vec![1, 64]);
        assert_eq!(find("encoder.conv1.weight").1, 1);
        assert_eq!(find("decoder.positional_embedding").1, 0);
        assert_eq!(find("decoder.blocks.0.cross_attn.value.bias").2, vec![64]);
        let head = samtal_models::header::check_whisper_ggml_bytes(&bytes).unwrap();
        assert_eq!(head.matrix_type, q.matrix_type());
        assert_eq!(head.tensors, 50);
    }
    for (_, outcome) in store.verify("tiny-test").unwrap() {
        outcome.unwrap();
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    walk(dir)
        .into_iter()
        .filter(|p| !p.ends_with("/.work"))
        .collect()
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

#[test]
fn checksum_mismatch_names_the_file_and_installs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let model = synthetic_model();
    let manifest = setup(dir.path(), &model, &"0".repeat(64));
    let store = ModelStore::new(dir.path().join("cache")).with_manifest(manifest);
    let err = fetch(&store, store.manifest().get("tiny-test").unwrap(), false).unwrap_err();
    assert!(matches!(err, ModelError::Checksum { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("model.bin") && msg.contains(&sha(&model)),
        "{msg}"
    );
    assert!(
        leftovers(&dir.path().join("cache")).is_empty(),
        "{:?}",
        leftovers(&dir.path().join("cache"))
    );
}

#[test]
fn truncated_source_is_reported_as_corrupt_and_installs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = synthetic_model();
    model.truncate(model.len() - 1000);
    // The checksum matches the truncated bytes, so it is the converter that must notice.
    let manifest = setup(dir.path(), &model, &sha(&model));
    let store = ModelStore::new(dir.path().join("cache")).with_manifest(manifest);
    let err = fetch(&store, store.manifest().get("tiny-test").unwrap(), false).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ModelError::Corrupt { .. }), "{msg}");
    assert!(
        msg.contains("model.bin") && msg.contains("truncated"),
        "{msg}"
    );
    assert!(leftovers(&dir.path().join("cache")).is_empty());
}

#[test]
fn damaged_installed_model_is_refused_before_loading() {
    let dir = tempfile::tempdir().unwrap();
    let model = synthetic_model();
    let manifest = setup_pinned(dir.path(), &model);
    let store = ModelStore::new(dir.path().join("cache")).with_manifest(manifest);
    fetch(&store, store.manifest().get("tiny-test").unwrap(), false).unwrap();
    let f16 = store.whisper_model("tiny-test", Quantization::F16).unwrap();
    let q8 = store
        .whisper_model("tiny-test", Quantization::Q8_0)
        .unwrap();

    let mut bytes = std::fs::read(&f16).unwrap();
    bytes[5000] ^= 0xff;
    std::fs::write(&f16, &bytes).unwrap();
    let err = store
        .whisper_model("tiny-test", Quantization::F16)
        .unwrap_err();
    assert!(
        matches!(err, ModelError::Checksum { .. }) && err.to_string().contains("tiny-test-f16.bin"),
        "{err}"
    );

    let len = std::fs::metadata(&q8).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&q8)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let err = store
        .whisper_model("tiny-test", Quantization::Q8_0)
        .unwrap_err();
    assert!(
        matches!(err, ModelError::Size { .. }) && err.to_string().contains("truncated"),
        "{err}"
    );

    let failures = store
        .verify("tiny-test")
        .unwrap()
        .into_iter()
        .filter(|(_, o)| o.is_err())
        .count();
    assert_eq!(failures, 2);
    // A refetch repairs it.
    let entry = store.manifest().get("tiny-test").unwrap();
    assert_eq!(fetch(&store, entry, false).unwrap(), Outcome::Installed);
    store.whisper_model("tiny-test", Quantization::F16).unwrap();
}

#[test]
fn a_conversion_that_differs_from_its_pin_is_not_installed() {
    let dir = tempfile::tempdir().unwrap();
    let model = synthetic_model();
    let manifest = setup_pinned(dir.path(), &model);
    let text = std::fs::read_to_string(dir.path().join("manifest.toml")).unwrap();
    let q5 = text.lines().find(|l| l.starts_with("q5_0 =")).unwrap();
    let wrong = q5.replace(
        &manifest.get("tiny-test").unwrap().converted["q5_0"].sha256,
        &"ab".repeat(32),
    );
    std::fs::write(dir.path().join("manifest.toml"), text.replace(q5, &wrong)).unwrap();
    let manifest = samtal_models::Manifest::load(&dir.path().join("manifest.toml")).unwrap();
    let store = ModelStore::new(dir.path().join("cache")).with_manifest(manifest);
    let err = fetch(&store, store.manifest().get("tiny-test").unwrap(), false).unwrap_err();
    assert!(matches!(err, ModelError::Conversion { .. }), "{err}");
    assert!(err.to_string().contains("q5_0"), "{err}");
    let files = leftovers(&dir.path().join("cache"));
    assert!(
        !files
            .iter()
            .any(|f| f.ends_with("q5_0.bin") || f.ends_with("installed.json")),
        "{files:?}"
    );
}
