//! Latency of the reactive loop from a new scan to the gated command it causes, while another
//! thread keeps a core busy. The agent runs with wall-clock pacing on its own control thread
//! (as on a robot), navigating; this bench plays the robot: it publishes odometry (echoing
//! the last command), a 360-beam scan and a detection message (the camera looked and saw
//! nothing: perception marks the cone it covered as seen), and times until a `/cmd_vel`
//! stamped at or after the scan arrives — a command computed from that scan.
//!
//!     cargo bench -p embodia --bench reactive_latency

#[path = "support/rig.rs"]
mod rig;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use embodia_memory::{EMBEDDING_DIM, MemoryStore, NewEntry};
use rig::{BusyCore, Rig, quantile};

const SAMPLES: usize = 2000;

fn main() {
    let mut rig = Rig::start();
    let busy = BusyCore::start();
    let quiet = rig.measure(SAMPLES);

    // The same while memory ingest runs on another thread: batches of 32 entries, each an
    // fsync'd transaction, as the deliberative layer stores observations — every 100 ms
    // (320 entries/s, far above what a robot observes), then flat out.
    let mut phases = vec![("no ingest".to_owned(), quiet)];
    for (phase, pause) in [
        (
            "ingest of 32 entries every 100 ms",
            Some(Duration::from_millis(100)),
        ),
        ("ingest flat out", None),
    ] {
        let ingesting = Arc::new(AtomicBool::new(true));
        let ingest = {
            let ingesting = ingesting.clone();
            std::thread::spawn(move || {
                // As the deliberative runtime's blocking worker that really does the ingest.
                embodia::priority::background_thread();
                let dir =
                    std::env::temp_dir().join(format!("embodia-latency-{}", std::process::id()));
                std::fs::create_dir_all(&dir).unwrap();
                let mut store =
                    MemoryStore::open(&dir.join("m.redb"), EMBEDDING_DIM, 50_000).unwrap();
                let mut n = 0u64;
                while ingesting.load(Ordering::Relaxed) && n < 2_000_000 {
                    let batch: Vec<NewEntry> = (0..32)
                        .map(|_| {
                            n += 1;
                            let mut v = vec![0.0f32; EMBEDDING_DIM];
                            v[(n % EMBEDDING_DIM as u64) as usize] = 1.0;
                            NewEntry {
                                time_ns: n as i64,
                                pose: (0.0, 0.0, 0.0),
                                place: None,
                                text: format!("saw thing {n}"),
                                source_topic: "/detections".into(),
                                object_name: Some(format!("thing {n}")),
                                object_class: Some("thing".into()),
                                object_position: Some((n as f64 % 10.0, 0.0)),
                                object_color: None,
                                seen_by: None,
                                embedding: v,
                            }
                        })
                        .collect();
                    store.insert(&batch).unwrap();
                    if let Some(p) = pause {
                        std::thread::sleep(p);
                    }
                }
                let _ = std::fs::remove_dir_all(&dir);
                n
            })
        };
        let loaded = rig.measure(SAMPLES);
        ingesting.store(false, Ordering::Relaxed);
        let ingested = ingest.join().unwrap();
        phases.push((
            format!("{phase} ({ingested} entries stored meanwhile)"),
            loaded,
        ));
    }
    drop(busy);
    let (last, driving) = (rig.last(), rig.driving);
    rig.assert_navigated();
    let counts = rig.agent.shutdown();
    let p = quantile;
    println!(
        "| reactive loop, new scan -> gated /cmd_vel ({SAMPLES} scans each, another core kept busy) | p50 | p99 | max | p99 control thread reaction |"
    );
    println!("|---|---|---|---|---|");
    for (label, (lat, react)) in &phases {
        println!(
            "| perception + navigate_to + safety gate, in-process bus, {label} | {:.0} us | {:.0} us | {:.0} us | {:.0} us |",
            p(lat, 0.5),
            p(lat, 0.99),
            lat[lat.len() - 1],
            p(react, 0.99)
        );
    }
    eprintln!(
        "interventions: {:?}; last command (v, w) = {last:?}; commands driving forward: {} of {}",
        counts.episodes, driving.1, driving.0
    );
}
