//! What the latency benches set up alike.

use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::nav_msgs::{MapMetaData, OccupancyGrid};
use embodia_ros::msg::std_msgs::Header;
use embodia_ros::{Bus, Publisher, QosProfile, bus::InProcBus};

/// Publishes an empty 20 x 20 m `/map` (5 cm cells) and returns its publisher, which must be
/// kept for the map to stay latched.
pub fn empty_map(bus: &InProcBus) -> Publisher<OccupancyGrid> {
    let map = bus
        .publisher::<OccupancyGrid>("/map", QosProfile::MAP)
        .unwrap();
    map.publish(&OccupancyGrid {
        header: Header::new(Time::default(), "map"),
        info: MapMetaData {
            resolution: 0.05,
            width: 400,
            height: 400,
            ..Default::default()
        },
        data: vec![0; 160_000],
    })
    .unwrap();
    map
}

/// The bench lidar's 360-beam scan stamped `t_ns` in `frame`: walls 5.5 to 6.5 m all round.
pub fn scan(t_ns: i64, frame: &str) -> embodia_ros::msg::sensor_msgs::LaserScan {
    let inc = std::f32::consts::TAU / 360.0;
    embodia_ros::msg::sensor_msgs::LaserScan {
        header: Header::new(Time::from_nanos(t_ns), frame),
        angle_min: -std::f32::consts::PI,
        angle_max: -std::f32::consts::PI + inc * 359.0,
        angle_increment: inc,
        time_increment: 0.0,
        scan_time: 0.1,
        range_min: 0.12,
        range_max: 12.0,
        ranges: (0..360)
            .map(|i| 6.0 + 0.5 * (i as f32 * 0.1).sin())
            .collect(),
        intensities: vec![],
    }
}

/// Odometry stamped `t_ns` in `odom_frame` for `base_frame`: standing at (x, y) facing +x,
/// moving at (v, w).
pub fn odometry(
    t_ns: i64,
    (odom_frame, base_frame): (&str, &str),
    (x, y): (f64, f64),
    (v, w): (f64, f64),
) -> embodia_ros::msg::nav_msgs::Odometry {
    use embodia_ros::msg::geometry_msgs::{Pose, PoseWithCovariance, Twist, TwistWithCovariance};
    embodia_ros::msg::nav_msgs::Odometry {
        header: Header::new(Time::from_nanos(t_ns), odom_frame),
        child_frame_id: base_frame.into(),
        pose: PoseWithCovariance {
            pose: Pose::planar(x, y, 0.0),
            covariance: [0.0; 36],
        },
        twist: TwistWithCovariance {
            twist: Twist::planar(v, w),
            covariance: [0.0; 36],
        },
    }
}

/// An agent on `bus` with the rule planner and no memory, paced by the wall clock `now` (as on
/// a robot: its own control thread).
pub fn agent(
    bus: &InProcBus,
    config: embodia::AgentConfig,
    now: std::sync::Arc<dyn Fn() -> i64 + Send + Sync>,
) -> embodia::Agent {
    embodia::Agent::start(
        bus,
        std::sync::Arc::new(embodia_perception::SemanticMap::default()),
        std::sync::Arc::new(embodia::RulePlanner::default()),
        None,
        config,
        embodia::Pacing::WallClock(now),
    )
    .unwrap()
}
