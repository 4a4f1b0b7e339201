//! Grammar-constrained decoding: llguidance masks every token the grammar cannot accept, so
//! the model can only write what the caller allows; tokens the grammar forces are fed in one
//! batch without asking the model.

use std::sync::Arc;

use llguidance::api::TopLevelGrammar;
use llguidance::{Matcher, ParserFactory};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use toktrie::{TokEnv, TokRxInfo, TokTrie, TokenId, TokenizerEnv};

use crate::{GgufTokenizer, LlmError};

/// What the output must look like.
#[derive(Debug, Clone)]
pub enum GrammarSpec {
    /// A Lark grammar (llguidance dialect).
    Lark(String),
    /// A JSON schema.
    JsonSchema(serde_json::Value),
    /// No constraint (for measuring what the grammar prevents).
    Unconstrained,
}

/// How the next token is picked among those allowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decoding {
    /// The most likely token: deterministic.
    Greedy,
    /// Sampled from the softmax at `temperature`, reproducible by `seed`.
    Sample {
        /// Softmax temperature (> 0).
        temperature: f32,
        /// Random seed.
        seed: u64,
    },
}

/// What came out of one generation, with its costs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Generation {
    /// The text written (without the end-of-turn token).
    pub text: String,
    /// Its token ids.
    pub tokens: Vec<u32>,
    /// Prompt tokens taken from the prefix cache.
    pub cached_prompt_tokens: usize,
    /// Prompt tokens run.
    pub prefill_tokens: usize,
    /// Seconds spent running the prompt.
    pub prefill_s: f64,
    /// Forward passes while generating.
    pub decode_steps: usize,
    /// Tokens fed without asking the model because the grammar allowed only them.
    pub forced_tokens: usize,
    /// Seconds spent generating.
    pub decode_s: f64,
    /// Seconds spent computing grammar masks.
    pub mask_s: f64,
    /// Whether generation ended because the grammar or the model finished (not the limit).
    pub finished: bool,
}

/// The tokenizer as llguidance sees it.
pub(crate) struct GrammarTokenizer {
    trie: TokTrie,
    tokenizer: GgufTokenizer,
}

impl TokenizerEnv for GrammarTokenizer {
    fn tok_trie(&self) -> &TokTrie {
        &self.trie
    }

    fn tokenize_bytes(&self, s: &[u8]) -> Vec<TokenId> {
        self.trie
            .tokenize_with_greedy_fallback(s, |s| self.tokenizer.encode_continuation(s))
    }
}

/// The grammar engine for one tokenizer, built once per model.
pub(crate) struct Grammars {
    factory: ParserFactory,
}

impl Grammars {
    pub(crate) fn new(tokenizer: &GgufTokenizer, end_of_turn: u32) -> Result<Self, LlmError> {
        let words = tokenizer.token_bytes(TokTrie::SPECIAL_TOKEN_MARKER);
        let mut info = TokRxInfo::new(words.len() as u32, end_of_turn);
        info.tok_end_of_turn = Some(end_of_turn);
        let trie = TokTrie::from(&info, &words);
        let env: TokEnv = Arc::new(GrammarTokenizer {
            trie,
            tokenizer: tokenizer.clone(),
        });
        let mut factory =
            ParserFactory::new_simple(&env).map_err(|e| LlmError::Grammar(e.to_string()))?;
        factory.set_stderr_log_level(0);
        Ok(Self { factory })
    }

    pub(crate) fn matcher(&self, spec: &GrammarSpec) -> Result<Option<Matcher>, LlmError> {
        let grammar = match spec {
            GrammarSpec::Lark(src) => TopLevelGrammar::from_lark(src.clone()),
            GrammarSpec::JsonSchema(schema) => TopLevelGrammar::from_json_schema(schema.clone()),
            GrammarSpec::Unconstrained => return Ok(None),
        };
        let parser = self.factory.create_parser(grammar);
        let matcher = Matcher::new(parser);
        if let Some(e) = matcher.get_error() {
            return Err(LlmError::Grammar(e));
        }
        Ok(Some(matcher))
    }
}

/// Picks the next token from `logits` among those `allowed` (all when `None`).
pub(crate) fn pick(
    logits: &[f32],
    allowed: Option<&toktrie::SimpleVob>,
    decoding: Decoding,
    rng: &mut ChaCha8Rng,
) -> Option<u32> {
    let ok = |i: usize| allowed.is_none_or(|m| m.is_allowed(i as u32));
    match decoding {
        Decoding::Greedy => {
            let mut best: Option<(usize, f32)> = None;
            for (i, &l) in logits.iter().enumerate() {
                if ok(i) && best.is_none_or(|(_, b)| l > b) {
                    best = Some((i, l));
                }
            }
            best.map(|(i, _)| i as u32)
        }
        Decoding::Sample { temperature, .. } => {
            let t = temperature.max(1e-3);
            let max = logits
                .iter()
                .enumerate()
                .filter(|(i, _)| ok(*i))
                .map(|(_, l)| *l)
                .fold(f32::NEG_INFINITY, f32::max);
            if !max.is_finite() {
                return None;
            }
            let weights: Vec<(usize, f32)> = logits
                .iter()
                .enumerate()
                .filter(|(i, _)| ok(*i))
                .map(|(i, l)| (i, ((l - max) / t).exp()))
                .collect();
            let total: f32 = weights.iter().map(|(_, w)| w).sum();
            let mut r = rng.random::<f32>() * total;
            for (i, w) in &weights {
                r -= w;
                if r <= 0.0 {
                    return Some(*i as u32);
                }
            }
            weights.last().map(|(i, _)| *i as u32)
        }
    }
}

/// A seeded generator for [`Decoding::Sample`] (unused by greedy).
pub(crate) fn rng_for(decoding: Decoding) -> ChaCha8Rng {
    match decoding {
        Decoding::Sample { seed, .. } => ChaCha8Rng::seed_from_u64(seed),
        Decoding::Greedy => ChaCha8Rng::seed_from_u64(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentencepiece_vocabulary_drives_the_grammar() {
        // Phi-3's vocabulary: `▁` for spaces and `<0xXX>` byte tokens must reach llguidance
        // as the bytes they stand for.
        let dir = embodia_models::LLAMA_CPP_VOCABS
            .ensure(&embodia_models::home())
            .expect("fetch llama.cpp's vocabulary GGUFs (llama-cpp-python 0.3.36 sdist)");
        let tok = GgufTokenizer::open(&dir.join("ggml-vocab-phi-3.gguf")).unwrap();
        let end = tok.token_id("<|end|>").unwrap();
        let grammars = Grammars::new(&tok, end).unwrap();
        let mut m = grammars
            .matcher(&GrammarSpec::Lark(
                "start: \"go to \" (\"kitchen\" | \"living room\") \"\\n\"".into(),
            ))
            .unwrap()
            .unwrap();
        let bytes = tok.token_bytes(TokTrie::SPECIAL_TOKEN_MARKER);
        let id = |t: &str| tok.token_id(t).unwrap();
        let mut text = Vec::new();
        // One tokenization a model could write; the newline is a byte token.
        for t in [
            "go",
            "\u{2581}to",
            "\u{2581}living",
            "\u{2581}room",
            "<0x0A>",
        ] {
            assert!(m.compute_mask().unwrap().is_allowed(id(t)), "{t}");
            m.consume_token(id(t)).unwrap();
            text.extend(&bytes[id(t) as usize]);
        }
        assert_eq!(String::from_utf8_lossy(&text), "go to living room\n");
        assert!(m.is_accepting().unwrap() || m.is_stopped());
    }
}
