//! Sentence similarity for grounding: MiniLM vectors of the person's phrases and of every
//! phrase of the knowledge base. The knowledge base's vectors (a few thousand short phrases,
//! several seconds of embedding on two cores) are computed once per machine and kept in
//! `$EMBODIA_HOME/cache`, keyed by a hash of the knowledge file and the model; a file that
//! does not match its key or size is recomputed, never trusted.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use embodia_memory::{EMBEDDING_DIM, Embedder, EmbedderError};

use crate::knowledge::Knowledge;

/// Magic and format version at the start of a cache file.
const MAGIC: &[u8; 8] = b"EMBKB\x00\x00\x01";
/// Phrases embedded per forward pass when filling the cache.
const BATCH: usize = 64;

/// Cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// MiniLM similarity for grounding, with the knowledge base's vectors at hand.
pub struct Semantic {
    embedder: Arc<Embedder>,
    index: HashMap<&'static str, usize>,
    vectors: Vec<f32>,
}

impl std::fmt::Debug for Semantic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semantic")
            .field("knowledge_phrases", &self.index.len())
            .finish()
    }
}

/// FNV-1a, 64 bits: the cache key (not a security measure; a changed file changes the key).
fn fnv64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in *p {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

impl Semantic {
    /// Vectors for `knowledge`'s phrases from the cache under `cache_dir`, computed and stored
    /// there when missing or stale.
    pub fn new(
        embedder: Arc<Embedder>,
        knowledge: &'static Knowledge,
        cache_dir: &Path,
    ) -> Result<Self, EmbedderError> {
        let phrases = knowledge.phrases();
        let joined = phrases.join("\n");
        let key = fnv64(&[
            joined.as_bytes(),
            embodia_models::MINILM.name.as_bytes(),
            embodia_models::MINILM.version.as_bytes(),
        ]);
        let file = cache_dir.join(format!("knowledge-{key:016x}.vec"));
        let vectors = match read_cache(&file, key, phrases.len()) {
            Some(v) => v,
            None => {
                let _span =
                    tracing::info_span!("embed_knowledge", phrases = phrases.len()).entered();
                let mut v = Vec::with_capacity(phrases.len() * EMBEDDING_DIM);
                for chunk in phrases.chunks(BATCH) {
                    for row in embedder.embed(chunk)? {
                        v.extend_from_slice(&row);
                    }
                }
                if let Err(e) = write_cache(&file, key, phrases.len(), &v) {
                    tracing::warn!(file = %file.display(), error = %e, "could not keep the knowledge vectors; they will be computed again next time");
                }
                v
            }
        };
        let index = phrases
            .into_iter()
            .enumerate()
            .map(|(i, p)| (p, i))
            .collect();
        Ok(Self {
            embedder,
            index,
            vectors,
        })
    }

    /// The default cache folder: `$EMBODIA_HOME/cache`.
    pub fn default_cache_dir() -> PathBuf {
        embodia_models::home().join("cache")
    }

    /// The vector of a knowledge-base phrase.
    pub fn known(&self, phrase: &str) -> Option<&[f32]> {
        let i = *self.index.get(phrase)?;
        Some(&self.vectors[i * EMBEDDING_DIM..(i + 1) * EMBEDDING_DIM])
    }

    /// Vectors of any texts (the embedder keeps the ones it has seen).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Arc<[f32]>>, EmbedderError> {
        self.embedder.embed(texts)
    }

    /// One text's vector.
    pub fn embed_one(&self, text: &str) -> Result<Arc<[f32]>, EmbedderError> {
        self.embedder.embed_one(text)
    }

    /// The embedder.
    pub fn embedder(&self) -> &Arc<Embedder> {
        &self.embedder
    }
}

fn read_cache(file: &Path, key: u64, count: usize) -> Option<Vec<f32>> {
    let bytes = std::fs::read(file).ok()?;
    let header = MAGIC.len() + 8 + 8;
    let want = header + count * EMBEDDING_DIM * 4;
    if bytes.len() != want || &bytes[..8] != MAGIC {
        return None;
    }
    let k = u64::from_le_bytes(bytes[8..16].try_into().ok()?);
    let n = u64::from_le_bytes(bytes[16..24].try_into().ok()?);
    if k != key || n != count as u64 {
        return None;
    }
    let v: Vec<f32> = bytes[header..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    v.iter().all(|x| x.is_finite()).then_some(v)
}

fn write_cache(file: &Path, key: u64, count: usize, v: &[f32]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Written beside and renamed into place, so a reader never sees half a file.
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        file.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("knowledge"),
        std::process::id()
    ));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(MAGIC)?;
    f.write_all(&key.to_le_bytes())?;
    f.write_all(&(count as u64).to_le_bytes())?;
    let mut buf = Vec::with_capacity(v.len() * 4);
    for x in v {
        buf.extend_from_slice(&x.to_le_bytes());
    }
    f.write_all(&buf)?;
    f.sync_all()?;
    std::fs::rename(&tmp, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_file_that_does_not_match_its_key_or_size_is_not_used() {
        let dir = std::env::temp_dir().join(format!("embodia-kbcache-{}", std::process::id()));
        let file = dir.join("k.vec");
        let v: Vec<f32> = (0..2 * EMBEDDING_DIM).map(|i| i as f32).collect();
        write_cache(&file, 7, 2, &v).unwrap();
        assert_eq!(read_cache(&file, 7, 2), Some(v));
        assert_eq!(read_cache(&file, 8, 2), None, "another key");
        assert_eq!(read_cache(&file, 7, 3), None, "another count");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.truncate(bytes.len() - 1);
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(read_cache(&file, 7, 2), None, "cut short");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_key_changes_with_any_byte() {
        assert_ne!(fnv64(&[b"ab", b"c"]), fnv64(&[b"a", b"bc"]));
        assert_ne!(fnv64(&[b"kitchen"]), fnv64(&[b"kitchem"]));
    }
}
