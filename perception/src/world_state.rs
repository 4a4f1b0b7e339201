//! What the agent believes about the world right now.

use std::sync::Arc;

use embodia_ros::msg::nav_msgs::OccupancyGrid;
use embodia_world::V2;
use serde::Serialize;

use crate::coverage::SeenGrid;
use crate::scan::ScanPoints;
use crate::semantic_map::SemanticMap;

/// The robot's pose in the map frame (odometry, chained with a localiser's `map -> odom`
/// when one publishes) and its velocity from odometry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RobotState {
    /// Odometry stamp, nanoseconds.
    pub stamp_ns: i64,
    /// x in the map frame, metres.
    pub x: f64,
    /// y in the map frame, metres.
    pub y: f64,
    /// Heading, radians.
    pub theta: f64,
    /// Measured forward speed, m/s.
    pub v: f64,
    /// Measured turn rate, rad/s.
    pub w: f64,
}

impl RobotState {
    /// The position.
    pub fn position(&self) -> V2 {
        V2::new(self.x, self.y)
    }
}

/// An object the detector has reported, merged over sightings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackedObject {
    /// Name (the detection's `id`, sanitised), unique.
    pub name: String,
    /// Class (`class_id`, sanitised).
    pub class: String,
    /// Colour, when the detector reports one (a `color:NAME` hypothesis, see
    /// [`crate::attributes`]); people tell things apart by it and ask about it.
    pub color: Option<String>,
    /// Last position in the map frame.
    pub x: f64,
    /// Last position in the map frame.
    pub y: f64,
    /// Place it was last seen in, if inside one.
    pub place: Option<String>,
    /// First sighting, nanoseconds.
    pub first_seen_ns: i64,
    /// Last sighting, nanoseconds.
    pub last_seen_ns: i64,
    /// Sightings merged.
    pub count: u64,
}

impl TrackedObject {
    /// The last position.
    pub fn position(&self) -> V2 {
        V2::new(self.x, self.y)
    }
}

/// Inputs dropped because they could not be trusted, per cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DropCounters {
    /// Scans with inconsistent angles, limits or lengths.
    pub bad_scans: u64,
    /// Odometry with NaN or infinite values.
    pub bad_odometry: u64,
    /// Detections in a frame we cannot place, or with no odometry near their stamp.
    pub unplaceable_detections: u64,
    /// Detections with NaN or infinite positions, or without a name and class.
    pub bad_detections: u64,
    /// Messages stamped further in the future than allowed.
    pub future_stamps: u64,
    /// Messages older than the newest of their stream.
    pub out_of_order: u64,
    /// Maps whose data length does not match their size.
    pub bad_maps: u64,
    /// Scans in a frame with no static transform to the base frame (yet), and static
    /// transforms with non-finite or non-unit values.
    pub unplaced_scans: u64,
    /// Times the clock went backwards and the buffers were cleared.
    pub time_jumps: u64,
    /// `/tf` transforms with non-finite or non-unit values, or without frame names.
    pub bad_transforms: u64,
}

/// The newest belief about the robot and its surroundings.
#[derive(Debug, Clone, Default)]
pub struct WorldState {
    /// Time of the last update, nanoseconds.
    pub now_ns: i64,
    /// Newest odometry.
    pub robot: Option<RobotState>,
    /// Newest valid scan.
    pub scan: Option<Arc<ScanPoints>>,
    /// Newest map.
    pub map: Option<Arc<OccupancyGrid>>,
    /// Where the detector has looked, and when (on the newest map's grid).
    pub seen: Option<Arc<SeenGrid>>,
    /// Objects seen so far, in order of first sighting.
    pub objects: Vec<TrackedObject>,
    /// Names of the objects in the newest detection message.
    pub visible: Vec<String>,
    /// Stamp of the newest detection message accepted (none yet: the detector is silent).
    pub detections_stamp_ns: Option<i64>,
    /// Battery charge fraction.
    pub battery: Option<f32>,
    /// The place the robot is in.
    pub place: Option<String>,
    /// An emergency stop was requested since the previous update.
    pub estop_requested: bool,
    /// Places and keep-out zones.
    pub semantic: Arc<SemanticMap>,
    /// Inputs dropped so far.
    pub drops: DropCounters,
}

impl WorldState {
    /// The tracked object called `name` (case ignored).
    pub fn object(&self, name: &str) -> Option<&TrackedObject> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name.trim()))
    }

    /// Tracked objects of class `class` (case ignored).
    pub fn objects_of_class<'a>(
        &'a self,
        class: &'a str,
    ) -> impl Iterator<Item = &'a TrackedObject> + 'a {
        self.objects
            .iter()
            .filter(move |o| o.class.eq_ignore_ascii_case(class.trim()))
    }
}
