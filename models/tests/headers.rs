//! The header readers on hand-made files: every bound holds, every refusal says where and
//! why, and nothing panics or allocates past the file on hostile input.
mod common;

use common::{converted, installed, setup_pinned, synthetic_model};
use samtal_models::header::{check_gguf_bytes, check_whisper_ggml_bytes};
use samtal_models::Quantization;

fn refused(result: Result<impl std::fmt::Debug, impl std::fmt::Display>, says: &str) {
    match result {
        Ok(v) => panic!("accepted ({says}): {v:?}"),
        Err(e) => assert!(e.to_string().contains(says), "{e} (wanted: {says})"),
    }
}

#[test]
fn whisper_headers_with_impossible_counts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = installed(dir.path(), setup_pinned(dir.path(), &synthetic_model()));
    let valid = std::fs::read(converted(&store, Quantization::Q4_0)).unwrap();
    check_whisper_ggml_bytes(&valid).unwrap();
    let with = |at: usize, v: i32| {
        let mut b = valid.clone();
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        b
    };
    let mel = 48;
    let vocab = mel + 8 + 80 * 201 * 4;
    refused(check_whisper_ggml_bytes(&with(0, 0x4655_4747)), "bad magic");
    refused(
        check_whisper_ggml_bytes(&with(4, 1 << 30)),
        "vocabulary size",
    );
    refused(check_whisper_ggml_bytes(&with(8, 1 << 30)), "contexts");
    refused(check_whisper_ggml_bytes(&with(16, 7)), "attention heads");
    refused(check_whisper_ggml_bytes(&with(20, -3)), "layers");
    refused(
        check_whisper_ggml_bytes(&with(44, 31)),
        "unknown file type 31",
    );
    refused(
        check_whisper_ggml_bytes(&with(44, 9007)),
        "unknown file type",
    );
    refused(
        check_whisper_ggml_bytes(&with(mel, i32::MAX)),
        "mel filterbank",
    );
    refused(
        check_whisper_ggml_bytes(&with(vocab, -1)),
        "vocabulary entries",
    );
    refused(check_whisper_ggml_bytes(&with(vocab + 4, -5)), "length -5");
    refused(
        check_whisper_ggml_bytes(&with(vocab + 4, 1 << 20)),
        "length",
    );
    // A layer more than the tensors give.
    refused(check_whisper_ggml_bytes(&with(20, 2)), "missing");
    // The q4_0 file's matrices claimed to be q8_0: sizes no longer add up.
    refused(
        check_whisper_ggml_bytes(&with(44, 2007)),
        "is q4_0, expected q8_0",
    );
    let mut trailing = valid.clone();
    trailing.extend_from_slice(&[0; 12]);
    refused(check_whisper_ggml_bytes(&trailing), "dimensions");
    for cut in [3, 40, 1000, valid.len() / 2, valid.len() - 1] {
        refused(check_whisper_ggml_bytes(&valid[..cut]), "truncated");
    }
}

/// A small GGUF file: a few metadata entries of every shape and two tensors.
struct Gguf {
    b: Vec<u8>,
}

impl Gguf {
    fn u32(&mut self, v: u32) -> &mut Self {
        self.b.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u64(&mut self, v: u64) -> &mut Self {
        self.b.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        self.b.extend_from_slice(s.as_bytes());
        self
    }
}

/// Field offsets in the file [`gguf`] builds.
struct Layout {
    kv_count: usize,
    array_count: usize,
    first_dims: usize,
    first_type: usize,
    second_offset: usize,
}

fn gguf() -> (Vec<u8>, Layout) {
    let mut g = Gguf { b: Vec::new() };
    g.b.extend_from_slice(b"GGUF");
    g.u32(3).u64(2);
    let kv_count = g.b.len();
    g.u64(4);
    g.str("general.architecture").u32(8).str("gemma3");
    g.str("general.alignment").u32(4).u32(32);
    g.str("tokenizer.ggml.tokens").u32(9).u32(8);
    let array_count = g.b.len();
    g.u64(3).str("<s>").str("a").str("b");
    g.str("gemma3.context_length").u32(4).u32(2048);
    g.str("token_embd.weight").u32(2);
    let first_dims = g.b.len();
    g.u64(32).u64(2);
    let first_type = g.b.len();
    g.u32(8).u64(0); // q8_0: 2 rows of one 34-byte block
    g.str("output_norm.weight").u32(1).u64(3).u32(0);
    let second_offset = g.b.len();
    g.u64(96); // 68 bytes, padded to 96
    while !g.b.len().is_multiple_of(32) {
        g.b.push(0);
    }
    g.b.extend(std::iter::repeat_n(1u8, 96 + 12));
    (
        g.b,
        Layout {
            kv_count,
            array_count,
            first_dims,
            first_type,
            second_offset,
        },
    )
}

#[test]
fn a_well_formed_gguf_is_read() {
    let (b, _) = gguf();
    let head = check_gguf_bytes(&b).unwrap();
    assert_eq!(head.architecture.as_deref(), Some("gemma3"));
    assert_eq!((head.tensors, head.keys, head.alignment), (2, 4, 32));
}

#[test]
fn gguf_headers_with_impossible_counts_are_refused() {
    let (valid, l) = gguf();
    let set = |at: usize, bytes: &[u8]| {
        let mut b = valid.clone();
        b[at..at + bytes.len()].copy_from_slice(bytes);
        b
    };
    refused(check_gguf_bytes(&set(0, b"GGML")), "bad magic");
    refused(check_gguf_bytes(&set(4, &1u32.to_le_bytes())), "version 1");
    refused(
        check_gguf_bytes(&set(8, &u64::MAX.to_le_bytes())),
        "tensors",
    );
    refused(
        check_gguf_bytes(&set(l.kv_count, &(1u64 << 40).to_le_bytes())),
        "metadata entries",
    );
    // The first key's length, as a negative number would be read.
    refused(
        check_gguf_bytes(&set(l.kv_count + 8, &(-1i64).to_le_bytes())),
        "a metadata key is",
    );
    refused(
        check_gguf_bytes(&set(l.array_count, &(1u64 << 60).to_le_bytes())),
        "does not fit",
    );
    // The array's element type becomes "array": nesting is refused.
    refused(
        check_gguf_bytes(&set(l.array_count - 4, &9u32.to_le_bytes())),
        "element type 9",
    );
    refused(
        check_gguf_bytes(&set(l.first_dims - 4, &64u32.to_le_bytes())),
        "64 dimensions",
    );
    refused(
        check_gguf_bytes(&set(l.first_dims, &u64::MAX.to_le_bytes())),
        "dimension",
    );
    refused(
        check_gguf_bytes(&set(l.first_type, &99u32.to_le_bytes())),
        "unknown type 99",
    );
    // q4_K needs rows of 256.
    refused(
        check_gguf_bytes(&set(l.first_type, &12u32.to_le_bytes())),
        "do not fit",
    );
    refused(
        check_gguf_bytes(&set(l.second_offset, &64u64.to_le_bytes())),
        "offset 64",
    );
    let find = |s: &[u8]| valid.windows(s.len()).position(|w| w == s).unwrap();
    let alignment = find(b"general.alignment") + 17 + 4;
    refused(
        check_gguf_bytes(&set(alignment, &24u32.to_le_bytes())),
        "power of two",
    );
    // Two keys of the same length: one becomes the other.
    let dup = set(find(b"gemma3.context_length"), b"tokenizer.ggml.tokens");
    refused(check_gguf_bytes(&dup), "appears twice");
    let mut trailing = valid.clone();
    trailing.extend_from_slice(&[0; 64]);
    refused(check_gguf_bytes(&trailing), "after the last tensor");
    for cut in [3, 20, l.first_type, valid.len() - 1] {
        refused(check_gguf_bytes(&valid[..cut]), "");
    }
}

/// A small deterministic generator (xorshift64*), so a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values that sit on the edges of what the readers bound.
const EDGES: [i64; 12] = [
    0,
    1,
    -1,
    4,
    5,
    64,
    255,
    1 << 16,
    1 << 30,
    1 << 31,
    i64::MAX,
    i64::MIN,
];

/// Overwrites a few fields (at offsets drawn from `regions`) with edge or random values,
/// sometimes cuts the file: the readers must refuse or accept, never panic, and never take
/// a cut file.
fn mutants(valid: &[u8], regions: &[(usize, usize)], count: usize, check: impl Fn(&[u8], bool)) {
    let mut rng = Rng(0x5a17_a1c0_ffee_0017);
    for case in 0..count {
        let mut b = valid.to_vec();
        for _ in 0..1 + rng.below(3) {
            let (from, len) = regions[rng.below(regions.len())];
            let at = (from + rng.below(len)).min(b.len() - 8);
            let v = if rng.below(2) == 0 {
                EDGES[rng.below(EDGES.len())]
            } else {
                rng.next() as i64
            };
            let width = [1, 2, 4, 8][rng.below(4)];
            b[at..at + width].copy_from_slice(&v.to_le_bytes()[..width]);
        }
        let cut = rng.below(8) == 0;
        if cut {
            b.truncate(rng.below(b.len()));
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&b, cut)));
        assert!(outcome.is_ok(), "mutant {case} made the reader panic");
    }
}

#[test]
fn mutated_whisper_headers_are_refused_or_read_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = installed(dir.path(), setup_pinned(dir.path(), &synthetic_model()));
    let valid = std::fs::read(converted(&store, Quantization::Q4_0)).unwrap();
    let mel = 48;
    let vocab = mel + 8 + 80 * 201 * 4;
    // Hyper-parameters, the mel filterbank's size, the vocabulary's start, the whole file.
    let regions = [(0, 56), (vocab, 64), (0, valid.len())];
    mutants(&valid, &regions, 1_500, |b, cut| {
        let read = check_whisper_ggml_bytes(b);
        assert!(!(cut && read.is_ok()), "a cut file was accepted");
    });
}

#[test]
fn mutated_gguf_headers_are_refused_or_read_never_panic() {
    let (valid, l) = gguf();
    let regions = [(0, l.first_type + 12), (0, valid.len())];
    mutants(&valid, &regions, 20_000, |b, _| {
        if let Ok(head) = check_gguf_bytes(b) {
            assert!(head.alignment.is_power_of_two());
            assert!(head.data_start <= b.len() as u64);
        }
    });
}
