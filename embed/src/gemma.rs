//! Gemma 3's transformer over one token sequence, with candle's quantized matrix products,
//! returning the hidden state after every layer.
//!
//! Written here because `candle_transformers::models::quantized_gemma3` keeps its layers
//! private and returns only the last token's logits, while sentence features need every
//! token's hidden state after a chosen layer; and it loads the 262k × 640 token embedding as
//! f32 (670 MB) where a row lookup in the quantized table ([`QTensor::embedding`]) does.
//! The block is Gemma 3's: RMS-normed input, attention with RMS-normed queries and keys,
//! rotary positions (10 000 base in local layers, 1 000 000 in every sixth, global one), a
//! GELU-gated feed-forward, each sub-block RMS-normed again before the residual sum.
//! Sequences are at most [`MAX_TOKENS`] long, inside the 512-token sliding window of the
//! local layers, so every layer attends causally to the whole sequence.
use crate::EmbedError;
use candle_core::quantized::{gguf_file::Content, QMatMul, QTensor};
use candle_core::{DType, Device, Module, Tensor};
use std::io::{Read, Seek};
use std::sync::Arc;

/// Longest token sequence run at once (Gemma 3's sliding window).
pub const MAX_TOKENS: usize = 512;

struct Layer {
    q: QMatMul,
    k: QMatMul,
    v: QMatMul,
    o: QMatMul,
    q_norm: Tensor,
    k_norm: Tensor,
    attn_norm: Tensor,
    post_attn_norm: Tensor,
    ffn_norm: Tensor,
    post_ffn_norm: Tensor,
    gate: QMatMul,
    up: QMatMul,
    down: QMatMul,
    rope_base: f32,
}

/// The weights of a Gemma 3 GGUF file, up to a number of layers.
pub struct Gemma {
    embedding: Arc<QTensor>,
    hidden: usize,
    heads: usize,
    kv_heads: usize,
    head_dim: usize,
    eps: f32,
    layers: Vec<Layer>,
    device: Device,
}

fn weights_error(e: candle_core::Error) -> EmbedError {
    EmbedError::Weights(e.to_string())
}

impl Gemma {
    /// Reads the first `layers` layers (all of them if `None`) of a Gemma 3 GGUF file.
    pub fn load<R: Read + Seek>(
        ct: &Content,
        reader: &mut R,
        layers: Option<usize>,
    ) -> Result<Gemma, EmbedError> {
        let device = Device::Cpu;
        let arch = ct
            .metadata
            .get("general.architecture")
            .and_then(|v| v.to_string().ok())
            .cloned()
            .unwrap_or_default();
        if arch != "gemma3" {
            return Err(EmbedError::Weights(format!(
                "architecture `{arch}` is not gemma3"
            )));
        }
        let num = |key: &str| -> Result<f64, EmbedError> {
            let v = ct
                .metadata
                .get(&format!("gemma3.{key}"))
                .ok_or_else(|| EmbedError::Weights(format!("no `gemma3.{key}` in metadata")))?;
            v.to_u32()
                .map(f64::from)
                .or_else(|_| v.to_f32().map(f64::from))
                .map_err(weights_error)
        };
        let blocks = num("block_count")? as usize;
        let hidden = num("embedding_length")? as usize;
        let heads = num("attention.head_count")? as usize;
        let kv_heads = num("attention.head_count_kv")? as usize;
        let head_dim = num("attention.key_length")? as usize;
        let eps = num("attention.layer_norm_rms_epsilon")? as f32;
        let global_base = num("rope.freq_base").unwrap_or(1_000_000.0) as f32;
        let local_base = 10_000.0;
        let count = layers.unwrap_or(blocks);
        if count == 0 || count > blocks {
            return Err(EmbedError::Layers {
                asked: count,
                blocks,
            });
        }
        let mut tensor = |name: &str| ct.tensor(reader, name, &device).map_err(weights_error);
        let embedding = Arc::new(tensor("token_embd.weight")?);
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let mut t = |n: &str| tensor(&format!("blk.{i}.{n}.weight"));
            let mut norm =
                |n: &str| t(n).and_then(|q| q.dequantize(&device).map_err(weights_error));
            let q_norm = norm("attn_q_norm")?;
            let k_norm = norm("attn_k_norm")?;
            let attn_norm = norm("attn_norm")?;
            let post_attn_norm = norm("post_attention_norm")?;
            let ffn_norm = norm("ffn_norm")?;
            let post_ffn_norm = norm("post_ffw_norm")?;
            let mut mm =
                |n: &str| t(n).and_then(|q| QMatMul::from_qtensor(q).map_err(weights_error));
            out.push(Layer {
                q: mm("attn_q")?,
                k: mm("attn_k")?,
                v: mm("attn_v")?,
                o: mm("attn_output")?,
                gate: mm("ffn_gate")?,
                up: mm("ffn_up")?,
                down: mm("ffn_down")?,
                q_norm,
                k_norm,
                attn_norm,
                post_attn_norm,
                ffn_norm,
                post_ffn_norm,
                // Every sixth layer is global (Gemma 3's 5:1 local/global pattern).
                rope_base: if (i + 1) % 6 == 0 {
                    global_base
                } else {
                    local_base
                },
            });
        }
        Ok(Gemma {
            embedding,
            hidden,
            heads,
            kv_heads,
            head_dim,
            eps,
            layers: out,
            device,
        })
    }

    /// Width of a hidden state.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// Layers loaded.
    pub fn layers(&self) -> usize {
        self.layers.len()
    }

    /// The hidden states of `ids` after each loaded layer (`[seq, hidden]` each); `after`
    /// is called with the layer number (1-based) as each finishes, for timing.
    pub fn forward(
        &self,
        ids: &[u32],
        mut after: impl FnMut(usize),
    ) -> Result<Vec<Tensor>, EmbedError> {
        if ids.is_empty() || ids.len() > MAX_TOKENS {
            return Err(EmbedError::Length(ids.len()));
        }
        self.run(ids, &mut after).map_err(weights_error)
    }

    fn run(&self, ids: &[u32], after: &mut dyn FnMut(usize)) -> candle_core::Result<Vec<Tensor>> {
        let n = ids.len();
        let dev = &self.device;
        let idx = Tensor::new(ids, dev)?;
        let mut x = (self.embedding.embedding(&idx)? * (self.hidden as f64).sqrt())?;
        let mask = causal_mask(n, dev)?;
        let mut states = Vec::with_capacity(self.layers.len());
        for (i, layer) in self.layers.iter().enumerate() {
            let (cos, sin) = rope_tables(self.head_dim, layer.rope_base, n, dev)?;
            let h = candle_nn::ops::rms_norm(&x, &layer.attn_norm, self.eps)?;
            let h = self.attention(layer, &h, &mask, &cos, &sin)?;
            let h = candle_nn::ops::rms_norm(&h, &layer.post_attn_norm, self.eps)?;
            x = (x + h)?;
            let h = candle_nn::ops::rms_norm(&x, &layer.ffn_norm, self.eps)?;
            let gated = (layer.gate.forward(&h)?.gelu()? * layer.up.forward(&h)?)?;
            let h = layer.down.forward(&gated)?;
            let h = candle_nn::ops::rms_norm(&h, &layer.post_ffn_norm, self.eps)?;
            x = (x + h)?;
            states.push(x.clone());
            after(i + 1);
        }
        Ok(states)
    }

    fn attention(
        &self,
        layer: &Layer,
        x: &Tensor,
        mask: &Tensor,
        cos: &Tensor,
        sin: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let n = x.dim(0)?;
        let split = |t: Tensor, heads: usize| -> candle_core::Result<Tensor> {
            t.reshape((1, n, heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(layer.q.forward(x)?, self.heads)?;
        let k = split(layer.k.forward(x)?, self.kv_heads)?;
        let v = split(layer.v.forward(x)?, self.kv_heads)?;
        let q = candle_nn::ops::rms_norm(&q, &layer.q_norm, self.eps)?;
        let k = candle_nn::ops::rms_norm(&k, &layer.k_norm, self.eps)?;
        let q = candle_nn::rotary_emb::rope(&q, cos, sin)?;
        let k = candle_nn::rotary_emb::rope(&k, cos, sin)?;
        // Grouped-query attention: each key/value head serves heads / kv_heads query heads.
        let group = self.heads / self.kv_heads;
        let k = repeat_heads(&k, group)?;
        let v = repeat_heads(&v, group)?;
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let scores = (q.matmul(&k.t()?.contiguous()?)? * scale)?.broadcast_add(mask)?;
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let out = weights
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((n, self.heads * self.head_dim))?;
        layer.o.forward(&out)
    }
}

fn repeat_heads(t: &Tensor, group: usize) -> candle_core::Result<Tensor> {
    if group == 1 {
        return Ok(t.clone());
    }
    let (b, h, n, d) = t.dims4()?;
    t.unsqueeze(2)?
        .expand((b, h, group, n, d))?
        .reshape((b, h * group, n, d))
}

/// 0 where a position may attend, −∞ where it would look ahead.
fn causal_mask(n: usize, dev: &Device) -> candle_core::Result<Tensor> {
    let m: Vec<f32> = (0..n)
        .flat_map(|i| (0..n).map(move |j| if j > i { f32::NEG_INFINITY } else { 0.0 }))
        .collect();
    Tensor::from_vec(m, (n, n), dev)
}

/// Cosine and sine tables of rotary positions 0..n for heads of width `dim`.
fn rope_tables(
    dim: usize,
    base: f32,
    n: usize,
    dev: &Device,
) -> candle_core::Result<(Tensor, Tensor)> {
    let inv: Vec<f32> = (0..dim)
        .step_by(2)
        .map(|i| 1.0 / base.powf(i as f32 / dim as f32))
        .collect();
    let inv = Tensor::from_vec(inv, (1, dim / 2), dev)?;
    let pos = Tensor::arange(0u32, n as u32, dev)?
        .to_dtype(DType::F32)?
        .reshape((n, 1))?;
    let angles = pos.matmul(&inv)?;
    Ok((angles.cos()?, angles.sin()?))
}

/// Mean over the rows `from..` of a `[seq, hidden]` state: the pooled vector of a span.
pub fn mean_pool(state: &Tensor, from: usize) -> Result<Vec<f32>, EmbedError> {
    let n = state.dim(0).map_err(weights_error)?;
    if from >= n {
        return Err(EmbedError::Length(0));
    }
    state
        .narrow(0, from, n - from)
        .and_then(|t| t.mean(0))
        .and_then(|t| t.to_dtype(DType::F32))
        .and_then(|t| t.to_vec1::<f32>())
        .map_err(weights_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::Tokenizer;

    /// The forward pass is Gemma's if the last layer's state, through the final norm and
    /// the tied embedding, continues a count and names capitals among its first guesses.
    #[test]
    #[ignore = "needs gemma3-270m: make embed-eval"]
    fn the_last_layer_predicts_the_obvious_next_word() {
        let path = samtal_models::ModelStore::from_env()
            .unwrap()
            .gguf_model(crate::MODEL_ID)
            .unwrap();
        let mut f = std::fs::File::open(path).unwrap();
        let ct = Content::read(&mut f).unwrap();
        let tok = Tokenizer::from_gguf(&ct).unwrap();
        let model = Gemma::load(&ct, &mut f, None).unwrap();
        let dev = Device::Cpu;
        let norm = ct
            .tensor(&mut f, "output_norm.weight", &dev)
            .unwrap()
            .dequantize(&dev)
            .unwrap();
        let out = QMatMul::from_arc(model.embedding.clone()).unwrap();
        for (text, next, within) in [
            ("1, 2, 3, 4, 5, ", "6", 1),
            ("The capital of France is", " Paris", 3),
            ("Sveriges huvudstad heter", " Stockholm", 5),
        ] {
            let mut ids = vec![tok.bos()];
            ids.extend(tok.encode(text));
            let states = model.forward(&ids, |_| {}).unwrap();
            let last = states.last().unwrap().narrow(0, ids.len() - 1, 1).unwrap();
            let h = candle_nn::ops::rms_norm(&last, &norm, model.eps).unwrap();
            let logits = out.forward(&h).unwrap().squeeze(0).unwrap();
            let v = logits.to_vec1::<f32>().unwrap();
            let mut order: Vec<usize> = (0..v.len()).collect();
            order.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
            let top: Vec<String> = order[..within]
                .iter()
                .map(|&t| tok.decode(&[t as u32]))
                .collect();
            assert!(top.iter().any(|t| t == next), "after {text:?}: {top:?}");
        }
    }
}
