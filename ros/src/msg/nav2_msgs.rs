//! `nav2_msgs`: the `NavigateToPose` action of Nav2 (Jazzy and later), fields in the order of
//! `nav2_msgs/action/NavigateToPose.action`.

use serde::{Deserialize, Serialize};

use super::builtin_interfaces::Duration;
use super::geometry_msgs::PoseStamped;
use crate::action::Action;
use crate::ros_message;

/// `nav2_msgs/action/NavigateToPose`: drive to a pose with Nav2's planner and controller.
#[derive(Debug, Clone, Copy)]
pub struct NavigateToPose;

impl Action for NavigateToPose {
    type Goal = NavigateToPoseGoal;
    type Result = NavigateToPoseResult;
    type Feedback = NavigateToPoseFeedback;
    const TYPE_NAME: &'static str = "nav2_msgs/action/NavigateToPose";
}

/// The goal: where to go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NavigateToPoseGoal {
    /// The pose to reach (frame `map`).
    pub pose: PoseStamped,
    /// A behaviour tree file to use instead of the navigator's default; empty for the default.
    pub behavior_tree: String,
}
ros_message!(NavigateToPoseGoal, "nav2_msgs/action/NavigateToPose_Goal");

/// The result: an error code (0 = none) and message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavigateToPoseResult {
    /// `NONE` (0), `GOAL_REJECTED` (1), `SEND_GOAL_FAILURE` (2), `UNKNOWN` (9000),
    /// `FAILED_TO_LOAD_BEHAVIOR_TREE` (9001), `TF_ERROR` (9002), `TIMEOUT` (9003), or a code
    /// of the behaviour tree's nodes.
    pub error_code: u16,
    /// What went wrong, in words.
    pub error_msg: String,
}
ros_message!(
    NavigateToPoseResult,
    "nav2_msgs/action/NavigateToPose_Result"
);

/// The feedback: where the robot is and how far it still has to go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NavigateToPoseFeedback {
    /// The robot's pose now.
    pub current_pose: PoseStamped,
    /// Time since the goal started.
    pub navigation_time: Duration,
    /// Time the navigator expects still to need.
    pub estimated_time_remaining: Duration,
    /// Recovery behaviours run so far.
    pub number_of_recoveries: i16,
    /// Path length still to go, m.
    pub distance_remaining: f32,
}
ros_message!(
    NavigateToPoseFeedback,
    "nav2_msgs/action/NavigateToPose_Feedback"
);
