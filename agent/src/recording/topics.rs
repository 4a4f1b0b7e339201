//! The topics a recording holds, as bytes: taps that drain a typed subscription into CDR, and
//! feeds that publish recorded CDR back onto a bus as the typed message.
//!
//! A recording is untyped on disk (CDR plus a schema name), the bus is typed. This module is
//! the one place that maps a ROS 2 type name to its Rust type, so the recorder and the replay
//! agree on it by construction.

use embodia_ros::msg::geometry_msgs::{Twist, TwistStamped};
use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry, Path};
use embodia_ros::msg::sensor_msgs::{BatteryState, Imu, LaserScan};
use embodia_ros::msg::std_msgs::{Bool, String as RosString};
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Bus, BusError, Delivery, Message, Publisher, QosProfile, Subscription};

use crate::agent::AgentConfig;

/// Samples a tap keeps between two drains before dropping the oldest (one control period
/// holds a few at most).
const TAP_DEPTH: usize = 4096;

/// A subscription that hands out what it received as CDR bytes.
pub trait Tap: Send {
    /// The topic.
    fn topic(&self) -> &str;
    /// The ROS 2 type name (`sensor_msgs/msg/LaserScan`).
    fn type_name(&self) -> &'static str;
    /// Everything received since the last drain, oldest first, as CDR.
    fn drain(&self) -> Vec<Vec<u8>>;
}

struct TypedTap<M: Message> {
    sub: Subscription<M>,
}

impl<M: Message> Tap for TypedTap<M> {
    fn topic(&self) -> &str {
        self.sub.topic()
    }
    fn type_name(&self) -> &'static str {
        M::TYPE_NAME
    }
    fn drain(&self) -> Vec<Vec<u8>> {
        self.sub
            .drain()
            .iter()
            // Our own structs always encode; a failure would be a bug in a message type.
            .filter_map(|m| embodia_ros::cdr::encode(m).ok())
            .collect()
    }
}

/// A tap on `topic`. Best-effort and volatile, the request every publisher's offer meets.
pub fn tap<M: Message, B: Bus>(bus: &B, topic: &str) -> Result<Box<dyn Tap>, BusError> {
    Ok(Box::new(TypedTap::<M> {
        sub: bus.subscribe(topic, QosProfile::SENSOR_DATA, Delivery::Queue(TAP_DEPTH))?,
    }))
}

/// Whether a topic is read by the agent or written by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Into the agent: replay feeds these.
    Input,
    /// Out of the agent: replay compares these.
    Output,
}

/// Every topic the agent reads and writes, with its type and direction. `/tf` is not read by
/// the agent but recorded for viewers (it is an input: replay feeds it, harmlessly).
pub fn agent_topics(config: &AgentConfig) -> Vec<(String, &'static str, Direction)> {
    let p = &config.perception.topics;
    let t = &config.topics;
    let cmd = if config.stamped_cmd_vel {
        TwistStamped::TYPE_NAME
    } else {
        Twist::TYPE_NAME
    };
    use Direction::{Input, Output};
    vec![
        (p.scan.clone(), LaserScan::TYPE_NAME, Input),
        (p.odom.clone(), Odometry::TYPE_NAME, Input),
        (p.map.clone(), OccupancyGrid::TYPE_NAME, Input),
        (p.detections.clone(), Detection3DArray::TYPE_NAME, Input),
        (p.battery.clone(), BatteryState::TYPE_NAME, Input),
        (p.imu.clone(), Imu::TYPE_NAME, Input),
        (p.tf_static.clone(), TFMessage::TYPE_NAME, Input),
        ("/tf".to_owned(), TFMessage::TYPE_NAME, Input),
        (p.emergency_stop.clone(), Bool::TYPE_NAME, Input),
        (t.safety_reset.clone(), Bool::TYPE_NAME, Input),
        (t.cmd_vel.clone(), cmd, Output),
        (t.status.clone(), RosString::TYPE_NAME, Output),
        (t.say.clone(), RosString::TYPE_NAME, Output),
        (t.safety.clone(), RosString::TYPE_NAME, Output),
        (t.plan.clone(), Path::TYPE_NAME, Output),
    ]
}

/// A tap on `topic` for the type named `type_name`.
pub fn tap_by_name<B: Bus>(
    bus: &B,
    topic: &str,
    type_name: &str,
) -> Result<Box<dyn Tap>, BusError> {
    macro_rules! by_name {
        ($($ty:ty),*) => {
            $(if type_name == <$ty>::TYPE_NAME { return tap::<$ty, B>(bus, topic); })*
        };
    }
    by_name!(
        LaserScan,
        Odometry,
        OccupancyGrid,
        Detection3DArray,
        BatteryState,
        Imu,
        TFMessage,
        Bool,
        RosString,
        Twist,
        TwistStamped,
        Path
    );
    Err(unknown_type(topic, type_name))
}

/// The ROS 2 type name a recording's schema names, if it is one embodia records.
pub fn known_type(name: &str) -> Option<&'static str> {
    [
        LaserScan::TYPE_NAME,
        Odometry::TYPE_NAME,
        OccupancyGrid::TYPE_NAME,
        Detection3DArray::TYPE_NAME,
        BatteryState::TYPE_NAME,
        Imu::TYPE_NAME,
        TFMessage::TYPE_NAME,
        Bool::TYPE_NAME,
        RosString::TYPE_NAME,
        Twist::TYPE_NAME,
        TwistStamped::TYPE_NAME,
        Path::TYPE_NAME,
    ]
    .into_iter()
    .find(|t| *t == name)
}

/// A recorded message as readable text (JSON of the decoded message), for diffs.
pub fn render(type_name: &str, cdr: &[u8]) -> String {
    macro_rules! by_name {
        ($($ty:ty),*) => {
            $(if type_name == <$ty>::TYPE_NAME {
                return match embodia_ros::cdr::decode::<$ty>(cdr) {
                    Ok(m) => serde_json::to_string(&m).unwrap_or_default(),
                    Err(e) => format!("<{e}>"),
                };
            })*
        };
    }
    by_name!(
        LaserScan,
        Odometry,
        OccupancyGrid,
        Detection3DArray,
        BatteryState,
        Imu,
        TFMessage,
        Bool,
        RosString,
        Twist,
        TwistStamped,
        Path
    );
    format!("<{} bytes of {type_name}>", cdr.len())
}

fn unknown_type(topic: &str, type_name: &str) -> BusError {
    BusError::Backend {
        topic: topic.to_owned(),
        message: format!("recordings do not carry {type_name}"),
    }
}

/// Publishes recorded CDR onto a bus as the typed message.
pub trait Feed: Send {
    /// Decodes `cdr` and publishes it.
    fn feed(&self, cdr: &[u8]) -> Result<(), String>;
}

struct TypedFeed<M: Message> {
    publisher: Publisher<M>,
}

impl<M: Message> Feed for TypedFeed<M> {
    fn feed(&self, cdr: &[u8]) -> Result<(), String> {
        let msg = embodia_ros::cdr::decode::<M>(cdr).map_err(|e| e.to_string())?;
        self.publisher.publish(&msg).map_err(|e| e.to_string())
    }
}

/// A feed onto `topic` for the type named `type_name`. It offers reliable, transient-local
/// delivery: the offer that meets every request (the agent asks `/map` for exactly that).
pub fn feed_by_name<B: Bus>(
    bus: &B,
    topic: &str,
    type_name: &str,
) -> Result<Box<dyn Feed>, BusError> {
    let qos = QosProfile::MAP;
    macro_rules! by_name {
        ($($ty:ty),*) => {
            $(if type_name == <$ty>::TYPE_NAME {
                return Ok(Box::new(TypedFeed::<$ty> { publisher: bus.publisher(topic, qos)? }));
            })*
        };
    }
    by_name!(
        LaserScan,
        Odometry,
        OccupancyGrid,
        Detection3DArray,
        BatteryState,
        Imu,
        TFMessage,
        Bool,
        RosString,
        Twist,
        TwistStamped,
        Path
    );
    Err(unknown_type(topic, type_name))
}
