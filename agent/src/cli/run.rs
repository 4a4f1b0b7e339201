//! `embodia run`: the simulator and the agent in one process; tasks from the command line,
//! or typed in while the robot runs (interactive), with an optional live view in Foxglove.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use embodia::console::Console;
use embodia::deliberative::Outcome;
use embodia::episode::{EpisodeOptions, run_episode};
use embodia::fleet::{RobotTasks, run_fleet as run_fleet_episode};
use embodia::live::LiveView;
use embodia::recording::feed::EntryFeed;
use embodia::setup::MemoryChoice;
use embodia_sim::World;
use serde_json::json;

use super::{FoxgloveArg, PlannerArgs};

/// Options of `embodia run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// World file (YAML).
    #[arg(long)]
    world: PathBuf,
    /// A task in plain language; repeat for several, run one after another. Without any,
    /// the run is interactive.
    #[arg(long = "task")]
    tasks: Vec<String>,
    /// In a world with a fleet (`robots:`), a task for one robot, as NAME=TEXT (e.g.
    /// `--robot-task "robot1=go to the kitchen"`); repeat for more, each robot doing its own
    /// in order, all robots at once, one agent per robot in its namespace.
    #[arg(
        long = "robot-task",
        value_name = "NAME=TEXT",
        conflicts_with = "tasks"
    )]
    robot_tasks: Vec<String>,
    /// Read more tasks from stdin, one a line, while the robot runs in real time (see
    /// --speed), printing what happens as it happens; EOF ends the run once the current task
    /// has ended (type `stop` first to end at once). The default when no --task is given.
    #[arg(long)]
    interactive: bool,
    /// Run at this multiple of real time (default: 1 when interactive or with --foxglove,
    /// otherwise as fast as it computes).
    #[arg(long, value_name = "X")]
    speed: Option<f64>,
    #[command(flatten)]
    foxglove: FoxgloveArg,
    #[command(flatten)]
    planner: PlannerArgs,
    /// Simulator seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Simulated seconds for all tasks together (default: 300; none when interactive).
    #[arg(long)]
    timeout: Option<f64>,
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

/// Runs the tasks and prints a JSON report; interactive, prints what happens line by line.
pub fn run(args: RunArgs, mut agent: embodia::agent::AgentConfig) -> anyhow::Result<()> {
    if !args.robot_tasks.is_empty() {
        return run_fleet(args, agent);
    }
    let interactive = args.interactive || args.tasks.is_empty();
    let timeout = match args.timeout {
        Some(t) => t,
        None if interactive => f64::INFINITY,
        None => 300.0,
    };
    anyhow::ensure!(
        timeout > 0.0 && !timeout.is_nan(),
        "--timeout {timeout} must be a positive number of seconds"
    );
    let speed = match args.speed {
        Some(x) => Some(x),
        None if interactive || args.foxglove.wanted() => Some(1.0),
        None => None,
    };
    if let Some(x) = speed {
        anyhow::ensure!(
            x.is_finite() && x > 0.0,
            "--speed {x} must be a positive multiple of real time (1 = real time)"
        );
    }
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
    let live = args.foxglove.start(&agent, &world)?;
    let mut feeds: Vec<EntryFeed> = live.iter().map(LiveView::feed).collect();
    let console = interactive.then(|| {
        let (feed, rx) = EntryFeed::bounded(CONSOLE_QUEUE);
        feeds.push(feed);
        let mut console = Console::new(&agent, &world);
        std::thread::spawn(move || {
            let mut out = std::io::stdout().lock();
            for entry in rx {
                for line in console.lines(&entry) {
                    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                        return;
                    }
                }
            }
        })
    });
    let task_stream = interactive.then(stdin_tasks);
    let options = EpisodeOptions {
        seed: args.seed,
        timeout_s: timeout,
        memory,
        agent,
        record: args.record.clone(),
        keep_recording: args.svg.is_some(),
        planner_args: args.planner.to_args(),
        on_tick: speed.map(real_time),
        feeds,
        task_stream,
        ..EpisodeOptions::default()
    };
    let result = run_episode(world.clone(), planner.clone(), &args.tasks, &options);
    // The console prints what is left in its queue, then ends with the feeds.
    drop(options);
    if let Some(c) = console {
        let _ = c.join();
    }
    let report = result.context("running the agent")?;
    if let Some(live) = &live
        && live.dropped() > 0
    {
        tracing::warn!(
            dropped = live.dropped(),
            "the live view fell behind and skipped messages"
        );
    }
    drop(live);
    if let Some(path) = &args.svg {
        let tasks: Vec<&str> = report.tasks.iter().map(|t| t.task.as_str()).collect();
        let title = format!("{}: {}", world.name, tasks.join(" / "));
        let svg = embodia::picture::draw(&world, &report.recording, &safety_topic, &title);
        std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
    }
    if interactive {
        let ended = |o: Outcome| report.tasks.iter().filter(|t| t.outcome == o).count();
        println!(
            "done: {} tasks ({} succeeded, {} failed, {} preempted) in {:.1} simulated s; {} m driven; {} collisions",
            report.tasks.len(),
            ended(Outcome::Succeeded),
            ended(Outcome::Failed),
            ended(Outcome::Preempted),
            report.sim.sim_time_s,
            (report.sim.distance_m * 10.0).round() / 10.0,
            report.sim.collisions
        );
        return Ok(());
    }
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
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// `NAME=TEXT` as the robot's name and its task.
fn parse_robot_task(text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once('=') {
        Some((name, task)) if !name.trim().is_empty() && !task.trim().is_empty() => {
            Ok((name.trim().to_owned(), task.trim().to_owned()))
        }
        _ => anyhow::bail!(
            "--robot-task {text:?} is not NAME=TEXT; write e.g. --robot-task \"robot1=go to the kitchen\""
        ),
    }
}

/// `embodia run` with a fleet: each robot's tasks, one agent per robot, a JSON report per robot.
fn run_fleet(args: RunArgs, mut agent: embodia::agent::AgentConfig) -> anyhow::Result<()> {
    let world = Arc::new(World::load(&args.world)?);
    if args.interactive || args.foxglove.wanted() || args.record.is_some() || args.svg.is_some() {
        anyhow::bail!(
            "--interactive, --foxglove, --record and --svg follow one robot. Fix: run a fleet without them (or `embodia sim --dds` with one `embodia agent` per robot, and record with `ros2 bag record`)"
        );
    }
    let mut tasks: Vec<RobotTasks> = Vec::new();
    for text in &args.robot_tasks {
        let (robot, task) = parse_robot_task(text)?;
        match tasks.iter_mut().find(|t| t.robot == robot) {
            Some(t) => t.tasks.push(task),
            None => tasks.push(RobotTasks {
                robot,
                tasks: vec![task],
            }),
        }
    }
    let timeout = args.timeout.unwrap_or(300.0);
    anyhow::ensure!(
        timeout > 0.0 && timeout.is_finite(),
        "--timeout {timeout} must be a positive number of seconds"
    );
    let embedder = super::embedder()?;
    let planner = args.planner.build(&mut agent, embedder.clone())?;
    anyhow::ensure!(
        args.memory.is_none(),
        "--memory keeps one robot's memory in a file. Fix: run a fleet with fresh memories (no --memory) or --no-memory"
    );
    let memory = if args.no_memory {
        MemoryChoice::Off
    } else {
        MemoryChoice::Fresh(embedder)
    };
    let options = EpisodeOptions {
        seed: args.seed,
        timeout_s: timeout,
        memory,
        agent,
        planner_args: args.planner.to_args(),
        on_tick: args.speed.map(real_time),
        ..EpisodeOptions::default()
    };
    let report = run_fleet_episode(world.clone(), planner.clone(), &tasks, &options)
        .context("running the fleet")?;
    let robots: Vec<_> = report
        .robots
        .iter()
        .map(|(name, r)| {
            json!({
                "name": name,
                "tasks": r.tasks,
                "timed_out": r.timed_out,
                "final_pose": { "x": r.final_pose.0, "y": r.final_pose.1, "theta": r.final_pose.2 },
                "visited": r.visited,
                "entered_keep_out": r.entered_keep_out,
                "sim": r.sim,
                "robot_collisions": r.sim.robot_collisions,
                "safety_interventions": r.interventions,
            })
        })
        .collect();
    let out = json!({
        "world": world.name,
        "planner": planner.name(),
        "seed": args.seed,
        "timed_out": report.timed_out,
        "robot_collisions": report.robot_collisions(),
        "robots": robots,
        "wall_time_s": report.wall_time_s,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Lines the console's queue holds before dropping the oldest entries: the console reads
/// every topic's entries, a few hundred per simulated second.
const CONSOLE_QUEUE: usize = 65_536;

/// Tasks typed on stdin, one a line (blank lines and `#` comments skipped); the channel
/// closes at EOF.
fn stdin_tasks() -> crossbeam_channel::Receiver<String> {
    let (tx, rx) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let task = line.trim();
            if task.is_empty() || task.starts_with('#') {
                continue;
            }
            if tx.send(task.to_owned()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Holds each control tick back until the wall clock catches up with `speed` times the
/// simulated time (it never hurries: planning that takes longer makes the run lag).
fn real_time(speed: f64) -> Arc<dyn Fn(f64) + Send + Sync> {
    let start = Instant::now();
    Arc::new(move |sim_s: f64| {
        let due = Duration::from_secs_f64(sim_s / speed);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
    })
}
