//! Two ROS 2 nodes on the DDS backend, loopback only, in one process. These open DDS sockets,
//! so they are ignored in a plain `cargo test`; `scripts/dds-tests.sh` runs them inside a fresh
//! network namespace (only `lo`, nothing can leave the machine).
#![cfg(feature = "dds")]

use std::time::{Duration, Instant};

use embodia_ros::bus::dds::{DdsBus, DdsOptions};
use embodia_ros::msg::geometry_msgs::Twist;
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_ros::{Bus, Delivery, QosProfile};

const DOMAIN: u16 = 37;

fn scan(i: usize) -> LaserScan {
    LaserScan {
        angle_min: -std::f32::consts::PI,
        angle_max: std::f32::consts::PI - 0.0174533,
        angle_increment: 0.0174533,
        range_min: 0.12,
        range_max: 12.0,
        ranges: (0..360).map(|k| 1.0 + (k + i) as f32 * 0.01).collect(),
        ..Default::default()
    }
}

#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn two_nodes_exchange_commands_and_scans_over_loopback() {
    let a = DdsBus::new(&DdsOptions::loopback("embodia_test_a", DOMAIN)).unwrap();
    let b = DdsBus::new(&DdsOptions::loopback("embodia_test_b", DOMAIN)).unwrap();
    let cmd_in = b
        .subscribe::<Twist>("/cmd_vel", QosProfile::DEFAULT, Delivery::Queue(1000))
        .unwrap();
    let scan_in = b
        .subscribe::<LaserScan>("/scan", QosProfile::SENSOR_DATA, Delivery::Latest)
        .unwrap();
    // A reliable subscription never matches a best-effort publisher (DDS's rule).
    let mismatched = b
        .subscribe::<LaserScan>("/scan_reliable_only", QosProfile::DEFAULT, Delivery::Latest)
        .unwrap();
    let cmd_out = a
        .publisher::<Twist>("/cmd_vel", QosProfile::DEFAULT)
        .unwrap();
    let scan_out = a
        .publisher::<LaserScan>("/scan", QosProfile::SENSOR_DATA)
        .unwrap();
    let best_effort_out = a
        .publisher::<LaserScan>("/scan_reliable_only", QosProfile::SENSOR_DATA)
        .unwrap();

    // Bounded in count and time: at most 200 rounds, at most 20 s.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut sent = 0;
    let mut last_scan = None;
    while sent < 200 && Instant::now() < deadline {
        cmd_out
            .publish(&Twist::planar(sent as f64 * 0.01, 0.5))
            .unwrap();
        scan_out.publish(&scan(sent)).unwrap();
        best_effort_out.publish(&scan(sent)).unwrap();
        sent += 1;
        std::thread::sleep(Duration::from_millis(50));
        if let Some(s) = scan_in.latest() {
            last_scan = Some(s);
        }
        if cmd_in.received() >= 20 && last_scan.is_some() {
            break;
        }
    }
    let cmds = cmd_in.drain();
    assert!(
        cmds.len() >= 20,
        "received {} of {sent} commands",
        cmds.len()
    );
    assert!(
        cmds.windows(2).all(|w| w[1].linear.x > w[0].linear.x),
        "reliable, in order"
    );
    assert_eq!(cmds[0].angular.z, 0.5);
    let s = last_scan.expect("a scan arrived");
    assert_eq!(s.ranges.len(), 360);
    assert!((s.ranges[0] - 1.0).abs() < 2.0);
    assert!(
        mismatched.try_recv().is_none(),
        "best effort must not reach a reliable subscription"
    );
}
