//! Wiring: perception, the gate and the reactive core on the control thread; the
//! deliberative layer on a tokio runtime; the topics that connect them to the world.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use crossbeam_channel::{Receiver, Sender};
use embodia_actuation::cmd_vel::CmdVelPublisher;
use embodia_actuation::gate::{GateConfigError, InterventionCounts};
use embodia_actuation::nav::CoverageConfig;
use embodia_actuation::skills::{Resemblance, SearchConfig, SearchPrior};
use embodia_actuation::{GateConfig, NavResources, SafetyGate};
use embodia_perception::{Perceiver, PerceptionConfig, PerceptionError, SemanticMap, WorldState};
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_ros::msg::std_msgs::{Bool, String as RosString};
use embodia_ros::{Bus, BusError, Delivery, QosProfile};
use thiserror::Error;

use crate::activity::Activity;
use crate::deliberative::{
    Deliberative, DeliberativeConfig, DeliberativeInput, DeliberativeParts, InProgress, TaskId,
    TaskReport,
};
use crate::inbox::{InboxSender, OBSERVATION_CAPACITY};
use crate::planner::Planner;
use crate::reactive::ReactiveCommand;
use crate::reactive::{InboxEvents, ReactiveCore, ReactiveParts};
use crate::remembering::MemoryWrites;

/// Topic names of the agent's own interface.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentTopics {
    /// Velocity commands out.
    pub cmd_vel: String,
    /// Tasks in (`std_msgs/String`).
    pub task: String,
    /// Tasks as a ROS 2 action (`embodia_interfaces/action/ExecuteTask`), with feedback,
    /// result and cancel.
    pub execute_task: String,
    /// Status out (`std_msgs/String`, JSON).
    pub status: String,
    /// Speech out (`std_msgs/String`).
    pub say: String,
    /// Safety interventions out (`std_msgs/String`, JSON).
    pub safety: String,
    /// Operator reset of latched stops in (`std_msgs/Bool`, true).
    pub safety_reset: String,
    /// Every place and keep-out zone out (`std_msgs/String`, JSON, transient-local):
    /// published at start and whenever a place is named.
    pub places: String,
    /// Nav2's controller output in (`geometry_msgs/Twist`), when Nav2 drives `navigate_to`:
    /// it reaches `/cmd_vel` only through the gate.
    pub nav2_cmd_vel: String,
    /// The built-in navigator's planned path out (`nav_msgs/Path` in the map frame, what
    /// Nav2's planner publishes on `/plan`): each new or replanned path, and an empty one when
    /// the step that followed it ends. Not published when Nav2 drives (Nav2 publishes its own).
    pub plan: String,
    /// The fleet's shared memory (`std_msgs/String` JSON sightings, reliable,
    /// transient-local): absolute, so every robot's agent shares it. See
    /// [`crate::fleet_memory`].
    pub fleet_memory: String,
}

/// How `navigate_to` drives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Navigation {
    /// The agent's own costmap planner and path follower.
    #[default]
    Builtin,
    /// Nav2's `navigate_to_pose` action; Nav2's velocity passes the gate.
    Nav2,
    /// Nav2 if its action server is discovered at start, else built in.
    Auto,
}

impl std::str::FromStr for Navigation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "builtin" => Ok(Self::Builtin),
            "nav2" => Ok(Self::Nav2),
            "auto" => Ok(Self::Auto),
            other => Err(format!("must be builtin, nav2 or auto, got {other:?}")),
        }
    }
}

impl std::fmt::Display for Navigation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Builtin => "builtin",
            Self::Nav2 => "nav2",
            Self::Auto => "auto",
        })
    }
}

/// How long `navigation: auto` looks for Nav2's action server at start.
const NAV2_DISCOVERY: Duration = Duration::from_secs(3);

impl Default for AgentTopics {
    fn default() -> Self {
        Self {
            cmd_vel: "/cmd_vel".into(),
            task: "/agent/task".into(),
            execute_task: "/agent/execute_task".into(),
            status: "/agent/status".into(),
            say: "/agent/say".into(),
            safety: "/agent/safety".into(),
            safety_reset: "/agent/safety_reset".into(),
            places: "/agent/places".into(),
            nav2_cmd_vel: "/cmd_vel_nav".into(),
            plan: "/plan".into(),
            fleet_memory: crate::fleet_memory::DEFAULT_TOPIC.into(),
        }
    }
}

/// Everything the agent is configured with.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// Safety limits.
    pub gate: GateConfig,
    /// Perception settings.
    pub perception: PerceptionConfig,
    /// Planning settings.
    pub deliberative: DeliberativeConfig,
    /// Control rate, Hz.
    pub control_hz: f64,
    /// Publish `TwistStamped` instead of `Twist`.
    pub stamped_cmd_vel: bool,
    /// Speed the path follower aims for, m/s.
    pub cruise_speed: f64,
    /// How searches choose viewpoints and when they give up.
    pub coverage: CoverageConfig,
    /// Where things are likely to be, so searches look there first (none: no preference).
    pub search_prior: Option<Arc<dyn SearchPrior>>,
    /// Recognises described things on sight (none: searches match names only).
    pub resemblance: Option<Arc<dyn Resemblance>>,
    /// Topic names.
    pub topics: AgentTopics,
    /// Take time from `/clock` (a simulator's) instead of the system clock.
    pub use_sim_time: bool,
    /// The places file (a real robot's named places and keep-out zones in the map frame).
    pub places_file: Option<std::path::PathBuf>,
    /// Radius of a place named while running ("remember this place as ..."), m.
    pub named_place_radius: f64,
    /// Where `--planner remote` sends requests.
    pub remote_planner: embodia_planner::RemoteSettings,
    /// How `navigate_to` drives.
    pub navigation: Navigation,
    /// Nav2's `NavigateToPose` action name.
    pub nav2_action: String,
    /// A moving step held this long by the gate for want of fresh `/scan` or `/odom` fails, s.
    pub sensor_lost_s: f64,
    /// The robot's name in its fleet: its namespace without slashes (`robot1` under
    /// `__ns:=/robot1`); none at the root namespace.
    pub robot_name: Option<String>,
    /// Share sightings with the fleet and take the others' (when the agent has a robot name
    /// and a memory).
    pub fleet_memory: bool,
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            gate: GateConfig::default(),
            perception: PerceptionConfig::default(),
            deliberative: DeliberativeConfig::default(),
            control_hz: 20.0,
            stamped_cmd_vel: false,
            cruise_speed: 0.45,
            coverage: CoverageConfig::default(),
            search_prior: None,
            resemblance: None,
            topics: AgentTopics::default(),
            use_sim_time: false,
            places_file: None,
            named_place_radius: 0.75,
            remote_planner: embodia_planner::RemoteSettings::default(),
            navigation: Navigation::Builtin,
            nav2_action: "/navigate_to_pose".into(),
            sensor_lost_s: 5.0,
            robot_name: None,
            fleet_memory: true,
        }
    }
}

/// Why the agent could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AgentError {
    /// A topic was refused.
    #[error(transparent)]
    Bus(#[from] BusError),
    /// Perception could not start.
    #[error(transparent)]
    Perception(#[from] PerceptionError),
    /// The gate's parameters are unusable.
    #[error(transparent)]
    Gate(#[from] GateConfigError),
    /// A setting is unusable.
    #[error("agent setting {0}")]
    Config(String),
    /// The async runtime or the control thread could not start.
    #[error("could not start: {0}")]
    Start(String),
    /// The control thread is gone.
    #[error("the control thread stopped")]
    ControlStopped,
    /// The recording could not be written.
    #[error("recording: {0}")]
    Recording(#[source] crate::recording::RecordingError),
}

/// Where the control loop's time comes from.
pub enum Pacing {
    /// Ticks are driven one by one through [`Agent::tick`] (lockstep simulation).
    Lockstep,
    /// Ticks at the control rate by the wall clock, and on every new scan; `now` gives the
    /// time to stamp with (ROS time or simulated time from `/clock`).
    WallClock(Arc<dyn Fn() -> i64 + Send + Sync>),
}

/// Hands tasks to a running agent from another thread (an action server), each with an id its
/// progress and report carry, and cancels them. Clones share the agent.
#[derive(Clone)]
pub struct TaskHandle {
    inbox: InboxSender,
    activity: Arc<Activity>,
    next_id: Arc<AtomicU64>,
    in_progress: InProgress,
}

impl TaskHandle {
    fn send(&self, input: DeliberativeInput) -> bool {
        self.activity.enter();
        if !self.inbox.send(input) {
            self.activity.exit();
            return false;
        }
        true
    }

    /// Hands `task` in (it replaces the task in progress, as one from `/agent/task` does);
    /// its id, or none if the agent is shutting down.
    pub fn submit(&self, task: &str) -> Option<TaskId> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        self.send(DeliberativeInput::Tracked {
            id,
            text: task.to_owned(),
        })
        .then_some(id)
    }

    /// Asks for the task `id` to stop (the robot stands still; it ends
    /// [`crate::deliberative::Outcome::Canceled`]), if it is still in progress.
    pub fn cancel(&self, id: TaskId) -> bool {
        self.send(DeliberativeInput::Cancel { id })
    }

    /// The task in progress, if one is.
    pub fn in_progress(&self) -> Option<TaskReport> {
        self.in_progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// The link to Nav2 that `navigation` asks for: none for builtin; for nav2, a client of its
/// action (refused on a transport without actions); for auto, that client only if a server is
/// discovered within [`NAV2_DISCOVERY`]. The choice is logged once.
fn nav2_link<B: Bus>(
    bus: &B,
    config: &AgentConfig,
) -> Result<Option<Arc<embodia_actuation::skills::nav2::Nav2Link>>, AgentError> {
    if config.navigation == Navigation::Builtin {
        return Ok(None);
    }
    let client = match bus
        .action_client::<embodia_ros::msg::nav2_msgs::NavigateToPose>(&config.nav2_action)
    {
        Ok(c) => c,
        Err(e) if config.navigation == Navigation::Auto => {
            tracing::info!(error = %e, "navigation: auto -> builtin (no actions on this transport)");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if config.navigation == Navigation::Auto && !client.wait_for_server(NAV2_DISCOVERY) {
        tracing::info!(
            action = %config.nav2_action,
            "navigation: auto -> builtin (no Nav2 server found within {} s)",
            NAV2_DISCOVERY.as_secs()
        );
        return Ok(None);
    }
    let velocity = bus.subscribe::<embodia_ros::msg::geometry_msgs::Twist>(
        &config.topics.nav2_cmd_vel,
        QosProfile::DEFAULT,
        Delivery::Latest,
    )?;
    tracing::info!(
        action = %config.nav2_action,
        velocity_in = %config.topics.nav2_cmd_vel,
        cmd_vel = %config.topics.cmd_vel,
        "navigation: nav2 (navigate_to sends Nav2 goals; Nav2's velocity passes the gate)"
    );
    Ok(Some(Arc::new(
        embodia_actuation::skills::nav2::Nav2Link::new(
            client,
            velocity,
            config
                .perception
                .global_frames
                .first()
                .map_or("map", String::as_str),
        ),
    )))
}

/// A running agent.
pub struct Agent {
    inbox: InboxSender,
    activity: Arc<Activity>,
    reports: Receiver<TaskReport>,
    decisions: Receiver<crate::decisions::Decision>,
    tick_tx: Option<Sender<i64>>,
    done_rx: Option<Receiver<()>>,
    stop: Arc<AtomicBool>,
    control: Option<JoinHandle<InterventionCounts>>,
    runtime: Option<tokio::runtime::Runtime>,
    snapshot: Arc<ArcSwap<WorldState>>,
    in_progress: InProgress,
    commands: Sender<ReactiveCommand>,
    memory: Option<Arc<std::sync::Mutex<embodia_memory::Memory>>>,
    memory_writes: Arc<std::sync::Mutex<MemoryWrites>>,
    next_id: Arc<AtomicU64>,
}

impl Agent {
    /// Subscribes, advertises and starts both layers.
    pub fn start<B: Bus>(
        bus: &B,
        semantic: Arc<SemanticMap>,
        planner: Arc<dyn Planner>,
        memory: Option<embodia_memory::Memory>,
        config: AgentConfig,
        pacing: Pacing,
    ) -> Result<Self, AgentError> {
        if !(config.control_hz.is_finite()
            && config.control_hz > 0.0
            && config.control_hz <= 1000.0)
        {
            return Err(AgentError::Config(format!(
                "control_hz = {} must be in (0, 1000]",
                config.control_hz
            )));
        }
        let t = &config.topics;
        let remembered = match &memory {
            Some(m) => m.store().named_places().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not read the named places from memory");
                Vec::new()
            }),
            None => Vec::new(),
        };
        let places = crate::places::PlaceBook::new((*semantic).clone(), remembered);
        let semantic = Arc::new(places.semantic());
        let places_out = bus.publisher::<RosString>(&t.places, QosProfile::MAP)?;
        places_out.publish(&RosString {
            data: places.to_json().to_string(),
        })?;
        let activity = Arc::new(Activity::default());
        let snapshot = Arc::new(ArcSwap::from_pointee(WorldState {
            semantic: semantic.clone(),
            ..WorldState::default()
        }));
        let (inbox_tx, inbox_rx) = crate::inbox::inbox(OBSERVATION_CAPACITY);
        let (cmd_tx, cmd_rx) = crossbeam_channel::unbounded();
        let (report_tx, report_rx) = crossbeam_channel::unbounded();
        let (decision_tx, decision_rx) =
            crate::decisions::DropOldest::bounded(crate::decisions::QUEUE);

        let gate_config = GateConfig {
            control_period_s: 1.0 / config.control_hz,
            ..config.gate.clone()
        };
        let cmd_vel = CmdVelPublisher::new(
            bus,
            &t.cmd_vel,
            config.stamped_cmd_vel,
            &config.perception.base_frame,
        )?;
        let nav2 = nav2_link(bus, &config)?;
        let core = ReactiveCore::new(ReactiveParts {
            perceiver: Perceiver::new(bus, semantic, config.perception.clone())?,
            gate: SafetyGate::new(gate_config.clone(), cmd_vel)?,
            nav: NavResources::new(
                gate_config.robot_radius,
                config.cruise_speed.min(gate_config.max_linear),
            )
            .with_search(SearchConfig {
                camera: config.perception.camera,
                coverage: config.coverage.clone(),
                prior: config.search_prior.clone(),
                resemblance: config.resemblance.clone(),
                background: matches!(pacing, Pacing::WallClock(_)),
            })
            .with_nav2_if(nav2),
            commands: cmd_rx,
            events: InboxEvents::new(inbox_tx.clone(), activity.clone()),
            say: bus.publisher(&t.say, QosProfile::DEFAULT)?,
            safety: bus.publisher(&t.safety, QosProfile::DEFAULT)?,
            plan: bus.publisher(&t.plan, QosProfile::DEFAULT)?,
            plan_frame: config
                .perception
                .global_frames
                .first()
                .cloned()
                .unwrap_or_else(|| "map".into()),
            reset: bus.subscribe::<Bool>(
                &t.safety_reset,
                QosProfile::DEFAULT,
                Delivery::Queue(8),
            )?,
            snapshot: snapshot.clone(),
            clock: match &pacing {
                Pacing::WallClock(now) => Some(now.clone()),
                Pacing::Lockstep => None,
            },
            sensor_lost_s: config.sensor_lost_s,
            coverage: match pacing {
                Pacing::WallClock(_) => Some(
                    crate::coverage_worker::CoverageWorker::start()
                        .map_err(|e| AgentError::Start(format!("the coverage worker: {e}")))?,
                ),
                Pacing::Lockstep => None,
            },
        });
        let in_progress = InProgress::default();
        let fleet = match (&config.robot_name, &memory) {
            (Some(robot), Some(_)) if config.fleet_memory => {
                let qos = QosProfile::MAP.with_depth(crate::fleet_memory::KEPT_FOR_LATE_JOINERS);
                let out = bus.publisher::<RosString>(&t.fleet_memory, qos)?;
                let inbox = Arc::new(bus.subscribe::<RosString>(
                    &t.fleet_memory,
                    qos,
                    Delivery::Queue(crate::fleet_memory::INBOX),
                )?);
                Some(crate::fleet_memory::FleetLink::new(
                    robot.clone(),
                    config.perception.map_frame.clone(),
                    out,
                    inbox,
                ))
            }
            _ => None,
        };
        let fleet_inbox = fleet.as_ref().map(|f| f.inbox());
        let memory = memory.map(|m| Arc::new(std::sync::Mutex::new(m)));
        let memory_writes = Arc::new(std::sync::Mutex::new(MemoryWrites::default()));
        let deliberative = Deliberative::new(DeliberativeParts {
            planner,
            config: DeliberativeConfig {
                top_speed_mps: config.gate.max_linear,
                ..config.deliberative.clone()
            },
            commands: cmd_tx.clone(),
            snapshot: snapshot.clone(),
            status: bus.publisher(&t.status, QosProfile::DEFAULT)?,
            reports: report_tx,
            activity: activity.clone(),
            in_progress: in_progress.clone(),
            memory: memory.clone(),
            memory_writes: memory_writes.clone(),
            places,
            places_out,
            named_place_radius: config.named_place_radius,
            decisions: decision_tx,
            fleet,
        });
        let tasks =
            bus.subscribe::<RosString>(&t.task, QosProfile::DEFAULT, Delivery::Queue(32))?;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(2)
            .thread_name("embodia-deliberative")
            .on_thread_start(crate::priority::background_thread)
            .enable_time()
            .build()
            .map_err(|e| AgentError::Start(e.to_string()))?;
        runtime.spawn(deliberative.run(inbox_rx));
        // Other robots' sightings wake the deliberative layer to take them into memory (a
        // plan takes any waiting first, so none is missed for want of a wake-up).
        if let Some(fleet_inbox) = fleet_inbox {
            let inbox = inbox_tx.clone();
            let activity = activity.clone();
            runtime.spawn(async move {
                let mut every = tokio::time::interval(Duration::from_millis(250));
                loop {
                    every.tick().await;
                    if !fleet_inbox.receiver().is_empty() {
                        activity.enter();
                        if !inbox.send(DeliberativeInput::FleetMemory) {
                            activity.exit();
                            return;
                        }
                    }
                }
            });
        }
        // Tasks from the topic join the same inbox as tasks from the API.
        {
            let inbox = inbox_tx.clone();
            let activity = activity.clone();
            runtime.spawn(async move {
                let mut every = tokio::time::interval(Duration::from_millis(20));
                loop {
                    every.tick().await;
                    for msg in tasks.drain() {
                        activity.enter();
                        if !inbox.send(DeliberativeInput::Task(msg.data)) {
                            activity.exit();
                            return;
                        }
                    }
                }
            });
        }

        let stop = Arc::new(AtomicBool::new(false));
        let period = Duration::from_secs_f64(1.0 / config.control_hz);
        let (tick_tx, done_rx, control) = match pacing {
            Pacing::Lockstep => {
                let (tick_tx, tick_rx) = crossbeam_channel::bounded::<i64>(0);
                let (done_tx, done_rx) = crossbeam_channel::bounded::<()>(1);
                let mut core = core;
                let handle = std::thread::Builder::new()
                    .name("embodia-control".into())
                    .spawn(move || {
                        for now in tick_rx {
                            core.tick(now);
                            if done_tx.send(()).is_err() {
                                break;
                            }
                        }
                        core.interventions().clone()
                    })
                    .map_err(|e| AgentError::Start(e.to_string()))?;
                (Some(tick_tx), Some(done_rx), handle)
            }
            Pacing::WallClock(now) => {
                let scans = bus.subscribe::<LaserScan>(
                    &config.perception.topics.scan,
                    QosProfile::SENSOR_DATA,
                    Delivery::Latest,
                )?;
                let stop = stop.clone();
                let mut core = core;
                let handle = std::thread::Builder::new()
                    .name("embodia-control".into())
                    .spawn(move || {
                        crate::priority::control_thread();
                        let mut next = Instant::now();
                        while !stop.load(Ordering::Relaxed) {
                            core.tick(now());
                            next += period;
                            let wait = next.saturating_duration_since(Instant::now());
                            if wait.is_zero() {
                                next = Instant::now();
                            } else if scans.recv_timeout(wait).is_some() {
                                // A new scan: react now rather than at the next period.
                                next = Instant::now();
                            }
                        }
                        core.interventions().clone()
                    })
                    .map_err(|e| AgentError::Start(e.to_string()))?;
                (None, None, handle)
            }
        };
        Ok(Self {
            inbox: inbox_tx,
            activity,
            reports: report_rx,
            decisions: decision_rx,
            tick_tx,
            done_rx,
            stop,
            control: Some(control),
            runtime: Some(runtime),
            snapshot,
            in_progress,
            commands: cmd_tx,
            memory,
            memory_writes,
            next_id: Arc::new(AtomicU64::new(0)),
        })
    }

    /// A handle that hands tasks in with ids and cancels them, from any thread.
    pub fn tasks(&self) -> TaskHandle {
        TaskHandle {
            inbox: self.inbox.clone(),
            activity: self.activity.clone(),
            next_id: self.next_id.clone(),
            in_progress: self.in_progress.clone(),
        }
    }

    /// The task in progress, if one is: its plans, what was said, the current step.
    pub fn in_progress(&self) -> Option<TaskReport> {
        self.in_progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether the memory file takes writes, and how many waited or failed.
    pub fn memory_writes(&self) -> MemoryWrites {
        self.memory_writes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The memory's entries as held in RAM now (none without a memory).
    pub fn memory_entries(&self) -> Option<Vec<embodia_memory::MemoryEntry>> {
        let m = self.memory.as_ref()?;
        Some(
            m.lock()
                .unwrap_or_else(|p| p.into_inner())
                .store()
                .entries()
                .to_vec(),
        )
    }

    /// Tells perception of objects seen before it started (a robot without a memory file
    /// told where things are).
    pub fn recall_objects(&self, objects: Vec<embodia_perception::TrackedObject>) {
        let _ = self.commands.send(ReactiveCommand::Recall(objects));
    }

    /// Hands a task to the deliberative layer. False if the agent is shutting down.
    pub fn submit(&self, task: &str) -> bool {
        self.activity.enter();
        if !self.inbox.send(DeliberativeInput::Task(task.to_owned())) {
            self.activity.exit();
            return false;
        }
        true
    }

    /// Observations dropped so far because the deliberative layer was behind (step results,
    /// speech and tasks never are).
    pub fn dropped_observations(&self) -> u64 {
        self.inbox.dropped_observations()
    }

    /// Runs one control tick at `now_ns` and waits for it (lockstep pacing only).
    pub fn tick(&self, now_ns: i64) -> Result<(), AgentError> {
        let (Some(tx), Some(done)) = (&self.tick_tx, &self.done_rx) else {
            return Err(AgentError::Config("tick() needs lockstep pacing".into()));
        };
        tx.send(now_ns).map_err(|_| AgentError::ControlStopped)?;
        done.recv().map_err(|_| AgentError::ControlStopped)
    }

    /// Waits until the deliberative layer has handled everything handed to it.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        self.activity.wait_idle(limit)
    }

    /// Finished tasks.
    pub fn reports(&self) -> &Receiver<TaskReport> {
        &self.reports
    }

    /// Groundings and memory writes, oldest first (at most [`crate::decisions::QUEUE`]
    /// wait; older ones are dropped).
    pub fn decisions(&self) -> &Receiver<crate::decisions::Decision> {
        &self.decisions
    }

    /// The newest world state.
    pub fn world(&self) -> Arc<WorldState> {
        self.snapshot.load_full()
    }

    /// Stops both layers; returns the safety interventions counted.
    pub fn shutdown(mut self) -> InterventionCounts {
        self.stop.store(true, Ordering::Relaxed);
        self.tick_tx = None;
        let counts = self
            .control
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
        counts
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.tick_tx = None;
        if let Some(h) = self.control.take() {
            let _ = h.join();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
