//! `geometry_msgs`: points, orientations, poses, velocities and transforms.

use serde::{Deserialize, Serialize};
use serde_big_array::BigArray;

use super::std_msgs::Header;
use crate::ros_message;

/// `geometry_msgs/msg/Vector3`: a free vector (velocity, acceleration, size).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Vector3 {
    /// x component.
    pub x: f64,
    /// y component.
    pub y: f64,
    /// z component.
    pub z: f64,
}
ros_message!(Vector3, "geometry_msgs/msg/Vector3");

impl Vector3 {
    /// The vector (x, y, z).
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Self { x, y, z }
    }
}

/// `geometry_msgs/msg/Point`: a position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// x coordinate.
    pub x: f64,
    /// y coordinate.
    pub y: f64,
    /// z coordinate.
    pub z: f64,
}
ros_message!(Point, "geometry_msgs/msg/Point");

impl Point {
    /// The point (x, y, z).
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Self { x, y, z }
    }
}

/// `geometry_msgs/msg/Quaternion`: an orientation. The default is the identity, as in ROS 2.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quaternion {
    /// x component.
    pub x: f64,
    /// y component.
    pub y: f64,
    /// z component.
    pub z: f64,
    /// w (scalar) component.
    pub w: f64,
}
ros_message!(Quaternion, "geometry_msgs/msg/Quaternion");

impl Default for Quaternion {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Quaternion {
    /// No rotation.
    pub const IDENTITY: Self = Self {
        x: 0.0,
        y: 0.0,
        z: 0.0,
        w: 1.0,
    };

    /// A rotation of `yaw` radians about +z, the only rotation a planar robot has.
    pub fn from_yaw(yaw: f64) -> Self {
        let (s, c) = (yaw * 0.5).sin_cos();
        Self {
            x: 0.0,
            y: 0.0,
            z: s,
            w: c,
        }
    }

    /// Rotation about +z in radians, in (-pi, pi]; roll and pitch are ignored.
    pub fn yaw(&self) -> f64 {
        let siny_cosp = 2.0 * (self.w * self.z + self.x * self.y);
        let cosy_cosp = 1.0 - 2.0 * (self.y * self.y + self.z * self.z);
        siny_cosp.atan2(cosy_cosp)
    }
}

/// `geometry_msgs/msg/Pose`: position and orientation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Pose {
    /// Position.
    pub position: Point,
    /// Orientation.
    pub orientation: Quaternion,
}
ros_message!(Pose, "geometry_msgs/msg/Pose");

impl Pose {
    /// A planar pose at (x, y) facing `yaw`.
    pub fn planar(x: f64, y: f64, yaw: f64) -> Self {
        Self {
            position: Point::new(x, y, 0.0),
            orientation: Quaternion::from_yaw(yaw),
        }
    }
}

/// `geometry_msgs/msg/PoseStamped`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PoseStamped {
    /// Stamp and frame.
    pub header: Header,
    /// The pose.
    pub pose: Pose,
}
ros_message!(PoseStamped, "geometry_msgs/msg/PoseStamped");

/// `geometry_msgs/msg/PoseWithCovariance`: a pose and its 6x6 row-major covariance
/// (x, y, z, rot x, rot y, rot z).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoseWithCovariance {
    /// The pose.
    pub pose: Pose,
    /// Row-major 6x6 covariance.
    #[serde(with = "BigArray")]
    pub covariance: [f64; 36],
}
ros_message!(PoseWithCovariance, "geometry_msgs/msg/PoseWithCovariance");

impl Default for PoseWithCovariance {
    fn default() -> Self {
        Self {
            pose: Pose::default(),
            covariance: [0.0; 36],
        }
    }
}

/// `geometry_msgs/msg/Twist`: linear and angular velocity in the body frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Twist {
    /// Linear velocity, m/s.
    pub linear: Vector3,
    /// Angular velocity, rad/s.
    pub angular: Vector3,
}
ros_message!(Twist, "geometry_msgs/msg/Twist");

impl Twist {
    /// A planar command: forward speed `linear` m/s and turn rate `angular` rad/s.
    pub fn planar(linear: f64, angular: f64) -> Self {
        Self {
            linear: Vector3::new(linear, 0.0, 0.0),
            angular: Vector3::new(0.0, 0.0, angular),
        }
    }
}

/// `geometry_msgs/msg/TwistStamped`: what ros2_controllers' diff_drive_controller expects on
/// `cmd_vel` from Jazzy on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TwistStamped {
    /// Stamp and frame.
    pub header: Header,
    /// The velocity.
    pub twist: Twist,
}
ros_message!(TwistStamped, "geometry_msgs/msg/TwistStamped");

/// `geometry_msgs/msg/TwistWithCovariance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwistWithCovariance {
    /// The velocity.
    pub twist: Twist,
    /// Row-major 6x6 covariance.
    #[serde(with = "BigArray")]
    pub covariance: [f64; 36],
}
ros_message!(TwistWithCovariance, "geometry_msgs/msg/TwistWithCovariance");

impl Default for TwistWithCovariance {
    fn default() -> Self {
        Self {
            twist: Twist::default(),
            covariance: [0.0; 36],
        }
    }
}

/// `geometry_msgs/msg/Transform`: translation then rotation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Transform {
    /// Translation.
    pub translation: Vector3,
    /// Rotation.
    pub rotation: Quaternion,
}
ros_message!(Transform, "geometry_msgs/msg/Transform");

/// `geometry_msgs/msg/TransformStamped`: the pose of `child_frame_id` in `header.frame_id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransformStamped {
    /// Stamp and parent frame.
    pub header: Header,
    /// The frame this transform places.
    pub child_frame_id: String,
    /// The transform.
    pub transform: Transform,
}
ros_message!(TransformStamped, "geometry_msgs/msg/TransformStamped");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaw_survives_a_quaternion_round_trip() {
        for yaw in [-3.0, -1.0, 0.0, 0.5, 1.5, 3.1] {
            assert!((Quaternion::from_yaw(yaw).yaw() - yaw).abs() < 1e-12);
        }
    }

    #[test]
    fn default_quaternion_is_identity_as_in_ros() {
        assert_eq!(Quaternion::default().w, 1.0);
    }
}
