//! Gemma's SentencePiece tokenizer, read from the vocabulary the GGUF file carries in its
//! metadata (`tokenizer.ggml.tokens`, `.scores`, `.token_type`), so nothing is downloaded.
//!
//! Hand-written because candle's GGUF tokenizer (`candle_core::quantized::tokenizer`) only
//! builds byte-level BPE vocabularies with merges (`tokenizer.ggml.model = "gpt2"`); Gemma's
//! GGUF holds a SentencePiece vocabulary (`"llama"`) with scores and no merges. The algorithm
//! is SentencePiece's BPE: spaces become `▁`, the text starts as single characters, and the
//! adjacent pair whose concatenation is the highest-scoring piece of the vocabulary is merged
//! until no pair forms a piece; a character outside the vocabulary is spelled as its UTF-8
//! bytes (`<0xC3>`, …).
use crate::EmbedError;
use candle_core::quantized::gguf_file::{Content, Value};
use std::collections::HashMap;

/// SentencePiece's word-boundary marker, which stands for a space.
const SPACE: char = '\u{2581}';

/// `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`).
const NORMAL: i32 = 1;
const USER_DEFINED: i32 = 4;
const BYTE: i32 = 6;

#[derive(Debug, Clone)]
pub struct Tokenizer {
    pieces: Vec<String>,
    /// Normal and user-defined pieces by text, with their score.
    vocab: HashMap<String, (u32, f32)>,
    /// The token of each byte value (`<0x00>` … `<0xFF>`).
    bytes: Vec<u32>,
    bos: u32,
    /// Whether a space is put before the text (false for Gemma 3).
    space_prefix: bool,
}

fn meta<'a>(ct: &'a Content, key: &str) -> Result<&'a Value, EmbedError> {
    ct.metadata
        .get(key)
        .ok_or_else(|| EmbedError::Vocabulary(format!("no `{key}` in the model's metadata")))
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::U8(x) => Some(*x as i64),
        Value::I8(x) => Some(*x as i64),
        Value::U16(x) => Some(*x as i64),
        Value::I16(x) => Some(*x as i64),
        Value::U32(x) => Some(*x as i64),
        Value::I32(x) => Some(*x as i64),
        Value::U64(x) => Some(*x as i64),
        Value::I64(x) => Some(*x),
        _ => None,
    }
}

fn array<'a>(ct: &'a Content, key: &str) -> Result<&'a Vec<Value>, EmbedError> {
    meta(ct, key)?
        .to_vec()
        .map_err(|_| EmbedError::Vocabulary(format!("`{key}` is not an array")))
}

impl Tokenizer {
    /// The tokenizer of a GGUF model's metadata.
    pub fn from_gguf(ct: &Content) -> Result<Tokenizer, EmbedError> {
        let kind = meta(ct, "tokenizer.ggml.model")?.to_string().ok();
        if kind.map(String::as_str) != Some("llama") {
            return Err(EmbedError::Vocabulary(format!(
                "tokenizer model {kind:?} is not SentencePiece (\"llama\")"
            )));
        }
        let bad = |what: &str| EmbedError::Vocabulary(format!("malformed `{what}`"));
        let pieces: Vec<String> = array(ct, "tokenizer.ggml.tokens")?
            .iter()
            .map(|v| {
                v.to_string()
                    .cloned()
                    .map_err(|_| bad("tokenizer.ggml.tokens"))
            })
            .collect::<Result<_, _>>()?;
        let scores: Vec<f32> = array(ct, "tokenizer.ggml.scores")?
            .iter()
            .map(|v| v.to_f32().map_err(|_| bad("tokenizer.ggml.scores")))
            .collect::<Result<_, _>>()?;
        let types: Vec<i32> = array(ct, "tokenizer.ggml.token_type")?
            .iter()
            .map(|v| {
                int(v)
                    .map(|x| x as i32)
                    .ok_or_else(|| bad("tokenizer.ggml.token_type"))
            })
            .collect::<Result<_, _>>()?;
        if scores.len() != pieces.len() || types.len() != pieces.len() {
            return Err(bad("tokenizer.ggml.scores/token_type (lengths differ)"));
        }
        let bos = int(meta(ct, "tokenizer.ggml.bos_token_id")?)
            .filter(|&b| (b as usize) < pieces.len())
            .ok_or_else(|| bad("tokenizer.ggml.bos_token_id"))? as u32;
        let space_prefix = ct
            .metadata
            .get("tokenizer.ggml.add_space_prefix")
            .and_then(|v| v.to_bool().ok())
            .unwrap_or(false);
        Tokenizer::new(pieces, scores, types, bos, space_prefix)
    }

    /// A tokenizer from its pieces, their scores and token types (see the module doc).
    pub fn new(
        pieces: Vec<String>,
        scores: Vec<f32>,
        types: Vec<i32>,
        bos: u32,
        space_prefix: bool,
    ) -> Result<Tokenizer, EmbedError> {
        let mut vocab = HashMap::new();
        let mut bytes = vec![u32::MAX; 256];
        for (i, piece) in pieces.iter().enumerate() {
            match types[i] {
                NORMAL | USER_DEFINED => {
                    vocab.entry(piece.clone()).or_insert((i as u32, scores[i]));
                }
                BYTE => {
                    let hex = piece.strip_prefix("<0x").and_then(|p| p.strip_suffix('>'));
                    if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        bytes[b as usize] = i as u32;
                    }
                }
                _ => {}
            }
        }
        if bytes.contains(&u32::MAX) {
            return Err(EmbedError::Vocabulary(
                "the vocabulary lacks byte pieces <0x00>…<0xFF>".into(),
            ));
        }
        Ok(Tokenizer {
            pieces,
            vocab,
            bytes,
            bos,
            space_prefix,
        })
    }

    /// The beginning-of-sequence token.
    pub fn bos(&self) -> u32 {
        self.bos
    }

    /// Token ids of `text` (without the beginning-of-sequence token).
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut normal = String::with_capacity(text.len() + 3);
        if self.space_prefix {
            normal.push(SPACE);
        }
        normal.extend(text.chars().map(|c| if c == ' ' { SPACE } else { c }));
        let mut symbols: Vec<String> = normal.chars().map(String::from).collect();
        loop {
            let best = symbols
                .windows(2)
                .enumerate()
                .filter_map(|(i, w)| {
                    let joined = format!("{}{}", w[0], w[1]);
                    self.vocab.get(&joined).map(|&(_, score)| (i, score))
                })
                // The highest score; the leftmost of equals.
                .fold(None, |best: Option<(usize, f32)>, (i, s)| match best {
                    Some((_, b)) if b >= s => best,
                    _ => Some((i, s)),
                });
            let Some((i, _)) = best else { break };
            let right = symbols.remove(i + 1);
            symbols[i].push_str(&right);
        }
        let mut ids = Vec::with_capacity(symbols.len());
        for s in &symbols {
            match self.vocab.get(s) {
                Some(&(id, _)) => ids.push(id),
                None => ids.extend(s.bytes().map(|b| self.bytes[b as usize])),
            }
        }
        ids
    }

    /// The text of token ids (byte pieces joined back into characters; `▁` as a space;
    /// control tokens such as the beginning-of-sequence token left out).
    pub fn decode(&self, ids: &[u32]) -> String {
        let mut out: Vec<u8> = Vec::new();
        for &id in ids {
            if let Some(b) = self.bytes.iter().position(|&t| t == id) {
                out.push(b as u8);
            } else if let Some(p) = self.pieces.get(id as usize) {
                if self.vocab.get(p).is_some_and(|&(v, _)| v == id) {
                    out.extend(p.replace(SPACE, " ").bytes());
                }
            }
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        match text.strip_prefix(' ') {
            Some(rest) if self.space_prefix => rest.to_string(),
            _ => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small vocabulary: control tokens, the 256 byte pieces, then pieces with scores.
    fn tokenizer(pieces: &[(&str, f32)]) -> Tokenizer {
        let mut p = vec!["<pad>".to_string(), "<bos>".to_string()];
        let mut s = vec![0.0, 0.0];
        let mut t = vec![3, 3];
        for b in 0..=255u8 {
            p.push(format!("<0x{b:02X}>"));
            s.push(0.0);
            t.push(BYTE);
        }
        for (piece, score) in pieces {
            p.push(piece.to_string());
            s.push(*score);
            t.push(NORMAL);
        }
        Tokenizer::new(p, s, t, 1, false).unwrap()
    }

    #[test]
    fn merges_the_best_scoring_pair_first() {
        let tok = tokenizer(&[
            ("h", -1.0),
            ("e", -1.0),
            ("j", -1.0),
            ("▁", -1.0),
            ("he", -5.0),
            ("ej", -2.0),
            ("hej", -3.0),
        ]);
        // "ej" outscores "he", and "h"+"ej" is the piece "hej".
        let ids = tok.encode("hej");
        assert_eq!(ids.len(), 1);
        assert_eq!(tok.pieces[ids[0] as usize], "hej");
        assert_eq!(tok.decode(&ids), "hej");
    }

    #[test]
    fn spells_unknown_characters_as_bytes_and_round_trips() {
        let tok = tokenizer(&[("a", -1.0), ("▁", -1.0)]);
        let text = "a å ø æ";
        let ids = tok.encode(text);
        // "å", "ø", "æ" are two UTF-8 bytes each.
        assert_eq!(ids.len(), 1 + 3 + 3 * 2);
        assert_eq!(tok.decode(&ids), text);
    }

    #[test]
    fn refuses_a_vocabulary_without_byte_pieces() {
        let err = Tokenizer::new(vec!["a".into()], vec![0.0], vec![NORMAL], 0, false);
        assert!(matches!(err, Err(EmbedError::Vocabulary(_))));
    }
}
