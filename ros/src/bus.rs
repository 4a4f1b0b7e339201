//! The typed topic bus: publish/subscribe by ROS 2 topic name with ROS 2 QoS.
//!
//! Backends differ in how bytes move (in-process channels, DDS, rcl) but not in how a
//! subscriber receives: every backend delivers into the same bounded [`Subscription`] inbox,
//! which drops the oldest sample when full and counts the drop. A slow consumer therefore
//! always sees the newest data and never stalls a publisher — the control loop must not block
//! on a topic.

#[cfg(feature = "dds")]
pub mod dds;
pub mod inproc;
#[cfg(feature = "r2r")]
pub mod rcl;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TrySendError};
use thiserror::Error;

use crate::action::{Action, ActionClient, ActionServer};
use crate::message::Message;
use crate::qos::QosProfile;

pub use inproc::InProcBus;

/// A source and sink of ROS 2 topics.
///
/// Implementations are cheap to clone handles onto one shared graph.
pub trait Bus: Clone + Send + Sync + 'static {
    /// A publisher of `M` on `topic`, offering `qos`.
    fn publisher<M: Message>(&self, topic: &str, qos: QosProfile)
    -> Result<Publisher<M>, BusError>;

    /// A subscription to `M` on `topic`, requesting `qos`, buffered as `delivery` says.
    fn subscribe<M: Message>(
        &self,
        topic: &str,
        qos: QosProfile,
        delivery: Delivery,
    ) -> Result<Subscription<M>, BusError>;

    /// Serves the action `A` as `name` (`/agent/execute_task`). Only backends that speak the
    /// action protocol override this; the others refuse with [`BusError::Unsupported`].
    fn action_server<A: Action>(&self, name: &str) -> Result<ActionServer<A>, BusError> {
        Err(crate::action::unsupported(name))
    }

    /// A client of the action `A` served as `name` (`/navigate_to_pose`). Only backends that
    /// speak the action protocol override this; the others refuse with [`BusError::Unsupported`].
    fn action_client<A: Action>(&self, name: &str) -> Result<ActionClient<A>, BusError> {
        Err(crate::action::unsupported(name))
    }
}

/// How a subscription buffers samples it has not read yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Keep only the newest sample (world-state inputs: pose, scan, battery).
    Latest,
    /// Keep up to this many samples in order, dropping the oldest beyond it (events, tasks).
    Queue(usize),
}

impl Delivery {
    fn capacity(self) -> usize {
        match self {
            Delivery::Latest => 1,
            Delivery::Queue(n) => n.max(1),
        }
    }
}

/// Why a topic could not be published or subscribed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BusError {
    /// The topic already carries another message type.
    #[error(
        "topic {topic} carries {existing}, not {requested}; use one type per topic or another topic name"
    )]
    TypeMismatch {
        /// Topic name.
        topic: String,
        /// Type already on the topic.
        existing: &'static str,
        /// Type asked for.
        requested: &'static str,
    },
    /// The name is not a valid ROS 2 topic name.
    #[error("{topic:?} is not a valid ROS 2 topic name: {reason}")]
    InvalidTopicName {
        /// The name given.
        topic: String,
        /// What rule it breaks.
        reason: &'static str,
    },
    /// The backend cannot do what was asked.
    #[error("{what} is not supported by this transport; {fix}")]
    Unsupported {
        /// What was asked for.
        what: String,
        /// How to get it.
        fix: &'static str,
    },
    /// The transport failed.
    #[error("bus backend failed on {topic}: {message}")]
    Backend {
        /// Topic name.
        topic: String,
        /// What the backend reported.
        message: String,
    },
}

/// Checks a topic name against ROS 2's rules and makes it absolute (`cmd_vel` -> `/cmd_vel`).
pub fn resolve_topic_name(topic: &str) -> Result<String, BusError> {
    let bad = |reason| BusError::InvalidTopicName {
        topic: topic.to_owned(),
        reason,
    };
    if topic.is_empty() {
        return Err(bad("it is empty"));
    }
    let abs = if topic.starts_with('/') {
        topic.to_owned()
    } else {
        format!("/{topic}")
    };
    if abs.len() > 1 && abs.ends_with('/') {
        return Err(bad("it ends with '/'"));
    }
    if abs.contains("//") {
        return Err(bad("it contains '//'"));
    }
    for token in abs.split('/').skip(1) {
        if token.is_empty() {
            return Err(bad("it has an empty name token"));
        }
        if token.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(bad("a name token starts with a digit"));
        }
        if !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad("only letters, digits, '_' and '/' are allowed"));
        }
    }
    Ok(abs)
}

/// Sends samples of `M` into the graph; implemented by each backend.
pub trait Transmit<M>: Send + Sync {
    /// Delivers one sample.
    fn transmit(&self, msg: &M) -> Result<(), BusError>;
}

/// A handle that publishes `M` on one topic.
pub struct Publisher<M> {
    topic: String,
    tx: Arc<dyn Transmit<M>>,
}

impl<M> Clone for Publisher<M> {
    fn clone(&self) -> Self {
        Self {
            topic: self.topic.clone(),
            tx: self.tx.clone(),
        }
    }
}

impl<M: Message> Publisher<M> {
    /// Wraps a backend's transmitter.
    pub fn new(topic: String, tx: Arc<dyn Transmit<M>>) -> Self {
        Self { topic, tx }
    }

    /// Publishes one sample.
    pub fn publish(&self, msg: &M) -> Result<(), BusError> {
        self.tx.transmit(msg)
    }

    /// The resolved topic name.
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

/// The bounded, drop-oldest buffer every backend delivers into.
pub struct Inbox<M> {
    tx: Sender<M>,
    rx: Receiver<M>,
    received: AtomicU64,
    dropped: AtomicU64,
}

impl<M> Inbox<M> {
    /// An inbox holding at most what `delivery` says.
    pub fn new(delivery: Delivery) -> Self {
        let (tx, rx) = crossbeam_channel::bounded(delivery.capacity());
        Self {
            tx,
            rx,
            received: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        }
    }

    /// Stores a sample, evicting the oldest unread one if full.
    pub fn deliver(&self, mut msg: M) {
        self.received.fetch_add(1, Ordering::Relaxed);
        loop {
            match self.tx.try_send(msg) {
                Ok(()) => return,
                Err(TrySendError::Full(m)) => {
                    if self.rx.try_recv().is_ok() {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    msg = m;
                }
                // We hold the receiver ourselves, so the channel cannot disconnect.
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

/// Moves samples from a network backend's stream (made by `stream` on that thread) into a new
/// inbox, on a thread of its own
/// (named `embodia-<backend>-<topic>`), until the stream ends or the subscription is dropped.
/// A sample that failed to decode is dropped with a warning: bad wire data never stops a topic.
#[cfg(any(feature = "dds", feature = "r2r"))]
fn deliver_stream<M, E, S, F>(
    backend: &str,
    topic: String,
    stream: F,
    delivery: Delivery,
) -> Result<Subscription<M>, BusError>
where
    M: Message,
    E: std::fmt::Display,
    S: futures::Stream<Item = Result<M, E>>,
    F: FnOnce() -> S + Send + 'static,
{
    use futures::StreamExt;
    let inbox = Arc::new(Inbox::new(delivery));
    let weak = Arc::downgrade(&inbox);
    let shown = topic.clone();
    std::thread::Builder::new()
        .name(format!("embodia-{backend}-{}", topic.trim_start_matches('/')))
        .spawn(move || {
            futures::executor::block_on(async {
                let mut stream = Box::pin(stream());
                while let Some(sample) = stream.next().await {
                    let Some(inbox) = weak.upgrade() else { break };
                    match sample {
                        Ok(msg) => inbox.deliver(msg),
                        Err(e) => {
                            tracing::warn!(topic = %shown, error = %e, "dropped a sample that did not decode")
                        }
                    }
                }
            })
        })
        .map_err(|e| BusError::Backend {
            topic: topic.clone(),
            message: e.to_string(),
        })?;
    Ok(Subscription::new(topic, inbox))
}

/// A handle that receives `M` from one topic.
pub struct Subscription<M> {
    topic: String,
    inbox: Arc<Inbox<M>>,
}

impl<M: Message> Subscription<M> {
    /// Wraps an inbox a backend delivers into.
    pub fn new(topic: String, inbox: Arc<Inbox<M>>) -> Self {
        Self { topic, inbox }
    }

    /// The oldest unread sample, if any, without waiting.
    pub fn try_recv(&self) -> Option<M> {
        self.inbox.rx.try_recv().ok()
    }

    /// The oldest unread sample, waiting up to `timeout` (wall time: for tests and I/O edges).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<M> {
        self.inbox.rx.recv_timeout(timeout).ok()
    }

    /// All unread samples, oldest first.
    pub fn drain(&self) -> Vec<M> {
        self.inbox.rx.try_iter().collect()
    }

    /// The newest unread sample, discarding older unread ones.
    pub fn latest(&self) -> Option<M> {
        self.inbox.rx.try_iter().last()
    }

    /// The channel end, for `crossbeam_channel::select!` over several topics.
    pub fn receiver(&self) -> &Receiver<M> {
        &self.inbox.rx
    }

    /// Samples delivered to this subscription since it was made.
    pub fn received(&self) -> u64 {
        self.inbox.received.load(Ordering::Relaxed)
    }

    /// Samples evicted unread because the buffer was full.
    pub fn dropped(&self) -> u64 {
        self.inbox.dropped.load(Ordering::Relaxed)
    }

    /// The resolved topic name.
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_follow_ros2_rules() {
        assert_eq!(resolve_topic_name("cmd_vel").unwrap(), "/cmd_vel");
        assert_eq!(resolve_topic_name("/robot1/scan").unwrap(), "/robot1/scan");
        for bad in [
            "",
            "/",
            "a//b",
            "scan/",
            "/9lives",
            "/with space",
            "/dash-ed",
        ] {
            assert!(resolve_topic_name(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn full_queue_drops_the_oldest_and_counts_it() {
        let inbox = Arc::new(Inbox::new(Delivery::Queue(3)));
        let sub = Subscription::<crate::msg::std_msgs::Bool>::new("/t".into(), inbox.clone());
        for i in 0..5 {
            inbox.deliver(crate::msg::std_msgs::Bool { data: i % 2 == 0 });
        }
        assert_eq!(sub.received(), 5);
        assert_eq!(sub.dropped(), 2);
        assert_eq!(
            sub.drain().iter().map(|b| b.data).collect::<Vec<_>>(),
            vec![true, false, true]
        );
    }
}
