//! rcl backend of the bus, through `r2r`: for robots where ROS 2 is installed and sourced, so
//! embodia uses the robot's own RMW (Fast DDS, Cyclone DDS, Zenoh), its discovery settings and
//! its security enclaves instead of a second DDS stack.
//!
//! Messages cross rcl as serialized CDR (`publish_raw` / `subscribe_raw`), encoded and decoded
//! by [`crate::cdr`] — the codec the DDS backend and the wire fixtures already pin down — so
//! no generated r2r message types are needed and both backends carry byte-identical payloads.
//! Built only with the `r2r` feature; linking needs a sourced ROS 2 (CI type-checks it with
//! r2r's `doc-only` feature).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures::StreamExt;

use super::{
    Bus, BusError, Delivery, Publisher, Subscription, Transmit, deliver_stream, resolve_topic_name,
};
use crate::cdr;
use crate::message::Message;
use crate::qos::{Durability, QosProfile, Reliability};

/// How long one spin of the node may wait for work before the lock is released for callers
/// creating publishers and subscriptions.
const SPIN_SLICE: Duration = Duration::from_millis(5);

/// A ROS 2 node on rcl. Clones share the node; the spinner stops when the last clone drops.
#[derive(Clone)]
pub struct RclBus {
    inner: Arc<RclNode>,
}

struct RclNode {
    node: Arc<Mutex<r2r::Node>>,
    running: Arc<AtomicBool>,
}

impl Drop for RclNode {
    fn drop(&mut self) {
        self.running.store(false, Ordering::Relaxed);
    }
}

fn backend(topic: &str, e: impl std::fmt::Display) -> BusError {
    BusError::Backend {
        topic: topic.to_owned(),
        message: e.to_string(),
    }
}

/// ROS 2's own profile for `q`: the same three policies the DDS backend maps.
fn to_rcl_qos(q: &QosProfile) -> r2r::QosProfile {
    let base = r2r::QosProfile::default();
    let reliability = match q.reliability {
        Reliability::BestEffort => r2r::qos::ReliabilityPolicy::BestEffort,
        Reliability::Reliable => r2r::qos::ReliabilityPolicy::Reliable,
    };
    let durability = match q.durability {
        Durability::Volatile => r2r::qos::DurabilityPolicy::Volatile,
        Durability::TransientLocal => r2r::qos::DurabilityPolicy::TransientLocal,
    };
    r2r::QosProfile {
        history: r2r::qos::HistoryPolicy::KeepLast,
        depth: q.depth.max(1),
        reliability,
        durability,
        ..base
    }
}

impl RclBus {
    /// Initialises rcl (reading `ROS_DOMAIN_ID`, the RMW and its configuration from the
    /// environment, as every ROS 2 node does), creates the node and starts its spinner.
    pub fn new(node: &str, namespace: &str) -> Result<Self, BusError> {
        let context = r2r::Context::create().map_err(|e| backend("<rcl context>", e))?;
        let node =
            r2r::Node::create(context, node, namespace).map_err(|e| backend("<rcl node>", e))?;
        let node = Arc::new(Mutex::new(node));
        let running = Arc::new(AtomicBool::new(true));
        let (spun, keep_going) = (Arc::downgrade(&node), running.clone());
        std::thread::Builder::new()
            .name("embodia-rcl-spinner".into())
            .spawn(move || spin(spun, keep_going))
            .map_err(|e| backend("<rcl spinner>", e))?;
        Ok(Self {
            inner: Arc::new(RclNode { node, running }),
        })
    }

    fn node(&self) -> std::sync::MutexGuard<'_, r2r::Node> {
        self.inner.node.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Spins the node in short slices until the bus is dropped. Subscriptions' streams are fed by
/// these spins; without them nothing arrives.
fn spin(node: Weak<Mutex<r2r::Node>>, running: Arc<AtomicBool>) {
    while running.load(Ordering::Relaxed) {
        let Some(node) = node.upgrade() else { return };
        node.lock()
            .unwrap_or_else(|p| p.into_inner())
            .spin_once(SPIN_SLICE);
        drop(node);
        // Let publisher/subscription creation take the lock between slices.
        std::thread::yield_now();
    }
}

struct RclTransmit {
    topic: String,
    /// r2r's publisher may move between threads but not be shared; publishing takes turns.
    publisher: Mutex<r2r::PublisherUntyped>,
}

impl<M: Message> Transmit<M> for RclTransmit {
    fn transmit(&self, msg: &M) -> Result<(), BusError> {
        let bytes = cdr::encode(msg).map_err(|e| backend(&self.topic, e))?;
        self.publisher
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .publish_raw(&bytes)
            .map_err(|e| backend(&self.topic, e))
    }
}

impl Bus for RclBus {
    fn publisher<M: Message>(
        &self,
        topic: &str,
        qos: QosProfile,
    ) -> Result<Publisher<M>, BusError> {
        let name = resolve_topic_name(topic)?;
        let publisher = self
            .node()
            .create_publisher_untyped(&name, M::TYPE_NAME, to_rcl_qos(&qos))
            .map_err(|e| backend(&name, e))?;
        Ok(Publisher::new(
            name.clone(),
            Arc::new(RclTransmit {
                topic: name,
                publisher: Mutex::new(publisher),
            }),
        ))
    }

    fn subscribe<M: Message>(
        &self,
        topic: &str,
        qos: QosProfile,
        delivery: Delivery,
    ) -> Result<Subscription<M>, BusError> {
        let name = resolve_topic_name(topic)?;
        let stream = self
            .node()
            .subscribe_raw(&name, M::TYPE_NAME, to_rcl_qos(&qos))
            .map_err(|e| backend(&name, e))?;
        let samples = move || stream.map(|bytes| cdr::decode::<M>(&bytes));
        deliver_stream("rcl", name, samples, delivery)
    }
}
