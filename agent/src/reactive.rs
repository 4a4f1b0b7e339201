//! The reactive layer: at the control rate, perceive, run the active skill, pass its command
//! through the safety gate. It never waits on the deliberative layer: steps arrive on a
//! channel it polls, outcomes leave on a channel it never blocks on (lossless for step results
//! and speech, lossy for observations: see [`crate::inbox`]).
//!
//! **The deadman.** A running skill's command is stamped with the time the skill was asked for
//! it (the tick's start), and the gate judges it at the time it reaches the gate — the clock
//! is read again after the skill returns. A skill that overruns `deadman_s` (a stalled search
//! inside `navigate_to`, say) is stopped with `deadman`. With no step running, nothing is
//! missing: the reactive layer itself commands standing still, stamped when it decides so, so
//! an idle robot is not a fault. A skill that blocks the control thread outright blocks the
//! gate too; then no command at all reaches `/cmd_vel`, and the base's own `cmd_vel` timeout
//! must stop it, as after `kill -9`.

use std::sync::Arc;

use arc_swap::ArcSwap;
use crossbeam_channel::Receiver;
use embodia_actuation::cmd_vel::CmdVelPublisher;
use embodia_actuation::gate::InterventionCounts;
use embodia_actuation::skills::start;
use embodia_actuation::{
    Failure, GateInput, NavResources, Reason, SafetyGate, Skill, SkillCommand, SkillContext,
    SkillStatus,
};
use embodia_perception::{Perceiver, WorldState};
use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::{Pose, PoseStamped};
use embodia_ros::msg::nav_msgs::Path;
use embodia_ros::msg::std_msgs::{Bool, Header, String as RosString};
use embodia_ros::{Publisher, Subscription};
use embodia_world::V2;
use serde_json::json;

use crate::activity::Activity;
use crate::coverage_worker::CoverageWorker;
use crate::inbox::InboxSender;
pub use crate::messages::{DeliberativeInput, ReactiveCommand, ReactiveEvent};

/// A clock read inside a tick, ns.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Sends events to the deliberative side, counting them in for the lockstep runner.
pub trait EventSink: Send {
    /// Delivers one event (must not block).
    fn emit(&self, event: ReactiveEvent);
}

/// The reactive layer's state, advanced one tick at a time.
pub struct ReactiveCore<E> {
    perceiver: Perceiver,
    gate: SafetyGate<CmdVelPublisher>,
    nav: NavResources,
    active: Option<(u64, Box<dyn Skill>)>,
    commands: Receiver<ReactiveCommand>,
    events: E,
    say: Publisher<RosString>,
    safety: Publisher<RosString>,
    plan: Publisher<Path>,
    plan_frame: String,
    /// Whether the newest path published is a route still followed (cleared when its step
    /// ends).
    path_shown: bool,
    reset: Subscription<Bool>,
    snapshot: Arc<ArcSwap<WorldState>>,
    last_safety_publish: Option<(embodia_actuation::gate::Reasons, i64)>,
    clock: Option<Clock>,
    sensor_lost_ns: i64,
    /// Since when the gate has held the running step for want of fresh sensor data, and which.
    held_since: Option<(i64, Reason)>,
    /// Where the coverage grid is marked, when not in the tick.
    coverage: Option<CoverageWorker>,
    /// The pace the running step's task asked for, m/s.
    pace: Option<f64>,
}

/// How near a place to avoid the robot may stand and still have it avoided, m: nearer, the
/// robot is in its doorway and must be able to leave.
const AVOID_CLEAR_M: f64 = 0.6;

/// The regions of the places `names` as zones for the route planner, leaving out any the
/// robot stands in or at the edge of (it must be able to leave).
fn zones_to_avoid(names: &[String], world: &WorldState) -> Vec<embodia_world::Polygon> {
    let here = world.robot.map(|r| embodia_world::V2::new(r.x, r.y));
    world
        .semantic
        .places
        .iter()
        .filter(|p| names.iter().any(|n| p.is_called(n)))
        .map(|p| p.region.outline())
        .filter(|z| here.is_none_or(|h| !z.contains(h) && z.boundary_distance(h) >= AVOID_CLEAR_M))
        .collect()
}

/// A skill's command at a pace: scaled down, curvature kept, when its speed is above `pace`.
fn at_pace(v: f64, w: f64, pace: Option<f64>) -> (f64, f64) {
    match pace {
        Some(p) if v.abs() > p => {
            let k = p / v.abs();
            (v * k, w * k)
        }
        _ => (v, w),
    }
}

/// `points` as a `nav_msgs/Path` in `frame`, each pose heading to the next point (the last
/// keeps the heading of the last leg), as Nav2's planner publishes its plans.
pub fn path_message(points: &[V2], frame: &str, now_ns: i64) -> Path {
    let header = Header::new(Time::from_nanos(now_ns), frame);
    let mut heading = 0.0;
    let poses = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if let Some(next) = points.get(i + 1) {
                heading = (next.y - p.y).atan2(next.x - p.x);
            }
            PoseStamped {
                header: header.clone(),
                pose: Pose::planar(p.x, p.y, heading),
            }
        })
        .collect();
    Path { header, poses }
}

/// Handles the reactive core needs, made by the agent's wiring.
pub struct ReactiveParts<E> {
    /// Perception.
    pub perceiver: Perceiver,
    /// The gate around `/cmd_vel`.
    pub gate: SafetyGate<CmdVelPublisher>,
    /// Navigation parameters.
    pub nav: NavResources,
    /// Steps in.
    pub commands: Receiver<ReactiveCommand>,
    /// Outcomes out.
    pub events: E,
    /// `/agent/say`.
    pub say: Publisher<RosString>,
    /// `/agent/safety`.
    pub safety: Publisher<RosString>,
    /// `/plan`: the navigator's path.
    pub plan: Publisher<Path>,
    /// The frame the navigator plans in (the map frame).
    pub plan_frame: String,
    /// `/agent/safety_reset`.
    pub reset: Subscription<Bool>,
    /// Where the newest world state is shared with the deliberative side.
    pub snapshot: Arc<ArcSwap<WorldState>>,
    /// Read after the skill runs, so the gate sees how old the skill's command is by then.
    /// None when time moves only between ticks (lockstep simulation).
    pub clock: Option<Clock>,
    /// A step asking to move, held this long by the gate for want of fresh `/scan` or
    /// `/odom`, fails, s (`sensor_lost_s`).
    pub sensor_lost_s: f64,
    /// A worker marking the coverage grid, so the tick does not (wall-clock pacing); none:
    /// perception marks it in the tick (lockstep, deterministic).
    pub coverage: Option<CoverageWorker>,
}

impl<E: EventSink> ReactiveCore<E> {
    /// The core, idle.
    pub fn new(p: ReactiveParts<E>) -> Self {
        let mut perceiver = p.perceiver;
        if p.coverage.is_some() {
            perceiver.defer_coverage();
        }
        Self {
            perceiver,
            gate: p.gate,
            nav: p.nav,
            active: None,
            commands: p.commands,
            events: p.events,
            say: p.say,
            safety: p.safety,
            plan: p.plan,
            plan_frame: p.plan_frame,
            path_shown: false,
            reset: p.reset,
            snapshot: p.snapshot,
            last_safety_publish: None,
            clock: p.clock,
            sensor_lost_ns: (p.sensor_lost_s.max(0.0) * 1e9) as i64,
            held_since: None,
            pace: None,
            coverage: p.coverage,
        }
    }

    /// Interventions so far.
    pub fn interventions(&self) -> &InterventionCounts {
        self.gate.counts()
    }

    /// Whether a step is running.
    pub fn busy(&self) -> bool {
        self.active.is_some()
    }

    /// One control tick at `now_ns`.
    pub fn tick(&mut self, now_ns: i64) {
        let _span = tracing::trace_span!("reactive_tick", now_ns).entered();
        for obs in self.perceiver.update(now_ns) {
            self.events.emit(ReactiveEvent::Observed(obs));
        }
        if let Some(worker) = &mut self.coverage {
            worker.send(self.perceiver.take_coverage_jobs());
            self.perceiver.set_seen(worker.latest());
        }
        if self.reset.drain().iter().any(|b| b.data) {
            self.gate.reset();
        }
        while let Ok(cmd) = self.commands.try_recv() {
            match cmd {
                ReactiveCommand::Run {
                    id,
                    step,
                    max_speed_mps,
                    avoid,
                } => {
                    tracing::debug!(id, ?step, ?max_speed_mps, ?avoid, "step started");
                    self.nav
                        .set_avoid(zones_to_avoid(&avoid, self.perceiver.state()));
                    self.clear_path(now_ns);
                    self.active = Some((id, start(&step)));
                    self.pace = max_speed_mps.filter(|p| p.is_finite() && *p > 0.0);
                }
                ReactiveCommand::Cancel => self.active = None,
                ReactiveCommand::Recall(objects) => self.perceiver.recall_objects(objects),
                ReactiveCommand::Places(map) => self.perceiver.set_semantic(map),
            }
        }
        let world = self.perceiver.state();
        let (command, gate_now) = match &mut self.active {
            Some((id, skill)) => {
                let _span = tracing::trace_span!("skill", name = skill.name()).entered();
                let out = skill.tick(&mut SkillContext {
                    now_ns,
                    world,
                    nav: &mut self.nav,
                });
                if let Some(text) = out.say {
                    let _ = self.say.publish(&RosString { data: text.clone() });
                    self.events.emit(ReactiveEvent::Said(text));
                }
                if let Some(points) = &out.path {
                    let _ = self
                        .plan
                        .publish(&path_message(points, &self.plan_frame, now_ns));
                    self.path_shown = true;
                }
                if out.status != SkillStatus::Running {
                    self.events.emit(ReactiveEvent::StepFinished {
                        id: *id,
                        status: out.status,
                    });
                    self.active = None;
                }
                let (v, w) = at_pace(out.v, out.w, self.pace);
                let command = SkillCommand {
                    v,
                    w,
                    stamp_ns: now_ns,
                };
                (
                    command,
                    self.clock.as_ref().map_or(now_ns, |c| c().max(now_ns)),
                )
            }
            None => {
                // Idle: standing still is this layer's own command, made now.
                let at = self.clock.as_ref().map_or(now_ns, |c| c().max(now_ns));
                let hold = SkillCommand {
                    v: 0.0,
                    w: 0.0,
                    stamp_ns: at,
                };
                (hold, at)
            }
        };
        let out = self.gate.drive(&GateInput {
            now_ns: gate_now,
            command: Some(command),
            scan: world.scan.as_deref(),
            robot: world.robot.as_ref(),
            keep_out: &world.semantic.keep_out,
            estop_requested: world.estop_requested,
        });
        self.snapshot.store(Arc::new(world.clone()));
        self.end_step_if_latched();
        if self.active.is_none() {
            self.clear_path(now_ns);
        }
        let asks_to_move = command.v != 0.0 || command.w != 0.0;
        self.end_step_if_sensor_lost(out.reasons, asks_to_move, gate_now);
        self.publish_safety(
            out.reasons,
            gate_now,
            (command.v, command.w),
            (out.v, out.w),
        );
    }

    /// Publishes an empty path when the one shown is no longer followed.
    fn clear_path(&mut self, now_ns: i64) {
        if std::mem::take(&mut self.path_shown) {
            let _ = self
                .plan
                .publish(&path_message(&[], &self.plan_frame, now_ns));
        }
    }

    /// A latched stop (emergency stop, collision, loss of control, internal error) holds the
    /// robot until an operator's `/agent/safety_reset`: the running step cannot finish, so it
    /// fails now, not retryable, with the latch named — the task ends with that reason instead
    /// of "running" forever, and nothing a planner says releases the latch.
    fn end_step_if_latched(&mut self) {
        let latched = self.gate.latched();
        if latched.is_empty() {
            return;
        }
        if let Some((id, skill)) = self.active.take() {
            let names: Vec<&str> = latched.iter().map(Reason::name).collect();
            tracing::warn!(id, skill = skill.name(), latched = ?names, "step ended by a latched safety stop");
            self.events.emit(ReactiveEvent::StepFinished {
                id,
                status: SkillStatus::Failed(Failure::permanent(format!(
                    "the safety gate holds a latched stop ({}) until /agent/safety_reset",
                    names.join(", ")
                ))),
            });
        }
    }

    /// A sensor that stays silent (a dead `/scan` or `/odom` publisher) holds the robot at the
    /// gate's watchdog for good; the running step would only end by its own timeout (20 s
    /// without progress, then retried). Held `sensor_lost_s` while asking to move, it fails
    /// now, not retryable — replanning does not bring a sensor back — naming the topic. A
    /// shorter outage (fresh data again within the bound) leaves the step running.
    fn end_step_if_sensor_lost(
        &mut self,
        reasons: embodia_actuation::gate::Reasons,
        asks_to_move: bool,
        now_ns: i64,
    ) {
        let stale = [Reason::StaleScan, Reason::StaleOdometry]
            .into_iter()
            .find(|r| reasons.contains(*r));
        let (Some(reason), true, true) = (stale, asks_to_move, self.active.is_some()) else {
            self.held_since = None;
            return;
        };
        let since = match self.held_since {
            Some((since, held)) if held == reason => since,
            _ => {
                self.held_since = Some((now_ns, reason));
                now_ns
            }
        };
        if now_ns - since < self.sensor_lost_ns {
            return;
        }
        self.held_since = None;
        if let Some((id, skill)) = self.active.take() {
            let topic = if reason == Reason::StaleScan {
                "/scan"
            } else {
                "/odom"
            };
            let held_s = (now_ns - since) as f64 * 1e-9;
            tracing::warn!(
                id,
                skill = skill.name(),
                topic,
                held_s,
                "step ended: a sensor is silent"
            );
            self.events.emit(ReactiveEvent::StepFinished {
                id,
                status: SkillStatus::Failed(Failure::permanent(format!(
                    "no fresh {topic} for {held_s:.1} s after the safety gate stopped the robot (the sensor stopped publishing?)"
                ))),
            });
        }
    }

    /// Publishes interventions on `/agent/safety`: when the set of reasons changes, and once a
    /// second while it lasts. Routine acceleration smoothing alone is not published.
    fn publish_safety(
        &mut self,
        reasons: embodia_actuation::gate::Reasons,
        now_ns: i64,
        asked: (f64, f64),
        sent: (f64, f64),
    ) {
        let notable = reasons.iter().any(|r| r != Reason::AccelLimited);
        let changed = self
            .last_safety_publish
            .is_none_or(|(last, at)| last != reasons || now_ns - at >= 1_000_000_000);
        if !notable || !changed {
            if !notable {
                self.last_safety_publish = None;
            }
            return;
        }
        self.last_safety_publish = Some((reasons, now_ns));
        let msg = json!({
            "stamp_ns": now_ns,
            "reasons": reasons,
            "asked": [asked.0, asked.1],
            "sent": [sent.0, sent.1],
            "latched": self.gate.latched(),
        });
        let _ = self.safety.publish(&RosString {
            data: msg.to_string(),
        });
    }
}

/// An [`EventSink`] into the deliberative layer's inbox that counts each event in
/// [`Activity`] until it has been handled. Step results and speech are never dropped;
/// observations are when the deliberative layer is behind (and counted).
pub struct InboxEvents {
    inbox: InboxSender,
    activity: Arc<Activity>,
}

impl InboxEvents {
    /// Events into `inbox`, counted in `activity`.
    pub fn new(inbox: InboxSender, activity: Arc<Activity>) -> Self {
        Self { inbox, activity }
    }
}

impl EventSink for InboxEvents {
    fn emit(&self, event: ReactiveEvent) {
        self.activity.enter();
        let delivered = match event {
            ReactiveEvent::Observed(observation) => self.inbox.offer_observation(observation),
            lifecycle => self.inbox.send(DeliberativeInput::Event(lifecycle)),
        };
        if !delivered {
            self.activity.exit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_actuation::Step;
    use embodia_perception::{Observation, ObservationKind};

    fn sighting(i: usize) -> Observation {
        Observation {
            stamp_ns: i as i64,
            kind: ObservationKind::ObjectSeen,
            text: format!("saw thing {i}"),
            robot_pose: (0.0, 0.0, 0.0),
            place: None,
            object_name: Some(format!("thing {i}")),
            object_class: Some("thing".into()),
            object_position: Some((1.0, 2.0)),
            object_color: None,
            source_topic: "/detections".into(),
        }
    }

    use embodia_actuation::GateConfig;
    use embodia_perception::{PerceptionConfig, SemanticMap};
    use embodia_ros::bus::InProcBus;
    use embodia_ros::msg::builtin_interfaces::Time;
    use embodia_ros::msg::nav_msgs::Odometry;
    use embodia_ros::msg::sensor_msgs::LaserScan;
    use embodia_ros::msg::std_msgs::Header;
    use embodia_ros::{Bus, Delivery, QosProfile};
    use std::sync::atomic::{AtomicI64, Ordering};

    const MS: i64 = 1_000_000;

    /// A reactive core on the in-process bus, fed fresh sensors each tick, with a clock whose
    /// reading after the skill ran is `late` behind the tick's start.
    struct Rig {
        core: ReactiveCore<InboxEvents>,
        commands: crossbeam_channel::Sender<ReactiveCommand>,
        scan: Publisher<LaserScan>,
        odom: Publisher<Odometry>,
        estop: Publisher<Bool>,
        clock: Arc<AtomicI64>,
        now: i64,
        inbox: crate::inbox::Inbox,
        /// The lidar publishes (false: silent, and the robot, stopped by the gate, stands).
        scanning: bool,
        /// Where odometry says the robot is along x, m.
        x: f64,
    }

    impl Rig {
        fn new() -> Self {
            let bus = InProcBus::new();
            let config = PerceptionConfig::default();
            let (commands, rx) = crossbeam_channel::unbounded();
            let (tx, inbox) = crate::inbox::inbox(16);
            let clock = Arc::new(AtomicI64::new(0));
            let read = clock.clone();
            let core = ReactiveCore::new(ReactiveParts {
                perceiver: Perceiver::new(&bus, Arc::new(SemanticMap::default()), config.clone())
                    .unwrap(),
                gate: SafetyGate::new(
                    GateConfig::default(),
                    CmdVelPublisher::new(&bus, "/cmd_vel", false, "base_link").unwrap(),
                )
                .unwrap(),
                nav: NavResources::new(0.18, 0.45),
                commands: rx,
                events: InboxEvents::new(tx, Arc::new(Activity::default())),
                say: bus.publisher("/agent/say", QosProfile::DEFAULT).unwrap(),
                safety: bus.publisher("/agent/safety", QosProfile::DEFAULT).unwrap(),
                plan: bus.publisher("/plan", QosProfile::DEFAULT).unwrap(),
                plan_frame: "map".into(),
                reset: bus
                    .subscribe(
                        "/agent/safety_reset",
                        QosProfile::DEFAULT,
                        Delivery::Queue(8),
                    )
                    .unwrap(),
                snapshot: Arc::new(ArcSwap::from_pointee(WorldState::default())),
                clock: Some(Arc::new(move || read.load(Ordering::SeqCst))),
                sensor_lost_s: 3.0,
                coverage: None,
            });
            Self {
                core,
                commands,
                scan: bus
                    .publisher(&config.topics.scan, QosProfile::SENSOR_DATA)
                    .unwrap(),
                odom: bus
                    .publisher(&config.topics.odom, QosProfile::SENSOR_DATA)
                    .unwrap(),
                estop: bus
                    .publisher(&config.topics.emergency_stop, QosProfile::DEFAULT)
                    .unwrap(),
                clock,
                now: 1_000 * MS,
                inbox,
                scanning: true,
                x: 0.0,
            }
        }

        /// One 50 ms tick whose skill takes `late_ms` to answer; the gate's reasons.
        fn tick(&mut self, late_ms: i64) -> embodia_actuation::gate::Reasons {
            self.now += 50 * MS;
            let stamp = Time::from_nanos(self.now);
            if self.scanning {
                self.scan
                    .publish(&LaserScan {
                        header: Header::new(stamp, ""),
                        angle_min: -std::f32::consts::PI,
                        angle_increment: std::f32::consts::TAU / 360.0,
                        angle_max: std::f32::consts::PI - std::f32::consts::TAU / 360.0,
                        range_min: 0.12,
                        range_max: 12.0,
                        ranges: vec![f32::INFINITY; 360],
                        ..Default::default()
                    })
                    .unwrap();
            }
            let mut odom = Odometry {
                header: Header::new(stamp, "odom"),
                ..Default::default()
            };
            odom.pose.pose.orientation.w = 1.0;
            if self.scanning {
                self.x += 0.01;
            }
            odom.pose.pose.position.x = self.x;
            self.odom.publish(&odom).unwrap();
            self.clock.store(self.now + late_ms * MS, Ordering::SeqCst);
            let before = self.core.interventions().clone();
            self.core.tick(self.now);
            let after = self.core.interventions();
            let mut reasons = embodia_actuation::gate::Reasons::default();
            for r in Reason::ALL {
                if after.ticks.get(r.name()) != before.ticks.get(r.name()) {
                    reasons.insert(r);
                }
            }
            reasons
        }
    }

    #[test]
    fn a_skill_command_older_than_deadman_s_at_the_gate_stops_the_robot() {
        let mut rig = Rig::new();
        rig.commands
            .send(ReactiveCommand::Run {
                id: 1,
                step: Step::Move { metres: 2.0 },
                max_speed_mps: None,
                avoid: Vec::new(),
            })
            .unwrap();
        assert!(
            !rig.tick(0).contains(Reason::Deadman),
            "on time: no deadman"
        );
        // The skill answers 280 ms after it was asked (deadman_s = 0.25): its command is
        // stale by the time it reaches the gate.
        let reasons = rig.tick(280);
        assert!(reasons.contains(Reason::Deadman), "{reasons:?}");
        assert!(rig.core.busy(), "the step itself goes on");
        assert!(!rig.tick(10).contains(Reason::Deadman), "on time again");
    }

    #[test]
    fn a_pace_scales_a_faster_command_down_keeping_its_curve_and_never_speeds_one_up() {
        let (v, w) = at_pace(0.5, 1.0, Some(0.25));
        assert!((v - 0.25).abs() < 1e-12 && (w - 0.5).abs() < 1e-12);
        let (v, w) = at_pace(-0.4, 0.2, Some(0.2));
        assert!((v + 0.2).abs() < 1e-12 && (w - 0.1).abs() < 1e-12);
        assert_eq!(at_pace(0.1, 0.3, Some(0.25)), (0.1, 0.3));
        // Turning on the spot is not driving fast.
        assert_eq!(at_pace(0.0, 1.2, Some(0.25)), (0.0, 1.2));
        assert_eq!(at_pace(0.5, 0.0, None), (0.5, 0.0));
    }

    #[test]
    fn an_idle_agent_is_not_a_deadman_fault() {
        let mut rig = Rig::new();
        for _ in 0..5 {
            let reasons = rig.tick(280);
            assert!(reasons.is_empty(), "idle and standing still: {reasons:?}");
        }
        assert!(!rig.core.busy());
    }

    /// The step results the deliberative side has been sent so far.
    fn step_results(inbox: &mut crate::inbox::Inbox) -> Vec<(u64, SkillStatus)> {
        std::iter::from_fn(|| inbox.try_recv())
            .filter_map(|i| match i {
                DeliberativeInput::Event(ReactiveEvent::StepFinished { id, status }) => {
                    Some((id, status))
                }
                _ => None,
            })
            .collect()
    }

    /// Regression (issue 17 fault matrix, `estop-pressed-released`, `wheel-slip-long`): the
    /// gate held the robot on a latched stop but the step went on "running", so the task
    /// never ended.
    #[test]
    fn a_latched_stop_ends_the_running_step_with_its_reason() {
        let mut rig = Rig::new();
        let move_two = |id| ReactiveCommand::Run {
            id,
            step: Step::Move { metres: 2.0 },
            max_speed_mps: None,
            avoid: Vec::new(),
        };
        rig.commands.send(move_two(3)).unwrap();
        rig.tick(0);
        assert!(step_results(&mut rig.inbox).is_empty(), "running");
        rig.estop.publish(&Bool { data: true }).unwrap();
        assert!(rig.tick(0).contains(Reason::EmergencyStop));
        rig.estop.publish(&Bool { data: false }).unwrap();
        assert!(!rig.core.busy());
        let results = step_results(&mut rig.inbox);
        let [(3, SkillStatus::Failed(f))] = results.as_slice() else {
            panic!("{results:?}");
        };
        assert!(!f.retryable, "a replan cannot release the latch");
        assert!(f.reason.contains("emergency_stop"), "{}", f.reason);
        assert!(f.reason.contains("/agent/safety_reset"), "{}", f.reason);
        // A new step is refused the same way while the latch holds (released button or not).
        rig.commands.send(move_two(4)).unwrap();
        rig.tick(0);
        assert!(matches!(
            step_results(&mut rig.inbox).as_slice(),
            [(4, SkillStatus::Failed(_))]
        ));
    }

    /// Issue 17: a dead `/scan` failed its task only after about 60 s (20 s without progress,
    /// twice replanned). Held by the gate `sensor_lost_s` (3 s here) while asking to move, the step
    /// fails, not retryable, naming the topic; an outage shorter than that leaves it running.
    #[test]
    fn a_silent_lidar_fails_the_moving_step_within_sensor_lost_s_and_a_short_outage_does_not() {
        let mut rig = Rig::new();
        rig.commands
            .send(ReactiveCommand::Run {
                id: 5,
                step: Step::Move { metres: 20.0 },
                max_speed_mps: None,
                avoid: Vec::new(),
            })
            .unwrap();
        rig.tick(0);
        // 2.5 s without scans (the gate stops after 0.5 s, so held 2 s): the step goes on.
        rig.scanning = false;
        for _ in 0..50 {
            rig.tick(0);
        }
        rig.scanning = true;
        for _ in 0..20 {
            rig.tick(0);
        }
        assert!(rig.core.busy(), "a short outage does not end the step");
        assert!(step_results(&mut rig.inbox).is_empty());
        // The lidar dies: the gate stops after max_scan_age_s, the step fails 3 s later.
        rig.scanning = false;
        let mut ticks = 0;
        while rig.core.busy() {
            rig.tick(0);
            ticks += 1;
            assert!(
                ticks <= 72,
                "still running {} s after the last scan",
                ticks as f64 * 0.05
            );
        }
        assert!(
            ticks >= 70,
            "failed early: {ticks} ticks: {:?}",
            step_results(&mut rig.inbox)
        );
        let results = step_results(&mut rig.inbox);
        let [(5, SkillStatus::Failed(f))] = results.as_slice() else {
            panic!("{results:?}");
        };
        assert!(!f.retryable, "replanning does not bring a sensor back");
        assert!(f.reason.contains("/scan"), "{}", f.reason);
    }

    /// Regression (issue 17): step results shared a bounded queue with observations and were
    /// dropped when it was full, leaving the task unfinished forever.
    #[test]
    fn a_step_result_is_delivered_even_when_observations_flood_the_inbox() {
        let (tx, mut rx) = crate::inbox::inbox(crate::inbox::OBSERVATION_CAPACITY);
        let activity = Arc::new(Activity::default());
        let events = InboxEvents::new(tx.clone(), activity.clone());
        for i in 0..10_000 {
            events.emit(ReactiveEvent::Observed(sighting(i)));
        }
        events.emit(ReactiveEvent::StepFinished {
            id: 7,
            status: SkillStatus::Succeeded,
        });
        let mut step_results = 0;
        let mut observations = 0;
        while let Some(input) = rx.try_recv() {
            match input {
                DeliberativeInput::Event(ReactiveEvent::StepFinished { id: 7, .. }) => {
                    assert_eq!(observations, 0, "the step result comes first");
                    step_results += 1
                }
                DeliberativeInput::Event(ReactiveEvent::Observed(_)) => observations += 1,
                other => panic!("unexpected {other:?}"),
            }
            activity.exit();
        }
        assert_eq!(step_results, 1, "the step result was lost");
        assert_eq!(observations, crate::inbox::OBSERVATION_CAPACITY);
        assert_eq!(
            tx.dropped_observations(),
            10_000 - crate::inbox::OBSERVATION_CAPACITY as u64,
            "dropped observations are counted"
        );
        assert!(
            activity.wait_idle(std::time::Duration::ZERO),
            "every input was counted out"
        );
    }
}
