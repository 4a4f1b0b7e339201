//! `embodia soak`: one agent, a long stretch of simulated time, tasks streaming in.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use embodia::episode::EpisodeOptions;
use embodia::setup::MemoryChoice;
use embodia::soak::{SoakOptions, soak};
use embodia_sim::World;

use super::PlannerArgs;

/// Options of `embodia soak`.
#[derive(Debug, Args)]
pub struct SoakArgs {
    /// World file (YAML).
    #[arg(long, default_value = "launch/worlds/apartment.yaml")]
    world: PathBuf,
    #[command(flatten)]
    planner: PlannerArgs,
    /// Simulated minutes tasks stream in (the last one is let finish).
    #[arg(long, default_value_t = 60.0)]
    minutes: f64,
    /// Simulated seconds between measurements of the process.
    #[arg(long, default_value_t = 60.0)]
    sample_every: f64,
    /// Simulated seconds before the baseline measurement.
    #[arg(long, default_value_t = 120.0)]
    warmup: f64,
    /// Simulator seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Keep the agent's memory in this file (fresh in RAM otherwise).
    #[arg(long, value_name = "PATH", conflicts_with = "no_memory")]
    memory: Option<PathBuf>,
    /// Run without a vector memory.
    #[arg(long)]
    no_memory: bool,
    /// Record the run into this MCAP file (about 1.2 MB per simulated minute), to replay or
    /// look into what happened at a given moment.
    #[arg(long, value_name = "PATH")]
    record: Option<PathBuf>,
}

/// Runs the soak and prints its JSON report.
pub fn run(args: SoakArgs, mut agent: embodia::agent::AgentConfig) -> anyhow::Result<()> {
    let world = Arc::new(World::load(&args.world)?);
    let embedder = super::embedder()?;
    let planner = args.planner.build(&mut agent, embedder.clone())?;
    let memory = match (args.no_memory, args.memory) {
        (true, _) => MemoryChoice::Off,
        (false, Some(path)) => MemoryChoice::File(embedder, path),
        (false, None) => MemoryChoice::Fresh(embedder),
    };
    let options = SoakOptions {
        duration_s: args.minutes * 60.0,
        sample_every_s: args.sample_every,
        warmup_s: args.warmup,
        episode: EpisodeOptions {
            seed: args.seed,
            memory,
            agent,
            record: args.record,
            planner_args: args.planner.to_args(),
            ..EpisodeOptions::default()
        },
    };
    let report = soak(world, planner, options).context("soaking the agent")?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
