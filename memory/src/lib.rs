//! Vector memory: what the robot saw, where and when, searchable by meaning.
//!
//! [`Embedder`] turns text into unit vectors (all-MiniLM-L6-v2 through candle's BERT, pinned
//! and fetched with pip). [`MemoryStore`] keeps entries in redb — an entry acknowledged as
//! stored survives `kill -9` — and answers queries by exact cosine over contiguous rows,
//! combinable with a radius around a point, a time window, a place and a class. Robot
//! memories are small (well under 10^6 entries), so exact search is the baseline and the
//! oracle for anything approximate.

pub mod embedder;
pub mod entry;
pub mod graph;
pub mod grid;
pub mod memory;
pub mod query;
pub mod store;

pub use embedder::{EMBEDDING_DIM, Embedder, EmbedderError};
pub use entry::{MemoryEntry, NewEntry};
pub use memory::Memory;
pub use query::{Hit, Query};
pub use store::{MemoryStore, StoreError, StoreStats};
