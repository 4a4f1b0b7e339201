//! The simulator playing Nav2: a `nav2_msgs/action/NavigateToPose` server that plans on the
//! map the simulator publishes and drives with its own controller, so the agent's
//! `navigation: nav2` runs in `embodia run`/`eval` as it does against a real Nav2.
//!
//! It behaves as Nav2's default navigator does with a grid planner, Regulated Pure Pursuit,
//! the simple goal checker and the simple progress checker: the path is planned on the
//! global costmap (`/map` inflated by the robot's footprint, with the world's keep-out zones
//! as a keepout filter mask would add them) and replanned at 1 Hz; the controller keeps the
//! footprint clear of what `/scan` shows along the arc it drives (as Regulated Pure Pursuit's
//! collision check does, shortening its look-ahead near obstacles); velocity goes out on
//! Nav2's controller output (`/cmd_vel_nav`), never to the robot — the agent passes it
//! through its safety gate, which alone publishes `/cmd_vel`. Feedback carries the pose,
//! the distance left along the path and the time since the goal started. A goal ends
//! SUCCEEDED within the goal tolerances (0.25 m, 0.25 rad), ABORTED with Nav2's error code
//! when no path exists (planner codes 204-208) or the robot has not moved 0.5 m in 10 s
//! (FollowPath's FAILED_TO_MAKE_PROGRESS, 105), CANCELED on request (after a zero command).
//!
//! Not modelled: recovery behaviours (spin, back up, wait: a failure aborts at once),
//! obstacles in the global costmap's obstacle layer (the path is planned on the map, which
//! holds every wall and solid object of a world; what only the scan shows slows or stops the
//! controller, and the progress checker aborts if it blocks the way), behaviour tree files,
//! and localisation error: it localises with the simulator's own odometry, or — when told an
//! odometry topic, as `embodia run`/`eval` do with the agent's bus behind the fault relay — as
//! the agent does, from that `/odom` chained with the map -> odom the simulator's localiser
//! publishes, so a fault on `/odom` reaches it too (no pose received in the last 0.5 s, or one
//! not finite: zero velocity; none for 1 s: ABORTED with `TF_ERROR`, as the controller fails
//! when it cannot transform the robot's pose).

use std::sync::{Arc, Mutex};

use embodia_actuation::gate::NearbyPoints;
use embodia_actuation::nav::{
    Cell, Costmap, CostmapConfig, FollowConfig, LETHAL_COST, PurePursuit, plan,
};
use embodia_perception::scan::ScanPoints;
use embodia_ros::action::{ActionServer, GoalEnd, GoalKey, ServerEvent, ServerReply};
use embodia_ros::msg::builtin_interfaces::{Duration as RosDuration, Time};
use embodia_ros::msg::geometry_msgs::{Pose, PoseStamped, Twist};
use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::nav2_msgs::{
    NavigateToPose, NavigateToPoseFeedback, NavigateToPoseGoal, NavigateToPoseResult,
};
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_ros::msg::std_msgs::Header;
use embodia_ros::{Bus, Delivery, Publisher, QosProfile, Subscription};
use embodia_world::V2;
use embodia_world::geometry::wrap_angle;

use crate::diff_drive::Pose2;
use crate::simulator::{SimError, Simulator};

/// A pose received longer ago than this is no pose (Nav2's transform tolerance, generously;
/// by arrival, so a clock jump in the stamps does not count), ns.
const POSE_STALE_NS: i64 = 500_000_000;
/// Without a pose this long, the goal aborts, ns.
const POSE_LOST_NS: i64 = 1_000_000_000;

/// Nav2's error codes this server reports (Jazzy's `nav2_msgs` actions).
pub mod codes {
    /// `NavigateToPose`: the goal's frame is not the map's.
    pub const TF_ERROR: u16 = 9002;
    /// `FollowPath`: the robot did not move far enough in the progress checker's time.
    pub const FAILED_TO_MAKE_PROGRESS: u16 = 105;
    /// `ComputePathToPose`: the start lies off the map.
    pub const START_OUTSIDE_MAP: u16 = 203;
    /// `ComputePathToPose`: the goal lies off the map.
    pub const GOAL_OUTSIDE_MAP: u16 = 204;
    /// `ComputePathToPose`: the goal is in an obstacle or its inflation.
    pub const GOAL_OCCUPIED: u16 = 206;
    /// `ComputePathToPose`: no path joins start and goal.
    pub const NO_VALID_PATH: u16 = 208;
}

/// How the simulated Nav2 is set up; the defaults are Nav2's.
#[derive(Debug, Clone, PartialEq)]
pub struct Nav2Config {
    /// The `NavigateToPose` action served.
    pub action: String,
    /// The controller's velocity output (remapped from `/cmd_vel`, as the agent expects it).
    pub cmd_vel: String,
    /// The lidar the controller checks its arc against (mounted at the body's centre).
    pub scan: String,
    /// The odometry topic it localises with; none: the simulator's own (its true pose, what
    /// it publishes on `/odom`; a DDS participant does not hear its own publications).
    pub odom: Option<String>,
    /// Footprint radius, m; none: the world's robot radius.
    pub robot_radius: Option<f64>,
    /// Controller (and feedback) rate, Hz; must divide the physics rate.
    pub controller_hz: u32,
    /// Replanning period of the navigator's behaviour tree, s.
    pub replan_period_s: f64,
    /// Goal checker: position tolerance, m.
    pub xy_goal_tolerance: f64,
    /// Goal checker: heading tolerance, rad.
    pub yaw_goal_tolerance: f64,
    /// Progress checker: the robot must move this far, m ...
    pub required_movement_radius: f64,
    /// ... within this long, s.
    pub movement_time_allowance_s: f64,
    /// Regulated Pure Pursuit's desired speed, m/s (capped by the robot's top speed).
    pub desired_linear_vel: f64,
}

impl Default for Nav2Config {
    fn default() -> Self {
        Self {
            action: "/navigate_to_pose".into(),
            cmd_vel: "/cmd_vel_nav".into(),
            scan: "/scan".into(),
            odom: None,
            robot_radius: None,
            controller_hz: 20,
            replan_period_s: 1.0,
            xy_goal_tolerance: 0.25,
            yaw_goal_tolerance: 0.25,
            required_movement_radius: 0.5,
            movement_time_allowance_s: 10.0,
            desired_linear_vel: 0.5,
        }
    }
}

/// What the simulated Nav2 did, for reports and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Nav2Stats {
    /// Goals received.
    pub goals: u64,
    /// Feedback messages sent.
    pub feedback: u64,
    /// Goals ended SUCCEEDED.
    pub succeeded: u64,
    /// Goals ended ABORTED.
    pub aborted: u64,
    /// Goals ended CANCELED.
    pub canceled: u64,
    /// The error code of the newest abort.
    pub last_error_code: Option<u16>,
    /// The newest velocity published (v, w).
    pub last_command: (f64, f64),
}

/// A goal being driven to.
struct Running {
    key: GoalKey,
    target: V2,
    yaw: f64,
    started_ns: i64,
    planned_ns: i64,
    follower: PurePursuit,
    /// Within the position tolerance once: only the heading is left (a stateful checker).
    xy_reached: bool,
    /// Where and when the progress checker last saw enough movement.
    moved: (V2, i64),
}

/// The simulated Nav2 on a bus. Step it after each physics step ([`crate::SimNode`] does).
pub struct Nav2Sim {
    config: Nav2Config,
    server: ActionServer<NavigateToPose>,
    cmd_vel: Publisher<Twist>,
    scan: Subscription<LaserScan>,
    odom: Option<Subscription<Odometry>>,
    /// The newest pose in the map frame, when it arrived (simulated time) and the body's speed.
    located: Option<(Pose2, i64, f64)>,
    /// Since when a running goal has had no pose.
    pose_lost_since: Option<i64>,
    /// The newest scan's points (robot frame).
    scan_points: Option<Vec<V2>>,
    /// Points along the keep-out zones' edges (map frame).
    fence: Vec<V2>,
    costmap: Option<Costmap>,
    radius: f64,
    follow: FollowConfig,
    running: Option<Running>,
    stats: Arc<Mutex<Nav2Stats>>,
}

impl std::fmt::Debug for Nav2Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Nav2Sim")
            .field("action", &self.server.name())
            .field("cmd_vel", &self.cmd_vel.topic())
            .finish()
    }
}

impl Nav2Sim {
    /// Serves the action and advertises the velocity output on `bus` (the robot's graph,
    /// where the agent is).
    pub fn new<B: Bus>(bus: &B, config: Nav2Config) -> Result<Self, SimError> {
        let valid = config.controller_hz > 0
            && config.replan_period_s > 0.0
            && config.xy_goal_tolerance > 0.0
            && config.yaw_goal_tolerance > 0.0
            && config.movement_time_allowance_s > 0.0
            && config.desired_linear_vel > 0.0
            && config.robot_radius.is_none_or(|r| r > 0.0);
        if !valid {
            return Err(SimError::Config {
                field: "nav2",
                problem: format!(
                    "{config:?} has a rate, tolerance, time or speed that is not positive"
                ),
                fix: "use positive values (the defaults are Nav2's)",
            });
        }
        Ok(Self {
            server: bus.action_server::<NavigateToPose>(&config.action)?,
            cmd_vel: bus.publisher(&config.cmd_vel, QosProfile::DEFAULT)?,
            scan: bus.subscribe(&config.scan, QosProfile::DEFAULT, Delivery::Latest)?,
            odom: match &config.odom {
                Some(topic) => Some(bus.subscribe(topic, QosProfile::DEFAULT, Delivery::Latest)?),
                None => None,
            },
            located: None,
            pose_lost_since: None,
            scan_points: None,
            fence: Vec::new(),
            config,
            costmap: None,
            radius: 0.0,
            follow: FollowConfig::default(),
            running: None,
            stats: Arc::default(),
        })
    }

    /// A handle on the counters, readable while the simulation runs.
    pub fn stats(&self) -> Arc<Mutex<Nav2Stats>> {
        self.stats.clone()
    }

    fn count(&self, f: impl FnOnce(&mut Nav2Stats)) {
        f(&mut self.stats.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// Handles requests and, at the controller rate, drives the first robot of `sim`.
    pub fn step(&mut self, sim: &Simulator) -> Result<(), SimError> {
        let hz = self.config.controller_hz;
        if !sim.config().physics_hz.is_multiple_of(hz) {
            return Err(SimError::Config {
                field: "nav2.controller_hz",
                problem: format!(
                    "{hz} Hz does not divide the physics rate {} Hz",
                    sim.config().physics_hz
                ),
                fix: "use e.g. 20",
            });
        }
        if self.costmap.is_none() {
            self.setup(sim);
        }
        let now = sim.time_ns();
        let events: Vec<_> = self.server.events().try_iter().collect();
        for event in events {
            match event {
                ServerEvent::Goal { key, goal } => self.start(key, &goal, sim, now)?,
                ServerEvent::CancelRequested { key } => {
                    if self.running.as_ref().is_some_and(|r| r.key == key) {
                        self.running = None;
                        self.publish(0.0, 0.0)?;
                        self.finish(key, GoalEnd::Canceled, 0, "canceled");
                    }
                }
            }
        }
        if sim.due(hz) && self.running.is_some() {
            self.control(sim, now)?;
        }
        Ok(())
    }

    /// The global costmap and the controller's limits, from the simulator's map and robot.
    fn setup(&mut self, sim: &Simulator) {
        let world = sim.world();
        let spec = &world.robot;
        self.radius = self.config.robot_radius.unwrap_or(spec.radius);
        let config = CostmapConfig {
            robot_radius: self.radius,
            ..CostmapConfig::default()
        };
        self.costmap = Some(Costmap::new(sim.map(), &world.keep_out, &config));
        let step = world.resolution.max(0.01);
        self.fence = world
            .keep_out
            .iter()
            .flat_map(|zone| {
                let n = zone.points.len();
                (0..n).flat_map(move |i| {
                    let (a, b) = (zone.points[i], zone.points[(i + 1) % n]);
                    let k = ((b - a).norm() / step).ceil().max(1.0) as usize;
                    (0..k).map(move |j| a + (b - a) * (j as f64 / k as f64))
                })
            })
            .collect();
        self.follow = FollowConfig {
            cruise_speed: self.config.desired_linear_vel.min(spec.max_linear),
            max_turn_rate: self.follow.max_turn_rate.min(spec.max_angular),
            ..FollowConfig::default()
        };
    }

    /// The robot's pose in the map frame and its speed, from the newest `/odom` and the
    /// simulator's map -> odom; none when stale or not finite.
    fn localise(&mut self, sim: &Simulator) -> Option<(Pose2, f64)> {
        let Some(odom) = &self.odom else {
            return Some((sim.pose(), sim.velocity().0.abs()));
        };
        if let Some(o) = odom.latest() {
            let p = o.pose.pose;
            let (x, y, yaw) = (p.position.x, p.position.y, p.orientation.yaw());
            let pose = match sim.config().map_to_odom {
                Some([ox, oy, oyaw]) => {
                    let (s, c) = oyaw.sin_cos();
                    Pose2::new(ox + c * x - s * y, oy + s * x + c * y, yaw + oyaw)
                }
                None => Pose2::new(x, y, yaw),
            };
            let speed = o.twist.twist.linear.x.abs();
            self.located = Some((pose, sim.time_ns(), speed));
        }
        let (pose, at, speed) = self.located?;
        let fresh = sim.time_ns() - at <= POSE_STALE_NS;
        let finite = pose.x.is_finite() && pose.y.is_finite() && pose.theta.is_finite();
        (fresh && finite && speed.is_finite()).then_some((pose, speed))
    }

    fn start(
        &mut self,
        key: GoalKey,
        goal: &NavigateToPoseGoal,
        sim: &Simulator,
        now: i64,
    ) -> Result<(), SimError> {
        self.count(|s| s.goals += 1);
        self.pose_lost_since = None;
        if let Some(old) = self.running.take() {
            // Nav2's navigator takes the newer goal and aborts the one it preempts.
            self.finish(old.key, GoalEnd::Aborted, 0, "preempted by a newer goal");
        }
        let frame = &goal.pose.header.frame_id;
        let map_frame = &sim.config().frames.map;
        if !frame.is_empty() && frame != map_frame {
            self.publish(0.0, 0.0)?;
            self.finish(
                key,
                GoalEnd::Aborted,
                codes::TF_ERROR,
                &format!("goal frame {frame:?} is not the global frame {map_frame:?}"),
            );
            return Ok(());
        }
        let p = goal.pose.pose;
        let target = V2::new(p.position.x, p.position.y);
        let Some((pose, _)) = self.localise(sim) else {
            // No pose yet: planned once one arrives (the progress checker's time runs).
            self.running = Some(Running {
                key,
                target,
                yaw: p.orientation.yaw(),
                started_ns: now,
                planned_ns: now - (self.config.replan_period_s * 1e9) as i64 - 1,
                follower: PurePursuit::new(vec![target], self.follow.clone()),
                xy_reached: false,
                moved: (V2::repeat(f64::NAN), now),
            });
            return Ok(());
        };
        match self.path(V2::new(pose.x, pose.y), target) {
            Ok(points) => {
                tracing::debug!(
                    key,
                    x = target.x,
                    y = target.y,
                    "simulated Nav2: goal accepted"
                );
                self.running = Some(Running {
                    key,
                    target,
                    yaw: p.orientation.yaw(),
                    started_ns: now,
                    planned_ns: now,
                    follower: PurePursuit::new(points, self.follow.clone()),
                    xy_reached: false,
                    moved: (V2::new(pose.x, pose.y), now),
                });
            }
            Err((code, why)) => {
                self.publish(0.0, 0.0)?;
                self.finish(key, GoalEnd::Aborted, code, &why);
            }
        }
        Ok(())
    }

    /// A path from `from` to `to` on the global costmap, or Nav2's planner error.
    fn path(&self, from: V2, to: V2) -> Result<Vec<V2>, (u16, String)> {
        let map = self.costmap.as_ref().expect("set up before goals");
        let (start, goal): (Cell, Cell) = (map.cell_of(from), map.cell_of(to));
        if !map.contains(start) {
            return Err((codes::START_OUTSIDE_MAP, "the robot is off the map".into()));
        }
        if !map.contains(goal) {
            return Err((
                codes::GOAL_OUTSIDE_MAP,
                format!("goal ({:.2}, {:.2}) is off the map", to.x, to.y),
            ));
        }
        if map.cost(goal) == LETHAL_COST {
            return Err((
                codes::GOAL_OCCUPIED,
                format!(
                    "goal ({:.2}, {:.2}) is in an obstacle or too close to one",
                    to.x, to.y
                ),
            ));
        }
        let cells = plan(map, start, goal).ok_or_else(|| {
            (
                codes::NO_VALID_PATH,
                format!("no valid path to ({:.2}, {:.2})", to.x, to.y),
            )
        })?;
        let mut points: Vec<V2> = cells.iter().map(|c| map.center_of(*c)).collect();
        // The goal itself, not its cell's centre, is where the path ends.
        if let Some(last) = points.last_mut() {
            *last = to;
        }
        Ok(points)
    }

    fn control(&mut self, sim: &Simulator, now: i64) -> Result<(), SimError> {
        if let Some(scan) = self.scan.latest() {
            match ScanPoints::from_scan(&scan) {
                Ok(p) => self.scan_points = Some(p.points),
                Err(e) => tracing::debug!(error = ?e, "simulated Nav2: scan refused"),
            }
        }
        let Some((pose, speed)) = self.localise(sim) else {
            // No pose: stand still, and give up once it has been missing too long.
            self.publish(0.0, 0.0)?;
            let since = *self.pose_lost_since.get_or_insert(now);
            if now - since > POSE_LOST_NS {
                return self.abort(
                    codes::TF_ERROR,
                    "the robot's pose has been unavailable (no fresh, finite /odom)",
                );
            }
            return Ok(());
        };
        self.pose_lost_since = None;
        let near = self.scan_points.as_ref().map(|scan| {
            // The keepout filter's zones count as obstacles for the controller's arc check.
            let (s, c) = pose.theta.sin_cos();
            let fence = self.fence.iter().map(|q| {
                let d = q - V2::new(pose.x, pose.y);
                V2::new(c * d.x + s * d.y, -s * d.x + c * d.y)
            });
            let points: Vec<V2> = scan.iter().copied().chain(fence).collect();
            NearbyPoints::new(&points, self.radius, 2.0 * self.follow.lookahead)
        });
        let at = V2::new(pose.x, pose.y);
        let c = self.config.clone();
        let run = self.running.as_mut().expect("a goal runs");
        let key = run.key;
        // The navigator replans on the same costmap at its rate.
        if !run.xy_reached && (now - run.planned_ns) as f64 >= c.replan_period_s * 1e9 {
            let target = run.target;
            run.planned_ns = now;
            match self.path(at, target) {
                Ok(points) => {
                    let run = self.running.as_mut().expect("a goal runs");
                    run.follower = PurePursuit::new(points, self.follow.clone());
                }
                Err((code, why)) => return self.abort(code, &why),
            }
        }
        let run = self.running.as_mut().expect("a goal runs");
        // Progress checker.
        if !run.moved.0.x.is_finite() || (at - run.moved.0).norm() >= c.required_movement_radius {
            run.moved = (at, now);
        } else if (now - run.moved.1) as f64 > c.movement_time_allowance_s * 1e9 {
            return self.abort(
                codes::FAILED_TO_MAKE_PROGRESS,
                &format!(
                    "failed to make progress: moved less than {} m in {} s",
                    c.required_movement_radius, c.movement_time_allowance_s
                ),
            );
        }
        run.xy_reached |= (run.target - at).norm() <= c.xy_goal_tolerance;
        let (v, w) = if run.xy_reached {
            let err = wrap_angle(run.yaw - pose.theta);
            if err.abs() <= c.yaw_goal_tolerance {
                self.running = None;
                self.publish(0.0, 0.0)?;
                self.finish(key, GoalEnd::Succeeded, 0, "");
                return Ok(());
            }
            // Rotate to the goal's heading in place, as Regulated Pure Pursuit does.
            let rate = self.follow.max_turn_rate;
            (0.0, (2.0 * err).clamp(-rate, rate))
        } else {
            match &near {
                Some(near) => run
                    .follower
                    .command_clear(at, pose.theta, near, self.radius),
                None => run.follower.command(at, pose.theta),
            }
        };
        let remaining = if run.xy_reached {
            0.0
        } else {
            run.follower.remaining(at)
        };
        let feedback = NavigateToPoseFeedback {
            current_pose: PoseStamped {
                header: Header::new(Time::from_nanos(now), sim.config().frames.map.clone()),
                pose: Pose::planar(pose.x, pose.y, pose.theta),
            },
            navigation_time: RosDuration::from_nanos(now - run.started_ns),
            estimated_time_remaining: RosDuration::from_nanos(if speed > 0.01 {
                (remaining / speed * 1e9) as i64
            } else {
                0
            }),
            number_of_recoveries: 0,
            distance_remaining: remaining as f32,
        };
        tracing::trace!(
            x = pose.x,
            y = pose.y,
            th = pose.theta,
            v,
            w,
            "simulated Nav2: command"
        );
        self.publish(v, w)?;
        self.server.reply(ServerReply::Feedback { key, feedback });
        self.count(|s| s.feedback += 1);
        Ok(())
    }

    fn abort(&mut self, code: u16, why: &str) -> Result<(), SimError> {
        if let Some(run) = self.running.take() {
            self.publish(0.0, 0.0)?;
            self.finish(run.key, GoalEnd::Aborted, code, why);
        }
        Ok(())
    }

    fn publish(&self, v: f64, w: f64) -> Result<(), SimError> {
        self.cmd_vel.publish(&Twist::planar(v, w))?;
        self.count(|s| s.last_command = (v, w));
        Ok(())
    }

    fn finish(&self, key: GoalKey, end: GoalEnd, code: u16, why: &str) {
        tracing::debug!(key, ?end, code, why, "simulated Nav2: goal ended");
        self.count(|s| match end {
            GoalEnd::Succeeded => s.succeeded += 1,
            GoalEnd::Aborted => {
                s.aborted += 1;
                s.last_error_code = Some(code);
            }
            GoalEnd::Canceled => s.canceled += 1,
        });
        self.server.reply(ServerReply::Finish {
            key,
            end,
            result: NavigateToPoseResult {
                error_code: code,
                error_msg: why.to_owned(),
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::SimNode;
    use crate::simulator::SimConfig;
    use embodia_ros::action::{ActionClient, ClientCommand, ClientEvent};
    use embodia_ros::bus::InProcBus;
    use embodia_ros::{Delivery, Subscription};
    use embodia_world::World;

    type Event = ClientEvent<NavigateToPoseFeedback, NavigateToPoseResult>;

    /// The two-room test world (a 1 m door at x = 3) with the simulated Nav2, and a client
    /// of it; the test forwards Nav2's velocity to the robot as the agent's gate would.
    struct Rig {
        node: SimNode,
        client: ActionClient<NavigateToPose>,
        nav_out: Subscription<Twist>,
        cmd_vel: Publisher<Twist>,
    }

    impl Rig {
        fn new(config: Nav2Config) -> Self {
            let world = World::parse(
                include_str!("../../launch/worlds/test_room.yaml"),
                "test_room.yaml",
            )
            .unwrap();
            let bus = InProcBus::new();
            let sim = Simulator::new(Arc::new(world), SimConfig::default()).unwrap();
            let mut node = SimNode::new(&bus, sim).unwrap();
            node.serve_nav2(Nav2Sim::new(&bus, config).unwrap());
            Self {
                node,
                client: bus
                    .action_client::<NavigateToPose>("/navigate_to_pose")
                    .unwrap(),
                nav_out: bus
                    .subscribe("/cmd_vel_nav", QosProfile::DEFAULT, Delivery::Latest)
                    .unwrap(),
                cmd_vel: bus.publisher("/cmd_vel", QosProfile::DEFAULT).unwrap(),
            }
        }

        fn send(&self, tag: u64, x: f64, y: f64, yaw: f64) {
            let goal = NavigateToPoseGoal {
                pose: PoseStamped {
                    header: Header::new(Time::default(), "map"),
                    pose: Pose::planar(x, y, yaw),
                },
                behavior_tree: String::new(),
            };
            assert!(self.client.command(ClientCommand::Send { tag, goal }));
        }

        /// Runs up to `seconds`, forwarding Nav2's commands, until `stop` says so.
        fn run(&mut self, seconds: f64, mut stop: impl FnMut(&[Event]) -> bool) -> Vec<Event> {
            let mut events = Vec::new();
            for _ in 0..(seconds * 100.0) as usize {
                if let Some(t) = self.nav_out.latest() {
                    self.cmd_vel.publish(&t).unwrap();
                }
                self.node.step().unwrap();
                events.extend(self.client.events().try_iter());
                if stop(&events) {
                    break;
                }
            }
            events
        }

        fn stats(&self) -> Nav2Stats {
            self.node.nav2_stats().unwrap()
        }
    }

    fn finished(events: &[Event]) -> bool {
        events
            .iter()
            .any(|e| matches!(e, ClientEvent::Finished { .. }))
    }

    #[test]
    fn a_goal_through_the_door_succeeds_within_nav2s_tolerances_with_feedback() {
        let mut rig = Rig::new(Nav2Config::default());
        rig.send(1, 4.5, 1.2, 1.57);
        let events = rig.run(60.0, finished);
        let Some(ClientEvent::Finished { end, result, .. }) = events.last() else {
            panic!("no result in 60 s: {:?}", rig.stats());
        };
        assert_eq!((*end, result.error_code), (GoalEnd::Succeeded, 0));
        let p = rig.node.sim().pose();
        assert!(
            (V2::new(p.x, p.y) - V2::new(4.5, 1.2)).norm() <= 0.25,
            "{p:?}"
        );
        assert!(wrap_angle(p.theta - 1.57).abs() <= 0.25, "{p:?}");
        assert_eq!(rig.node.sim().stats().collisions, 0);
        let feedback: Vec<&NavigateToPoseFeedback> = events
            .iter()
            .filter_map(|e| match e {
                ClientEvent::Feedback { feedback, .. } => Some(feedback),
                _ => None,
            })
            .collect();
        assert!(feedback.len() > 100, "{} feedback messages", feedback.len());
        let first = feedback[0];
        let last = feedback[feedback.len() - 1];
        // From (1, 1.5) through the door at (3, 2): about 4 m of path.
        assert!(first.distance_remaining > 3.5, "{first:?}");
        assert!(last.distance_remaining < 0.3, "{last:?}");
        assert!(last.navigation_time.sec > first.navigation_time.sec);
        assert_eq!(last.current_pose.header.frame_id, "map");
        assert_eq!(rig.stats().last_command, (0.0, 0.0), "stops at the end");
        assert_eq!(
            rig.nav_out.latest(),
            Some(Twist::default()),
            "a zero at the end"
        );
        rig.run(1.0, |_| false);
        assert_eq!(rig.nav_out.latest(), None, "and nothing after it");
    }

    #[test]
    fn no_path_aborts_with_the_planners_error_code_and_the_robot_stays() {
        // A footprint of 0.6 m does not fit through the 1 m door.
        let mut rig = Rig::new(Nav2Config {
            robot_radius: Some(0.6),
            ..Nav2Config::default()
        });
        rig.send(1, 4.5, 1.5, 0.0);
        let events = rig.run(2.0, finished);
        let Some(ClientEvent::Finished { end, result, .. }) = events.last() else {
            panic!("no result: {events:?}");
        };
        assert_eq!(*end, GoalEnd::Aborted);
        assert_eq!(result.error_code, codes::NO_VALID_PATH, "{result:?}");
        assert!(result.error_msg.contains("no valid path"));
        assert!(rig.node.sim().stats().distance_m < 0.01);
        // A goal inside a wall is occupied; one off the map is outside it.
        rig.send(2, 3.0, 0.5, 0.0);
        rig.send(3, 40.0, 0.5, 0.0);
        let codes: Vec<u16> = rig
            .run(1.0, |e| e.len() >= 4)
            .iter()
            .filter_map(|e| match e {
                ClientEvent::Finished { result, .. } => Some(result.error_code),
                _ => None,
            })
            .collect();
        assert_eq!(codes, vec![codes::GOAL_OUTSIDE_MAP]);
        assert_eq!(rig.stats().last_error_code, Some(codes::GOAL_OUTSIDE_MAP));
        assert_eq!(
            rig.stats().aborted,
            3,
            "the replaced goal's end reached nobody"
        );
    }

    #[test]
    fn cancel_stops_the_robot_with_a_zero_command() {
        let mut rig = Rig::new(Nav2Config::default());
        rig.send(1, 4.5, 1.2, 0.0);
        rig.run(3.0, |_| false);
        assert!(
            rig.node.sim().velocity().0 > 0.1,
            "driving before the cancel"
        );
        rig.client.command(ClientCommand::Cancel { tag: 1 });
        rig.run(1.0, |_| false);
        let s = rig.stats();
        assert_eq!((s.canceled, s.last_command), (1, (0.0, 0.0)));
        assert!(rig.node.sim().velocity().0.abs() < 0.01);
        let at = rig.node.sim().pose();
        rig.run(2.0, |_| false);
        assert_eq!(rig.node.sim().pose(), at, "stays stopped");
    }

    #[test]
    fn a_robot_held_in_place_fails_to_make_progress_after_the_allowance() {
        let mut rig = Rig::new(Nav2Config::default());
        rig.send(1, 4.5, 1.2, 0.0);
        let mut events = Vec::new();
        // Nobody forwards Nav2's commands: the robot never moves.
        for _ in 0..1200 {
            rig.node.step().unwrap();
            events.extend(rig.client.events().try_iter());
        }
        let ends: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                ClientEvent::Finished { end, result, .. } => Some((*end, result.error_code)),
                _ => None,
            })
            .collect();
        assert_eq!(
            ends,
            vec![(GoalEnd::Aborted, codes::FAILED_TO_MAKE_PROGRESS)]
        );
    }

    #[test]
    fn without_a_pose_nav2_stands_and_aborts_with_a_tf_error() {
        // Nothing publishes the odometry it localises with.
        let mut rig = Rig::new(Nav2Config {
            odom: Some("/odom_unpublished".into()),
            ..Nav2Config::default()
        });
        rig.send(1, 4.5, 1.2, 0.0);
        let events = rig.run(12.0, finished);
        assert!(rig.node.sim().stats().distance_m < 0.01);
        assert!(
            matches!(events.last(), Some(ClientEvent::Finished { end: GoalEnd::Aborted, result, .. })
                if result.error_code == codes::TF_ERROR),
            "{events:?}"
        );
    }
}
