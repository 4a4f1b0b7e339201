//! `embodia replay FILE.mcap`: rebuild the recorded agent, feed it the recorded inputs and
//! clock, compare every output and decision with the recording. Exit 0 when equal, 1 with the
//! first divergence, 2 when the file cannot be replayed (the error names the file and the fix).
//! `--rerecord` runs the recorded episode again and overwrites the file: how a change of
//! behaviour is accepted on purpose.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser};
use embodia::agent::AgentConfig;
use embodia::episode::{EpisodeOptions, run_episode};
use embodia::recording::read::{Recording, read};
use embodia::recording::replay::{ReplayOutcome, replay};
use embodia::setup::MemoryChoice;
use embodia_ros::args::RosArgs;
use embodia_sim::World;

use super::PlannerArgs;

/// Options of `embodia replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Recordings made with `embodia run --record` or `embodia eval --record`.
    #[arg(required = true, value_name = "FILE.mcap")]
    files: Vec<PathBuf>,
    /// Run each recorded episode again (its world file, tasks, seed, planner and parameters)
    /// and overwrite the recording: accepts a change of behaviour on purpose.
    #[arg(long)]
    rerecord: bool,
}

/// Replay found a difference (exit code 1; every other error is 2).
#[derive(Debug)]
pub struct Diverged;

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("replay diverged from the recording")
    }
}

impl std::error::Error for Diverged {}

/// The planner's options as a recording keeps them.
#[derive(Debug, Parser)]
struct RecordedPlanner {
    #[command(flatten)]
    planner: PlannerArgs,
}

/// Replays (or re-records) every file; `ros` parameters override the recorded ones.
pub fn run(args: ReplayArgs, ros: &RosArgs) -> anyhow::Result<()> {
    let mut diverged = false;
    for file in &args.files {
        let recording = read(file)?;
        if let Some(why) = &recording.cut_off {
            anyhow::bail!(
                "{} is cut off ({why}): replay needs a complete recording. Fix: record the run again with `embodia run --record`",
                file.display()
            );
        }
        if recording.meta.live_bus {
            anyhow::bail!(
                "{} was recorded from a live bus (`embodia agent` or `embodia sim` with --record): nothing in it is lockstepped, so it cannot be replayed. Open it in Foxglove or read it with rosbag2's MCAP storage; for a replayable recording use `embodia run --record`",
                file.display()
            );
        }
        let (world, planner, options) = rebuild(file, &recording, ros)?;
        if args.rerecord {
            let world = Arc::new(World::load(&recording.meta.world_file).with_context(|| {
                format!(
                    "{}: re-recording loads the world file it names; run from the folder it was recorded in",
                    file.display()
                )
            })?);
            let options = EpisodeOptions {
                record: Some(file.clone()),
                ..options
            };
            let report = run_episode(world, planner, &recording.meta.tasks, &options)
                .with_context(|| format!("re-recording {}", file.display()))?;
            println!(
                "{}: re-recorded, {:.1} simulated s",
                file.display(),
                report.sim.sim_time_s
            );
            continue;
        }
        match replay(&recording, world, planner, &options)
            .with_context(|| format!("replaying {}", file.display()))?
        {
            ReplayOutcome::Same { compared, ticks } => println!(
                "{}: same: {ticks} ticks replayed, {compared} outputs and decisions equal to the recording",
                file.display()
            ),
            ReplayOutcome::Diverged(d) => {
                println!("{}: DIVERGED\n{d}", file.display());
                diverged = true;
            }
        }
    }
    if diverged {
        return Err(Diverged.into());
    }
    Ok(())
}

/// The world, planner and episode options the recording was made with.
fn rebuild(
    file: &Path,
    recording: &Recording,
    ros: &RosArgs,
) -> anyhow::Result<(Arc<World>, Arc<dyn embodia::Planner>, EpisodeOptions)> {
    let meta = &recording.meta;
    let world = World::parse(&meta.world_yaml, &meta.world_file)
        .with_context(|| format!("{}: the recorded world", file.display()))?;
    let mut agent = AgentConfig::default();
    let recorded = embodia::params::from_values(&meta.params)
        .with_context(|| format!("{}: the recorded parameters", file.display()))?;
    embodia::params::apply(&mut agent, &recorded)
        .with_context(|| format!("{}: the recorded parameters", file.display()))?;
    embodia::params::apply(&mut agent, &ros.params).context("--ros-args parameters")?;
    let planner_args = RecordedPlanner::try_parse_from(
        std::iter::once("embodia".to_owned()).chain(meta.planner_args.iter().cloned()),
    )
    .with_context(|| format!("{}: the recorded planner options", file.display()))?
    .planner;
    let embedder = super::embedder()?;
    let planner = planner_args.build(&mut agent, embedder.clone())?;
    let memory = match meta.memory.as_str() {
        "off" => MemoryChoice::Off,
        "fresh" => MemoryChoice::Fresh(embedder),
        other => anyhow::bail!(
            "{}: recorded with memory {other:?}; replay rebuilds only a fresh memory or none. Fix: record with --no-memory or without --memory FILE",
            file.display()
        ),
    };
    let options = EpisodeOptions {
        seed: meta.seed,
        timeout_s: meta.timeout_s,
        settle_s: meta.settle_s,
        agent,
        memory,
        known_objects: meta.known_objects.clone(),
        planner_args: meta.planner_args.clone(),
        ..EpisodeOptions::default()
    };
    Ok((Arc::new(world), planner, options))
}
