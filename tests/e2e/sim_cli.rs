//! `embodia sim`: the simulator alone, driven open-loop.

use std::time::Instant;

use crate::{embodia, json};

const ROOM: &str = "launch/worlds/test_room.yaml";

#[test]
fn teleop_straight_covers_the_distance_kinematics_predicts() {
    // Start (1.0, 1.5) facing +x; 3 s at 0.5 m/s with a 1 m/s^2 ramp covers 1.5 - 0.125 m.
    let r = json(&embodia(&[
        "sim",
        "--world",
        ROOM,
        "--teleop",
        "0.5,0",
        "--duration",
        "3",
    ]));
    let x = r["final_pose"]["x"].as_f64().unwrap();
    assert!((x - 2.375).abs() < 0.006, "x = {x}");
    assert_eq!(r["collisions"], 0);
    assert!((r["sim_time_s"].as_f64().unwrap() - 3.0).abs() < 1e-9);
}

#[test]
fn teleop_into_a_wall_stops_at_it_and_reports_one_collision() {
    // The dividing wall's face is at x = 2.95 below the door; the body radius is 0.18.
    let r = json(&embodia(&[
        "sim",
        "--world",
        ROOM,
        "--teleop",
        "0.5,0",
        "--duration",
        "10",
    ]));
    let x = r["final_pose"]["x"].as_f64().unwrap();
    assert!((x - 2.77).abs() < 0.01, "x = {x}");
    assert_eq!(r["collisions"], 1);
    assert!(r["max_speed_mps"].as_f64().unwrap() <= 0.5 + 1e-9);
}

#[test]
fn negative_teleop_values_are_accepted() {
    let r = json(&embodia(&[
        "sim",
        "--world",
        ROOM,
        "--teleop",
        "-0.2,-1.0",
        "--duration",
        "1",
    ]));
    assert!(r["final_pose"]["theta"].as_f64().unwrap() < 0.0);
}

#[test]
fn same_seed_same_report_across_processes() {
    let args = [
        "sim",
        "--world",
        "launch/worlds/apartment.yaml",
        "--teleop",
        "0.4,0.3",
        "--duration",
        "20",
        "--seed",
        "3",
    ];
    let (mut a, mut b) = (json(&embodia(&args)), json(&embodia(&args)));
    a.as_object_mut().unwrap().remove("wall_time_s");
    b.as_object_mut().unwrap().remove("wall_time_s");
    assert_eq!(a, b);
}

#[test]
fn realtime_runs_no_faster_than_the_wall_clock() {
    let t = Instant::now();
    json(&embodia(&[
        "sim",
        "--world",
        ROOM,
        "--duration",
        "0.5",
        "--realtime",
    ]));
    assert!(t.elapsed().as_secs_f64() >= 0.5);
}

#[test]
fn a_bad_world_file_is_refused_naming_file_field_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    let text = std::fs::read_to_string(crate::root().join(ROOM))
        .unwrap()
        .replace("start: [1.0, 1.5, 0.0]", "start: [5.0, 3.3, 0.0]");
    std::fs::write(&path, text).unwrap();
    let out = embodia(&["sim", "--world", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.yaml")
            && err.contains("robot.start")
            && err.contains("keep_out[0]")
            && err.contains("Fix:"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_world_file_and_bad_teleop_are_clear_errors() {
    let out = embodia(&["sim", "--world", "no/such/world.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/world.yaml"));
    let out = embodia(&["sim", "--world", ROOM, "--teleop", "fast"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--teleop"));
}

#[test]
fn sim_records_what_it_publishes_and_reads_stamped_with_simulated_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim.mcap").display().to_string();
    let out = embodia(&[
        "sim",
        "--world",
        "launch/worlds/test_room.yaml",
        "--teleop",
        "0.3,0.2",
        "--duration",
        "5",
        "--record",
        &file,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recording = embodia::recording::read::read(std::path::Path::new(&file)).unwrap();
    assert!(recording.meta.live_bus);
    let count = |topic: &str| {
        recording
            .entries
            .iter()
            .filter(|e| e.topic == topic)
            .count()
    };
    // 5 simulated seconds: scans at 10 Hz, odometry at 50 Hz, a teleop command per 0.1 s.
    assert_eq!(count("/map"), 1);
    assert!(
        (49..=51).contains(&count("/scan")),
        "scans: {}",
        count("/scan")
    );
    assert!(
        (249..=251).contains(&count("/odom")),
        "odometry: {}",
        count("/odom")
    );
    assert_eq!(count("/cmd_vel"), 50);
    let last = recording.entries.last().unwrap().t_ns;
    assert_eq!(last, 5_000_000_000, "stamped with simulated time");
    let replay = embodia(&["replay", &file]);
    assert_eq!(replay.status.code(), Some(2));
}

#[test]
fn a_fleet_world_drives_every_robot_and_reports_each_by_name() {
    let world = "launch/worlds/apartment_fleet.yaml";
    let r = json(&embodia(&[
        "sim",
        "--world",
        world,
        "--teleop",
        "0.3,0",
        "--duration",
        "2",
    ]));
    let robots = r["robots"].as_array().expect("each robot reported");
    let names: Vec<&str> = robots.iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["robot1", "robot2", "robot3"]);
    for b in robots {
        let d = b["distance_m"].as_f64().unwrap();
        assert!(d > 0.4, "every robot obeyed its own cmd_vel: {b}");
        assert_eq!(b["robot_collisions"], 0, "{b}");
    }
    let out = embodia(&["sim", "--world", world, "--record", "/tmp/never.mcap"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 robots") && err.contains("Fix:"), "{err}");
}
