//! `ros2msg` message definitions of the types embodia puts on its topics, for recordings.
//!
//! An MCAP recording of ROS 2 data names each channel's schema with encoding `ros2msg`: the
//! type's `.msg` text followed by every type it uses, each after a line of 80 `=` and a
//! `MSG: pkg/Type` header — the text rosbag2 writes, which Foxglove and the PyPI readers
//! (`mcap-ros2-support`, `rosbags`) parse to decode the CDR bytes. The definitions below list
//! the fields in the order of this crate's serde structs (which follow the upstream `.msg`
//! files; constants and comments are left out because they do not change the bytes), and a
//! test checks every dependency is defined; the end-to-end reader test decodes recordings with
//! an independent reader.

/// The separator rosbag2 writes between the definitions of a message and its dependencies.
pub const SEPARATOR: &str =
    "================================================================================";

/// One type: its name (`pkg/Type`) and its own fields.
struct Definition {
    name: &'static str,
    text: &'static str,
}

/// Every type embodia records. Field types are fully qualified (`pkg/Type`) so a reader never
/// has to guess a package.
const DEFINITIONS: &[Definition] = &[
    Definition {
        name: "builtin_interfaces/Time",
        text: "int32 sec\nuint32 nanosec\n",
    },
    Definition {
        name: "std_msgs/Header",
        text: "builtin_interfaces/Time stamp\nstring frame_id\n",
    },
    Definition {
        name: "std_msgs/String",
        text: "string data\n",
    },
    Definition {
        name: "std_msgs/Bool",
        text: "bool data\n",
    },
    Definition {
        name: "geometry_msgs/Vector3",
        text: "float64 x\nfloat64 y\nfloat64 z\n",
    },
    Definition {
        name: "geometry_msgs/Point",
        text: "float64 x\nfloat64 y\nfloat64 z\n",
    },
    Definition {
        name: "geometry_msgs/Quaternion",
        text: "float64 x\nfloat64 y\nfloat64 z\nfloat64 w\n",
    },
    Definition {
        name: "geometry_msgs/Pose",
        text: "geometry_msgs/Point position\ngeometry_msgs/Quaternion orientation\n",
    },
    Definition {
        name: "geometry_msgs/PoseStamped",
        text: "std_msgs/Header header\ngeometry_msgs/Pose pose\n",
    },
    Definition {
        name: "geometry_msgs/PoseWithCovariance",
        text: "geometry_msgs/Pose pose\nfloat64[36] covariance\n",
    },
    Definition {
        name: "geometry_msgs/Twist",
        text: "geometry_msgs/Vector3 linear\ngeometry_msgs/Vector3 angular\n",
    },
    Definition {
        name: "geometry_msgs/TwistStamped",
        text: "std_msgs/Header header\ngeometry_msgs/Twist twist\n",
    },
    Definition {
        name: "geometry_msgs/TwistWithCovariance",
        text: "geometry_msgs/Twist twist\nfloat64[36] covariance\n",
    },
    Definition {
        name: "geometry_msgs/Transform",
        text: "geometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation\n",
    },
    Definition {
        name: "geometry_msgs/TransformStamped",
        text: "std_msgs/Header header\nstring child_frame_id\ngeometry_msgs/Transform transform\n",
    },
    Definition {
        name: "tf2_msgs/TFMessage",
        text: "geometry_msgs/TransformStamped[] transforms\n",
    },
    Definition {
        name: "sensor_msgs/LaserScan",
        text: "std_msgs/Header header\nfloat32 angle_min\nfloat32 angle_max\n\
               float32 angle_increment\nfloat32 time_increment\nfloat32 scan_time\n\
               float32 range_min\nfloat32 range_max\nfloat32[] ranges\nfloat32[] intensities\n",
    },
    Definition {
        name: "sensor_msgs/Imu",
        text: "std_msgs/Header header\ngeometry_msgs/Quaternion orientation\n\
               float64[9] orientation_covariance\ngeometry_msgs/Vector3 angular_velocity\n\
               float64[9] angular_velocity_covariance\n\
               geometry_msgs/Vector3 linear_acceleration\n\
               float64[9] linear_acceleration_covariance\n",
    },
    Definition {
        name: "sensor_msgs/BatteryState",
        text: "std_msgs/Header header\nfloat32 voltage\nfloat32 temperature\nfloat32 current\n\
               float32 charge\nfloat32 capacity\nfloat32 design_capacity\nfloat32 percentage\n\
               uint8 power_supply_status\nuint8 power_supply_health\n\
               uint8 power_supply_technology\nbool present\nfloat32[] cell_voltage\n\
               float32[] cell_temperature\nstring location\nstring serial_number\n",
    },
    Definition {
        name: "nav_msgs/Odometry",
        text: "std_msgs/Header header\nstring child_frame_id\n\
               geometry_msgs/PoseWithCovariance pose\ngeometry_msgs/TwistWithCovariance twist\n",
    },
    Definition {
        name: "nav_msgs/MapMetaData",
        text: "builtin_interfaces/Time map_load_time\nfloat32 resolution\nuint32 width\n\
               uint32 height\ngeometry_msgs/Pose origin\n",
    },
    Definition {
        name: "nav_msgs/OccupancyGrid",
        text: "std_msgs/Header header\nnav_msgs/MapMetaData info\nint8[] data\n",
    },
    Definition {
        name: "nav_msgs/Path",
        text: "std_msgs/Header header\ngeometry_msgs/PoseStamped[] poses\n",
    },
    Definition {
        name: "vision_msgs/ObjectHypothesis",
        text: "string class_id\nfloat64 score\n",
    },
    Definition {
        name: "vision_msgs/ObjectHypothesisWithPose",
        text: "vision_msgs/ObjectHypothesis hypothesis\ngeometry_msgs/PoseWithCovariance pose\n",
    },
    Definition {
        name: "vision_msgs/BoundingBox3D",
        text: "geometry_msgs/Pose center\ngeometry_msgs/Vector3 size\n",
    },
    Definition {
        name: "vision_msgs/Detection3D",
        text: "std_msgs/Header header\nvision_msgs/ObjectHypothesisWithPose[] results\n\
               vision_msgs/BoundingBox3D bbox\nstring id\n",
    },
    Definition {
        name: "vision_msgs/Detection3DArray",
        text: "std_msgs/Header header\nvision_msgs/Detection3D[] detections\n",
    },
];

/// `pkg/msg/Type` or `pkg/Type` as `pkg/Type`.
fn short_name(type_name: &str) -> String {
    type_name.replacen("/msg/", "/", 1)
}

fn definition(name: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|d| d.name == name)
}

/// The non-builtin types a definition's fields use, in field order.
fn uses(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let ty = line.split_whitespace().next()?;
        let ty = ty.split('[').next()?;
        ty.contains('/').then_some(ty)
    })
}

/// The full `ros2msg` text for a ROS 2 type (`sensor_msgs/msg/LaserScan`), its dependencies
/// appended once each, depth first in field order; `None` for a type embodia does not record.
pub fn ros2msg(type_name: &str) -> Option<String> {
    let root = definition(&short_name(type_name))?;
    let mut out = root.text.to_owned();
    let mut seen = vec![root.name];
    let mut pending: Vec<&str> = uses(root.text).collect();
    pending.reverse();
    while let Some(name) = pending.pop() {
        if seen.contains(&name) {
            continue;
        }
        let d = definition(name)?;
        seen.push(d.name);
        out.push_str(&format!("{SEPARATOR}\nMSG: {}\n{}", d.name, d.text));
        let mut more: Vec<&str> = uses(d.text).collect();
        more.reverse();
        pending.extend(more);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;
    use crate::msg::{geometry_msgs, nav_msgs, sensor_msgs, std_msgs, tf2_msgs, vision_msgs};

    fn check<M: Message>() {
        let text = ros2msg(M::TYPE_NAME).unwrap_or_else(|| panic!("{} missing", M::TYPE_NAME));
        // Every type used is defined exactly once.
        let mut defined = vec![short_name(M::TYPE_NAME)];
        for block in text.split(SEPARATOR).skip(1) {
            let header = block.trim_start().lines().next().unwrap_or_default();
            let name = header.strip_prefix("MSG: ").expect(header).to_owned();
            assert!(!defined.contains(&name), "{name} twice in {}", M::TYPE_NAME);
            defined.push(name);
        }
        for used in uses(&text) {
            assert!(
                defined.iter().any(|d| d == used),
                "{} uses {used} without defining it",
                M::TYPE_NAME
            );
        }
    }

    #[test]
    fn every_recorded_type_has_a_complete_definition() {
        check::<sensor_msgs::LaserScan>();
        check::<sensor_msgs::Imu>();
        check::<sensor_msgs::BatteryState>();
        check::<nav_msgs::Odometry>();
        check::<nav_msgs::OccupancyGrid>();
        check::<nav_msgs::Path>();
        check::<vision_msgs::Detection3DArray>();
        check::<tf2_msgs::TFMessage>();
        check::<geometry_msgs::Twist>();
        check::<geometry_msgs::TwistStamped>();
        check::<std_msgs::String>();
        check::<std_msgs::Bool>();
    }

    #[test]
    fn odometry_reads_as_rosbag2_writes_it() {
        let text = ros2msg("nav_msgs/msg/Odometry").unwrap();
        assert!(text.starts_with("std_msgs/Header header\nstring child_frame_id\n"));
        assert!(text.contains(&format!("{SEPARATOR}\nMSG: std_msgs/Header\n")));
        assert!(text.contains("MSG: geometry_msgs/PoseWithCovariance\ngeometry_msgs/Pose pose\nfloat64[36] covariance\n"));
        assert_eq!(ros2msg("nav_msgs/msg/GridCells"), None);
    }
}
