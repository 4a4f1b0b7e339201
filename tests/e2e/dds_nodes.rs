//! The simulator and the agent as two processes talking only over DDS, like Gazebo behind
//! ros_gz_bridge and a robot's controller. Opens DDS sockets: ignored in a plain run;
//! `scripts/dds-tests.sh` runs it inside a fresh network namespace (loopback only).

use std::process::Command;

use crate::root;

/// `embodia sim` in `world` for `seconds` and an `embodia agent` node given `task` (with
/// `agent_args`), two processes on DDS `domain` in simulated time: the agent's task report and
/// the simulator's summary, once both end (the agent must succeed as a process).
fn agent_against_sim(
    domain: &str,
    world: &str,
    seconds: u32,
    task: &str,
    agent_args: &[&str],
) -> (serde_json::Value, serde_json::Value) {
    let sim = crate::dds_sim(domain, world, &seconds.to_string(), &[]);
    let agent = Command::new(env!("CARGO_BIN_EXE_embodia"))
        .args(["agent", "--dds-loopback", "--no-memory", "--world", world])
        .args(agent_args)
        .args(["--task", task, "--exit-after-tasks", "--timeout"])
        .arg((seconds - 2).to_string())
        .args(["--ros-args", "-p", "use_sim_time:=true"])
        .env("ROS_DOMAIN_ID", domain)
        .current_dir(root())
        .output()
        .unwrap();
    let sim = sim.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&agent.stderr);
    assert!(agent.status.success(), "agent failed: {stderr}");
    (
        serde_json::from_slice(&agent.stdout).unwrap(),
        serde_json::from_slice(&sim.stdout).unwrap(),
    )
}

/// The robot's final (x, y) in the simulator's summary.
fn final_xy(sim: &serde_json::Value) -> (f64, f64) {
    (
        sim["final_pose"]["x"].as_f64().unwrap(),
        sim["final_pose"]["y"].as_f64().unwrap(),
    )
}

#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn agent_node_drives_the_simulator_node_to_the_kitchen_over_dds() {
    let world = "launch/worlds/apartment.yaml";
    let (report, sim) = agent_against_sim("23", world, 40, "go to the kitchen", &[]);
    assert_eq!(report["outcome"], "succeeded", "{report}");
    assert_eq!(sim["collisions"], 0);
    let (x, y) = final_xy(&sim);
    assert!(
        (0.0..4.0).contains(&x) && (4.6..8.0).contains(&y),
        "the robot is in the kitchen: ({x}, {y})"
    );
    assert!(sim["max_speed_mps"].as_f64().unwrap() <= 0.5 + 1e-9);
}

#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn an_agent_node_records_the_live_bus_and_replay_refuses_the_file() {
    let bin = env!("CARGO_BIN_EXE_embodia");
    let world = "launch/worlds/test_room.yaml";
    let domain = "24";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.mcap");
    let sim = crate::dds_sim(domain, world, "30", &[]);
    let agent = Command::new(bin)
        .args([
            "agent",
            "--dds-loopback",
            "--no-memory",
            "--planner",
            "rules",
        ])
        .args(["--world", world, "--task", "go to the east room"])
        .args(["--exit-after-tasks", "--timeout", "28"])
        .arg("--record")
        .arg(&file)
        .args(["--ros-args", "-p", "use_sim_time:=true"])
        .env("ROS_DOMAIN_ID", domain)
        .current_dir(root())
        .output()
        .unwrap();
    sim.wait_with_output().unwrap();
    assert!(
        agent.status.success(),
        "agent failed: {}",
        String::from_utf8_lossy(&agent.stderr)
    );
    let recording = embodia::recording::read::read(&file).expect("a complete recording");
    assert!(recording.meta.live_bus);
    assert!(recording.cut_off.is_none());
    let count = |topic: &str| {
        recording
            .entries
            .iter()
            .filter(|e| e.topic == topic)
            .count()
    };
    // Inputs from the simulator's process and outputs of the agent's own, over DDS.
    assert!(count("/scan") > 10, "scans: {}", count("/scan"));
    assert!(count("/odom") > 10, "odometry: {}", count("/odom"));
    assert!(count("/cmd_vel") > 10, "commands: {}", count("/cmd_vel"));
    assert_eq!(count("/embodia/task"), 1);
    assert_eq!(count("/embodia/report"), 1);
    assert!(count("/embodia/plan") >= 1);
    // The decisions no topic carries, and the navigator's path, published over DDS.
    assert_eq!(count("/embodia/grounding"), 1);
    assert!(count("/plan") >= 1, "paths: {}", count("/plan"));
    let times: Vec<i64> = recording.entries.iter().map(|e| e.t_ns).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "stamped in order");
    let replay = Command::new(bin)
        .arg("replay")
        .arg(&file)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(replay.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&replay.stderr).contains("recorded from a live bus"));
}

/// A search on the wire: the agent node runs on the wall clock, so its coverage grid is marked
/// by the coverage worker, off the control thread. Without that grid the search would end at
/// once ("no map"); with it the robot searches the apartment and finds the cup.
#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn agent_node_searches_over_dds_with_coverage_marked_off_the_control_thread() {
    let world = "launch/worlds/apartment.yaml";
    let (report, sim) =
        agent_against_sim("29", world, 90, "find the red cup", &["--planner", "rules"]);
    assert_eq!(report["outcome"], "succeeded", "{report}");
    assert_eq!(sim["collisions"], 0);
    let (x, y) = final_xy(&sim);
    let to_cup = ((x - 3.5).powi(2) + (y - 7.5).powi(2)).sqrt();
    assert!(to_cup < 2.0, "the robot ends near the red cup: ({x}, {y})");
}
