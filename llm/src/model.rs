//! One decoder for the llama family and its relatives (qwen2, qwen3, phi3): they differ only
//! in which projections are fused, biased or normed, and in the RoPE layout, all of which the
//! GGUF's tensors and architecture name tell.
//!
//! The KV cache lives outside the weights ([`KvCache`]), so a prompt prefix can be run once
//! and its cache cloned for every request that starts with it.

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{D, DType, Device, Module, Tensor};

use std::sync::Arc;

use crate::LlmError;
use crate::gguf::{Architecture, GgufInfo};
use rayon::prelude::*;

use crate::attention::{Heads, LayerKv};
use crate::qmatvec::{BlockFormat, QuantMatrix};

/// How weights are held in memory; chosen at load, see [`crate::LoadOptions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Requantize 4/5-bit block formats without a fast CPU kernel to Q8_0 for decoding.
    pub requantize_q8: bool,
    /// Run Q4_1 and Q8_0 weights as stored, on our kernel ([`crate::qmatvec`]).
    pub block_kernel: bool,
    /// A dense copy of every projection the block kernel does not take, for prompt
    /// processing (GEMM beats candle's quantized dot products for many tokens at once).
    pub prefill: PrefillWeights,
}

/// Dense weights kept beside the quantized ones for prompt processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefillWeights {
    /// f32: fastest GEMM on CPUs without f16 arithmetic (measured 2.2x f16 here), 4 bytes per
    /// weight.
    F32,
    /// f16: half the memory of f32.
    F16,
    /// None: prompts go through the quantized kernels too (big models).
    None,
}

/// Up to this many tokens in one forward pass (all feeds of a batch together) run on
/// candle's quantized kernels; more go through the f32/f16 GEMM copies. Weights on our block
/// kernel ([`crate::qmatvec`]) take every pass themselves and have no dense copies: it beat
/// the f32 GEMM copies at every size (SmolLM2-135M, 2 threads, 200 tokens cached, one pass,
/// measured with the same attention: 1 / 4 / 16 / 64 / 275 tokens in 8 / 14 / 41 / 115 /
/// 533 ms vs 25 / 46 / 95 / 159 / 661 ms; `cargo bench -p embodia-llm --bench llm_speed --
/// sizes` prints today's table).
pub const DECODE_WEIGHTS_UP_TO_TOKENS: usize = 8;

/// Weights for one-token steps: candle's quantized matmul, or our block kernel
/// ([`crate::qmatvec`]).
#[derive(Debug, Clone)]
enum DecodeWeights {
    Candle(QMatMul),
    Blocks(Arc<QuantMatrix>),
}

impl DecodeWeights {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            DecodeWeights::Candle(m) => m.forward(x),
            DecodeWeights::Blocks(w) => {
                let mut dims = x.dims().to_vec();
                let y = w.matmul(&x.flatten_all()?.to_vec1::<f32>()?);
                if let Some(last) = dims.last_mut() {
                    *last = w.rows();
                }
                Tensor::from_vec(y, dims, x.device())
            }
        }
    }
}

/// A projection: the weights for one token at a time and, optionally, for many.
#[derive(Debug, Clone)]
struct Linear {
    decode: DecodeWeights,
    prefill: Option<QMatMul>,
    bias: Option<Tensor>,
}

impl Linear {
    /// The block-kernel weights, when they are all there is to this projection (no bias).
    fn blocks(&self) -> Option<&QuantMatrix> {
        match (&self.decode, &self.bias) {
            (DecodeWeights::Blocks(w), None) => Some(w),
            _ => None,
        }
    }

    fn forward(&self, x: &Tensor, many: bool) -> candle_core::Result<Tensor> {
        let y = match (&self.prefill, many) {
            (Some(w), true) => w.forward(x)?,
            _ => self.decode.forward(x)?,
        };
        match &self.bias {
            Some(b) => y.broadcast_add(b),
            None => Ok(y),
        }
    }
}

#[derive(Debug, Clone)]
enum Qkv {
    Separate { q: Linear, k: Linear, v: Linear },
    Fused(Linear),
}

#[derive(Debug, Clone)]
enum Ffn {
    Separate { gate: Linear, up: Linear },
    Fused(Linear),
}

#[derive(Debug, Clone)]
struct Block {
    attn_norm: Tensor,
    qkv: Qkv,
    q_norm: Option<Tensor>,
    k_norm: Option<Tensor>,
    out: Linear,
    ffn_norm: Tensor,
    ffn: Ffn,
    down: Linear,
}

/// Shape of the network, from the GGUF metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Family.
    pub arch: Architecture,
    /// Transformer blocks.
    pub n_layer: usize,
    /// Query heads.
    pub n_head: usize,
    /// Key/value heads (grouped-query attention when fewer than `n_head`).
    pub n_kv_head: usize,
    /// Width of one head.
    pub head_dim: usize,
    /// Model width.
    pub n_embd: usize,
    /// FFN width.
    pub n_ff: usize,
    /// Rotated dimensions per head.
    pub rope_dim: usize,
    /// RoPE base frequency.
    pub rope_base: f32,
    /// RMS norm epsilon.
    pub rms_eps: f64,
    /// Longest sequence.
    pub context: usize,
    /// Vocabulary size.
    pub vocab: usize,
}

/// The network's weights. Immutable and shareable; state lives in [`KvCache`].
#[derive(Debug, Clone)]
pub struct Decoder {
    cfg: Config,
    embed: TokenEmbedding,
    blocks: Vec<Block>,
    norm: Tensor,
    output: Linear,
    heads: Heads,
    device: Device,
}

/// The token embedding table. Quantized tables stay as stored and only the rows a pass
/// reads are expanded: dequantizing all of SmolLM2's 49,152 rows at load took a tenth of a
/// second and 113 MB.
#[derive(Debug, Clone)]
enum TokenEmbedding {
    Dense(Tensor),
    Blocks {
        dtype: GgmlDType,
        bytes: Arc<[u8]>,
        row_bytes: usize,
        width: usize,
    },
}

impl TokenEmbedding {
    fn new(qt: &QTensor, device: &Device) -> candle_core::Result<Self> {
        let dtype = qt.dtype();
        let width = qt.shape().dims().last().copied().unwrap_or(0);
        if matches!(dtype, GgmlDType::F32 | GgmlDType::F16 | GgmlDType::BF16)
            || width % dtype.block_size() != 0
        {
            return Ok(Self::Dense(qt.dequantize(device)?));
        }
        Ok(Self::Blocks {
            dtype,
            bytes: qt.data()?.into_owned().into(),
            row_bytes: width / dtype.block_size() * dtype.type_size(),
            width,
        })
    }

    fn dims(&self) -> Vec<usize> {
        match self {
            Self::Dense(t) => t.dims().to_vec(),
            Self::Blocks {
                bytes,
                row_bytes,
                width,
                ..
            } => vec![bytes.len() / row_bytes, *width],
        }
    }

    /// `[ids.len(), width]`; ids were checked against the vocabulary by the caller.
    fn rows(&self, ids: &[u32], device: &Device) -> candle_core::Result<Tensor> {
        match self {
            Self::Dense(t) => t.index_select(&Tensor::new(ids, device)?, 0),
            Self::Blocks {
                dtype,
                bytes,
                row_bytes,
                width,
            } => {
                let mut out = Vec::with_capacity(ids.len() * width);
                for &id in ids {
                    let start = id as usize * row_bytes;
                    let row = bytes.get(start..start + row_bytes).ok_or_else(|| {
                        candle_core::Error::Msg(format!("token {id} is outside the embedding"))
                    })?;
                    let q = candle_core::quantized::ggml_file::qtensor_from_ggml(
                        *dtype,
                        row,
                        vec![*width],
                        device,
                    )?;
                    out.extend(q.dequantize(device)?.to_vec1::<f32>()?);
                }
                Tensor::from_vec(out, (ids.len(), *width), device)
            }
        }
    }
}

/// One sequence of a batched forward pass: its tokens and its cache.
#[derive(Debug)]
pub struct Feed<'a> {
    /// Tokens to run after what `cache` holds.
    pub tokens: &'a [u32],
    /// The sequence's keys and values so far; the tokens' are appended.
    pub cache: &'a mut KvCache,
}

/// Where one feed's tokens sit in a batched pass.
struct Segment {
    start: usize,
    len: usize,
    /// Positions already in the feed's cache.
    offset: usize,
}

/// Keys and values of every position run so far. Cloning is cheap (tensors are shared and
/// never written in place), which is what makes prefix reuse safe.
#[derive(Debug, Clone, Default)]
pub struct KvCache {
    layers: Vec<LayerKv>,
    len: usize,
}

impl KvCache {
    /// Positions held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been run.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Which positions' logits to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logits {
    /// Only the next-token distribution after the last input token.
    Last,
    /// One row per input token (for scoring a continuation).
    All,
}

impl Decoder {
    pub(crate) fn load(
        info: &GgufInfo,
        file: &mut std::fs::File,
        layout: Layout,
        vocab: usize,
    ) -> Result<Self, LlmError> {
        let device = Device::Cpu;
        let cfg = config(info, vocab)?;
        let tensor = |file: &mut std::fs::File, name: &str| -> Result<QTensor, LlmError> {
            if !info.content.tensor_infos.contains_key(name) {
                return Err(info.bad(format!("tensor {name} is missing")));
            }
            info.content
                .tensor(file, name, &device)
                .map_err(|e| info.bad(format!("tensor {name}: {e}")))
        };
        let has = |name: &str| info.content.tensor_infos.contains_key(name);
        let dense = |qt: QTensor| -> Result<Tensor, LlmError> { Ok(qt.dequantize(&device)?) };
        let linear = |file: &mut std::fs::File, name: &str| -> Result<Linear, LlmError> {
            let qt = tensor(file, &format!("{name}.weight"))?;
            let bias_name = format!("{name}.bias");
            let bias = if has(&bias_name) {
                Some(dense(tensor(file, &bias_name)?)?)
            } else {
                None
            };
            let prefill = match layout.prefill {
                _ if block_kernel_takes(&qt, layout) => None,
                PrefillWeights::F32 => Some(QMatMul::Tensor(qt.dequantize(&device)?)),
                PrefillWeights::F16 => Some(QMatMul::TensorF16(qt.dequantize_f16(&device)?)),
                PrefillWeights::None => None,
            };
            Ok(Linear {
                prefill,
                decode: decode_weights(qt, layout, &device)?,
                bias,
            })
        };
        // Projections that read the same input are stacked into one matrix at load, so a
        // decode step runs one matrix-vector product instead of three (q, k, v) or two
        // (gate, up): per-operation overhead is a large share of a 135M model's step.
        // Only when the weights are re-laid out anyway (requantized or dense); native
        // quantized formats stay as they are, unfused.
        let fused = |file: &mut std::fs::File,
                     names: &[String]|
         -> Result<Option<Linear>, LlmError> {
            let mut parts = Vec::new();
            for n in names {
                parts.push(tensor(file, &format!("{n}.weight"))?);
            }
            let slow = |d: GgmlDType| {
                matches!(
                    d,
                    GgmlDType::Q4_0 | GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1
                )
            };
            let dense_kind =
                |d: GgmlDType| matches!(d, GgmlDType::F32 | GgmlDType::F16 | GgmlDType::BF16);
            let blocks = block_matrix(&parts, layout);
            let requant = parts.iter().all(|q| slow(q.dtype())) && layout.requantize_q8;
            if !(blocks.is_some() || requant || parts.iter().all(|q| dense_kind(q.dtype()))) {
                return Ok(None);
            }
            // The dense stack is only needed when the block kernel does not take them.
            let w = match blocks {
                Some(_) => None,
                None => {
                    let mats: Vec<Tensor> = parts
                        .iter()
                        .map(|q| q.dequantize(&device))
                        .collect::<Result<_, _>>()?;
                    Some(Tensor::cat(&mats, 0)?)
                }
            };
            let mut biases = Vec::new();
            for n in names {
                let b = format!("{n}.bias");
                biases.push(if has(&b) {
                    Some(dense(tensor(file, &b)?)?)
                } else {
                    None
                });
            }
            let bias = if biases.iter().any(Option::is_some) {
                let filled: Vec<Tensor> = biases
                    .into_iter()
                    .zip(&parts)
                    .map(|(b, q)| match b {
                        Some(b) => Ok(b),
                        None => Tensor::zeros(q.shape().dims()[0], DType::F32, &device),
                    })
                    .collect::<Result<_, candle_core::Error>>()?;
                Some(Tensor::cat(&filled, 0)?)
            } else {
                None
            };
            let dense_stack = |w: &Option<Tensor>| -> Result<Tensor, LlmError> {
                match w {
                    Some(w) => Ok(w.clone()),
                    None => {
                        let mats: Vec<Tensor> = parts
                            .iter()
                            .map(|q| q.dequantize(&device))
                            .collect::<Result<_, _>>()?;
                        Ok(Tensor::cat(&mats, 0)?)
                    }
                }
            };
            let prefill = match (layout.prefill, &w) {
                (_, None) => None,
                (PrefillWeights::F32, Some(w)) => Some(QMatMul::Tensor(w.clone())),
                (PrefillWeights::F16, Some(w)) => Some(QMatMul::TensorF16(w.to_dtype(DType::F16)?)),
                (PrefillWeights::None, Some(_)) => None,
            };
            let decode = if let Some(m) = blocks {
                DecodeWeights::Blocks(Arc::new(m))
            } else if requant {
                DecodeWeights::Candle(QMatMul::from_qtensor(QTensor::quantize(
                    &dense_stack(&w)?,
                    GgmlDType::Q8_0,
                )?)?)
            } else {
                DecodeWeights::Candle(QMatMul::Tensor(dense_stack(&w)?))
            };
            Ok(Some(Linear {
                decode,
                prefill,
                bias,
            }))
        };
        let embed_q = tensor(file, "token_embd.weight")?;
        let embed = TokenEmbedding::new(&embed_q, &device)?;
        if embed.dims() != [cfg.vocab, cfg.n_embd] {
            return Err(info.bad(format!(
                "token_embd.weight has shape {:?}, expected [{}, {}]",
                embed.dims(),
                cfg.vocab,
                cfg.n_embd
            )));
        }
        let output = if has("output.weight") {
            linear(file, "output")?
        } else {
            // Tied embeddings.
            Linear {
                prefill: match layout.prefill {
                    _ if block_kernel_takes(&embed_q, layout) => None,
                    PrefillWeights::F32 => Some(QMatMul::Tensor(embed_q.dequantize(&device)?)),
                    PrefillWeights::F16 => {
                        Some(QMatMul::TensorF16(embed_q.dequantize_f16(&device)?))
                    }
                    PrefillWeights::None => None,
                },
                decode: decode_weights(embed_q, layout, &device)?,
                bias: None,
            }
        };
        let norm = dense(tensor(file, "output_norm.weight")?)?;
        let mut blocks = Vec::with_capacity(cfg.n_layer);
        for i in 0..cfg.n_layer {
            let p = format!("blk.{i}");
            let qkv_names = ["attn_q", "attn_k", "attn_v"].map(|n| format!("{p}.{n}"));
            let qkv = if has(&format!("{p}.attn_qkv.weight")) {
                Qkv::Fused(linear(file, &format!("{p}.attn_qkv"))?)
            } else if let Some(l) = fused(file, &qkv_names)? {
                Qkv::Fused(l)
            } else {
                Qkv::Separate {
                    q: linear(file, &format!("{p}.attn_q"))?,
                    k: linear(file, &format!("{p}.attn_k"))?,
                    v: linear(file, &format!("{p}.attn_v"))?,
                }
            };
            let opt_norm =
                |file: &mut std::fs::File, name: String| -> Result<Option<Tensor>, LlmError> {
                    if has(&name) {
                        Ok(Some(dense(tensor(file, &name)?)?))
                    } else {
                        Ok(None)
                    }
                };
            let q_norm = opt_norm(file, format!("{p}.attn_q_norm.weight"))?;
            let k_norm = opt_norm(file, format!("{p}.attn_k_norm.weight"))?;
            let gate_up = ["ffn_gate", "ffn_up"].map(|n| format!("{p}.{n}"));
            let ffn = if has(&format!("{p}.ffn_gate.weight")) {
                match fused(file, &gate_up)? {
                    Some(l) => Ffn::Fused(l),
                    None => Ffn::Separate {
                        gate: linear(file, &format!("{p}.ffn_gate"))?,
                        up: linear(file, &format!("{p}.ffn_up"))?,
                    },
                }
            } else {
                Ffn::Fused(linear(file, &format!("{p}.ffn_up"))?)
            };
            blocks.push(Block {
                attn_norm: dense(tensor(file, &format!("{p}.attn_norm.weight"))?)?,
                qkv,
                q_norm,
                k_norm,
                out: linear(file, &format!("{p}.attn_output"))?,
                ffn_norm: dense(tensor(file, &format!("{p}.ffn_norm.weight"))?)?,
                ffn,
                down: linear(file, &format!("{p}.ffn_down"))?,
            });
        }
        let heads = heads(&cfg);
        Ok(Self {
            cfg,
            embed,
            blocks,
            norm,
            output,
            heads,
            device,
        })
    }

    /// The network's shape.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Runs `tokens` after what `cache` holds, appends their keys and values to it, and
    /// returns logits (`[vocab]` for [`Logits::Last`], `[tokens, vocab]` for [`Logits::All`]).
    ///
    /// Runs on the process's inference pool ([`inference_pool`]), so the many small parallel
    /// products of a decode step start on a thread of the pool instead of being handed over
    /// to it and waited for (measured: 14 -> 11 ms per SmolLM2 token on 2 threads).
    pub fn forward(
        &self,
        tokens: &[u32],
        cache: &mut KvCache,
        which: Logits,
    ) -> Result<Tensor, LlmError> {
        let mut feeds = [Feed { tokens, cache }];
        let mut out = self.forward_batch(&mut feeds, which)?;
        Ok(out.remove(0))
    }

    /// Runs several independent sequences in one pass: each feed's tokens after its own
    /// cache. The projections and the FFN see every feed's tokens at once, so the weights
    /// are read once for all of them (a decode step is bound by reading them); attention
    /// stays per feed. Logits per feed, as [`Decoder::forward`] gives them.
    pub fn forward_batch(
        &self,
        feeds: &mut [Feed<'_>],
        which: Logits,
    ) -> Result<Vec<Tensor>, LlmError> {
        match inference_pool() {
            Some(pool) => pool.install(|| self.forward_here(feeds, which)),
            None => self.forward_here(feeds, which),
        }
    }

    fn check_feed(&self, feed: &Feed<'_>) -> Result<(), LlmError> {
        let s = feed.tokens.len();
        if s == 0 {
            return Err(LlmError::Inference(candle_core::Error::Msg(
                "no tokens to run".into(),
            )));
        }
        if feed.cache.len + s > self.cfg.context {
            return Err(LlmError::ContextFull {
                needed: feed.cache.len + s,
                limit: self.cfg.context,
            });
        }
        if let Some(bad) = feed.tokens.iter().find(|t| **t as usize >= self.cfg.vocab) {
            return Err(LlmError::Inference(candle_core::Error::Msg(format!(
                "token id {bad} is outside the vocabulary of {}",
                self.cfg.vocab
            ))));
        }
        Ok(())
    }

    fn forward_here(&self, feeds: &mut [Feed<'_>], which: Logits) -> Result<Vec<Tensor>, LlmError> {
        if feeds.is_empty() {
            return Ok(Vec::new());
        }
        for f in feeds.iter() {
            self.check_feed(f)?;
        }
        let n: usize = feeds.iter().map(|f| f.tokens.len()).sum();
        let many = n > DECODE_WEIGHTS_UP_TO_TOKENS;
        let mut segments = Vec::with_capacity(feeds.len());
        let mut start = 0;
        for f in feeds.iter_mut() {
            if f.cache.layers.len() != self.blocks.len() {
                f.cache.layers = vec![LayerKv::default(); self.blocks.len()];
            }
            let s = f.tokens.len();
            segments.push(Segment {
                start,
                len: s,
                offset: f.cache.len,
            });
            start += s;
        }
        let ids: Vec<u32> = feeds
            .iter()
            .flat_map(|f| f.tokens.iter().copied())
            .collect();
        let mut x = self.embed.rows(&ids, &self.device)?.unsqueeze(0)?;
        for (li, block) in self.blocks.iter().enumerate() {
            let _span = tracing::trace_span!("block").entered();
            let h = candle_nn::ops::rms_norm(&x, &block.attn_norm, self.cfg.rms_eps as f32)?;
            let a = self.attention(block, &h, &segments, feeds, li, many)?;
            x = (x + a)?;
            let h = candle_nn::ops::rms_norm(&x, &block.ffn_norm, self.cfg.rms_eps as f32)?;
            x = (x + self.ffn(block, &h, many)?)?;
        }
        for (f, seg) in feeds.iter_mut().zip(&segments) {
            f.cache.len += seg.len;
        }
        let x = candle_nn::ops::rms_norm(&x, &self.norm, self.cfg.rms_eps as f32)?;
        match which {
            Logits::Last => {
                let last: Vec<Tensor> = segments
                    .iter()
                    .map(|seg| x.narrow(1, seg.start + seg.len - 1, 1))
                    .collect::<Result<_, _>>()?;
                let rows = if last.len() == 1 {
                    last[0].clone()
                } else {
                    Tensor::cat(&last, 1)?
                };
                let logits = self.output.forward(&rows, false)?.squeeze(0)?;
                Ok((0..segments.len())
                    .map(|i| logits.get(i))
                    .collect::<Result<_, _>>()?)
            }
            Logits::All => {
                let logits = self.output.forward(&x, many)?.squeeze(0)?;
                Ok(segments
                    .iter()
                    .map(|seg| logits.narrow(0, seg.start, seg.len))
                    .collect::<Result<_, _>>()?)
            }
        }
    }

    /// The feed-forward part. When gate/up and down are all on the block kernel it runs
    /// on plain vectors: one product, SiLU-and-multiply in one loop, one product (no tensor
    /// copies or per-operation overhead in between).
    fn ffn(&self, block: &Block, h: &Tensor, many: bool) -> candle_core::Result<Tensor> {
        if let Ffn::Fused(w) = &block.ffn
            && let (Some(gate_up), Some(down)) = (w.blocks(), block.down.blocks())
        {
            let x = h.flatten_all()?.to_vec1::<f32>()?;
            let act = crate::activation::silu_gate(&gate_up.matmul(&x), self.cfg.n_ff);
            return Tensor::from_vec(down.matmul(&act), h.dims(), &self.device);
        }
        let f = match &block.ffn {
            Ffn::Separate { gate, up } => {
                (candle_nn::ops::silu(&gate.forward(h, many)?)? * up.forward(h, many)?)?
            }
            Ffn::Fused(w) => {
                let gu = w.forward(h, many)?;
                let n = self.cfg.n_ff;
                (candle_nn::ops::silu(&gu.narrow(D::Minus1, 0, n)?)?
                    * gu.narrow(D::Minus1, n, n)?)?
            }
        };
        block.down.forward(&f, many)
    }

    fn attention(
        &self,
        block: &Block,
        h: &Tensor,
        segments: &[Segment],
        feeds: &mut [Feed<'_>],
        layer: usize,
        many: bool,
    ) -> candle_core::Result<Tensor> {
        let c = &self.cfg;
        let (q, k, v) = match &block.qkv {
            Qkv::Separate { q, k, v } => (
                q.forward(h, many)?,
                k.forward(h, many)?,
                v.forward(h, many)?,
            ),
            Qkv::Fused(w) => {
                let qkv = w.forward(h, many)?;
                let nq = c.n_head * c.head_dim;
                let nk = c.n_kv_head * c.head_dim;
                (
                    qkv.narrow(D::Minus1, 0, nq)?,
                    qkv.narrow(D::Minus1, nq, nk)?,
                    qkv.narrow(D::Minus1, nq + nk, nk)?,
                )
            }
        };
        let n = h.dim(1)?;
        let per_head =
            |t: Tensor, heads: usize, norm: &Option<Tensor>| -> candle_core::Result<Vec<f32>> {
                let t = match norm {
                    Some(w) => candle_nn::ops::rms_norm(
                        &t.reshape((1, n, heads, c.head_dim))?.contiguous()?,
                        w,
                        c.rms_eps as f32,
                    )?,
                    None => t,
                };
                t.contiguous()?.flatten_all()?.to_vec1::<f32>()
            };
        let q = per_head(q, c.n_head, &block.q_norm)?;
        let k = per_head(k, c.n_kv_head, &block.k_norm)?;
        let v = per_head(v, c.n_kv_head, &None)?;
        let (nq, nk) = (c.n_head * c.head_dim, c.n_kv_head * c.head_dim);
        let work: Vec<(&Segment, &mut LayerKv)> = segments
            .iter()
            .zip(feeds.iter_mut())
            .map(|(seg, f)| (seg, &mut f.cache.layers[layer]))
            .collect();
        let one = |(seg, kv): (&Segment, &mut LayerKv)| {
            let rows = seg.start..seg.start + seg.len;
            self.heads.attend(
                kv,
                seg.offset,
                q[rows.start * nq..rows.end * nq].to_vec(),
                k[rows.start * nk..rows.end * nk].to_vec(),
                &v[rows.start * nk..rows.end * nk],
            )
        };
        let ys: Vec<Vec<f32>> = if work.len() > 1 {
            work.into_par_iter().map(one).collect()
        } else {
            work.into_iter().map(one).collect()
        };
        let y = Tensor::from_vec(ys.concat(), (1, n, nq), &self.device)?;
        block.out.forward(&y, many)
    }
}

/// One pool of `candle_core::utils::get_num_threads()` threads (`RAYON_NUM_THREADS`, else
/// every core) shared by every model in the process; `None` if it cannot be started, and
/// the caller's thread hands work to rayon's global pool as before.
pub(crate) fn inference_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(candle_core::utils::get_num_threads())
            .thread_name(|i| format!("embodia-llm-{i}"))
            .build()
            .map_err(|e| tracing::warn!("no inference thread pool: {e}"))
            .ok()
    })
    .as_ref()
}

/// Whether [`block_matrix`] takes `qt` (without laying it out).
fn block_kernel_takes(qt: &QTensor, layout: Layout) -> bool {
    layout.block_kernel
        && matches!(qt.dtype(), GgmlDType::Q4_1 | GgmlDType::Q8_0)
        && matches!(qt.shape().dims(), &[_, cols] if cols > 0 && cols % crate::qmatvec::BLOCK == 0)
}

/// Q4_1 or Q8_0 weights for our kernel, stacked in order, when that is the layout asked for
/// and every part has the same format and width.
fn block_matrix(parts: &[QTensor], layout: Layout) -> Option<QuantMatrix> {
    if !layout.block_kernel {
        return None;
    }
    let format = match parts.first()?.dtype() {
        GgmlDType::Q4_1 => BlockFormat::Q4_1,
        GgmlDType::Q8_0 => BlockFormat::Q8_0,
        _ => return None,
    };
    let mut cols = None;
    let mut data = Vec::with_capacity(parts.len());
    for qt in parts {
        let &[rows, c] = qt.shape().dims() else {
            return None;
        };
        if qt.dtype() != parts[0].dtype() || cols.is_some_and(|w| w != c) {
            return None;
        }
        cols = Some(c);
        data.push((qt.data().ok()?, rows));
    }
    let views: Vec<(&[u8], usize)> = data.iter().map(|(b, r)| (b.as_ref(), *r)).collect();
    QuantMatrix::from_gguf(format, &views, cols?)
}

fn decode_weights(qt: QTensor, layout: Layout, device: &Device) -> Result<DecodeWeights, LlmError> {
    if let Some(m) = block_matrix(std::slice::from_ref(&qt), layout) {
        return Ok(DecodeWeights::Blocks(Arc::new(m)));
    }
    let slow = matches!(
        qt.dtype(),
        GgmlDType::Q4_0 | GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1
    );
    // candle's Q4_1/Q5_x dot products take blocks in pairs and panic on an odd count.
    let cols = qt.shape().dims().last().copied().unwrap_or(0);
    let odd_blocks = (cols / qt.dtype().block_size()) % 2 == 1;
    let qt = if slow && (layout.requantize_q8 || odd_blocks) {
        QTensor::quantize(&qt.dequantize(device)?, GgmlDType::Q8_0)?
    } else {
        qt
    };
    Ok(DecodeWeights::Candle(QMatMul::from_qtensor(qt)?))
}

fn config(info: &GgufInfo, vocab: usize) -> Result<Config, LlmError> {
    let n_embd = info.arch_u32("embedding_length")? as usize;
    let n_head = info.arch_u32("attention.head_count")? as usize;
    let n_kv_head = info
        .arch_u32_opt("attention.head_count_kv")?
        .map(|v| v as usize)
        .unwrap_or(n_head);
    if n_head == 0 || n_kv_head == 0 || !n_head.is_multiple_of(n_kv_head) {
        return Err(info.bad(format!(
            "{n_head} query heads cannot share {n_kv_head} key/value heads"
        )));
    }
    let head_dim = info
        .arch_u32_opt("attention.key_length")?
        .map(|v| v as usize)
        .unwrap_or(n_embd / n_head);
    let rope_dim = info
        .arch_u32_opt("rope.dimension_count")?
        .map(|v| v as usize)
        .unwrap_or(head_dim);
    if rope_dim > head_dim || rope_dim % 2 != 0 {
        return Err(info.bad(format!(
            "rope dimension {rope_dim} does not fit heads of {head_dim}"
        )));
    }
    let context = (info.arch_u32("context_length")? as usize).min(32_768);
    Ok(Config {
        arch: info.arch,
        n_layer: info.arch_u32("block_count")? as usize,
        n_head,
        n_kv_head,
        head_dim,
        n_embd,
        n_ff: info.arch_u32("feed_forward_length")? as usize,
        rope_dim,
        rope_base: info.arch_f32_or("rope.freq_base", 10_000.0)?,
        rms_eps: info.arch_f32_or("attention.layer_norm_rms_epsilon", 1e-5)? as f64,
        context,
        vocab,
    })
}

/// The attention layout and rotary tables (f32, as the tensors they replace).
fn heads(c: &Config) -> Heads {
    let half = c.rope_dim / 2;
    let inv: Vec<f32> = (0..half)
        .map(|i| 1.0 / c.rope_base.powf(2.0 * i as f32 / c.rope_dim as f32))
        .collect();
    let angles: Vec<f32> = (0..c.context)
        .flat_map(|p| inv.iter().map(move |f| p as f32 * f))
        .collect();
    Heads {
        n_head: c.n_head,
        n_kv_head: c.n_kv_head,
        head_dim: c.head_dim,
        rope_dim: c.rope_dim,
        interleaved: c.arch == Architecture::Llama,
        cos: angles.iter().map(|a| a.cos()).collect(),
        sin: angles.iter().map(|a| a.sin()).collect(),
    }
}

impl KvCache {
    pub(crate) fn narrow(&self, n: usize) -> KvCache {
        KvCache {
            layers: self.layers.iter().map(|l| l.narrow(n)).collect(),
            len: n,
        }
    }
}
