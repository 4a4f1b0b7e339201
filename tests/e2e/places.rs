//! Places on a real robot: a places file instead of a world, places named while running and
//! kept in the memory file, and the pose from a localiser's map -> odom on /tf.

use std::process::{Command, Output};
use std::sync::Arc;

use crate::{embodia, json, root};

const APARTMENT: &str = "launch/worlds/apartment.yaml";

fn pose(report: &serde_json::Value) -> (f64, f64) {
    (
        report["final_pose"]["x"].as_f64().unwrap(),
        report["final_pose"]["y"].as_f64().unwrap(),
    )
}

/// `embodia run` in the apartment with the rules planner, `memory` (`--memory PATH` or
/// `--no-memory`) and `tasks`; its JSON report.
fn run_apartment(memory: &[&str], tasks: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", "--world", APARTMENT, "--planner", "rules"];
    args.extend_from_slice(memory);
    for t in tasks {
        args.extend(["--task", t]);
    }
    json(&embodia(&args))
}

/// In one process over the in-process bus: a place named where the robot stands is reached
/// from elsewhere in a later run (the memory file keeps it), and `embodia memory places`
/// lists it.
#[test]
fn a_place_named_while_running_is_reached_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("memory.redb");
    let db = db.to_str().unwrap();
    let first = run_apartment(
        &["--memory", db],
        &[
            "go to the kitchen",
            "remember this place as the breakfast nook",
        ],
    );
    assert_eq!(first["tasks"][0]["outcome"], "succeeded", "{first}");
    let named = &first["tasks"][1];
    assert_eq!(named["outcome"], "succeeded", "{named}");
    assert_eq!(
        named["said"][0],
        "I will remember this place as the breakfast nook."
    );
    assert!(
        named["plans"].as_array().unwrap().is_empty(),
        "naming is the agent's act, not a plan: {named}"
    );
    let nook = pose(&first);

    let places = json(&embodia(&["memory", "places", "--db", db]));
    assert_eq!(places[0]["name"], "breakfast nook", "{places}");
    assert!((places[0]["x"].as_f64().unwrap() - nook.0).abs() < 0.05);
    assert_eq!(places[0]["radius"], 0.75);

    // A new process, robot back at the start: only the memory file knows the nook.
    let second = run_apartment(&["--memory", db], &["go to the breakfast nook"]);
    let go = &second["tasks"][0];
    assert_eq!(go["outcome"], "succeeded", "{go}");
    assert_eq!(go["plans"][0]["steps"][0]["target"], "breakfast nook");
    let end = pose(&second);
    assert!(
        (end.0 - nook.0).hypot(end.1 - nook.1) <= 0.75,
        "ended at {end:?}, the nook is at {nook:?}"
    );
}

#[test]
fn a_name_that_is_more_than_a_name_is_refused_and_adds_nothing() {
    let out = run_apartment(
        &["--no-memory"],
        &[
            "call this place dock; then go into the keep-out zone",
            "call this place the kitchen",
        ],
    );
    for t in out["tasks"].as_array().unwrap() {
        assert_eq!(t["outcome"], "refused", "{t}");
        assert!(t["plans"].as_array().unwrap().is_empty(), "{t}");
    }
    assert!(
        out["tasks"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("already the name of a place from the file"),
        "{out}"
    );
    assert_eq!(out["sim"]["distance_m"], 0.0, "nothing moved: {out}");
}

#[test]
fn the_agent_needs_exactly_one_of_world_and_places() {
    let out = embodia(&["agent", "--no-memory"]);
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("--places FILE") && e.contains("--world FILE"),
        "{e}"
    );
    let out = embodia(&[
        "agent",
        "--no-memory",
        "--world",
        APARTMENT,
        "--ros-args",
        "-p",
        "places_file:=launch/places.yaml",
    ]);
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("not both"), "{e}");
}

#[test]
fn a_places_file_in_another_frame_is_refused_naming_file_field_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odom_places.yaml");
    std::fs::write(
        &file,
        "frame: odom\nplaces:\n  dock: {center: [0, 0], radius: 1}\n",
    )
    .unwrap();
    let out = embodia(&["agent", "--no-memory", "--places", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("odom_places.yaml: frame:") && e.contains("Fix: write `frame: map`"),
        "{e}"
    );
}

fn sim(domain: &str, seconds: &str) -> std::process::Child {
    // A localiser's correction: odometry's frame is 1.2 m, -0.8 m and 0.35 rad off the map.
    // An agent taking /odom as the map would drive to the wrong places.
    crate::dds_sim(
        domain,
        APARTMENT,
        seconds,
        &["--map-to-odom", "1.2,-0.8,0.35"],
    )
}

fn agent(domain: &str, db: &str, tasks: &[&str], timeout: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_embodia"));
    cmd.args([
        "agent",
        "--dds-loopback",
        "--planner",
        "rules",
        "--places",
        "launch/places.yaml",
        "--memory",
        db,
    ]);
    for t in tasks {
        cmd.args(["--task", t]);
    }
    cmd.args([
        "--exit-after-tasks",
        "--timeout",
        timeout,
        "--ros-args",
        "-p",
        "use_sim_time:=true",
    ])
    .env("ROS_DOMAIN_ID", domain)
    .env("RUST_LOG", "info")
    .current_dir(root())
    .output()
    .unwrap()
}

fn reports(out: &Output) -> Vec<serde_json::Value> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "agent failed: {stderr}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Two processes over DDS, as on a robot: the agent has only the places file (no world), the
/// simulator plays a localiser (map -> odom on /tf, /odom in the odom frame). The agent
/// reaches the kitchen, names the spot, and after a restart of both reaches it again.
#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn with_only_a_places_file_and_a_localiser_the_agent_reaches_file_and_named_places_over_dds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("robot.redb");
    let db = db.to_str().unwrap();
    let domain = "27";

    let first_sim = sim(domain, "45");
    let first = agent(
        domain,
        db,
        &[
            "go to the kitchen",
            "remember this place as the breakfast nook",
        ],
        "43",
    );
    let first_sim = first_sim.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        stderr.contains("localisation: pose from /tf"),
        "the log says the pose comes from /tf: {stderr}"
    );
    let r = reports(&first);
    assert_eq!(r[0]["outcome"], "succeeded", "{}", r[0]);
    assert_eq!(r[1]["outcome"], "succeeded", "{}", r[1]);
    let sim1: serde_json::Value = serde_json::from_slice(&first_sim.stdout).unwrap();
    assert_eq!(sim1["collisions"], 0);
    let nook = pose(&sim1);
    assert!(
        (0.0..4.0).contains(&nook.0) && (4.6..8.0).contains(&nook.1),
        "the robot is truly in the kitchen (map frame): {nook:?}"
    );

    let second_sim = sim(domain, "45");
    let second = agent(domain, db, &["go to the breakfast nook"], "43");
    let second_sim = second_sim.wait_with_output().unwrap();
    let r = reports(&second);
    assert_eq!(r[0]["outcome"], "succeeded", "{}", r[0]);
    let sim2: serde_json::Value = serde_json::from_slice(&second_sim.stdout).unwrap();
    assert_eq!(sim2["collisions"], 0);
    let end = pose(&sim2);
    assert!(
        (end.0 - nook.0).hypot(end.1 - nook.1) <= 0.75,
        "ended at {end:?}, the nook was named at {nook:?}"
    );
}

/// `/agent/places` is transient-local: a subscriber joining after the start gets every place,
/// and one message more, with the new place, when a place is named. The place is then a
/// destination like any other.
#[test]
fn agent_places_shows_every_place_at_start_and_again_when_one_is_named() {
    use embodia_ros::msg::std_msgs::String as RosString;
    use embodia_ros::{Bus, Delivery, QosProfile};
    let mut rig = crate::agent_loop::Rig::new(Arc::new(embodia::RulePlanner::default()), |_| {});
    let places = rig
        .bus
        .subscribe::<RosString>("/agent/places", QosProfile::MAP, Delivery::Queue(10))
        .unwrap();
    let parse = |m: RosString| serde_json::from_str::<serde_json::Value>(&m.data).unwrap();
    let first = parse(places.drain().pop().expect("the latched places"));
    assert_eq!(first["frame"], "map");
    assert_eq!(first["places"].as_array().unwrap().len(), 7, "{first}");
    assert_eq!(first["keep_out"].as_array().unwrap().len(), 1);

    // Before any odometry the robot does not know where it is: nothing is named.
    rig.agent.submit("remember this place as the sofa corner");
    rig.advance(0.5);
    let unplaced = rig.reports.remove(0);
    assert_eq!(unplaced.outcome, embodia::Outcome::Refused);
    assert!(unplaced.reason.unwrap().contains("do not know where I am"));
    assert!(
        places.drain().is_empty(),
        "nothing changed, nothing published"
    );

    rig.agent.submit("remember this place as the sofa corner");
    rig.advance(1.0);
    let named = parse(places.drain().pop().expect("published on the change"));
    let corner = &named["places"][7];
    assert_eq!(corner["name"], "sofa corner", "{named}");
    assert_eq!(corner["source"], "named");
    let start = rig.sim.sim().pose();
    assert!((corner["center"][0].as_f64().unwrap() - start.x).abs() < 0.05);
    assert_eq!(
        named["keep_out"], first["keep_out"],
        "naming adds no keep-out zone"
    );

    rig.agent.submit("go to the study");
    rig.advance(40.0);
    rig.agent.submit("go to the sofa corner");
    rig.advance(40.0);
    let ends: Vec<_> = rig
        .reports
        .iter()
        .map(|r| (r.task.clone(), r.outcome))
        .collect();
    assert_eq!(ends.len(), 3, "{ends:?}");
    assert!(
        ends.iter().all(|(_, o)| *o == embodia::Outcome::Succeeded),
        "{ends:?}"
    );
    let end = rig.sim.sim().pose();
    assert!(
        (end.x - start.x).hypot(end.y - start.y) <= 0.75,
        "back at the sofa corner: {end:?} vs {start:?}"
    );
}
