//! Checks a whisper.cpp ggml file before whisper.cpp reads it. whisper.cpp's loader trusts
//! the header: a tensor with more than four dimensions overruns a stack array, a negative
//! name length or an unknown type code crashes it, and odd hyper-parameters make it
//! allocate without bound. Here every count, length, dimension and type is bounded, the
//! hyper-parameters must describe a Whisper model, and the tensors must be exactly the ones
//! whisper.cpp will create for them (names, shapes, types), each once, with their data
//! inside the file and nothing after the last one.
use super::reader::{Bounded, Result};
use crate::ggml::{MAGIC, QNT_VERSION_FACTOR};
use crate::ggml_type::GgmlType;
use std::collections::HashMap;
use std::io::{Read, Seek};

/// Whisper's fixed audio geometry: 30 s windows (1500 encoder frames), 448 text positions,
/// 400-sample FFT (201 bins).
const AUDIO_CTX: i32 = 1500;
const TEXT_CTX: i32 = 448;
const FFT_BINS: i32 = 201;
/// Vocabulary sizes of the released Whisper models: English-only, multilingual, large-v3.
const VOCAB_SIZES: [i32; 3] = [51_864, 51_865, 51_866];
const MAX_STATE: i32 = 4096;
const MAX_HEADS: i32 = 64;
const MAX_LAYERS: i32 = 64;
/// Longer than any token of Whisper's byte-level BPE vocabulary.
const MAX_TOKEN_BYTES: i32 = 1024;
const MAX_NAME_BYTES: i32 = 128;
const MAX_DIMS: i32 = 4;

/// What the header says, once every check has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhisperGgml {
    pub n_vocab: i32,
    pub n_state: i32,
    pub n_audio_layer: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// Element type of the large matrices (the file's ftype).
    pub matrix_type: GgmlType,
    pub tensors: usize,
}

/// One tensor whisper.cpp creates: dims innermost first, padded with 1 to four.
struct Expected {
    ty: GgmlType,
    dims: [i64; 4],
}

/// Reads and checks the whole structure of a whisper.cpp ggml file; the tensor data is
/// skipped, not read. Never panics and never allocates more than the file could hold.
pub fn read_whisper_ggml<R: Read + Seek>(reader: R) -> Result<WhisperGgml> {
    let mut r = Bounded::new(reader)?;
    if r.u32("the magic number")? != MAGIC {
        return r.invalid(0, "not a whisper.cpp ggml file (bad magic number)");
    }
    let mut hp = [0i32; 11];
    for v in hp.iter_mut() {
        *v = r.i32("the hyper-parameters")?;
    }
    let [n_vocab, audio_ctx, audio_state, audio_head, audio_layer, text_ctx, text_state, text_head, text_layer, n_mels, ftype] =
        hp;
    let field = |i: u64| 4 + 4 * i;
    if !VOCAB_SIZES.contains(&n_vocab) {
        return r.invalid(
            field(0),
            format!("vocabulary size {n_vocab} is not Whisper's"),
        );
    }
    if audio_ctx != AUDIO_CTX || text_ctx != TEXT_CTX {
        return r.invalid(
            field(1),
            format!("contexts {audio_ctx}/{text_ctx} are not Whisper's {AUDIO_CTX}/{TEXT_CTX}"),
        );
    }
    if audio_state != text_state || !(1..=MAX_STATE).contains(&audio_state) {
        return r.invalid(
            field(2),
            format!("model widths {audio_state}/{text_state} must be equal and 1..={MAX_STATE}"),
        );
    }
    for (i, heads) in [(3, audio_head), (7, text_head)] {
        if !(1..=MAX_HEADS).contains(&heads) || audio_state % heads != 0 {
            return r.invalid(
                field(i),
                format!("{heads} attention heads do not divide width {audio_state}"),
            );
        }
    }
    for (i, layers) in [(4, audio_layer), (8, text_layer)] {
        if !(1..=MAX_LAYERS).contains(&layers) {
            return r.invalid(field(i), format!("{layers} layers (1..={MAX_LAYERS})"));
        }
    }
    if n_mels != 80 && n_mels != 128 {
        return r.invalid(
            field(9),
            format!("{n_mels} mel bands (Whisper has 80 or 128)"),
        );
    }
    let Some(matrix_type) = matrix_type(ftype) else {
        return r.invalid(field(10), format!("unknown file type {ftype}"));
    };

    let at = r.pos();
    let (rows, cols) = (r.i32("the mel filterbank")?, r.i32("the mel filterbank")?);
    if rows != n_mels || cols != FFT_BINS {
        return r.invalid(
            at,
            format!("mel filterbank is {rows}×{cols}, expected {n_mels}×{FFT_BINS}"),
        );
    }
    r.skip((rows * cols) as u64 * 4, "the mel filterbank")?;

    let at = r.pos();
    let tokens = r.i32("the vocabulary size")?;
    if !(1..=n_vocab).contains(&tokens) {
        return r.invalid(at, format!("{tokens} vocabulary entries (1..={n_vocab})"));
    }
    for i in 0..tokens {
        let at = r.pos();
        let len = r.i32("a token length")?;
        if !(0..=MAX_TOKEN_BYTES).contains(&len) {
            return r.invalid(at, format!("token {i} has length {len}"));
        }
        r.skip(len as u64, "a token")?;
    }

    let mut expected = expected_tensors(
        n_vocab,
        audio_state,
        audio_layer,
        text_layer,
        n_mels,
        matrix_type,
    );
    let total = expected.len();
    while !r.at_end() {
        tensor(&mut r, &mut expected)?;
    }
    if let Some(missing) = expected.keys().min() {
        return r.invalid(
            r.len(),
            format!(
                "{} of {total} tensors are missing (first: {missing})",
                expected.len()
            ),
        );
    }
    Ok(WhisperGgml {
        n_vocab,
        n_state: audio_state,
        n_audio_layer: audio_layer,
        n_text_layer: text_layer,
        n_mels,
        matrix_type,
        tensors: total,
    })
}

/// The matrix type of a file type, if whisper.cpp supports it; quantized files carry
/// ggml's quantization version (at most 2) in the thousands.
fn matrix_type(ftype: i32) -> Option<GgmlType> {
    if ftype < 0 || ftype / QNT_VERSION_FACTOR > 2 {
        return None;
    }
    Some(match ftype % QNT_VERSION_FACTOR {
        0 => GgmlType::F32,
        1 => GgmlType::F16,
        2 => GgmlType::Q4_0,
        3 => GgmlType::Q4_1,
        7 => GgmlType::Q8_0,
        8 => GgmlType::Q5_0,
        9 => GgmlType::Q5_1,
        10 => GgmlType::Q2K,
        11 => GgmlType::Q3K,
        12 => GgmlType::Q4K,
        13 => GgmlType::Q5K,
        14 => GgmlType::Q6K,
        _ => return None,
    })
}

/// Reads one tensor header, checks it against what whisper.cpp expects under that name,
/// and skips its data.
fn tensor<R: Read + Seek>(
    r: &mut Bounded<R>,
    expected: &mut HashMap<String, Expected>,
) -> Result<()> {
    let at = r.pos();
    let n_dims = r.i32("a tensor header")?;
    let name_len = r.i32("a tensor header")?;
    let code = r.i32("a tensor header")?;
    if !(1..=MAX_DIMS).contains(&n_dims) {
        return r.invalid(
            at,
            format!("a tensor has {n_dims} dimensions (1..={MAX_DIMS})"),
        );
    }
    if !(1..=MAX_NAME_BYTES).contains(&name_len) {
        return r.invalid(at + 4, format!("a tensor name is {name_len} bytes long"));
    }
    let Some(ty) = u32::try_from(code).ok().and_then(GgmlType::from_code) else {
        return r.invalid(at + 8, format!("a tensor has unknown type {code}"));
    };
    let mut dims = [1i64; 4];
    for d in dims.iter_mut().take(n_dims as usize) {
        let at = r.pos();
        let v = r.i32("tensor dimensions")?;
        if v < 1 {
            return r.invalid(at, format!("a tensor dimension is {v}"));
        }
        *d = i64::from(v);
    }
    let name_at = r.pos();
    let name = r.bytes(name_len as u64, "a tensor name")?;
    let name = String::from_utf8_lossy(&name).into_owned();
    let Some(want) = expected.remove(&name) else {
        return r.invalid(
            name_at,
            format!("tensor {name:?} is not part of this model or appears twice"),
        );
    };
    if dims != want.dims {
        return r.invalid(
            at,
            format!("tensor {name} has shape {dims:?}, expected {:?}", want.dims),
        );
    }
    if ty != want.ty {
        return r.invalid(
            at + 8,
            format!(
                "tensor {name} is {}, expected {}",
                ty.name(),
                want.ty.name()
            ),
        );
    }
    let elements = dims.iter().product::<i64>() as u64;
    let Some(bytes) = ty.tensor_bytes(dims[0] as u64, elements) else {
        return r.invalid(
            at,
            format!(
                "tensor {name}: rows of {} do not fit {} blocks",
                dims[0],
                ty.name()
            ),
        );
    };
    r.skip(bytes, &format!("the data of tensor {name}"))
}

/// Every tensor whisper.cpp creates for these hyper-parameters (whisper_model_load).
fn expected_tensors(
    n_vocab: i32,
    state: i32,
    audio_layers: i32,
    text_layers: i32,
    n_mels: i32,
    wtype: GgmlType,
) -> HashMap<String, Expected> {
    let (n, v, mels) = (i64::from(state), i64::from(n_vocab), i64::from(n_mels));
    let conv = if wtype == GgmlType::F32 {
        GgmlType::F32
    } else {
        GgmlType::F16
    };
    let f32_ = GgmlType::F32;
    let mut out = HashMap::new();
    let o = &mut out;
    add(
        o,
        "encoder.positional_embedding",
        f32_,
        &[n, AUDIO_CTX.into()],
    );
    add(o, "encoder.conv1.weight", conv, &[3, mels, n]);
    add(o, "encoder.conv1.bias", f32_, &[1, n]);
    add(o, "encoder.conv2.weight", conv, &[3, n, n]);
    add(o, "encoder.conv2.bias", f32_, &[1, n]);
    add(o, "encoder.ln_post.weight", f32_, &[n]);
    add(o, "encoder.ln_post.bias", f32_, &[n]);
    add(
        o,
        "decoder.positional_embedding",
        f32_,
        &[n, TEXT_CTX.into()],
    );
    add(o, "decoder.token_embedding.weight", wtype, &[n, v]);
    add(o, "decoder.ln.weight", f32_, &[n]);
    add(o, "decoder.ln.bias", f32_, &[n]);
    let layers = (0..audio_layers)
        .map(|i| (format!("encoder.blocks.{i}"), false))
        .chain((0..text_layers).map(|i| (format!("decoder.blocks.{i}"), true)));
    for (p, cross) in layers {
        let norms: &[&str] = if cross {
            &["mlp_ln", "attn_ln", "cross_attn_ln"]
        } else {
            &["mlp_ln", "attn_ln"]
        };
        for ln in norms {
            add(o, &format!("{p}.{ln}.weight"), f32_, &[n]);
            add(o, &format!("{p}.{ln}.bias"), f32_, &[n]);
        }
        add(o, &format!("{p}.mlp.0.weight"), wtype, &[n, 4 * n]);
        add(o, &format!("{p}.mlp.0.bias"), f32_, &[4 * n]);
        add(o, &format!("{p}.mlp.2.weight"), wtype, &[4 * n, n]);
        add(o, &format!("{p}.mlp.2.bias"), f32_, &[n]);
        let attentions: &[&str] = if cross {
            &["attn", "cross_attn"]
        } else {
            &["attn"]
        };
        for a in attentions {
            for part in ["query", "key", "value", "out"] {
                add(o, &format!("{p}.{a}.{part}.weight"), wtype, &[n, n]);
                // Whisper's keys have no bias.
                if part != "key" {
                    add(o, &format!("{p}.{a}.{part}.bias"), f32_, &[n]);
                }
            }
        }
    }
    out
}

fn add(out: &mut HashMap<String, Expected>, name: &str, ty: GgmlType, d: &[i64]) {
    let mut dims = [1i64; 4];
    dims[..d.len()].copy_from_slice(d);
    out.insert(name.to_string(), Expected { ty, dims });
}
