//! `embodia sim`: the simulator alone, on the in-process bus.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use embodia::agent::AgentConfig;
use embodia::setup::{MemoryChoice, RunSetup, live_recording_meta};
use embodia_ros::msg::geometry_msgs::{Twist, TwistStamped};
use embodia_ros::msg::std_msgs::Header;
use embodia_ros::{Bus, Publisher, QosProfile, bus::InProcBus};
use embodia_sim::{
    Lockstep, Nav2Config, Nav2Sim, Pacer, RealTime, SimConfig, SimNode, Simulator, World,
};
use serde::Serialize;

use super::FoxgloveArg;
use super::bus_recording::BusRecording;

/// Options of `embodia sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// World file (YAML), e.g. launch/worlds/apartment.yaml.
    #[arg(long)]
    world: PathBuf,
    /// Seed of the sensor noise.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Simulated seconds to run.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Pace simulated time to the wall clock instead of running as fast as possible.
    #[arg(long)]
    realtime: bool,
    /// Drive open-loop at LIN m/s and ANG rad/s (published on /cmd_vel at 10 Hz) and print the
    /// final pose and collision count as JSON.
    #[arg(long, value_name = "LIN,ANG", allow_hyphen_values = true)]
    teleop: Option<String>,
    /// Lidar maximum range, metres.
    #[arg(long, default_value_t = 12.0)]
    lidar_range: f64,
    /// Standard deviation of lidar range noise, metres.
    #[arg(long, default_value_t = 0.01)]
    lidar_noise: f64,
    /// Take geometry_msgs/TwistStamped on /cmd_vel instead of Twist.
    #[arg(long)]
    stamped_cmd_vel: bool,
    /// Publish over DDS (a separate `embodia agent` can then drive it), not in-process.
    #[arg(long)]
    dds: bool,
    /// With --dds: use only the loopback interface.
    #[arg(long)]
    dds_loopback: bool,
    /// Record every topic the simulator publishes and reads (ROS 2 CDR) into this MCAP file,
    /// stamped with simulated time every 0.1 s (a bag to look at; `embodia replay` refuses it).
    #[arg(long, value_name = "FILE.mcap")]
    record: Option<PathBuf>,
    #[command(flatten)]
    foxglove: FoxgloveArg,
    /// Play a localiser: publish map -> odom at X,Y,YAW (metres, radians) on /tf and give
    /// /odom in that odom frame, as a robot with AMCL or SLAM does (default: the frames
    /// coincide, a static identity).
    #[arg(long, value_name = "X,Y,YAW", allow_hyphen_values = true)]
    map_to_odom: Option<String>,
    /// Also play Nav2: serve nav2_msgs/action/NavigateToPose on /navigate_to_pose, plan on
    /// the map and publish the controller's velocity on /cmd_vel_nav (never /cmd_vel), for an
    /// agent run with `-p navigation:=nav2` (with --dds, a separate `embodia agent`).
    #[arg(long)]
    nav2: bool,
}

#[derive(Debug, Serialize)]
struct Pose {
    x: f64,
    y: f64,
    theta: f64,
}

#[derive(Debug, Serialize)]
struct SimReport {
    world: String,
    seed: u64,
    sim_time_s: f64,
    wall_time_s: f64,
    final_pose: Pose,
    collisions: u64,
    distance_m: f64,
    max_speed_mps: f64,
    min_clearance_m: f64,
    /// With --nav2: the goals the simulated Nav2 got and how they ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    nav2: Option<Nav2Summary>,
    /// A fleet's robots each (the fields above are the first robot's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    robots: Vec<RobotReport>,
}

/// One robot of a fleet at the end of `embodia sim`.
#[derive(Debug, Serialize)]
struct RobotReport {
    name: String,
    final_pose: Pose,
    collisions: u64,
    robot_collisions: u64,
    distance_m: f64,
    max_speed_mps: f64,
    min_clearance_m: f64,
}

/// The simulated Nav2's goals at the end of `embodia sim --nav2`.
#[derive(Debug, Serialize)]
struct Nav2Summary {
    goals: u64,
    succeeded: u64,
    aborted: u64,
    canceled: u64,
    feedback: u64,
}

enum Teleop {
    Plain(Publisher<Twist>),
    /// With the robot's body frame.
    Stamped(Publisher<TwistStamped>, String),
}

fn parse_map_to_odom(text: &str) -> anyhow::Result<[f64; 3]> {
    let parsed: Option<Vec<f64>> = text.split(',').map(|p| p.trim().parse().ok()).collect();
    match parsed.as_deref() {
        Some(&[x, y, yaw]) if [x, y, yaw].iter().all(|v| v.is_finite()) => Ok([x, y, yaw]),
        _ => bail!(
            "--map-to-odom {text:?} is not X,Y,YAW with three finite numbers; write e.g. --map-to-odom 1.0,-0.5,0.3"
        ),
    }
}

fn parse_teleop(text: &str) -> anyhow::Result<(f64, f64)> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let parsed: Option<Vec<f64>> = parts.iter().map(|p| p.parse::<f64>().ok()).collect();
    match parsed.as_deref() {
        Some([lin, ang]) if lin.is_finite() && ang.is_finite() => Ok((*lin, *ang)),
        _ => bail!(
            "--teleop {text:?} is not LIN,ANG with two finite numbers; write e.g. --teleop 0.3,-0.5"
        ),
    }
}

/// Runs the simulator and prints a JSON report on stdout.
pub fn run(args: SimArgs) -> anyhow::Result<()> {
    if !(args.duration.is_finite() && args.duration >= 0.0) {
        bail!(
            "--duration {} must be a non-negative number of seconds",
            args.duration
        );
    }
    let teleop = args.teleop.as_deref().map(parse_teleop).transpose()?;
    let world = Arc::new(World::load(&args.world)?);
    if world.robots.len() > 1 && (args.record.is_some() || args.foxglove.wanted()) {
        bail!(
            "{}: --record and --foxglove follow one robot's topics, and this world has {} robots. Fix: record a fleet with `ros2 bag record` (or a world with one `robot:`)",
            args.world.display(),
            world.robots.len()
        );
    }
    let mut config = SimConfig {
        seed: args.seed,
        stamped_cmd_vel: args.stamped_cmd_vel,
        map_to_odom: args
            .map_to_odom
            .as_deref()
            .map(parse_map_to_odom)
            .transpose()?,
        ..SimConfig::default()
    };
    config.lidar.range_max = args.lidar_range;
    config.lidar.noise_std = args.lidar_noise;
    if args.dds {
        let options =
            embodia_ros::bus::dds::DdsOptions::from_env("embodia_sim", "/", args.dds_loopback);
        let bus = embodia_ros::bus::dds::DdsBus::new(&options).context("joining the DDS domain")?;
        if args.record.is_none() && !args.foxglove.wanted() {
            return simulate(&bus, &bus, args, teleop, world, config);
        }
        // A participant does not receive its own publications: the recorder is a node of its own.
        let recorder =
            embodia_ros::bus::dds::DdsBus::new(&embodia_ros::bus::dds::DdsOptions::from_env(
                "embodia_sim_recorder",
                "/",
                args.dds_loopback,
            ))
            .context("joining the DDS domain (the recorder's node)")?;
        return simulate(&bus, &recorder, args, teleop, world, config);
    }
    let bus = InProcBus::new();
    simulate(&bus, &bus, args, teleop, world, config)
}

fn simulate<B: Bus, R: Bus>(
    bus: &B,
    recorder_bus: &R,
    args: SimArgs,
    teleop: Option<(f64, f64)>,
    world: Arc<World>,
    config: SimConfig,
) -> anyhow::Result<()> {
    let agent = AgentConfig {
        stamped_cmd_vel: args.stamped_cmd_vel,
        ..AgentConfig::default()
    };
    let live = args.foxglove.start(&agent, &world)?;
    let meta = match &args.record {
        Some(_) => {
            let setup = RunSetup {
                seed: args.seed,
                ..RunSetup::live(&agent, &MemoryChoice::Off, &[], args.duration)
            };
            Some(live_recording_meta(&world, &[], &setup)?)
        }
        None => None,
    };
    // Made before the simulator, so its first (latched) messages are recorded too.
    let mut recording = BusRecording::start(
        recorder_bus,
        &agent,
        args.record.as_deref(),
        meta,
        live.as_ref(),
    )?;
    let sim = Simulator::new(world.clone(), config).context("simulator settings")?;
    let mut node = SimNode::new(bus, sim)?;
    if args.nav2 {
        node.serve_nav2(Nav2Sim::new(bus, Nav2Config::default())?);
    }
    if let Some(r) = recording.as_mut() {
        r.drain(node.sim().time_ns(), &[], None)?;
    }
    // Teleoperation drives every robot alike, each on its own cmd_vel.
    let mut publishers = Vec::new();
    for entry in world.robots.iter().filter(|_| teleop.is_some()) {
        let topic = entry.topic("cmd_vel");
        publishers.push(if args.stamped_cmd_vel {
            Teleop::Stamped(
                bus.publisher(&topic, QosProfile::DEFAULT)?,
                entry.frame("base_link"),
            )
        } else {
            Teleop::Plain(bus.publisher(&topic, QosProfile::DEFAULT)?)
        });
    }
    let mut pacer: Box<dyn Pacer> = if args.realtime {
        Box::new(RealTime::new())
    } else {
        Box::new(Lockstep)
    };

    let started = Instant::now();
    let ticks = (args.duration * 10.0).round() as u64;
    for _ in 0..ticks {
        for p in &publishers {
            let Some((lin, ang)) = teleop else { break };
            let twist = Twist::planar(lin, ang);
            match p {
                Teleop::Plain(p) => p.publish(&twist)?,
                Teleop::Stamped(p, frame) => p.publish(&TwistStamped {
                    header: Header::new(node.sim().stamp(), frame),
                    twist,
                })?,
            }
        }
        node.run_for(0.1, pacer.as_mut())?;
        if let Some(r) = recording.as_mut() {
            r.drain(node.sim().time_ns(), &[], None)?;
        }
    }
    if let Some(r) = recording {
        r.finish()?;
    }
    drop(live);
    let stats = node.sim().stats();
    let pose = node.sim().pose();
    let report = SimReport {
        world: world.name.clone(),
        seed: args.seed,
        sim_time_s: stats.sim_time_s,
        wall_time_s: started.elapsed().as_secs_f64(),
        final_pose: Pose {
            x: pose.x,
            y: pose.y,
            theta: pose.theta,
        },
        collisions: stats.collisions,
        distance_m: stats.distance_m,
        max_speed_mps: stats.max_speed_mps,
        min_clearance_m: stats.min_clearance_m,
        nav2: node.nav2_stats().map(|n| Nav2Summary {
            goals: n.goals,
            succeeded: n.succeeded,
            aborted: n.aborted,
            canceled: n.canceled,
            feedback: n.feedback,
        }),
        robots: fleet_report(node.sim()),
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// Each robot of a fleet (none for a lone robot, whose figures are the report's own).
fn fleet_report(sim: &Simulator) -> Vec<RobotReport> {
    (0..sim.robot_count())
        .filter_map(|i| {
            let name = sim.robot_name(i)?.to_owned();
            let (p, s) = (sim.pose_of(i), sim.stats_of(i));
            Some(RobotReport {
                name,
                final_pose: Pose {
                    x: p.x,
                    y: p.y,
                    theta: p.theta,
                },
                collisions: s.collisions,
                robot_collisions: s.robot_collisions,
                distance_m: s.distance_m,
                max_speed_mps: s.max_speed_mps,
                min_clearance_m: s.min_clearance_m,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_to_odom_takes_three_finite_numbers() {
        assert_eq!(parse_map_to_odom("1,-0.5,0.3").unwrap(), [1.0, -0.5, 0.3]);
        for bad in ["1,2", "1,2,nan", "a,b,c"] {
            let e = parse_map_to_odom(bad).unwrap_err().to_string();
            assert!(
                e.contains("--map-to-odom") && e.contains("e.g."),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn teleop_takes_two_finite_numbers() {
        assert_eq!(parse_teleop("0.3,-0.5").unwrap(), (0.3, -0.5));
        assert_eq!(parse_teleop(" 0.1 , 0 ").unwrap(), (0.1, 0.0));
        for bad in ["0.3", "a,b", "1,2,3", "nan,0", "inf,1", ""] {
            let e = parse_teleop(bad).unwrap_err().to_string();
            assert!(e.contains("--teleop") && e.contains("e.g."), "{bad}: {e}");
        }
    }
}
