//! DDS backend of the bus: ROS 2 on the wire through `ros2-client` (pure Rust, RustDDS).
//!
//! Topics are `rt/<name>` with the ROS 2 type name (`sensor_msgs::msg::dds_::LaserScan_`), so
//! any ROS 2 node (rclcpp over Cyclone DDS or Fast DDS) sees this node's topics. The node's
//! spinner runs on its own thread (without it discovery never completes); each subscription
//! has a thread that moves samples into the same bounded [`Inbox`] the in-process bus uses.
//! Actions are served by ros2-client's action server ([`action`]).

mod action;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use ros2_client::dds::rustdds::DomainParticipantBuilder;
use ros2_client::qos::{
    Durability as RDurability, History, QosProfile as RQos, Reliability as RReliability, WhenFull,
};
use ros2_client::{Context, MessageTypeName, Name, Node, NodeName, NodeOptions};

use super::{
    Bus, BusError, Delivery, Publisher, Subscription, Transmit, deliver_stream, resolve_topic_name,
};
use crate::message::Message;
use crate::qos::{Durability, QosProfile, Reliability};

/// Where the DDS participant may talk.
#[derive(Debug, Clone, PartialEq)]
pub struct DdsOptions {
    /// DDS domain (ROS_DOMAIN_ID).
    pub domain: u16,
    /// Node name.
    pub node: String,
    /// Node namespace.
    pub namespace: String,
    /// Only these interfaces' addresses are used and advertised (loopback in tests and CI).
    pub only_networks: Option<Vec<IpAddr>>,
    /// How service (and so action) requests and replies are laid out; ROS 2's RMWs differ.
    pub services: ServiceLayout,
}

/// How requests and replies of ROS 2 services are framed on DDS. Each RMW has its own; a
/// service client and server only understand each other with the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceLayout {
    /// rmw_fastrtps (ROS 2's default RMW) and rmw_connextdds: the request id travels in the
    /// sample's related-sample identity.
    Enhanced,
    /// rmw_cyclonedds: a 16-byte header (client GUID half and sequence number) before the data.
    Cyclone,
}

impl ServiceLayout {
    /// The layout of the RMW `RMW_IMPLEMENTATION` names (ROS 2's default, Fast DDS, without it).
    pub fn for_rmw(rmw: Option<&str>) -> Self {
        match rmw {
            Some(r) if r.contains("cyclonedds") => Self::Cyclone,
            _ => Self::Enhanced,
        }
    }

    fn mapping(self) -> ros2_client::ServiceMapping {
        match self {
            Self::Enhanced => ros2_client::ServiceMapping::Enhanced,
            Self::Cyclone => ros2_client::ServiceMapping::Cyclone,
        }
    }
}

impl DdsOptions {
    /// A node named `node` in `namespace`, in the domain `ROS_DOMAIN_ID` names (0 without it),
    /// on every interface — or only on 127.0.0.1 when `loopback_only`.
    pub fn from_env(node: &str, namespace: &str, loopback_only: bool) -> Self {
        let domain = std::env::var("ROS_DOMAIN_ID")
            .ok()
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        let mut options = Self::loopback(node, domain);
        options.namespace = namespace.to_owned();
        options.services =
            ServiceLayout::for_rmw(std::env::var("RMW_IMPLEMENTATION").ok().as_deref());
        if !loopback_only {
            options.only_networks = None;
        }
        options
    }

    /// A node restricted to 127.0.0.1.
    pub fn loopback(node: &str, domain: u16) -> Self {
        Self {
            domain,
            node: node.into(),
            namespace: "/".into(),
            only_networks: Some(vec![IpAddr::from([127, 0, 0, 1])]),
            services: ServiceLayout::Enhanced,
        }
    }
}

/// A ROS 2 node on DDS. Clones share the node.
#[derive(Clone)]
pub struct DdsBus {
    node: Arc<Mutex<Node>>,
    services: ServiceLayout,
}

fn backend(topic: &str, e: impl std::fmt::Debug) -> BusError {
    BusError::Backend {
        topic: topic.to_owned(),
        message: format!("{e:?}"),
    }
}

fn to_dds_qos(q: &QosProfile) -> RQos {
    RQos::publisher_default()
        .reliability(match q.reliability {
            Reliability::BestEffort => RReliability::BestEffort,
            Reliability::Reliable => RReliability::Reliable {
                when_full: WhenFull::DEFAULT,
            },
        })
        .durability(match q.durability {
            Durability::Volatile => RDurability::Volatile,
            Durability::TransientLocal => RDurability::TransientLocal,
        })
        .history(History::KeepLast {
            depth: q.depth.max(1),
        })
}

impl DdsBus {
    /// Joins the DDS domain as a ROS 2 node and starts its spinner.
    pub fn new(options: &DdsOptions) -> Result<Self, BusError> {
        let mut builder = DomainParticipantBuilder::new(options.domain);
        if let Some(nets) = &options.only_networks {
            builder = builder.with_only_networks(nets.iter().copied());
        }
        let participant = builder.build().map_err(|e| backend("<participant>", e))?;
        let context =
            Context::from_domain_participant(participant).map_err(|e| backend("<context>", e))?;
        let name = NodeName::new(&options.namespace, &options.node)
            .map_err(|e| backend("<node name>", e))?;
        let mut node = context
            .new_node(name, NodeOptions::new())
            .map_err(|e| backend("<node>", e))?;
        let spinner = node.spinner().map_err(|e| backend("<spinner>", e))?;
        std::thread::Builder::new()
            .name("embodia-dds-spinner".into())
            .spawn(move || {
                if let Err(e) = futures::executor::block_on(spinner.spin()) {
                    tracing::error!(error = ?e, "DDS spinner stopped");
                }
            })
            .map_err(|e| backend("<spinner>", e))?;
        Ok(Self {
            node: Arc::new(Mutex::new(node)),
            services: options.services,
        })
    }

    fn topic<M: Message>(
        &self,
        node: &Node,
        name: &str,
        qos: &QosProfile,
    ) -> Result<(String, ros2_client::dds::rustdds::Topic), BusError> {
        let resolved = resolve_topic_name(name)?;
        let (ns, base) = resolved.rsplit_once('/').unwrap_or(("", &resolved));
        let ros_name = Name::new(if ns.is_empty() { "/" } else { ns }, base)
            .map_err(|e| backend(&resolved, e))?;
        let type_name = MessageTypeName::new(M::package(), M::type_short_name());
        let topic = node
            .create_topic(&ros_name, type_name, &to_dds_qos(qos))
            .map_err(|e| backend(&resolved, e))?;
        Ok((resolved, topic))
    }
}

struct DdsTransmit<M: serde::Serialize> {
    topic: String,
    publisher: Mutex<ros2_client::Publisher<M>>,
}

impl<M: Message> Transmit<M> for DdsTransmit<M> {
    fn transmit(&self, msg: &M) -> Result<(), BusError> {
        let p = self.publisher.lock().unwrap_or_else(|p| p.into_inner());
        p.publish(msg.clone()).map_err(|e| BusError::Backend {
            topic: self.topic.clone(),
            message: e.to_string(),
        })
    }
}

impl Bus for DdsBus {
    fn publisher<M: Message>(
        &self,
        topic: &str,
        qos: QosProfile,
    ) -> Result<Publisher<M>, BusError> {
        let mut node = self.node.lock().unwrap_or_else(|p| p.into_inner());
        let (name, t) = self.topic::<M>(&node, topic, &qos)?;
        let publisher = node
            .create_publisher::<M>(&t, Some(to_dds_qos(&qos)))
            .map_err(|e| backend(&name, e))?;
        Ok(Publisher::new(
            name.clone(),
            Arc::new(DdsTransmit {
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
        let mut node = self.node.lock().unwrap_or_else(|p| p.into_inner());
        let (name, t) = self.topic::<M>(&node, topic, &qos)?;
        let sub = node
            .create_subscription::<M>(&t, Some(to_dds_qos(&qos)))
            .map_err(|e| backend(&name, e))?;
        // The stream owns the subscription (a borrowing stream could not move to the thread).
        let samples = move || {
            futures::stream::unfold(sub, |sub| async move {
                let sample = sub.async_take().await;
                Some((sample, sub))
            })
            .map(|sample| sample.map(|(msg, _info)| msg).map_err(|e| format!("{e:?}")))
        };
        deliver_stream("dds", name, samples, delivery)
    }

    fn action_server<A: crate::action::Action>(
        &self,
        name: &str,
    ) -> Result<crate::action::ActionServer<A>, BusError> {
        let mut node = self.node.lock().unwrap_or_else(|p| p.into_inner());
        action::serve::<A>(&mut node, name, self.services.mapping())
    }

    fn action_client<A: crate::action::Action>(
        &self,
        name: &str,
    ) -> Result<crate::action::ActionClient<A>, BusError> {
        action::client::<A>(&self.node, name, self.services.mapping())
    }
}
