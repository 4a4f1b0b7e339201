//! How the deliberative layer keeps what it stores honest when the memory file fails.
//!
//! A full disk or a read-only remount must not stop the robot, flood the log, or lose what
//! was already stored. Observations are embedded once; the entries wait in RAM ([`Unstored`],
//! bounded: past [`UNSTORED_LIMIT`] the oldest are dropped and counted) until a write takes
//! them — memory's searchable rows only ever change after a commit, so they never run ahead
//! of the file. [`WriteHealth`] is the pure part: from each write's result and the robot's
//! clock it says when to log (once when writes start failing, once when they resume), when
//! to try again (every [`RETRY_S`] seconds of robot time while failing), and what to report.

use std::collections::VecDeque;

use embodia_memory::NewEntry;
use serde::Serialize;

/// Entries kept in RAM while the file cannot be written, at most.
pub const UNSTORED_LIMIT: usize = 1024;
/// While writes fail, another is tried after this many seconds of robot time.
pub const RETRY_S: f64 = 2.0;

/// Embedded entries not yet stored, oldest first.
#[derive(Debug, Default)]
pub struct Unstored {
    entries: VecDeque<NewEntry>,
    dropped: u64,
}

impl Unstored {
    /// Adds entries, dropping the oldest past [`UNSTORED_LIMIT`].
    pub fn push(&mut self, batch: Vec<NewEntry>) {
        self.entries.extend(batch);
        while self.entries.len() > UNSTORED_LIMIT {
            self.entries.pop_front();
            self.dropped += 1;
        }
    }

    /// Takes every entry waiting, to write them.
    pub fn take(&mut self) -> Vec<NewEntry> {
        self.entries.drain(..).collect()
    }

    /// Puts back entries a write refused, before any that arrived since.
    pub fn put_back(&mut self, batch: Vec<NewEntry>) {
        let newer = std::mem::take(&mut self.entries);
        self.entries = batch.into();
        self.push(newer.into());
    }

    /// Entries waiting.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none wait.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries dropped, oldest first, because too many waited.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

/// What the agent says about its memory file: in the task report and `/agent/status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemoryWrites {
    /// Why writes fail now, when they do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing: Option<String>,
    /// Writes that failed, in all.
    pub failed_writes: u64,
    /// Writes committed, in all.
    pub stored_writes: u64,
    /// Writes committed after the file had failed, in all.
    pub stored_after_failure: u64,
    /// Entries waiting in RAM for the file.
    pub waiting: usize,
    /// Entries dropped because too many waited.
    pub dropped: u64,
}

/// A change worth one log line.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Writes began to fail.
    Failed(String),
    /// Writes work again after `failures` failed ones.
    Resumed {
        /// Failed writes in the outage.
        failures: u64,
    },
}

/// Whether the memory file takes writes, from the results seen.
#[derive(Debug, Default)]
pub struct WriteHealth {
    status: MemoryWrites,
    /// Robot time of the last failed try, while failing.
    last_failure_ns: Option<i64>,
    outage_failures: u64,
    had_failed: bool,
}

impl WriteHealth {
    /// Whether to try a write at `now_ns`: always while writes work; while they fail, once
    /// [`RETRY_S`] has passed since the last try (or the clock went back).
    pub fn may_try(&self, now_ns: i64) -> bool {
        match self.last_failure_ns {
            None => true,
            Some(t) => now_ns < t || (now_ns - t) as f64 >= RETRY_S * 1e9,
        }
    }

    /// Records a write's result at `now_ns`; returns the change to log, if any.
    pub fn record(&mut self, now_ns: i64, result: Result<(), String>) -> Option<Change> {
        match result {
            Ok(()) => {
                self.status.stored_writes += 1;
                if self.had_failed {
                    self.status.stored_after_failure += 1;
                }
                self.last_failure_ns = None;
                self.status.failing.take().map(|_| Change::Resumed {
                    failures: std::mem::take(&mut self.outage_failures),
                })
            }
            Err(e) => {
                self.status.failed_writes += 1;
                self.outage_failures += 1;
                self.had_failed = true;
                self.last_failure_ns = Some(now_ns);
                let first = self.status.failing.is_none();
                self.status.failing = Some(e.clone());
                first.then_some(Change::Failed(e))
            }
        }
    }

    /// The status to report, with `unstored`'s counts.
    pub fn status(&self, unstored: &Unstored) -> MemoryWrites {
        MemoryWrites {
            waiting: unstored.len(),
            dropped: unstored.dropped(),
            ..self.status.clone()
        }
    }

    /// Why writes fail now, when they do.
    pub fn failing(&self) -> Option<&str> {
        self.status.failing.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    fn entry(i: usize) -> NewEntry {
        NewEntry {
            time_ns: i as i64,
            pose: (0.0, 0.0, 0.0),
            place: None,
            text: format!("saw {i}"),
            source_topic: "/detections".into(),
            object_name: None,
            object_class: None,
            object_position: None,
            object_color: None,
            seen_by: None,
            embedding: vec![1.0],
        }
    }

    #[test]
    fn an_outage_is_reported_once_when_it_starts_and_once_when_it_ends() {
        let mut h = WriteHealth::default();
        assert_eq!(h.record(0, Ok(())), None);
        assert_eq!(
            h.record(S, Err("disk full".into())),
            Some(Change::Failed("disk full".into()))
        );
        for t in 2..10 {
            assert_eq!(h.record(t * 3 * S, Err("disk full".into())), None);
        }
        assert_eq!(h.failing(), Some("disk full"));
        assert_eq!(
            h.record(40 * S, Ok(())),
            Some(Change::Resumed { failures: 9 })
        );
        assert_eq!(h.record(41 * S, Ok(())), None);
        let s = h.status(&Unstored::default());
        assert_eq!((s.failed_writes, s.stored_writes), (9, 3));
        assert_eq!(s.stored_after_failure, 2);
        assert_eq!(s.failing, None);
    }

    #[test]
    fn while_failing_a_write_is_tried_every_retry_period_of_robot_time() {
        let mut h = WriteHealth::default();
        assert!(h.may_try(0));
        h.record(10 * S, Err("read-only".into()));
        assert!(!h.may_try(10 * S + S));
        assert!(h.may_try(10 * S + (RETRY_S * 1e9) as i64));
        assert!(h.may_try(5 * S), "a clock gone back does not block retries");
        h.record(13 * S, Ok(()));
        assert!(h.may_try(13 * S));
    }

    #[test]
    fn entries_waiting_are_bounded_and_refused_ones_keep_their_order() {
        let mut u = Unstored::default();
        u.push((0..UNSTORED_LIMIT + 10).map(entry).collect());
        assert_eq!((u.len(), u.dropped()), (UNSTORED_LIMIT, 10));
        let refused = u.take();
        assert_eq!(refused[0].text, "saw 10");
        u.push(vec![entry(99_999)]);
        u.put_back(refused);
        let all = u.take();
        assert_eq!(all[0].text, "saw 11", "oldest dropped to make room");
        assert_eq!(all.last().unwrap().text, "saw 99999");
    }
}
