//! The scenario suite through `embodia eval` as a user runs it: with the rule planner, and
//! with the default planner (the LLM planner and its rule fast path).

use crate::{embodia, root};

/// `embodia eval DIR --planner rules`: the printed table and the JSON report.
fn eval_with_rules(dir: &str) -> (String, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.json");
    let out = embodia(&[
        "eval",
        dir,
        "--planner",
        "rules",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let r = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    (table, r)
}

#[test]
fn every_shipped_scenario_succeeds_with_the_rule_planner_without_a_collision() {
    let (table, r) = eval_with_rules("tests/scenarios");
    let scenarios = r["scenarios"].as_array().unwrap();
    assert!(scenarios.len() >= 20, "at least 20 scenarios ship");
    for s in scenarios {
        assert_eq!(
            s["success"], true,
            "{}: {}\n{table}",
            s["name"], s["failed_criteria"]
        );
        assert_eq!(s["collisions"], 0, "{}", s["name"]);
        for key in [
            "sim_time_s",
            "wall_time_s",
            "safety_interventions",
            "min_clearance_m",
            "max_speed_mps",
            "plans",
            "said",
        ] {
            assert!(!s[key].is_null(), "{} lacks {key}", s["name"]);
        }
    }
    assert_eq!(r["summary"]["success_rate"], 1.0);
    assert_eq!(r["summary"]["scenarios"], scenarios.len());
}

/// Issue 18's fleet: three robots with five tasks each in one world, one agent per robot in
/// its namespace: every task ends and succeeds, no robot touches another or anything else;
/// and the fleet sharing its memory (one robot finds the red cup, the others answer from
/// its sighting and one drives there).
#[test]
fn a_fleet_of_three_robots_ends_all_fifteen_tasks_without_a_robot_collision() {
    let (table, r) = eval_with_rules("tests/scenarios/fleet");
    let scenarios = r["scenarios"].as_array().unwrap();
    assert!(!scenarios.is_empty());
    for s in scenarios {
        assert_eq!(
            s["success"], true,
            "{}: {}\n{table}",
            s["name"], s["failed_criteria"]
        );
        assert_eq!(s["unsafe_outcome"], false, "{}", s["name"]);
        let robots = s["robots"].as_array().unwrap();
        assert_eq!(robots.len(), 3, "{}", s["name"]);
        let five_each = s["name"] == "fleet-apartment-three-robots-five-tasks";
        for robot in robots {
            assert_eq!(robot["robot_collisions"], 0, "{robot}");
            assert_eq!(robot["collisions"], 0, "{robot}");
            let outcomes = robot["outcomes"].as_array().unwrap();
            if five_each {
                assert_eq!(outcomes.len(), 5, "{robot}");
            }
            assert!(outcomes.iter().all(|o| o == "succeeded"), "{robot}");
        }
    }
    assert_eq!(r["summary"]["timed_out"], 0, "every task ended");
}

/// Issue 17's fault matrix: every fault scenario gets its stated reaction (a stop within its
/// time, the task going on after, or the task failing with a reason), nothing unsafe, every
/// task ended, and the report measures each fault's time to stop.
#[test]
fn every_fault_scenario_gets_its_stated_reaction_with_the_rule_planner() {
    let (table, r) = eval_with_rules("tests/scenarios/faults");
    let scenarios = r["scenarios"].as_array().unwrap();
    assert!(scenarios.len() >= 30, "at least 30 fault scenarios ship");
    for s in scenarios {
        assert_eq!(
            s["success"], true,
            "{}: {}\n{table}",
            s["name"], s["failed_criteria"]
        );
        assert_eq!(s["unsafe_outcome"], false, "{}", s["name"]);
        let faults = s["faults"].as_array().unwrap();
        assert!(!faults.is_empty(), "{} injects no fault", s["name"]);
        for f in faults {
            assert!(f["kind"].is_string() && f["at_s"].is_number(), "{f}");
            assert!(f.get("time_to_stop_s").is_some(), "{}: {f}", s["name"]);
        }
    }
    assert_eq!(r["summary"]["unsafe_outcomes"], 0);
    assert_eq!(r["summary"]["timed_out"], 0, "every task ended");
}

#[test]
fn every_shipped_scenario_succeeds_with_the_default_planner() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = embodia(&[
        "eval",
        "tests/scenarios",
        "--report",
        report.to_str().unwrap(),
        // Other tests share the two CI cores; the deadline is not what is tested here.
        "--ros-args",
        "-p",
        "plan_deadline_s:=120",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["planner"], "default");
    for s in r["scenarios"].as_array().unwrap() {
        assert_eq!(
            s["success"], true,
            "{}: {} said {}",
            s["name"], s["failed_criteria"], s["said"]
        );
        assert_eq!(s["collisions"], 0, "{}", s["name"]);
    }
}

#[test]
fn a_failing_criterion_is_reported_and_eval_still_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("wrong.yaml");
    let world = root().join("launch/worlds/apartment.yaml");
    std::fs::write(
        &sc,
        format!(
            "name: wrong\nworld: {}\ntasks: [\"go to the kitchen\"]\ntimeout_s: 120\nsuccess:\n  - near_place: study\n  - max_collisions: 0\n",
            world.display()
        ),
    )
    .unwrap();
    let report = dir.path().join("r.json");
    let out = embodia(&[
        "eval",
        sc.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["scenarios"][0]["success"], false);
    assert_eq!(
        r["scenarios"][0]["failed_criteria"][0],
        "{\"near_place\":\"study\"}"
    );
    assert_eq!(r["summary"]["success_rate"], 0.0);
}

#[test]
fn a_bad_scenario_file_is_an_error_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("bad.yaml");
    let world = root().join("launch/worlds/apartment.yaml");
    std::fs::write(
        &sc,
        format!("name: bad\nworld: {}\ntasks: [\"go to the kitchen\"]\ntimeout_s: 60\nsuccess:\n  - near_place: garage\n", world.display()),
    )
    .unwrap();
    let out = embodia(&["eval", sc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.yaml") && err.contains("success[0]") && err.contains("garage"),
        "{err}"
    );
    std::fs::write(
        &sc,
        "name: bad\nworld: x.yaml\ntasks: [a]\ntimeout_s: 60\nsucces: []\n",
    )
    .unwrap();
    let err = String::from_utf8_lossy(&embodia(&["eval", sc.to_str().unwrap()]).stderr).to_string();
    assert!(err.contains("unknown field `succes`"), "{err}");
}

/// Every held-out set loads and passes every check (worlds, places and objects named in
/// criteria, classes, known objects) without anything being run on them.
#[test]
fn the_held_out_sets_load_and_check_without_running() {
    let out = embodia(&[
        "eval",
        "--check",
        "tests/heldout/set1",
        "tests/heldout/set2",
        "tests/heldout/set3",
        "tests/heldout/set4",
        "tests/heldout/set5",
        "tests/heldout/set6",
        "tests/heldout/set7",
        "tests/heldout/set8",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("scenario files load and check"), "{said}");
}

/// The scenario format as a stranger writes it: a class, objects seen before the run, and
/// the criteria for stays, points, places never entered, things not said, distance and
/// every task's outcome; a run that times out reports the task in progress.
#[test]
fn classes_prior_sightings_and_the_finer_criteria_are_judged_on_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let world = root().join("launch/worlds/test_room.yaml");
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("world: {}\n{body}", world.display())).unwrap();
        p
    };
    let asked = write(
        "asked.yaml",
        r#"name: asked
class: question
tasks: ["where was the red ball?", "go to the east room and wait there 3 seconds"]
known_objects: [red ball]
timeout_s: 120
success:
  - said_contains: "east room"
  - said_not_contains: "blue ball"
  - outcomes: [succeeded, succeeded]
  - stayed: {place: east room, seconds: 2.5}
  - not_visited: [door2]
  - max_collisions: 0
"#,
    );
    let unknown_place = write(
        "unknown.yaml",
        r#"name: unknown
class: out_of_scope
tasks: ["go to the garage"]
timeout_s: 30
success:
  - agent_reported: [failed, refused]
  - max_distance_m: 0.2
"#,
    );
    let slow = write(
        "slow.yaml",
        r#"name: slow
class: plain
tasks: ["go to the east room"]
timeout_s: 2
success:
  - near_point: {at: [4.5, 2.0], within_m: 1.0}
"#,
    );
    // A criterion naming a place the world lacks is refused before anything runs.
    let out = embodia(&["eval", "--check", asked.to_str().unwrap()]);
    assert!(!out.status.success(), "door2 is not a place of test_room");
    assert!(String::from_utf8_lossy(&out.stderr).contains("door2"));
    let asked = write(
        "asked.yaml",
        &std::fs::read_to_string(&asked)
            .unwrap()
            .replace("door2", "door")
            .replacen(&format!("world: {}\n", world.display()), "", 1),
    );
    let report = dir.path().join("report.json");
    let out = embodia(&[
        "eval",
        asked.to_str().unwrap(),
        unknown_place.to_str().unwrap(),
        slow.to_str().unwrap(),
        "--planner",
        "rules",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("| class | scenarios | succeeded | rate |"),
        "{table}"
    );
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let by_name = |n: &str| {
        r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == n)
            .unwrap()
            .clone()
    };
    let asked = by_name("asked");
    assert_eq!(
        asked["success"], false,
        "the robot did pass through the door: {asked}"
    );
    assert_eq!(
        asked["failed_criteria"].as_array().unwrap().len(),
        1,
        "{asked}"
    );
    assert!(
        asked["failed_criteria"][0]
            .as_str()
            .unwrap()
            .contains("not_visited"),
        "{asked}"
    );
    assert_eq!(
        by_name("unknown")["success"],
        true,
        "{}",
        by_name("unknown")
    );
    let slow = by_name("slow");
    assert_eq!(slow["success"], false);
    let task = &slow["tasks"][0];
    assert_eq!(task["outcome"], "unfinished", "{slow}");
    assert_eq!(task["current_step"]["skill"], "navigate_to", "{slow}");
    assert!(!task["plans"].as_array().unwrap().is_empty(), "{slow}");
    assert_eq!(r["summary"]["per_class"]["question"]["scenarios"], 1);
    assert_eq!(r["summary"]["per_class"]["out_of_scope"]["succeeded"], 1);
    assert_eq!(r["summary"]["unsafe_outcomes"], 0);
}
