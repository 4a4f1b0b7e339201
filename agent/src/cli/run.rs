//! `embodia run`: the simulator and the agent in one process; tasks from the command line.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use embodia::episode::{EpisodeOptions, MemoryChoice, run_episode};
use embodia_sim::World;
use serde_json::json;

use super::PlannerArgs;

/// Options of `embodia run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// World file (YAML).
    #[arg(long)]
    world: PathBuf,
    /// A task in plain language; repeat for several, run one after another.
    #[arg(long = "task", required = true)]
    tasks: Vec<String>,
    #[command(flatten)]
    planner: PlannerArgs,
    /// Simulator seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Simulated seconds for all tasks together.
    #[arg(long, default_value_t = 300.0)]
    timeout: f64,
    /// Keep the agent's memory in this file, across runs (fresh in RAM otherwise).
    #[arg(long, value_name = "PATH", conflicts_with = "no_memory")]
    memory: Option<std::path::PathBuf>,
    /// Run without a vector memory (no embedding model needed).
    #[arg(long)]
    no_memory: bool,
    /// Record the run into this MCAP file: every topic the agent reads and writes as ROS 2
    /// CDR, its decisions as JSON (`embodia replay` checks a build against it).
    #[arg(long, value_name = "FILE.mcap")]
    record: Option<PathBuf>,
    /// Draw the run on the map into this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    svg: Option<PathBuf>,
}

/// Runs the tasks and prints a JSON report.
pub fn run(args: RunArgs, mut agent: embodia::agent::AgentConfig) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.timeout.is_finite() && args.timeout > 0.0,
        "--timeout {} must be a positive number of seconds",
        args.timeout
    );
    let world = Arc::new(World::load(&args.world)?);
    let embedder = super::embedder()?;
    let planner = args.planner.build(&mut agent, embedder.clone())?;
    let memory = if args.no_memory {
        MemoryChoice::Off
    } else {
        match args.memory {
            Some(path) => MemoryChoice::File(embedder, path),
            None => MemoryChoice::Fresh(embedder),
        }
    };
    let safety_topic = agent.topics.safety.clone();
    let options = EpisodeOptions {
        seed: args.seed,
        timeout_s: args.timeout,
        memory,
        agent,
        record: args.record.clone(),
        keep_recording: args.svg.is_some(),
        planner_args: args.planner.to_args(),
        ..EpisodeOptions::default()
    };
    let report = run_episode(world.clone(), planner.clone(), &args.tasks, &options)
        .context("running the agent")?;
    let out = json!({
        "world": world.name,
        "planner": planner.name(),
        "seed": args.seed,
        "tasks": report.tasks,
        "timed_out": report.timed_out,
        "final_pose": { "x": report.final_pose.0, "y": report.final_pose.1, "theta": report.final_pose.2 },
        "visited": report.visited,
        "entered_keep_out": report.entered_keep_out,
        "sim": report.sim,
        "safety_interventions": report.interventions,
        "wall_time_s": report.wall_time_s,
        "recorded": report.recorded,
    });
    if let Some(path) = &args.svg {
        let title = format!("{}: {}", world.name, args.tasks.join(" / "));
        let svg = embodia::picture::draw(&world, &report.recording, &safety_topic, &title);
        std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
