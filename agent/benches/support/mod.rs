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
