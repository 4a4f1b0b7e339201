//! The one trait every ROS 2 message type implements.

use serde::{Serialize, de::DeserializeOwned};

/// A ROS 2 message: serialisable in `.msg` field order and named as ROS 2 names it.
///
/// The type name travels with every topic so that two ends disagreeing on a topic's type
/// are refused at connection time instead of decoding garbage.
pub trait Message: Serialize + DeserializeOwned + Clone + Send + 'static {
    /// Fully qualified ROS 2 type name, e.g. `sensor_msgs/msg/LaserScan`.
    const TYPE_NAME: &'static str;

    /// The package part of [`Self::TYPE_NAME`] (`sensor_msgs`).
    fn package() -> &'static str {
        Self::TYPE_NAME.split('/').next().unwrap_or_default()
    }

    /// The bare type part of [`Self::TYPE_NAME`] (`LaserScan`).
    fn type_short_name() -> &'static str {
        Self::TYPE_NAME.rsplit('/').next().unwrap_or_default()
    }
}

/// Implements [`Message`] for a type with its ROS 2 name.
#[macro_export]
macro_rules! ros_message {
    ($ty:ty, $name:literal) => {
        impl $crate::message::Message for $ty {
            const TYPE_NAME: &'static str = $name;
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::sensor_msgs::LaserScan;

    #[test]
    fn type_name_splits_into_package_and_type() {
        assert_eq!(LaserScan::TYPE_NAME, "sensor_msgs/msg/LaserScan");
        assert_eq!(LaserScan::package(), "sensor_msgs");
        assert_eq!(LaserScan::type_short_name(), "LaserScan");
    }
}
