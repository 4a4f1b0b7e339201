//! ROS 2 message types, one module per ROS 2 package, fields in `.msg` order.
//!
//! Field order is the wire format: CDR has no field names, so reordering a field here
//! silently breaks interoperability. The CDR fixture tests pin every type.

pub mod builtin_interfaces;
pub mod embodia_interfaces;
pub mod geometry_msgs;
pub mod nav2_msgs;
pub mod nav_msgs;
pub mod rosgraph_msgs;
pub mod sensor_msgs;
pub mod std_msgs;
pub mod tf2_msgs;
pub mod vision_msgs;
