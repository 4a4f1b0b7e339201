//! `vision_msgs` (ROS 2, 4.x): 3D detections.

use serde::{Deserialize, Serialize};

use super::geometry_msgs::{Pose, PoseWithCovariance, Vector3};
use super::std_msgs::Header;
use crate::ros_message;

/// `vision_msgs/msg/ObjectHypothesis`: a class and how sure the detector is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectHypothesis {
    /// Class of the object, e.g. `cup`.
    pub class_id: String,
    /// Confidence, 0..=1.
    pub score: f64,
}
ros_message!(ObjectHypothesis, "vision_msgs/msg/ObjectHypothesis");

/// `vision_msgs/msg/ObjectHypothesisWithPose`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectHypothesisWithPose {
    /// Class and score.
    pub hypothesis: ObjectHypothesis,
    /// Where the object is, in the detection's frame.
    pub pose: PoseWithCovariance,
}
ros_message!(
    ObjectHypothesisWithPose,
    "vision_msgs/msg/ObjectHypothesisWithPose"
);

/// `vision_msgs/msg/BoundingBox3D`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox3D {
    /// Centre and orientation of the box.
    pub center: Pose,
    /// Edge lengths, m.
    pub size: Vector3,
}
ros_message!(BoundingBox3D, "vision_msgs/msg/BoundingBox3D");

/// `vision_msgs/msg/Detection3D`: one detected object. `id` carries the instance name so two
/// objects of one class can be told apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detection3D {
    /// Stamp and frame.
    pub header: Header,
    /// Class hypotheses, best first.
    pub results: Vec<ObjectHypothesisWithPose>,
    /// Extent of the object.
    pub bbox: BoundingBox3D,
    /// Instance identifier (embodia's simulator puts the object's name here).
    pub id: String,
}
ros_message!(Detection3D, "vision_msgs/msg/Detection3D");

/// `vision_msgs/msg/Detection3DArray`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detection3DArray {
    /// Stamp and frame.
    pub header: Header,
    /// The detections.
    pub detections: Vec<Detection3D>,
}
ros_message!(Detection3DArray, "vision_msgs/msg/Detection3DArray");

/// Keys of an attribute hypothesis that gives an object's colour. `vision_msgs` has no
/// attribute field, so embodia's detectors say a colour as one more hypothesis after the
/// class, with `class_id` = `KEY:VALUE` (`color:red`) and its own score.
pub const COLOR_KEYS: &[&str] = &["color", "colour"];

/// The `class_id` of the hypothesis that says an object is `color`.
pub fn color_hypothesis(color: &str) -> String {
    format!("{}:{color}", COLOR_KEYS[0])
}
