//! The tokenizer a GGUF describes, rebuilt exactly (token ids equal llama.cpp's).
//!
//! candle's `TokenizerFromGguf` treats every `pre` as GPT-2 with a leading space, which is
//! wrong for SmolLM2 (`pre=smollm`). Here each supported BPE pre-tokenizer is spelled out as
//! the original `tokenizer.json` has it, and control tokens (GGUF token type 3) are special;
//! SentencePiece vocabularies (`tokenizer.ggml.model = llama`: Llama 2, Phi-3) go through
//! [`crate::spm`], llama.cpp's algorithm.

use std::collections::HashMap;
use std::path::Path;

use candle_core::quantized::gguf_file::Value;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::BPE;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{AddedToken, SplitDelimiterBehavior, Tokenizer};

use crate::LlmError;
use crate::gguf::GgufInfo;
use crate::spm::{SPACE, Special, Spm, byte_token};

/// GGUF token type of control tokens (`<|im_start|>` and the like).
const CONTROL: i32 = 3;

/// Pre-tokenizers we rebuild, by their GGUF `tokenizer.ggml.pre` name.
const SUPPORTED_PRE: &str = "smollm, gpt2, default, qwen2, llama-bpe";
/// GGUF token types.
const UNKNOWN: i32 = 2;
const USER_DEFINED: i32 = 4;
const BYTE: i32 = 6;

/// Qwen2 / Llama 3 split regex (Llama 3 takes digits in groups of up to three).
const QWEN2_REGEX: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const LLAMA3_REGEX: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// A GGUF's tokenizer with its token strings and kinds, which the grammar engine needs too.
#[derive(Clone)]
pub struct GgufTokenizer {
    inner: Model,
    /// GGUF token types.
    types: Vec<i32>,
    tokens: Vec<String>,
    control: Vec<bool>,
    ids: HashMap<String, u32>,
    eos: u32,
    bos: Option<u32>,
}

/// The algorithm behind the ids.
#[derive(Clone)]
enum Model {
    /// Byte-level BPE (`tokenizer.ggml.model = gpt2`), through the `tokenizers` crate.
    Bpe(Box<Tokenizer>),
    /// SentencePiece (`tokenizer.ggml.model = llama`).
    Spm {
        spm: Box<Spm>,
        add_space_prefix: bool,
    },
}

impl std::fmt::Debug for GgufTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GgufTokenizer")
            .field("vocab", &self.tokens.len())
            .field("eos", &self.eos)
            .finish()
    }
}

fn strings(info: &GgufInfo, key: &str) -> Result<Vec<String>, LlmError> {
    let v = info.get(key)?;
    let arr = v.to_vec().map_err(|e| info.bad(format!("{key}: {e}")))?;
    arr.iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(info.bad(format!("{key}: an entry is not a string"))),
        })
        .collect()
}

impl GgufTokenizer {
    /// Rebuilds the tokenizer of a checked GGUF.
    pub fn from_gguf(info: &GgufInfo) -> Result<Self, LlmError> {
        let unsupported = |problem: String| LlmError::UnsupportedTokenizer {
            path: info.path.clone(),
            problem,
            supported: format!(
                "tokenizer.ggml.model=gpt2 with pre = {SUPPORTED_PRE}; tokenizer.ggml.model=llama \
                 (SentencePiece) with pre = default"
            ),
        };
        let model = match info.get("tokenizer.ggml.model")? {
            Value::String(s) => s.clone(),
            _ => return Err(info.bad("tokenizer.ggml.model is not a string".into())),
        };
        if model != "gpt2" && model != "llama" {
            return Err(unsupported(format!("tokenizer.ggml.model = {model}")));
        }
        let pre = match info.content.metadata.get("tokenizer.ggml.pre") {
            Some(Value::String(s)) => s.clone(),
            _ => "default".to_owned(),
        };
        let tokens = strings(info, "tokenizer.ggml.tokens")?;
        let types: Vec<i32> = info
            .get("tokenizer.ggml.token_type")?
            .to_vec()
            .map_err(|e| info.bad(format!("tokenizer.ggml.token_type: {e}")))?
            .iter()
            .map(|t| t.to_i32().unwrap_or(1))
            .collect();
        if types.len() != tokens.len() {
            return Err(info.bad(format!(
                "{} token types for {} tokens",
                types.len(),
                tokens.len()
            )));
        }
        let ids: HashMap<String, u32> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        let (inner, control) = if model == "llama" {
            if pre != "default" {
                return Err(unsupported(format!(
                    "tokenizer.ggml.model = llama with tokenizer.ggml.pre = {pre}"
                )));
            }
            Self::spm(info, &tokens, &types)?
        } else {
            Self::bpe(info, &pre, &tokens, &types, &ids, unsupported)?
        };
        let token_id = |key: &str| -> Result<Option<u32>, LlmError> {
            match info.content.metadata.get(key) {
                None => Ok(None),
                Some(v) => v
                    .to_u32()
                    .map(Some)
                    .map_err(|e| info.bad(format!("{key}: {e}"))),
            }
        };
        let eos = token_id("tokenizer.ggml.eos_token_id")?
            .ok_or_else(|| info.bad("tokenizer.ggml.eos_token_id is missing".into()))?;
        if eos as usize >= tokens.len() {
            return Err(info.bad(format!("eos token {eos} is outside the vocabulary")));
        }
        let bos = token_id("tokenizer.ggml.bos_token_id")?;
        Ok(Self {
            inner,
            types,
            tokens,
            control,
            ids,
            eos,
            bos,
        })
    }

    /// A SentencePiece vocabulary; control, unknown and user-defined tokens are special (as
    /// llama.cpp splits the input on all three).
    fn spm(
        info: &GgufInfo,
        tokens: &[String],
        types: &[i32],
    ) -> Result<(Model, Vec<bool>), LlmError> {
        let scores: Vec<f32> = info
            .get("tokenizer.ggml.scores")?
            .to_vec()
            .map_err(|e| info.bad(format!("tokenizer.ggml.scores: {e}")))?
            .iter()
            .map(|v| v.to_f32().unwrap_or(0.0))
            .collect();
        if scores.len() != tokens.len() {
            return Err(info.bad(format!(
                "{} token scores for {} tokens",
                scores.len(),
                tokens.len()
            )));
        }
        let add_space_prefix = match info.content.metadata.get("tokenizer.ggml.add_space_prefix") {
            Some(v) => v
                .to_bool()
                .map_err(|e| info.bad(format!("tokenizer.ggml.add_space_prefix: {e}")))?,
            None => true,
        };
        // llama.cpp sets per-token attributes by model name: Phi-3's special tokens eat the
        // whitespace after them, except these three.
        let name = match info.content.metadata.get("general.name") {
            Some(Value::String(s)) => s.to_lowercase(),
            _ => String::new(),
        };
        let phi3 = name.contains("phi-3") || name.contains("phi3");
        let control: Vec<bool> = types
            .iter()
            .map(|&t| matches!(t, UNKNOWN | CONTROL | USER_DEFINED))
            .collect();
        let specials = tokens
            .iter()
            .enumerate()
            .filter(|&(i, t)| control[i] && !t.is_empty())
            .map(|(i, t)| Special {
                id: i as u32,
                text: t.clone(),
                lstrip: false,
                rstrip: phi3 && !matches!(t.as_str(), "<unk>" | "<s>" | "<|endoftext|>"),
            })
            .collect();
        Ok((
            Model::Spm {
                spm: Box::new(Spm::new(tokens, scores, specials, add_space_prefix)),
                add_space_prefix,
            },
            control,
        ))
    }

    /// A byte-level BPE with the pre-tokenizer `pre`.
    fn bpe(
        info: &GgufInfo,
        pre: &str,
        tokens: &[String],
        types: &[i32],
        ids: &HashMap<String, u32>,
        unsupported: impl Fn(String) -> LlmError,
    ) -> Result<(Model, Vec<bool>), LlmError> {
        let merges: Vec<(String, String)> = strings(info, "tokenizer.ggml.merges")?
            .into_iter()
            .map(|m| match m.split_once(' ') {
                Some((a, b)) => Ok((a.to_owned(), b.to_owned())),
                None => Err(info.bad(format!("merge {m:?} has no space"))),
            })
            .collect::<Result<_, _>>()?;
        let control: Vec<bool> = types.iter().map(|&t| t == CONTROL).collect();
        let bpe = BPE::builder()
            .vocab_and_merges(
                ids.clone()
                    .into_iter()
                    .collect::<tokenizers::models::bpe::Vocab>(),
                merges,
            )
            .build()
            .map_err(|e| info.bad(format!("BPE: {e}")))?;
        let mut inner = Tokenizer::new(bpe);
        let byte_level = |regex: bool| ByteLevel::new(false, true, regex);
        let split = |re: &str| {
            Split::new(
                SplitPattern::Regex(re.to_owned()),
                SplitDelimiterBehavior::Isolated,
                false,
            )
            .map_err(|e| info.bad(format!("pre-tokenizer regex: {e}")))
        };
        let pre_tokenizer = match pre {
            "smollm" => Sequence::new(vec![Digits::new(true).into(), byte_level(true).into()]),
            "gpt2" | "default" => Sequence::new(vec![byte_level(true).into()]),
            "qwen2" => Sequence::new(vec![split(QWEN2_REGEX)?.into(), byte_level(false).into()]),
            "llama-bpe" => {
                Sequence::new(vec![split(LLAMA3_REGEX)?.into(), byte_level(false).into()])
            }
            other => return Err(unsupported(format!("tokenizer.ggml.pre = {other}"))),
        };
        inner.with_pre_tokenizer(Some(pre_tokenizer));
        inner.with_decoder(Some(ByteLevelDecoder::default()));
        let specials: Vec<AddedToken> = tokens
            .iter()
            .zip(&control)
            .filter(|(_, c)| **c)
            .map(|(t, _)| AddedToken::from(t.clone(), true))
            .collect();
        inner
            .add_special_tokens(specials)
            .map_err(|e| info.bad(format!("control tokens: {e}")))?;
        Ok((Model::Bpe(Box::new(inner)), control))
    }

    /// Token ids of `text`; control-token spellings in it become control tokens, so only
    /// trusted text (a rendered template) goes through here. Data goes through
    /// [`GgufTokenizer::neutralize`] first.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        match &self.inner {
            Model::Bpe(t) => match t.encode(text, false) {
                Ok(enc) => enc.get_ids().to_vec(),
                // The BPE has every byte, so encoding cannot fail on a str; stay total anyway.
                Err(_) => Vec::new(),
            },
            Model::Spm { spm, .. } => spm.encode(text, true),
        }
    }

    /// Token ids of `text` as a continuation of a sequence: as [`Self::encode`], but a
    /// SentencePiece vocabulary puts no space before the text (the grammar engine tokenizes
    /// pieces of output with it).
    pub fn encode_continuation(&self, text: &str) -> Vec<u32> {
        match &self.inner {
            Model::Spm { spm, .. } => spm.encode(text, false),
            Model::Bpe(_) => self.encode(text),
        }
    }

    /// Text of `ids` (control tokens kept).
    pub fn decode(&self, ids: &[u32]) -> String {
        match &self.inner {
            Model::Bpe(t) => t.decode(ids, false).unwrap_or_default(),
            Model::Spm {
                add_space_prefix, ..
            } => {
                let mut bytes = Vec::new();
                for (i, &id) in ids.iter().enumerate() {
                    let piece = self.spm_bytes(id);
                    // The space the encoder put before the text (llama.cpp drops it too).
                    let skip =
                        usize::from(i == 0 && *add_space_prefix && piece.first() == Some(&b' '));
                    bytes.extend_from_slice(&piece[skip..]);
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    }

    /// What a SentencePiece token stands for: a byte, text with `▁` as spaces, or (special
    /// tokens) its own spelling.
    fn spm_bytes(&self, id: u32) -> Vec<u8> {
        let i = id as usize;
        let Some(text) = self.tokens.get(i) else {
            return Vec::new();
        };
        match self.types[i] {
            BYTE => byte_token(text).map(|b| vec![b]).unwrap_or_default(),
            UNKNOWN | CONTROL | USER_DEFINED => text.as_bytes().to_vec(),
            _ => text.replace(SPACE, " ").into_bytes(),
        }
    }

    /// `text` with every control-token spelling broken up, so that data (a task, a sensor
    /// name) can never open or close a chat turn.
    pub fn neutralize(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (t, _) in self.tokens.iter().zip(&self.control).filter(|(_, c)| **c) {
            if t.len() > 1 && out.contains(t.as_str()) {
                let mut chars = t.chars();
                let first = chars.next().expect("non-empty");
                out = out.replace(t.as_str(), &format!("{first} {}", chars.as_str()));
            }
        }
        out
    }

    /// Vocabulary size.
    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }

    /// The token strings as stored in the GGUF (byte-level alphabet).
    pub fn token_strings(&self) -> &[String] {
        &self.tokens
    }

    /// Whether token `id` is a control token.
    pub fn is_control(&self, id: u32) -> bool {
        self.control.get(id as usize).copied().unwrap_or(false)
    }

    /// The id of an exact token string.
    pub fn token_id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    /// End of sequence.
    pub fn eos(&self) -> u32 {
        self.eos
    }

    /// Beginning of sequence, if the model has one.
    pub fn bos(&self) -> Option<u32> {
        self.bos
    }

    /// The text of a token id, for templates (`bos_token`, `eos_token`).
    pub fn token_text(&self, id: u32) -> Option<&str> {
        self.tokens.get(id as usize).map(String::as_str)
    }

    /// The raw bytes each token stands for; control tokens are marked for toktrie.
    pub fn token_bytes(&self, special_marker: u8) -> Vec<Vec<u8>> {
        if let Model::Spm { .. } = self.inner {
            return (0..self.tokens.len() as u32)
                .map(|id| {
                    if self.is_control(id) {
                        let mut b = vec![special_marker];
                        b.extend_from_slice(self.tokens[id as usize].as_bytes());
                        b
                    } else {
                        self.spm_bytes(id)
                    }
                })
                .collect();
        }
        let map = byte_level_alphabet();
        self.tokens
            .iter()
            .zip(&self.control)
            .map(|(t, control)| {
                if *control {
                    let mut b = vec![special_marker];
                    b.extend_from_slice(t.as_bytes());
                    b
                } else {
                    // Tokens outside the byte-level alphabet (rare user-defined ones) keep
                    // their UTF-8 spelling.
                    t.chars()
                        .flat_map(|c| {
                            map.get(&c)
                                .map(|b| vec![*b])
                                .unwrap_or_else(|| c.to_string().into_bytes())
                        })
                        .collect()
                }
            })
            .collect()
    }

    /// Loads only the tokenizer of a GGUF file (for tools and tests).
    pub fn open(path: &Path) -> Result<Self, LlmError> {
        let (info, _) = GgufInfo::open(path)?;
        Self::from_gguf(&info)
    }
}

/// GPT-2's byte-level alphabet: printable bytes map to themselves, the rest to U+0100 on.
fn byte_level_alphabet() -> HashMap<char, u8> {
    let mut map = HashMap::with_capacity(256);
    let mut next = 0x100u32;
    for b in 0..=255u8 {
        let c = b as char;
        if matches!(c, '!'..='~' | '\u{A1}'..='\u{AC}' | '\u{AE}'..='\u{FF}') {
            map.insert(c, b);
        } else {
            map.insert(char::from_u32(next).expect("valid"), b);
            next += 1;
        }
    }
    map
}
