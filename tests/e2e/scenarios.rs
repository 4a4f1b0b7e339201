//! The scenario suite through `embodia eval` as a user runs it: with the rule planner, and
//! with the default planner (the LLM planner and its rule fast path).

use crate::{embodia, root};

#[test]
fn every_shipped_scenario_succeeds_with_the_rule_planner_without_a_collision() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = embodia(&[
        "eval",
        "tests/scenarios",
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
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
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
    assert_eq!(r["planner"], "llm");
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
