//! A copy of the recorded stream for a consumer on another thread (the live view, the console
//! of an interactive run): what they show is what the recorder records, from one source.
//!
//! The recorder runs in the loop that drives the agent, so handing an entry over must never
//! wait: the channel is bounded and, when the consumer is behind, the oldest entry is dropped
//! (and counted), as the bus's queues do.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender, TrySendError};

use super::writer::Entry;

/// The sending side of a bounded queue that drops its oldest item when full: cheap to clone,
/// never blocks.
pub struct DropOldest<T> {
    tx: Sender<T>,
    /// The receiving side too, so a full queue can drop its oldest item.
    oldest: Receiver<T>,
    dropped: Arc<AtomicU64>,
}

impl<T> Clone for DropOldest<T> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
            oldest: self.oldest.clone(),
            dropped: self.dropped.clone(),
        }
    }
}

/// The recorded stream's copy for another thread.
pub type EntryFeed = DropOldest<Entry>;

impl<T> DropOldest<T> {
    /// A queue holding at most `capacity` items, and the receiver its consumer reads.
    pub fn bounded(capacity: usize) -> (Self, Receiver<T>) {
        let (tx, rx) = crossbeam_channel::bounded(capacity.max(1));
        let feed = Self {
            tx,
            oldest: rx.clone(),
            dropped: Arc::new(AtomicU64::new(0)),
        };
        (feed, rx)
    }

    /// Hands `entry` over; when the queue is full the oldest item makes room.
    pub fn send(&self, mut entry: T) {
        loop {
            match self.tx.try_send(entry) {
                Ok(()) | Err(TrySendError::Disconnected(_)) => return,
                Err(TrySendError::Full(back)) => {
                    entry = back;
                    if self.oldest.try_recv().is_ok() {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
    }

    /// Items dropped so far because the consumer was behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::writer::Encoding;

    fn entry(t_ns: i64) -> Entry {
        Entry {
            t_ns,
            topic: "/x".into(),
            encoding: Encoding::Json,
            data: b"{}".to_vec(),
        }
    }

    #[test]
    fn a_full_feed_drops_the_oldest_and_counts_it() {
        let (feed, rx) = EntryFeed::bounded(2);
        for t in 0..5 {
            feed.send(entry(t));
        }
        let kept: Vec<i64> = rx.try_iter().map(|e| e.t_ns).collect();
        assert_eq!(kept, vec![3, 4]);
        assert_eq!(feed.dropped(), 3);
    }

    #[test]
    fn sending_to_a_gone_consumer_returns_at_once() {
        let (feed, rx) = EntryFeed::bounded(1);
        drop(rx);
        // The feed still holds a receiver of its own; the queue fills and then drops.
        feed.send(entry(0));
        feed.send(entry(1));
        assert_eq!(feed.dropped(), 1);
    }
}
