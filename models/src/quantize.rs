//! ggml's block formats, written as ggml's reference quantizers write them (the ones its
//! tools use to make model files): blocks of 32 values with an f16 scale (and, for the `_1`
//! formats, an f16 minimum). Plain f32 arithmetic without fused multiply-adds, so the same
//! weights give the same bytes on every machine and the manifest can pin their checksums.
use crate::ggml_type::GgmlType;
use half::f16;

pub const BLOCK: usize = 32;

/// Quantizes `data` (rows a multiple of 32 long, row-major) into `ty`'s blocks.
pub fn quantize(ty: GgmlType, data: &[f32]) -> Vec<u8> {
    debug_assert!(data.len().is_multiple_of(BLOCK));
    let block_bytes = ty.block_bytes() as usize;
    let mut out = Vec::with_capacity(data.len() / BLOCK * block_bytes);
    for block in data.chunks_exact(BLOCK) {
        let block: &[f32; BLOCK] = block.try_into().expect("chunks of BLOCK");
        match ty {
            GgmlType::Q8_0 => q8_0(block, &mut out),
            GgmlType::Q5_0 => q5_0(block, &mut out),
            GgmlType::Q5_1 => q5_1(block, &mut out),
            GgmlType::Q4_0 => q4_0(block, &mut out),
            other => unreachable!("{} is not a block format written here", other.name()),
        }
    }
    out
}

fn half(x: f32) -> [u8; 2] {
    f16::from_f32(x).to_le_bytes()
}

/// The value of largest magnitude, with its sign (the first such, as ggml picks it).
fn signed_max(block: &[f32; BLOCK]) -> f32 {
    let (mut amax, mut max) = (0.0f32, 0.0f32);
    for &v in block {
        if amax < v.abs() {
            amax = v.abs();
            max = v;
        }
    }
    max
}

fn min_max(block: &[f32; BLOCK]) -> (f32, f32) {
    block
        .iter()
        .fold((f32::MAX, -f32::MAX), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

fn inverse(d: f32) -> f32 {
    if d != 0.0 {
        1.0 / d
    } else {
        0.0
    }
}

/// Scale `max|x|/127`, 32 signed bytes.
fn q8_0(block: &[f32; BLOCK], out: &mut Vec<u8>) {
    let amax = block.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let d = amax / 127.0;
    let id = inverse(d);
    out.extend_from_slice(&half(d));
    out.extend(block.iter().map(|x| (x * id).round() as i8 as u8));
}

/// Scale `max/-8` (the signed extreme maps to -8), 4-bit values offset by 8, two per byte:
/// the low nibbles hold the first half of the block, the high nibbles the second.
fn q4_0(block: &[f32; BLOCK], out: &mut Vec<u8>) {
    let d = signed_max(block) / -8.0;
    let id = inverse(d);
    out.extend_from_slice(&half(d));
    let q = |x: f32| ((x * id + 8.5) as i8).min(15) as u8;
    out.extend((0..BLOCK / 2).map(|j| q(block[j]) | (q(block[j + BLOCK / 2]) << 4)));
}

/// Like q4_0 with 5 bits: scale `max/-16`, low nibbles as in q4_0, the fifth bits in a
/// 32-bit word (bit j for value j).
fn q5_0(block: &[f32; BLOCK], out: &mut Vec<u8>) {
    let d = signed_max(block) / -16.0;
    let id = inverse(d);
    let q: Vec<u8> = block
        .iter()
        .map(|&x| ((x * id + 16.5) as i8).min(31) as u8)
        .collect();
    out.extend_from_slice(&half(d));
    push_5bit(&q, out);
}

/// Scale `(max-min)/31` and minimum: values are `min + d·q` with q in 0..=31.
fn q5_1(block: &[f32; BLOCK], out: &mut Vec<u8>) {
    let (min, max) = min_max(block);
    let d = (max - min) / 31.0;
    let id = inverse(d);
    let q: Vec<u8> = block
        .iter()
        .map(|&x| ((x - min) * id + 0.5) as u8)
        .collect();
    out.extend_from_slice(&half(d));
    out.extend_from_slice(&half(min));
    push_5bit(&q, out);
}

/// The fifth bits as a little-endian word, then the low nibbles two per byte.
fn push_5bit(q: &[u8], out: &mut Vec<u8>) {
    let high = q
        .iter()
        .enumerate()
        .fold(0u32, |h, (j, &v)| h | (u32::from(v >> 4 & 1) << j));
    out.extend_from_slice(&high.to_le_bytes());
    out.extend((0..BLOCK / 2).map(|j| (q[j] & 0x0f) | ((q[j + BLOCK / 2] & 0x0f) << 4)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ggml's reference dequantizers (`dequantize_row_*` in ggml-quants.c), per block.
    fn dequantize(ty: GgmlType, b: &[u8]) -> Vec<f32> {
        let f = |at: usize| f16::from_le_bytes([b[at], b[at + 1]]).to_f32();
        let nibble = |qs: &[u8], j: usize| {
            if j < 16 {
                qs[j] & 0x0f
            } else {
                qs[j - 16] >> 4
            }
        };
        match ty {
            GgmlType::Q8_0 => (0..32).map(|j| b[2 + j] as i8 as f32 * f(0)).collect(),
            GgmlType::Q4_0 => (0..32)
                .map(|j| (nibble(&b[2..], j) as f32 - 8.0) * f(0))
                .collect(),
            GgmlType::Q5_0 | GgmlType::Q5_1 => {
                let at = if ty == GgmlType::Q5_0 { 2 } else { 4 };
                let high = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
                (0..32)
                    .map(|j| {
                        let q = nibble(&b[at + 4..], j) | (((high >> j) & 1) as u8) << 4;
                        if ty == GgmlType::Q5_0 {
                            (q as f32 - 16.0) * f(0)
                        } else {
                            q as f32 * f(0) + f(2)
                        }
                    })
                    .collect()
            }
            _ => unreachable!(),
        }
    }

    fn sample() -> Vec<f32> {
        // Weights-like values of both signs and magnitudes, plus a zero block.
        let mut v: Vec<f32> = (0..96)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 40.0 * if i % 5 == 0 { 3.0 } else { 1.0 })
            .collect();
        v.extend([0.0; 32]);
        v
    }

    #[test]
    fn every_block_format_decodes_within_one_step() {
        let data = sample();
        for (ty, steps) in [
            (GgmlType::Q8_0, 127.0),
            (GgmlType::Q5_1, 31.0),
            (GgmlType::Q5_0, 16.0),
            (GgmlType::Q4_0, 8.0),
        ] {
            let bytes = quantize(ty, &data);
            let per_block = ty.block_bytes() as usize;
            assert_eq!(bytes.len(), data.len() / 32 * per_block, "{}", ty.name());
            for (b, x) in bytes.chunks(per_block).zip(data.chunks(32)) {
                let back = dequantize(ty, b);
                let (lo, hi) = min_max(x.try_into().unwrap());
                let range = if ty == GgmlType::Q5_1 {
                    hi - lo
                } else {
                    lo.abs().max(hi.abs())
                };
                // One quantization step, plus the f16 rounding of the scale.
                let step = range / steps * 1.002 + 1e-6;
                for (a, e) in back.iter().zip(x) {
                    assert!((a - e).abs() <= step, "{}: {a} vs {e}", ty.name());
                }
            }
        }
    }

    #[test]
    fn layout_matches_ggml_for_a_known_block() {
        // 0..31 scaled: the extreme is +31 at index 31, so q4_0's scale is -31/8.
        let data: Vec<f32> = (0..32).map(|i| i as f32).collect();
        let b = quantize(GgmlType::Q4_0, &data);
        assert_eq!(f16::from_le_bytes([b[0], b[1]]).to_f32(), -3.875);
        // x=0 → 8; x=16 → 16·(-8/31)+8.5 = 4.37 → 4; packed low|high<<4.
        assert_eq!(b[2], 8 | (4 << 4));
        let b = quantize(GgmlType::Q5_1, &data);
        assert_eq!(f16::from_le_bytes([b[0], b[1]]).to_f32(), 1.0);
        assert_eq!(f16::from_le_bytes([b[2], b[3]]).to_f32(), 0.0);
        // q = i: the fifth bit is set for 16..31.
        assert_eq!(u32::from_le_bytes(b[4..8].try_into().unwrap()), 0xffff_0000);
        assert_eq!((b[8], b[9]), (0x00, 0x11));
    }
}
