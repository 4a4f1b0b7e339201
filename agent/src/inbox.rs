//! The deliberative layer's inbox: two paths in, so a flood of observations can never cost a
//! step result.
//!
//! Lifecycle inputs — tasks, step results, speech — travel on an unbounded channel and are
//! never dropped. They are few by construction: one result per step the deliberative layer
//! handed out, at most one sentence per step, tasks from a bounded subscription queue or the
//! API. Observations travel on a bounded channel and are offered with `try_send`: when the
//! deliberative layer falls behind they are dropped and counted, which costs a memory, never a
//! task. The receiver takes lifecycle inputs first, so a step result does not wait behind a
//! backlog of observations either.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use embodia_perception::Observation;
use tokio::sync::mpsc;

use crate::messages::DeliberativeInput;
use crate::messages::ReactiveEvent;

/// Observations that may wait for the deliberative layer before new ones are dropped.
pub const OBSERVATION_CAPACITY: usize = 4096;

/// A connected inbox: the sending half (cloneable) and the deliberative layer's half.
pub fn inbox(observation_capacity: usize) -> (InboxSender, Inbox) {
    let (lifecycle_tx, lifecycle_rx) = mpsc::unbounded_channel();
    let (observations_tx, observations_rx) = mpsc::channel(observation_capacity.max(1));
    (
        InboxSender {
            lifecycle: lifecycle_tx,
            observations: observations_tx,
            dropped: Arc::new(AtomicU64::new(0)),
        },
        Inbox {
            lifecycle: lifecycle_rx,
            observations: observations_rx,
        },
    )
}

/// Sends into the deliberative layer's inbox. Never blocks.
#[derive(Debug, Clone)]
pub struct InboxSender {
    lifecycle: mpsc::UnboundedSender<DeliberativeInput>,
    observations: mpsc::Sender<DeliberativeInput>,
    dropped: Arc<AtomicU64>,
}

impl InboxSender {
    /// Delivers `input` on the lossless path; false only once the deliberative layer has
    /// stopped. An observation handed here is delivered too (use
    /// [`Self::offer_observation`] for the high-volume stream).
    pub fn send(&self, input: DeliberativeInput) -> bool {
        self.lifecycle.send(input).is_ok()
    }

    /// Offers an observation; false when it was dropped because the deliberative layer is
    /// behind (counted in [`Self::dropped_observations`]) or has stopped.
    pub fn offer_observation(&self, observation: Observation) -> bool {
        let event = DeliberativeInput::Event(ReactiveEvent::Observed(observation));
        match self.observations.try_send(event) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(
                        dropped = n,
                        "deliberative layer is not keeping up; observations dropped"
                    );
                }
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// Observations dropped so far because the deliberative layer was behind.
    pub fn dropped_observations(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The deliberative layer's end of the inbox.
#[derive(Debug)]
pub struct Inbox {
    lifecycle: mpsc::UnboundedReceiver<DeliberativeInput>,
    observations: mpsc::Receiver<DeliberativeInput>,
}

impl Inbox {
    /// The next input, lifecycle inputs first; None once every sender is gone and both paths
    /// are empty.
    pub async fn recv(&mut self) -> Option<DeliberativeInput> {
        tokio::select! {
            biased;
            Some(input) = self.lifecycle.recv() => Some(input),
            Some(input) = self.observations.recv() => Some(input),
            else => None,
        }
    }

    /// The next input if one is waiting, lifecycle inputs first (no runtime needed).
    pub fn try_recv(&mut self) -> Option<DeliberativeInput> {
        self.lifecycle
            .try_recv()
            .or_else(|_| self.observations.try_recv())
            .ok()
    }
}
