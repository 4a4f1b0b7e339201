//! The simulator on the bus: the topics, types, QoS and rates of a Gazebo diff-drive robot
//! behind `ros_gz_bridge`, so an agent cannot tell the two apart.

use std::time::{Duration, Instant};

use embodia_ros::msg::geometry_msgs::{Twist, TwistStamped};
use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry};
use embodia_ros::msg::rosgraph_msgs::Clock;
use embodia_ros::msg::sensor_msgs::{BatteryState, LaserScan};
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Bus, Delivery, Publisher, QosProfile, Subscription};

use crate::nav2::{Nav2Sim, Nav2Stats};
use crate::simulator::{SimError, Simulator};
use embodia_world::world::RobotEntry;

/// Topic names, as `ros_gz_bridge` maps them in the Gazebo template.
pub mod topics {
    /// Velocity commands in.
    pub const CMD_VEL: &str = "/cmd_vel";
    /// Odometry out.
    pub const ODOM: &str = "/odom";
    /// Lidar out.
    pub const SCAN: &str = "/scan";
    /// Dynamic transforms out.
    pub const TF: &str = "/tf";
    /// Static transforms out.
    pub const TF_STATIC: &str = "/tf_static";
    /// Simulated time out.
    pub const CLOCK: &str = "/clock";
    /// Occupancy grid out (transient-local).
    pub const MAP: &str = "/map";
    /// Object detections out.
    pub const DETECTIONS: &str = "/detections";
    /// Battery out.
    pub const BATTERY: &str = "/battery_state";
}

enum CmdInput {
    Plain(Subscription<Twist>),
    Stamped(Subscription<TwistStamped>),
}

impl CmdInput {
    fn latest(&self) -> Option<Twist> {
        match self {
            CmdInput::Plain(s) => s.latest(),
            CmdInput::Stamped(s) => s.latest().map(|t| t.twist),
        }
    }
}

/// Decides how fast simulated time runs against the wall clock.
pub trait Pacer {
    /// Called after each step with the current simulated time (since the simulation's epoch).
    fn pace(&mut self, sim_time: Duration);
}

/// As fast as the CPU allows.
pub struct Lockstep;

impl Pacer for Lockstep {
    fn pace(&mut self, _: Duration) {}
}

/// One simulated second per wall second. Reads the wall clock: this is the I/O edge.
///
/// The wall and simulated clocks are anchored together on the first call, so one pacer can
/// serve any number of `run_for` calls.
#[derive(Default)]
pub struct RealTime {
    anchor: Option<(Instant, Duration)>,
}

impl RealTime {
    /// A pacer that anchors on its first step.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Pacer for RealTime {
    fn pace(&mut self, sim_time: Duration) {
        let now = Instant::now();
        let (wall0, sim0) = *self.anchor.get_or_insert((now, sim_time));
        let target = wall0 + sim_time.saturating_sub(sim0);
        if target > now {
            std::thread::sleep(target - now);
        }
    }
}

/// One robot's own topics: in its namespace in a fleet (`/robot1/cmd_vel`), at the root for a
/// lone robot.
struct RobotTopics {
    cmd: CmdInput,
    odom: Publisher<Odometry>,
    scan: Publisher<LaserScan>,
    detections: Publisher<Detection3DArray>,
    battery: Publisher<BatteryState>,
}

impl RobotTopics {
    fn new<B: Bus>(bus: &B, entry: &RobotEntry, stamped: bool) -> Result<Self, SimError> {
        let sensor = QosProfile::DEFAULT;
        let name = |t: &str| entry.topic(t);
        let cmd_vel = name(topics::CMD_VEL);
        let cmd = if stamped {
            CmdInput::Stamped(bus.subscribe(&cmd_vel, QosProfile::DEFAULT, Delivery::Latest)?)
        } else {
            CmdInput::Plain(bus.subscribe(&cmd_vel, QosProfile::DEFAULT, Delivery::Latest)?)
        };
        Ok(Self {
            cmd,
            odom: bus.publisher(&name(topics::ODOM), sensor)?,
            scan: bus.publisher(&name(topics::SCAN), sensor)?,
            detections: bus.publisher(&name(topics::DETECTIONS), sensor)?,
            battery: bus.publisher(&name(topics::BATTERY), sensor)?,
        })
    }
}

/// A [`Simulator`] wired to a bus: each robot's topics in its namespace; `/tf`, `/tf_static`,
/// `/clock` and `/map` shared, as tf2 and a map server share them in a ROS 2 fleet (the frames
/// carry each robot's prefix instead).
pub struct SimNode {
    sim: Simulator,
    robots: Vec<RobotTopics>,
    tf: Publisher<TFMessage>,
    clock: Publisher<Clock>,
    // Kept alive so late joiners still get the latched samples.
    _map: Publisher<OccupancyGrid>,
    _tf_static: Publisher<TFMessage>,
    nav2: Option<Nav2Sim>,
}

impl SimNode {
    /// Advertises every topic, publishes the latched `/map` and `/tf_static`, and the state
    /// at time zero.
    pub fn new<B: Bus>(bus: &B, sim: Simulator) -> Result<Self, SimError> {
        let sensor = QosProfile::DEFAULT;
        let stamped = sim.config().stamped_cmd_vel;
        let robots = sim
            .world()
            .robots
            .iter()
            .map(|entry| RobotTopics::new(bus, entry, stamped))
            .collect::<Result<Vec<_>, _>>()?;
        let map = bus.publisher::<OccupancyGrid>(topics::MAP, QosProfile::MAP)?;
        map.publish(sim.map())?;
        let tf_static =
            bus.publisher::<TFMessage>(topics::TF_STATIC, QosProfile::MAP.with_depth(100))?;
        tf_static.publish(&sim.tf_static())?;
        let mut node = Self {
            robots,
            tf: bus.publisher(topics::TF, QosProfile::DEFAULT.with_depth(100))?,
            clock: bus.publisher(topics::CLOCK, sensor)?,
            _map: map,
            _tf_static: tf_static,
            nav2: None,
            sim,
        };
        node.publish_due()?;
        Ok(node)
    }

    /// The simulator inside.
    pub fn sim(&self) -> &Simulator {
        &self.sim
    }

    /// Plays Nav2 from now on: `nav2` is stepped after every physics step (on the first
    /// robot; a fleet's others have none).
    pub fn serve_nav2(&mut self, nav2: Nav2Sim) {
        self.nav2 = Some(nav2);
    }

    /// What the simulated Nav2 has done, when it plays one.
    pub fn nav2_stats(&self) -> Option<Nav2Stats> {
        self.nav2
            .as_ref()
            .map(|n| *n.stats().lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn sim_time(&self) -> Duration {
        Duration::from_nanos(self.sim.time_ns().max(0) as u64)
    }

    /// Takes each robot's newest command, advances one physics step and publishes what is due.
    pub fn step(&mut self) -> Result<(), SimError> {
        for (i, r) in self.robots.iter().enumerate() {
            if let Some(t) = r.cmd.latest() {
                self.sim.set_command_of(i, t.linear.x, t.angular.z);
            }
        }
        self.sim.step();
        self.publish_due()?;
        if let Some(nav2) = self.nav2.as_mut() {
            nav2.step(&self.sim)?;
        }
        Ok(())
    }

    /// Steps until `duration_s` more simulated seconds have passed, paced by `pacer`.
    pub fn run_for(&mut self, duration_s: f64, pacer: &mut dyn Pacer) -> Result<(), SimError> {
        let steps = (duration_s * self.sim.config().physics_hz as f64)
            .round()
            .max(0.0) as u64;
        if steps > 0 {
            // Anchors a real-time pacer at the start of the first step, not the end of it.
            pacer.pace(self.sim_time());
        }
        for _ in 0..steps {
            self.step()?;
            pacer.pace(self.sim_time());
        }
        Ok(())
    }

    fn publish_due(&mut self) -> Result<(), SimError> {
        let _span = tracing::trace_span!("sim_publish", step = self.sim.step_index()).entered();
        let c = self.sim.config().clone();
        self.clock.publish(&Clock {
            clock: self.sim.stamp(),
        })?;
        for (i, r) in self.robots.iter().enumerate() {
            if self.sim.due(c.odom_hz) {
                let odom = self.sim.odometry_of(i);
                r.odom.publish(&odom)?;
                self.tf.publish(&self.sim.tf_of(i))?;
            }
            if self.sim.due(c.scan_hz) {
                let scan = self.sim.scan_of(i);
                r.scan.publish(&scan)?;
            }
            if self.sim.due(c.detections_hz) {
                let d = self.sim.detections_of(i);
                r.detections.publish(&d)?;
            }
            if self.sim.due(c.battery_hz) {
                r.battery.publish(&self.sim.battery_state_of(i))?;
            }
        }
        Ok(())
    }
}
