//! `tf2_msgs`: the `/tf` and `/tf_static` message.

use serde::{Deserialize, Serialize};

use super::geometry_msgs::TransformStamped;
use crate::ros_message;

/// `tf2_msgs/msg/TFMessage`: a batch of transforms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TFMessage {
    /// The transforms.
    pub transforms: Vec<TransformStamped>,
}
ros_message!(TFMessage, "tf2_msgs/msg/TFMessage");
