//! How many simulated seconds the simulator runs per wall second: one robot in the apartment,
//! 360-beam scans at 10 Hz, odometry and /tf at 50 Hz, /clock at 100 Hz, detections at 5 Hz,
//! with a subscriber on every sensor topic draining it (so bus costs count), driven by a
//! weaving teleop command. Single-threaded, so it uses one core.
//!
//!     cargo bench -p embodia-sim --bench sim_speed
//!
//! Prints a Markdown table for the README.

use std::sync::Arc;
use std::time::Instant;

use embodia_ros::msg::geometry_msgs::Twist;
use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Bus, Delivery, QosProfile, bus::InProcBus};
use embodia_sim::{Lockstep, SimConfig, SimNode, Simulator, World};

const SIM_SECONDS: f64 = 600.0;

struct Row {
    label: &'static str,
    beams: usize,
    sim_per_wall: f64,
    us_per_scan: f64,
}

fn run(label: &'static str, beams: usize) -> Row {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../launch/worlds/apartment.yaml"
    );
    let world = Arc::new(World::load(path).expect("apartment world"));
    let mut config = SimConfig {
        seed: 1,
        ..SimConfig::default()
    };
    config.lidar.beams = beams;
    let bus = InProcBus::new();
    let scans = bus
        .subscribe::<LaserScan>("/scan", QosProfile::SENSOR_DATA, Delivery::Queue(16))
        .unwrap();
    let odom = bus
        .subscribe::<Odometry>("/odom", QosProfile::SENSOR_DATA, Delivery::Queue(16))
        .unwrap();
    let tf = bus
        .subscribe::<TFMessage>("/tf", QosProfile::SENSOR_DATA, Delivery::Queue(16))
        .unwrap();
    let det = bus
        .subscribe::<Detection3DArray>("/detections", QosProfile::SENSOR_DATA, Delivery::Queue(16))
        .unwrap();
    let cmd = bus
        .publisher::<Twist>("/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    let mut node =
        SimNode::new(&bus, Simulator::new(world.clone(), config.clone()).unwrap()).unwrap();

    // Cost of the lidar alone, for the per-scan column.
    let mut probe = Simulator::new(world, config).unwrap();
    let t = Instant::now();
    for _ in 0..2000 {
        std::hint::black_box(probe.scan());
    }
    let us_per_scan = t.elapsed().as_secs_f64() * 1e6 / 2000.0;

    let start = Instant::now();
    let ticks = (SIM_SECONDS * 10.0) as usize;
    let mut consumed = 0usize;
    for k in 0..ticks {
        cmd.publish(&Twist::planar(0.4, (k as f64 * 0.07).sin() * 1.2))
            .unwrap();
        node.run_for(0.1, &mut Lockstep).unwrap();
        consumed += scans.drain().len() + odom.drain().len() + tf.drain().len() + det.drain().len();
    }
    let wall = start.elapsed().as_secs_f64();
    assert!(consumed > 0);
    Row {
        label,
        beams,
        sim_per_wall: SIM_SECONDS / wall,
        us_per_scan,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we do not support.
    let rows = [
        run("apartment, full sensor set", 360),
        run("apartment, full sensor set", 1080),
    ];
    println!(
        "| simulator run ({SIM_SECONDS:.0} sim s, 1 core) | lidar beams | sim s per wall s | lidar sweep |"
    );
    println!("|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {:.0}x real time | {:.1} us |",
            r.label, r.beams, r.sim_per_wall, r.us_per_scan
        );
    }
}
