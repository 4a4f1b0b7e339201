//! One robot played by a bench against a real agent: the agent runs with wall-clock pacing on
//! its own control thread (as on a robot), navigating across an empty map; the bench publishes
//! odometry (echoing the last command), a 360-beam scan and a detection message (the camera
//! looked and saw nothing: perception marks the cone it covered as seen), and times until a
//! `/cmd_vel` stamped at or after the scan arrives — a command computed from that scan.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use embodia::Agent;
use embodia::agent::AgentConfig;
use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::{Transform, TransformStamped, TwistStamped};
use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry};
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_ros::msg::std_msgs::Header;
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Bus, Delivery, Publisher, QosProfile, Subscription, bus::InProcBus};

/// The robot, its agent and what the agent last commanded.
pub struct Rig {
    /// The bus the agent and the robot share (tap it to record).
    #[allow(dead_code)] // read by the benches that attach a recorder
    pub bus: InProcBus,
    /// The agent's settings (stamped `/cmd_vel`, the default topics).
    #[allow(dead_code)] // read by the benches that attach a recorder
    pub config: AgentConfig,
    /// The agent.
    pub agent: Agent,
    /// Nanoseconds since the rig started: the agent's clock.
    pub now: Arc<dyn Fn() -> i64 + Send + Sync>,
    odom: Publisher<Odometry>,
    scan: Publisher<LaserScan>,
    detections: Publisher<Detection3DArray>,
    cmd: Subscription<TwistStamped>,
    _map: Publisher<OccupancyGrid>,
    _tf_static: Publisher<TFMessage>,
    last: (f64, f64),
    /// Commands measured, and how many of them drove forward (the skill was navigating).
    pub driving: (usize, usize),
}

impl Rig {
    /// The agent started and navigating toward (15, 10) from (5, 10).
    pub fn start() -> Self {
        let bus = InProcBus::new();
        let epoch = Instant::now();
        let now: Arc<dyn Fn() -> i64 + Send + Sync> =
            Arc::new(move || epoch.elapsed().as_nanos() as i64);
        let map = crate::support::empty_map(&bus);
        // Where the lidar sits (without it perception drops every scan as unplaced).
        let tf_static = bus
            .publisher::<TFMessage>("/tf_static", QosProfile::MAP)
            .unwrap();
        tf_static
            .publish(&TFMessage {
                transforms: vec![TransformStamped {
                    header: Header::new(Time::default(), "base_link"),
                    child_frame_id: "base_scan".into(),
                    transform: Transform::default(),
                }],
            })
            .unwrap();
        let odom = bus
            .publisher::<Odometry>("/odom", QosProfile::SENSOR_DATA)
            .unwrap();
        let scan = bus
            .publisher::<LaserScan>("/scan", QosProfile::SENSOR_DATA)
            .unwrap();
        let detections = bus
            .publisher::<Detection3DArray>("/detections", QosProfile::SENSOR_DATA)
            .unwrap();
        let cmd = bus
            .subscribe::<TwistStamped>("/cmd_vel", QosProfile::DEFAULT, Delivery::Queue(1000))
            .unwrap();
        let config = AgentConfig {
            stamped_cmd_vel: true,
            ..AgentConfig::default()
        };
        let agent = crate::support::agent(&bus, config.clone(), now.clone());
        let rig = Self {
            bus,
            config,
            agent,
            now,
            odom,
            scan,
            detections,
            cmd,
            _map: map,
            _tf_static: tf_static,
            last: (0.0, 0.0),
            driving: (0, 0),
        };
        rig.publish_odom();
        rig.agent.submit("go to 15, 10");
        std::thread::sleep(Duration::from_millis(300));
        rig
    }

    fn publish_odom(&self) {
        self.odom
            .publish(&crate::support::odometry(
                (self.now)(),
                ("odom", "base_link"),
                (5.0, 10.0),
                self.last,
            ))
            .unwrap();
    }

    /// `samples` scans, each timed to the command computed from it: end to end (this thread
    /// publishes the scan and receives the command, at normal priority) and the control
    /// thread's own reaction (scan published -> tick started, from the command's stamp), both
    /// sorted, microseconds.
    pub fn measure(&mut self, samples: usize) -> (Vec<f64>, Vec<f64>) {
        let now = self.now.clone();
        let mut lat = Vec::with_capacity(samples);
        let mut react = Vec::with_capacity(samples);
        while lat.len() < samples {
            self.publish_odom();
            self.cmd.drain();
            let t_pub = now();
            self.detections
                .publish(&Detection3DArray {
                    header: Header::new(Time::from_nanos(t_pub), "base_link"),
                    detections: vec![],
                })
                .unwrap();
            self.scan
                .publish(&crate::support::scan(t_pub, "base_scan"))
                .unwrap();
            let deadline = Instant::now() + Duration::from_millis(200);
            while Instant::now() < deadline {
                if let Some(c) = self.cmd.recv_timeout(Duration::from_millis(50))
                    && c.header.stamp.as_nanos() >= t_pub
                {
                    lat.push((now() - t_pub) as f64 / 1e3);
                    react.push((c.header.stamp.as_nanos() - t_pub) as f64 / 1e3);
                    self.last = (c.twist.linear.x, c.twist.angular.z);
                    self.driving.0 += 1;
                    self.driving.1 += usize::from(self.last.0 > 0.1);
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(4));
        }
        lat.sort_by(f64::total_cmp);
        react.sort_by(f64::total_cmp);
        (lat, react)
    }

    /// The last command, (v, w).
    pub fn last(&self) -> (f64, f64) {
        self.last
    }

    /// Panics unless the navigate_to skill drove for at least 90% of the samples: the
    /// latencies are those of a robot navigating (a gate stop now and then, a scan gone stale
    /// while the machine is loaded, is reported, not hidden).
    pub fn assert_navigated(&self) {
        assert!(
            self.driving.1 * 10 >= self.driving.0 * 9,
            "the navigate_to skill drove for at least 90% of the samples ({} of {})",
            self.driving.1,
            self.driving.0
        );
    }
}

/// The `q` quantile of sorted `values`.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    values[((values.len() - 1) as f64 * q).round() as usize]
}

/// Keeps a core busy until dropped (the robot computer's other work).
pub struct BusyCore {
    busy: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl BusyCore {
    /// Starts spinning.
    pub fn start() -> Self {
        let busy = Arc::new(AtomicBool::new(true));
        let thread = {
            let busy = busy.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while busy.load(Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            })
        };
        Self {
            busy,
            thread: Some(thread),
        }
    }
}

impl Drop for BusyCore {
    fn drop(&mut self) {
        self.busy.store(false, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
