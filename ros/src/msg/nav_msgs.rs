//! `nav_msgs`: odometry, occupancy grids and planned paths.

use serde::{Deserialize, Serialize};

use super::builtin_interfaces::Time;
use super::geometry_msgs::{Pose, PoseStamped, PoseWithCovariance, TwistWithCovariance};
use super::std_msgs::Header;
use crate::ros_message;

/// `nav_msgs/msg/Odometry`: pose in `header.frame_id`, twist in `child_frame_id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Odometry {
    /// Stamp and the pose's frame (usually `odom`).
    pub header: Header,
    /// The twist's frame (usually `base_link`).
    pub child_frame_id: String,
    /// Estimated pose.
    pub pose: PoseWithCovariance,
    /// Estimated velocity in the body frame.
    pub twist: TwistWithCovariance,
}
ros_message!(Odometry, "nav_msgs/msg/Odometry");

/// `nav_msgs/msg/Path`: a planned path, as Nav2's planner publishes on `/plan`; empty when
/// there is none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Path {
    /// Stamp and the frame of the poses (the map frame).
    pub header: Header,
    /// The poses from the start to the goal.
    pub poses: Vec<PoseStamped>,
}
ros_message!(Path, "nav_msgs/msg/Path");

/// `nav_msgs/msg/MapMetaData`: how grid cells map to the world.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MapMetaData {
    /// When the map was loaded.
    pub map_load_time: Time,
    /// Cell edge length, m.
    pub resolution: f32,
    /// Cells along x.
    pub width: u32,
    /// Cells along y.
    pub height: u32,
    /// Pose of cell (0, 0)'s outer corner in the map frame.
    pub origin: Pose,
}
ros_message!(MapMetaData, "nav_msgs/msg/MapMetaData");

/// `nav_msgs/msg/OccupancyGrid`: row-major cells from the origin, 0 free, 100 occupied, -1 unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OccupancyGrid {
    /// Stamp and map frame.
    pub header: Header,
    /// Geometry of the grid.
    pub info: MapMetaData,
    /// Occupancy per cell, row-major starting at the origin.
    pub data: Vec<i8>,
}
ros_message!(OccupancyGrid, "nav_msgs/msg/OccupancyGrid");

impl OccupancyGrid {
    /// Value of a free cell.
    pub const FREE: i8 = 0;
    /// Value of an occupied cell.
    pub const OCCUPIED: i8 = 100;
    /// Value of a cell nobody knows about.
    pub const UNKNOWN: i8 = -1;

    /// The cell at column `cx`, row `cy`, if inside the grid.
    pub fn cell(&self, cx: i64, cy: i64) -> Option<i8> {
        let (w, h) = (self.info.width as i64, self.info.height as i64);
        if cx < 0 || cy < 0 || cx >= w || cy >= h {
            return None;
        }
        self.data.get((cy * w + cx) as usize).copied()
    }

    /// Column and row of the cell containing map point (x, y); the origin is assumed unrotated.
    pub fn cell_of(&self, x: f64, y: f64) -> (i64, i64) {
        let r = self.info.resolution as f64;
        let o = &self.info.origin.position;
        (
            ((x - o.x) / r).floor() as i64,
            ((y - o.y) / r).floor() as i64,
        )
    }
}
