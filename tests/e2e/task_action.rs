//! `/agent/execute_task` from an independent ROS 2 action client: Eclipse Cyclone DDS in Python
//! (`tests/interop/action_peer.py`) speaking the action protocol itself — the send_goal,
//! get_result and cancel_goal services with rmw_cyclonedds' request framing, the feedback and
//! status topics. The agent drives `embodia sim --dds` (two processes, DDS only).
//!
//! Opens DDS sockets: ignored in a plain run; `scripts/dds-tests.sh` runs it inside a fresh
//! network namespace (loopback only), and every participant is bound to 127.0.0.1.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::cyclone_interop::{f, python};
use crate::root;

/// Runs `embodia sim --dds` (the apartment) and `embodia agent` — as on a real robot, with only
/// its places file (`launch/places.yaml`, the apartment's places), no world file; `agent_params`
/// as `-p` parameters — as DDS nodes on `domain`, then the action peer in `mode`; returns the peer's
/// report once it ends (both nodes are then stopped).
fn against_sim(domain: &str, agent_params: &[&str], mode: &str) -> Value {
    against_sim_with(domain, &[], agent_params, mode)
}

/// As [`against_sim`], with more options for `embodia sim` (`--nav2`).
fn against_sim_with(domain: &str, sim_extra: &[&str], agent_params: &[&str], mode: &str) -> Value {
    let bin = env!("CARGO_BIN_EXE_embodia");
    let world = "launch/worlds/apartment.yaml";
    let node = |args: &[&str], log: &str, stderr: Stdio| {
        Command::new(bin)
            .args(args)
            .env("ROS_DOMAIN_ID", domain)
            // The peer frames service samples as rmw_cyclonedds does.
            .env("RMW_IMPLEMENTATION", "rmw_cyclonedds_cpp")
            .env("RUST_LOG", log)
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap()
    };
    let sim_args = [
        "sim",
        "--dds",
        "--dds-loopback",
        "--realtime",
        "--world",
        world,
    ];
    let sim = node(
        &[&sim_args[..], &["--duration", "150"], sim_extra].concat(),
        "error",
        Stdio::null(),
    );
    let mut args = vec![
        "agent",
        "--dds-loopback",
        "--no-memory",
        "--places",
        "launch/places.yaml",
        "--ros-args",
        "-p",
        "use_sim_time:=true",
    ];
    for p in agent_params {
        args.extend(["-p", p]);
    }
    let agent = node(
        &args,
        "warn,rustdds=error,ros2_client=error",
        Stdio::inherit(),
    );
    let peer = Command::new(python())
        .arg(root().join("tests/interop/action_peer.py"))
        .args([mode, "--seconds", "120"])
        .env("ROS_DOMAIN_ID", domain)
        .env_remove("CYCLONEDDS_URI")
        .stderr(Stdio::inherit())
        .output()
        .expect("the cyclonedds venv's python runs");
    for mut child in [agent, sim] {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(peer.status.success(), "the action peer failed");
    let r: Value = serde_json::from_slice(&peer.stdout).unwrap_or_else(|e| {
        panic!(
            "peer output is not JSON ({e}): {}",
            String::from_utf8_lossy(&peer.stdout)
        )
    });
    assert_eq!(
        r["server_found"], true,
        "the action server was discovered: {r}"
    );
    r
}

#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn an_action_client_gets_feedback_and_results_and_a_cancel_stops_the_robot() {
    let r = against_sim("47", &[], "task-client");
    let goals = r["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 3, "{r}");
    let commands = r["commands"].as_array().unwrap();

    // A goal run to its end: accepted, feedback with the plan and the step, then SUCCEEDED.
    let done = &goals[0];
    assert_eq!(done["accepted"], true, "{done}");
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["result"]["outcome"], "succeeded", "{done}");
    let feedback = done["feedback"].as_array().unwrap();
    assert!(
        feedback.iter().any(|fb| fb["state"] == "running"
            && fb["current_step"].as_i64() >= Some(0)
            && fb["plan"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s.as_str().unwrap().contains("navigate_to"))),
        "feedback showed the plan and the step being run: {feedback:?}"
    );

    // A goal canceled while the robot drives: the cancel is accepted for that goal, the goal
    // ends CANCELED, and every command from shortly after the end on is zero.
    let canceled = &goals[1];
    assert_eq!(canceled["accepted"], true, "{canceled}");
    let cancel = &canceled["cancel"];
    assert_eq!(cancel["return_code"], 0, "cancel accepted: {canceled}");
    assert!(
        cancel["goals_canceling"]
            .as_array()
            .unwrap()
            .contains(&cancel["goal_id"]),
        "{cancel}"
    );
    assert_eq!(canceled["status"], "canceled", "{canceled}");
    assert_eq!(canceled["result"]["outcome"], "canceled", "{canceled}");
    let sent = f(canceled, "sent_at");
    let cancel_at = f(canceled, "cancel_sent_at");
    let ended = f(canceled, "ended_at");
    assert!(
        commands
            .iter()
            .any(|c| (sent..cancel_at).contains(&f(c, "t")) && f(c, "linear") > 0.05),
        "the robot was moving when the cancel was sent"
    );
    // The gate ramps down within its deceleration limit; allow 1 s for it and the wire.
    let after: Vec<&Value> = commands
        .iter()
        .filter(|c| f(c, "t") > ended + 1.0 && f(c, "t") <= f(&r, "settled_at"))
        .collect();
    assert!(!after.is_empty(), "commands kept coming after the cancel");
    for c in &after {
        assert_eq!(f(c, "linear"), 0.0, "moving after the cancel: {c}");
        assert_eq!(f(c, "angular"), 0.0, "turning after the cancel: {c}");
    }
    let last = commands
        .iter()
        .rfind(|c| f(c, "t") <= f(&r, "settled_at"))
        .unwrap();
    assert_eq!((f(last, "linear"), f(last, "angular")), (0.0, 0.0));

    // A goal the agent refuses: accepted, then ABORTED with outcome refused and the reason.
    let refused = &goals[2];
    assert_eq!(refused["status"], "aborted", "{refused}");
    assert_eq!(refused["result"]["outcome"], "refused", "{refused}");
    assert!(
        refused["result"]["reason"]
            .as_str()
            .unwrap()
            .contains("control character"),
        "{refused}"
    );
}

/// `navigation: nav2` against a Nav2 played by an independent Cyclone DDS peer: the
/// `navigate_to_pose` server accepts and drives (its velocity on `/cmd_vel_nav`) then succeeds,
/// aborts (the agent replans, then fails with Nav2's reason), and is canceled when the task's
/// client cancels the task — while its velocity keeps coming, which the gate must not pass.
#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn nav2_drives_navigate_to_through_the_gate_and_its_ends_become_step_outcomes() {
    let r = against_sim("48", &["navigation:=nav2"], "nav2");
    let tasks = r["tasks"].as_array().unwrap();
    let goals = r["nav2_goals"].as_array().unwrap();
    let commands = r["commands"].as_array().unwrap();
    let in_region = |region: &str| {
        goals
            .iter()
            .filter(|g| g["region"] == region)
            .collect::<Vec<_>>()
    };

    // Succeeds: one goal in the kitchen, in the map frame; Nav2's velocity reached /cmd_vel
    // through the gate while it drove (0.2 m/s asked, within the gate's limits).
    let kitchen = in_region("kitchen");
    assert_eq!(kitchen.len(), 1, "{goals:?}");
    assert_eq!(kitchen[0]["frame"], "map");
    assert_eq!(kitchen[0]["status"], "succeeded");
    assert_eq!(tasks[0]["result"]["outcome"], "succeeded", "{}", tasks[0]);
    let (k0, k1) = (f(kitchen[0], "started"), f(kitchen[0], "ended"));
    let driving: Vec<&Value> = commands
        .iter()
        .filter(|c| (k0 + 0.5..k1).contains(&f(c, "t")))
        .collect();
    assert!(
        driving.iter().any(|c| f(c, "linear") > 0.1),
        "Nav2's velocity passed the gate: {driving:?}"
    );
    for c in commands {
        assert!(f(c, "linear") <= 0.2 + 1e-9, "more than Nav2 asked: {c}");
    }

    // Aborted: the step fails as retryable, the agent replans (a new goal each time) and the
    // task fails with Nav2's reason.
    let study = in_region("study");
    assert_eq!(study.len(), 3, "the first goal and two replans: {goals:?}");
    assert!(study.iter().all(|g| g["status"] == "aborted"));
    assert_eq!(tasks[1]["status"], "aborted", "{}", tasks[1]);
    assert_eq!(tasks[1]["result"]["outcome"], "failed", "{}", tasks[1]);
    let reason = tasks[1]["result"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Nav2 aborted the goal (TIMEOUT): controller_server: no progress"),
        "{reason}"
    );

    // Canceled: the task's cancel cancels the Nav2 goal; Nav2's velocity kept coming for
    // 2.5 s after, and none of it reached /cmd_vel: from shortly after the cancel, all zero.
    let bedroom = in_region("bedroom");
    assert_eq!(bedroom.len(), 1, "{goals:?}");
    assert_eq!(bedroom[0]["status"], "canceled", "{goals:?}");
    assert_eq!(r["nav2_cancels"][0]["goal_found"], true, "{r}");
    assert_eq!(tasks[2]["status"], "canceled", "{}", tasks[2]);
    assert_eq!(tasks[2]["result"]["outcome"], "canceled", "{}", tasks[2]);
    let ended = f(bedroom[0], "ended");
    let after: Vec<&Value> = commands
        .iter()
        .filter(|c| f(c, "t") > ended + 1.0)
        .collect();
    assert!(!after.is_empty(), "commands kept coming after the cancel");
    for c in &after {
        assert_eq!(
            (f(c, "linear"), f(c, "angular")),
            (0.0, 0.0),
            "moving after the cancel: {c}"
        );
    }
}

/// `embodia sim --nav2` plays Nav2 over DDS for a separate `embodia agent` with
/// `navigation: nav2`: the task client's goals succeed and cancel as with the built-in
/// navigation, the robot driven by the simulator's Nav2 through the agent's gate.
#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn the_simulators_nav2_serves_an_agent_over_dds() {
    let r = against_sim_with("49", &["--nav2"], &["navigation:=nav2"], "task-client");
    let goals = r["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 3, "{r}");
    assert_eq!(goals[0]["status"], "succeeded", "{}", goals[0]);
    assert_eq!(goals[0]["result"]["outcome"], "succeeded", "{}", goals[0]);
    assert_eq!(goals[1]["status"], "canceled", "{}", goals[1]);
    let commands = r["commands"].as_array().unwrap();
    assert!(
        commands.iter().any(|c| f(c, "linear") > 0.1),
        "the robot was driven: {commands:?}"
    );
    let last = commands.last().unwrap();
    assert_eq!((f(last, "linear"), f(last, "angular")), (0.0, 0.0));
}
