//! The planner's language model, on the robot's own CPU.
//!
//! A GGUF file is everything: weights, tokenizer, chat template. [`Llm::load`] checks the
//! file, picks the architecture from `general.architecture`, rebuilds the tokenizer exactly
//! as llama.cpp does, and lays the weights out for fast CPU inference. Generation is
//! constrained by an llguidance grammar so that the model can only write what the caller's
//! grammar allows; a prompt prefix can be run once and its KV cache reused.

mod activation;
mod attention;
mod beam;
mod chat;
mod constrained;
mod engine;
mod error;
mod gguf;
mod model;
mod qmatvec;
mod score;
mod spm;
mod tokenizer;

pub use beam::{BeamResult, Candidate, Contrast};
pub use chat::{ChatMessage, ChatTemplate};
pub use constrained::{Decoding, Generation, GrammarSpec};
pub use engine::{Llm, LoadOptions, PrefixCache, Timings};
pub use error::LlmError;
pub use gguf::{Architecture, GgufInfo};
pub use model::{
    Config, DECODE_WEIGHTS_UP_TO_TOKENS, Decoder, Feed, KvCache, Logits, PrefillWeights,
};
pub use score::Scores;
pub use tokenizer::GgufTokenizer;
