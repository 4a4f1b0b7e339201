//! The loaded model with its tokenizer, template and grammar engine: prompts in, text out.

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crate::chat::CHATML;
use crate::constrained::{Grammars, pick, rng_for};
use crate::model::{Layout, Logits, PrefillWeights};
use crate::{
    ChatMessage, ChatTemplate, Decoder, Decoding, Generation, GgufInfo, GgufTokenizer, GrammarSpec,
    KvCache, LlmError,
};
use candle_core::quantized::gguf_file::Value;

/// How to hold the weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Requantize Q4_0/Q4_1/Q5_x weights to Q8_0 for decoding (candle has no fast CPU
    /// kernel for them); Q4_1 goes to our own kernel instead while `block_kernel` is set.
    pub requantize_q8: bool,
    /// Run Q4_1 and Q8_0 weights as stored, on embodia's block kernel, for any number of
    /// tokens (Q4_1: 0.6x the bytes of Q8_0; no dense copies for prompts).
    pub block_kernel: bool,
    /// Dense copies for prompt processing of weights the block kernel does not take; `None`
    /// decides by model size: f32 while they take under 1 GiB, else f16 under 1 GiB, else
    /// none.
    pub prefill: Option<PrefillWeights>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            requantize_q8: true,
            block_kernel: true,
            prefill: None,
        }
    }
}

/// Time spent loading, for the bench and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Seconds to read and lay out the weights.
    pub load_s: f64,
}

/// A prompt prefix already run: its tokens and the KV cache after them.
#[derive(Debug, Clone)]
pub struct PrefixCache {
    tokens: Vec<u32>,
    cache: KvCache,
}

impl PrefixCache {
    /// Tokens covered.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// The tokens covered.
    pub fn tokens(&self) -> &[u32] {
        &self.tokens
    }

    /// Whether it covers nothing.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// A language model ready to generate.
pub struct Llm {
    tokenizer: GgufTokenizer,
    template: ChatTemplate,
    decoder: Decoder,
    /// Built on a thread of its own from load on (it takes ~150 ms and only model-written
    /// plans need it); the first constrained decode waits for it if it is not done.
    grammars: Arc<OnceLock<Result<Grammars, String>>>,
    end_of_turn: u32,
    timings: Timings,
}

impl std::fmt::Debug for Llm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Llm")
            .field("config", self.decoder.config())
            .finish_non_exhaustive()
    }
}

impl Llm {
    /// Loads a GGUF: checks it, rebuilds its tokenizer and template, lays out the weights.
    pub fn load(path: &Path, options: LoadOptions) -> Result<Self, LlmError> {
        let t0 = Instant::now();
        let (info, mut file) = GgufInfo::open(path)?;
        let t_info = t0.elapsed();
        let tokenizer = GgufTokenizer::from_gguf(&info)?;
        let t_tokenizer = t0.elapsed();
        let end_of_turn = ["<|im_end|>", "<|eot_id|>", "<|end|>"]
            .iter()
            .find_map(|t| tokenizer.token_id(t).filter(|id| tokenizer.is_control(*id)))
            .unwrap_or(tokenizer.eos());
        let source = match info.content.metadata.get("tokenizer.chat_template") {
            Some(Value::String(s)) => s.clone(),
            _ => CHATML.to_owned(),
        };
        let text = |id: Option<u32>| {
            id.and_then(|i| tokenizer.token_text(i))
                .unwrap_or("")
                .to_owned()
        };
        let template = ChatTemplate::new(
            &source,
            &text(tokenizer.bos()),
            &text(Some(tokenizer.eos())),
        )?;
        let params: usize = info
            .content
            .tensor_infos
            .values()
            .map(|t| t.shape.elem_count())
            .sum();
        let layout = Layout {
            requantize_q8: options.requantize_q8,
            block_kernel: options.block_kernel,
            prefill: options.prefill.unwrap_or(if params * 4 < 1 << 30 {
                PrefillWeights::F32
            } else if params * 2 < 1 << 30 {
                PrefillWeights::F16
            } else {
                PrefillWeights::None
            }),
        };
        let t_before_weights = t0.elapsed();
        let decoder = Decoder::load(&info, &mut file, layout, tokenizer.vocab_size())?;
        let t_weights = t0.elapsed();
        let grammars = Arc::new(OnceLock::new());
        {
            let (cell, tokenizer) = (Arc::clone(&grammars), tokenizer.clone());
            // If no thread can be started, the first use builds it instead.
            let _ = std::thread::Builder::new()
                .name("grammar-engine".into())
                .spawn(move || {
                    cell.get_or_init(|| {
                        Grammars::new(&tokenizer, end_of_turn).map_err(|e| e.to_string())
                    });
                });
        }
        tracing::debug!(
            header_ms = t_info.as_millis() as u64,
            tokenizer_ms = (t_tokenizer - t_info).as_millis() as u64,
            weights_ms = (t_weights - t_before_weights).as_millis() as u64,
            "load stages"
        );
        tracing::info!(
            path = %path.display(),
            arch = info.arch.gguf_name(),
            params,
            ?layout,
            load_ms = t0.elapsed().as_millis() as u64,
            "loaded model"
        );
        Ok(Self {
            tokenizer,
            template,
            decoder,
            grammars,
            end_of_turn,
            timings: Timings {
                load_s: t0.elapsed().as_secs_f64(),
            },
        })
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &GgufTokenizer {
        &self.tokenizer
    }

    /// The network.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    pub(crate) fn grammars(&self) -> Result<&Grammars, LlmError> {
        self.grammars
            .get_or_init(|| {
                Grammars::new(&self.tokenizer, self.end_of_turn).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| LlmError::Grammar(e.clone()))
    }

    /// Load time.
    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The token that ends the assistant's turn.
    pub fn end_of_turn(&self) -> u32 {
        self.end_of_turn
    }

    /// Renders a conversation with the model's own chat template.
    pub fn chat_prompt(
        &self,
        messages: &[ChatMessage],
        add_generation_prompt: bool,
    ) -> Result<String, LlmError> {
        self.template.render(messages, add_generation_prompt)
    }

    /// `text` made safe to embed in a prompt: it cannot spell a control token.
    pub fn neutralize(&self, text: &str) -> String {
        self.tokenizer.neutralize(text)
    }

    /// Runs `prompt` once so that later prompts starting with it skip that work.
    pub fn prefix(&self, prompt: &str) -> Result<PrefixCache, LlmError> {
        let tokens = self.tokenizer.encode(prompt);
        let mut cache = KvCache::default();
        if !tokens.is_empty() {
            self.decoder.forward(&tokens, &mut cache, Logits::Last)?;
        }
        Ok(PrefixCache { tokens, cache })
    }

    /// `prompt` run on top of `base` (reusing what they share): a longer prefix for
    /// several generations that start the same way.
    pub fn extend(&self, base: &PrefixCache, prompt: &str) -> Result<PrefixCache, LlmError> {
        let tokens = self.tokenizer.encode(prompt);
        let shared = base
            .tokens
            .iter()
            .zip(&tokens)
            .take_while(|(a, b)| a == b)
            .count();
        // No logits are needed here, so a prompt the base covers runs nothing: its cache is
        // the very one the base was made with, and what follows it computes exactly as the
        // first time (a repeated request plans bit for bit the same).
        let mut cache = base.cache.truncated(shared);
        let rest = &tokens[shared..];
        if !rest.is_empty() {
            self.decoder.forward(rest, &mut cache, Logits::Last)?;
        }
        Ok(PrefixCache { tokens, cache })
    }

    /// The KV cache after `tokens`, reusing as much of `prefix` as they share, and the
    /// tokens still to run.
    pub(crate) fn start_cache<'t>(
        &self,
        tokens: &'t [u32],
        prefix: Option<&PrefixCache>,
    ) -> (KvCache, &'t [u32]) {
        let Some(p) = prefix else {
            return (KvCache::default(), tokens);
        };
        let mut shared = p
            .tokens
            .iter()
            .zip(tokens)
            .take_while(|(a, b)| a == b)
            .count();
        // Something must run to get logits.
        shared = shared.min(tokens.len().saturating_sub(1));
        let cache = p.cache.truncated(shared);
        (cache, &tokens[shared..])
    }

    /// Generates after `prompt` (a rendered chat prompt) until the grammar or the model ends
    /// the turn, or `max_tokens`. `cancelled` is asked before every forward pass.
    pub fn generate(
        &self,
        prompt: &str,
        prefix: Option<&PrefixCache>,
        grammar: &GrammarSpec,
        decoding: Decoding,
        max_tokens: usize,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Generation, LlmError> {
        let _span = tracing::debug_span!("generate").entered();
        let all = self.tokenizer.encode(prompt);
        let (mut cache, rest) = self.start_cache(&all, prefix);
        let mut out = Generation {
            cached_prompt_tokens: all.len() - rest.len(),
            prefill_tokens: rest.len(),
            ..Generation::default()
        };
        let mut matcher = self.grammars()?.matcher(grammar)?;
        if cancelled() {
            return Err(LlmError::Cancelled(0));
        }
        let t = Instant::now();
        let mut logits: Vec<f32> = self
            .decoder
            .forward(rest, &mut cache, Logits::Last)?
            .to_vec1()?;
        out.prefill_s = t.elapsed().as_secs_f64();
        let mut rng = rng_for(decoding);
        let t = Instant::now();
        loop {
            if out.tokens.len() >= max_tokens {
                break;
            }
            let tm = Instant::now();
            let mask = match matcher.as_mut() {
                Some(m) => Some(
                    m.compute_mask()
                        .map_err(|e| LlmError::Grammar(e.to_string()))?,
                ),
                None => None,
            };
            out.mask_s += tm.elapsed().as_secs_f64();
            let Some(next) = pick(&logits, mask.as_ref(), decoding, &mut rng) else {
                break;
            };
            if next == self.end_of_turn || next == self.tokenizer.eos() {
                out.finished = true;
                break;
            }
            let mut feed = vec![next];
            if let Some(m) = matcher.as_mut() {
                m.consume_token(next)
                    .map_err(|e| LlmError::Grammar(e.to_string()))?;
                let forced = m.consume_ff_tokens();
                out.forced_tokens += forced.len();
                feed.extend(forced);
                if m.is_stopped() {
                    out.tokens.extend(feed);
                    out.finished = true;
                    break;
                }
            }
            out.tokens.extend(&feed);
            if cancelled() {
                return Err(LlmError::Cancelled(out.tokens.len()));
            }
            logits = self
                .decoder
                .forward(&feed, &mut cache, Logits::Last)?
                .to_vec1()?;
            out.decode_steps += 1;
        }
        out.decode_s = t.elapsed().as_secs_f64();
        out.text = self.tokenizer.decode(&out.tokens);
        Ok(out)
    }
}

impl KvCache {
    /// The cache of the first `n` positions.
    pub(crate) fn truncated(&self, n: usize) -> KvCache {
        if n >= self.len() {
            return self.clone();
        }
        self.narrow(n)
    }
}
