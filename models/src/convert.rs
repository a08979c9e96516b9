//! CTranslate2 Whisper → whisper.cpp ggml conversion (names and layouts: docs/model-formats.md).
use crate::ct2::Ct2Model;
use crate::ggml::{self, HParams, Quantization};
use crate::ggml_type::GgmlType;
use crate::mel;
use std::collections::HashMap;
use std::io::Write;

/// Number of base byte-level BPE tokens; whisper.cpp derives the special tokens itself.
const BASE_VOCAB: usize = 50_257;

/// One output tensor: whisper.cpp name, PyTorch-order dims and where its values come from.
struct Planned {
    name: String,
    dims: Vec<usize>,
    ty: GgmlType,
    source: String,
    /// Row range of a fused source matrix (Q|K|V or K|V), in units of rows.
    rows: Option<(usize, usize)>,
}

/// Converts `ct2` to a ggml file written to `out`; `progress` is called with (done, total)
/// after each tensor. Errors are plain descriptions; the caller adds the file name.
pub fn convert(
    ct2: &Ct2Model<'_>,
    tokenizer_json: &[u8],
    q: Quantization,
    out: &mut impl Write,
    mut progress: impl FnMut(usize, usize),
) -> Result<(), String> {
    if ct2.spec != "WhisperSpec" {
        return Err(format!("spec is {}, not WhisperSpec", ct2.spec));
    }
    let hp = hparams(ct2)?;
    let vocab = vocabulary(tokenizer_json)?;
    let plan = plan(ct2, &hp, q)?;
    ggml::write_header(out, &hp, q, &mel::filterbank(hp.n_mels as usize), &vocab)
        .map_err(|e| e.to_string())?;
    for (i, t) in plan.iter().enumerate() {
        let values = ct2.var(&t.source)?.to_f32()?;
        let values = match t.rows {
            Some((from, to)) => {
                let width = values.len() / ct2.var(&t.source)?.dims[0];
                values[from * width..to * width].to_vec()
            }
            None => values,
        };
        ggml::write_tensor(out, &t.name, &t.dims, &values, t.ty).map_err(|e| e.to_string())?;
        progress(i + 1, plan.len());
    }
    Ok(())
}

fn layer_count(ct2: &Ct2Model<'_>, prefix: &str) -> usize {
    (0..)
        .take_while(|i| {
            ct2.variables
                .contains_key(&format!("{prefix}/layer_{i}/ffn/layer_norm/gamma"))
        })
        .count()
}

fn heads(ct2: &Ct2Model<'_>, prefix: &str, state: usize) -> i32 {
    ct2.variables
        .get(&format!("{prefix}/num_heads"))
        .and_then(|v| v.scalar_int())
        .map(|h| h as i32)
        .unwrap_or((state / 64) as i32)
}

fn hparams(ct2: &Ct2Model<'_>) -> Result<HParams, String> {
    let emb = &ct2.var("decoder/embeddings/weight")?.dims;
    let enc_pos = &ct2.var("encoder/position_encodings/encodings")?.dims;
    let dec_pos = &ct2.var("decoder/position_encodings/encodings")?.dims;
    let conv1 = &ct2.var("encoder/conv1/weight")?.dims;
    if emb.len() != 2 || enc_pos.len() != 2 || dec_pos.len() != 2 || conv1.len() != 3 {
        return Err("unexpected tensor ranks".into());
    }
    Ok(HParams {
        n_vocab: emb[0] as i32,
        n_audio_ctx: enc_pos[0] as i32,
        n_audio_state: enc_pos[1] as i32,
        n_audio_head: heads(ct2, "encoder", enc_pos[1]),
        n_audio_layer: layer_count(ct2, "encoder") as i32,
        n_text_ctx: dec_pos[0] as i32,
        n_text_state: dec_pos[1] as i32,
        n_text_head: heads(ct2, "decoder", dec_pos[1]),
        n_text_layer: layer_count(ct2, "decoder") as i32,
        n_mels: conv1[1] as i32,
    })
}

/// GPT-2's reversible byte ↔ printable-character table, inverted.
fn unicode_to_byte() -> HashMap<char, u8> {
    let printable = |b: u32| (33..=126).contains(&b) || (161..=172).contains(&b) || b >= 174;
    let mut map = HashMap::with_capacity(256);
    let mut extra = 0;
    for b in 0u32..256 {
        let c = if printable(b) {
            b
        } else {
            extra += 1;
            255 + extra
        };
        map.insert(char::from_u32(c).expect("valid code point"), b as u8);
    }
    map
}

/// The first 50,257 tokens of tokenizer.json as raw bytes, in id order.
fn vocabulary(tokenizer_json: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(tokenizer_json).map_err(|e| format!("tokenizer.json: {e}"))?;
    let vocab = doc["model"]["vocab"]
        .as_object()
        .ok_or("tokenizer.json has no model.vocab")?;
    let table = unicode_to_byte();
    let mut tokens = vec![Vec::new(); BASE_VOCAB];
    for (text, id) in vocab {
        let id = id.as_u64().ok_or("tokenizer.json: non-integer token id")? as usize;
        if id < BASE_VOCAB {
            tokens[id] = text
                .chars()
                .map(|c| table.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
                .unwrap_or_else(|| text.as_bytes().to_vec());
        }
    }
    Ok(tokens)
}

/// Collects the output tensors in order, checking each source exists.
struct Planner<'m, 'a> {
    ct2: &'m Ct2Model<'a>,
    matrix_type: GgmlType,
    out: Vec<Planned>,
}

impl Planner<'_, '_> {
    /// `force` overrides the type rule (1-D → f32, matrices → the file's quantization).
    fn add(
        &mut self,
        name: String,
        source: String,
        rows: Option<(usize, usize)>,
        force: Option<GgmlType>,
    ) -> Result<(), String> {
        let mut dims = self.ct2.var(&source)?.dims.clone();
        if let Some((from, to)) = rows {
            dims[0] = to - from;
        }
        let ty = force.unwrap_or(if dims.len() == 1 {
            GgmlType::F32
        } else {
            self.matrix_type
        });
        let row = *dims.last().unwrap_or(&0);
        if !ggml::row_fits(ty, row) {
            return Err(format!(
                "{name}: rows of {row} values cannot be stored as {}",
                ty.name()
            ));
        }
        self.out.push(Planned {
            name,
            dims,
            ty,
            source,
            rows,
        });
        Ok(())
    }

    fn norm(&mut self, to: &str, from: &str) -> Result<(), String> {
        self.add(format!("{to}.weight"), format!("{from}/gamma"), None, None)?;
        self.add(format!("{to}.bias"), format!("{from}/beta"), None, None)
    }

    /// A linear layer, optionally a row range of a fused matrix; Whisper's keys have no bias.
    fn linear(
        &mut self,
        to: &str,
        from: &str,
        rows: Option<(usize, usize)>,
        bias: bool,
    ) -> Result<(), String> {
        self.add(format!("{to}.weight"), format!("{from}/weight"), rows, None)?;
        if bias {
            self.add(format!("{to}.bias"), format!("{from}/bias"), rows, None)?;
        }
        Ok(())
    }
}

fn plan(ct2: &Ct2Model<'_>, hp: &HParams, q: Quantization) -> Result<Vec<Planned>, String> {
    let mut p = Planner {
        ct2,
        matrix_type: q.matrix_type(),
        out: Vec::new(),
    };
    let f32_ = Some(GgmlType::F32);
    let f16_ = Some(GgmlType::F16);

    p.add(
        "encoder.positional_embedding".into(),
        "encoder/position_encodings/encodings".into(),
        None,
        f32_,
    )?;
    for c in ["conv1", "conv2"] {
        p.add(
            format!("encoder.{c}.weight"),
            format!("encoder/{c}/weight"),
            None,
            f16_,
        )?;
        p.add(
            format!("encoder.{c}.bias"),
            format!("encoder/{c}/bias"),
            None,
            f32_,
        )?;
    }
    p.norm("encoder.ln_post", "encoder/layer_norm")?;
    p.add(
        "decoder.positional_embedding".into(),
        "decoder/position_encodings/encodings".into(),
        None,
        f32_,
    )?;
    p.add(
        "decoder.token_embedding.weight".into(),
        "decoder/embeddings/weight".into(),
        None,
        None,
    )?;
    p.norm("decoder.ln", "decoder/layer_norm")?;

    for (side, layers, n) in [
        ("encoder", hp.n_audio_layer, hp.n_audio_state as usize),
        ("decoder", hp.n_text_layer, hp.n_text_state as usize),
    ] {
        for i in 0..layers {
            let to = format!("{side}.blocks.{i}");
            let from = format!("{side}/layer_{i}");
            let sa = format!("{from}/self_attention");
            p.norm(&format!("{to}.attn_ln"), &format!("{sa}/layer_norm"))?;
            let qkv = format!("{sa}/linear_0");
            p.linear(&format!("{to}.attn.query"), &qkv, Some((0, n)), true)?;
            p.linear(&format!("{to}.attn.key"), &qkv, Some((n, 2 * n)), false)?;
            p.linear(
                &format!("{to}.attn.value"),
                &qkv,
                Some((2 * n, 3 * n)),
                true,
            )?;
            p.linear(
                &format!("{to}.attn.out"),
                &format!("{sa}/linear_1"),
                None,
                true,
            )?;
            if side == "decoder" {
                let ca = format!("{from}/attention");
                p.norm(&format!("{to}.cross_attn_ln"), &format!("{ca}/layer_norm"))?;
                p.linear(
                    &format!("{to}.cross_attn.query"),
                    &format!("{ca}/linear_0"),
                    None,
                    true,
                )?;
                let kv = format!("{ca}/linear_1");
                p.linear(&format!("{to}.cross_attn.key"), &kv, Some((0, n)), false)?;
                p.linear(
                    &format!("{to}.cross_attn.value"),
                    &kv,
                    Some((n, 2 * n)),
                    true,
                )?;
                p.linear(
                    &format!("{to}.cross_attn.out"),
                    &format!("{ca}/linear_2"),
                    None,
                    true,
                )?;
            }
            p.norm(&format!("{to}.mlp_ln"), &format!("{from}/ffn/layer_norm"))?;
            p.linear(
                &format!("{to}.mlp.0"),
                &format!("{from}/ffn/linear_0"),
                None,
                true,
            )?;
            p.linear(
                &format!("{to}.mlp.2"),
                &format!("{from}/ffn/linear_1"),
                None,
                true,
            )?;
        }
    }
    for t in &mut p.out {
        // whisper.cpp stores conv biases as [n, 1].
        if t.name.starts_with("encoder.conv") && t.name.ends_with(".bias") {
            t.dims.push(1);
        }
    }
    Ok(p.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_table_is_a_bijection_and_maps_gpt2_specials() {
        let t = unicode_to_byte();
        assert_eq!(t.len(), 256);
        assert_eq!(t[&'Ġ'], b' ');
        assert_eq!(t[&'Ċ'], b'\n');
        assert_eq!(t[&'!'], b'!');
    }

    #[test]
    fn vocabulary_decodes_byte_level_tokens_in_id_order() {
        let json = br#"{"model":{"vocab":{"!":0,"\u0120the":1,"\u00c3\u00a5":2}}}"#;
        let v = vocabulary(json).unwrap();
        assert_eq!(v.len(), BASE_VOCAB);
        assert_eq!(v[1], b" the");
        assert_eq!(v[2], "å".as_bytes());
        assert!(v[3].is_empty());
    }
}
