//! Opening a GGUF file safely: the header is bounds-checked before candle parses it, every
//! tensor must lie inside the file, and the architecture must be one we run.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use candle_core::quantized::gguf_file;

use crate::LlmError;

/// The model families this crate runs, by their GGUF `general.architecture` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// `llama` (SmolLM2, Llama 2/3, Mistral-style GGUFs).
    Llama,
    /// `qwen2`: biases on q, k and v.
    Qwen2,
    /// `qwen3`: RMS norm on q and k per head.
    Qwen3,
    /// `phi3`: fused qkv and fused gate/up projections.
    Phi3,
}

impl Architecture {
    /// Every supported architecture.
    pub const ALL: [Architecture; 4] = [Self::Llama, Self::Qwen2, Self::Qwen3, Self::Phi3];

    /// The GGUF name.
    pub fn gguf_name(self) -> &'static str {
        match self {
            Self::Llama => "llama",
            Self::Qwen2 => "qwen2",
            Self::Qwen3 => "qwen3",
            Self::Phi3 => "phi3",
        }
    }

    fn from_gguf_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.gguf_name() == name)
    }

    /// The list for error messages.
    pub fn supported_list() -> String {
        Self::ALL.map(Self::gguf_name).join(", ")
    }
}

/// A parsed, checked GGUF header.
#[derive(Debug)]
pub struct GgufInfo {
    /// Where it came from.
    pub path: PathBuf,
    /// The architecture.
    pub arch: Architecture,
    /// Metadata and tensor directory, as candle reads them.
    pub content: gguf_file::Content,
}

const MAGIC: &[u8; 4] = b"GGUF";
/// Far above any real model; a header claiming more is corrupt.
const MAX_ENTRIES: u64 = 1 << 20;
/// A header (metadata and tensor directory) longer than this is refused as corrupt.
const MAX_HEADER_BYTES: u64 = 64 << 20;

/// Why a header did not check out: cut short by the bytes read so far (more may help), or
/// wrong whatever follows.
#[derive(Debug)]
enum HeaderProblem {
    Short(String),
    Bad(String),
}

impl GgufInfo {
    /// Opens and checks `path`.
    pub fn open(path: &Path) -> Result<(Self, std::fs::File), LlmError> {
        let io = |source| LlmError::Io {
            path: path.to_owned(),
            source,
        };
        let not_gguf = |problem: String| LlmError::NotGguf {
            path: path.to_owned(),
            problem,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        // The header is read in growing pieces: a small model's is a few MB, and reading
        // the whole 64 MB cap up front cost a quarter of a second.
        let cap = len.min(MAX_HEADER_BYTES);
        let mut want = cap.min(1 << 20);
        let mut head = Vec::new();
        loop {
            let have = head.len() as u64;
            (&mut file)
                .take(want - have)
                .read_to_end(&mut head)
                .map_err(io)?;
            match check_header(&head, len) {
                Ok(()) => break,
                Err(HeaderProblem::Short(_)) if want < cap => want = (want * 2).min(cap),
                Err(HeaderProblem::Short(problem) | HeaderProblem::Bad(problem)) => {
                    return Err(not_gguf(problem));
                }
            }
        }
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        // Buffered: candle reads the vocabulary a few bytes at a time.
        let content =
            gguf_file::Content::read(&mut std::io::BufReader::with_capacity(1 << 20, &mut file))
                .map_err(|e| not_gguf(e.to_string()))?;
        for (name, info) in &content.tensor_infos {
            let elems = info.shape.elem_count();
            let block = info.ggml_dtype.block_size();
            if elems % block != 0 {
                return Err(not_gguf(format!(
                    "tensor {name}: {elems} elements is not a whole number of {block}-element blocks"
                )));
            }
            let row = info.shape.dims().last().copied().unwrap_or(0);
            if row % block != 0 {
                return Err(not_gguf(format!(
                    "tensor {name}: rows of {row} values are not whole {block}-value blocks"
                )));
            }
            let bytes = (elems / block) as u64 * info.ggml_dtype.type_size() as u64;
            let end = content.tensor_data_offset + info.offset + bytes;
            if end > len {
                return Err(not_gguf(format!(
                    "tensor {name} ends at byte {end} but the file has {len} bytes (truncated)"
                )));
            }
        }
        let arch_name = match content.metadata.get("general.architecture") {
            Some(gguf_file::Value::String(s)) => s.clone(),
            _ => return Err(not_gguf("no general.architecture in the metadata".into())),
        };
        let arch = Architecture::from_gguf_name(&arch_name).ok_or_else(|| {
            LlmError::UnsupportedArchitecture {
                path: path.to_owned(),
                arch: arch_name,
                supported: Architecture::supported_list(),
            }
        })?;
        Ok((
            Self {
                path: path.to_owned(),
                arch,
                content,
            },
            file,
        ))
    }

    /// A metadata value, or a clear error naming the key.
    pub fn get(&self, key: &str) -> Result<&gguf_file::Value, LlmError> {
        self.content
            .metadata
            .get(key)
            .ok_or_else(|| LlmError::BadModel {
                path: self.path.clone(),
                problem: format!("metadata key {key} is missing"),
            })
    }

    /// `{arch}.{key}` as an unsigned integer.
    pub fn arch_u32(&self, key: &str) -> Result<u32, LlmError> {
        let full = format!("{}.{key}", self.arch.gguf_name());
        self.get(&full)?
            .to_u32()
            .map_err(|e| self.bad(format!("{full}: {e}")))
    }

    /// `{arch}.{key}` as a float, or `default` when absent.
    pub fn arch_f32_or(&self, key: &str, default: f32) -> Result<f32, LlmError> {
        let full = format!("{}.{key}", self.arch.gguf_name());
        match self.content.metadata.get(&full) {
            None => Ok(default),
            Some(v) => v.to_f32().map_err(|e| self.bad(format!("{full}: {e}"))),
        }
    }

    /// `{arch}.{key}` as an unsigned integer, or `None` when absent.
    pub fn arch_u32_opt(&self, key: &str) -> Result<Option<u32>, LlmError> {
        let full = format!("{}.{key}", self.arch.gguf_name());
        match self.content.metadata.get(&full) {
            None => Ok(None),
            Some(v) => v
                .to_u32()
                .map(Some)
                .map_err(|e| self.bad(format!("{full}: {e}"))),
        }
    }

    /// A model error about this file.
    pub fn bad(&self, problem: String) -> LlmError {
        LlmError::BadModel {
            path: self.path.clone(),
            problem,
        }
    }
}

/// Walks the header with every length checked against the bytes present, so a corrupt
/// count can never make the parser allocate gigabytes or read past the end.
fn check_header(bytes: &[u8], file_len: u64) -> Result<(), HeaderProblem> {
    let mut r = Cursor { bytes, pos: 0 };
    if file_len < 24 || bytes.len() < 4 || &bytes[..4] != MAGIC {
        return Err(HeaderProblem::Bad(
            "it does not start with the GGUF magic bytes".into(),
        ));
    }
    r.pos = 4;
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(HeaderProblem::Bad(format!(
            "GGUF version {version}; versions 2 and 3 are supported"
        )));
    }
    let n_tensors = r.u64()?;
    let n_kv = r.u64()?;
    if n_tensors > MAX_ENTRIES || n_kv > MAX_ENTRIES {
        return Err(HeaderProblem::Bad(format!(
            "header claims {n_tensors} tensors and {n_kv} metadata entries"
        )));
    }
    for _ in 0..n_kv {
        r.string()?;
        let ty = r.u32()?;
        r.value(ty, 0)?;
    }
    for _ in 0..n_tensors {
        r.string()?;
        let n_dims = r.u32()?;
        if n_dims > 4 {
            return Err(HeaderProblem::Bad(format!(
                "a tensor with {n_dims} dimensions"
            )));
        }
        r.skip(8 * n_dims as u64 + 4 + 8)?;
    }
    Ok(())
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn skip(&mut self, n: u64) -> Result<(), HeaderProblem> {
        let left = (self.bytes.len() - self.pos) as u64;
        if n > left {
            return Err(HeaderProblem::Short(format!(
                "the header is cut short or damaged at byte {} (needs {n} more bytes, has {left})",
                self.pos
            )));
        }
        self.pos += n as usize;
        Ok(())
    }
    fn take<const N: usize>(&mut self) -> Result<[u8; N], HeaderProblem> {
        let start = self.pos;
        self.skip(N as u64)?;
        Ok(self.bytes[start..self.pos]
            .try_into()
            .expect("length checked"))
    }
    fn u32(&mut self) -> Result<u32, HeaderProblem> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64, HeaderProblem> {
        self.take::<8>().map(u64::from_le_bytes)
    }
    fn string(&mut self) -> Result<(), HeaderProblem> {
        let n = self.u64()?;
        self.skip(n)
    }
    fn value(&mut self, ty: u32, depth: u32) -> Result<(), HeaderProblem> {
        match ty {
            0 | 1 | 7 => self.skip(1),
            2 | 3 => self.skip(2),
            4..=6 => self.skip(4),
            10..=12 => self.skip(8),
            8 => self.string(),
            9 if depth == 0 => {
                let inner = self.u32()?;
                let n = self.u64()?;
                if n > (self.bytes.len() - self.pos) as u64 {
                    return Err(HeaderProblem::Short(format!(
                        "an array of {n} items in a header of {} bytes",
                        self.bytes.len()
                    )));
                }
                for _ in 0..n {
                    self.value(inner, depth + 1)?;
                }
                Ok(())
            }
            _ => Err(HeaderProblem::Bad(format!(
                "unknown metadata value type {ty} at byte {}",
                self.pos
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_not_gguf() {
        assert!(check_header(b"hello world, this is not a model at all", 40).is_err());
    }

    #[test]
    fn a_huge_string_length_is_refused_without_allocating() {
        let mut h = Vec::new();
        h.extend_from_slice(MAGIC);
        h.extend_from_slice(&3u32.to_le_bytes());
        h.extend_from_slice(&0u64.to_le_bytes());
        h.extend_from_slice(&1u64.to_le_bytes());
        h.extend_from_slice(&u64::MAX.to_le_bytes());
        let err = check_header(&h, h.len() as u64).unwrap_err();
        assert!(
            matches!(&err, HeaderProblem::Short(e) if e.contains("cut short")),
            "{err:?}"
        );
    }
}
