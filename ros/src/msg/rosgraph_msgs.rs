//! `rosgraph_msgs`: the simulation clock.

use serde::{Deserialize, Serialize};

use super::builtin_interfaces::Time;
use crate::ros_message;

/// `rosgraph_msgs/msg/Clock`: simulated time, published on `/clock` when `use_sim_time` is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    /// Current simulated time.
    pub clock: Time,
}
ros_message!(Clock, "rosgraph_msgs/msg/Clock");
