//! The control loop of a fleet against one robot's: N agents in one process (as `embodia run`
//! runs a fleet, one per robot, each in its namespace, on its own control thread with
//! wall-clock pacing), all navigating. This bench plays the N robots: every round it publishes
//! each robot's odometry and a 360-beam scan at the same instant, and times, per robot, until
//! a `cmd_vel` stamped at or after the scan arrives (a command computed from that scan). The
//! p99 with 3 robots is reported as a ratio to the p99 with 1.
//!
//!     cargo bench -p embodia --bench fleet_latency

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use embodia::Agent;
use embodia::agent::AgentConfig;
use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::{Transform, TransformStamped, TwistStamped};
use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_ros::msg::std_msgs::Header;
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::{Bus, Delivery, Publisher, QosProfile, bus::InProcBus};

const ROUNDS: usize = 1000;

/// One simulated robot of the bench: its sensor publishers and what its agent last commanded.
struct Robot {
    ns: String,
    y: f64,
    odom: Publisher<Odometry>,
    scan: Publisher<LaserScan>,
    agent: Agent,
    /// Nanoseconds from the round's scan to this robot's command, per round.
    latencies: Arc<std::sync::Mutex<Vec<f64>>>,
    receiver: Option<std::thread::JoinHandle<()>>,
}

/// p50, p99 and max of the scan -> gated command latency of every robot of an `n`-robot
/// fleet, microseconds, and how many commands drove forward.
fn run(n: usize) -> (Vec<f64>, usize) {
    let bus = InProcBus::new();
    let epoch = Instant::now();
    let now = move || epoch.elapsed().as_nanos() as i64;
    let _map = support::empty_map(&bus);
    let names: Vec<String> = (1..=n).map(|k| format!("robot{k}")).collect();
    // Where each robot's lidar sits, in its prefixed frames, all on the shared /tf_static.
    let tf_static = bus
        .publisher::<TFMessage>("/tf_static", QosProfile::MAP)
        .unwrap();
    tf_static
        .publish(&TFMessage {
            transforms: names
                .iter()
                .map(|ns| TransformStamped {
                    header: Header::new(Time::default(), format!("{ns}/base_link")),
                    child_frame_id: format!("{ns}/base_scan"),
                    transform: Transform::default(),
                })
                .collect(),
        })
        .unwrap();
    let t_pub = Arc::new(AtomicI64::new(i64::MAX));
    let forward = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut robots: Vec<Robot> = names
        .iter()
        .enumerate()
        .map(|(k, ns)| {
            let mut config = AgentConfig {
                stamped_cmd_vel: true,
                ..AgentConfig::default()
            };
            embodia::names::resolve(
                &mut config,
                &embodia::names::in_namespace(&format!("/{ns}")),
            );
            let cmd = bus
                .subscribe::<TwistStamped>(
                    &config.topics.cmd_vel,
                    QosProfile::DEFAULT,
                    Delivery::Queue(1000),
                )
                .unwrap();
            let agent = support::agent(&bus, config.clone(), Arc::new(now));
            let latencies = Arc::new(std::sync::Mutex::new(Vec::with_capacity(ROUNDS)));
            // Each robot's commands are received on a thread of their own, so one robot's
            // wait never delays the timing of another's.
            let receiver = {
                let (latencies, t_pub, forward, done) = (
                    latencies.clone(),
                    t_pub.clone(),
                    forward.clone(),
                    done.clone(),
                );
                std::thread::spawn(move || {
                    let mut last_round = i64::MIN;
                    loop {
                        // The control loop commands at its own rate too: the flag is checked
                        // after every command, not only when none comes.
                        if done.load(Ordering::SeqCst) {
                            return;
                        }
                        let Some(c) = cmd.recv_timeout(Duration::from_millis(100)) else {
                            continue;
                        };
                        let t = t_pub.load(Ordering::SeqCst);
                        if c.header.stamp.as_nanos() >= t && t != last_round {
                            last_round = t;
                            let mut l = latencies.lock().unwrap();
                            l.push((now() - t) as f64 / 1e3);
                            forward
                                .fetch_add(usize::from(c.twist.linear.x > 0.1), Ordering::Relaxed);
                            if l.len() >= ROUNDS {
                                return;
                            }
                        }
                    }
                })
            };
            Robot {
                odom: bus
                    .publisher(&config.perception.topics.odom, QosProfile::SENSOR_DATA)
                    .unwrap(),
                scan: bus
                    .publisher(&config.perception.topics.scan, QosProfile::SENSOR_DATA)
                    .unwrap(),
                ns: ns.clone(),
                y: 4.0 + 3.0 * k as f64,
                agent,
                latencies,
                receiver: Some(receiver),
            }
        })
        .collect();
    let publish_odom = |r: &Robot| {
        r.odom
            .publish(&support::odometry(
                now(),
                (&format!("{}/odom", r.ns), &format!("{}/base_link", r.ns)),
                (5.0, r.y),
                (0.3, 0.0),
            ))
            .unwrap();
    };
    for r in &robots {
        publish_odom(r);
        r.agent.submit(&format!("go to 15, {}", r.y));
    }
    std::thread::sleep(Duration::from_millis(300));
    eprintln!("{n} robots: agents started, timing {ROUNDS} rounds");
    for _ in 0..ROUNDS {
        for r in &robots {
            publish_odom(r);
        }
        let t = now();
        t_pub.store(t, Ordering::SeqCst);
        for r in &robots {
            r.scan
                .publish(&support::scan(t, &format!("{}/base_scan", r.ns)))
                .unwrap();
        }
        // A 10 Hz lidar's pace, shortened: every robot has answered well within it.
        std::thread::sleep(Duration::from_millis(8));
    }
    std::thread::sleep(Duration::from_millis(200));
    done.store(true, Ordering::SeqCst);
    eprintln!("{n} robots: rounds done");
    let mut all = Vec::new();
    for r in &mut robots {
        if let Some(h) = r.receiver.take() {
            h.join().unwrap();
        }
        all.extend(r.latencies.lock().unwrap().iter().copied());
    }
    for r in robots {
        r.agent.shutdown();
    }
    all.sort_by(f64::total_cmp);
    (all, forward.load(Ordering::Relaxed))
}

fn main() {
    let p = |lat: &[f64], q: f64| lat[((lat.len() - 1) as f64 * q).round() as usize];
    println!("| robots | scans timed | p50 | p99 | max | commands driving forward |");
    println!("|---|---|---|---|---|---|");
    let mut p99 = Vec::new();
    for n in [1, 3] {
        let (lat, forward) = run(n);
        println!(
            "| {n} | {} | {:.0} us | {:.0} us | {:.0} us | {forward} |",
            lat.len(),
            p(&lat, 0.5),
            p(&lat, 0.99),
            lat[lat.len() - 1]
        );
        assert!(
            forward * 10 >= lat.len() * 9,
            "every agent's navigate_to drove for at least 90% of the samples"
        );
        p99.push(p(&lat, 0.99));
    }
    println!(
        "\ncontrol loop p99 with 3 robots / 1 robot: {:.2}",
        p99[1] / p99[0]
    );
}
