//! A memory file whose writes can be refused by the kernel, for fault injection.
//!
//! A disk that fills up, a filesystem remounted read-only, a USB stick pulled: the store
//! must keep what it has and go on once the file can be written again. To test that for real,
//! [`SwitchedFile`] is redb's own file backend with one difference: while its
//! [`WriteSwitch`] is on, writes, resizes and syncs go through a second descriptor of the same
//! file opened read-only, so the kernel refuses them (`EBADF`) and redb sees a genuine I/O
//! error — nothing here fakes a result. Reads always go to the real file.

use std::fs::File;
use std::ops::Bound;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use redb::StorageBackend;
use redb::backends::FileBackend;

/// Turns a [`SwitchedFile`]'s writes off and on; clones share the switch.
#[derive(Debug, Clone, Default)]
pub struct WriteSwitch(Arc<AtomicBool>);

impl WriteSwitch {
    /// Makes the file unwritable (true) or writable again (false).
    pub fn set_unwritable(&self, unwritable: bool) {
        self.0.store(unwritable, Ordering::SeqCst);
    }

    /// Whether writes are refused now.
    pub fn is_unwritable(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// redb's file backend, with writes refused by the kernel while the switch is on.
#[derive(Debug)]
pub struct SwitchedFile {
    inner: FileBackend,
    read_only: File,
    switch: WriteSwitch,
}

type IoResult<T> = std::io::Result<T>;

impl SwitchedFile {
    /// Opens (creating if needed) `path` for redb, under `switch`.
    pub fn open(path: &Path, switch: WriteSwitch) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let read_only = File::open(path)?;
        let inner = FileBackend::new(file).map_err(std::io::Error::other)?;
        Ok(Self {
            inner,
            read_only,
            switch,
        })
    }

    fn refused(&self) -> bool {
        self.switch.is_unwritable()
    }
}

impl StorageBackend for SwitchedFile {
    fn len(&self) -> IoResult<u64> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> IoResult<()> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> IoResult<()> {
        if self.refused() {
            return self.read_only.set_len(len);
        }
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> IoResult<()> {
        if self.refused() {
            // The writes before it were refused; this syncs nothing of theirs.
            return self.read_only.sync_data();
        }
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> IoResult<()> {
        if self.refused() {
            return self.read_only.write_all_at(data, offset);
        }
        self.inner.write(offset, data)
    }

    fn close(&self) -> IoResult<()> {
        self.inner.close()
    }

    fn try_lock_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, redb::BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<(), redb::BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), redb::BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, redb::BackendError> {
        self.inner.query_lock_range(start, end)
    }
}
