//! Several robots in one world: each on its own namespaced topics and prefixed frames, each
//! an obstacle to the others' lidars and bodies, robot-robot contacts counted.

use std::sync::Arc;

use embodia_ros::msg::geometry_msgs::Twist;
use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::{Bus, Delivery, QosProfile, Subscription, bus::InProcBus};
use embodia_sim::{Lockstep, SimConfig, SimNode, Simulator, World};

/// An 8 m x 3 m hall with three robots in a row along y = 1.5, all facing +x.
const HALL: &str = r#"
name: hall
size: [8.0, 3.0]
walls:
  - [0.0, 0.0, 8.0, 0.0]
  - [8.0, 0.0, 8.0, 3.0]
  - [8.0, 3.0, 0.0, 3.0]
  - [0.0, 3.0, 0.0, 0.0]
robots:
  - {name: robot1, start: [1.0, 1.5, 0.0]}
  - {name: robot2, start: [3.0, 1.5, 0.0]}
  - {name: robot3, start: [6.0, 0.8, 0.0], radius: 0.25}
"#;

fn noiseless() -> SimConfig {
    let mut c = SimConfig::default();
    c.lidar.noise_std = 0.0;
    c.camera.position_noise_std = 0.0;
    c
}

fn sub<M: embodia_ros::Message>(bus: &InProcBus, topic: &str) -> Subscription<M> {
    bus.subscribe(topic, QosProfile::SENSOR_DATA, Delivery::Queue(10_000))
        .unwrap()
}

fn hall() -> Arc<World> {
    Arc::new(World::parse(HALL, "hall.yaml").unwrap())
}

#[test]
fn each_robot_publishes_in_its_namespace_with_prefixed_frames() {
    let bus = InProcBus::new();
    let scans: Vec<Subscription<LaserScan>> = (1..=3)
        .map(|k| sub(&bus, &format!("/robot{k}/scan")))
        .collect();
    let odoms: Vec<Subscription<Odometry>> = (1..=3)
        .map(|k| sub(&bus, &format!("/robot{k}/odom")))
        .collect();
    let root_scan = sub::<LaserScan>(&bus, "/scan");
    let tf_static = bus
        .subscribe::<TFMessage>("/tf_static", QosProfile::MAP, Delivery::Queue(10))
        .unwrap();
    let _node = SimNode::new(&bus, Simulator::new(hall(), noiseless()).unwrap()).unwrap();
    assert!(
        root_scan.latest().is_none(),
        "a fleet publishes nothing unnamespaced"
    );
    for k in 1..=3 {
        let scan = scans[k - 1].latest().expect("a scan at time zero");
        assert_eq!(scan.header.frame_id, format!("robot{k}/base_scan"));
        let odom = odoms[k - 1].latest().expect("odometry at time zero");
        assert_eq!(odom.header.frame_id, format!("robot{k}/odom"));
        assert_eq!(odom.child_frame_id, format!("robot{k}/base_link"));
    }
    let statics = tf_static.latest().unwrap();
    let pairs: Vec<(String, String)> = statics
        .transforms
        .iter()
        .map(|t| (t.header.frame_id.clone(), t.child_frame_id.clone()))
        .collect();
    for k in 1..=3 {
        assert!(
            pairs.contains(&("map".into(), format!("robot{k}/odom"))),
            "{pairs:?}"
        );
        assert!(
            pairs.contains(&(format!("robot{k}/base_link"), format!("robot{k}/base_scan"))),
            "{pairs:?}"
        );
    }
}

#[test]
fn a_robot_sees_the_others_in_its_lidar() {
    let bus = InProcBus::new();
    let scan1 = sub::<LaserScan>(&bus, "/robot1/scan");
    let _node = SimNode::new(&bus, Simulator::new(hall(), noiseless()).unwrap()).unwrap();
    let scan = scan1.latest().unwrap();
    // The beam straight ahead (angle 0, index 180 of 360 from -pi) meets robot2's rim:
    // 2.0 m between centres less its 0.18 m radius.
    let ahead = scan.ranges[180] as f64;
    assert!((ahead - 1.82).abs() < 1e-3, "ahead {ahead}");
    // Straight behind: the wall face at x = 0.05.
    let behind = scan.ranges[0] as f64;
    assert!((behind - 0.95).abs() < 1e-3, "behind {behind}");
}

#[test]
fn driving_into_another_robot_stops_at_contact_and_counts_a_robot_collision() {
    let bus = InProcBus::new();
    let cmd1 = bus
        .publisher::<Twist>("/robot1/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    let mut node = SimNode::new(&bus, Simulator::new(hall(), noiseless()).unwrap()).unwrap();
    for _ in 0..80 {
        cmd1.publish(&Twist::planar(0.5, 0.0)).unwrap();
        node.run_for(0.1, &mut Lockstep).unwrap();
    }
    let sim = node.sim();
    let (p1, p2) = (sim.pose_of(0), sim.pose_of(1));
    let gap = (p2.position() - p1.position()).norm();
    assert!(
        (0.36 - 1e-6..0.37).contains(&gap),
        "bodies touch, never overlap: gap {gap}"
    );
    let s1 = sim.stats_of(0);
    assert!(s1.robot_collisions >= 1, "{s1:?}");
    assert_eq!(s1.collisions, s1.robot_collisions, "no wall was touched");
    assert!(s1.min_clearance_m > -1e-6, "{s1:?}");
    let s2 = sim.stats_of(1);
    assert_eq!(
        (s2.collisions, s2.distance_m),
        (0, 0.0),
        "robot2 stood still: {s2:?}"
    );
    assert_eq!(sim.pose_of(2).position(), embodia_world::V2::new(6.0, 0.8));
}

#[test]
fn a_lone_robot_world_behaves_as_before_at_the_root() {
    let world = Arc::new(
        World::parse(
            "name: one\nsize: [4.0, 3.0]\nrobot: {start: [1.0, 1.0, 0.0]}\n",
            "one.yaml",
        )
        .unwrap(),
    );
    let sim = Simulator::new(world, SimConfig::default()).unwrap();
    assert_eq!(sim.robot_count(), 1);
    assert_eq!(sim.robot_name(0), None);
    assert_eq!(sim.frames_of(0).base, "base_link");
    assert_eq!(sim.stats().robot_collisions, 0);
}
