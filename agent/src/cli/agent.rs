//! `embodia agent`: the agent as a ROS 2 node (DDS built in, or rcl with the `r2r` feature), against whatever publishes the topics —
//! a robot, Gazebo behind ros_gz_bridge, or `embodia sim --dds`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use embodia::agent::{Agent, AgentConfig, Pacing};
use embodia::deliberative::Outcome;
use embodia::setup::{MemoryChoice, RunSetup, live_recording_meta, live_recording_meta_of_places};
use embodia_memory::Memory;
use embodia_perception::SemanticMap;
use embodia_ros::Bus;
use embodia_ros::bus::dds::{DdsBus, DdsOptions};
use embodia_world::{PlacesFile, World};

use super::bus_recording::BusRecording;
use super::{FoxgloveArg, PlannerArgs};

/// Options of `embodia agent`.
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// World file of the built-in simulator or Gazebo (its named places and keep-out zones
    /// are used). On a real robot use --places instead.
    #[arg(long, conflicts_with = "places")]
    world: Option<PathBuf>,
    /// Places file of a real robot: named places and keep-out zones in the map frame (see
    /// launch/places.yaml). Also the `places_file` parameter.
    #[arg(long)]
    places: Option<PathBuf>,
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
    let site = Site::load(&args, config, namespace)?;
    match args.transport {
        Transport::Dds => {
            let options = DdsOptions::from_env(node, namespace, args.dds_loopback);
            let bus = DdsBus::new(&options).context("joining the DDS domain")?;
            if args.record.is_none() && !args.foxglove.wanted() {
                return serve(&bus, &bus, args, site);
            }
            // A participant does not receive its own publications: the recorder is a node of
            // its own, as `ros2 bag record` is.
            let recorder = DdsBus::new(&DdsOptions::from_env(
                &format!("{node}_recorder"),
                namespace,
                args.dds_loopback,
            ))
            .context("joining the DDS domain (the recorder's node)")?;
            serve(&bus, &recorder, args, site)
        }
        Transport::Rcl => serve_on_rcl(args, site, node, namespace),
    }
}

/// Where the agent works: its places and keep-out zones, and its settings fitted to them.
struct Site {
    /// What the log calls it: the world's name or the places file.
    name: String,
    /// The world file, when the agent runs in a simulated world.
    world: Option<World>,
    /// The places file, when the agent runs on a robot.
    places_file: Option<PathBuf>,
    semantic: SemanticMap,
    config: AgentConfig,
}

impl Site {
    /// From `--world` (the robot's limits capped by the world's robot: in a fleet, the one
    /// whose namespace the node runs in) or from `--places` / `places_file` (the limits are the
    /// parameters'): exactly one of them.
    fn load(args: &AgentArgs, config: AgentConfig, namespace: &str) -> anyhow::Result<Self> {
        let places = args.places.clone().or_else(|| config.places_file.clone());
        match (&args.world, places) {
            (Some(_), Some(p)) => anyhow::bail!(
                "both --world and a places file ({}) were given. Fix: use --world for the simulator or Gazebo, --places (or the places_file parameter) on a real robot, not both",
                p.display()
            ),
            (None, None) => anyhow::bail!(
                "embodia agent needs to know its places. Fix: on a real robot give --places FILE (named places and keep-out zones in the map frame, e.g. launch/places.yaml, or -p places_file:=FILE); with the simulator or Gazebo give --world FILE"
            ),
            (Some(w), None) => {
                let world = World::load(w)?;
                let robot = robot_of(&world, w, namespace)?;
                Ok(Self {
                    name: world.name.clone(),
                    semantic: SemanticMap::from_world(&world),
                    config: embodia::setup::agent_for_robot(config, &robot),
                    world: Some(world),
                    places_file: None,
                })
            }
            (None, Some(p)) => {
                let file = PlacesFile::load(&p)?;
                Ok(Self {
                    name: p.display().to_string(),
                    semantic: SemanticMap::from_places(&file),
                    config,
                    world: None,
                    places_file: Some(p),
                })
            }
        }
    }
}

/// The body of the world's robot this node drives: the one whose namespace it runs in.
fn robot_of(
    world: &World,
    file: &std::path::Path,
    namespace: &str,
) -> anyhow::Result<embodia_world::RobotSpec> {
    let ns = namespace.trim_end_matches('/');
    let ns = if ns.is_empty() { "/" } else { ns };
    // A lone robot is whatever namespace its node runs in (its topics may be remapped).
    if world.robots[0].name.is_none() {
        return Ok(world.robot.clone());
    }
    if let Some(r) = world.robots.iter().find(|r| r.namespace() == ns) {
        return Ok(r.spec.clone());
    }
    let namespaces: Vec<String> = world.robots.iter().map(|r| r.namespace()).collect();
    anyhow::bail!(
        "{}: no robot of this world runs in namespace {ns} (its robots: {}). Fix: run the agent with --ros-args -r __ns:={}",
        file.display(),
        namespaces.join(", "),
        namespaces[0]
    )
}

#[cfg(feature = "r2r")]
fn serve_on_rcl(args: AgentArgs, site: Site, node: &str, namespace: &str) -> anyhow::Result<()> {
    if args.dds_loopback {
        anyhow::bail!(
            "--dds-loopback applies to --transport dds; with rcl, restrict the RMW in its own configuration (e.g. CYCLONEDDS_URI)"
        );
    }
    let bus = embodia_ros::bus::rcl::RclBus::new(node, namespace)
        .context("starting the rcl node (is ROS 2 sourced?)")?;
    // rcl delivers a node's own publications to its subscriptions: one node does both.
    serve(&bus, &bus, args, site)
}

#[cfg(not(feature = "r2r"))]
fn serve_on_rcl(_: AgentArgs, _: Site, _: &str, _: &str) -> anyhow::Result<()> {
    anyhow::bail!(
        "--transport rcl needs a build with the r2r feature: source ROS 2, then `cargo build --release --features r2r`; or use --transport dds, which needs no ROS 2 install"
    )
}

fn serve<B: Bus, R: Bus>(
    bus: &B,
    recorder_bus: &R,
    args: AgentArgs,
    site: Site,
) -> anyhow::Result<()> {
    let embedder = super::embedder()?;
    let memory = if args.no_memory {
        None
    } else {
        Some(Memory::open(embedder.clone(), args.memory.as_deref())?)
    };
    let clock = embodia::clock::clock_for(bus, site.config.use_sim_time)?;
    let mut config = site.config;
    let memory_choice = match (&args.memory, args.no_memory) {
        (_, true) => MemoryChoice::Off,
        (Some(path), false) => MemoryChoice::File(embedder.clone(), path.clone()),
        (None, false) => MemoryChoice::Fresh(embedder.clone()),
    };
    let planner = args.planner.build(&mut config, embedder)?;
    let live = args
        .foxglove
        .start_with(&config, &site.semantic, config.gate.robot_radius)?;
    // Made before the agent starts, so its first messages are recorded too.
    let meta = match &args.record {
        Some(_) => {
            let planner_args = args.planner.to_args();
            let setup = RunSetup::live(&config, &memory_choice, &planner_args, args.timeout);
            Some(match (&site.world, &site.places_file) {
                (Some(world), _) => live_recording_meta(world, &args.tasks, &setup)?,
                (None, Some(file)) => live_recording_meta_of_places(file, &args.tasks, &setup)?,
                (None, None) => {
                    anyhow::bail!("recording needs the world or places file the agent was given")
                }
            })
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
        places = %site.name,
        planner = planner.name(),
        tasks = %config.topics.task,
        cmd_vel = %config.topics.cmd_vel,
        "embodia agent ready: send a task as std_msgs/String; velocity goes out through the safety gate"
    );
    let execute_task = config.topics.execute_task.clone();
    let agent = Agent::start(
        bus,
        Arc::new(site.semantic),
        planner,
        memory,
        config,
        Pacing::WallClock(clock.clone()),
    )?;
    let actions = embodia::task_action::TaskActionServer::start(bus, &execute_task, agent.tasks());
    if recording.is_some() {
        // This thread drains, encodes and compresses the recording from here on: background
        // work, like planning and the live view's thread, never ahead of what drives the robot.
        embodia::priority::background_thread();
    }
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
            let decisions: Vec<_> = agent.decisions().try_iter().collect();
            r.drain(clock(), &decisions, report.as_ref())?;
        }
        if let Some(r) = report {
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
    if let Some(r) = recording {
        r.finish()?;
    }
    drop(live);
    Ok(())
}
