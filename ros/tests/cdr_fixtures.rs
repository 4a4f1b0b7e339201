//! Every message type against CDR bytes made by an independent encoder (`rosbags`, see
//! `fixtures/make_cdr_fixtures.py`): our decoding of the bytes equals the values the encoder
//! was given, and our encoding of those values equals the bytes exactly.

use std::path::PathBuf;

use embodia_ros::msg::{
    builtin_interfaces, geometry_msgs, nav_msgs, rosgraph_msgs, sensor_msgs, std_msgs, tf2_msgs,
    vision_msgs,
};
use embodia_ros::{Message, cdr};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cdr")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stem<M: Message>() -> String {
    M::TYPE_NAME.replace("/msg/", "__")
}

fn check<M: Message + PartialEq + std::fmt::Debug>() {
    let bytes = fixture(&format!("{}.cdr", stem::<M>()));
    let json = fixture(&format!("{}.json", stem::<M>()));
    let expected: M = serde_json::from_slice(&json).unwrap_or_else(|e| {
        panic!(
            "{}: fixture JSON does not fit the struct: {e}",
            M::TYPE_NAME
        )
    });
    let decoded: M = cdr::decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(decoded, expected, "{} decodes differently", M::TYPE_NAME);
    let encoded = cdr::encode(&expected).unwrap();
    assert_eq!(encoded, bytes, "{} encodes differently", M::TYPE_NAME);
}

macro_rules! fixture_tests {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(#[test] fn $name() { check::<$ty>(); })*

        #[test]
        fn every_fixture_on_disk_is_tested() {
            let tested = [$(stem::<$ty>()),*];
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cdr");
            for entry in std::fs::read_dir(dir).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                let base = name.split('.').next().unwrap().to_owned();
                assert!(tested.contains(&base), "fixture {name} has no test");
            }
            assert_eq!(tested.len(), 30);
        }
    };
}

fixture_tests! {
    time: builtin_interfaces::Time,
    duration: builtin_interfaces::Duration,
    header: std_msgs::Header,
    string: std_msgs::String,
    bool_: std_msgs::Bool,
    vector3: geometry_msgs::Vector3,
    point: geometry_msgs::Point,
    quaternion: geometry_msgs::Quaternion,
    pose: geometry_msgs::Pose,
    pose_stamped: geometry_msgs::PoseStamped,
    pose_with_covariance: geometry_msgs::PoseWithCovariance,
    twist: geometry_msgs::Twist,
    twist_stamped: geometry_msgs::TwistStamped,
    twist_with_covariance: geometry_msgs::TwistWithCovariance,
    transform: geometry_msgs::Transform,
    transform_stamped: geometry_msgs::TransformStamped,
    laser_scan: sensor_msgs::LaserScan,
    imu: sensor_msgs::Imu,
    battery_state: sensor_msgs::BatteryState,
    image: sensor_msgs::Image,
    odometry: nav_msgs::Odometry,
    map_meta_data: nav_msgs::MapMetaData,
    occupancy_grid: nav_msgs::OccupancyGrid,
    clock: rosgraph_msgs::Clock,
    tf_message: tf2_msgs::TFMessage,
    object_hypothesis: vision_msgs::ObjectHypothesis,
    object_hypothesis_with_pose: vision_msgs::ObjectHypothesisWithPose,
    bounding_box_3d: vision_msgs::BoundingBox3D,
    detection_3d: vision_msgs::Detection3D,
    detection_3d_array: vision_msgs::Detection3DArray,
}

#[test]
fn big_endian_payload_decodes_to_the_same_scan() {
    let le: sensor_msgs::LaserScan = cdr::decode(&fixture("sensor_msgs__LaserScan.cdr")).unwrap();
    let be: sensor_msgs::LaserScan =
        cdr::decode(&fixture("sensor_msgs__LaserScan.be.cdr")).unwrap();
    assert_eq!(le, be);
}
