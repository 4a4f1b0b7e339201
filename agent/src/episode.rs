//! One run of the simulator and the agent together, in lockstep: the simulator advances one
//! control period, the deliberative layer finishes what it was handed (so planning costs no
//! simulated time; its wall time is reported), the control loop ticks. Ground truth for
//! evaluation (places entered, keep-out, collisions, speed) is taken from the simulator at
//! every physics step, never from the agent's beliefs.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, TryRecvError};
use embodia_actuation::gate::InterventionCounts;
use embodia_memory::{Embedder, Memory, MemoryStore, WriteSwitch};
use embodia_perception::{Observation, ObservationKind, SemanticMap, TrackedObject};
use embodia_ros::bus::InProcBus;
use embodia_sim::{Nav2Config, Nav2Sim, Nav2Stats, SimConfig, SimNode, SimStats, Simulator, World};
use serde::Serialize;

use crate::agent::{Agent, AgentConfig, AgentError, Pacing};
use crate::deliberative::TaskReport;
use crate::faults::{Fault, FaultReaction, FaultRelay, FaultyPlanner};
use crate::planner::Planner;
use crate::recording::feed::EntryFeed;
use crate::recording::recorder::Taps;
use crate::recording::writer::{Entry, TeeSink};
use crate::recording::{McapSink, Recorder, RecordingMeta};
use crate::remembering::MemoryWrites;
use crate::setup::{self, DEFAULT_SETTLE_S, MemoryChoice, RunSetup, agent_for_world};

/// Opening the chosen memory for an episode (the robot opens its own).
impl MemoryChoice {
    fn open(&self) -> Result<Option<Memory>, AgentError> {
        let open = |e: &Arc<Embedder>, p: Option<&std::path::Path>| {
            Memory::open(e.clone(), p)
                .map(Some)
                .map_err(|e| AgentError::Config(format!("memory: {e}")))
        };
        match self {
            MemoryChoice::Off => Ok(None),
            MemoryChoice::Fresh(e) => open(e, None),
            MemoryChoice::File(e, p) => open(e, Some(p)),
        }
    }

    /// The memory on a file whose writes `switch` can make the kernel refuse: this choice's
    /// file, or (for a fresh memory) one in `scratch`, removed with it.
    fn open_switched(
        &self,
        scratch: &std::path::Path,
        switch: WriteSwitch,
    ) -> Result<(Memory, PathBuf), AgentError> {
        let (embedder, path) = match self {
            MemoryChoice::Off => {
                return Err(AgentError::Config(
                    "fault memory_unwritable needs the agent's memory. Fix: run without --no-memory, or remove the fault".into(),
                ));
            }
            MemoryChoice::Fresh(e) => (e, scratch.join("memory.redb")),
            MemoryChoice::File(e, p) => (e, p.clone()),
        };
        let memory = Memory::open_switched(embedder.clone(), &path, switch)
            .map_err(|e| AgentError::Config(format!("memory: {e}")))?;
        Ok((memory, path))
    }
}

/// The memory file under a memory fault, checked at the end of the episode.
pub(crate) struct SwitchedMemory {
    switch: WriteSwitch,
    path: PathBuf,
    /// Holds a fresh memory's file; removed when dropped.
    _scratch: Option<tempfile::TempDir>,
}

/// What became of the memory under a memory fault: what the agent held in RAM at the end
/// against what the file holds when reopened after the agent stopped.
#[derive(Debug, Clone, Serialize)]
pub struct MemoryReport {
    /// Entries in RAM at the end.
    pub entries_in_ram: usize,
    /// Entries in the file, reopened.
    pub entries_on_disk: usize,
    /// Whether RAM and the file hold the same entries (ids, counts, times, texts).
    pub ram_equals_disk: bool,
    /// The first entry that differs, RAM then disk, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_difference: Option<String>,
    /// The agent's own account of its writes.
    pub writes: MemoryWrites,
}

/// How to run an episode.
#[derive(Clone)]
pub struct EpisodeOptions {
    /// Simulator seed.
    pub seed: u64,
    /// Simulated seconds for all tasks together.
    pub timeout_s: f64,
    /// Agent settings (the gate's robot radius and speed limits follow the world's robot).
    pub agent: AgentConfig,
    /// Simulated seconds to keep running after the last task ends, so the robot settles.
    pub settle_s: f64,
    /// The agent's memory.
    pub memory: MemoryChoice,
    /// Objects of the world (by name) the robot saw before the start: in its memory, or told
    /// to perception when it has none.
    pub known_objects: Vec<String>,
    /// Record the run into this MCAP file.
    pub record: Option<PathBuf>,
    /// Keep the recorded messages in the report too (for pictures).
    pub keep_recording: bool,
    /// The planner's command-line options, as a recording keeps them for replay.
    pub planner_args: Vec<String>,
    /// Faults injected between the simulator and the agent.
    pub faults: Vec<Fault>,
    /// Tasks stream in until this simulated time (none: all of them); after it no new task
    /// is given, and the run settles once the current one ends.
    pub submit_until_s: Option<f64>,
    /// Called after every control tick with the simulated seconds (measurements, e.g. soak).
    pub on_tick: Option<Arc<dyn Fn(f64) + Send + Sync>>,
    /// Keep the robot's speed at every physics step (for `stopped_within` and the faults'
    /// time to stop): 1.6 KB per simulated second, so a soak leaves it off.
    pub speed_trace: bool,
    /// Hand every recorded message to these too (the live view, an interactive console):
    /// the run is recorded for them even without a file.
    pub feeds: Vec<EntryFeed>,
    /// More tasks, as they arrive (an interactive run): each is given at once, taking over
    /// from the task in progress, as a new task on `/agent/task` does. After `tasks`; once it
    /// is closed and the last task has ended, the run settles and ends.
    pub task_stream: Option<Receiver<String>>,
    /// The footprint radius of the simulated Nav2 (served when the agent's `navigation` is
    /// nav2 or auto), m; none: the world's robot radius, as a Nav2 set up for this robot has.
    pub nav2_robot_radius: Option<f64>,
}

impl Default for EpisodeOptions {
    fn default() -> Self {
        Self {
            seed: 0,
            timeout_s: 180.0,
            agent: AgentConfig::default(),
            settle_s: DEFAULT_SETTLE_S,
            memory: MemoryChoice::Off,
            known_objects: Vec::new(),
            record: None,
            keep_recording: false,
            planner_args: Vec::new(),
            faults: Vec::new(),
            submit_until_s: None,
            on_tick: None,
            speed_trace: true,
            feeds: Vec::new(),
            task_stream: None,
            nav2_robot_radius: None,
        }
    }
}

impl EpisodeOptions {
    /// What a recording keeps of these options.
    pub fn setup(&self) -> RunSetup<'_> {
        RunSetup {
            seed: self.seed,
            timeout_s: self.timeout_s,
            settle_s: self.settle_s,
            agent: &self.agent,
            planner_args: &self.planner_args,
            memory: &self.memory,
            known_objects: &self.known_objects,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Serialize)]
pub struct EpisodeReport {
    /// One report per task, in order.
    pub tasks: Vec<TaskReport>,
    /// Whether the time ran out before every task ended.
    pub timed_out: bool,
    /// Simulator counters.
    pub sim: SimStatsReport,
    /// Places entered, in order (ground truth).
    pub visited: Vec<String>,
    /// Per place, the longest time the robot's centre stayed inside it without leaving, s
    /// (ground truth).
    pub longest_stay_s: std::collections::BTreeMap<String, f64>,
    /// Whether the robot's body ever overlapped a keep-out zone (ground truth).
    pub entered_keep_out: bool,
    /// Final pose (x, y, theta).
    pub final_pose: (f64, f64, f64),
    /// Safety interventions.
    pub interventions: InterventionCounts,
    /// Wall time, s.
    pub wall_time_s: f64,
    /// Messages recorded per topic, when the run was recorded.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub recorded: std::collections::BTreeMap<String, u64>,
    /// The recorded messages, when [`EpisodeOptions::keep_recording`] asked for them.
    #[serde(skip)]
    pub recording: Vec<Entry>,
    /// The robot's linear speed at every physics step, `(time_s, |v|)` (ground truth).
    #[serde(skip)]
    pub speed_trace: Vec<(f64, f64)>,
    /// Each injected fault and the robot's measured reaction.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultReaction>,
    /// Under a memory fault: RAM against the file at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryReport>,
    /// What the simulated Nav2 did, when the agent navigated with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nav2: Option<Nav2Report>,
}

/// [`Nav2Stats`] in a serialisable form: the simulated Nav2's goals and how they ended.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Nav2Report {
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
    /// Nav2's error code of the newest abort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<u16>,
    /// The newest velocity it published on the controller output (v, w).
    pub last_command: (f64, f64),
}

impl From<Nav2Stats> for Nav2Report {
    fn from(s: Nav2Stats) -> Self {
        Self {
            goals: s.goals,
            feedback: s.feedback,
            succeeded: s.succeeded,
            aborted: s.aborted,
            canceled: s.canceled,
            last_error_code: s.last_error_code,
            last_command: s.last_command,
        }
    }
}

/// [`SimStats`] in a serialisable form.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SimStatsReport {
    /// Simulated seconds.
    pub sim_time_s: f64,
    /// Contacts.
    pub collisions: u64,
    /// Of the contacts, those with another robot of a fleet (only reported in a fleet).
    #[serde(skip_serializing_if = "is_zero")]
    pub robot_collisions: u64,
    /// Path length, m.
    pub distance_m: f64,
    /// Highest speed, m/s.
    pub max_speed_mps: f64,
    /// Smallest clearance of the body, m.
    pub min_clearance_m: f64,
}

impl From<SimStats> for SimStatsReport {
    fn from(s: SimStats) -> Self {
        Self {
            sim_time_s: s.sim_time_s,
            collisions: s.collisions,
            robot_collisions: s.robot_collisions,
            distance_m: s.distance_m,
            max_speed_mps: s.max_speed_mps,
            min_clearance_m: s.min_clearance_m,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Runs `tasks` one after another in `world`.
pub fn run_episode(
    world: Arc<World>,
    planner: Arc<dyn Planner>,
    tasks: &[String],
    options: &EpisodeOptions,
) -> Result<EpisodeReport, AgentError> {
    if let Some(name) = world.robots.iter().find_map(|r| r.name.as_deref()) {
        return Err(AgentError::Config(format!(
            "world {} is a fleet (robot {name} and {} more): one agent would drive none of them. Fix: give each robot its tasks (a scenario's `robots:`, or `embodia run --robot-task NAME=TEXT`)",
            world.name,
            world.robots.len() - 1
        )));
    }
    let started = Instant::now();
    // The agent's bus; the simulator has its own, and the fault relay forwards between them.
    let bus = InProcBus::new();
    let sim_bus = InProcBus::new();
    let sim_now = Arc::new(AtomicI64::new(0));
    let faults = &options.faults;
    let planner: Arc<dyn Planner> = if faults.is_empty() {
        planner
    } else {
        Arc::new(FaultyPlanner::new(planner, faults.clone(), sim_now.clone()))
    };
    let (sim_config, steps_per_tick) = sim_timing(options);
    let agent_config = agent_for_world(options.agent.clone(), &world);
    let guard = agent_config.deliberative.plan_deadline + Duration::from_secs(10);
    let mut recorder = match (&options.record, options.keep_recording) {
        (None, false) if options.feeds.is_empty() => None,
        (path, keep) => {
            let file = match path {
                Some(p) => Some(
                    McapSink::create(p, &recording_meta(&world, tasks, options)?)
                        .map_err(AgentError::Recording)?,
                ),
                None => None,
            };
            let sink = TeeSink::new(file, keep).with_feeds(options.feeds.clone());
            Some(
                Recorder::new(&bus, &agent_config, Taps::All, sink)
                    .map_err(AgentError::Recording)?,
            )
        }
    };
    let record = |r: Result<(), crate::recording::RecordingError>| r.map_err(AgentError::Recording);
    let agent_config_stamped = agent_config.stamped_cmd_vel;
    let estop_topic = agent_config.perception.topics.emergency_stop.clone();
    // Nav2 runs on the robot's graph beside the agent (its goals and velocity bypass the
    // fault relay, which stands between the robot's body and its computer), and is up before
    // the agent looks for it.
    let nav2 = serve_nav2(&bus, &agent_config, options)?;
    // The agent subscribes first, so it receives the simulator's state at time zero.
    let (agent, switched) = start_agent(&bus, &world, planner, options, agent_config)?;
    let simulator =
        Simulator::new(world.clone(), sim_config).map_err(|e| AgentError::Config(e.to_string()))?;
    let mut relay = FaultRelay::new(
        &sim_bus,
        &bus,
        faults.clone(),
        options.seed,
        agent_config_stamped,
        &estop_topic,
    )?;
    let mut sim =
        SimNode::new(&sim_bus, simulator).map_err(|e| AgentError::Config(e.to_string()))?;
    if let Some(n) = nav2 {
        sim.serve_nav2(n);
    }
    relay.pump_sensors(sim.sim().time_ns())?;
    if let Some(r) = recorder.as_mut() {
        record(r.inputs(sim.sim().time_ns()))?;
    }
    let mut speed_trace = vec![(0.0, sim.sim().velocity().0.abs())];

    let radius = world.robot.radius;
    let mut stays = Stays::default();
    let mut entered_keep_out = false;
    let mut reports = Vec::new();
    let mut submitted = 0;
    let mut settle_until: Option<f64> = None;
    let mut timed_out = false;
    // Whether more tasks may still arrive on the stream.
    let mut stream_open = options.task_stream.is_some();
    // Tasks are given after a control tick (the first one after the first), as a person gives
    // a task to a robot that is already up: it knows where it stands when it plans.
    loop {
        for _ in 0..steps_per_tick {
            relay.pump_commands(sim.sim().time_ns())?;
            sim.step().map_err(|e| AgentError::Config(e.to_string()))?;
            relay.pump_sensors(sim.sim().time_ns())?;
            if options.speed_trace {
                speed_trace.push((sim.sim().stats().sim_time_s, sim.sim().velocity().0.abs()));
            }
            let p = sim.sim().pose().position();
            entered_keep_out |= world.in_keep_out(p, radius - 1e-3);
            stays.update(&world, p, sim.sim().stats().sim_time_s);
            if let Some(r) = recorder.as_mut() {
                record(r.inputs(sim.sim().time_ns()))?;
            }
        }
        if !agent.wait_idle(guard) {
            return Err(AgentError::Start(
                "the deliberative layer did not finish in time".into(),
            ));
        }
        let now_ns = sim.sim().time_ns();
        sim_now.store(now_ns, Ordering::SeqCst);
        if let Some(r) = recorder.as_mut() {
            record(r.tick(now_ns))?;
        }
        if let Some(m) = &switched {
            m.switch
                .set_unwritable(crate::faults::memory_unwritable(faults, now_ns));
        }
        // A starved control thread misses its ticks; a clock jump moves the agent's time.
        if !crate::faults::starved(faults, now_ns) {
            agent.tick(now_ns + crate::faults::clock_offset_ns(faults, now_ns))?;
        }
        if !agent.wait_idle(guard) {
            return Err(AgentError::Start(
                "the deliberative layer did not finish in time".into(),
            ));
        }
        match recorder.as_mut() {
            Some(r) => {
                record(r.outputs(now_ns))?;
                reports.extend(
                    r.agent_results(now_ns, &agent)
                        .map_err(AgentError::Recording)?,
                );
            }
            None => reports.extend(agent.reports().try_iter()),
        }
        let now_s = sim.sim().stats().sim_time_s;
        // A task a memory file recorded as interrupted is reported too, but is none of these.
        let ended = reports
            .iter()
            .filter(|r: &&TaskReport| r.outcome != crate::deliberative::Outcome::Interrupted)
            .count();
        if let Some(f) = &options.on_tick {
            f(now_s);
        }
        let streaming = options.submit_until_s.is_none_or(|t| now_s < t);
        if submitted >= tasks.len()
            && let Some(stream) = &options.task_stream
        {
            loop {
                match stream.try_recv() {
                    Ok(task) => {
                        if let Some(r) = recorder.as_mut() {
                            record(r.task(now_ns, &task))?;
                        }
                        agent.submit(&task);
                        submitted += 1;
                        settle_until = None;
                    }
                    Err(TryRecvError::Empty) => {
                        stream_open = true;
                        break;
                    }
                    Err(TryRecvError::Disconnected) => {
                        stream_open = false;
                        break;
                    }
                }
            }
        }
        if ended >= submitted {
            if submitted < tasks.len() && streaming {
                if let Some(r) = recorder.as_mut() {
                    record(r.task(now_ns, &tasks[submitted]))?;
                }
                agent.submit(&tasks[submitted]);
                submitted += 1;
            } else if settle_until.is_none() && !stream_open {
                settle_until = Some(now_s + options.settle_s);
            }
        }
        if settle_until.is_some_and(|t| now_s >= t) {
            break;
        }
        if now_s >= options.timeout_s {
            timed_out = ended < submitted.max(tasks.len());
            if timed_out {
                reports.extend(unfinished(&agent, options.timeout_s));
            }
            break;
        }
    }
    let pose = sim.sim().pose();
    let stats = sim.sim().stats();
    let in_ram = switched.as_ref().and_then(|_| {
        agent.wait_idle(guard);
        agent.memory_entries().map(|e| (e, agent.memory_writes()))
    });
    let interventions = agent.shutdown();
    let memory = match (switched, in_ram) {
        (Some(m), Some((in_ram, writes))) => Some(memory_report(&m.path, in_ram, writes)?),
        _ => None,
    };
    let (recorded, recording) = match recorder {
        Some(r) => {
            let sink = r.into_sink();
            let counts = sink.counts().clone();
            let (file, kept) = sink.into_parts();
            if let Some(f) = file {
                f.finish().map_err(AgentError::Recording)?;
            }
            (counts, kept.map(|k| k.entries).unwrap_or_default())
        }
        None => Default::default(),
    };
    Ok(EpisodeReport {
        tasks: reports,
        timed_out,
        sim: stats.into(),
        visited: stays.entered,
        longest_stay_s: stays.longest,
        entered_keep_out,
        final_pose: (pose.x, pose.y, pose.theta),
        interventions,
        wall_time_s: started.elapsed().as_secs_f64(),
        recorded,
        recording,
        faults: crate::faults::reactions(faults, &speed_trace),
        speed_trace,
        memory,
        nav2: sim.nav2_stats().map(Nav2Report::from),
    })
}

/// The simulated Nav2 when the agent's `navigation` may use it (nav2 or auto), on `bus` under
/// the agent's names for its action and velocity input.
fn serve_nav2(
    bus: &InProcBus,
    agent: &AgentConfig,
    options: &EpisodeOptions,
) -> Result<Option<Nav2Sim>, AgentError> {
    if agent.navigation == crate::agent::Navigation::Builtin {
        return Ok(None);
    }
    let config = Nav2Config {
        action: agent.nav2_action.clone(),
        cmd_vel: agent.topics.nav2_cmd_vel.clone(),
        robot_radius: options.nav2_robot_radius,
        // The odometry the agent gets, after the fault relay: a fault on it reaches Nav2 too.
        odom: Some(embodia_sim::node::topics::ODOM.to_owned()),
        ..Nav2Config::default()
    };
    Nav2Sim::new(bus, config)
        .map(Some)
        .map_err(|e| AgentError::Config(e.to_string()))
}

/// The simulator's settings for an episode and the physics steps in one control period.
pub(crate) fn sim_timing(options: &EpisodeOptions) -> (SimConfig, u64) {
    let sim_config = SimConfig {
        seed: options.seed,
        ..SimConfig::default()
    };
    let steps = (sim_config.physics_hz as f64 / options.agent.control_hz)
        .round()
        .max(1.0) as u64;
    (sim_config, steps)
}

/// The task still going on when the run's `timeout_s` ran out, reported as unfinished (a
/// report never hides it).
pub(crate) fn unfinished(agent: &Agent, timeout_s: f64) -> Option<TaskReport> {
    let mut r = agent.in_progress()?;
    r.outcome = crate::deliberative::Outcome::Unfinished;
    r.reason = Some(format!(
        "the run's {timeout_s:.0} s ran out while the task was {}",
        r.state.as_deref().unwrap_or("in progress")
    ));
    Some(r)
}

/// Reopens the memory file the agent has let go of and compares it with what it held.
fn memory_report(
    path: &std::path::Path,
    in_ram: Vec<embodia_memory::MemoryEntry>,
    writes: MemoryWrites,
) -> Result<MemoryReport, AgentError> {
    let on_disk = MemoryStore::open(
        path,
        embodia_memory::EMBEDDING_DIM,
        embodia_memory::memory::DEFAULT_CAPACITY,
    )
    .map_err(|e| AgentError::Config(format!("memory: reopening after the run: {e}")))?;
    Ok(MemoryReport {
        entries_in_ram: in_ram.len(),
        entries_on_disk: on_disk.len(),
        ram_equals_disk: on_disk.entries() == &in_ram[..],
        first_difference: in_ram
            .iter()
            .map(Some)
            .chain(std::iter::repeat(None))
            .zip(
                on_disk
                    .entries()
                    .iter()
                    .map(Some)
                    .chain(std::iter::repeat(None)),
            )
            .take(in_ram.len().max(on_disk.len()))
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("{a:?} / {b:?}")),
        writes,
    })
}

/// Starts the agent as an episode does: its memory (with the objects known before the start),
/// lockstep pacing. Replay starts it the same way.
pub(crate) fn start_agent(
    bus: &InProcBus,
    world: &World,
    planner: Arc<dyn Planner>,
    options: &EpisodeOptions,
    agent_config: AgentConfig,
) -> Result<(Agent, Option<SwitchedMemory>), AgentError> {
    let mut switched = None;
    let mut memory = if options
        .faults
        .iter()
        .any(|f| f.kind() == "memory_unwritable")
    {
        let scratch = tempfile::tempdir()
            .map_err(|e| AgentError::Config(format!("memory: a scratch directory: {e}")))?;
        let switch = WriteSwitch::default();
        let (memory, path) = options
            .memory
            .open_switched(scratch.path(), switch.clone())?;
        let keep = matches!(options.memory, MemoryChoice::Fresh(_));
        switched = Some(SwitchedMemory {
            switch,
            path,
            _scratch: keep.then_some(scratch),
        });
        Some(memory)
    } else {
        options.memory.open()?
    };
    let seen_before = sightings_before_start(world, &options.known_objects)?;
    if let (Some(m), false) = (memory.as_mut(), seen_before.is_empty()) {
        let observations: Vec<Observation> = seen_before
            .iter()
            .map(|o| {
                Observation::object_sighting(
                    ObservationKind::ObjectSeen,
                    o,
                    (o.x, o.y, 0.0),
                    "/detections",
                )
            })
            .collect();
        m.remember(&observations)
            .map_err(|e| AgentError::Config(format!("memory: {e}")))?;
    }
    let told_perception = memory.is_none();
    let agent = Agent::start(
        bus,
        Arc::new(SemanticMap::from_world(world)),
        planner,
        memory,
        agent_config,
        Pacing::Lockstep,
    )?;
    if told_perception && !seen_before.is_empty() {
        agent.recall_objects(seen_before);
    }
    Ok((agent, switched))
}

/// What a recording of this episode says about it.
fn recording_meta(
    world: &World,
    tasks: &[String],
    options: &EpisodeOptions,
) -> Result<RecordingMeta, AgentError> {
    setup::recording_meta(world, tasks, &options.setup())
}

/// The world's objects called `names`, as sightings made just before the start.
fn sightings_before_start(
    world: &World,
    names: &[String],
) -> Result<Vec<TrackedObject>, AgentError> {
    names
        .iter()
        .map(|n| {
            let o = world.object(n).ok_or_else(|| {
                AgentError::Config(format!(
                    "known object {n:?} is not in world {}; name objects of the world",
                    world.name
                ))
            })?;
            Ok(TrackedObject {
                name: o.name.clone(),
                class: o.class.clone(),
                color: o.color.clone(),
                x: o.at.x,
                y: o.at.y,
                place: world.place_at(o.at).map(|p| p.name.clone()),
                first_seen_ns: 0,
                last_seen_ns: 0,
                count: 1,
            })
        })
        .collect()
}

/// How long the robot has stayed in each place without leaving, and the places it entered
/// in order (ground truth). Places may lie inside others (a security area in a concourse):
/// entering the inner one is entering it, whichever the world file lists first.
#[derive(Default)]
pub(crate) struct Stays {
    /// Places the robot is in now, with the time it entered each.
    inside: Vec<(String, f64)>,
    pub(crate) longest: std::collections::BTreeMap<String, f64>,
    /// Places entered, in order (a place entered again right after itself counts once).
    pub(crate) entered: Vec<String>,
}

impl Stays {
    pub(crate) fn update(&mut self, world: &World, p: embodia_world::V2, now_s: f64) {
        let here: Vec<&str> = world
            .places
            .iter()
            .filter(|pl| pl.region.contains(p))
            .map(|pl| pl.name.as_str())
            .collect();
        self.inside
            .retain(|(name, _)| here.contains(&name.as_str()));
        for name in here {
            if !self.inside.iter().any(|(n, _)| n == name) {
                self.inside.push((name.to_owned(), now_s));
                if self.entered.last().map(String::as_str) != Some(name) {
                    self.entered.push(name.to_owned());
                }
            }
        }
        for (name, since) in &self.inside {
            let e = self.longest.entry(name.clone()).or_insert(0.0);
            *e = e.max(now_s - since);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_world::V2;

    #[test]
    fn a_place_inside_another_is_entered_when_the_robot_enters_it() {
        let world = World::parse(
            "name: court\nsize: [10.0, 4.0]\nplaces:\n  concourse: {polygon: [[0, 0], [10, 0], [10, 4], [0, 4]]}\n  security: {polygon: [[7, 0], [10, 0], [10, 4], [7, 4]]}\n  enquiries: {center: [1.5, 2.0], radius: 1.0}\nrobot: {start: [4.0, 2.0, 0.0]}\n",
            "court.yaml",
        )
        .unwrap();
        let mut stays = Stays::default();
        for (i, x) in [4.0, 8.5, 8.6, 4.0, 1.5].into_iter().enumerate() {
            stays.update(&world, V2::new(x, 2.0), i as f64);
        }
        assert_eq!(stays.entered, ["concourse", "security", "enquiries"]);
        assert!(stays.longest["security"] >= 1.0);
    }
}
