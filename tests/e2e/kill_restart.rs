//! Issue 17: `kill -9` of `embodia agent` mid-task, then a restart on the same memory file.
//! The simulator and the agent talk only over DDS, every participant on 127.0.0.1
//! (`--dds-loopback`); opens DDS sockets, so ignored in a plain run and run by
//! `scripts/dds-tests.sh` inside a fresh network namespace.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{embodia, json, root};

const WORLD: &str = "launch/worlds/apartment.yaml";
const DOMAIN: &str = "41";

fn agent(memory: &str, tasks: &[&str]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_embodia"));
    cmd.args([
        "agent",
        "--dds-loopback",
        "--memory",
        memory,
        "--world",
        WORLD,
    ]);
    for t in tasks {
        cmd.args(["--task", t]);
    }
    cmd.args(["--ros-args", "-p", "use_sim_time:=true"])
        .env("ROS_DOMAIN_ID", DOMAIN)
        .env("RUST_LOG", "embodia=info")
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Lines of a child's stream, as they come.
fn lines(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (at most `limit`) for a line containing `what`.
fn wait_for(rx: &mpsc::Receiver<String>, what: &str, limit: Duration) -> Option<String> {
    let until = Instant::now() + limit;
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(what) => return Some(line),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

fn memory_stats(db: &str) -> serde_json::Value {
    json(&embodia(&["memory", "stats", "--db", db]))
}

#[test]
#[ignore = "opens DDS sockets: run inside a network namespace with scripts/dds-tests.sh"]
fn killed_mid_task_the_agent_restarts_with_its_memory_intact_and_reports_the_task_interrupted_without_moving()
 {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("memory.redb");
    let db = db.to_str().unwrap();
    // An earlier run (simulator and agent in one process) leaves memories in the file.
    let earlier = json(&embodia(&[
        "run",
        "--world",
        WORLD,
        "--memory",
        db,
        "--task",
        "turn around",
    ]));
    assert_eq!(earlier["tasks"][0]["outcome"], "succeeded", "{earlier}");
    let stored = memory_stats(db);
    assert!(stored["entries"].as_u64().unwrap() >= 1, "{stored}");

    let sim = crate::dds_sim(DOMAIN, WORLD, "20", &[]);

    // First life: the task is planned and the robot sets off; then SIGKILL.
    let mut first = agent(db, &["go to the kitchen"]);
    let log = lines(first.stderr.take().unwrap());
    let planned = wait_for(&log, "planned", Duration::from_secs(20));
    assert!(planned.is_some(), "the first agent planned its task");
    let set_off = Instant::now();
    std::thread::sleep(Duration::from_millis(1500));
    first.kill().unwrap(); // SIGKILL: no destructor, no flush, no goodbye
    let killed = set_off.elapsed();
    assert!(!first.wait().unwrap().success());

    // The file opens and holds everything stored before the kill.
    let before = memory_stats(db);
    assert!(
        before["entries"].as_u64() >= stored["entries"].as_u64(),
        "{stored} -> {before}"
    );

    // Second life on the same file: the task is reported interrupted; nothing moves.
    let mut second = agent(db, &[]);
    let out = lines(second.stdout.take().unwrap());
    let report = wait_for(&out, "\"outcome\"", Duration::from_secs(20))
        .expect("the restarted agent reports the interrupted task");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["outcome"], "interrupted", "{report}");
    assert_eq!(report["task"], "go to the kitchen", "{report}");
    assert!(report["reason"].as_str().unwrap().contains("not resumed"));
    // Let it run a while: a resumed task would drive on toward the kitchen.
    std::thread::sleep(Duration::from_secs(4));
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(
        wait_for(&out, "\"outcome\"", Duration::from_millis(200)).is_none(),
        "no other task was reported"
    );

    let sim: serde_json::Value =
        serde_json::from_slice(&sim.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(sim["collisions"], 0);
    assert!(
        sim["max_speed_mps"].as_f64().unwrap() > 0.05,
        "it was moving: {sim}"
    );
    // Moving only while the first agent lived: at most top speed until the kill, plus the
    // base's 0.5 s cmd_vel timeout and braking — not on toward the kitchen after the restart.
    let bound = 0.5 * (killed.as_secs_f64() + 1.0);
    let distance = sim["distance_m"].as_f64().unwrap();
    assert!(
        distance <= bound,
        "drove {distance} m, at most {bound} m: {sim}"
    );
    let y = sim["final_pose"]["y"].as_f64().unwrap();
    assert!(y < 4.6, "the robot is not in the kitchen: {sim}");

    // Memory intact: everything stored before the kill is still there.
    let after = memory_stats(db);
    assert!(
        after["entries"].as_u64() >= before["entries"].as_u64(),
        "{before} -> {after}"
    );
}
