//! Faults injected between the simulator and the agent, on simulated time.
//!
//! The simulator stays ground truth; a fault changes what the agent receives (a sensor topic
//! dropped, frozen, delayed, corrupted or gone for good; a clock jump; an emergency stop), what
//! the robot does with the agent's commands (wheel slip), when the agent's control loop gets to
//! run (starvation), or what its planner answers (a stall past the deadline, garbage) — the
//! last through [`FaultyPlanner`], a wrapper around the real planner. Every fault is timed in
//! simulated seconds and every random choice is seeded by the scenario's seed, so a fault
//! scenario runs the same every time.
//!
//! The harness routes the simulator's topics through a [`FaultRelay`]: the simulator
//! publishes on its own bus, the relay forwards each message (or not, or another one) onto the
//! agent's bus, and the agent's `/cmd_vel` back. With no fault active the relay forwards
//! everything unchanged within the same physics step, so a run without faults is the run it
//! always was.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use embodia_actuation::{Plan, Step};
use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::{Twist, TwistStamped};
use embodia_ros::msg::nav_msgs::{OccupancyGrid, Odometry};
use embodia_ros::msg::rosgraph_msgs::Clock;
use embodia_ros::msg::sensor_msgs::{BatteryState, LaserScan};
use embodia_ros::msg::std_msgs::Bool;
use embodia_ros::msg::tf2_msgs::TFMessage;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Bus, BusError, Delivery, Message, Publisher, QosProfile, Subscription};
use embodia_sim::node::topics;
use serde::{Deserialize, Serialize};

use crate::planner::{PlanRequest, Planner, PlannerError};

const NS: f64 = 1e9;

/// A sensor topic a fault can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SensorTopic {
    /// `/scan`.
    Scan,
    /// `/odom` (and `/tf`, published with it).
    Odom,
    /// `/detections`.
    Detections,
    /// `/battery_state`.
    Battery,
}

impl SensorTopic {
    /// The topic's name.
    pub fn name(self) -> &'static str {
        match self {
            SensorTopic::Scan => topics::SCAN,
            SensorTopic::Odom => topics::ODOM,
            SensorTopic::Detections => topics::DETECTIONS,
            SensorTopic::Battery => topics::BATTERY,
        }
    }

    const ALL: [SensorTopic; 4] = [
        SensorTopic::Scan,
        SensorTopic::Odom,
        SensorTopic::Detections,
        SensorTopic::Battery,
    ];
}

/// What a corrupted message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Corruption {
    /// Every value NaN (scan ranges; odometry pose and twist).
    Nan,
    /// Every value +infinity (a scan of "no return"; odometry off to infinity).
    PosInf,
    /// Every value -infinity (a scan of "too close").
    NegInf,
    /// Seeded random nonsense: ranges of the wrong length or sign, angles that do not add up,
    /// poses that jump tens of metres, a zero quaternion.
    Garbage,
}

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FaultAction {
    /// The topic's messages are lost for `for_s`.
    Drop {
        /// Topic.
        topic: SensorTopic,
        /// Seconds.
        for_s: f64,
    },
    /// The topic repeats its last message (stamps included) for `for_s`.
    Freeze {
        /// Topic.
        topic: SensorTopic,
        /// Seconds.
        for_s: f64,
    },
    /// The topic's messages arrive `by_s` late, for those sent during `for_s`.
    Delay {
        /// Topic.
        topic: SensorTopic,
        /// Seconds.
        for_s: f64,
        /// Delay, s.
        by_s: f64,
    },
    /// The clock (the agent's and every stamp) jumps by `by_s` (negative: back) and stays.
    ClockJump {
        /// Seconds.
        by_s: f64,
    },
    /// The topic's messages are corrupted for `for_s`.
    Corrupt {
        /// Topic (`/scan` or `/odom`).
        topic: SensorTopic,
        /// Seconds.
        for_s: f64,
        /// How.
        value: Corruption,
    },
    /// The topic's publisher dies: nothing more, ever.
    Die {
        /// Topic.
        topic: SensorTopic,
    },
    /// The wheels spin without moving the robot for `for_s`.
    WheelSlip {
        /// Seconds.
        for_s: f64,
    },
    /// Plans asked for during `for_s` come back only after the deadline has passed.
    PlannerStall {
        /// Seconds.
        for_s: f64,
    },
    /// Plans asked for during `for_s` come back as garbage.
    PlannerGarbage {
        /// Seconds.
        for_s: f64,
    },
    /// The control thread is starved: the tick due at `at_s` runs `delay_ms` late.
    Starve {
        /// Milliseconds.
        delay_ms: f64,
    },
    /// An emergency stop is pressed (`/emergency_stop` true) and released after `for_s`.
    EmergencyStop {
        /// Seconds held.
        for_s: f64,
    },
    /// The memory file cannot be written for `for_s`: the kernel refuses its writes (see
    /// [`embodia_memory::switched`]); the episode keeps its memory in a file for this.
    MemoryUnwritable {
        /// Seconds.
        for_s: f64,
    },
}

/// One timed injection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fault {
    /// When it starts, simulated seconds.
    pub at_s: f64,
    /// What it does.
    #[serde(flatten)]
    pub action: FaultAction,
}

/// A `faults:` entry as written (`- {at_s: 5, kind: drop, topic: /scan, for_s: 3}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultEntry {
    at_s: f64,
    kind: String,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    for_s: Option<f64>,
    #[serde(default)]
    by_s: Option<f64>,
    #[serde(default)]
    delay_ms: Option<f64>,
    #[serde(default)]
    value: Option<String>,
}

/// Why a `faults:` entry is refused: the field, what is wrong, how to mend it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EntryProblem {
    pub field: &'static str,
    pub problem: String,
    pub fix: String,
}

const KINDS: &str = "drop, freeze, delay, clock_jump, corrupt, die, wheel_slip, planner_stall, planner_garbage, starve, emergency_stop, memory_unwritable";

impl FaultEntry {
    /// The fault this entry describes, or what is wrong with it.
    pub(crate) fn check(&self) -> Result<Fault, EntryProblem> {
        let bad = |field, problem: String, fix: &str| EntryProblem {
            field,
            problem,
            fix: fix.to_owned(),
        };
        if !(self.at_s.is_finite() && self.at_s >= 0.0) {
            return Err(bad(
                "at_s",
                format!("{} is not a time", self.at_s),
                "give simulated seconds from the start, 0 or more",
            ));
        }
        let uses: &[&str] = match self.kind.as_str() {
            "drop" | "freeze" => &["topic", "for_s"],
            "delay" => &["topic", "for_s", "by_s"],
            "clock_jump" => &["by_s"],
            "corrupt" => &["topic", "for_s", "value"],
            "die" => &["topic"],
            "wheel_slip" | "planner_stall" | "planner_garbage" | "emergency_stop"
            | "memory_unwritable" => &["for_s"],
            "starve" => &["delay_ms"],
            other => {
                return Err(bad(
                    "kind",
                    format!("unknown fault kind {other:?}"),
                    &format!("use one of {KINDS}"),
                ));
            }
        };
        let given = [
            ("topic", self.topic.is_some()),
            ("for_s", self.for_s.is_some()),
            ("by_s", self.by_s.is_some()),
            ("delay_ms", self.delay_ms.is_some()),
            ("value", self.value.is_some()),
        ];
        for (name, present) in given {
            if present && !uses.contains(&name) {
                return Err(bad(
                    name,
                    format!("kind {} takes no {name}", self.kind),
                    &format!("remove it; kind {} takes {}", self.kind, uses.join(", ")),
                ));
            }
            if !present && uses.contains(&name) {
                return Err(bad(
                    name,
                    format!("kind {} needs {name}", self.kind),
                    &format!("add it; kind {} takes {}", self.kind, uses.join(", ")),
                ));
            }
        }
        let seconds = |field, v: Option<f64>| match v {
            Some(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
            other => Err(bad(
                field,
                format!("{other:?} is not a positive duration"),
                "give seconds, more than 0 and at most 3600",
            )),
        };
        let topic = || {
            let name = self.topic.as_deref().unwrap_or_default();
            if name == topics::CLOCK {
                return Err(bad(
                    "topic",
                    "the agent in eval runs in lockstep and never reads /clock".into(),
                    "use kind clock_jump to move the agent's time",
                ));
            }
            SensorTopic::ALL
                .into_iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| {
                    bad(
                        "topic",
                        format!("{name:?} is not a sensor topic faults can act on"),
                        "use /scan, /odom, /detections or /battery_state",
                    )
                })
        };
        let action = match self.kind.as_str() {
            "drop" => FaultAction::Drop {
                topic: topic()?,
                for_s: seconds("for_s", self.for_s)?,
            },
            "freeze" => FaultAction::Freeze {
                topic: topic()?,
                for_s: seconds("for_s", self.for_s)?,
            },
            "delay" => FaultAction::Delay {
                topic: topic()?,
                for_s: seconds("for_s", self.for_s)?,
                by_s: seconds("by_s", self.by_s)?,
            },
            "clock_jump" => match self.by_s {
                Some(s) if s.is_finite() && s != 0.0 && s.abs() <= 3600.0 => {
                    FaultAction::ClockJump { by_s: s }
                }
                other => {
                    return Err(bad(
                        "by_s",
                        format!("{other:?} is not a jump"),
                        "give seconds, not 0, at most 3600 either way (negative jumps back)",
                    ));
                }
            },
            "corrupt" => {
                let topic = topic()?;
                if !matches!(topic, SensorTopic::Scan | SensorTopic::Odom) {
                    return Err(bad(
                        "topic",
                        format!("corrupt acts on /scan or /odom, not {}", topic.name()),
                        "use /scan or /odom",
                    ));
                }
                let value = match self.value.as_deref() {
                    Some("nan") => Corruption::Nan,
                    Some("pos_inf") => Corruption::PosInf,
                    Some("neg_inf") => Corruption::NegInf,
                    Some("garbage") => Corruption::Garbage,
                    other => {
                        return Err(bad(
                            "value",
                            format!("{other:?} is not a corruption"),
                            "use nan, pos_inf, neg_inf or garbage",
                        ));
                    }
                };
                FaultAction::Corrupt {
                    topic,
                    for_s: seconds("for_s", self.for_s)?,
                    value,
                }
            }
            "die" => FaultAction::Die { topic: topic()? },
            "wheel_slip" => FaultAction::WheelSlip {
                for_s: seconds("for_s", self.for_s)?,
            },
            "planner_stall" => FaultAction::PlannerStall {
                for_s: seconds("for_s", self.for_s)?,
            },
            "planner_garbage" => FaultAction::PlannerGarbage {
                for_s: seconds("for_s", self.for_s)?,
            },
            "emergency_stop" => FaultAction::EmergencyStop {
                for_s: seconds("for_s", self.for_s)?,
            },
            "memory_unwritable" => FaultAction::MemoryUnwritable {
                for_s: seconds("for_s", self.for_s)?,
            },
            "starve" => match self.delay_ms {
                Some(ms) if ms.is_finite() && ms > 0.0 && ms <= 10_000.0 => {
                    FaultAction::Starve { delay_ms: ms }
                }
                other => {
                    return Err(bad(
                        "delay_ms",
                        format!("{other:?} is not a delay"),
                        "give milliseconds, more than 0 and at most 10000",
                    ));
                }
            },
            _ => unreachable!("kinds checked above"),
        };
        Ok(Fault {
            at_s: self.at_s,
            action,
        })
    }
}

impl Fault {
    fn start_ns(&self) -> i64 {
        (self.at_s * NS).round() as i64
    }

    /// When it ends, ns (never, for a publisher that died; at once, for a jump).
    fn end_ns(&self) -> i64 {
        let span = match self.action {
            FaultAction::Drop { for_s, .. }
            | FaultAction::Freeze { for_s, .. }
            | FaultAction::Delay { for_s, .. }
            | FaultAction::Corrupt { for_s, .. }
            | FaultAction::WheelSlip { for_s }
            | FaultAction::PlannerStall { for_s }
            | FaultAction::PlannerGarbage { for_s }
            | FaultAction::EmergencyStop { for_s }
            | FaultAction::MemoryUnwritable { for_s } => for_s,
            FaultAction::Starve { delay_ms } => delay_ms * 1e-3,
            FaultAction::Die { .. } => return i64::MAX,
            FaultAction::ClockJump { .. } => 0.0,
        };
        self.start_ns() + (span * NS).round() as i64
    }

    /// Whether it is in force at `now_ns` (simulated time, ground truth).
    pub fn active(&self, now_ns: i64) -> bool {
        (self.start_ns()..self.end_ns()).contains(&now_ns)
    }

    /// The kind's name as scenario files write it.
    pub fn kind(&self) -> &'static str {
        match self.action {
            FaultAction::Drop { .. } => "drop",
            FaultAction::Freeze { .. } => "freeze",
            FaultAction::Delay { .. } => "delay",
            FaultAction::ClockJump { .. } => "clock_jump",
            FaultAction::Corrupt { .. } => "corrupt",
            FaultAction::Die { .. } => "die",
            FaultAction::WheelSlip { .. } => "wheel_slip",
            FaultAction::PlannerStall { .. } => "planner_stall",
            FaultAction::PlannerGarbage { .. } => "planner_garbage",
            FaultAction::Starve { .. } => "starve",
            FaultAction::EmergencyStop { .. } => "emergency_stop",
            FaultAction::MemoryUnwritable { .. } => "memory_unwritable",
        }
    }

    fn topic(&self) -> Option<SensorTopic> {
        match self.action {
            FaultAction::Drop { topic, .. }
            | FaultAction::Freeze { topic, .. }
            | FaultAction::Delay { topic, .. }
            | FaultAction::Corrupt { topic, .. }
            | FaultAction::Die { topic } => Some(topic),
            _ => None,
        }
    }
}

/// The clock offset in force at `now_ns`: every jump so far, added up, ns.
pub fn clock_offset_ns(faults: &[Fault], now_ns: i64) -> i64 {
    faults
        .iter()
        .filter(|f| f.start_ns() <= now_ns)
        .filter_map(|f| match f.action {
            FaultAction::ClockJump { by_s } => Some((by_s * NS).round() as i64),
            _ => None,
        })
        .sum()
}

/// Whether the control tick due at `now_ns` cannot run (the thread is starved).
pub fn starved(faults: &[Fault], now_ns: i64) -> bool {
    faults
        .iter()
        .any(|f| matches!(f.action, FaultAction::Starve { .. }) && f.active(now_ns))
}

/// Whether the memory file is unwritable at `now_ns`.
pub fn memory_unwritable(faults: &[Fault], now_ns: i64) -> bool {
    faults
        .iter()
        .any(|f| matches!(f.action, FaultAction::MemoryUnwritable { .. }) && f.active(now_ns))
}

/// When the last memory fault clears, ns (none without one).
pub fn memory_faults_end_ns(faults: &[Fault]) -> Option<i64> {
    faults
        .iter()
        .filter(|f| matches!(f.action, FaultAction::MemoryUnwritable { .. }))
        .map(Fault::end_ns)
        .max()
}

/// A small seeded generator (SplitMix64) for garbage: the same seed, the same garbage.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A message the relay forwards: it can move its stamps and be corrupted.
trait Relayed: Message + Clone {
    fn shift_stamps(&mut self, ns: i64);
    fn corrupt(&mut self, _how: Corruption, _rng: &mut Rng) {}
}

fn shifted(t: &Time, ns: i64) -> Time {
    Time::from_nanos(t.as_nanos() + ns)
}

impl Relayed for LaserScan {
    fn shift_stamps(&mut self, ns: i64) {
        self.header.stamp = shifted(&self.header.stamp, ns);
    }

    fn corrupt(&mut self, how: Corruption, rng: &mut Rng) {
        let fill = |ranges: &mut Vec<f32>, v: f32| ranges.iter_mut().for_each(|r| *r = v);
        match how {
            Corruption::Nan => fill(&mut self.ranges, f32::NAN),
            Corruption::PosInf => fill(&mut self.ranges, f32::INFINITY),
            Corruption::NegInf => fill(&mut self.ranges, f32::NEG_INFINITY),
            Corruption::Garbage => match rng.next() % 4 {
                // Fewer ranges than the angles promise.
                0 => {
                    let n = self.ranges.len() / 2;
                    self.ranges.truncate(n);
                }
                // Angles that do not add up.
                1 => {
                    self.angle_increment = if rng.next().is_multiple_of(2) {
                        0.0
                    } else {
                        f32::NAN
                    };
                }
                // Ranges of any sign and size.
                2 => {
                    for r in &mut self.ranges {
                        *r = rng.range(-1e3, 1e3) as f32;
                    }
                }
                // A minimum above the maximum.
                _ => std::mem::swap(&mut self.range_min, &mut self.range_max),
            },
        }
    }
}

impl Relayed for Odometry {
    fn shift_stamps(&mut self, ns: i64) {
        self.header.stamp = shifted(&self.header.stamp, ns);
    }

    fn corrupt(&mut self, how: Corruption, rng: &mut Rng) {
        let p = &mut self.pose.pose;
        let t = &mut self.twist.twist;
        let mut all = |v: f64| {
            p.position.x = v;
            p.position.y = v;
            p.orientation.z = v;
            t.linear.x = v;
            t.angular.z = v;
        };
        match how {
            Corruption::Nan => all(f64::NAN),
            Corruption::PosInf => all(f64::INFINITY),
            Corruption::NegInf => all(f64::NEG_INFINITY),
            Corruption::Garbage => match rng.next() % 3 {
                // A pose tens of metres off.
                0 => {
                    p.position.x += rng.range(-50.0, 50.0);
                    p.position.y += rng.range(-50.0, 50.0);
                }
                // No rotation at all: a zero quaternion.
                1 => {
                    p.orientation.x = 0.0;
                    p.orientation.y = 0.0;
                    p.orientation.z = 0.0;
                    p.orientation.w = 0.0;
                }
                // A twist no robot has.
                _ => {
                    t.linear.x = rng.range(-1e3, 1e3);
                    t.angular.z = rng.range(-1e3, 1e3);
                }
            },
        }
    }
}

impl Relayed for Detection3DArray {
    fn shift_stamps(&mut self, ns: i64) {
        self.header.stamp = shifted(&self.header.stamp, ns);
        for d in &mut self.detections {
            d.header.stamp = shifted(&d.header.stamp, ns);
        }
    }
}

impl Relayed for BatteryState {
    fn shift_stamps(&mut self, ns: i64) {
        self.header.stamp = shifted(&self.header.stamp, ns);
    }
}

impl Relayed for TFMessage {
    fn shift_stamps(&mut self, ns: i64) {
        for t in &mut self.transforms {
            t.header.stamp = shifted(&t.header.stamp, ns);
        }
    }
}

impl Relayed for Clock {
    fn shift_stamps(&mut self, ns: i64) {
        self.clock = shifted(&self.clock, ns);
    }
}

/// One topic from the simulator's bus to the agent's.
struct Lane<M> {
    topic: Option<SensorTopic>,
    from: Subscription<M>,
    to: Publisher<M>,
    /// The last message forwarded (what a frozen topic repeats).
    last: Option<M>,
    /// Messages held back by a delay, with the time each is due.
    delayed: VecDeque<(i64, M)>,
}

impl<M: Relayed> Lane<M> {
    fn new<B: Bus>(
        sim: &B,
        agent: &B,
        name: &str,
        topic: Option<SensorTopic>,
        qos: QosProfile,
    ) -> Result<Self, BusError> {
        Ok(Self {
            topic,
            from: sim.subscribe(name, qos, Delivery::Queue(256))?,
            to: agent.publisher(name, qos)?,
            last: None,
            delayed: VecDeque::new(),
        })
    }

    fn pump(&mut self, now_ns: i64, faults: &[Fault], rng: &mut Rng) -> Result<(), BusError> {
        let offset = clock_offset_ns(faults, now_ns);
        let mine: Vec<&Fault> = faults
            .iter()
            .filter(|f| f.topic().is_some() && f.topic() == self.topic)
            .collect();
        let dead = mine
            .iter()
            .any(|f| matches!(f.action, FaultAction::Die { .. }) && f.start_ns() <= now_ns);
        let active = |pred: fn(&FaultAction) -> bool| {
            mine.iter()
                .find(|f| pred(&f.action) && f.active(now_ns))
                .map(|f| f.action)
        };
        for mut msg in self.from.drain() {
            if dead || active(|a| matches!(a, FaultAction::Drop { .. })).is_some() {
                continue;
            }
            if active(|a| matches!(a, FaultAction::Freeze { .. })).is_some() {
                if let Some(last) = &self.last {
                    self.to.publish(last)?;
                }
                continue;
            }
            msg.shift_stamps(offset);
            if let Some(FaultAction::Corrupt { value, .. }) =
                active(|a| matches!(a, FaultAction::Corrupt { .. }))
            {
                msg.corrupt(value, rng);
            }
            if let Some(FaultAction::Delay { by_s, .. }) =
                active(|a| matches!(a, FaultAction::Delay { .. }))
            {
                self.delayed
                    .push_back((now_ns + (by_s * NS).round() as i64, msg));
                continue;
            }
            self.to.publish(&msg)?;
            self.last = Some(msg);
        }
        while self.delayed.front().is_some_and(|(due, _)| *due <= now_ns) {
            if let Some((_, msg)) = self.delayed.pop_front()
                && !dead
            {
                self.to.publish(&msg)?;
                self.last = Some(msg);
            }
        }
        Ok(())
    }
}

/// The agent's velocity commands on their way to the simulator.
enum CommandLane {
    Plain(Subscription<Twist>, Publisher<Twist>),
    Stamped(Subscription<TwistStamped>, Publisher<TwistStamped>),
}

/// A latched (transient-local) topic from the simulator's bus to the agent's.
fn latched<B: Bus, M: Message>(
    sim: &B,
    agent: &B,
    name: &str,
    qos: QosProfile,
) -> Result<(Subscription<M>, Publisher<M>), BusError> {
    Ok((
        sim.subscribe(name, qos, Delivery::Queue(8))?,
        agent.publisher(name, qos)?,
    ))
}

/// The simulator's topics on their way to the agent, and the agent's commands on their way
/// back, with the scenario's faults applied.
pub struct FaultRelay {
    faults: Vec<Fault>,
    rng: Rng,
    scan: Lane<LaserScan>,
    odom: Lane<Odometry>,
    tf: Lane<TFMessage>,
    detections: Lane<Detection3DArray>,
    battery: Lane<BatteryState>,
    clock: Lane<Clock>,
    map: (Subscription<OccupancyGrid>, Publisher<OccupancyGrid>),
    tf_static: (Subscription<TFMessage>, Publisher<TFMessage>),
    commands: CommandLane,
    estop: Publisher<Bool>,
    /// Per fault: whether its emergency stop was pressed, and released.
    estop_done: Vec<(bool, bool)>,
}

impl FaultRelay {
    /// Subscribes on `sim` and advertises on `agent`; `stamped` says which `/cmd_vel` type the
    /// agent publishes, `estop_topic` where its emergency stop listens.
    pub fn new<B: Bus>(
        sim: &B,
        agent: &B,
        faults: Vec<Fault>,
        seed: u64,
        stamped: bool,
        estop_topic: &str,
    ) -> Result<Self, BusError> {
        let sensor = QosProfile::DEFAULT;
        let commands = if stamped {
            CommandLane::Stamped(
                agent.subscribe(topics::CMD_VEL, QosProfile::DEFAULT, Delivery::Latest)?,
                sim.publisher(topics::CMD_VEL, QosProfile::DEFAULT)?,
            )
        } else {
            CommandLane::Plain(
                agent.subscribe(topics::CMD_VEL, QosProfile::DEFAULT, Delivery::Latest)?,
                sim.publisher(topics::CMD_VEL, QosProfile::DEFAULT)?,
            )
        };
        Ok(Self {
            estop_done: vec![(false, false); faults.len()],
            faults,
            rng: Rng(seed ^ 0x6661_756C_7473),
            scan: Lane::new(sim, agent, topics::SCAN, Some(SensorTopic::Scan), sensor)?,
            odom: Lane::new(sim, agent, topics::ODOM, Some(SensorTopic::Odom), sensor)?,
            tf: Lane::new(
                sim,
                agent,
                topics::TF,
                Some(SensorTopic::Odom),
                QosProfile::DEFAULT.with_depth(100),
            )?,
            detections: Lane::new(
                sim,
                agent,
                topics::DETECTIONS,
                Some(SensorTopic::Detections),
                sensor,
            )?,
            battery: Lane::new(
                sim,
                agent,
                topics::BATTERY,
                Some(SensorTopic::Battery),
                sensor,
            )?,
            clock: Lane::new(sim, agent, topics::CLOCK, None, sensor)?,
            map: latched(sim, agent, topics::MAP, QosProfile::MAP)?,
            tf_static: latched(
                sim,
                agent,
                topics::TF_STATIC,
                QosProfile::MAP.with_depth(100),
            )?,
            commands,
            estop: agent.publisher(estop_topic, QosProfile::DEFAULT)?,
        })
    }

    /// The faults it applies.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// Forwards the agent's newest command to the simulator (zero while the wheels slip).
    /// Called before each physics step, so the step reads it.
    pub fn pump_commands(&mut self, now_ns: i64) -> Result<(), BusError> {
        let slipping = self
            .faults
            .iter()
            .any(|f| matches!(f.action, FaultAction::WheelSlip { .. }) && f.active(now_ns));
        match &self.commands {
            CommandLane::Plain(from, to) => {
                if let Some(mut t) = from.latest() {
                    if slipping {
                        t = Twist::default();
                    }
                    to.publish(&t)?;
                }
            }
            CommandLane::Stamped(from, to) => {
                if let Some(mut t) = from.latest() {
                    if slipping {
                        t.twist = Twist::default();
                    }
                    to.publish(&t)?;
                }
            }
        }
        Ok(())
    }

    /// Forwards what the simulator published since the last call, faults applied; presses and
    /// releases emergency stops that are due.
    pub fn pump_sensors(&mut self, now_ns: i64) -> Result<(), BusError> {
        let _span = tracing::trace_span!("fault_relay", now_ns).entered();
        let faults = &self.faults;
        let rng = &mut self.rng;
        self.clock.pump(now_ns, faults, rng)?;
        self.odom.pump(now_ns, faults, rng)?;
        self.tf.pump(now_ns, faults, rng)?;
        self.scan.pump(now_ns, faults, rng)?;
        self.detections.pump(now_ns, faults, rng)?;
        self.battery.pump(now_ns, faults, rng)?;
        for m in self.map.0.drain() {
            self.map.1.publish(&m)?;
        }
        for m in self.tf_static.0.drain() {
            self.tf_static.1.publish(&m)?;
        }
        for (f, done) in self.faults.iter().zip(self.estop_done.iter_mut()) {
            if !matches!(f.action, FaultAction::EmergencyStop { .. }) {
                continue;
            }
            if !done.0 && now_ns >= f.start_ns() {
                tracing::info!(at_s = f.at_s, "fault: emergency stop pressed");
                self.estop.publish(&Bool { data: true })?;
                done.0 = true;
            }
            if done.0 && !done.1 && now_ns >= f.end_ns() {
                tracing::info!("fault: emergency stop released");
                self.estop.publish(&Bool { data: false })?;
                done.1 = true;
            }
        }
        Ok(())
    }
}

/// A planner that answers as the real one inside does, except while a planner fault is in
/// force: then it stalls until the deliberative layer has given up on it (its deadline passed
/// and it cancelled the request) before answering, or answers with garbage.
pub struct FaultyPlanner {
    inner: Arc<dyn Planner>,
    faults: Vec<Fault>,
    now_ns: Arc<AtomicI64>,
}

/// The longest a stalled plan waits for the cancel, wall time (a harness guard).
const STALL_GUARD: Duration = Duration::from_secs(120);

impl FaultyPlanner {
    /// Wraps `inner`; `now_ns` is the simulated time the harness keeps up to date.
    pub fn new(inner: Arc<dyn Planner>, faults: Vec<Fault>, now_ns: Arc<AtomicI64>) -> Self {
        Self {
            inner,
            faults,
            now_ns,
        }
    }

    fn active(&self, pred: fn(&FaultAction) -> bool) -> bool {
        let now = self.now_ns.load(Ordering::SeqCst);
        self.faults.iter().any(|f| pred(&f.action) && f.active(now))
    }

    /// What a planner gone wrong returns: steps out of every bound.
    fn garbage() -> Plan {
        Plan::new(vec![
            Step::Move { metres: f64::NAN },
            Step::Rotate { degrees: 1e9 },
            Step::NavigateTo {
                target: "\u{7}\u{0}".repeat(50),
            },
        ])
    }
}

impl Planner for FaultyPlanner {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError> {
        self.plan_explained(request).0
    }

    fn plan_explained(
        &self,
        request: &PlanRequest,
    ) -> (Result<Plan, PlannerError>, serde_json::Value) {
        let stall = self.active(|a| matches!(a, FaultAction::PlannerStall { .. }));
        let garbage = self.active(|a| matches!(a, FaultAction::PlannerGarbage { .. }));
        let (plan, how) = self.inner.plan_explained(request);
        if stall {
            // Reads the wall clock: the deadline it overruns is a wall-clock one.
            let started = Instant::now();
            while !request.cancel.is_cancelled() && started.elapsed() < STALL_GUARD {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        if garbage {
            return (Ok(Self::garbage()), how);
        }
        (plan, how)
    }
}

/// How the robot reacted to one fault, measured on the simulator's ground truth.
#[derive(Debug, Clone, Serialize)]
pub struct FaultReaction {
    /// The fault.
    #[serde(flatten)]
    pub fault: Fault,
    /// The robot's speed when it began, m/s.
    pub speed_at_fault_mps: f64,
    /// Seconds from its start until the robot's speed was first below
    /// [`STOPPED_MPS`] (0 if it was already); none if it never was.
    pub time_to_stop_s: Option<f64>,
}

/// A robot slower than this counts as stopped, m/s.
pub const STOPPED_MPS: f64 = 0.02;

/// The first time at or after `after_s` the robot's speed was below [`STOPPED_MPS`], from a
/// trace of `(time_s, speed)` in time order.
pub fn first_stop_after(trace: &[(f64, f64)], after_s: f64) -> Option<f64> {
    trace
        .iter()
        .find(|(t, v)| *t + 1e-9 >= after_s && *v < STOPPED_MPS)
        .map(|(t, _)| *t)
}

/// Each fault's measured reaction.
pub fn reactions(faults: &[Fault], trace: &[(f64, f64)]) -> Vec<FaultReaction> {
    faults
        .iter()
        .map(|f| {
            let speed = trace
                .iter()
                .rev()
                .find(|(t, _)| *t <= f.at_s + 1e-9)
                .map_or(0.0, |(_, v)| *v);
            FaultReaction {
                fault: *f,
                speed_at_fault_mps: speed,
                time_to_stop_s: first_stop_after(trace, f.at_s).map(|t| (t - f.at_s).max(0.0)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(yaml: &str) -> FaultEntry {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn a_drop_entry_reads_as_a_timed_drop_of_its_topic() {
        let f = entry("{at_s: 5, kind: drop, topic: /scan, for_s: 3}")
            .check()
            .unwrap();
        assert_eq!(
            f.action,
            FaultAction::Drop {
                topic: SensorTopic::Scan,
                for_s: 3.0
            }
        );
        assert!(!f.active(4_999_999_999));
        assert!(f.active(5_000_000_000));
        assert!(f.active(7_999_999_999));
        assert!(!f.active(8_000_000_000));
    }

    #[test]
    fn bad_entries_name_the_field_and_the_fix() {
        let cases = [
            ("{at_s: 1, kind: melt, for_s: 1}", "kind"),
            ("{at_s: 1, kind: drop, for_s: 1}", "topic"),
            ("{at_s: 1, kind: drop, topic: /scan}", "for_s"),
            ("{at_s: 1, kind: drop, topic: /scan, for_s: -1}", "for_s"),
            ("{at_s: 1, kind: drop, topic: /cmd_vel, for_s: 1}", "topic"),
            ("{at_s: 1, kind: drop, topic: /clock, for_s: 1}", "topic"),
            ("{at_s: 1, kind: clock_jump, by_s: 0}", "by_s"),
            ("{at_s: 1, kind: clock_jump, by_s: 1, for_s: 2}", "for_s"),
            (
                "{at_s: 1, kind: corrupt, topic: /detections, for_s: 1, value: nan}",
                "topic",
            ),
            (
                "{at_s: 1, kind: corrupt, topic: /scan, for_s: 1, value: mud}",
                "value",
            ),
            ("{at_s: .nan, kind: die, topic: /odom}", "at_s"),
            ("{at_s: 1, kind: starve, delay_ms: 0}", "delay_ms"),
        ];
        for (yaml, field) in cases {
            let e = entry(yaml).check().unwrap_err();
            assert_eq!(e.field, field, "{yaml}: {e:?}");
            assert!(!e.fix.is_empty(), "{yaml}");
        }
    }

    #[test]
    fn clock_jumps_add_up_from_when_each_happens() {
        let faults: Vec<Fault> = [
            "{at_s: 2, kind: clock_jump, by_s: -5}",
            "{at_s: 4, kind: clock_jump, by_s: 30}",
        ]
        .iter()
        .map(|y| entry(y).check().unwrap())
        .collect();
        assert_eq!(clock_offset_ns(&faults, 1_000_000_000), 0);
        assert_eq!(clock_offset_ns(&faults, 3_000_000_000), -5_000_000_000);
        assert_eq!(clock_offset_ns(&faults, 9_000_000_000), 25_000_000_000);
    }

    #[test]
    fn garbage_is_the_same_for_the_same_seed() {
        let scan = || LaserScan {
            ranges: vec![1.0; 360],
            angle_increment: 0.01,
            range_min: 0.1,
            range_max: 12.0,
            ..Default::default()
        };
        let run = |seed| {
            let mut rng = Rng(seed);
            (0..8)
                .map(|_| {
                    let mut s = scan();
                    s.corrupt(Corruption::Garbage, &mut rng);
                    format!(
                        "{:?}",
                        (
                            s.ranges.len(),
                            s.angle_increment,
                            s.range_min,
                            s.ranges.first()
                        )
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn time_to_stop_is_measured_from_the_fault_on_the_speed_trace() {
        let trace = [(0.0, 0.0), (1.0, 0.4), (2.0, 0.4), (2.5, 0.1), (2.75, 0.01)];
        let f = entry("{at_s: 2, kind: drop, topic: /scan, for_s: 1}")
            .check()
            .unwrap();
        let r = reactions(&[f], &trace);
        assert_eq!(r[0].speed_at_fault_mps, 0.4);
        assert_eq!(r[0].time_to_stop_s, Some(0.75));
        assert_eq!(first_stop_after(&trace, 3.0), None);
    }
}
