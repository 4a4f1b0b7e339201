//! `embodia agent`: the agent as a ROS 2 node (DDS built in, or rcl with the `r2r` feature), against whatever publishes the topics —
//! a robot, Gazebo behind ros_gz_bridge, or `embodia sim --dds`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use embodia::agent::{Agent, AgentConfig, Pacing};
use embodia::deliberative::Outcome;
use embodia_memory::Memory;
use embodia_perception::SemanticMap;
use embodia_ros::Bus;
use embodia_ros::bus::dds::{DdsBus, DdsOptions};
use embodia_sim::World;

use super::PlannerArgs;

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
            serve(&bus, args, config, &world)
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
    serve(&bus, args, config, world)
}

#[cfg(not(feature = "r2r"))]
fn serve_on_rcl(_: AgentArgs, _: AgentConfig, _: &World, _: &str, _: &str) -> anyhow::Result<()> {
    anyhow::bail!(
        "--transport rcl needs a build with the r2r feature: source ROS 2, then `cargo build --release --features r2r`; or use --transport dds, which needs no ROS 2 install"
    )
}

fn serve<B: Bus>(
    bus: &B,
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
    let planner = args.planner.build(&mut config, embedder)?;
    tracing::info!(
        world = %world.name,
        planner = planner.name(),
        tasks = %config.topics.task,
        cmd_vel = %config.topics.cmd_vel,
        "embodia agent ready: send a task as std_msgs/String; velocity goes out through the safety gate"
    );
    let execute_task = config.topics.execute_task.clone();
    let agent = Agent::start(
        bus,
        Arc::new(SemanticMap::from_world(world)),
        planner,
        memory,
        config,
        Pacing::WallClock(clock),
    )?;
    let actions = embodia::task_action::TaskActionServer::start(bus, &execute_task, agent.tasks());
    let started = Instant::now();
    let mut next = 0;
    let mut done = 0;
    loop {
        if next == done && next < args.tasks.len() {
            agent.submit(&args.tasks[next]);
            next += 1;
        }
        if let Ok(r) = agent.reports().recv_timeout(Duration::from_millis(100)) {
            actions.report(&r);
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
    drop(actions);
    agent.shutdown();
    Ok(())
}
