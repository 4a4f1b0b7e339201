//! Why a model could not be loaded or run.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong between a GGUF path and a generated text.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LlmError {
    /// The file could not be read at all.
    #[error("{path}: {source}. Fix: check the path given to --model")]
    Io {
        /// The model file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not GGUF, is truncated, or its header is damaged.
    #[error(
        "{path}: not a usable GGUF file: {problem}. Fix: download the model again, or pass a GGUF file with --model"
    )]
    NotGguf {
        /// The model file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The GGUF is valid but describes a model this crate does not run.
    #[error(
        "{path}: architecture '{arch}' is not supported; supported: {supported}. Fix: pass a GGUF of a supported architecture with --model"
    )]
    UnsupportedArchitecture {
        /// The model file.
        path: PathBuf,
        /// `general.architecture`.
        arch: String,
        /// Comma-separated list.
        supported: String,
    },
    /// The tokenizer in the GGUF is of a kind this crate cannot rebuild exactly.
    #[error(
        "{path}: tokenizer not supported: {problem}. Fix: use a GGUF with one of these tokenizers: {supported}"
    )]
    UnsupportedTokenizer {
        /// The model file.
        path: PathBuf,
        /// What is missing or unknown.
        problem: String,
        /// What is supported.
        supported: String,
    },
    /// A tensor or metadata key the architecture needs is missing or malformed.
    #[error(
        "{path}: {problem}. Fix: the GGUF is damaged or was converted for a different architecture"
    )]
    BadModel {
        /// The model file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The chat template could not be compiled or rendered.
    #[error("chat template: {0}")]
    ChatTemplate(String),
    /// The grammar could not be compiled or refused a token.
    #[error("grammar: {0}")]
    Grammar(String),
    /// The prompt does not fit the model's context.
    #[error("the prompt needs {needed} tokens; the model's context holds {limit}")]
    ContextFull {
        /// Tokens needed.
        needed: usize,
        /// Context length.
        limit: usize,
    },
    /// A tensor operation failed.
    #[error("inference: {0}")]
    Inference(#[from] candle_core::Error),
    /// The caller gave up waiting.
    #[error("cancelled after {0} generated tokens")]
    Cancelled(usize),
}
