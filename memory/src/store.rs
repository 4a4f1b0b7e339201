//! The memory store: redb on disk, contiguous rows in memory.
//!
//! Every insert is one redb write transaction, committed with redb's default durability
//! (fsync before `commit` returns), so an entry acknowledged by [`MemoryStore::insert`]
//! survives `kill -9`. On open, rows are loaded into a contiguous `f32` matrix for exact
//! search. A file that is not redb, or is redb but not an embodia memory, is refused and left
//! untouched.
//!
//! Eviction: past `capacity` entries, the least useful go first — fewest sightings, and among
//! equals the longest unseen (the object seen once, long ago, is forgotten before the cup seen
//! every day).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::Serialize;
use thiserror::Error;

use crate::entry::{MemoryEntry, NewEntry};
use crate::graph::{Graph, GraphConfig, IdMap};
use crate::grid::SpatialGrid;
use crate::query::{Hit, Query};
use crate::switched::{SwitchedFile, WriteSwitch};

const META: TableDefinition<&str, &str> = TableDefinition::new("embodia_meta");
const ENTRIES: TableDefinition<u64, &[u8]> = TableDefinition::new("entries");
const VECTORS: TableDefinition<u64, &[u8]> = TableDefinition::new("vectors");
const FORMAT: &str = "embodia-memory/1";
/// What the agent was doing, kept beside its memories: a task is recorded when it starts and
/// cleared when it ends, so a task still recorded when the agent starts was interrupted.
const AGENT_STATE: TableDefinition<&str, &str> = TableDefinition::new("agent_state");
const TASK_IN_PROGRESS: &str = "task_in_progress";
/// Places named while running ("remember this place as ..."), by lower-case name, as JSON.
const NAMED_PLACES: TableDefinition<&str, &str> = TableDefinition::new("named_places");

/// Why the store failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file is not a redb database, or is damaged beyond redb's repair.
    #[error(
        "{path}: not an embodia memory database ({message}). Fix: point --memory at another file; this one was left untouched"
    )]
    NotADatabase {
        /// The file.
        path: String,
        /// What redb said.
        message: String,
    },
    /// A redb database, but not one of ours.
    #[error(
        "{path}: a redb database, but not an embodia memory ({found}). Fix: point --memory at another file; this one was left untouched"
    )]
    Foreign {
        /// The file.
        path: String,
        /// What its format marker says.
        found: String,
    },
    /// Another process has the file open.
    #[error(
        "{path}: already open in another process. Fix: stop the other embodia, or use another file"
    )]
    InUse {
        /// The file.
        path: String,
    },
    /// An embedding of the wrong length.
    #[error("embedding has {got} dimensions, the store holds {expected}")]
    Dimension {
        /// Expected.
        expected: usize,
        /// Got.
        got: usize,
    },
    /// A read or write failed.
    #[error("memory database: {0}")]
    Db(String),
}

fn db_fail<E: Into<redb::Error>>(e: E) -> StoreError {
    StoreError::Db(e.into().to_string())
}

/// A place named while running ("remember this place as the charging dock"): a disc in the
/// map frame around where the robot stood.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct NamedPlace {
    /// The name, as said (sanitised).
    pub name: String,
    /// Centre, map frame, metres.
    pub x: f64,
    /// Centre, map frame, metres.
    pub y: f64,
    /// Radius, metres.
    pub radius: f64,
    /// When it was named, memory time, nanoseconds.
    pub named_ns: i64,
}

/// Counts for `embodia memory stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreStats {
    /// Entries.
    pub entries: usize,
    /// Entries about objects.
    pub objects: usize,
    /// Sightings merged into all entries.
    pub sightings: u64,
    /// Oldest last-seen time, ns.
    pub oldest_ns: Option<i64>,
    /// Newest last-seen time, ns.
    pub newest_ns: Option<i64>,
    /// Embedding dimensions.
    pub dim: usize,
    /// Capacity before eviction.
    pub capacity: usize,
    /// The file, if on disk.
    pub path: Option<PathBuf>,
}

/// Entries on disk (or in memory) with an exact-search index.
pub struct MemoryStore {
    db: Database,
    path: Option<PathBuf>,
    dim: usize,
    capacity: usize,
    entries: Vec<MemoryEntry>,
    vectors: Vec<f32>,
    /// Sign bits of each vector, `words` u64 per row: the compressed first pass.
    codes: Vec<u64>,
    words: usize,
    /// Last-seen time per row, for filtering without touching `entries`.
    times: Vec<i64>,
    /// Location per row.
    locations: Vec<(f64, f64)>,
    /// Rows by location, for radius filters.
    grid: SpatialGrid,
    by_id: IdMap<usize>,
    merge_key: HashMap<String, usize>,
    next_id: u64,
    /// Above this many candidate rows, similarity search goes through the sign-bit first pass.
    approximate_above: usize,
    /// Candidates re-ranked exactly per result wanted.
    rerank_per_result: usize,
    /// The graph index, once the store has more than `graph_above` rows.
    graph: Option<Graph>,
    graph_above: usize,
    /// Whether each row is in the graph (rows join it in slices; see [`Self::index_pending`]).
    in_graph: Vec<bool>,
    unindexed: usize,
    /// Opens the file again (none for a store in RAM).
    opener: Option<Opener>,
    /// A write failed: the database must be reopened before the next one.
    needs_reopen: bool,
}

/// Opens a store's database (again).
type Opener = Arc<dyn Fn() -> Result<Database, redb::DatabaseError> + Send + Sync>;

fn open_failed(shown: &str, e: redb::DatabaseError) -> StoreError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse {
            path: shown.to_owned(),
        },
        other => StoreError::NotADatabase {
            path: shown.to_owned(),
            message: other.to_string(),
        },
    }
}

/// Rows above which similarity search uses the compressed first pass by default.
pub const APPROXIMATE_ABOVE: usize = 20_000;
/// Candidates re-ranked exactly per result, by default.
pub const RERANK_PER_RESULT: usize = 100;
/// Rows added to the graph per `insert`, at most: catching up on a large reopened memory is
/// spread over ingests (about 0.3 s each) instead of stalling one.
pub const INDEX_PER_INSERT: usize = 2_048;
/// Candidate list length of graph searches (all are re-ranked exactly): recall@10 0.99 on
/// the memory benchmark's 100k MiniLM vectors.
pub const GRAPH_EF_SEARCH: usize = 96;
/// A filtered query goes through the graph when at least this share of rows passes its
/// filters (estimated from a sample); more selective filters scan the rows that pass.
const GRAPH_MIN_SHARE: f64 = 0.3;
/// Side of the spatial grid's cells, metres: a room-sized radius touches a few dozen cells.
const GRID_CELL_M: f64 = 2.0;

fn sign_code(v: &[f32], out: &mut Vec<u64>) {
    for chunk in v.chunks(64) {
        let mut w = 0u64;
        for (i, x) in chunk.iter().enumerate() {
            if *x > 0.0 {
                w |= 1 << i;
            }
        }
        out.push(w);
    }
}

fn merge_key(object_name: Option<&str>, text: &str) -> String {
    match object_name {
        Some(n) => format!("object:{}", n.to_lowercase()),
        None => format!("text:{text}"),
    }
}

/// One entry a batch adds or changes, worked out on copies before anything is written.
struct Change {
    /// Its row, if it is already in RAM.
    row: Option<usize>,
    entry: MemoryEntry,
    vector: Vec<f32>,
}

/// A batch worked out against the store: written first, applied to RAM after the commit.
struct Staged {
    changes: Vec<Change>,
    /// Ids that go past capacity (existing or new).
    evicted: Vec<u64>,
    /// Ids written, one per batch item, evicted ones left out.
    ids: Vec<u64>,
    next_id: u64,
}

/// Merges a repeat sighting: one more count, the first time kept, the rest from the newest.
fn merge_sighting(e: &mut MemoryEntry, vector: &mut [f32], n: &NewEntry) {
    e.count += 1;
    e.first_seen_ns = e.first_seen_ns.min(n.time_ns);
    if n.time_ns >= e.time_ns {
        e.time_ns = n.time_ns;
        e.pose = n.pose;
        e.place = n.place.clone();
        e.text = n.text.clone();
        e.object_class = n.object_class.clone().or(e.object_class.take());
        e.object_position = n.object_position.or(e.object_position);
        e.object_color = n.object_color.clone().or(e.object_color.take());
        e.seen_by = n.seen_by.clone();
        vector.copy_from_slice(&n.embedding);
    }
}

fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Dot product, in eight lanes so the compiler vectorises it.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + ra.iter().zip(rb).map(|(x, y)| x * y).sum::<f32>()
}

impl MemoryStore {
    /// Opens the store at `path`, creating it if it does not exist. An existing file is
    /// inspected read-only first; if it is not an embodia memory it is refused untouched.
    pub fn open(path: &Path, dim: usize, capacity: usize) -> Result<Self, StoreError> {
        let owned = path.to_owned();
        let opener: Opener = Arc::new(move || {
            if owned.exists() {
                Database::open(&owned)
            } else {
                Database::create(&owned)
            }
        });
        Self::open_with(path, opener, dim, capacity)
    }

    /// As [`Self::open`], with the file's writes under `switch`: while it is on, the kernel
    /// refuses them (see [`crate::switched`]), as with a full disk or a read-only remount.
    pub fn open_switched(
        path: &Path,
        switch: WriteSwitch,
        dim: usize,
        capacity: usize,
    ) -> Result<Self, StoreError> {
        let owned = path.to_owned();
        let opener: Opener = Arc::new(move || {
            let file = SwitchedFile::open(&owned, switch.clone())
                .map_err(|e| redb::DatabaseError::Storage(redb::StorageError::Io(e)))?;
            Database::builder().create_with_backend(file)
        });
        Self::open_with(path, opener, dim, capacity)
    }

    fn open_with(
        path: &Path,
        opener: Opener,
        dim: usize,
        capacity: usize,
    ) -> Result<Self, StoreError> {
        if path.exists() {
            Self::inspect(path)?;
        }
        let db = opener().map_err(|e| open_failed(&path.display().to_string(), e))?;
        let mut store = Self::init(db, Some(path.to_owned()), dim, capacity)?;
        store.opener = Some(opener);
        Ok(store)
    }

    /// After a failed write, redb refuses every later operation until the database is opened
    /// again (a failed commit leaves its file needing repair). Reopens it — repairing it — and
    /// reloads the rows from disk, so RAM holds exactly what the file holds. While the file
    /// still cannot be written the reopen fails and the rows in RAM stay as they were.
    fn reopen(&mut self) -> Result<(), StoreError> {
        let Some(opener) = self.opener.clone() else {
            return Ok(());
        };
        // The old handle holds the file's lock: let it go before opening again.
        let placeholder = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(db_fail)?;
        drop(std::mem::replace(&mut self.db, placeholder));
        let db = opener().map_err(|e| {
            StoreError::Db(format!(
                "reopening after a failed write: {}",
                redb::Error::from(e)
            ))
        })?;
        let mut fresh = Self::init(db, self.path.clone(), self.dim, self.capacity)?;
        fresh.opener = Some(opener);
        fresh.approximate_above = self.approximate_above;
        fresh.rerank_per_result = self.rerank_per_result;
        fresh.graph_above = self.graph_above;
        *self = fresh;
        tracing::info!(path = ?self.path, entries = self.entries.len(), "memory database reopened after a failed write");
        Ok(())
    }

    /// Refuses, without writing a byte, a file that is not redb or is redb but not ours.
    fn inspect(path: &Path) -> Result<(), StoreError> {
        let shown = path.display().to_string();
        let mut magic = [0u8; 9];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut magic))
            .map_err(|e| StoreError::NotADatabase {
                path: shown.clone(),
                message: e.to_string(),
            })?;
        if n < magic.len() || magic != *b"redb\x1a\x0a\xa9\x0d\x0a" {
            return Err(StoreError::NotADatabase {
                path: shown,
                message: "no redb header".into(),
            });
        }
        let ro = match redb::ReadOnlyDatabase::open(path) {
            Ok(ro) => ro,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(StoreError::InUse { path: shown });
            }
            // Left unclean (a crash): only a writable open can repair it; the format is then
            // checked in `init`, before anything of ours is written.
            Err(e) => {
                tracing::warn!(path = %shown, error = %e, "memory database needs repair after an unclean shutdown");
                return Ok(());
            }
        };
        let read = ro.begin_read().map_err(db_err)?;
        let format = match read.open_table(META) {
            Ok(meta) => meta
                .get("format")
                .ok()
                .flatten()
                .map(|v| v.value().to_owned()),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(db_fail(e)),
        };
        let empty = read.list_tables().map_err(db_fail)?.next().is_none();
        match format.as_deref() {
            Some(FORMAT) => Ok(()),
            None if empty => Ok(()),
            None => Err(StoreError::Foreign {
                path: shown,
                found: "no embodia format marker".into(),
            }),
            Some(other) => Err(StoreError::Foreign {
                path: shown,
                found: format!("format {other:?}"),
            }),
        }
    }

    /// A store that lives only as long as this process.
    pub fn in_memory(dim: usize, capacity: usize) -> Result<Self, StoreError> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(db_fail)?;
        Self::init(db, None, dim, capacity)
    }

    fn init(
        db: Database,
        path: Option<PathBuf>,
        dim: usize,
        capacity: usize,
    ) -> Result<Self, StoreError> {
        let shown = path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<memory>".into());
        let (format, stored_dim, next_id) = {
            let read = db.begin_read().map_err(db_err)?;
            match read.open_table(META) {
                Ok(meta) => {
                    let get = |k: &str| meta.get(k).ok().flatten().map(|v| v.value().to_owned());
                    (get("format"), get("dim"), get("next_id"))
                }
                Err(redb::TableError::TableDoesNotExist(_)) => (None, None, None),
                Err(e) => return Err(db_fail(e)),
            }
        };
        let mut store = Self {
            db,
            path,
            dim,
            capacity: capacity.max(1),
            entries: Vec::new(),
            vectors: Vec::new(),
            codes: Vec::new(),
            words: dim.div_ceil(64),
            times: Vec::new(),
            locations: Vec::new(),
            by_id: IdMap::default(),
            merge_key: HashMap::new(),
            next_id: 1,
            approximate_above: APPROXIMATE_ABOVE,
            rerank_per_result: RERANK_PER_RESULT,
            grid: SpatialGrid::new(GRID_CELL_M),
            graph: None,
            graph_above: APPROXIMATE_ABOVE,
            in_graph: Vec::new(),
            unindexed: 0,
            opener: None,
            needs_reopen: false,
        };
        match format.as_deref() {
            None => {
                let empty = {
                    let read = store.db.begin_read().map_err(db_err)?;
                    read.list_tables().map_err(db_fail)?.next().is_none()
                };
                if !empty {
                    return Err(StoreError::Foreign {
                        path: shown,
                        found: "no embodia format marker".into(),
                    });
                }
                let txn = store.db.begin_write().map_err(db_fail)?;
                {
                    let mut meta = txn.open_table(META).map_err(db_fail)?;
                    meta.insert("format", FORMAT).map_err(db_fail)?;
                    meta.insert("dim", dim.to_string().as_str())
                        .map_err(db_fail)?;
                    meta.insert("next_id", "1").map_err(db_fail)?;
                    txn.open_table(ENTRIES).map_err(db_fail)?;
                    txn.open_table(VECTORS).map_err(db_fail)?;
                }
                txn.commit().map_err(db_fail)?;
            }
            Some(FORMAT) => {
                let stored_dim: usize = stored_dim.and_then(|d| d.parse().ok()).unwrap_or(0);
                if stored_dim != dim {
                    return Err(StoreError::Dimension {
                        expected: stored_dim,
                        got: dim,
                    });
                }
                store.next_id = next_id.and_then(|n| n.parse().ok()).unwrap_or(1);
                store.load()?;
            }
            Some(other) => {
                return Err(StoreError::Foreign {
                    path: shown,
                    found: format!("format {other:?}"),
                });
            }
        }
        Ok(store)
    }

    fn load(&mut self) -> Result<(), StoreError> {
        let read = self.db.begin_read().map_err(db_err)?;
        let entries = read.open_table(ENTRIES).map_err(db_fail)?;
        let vectors = read.open_table(VECTORS).map_err(db_fail)?;
        self.entries
            .reserve(entries.len().map_err(db_fail)? as usize);
        for row in entries.iter().map_err(db_fail)? {
            let (id, bytes) = row.map_err(db_fail)?;
            let entry: MemoryEntry =
                serde_json::from_slice(bytes.value()).map_err(|e| StoreError::Db(e.to_string()))?;
            let v = vectors
                .get(id.value())
                .map_err(db_fail)?
                .ok_or_else(|| StoreError::Db(format!("entry {} has no vector", id.value())))?;
            let v = v.value();
            if v.len() != self.dim * 4 {
                return Err(StoreError::Dimension {
                    expected: self.dim,
                    got: v.len() / 4,
                });
            }
            self.vectors.extend(
                v.chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            );
            let start = self.vectors.len() - self.dim;
            sign_code(&self.vectors[start..], &mut self.codes);
            self.times.push(entry.time_ns);
            self.locations.push(entry.location());
            self.in_graph.push(false);
            self.unindexed += 1;
            let row = self.entries.len();
            self.grid.insert(row, entry.location());
            self.by_id.insert(entry.id, row);
            self.merge_key
                .insert(merge_key(entry.object_name.as_deref(), &entry.text), row);
            self.entries.push(entry);
        }
        Ok(())
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in storage order.
    pub fn entries(&self) -> &[MemoryEntry] {
        &self.entries
    }

    /// The entry with `id`.
    pub fn get(&self, id: u64) -> Option<&MemoryEntry> {
        self.by_id.get(&id).map(|r| &self.entries[*r])
    }

    /// The task recorded as in progress (see [`Self::set_task_in_progress`]), if one is.
    pub fn task_in_progress(&self) -> Result<Option<String>, StoreError> {
        let read = self.db.begin_read().map_err(db_err)?;
        let table = match read.open_table(AGENT_STATE) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(db_fail(e)),
        };
        Ok(table
            .get(TASK_IN_PROGRESS)
            .map_err(db_fail)?
            .map(|v| v.value().to_owned()))
    }

    /// Records `task` as in progress (none: no task), committed with fsync like an insert:
    /// after `kill -9` the next start finds what was interrupted.
    pub fn set_task_in_progress(&mut self, task: Option<&str>) -> Result<(), StoreError> {
        self.write_small(|txn| {
            let mut table = txn.open_table(AGENT_STATE).map_err(db_fail)?;
            match task {
                Some(t) => table.insert(TASK_IN_PROGRESS, t).map(drop),
                None => table.remove(TASK_IN_PROGRESS).map(drop),
            }
            .map_err(db_fail)
        })
    }

    /// The places named while running, in name order. A row that does not parse (written by a
    /// newer version, or damaged) is skipped with a warning, never fatal.
    pub fn named_places(&self) -> Result<Vec<NamedPlace>, StoreError> {
        let read = self.db.begin_read().map_err(db_err)?;
        let table = match read.open_table(NAMED_PLACES) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(db_fail(e)),
        };
        let mut out = Vec::new();
        for row in table.iter().map_err(db_fail)? {
            let (key, value) = row.map_err(db_fail)?;
            match serde_json::from_str::<NamedPlace>(value.value()) {
                Ok(p) => out.push(p),
                Err(e) => {
                    tracing::warn!(key = key.value(), error = %e, "skipping a named place that does not parse")
                }
            }
        }
        Ok(out)
    }

    /// Stores `place`, replacing one of the same name (case ignored); on disk (fsync) once it
    /// returns.
    pub fn put_named_place(&mut self, place: &NamedPlace) -> Result<(), StoreError> {
        let json = serde_json::to_string(place).map_err(|e| StoreError::Db(e.to_string()))?;
        let key = place.name.to_lowercase();
        self.write_small(|txn| {
            let mut table = txn.open_table(NAMED_PLACES).map_err(db_fail)?;
            table.insert(key.as_str(), json.as_str()).map_err(db_fail)?;
            Ok(())
        })
    }

    /// One small write transaction (agent state, named places), committed with fsync; a
    /// failure reopens the file before the next write when it can be reopened.
    fn write_small(
        &mut self,
        write: impl FnOnce(&redb::WriteTransaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if self.needs_reopen {
            self.reopen()?;
            self.needs_reopen = false;
        }
        let written = (|| {
            let txn = self.db.begin_write().map_err(db_fail)?;
            write(&txn)?;
            txn.commit().map_err(db_fail)
        })();
        if written.is_err() {
            self.needs_reopen = self.opener.is_some();
        }
        written
    }

    /// Stores a batch in one transaction, merging repeats, evicting past capacity. Returns the
    /// ids of the entries written, in order; once it returns, they are on disk.
    ///
    /// The log comes first: the batch is worked out on copies ([`Staged`]), written and
    /// committed, and only then applied to the in-RAM rows. A failed write or commit returns
    /// the error with memory exactly as it was, so what search sees never runs ahead of disk.
    pub fn insert(&mut self, batch: &[NewEntry]) -> Result<Vec<u64>, StoreError> {
        for n in batch {
            if n.embedding.len() != self.dim {
                return Err(StoreError::Dimension {
                    expected: self.dim,
                    got: n.embedding.len(),
                });
            }
        }
        let _span = tracing::debug_span!("memory_insert", n = batch.len()).entered();
        if self.needs_reopen {
            self.reopen()?;
            self.needs_reopen = false;
        }
        let staged = self.stage(batch);
        if let Err(e) = self.write(&staged) {
            self.needs_reopen = self.opener.is_some();
            return Err(e);
        }
        let ids = staged.ids.clone();
        self.apply(staged);
        self.index_pending(INDEX_PER_INSERT);
        Ok(ids)
    }

    /// What `batch` does to the store, worked out without changing it.
    fn stage(&self, batch: &[NewEntry]) -> Staged {
        let mut staged = Staged {
            changes: Vec::new(),
            evicted: Vec::new(),
            ids: Vec::with_capacity(batch.len()),
            next_id: self.next_id,
        };
        let mut slot_of: HashMap<String, usize> = HashMap::new();
        for n in batch {
            let key = merge_key(n.object_name.as_deref(), &n.text);
            let known = slot_of.get(&key).copied().or_else(|| {
                let row = *self.merge_key.get(&key)?;
                staged.changes.push(Change {
                    row: Some(row),
                    entry: self.entries[row].clone(),
                    vector: self.vectors[row * self.dim..(row + 1) * self.dim].to_vec(),
                });
                Some(staged.changes.len() - 1)
            });
            let slot = match known {
                Some(slot) => {
                    let c = &mut staged.changes[slot];
                    merge_sighting(&mut c.entry, &mut c.vector, n);
                    slot
                }
                None => {
                    let id = staged.next_id;
                    staged.next_id += 1;
                    staged.changes.push(Change {
                        row: None,
                        entry: MemoryEntry {
                            id,
                            time_ns: n.time_ns,
                            first_seen_ns: n.time_ns,
                            count: 1,
                            pose: n.pose,
                            place: n.place.clone(),
                            text: n.text.clone(),
                            source_topic: n.source_topic.clone(),
                            object_name: n.object_name.clone(),
                            object_class: n.object_class.clone(),
                            object_position: n.object_position,
                            object_color: n.object_color.clone(),
                            seen_by: n.seen_by.clone(),
                        },
                        vector: n.embedding.clone(),
                    });
                    staged.changes.len() - 1
                }
            };
            slot_of.insert(key, slot);
            staged.ids.push(staged.changes[slot].entry.id);
        }
        // Past capacity the least useful go: fewest sightings, then longest unseen, then the
        // earliest row (existing rows before new ones).
        let added = staged.changes.iter().filter(|c| c.row.is_none()).count();
        let excess = (self.entries.len() + added).saturating_sub(self.capacity);
        if excess > 0 {
            let mut staged_row: HashMap<usize, &MemoryEntry> = HashMap::new();
            for c in &staged.changes {
                if let Some(row) = c.row {
                    staged_row.insert(row, &c.entry);
                }
            }
            let existing = self.entries.iter().enumerate().map(|(row, e)| {
                let e = staged_row.get(&row).copied().unwrap_or(e);
                (e.count, e.time_ns, row, e.id)
            });
            let new = staged
                .changes
                .iter()
                .filter(|c| c.row.is_none())
                .enumerate()
                .map(|(i, c)| {
                    (
                        c.entry.count,
                        c.entry.time_ns,
                        self.entries.len() + i,
                        c.entry.id,
                    )
                });
            let mut rank: Vec<(u64, i64, usize, u64)> = existing.chain(new).collect();
            if excess < rank.len() {
                rank.select_nth_unstable(excess - 1);
                rank.truncate(excess);
            }
            staged.evicted = rank.into_iter().map(|(_, _, _, id)| id).collect();
            staged.ids.retain(|id| !staged.evicted.contains(id));
        }
        staged
    }

    /// Writes and commits `staged` in one redb transaction; touches nothing in RAM.
    fn write(&self, staged: &Staged) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(db_fail)?;
        {
            let mut entries = txn.open_table(ENTRIES).map_err(db_fail)?;
            let mut vectors = txn.open_table(VECTORS).map_err(db_fail)?;
            for c in &staged.changes {
                if staged.evicted.contains(&c.entry.id) {
                    continue;
                }
                let json =
                    serde_json::to_vec(&c.entry).map_err(|e| StoreError::Db(e.to_string()))?;
                entries
                    .insert(c.entry.id, json.as_slice())
                    .map_err(db_fail)?;
                vectors
                    .insert(c.entry.id, to_bytes(&c.vector).as_slice())
                    .map_err(db_fail)?;
            }
            for id in &staged.evicted {
                if self.by_id.contains_key(id) {
                    entries.remove(*id).map_err(db_fail)?;
                    vectors.remove(*id).map_err(db_fail)?;
                }
            }
            let mut meta = txn.open_table(META).map_err(db_fail)?;
            meta.insert("next_id", staged.next_id.to_string().as_str())
                .map_err(db_fail)?;
        }
        txn.commit().map_err(db_fail)
    }

    /// Applies a committed batch to the in-RAM rows.
    fn apply(&mut self, staged: Staged) {
        for c in staged.changes {
            let row = match c.row {
                Some(row) => {
                    self.vectors[row * self.dim..(row + 1) * self.dim].copy_from_slice(&c.vector);
                    self.entries[row] = c.entry;
                    row
                }
                None => {
                    let row = self.entries.len();
                    self.vectors.extend_from_slice(&c.vector);
                    self.codes.extend(std::iter::repeat_n(0, self.words));
                    self.times.push(0);
                    self.locations.push((0.0, 0.0));
                    self.grid.insert(row, (0.0, 0.0));
                    self.in_graph.push(false);
                    self.unindexed += 1;
                    self.by_id.insert(c.entry.id, row);
                    self.merge_key.insert(
                        merge_key(c.entry.object_name.as_deref(), &c.entry.text),
                        row,
                    );
                    self.entries.push(c.entry);
                    row
                }
            };
            self.sync_row(row);
        }
        for id in staged.evicted {
            if let Some(&row) = self.by_id.get(&id) {
                self.remove_row(row);
            }
        }
        self.next_id = staged.next_id;
    }

    /// Adds up to `budget` rows not yet in the graph to it, making the graph first when the
    /// store has outgrown exact search, and rebuilding it when removed entries' dead nodes
    /// outnumber live ones. Returns the rows still waiting. Until none wait, similarity search
    /// takes the sign-bit path, so results never miss a row.
    pub fn index_pending(&mut self, budget: usize) -> usize {
        if self.entries.len() <= self.graph_above {
            return self.unindexed;
        }
        let rebuild = self
            .graph
            .as_ref()
            .is_some_and(|g| g.dead() > g.live().max(1024));
        if self.graph.is_none() || rebuild {
            let config = GraphConfig {
                ef_search: GRAPH_EF_SEARCH,
                ..GraphConfig::default()
            };
            self.graph = Some(Graph::new(self.dim, config));
            self.in_graph.fill(false);
            self.unindexed = self.entries.len();
        }
        let Some(graph) = self.graph.as_mut() else {
            return self.unindexed;
        };
        let _span =
            tracing::debug_span!("memory_index", budget, waiting = self.unindexed).entered();
        let mut added = 0;
        for row in 0..self.entries.len() {
            if added == budget || self.unindexed == 0 {
                break;
            }
            if !self.in_graph[row] {
                graph.insert(
                    self.entries[row].id,
                    &self.vectors[row * self.dim..(row + 1) * self.dim],
                );
                self.in_graph[row] = true;
                self.unindexed -= 1;
                added += 1;
            }
        }
        self.unindexed
    }

    /// Sets the row count above which the graph index is built (for tests and tuning).
    pub fn set_graph_above(&mut self, rows: usize) {
        self.graph_above = rows;
    }

    /// Whether similarity search can use the graph (it exists and holds every row).
    pub fn graph_ready(&self) -> bool {
        self.graph.is_some() && self.unindexed == 0
    }

    /// Recomputes a row's derived columns (sign bits, time, location) from its entry and vector.
    fn sync_row(&mut self, row: usize) {
        let mut code = Vec::with_capacity(self.words);
        sign_code(
            &self.vectors[row * self.dim..(row + 1) * self.dim],
            &mut code,
        );
        self.codes[row * self.words..(row + 1) * self.words].copy_from_slice(&code);
        self.times[row] = self.entries[row].time_ns;
        let at = self.entries[row].location();
        self.grid.relocate(row, self.locations[row], at);
        self.locations[row] = at;
        if let Some(graph) = self.graph.as_mut() {
            // A changed vector replaces its node; an unchanged one is left alone.
            graph.insert(
                self.entries[row].id,
                &self.vectors[row * self.dim..(row + 1) * self.dim],
            );
            if !self.in_graph[row] {
                self.in_graph[row] = true;
                self.unindexed -= 1;
            }
        }
    }

    fn remove_row(&mut self, row: usize) {
        let last = self.entries.len() - 1;
        self.grid.remove(row, self.locations[row]);
        if row != last {
            self.grid.renumber(last, row, self.locations[last]);
        }
        let gone = self.entries.swap_remove(row);
        self.times.swap_remove(row);
        self.locations.swap_remove(row);
        if !self.in_graph.swap_remove(row) {
            self.unindexed -= 1;
        }
        if let Some(graph) = self.graph.as_mut() {
            graph.remove(gone.id);
        }
        self.by_id.remove(&gone.id);
        self.merge_key
            .remove(&merge_key(gone.object_name.as_deref(), &gone.text));
        if row != last {
            let (d, src) = (self.dim, last * self.dim);
            self.vectors.copy_within(src..src + d, row * d);
            let (w, src) = (self.words, last * self.words);
            self.codes.copy_within(src..src + w, row * w);
            let moved = &self.entries[row];
            self.by_id.insert(moved.id, row);
            self.merge_key
                .insert(merge_key(moved.object_name.as_deref(), &moved.text), row);
        }
        self.vectors.truncate(last * self.dim);
        self.codes.truncate(last * self.words);
    }

    /// Sets when similarity search switches to the compressed first pass, and how many
    /// candidates per result it re-ranks exactly (for tuning and for tests).
    pub fn set_approximation(&mut self, above_rows: usize, rerank_per_result: usize) {
        self.approximate_above = above_rows;
        self.rerank_per_result = rerank_per_result.max(1);
    }

    /// Rows passing `q`'s filters, checked on the compact columns first; a radius filter
    /// looks only at the grid cells it touches, unless `use_grid` is false (the oracle scans).
    fn admitted(&self, q: &Query, use_grid: bool) -> Vec<usize> {
        let strings = q.place.is_some() || q.class.is_some() || q.objects_only;
        if !strings && q.since_ns.is_none() && q.until_ns.is_none() && q.near.is_none() {
            return (0..self.entries.len()).collect();
        }
        if let Some((x, y, radius)) = q.near
            && use_grid
        {
            let mut rows = self.grid.rows_near(x, y, radius);
            rows.retain(|&r| self.row_admitted(q, r, strings));
            rows.sort_unstable();
            return rows;
        }
        (0..self.entries.len())
            .filter(|&r| self.row_admitted(q, r, strings))
            .collect()
    }

    /// Whether row `r` passes `q`'s filters (`strings`: whether any string filter is set).
    fn row_admitted(&self, q: &Query, r: usize, strings: bool) -> bool {
        let t = self.times[r];
        if q.since_ns.is_some_and(|s| t < s) || q.until_ns.is_some_and(|u| t > u) {
            return false;
        }
        if let Some((x, y, radius)) = q.near {
            let (ex, ey) = self.locations[r];
            if (ex - x) * (ex - x) + (ey - y) * (ey - y) > radius * radius {
                return false;
            }
        }
        !strings || q.admits(&self.entries[r])
    }

    /// Share of rows passing `q`'s filters, estimated on an evenly spread sample.
    fn admitted_share(&self, q: &Query, strings: bool) -> f64 {
        let n = self.entries.len();
        let samples = n.min(512);
        if samples == 0 {
            return 0.0;
        }
        let step = n / samples;
        let passed = (0..samples)
            .filter(|i| self.row_admitted(q, i * step, strings))
            .count();
        passed as f64 / samples as f64
    }

    /// Top `k` through the graph: its candidates (passing the filters) re-ranked exactly.
    fn graph_top(&self, q: &Query, v: &[f32], strings: bool) -> Option<Vec<(f32, usize)>> {
        let graph = self.graph.as_ref().filter(|_| self.unindexed == 0)?;
        let row_of = |id: u64| self.by_id.get(&id).copied();
        let admit = |id: u64| row_of(id).is_some_and(|r| self.row_admitted(q, r, strings));
        // The walk collects only admitted nodes, so under a filter it goes further by itself
        // (measured: widening the list by 1/share cost 2x the time for no recall gained).
        let candidates = graph.search(v, q.k, &admit);
        let top = self.exact_top(candidates.into_iter().filter_map(row_of), v, q.k);
        Some(top)
    }

    fn exact_top(
        &self,
        rows: impl Iterator<Item = usize>,
        v: &[f32],
        k: usize,
    ) -> Vec<(f32, usize)> {
        let mut heap: BinaryHeap<Reverse<(OrderedF32, usize)>> = BinaryHeap::with_capacity(k + 1);
        for row in rows {
            let s = dot(&self.vectors[row * self.dim..(row + 1) * self.dim], v);
            if heap.len() < k {
                heap.push(Reverse((OrderedF32(s), row)));
            } else if heap.peek().is_some_and(|Reverse((m, _))| s > m.0) {
                heap.pop();
                heap.push(Reverse((OrderedF32(s), row)));
            }
        }
        let mut out: Vec<(f32, usize)> = heap.into_iter().map(|Reverse((s, r))| (s.0, r)).collect();
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out
    }

    /// The `n` rows nearest by Hamming distance between sign bits (an angle estimate), among
    /// `rows` (all rows when `None`). Distances are bounded by the code length, so the cut is
    /// found with a histogram: one pass to count, one to collect — no sorting.
    fn hamming_candidates(&self, rows: Option<&[usize]>, v: &[f32], n: usize) -> Vec<usize> {
        let mut q = Vec::with_capacity(self.words);
        sign_code(v, &mut q);
        let w = self.words;
        let distance = |row: usize| -> u16 {
            let code = &self.codes[row * w..(row + 1) * w];
            code.iter()
                .zip(&q)
                .map(|(a, b)| (a ^ b).count_ones() as u16)
                .sum()
        };
        let count = rows.map_or(self.entries.len(), <[usize]>::len);
        let row_at = |i: usize| rows.map_or(i, |r| r[i]);
        let distances: Vec<u16> = (0..count).map(|i| distance(row_at(i))).collect();
        let mut histogram = vec![0usize; w * 64 + 1];
        for d in &distances {
            histogram[*d as usize] += 1;
        }
        // The smallest cut with at least n rows at or below it.
        let mut cut = histogram.len() - 1;
        let mut below = 0;
        for (d, c) in histogram.iter().enumerate() {
            below += c;
            if below >= n {
                cut = d;
                break;
            }
        }
        let mut out = Vec::with_capacity(n.min(count));
        let mut at_cut = n.saturating_sub(below - histogram[cut]);
        for (i, d) in distances.iter().enumerate() {
            let d = *d as usize;
            if d < cut || (d == cut && at_cut > 0) {
                if d == cut {
                    at_cut -= 1;
                }
                out.push(row_at(i));
            }
        }
        out
    }

    /// Exact search, whatever the size: the oracle approximate search is measured against.
    pub fn search_exact(&self, q: &Query, vector: &[f32]) -> Vec<Hit> {
        let rows = self.admitted(q, false);
        let top = self.exact_top(rows.into_iter(), vector, q.k);
        self.hits(q, top, true)
    }

    fn hits(&self, q: &Query, rows: Vec<(f32, usize)>, scored: bool) -> Vec<Hit> {
        rows.into_iter()
            .map(|(s, r)| {
                let e = &self.entries[r];
                Hit {
                    entry: e.clone(),
                    score: scored.then_some(s),
                    distance: q
                        .near
                        .map(|(x, y, _)| (e.location().0 - x).hypot(e.location().1 - y)),
                }
            })
            .collect()
    }

    /// Runs a query; `vector` is the unit embedding of the query text, if any. Above
    /// [`APPROXIMATE_ABOVE`] admitted rows, similarity search first picks candidates by the
    /// Hamming distance of sign bits (an angle estimate; Charikar, "Similarity estimation
    /// techniques from rounding algorithms", STOC 2002) and re-ranks them by exact cosine;
    /// below it, and without a text, it is exact.
    pub fn search(&self, q: &Query, vector: Option<&[f32]>) -> Vec<Hit> {
        let _span = tracing::debug_span!("memory_search", k = q.k).entered();
        let unfiltered = q.place.is_none()
            && q.class.is_none()
            && !q.objects_only
            && q.since_ns.is_none()
            && q.until_ns.is_none()
            && q.near.is_none();
        let strings = q.place.is_some() || q.class.is_some() || q.objects_only;
        if let Some(v) = vector
            && self.graph_ready()
        {
            let share = if unfiltered {
                1.0
            } else {
                self.admitted_share(q, strings)
            };
            if share >= GRAPH_MIN_SHARE
                && let Some(top) = self.graph_top(q, v, strings)
            {
                return self.hits(q, top, true);
            }
        }
        if let (Some(v), true) = (
            vector,
            unfiltered && self.entries.len() > self.approximate_above,
        ) {
            let candidates = self.hamming_candidates(None, v, q.k * self.rerank_per_result);
            let top = self.exact_top(candidates.into_iter(), v, q.k);
            return self.hits(q, top, true);
        }
        let rows = self.admitted(q, true);
        match vector {
            Some(v) if rows.len() > self.approximate_above => {
                let candidates =
                    self.hamming_candidates(Some(&rows), v, q.k * self.rerank_per_result);
                let top = self.exact_top(candidates.into_iter(), v, q.k);
                self.hits(q, top, true)
            }
            Some(v) => {
                let top = self.exact_top(rows.into_iter(), v, q.k);
                self.hits(q, top, true)
            }
            None => {
                let mut rows: Vec<(f32, usize)> = rows.into_iter().map(|r| (0.0, r)).collect();
                if let Some((x, y, _)) = q.near {
                    let d = |r: usize| (self.locations[r].0 - x).hypot(self.locations[r].1 - y);
                    rows.sort_by(|a, b| d(a.1).total_cmp(&d(b.1)));
                } else {
                    rows.sort_by_key(|(_, r)| Reverse(self.times[*r]));
                }
                rows.truncate(q.k);
                self.hits(q, rows, false)
            }
        }
    }

    /// The entry about the object called `name` (case ignored), if any.
    pub fn object(&self, name: &str) -> Option<&MemoryEntry> {
        self.merge_key
            .get(&merge_key(Some(name), ""))
            .map(|r| &self.entries[*r])
    }

    /// Counts.
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            entries: self.entries.len(),
            objects: self
                .entries
                .iter()
                .filter(|e| e.object_name.is_some())
                .count(),
            sightings: self.entries.iter().map(|e| e.count).sum(),
            oldest_ns: self.entries.iter().map(|e| e.time_ns).min(),
            newest_ns: self.entries.iter().map(|e| e.time_ns).max(),
            dim: self.dim,
            capacity: self.capacity,
            path: self.path.clone(),
        }
    }
}

fn db_err(e: redb::TransactionError) -> StoreError {
    db_fail(e)
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedF32(f32);

impl Eq for OrderedF32 {}

impl PartialOrd for OrderedF32 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedF32 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
