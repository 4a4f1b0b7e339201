//! In-process bus: topics are shared tables of inboxes, a publish is a synchronous fan-out.
//!
//! Used by the simulator, `embodia run` and the tests. It applies the same QoS matching rules
//! as DDS (an incompatible pair is never connected) so a configuration that works here does
//! not silently go deaf on a real robot — but it reports each mismatch loudly. Actions are
//! served over channels with the DDS backend's semantics ([`action`]).

mod action;

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use super::{
    Bus, BusError, Delivery, Inbox, Publisher, Subscription, Transmit, resolve_topic_name,
};
use crate::message::Message;
use crate::qos::{Durability, QosProfile};

/// An in-process ROS 2 graph. Clones share the graph.
#[derive(Clone, Default)]
pub struct InProcBus {
    topics: Arc<Mutex<HashMap<String, TopicSlot>>>,
    incompatible_qos: Arc<AtomicU64>,
    actions: action::Actions,
}

struct TopicSlot {
    type_name: &'static str,
    topic: Arc<dyn Any + Send + Sync>,
}

struct Subscriber<M> {
    qos: QosProfile,
    inbox: Weak<Inbox<M>>,
}

struct TopicState<M> {
    name: String,
    subscribers: Vec<Subscriber<M>>,
    publishers: Vec<QosProfile>,
    /// Samples kept for late joiners by transient-local publishers, newest last.
    history: VecDeque<M>,
}

struct Topic<M> {
    state: Mutex<TopicState<M>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a topic table half-written in a way that
    // matters to readers (each mutation is a single push/retain), so poisoning is ignored.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl InProcBus {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Publisher/subscription pairs refused because the offered QoS does not meet the
    /// requested one.
    pub fn incompatible_qos_events(&self) -> u64 {
        self.incompatible_qos.load(Ordering::Relaxed)
    }

    fn topic<M: Message>(&self, name: &str) -> Result<(String, Arc<Topic<M>>), BusError> {
        let name = resolve_topic_name(name)?;
        let mut topics = lock(&self.topics);
        let slot = topics.entry(name.clone()).or_insert_with(|| TopicSlot {
            type_name: M::TYPE_NAME,
            topic: Arc::new(Topic::<M> {
                state: Mutex::new(TopicState {
                    name: name.clone(),
                    subscribers: Vec::new(),
                    publishers: Vec::new(),
                    history: VecDeque::new(),
                }),
            }),
        });
        let mismatch = || BusError::TypeMismatch {
            topic: name.clone(),
            existing: slot.type_name,
            requested: M::TYPE_NAME,
        };
        if slot.type_name != M::TYPE_NAME {
            return Err(mismatch());
        }
        let topic = slot
            .topic
            .clone()
            .downcast::<Topic<M>>()
            .map_err(|_| mismatch())?;
        Ok((name, topic))
    }

    fn report_incompatible(&self, topic: &str, offered: &QosProfile, requested: &QosProfile) {
        self.incompatible_qos.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            topic,
            ?offered,
            ?requested,
            "incompatible QoS: this publisher will never reach this subscription"
        );
    }
}

struct InProcTransmit<M> {
    qos: QosProfile,
    topic: Arc<Topic<M>>,
}

impl<M: Message> Transmit<M> for InProcTransmit<M> {
    fn transmit(&self, msg: &M) -> Result<(), BusError> {
        let mut state = lock(&self.topic.state);
        state.subscribers.retain(|s| s.inbox.strong_count() > 0);
        for sub in &state.subscribers {
            if self.qos.is_compatible_with(&sub.qos)
                && let Some(inbox) = sub.inbox.upgrade()
            {
                inbox.deliver(msg.clone());
            }
        }
        if self.qos.durability == Durability::TransientLocal {
            state.history.push_back(msg.clone());
            while state.history.len() > self.qos.depth.max(1) {
                state.history.pop_front();
            }
        }
        Ok(())
    }
}

impl Bus for InProcBus {
    fn publisher<M: Message>(
        &self,
        topic: &str,
        qos: QosProfile,
    ) -> Result<Publisher<M>, BusError> {
        let (name, topic) = self.topic::<M>(topic)?;
        {
            let mut state = lock(&topic.state);
            state.subscribers.retain(|s| s.inbox.strong_count() > 0);
            for sub in &state.subscribers {
                if !qos.is_compatible_with(&sub.qos) {
                    self.report_incompatible(&name, &qos, &sub.qos);
                }
            }
            state.publishers.push(qos);
        }
        Ok(Publisher::new(
            name,
            Arc::new(InProcTransmit { qos, topic }),
        ))
    }

    fn subscribe<M: Message>(
        &self,
        topic: &str,
        qos: QosProfile,
        delivery: Delivery,
    ) -> Result<Subscription<M>, BusError> {
        let (name, topic) = self.topic::<M>(topic)?;
        let inbox = Arc::new(Inbox::new(delivery));
        {
            let mut state = lock(&topic.state);
            for offered in &state.publishers {
                if !offered.is_compatible_with(&qos) {
                    self.report_incompatible(&name, offered, &qos);
                }
            }
            if qos.durability == Durability::TransientLocal {
                for msg in &state.history {
                    inbox.deliver(msg.clone());
                }
            }
            state.subscribers.push(Subscriber {
                qos,
                inbox: Arc::downgrade(&inbox),
            });
            tracing::debug!(topic = %state.name, "subscribed");
        }
        Ok(Subscription::new(name, inbox))
    }

    fn action_server<A: crate::action::Action>(
        &self,
        name: &str,
    ) -> Result<crate::action::ActionServer<A>, BusError> {
        self.actions.serve::<A>(name)
    }

    fn action_client<A: crate::action::Action>(
        &self,
        name: &str,
    ) -> Result<crate::action::ActionClient<A>, BusError> {
        self.actions.client::<A>(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::geometry_msgs::Twist;
    use crate::msg::nav_msgs::OccupancyGrid;
    use crate::msg::std_msgs::{Bool, String as RosString};

    #[test]
    fn every_matching_subscriber_receives_each_sample() {
        let bus = InProcBus::new();
        let a = bus
            .subscribe::<Twist>("/cmd_vel", QosProfile::DEFAULT, Delivery::Queue(10))
            .unwrap();
        let b = bus
            .subscribe::<Twist>("cmd_vel", QosProfile::SENSOR_DATA, Delivery::Latest)
            .unwrap();
        let p = bus
            .publisher::<Twist>("/cmd_vel", QosProfile::DEFAULT)
            .unwrap();
        p.publish(&Twist::planar(0.1, 0.0)).unwrap();
        p.publish(&Twist::planar(0.2, 0.0)).unwrap();
        assert_eq!(a.drain().len(), 2);
        assert_eq!(b.latest().unwrap().linear.x, 0.2);
        assert_eq!(b.dropped(), 1, "latest-value keeps only the newest");
    }

    #[test]
    fn best_effort_publisher_does_not_reach_reliable_subscriber_and_says_so() {
        let bus = InProcBus::new();
        let sub = bus
            .subscribe::<Bool>("/e", QosProfile::DEFAULT, Delivery::Queue(4))
            .unwrap();
        let p = bus
            .publisher::<Bool>("/e", QosProfile::SENSOR_DATA)
            .unwrap();
        p.publish(&Bool { data: true }).unwrap();
        assert!(sub.try_recv().is_none());
        assert_eq!(bus.incompatible_qos_events(), 1);
    }

    #[test]
    fn transient_local_topic_replays_last_sample_to_late_joiners_only_if_they_ask() {
        let bus = InProcBus::new();
        let p = bus
            .publisher::<OccupancyGrid>("/map", QosProfile::MAP)
            .unwrap();
        let mut first = OccupancyGrid::default();
        first.info.width = 1;
        let mut second = OccupancyGrid::default();
        second.info.width = 2;
        p.publish(&first).unwrap();
        p.publish(&second).unwrap();
        let late = bus
            .subscribe::<OccupancyGrid>("/map", QosProfile::MAP, Delivery::Queue(5))
            .unwrap();
        assert_eq!(
            late.drain()
                .iter()
                .map(|m| m.info.width)
                .collect::<Vec<_>>(),
            vec![2]
        );
        let volatile = bus
            .subscribe::<OccupancyGrid>("/map", QosProfile::DEFAULT, Delivery::Queue(5))
            .unwrap();
        assert!(volatile.try_recv().is_none());
    }

    #[test]
    fn one_topic_carries_one_type() {
        let bus = InProcBus::new();
        let _p = bus.publisher::<Bool>("/x", QosProfile::DEFAULT).unwrap();
        let err = bus
            .subscribe::<RosString>("/x", QosProfile::DEFAULT, Delivery::Latest)
            .err()
            .unwrap();
        assert!(err.to_string().contains("std_msgs/msg/Bool"), "{err}");
    }

    #[test]
    fn dropped_subscriptions_are_forgotten() {
        let bus = InProcBus::new();
        let p = bus.publisher::<Bool>("/x", QosProfile::DEFAULT).unwrap();
        drop(
            bus.subscribe::<Bool>("/x", QosProfile::DEFAULT, Delivery::Latest)
                .unwrap(),
        );
        p.publish(&Bool { data: true }).unwrap();
        let (_, topic) = bus.topic::<Bool>("/x").unwrap();
        assert!(lock(&topic.state).subscribers.is_empty());
    }
}
