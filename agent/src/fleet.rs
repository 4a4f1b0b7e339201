//! A fleet in one simulated world: one agent per robot, each in its robot's namespace on one
//! in-process bus, all lockstepped with the one simulator. Each agent has its own perception,
//! memory, safety gate and deliberative layer; only the planner (stateless between requests)
//! is shared. Ground truth is taken per robot from the simulator, as in [`crate::episode`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use embodia_ros::bus::InProcBus;
use embodia_sim::{SimNode, Simulator, World};
use serde::Serialize;

use crate::agent::{Agent, AgentError};
use crate::deliberative::{Outcome, TaskReport};
use crate::episode::{EpisodeOptions, EpisodeReport, Stays};
use crate::planner::Planner;
use crate::setup::{MemoryChoice, agent_for_robot};

/// One robot's tasks, by its name in the world's `robots:`.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotTasks {
    /// The robot's name (its namespace).
    pub robot: String,
    /// Its tasks, in order.
    pub tasks: Vec<String>,
}

/// What happened to each robot of a fleet run.
#[derive(Debug, Clone, Serialize)]
pub struct FleetReport {
    /// Per robot, in the world's order: its name and its episode (tasks, ground truth).
    pub robots: Vec<(String, EpisodeReport)>,
    /// Whether the time ran out before every task of every robot ended.
    pub timed_out: bool,
    /// Wall time, s.
    pub wall_time_s: f64,
}

impl FleetReport {
    /// Every robot's contacts with other robots.
    pub fn robot_collisions(&self) -> u64 {
        self.robots
            .iter()
            .map(|(_, r)| r.sim.robot_collisions)
            .sum()
    }
}

/// Checks what a fleet run cannot do (faults, recordings and a shared memory file are one
/// robot's) and that every robot named has tasks and exists.
fn check(world: &World, tasks: &[RobotTasks], options: &EpisodeOptions) -> Result<(), AgentError> {
    let refuse = |what: &str, fix: &str| Err(AgentError::Config(format!("{what}. Fix: {fix}")));
    if world.robots.iter().any(|r| r.name.is_none()) {
        return refuse(
            &format!("world {} has one unnamed robot, not a fleet", world.name),
            "give its tasks without robot names, or list the robots under `robots:`",
        );
    }
    if !options.faults.is_empty() {
        return refuse(
            "faults are injected into one robot's topics",
            "run fault scenarios with one robot",
        );
    }
    if options.record.is_some() || options.keep_recording || !options.feeds.is_empty() {
        return refuse(
            "recordings, pictures and the live view follow one robot's topics",
            "record a fleet with `ros2 bag record` over `embodia sim --dds`, or run one robot",
        );
    }
    if options.task_stream.is_some() {
        return refuse(
            "tasks typed in while running go to one robot",
            "give each robot its tasks with --robot-task NAME=TEXT",
        );
    }
    if matches!(options.memory, MemoryChoice::File(..)) {
        return refuse(
            "one memory file cannot hold several robots' memories",
            "run a fleet with fresh memories (no --memory) or --no-memory",
        );
    }
    for t in tasks {
        if !world
            .robots
            .iter()
            .any(|r| r.name.as_deref() == Some(&t.robot))
        {
            let names: Vec<&str> = world
                .robots
                .iter()
                .filter_map(|r| r.name.as_deref())
                .collect();
            return refuse(
                &format!("no robot {:?} in world {}", t.robot, world.name),
                &format!("use one of {}", names.join(", ")),
            );
        }
    }
    Ok(())
}

/// One robot's agent and the ground truth kept about it.
struct Member {
    name: String,
    agent: Agent,
    tasks: Vec<String>,
    submitted: usize,
    reports: Vec<TaskReport>,
    stays: Stays,
    entered_keep_out: bool,
    speed_trace: Vec<(f64, f64)>,
}

impl Member {
    /// Tasks ended so far (a task a memory file recorded as interrupted is none of them).
    fn ended(&self) -> usize {
        self.reports
            .iter()
            .filter(|r| r.outcome != Outcome::Interrupted)
            .count()
    }
}

/// Runs each robot's tasks one after another, all robots at once, in `world`'s fleet.
/// Robots without tasks stand where they start (obstacles to the others). `options.agent`
/// is every agent's configuration before its namespace and its robot's limits are applied.
pub fn run_fleet(
    world: Arc<World>,
    planner: Arc<dyn Planner>,
    tasks: &[RobotTasks],
    options: &EpisodeOptions,
) -> Result<FleetReport, AgentError> {
    check(&world, tasks, options)?;
    if options.agent.navigation == crate::agent::Navigation::Nav2 {
        return Err(AgentError::Config(format!(
            "world {}: the simulator plays Nav2 for a lone robot only. Fix: run a fleet with -p navigation:=builtin (or auto)",
            world.name
        )));
    }
    let started = Instant::now();
    let bus = InProcBus::new();
    let (sim_config, steps_per_tick) = crate::episode::sim_timing(options);
    let guard = options.agent.deliberative.plan_deadline + Duration::from_secs(10);
    // The agents subscribe first, so they receive the simulator's state at time zero.
    let mut members = Vec::with_capacity(world.robots.len());
    for entry in &world.robots {
        let name = entry.name.clone().unwrap_or_default();
        let mut config = agent_for_robot(options.agent.clone(), &entry.spec);
        crate::names::resolve(&mut config, &crate::names::in_namespace(&entry.namespace()));
        let (agent, _) =
            crate::episode::start_agent(&bus, &world, planner.clone(), options, config)?;
        let tasks = tasks
            .iter()
            .filter(|t| t.robot == name)
            .flat_map(|t| t.tasks.iter().cloned())
            .collect();
        members.push(Member {
            name,
            agent,
            tasks,
            submitted: 0,
            reports: Vec::new(),
            stays: Stays::default(),
            entered_keep_out: false,
            speed_trace: Vec::new(),
        });
    }
    let simulator =
        Simulator::new(world.clone(), sim_config).map_err(|e| AgentError::Config(e.to_string()))?;
    let mut sim = SimNode::new(&bus, simulator).map_err(|e| AgentError::Config(e.to_string()))?;
    let mut settle_until: Option<f64> = None;
    let mut timed_out = false;
    loop {
        for _ in 0..steps_per_tick {
            sim.step().map_err(|e| AgentError::Config(e.to_string()))?;
            let s = sim.sim();
            let now_s = s.stats().sim_time_s;
            for (i, m) in members.iter_mut().enumerate() {
                let p = s.pose_of(i).position();
                if options.speed_trace {
                    m.speed_trace.push((now_s, s.velocity_of(i).0.abs()));
                }
                m.entered_keep_out |= world.in_keep_out(p, world.robots[i].spec.radius - 1e-3);
                m.stays.update(&world, p, now_s);
            }
        }
        let now_ns = sim.sim().time_ns();
        let idle = |m: &Member| {
            m.agent.wait_idle(guard).then_some(()).ok_or_else(|| {
                AgentError::Start(format!(
                    "{}: the deliberative layer did not finish in time",
                    m.name
                ))
            })
        };
        for m in &members {
            idle(m)?;
        }
        for m in &members {
            m.agent.tick(now_ns)?;
        }
        for m in &mut members {
            idle(m)?;
            while let Ok(r) = m.agent.reports().try_recv() {
                m.reports.push(r);
            }
        }
        let now_s = sim.sim().stats().sim_time_s;
        let mut all_ended = true;
        for m in &mut members {
            if m.ended() >= m.submitted && m.submitted < m.tasks.len() {
                m.agent.submit(&m.tasks[m.submitted]);
                m.submitted += 1;
            }
            all_ended &= m.submitted >= m.tasks.len() && m.ended() >= m.submitted;
        }
        if all_ended && settle_until.is_none() {
            settle_until = Some(now_s + options.settle_s);
        }
        if settle_until.is_some_and(|t| now_s >= t) {
            break;
        }
        if now_s >= options.timeout_s {
            for m in &mut members {
                if m.ended() < m.submitted.max(m.tasks.len()) {
                    timed_out = true;
                    let r = crate::episode::unfinished(&m.agent, options.timeout_s);
                    m.reports.extend(r);
                }
            }
            break;
        }
    }
    let wall_time_s = started.elapsed().as_secs_f64();
    let robots = members
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let s = sim.sim();
            let pose = s.pose_of(i);
            let timed_out = m.ended() < m.submitted.max(m.tasks.len());
            let interventions = m.agent.shutdown();
            let report = EpisodeReport {
                tasks: m.reports,
                timed_out,
                sim: s.stats_of(i).into(),
                visited: m.stays.entered,
                longest_stay_s: m.stays.longest,
                entered_keep_out: m.entered_keep_out,
                final_pose: (pose.x, pose.y, pose.theta),
                interventions,
                wall_time_s,
                recorded: Default::default(),
                recording: Vec::new(),
                speed_trace: m.speed_trace,
                faults: Vec::new(),
                memory: None,
                nav2: None,
            };
            (m.name, report)
        })
        .collect();
    Ok(FleetReport {
        robots,
        timed_out,
        wall_time_s,
    })
}
