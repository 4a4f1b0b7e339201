//! The memory the agent uses: an embedder and a store together.

use std::path::Path;
use std::sync::Arc;

use embodia_perception::Observation;

use crate::embedder::{EMBEDDING_DIM, Embedder, EmbedderError};
use crate::entry::NewEntry;
use crate::query::{Hit, Query};
use crate::store::{MemoryStore, StoreError};
use crate::switched::WriteSwitch;

/// Entries kept before eviction, by default.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Why remembering or recalling failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MemoryError {
    /// Embedding failed.
    #[error(transparent)]
    Embed(#[from] EmbedderError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Embedder + store.
pub struct Memory {
    embedder: Arc<Embedder>,
    store: MemoryStore,
}

impl Memory {
    /// A memory on disk at `path` (persisting across runs), or fresh in RAM when `None`.
    pub fn open(embedder: Arc<Embedder>, path: Option<&Path>) -> Result<Self, MemoryError> {
        let store = match path {
            Some(p) => MemoryStore::open(p, EMBEDDING_DIM, DEFAULT_CAPACITY)?,
            None => MemoryStore::in_memory(EMBEDDING_DIM, DEFAULT_CAPACITY)?,
        };
        Ok(Self { embedder, store })
    }

    /// A memory on disk at `path` whose writes `switch` can make the kernel refuse (fault
    /// injection: a full disk, a read-only remount).
    pub fn open_switched(
        embedder: Arc<Embedder>,
        path: &Path,
        switch: WriteSwitch,
    ) -> Result<Self, MemoryError> {
        let store = MemoryStore::open_switched(path, switch, EMBEDDING_DIM, DEFAULT_CAPACITY)?;
        Ok(Self { embedder, store })
    }

    /// The store.
    pub fn store(&self) -> &MemoryStore {
        &self.store
    }

    /// The store, to change it.
    pub fn store_mut(&mut self) -> &mut MemoryStore {
        &mut self.store
    }

    /// Embeds and stores a batch of observations in one transaction.
    pub fn remember(&mut self, observations: &[Observation]) -> Result<Vec<u64>, MemoryError> {
        let batch = self.embed(observations)?;
        self.store_entries(&batch)
    }

    /// Observations as entries ready to store (embedding is the CPU work of remembering).
    pub fn embed(&self, observations: &[Observation]) -> Result<Vec<NewEntry>, MemoryError> {
        if observations.is_empty() {
            return Ok(vec![]);
        }
        let texts: Vec<&str> = observations.iter().map(|o| o.text.as_str()).collect();
        let vectors = self.embedder.embed(&texts)?;
        Ok(observations
            .iter()
            .zip(vectors)
            .map(|(o, v)| NewEntry::from_observation(o, v.to_vec()))
            .collect())
    }

    /// Stores embedded entries in one transaction: all of them, or none (then the error, and
    /// the entries can be stored again later).
    pub fn store_entries(&mut self, batch: &[NewEntry]) -> Result<Vec<u64>, MemoryError> {
        if batch.is_empty() {
            return Ok(vec![]);
        }
        Ok(self.store.insert(batch)?)
    }

    /// The memories most like `text` that pass `query`'s filters.
    pub fn recall(&self, text: &str, query: &Query) -> Result<Vec<Hit>, MemoryError> {
        let v = self.embedder.embed_one(text)?;
        Ok(self.store.search(query, Some(&v)))
    }
}
