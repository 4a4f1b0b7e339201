//! Recordings, replay and pictures: `embodia run --record/--svg`, `embodia replay`,
//! `embodia eval --record/--report-dir`, and an independent reader of the files.

use std::path::Path;
use std::process::{Command, Output};

use crate::{embodia, json, root};

const TEST_ROOM: &str = "launch/worlds/test_room.yaml";
/// The checked-in recordings (re-record with `embodia replay --rerecord` when behaviour
/// changes on purpose; see tests/recordings/README.md).
const RECORDINGS: [&str; 3] = [
    "tests/recordings/turn-left.mcap",
    "tests/recordings/move-and-say.mcap",
    "tests/recordings/move-and-say-remembering.mcap",
];

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The elements of an SVG document with this class.
fn with_class<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    class: &str,
) -> Vec<roxmltree::Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .collect()
}

fn record(dir: &Path, task: &str, extra: &[&str]) -> (serde_json::Value, String) {
    let file = dir.join("run.mcap").display().to_string();
    let mut args = vec![
        "run",
        "--world",
        TEST_ROOM,
        "--planner",
        "rules",
        "--no-memory",
        "--seed",
        "3",
        "--timeout",
        "40",
        "--task",
        task,
        "--record",
        &file,
    ];
    args.extend_from_slice(extra);
    (json(&embodia(&args)), file)
}

#[test]
fn checked_in_recordings_replay_identically() {
    for file in RECORDINGS {
        assert!(root().join(file).exists(), "{file} is checked in");
        let size = std::fs::metadata(root().join(file)).unwrap().len();
        assert!(size < 150_000, "{file} is {size} bytes");
    }
    let out = embodia(&[&["replay"][..], &RECORDINGS[..]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches(": same:").count(),
        RECORDINGS.len(),
        "{stdout}"
    );
}

/// The recording's entries on `channel`, as JSON.
fn decisions(file: &Path, channel: &str) -> Vec<serde_json::Value> {
    let rec = embodia::recording::read::read(file).expect("a recording");
    rec.entries
        .iter()
        .filter(|e| e.topic == channel)
        .map(|e| serde_json::from_slice(&e.data).expect("JSON"))
        .collect()
}

#[test]
fn recordings_carry_the_grounding_of_each_task_and_every_memory_write() {
    let file = root().join(RECORDINGS[2]);
    let grounding = decisions(&file, "/embodia/grounding");
    assert_eq!(grounding.len(), 1, "{grounding:?}");
    let g = &grounding[0];
    assert_eq!(g["task"], "move forward 1 metre then say I moved");
    assert_eq!(g["planned_by"], "rules");
    let clauses = g["grounding"]["clauses"].as_array().unwrap();
    assert_eq!(clauses.len(), 2, "{g}");
    for c in clauses {
        let best = &c["alternatives"][0];
        assert!(best["score"].as_f64().unwrap() > 0.0, "{c}");
        assert!(!best["steps"].as_array().unwrap().is_empty(), "{c}");
    }
    let memory = decisions(&file, "/embodia/memory");
    let kinds: Vec<&str> = memory.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"observations"), "{memory:?}");
    assert!(kinds.contains(&"task_in_progress"), "{memory:?}");
    let seen = memory.iter().find(|m| m["kind"] == "observations").unwrap();
    let entry = &seen["entries"][0];
    assert!(!entry["text"].as_str().unwrap().is_empty(), "{seen}");
    assert!(
        entry["time_ns"].is_i64() && entry["pose"].is_array(),
        "{seen}"
    );
    assert_eq!(seen["stored"], true);
    assert!(!seen["ids"].as_array().unwrap().is_empty(), "{seen}");
    // Without a memory there is nothing written, and the grounding is still recorded.
    let file = root().join(RECORDINGS[0]);
    assert!(decisions(&file, "/embodia/memory").is_empty());
    assert_eq!(decisions(&file, "/embodia/grounding").len(), 1);
}

#[test]
fn a_changed_grounding_or_memory_write_makes_replay_fail_naming_its_channel() {
    use embodia::recording::writer::Sink;
    let original = embodia::recording::read::read(&root().join(RECORDINGS[2])).unwrap();
    for (channel, from, to) in [
        ("/embodia/grounding", "\"score\":1.0", "\"score\":0.5"),
        ("/embodia/memory", "\"stored\":true", "\"stored\":false"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let changed = dir.path().join("changed.mcap");
        let mut sink = embodia::recording::McapSink::create(&changed, &original.meta).unwrap();
        let mut done = false;
        for e in &original.entries {
            let mut e = e.clone();
            if !done && e.topic == channel {
                let text = String::from_utf8(e.data.clone()).unwrap();
                assert!(text.contains(from), "{text}");
                e.data = text.replacen(from, to, 1).into_bytes();
                done = true;
            }
            sink.put(e).unwrap();
        }
        sink.finish().unwrap();
        let out = embodia(&["replay", &changed.display().to_string()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let diff = stdout.split("first divergence").nth(1).expect("a diff");
        assert!(diff.contains(&format!(" on {channel} ")), "{stdout}");
        let recorded = diff.lines().find(|l| l.contains("recorded:")).unwrap();
        let now = diff.lines().find(|l| l.contains("now:")).unwrap();
        assert!(recorded.contains(to) && now.contains(from), "{diff}");
        assert!(
            stdout.contains("the velocity commands are all equal"),
            "{stdout}"
        );
    }
}

#[test]
fn a_changed_parameter_makes_replay_fail_naming_the_first_divergent_command() {
    let out = embodia(&[
        "replay",
        RECORDINGS[1],
        "--ros-args",
        "-p",
        "max_linear:=0.2",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("DIVERGED"), "{stdout}");
    let diff = stdout.split("first divergence").nth(1).expect("a diff");
    assert!(
        diff.contains(" on /cmd_vel "),
        "names the command topic: {stdout}"
    );
    let recorded = diff.lines().find(|l| l.contains("recorded:")).unwrap();
    let now = diff.lines().find(|l| l.contains("now:")).unwrap();
    assert!(
        recorded.contains("\"linear\"") && now.contains("\"linear\""),
        "{diff}"
    );
    assert_ne!(
        recorded.split_once("] ").map(|p| p.1),
        now.split_once("] ").map(|p| p.1),
        "{diff}"
    );
}

#[test]
fn re_recording_an_unchanged_run_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("turn-left.mcap");
    std::fs::copy(root().join(RECORDINGS[0]), &copy).unwrap();
    let out = embodia(&["replay", "--rerecord", &copy.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-recorded"));
    assert!(
        std::fs::read(&copy).unwrap() == std::fs::read(root().join(RECORDINGS[0])).unwrap(),
        "a run that behaves the same records the same bytes"
    );
}

#[test]
fn replay_refuses_bad_input_with_exit_2_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.mcap");
    std::fs::write(&junk, "not a recording").unwrap();
    let bytes = std::fs::read(root().join(RECORDINGS[0])).unwrap();
    let cut = dir.path().join("cut.mcap");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let missing = dir.path().join("missing.mcap");
    for (file, says) in [
        (&junk, "not an MCAP recording"),
        (&cut, "cut off"),
        (&missing, "missing.mcap"),
    ] {
        let out = embodia(&["replay", &file.display().to_string()]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(2), "{all}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&*file.display().to_string()), "{all}");
        assert!(stderr.contains(says), "{all}");
        assert!(stderr.contains("Fix:"), "{all}");
        assert!(!stderr.contains("panicked"), "{all}");
    }
}

/// What Foxglove's Python reader (`tests/interop/read_mcap.py`) makes of `file`.
fn read_independently(file: &Path) -> serde_json::Value {
    let venv = Command::new("bash")
        .arg(root().join("scripts/mcap-venv.sh"))
        .output()
        .expect("bash runs");
    assert!(venv.status.success(), "{}", text(&venv));
    let python = String::from_utf8_lossy(&venv.stdout).trim().to_owned();
    let out = Command::new(&python)
        .arg(root().join("tests/interop/read_mcap.py"))
        .arg(file)
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_fresh_recording_replays_and_an_independent_reader_decodes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (report, file) = record(dir.path(), "turn right 90 degrees", &[]);
    assert_eq!(report["tasks"][0]["outcome"], "succeeded");
    let recorded = &report["recorded"];
    let out = embodia(&["replay", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let read = read_independently(Path::new(&file));
    for (topic, ty) in [
        ("/scan", "sensor_msgs/msg/LaserScan"),
        ("/odom", "nav_msgs/msg/Odometry"),
        ("/cmd_vel", "geometry_msgs/msg/Twist"),
        ("/map", "nav_msgs/msg/OccupancyGrid"),
        ("/tf", "tf2_msgs/msg/TFMessage"),
        ("/detections", "vision_msgs/msg/Detection3DArray"),
        ("/agent/status", "std_msgs/msg/String"),
    ] {
        assert_eq!(read["topics"][topic]["type"], ty, "{topic}: {read}");
        assert_eq!(read["topics"][topic]["encoding"], "cdr");
        assert_eq!(read["topics"][topic]["schema_encoding"], "ros2msg");
    }
    for channel in [
        "/embodia/tick",
        "/embodia/task",
        "/embodia/plan",
        "/embodia/step",
        "/embodia/grounding",
    ] {
        assert_eq!(
            read["topics"][channel]["encoding"], "json",
            "{channel}: {read}"
        );
    }
    for topic in ["/scan", "/odom", "/cmd_vel"] {
        assert!(read["counts"][topic].as_u64().unwrap() > 10, "{read}");
        assert_eq!(
            read["counts"][topic], recorded[topic],
            "{topic}: {read} vs {recorded}"
        );
    }
    // Independently of the recorder's own counts: the simulator's rates over the run.
    let sim_s = report["sim"]["sim_time_s"].as_f64().unwrap();
    let scans = read["counts"]["/scan"].as_f64().unwrap();
    assert!(
        (scans - sim_s * 10.0).abs() <= 2.0,
        "{scans} scans in {sim_s} s"
    );
    let commands = read["counts"]["/cmd_vel"].as_f64().unwrap();
    assert!(
        (commands - sim_s * 20.0).abs() <= 3.0,
        "{commands} commands in {sim_s} s"
    );
    assert_eq!(read["checks"]["scan_beams"].as_array().unwrap().len(), 1);
    assert_eq!(read["checks"]["cmd_finite"], true);
    assert_eq!(read["metadata_names"][0], "embodia");
    assert_eq!(read["seed"], "3");
    // The decision channels parse as JSON objects in the independent reader too.
    assert_eq!(read["json_counts"]["/embodia/grounding"], 1, "{read}");
    assert_eq!(
        read["json_first"]["/embodia/grounding"]["grounding"]["clauses"][0]["certain"], true,
        "{read}"
    );
    let read = read_independently(&root().join(RECORDINGS[2]));
    assert_eq!(read["topics"]["/embodia/memory"]["encoding"], "json");
    assert!(
        read["json_counts"]["/embodia/memory"].as_u64() >= Some(2),
        "{read}"
    );
    assert_eq!(
        read["json_first"]["/embodia/memory"]["stored"], true,
        "{read}"
    );
}

#[test]
fn run_draws_the_run_as_svg() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("run.svg");
    let r = json(&embodia(&[
        "run",
        "--world",
        TEST_ROOM,
        "--planner",
        "rules",
        "--no-memory",
        "--timeout",
        "60",
        "--task",
        "go to the east room",
        "--svg",
        &svg.display().to_string(),
    ]));
    assert_eq!(r["tasks"][0]["outcome"], "succeeded");
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let count = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(c))
            .count()
    };
    assert!(count("trajectory") > 20, "the path is drawn");
    assert!(count("step-start") >= 1);
    assert_eq!(count("place"), 3);
    assert_eq!(count("keep-out"), 1);
    assert_eq!(count("object seen") + count("object unseen"), 3);
    assert_eq!(count("intervention"), 0, "the gate had nothing to do");

    // Into the wall: the gate slows and stops the robot, and the picture shows where.
    let r = json(&embodia(&[
        "run",
        "--world",
        TEST_ROOM,
        "--planner",
        "rules",
        "--no-memory",
        "--timeout",
        "30",
        "--task",
        "move forward 3 metres",
        "--svg",
        &svg.display().to_string(),
    ]));
    assert!(r["safety_interventions"]["episodes"]["proximity_stop"].as_u64() > Some(0));
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let crosses = with_class(&doc, "intervention");
    assert!(!crosses.is_empty());
    assert!(
        text.contains("proximity_stop"),
        "the reasons are in the picture"
    );
}

#[test]
fn eval_records_each_scenario_and_writes_a_report_folder() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    let pics = dir.path().join("pics");
    let out = embodia(&[
        "eval",
        "tests/scenarios/turn-left.yaml",
        "--planner",
        "rules",
        "--no-memory",
        "--record",
        &rec.display().to_string(),
        "--report-dir",
        &pics.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let file = rec.join("turn-left.mcap");
    let replayed = embodia(&["replay", &file.display().to_string()]);
    assert_eq!(replayed.status.code(), Some(0), "{}", text(&replayed));
    let svg = std::fs::read_to_string(pics.join("turn-left.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let index = std::fs::read_to_string(pics.join("index.html")).unwrap();
    assert!(
        index.contains("turn-left.svg") && index.contains("<table>"),
        "{index}"
    );
}

#[test]
fn the_navigators_path_is_recorded_on_plan_from_the_robot_to_the_goal_and_drawn() {
    use embodia_ros::msg::nav_msgs::Path as NavPath;
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("run.svg");
    let (report, file) = record(
        dir.path(),
        "go to the east room",
        &["--svg", &svg.display().to_string()],
    );
    assert_eq!(report["tasks"][0]["outcome"], "succeeded");
    let rec = embodia::recording::read::read(Path::new(&file)).unwrap();
    let paths: Vec<(i64, NavPath)> = rec
        .entries
        .iter()
        .filter(|e| e.topic == "/plan")
        .map(|e| {
            (
                e.t_ns,
                embodia_ros::cdr::decode::<NavPath>(&e.data).unwrap(),
            )
        })
        .collect();
    assert!(paths.len() >= 2, "a path and its clearing: {}", paths.len());
    let (_, planned) = &paths[0];
    assert_eq!(planned.header.frame_id, "map");
    assert!(planned.poses.len() > 10, "{} poses", planned.poses.len());
    let xy = |i: usize| {
        let p = &planned.poses[i].pose.position;
        (p.x, p.y)
    };
    let dist = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1);
    // From where the robot stood (its start in test_room) ...
    assert!(dist(xy(0), (1.0, 1.5)) < 0.1, "starts at {:?}", xy(0));
    // ... through the door, to where the robot ended up: the path it followed.
    let last = xy(planned.poses.len() - 1);
    let end = (
        report["final_pose"]["x"].as_f64().unwrap(),
        report["final_pose"]["y"].as_f64().unwrap(),
    );
    assert!(last.0 > 3.0, "ends in the east room: {last:?}");
    assert!(dist(last, end) < 0.25, "ends at {last:?}, robot at {end:?}");
    assert!(
        planned
            .poses
            .iter()
            .any(|p| (p.pose.position.x - 3.0).abs() < 0.1
                && (1.5..2.5).contains(&p.pose.position.y)),
        "goes through the door"
    );
    // When the step ends, the route is cleared.
    assert!(paths.last().unwrap().1.poses.is_empty());
    // Replay compares the paths too.
    let out = embodia(&["replay", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // An independent reader decodes them with the ros2msg schema (what RViz's and Foxglove's
    // path displays read).
    let read = read_independently(Path::new(&file));
    assert_eq!(read["topics"]["/plan"]["type"], "nav_msgs/msg/Path");
    assert_eq!(read["counts"]["/plan"].as_u64(), Some(paths.len() as u64));
    assert_eq!(read["paths"][0]["frame"], "map");
    assert_eq!(
        read["paths"][0]["poses"].as_array().unwrap().len(),
        planned.poses.len()
    );

    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let drawn = with_class(&doc, "planned-path");
    assert_eq!(drawn.len(), 1, "one path planned, drawn once");
    let points = drawn[0].attribute("points").unwrap().split(' ').count();
    assert_eq!(points, planned.poses.len());
}
