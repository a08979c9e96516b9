//! Writer for whisper.cpp's legacy ggml model file: hyper-parameters, mel filterbank,
//! vocabulary, then tensors (dims innermost first).
use std::io::{self, Write};

pub const MAGIC: u32 = 0x6767_6d6c;
/// whisper.cpp stores `ftype + GGML_QNT_VERSION * 1000` for quantized files.
const QNT_VERSION_FACTOR: i32 = 1000;
const QNT_VERSION: i32 = 2;
const Q8_0_BLOCK: usize = 32;

/// How the large matrices are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantization {
    F16,
    Q8_0,
}

impl Quantization {
    pub fn all() -> [Quantization; 2] {
        [Quantization::F16, Quantization::Q8_0]
    }

    pub fn name(self) -> &'static str {
        match self {
            Quantization::F16 => "f16",
            Quantization::Q8_0 => "q8_0",
        }
    }

    pub fn parse(s: &str) -> Option<Quantization> {
        Quantization::all().into_iter().find(|q| q.name() == s)
    }

    /// The file-level `ftype` header value.
    fn ftype(self) -> i32 {
        match self {
            Quantization::F16 => 1,
            Quantization::Q8_0 => 7 + QNT_VERSION * QNT_VERSION_FACTOR,
        }
    }
}

/// ggml element types used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
}

#[derive(Debug, Clone, Copy)]
pub struct HParams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
}

fn put_i32(w: &mut impl Write, v: i32) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

pub fn write_header(
    w: &mut impl Write,
    hp: &HParams,
    q: Quantization,
    mel: &[f32],
    vocab: &[Vec<u8>],
) -> io::Result<()> {
    w.write_all(&MAGIC.to_le_bytes())?;
    for v in [
        hp.n_vocab,
        hp.n_audio_ctx,
        hp.n_audio_state,
        hp.n_audio_head,
        hp.n_audio_layer,
        hp.n_text_ctx,
        hp.n_text_state,
        hp.n_text_head,
        hp.n_text_layer,
        hp.n_mels,
        q.ftype(),
    ] {
        put_i32(w, v)?;
    }
    put_i32(w, hp.n_mels)?;
    put_i32(w, (mel.len() / hp.n_mels as usize) as i32)?;
    for x in mel {
        w.write_all(&x.to_le_bytes())?;
    }
    put_i32(w, vocab.len() as i32)?;
    for token in vocab {
        put_i32(w, token.len() as i32)?;
        w.write_all(token)?;
    }
    Ok(())
}

/// Writes one tensor. `dims` are in PyTorch order (outermost first); `data` is row-major.
pub fn write_tensor(
    w: &mut impl Write,
    name: &str,
    dims: &[usize],
    data: &[f32],
    ty: TensorType,
) -> io::Result<()> {
    put_i32(w, dims.len() as i32)?;
    put_i32(w, name.len() as i32)?;
    put_i32(w, ty as i32)?;
    for d in dims.iter().rev() {
        put_i32(w, *d as i32)?;
    }
    w.write_all(name.as_bytes())?;
    match ty {
        TensorType::F32 => {
            for x in data {
                w.write_all(&x.to_le_bytes())?;
            }
        }
        TensorType::F16 => {
            for x in data {
                w.write_all(&half::f16::from_f32(*x).to_le_bytes())?;
            }
        }
        TensorType::Q8_0 => w.write_all(&quantize_q8_0(data))?,
    }
    Ok(())
}

/// ggml's reference Q8_0: blocks of 32 values, an f16 scale `max|x|/127` and 32 i8.
pub fn quantize_q8_0(data: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / Q8_0_BLOCK * (2 + Q8_0_BLOCK));
    for block in data.chunks(Q8_0_BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        for x in block {
            out.push((x * id).round() as i8 as u8);
        }
    }
    out
}

/// Whether a row length can be stored as Q8_0.
pub fn q8_0_fits(row_len: usize) -> bool {
    row_len.is_multiple_of(Q8_0_BLOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q8_0_round_trips_within_a_quantization_step() {
        let data: Vec<f32> = (0..64).map(|i| (i as f32 - 31.5) / 10.0).collect();
        let q = quantize_q8_0(&data);
        assert_eq!(q.len(), 2 * 34);
        for (b, block) in q.chunks(34).zip(data.chunks(32)) {
            let d = half::f16::from_le_bytes([b[0], b[1]]).to_f32();
            for (i, x) in block.iter().enumerate() {
                let back = b[2 + i] as i8 as f32 * d;
                assert!((back - x).abs() <= d, "{back} vs {x}");
            }
        }
    }

    #[test]
    fn quantized_ftype_carries_the_quantization_version() {
        assert_eq!(Quantization::Q8_0.ftype() % 1000, 7);
        assert_eq!(Quantization::F16.ftype(), 1);
    }
}
