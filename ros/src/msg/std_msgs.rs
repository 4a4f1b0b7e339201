//! `std_msgs`: header, string and bool.

use serde::{Deserialize, Serialize};

use super::builtin_interfaces::Time;
use crate::ros_message;

/// `std_msgs/msg/Header`: when and in which frame the data was taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Time the data was acquired.
    pub stamp: Time,
    /// Coordinate frame the data is expressed in.
    pub frame_id: std::string::String,
}
ros_message!(Header, "std_msgs/msg/Header");

impl Header {
    /// A header for data taken at `stamp` in `frame_id`.
    pub fn new(stamp: Time, frame_id: impl Into<std::string::String>) -> Self {
        Self {
            stamp,
            frame_id: frame_id.into(),
        }
    }
}

/// `std_msgs/msg/String`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct String {
    /// The text.
    pub data: std::string::String,
}
ros_message!(String, "std_msgs/msg/String");

/// `std_msgs/msg/Bool`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bool {
    /// The value.
    pub data: bool,
}
ros_message!(Bool, "std_msgs/msg/Bool");
