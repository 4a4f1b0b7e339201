//! `embodia agent`: the agent as a ROS 2 node (DDS built in, or rcl with the `r2r` feature), against whatever publishes the topics —
//! a robot, Gazebo behind ros_gz_bridge, or `embodia sim --dds`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use embodia::agent::{Agent, AgentConfig, Pacing};
use embodia::deliberative::Outcome;
use embodia::episode::{EpisodeOptions, MemoryChoice, live_recording_meta};
use embodia_memory::Memory;
use embodia_perception::SemanticMap;
use embodia_ros::Bus;
use embodia_ros::bus::dds::{DdsBus, DdsOptions};
use embodia_sim::World;

use super::bus_recording::BusRecording;
use super::{FoxgloveArg, PlannerArgs};

/// Options of `embodia agent`.
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// World file giving the named places and keep-out zones.
    #[arg(long)]
    world: PathBuf,
    #[command(flatten)]
    planner: PlannerArgs,
    /// Tasks to do in order (more arrive on /agent/task).
    #[arg(long = "task")]
    tasks: Vec<String>,
    /// Exit once the --task tasks have ended, printing their reports (for scripts and tests).
    #[arg(long)]
    exit_after_tasks: bool,
    /// Give up on --exit-after-tasks after this many wall seconds.
    #[arg(long, default_value_t = 600.0)]
    timeout: f64,
    /// Keep memory in this file across runs.
    #[arg(long, conflicts_with = "no_memory")]
    memory: Option<PathBuf>,
    /// Run without a vector memory.
    #[arg(long)]
    no_memory: bool,
    /// Use only the loopback interface for DDS.
    #[arg(long)]
    dds_loopback: bool,
    /// How the node joins ROS 2: `dds` (built in, pure Rust, no ROS 2 install) or `rcl` (the
    /// sourced ROS 2's own middleware; needs a build with `--features r2r`).
    #[arg(long, value_enum, default_value_t = Transport::Dds)]
    transport: Transport,
    /// Record every topic the agent reads and writes (ROS 2 CDR) and its decisions (JSON) into
    /// this MCAP file, stamped with the agent's clock when drained (every 20 ms). A live bus
    /// is not lockstepped: open it in Foxglove or rosbag2; `embodia replay` refuses it.
    #[arg(long, value_name = "FILE.mcap")]
    record: Option<PathBuf>,
    #[command(flatten)]
    foxglove: FoxgloveArg,
}

/// The ROS 2 client library the node runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    /// ros2-client over RustDDS, inside the binary.
    Dds,
    /// rcl through r2r, with whatever RMW the sourced ROS 2 configures.
    Rcl,
}

/// Runs the node until the tasks end (or forever without --exit-after-tasks).
pub fn run(
    args: AgentArgs,
    config: AgentConfig,
    node: &str,
    namespace: &str,
) -> anyhow::Result<()> {
    let world = World::load(&args.world)?;
    match args.transport {
        Transport::Dds => {
            let options = DdsOptions::from_env(node, namespace, args.dds_loopback);
            let bus = DdsBus::new(&options).context("joining the DDS domain")?;
            if args.record.is_none() && !args.foxglove.wanted() {
                return serve(&bus, &bus, args, config, &world);
            }
            // A participant does not receive its own publications: the recorder is a node of
            // its own, as `ros2 bag record` is.
            let recorder = DdsBus::new(&DdsOptions::from_env(
                &format!("{node}_recorder"),
                namespace,
                args.dds_loopback,
            ))
            .context("joining the DDS domain (the recorder's node)")?;
            serve(&bus, &recorder, args, config, &world)
        }
        Transport::Rcl => serve_on_rcl(args, config, &world, node, namespace),
    }
}

#[cfg(feature = "r2r")]
fn serve_on_rcl(
    args: AgentArgs,
    config: AgentConfig,
    world: &World,
    node: &str,
    namespace: &str,
) -> anyhow::Result<()> {
    if args.dds_loopback {
        anyhow::bail!(
            "--dds-loopback applies to --transport dds; with rcl, restrict the RMW in its own configuration (e.g. CYCLONEDDS_URI)"
        );
    }
    let bus = embodia_ros::bus::rcl::RclBus::new(node, namespace)
        .context("starting the rcl node (is ROS 2 sourced?)")?;
    // rcl delivers a node's own publications to its subscriptions: one node does both.
    serve(&bus, &bus, args, config, world)
}

#[cfg(not(feature = "r2r"))]
fn serve_on_rcl(_: AgentArgs, _: AgentConfig, _: &World, _: &str, _: &str) -> anyhow::Result<()> {
    anyhow::bail!(
        "--transport rcl needs a build with the r2r feature: source ROS 2, then `cargo build --release --features r2r`; or use --transport dds, which needs no ROS 2 install"
    )
}

fn serve<B: Bus, R: Bus>(
    bus: &B,
    recorder_bus: &R,
    args: AgentArgs,
    config: AgentConfig,
    world: &World,
) -> anyhow::Result<()> {
    let embedder = super::embedder()?;
    let memory = if args.no_memory {
        None
    } else {
        Some(Memory::open(embedder.clone(), args.memory.as_deref())?)
    };
    let clock = embodia::clock::clock_for(bus, config.use_sim_time)?;
    let mut config = embodia::episode::agent_for_world(config, world);
    let memory_choice = match (&args.memory, args.no_memory) {
        (_, true) => MemoryChoice::Off,
        (Some(path), false) => MemoryChoice::File(embedder.clone(), path.clone()),
        (None, false) => MemoryChoice::Fresh(embedder.clone()),
    };
    let planner = args.planner.build(&mut config, embedder)?;
    let live = args.foxglove.start(&config, world)?;
    // Made before the agent starts, so its first messages are recorded too.
    let meta = match &args.record {
        Some(_) => {
            let options = EpisodeOptions {
                timeout_s: args.timeout,
                agent: config.clone(),
                memory: memory_choice,
                planner_args: args.planner.to_args(),
                ..EpisodeOptions::default()
            };
            Some(live_recording_meta(world, &args.tasks, &options)?)
        }
        None => None,
    };
    let mut recording = BusRecording::start(
        recorder_bus,
        &config,
        args.record.as_deref(),
        meta,
        live.as_ref(),
    )?;
    tracing::info!(
        world = %world.name,
        planner = planner.name(),
        tasks = %config.topics.task,
        cmd_vel = %config.topics.cmd_vel,
        "embodia agent ready: send a task as std_msgs/String; velocity goes out through the safety gate"
    );
    let agent = Agent::start(
        bus,
        Arc::new(SemanticMap::from_world(world)),
        planner,
        memory,
        config,
        Pacing::WallClock(clock.clone()),
    )?;
    let started = Instant::now();
    let mut next = 0;
    let mut done = 0;
    let wait = if recording.is_some() {
        Duration::from_millis(20)
    } else {
        Duration::from_millis(100)
    };
    loop {
        if next == done && next < args.tasks.len() {
            if let Some(r) = recording.as_mut() {
                r.task(clock(), &args.tasks[next])?;
            }
            agent.submit(&args.tasks[next]);
            next += 1;
        }
        let report = agent.reports().recv_timeout(wait).ok();
        if let Some(r) = recording.as_mut() {
            r.drain(clock(), report.as_ref())?;
        }
        if let Some(r) = report {
            println!("{}", serde_json::to_string(&r)?);
            // A task interrupted by the agent's last stop is reported, not one of --task's.
            if r.outcome != Outcome::Interrupted {
                done += 1;
            }
        }
        if args.exit_after_tasks && done >= args.tasks.len() {
            break;
        }
        if args.exit_after_tasks && started.elapsed().as_secs_f64() > args.timeout {
            anyhow::bail!("the tasks did not end within {} s", args.timeout);
        }
    }
    agent.shutdown();
    if let Some(r) = recording {
        r.finish()?;
    }
    drop(live);
    Ok(())
}
