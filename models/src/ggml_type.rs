//! ggml's tensor element types and their block layout, shared by the writer and the header
//! readers: a type code read from a file is only ever used through this table, so an
//! unknown code is refused instead of indexing ggml's own tables out of bounds.

/// The ggml element types a Samtal model file may hold (ggml's numbering in `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GgmlType {
    F32,
    F16,
    Q4_0,
    Q4_1,
    Q5_0,
    Q5_1,
    Q8_0,
    Q8_1,
    Q2K,
    Q3K,
    Q4K,
    Q5K,
    Q6K,
    Q8K,
    Bf16,
}

/// (type, ggml code, values per block, bytes per block, name)
const TABLE: [(GgmlType, u32, u64, u64, &str); 15] = [
    (GgmlType::F32, 0, 1, 4, "f32"),
    (GgmlType::F16, 1, 1, 2, "f16"),
    (GgmlType::Q4_0, 2, 32, 18, "q4_0"),
    (GgmlType::Q4_1, 3, 32, 20, "q4_1"),
    (GgmlType::Q5_0, 6, 32, 22, "q5_0"),
    (GgmlType::Q5_1, 7, 32, 24, "q5_1"),
    (GgmlType::Q8_0, 8, 32, 34, "q8_0"),
    (GgmlType::Q8_1, 9, 32, 36, "q8_1"),
    (GgmlType::Q2K, 10, 256, 84, "q2_K"),
    (GgmlType::Q3K, 11, 256, 110, "q3_K"),
    (GgmlType::Q4K, 12, 256, 144, "q4_K"),
    (GgmlType::Q5K, 13, 256, 176, "q5_K"),
    (GgmlType::Q6K, 14, 256, 210, "q6_K"),
    (GgmlType::Q8K, 15, 256, 292, "q8_K"),
    (GgmlType::Bf16, 30, 1, 2, "bf16"),
];

impl GgmlType {
    fn row(self) -> &'static (GgmlType, u32, u64, u64, &'static str) {
        TABLE
            .iter()
            .find(|r| r.0 == self)
            .expect("every type is in the table")
    }

    pub fn from_code(code: u32) -> Option<GgmlType> {
        TABLE.iter().find(|r| r.1 == code).map(|r| r.0)
    }

    pub fn code(self) -> u32 {
        self.row().1
    }

    /// Values per block (1 for plain floats).
    pub fn block_len(self) -> u64 {
        self.row().2
    }

    pub fn block_bytes(self) -> u64 {
        self.row().3
    }

    pub fn name(self) -> &'static str {
        self.row().4
    }

    /// Bytes of a tensor of `elements` values whose rows are `row_len` long; `None` if a
    /// row is not a whole number of blocks or the size overflows.
    pub fn tensor_bytes(self, row_len: u64, elements: u64) -> Option<u64> {
        if row_len == 0 || !row_len.is_multiple_of(self.block_len()) {
            return None;
        }
        (elements / self.block_len()).checked_mul(self.block_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_none() {
        for r in TABLE {
            assert_eq!(GgmlType::from_code(r.1), Some(r.0));
        }
        for code in [4, 5, 16, 29, 31, 40, u32::MAX] {
            assert_eq!(GgmlType::from_code(code), None, "{code}");
        }
    }

    #[test]
    fn sizes_need_whole_blocks() {
        assert_eq!(GgmlType::Q5_0.tensor_bytes(64, 128), Some(88));
        assert_eq!(GgmlType::Q4_0.tensor_bytes(48, 96), None);
        assert_eq!(GgmlType::F32.tensor_bytes(3, 9), Some(36));
        assert_eq!(GgmlType::F32.tensor_bytes(1, u64::MAX), None);
    }
}
