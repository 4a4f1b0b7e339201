//! The simulator as an agent sees it: through topics on the in-process bus.

use std::sync::Arc;

use embodia_ros::msg::geometry_msgs::{Twist, TwistStamped};
use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry};
use embodia_ros::msg::rosgraph_msgs::Clock;
use embodia_ros::msg::sensor_msgs::{BatteryState, LaserScan};
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Bus, Delivery, QosProfile, Subscription, bus::InProcBus};
use embodia_sim::{Lockstep, SimConfig, SimNode, Simulator, World};

/// A 4 m x 3 m room; inner wall faces at x = 0.05, 3.95 and y = 0.05, 2.95.
const BOX: &str = r#"
name: box
size: [4.0, 3.0]
walls:
  - [0.0, 0.0, 4.0, 0.0]
  - [4.0, 0.0, 4.0, 3.0]
  - [4.0, 3.0, 0.0, 3.0]
  - [0.0, 3.0, 0.0, 0.0]
robot: {start: [1.3, 1.1, 0.4], radius: 0.18}
"#;

fn node(world: &str, config: SimConfig) -> (InProcBus, SimNode) {
    let bus = InProcBus::new();
    let world = Arc::new(World::parse(world, "test.yaml").unwrap());
    let node = SimNode::new(&bus, Simulator::new(world, config).unwrap()).unwrap();
    (bus, node)
}

fn sub<M: embodia_ros::Message>(bus: &InProcBus, topic: &str) -> Subscription<M> {
    bus.subscribe(topic, QosProfile::SENSOR_DATA, Delivery::Queue(10_000))
        .unwrap()
}

fn noiseless() -> SimConfig {
    let mut c = SimConfig::default();
    c.lidar.noise_std = 0.0;
    c.camera.position_noise_std = 0.0;
    c
}

#[test]
fn lidar_ranges_equal_analytic_distances_to_the_box_walls() {
    let bus = InProcBus::new();
    let scans = sub::<LaserScan>(&bus, "/scan");
    let world = Arc::new(World::parse(BOX, "box").unwrap());
    let _node = SimNode::new(&bus, Simulator::new(world, noiseless()).unwrap()).unwrap();
    let scan = scans.latest().expect("a scan at time zero");
    assert_eq!(scan.ranges.len(), 360);
    assert_eq!(scan.header.frame_id, "base_scan");
    let (x, y, yaw) = (1.3_f64, 1.1_f64, 0.4_f64);
    for (i, r) in scan.ranges.iter().enumerate() {
        let a = yaw + scan.angle_min as f64 + i as f64 * scan.angle_increment as f64;
        let (c, s) = (a.cos(), a.sin());
        let tx = if c > 1e-12 {
            (3.95 - x) / c
        } else if c < -1e-12 {
            (0.05 - x) / c
        } else {
            f64::INFINITY
        };
        let ty = if s > 1e-12 {
            (2.95 - y) / s
        } else if s < -1e-12 {
            (0.05 - y) / s
        } else {
            f64::INFINITY
        };
        let expected = tx.min(ty);
        assert!(
            (*r as f64 - expected).abs() < 1e-4,
            "beam {i}: {r} vs {expected}"
        );
    }
}

#[test]
fn lidar_noise_has_the_configured_spread() {
    // The robot stands still, so every noisy sweep is the noiseless sweep plus noise.
    let clean = {
        let bus = InProcBus::new();
        let scans = sub::<LaserScan>(&bus, "/scan");
        let world = Arc::new(World::parse(BOX, "box").unwrap());
        let _node = SimNode::new(&bus, Simulator::new(world, noiseless()).unwrap()).unwrap();
        scans.latest().unwrap()
    };
    let mut config = SimConfig::default();
    config.lidar.noise_std = 0.02;
    let (bus, mut node) = node(BOX, config);
    let scans = sub::<LaserScan>(&bus, "/scan");
    node.run_for(10.0, &mut Lockstep).unwrap();
    let all = scans.drain();
    assert_eq!(all.len(), 100, "10 Hz for 10 s");
    let diffs: Vec<f64> = all
        .iter()
        .flat_map(|s| {
            s.ranges
                .iter()
                .zip(&clean.ranges)
                .map(|(a, b)| (*a - *b) as f64)
        })
        .collect();
    let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
    let std = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / diffs.len() as f64).sqrt();
    assert!(mean.abs() < 0.002, "mean {mean}");
    assert!((std - 0.02).abs() < 0.002, "std {std}");
}

#[test]
fn driving_into_a_wall_stops_at_contact_and_counts_one_collision() {
    let (bus, mut node) = node(BOX, noiseless());
    let cmd = bus
        .publisher::<Twist>("/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    let odom = sub::<Odometry>(&bus, "/odom");
    // Facing 0.4 rad, the robot reaches the top or right wall well within 20 s.
    for _ in 0..200 {
        cmd.publish(&Twist::planar(0.5, 0.0)).unwrap();
        node.run_for(0.1, &mut Lockstep).unwrap();
    }
    let stats = node.sim().stats();
    assert_eq!(stats.collisions, 1);
    assert!(
        stats.min_clearance_m.abs() < 1e-3,
        "touching, not inside: {}",
        stats.min_clearance_m
    );
    let last = odom.drain().pop().unwrap();
    assert_eq!(last.twist.twist.linear.x, 0.0, "stopped");
    assert!(stats.max_speed_mps <= 0.5 + 1e-9);
}

#[test]
fn straight_metre_takes_the_ramp_plus_two_seconds_over_the_bus() {
    let world = BOX.replace("start: [1.3, 1.1, 0.4]", "start: [0.5, 1.5, 0.0]");
    let (bus, mut node) = node(&world, noiseless());
    let cmd = bus
        .publisher::<Twist>("/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    let mut t = 0.0;
    while node.sim().pose().x < 1.5 {
        cmd.publish(&Twist::planar(0.5, 0.0)).unwrap();
        node.step().unwrap();
        t += node.sim().dt();
        assert!(t < 10.0);
    }
    assert!((t - 2.25_f64).abs() <= 0.011, "took {t} s");
}

/// Odometry (x, y, v) and scan ranges as raw bits, so equality means bit-for-bit equality.
type OdomBits = Vec<(u64, u64, u64)>;
type ScanBits = Vec<Vec<u32>>;

fn trajectory(seed: u64) -> (OdomBits, ScanBits) {
    let mut config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    config.odom_twist_noise_std = 0.01;
    let world = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../launch/worlds/apartment.yaml"
    ))
    .unwrap();
    let (bus, mut node) = node(&world, config);
    let cmd = bus
        .publisher::<Twist>("/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    let odom = sub::<Odometry>(&bus, "/odom");
    let scans = sub::<LaserScan>(&bus, "/scan");
    for k in 0..300 {
        cmd.publish(&Twist::planar(0.4, ((k as f64) * 0.05).sin()))
            .unwrap();
        node.run_for(0.1, &mut Lockstep).unwrap();
    }
    let poses = odom
        .drain()
        .iter()
        .map(|o| {
            let p = &o.pose.pose.position;
            (
                p.x.to_bits(),
                p.y.to_bits(),
                o.twist.twist.linear.x.to_bits(),
            )
        })
        .collect();
    let ranges = scans
        .drain()
        .iter()
        .map(|s| s.ranges.iter().map(|r| r.to_bits()).collect())
        .collect();
    (poses, ranges)
}

#[test]
fn same_seed_same_trajectory_bit_for_bit() {
    let a = trajectory(7);
    let b = trajectory(7);
    assert_eq!(a.0.len(), 1500, "30 s of odometry at 50 Hz");
    assert!(a == b, "two runs with seed 7 differ");
    let c = trajectory(8);
    assert_eq!(
        a.0.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        c.0.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        "the ground-truth path does not depend on sensor noise"
    );
    assert!(a.1 != c.1, "another seed gives other sensor noise");
}

const ROOMS: &str = r#"
name: rooms
size: [6.0, 3.0]
walls:
  - [3.0, 0.0, 3.0, 3.0]
objects:
  - {name: red cup, class: cup, at: [2.0, 1.5], size: 0.1, solid: false}
  - {name: blue cup, class: cup, at: [4.0, 1.5], size: 0.1, solid: false}
  - {name: book, class: book, at: [0.3, 1.5]}
  - {name: plant, class: plant, at: [1.0, 2.8]}
robot: {start: [1.0, 1.5, 0.0], radius: 0.18}
"#;

#[test]
fn detector_reports_objects_in_view_and_in_line_of_sight_only() {
    let bus = InProcBus::new();
    let det = sub::<Detection3DArray>(&bus, "/detections");
    let world = Arc::new(World::parse(ROOMS, "rooms").unwrap());
    let _node = SimNode::new(&bus, Simulator::new(world, noiseless()).unwrap()).unwrap();
    let d = det.latest().unwrap();
    let names: Vec<&str> = d.detections.iter().map(|d| d.id.as_str()).collect();
    // blue cup: behind the wall. book: behind the robot. plant: 61 degrees off the heading,
    // outside the 90-degree field of view.
    assert_eq!(names, ["red cup"]);
    let cup = &d.detections[0];
    assert_eq!(cup.results[0].hypothesis.class_id, "cup");
    assert_eq!(cup.header.frame_id, "base_link");
    let p = cup.results[0].pose.pose.position;
    assert!(
        (p.x - 1.0).abs() < 1e-9 && p.y.abs() < 1e-9,
        "relative position {p:?}"
    );
}

#[test]
fn a_stale_command_times_out_to_zero_velocity() {
    let (bus, mut node) = node(BOX, noiseless());
    let cmd = bus
        .publisher::<Twist>("/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    cmd.publish(&Twist::planar(0.0, 1.0)).unwrap();
    node.run_for(0.4, &mut Lockstep).unwrap();
    assert!(node.sim().velocity().1 > 0.9);
    node.run_for(1.0, &mut Lockstep).unwrap();
    assert_eq!(node.sim().velocity().1, 0.0);
}

#[test]
fn map_and_static_transforms_are_latched_for_late_subscribers() {
    let (bus, mut node) = node(BOX, noiseless());
    node.run_for(1.0, &mut Lockstep).unwrap();
    let map = bus
        .subscribe::<OccupancyGrid>("/map", QosProfile::MAP, Delivery::Latest)
        .unwrap();
    let m = map.latest().expect("latched map");
    assert_eq!((m.info.width, m.info.height), (80, 60));
    assert_eq!(m.header.frame_id, "map");
    let tf = bus
        .subscribe::<TFMessage>("/tf_static", QosProfile::MAP, Delivery::Latest)
        .unwrap();
    let frames: Vec<_> = tf
        .latest()
        .unwrap()
        .transforms
        .iter()
        .map(|t| t.child_frame_id.clone())
        .collect();
    assert_eq!(frames, ["odom", "base_scan"]);
}

#[test]
fn topics_come_at_their_rates_in_simulated_time() {
    let (bus, mut node) = node(BOX, noiseless());
    let clock = sub::<Clock>(&bus, "/clock");
    let odom = sub::<Odometry>(&bus, "/odom");
    let scan = sub::<LaserScan>(&bus, "/scan");
    let tf = sub::<TFMessage>(&bus, "/tf");
    let bat = sub::<BatteryState>(&bus, "/battery_state");
    node.run_for(2.0, &mut Lockstep).unwrap();
    assert_eq!(clock.drain().len(), 200);
    assert_eq!(odom.drain().len(), 100);
    assert_eq!(tf.drain().len(), 100);
    assert_eq!(scan.drain().len(), 20);
    let b = bat.drain();
    assert_eq!(b.len(), 2);
    assert!(b[1].percentage < 1.0 && b[1].percentage > 0.99);
    assert_eq!(node.sim().stamp().sec, 2);
}

#[test]
fn stamped_cmd_vel_is_obeyed_when_configured() {
    let config = SimConfig {
        stamped_cmd_vel: true,
        ..noiseless()
    };
    let (bus, mut node) = node(BOX, config);
    let cmd = bus
        .publisher::<TwistStamped>("/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    cmd.publish(&TwistStamped {
        twist: Twist::planar(0.0, 1.0),
        ..Default::default()
    })
    .unwrap();
    node.run_for(0.3, &mut Lockstep).unwrap();
    assert!(node.sim().velocity().1 > 0.5);
}

#[test]
fn rates_that_do_not_divide_the_physics_rate_are_refused() {
    let world = Arc::new(World::parse(BOX, "box").unwrap());
    let e = Simulator::new(
        world,
        SimConfig {
            scan_hz: 7,
            ..SimConfig::default()
        },
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("scan_hz"), "{e}");
}
