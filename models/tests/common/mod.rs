//! A small synthetic CTranslate2 Whisper model built here (same format as the real ones,
//! tiny dimensions) and the manifests that point at it, shared by the model tests.
#![allow(dead_code)]
use samtal_models::{fetch, Manifest, ModelStore, Quantization};
use sha2::{Digest, Sha256};
use std::path::Path;

pub const STATE: usize = 64;
pub const VOCAB: usize = 51_864;

pub struct Ct2 {
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
pub fn synthetic_model() -> Vec<u8> {
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

pub fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes the model, its tokenizer and a manifest with one `file` entry into `dir`.
pub fn setup(dir: &Path, model: &[u8], sha256: &str) -> Manifest {
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

/// A manifest for the synthetic model that also pins its conversions, as the built-in
/// manifest pins the real ones (found by converting once in a scratch cache).
pub fn setup_pinned(dir: &Path, model: &[u8]) -> Manifest {
    let manifest = setup(dir, model, &sha(model));
    let scratch = tempfile::tempdir().unwrap();
    let store = ModelStore::new(scratch.path()).with_manifest(manifest);
    fetch(&store, store.manifest().get("tiny-test").unwrap(), false).unwrap();
    let installed = store.installed("tiny-test").unwrap().unwrap();
    let mut text = std::fs::read_to_string(dir.join("manifest.toml")).unwrap();
    text.push_str("[model.converted]\n");
    for f in installed.files {
        let q = f.quantization.unwrap();
        text.push_str(&format!(
            "{q} = {{ size = {}, sha256 = \"{}\" }}\n",
            f.size, f.sha256
        ));
    }
    std::fs::write(dir.join("manifest.toml"), text).unwrap();
    Manifest::load(&dir.join("manifest.toml")).unwrap()
}

/// A store over `dir/cache` checked against `manifest`, with the model fetched.
pub fn installed(dir: &Path, manifest: Manifest) -> ModelStore {
    let store = ModelStore::new(dir.join("cache")).with_manifest(manifest);
    fetch(&store, store.manifest().get("tiny-test").unwrap(), false).unwrap();
    store
}

/// The converted file of the synthetic model in quantization `q`.
pub fn converted(store: &ModelStore, q: Quantization) -> std::path::PathBuf {
    store
        .model_dir("tiny-test")
        .join(format!("tiny-test-{}.bin", q.name()))
}
