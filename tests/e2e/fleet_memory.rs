//! Fleet memory in one process, as a user runs it: `embodia run` of the apartment's fleet,
//! one agent per robot on one bus, sharing sightings on `/fleet/memory`.

use crate::embodia;

fn robot<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["robots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

fn said(robot: &serde_json::Value, task: usize) -> String {
    robot["tasks"][task]["said"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

/// robot1 searches and sees the red cup; robot2, which never saw it, answers where it is with
/// robot1's sighting (who, where, when) and drives to it as to a sighting of its own; with
/// fleet memory off, robot2 does not know it.
#[test]
fn a_robot_answers_from_another_robots_sighting_and_goes_there() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--world",
            "launch/worlds/apartment_fleet.yaml",
            "--planner",
            "rules",
            "--robot-task",
            "robot1=find the red cup",
            "--robot-task",
            "robot1=go to the living room",
            "--robot-task",
            "robot2=wait 60 seconds",
            "--robot-task",
            "robot2=where is the red cup?",
            "--robot-task",
            "robot2=go to the red cup",
        ];
        args.extend_from_slice(extra);
        let out = embodia(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let r = run(&[]);
    let (robot1, robot2) = (robot(&r, "robot1"), robot(&r, "robot2"));
    assert_eq!(robot1["tasks"][0]["outcome"], "succeeded", "{robot1}");
    let answer = said(robot2, 1);
    assert!(
        answer.starts_with("robot1 last saw the red cup at (3.5, 7.5) in the kitchen, ")
            && answer.ends_with(" seconds ago."),
        "{answer}"
    );
    assert_eq!(robot2["tasks"][2]["outcome"], "succeeded", "{robot2}");
    let end = &robot2["final_pose"];
    let (dx, dy) = (
        end["x"].as_f64().unwrap() - 3.5,
        end["y"].as_f64().unwrap() - 7.5,
    );
    assert!(dx.hypot(dy) < 1.0, "robot2 ends by the red cup: {end}");
    for rb in [robot1, robot2] {
        assert_eq!(rb["robot_collisions"], 0, "{rb}");
        assert_eq!(rb["sim"]["collisions"], 0, "{rb}");
        assert!(rb["sim"]["max_speed_mps"].as_f64().unwrap() <= 0.5, "{rb}");
    }

    let apart = run(&["--ros-args", "-p", "fleet_memory:=false"]);
    let answer = said(robot(&apart, "robot2"), 1);
    assert!(answer.contains("I have not seen red cup"), "{answer}");
}
