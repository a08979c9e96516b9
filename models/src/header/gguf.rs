//! Checks a GGUF file (the language model's format) before an LLM runtime reads it: every
//! count, string length, array length, dimension and type is bounded by what the file can
//! hold, keys and tensor names are unique, and every tensor lies at the offset ggml's own
//! GGUF reader requires (in order, aligned) with its data inside the file.
use super::reader::{Bounded, Result};
use crate::ggml_type::GgmlType;
use std::collections::HashSet;
use std::io::{Read, Seek};

const MAGIC: [u8; 4] = *b"GGUF";
const DEFAULT_ALIGNMENT: u64 = 32;
/// ggml's GGML_MAX_NAME, including the terminating NUL.
const MAX_NAME_BYTES: u64 = 63;
const MAX_KEY_BYTES: u64 = 1024;
/// Chat templates and licences are long; nothing legitimate comes near this.
const MAX_STRING_BYTES: u64 = 1 << 24;
const MAX_DIMS: u32 = 4;
const MAX_TENSORS: u64 = 1 << 16;
const MAX_KEYS: u64 = 1 << 16;

/// What the header says, once every check has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gguf {
    pub version: u32,
    pub tensors: u64,
    pub keys: u64,
    /// `general.architecture`, if given.
    pub architecture: Option<String>,
    pub alignment: u64,
    /// Offset of the first tensor's data.
    pub data_start: u64,
}

/// GGUF value types (the numbering of the GGUF specification).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    Fixed(u64),
    Bool,
    String,
    Array,
}

fn value_type(code: u32) -> Option<Value> {
    Some(match code {
        0 | 1 => Value::Fixed(1),
        7 => Value::Bool,
        2 | 3 => Value::Fixed(2),
        4..=6 => Value::Fixed(4),
        8 => Value::String,
        9 => Value::Array,
        10..=12 => Value::Fixed(8),
        _ => return None,
    })
}

/// Reads and checks the whole structure of a GGUF file (versions 2 and 3); tensor data is
/// skipped, not read. Never panics and never allocates more than the file could hold.
pub fn read_gguf<R: Read + Seek>(reader: R) -> Result<Gguf> {
    let mut r = Bounded::new(reader)?;
    if r.array::<4>("the magic number")? != MAGIC {
        return r.invalid(0, "not a GGUF file (bad magic number)");
    }
    let version = r.u32("the version")?;
    if !(2..=3).contains(&version) {
        return r.invalid(
            4,
            format!("GGUF version {version} is not supported (2 or 3)"),
        );
    }
    let tensors = r.u64("the tensor count")?;
    if tensors > MAX_TENSORS {
        return r.invalid(8, format!("{tensors} tensors (at most {MAX_TENSORS})"));
    }
    let keys = r.u64("the metadata count")?;
    if keys > MAX_KEYS {
        return r.invalid(16, format!("{keys} metadata entries (at most {MAX_KEYS})"));
    }
    let mut seen = HashSet::new();
    let (mut alignment, mut architecture) = (DEFAULT_ALIGNMENT, None);
    for _ in 0..keys {
        let at = r.pos();
        let key = string(&mut r, MAX_KEY_BYTES, "a metadata key")?;
        if !seen.insert(key.clone()) {
            return r.invalid(at, format!("metadata key {key:?} appears twice"));
        }
        let type_at = r.pos();
        let code = r.u32("a metadata type")?;
        match (key.as_str(), value_type(code)) {
            ("general.alignment", Some(Value::Fixed(4))) if code == 4 => {
                let a = r.u32("the alignment")?;
                if a == 0 || !a.is_power_of_two() {
                    return r.invalid(type_at + 4, format!("alignment {a} is not a power of two"));
                }
                alignment = u64::from(a);
            }
            ("general.alignment", _) => {
                return r.invalid(type_at, "general.alignment must be a u32");
            }
            ("general.architecture", Some(Value::String)) => {
                architecture = Some(string(&mut r, MAX_STRING_BYTES, "the architecture")?);
            }
            (_, Some(value)) => skip_value(&mut r, value, type_at)?,
            (_, None) => {
                return r.invalid(type_at, format!("metadata {key:?} has unknown type {code}"));
            }
        }
    }

    let mut names = HashSet::new();
    let mut data_size = 0u64;
    let mut last_end = 0u64;
    for _ in 0..tensors {
        let at = r.pos();
        let name = string(&mut r, MAX_NAME_BYTES, "a tensor name")?;
        if !names.insert(name.clone()) {
            return r.invalid(at, format!("tensor {name:?} appears twice"));
        }
        let dims_at = r.pos();
        let n_dims = r.u32("a tensor's dimension count")?;
        if !(1..=MAX_DIMS).contains(&n_dims) {
            return r.invalid(
                dims_at,
                format!("tensor {name} has {n_dims} dimensions (1..={MAX_DIMS})"),
            );
        }
        let mut elements = 1u64;
        let mut row = 0u64;
        for i in 0..n_dims {
            let d = r.u64("a tensor dimension")?;
            // ggml counts elements in a signed 64-bit integer.
            match elements
                .checked_mul(d)
                .filter(|&e| d >= 1 && e <= i64::MAX as u64)
            {
                Some(e) => elements = e,
                None => {
                    return r.invalid(dims_at, format!("tensor {name} has dimension {d}"));
                }
            }
            if i == 0 {
                row = d;
            }
        }
        let type_at = r.pos();
        let code = r.u32("a tensor type")?;
        let Some(ty) = GgmlType::from_code(code) else {
            return r.invalid(type_at, format!("tensor {name} has unknown type {code}"));
        };
        let Some(bytes) = ty.tensor_bytes(row, elements) else {
            return r.invalid(
                type_at,
                format!(
                    "tensor {name}: rows of {row} do not fit {} blocks",
                    ty.name()
                ),
            );
        };
        let offset_at = r.pos();
        let offset = r.u64("a tensor offset")?;
        if offset != data_size {
            return r.invalid(
                offset_at,
                format!("tensor {name} is at offset {offset}, expected {data_size}"),
            );
        }
        last_end = offset.saturating_add(bytes);
        data_size = last_end
            .checked_next_multiple_of(alignment)
            .unwrap_or(u64::MAX);
    }
    let data_start = r.pos().next_multiple_of(alignment);
    let end = data_start.saturating_add(last_end);
    if end > r.len() {
        return r.invalid(
            r.pos(),
            format!(
                "the tensor data needs {end} bytes but the file has {} (truncated?)",
                r.len()
            ),
        );
    }
    if r.len() > data_start.saturating_add(data_size) {
        return r.invalid(
            data_start.saturating_add(data_size),
            "unexpected bytes after the last tensor",
        );
    }
    Ok(Gguf {
        version,
        tensors,
        keys,
        architecture,
        alignment,
        data_start,
    })
}

/// A GGUF string: u64 length, then UTF-8 bytes (checked against `max` and the file).
fn string<R: Read + Seek>(r: &mut Bounded<R>, max: u64, what: &str) -> Result<String> {
    let at = r.pos();
    let len = r.u64(what)?;
    if len > max {
        return r.invalid(at, format!("{what} is {len} bytes long (at most {max})"));
    }
    let bytes = r.bytes(len, what)?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => r.invalid(at, format!("{what} is not UTF-8")),
    }
}

fn skip_string<R: Read + Seek>(r: &mut Bounded<R>) -> Result<()> {
    let at = r.pos();
    let len = r.u64("a string length")?;
    if len > MAX_STRING_BYTES {
        return r.invalid(at, format!("a string is {len} bytes long"));
    }
    r.skip(len, "a string")
}

fn skip_value<R: Read + Seek>(r: &mut Bounded<R>, value: Value, at: u64) -> Result<()> {
    match value {
        Value::Fixed(n) => r.skip(n, "a metadata value"),
        Value::Bool => {
            let [b] = r.array::<1>("a boolean")?;
            if b > 1 {
                return r.invalid(at, format!("a boolean is {b}"));
            }
            Ok(())
        }
        Value::String => skip_string(r),
        Value::Array => {
            let code = r.u32("an array's element type")?;
            let count_at = r.pos();
            let count = r.u64("an array length")?;
            let element = match value_type(code) {
                Some(Value::Array) | None => {
                    return r.invalid(at, format!("an array has element type {code}"));
                }
                Some(e) => e,
            };
            // Every element takes at least one byte (a string at least eight).
            let least = match element {
                Value::Fixed(n) => n,
                Value::String => 8,
                _ => 1,
            };
            if count.saturating_mul(least) > r.remaining() {
                return r.invalid(
                    count_at,
                    format!("an array of {count} elements does not fit in the file"),
                );
            }
            match element {
                Value::Fixed(n) => r.skip(count * n, "an array"),
                _ => (0..count).try_for_each(|_| skip_value(r, element, count_at)),
            }
        }
    }
}
