//! A reader that knows how many bytes are left, so no length read from a file is trusted
//! before it has been checked against what the file can hold: nothing is allocated or
//! skipped beyond the end, and every error says where in the file it was found.
use std::io::{self, Read, Seek, SeekFrom};

/// A header that must not reach a model loader. `at` is the byte offset of the field.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    #[error("at byte {at}: {reason}")]
    Invalid { at: u64, reason: String },
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
}

pub type Result<T> = std::result::Result<T, HeaderError>;

/// Skips this many bytes or more by seeking; less is read through (cheap with a buffer).
const SEEK_FROM: u64 = 1 << 16;

pub struct Bounded<R> {
    inner: R,
    pos: u64,
    len: u64,
}

impl<R: Read + Seek> Bounded<R> {
    /// Starts at the beginning; the length is taken from the reader itself.
    pub fn new(mut inner: R) -> Result<Bounded<R>> {
        let len = inner.seek(SeekFrom::End(0))?;
        inner.seek(SeekFrom::Start(0))?;
        Ok(Bounded { inner, pos: 0, len })
    }

    pub fn pos(&self) -> u64 {
        self.pos
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn remaining(&self) -> u64 {
        self.len - self.pos
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.len
    }

    /// An error about the field that starts at `at`.
    pub fn invalid<T>(&self, at: u64, reason: impl Into<String>) -> Result<T> {
        Err(HeaderError::Invalid {
            at,
            reason: reason.into(),
        })
    }

    fn need(&self, n: u64, what: &str) -> Result<()> {
        if n > self.remaining() {
            return self.invalid(
                self.pos,
                format!(
                    "{what} needs {n} bytes but the file ends after {} (truncated?)",
                    self.remaining()
                ),
            );
        }
        Ok(())
    }

    pub fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        self.need(N as u64, what)?;
        let mut b = [0u8; N];
        self.inner.read_exact(&mut b)?;
        self.pos += N as u64;
        Ok(b)
    }

    pub fn i32(&mut self, what: &str) -> Result<i32> {
        self.array(what).map(i32::from_le_bytes)
    }

    pub fn u32(&mut self, what: &str) -> Result<u32> {
        self.array(what).map(u32::from_le_bytes)
    }

    pub fn u64(&mut self, what: &str) -> Result<u64> {
        self.array(what).map(u64::from_le_bytes)
    }

    /// Reads `n` bytes; `n` is checked against the file before anything is allocated.
    pub fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>> {
        self.need(n, what)?;
        let mut b = vec![0u8; n as usize];
        self.inner.read_exact(&mut b)?;
        self.pos += n;
        Ok(b)
    }

    /// Moves past `n` bytes that must all be in the file.
    pub fn skip(&mut self, n: u64, what: &str) -> Result<()> {
        self.need(n, what)?;
        if n >= SEEK_FROM {
            self.inner.seek(SeekFrom::Start(self.pos + n))?;
        } else {
            let copied = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())?;
            if copied != n {
                return self.invalid(
                    self.pos,
                    format!("{what}: the file is shorter than it says"),
                );
            }
        }
        self.pos += n;
        Ok(())
    }
}
