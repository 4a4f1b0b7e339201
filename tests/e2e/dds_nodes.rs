//! The simulator and the agent as two processes talking only over DDS, like Gazebo behind
//! ros_gz_bridge and a robot's controller. Opens DDS sockets: ignored in a plain run;
//! `scripts/dds-tests.sh` runs it inside a fresh network namespace (loopback only).

use std::process::Command;

use crate::root;

#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn agent_node_drives_the_simulator_node_to_the_kitchen_over_dds() {
    let bin = env!("CARGO_BIN_EXE_embodia");
    let world = "launch/worlds/apartment.yaml";
    let domain = "23";
    let sim = crate::dds_sim(domain, world, "40", &[]);
    let agent = Command::new(bin)
        .args([
            "agent",
            "--dds-loopback",
            "--no-memory",
            "--world",
            world,
            "--task",
            "go to the kitchen",
        ])
        .args([
            "--exit-after-tasks",
            "--timeout",
            "38",
            "--ros-args",
            "-p",
            "use_sim_time:=true",
        ])
        .env("ROS_DOMAIN_ID", domain)
        .current_dir(root())
        .output()
        .unwrap();
    let sim = sim.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&agent.stderr);
    assert!(agent.status.success(), "agent failed: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&agent.stdout).unwrap();
    assert_eq!(report["outcome"], "succeeded", "{report}");
    let sim: serde_json::Value = serde_json::from_slice(&sim.stdout).unwrap();
    assert_eq!(sim["collisions"], 0);
    let (x, y) = (
        sim["final_pose"]["x"].as_f64().unwrap(),
        sim["final_pose"]["y"].as_f64().unwrap(),
    );
    assert!(
        (0.0..4.0).contains(&x) && (4.6..8.0).contains(&y),
        "the robot is in the kitchen: ({x}, {y})"
    );
    assert!(sim["max_speed_mps"].as_f64().unwrap() <= 0.5 + 1e-9);
}
