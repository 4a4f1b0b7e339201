//! The control loop of a fleet against one robot's: N agents in one process (as `embodia run`
//! runs a fleet, one per robot, each in its namespace, on its own control thread with
//! wall-clock pacing), all navigating. This bench plays the N robots: every round it publishes
//! each robot's odometry and a 360-beam scan, and times, per robot, until a `cmd_vel` stamped
//! at or after that robot's scan arrives (a command computed from that scan). Each p99 is
//! reported as a ratio to the p99 with 1 robot.
//!
//! Four fleets, to tell what any extra latency is: 1 robot; 2 robots with their scans at the
//! same instant (two control threads on a 2-core machine: anything shared between agents —
//! a lock, the bus, the allocator — would show here); 3 robots with their scans at the same
//! instant (three control threads ready at once on 2 cores: one waits for a core); 3 robots
//! with their scans at independent phases, a third of the round apart (real robots' lidars
//! are not synchronised). For the all-at-once fleets it also reports, per round, the first
//! and the last robot's latency: a last robot behind the first by about one tick's work is a
//! robot waiting for a core, not for a lock.
//!
//! The bench's own threads — the one publishing the scans (each robot's lidar driver) and
//! those receiving the commands — run under SCHED_FIFO above the control threads (when the
//! process may: root or CAP_SYS_NICE), as a robot's drivers are processes of their own: a
//! control thread woken by the first scan must not hold back the publishing of the next
//! robot's scan, nor a finished robot's command wait to be received behind another robot's
//! tick. Besides end to end (scan published -> command received) the table shows the control
//! thread's own reaction (scan published -> the tick that used it started, from the command's
//! stamp).
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
/// One round: a 10 Hz lidar's period, shortened; every robot has answered well within it.
const ROUND: Duration = Duration::from_millis(8);

/// When the robots' scans are published within a round.
#[derive(Clone, Copy, PartialEq)]
enum Phases {
    /// All at the same instant.
    Together,
    /// Robot k at k/N of the round.
    Spread,
}

/// One simulated robot of the bench: its sensor publishers and what its agent last commanded.
struct Robot {
    ns: String,
    y: f64,
    odom: Publisher<Odometry>,
    scan: Publisher<LaserScan>,
    agent: Agent,
    /// When this robot's scan of the round was published, ns.
    t_pub: Arc<AtomicI64>,
    /// Per round: when its scan was published (ns), microseconds to this robot's command
    /// received, and to the start of the tick that computed it (the command's stamp).
    latencies: Arc<std::sync::Mutex<Vec<(i64, f64, f64)>>>,
    receiver: Option<std::thread::JoinHandle<()>>,
}

/// What one fleet measured.
struct Measured {
    /// Every robot's scan -> gated command latency, us, sorted.
    all: Vec<f64>,
    /// Every robot's scan -> start of the tick that used it, us, sorted.
    reaction: Vec<f64>,
    /// Per round with every robot timed: the first and the last robot's latency, us.
    first_last: Vec<(f64, f64)>,
    /// Commands that drove forward.
    forward: usize,
}

/// The scan -> gated command latency of every robot of an `n`-robot fleet.
fn run(n: usize, phases: Phases) -> Measured {
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
            let t_pub = Arc::new(AtomicI64::new(i64::MAX));
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
                    above_control();
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
                            let stamp = c.header.stamp.as_nanos();
                            l.push((t, (now() - t) as f64 / 1e3, (stamp - t) as f64 / 1e3));
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
                t_pub,
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
    let scans: Vec<_> = robots
        .iter()
        .map(|r| support::scan(0, &format!("{}/base_scan", r.ns)))
        .collect();
    let publish_scan = |r: &Robot, scan: &LaserScan, t: i64| {
        let mut scan = scan.clone();
        scan.header.stamp = Time::from_nanos(t);
        r.t_pub.store(t, Ordering::SeqCst);
        r.scan.publish(&scan).unwrap();
    };
    // The lidar drivers: a thread of their own, above the control threads.
    std::thread::scope(|scope| {
        scope.spawn(|| {
            if !above_control() {
                eprintln!("the bench's threads run at normal priority (no SCHED_FIFO)");
            }
            for _ in 0..ROUNDS {
                for r in &robots {
                    publish_odom(r);
                }
                match phases {
                    Phases::Together => {
                        let t = now();
                        for (r, scan) in robots.iter().zip(&scans) {
                            publish_scan(r, scan, t);
                        }
                        std::thread::sleep(ROUND);
                    }
                    Phases::Spread => {
                        for (r, scan) in robots.iter().zip(&scans) {
                            publish_scan(r, scan, now());
                            std::thread::sleep(ROUND / n as u32);
                        }
                    }
                }
            }
        });
    });
    std::thread::sleep(Duration::from_millis(200));
    done.store(true, Ordering::SeqCst);
    eprintln!("{n} robots: rounds done");
    let mut rounds: std::collections::BTreeMap<i64, Vec<f64>> = Default::default();
    let mut reaction = Vec::new();
    for r in &mut robots {
        if let Some(h) = r.receiver.take() {
            h.join().unwrap();
        }
        for &(t, l, react) in r.latencies.lock().unwrap().iter() {
            rounds.entry(t).or_default().push(l);
            reaction.push(react);
        }
    }
    reaction.sort_by(f64::total_cmp);
    for r in robots {
        r.agent.shutdown();
    }
    let mut all: Vec<f64> = rounds.values().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let first_last = rounds
        .values()
        .filter(|l| l.len() == n && n > 1)
        .map(|l| {
            let (lo, hi) = l
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            (lo, hi)
        })
        .collect();
    Measured {
        all,
        reaction,
        first_last,
        forward: forward.load(Ordering::Relaxed),
    }
}

/// Runs the calling thread under SCHED_FIFO above the agents' control threads; false when
/// the process may not.
fn above_control() -> bool {
    use thread_priority::{
        RealtimeThreadSchedulePolicy, ThreadPriority, ThreadPriorityValue, ThreadSchedulePolicy,
        set_thread_priority_and_policy, thread_native_id,
    };
    ThreadPriorityValue::try_from(60u8).is_ok_and(|p| {
        set_thread_priority_and_policy(
            thread_native_id(),
            ThreadPriority::Crossplatform(p),
            ThreadSchedulePolicy::Realtime(RealtimeThreadSchedulePolicy::Fifo),
        )
        .is_ok()
    })
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let p = percentile;
    println!(
        "| robots | scans | timed | p50 | p99 | max | p99 / 1 robot | reaction p50 / p99 | per round: first p50 / p99, last p50 / p99 | commands driving forward |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    // A first fleet warms the process up (page faults, caches, the CPU's clock); not shown.
    run(1, Phases::Together);
    let mut one_p99 = None;
    for (n, phases) in [
        (1, Phases::Together),
        (2, Phases::Together),
        (3, Phases::Together),
        (3, Phases::Spread),
    ] {
        let m = run(n, phases);
        let lat = &m.all;
        let p99 = p(lat, 0.99);
        let one = *one_p99.get_or_insert(p99);
        let first_last = if m.first_last.is_empty() {
            "—".to_owned()
        } else {
            let mut first: Vec<f64> = m.first_last.iter().map(|f| f.0).collect();
            let mut last: Vec<f64> = m.first_last.iter().map(|f| f.1).collect();
            first.sort_by(f64::total_cmp);
            last.sort_by(f64::total_cmp);
            format!(
                "{:.0} / {:.0} us, {:.0} / {:.0} us",
                p(&first, 0.5),
                p(&first, 0.99),
                p(&last, 0.5),
                p(&last, 0.99)
            )
        };
        let scans = match phases {
            _ if n == 1 => "—",
            Phases::Together => "at once",
            Phases::Spread => "independent phases",
        };
        println!(
            "| {n} | {scans} | {} | {:.0} us | {p99:.0} us | {:.0} us | {:.2} | {:.0} / {:.0} us | {first_last} | {} |",
            lat.len(),
            p(lat, 0.5),
            lat[lat.len() - 1],
            p99 / one,
            p(&m.reaction, 0.5),
            p(&m.reaction, 0.99),
            m.forward
        );
        assert!(
            m.forward * 10 >= lat.len() * 9,
            "every agent's navigate_to drove for at least 90% of the samples"
        );
    }
}
