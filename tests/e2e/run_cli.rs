//! `embodia run`: tasks from the command line, a JSON report out.

use crate::{embodia, json};

const APARTMENT: &str = "launch/worlds/apartment.yaml";

#[test]
fn a_task_runs_to_success_and_the_report_says_so() {
    let r = json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--task",
        "go to the kitchen",
    ]));
    assert_eq!(r["tasks"][0]["outcome"], "succeeded");
    assert_eq!(
        r["tasks"][0]["plans"][0]["steps"][0]["skill"],
        "navigate_to"
    );
    assert_eq!(r["visited"].as_array().unwrap().last().unwrap(), "kitchen");
    assert_eq!(r["sim"]["collisions"], 0);
}

#[test]
fn malformed_tasks_are_refused_and_the_robot_stays_stopped() {
    let huge = "go ".repeat(35_000); // about 100 kB
    for task in [
        "",
        "   ",
        huge.as_str(),
        "go to the kitchen\u{1b}[2J",
        "stop\u{7}now",
    ] {
        let r = json(&embodia(&["run", "--world", APARTMENT, "--task", task]));
        let t = &r["tasks"][0];
        assert_eq!(t["outcome"], "refused", "{:?}", &task[..task.len().min(20)]);
        assert!(
            t["reason"].as_str().unwrap().len() > 10,
            "a reason is given"
        );
        assert!(t["plans"].as_array().unwrap().is_empty());
        assert_eq!(r["sim"]["distance_m"], 0.0, "the robot never moved");
        assert!(
            t["task"].as_str().unwrap().chars().count() <= 200,
            "the echo is bounded"
        );
    }
}

#[test]
fn a_task_no_rule_understands_fails_with_a_reason_said_aloud() {
    let r = json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--planner",
        "rules",
        "--task",
        "sing me the song of my people",
    ]));
    assert_eq!(r["tasks"][0]["outcome"], "failed");
    assert!(
        r["tasks"][0]["said"][0]
            .as_str()
            .unwrap()
            .starts_with("I cannot do that")
    );
    assert_eq!(r["sim"]["distance_m"], 0.0);
}

#[test]
fn ros_parameters_limit_the_robot_and_unknown_ones_are_refused() {
    let r = json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--no-memory",
        "--task",
        "go to the kitchen",
        "--ros-args",
        "-p",
        "max_linear:=0.25",
    ]));
    assert_eq!(r["tasks"][0]["outcome"], "succeeded");
    let top = r["sim"]["max_speed_mps"].as_f64().unwrap();
    assert!(top <= 0.25 + 1e-9 && top > 0.2, "top speed {top}");
    let out = embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--task",
        "stop",
        "--ros-args",
        "-p",
        "max_lineer:=0.25",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown parameter \"max_lineer\""));
    let out = embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--task",
        "stop",
        "--ros-args",
        "-p",
        "stamped_cmd_vel:=7",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stamped_cmd_vel must be a bool"));
}

#[test]
fn the_shipped_params_file_loads_and_equals_the_defaults() {
    let r = json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--no-memory",
        "--task",
        "go to the kitchen",
        "--ros-args",
        "--params-file",
        "launch/params/embodia.yaml",
    ]));
    assert_eq!(r["tasks"][0]["outcome"], "succeeded");
    let default = json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--no-memory",
        "--task",
        "go to the kitchen",
    ]));
    assert_eq!(
        r["final_pose"], default["final_pose"],
        "same parameters, same run"
    );
}

#[test]
fn the_rcl_transport_without_the_r2r_build_says_how_to_get_it() {
    let out = embodia(&[
        "agent",
        "--world",
        APARTMENT,
        "--no-memory",
        "--transport",
        "rcl",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--features r2r") && stderr.contains("--transport dds"),
        "{stderr}"
    );
}
