//! Writer for whisper.cpp's legacy ggml model file: hyper-parameters, mel filterbank,
//! vocabulary, then tensors (dims innermost first).
use crate::ggml_type::GgmlType;
use crate::quantize;
use std::io::{self, Write};

pub const MAGIC: u32 = 0x6767_6d6c;
/// whisper.cpp stores `ftype + GGML_QNT_VERSION * 1000` for quantized files.
pub const QNT_VERSION_FACTOR: i32 = 1000;
const QNT_VERSION: i32 = 2;

/// How the large matrices are stored: f16, or one of ggml's 32-value block formats
/// (bits per weight: q8_0 8.5, q5_1 6, q5_0 5.5, q4_0 4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantization {
    F16,
    Q8_0,
    Q5_1,
    Q5_0,
    Q4_0,
}

impl Quantization {
    /// The format the app loads, also on phones with little memory (README, Performance: as
    /// accurate as q8_0 and f16 as far as measured, 25 MB less than q8_0; q4_0, 8 MB
    /// smaller still, was clearly less accurate).
    pub const DEFAULT: Quantization = Quantization::Q5_0;

    pub fn all() -> [Quantization; 5] {
        [
            Quantization::F16,
            Quantization::Q8_0,
            Quantization::Q5_1,
            Quantization::Q5_0,
            Quantization::Q4_0,
        ]
    }

    pub fn name(self) -> &'static str {
        self.matrix_type().name()
    }

    pub fn parse(s: &str) -> Option<Quantization> {
        Quantization::all().into_iter().find(|q| q.name() == s)
    }

    /// The names, for messages: `f16, q8_0, …`.
    pub fn names() -> String {
        Quantization::all().map(Quantization::name).join(", ")
    }

    /// The element type of the large matrices.
    pub fn matrix_type(self) -> GgmlType {
        match self {
            Quantization::F16 => GgmlType::F16,
            Quantization::Q8_0 => GgmlType::Q8_0,
            Quantization::Q5_1 => GgmlType::Q5_1,
            Quantization::Q5_0 => GgmlType::Q5_0,
            Quantization::Q4_0 => GgmlType::Q4_0,
        }
    }

    /// ggml's file type (`GGML_FTYPE_MOSTLY_*`), without the quantization version.
    pub(crate) fn ftype_base(self) -> i32 {
        match self {
            Quantization::F16 => 1,
            Quantization::Q8_0 => 7,
            Quantization::Q5_1 => 9,
            Quantization::Q5_0 => 8,
            Quantization::Q4_0 => 2,
        }
    }

    /// The file-level `ftype` header value.
    fn ftype(self) -> i32 {
        match self {
            Quantization::F16 => self.ftype_base(),
            _ => self.ftype_base() + QNT_VERSION * QNT_VERSION_FACTOR,
        }
    }
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
    ty: GgmlType,
) -> io::Result<()> {
    put_i32(w, dims.len() as i32)?;
    put_i32(w, name.len() as i32)?;
    put_i32(w, ty.code() as i32)?;
    for d in dims.iter().rev() {
        put_i32(w, *d as i32)?;
    }
    w.write_all(name.as_bytes())?;
    match ty {
        GgmlType::F32 => {
            for x in data {
                w.write_all(&x.to_le_bytes())?;
            }
        }
        GgmlType::F16 => {
            for x in data {
                w.write_all(&half::f16::from_f32(*x).to_le_bytes())?;
            }
        }
        block => w.write_all(&quantize::quantize(block, data))?,
    }
    Ok(())
}

/// Whether rows of this length can be stored in `ty` (whole blocks).
pub fn row_fits(ty: GgmlType, row_len: usize) -> bool {
    row_len > 0 && (row_len as u64).is_multiple_of(ty.block_len())
}

impl std::fmt::Display for Quantization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantized_ftype_carries_the_quantization_version() {
        assert_eq!(Quantization::Q8_0.ftype(), 2007);
        assert_eq!(Quantization::Q5_1.ftype(), 2009);
        assert_eq!(Quantization::Q5_0.ftype(), 2008);
        assert_eq!(Quantization::Q4_0.ftype(), 2002);
        assert_eq!(Quantization::F16.ftype(), 1);
    }

    #[test]
    fn names_parse_back() {
        for q in Quantization::all() {
            assert_eq!(Quantization::parse(q.name()), Some(q));
        }
        assert_eq!(Quantization::parse("q4_1"), None);
    }
}
