//! An entry acknowledged as stored survives `kill -9` of the process that stored it.
//!
//! The test re-runs its own binary as a child that stores entries one transaction at a time
//! and prints `acked N` after each commit returns; the parent kills it with SIGKILL mid-stream,
//! reopens the file and checks that every acknowledged entry is there, intact.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use embodia_memory::{MemoryStore, NewEntry};

const DIM: usize = 16;
const CHILD_ENV: &str = "EMBODIA_MEMORY_KILL_TEST_DB";

fn entry(i: u64) -> NewEntry {
    let mut v = vec![0.0f32; DIM];
    v[(i % DIM as u64) as usize] = 1.0;
    NewEntry {
        time_ns: i as i64 * 1_000_000,
        pose: (i as f64, 0.0, 0.0),
        place: Some("lab".into()),
        text: format!("saw object {i}"),
        source_topic: "/detections".into(),
        object_name: Some(format!("object {i}")),
        object_class: Some("thing".into()),
        object_position: Some((i as f64, 1.0)),
        object_color: None,
        seen_by: None,
        embedding: v,
    }
}

/// The child: store until killed (bounded in count and time all the same).
fn writer(path: &str) {
    let mut store = MemoryStore::open(std::path::Path::new(path), DIM, 1_000_000).unwrap();
    let started = Instant::now();
    for i in 1..=100_000u64 {
        store.insert(&[entry(i)]).unwrap();
        println!("acked {i}");
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
}

#[test]
fn acknowledged_entries_survive_kill_9() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        writer(&path);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.redb");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "acknowledged_entries_survive_kill_9",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acked = 0u64;
    let deadline = Instant::now() + Duration::from_secs(60);
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        if let Some(n) = line.unwrap().strip_prefix("acked ") {
            acked = n.parse().unwrap();
        }
        if acked >= 300 || Instant::now() > deadline {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructors, no flush, mid-transaction
    child.wait().unwrap();
    assert!(acked >= 300, "the writer acknowledged only {acked} entries");

    let store = MemoryStore::open(&path, DIM, 1_000_000).unwrap();
    assert!(
        store.len() as u64 >= acked,
        "{} entries after reopening, {acked} were acknowledged",
        store.len()
    );
    for i in 1..=acked {
        let e = store
            .object(&format!("object {i}"))
            .unwrap_or_else(|| panic!("acknowledged entry {i} is lost"));
        assert_eq!(e.text, format!("saw object {i}"));
        assert_eq!(e.object_position, Some((i as f64, 1.0)));
    }
}
