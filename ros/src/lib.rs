//! ROS 2 on embodia's side of the wire: message types, QoS profiles and the topic bus.
//!
//! Messages are plain serde structs whose fields follow the `.msg` files in order, so the
//! CDR bytes produced by [`cdr::encode`] are the bytes ROS 2 puts on the wire (checked against
//! fixtures made by an independent encoder). Everything above this crate talks to topics
//! through the [`bus::Bus`] trait and never learns whether the other side is the in-process
//! simulator, Gazebo behind `ros_gz_bridge`, or a real robot over DDS.

pub mod action;
pub mod args;
pub mod bus;
pub mod cdr;
pub mod message;
pub mod msg;
pub mod qos;
pub mod schema;

pub use bus::{Bus, BusError, Delivery, Publisher, Subscription};
pub use message::Message;
pub use qos::QosProfile;
