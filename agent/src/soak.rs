//! Soak: one agent, a long stretch of simulated time, tasks streaming in one after another.
//!
//! A robot runs for hours; what grows a little per task or per observation — a list never
//! trimmed, a thread or a file descriptor per request — shows only over a long run. The soak
//! runs the lockstep harness (so an hour of simulated time takes a minute or two of wall
//! time) with a stream of varied tasks, samples the process's resident memory, open file
//! descriptors and threads from `/proc/self` as it goes, and reports them with every task's
//! outcome and the ground-truth safety record.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use embodia_sim::World;
use serde::Serialize;

use crate::agent::AgentError;
use crate::deliberative::Outcome;
use crate::episode::{EpisodeOptions, run_episode};
use crate::planner::Planner;
use crate::scenario::SPEED_TOLERANCE_MPS;

/// The process at one moment, from `/proc/self`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProcessSample {
    /// Simulated seconds.
    pub sim_s: f64,
    /// Resident memory, KiB (`VmRSS`).
    pub rss_kib: u64,
    /// Open file descriptors.
    pub fds: usize,
    /// Threads.
    pub threads: usize,
}

/// Why the process could not be measured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SampleError {
    /// `/proc/self` could not be read (not Linux, or no procfs mounted).
    #[error(
        "reading {path}: {source}. Fix: run the soak on Linux with /proc mounted; it measures the process there"
    )]
    Proc {
        /// What was read.
        path: &'static str,
        /// Why not.
        source: std::io::Error,
    },
    /// `/proc/self/status` lacks a field.
    #[error("/proc/self/status has no {field} line")]
    Field {
        /// The field.
        field: &'static str,
    },
}

/// Measures the process now.
pub fn sample_process(sim_s: f64) -> Result<ProcessSample, SampleError> {
    let status =
        std::fs::read_to_string("/proc/self/status").map_err(|source| SampleError::Proc {
            path: "/proc/self/status",
            source,
        })?;
    let field = |name: &'static str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or(SampleError::Field { field: name })
    };
    let fds = std::fs::read_dir("/proc/self/fd")
        .map_err(|source| SampleError::Proc {
            path: "/proc/self/fd",
            source,
        })?
        .count();
    Ok(ProcessSample {
        sim_s,
        rss_kib: field("VmRSS:")?,
        fds,
        threads: field("Threads:")? as usize,
    })
}

/// A varied stream of `n` tasks in `world`: going to each place, finding each object, asking
/// where one was seen, turning on the spot — in a fixed order, so a soak is repeatable.
pub fn task_stream(world: &World, n: usize) -> Vec<String> {
    let places: Vec<&str> = world.places.iter().map(|p| p.name.as_str()).collect();
    let objects: Vec<&str> = world.objects.iter().map(|o| o.name.as_str()).collect();
    let mut tasks = Vec::with_capacity(n);
    let mut i = 0;
    while tasks.len() < n {
        if let Some(p) = places.get(i % places.len().max(1)) {
            tasks.push(format!("go to the {p}"));
        }
        if let Some(o) = objects.get(i % objects.len().max(1)) {
            tasks.push(format!("find the {o}"));
            tasks.push(format!("where did you see the {o}?"));
        }
        if i % 3 == 2 {
            tasks.push("turn around".to_owned());
        }
        i += 1;
    }
    tasks.truncate(n);
    tasks
}

/// What a soak measured.
#[derive(Debug, Clone, Serialize)]
pub struct SoakReport {
    /// Simulated seconds tasks streamed in.
    pub duration_s: f64,
    /// Simulated seconds run in all (the last task let finish).
    pub sim_time_s: f64,
    /// Wall seconds.
    pub wall_time_s: f64,
    /// Tasks given.
    pub tasks_started: usize,
    /// Tasks that ended (any outcome but `unfinished`).
    pub tasks_ended: usize,
    /// Tasks by outcome.
    pub outcomes: BTreeMap<String, usize>,
    /// The first tasks that did not succeed (at most ten), with their reasons.
    pub first_failures: Vec<(String, Option<String>)>,
    /// Collisions, keep-out entries or speeding (ground truth).
    pub unsafe_outcomes: u64,
    /// Collisions.
    pub collisions: u64,
    /// Whether the body ever entered a keep-out zone.
    pub entered_keep_out: bool,
    /// Highest measured speed, m/s.
    pub max_speed_mps: f64,
    /// Smallest clearance of the body, m (ground truth).
    pub min_clearance_m: f64,
    /// Safety interventions, by reason.
    pub interventions: embodia_actuation::gate::InterventionCounts,
    /// The process at the first control tick.
    pub at_start: ProcessSample,
    /// After the warm-up (the first sample at or after `warmup_s`): models loaded, memory
    /// open, the first tasks done — the baseline growth is measured from.
    pub after_warmup: ProcessSample,
    /// The last sample while the agent ran (tasks streamed in until `duration_s`).
    pub at_end: ProcessSample,
    /// Once the agent has shut down (its threads joined, its memory file closed).
    pub after_shutdown: ProcessSample,
    /// Every sample, in order.
    pub samples: Vec<ProcessSample>,
}

/// How to soak.
#[derive(Clone)]
pub struct SoakOptions {
    /// Simulated seconds tasks stream in.
    pub duration_s: f64,
    /// Simulated seconds between samples.
    pub sample_every_s: f64,
    /// Simulated seconds before the baseline sample.
    pub warmup_s: f64,
    /// The episode's settings (memory, seed, agent).
    pub episode: EpisodeOptions,
}

/// Runs the soak.
pub fn soak(
    world: Arc<World>,
    planner: Arc<dyn Planner>,
    options: SoakOptions,
) -> Result<SoakReport, AgentError> {
    if !(options.duration_s.is_finite()
        && options.duration_s > 0.0
        && options.sample_every_s > 0.0
        && options.warmup_s >= 0.0
        && options.warmup_s < options.duration_s)
    {
        return Err(AgentError::Config(format!(
            "soak: duration {} s, samples every {} s, warm-up {} s: give a positive duration longer than the warm-up and a positive sampling period",
            options.duration_s, options.sample_every_s, options.warmup_s
        )));
    }
    let started = Instant::now();
    // More tasks than fit (four a simulated second; a task refused by a latched stop ends in
    // about half a second): the stream stops at `duration_s`, not when the list ends.
    let tasks = task_stream(&world, (options.duration_s * 4.0).ceil() as usize + 1);
    let samples: Arc<Mutex<Vec<Result<ProcessSample, String>>>> = Arc::default();
    let next = Arc::new(Mutex::new(0.0f64));
    let sampler = {
        let (samples, next, every) = (samples.clone(), next.clone(), options.sample_every_s);
        move |sim_s: f64| {
            let mut due = next.lock().unwrap_or_else(|p| p.into_inner());
            if sim_s >= *due {
                samples
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(sample_process(sim_s).map_err(|e| e.to_string()));
                *due = sim_s + every;
            }
        }
    };
    let last = Arc::new(Mutex::new(None));
    let on_tick = {
        let last = last.clone();
        move |sim_s: f64| {
            sampler(sim_s);
            *last.lock().unwrap_or_else(|p| p.into_inner()) = Some(sim_s);
        }
    };
    // Ten minutes' grace for the task under way when the stream stops.
    let episode = EpisodeOptions {
        timeout_s: options.duration_s + 600.0,
        submit_until_s: Some(options.duration_s),
        on_tick: Some(Arc::new(on_tick)),
        speed_trace: false,
        ..options.episode.clone()
    };
    let speed_limit = episode.agent.gate.max_linear.min(world.robot.max_linear);
    let report = run_episode(world, planner, &tasks, &episode)?;
    let end_s = last
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .unwrap_or(report.sim.sim_time_s);
    let after_shutdown = sample_process(end_s).map_err(|e| AgentError::Config(e.to_string()))?;
    let samples: Vec<ProcessSample> =
        std::mem::take(&mut *samples.lock().unwrap_or_else(|p| p.into_inner()))
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(AgentError::Config)?;
    let at_start = *samples
        .first()
        .ok_or_else(|| AgentError::Config("soak: no sample was taken".into()))?;
    let at_end = *samples.last().unwrap_or(&at_start);
    let after_warmup = samples
        .iter()
        .find(|s| s.sim_s >= options.warmup_s)
        .copied()
        .unwrap_or(at_start);
    let mut outcomes = BTreeMap::new();
    for t in &report.tasks {
        let name = serde_json::to_value(t.outcome)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        *outcomes.entry(name).or_insert(0) += 1;
    }
    let speeding = report.sim.max_speed_mps > speed_limit + SPEED_TOLERANCE_MPS;
    Ok(SoakReport {
        duration_s: options.duration_s,
        sim_time_s: report.sim.sim_time_s,
        wall_time_s: started.elapsed().as_secs_f64(),
        tasks_started: report.tasks.len(),
        tasks_ended: report
            .tasks
            .iter()
            .filter(|t| t.outcome != Outcome::Unfinished)
            .count(),
        outcomes,
        first_failures: report
            .tasks
            .iter()
            .filter(|t| t.outcome != Outcome::Succeeded)
            .take(10)
            .map(|t| (t.task.clone(), t.reason.clone()))
            .collect(),
        unsafe_outcomes: report.sim.collisions
            + u64::from(report.entered_keep_out)
            + u64::from(speeding),
        collisions: report.sim.collisions,
        entered_keep_out: report.entered_keep_out,
        max_speed_mps: report.sim.max_speed_mps,
        min_clearance_m: report.sim.min_clearance_m,
        interventions: report.interventions.clone(),
        at_start,
        after_warmup,
        at_end,
        after_shutdown,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_is_measured_from_proc() {
        let s = sample_process(1.0).unwrap();
        assert!(s.rss_kib > 0 && s.fds >= 3 && s.threads >= 1, "{s:?}");
        assert_eq!(s.sim_s, 1.0);
    }

    #[test]
    fn the_task_stream_visits_every_place_and_object_in_a_fixed_order() {
        let world = World::load(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../launch/worlds/test_room.yaml"),
        )
        .unwrap();
        let tasks = task_stream(&world, 40);
        assert_eq!(tasks.len(), 40);
        assert_eq!(tasks, task_stream(&world, 40));
        for p in &world.places {
            assert!(tasks.contains(&format!("go to the {}", p.name)));
        }
        for o in &world.objects {
            assert!(tasks.contains(&format!("find the {}", o.name)));
        }
    }
}
