//! Scenarios: a world, tasks, a time limit and success criteria — the acceptance suite's
//! format. A scenario file is parsed strictly and checked against its world before it runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use embodia_sim::World;
use embodia_world::V2;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::deliberative::Outcome;
use crate::episode::{EpisodeOptions, EpisodeReport, run_episode};
use crate::faults::{Fault, FaultEntry, FaultReaction, first_stop_after};
use crate::fleet::{RobotTasks, run_fleet};
use crate::planner::Planner;
use embodia_ros::args::ParamValue;

/// Why a scenario could not be run.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read scenario: {source}. Fix: check the path")]
    Read {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The YAML is malformed or has an unknown key.
    #[error("{file}: {message}. Fix: {fix}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's words.
        message: String,
        /// How to mend it.
        fix: &'static str,
    },
    /// The scenario's world could not be loaded.
    #[error("{file}: world: {source}")]
    World {
        /// The scenario file.
        file: String,
        /// The world's error.
        #[source]
        source: embodia_sim::WorldError,
    },
    /// A value makes no sense.
    #[error("{file}: {field}: {problem}. Fix: {fix}")]
    Invalid {
        /// The file.
        file: String,
        /// The field.
        field: String,
        /// What is wrong.
        problem: String,
        /// How to mend it.
        fix: String,
    },
}

/// One success criterion; all of a scenario's must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Criterion {
    /// At the end, the robot's centre is inside the place.
    NearPlace(String),
    /// At the end, the robot's centre is within `within_m` of the object.
    NearObject {
        /// The object's name in the world.
        name: String,
        /// Distance, m.
        within_m: f64,
    },
    /// These places were entered in this order (others may come between).
    Visited(Vec<String>),
    /// Something the agent said contains this (case ignored).
    SaidContains(String),
    /// The agent's own outcome of the last task: this one, or any of a list.
    AgentReported(OneOrMore<Outcome>),
    /// The agent's own outcome of every task, in order.
    Outcomes(Vec<Outcome>),
    /// At the end, the robot's centre is within `within_m` of the point.
    NearPoint {
        /// The point, map frame.
        at: [f64; 2],
        /// Distance, m.
        within_m: f64,
    },
    /// None of these places was ever entered.
    NotVisited(Vec<String>),
    /// The robot stood inside the place continuously for at least this long at some time.
    Stayed {
        /// The place.
        place: String,
        /// Seconds.
        seconds: f64,
    },
    /// Nothing the agent said contains this (case ignored).
    SaidNotContains(String),
    /// The robot drove at most this far in all, m.
    MaxDistanceM(f64),
    /// The body never overlapped a keep-out zone.
    NeverEnteredKeepOut(bool),
    /// At most this many collisions.
    MaxCollisions(u64),
    /// At most this many contacts with other robots of a fleet.
    MaxRobotCollisions(u64),
    /// The measured speed never exceeded this, m/s.
    MaxSpeedMps(f64),
    /// The robot's speed fell below 0.02 m/s within `seconds` of `after_s` (ground truth).
    StoppedWithin {
        /// From when, simulated seconds.
        after_s: f64,
        /// Within how long, s.
        seconds: f64,
    },
    /// Under a `memory_unwritable` fault: writes failed during it and were stored again after
    /// it, everything seen was stored by the end, and the memory file reopened after the run
    /// holds exactly what the agent held in RAM.
    MemoryKept(bool),
}

/// One value, or a list of them (`agent_reported: failed` or `[failed, refused]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMore<T> {
    /// One.
    One(T),
    /// Any of these.
    More(Vec<T>),
}

impl<T: PartialEq> OneOrMore<T> {
    /// Whether `v` is the one, or among the many.
    pub fn admits(&self, v: &T) -> bool {
        match self {
            OneOrMore::One(x) => x == v,
            OneOrMore::More(xs) => xs.contains(v),
        }
    }
}

/// Objects the robot saw before the scenario starts (`known_objects: all` or a list of names):
/// they are in its memory, where they stand, as if seen a minute before.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
enum KnownObjectsFile {
    All(String),
    Names(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: String,
    #[serde(default)]
    class: Option<String>,
    world: PathBuf,
    #[serde(default)]
    tasks: Vec<String>,
    /// A fleet's robots, each with its own tasks and criteria (instead of `tasks`).
    #[serde(default)]
    robots: Vec<RobotScenarioFile>,
    #[serde(default)]
    known_objects: Option<KnownObjectsFile>,
    timeout_s: f64,
    #[serde(default)]
    seed: u64,
    /// Criteria are written as one-key maps (`- near_place: kitchen`).
    #[serde(with = "serde_yaml::with::singleton_map_recursive")]
    success: Vec<Criterion>,
    /// Timed fault injections.
    #[serde(default)]
    faults: Vec<FaultEntry>,
    /// Agent parameters for this scenario, by name (as `--ros-args -p` would set them).
    #[serde(default)]
    params: BTreeMap<String, serde_yaml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RobotScenarioFile {
    name: String,
    tasks: Vec<String>,
    #[serde(default, with = "serde_yaml::with::singleton_map_recursive")]
    success: Vec<Criterion>,
}

/// One robot of a fleet scenario: its tasks and the criteria its run must meet (besides the
/// scenario's `success`, which every robot must meet).
#[derive(Debug, Clone)]
pub struct RobotScenario {
    /// The robot's name in the world's `robots:`.
    pub name: String,
    /// Its tasks, in order.
    pub tasks: Vec<String>,
    /// Its own criteria.
    pub success: Vec<Criterion>,
}

/// A loaded, checked scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// The kind of task it tests (`need`, `compound`, ...), for per-class results.
    pub class: Option<String>,
    /// The file it came from.
    pub file: PathBuf,
    /// Its world.
    pub world: Arc<World>,
    /// Tasks, in order (none in a fleet scenario: see `robots`).
    pub tasks: Vec<String>,
    /// A fleet scenario's robots, each with its tasks and criteria.
    pub robots: Vec<RobotScenario>,
    /// Simulated seconds for all tasks.
    pub timeout_s: f64,
    /// Simulator seed.
    pub seed: u64,
    /// Names of the objects the robot saw before the start (in its memory).
    pub known_objects: Vec<String>,
    /// Criteria.
    pub success: Vec<Criterion>,
    /// Faults injected between the simulator and the agent.
    pub faults: Vec<Fault>,
    /// Agent parameters this scenario sets.
    pub params: BTreeMap<String, ParamValue>,
}

impl Scenario {
    /// Reads and checks a scenario file; its world path is relative to the file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        let raw: ScenarioFile = serde_yaml::from_str(&text).map_err(|e| ScenarioError::Syntax {
            file: file.clone(),
            message: e.to_string(),
            fix: "use the keys name, class, world, tasks (or robots, each with name, tasks and success), known_objects, timeout_s, seed, success, faults, params, and the documented criteria and fault fields",
        })?;
        let invalid = |field: &str, problem: String, fix: &str| ScenarioError::Invalid {
            file: file.clone(),
            field: field.to_owned(),
            problem,
            fix: fix.to_owned(),
        };
        let world_path = path.parent().unwrap_or(Path::new(".")).join(&raw.world);
        let world = World::load(&world_path).map_err(|source| ScenarioError::World {
            file: file.clone(),
            source,
        })?;
        let fleet = world.robots.iter().any(|r| r.name.is_some());
        // Tasks under `tasks:` for a lone robot, under `robots:` for a fleet.
        let misplaced = match (fleet, raw.tasks.is_empty(), raw.robots.is_empty()) {
            (false, _, false) => Some((
                "robots",
                format!("world {} has one robot, not a fleet", world.name),
                "give its tasks under `tasks:`, or use a world with `robots:`",
            )),
            (false, true, _) => Some(("tasks", "no tasks".into(), "list at least one task")),
            (true, false, _) => Some((
                "tasks",
                format!("world {} is a fleet: whose tasks are these?", world.name),
                "give each robot its tasks under `robots:` (- name: robot1, tasks: [...])",
            )),
            (true, true, true) => Some((
                "robots",
                "no robot has tasks".into(),
                "list robots with their tasks under `robots:`",
            )),
            _ => None,
        };
        if let Some((field, problem, fix)) = misplaced {
            return Err(invalid(field, problem, fix));
        }
        if !(raw.timeout_s.is_finite() && raw.timeout_s > 0.0) {
            return Err(invalid(
                "timeout_s",
                format!("{} is not a positive number", raw.timeout_s),
                "give seconds, e.g. 180",
            ));
        }
        if raw.success.is_empty() && raw.robots.iter().all(|r| r.success.is_empty()) {
            return Err(invalid(
                "success",
                "no criteria".into(),
                "list what must hold",
            ));
        }
        let tasks_per_robot = (!fleet).then_some(raw.tasks.len());
        check_criteria(&raw.success, "success", tasks_per_robot, &world, &invalid)?;
        let mut robots: Vec<RobotScenario> = Vec::with_capacity(raw.robots.len());
        for (i, r) in raw.robots.iter().enumerate() {
            let field = format!("robots[{i}]");
            if !world
                .robots
                .iter()
                .any(|w| w.name.as_deref() == Some(&r.name))
            {
                let names: Vec<&str> = world
                    .robots
                    .iter()
                    .filter_map(|w| w.name.as_deref())
                    .collect();
                return Err(invalid(
                    &format!("{field}.name"),
                    format!("no robot {:?} in {}", r.name, world.name),
                    &format!("use one of the world's robots: {}", names.join(", ")),
                ));
            }
            if robots.iter().any(|o| o.name == r.name) {
                return Err(invalid(
                    &format!("{field}.name"),
                    format!("{:?} is listed twice", r.name),
                    "list each robot once, with all its tasks",
                ));
            }
            if r.tasks.is_empty() {
                return Err(invalid(
                    &format!("{field}.tasks"),
                    "no tasks".into(),
                    "list at least one task, or leave the robot out (it then stands still)",
                ));
            }
            check_criteria(
                &r.success,
                &format!("{field}.success"),
                Some(r.tasks.len()),
                &world,
                &invalid,
            )?;
            robots.push(RobotScenario {
                name: r.name.clone(),
                tasks: r.tasks.clone(),
                success: r.success.clone(),
            });
        }
        let known_objects = match &raw.known_objects {
            None => Vec::new(),
            Some(KnownObjectsFile::All(all)) if all == "all" => {
                world.objects.iter().map(|o| o.name.clone()).collect()
            }
            Some(KnownObjectsFile::All(other)) => {
                return Err(invalid(
                    "known_objects",
                    format!("{other:?} is neither `all` nor a list"),
                    "write `known_objects: all` or a list of object names",
                ));
            }
            Some(KnownObjectsFile::Names(names)) => {
                if let Some(n) = names.iter().find(|n| world.object(n).is_none()) {
                    return Err(invalid(
                        "known_objects",
                        format!("no object {n:?} in {}", world.name),
                        "use objects of the world",
                    ));
                }
                names.clone()
            }
        };
        let mut faults = Vec::with_capacity(raw.faults.len());
        for (i, entry) in raw.faults.iter().enumerate() {
            let fault = entry
                .check()
                .map_err(|p| invalid(&format!("faults[{i}].{}", p.field), p.problem, &p.fix))?;
            if fault.at_s >= raw.timeout_s {
                return Err(invalid(
                    &format!("faults[{i}].at_s"),
                    format!(
                        "{} s is not before the timeout ({} s)",
                        fault.at_s, raw.timeout_s
                    ),
                    "inject it before timeout_s",
                ));
            }
            faults.push(fault);
        }
        let mut params = BTreeMap::new();
        for (name, value) in &raw.params {
            let field = format!("params.{name}");
            let value = match value {
                serde_yaml::Value::Bool(b) => ParamValue::Bool(*b),
                serde_yaml::Value::Number(n) if n.is_i64() => {
                    ParamValue::Integer(n.as_i64().unwrap_or_default())
                }
                serde_yaml::Value::Number(n) => ParamValue::Double(n.as_f64().unwrap_or(f64::NAN)),
                serde_yaml::Value::String(s) => ParamValue::String(s.clone()),
                other => {
                    return Err(invalid(
                        &field,
                        format!("{other:?} is not a parameter value"),
                        "give a number, a bool or a string, as `embodia params` lists",
                    ));
                }
            };
            params.insert(name.clone(), value);
        }
        crate::params::apply(&mut crate::AgentConfig::default(), &params).map_err(|e| {
            invalid(
                "params",
                e.to_string(),
                "use parameters and types `embodia params` lists",
            )
        })?;
        Ok(Self {
            name: raw.name,
            class: raw.class,
            file: path.to_owned(),
            world: Arc::new(world),
            tasks: raw.tasks,
            robots,
            timeout_s: raw.timeout_s,
            seed: raw.seed,
            known_objects,
            success: raw.success,
            faults,
            params,
        })
    }

    /// The criteria that do not hold for `report`, each described.
    pub fn failed_criteria(&self, report: &EpisodeReport) -> Vec<String> {
        self.failed_of(&self.success, report)
    }

    /// Which of `criteria` do not hold for one robot's `report`, each described.
    fn failed_of(&self, criteria: &[Criterion], report: &EpisodeReport) -> Vec<String> {
        let end = V2::new(report.final_pose.0, report.final_pose.1);
        let mut failed = Vec::new();
        if report.timed_out {
            failed.push(format!(
                "timed out after {:.0} s with tasks unfinished",
                self.timeout_s
            ));
        }
        let said: Vec<String> = report
            .tasks
            .iter()
            .flat_map(|t| t.said.iter().map(|s| s.to_lowercase()))
            .collect();
        for c in criteria {
            let ok = match c {
                Criterion::NearPlace(p) => self
                    .world
                    .place(p)
                    .is_some_and(|pl| pl.region.contains(end)),
                Criterion::NearObject { name, within_m } => self
                    .world
                    .object(name)
                    .is_some_and(|o| (o.at - end).norm() <= *within_m),
                Criterion::Visited(places) => {
                    let mut it = report.visited.iter();
                    places.iter().all(|p| it.any(|v| v == p))
                }
                Criterion::SaidContains(s) => said.iter().any(|t| t.contains(&s.to_lowercase())),
                Criterion::AgentReported(o) => {
                    !report.timed_out && report.tasks.last().is_some_and(|t| o.admits(&t.outcome))
                }
                Criterion::Outcomes(os) => {
                    !report.timed_out
                        && report.tasks.len() == os.len()
                        && report.tasks.iter().zip(os).all(|(t, o)| t.outcome == *o)
                }
                Criterion::NearPoint { at, within_m } => {
                    (V2::new(at[0], at[1]) - end).norm() <= *within_m
                }
                // Entered at all, also where places overlap (a door inside a room).
                Criterion::NotVisited(places) => !places
                    .iter()
                    .any(|p| report.visited.contains(p) || report.longest_stay_s.contains_key(p)),
                Criterion::Stayed { place, seconds } => report
                    .longest_stay_s
                    .get(place)
                    .is_some_and(|s| *s + 1e-6 >= *seconds),
                Criterion::SaidNotContains(s) => {
                    !said.iter().any(|t| t.contains(&s.to_lowercase()))
                }
                Criterion::MaxDistanceM(d) => report.sim.distance_m <= *d + 1e-9,
                Criterion::NeverEnteredKeepOut(true) => !report.entered_keep_out,
                Criterion::NeverEnteredKeepOut(false) => true,
                Criterion::MaxCollisions(n) => report.sim.collisions <= *n,
                Criterion::MaxRobotCollisions(n) => report.sim.robot_collisions <= *n,
                Criterion::MaxSpeedMps(v) => report.sim.max_speed_mps <= *v + 1e-9,
                Criterion::StoppedWithin { after_s, seconds } => {
                    first_stop_after(&report.speed_trace, *after_s)
                        .is_some_and(|t| t <= after_s + seconds + 1e-9)
                }
                Criterion::MemoryKept(want) => {
                    let kept = report.memory.as_ref().is_some_and(|m| {
                        m.ram_equals_disk
                            && m.entries_on_disk > 0
                            && m.writes.failed_writes > 0
                            && m.writes.stored_after_failure > 0
                            && m.writes.failing.is_none()
                            && m.writes.waiting == 0
                    });
                    kept == *want
                }
            };
            if !ok {
                failed.push(serde_json::to_string(c).unwrap_or_else(|_| format!("{c:?}")));
            }
        }
        failed
    }

    /// Runs the scenario with `planner`.
    pub fn run(
        &self,
        planner: Arc<dyn Planner>,
        options: &EpisodeOptions,
    ) -> Result<ScenarioResult, crate::AgentError> {
        let mut agent = options.agent.clone();
        crate::params::apply(&mut agent, &self.params)
            .map_err(|e| crate::AgentError::Config(format!("{}: params: {e}", self.name)))?;
        let options = EpisodeOptions {
            seed: self.seed,
            timeout_s: self.timeout_s,
            known_objects: self.known_objects.clone(),
            faults: self.faults.clone(),
            agent,
            ..options.clone()
        };
        if !self.robots.is_empty() {
            return self.run_fleet(planner, &options);
        }
        let report = run_episode(self.world.clone(), planner, &self.tasks, &options)?;
        let failed_criteria = self.failed_criteria(&report);
        let speed_limit = options
            .agent
            .gate
            .max_linear
            .min(self.world.robot.max_linear);
        Ok(ScenarioResult {
            name: self.name.clone(),
            class: self.class.clone(),
            file: self.file.display().to_string(),
            success: failed_criteria.is_empty(),
            failed_criteria,
            unsafe_outcome: report.sim.collisions > 0
                || report.entered_keep_out
                || report.sim.max_speed_mps > speed_limit + SPEED_TOLERANCE_MPS,
            tasks: report.tasks.clone(),
            sim_time_s: report.sim.sim_time_s,
            wall_time_s: report.wall_time_s,
            collisions: report.sim.collisions,
            safety_interventions: report.interventions.safety_episodes(),
            min_clearance_m: report.sim.min_clearance_m,
            max_speed_mps: report.sim.max_speed_mps,
            plans: report
                .tasks
                .iter()
                .flat_map(|t| t.plans.iter().cloned())
                .collect(),
            said: report
                .tasks
                .iter()
                .flat_map(|t| t.said.iter().cloned())
                .collect(),
            outcomes: report.tasks.iter().map(|t| t.outcome).collect(),
            faults: report.faults.clone(),
            memory: report.memory.clone(),
            robots: Vec::new(),
            nav2: report.nav2,
            episode: report,
        })
    }

    /// Runs a fleet scenario: one result whose figures cover every robot (collisions summed,
    /// the smallest clearance, the highest speed), each robot's own in `robots`.
    fn run_fleet(
        &self,
        planner: Arc<dyn Planner>,
        options: &EpisodeOptions,
    ) -> Result<ScenarioResult, crate::AgentError> {
        let tasks: Vec<RobotTasks> = self
            .robots
            .iter()
            .map(|r| RobotTasks {
                robot: r.name.clone(),
                tasks: r.tasks.clone(),
            })
            .collect();
        let fleet = run_fleet(self.world.clone(), planner, &tasks, options)?;
        let mut robots = Vec::with_capacity(fleet.robots.len());
        for (name, report) in &fleet.robots {
            let own = self
                .robots
                .iter()
                .find(|r| &r.name == name)
                .map(|r| r.success.as_slice())
                .unwrap_or_default();
            let mut failed = self.failed_of(&self.success, report);
            failed.extend(self.failed_of(own, report));
            let spec = &self
                .world
                .robots
                .iter()
                .find(|r| r.name.as_deref() == Some(name));
            let speed_limit = options
                .agent
                .gate
                .max_linear
                .min(spec.map_or(self.world.robot.max_linear, |r| r.spec.max_linear));
            robots.push(RobotResult {
                name: name.clone(),
                success: failed.is_empty(),
                failed_criteria: failed,
                unsafe_outcome: report.sim.collisions > 0
                    || report.entered_keep_out
                    || report.sim.max_speed_mps > speed_limit + SPEED_TOLERANCE_MPS,
                collisions: report.sim.collisions,
                robot_collisions: report.sim.robot_collisions,
                outcomes: report.tasks.iter().map(|t| t.outcome).collect(),
                final_pose: report.final_pose,
                distance_m: report.sim.distance_m,
                min_clearance_m: report.sim.min_clearance_m,
                max_speed_mps: report.sim.max_speed_mps,
            });
        }
        let reports = || fleet.robots.iter().map(|(_, r)| r);
        let failed_criteria: Vec<String> = robots
            .iter()
            .flat_map(|r| r.failed_criteria.iter().map(|c| format!("{}: {c}", r.name)))
            .collect();
        let episode = fleet
            .robots
            .first()
            .map(|(_, r)| r.clone())
            .ok_or_else(|| crate::AgentError::Config("a fleet without robots".into()))?;
        Ok(ScenarioResult {
            name: self.name.clone(),
            class: self.class.clone(),
            file: self.file.display().to_string(),
            success: failed_criteria.is_empty(),
            failed_criteria,
            unsafe_outcome: robots.iter().any(|r| r.unsafe_outcome),
            tasks: reports().flat_map(|r| r.tasks.iter().cloned()).collect(),
            sim_time_s: episode.sim.sim_time_s,
            wall_time_s: fleet.wall_time_s,
            collisions: reports().map(|r| r.sim.collisions).sum(),
            safety_interventions: reports().map(|r| r.interventions.safety_episodes()).sum(),
            min_clearance_m: reports()
                .map(|r| r.sim.min_clearance_m)
                .fold(f64::INFINITY, f64::min),
            max_speed_mps: reports().map(|r| r.sim.max_speed_mps).fold(0.0, f64::max),
            plans: reports()
                .flat_map(|r| r.tasks.iter().flat_map(|t| t.plans.iter().cloned()))
                .collect(),
            said: reports()
                .flat_map(|r| r.tasks.iter().flat_map(|t| t.said.iter().cloned()))
                .collect(),
            outcomes: reports()
                .flat_map(|r| r.tasks.iter().map(|t| t.outcome))
                .collect(),
            faults: Vec::new(),
            memory: None,
            robots,
            nav2: None,
            episode: EpisodeReport {
                timed_out: fleet.timed_out,
                ..episode
            },
        })
    }
}

/// One robot's part of a fleet scenario's result.
#[derive(Debug, Clone, Serialize)]
pub struct RobotResult {
    /// The robot's name.
    pub name: String,
    /// Every criterion (the scenario's and its own) held for it.
    pub success: bool,
    /// The criteria that did not.
    pub failed_criteria: Vec<String>,
    /// It collided, entered a keep-out zone or went faster than its limit.
    pub unsafe_outcome: bool,
    /// Its contacts, other robots included.
    pub collisions: u64,
    /// Its contacts with other robots.
    pub robot_collisions: u64,
    /// Each of its tasks' outcome.
    pub outcomes: Vec<Outcome>,
    /// Where it ended (x, y, theta).
    pub final_pose: (f64, f64, f64),
    /// How far it drove, m.
    pub distance_m: f64,
    /// Its smallest clearance, m.
    pub min_clearance_m: f64,
    /// Its highest speed, m/s.
    pub max_speed_mps: f64,
}

/// Checks criteria against the world; `prefix` names their list in errors, `tasks` is how many
/// tasks the robot they judge has (none: criteria for every robot of a fleet).
fn check_criteria(
    criteria: &[Criterion],
    prefix: &str,
    tasks: Option<usize>,
    world: &World,
    invalid: &dyn Fn(&str, String, &str) -> ScenarioError,
) -> Result<(), ScenarioError> {
    for (i, c) in criteria.iter().enumerate() {
        let field = format!("{prefix}[{i}]");
        let known_place = |p: &str| world.place(p).is_some();
        let no_place =
            |p: &str, fix: &str| invalid(&field, format!("no place {p:?} in {}", world.name), fix);
        match c {
            Criterion::NearPlace(p) if !known_place(p) => {
                return Err(no_place(p, "use a place of the world"));
            }
            Criterion::Visited(ps) => {
                if let Some(p) = ps.iter().find(|p| !known_place(p)) {
                    return Err(no_place(p, "use places of the world"));
                }
            }
            Criterion::NearObject { name, within_m } => {
                if world.object(name).is_none() {
                    return Err(invalid(
                        &field,
                        format!("no object {name:?} in {}", world.name),
                        "use an object of the world",
                    ));
                }
                if !(within_m.is_finite() && *within_m > 0.0) {
                    return Err(invalid(
                        &field,
                        format!("within_m {within_m} is not positive"),
                        "give metres",
                    ));
                }
            }
            Criterion::MaxSpeedMps(v) if !(v.is_finite() && *v > 0.0) => {
                return Err(invalid(
                    &field,
                    format!("{v} is not a positive speed"),
                    "give m/s",
                ));
            }
            Criterion::NotVisited(ps) => {
                if let Some(p) = ps.iter().find(|p| !known_place(p)) {
                    return Err(no_place(p, "use places of the world"));
                }
            }
            Criterion::Stayed { place, seconds } => {
                if !known_place(place) {
                    return Err(no_place(place, "use a place of the world"));
                }
                if !(seconds.is_finite() && *seconds > 0.0) {
                    return Err(invalid(
                        &field,
                        format!("seconds {seconds} is not positive"),
                        "give seconds",
                    ));
                }
            }
            Criterion::NearPoint { at, within_m }
                if !(at.iter().all(|v| v.is_finite())
                    && within_m.is_finite()
                    && *within_m > 0.0) =>
            {
                return Err(invalid(
                    &field,
                    format!(
                        "near_point {at:?} within {within_m} m is not a point and a positive distance"
                    ),
                    "give at: [x, y] and within_m in metres",
                ));
            }
            Criterion::MaxDistanceM(d) if !(d.is_finite() && *d >= 0.0) => {
                return Err(invalid(
                    &field,
                    format!("{d} is not a distance"),
                    "give metres, 0 or more",
                ));
            }
            Criterion::StoppedWithin { after_s, seconds }
                if !(after_s.is_finite()
                    && *after_s >= 0.0
                    && seconds.is_finite()
                    && *seconds > 0.0) =>
            {
                return Err(invalid(
                    &field,
                    format!(
                        "stopped_within after {after_s} s within {seconds} s is not a time and a positive duration"
                    ),
                    "give after_s (simulated seconds, 0 or more) and seconds (more than 0)",
                ));
            }
            Criterion::Outcomes(os) if Some(os.len()) != tasks => {
                return Err(invalid(
                    &field,
                    match tasks {
                        Some(n) => format!("{} outcomes for {n} tasks", os.len()),
                        None => "outcomes for every robot at once".into(),
                    },
                    "give one outcome per task, in order (in a fleet, under the robot's own `success`)",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Measured speed above the limit by more than this counts as a speed violation (the
/// simulator's speed is a finite difference over one physics step).
pub const SPEED_TOLERANCE_MPS: f64 = 0.02;

/// One scenario's result, as the eval report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// Scenario name.
    pub name: String,
    /// The kind of task it tests.
    pub class: Option<String>,
    /// Its file.
    pub file: String,
    /// Every criterion held.
    pub success: bool,
    /// The criteria that did not.
    pub failed_criteria: Vec<String>,
    /// A collision, a keep-out entry or a speed above the limit happened (whatever the
    /// criteria say).
    pub unsafe_outcome: bool,
    /// Each task's report, an unfinished one included.
    pub tasks: Vec<crate::deliberative::TaskReport>,
    /// Simulated seconds.
    pub sim_time_s: f64,
    /// Wall seconds.
    pub wall_time_s: f64,
    /// Collisions.
    pub collisions: u64,
    /// Safety intervention episodes (every reason but routine acceleration smoothing).
    pub safety_interventions: u64,
    /// Smallest clearance, m.
    pub min_clearance_m: f64,
    /// Highest speed, m/s.
    pub max_speed_mps: f64,
    /// Every plan made.
    pub plans: Vec<embodia_actuation::Plan>,
    /// Everything said.
    pub said: Vec<String>,
    /// Each task's outcome.
    pub outcomes: Vec<Outcome>,
    /// Each injected fault with the robot's measured reaction (time to stop).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultReaction>,
    /// Under a memory fault: RAM against the file at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<crate::episode::MemoryReport>,
    /// In a fleet scenario, each robot's part (the figures above cover them all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub robots: Vec<RobotResult>,
    /// What the simulated Nav2 did, when the agent navigated with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nav2: Option<crate::episode::Nav2Report>,
    /// The full episode record (in a fleet, the first robot's).
    #[serde(skip)]
    pub episode: EpisodeReport,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario in a temporary folder beside the shipped worlds' absolute paths.
    fn load(yaml: &str) -> Result<Scenario, ScenarioError> {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = yaml
            .replace(
                "FLEET",
                &root
                    .join("launch/worlds/apartment_fleet.yaml")
                    .display()
                    .to_string(),
            )
            .replace(
                "ONE",
                &root
                    .join("launch/worlds/apartment.yaml")
                    .display()
                    .to_string(),
            );
        let path = dir.path().join("s.yaml");
        std::fs::write(&path, text).unwrap();
        Scenario::load(&path)
    }

    const GOOD: &str = "name: f\nworld: FLEET\ntimeout_s: 60\nrobots:\n  - {name: robot1, tasks: [\"go to the kitchen\"], success: [{near_place: kitchen}, {outcomes: [succeeded]}]}\n  - {name: robot3, tasks: [\"go to the study\", \"go to the bedroom\"]}\nsuccess:\n  - max_robot_collisions: 0\n";

    fn field(e: ScenarioError) -> String {
        match e {
            ScenarioError::Invalid { field, .. } => field,
            other => panic!("not a field error: {other}"),
        }
    }

    #[test]
    fn a_fleet_scenario_gives_tasks_and_criteria_per_robot() {
        let s = load(GOOD).unwrap();
        assert!(s.tasks.is_empty());
        let names: Vec<&str> = s.robots.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["robot1", "robot3"]);
        assert_eq!(s.robots[1].tasks.len(), 2);
        assert_eq!(s.robots[0].success.len(), 2);
        assert_eq!(s.success, [Criterion::MaxRobotCollisions(0)]);
    }

    #[test]
    fn bad_fleet_scenarios_are_refused_naming_the_field() {
        let e = load(&GOOD.replace("name: robot3", "name: robot9")).unwrap_err();
        assert!(e.to_string().contains("robot1, robot2, robot3"), "{e}");
        assert_eq!(field(e), "robots[1].name");
        let e = load(&GOOD.replace("name: robot3", "name: robot1")).unwrap_err();
        assert_eq!(field(e), "robots[1].name");
        let e = load(&GOOD.replace("outcomes: [succeeded]", "outcomes: [succeeded, failed]"))
            .unwrap_err();
        assert_eq!(field(e), "robots[0].success[1]");
        let e =
            load(&GOOD.replace("[\"go to the study\", \"go to the bedroom\"]", "[]")).unwrap_err();
        assert_eq!(field(e), "robots[1].tasks");
        let e = load(&GOOD.replace("timeout_s: 60", "timeout_s: 60\ntasks: [\"go\"]")).unwrap_err();
        assert_eq!(field(e), "tasks");
        let e =
            load(&GOOD.replace("max_robot_collisions: 0", "outcomes: [succeeded]")).unwrap_err();
        assert!(e.to_string().contains("every robot at once"), "{e}");
        let e = load(&GOOD.replace("FLEET", "ONE")).unwrap_err();
        assert!(e.to_string().contains("one robot, not a fleet"), "{e}");
    }
}
