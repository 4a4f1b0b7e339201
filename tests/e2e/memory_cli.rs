//! Memory across runs: what one `embodia run --memory PATH` saw, the next one knows.

use crate::{embodia, json};

const APARTMENT: &str = "launch/worlds/apartment.yaml";

#[test]
fn an_object_seen_in_an_earlier_run_is_answered_and_reached_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("memory.redb");
    let db = db.to_str().unwrap();
    let first = json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--memory",
        db,
        "--task",
        "find the red cup",
    ]));
    assert_eq!(first["tasks"][0]["outcome"], "succeeded");

    // A new process: perception starts empty; only memory knows the cup.
    let second = json(&embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--memory",
        db,
        "--task",
        "where did you see the red cup?",
        "--task",
        "go back to the red cup",
    ]));
    let said = second["tasks"][0]["said"][0].as_str().unwrap();
    assert!(
        said.contains("red cup") && said.contains("kitchen") && said.contains("(3.5, 7.5)"),
        "{said}"
    );
    let go = &second["tasks"][1];
    assert_eq!(go["outcome"], "succeeded");
    let skills: Vec<&str> = go["plans"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skill"].as_str().unwrap())
        .collect();
    assert_eq!(
        skills,
        ["navigate_to"],
        "no search needed: memory knows where it is"
    );
    let (x, y) = (
        second["final_pose"]["x"].as_f64().unwrap(),
        second["final_pose"]["y"].as_f64().unwrap(),
    );
    assert!((x - 3.5).hypot(y - 7.5) < 1.0, "ended at ({x}, {y})");

    let stats = json(&embodia(&["memory", "stats", "--db", db]));
    assert!(stats["objects"].as_u64().unwrap() >= 3, "{stats}");
    let hits = json(&embodia(&[
        "memory", "query", "--db", db, "a cup", "--class", "cup", "-k", "3",
    ]));
    assert_eq!(hits[0]["object"], "red cup");
    let near = json(&embodia(&[
        "memory", "query", "--db", db, "--near", "1.5,0.8", "--radius", "0.5",
    ]));
    assert_eq!(near[0]["object"], "sofa");
    assert!(
        json(&embodia(&[
            "memory", "query", "--db", db, "cup", "--place", "bathroom"
        ]))
        .as_array()
        .unwrap()
        .is_empty()
    );
}

#[test]
fn a_file_that_is_not_a_memory_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a database").unwrap();
    let out = embodia(&[
        "run",
        "--world",
        APARTMENT,
        "--memory",
        notes.to_str().unwrap(),
        "--task",
        "turn left",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notes.txt") && err.contains("left untouched"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "not a database");
    let out = embodia(&[
        "memory",
        "stats",
        "--db",
        dir.path().join("none.redb").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such memory file"));
}
