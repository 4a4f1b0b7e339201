//! Where gated velocity commands go: `/cmd_vel` as `Twist` or `TwistStamped`.

use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::{Twist, TwistStamped};
use embodia_ros::msg::std_msgs::Header;
use embodia_ros::{Bus, BusError, Publisher, QosProfile};

/// Receives the gate's output. Only [`crate::gate::SafetyGate`] holds one.
pub trait CmdVelSink {
    /// Sends one command made at `stamp_ns`.
    fn send(&mut self, v: f64, w: f64, stamp_ns: i64) -> Result<(), BusError>;
}

/// `/cmd_vel` on a bus, in the message type the base controller wants.
pub enum CmdVelPublisher {
    /// `geometry_msgs/Twist` (Nav2's default, Gazebo's diff-drive plugin).
    Twist(Publisher<Twist>),
    /// `geometry_msgs/TwistStamped` (ros2_controllers' diff_drive_controller from Jazzy on).
    Stamped(Publisher<TwistStamped>, String),
}

impl CmdVelPublisher {
    /// Advertises `topic` with the default (reliable) QoS, as ROS 2 commands are.
    pub fn new<B: Bus>(
        bus: &B,
        topic: &str,
        stamped: bool,
        frame_id: &str,
    ) -> Result<Self, BusError> {
        Ok(if stamped {
            CmdVelPublisher::Stamped(
                bus.publisher(topic, QosProfile::DEFAULT)?,
                frame_id.to_owned(),
            )
        } else {
            CmdVelPublisher::Twist(bus.publisher(topic, QosProfile::DEFAULT)?)
        })
    }
}

impl CmdVelSink for CmdVelPublisher {
    fn send(&mut self, v: f64, w: f64, stamp_ns: i64) -> Result<(), BusError> {
        let twist = Twist::planar(v, w);
        match self {
            CmdVelPublisher::Twist(p) => p.publish(&twist),
            CmdVelPublisher::Stamped(p, frame) => p.publish(&TwistStamped {
                header: Header::new(Time::from_nanos(stamp_ns), frame.as_str()),
                twist,
            }),
        }
    }
}

/// Keeps every command sent, for tests and benchmarks.
#[derive(Debug, Default, Clone)]
pub struct RecordingSink {
    /// (v, w, stamp) in order.
    pub sent: Vec<(f64, f64, i64)>,
}

impl CmdVelSink for RecordingSink {
    fn send(&mut self, v: f64, w: f64, stamp_ns: i64) -> Result<(), BusError> {
        self.sent.push((v, w, stamp_ns));
        Ok(())
    }
}
