//! The simulation state, advanced in fixed steps of simulated time, and the ROS 2 messages
//! that describe it. No bus here: [`crate::node::SimNode`] puts this on topics.

use std::sync::Arc;

use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::{
    Pose, PoseWithCovariance, Quaternion, Transform, TransformStamped, Twist, TwistWithCovariance,
    Vector3,
};
use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry};
use embodia_ros::msg::sensor_msgs::{BatteryState, LaserScan};
use embodia_ros::msg::std_msgs::Header;
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::{
    BoundingBox3D, Detection3D, Detection3DArray, ObjectHypothesis, ObjectHypothesisWithPose,
    color_hypothesis,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::battery::Battery;
use crate::camera::CameraConfig;
use crate::diff_drive::{DiffDrive, Pose2};
use crate::lidar::LidarConfig;
use crate::map::rasterise;
use crate::scene::Scene;
use embodia_world::world::World;

/// Why a simulator could not be built or run.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SimError {
    /// A configuration value is unusable.
    #[error("simulator setting {field}: {problem}. Fix: {fix}")]
    Config {
        /// The setting.
        field: &'static str,
        /// What is wrong.
        problem: String,
        /// How to mend it.
        fix: &'static str,
    },
    /// The bus refused a topic.
    #[error(transparent)]
    Bus(#[from] embodia_ros::BusError),
}

/// ROS frame names the simulator stamps its messages with.
#[derive(Debug, Clone, PartialEq)]
pub struct Frames {
    /// Global frame of `/map`.
    pub map: String,
    /// Odometry frame.
    pub odom: String,
    /// Robot body frame.
    pub base: String,
    /// Lidar frame (mounted at the body's centre).
    pub laser: String,
}

impl Default for Frames {
    fn default() -> Self {
        Self {
            map: "map".into(),
            odom: "odom".into(),
            base: "base_link".into(),
            laser: "base_scan".into(),
        }
    }
}

/// Everything about a run that is not the world.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of the one random generator (sensor noise).
    pub seed: u64,
    /// Physics steps per simulated second; every publish rate must divide it.
    pub physics_hz: u32,
    /// `/odom` and `/tf` rate.
    pub odom_hz: u32,
    /// `/scan` rate.
    pub scan_hz: u32,
    /// `/detections` rate.
    pub detections_hz: u32,
    /// `/battery_state` rate.
    pub battery_hz: u32,
    /// Lidar model.
    pub lidar: LidarConfig,
    /// Detector model.
    pub camera: CameraConfig,
    /// A command older than this is replaced by zero velocity, as a base controller does.
    pub cmd_timeout_s: f64,
    /// Standard deviation of noise on the odometry twist (m/s and rad/s).
    pub odom_twist_noise_std: f64,
    /// Subscribe `/cmd_vel` as `TwistStamped` instead of `Twist`.
    pub stamped_cmd_vel: bool,
    /// Frame names.
    pub frames: Frames,
    /// Where the odometry frame lies in the map (x, y, yaw), published on `/tf` as a localiser
    /// (AMCL, SLAM) publishes map -> odom; `/odom` is then in that frame, not the map's. None:
    /// the two frames coincide (a static identity on `/tf_static`), localisation is perfect.
    pub map_to_odom: Option<[f64; 3]>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            physics_hz: 100,
            odom_hz: 50,
            scan_hz: 10,
            detections_hz: 5,
            battery_hz: 1,
            lidar: LidarConfig::default(),
            camera: CameraConfig::default(),
            cmd_timeout_s: 0.5,
            odom_twist_noise_std: 0.0,
            stamped_cmd_vel: false,
            frames: Frames::default(),
            map_to_odom: None,
        }
    }
}

impl SimConfig {
    fn validate(&self) -> Result<(), SimError> {
        if self.physics_hz == 0 || self.physics_hz > 10_000 {
            return Err(SimError::Config {
                field: "physics_hz",
                problem: format!("{} is outside 1..=10000", self.physics_hz),
                fix: "use e.g. 100",
            });
        }
        for (field, hz) in [
            ("odom_hz", self.odom_hz),
            ("scan_hz", self.scan_hz),
            ("detections_hz", self.detections_hz),
            ("battery_hz", self.battery_hz),
        ] {
            if hz == 0 || !self.physics_hz.is_multiple_of(hz) {
                return Err(SimError::Config {
                    field,
                    problem: format!(
                        "{hz} Hz does not divide the physics rate {} Hz",
                        self.physics_hz
                    ),
                    fix: "choose a rate that divides physics_hz",
                });
            }
        }
        if let Some(m) = self.map_to_odom
            && !m.iter().all(|v| v.is_finite())
        {
            return Err(SimError::Config {
                field: "map_to_odom",
                problem: format!("{m:?} is not three finite numbers"),
                fix: "give x, y (metres) and yaw (radians) of the odom frame in the map",
            });
        }
        let l = &self.lidar;
        // Written as positive conditions so that NaN fails them.
        let lidar_ok = l.beams > 0
            && l.fov_deg > 0.0
            && l.fov_deg <= 360.0
            && l.range_min >= 0.0
            && l.range_max > l.range_min
            && l.noise_std >= 0.0;
        if !lidar_ok {
            return Err(SimError::Config {
                field: "lidar",
                problem: format!("{l:?} is inconsistent"),
                fix: "use beams > 0, 0 < fov_deg <= 360, 0 <= range_min < range_max and noise_std >= 0",
            });
        }
        let c = &self.camera;
        let camera_ok =
            c.fov_deg > 0.0 && c.fov_deg <= 360.0 && c.range > 0.0 && c.position_noise_std >= 0.0;
        if !camera_ok {
            return Err(SimError::Config {
                field: "camera",
                problem: format!("{c:?} is inconsistent"),
                fix: "use 0 < fov_deg <= 360, range > 0 and noise >= 0",
            });
        }
        let timing_ok = self.cmd_timeout_s > 0.0 && self.odom_twist_noise_std >= 0.0;
        if !timing_ok {
            return Err(SimError::Config {
                field: "cmd_timeout_s",
                problem: "must be positive (and odometry noise non-negative)".into(),
                fix: "use e.g. 0.5",
            });
        }
        Ok(())
    }
}

/// Counters an evaluation reads after a run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SimStats {
    /// Simulated seconds elapsed.
    pub sim_time_s: f64,
    /// Contacts with walls, solid objects or other robots.
    pub collisions: u64,
    /// Of the contacts, those with another robot of the fleet.
    pub robot_collisions: u64,
    /// Path length, metres.
    pub distance_m: f64,
    /// Highest speed over the ground in any step, m/s.
    pub max_speed_mps: f64,
    /// Smallest distance between the body's edge and a solid (or another robot) at any step,
    /// metres.
    pub min_clearance_m: f64,
}

/// One robot of the simulation: its body, battery, command and counters, and the frames its
/// messages carry (prefixed with its name in a fleet).
struct Body {
    name: Option<String>,
    frames: Frames,
    drive: DiffDrive,
    battery: Battery,
    command: (f64, f64),
    command_step: Option<u64>,
    stats: SimStats,
}

/// The simulated robots in their world: one, or the fleet of the world's `robots:`, each
/// an obstacle to the others' bodies and lidars. Methods without an index are about the
/// first robot (the only one of a `robot:` world).
pub struct Simulator {
    world: Arc<World>,
    config: SimConfig,
    scene: Scene,
    bodies: Vec<Body>,
    rng: ChaCha8Rng,
    step_index: u64,
    map: OccupancyGrid,
}

impl Simulator {
    /// A simulator at time zero with every robot at rest at its start.
    pub fn new(world: Arc<World>, config: SimConfig) -> Result<Self, SimError> {
        config.validate()?;
        let map = rasterise(&world, &config.frames.map, Time::default());
        let bodies = world
            .robots
            .iter()
            .map(|r| {
                let f = &config.frames;
                Body {
                    name: r.name.clone(),
                    frames: Frames {
                        map: f.map.clone(),
                        odom: r.frame(&f.odom),
                        base: r.frame(&f.base),
                        laser: r.frame(&f.laser),
                    },
                    drive: DiffDrive::new(r.spec.clone()),
                    battery: Battery::default(),
                    command: (0.0, 0.0),
                    command_step: None,
                    stats: SimStats::default(),
                }
            })
            .collect();
        let mut sim = Self {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            scene: Scene::new(&world),
            bodies,
            step_index: 0,
            map,
            world,
            config,
        };
        for i in 0..sim.bodies.len() {
            sim.bodies[i].stats.min_clearance_m = sim.clearance_of(i);
        }
        Ok(sim)
    }

    /// The world being simulated.
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }

    /// The configuration in use.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Length of one physics step, seconds.
    pub fn dt(&self) -> f64 {
        1.0 / self.config.physics_hz as f64
    }

    /// Steps taken so far.
    pub fn step_index(&self) -> u64 {
        self.step_index
    }

    /// Current simulated time, nanoseconds.
    pub fn time_ns(&self) -> i64 {
        (self.step_index as i128 * 1_000_000_000 / self.config.physics_hz as i128) as i64
    }

    /// Current simulated time as a ROS stamp.
    pub fn stamp(&self) -> Time {
        Time::from_nanos(self.time_ns())
    }

    /// How many robots there are.
    pub fn robot_count(&self) -> usize {
        self.bodies.len()
    }

    /// Robot `i`'s name (its namespace), none for a lone robot.
    pub fn robot_name(&self, i: usize) -> Option<&str> {
        self.bodies[i].name.as_deref()
    }

    /// Robot `i`'s frame names.
    pub fn frames_of(&self, i: usize) -> &Frames {
        &self.bodies[i].frames
    }

    /// Ground-truth pose.
    pub fn pose(&self) -> Pose2 {
        self.pose_of(0)
    }

    /// Robot `i`'s ground-truth pose.
    pub fn pose_of(&self, i: usize) -> Pose2 {
        self.bodies[i].drive.pose
    }

    /// Current body velocity (v, w).
    pub fn velocity(&self) -> (f64, f64) {
        self.velocity_of(0)
    }

    /// Robot `i`'s body velocity (v, w).
    pub fn velocity_of(&self, i: usize) -> (f64, f64) {
        let d = &self.bodies[i].drive;
        (d.v, d.w)
    }

    /// Counters so far.
    pub fn stats(&self) -> SimStats {
        self.stats_of(0)
    }

    /// Robot `i`'s counters so far.
    pub fn stats_of(&self, i: usize) -> SimStats {
        self.bodies[i].stats
    }

    /// Sets the velocity command, as if it arrived on `/cmd_vel` now.
    pub fn set_command(&mut self, v: f64, w: f64) {
        self.set_command_of(0, v, w);
    }

    /// Sets robot `i`'s velocity command, as if it arrived on its `cmd_vel` now.
    pub fn set_command_of(&mut self, i: usize, v: f64, w: f64) {
        let b = &mut self.bodies[i];
        b.command = (v, w);
        b.command_step = Some(self.step_index);
    }

    fn command_in_force(&self, i: usize) -> (f64, f64) {
        let timeout_steps =
            (self.config.cmd_timeout_s * self.config.physics_hz as f64).round() as u64;
        let b = &self.bodies[i];
        match b.command_step {
            Some(s) if self.step_index.saturating_sub(s) <= timeout_steps => b.command,
            _ => (0.0, 0.0),
        }
    }

    /// Puts every robot but `i` into the scene, as robot `i` senses and moves among them.
    fn place_others(&mut self, i: usize) {
        let others = self
            .bodies
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, b)| embodia_world::geometry::Circle {
                center: b.drive.pose.position(),
                radius: b.drive.radius(),
            });
        let others: Vec<_> = others.collect();
        self.scene.set_others(others);
    }

    /// Distance between robot `i`'s body edge and the nearest solid or other robot.
    fn clearance_of(&mut self, i: usize) -> f64 {
        self.place_others(i);
        let d = &self.bodies[i].drive;
        self.scene.clearance(d.pose.position()) - d.radius()
    }

    /// Advances one physics step: each robot in turn, among the others where they are.
    pub fn step(&mut self) {
        let dt = self.dt();
        for i in 0..self.bodies.len() {
            let (v, w) = self.command_in_force(i);
            self.place_others(i);
            let scene = &self.scene;
            let body = &mut self.bodies[i];
            let report = body.drive.step(v, w, dt, |p| scene.clearance(p));
            if report.new_contact {
                let p = body.drive.pose.position();
                // The contact is with a robot when one is as near as any other solid.
                let with_robot = scene.robot_clearance(p) <= scene.clearance(p) + 1e-9;
                if with_robot {
                    body.stats.robot_collisions += 1;
                }
                tracing::debug!(
                    robot = body.name.as_deref().unwrap_or("/"),
                    contacts = body.drive.contacts,
                    with_robot,
                    x = p.x,
                    y = p.y,
                    "contact"
                );
            }
            let spec = &self.world.robots[i].spec;
            let effort =
                (body.drive.v.abs() / spec.max_linear).max(body.drive.w.abs() / spec.max_angular);
            body.battery.drain(effort, dt);
            let s = &mut body.stats;
            s.collisions = body.drive.contacts;
            s.distance_m += report.moved;
            s.max_speed_mps = s.max_speed_mps.max(report.moved / dt);
        }
        self.step_index += 1;
        let sim_time_s = self.step_index as f64 * dt;
        for i in 0..self.bodies.len() {
            let clearance = self.clearance_of(i);
            let s = &mut self.bodies[i].stats;
            s.sim_time_s = sim_time_s;
            s.min_clearance_m = s.min_clearance_m.min(clearance);
        }
    }

    /// Whether a topic published at `hz` is due at the current step.
    pub fn due(&self, hz: u32) -> bool {
        self.step_index
            .is_multiple_of((self.config.physics_hz / hz) as u64)
    }

    /// Robot `i`'s pose in the odometry frame: its true (map) pose, seen from where
    /// [`SimConfig::map_to_odom`] puts the odometry frame.
    fn odom_pose(&self, i: usize) -> Pose2 {
        let p = self.pose_of(i);
        let Some([ox, oy, oyaw]) = self.config.map_to_odom else {
            return p;
        };
        let (s, c) = oyaw.sin_cos();
        let (dx, dy) = (p.x - ox, p.y - oy);
        Pose2::new(c * dx + s * dy, -s * dx + c * dy, p.theta - oyaw)
    }

    /// `/odom`: pose in the odom frame (the map's unless [`SimConfig::map_to_odom`] moves it),
    /// body twist with optional noise.
    pub fn odometry(&mut self) -> Odometry {
        self.odometry_of(0)
    }

    /// Robot `i`'s `odom`.
    pub fn odometry_of(&mut self, i: usize) -> Odometry {
        let p = self.odom_pose(i);
        let sigma = self.config.odom_twist_noise_std;
        let (bv, bw) = self.velocity_of(i);
        let mut noise = || {
            if sigma > 0.0 {
                gaussian(&mut self.rng, sigma)
            } else {
                0.0
            }
        };
        let (v, w) = (bv + noise(), bw + noise());
        let mut pose_cov = [0.0; 36];
        let mut twist_cov = [0.0; 36];
        for i in 0..6 {
            pose_cov[i * 7] = if i < 2 || i == 5 { 1e-4 } else { 1e6 };
            twist_cov[i * 7] = if i == 0 || i == 5 {
                (sigma * sigma).max(1e-6)
            } else {
                1e6
            };
        }
        let f = &self.bodies[i].frames;
        Odometry {
            header: Header::new(self.stamp(), &f.odom),
            child_frame_id: f.base.clone(),
            pose: PoseWithCovariance {
                pose: Pose::planar(p.x, p.y, p.theta),
                covariance: pose_cov,
            },
            twist: TwistWithCovariance {
                twist: Twist::planar(v, w),
                covariance: twist_cov,
            },
        }
    }

    /// `/tf`: odom -> base_link, and map -> odom when [`SimConfig::map_to_odom`] is set (as a
    /// localiser publishes it).
    pub fn tf(&self) -> TFMessage {
        self.tf_of(0)
    }

    /// Robot `i`'s dynamic transforms (its own frames, on the shared `/tf`).
    pub fn tf_of(&self, i: usize) -> TFMessage {
        let f = &self.bodies[i].frames;
        let mut transforms = vec![transform(self.stamp(), &f.odom, &f.base, self.odom_pose(i))];
        if let Some([x, y, yaw]) = self.config.map_to_odom {
            transforms.push(transform(
                self.stamp(),
                &f.map,
                &f.odom,
                Pose2::new(x, y, yaw),
            ));
        }
        TFMessage { transforms }
    }

    /// `/tf_static`, every robot's: map -> odom (identity, unless [`SimConfig::map_to_odom`]
    /// makes it dynamic) and base_link -> laser (identity).
    pub fn tf_static(&self) -> TFMessage {
        let id = Pose2::new(0.0, 0.0, 0.0);
        let mut transforms = Vec::new();
        for b in &self.bodies {
            let f = &b.frames;
            if self.config.map_to_odom.is_none() {
                transforms.push(transform(self.stamp(), &f.map, &f.odom, id));
            }
            transforms.push(transform(self.stamp(), &f.base, &f.laser, id));
        }
        TFMessage { transforms }
    }

    /// `/scan`: one lidar sweep from the current pose.
    pub fn scan(&mut self) -> LaserScan {
        self.scan_of(0)
    }

    /// Robot `i`'s lidar sweep, the other robots in sight.
    pub fn scan_of(&mut self, i: usize) -> LaserScan {
        self.place_others(i);
        let l = &self.config.lidar;
        let ranges = l.sweep(&self.scene, &self.bodies[i].drive.pose, &mut self.rng);
        let inc = l.angle_increment();
        LaserScan {
            header: Header::new(self.stamp(), &self.bodies[i].frames.laser),
            angle_min: l.angle_min() as f32,
            angle_max: (l.angle_min() + inc * (l.beams as f64 - 1.0)) as f32,
            angle_increment: inc as f32,
            time_increment: 0.0,
            scan_time: 1.0 / self.config.scan_hz as f32,
            range_min: l.range_min as f32,
            range_max: l.range_max as f32,
            ranges,
            intensities: Vec::new(),
        }
    }

    /// `/detections`: what the detector sees now, in the body frame. `class_id` of the first
    /// hypothesis is the class, a second one its colour (`color:NAME`), `id` the object's
    /// name.
    pub fn detections(&mut self) -> Detection3DArray {
        self.detections_of(0)
    }

    /// Robot `i`'s detections (other robots hide what is behind them).
    pub fn detections_of(&mut self, i: usize) -> Detection3DArray {
        self.place_others(i);
        let header = Header::new(self.stamp(), &self.bodies[i].frames.base);
        let sightings = self.config.camera.detect(
            &self.world,
            &self.scene,
            &self.bodies[i].drive.pose,
            &mut self.rng,
        );
        let detections = sightings
            .into_iter()
            .map(|s| {
                let pose = Pose::planar(s.relative.x, s.relative.y, 0.0);
                let hypothesis = |class_id: String| ObjectHypothesisWithPose {
                    hypothesis: ObjectHypothesis {
                        class_id,
                        score: s.score,
                    },
                    pose: PoseWithCovariance {
                        pose,
                        covariance: [0.0; 36],
                    },
                };
                // The class first; then the colour, when the world gives one.
                let results = std::iter::once(hypothesis(s.object.class.clone()))
                    .chain(
                        s.object
                            .color
                            .as_deref()
                            .map(|c| hypothesis(color_hypothesis(c))),
                    )
                    .collect();
                Detection3D {
                    header: header.clone(),
                    results,
                    bbox: BoundingBox3D {
                        center: pose,
                        size: Vector3::new(s.object.size, s.object.size, s.object.size),
                    },
                    id: s.object.name.clone(),
                }
            })
            .collect();
        Detection3DArray { header, detections }
    }

    /// `/battery_state`.
    pub fn battery_state(&self) -> BatteryState {
        self.battery_state_of(0)
    }

    /// Robot `i`'s battery.
    pub fn battery_state_of(&self, i: usize) -> BatteryState {
        let b = &self.bodies[i].battery;
        BatteryState {
            header: Header::new(self.stamp(), &self.bodies[i].frames.base),
            voltage: b.voltage() as f32,
            temperature: f32::NAN,
            current: -b.current as f32,
            charge: b.charge_ah as f32,
            capacity: b.capacity_ah as f32,
            design_capacity: b.capacity_ah as f32,
            percentage: b.fraction() as f32,
            power_supply_status: BatteryState::POWER_SUPPLY_STATUS_DISCHARGING,
            power_supply_health: BatteryState::POWER_SUPPLY_HEALTH_GOOD,
            power_supply_technology: BatteryState::POWER_SUPPLY_TECHNOLOGY_LION,
            present: true,
            cell_voltage: Vec::new(),
            cell_temperature: Vec::new(),
            location: "base".into(),
            serial_number: String::new(),
        }
    }

    /// `/map`: the world rasterised at its resolution.
    pub fn map(&self) -> &OccupancyGrid {
        &self.map
    }
}

fn gaussian(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    use rand_distr::Distribution;
    rand_distr::Normal::new(0.0, sigma)
        .map(|n| n.sample(rng))
        .unwrap_or(0.0)
}

fn transform(stamp: Time, parent: &str, child: &str, p: Pose2) -> TransformStamped {
    TransformStamped {
        header: Header::new(stamp, parent),
        child_frame_id: child.to_owned(),
        transform: Transform {
            translation: Vector3::new(p.x, p.y, 0.0),
            rotation: Quaternion::from_yaw(p.theta),
        },
    }
}
