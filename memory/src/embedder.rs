//! Sentence embeddings with all-MiniLM-L6-v2 (Reimers & Gurevych, "Sentence-BERT", 2019):
//! BERT over the WordPiece tokens, mean over the real tokens (attention mask), L2-normalised.
//! Batches are padded to their longest sentence — the tokenizer file pads everything to 128,
//! which makes unrelated sentences come out similar.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use thiserror::Error;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Dimensions of an embedding.
pub const EMBEDDING_DIM: usize = 384;
/// Texts longer than this many tokens are truncated (the model was trained to 256).
const MAX_TOKENS: usize = 256;
/// Embeddings remembered for identical texts.
const CACHE_CAP: usize = 50_000;

/// Why embedding failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EmbedderError {
    /// The model files could not be had.
    #[error(transparent)]
    Model(#[from] embodia_models::ModelError),
    /// A model file could not be read or parsed.
    #[error(
        "{file}: {message}. Fix: delete the model folder and fetch again (`embodia models fetch`)"
    )]
    Load {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// The forward pass failed.
    #[error("embedding failed: {0}")]
    Compute(String),
}

fn compute(e: impl std::fmt::Display) -> EmbedderError {
    EmbedderError::Compute(e.to_string())
}

/// The sentence embedder.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    cache: Mutex<HashMap<String, Arc<[f32]>>>,
}

impl Embedder {
    /// Loads the model from a folder with `config.json`, `tokenizer.json`, `model.safetensors`.
    pub fn load(dir: &Path) -> Result<Self, EmbedderError> {
        let load_err = |file: &str, message: String| EmbedderError::Load {
            file: dir.join(file).display().to_string(),
            message,
        };
        let config: Config = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| load_err("config.json", e.to_string()))
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| load_err("config.json", e.to_string()))
            })?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| load_err("tokenizer.json", e.to_string()))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| load_err("tokenizer.json", e.to_string()))?;
        let device = Device::Cpu;
        let weights = std::fs::read(dir.join("model.safetensors"))
            .map_err(|e| load_err("model.safetensors", e.to_string()))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| load_err("model.safetensors", e.to_string()))?;
        let model = BertModel::load(vb, &config)
            .map_err(|e| load_err("model.safetensors", e.to_string()))?;
        Ok(Self {
            model,
            tokenizer,
            device,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The pinned model from `$EMBODIA_HOME`, fetched on first use.
    pub fn fetch_default() -> Result<Self, EmbedderError> {
        let dir = embodia_models::MINILM.ensure(&embodia_models::home())?;
        Self::load(&dir)
    }

    /// Unit vectors for `texts`, in order. Identical texts are embedded once.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Arc<[f32]>>, EmbedderError> {
        let _span = tracing::debug_span!("embed", n = texts.len()).entered();
        let mut out: Vec<Option<Arc<[f32]>>> = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            texts.iter().map(|t| cache.get(*t).cloned()).collect()
        };
        let mut todo: Vec<&str> = Vec::new();
        for (t, o) in texts.iter().zip(&out) {
            if o.is_none() && !todo.contains(t) {
                todo.push(t);
            }
        }
        if !todo.is_empty() {
            let fresh = self.forward(&todo)?;
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.len() + fresh.len() > CACHE_CAP {
                cache.clear();
            }
            for (t, v) in todo.iter().zip(fresh) {
                cache.insert((*t).to_owned(), v);
            }
            for (t, o) in texts.iter().zip(out.iter_mut()) {
                if o.is_none() {
                    *o = cache.get(*t).cloned();
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|v| v.expect("every text embedded"))
            .collect())
    }

    /// Whether `word` is one whole token of the model's vocabulary (not split into pieces):
    /// a word the model has seen often enough to know, as opposed to a made-up one.
    pub fn is_whole_word(&self, word: &str) -> bool {
        let w = word.trim().to_lowercase();
        !w.is_empty() && !w.contains(' ') && self.tokenizer.token_to_id(&w).is_some()
    }

    /// Whether `word` reads as an English word or a compound of two ("jukebox", "teapot",
    /// "sacs"): whole in the vocabulary, a plural of a whole word, or two whole words of three
    /// letters or more run together. Slips and made-up strings ("sarcofagus", "xqzv") split
    /// into short pieces and are not.
    pub fn is_word_like(&self, word: &str) -> bool {
        let w = word.trim().to_lowercase();
        if !w.chars().all(char::is_alphabetic) {
            return false;
        }
        let whole = |p: &str| self.is_whole_word(p);
        let stem = w
            .strip_suffix("es")
            .filter(|s| whole(s))
            .or_else(|| w.strip_suffix('s'));
        whole(&w)
            || stem.is_some_and(|s| s.chars().count() >= 3 && whole(s))
            || w.char_indices()
                .map(|(i, _)| i)
                .filter(|&i| i >= 3 && w.len() - i >= 3)
                .any(|i| whole(&w[..i]) && whole(&w[i..]))
    }

    /// One text's unit vector.
    pub fn embed_one(&self, text: &str) -> Result<Arc<[f32]>, EmbedderError> {
        Ok(self.embed(&[text])?.remove(0))
    }

    fn forward(&self, texts: &[&str]) -> Result<Vec<Arc<[f32]>>, EmbedderError> {
        let enc = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(compute)?;
        let ids = enc
            .iter()
            .map(|e| Tensor::new(e.get_ids(), &self.device))
            .collect::<Result<Vec<_>, _>>()
            .map_err(compute)?;
        let mask = enc
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), &self.device))
            .collect::<Result<Vec<_>, _>>()
            .map_err(compute)?;
        let ids = Tensor::stack(&ids, 0).map_err(compute)?;
        let mask = Tensor::stack(&mask, 0).map_err(compute)?;
        let token_types = ids.zeros_like().map_err(compute)?;
        let hidden = self
            .model
            .forward(&ids, &token_types, Some(&mask))
            .map_err(compute)?;
        let m = mask
            .to_dtype(DType::F32)
            .and_then(|m| m.unsqueeze(2))
            .map_err(compute)?;
        let summed = hidden
            .broadcast_mul(&m)
            .and_then(|h| h.sum(1))
            .map_err(compute)?;
        let mean = summed
            .broadcast_div(&m.sum(1).map_err(compute)?)
            .map_err(compute)?;
        let rows: Vec<Vec<f32>> = mean.to_vec2().map_err(compute)?;
        Ok(rows
            .into_iter()
            .map(|mut v| {
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                v.iter_mut().for_each(|x| *x /= n);
                Arc::from(v)
            })
            .collect())
    }
}
