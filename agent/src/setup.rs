//! How an agent is set up for a run, shared by the robot-side `embodia agent` and the
//! simulated harness (episodes, scenarios, replay): which memory it has, its limits fitted to
//! the robot's body, and what a recording keeps of the run so replay can rebuild it. Nothing
//! here links the simulator.

use std::path::PathBuf;
use std::sync::Arc;

use embodia_memory::Embedder;
use embodia_world::{RobotSpec, World};

use crate::agent::{AgentConfig, AgentError};
use crate::recording::RecordingMeta;

/// Simulated seconds a run keeps going after its last task ends, so the robot settles.
pub const DEFAULT_SETTLE_S: f64 = 1.0;

/// Which memory an agent has.
#[derive(Clone, Default)]
pub enum MemoryChoice {
    /// None: observations are not remembered beyond what perception tracks.
    #[default]
    Off,
    /// A fresh memory in RAM, gone when the episode ends.
    Fresh(Arc<Embedder>),
    /// A memory file, kept across runs.
    File(Arc<Embedder>, PathBuf),
}

impl MemoryChoice {
    /// How a recording names it: `off`, `fresh` or `file`.
    pub fn kind(&self) -> &'static str {
        match self {
            MemoryChoice::Off => "off",
            MemoryChoice::Fresh(_) => "fresh",
            MemoryChoice::File(..) => "file",
        }
    }
}

/// The agent's settings adjusted to the world's robot: its radius and top speeds.
pub fn agent_for_world(config: AgentConfig, world: &World) -> AgentConfig {
    agent_for_robot(config, &world.robot)
}

/// The agent's settings adjusted to one robot's body: its radius and top speeds (a limit
/// only ever tightens).
pub fn agent_for_robot(mut config: AgentConfig, robot: &RobotSpec) -> AgentConfig {
    config.gate.robot_radius = robot.radius;
    config.gate.max_linear = config.gate.max_linear.min(robot.max_linear);
    config.gate.max_angular = config.gate.max_angular.min(robot.max_angular);
    config.gate.max_linear_accel = config.gate.max_linear_accel.min(robot.max_linear_accel);
    config.gate.max_angular_accel = config.gate.max_angular_accel.min(robot.max_angular_accel);
    config
}

/// How a run was set up, as its recording keeps it for replay.
#[derive(Clone, Copy)]
pub struct RunSetup<'a> {
    /// Simulator seed.
    pub seed: u64,
    /// Simulated seconds for all tasks together.
    pub timeout_s: f64,
    /// Simulated seconds kept running after the last task ends.
    pub settle_s: f64,
    /// Agent settings.
    pub agent: &'a AgentConfig,
    /// The planner's command-line options.
    pub planner_args: &'a [String],
    /// The agent's memory.
    pub memory: &'a MemoryChoice,
    /// Objects the robot saw before the start.
    pub known_objects: &'a [String],
}

impl<'a> RunSetup<'a> {
    /// A run on a live bus: seed 0, nothing known before the start, the default settling.
    pub fn live(
        agent: &'a AgentConfig,
        memory: &'a MemoryChoice,
        planner_args: &'a [String],
        timeout_s: f64,
    ) -> Self {
        Self {
            seed: 0,
            timeout_s,
            settle_s: DEFAULT_SETTLE_S,
            agent,
            planner_args,
            memory,
            known_objects: &[],
        }
    }
}

/// What a recording of a run in `world` (loaded from a file) says about it.
pub fn recording_meta(
    world: &World,
    tasks: &[String],
    setup: &RunSetup<'_>,
) -> Result<RecordingMeta, AgentError> {
    let source = world
        .source
        .as_ref()
        .ok_or_else(|| AgentError::Config("recording needs a world loaded from a file".into()))?;
    meta_of(&world.name, source, tasks, setup)
}

/// The metadata of a recording made on a live bus by an agent given a places file (its text
/// is kept where a world's would be; replay refuses live-bus recordings either way).
pub fn live_recording_meta_of_places(
    places_file: &std::path::Path,
    tasks: &[String],
    setup: &RunSetup<'_>,
) -> Result<RecordingMeta, AgentError> {
    Ok(RecordingMeta {
        live_bus: true,
        ..meta_of(
            &places_file.display().to_string(),
            places_file,
            tasks,
            setup,
        )?
    })
}

fn meta_of(
    name: &str,
    source: &std::path::Path,
    tasks: &[String],
    setup: &RunSetup<'_>,
) -> Result<RecordingMeta, AgentError> {
    let world_yaml = std::fs::read_to_string(source).map_err(|e| {
        AgentError::Config(format!("reading {} to record it: {e}", source.display()))
    })?;
    Ok(RecordingMeta {
        format: crate::recording::meta::FORMAT,
        embodia_version: env!("CARGO_PKG_VERSION").to_owned(),
        world_name: name.to_owned(),
        world_file: source.display().to_string(),
        world_yaml,
        seed: setup.seed,
        tasks: tasks.to_vec(),
        // No limit (an interactive run) as the largest finite number: JSON has no infinity.
        timeout_s: setup.timeout_s.min(f64::MAX),
        settle_s: setup.settle_s,
        params: crate::params::values(setup.agent),
        planner_args: setup.planner_args.to_vec(),
        memory: setup.memory.kind().to_owned(),
        known_objects: setup.known_objects.to_vec(),
        live_bus: false,
    })
}

/// What a recording made on a live bus (`embodia agent`, `embodia sim`) says about it: the
/// world, the tasks given on the command line, the parameters and planner; replay refuses it.
pub fn live_recording_meta(
    world: &World,
    tasks: &[String],
    setup: &RunSetup<'_>,
) -> Result<RecordingMeta, AgentError> {
    Ok(RecordingMeta {
        live_bus: true,
        ..recording_meta(world, tasks, setup)?
    })
}
