//! Reader for CTranslate2 `model.bin` files (format version 6), enough to convert Whisper.
use std::collections::HashMap;

/// Element type of a stored variable, in CTranslate2's numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl DType {
    fn from_code(code: u8) -> Option<DType> {
        Some(match code {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::Bf16,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::Bf16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }
}

/// One named variable: a tensor, or a scalar such as `encoder/num_heads`.
#[derive(Debug)]
pub struct Variable<'a> {
    pub dims: Vec<usize>,
    pub dtype: DType,
    pub data: &'a [u8],
}

impl Variable<'_> {
    /// The values as f32, whatever the stored float type.
    pub fn to_f32(&self) -> Result<Vec<f32>, String> {
        let chunks = self.data.chunks_exact(self.dtype.size());
        Ok(match self.dtype {
            DType::F32 => chunks
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            DType::F16 => chunks
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            DType::Bf16 => chunks
                .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            other => return Err(format!("{other:?} weights are not supported")),
        })
    }

    /// An integer scalar (e.g. number of attention heads).
    pub fn scalar_int(&self) -> Option<i64> {
        let d = self.data;
        match self.dtype {
            DType::I8 if d.len() == 1 => Some(d[0] as i8 as i64),
            DType::I16 if d.len() == 2 => Some(i16::from_le_bytes([d[0], d[1]]) as i64),
            DType::I32 if d.len() == 4 => Some(i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64),
            _ => None,
        }
    }
}

/// A parsed model: spec name and variables (aliases resolved), borrowing the file bytes.
#[derive(Debug)]
pub struct Ct2Model<'a> {
    pub spec: String,
    pub variables: HashMap<String, Variable<'a>>,
}

impl<'a> Ct2Model<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Ct2Model<'a>, String> {
        let mut r = Reader { bytes, pos: 0 };
        let version = r.u32()?;
        if version != 6 {
            return Err(format!(
                "unsupported CTranslate2 format version {version} (expected 6)"
            ));
        }
        let spec = r.string()?;
        let _revision = r.u32()?;
        let count = r.u32()? as usize;
        // A variable takes at least 9 bytes (name length and NUL, rank, type, byte count): a
        // count the file cannot hold must not reserve memory for it.
        let mut variables = HashMap::with_capacity(count.min(r.remaining() / 9));
        for _ in 0..count {
            let name = r.string()?;
            let rank = r.u8()? as usize;
            let dims = (0..rank)
                .map(|_| r.u32().map(|d| d as usize))
                .collect::<Result<Vec<_>, _>>()?;
            let code = r.u8()?;
            let dtype = DType::from_code(code)
                .ok_or_else(|| format!("variable {name} has unknown type code {code}"))?;
            let nbytes = r.u32()? as usize;
            let expected = dims
                .iter()
                .try_fold(1usize, |n, &d| n.checked_mul(d))
                .and_then(|n| n.max(1).checked_mul(dtype.size()))
                .ok_or_else(|| format!("variable {name} has dimensions too large"))?;
            if nbytes != expected {
                return Err(format!(
                    "variable {name} has {nbytes} bytes, expected {expected}"
                ));
            }
            let data = r.take(nbytes)?;
            variables.insert(name, Variable { dims, dtype, data });
        }
        let aliases = r.u32()? as usize;
        for _ in 0..aliases {
            let alias = r.string()?;
            let target = r.string()?;
            let var = variables
                .get(&target)
                .ok_or_else(|| format!("alias {alias} points to missing {target}"))?;
            let copy = Variable {
                dims: var.dims.clone(),
                dtype: var.dtype,
                data: var.data,
            };
            variables.insert(alias, copy);
        }
        if r.pos != bytes.len() {
            return Err(format!(
                "{} unexpected bytes after the last variable",
                bytes.len() - r.pos
            ));
        }
        Ok(Ct2Model { spec, variables })
    }

    pub fn var(&self, name: &str) -> Result<&Variable<'a>, String> {
        self.variables
            .get(name)
            .ok_or_else(|| format!("missing variable {name}"))
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| {
            format!(
                "file ends early (truncated?) at byte {} of {}",
                self.pos,
                self.bytes.len()
            )
        })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<String, String> {
        let b = self.take(2)?;
        let len = u16::from_le_bytes([b[0], b[1]]) as usize;
        let raw = self.take(len)?;
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        String::from_utf8(raw.to_vec()).map_err(|_| "a name is not UTF-8".to_string())
    }
}
