//! The store, specified by behaviour, on synthetic unit vectors (no model needed).

use embodia_memory::{MemoryStore, NewEntry, Query, StoreError};

const DIM: usize = 8;
const S: i64 = 1_000_000_000;

fn unit(seed: u64) -> Vec<f32> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let v: Vec<f32> = (0..DIM)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2000) as f32 / 1000.0 - 1.0
        })
        .collect();
    let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
    v.into_iter().map(|a| a / n).collect()
}

fn sighting(name: &str, class: &str, t: i64, at: (f64, f64), place: &str, seed: u64) -> NewEntry {
    NewEntry {
        time_ns: t,
        pose: (at.0 - 1.0, at.1, 0.0),
        place: Some(place.into()),
        text: format!("saw {name} at ({:.1}, {:.1}) in {place}", at.0, at.1),
        source_topic: "/detections".into(),
        object_name: Some(name.into()),
        object_class: Some(class.into()),
        object_position: Some(at),
        object_color: None,
        seen_by: None,
        embedding: unit(seed),
    }
}

fn note(text: &str, t: i64, seed: u64) -> NewEntry {
    NewEntry {
        time_ns: t,
        pose: (0.0, 0.0, 0.0),
        place: None,
        text: text.into(),
        source_topic: "/odom".into(),
        object_name: None,
        object_class: None,
        object_position: None,
        object_color: None,
        seen_by: None,
        embedding: unit(seed),
    }
}

fn filled() -> MemoryStore {
    let mut m = MemoryStore::in_memory(DIM, 1000).unwrap();
    m.insert(&[
        sighting("red cup", "cup", S, (2.5, 6.5), "kitchen", 1),
        sighting("blue cup", "cup", 20 * S, (9.0, 1.0), "study", 2),
        sighting("sofa", "sofa", 30 * S, (1.5, 0.8), "living room", 3),
        note("entered kitchen", 40 * S, 4),
    ])
    .unwrap();
    m
}

#[test]
fn similarity_ranks_the_nearest_vector_first() {
    let m = filled();
    let hits = m.search(
        &Query {
            k: 2,
            ..Query::default()
        },
        Some(&unit(2)),
    );
    assert_eq!(hits[0].entry.object_name.as_deref(), Some("blue cup"));
    assert!((hits[0].score.unwrap() - 1.0).abs() < 1e-5);
    assert_eq!(hits.len(), 2);
}

#[test]
fn every_filter_narrows_the_results() {
    let m = filled();
    let names = |q: Query| -> Vec<String> {
        m.search(&q, Some(&unit(1)))
            .into_iter()
            .map(|h| h.entry.text)
            .collect()
    };
    let near = names(Query {
        near: Some((2.0, 6.0, 1.0)),
        ..Query::default()
    });
    assert_eq!(near, ["saw red cup at (2.5, 6.5) in kitchen"]);
    assert_eq!(
        names(Query {
            since_ns: Some(25 * S),
            ..Query::default()
        })
        .len(),
        2
    );
    assert_eq!(
        names(Query {
            until_ns: Some(25 * S),
            ..Query::default()
        })
        .len(),
        2
    );
    assert_eq!(
        names(Query {
            place: Some("STUDY".into()),
            ..Query::default()
        })
        .len(),
        1
    );
    assert_eq!(
        names(Query {
            class: Some("cup".into()),
            ..Query::default()
        })
        .len(),
        2
    );
    assert_eq!(
        names(Query {
            objects_only: true,
            ..Query::default()
        })
        .len(),
        3
    );
    assert!(
        names(Query {
            class: Some("cup".into()),
            place: Some("living room".into()),
            ..Query::default()
        })
        .is_empty()
    );
}

#[test]
fn without_a_text_results_come_nearest_first_or_newest_first() {
    let m = filled();
    let near = m.search(
        &Query {
            near: Some((1.5, 1.0, 100.0)),
            ..Query::default()
        },
        None,
    );
    assert_eq!(near[0].entry.object_name.as_deref(), Some("sofa"));
    assert!(near[0].distance.unwrap() < near[1].distance.unwrap());
    let newest = m.search(&Query::default(), None);
    assert_eq!(newest[0].entry.text, "entered kitchen");
}

#[test]
fn repeated_sightings_merge_into_one_entry() {
    let mut m = filled();
    m.insert(&[sighting("Red Cup", "cup", 50 * S, (3.0, 6.0), "kitchen", 9)])
        .unwrap();
    m.insert(&[note("entered kitchen", 60 * S, 4)]).unwrap();
    assert_eq!(m.len(), 4);
    let cup = m.object("red cup").unwrap();
    assert_eq!(cup.count, 2);
    assert_eq!(cup.first_seen_ns, S);
    assert_eq!(cup.time_ns, 50 * S);
    assert_eq!(cup.object_position, Some((3.0, 6.0)));
    let hits = m.search(
        &Query {
            k: 1,
            ..Query::default()
        },
        Some(&unit(9)),
    );
    assert_eq!(
        hits[0].entry.id, cup.id,
        "the embedding follows the newest sighting"
    );
    // An older sighting arriving late counts, but does not move the object back.
    m.insert(&[sighting("red cup", "cup", 10 * S, (0.0, 0.0), "hallway", 7)])
        .unwrap();
    let cup = m.object("red cup").unwrap();
    assert_eq!((cup.count, cup.object_position), (3, Some((3.0, 6.0))));
    assert_eq!(
        m.entries()
            .iter()
            .find(|e| e.text == "entered kitchen")
            .unwrap()
            .count,
        2
    );
}

#[test]
fn who_saw_an_object_follows_its_newest_sighting_and_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.redb");
    let mut m = MemoryStore::open(&path, DIM, 1000).unwrap();
    let by_robot1 = NewEntry {
        seen_by: Some("robot1".into()),
        ..sighting("red cup", "cup", 10 * S, (2.5, 6.5), "kitchen", 1)
    };
    m.insert(std::slice::from_ref(&by_robot1)).unwrap();
    assert_eq!(
        m.object("red cup").unwrap().seen_by.as_deref(),
        Some("robot1")
    );
    // This robot's own, newer sighting: now it is this robot's.
    m.insert(&[sighting("red cup", "cup", 20 * S, (3.0, 6.0), "kitchen", 2)])
        .unwrap();
    assert_eq!(m.object("red cup").unwrap().seen_by, None);
    // Another robot's older report only counts.
    m.insert(&[by_robot1]).unwrap();
    let cup = m.object("red cup").unwrap();
    assert_eq!((cup.count, cup.seen_by.clone()), (3, None));
    m.insert(&[NewEntry {
        seen_by: Some("robot3".into()),
        ..sighting("sofa", "sofa", 30 * S, (1.5, 0.8), "living room", 3)
    }])
    .unwrap();
    drop(m);
    let m = MemoryStore::open(&path, DIM, 1000).unwrap();
    assert_eq!(m.object("sofa").unwrap().seen_by.as_deref(), Some("robot3"));
    assert_eq!(m.object("red cup").unwrap().seen_by, None);
}

#[test]
fn past_capacity_the_least_seen_and_oldest_are_evicted_first() {
    let mut m = MemoryStore::in_memory(DIM, 3).unwrap();
    m.insert(&[
        sighting("a", "x", S, (0.0, 0.0), "p", 1),
        sighting("b", "x", 2 * S, (0.0, 0.0), "p", 2),
    ])
    .unwrap();
    m.insert(&[sighting("a", "x", 3 * S, (0.0, 0.0), "p", 1)])
        .unwrap(); // a seen twice
    m.insert(&[sighting("c", "x", 4 * S, (0.0, 0.0), "p", 3)])
        .unwrap();
    m.insert(&[sighting("d", "x", 5 * S, (0.0, 0.0), "p", 4)])
        .unwrap();
    let names: Vec<&str> = m
        .entries()
        .iter()
        .filter_map(|e| e.object_name.as_deref())
        .collect();
    assert_eq!(m.len(), 3);
    assert!(names.contains(&"a"), "seen twice: kept");
    assert!(!names.contains(&"b"), "seen once, oldest: evicted");
    // Search still consistent after the rows moved.
    let hit = &m.search(
        &Query {
            k: 1,
            ..Query::default()
        },
        Some(&unit(4)),
    )[0];
    assert_eq!(hit.entry.object_name.as_deref(), Some("d"));
}

#[test]
fn entries_persist_across_reopen_and_evictions_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.redb");
    {
        let mut m = MemoryStore::open(&path, DIM, 3).unwrap();
        for (i, n) in ["a", "b", "c", "d"].iter().enumerate() {
            m.insert(&[sighting(
                n,
                "x",
                i as i64 * S,
                (i as f64, 0.0),
                "p",
                i as u64 + 1,
            )])
            .unwrap();
        }
    }
    let m = MemoryStore::open(&path, DIM, 3).unwrap();
    assert_eq!(m.len(), 3);
    assert!(m.object("a").is_none() && m.object("d").is_some());
    let hit = &m.search(
        &Query {
            k: 1,
            ..Query::default()
        },
        Some(&unit(4)),
    )[0];
    assert_eq!(hit.entry.object_name.as_deref(), Some("d"));
    // Ids are never reused after a reopen.
    let mut m = m;
    let id = m
        .insert(&[sighting("e", "x", 9 * S, (0.0, 0.0), "p", 9)])
        .unwrap()[0];
    assert_eq!(id, 5);
}

#[test]
fn a_file_that_is_not_a_memory_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, b"shopping list: milk, eggs").unwrap();
    let e = MemoryStore::open(&junk, DIM, 10).err().unwrap();
    assert!(matches!(e, StoreError::NotADatabase { .. }), "{e}");
    assert!(e.to_string().contains("notes.txt") && e.to_string().contains("left untouched"));
    assert!(
        std::fs::read(&junk).unwrap() == b"shopping list: milk, eggs",
        "the file was modified"
    );

    // A redb database of someone else's.
    let foreign = dir.path().join("other.redb");
    {
        let db = redb::Database::create(&foreign).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn
                .open_table(redb::TableDefinition::<&str, u64>::new("inventory"))
                .unwrap();
            t.insert("bolts", 40).unwrap();
        }
        txn.commit().unwrap();
    }
    let before = std::fs::read(&foreign).unwrap();
    let e = MemoryStore::open(&foreign, DIM, 10).err().unwrap();
    assert!(matches!(e, StoreError::Foreign { .. }), "{e}");
    assert!(
        std::fs::read(&foreign).unwrap() == before,
        "the foreign database was modified"
    );

    // A memory made with another embedding size.
    let other = dir.path().join("other-model.redb");
    drop(MemoryStore::open(&other, DIM * 2, 10).unwrap());
    let e = MemoryStore::open(&other, DIM, 10).err().unwrap();
    assert!(
        matches!(
            e,
            StoreError::Dimension {
                expected: 16,
                got: 8
            }
        ),
        "{e}"
    );
}

#[test]
fn embeddings_of_the_wrong_size_are_refused() {
    let mut m = MemoryStore::in_memory(DIM, 10).unwrap();
    let mut e = note("x", 0, 1);
    e.embedding.push(0.0);
    assert!(matches!(
        m.insert(&[e]),
        Err(StoreError::Dimension {
            expected: 8,
            got: 9
        })
    ));
    assert!(m.is_empty());
}

/// Set in the child process of [`a_commit_that_fails_leaves_memory_as_it_is_on_disk`].
const FULL_DISK_CHILD: &str = "EMBODIA_TEST_FULL_DISK_CHILD";

/// Regression (issue 17): an insert changed the in-RAM rows before the redb commit and kept
/// them when the commit failed, so memory ran ahead of disk. Here the disk really fails: a
/// child process runs with a file-size limit (`ulimit -f`, SIGXFSZ ignored, so writes past it
/// fail with EFBIG) and inserts until redb cannot grow the file. What it then holds in RAM
/// must be exactly what the file holds when reopened.
#[test]
fn a_commit_that_fails_leaves_memory_as_it_is_on_disk() {
    if let Some(path) = std::env::var_os(FULL_DISK_CHILD) {
        return full_disk_child(std::path::Path::new(&path));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.redb");
    MemoryStore::open(&path, DIM, 100_000)
        .unwrap()
        .insert(&[sighting("red cup", "cup", S, (2.5, 6.5), "kitchen", 1)])
        .unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    // In 512-byte blocks (dash's unit; bash's 1024 only allows more): room to grow a little.
    let blocks = (size + 64 * 1024) / 512 + 1;
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            r#"trap '' XFSZ; ulimit -f "$1" && shift && exec "$@""#,
            "sh",
            &blocks.to_string(),
        ])
        .arg(std::env::current_exe().unwrap())
        .args([
            "a_commit_that_fails_leaves_memory_as_it_is_on_disk",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(FULL_DISK_CHILD, &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.split_once(name).map(|(_, rest)| rest))
            .unwrap_or_else(|| panic!("child printed no {name}: {stdout}"))
            .to_owned()
    };
    let error = field("INSERT-ERROR: ");
    assert!(error.contains("memory database"), "{error}");
    let mut in_ram: Vec<embodia_memory::MemoryEntry> =
        serde_json::from_str(&field("RAM: ")).unwrap();
    let on_disk = MemoryStore::open(&path, DIM, 100_000).unwrap();
    let mut on_disk = on_disk.entries().to_vec();
    in_ram.sort_by_key(|e| e.id);
    on_disk.sort_by_key(|e| e.id);
    assert!(
        in_ram.len() > 1,
        "some inserts succeeded before the disk filled"
    );
    assert_eq!(
        in_ram.len(),
        on_disk.len(),
        "memory ran ahead of (or fell behind) disk"
    );
    assert_eq!(in_ram, on_disk);
}

/// Inserts (a repeat of the red cup and a new note each time) until the disk refuses, then
/// prints the error and every entry held in RAM.
fn full_disk_child(path: &std::path::Path) {
    let mut m = MemoryStore::open(path, DIM, 100_000).unwrap();
    let mut error = None;
    for i in 0..100_000_i64 {
        let batch = [
            sighting("red cup", "cup", (i + 2) * S, (2.5, 6.5), "kitchen", 1),
            note(&format!("entered room {i}"), (i + 2) * S, i as u64 + 10),
        ];
        let before = m.len();
        match m.insert(&batch) {
            Ok(_) => assert_eq!(m.len(), before + 1),
            Err(e) => {
                // Searching must not find what was not stored.
                let hits = m.search(
                    &Query {
                        k: 1,
                        ..Query::default()
                    },
                    Some(&unit(i as u64 + 10)),
                );
                assert!(hits.iter().all(|h| h.entry.text != batch[1].text));
                error = Some(e.to_string());
                break;
            }
        }
    }
    println!(
        "INSERT-ERROR: {}",
        error.expect("the file-size limit was never reached")
    );
    println!("RAM: {}", serde_json::to_string(m.entries()).unwrap());
}

/// Issue 17, the memory file becoming unwritable (a full disk, a read-only remount): while the
/// kernel refuses the file's writes, inserts fail and leave RAM as the file holds it; once it
/// can be written again the store reopens (redb refuses everything after a failed write until
/// then), repairs the file and stores again — nothing acknowledged is lost.
#[test]
fn writes_refused_by_the_kernel_fail_cleanly_and_resume_when_the_file_is_writable_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.redb");
    let switch = embodia_memory::WriteSwitch::default();
    let mut m = MemoryStore::open_switched(&path, switch.clone(), DIM, 1000).unwrap();
    m.insert(&[sighting("red cup", "cup", S, (2.5, 6.5), "kitchen", 1)])
        .unwrap();

    switch.set_unwritable(true);
    for i in 0..3 {
        let e = m
            .insert(&[note(
                &format!("entered room {i}"),
                (i + 2) * S,
                i as u64 + 10,
            )])
            .expect_err("the kernel refuses the write");
        assert!(e.to_string().contains("memory database"), "{e}");
        assert_eq!(m.len(), 1, "nothing refused is in RAM");
    }
    let hits = m.search(&Query::default(), Some(&unit(10)));
    assert!(
        hits.iter()
            .all(|h| !h.entry.text.starts_with("entered room"))
    );

    switch.set_unwritable(false);
    m.insert(&[note("entered room 9", 9 * S, 19)])
        .expect("writes resume once the file can be written");
    m.insert(&[sighting("red cup", "cup", 10 * S, (2.5, 6.5), "kitchen", 1)])
        .unwrap();
    let in_ram = m.entries().to_vec();
    drop(m);
    let on_disk = MemoryStore::open(&path, DIM, 1000).unwrap();
    assert_eq!(
        on_disk.entries(),
        &in_ram[..],
        "RAM equals the reopened file"
    );
    assert_eq!(on_disk.len(), 2);
    assert_eq!(on_disk.entries()[0].count, 2);
}

/// Regression (issue 17's memory fault): entries reloaded from the file differed from what
/// was stored in the last bit of their coordinates (serde_json's fast float parser), so a
/// reopened memory did not equal the one written. Stored values read back bit for bit.
#[test]
fn coordinates_read_back_from_the_file_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.redb");
    let mut e = sighting("red cup", "cup", S, (2.5, 6.5), "kitchen", 1);
    e.pose = (2.9929214406637095, 1.9699458404243206, 3.0898452012122144);
    e.object_position = Some((0.1 + 0.2, 1.0 / 3.0));
    let mut m = MemoryStore::open(&path, DIM, 10).unwrap();
    m.insert(&[e]).unwrap();
    let written = m.entries().to_vec();
    drop(m);
    assert_eq!(
        MemoryStore::open(&path, DIM, 10).unwrap().entries(),
        &written[..]
    );
}

/// Issue 17, kill -9: the task in progress is recorded beside the memories (committed like
/// an insert), read back by the next open, and cleared when it ends.
#[test]
fn the_task_in_progress_is_kept_in_the_file_until_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.redb");
    let mut m = MemoryStore::open(&path, DIM, 10).unwrap();
    assert_eq!(m.task_in_progress().unwrap(), None);
    m.set_task_in_progress(Some("go to the kitchen")).unwrap();
    drop(m);
    let mut m = MemoryStore::open(&path, DIM, 10).unwrap();
    assert_eq!(
        m.task_in_progress().unwrap().as_deref(),
        Some("go to the kitchen")
    );
    m.set_task_in_progress(None).unwrap();
    drop(m);
    assert_eq!(
        MemoryStore::open(&path, DIM, 10)
            .unwrap()
            .task_in_progress()
            .unwrap(),
        None
    );
}

#[test]
fn named_places_survive_reopening_and_a_new_naming_replaces_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.redb");
    let dock = |x: f64| embodia_memory::NamedPlace {
        name: "Charging Dock".into(),
        x,
        y: -1.0,
        radius: 0.75,
        named_ns: 5,
    };
    {
        let mut store = MemoryStore::open(&path, 4, 100).unwrap();
        assert!(store.named_places().unwrap().is_empty());
        store.put_named_place(&dock(1.0)).unwrap();
        store.put_named_place(&dock(2.0)).unwrap();
        store.set_task_in_progress(Some("x")).unwrap();
    }
    let store = MemoryStore::open(&path, 4, 100).unwrap();
    assert_eq!(store.named_places().unwrap(), vec![dock(2.0)]);
    assert_eq!(store.task_in_progress().unwrap().as_deref(), Some("x"));
}
