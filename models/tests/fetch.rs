//! Fetch, convert, install and verify, on a small synthetic CTranslate2 Whisper model built
//! here (same format as the real ones, tiny dimensions) so every failure path is exercised.
use samtal_models::{fetch, Manifest, ModelError, ModelStore, Outcome, Quantization};
use sha2::{Digest, Sha256};
use std::path::Path;

const STATE: usize = 64;
const VOCAB: usize = 51_864;

struct Ct2 {
    bytes: Vec<u8>,
    count: u32,
}

impl Ct2 {
    fn string(&mut self, s: &str) {
        self.bytes
            .extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
        self.bytes.extend_from_slice(s.as_bytes());
        self.bytes.push(0);
    }

    fn var(&mut self, name: &str, dims: &[usize], fill: impl Fn(usize) -> f32) {
        self.count += 1;
        self.string(name);
        self.bytes.push(dims.len() as u8);
        for d in dims {
            self.bytes.extend_from_slice(&(*d as u32).to_le_bytes());
        }
        self.bytes.push(4); // f16
        let n: usize = dims.iter().product();
        self.bytes
            .extend_from_slice(&((n * 2) as u32).to_le_bytes());
        for i in 0..n {
            self.bytes
                .extend_from_slice(&half::f16::from_f32(fill(i)).to_le_bytes());
        }
    }

    fn scalar_i16(&mut self, name: &str, v: i16) {
        self.count += 1;
        self.string(name);
        self.bytes.push(0);
        self.bytes.push(2);
        self.bytes.extend_from_slice(&2u32.to_le_bytes());
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
}

/// One encoder and one decoder layer; fused Q|K|V rows hold 1.0 | 2.0 | 3.0.
fn synthetic_model() -> Vec<u8> {
    let mut m = Ct2 {
        bytes: Vec::new(),
        count: 0,
    };
    let n = STATE;
    let qkv = move |i: usize| (i / (n * n) + 1) as f32;
    let small = |i: usize| (i % 7) as f32 / 100.0;
    m.var("encoder/conv1/weight", &[n, 80, 3], small);
    m.var("encoder/conv1/bias", &[n], small);
    m.var("encoder/conv2/weight", &[n, n, 3], small);
    m.var("encoder/conv2/bias", &[n], small);
    m.var("encoder/position_encodings/encodings", &[1500, n], small);
    m.var("encoder/layer_norm/gamma", &[n], small);
    m.var("encoder/layer_norm/beta", &[n], small);
    m.scalar_i16("encoder/num_heads", 2);
    m.var("decoder/embeddings/weight", &[VOCAB, n], small);
    m.var("decoder/position_encodings/encodings", &[448, n], small);
    m.var("decoder/layer_norm/gamma", &[n], small);
    m.var("decoder/layer_norm/beta", &[n], small);
    m.scalar_i16("decoder/num_heads", 2);
    for side in ["encoder", "decoder"] {
        let l = format!("{side}/layer_0");
        for norm in ["self_attention/layer_norm", "ffn/layer_norm"] {
            m.var(&format!("{l}/{norm}/gamma"), &[n], small);
            m.var(&format!("{l}/{norm}/beta"), &[n], small);
        }
        m.var(
            &format!("{l}/self_attention/linear_0/weight"),
            &[3 * n, n],
            qkv,
        );
        m.var(
            &format!("{l}/self_attention/linear_0/bias"),
            &[3 * n],
            small,
        );
        m.var(
            &format!("{l}/self_attention/linear_1/weight"),
            &[n, n],
            small,
        );
        m.var(&format!("{l}/self_attention/linear_1/bias"), &[n], small);
        m.var(&format!("{l}/ffn/linear_0/weight"), &[4 * n, n], small);
        m.var(&format!("{l}/ffn/linear_0/bias"), &[4 * n], small);
        m.var(&format!("{l}/ffn/linear_1/weight"), &[n, 4 * n], small);
        m.var(&format!("{l}/ffn/linear_1/bias"), &[n], small);
        if side == "decoder" {
            m.var(&format!("{l}/attention/layer_norm/gamma"), &[n], small);
            m.var(&format!("{l}/attention/layer_norm/beta"), &[n], small);
            m.var(&format!("{l}/attention/linear_0/weight"), &[n, n], small);
            m.var(&format!("{l}/attention/linear_0/bias"), &[n], small);
            m.var(
                &format!("{l}/attention/linear_1/weight"),
                &[2 * n, n],
                small,
            );
            m.var(&format!("{l}/attention/linear_1/bias"), &[2 * n], small);
            m.var(&format!("{l}/attention/linear_2/weight"), &[n, n], small);
            m.var(&format!("{l}/attention/linear_2/bias"), &[n], small);
        }
    }
    let mut out = Vec::new();
    out.extend_from_slice(&6u32.to_le_bytes());
    let mut header = Ct2 {
        bytes: Vec::new(),
        count: 0,
    };
    header.string("WhisperSpec");
    out.extend_from_slice(&header.bytes);
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&m.count.to_le_bytes());
    out.extend_from_slice(&m.bytes);
    let mut alias = Ct2 {
        bytes: Vec::new(),
        count: 0,
    };
    alias.string("decoder/projection/weight");
    alias.string("decoder/embeddings/weight");
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&alias.bytes);
    out
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes the model, its tokenizer and a manifest with one `file` entry into `dir`.
fn setup(dir: &Path, model: &[u8], sha256: &str) -> Manifest {
    std::fs::write(dir.join("model.bin"), model).unwrap();
    std::fs::write(
        dir.join("tokenizer.json"),
        r#"{"model":{"vocab":{"!":0,"\u0120hej":1}}}"#,
    )
    .unwrap();
    let manifest = format!(
        r#"
[[model]]
id = "tiny-test"
kind = "whisper-ggml"
license = "MIT"
format = "ctranslate2"
sha256 = "{sha256}"
[model.source]
type = "file"
path = "model.bin"
tokenizer = "tokenizer.json"
"#
    );
    std::fs::write(dir.join("manifest.toml"), manifest).unwrap();
    Manifest::load(&dir.join("manifest.toml")).unwrap()
}

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
            other => panic!("unexpected type {other}"),
        };
        tensors.push((name, ty, dims, b[at..at + bytes.min(8)].to_vec()));
        at += bytes;
    }
    assert_eq!(at, b.len(), "file ends inside a tensor");
    (hp, tensors)
}

#[test]
fn converts_ctranslate2_to_ggml_f16_and_q8_0() {
    let dir = tempfile::tempdir().unwrap();
    let model = synthetic_model();
    let manifest = setup(dir.path(), &model, &sha(&model));
    let store = ModelStore::new(dir.path().join("cache"));
    let entry = manifest.get("tiny-test").unwrap();
    assert_eq!(
        fetch(&manifest, &store, entry, false).unwrap(),
        Outcome::Installed
    );
    assert_eq!(
        fetch(&manifest, &store, entry, false).unwrap(),
        Outcome::AlreadyInstalled
    );

    for (q, ftype, matrix_type) in [(Quantization::F16, 1, 1), (Quantization::Q8_0, 2007, 8)] {
        let path = store.whisper_model("tiny-test", q).unwrap();
        let (hp, tensors) = parse_ggml(&std::fs::read(path).unwrap());
        // n_vocab, audio ctx/state/head/layer, text ctx/state/head/layer, mels, ftype
        assert_eq!(
            hp,
            vec![VOCAB as i32, 1500, 64, 2, 1, 448, 64, 2, 1, 80, ftype]
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
    let store = ModelStore::new(dir.path().join("cache"));
    let err = fetch(&manifest, &store, manifest.get("tiny-test").unwrap(), false).unwrap_err();
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
    let store = ModelStore::new(dir.path().join("cache"));
    let err = fetch(&manifest, &store, manifest.get("tiny-test").unwrap(), false).unwrap_err();
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
    let manifest = setup(dir.path(), &model, &sha(&model));
    let store = ModelStore::new(dir.path().join("cache"));
    fetch(&manifest, &store, manifest.get("tiny-test").unwrap(), false).unwrap();
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
    let entry = manifest.get("tiny-test").unwrap();
    assert_eq!(
        fetch(&manifest, &store, entry, false).unwrap(),
        Outcome::Installed
    );
    store.whisper_model("tiny-test", Quantization::F16).unwrap();
}
