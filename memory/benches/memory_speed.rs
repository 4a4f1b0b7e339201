//! Memory speed: embeddings per second at batch 1 and 32; ingest rate into a redb file;
//! exact top-10 query latency at 1k, 10k and 100k entries, unfiltered and with a radius
//! filter. Writes the vectors and queries to `target/memory-bench/` so
//! `memory/benches/faiss_peer.py` can time faiss on exactly the same data.
//!
//!     cargo bench -p embodia-memory --bench memory_speed

use std::io::Write;
use std::time::Instant;

use embodia_memory::{EMBEDDING_DIM, Embedder, MemoryStore, NewEntry, Query};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A unit vector with Gaussian-ish components.
    fn unit(&mut self) -> Vec<f32> {
        let v: Vec<f32> = (0..EMBEDDING_DIM)
            .map(|_| (self.next() + self.next() + self.next() - 1.5) as f32)
            .collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / n).collect()
    }
}

/// Times each query set is run: p99 over 580 timings.
const ROUNDS: usize = 10;

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn entry(i: usize, rng: &mut Rng) -> NewEntry {
    let (x, y) = (rng.next() * 50.0, rng.next() * 50.0);
    NewEntry {
        time_ns: i as i64 * 1_000_000,
        pose: (x, y, 0.0),
        place: Some(format!("room {}", i % 20)),
        text: format!("saw object {i}"),
        source_topic: "/detections".into(),
        object_name: Some(format!("object {i}")),
        object_class: Some(format!("class {}", i % 50)),
        object_position: Some((x, y)),
        object_color: None,
        seen_by: None,
        embedding: rng.unit(),
    }
}

fn write_f32(path: &std::path::Path, rows: &[Vec<f32>]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for r in rows {
        for x in r {
            f.write_all(&x.to_le_bytes()).unwrap();
        }
    }
}

fn main() {
    let out_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/memory-bench");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut rows = Vec::new();

    // Embeddings.
    let embedder = Embedder::fetch_default().expect("the embedding model");
    let objects = [
        "red cup",
        "blue bottle",
        "green apple",
        "black phone",
        "white towel",
        "yellow book",
        "silver key",
        "brown shoe",
    ];
    let places = [
        "on the table",
        "in the kitchen",
        "near the sofa",
        "under the bed",
        "by the window",
        "on the shelf",
        "in the hallway",
        "next to the door",
    ];
    let mut sentences = Vec::new();
    for v in [
        "There is a",
        "I saw a",
        "Please find the",
        "The robot picked up a",
    ] {
        for o in objects {
            for p in places {
                sentences.push(format!("{v} {o} {p}."));
            }
        }
    }
    for batch in [1usize, 32] {
        // Fresh texts each round: the cache must not answer.
        let texts: Vec<String> = sentences
            .iter()
            .map(|s| format!("{s} (batch {batch})"))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        embedder.embed(&refs[..batch]).unwrap(); // warm-up
        let t = Instant::now();
        for chunk in refs[batch..].chunks(batch) {
            embedder.embed(chunk).unwrap();
        }
        let n = refs.len() - batch;
        rows.push(format!(
            "| embeddings, all-MiniLM-L6-v2, batch {batch} | {:.0} sentences/s | {n} sentences |",
            n as f64 / t.elapsed().as_secs_f64()
        ));
    }

    // Ingest into a file, 32 per transaction (each commit fsyncs).
    let dir = std::env::temp_dir().join(format!("embodia-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(0x2545F4914F6CDD1D);
    {
        let mut store =
            MemoryStore::open(&dir.join("ingest.redb"), EMBEDDING_DIM, usize::MAX).unwrap();
        let batch: Vec<Vec<NewEntry>> = (0..100)
            .map(|b| (0..32).map(|i| entry(b * 32 + i, &mut rng)).collect())
            .collect();
        let t = Instant::now();
        for b in &batch {
            store.insert(b).unwrap();
        }
        let n = 100 * 32;
        rows.push(format!("| ingest into a memory file, 32 entries per fsync'd transaction | {:.0} entries/s | {n} entries |", n as f64 / t.elapsed().as_secs_f64()));
    }
    let _ = std::fs::remove_dir_all(&dir);

    // Queries, on realistic vectors: distinct memories made by blending pairs of 1000 real
    // embeddings of memory texts (repeat sightings merge in the store, so a memory holds
    // distinct entries), and real embeddings of questions as queries.
    let colors = [
        "red", "blue", "green", "yellow", "black", "white", "brown", "silver",
    ];
    let things = [
        "cup", "book", "bottle", "phone", "towel", "key", "shoe", "apple", "remote", "toy", "box",
        "lamp", "bag",
    ];
    let rooms = [
        "kitchen",
        "bedroom",
        "study",
        "hallway",
        "living room",
        "bathroom",
        "garage",
        "office",
        "laundry room",
        "porch",
    ];
    let mut texts = Vec::new();
    'fill: for (i, c) in colors.iter().enumerate() {
        for (j, t) in things.iter().enumerate() {
            for (k, r) in rooms.iter().enumerate() {
                texts.push(format!(
                    "saw {c} {t} at ({}.{}, {}.{}) in {r}",
                    i + k,
                    j,
                    j + 1,
                    k
                ));
                if texts.len() == 1000 {
                    break 'fill;
                }
            }
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let real: Vec<Vec<f32>> = refs
        .chunks(32)
        .flat_map(|c| embedder.embed(c).unwrap())
        .map(|v| v.to_vec())
        .collect();
    let questions: Vec<String> = colors
        .iter()
        .flat_map(|c| {
            things
                .iter()
                .take(6)
                .map(move |t| format!("where did you see the {c} {t}?"))
        })
        .chain(rooms.iter().map(|r| format!("what is in the {r}")))
        .collect();
    let qrefs: Vec<&str> = questions.iter().map(String::as_str).collect();
    let queries: Vec<Vec<f32>> = qrefs
        .chunks(32)
        .flat_map(|c| embedder.embed(c).unwrap())
        .map(|v| v.to_vec())
        .collect();
    write_f32(&out_dir.join("queries.f32"), &queries);
    let blend = |rng: &mut Rng| -> Vec<f32> {
        let a = &real[(rng.next() * real.len() as f64) as usize % real.len()];
        let b = &real[(rng.next() * real.len() as f64) as usize % real.len()];
        let t = rng.next() as f32;
        let w: Vec<f32> = a
            .iter()
            .zip(b)
            .map(|(x, y)| t * x + (1.0 - t) * y)
            .collect();
        let n = w.iter().map(|x| x * x).sum::<f32>().sqrt();
        w.into_iter().map(|x| x / n).collect()
    };
    let time = |store: &MemoryStore, query: &Query, exact: bool| -> (f64, f64, Vec<Vec<u64>>) {
        let mut times = Vec::with_capacity(queries.len() * ROUNDS);
        let mut ids = Vec::new();
        for _round in 0..ROUNDS {
            ids.clear();
            for q in &queries {
                let t = Instant::now();
                let hits = if exact {
                    store.search_exact(query, q)
                } else {
                    store.search(query, Some(q))
                };
                times.push(t.elapsed().as_secs_f64() * 1e3);
                ids.push(hits.iter().map(|h| h.entry.id).collect::<Vec<_>>());
            }
        }
        times.sort_by(f64::total_cmp);
        (pct(&times, 0.5), pct(&times, 0.99), ids)
    };
    let recall = |a: &[Vec<u64>], e: &[Vec<u64>]| -> f64 {
        let found: usize = a
            .iter()
            .zip(e)
            .map(|(a, e)| a.iter().filter(|id| e.contains(id)).count())
            .sum();
        found as f64 / e.iter().map(Vec::len).sum::<usize>().max(1) as f64
    };
    for size in [1_000usize, 10_000, 100_000] {
        let mut store = MemoryStore::in_memory(EMBEDDING_DIM, usize::MAX).unwrap();
        // The sign-bit path first; the graph is built after it is measured.
        store.set_graph_above(usize::MAX);
        let mut vectors = Vec::with_capacity(size);
        for chunk in (0..size).collect::<Vec<_>>().chunks(1000) {
            let batch: Vec<NewEntry> = chunk
                .iter()
                .map(|i| {
                    let mut e = entry(*i, &mut rng);
                    e.embedding = blend(&mut rng);
                    e
                })
                .collect();
            vectors.extend(batch.iter().map(|e| e.embedding.clone()));
            store.insert(&batch).unwrap();
        }
        write_f32(&out_dir.join(format!("base_{size}.f32")), &vectors);
        let top10 = Query {
            k: 10,
            ..Query::default()
        };
        let (p50, p99, exact_ids) = time(&store, &top10, true);
        rows.push(format!("| exact top-10, {size} entries | p50 {p50:.3} ms, p99 {p99:.3} ms | oracle; {} queries x {ROUNDS}, 1 thread |", queries.len()));
        if size > embodia_memory::store::APPROXIMATE_ABOVE {
            let (p50, p99, ids) = time(&store, &top10, false);
            rows.push(format!(
                "| top-10 with the sign-bit first pass + exact re-rank, {size} entries | p50 {p50:.3} ms, p99 {p99:.3} ms | recall@10 {:.3} against exact |",
                recall(&ids, &exact_ids)
            ));
        }
        if size > embodia_memory::store::APPROXIMATE_ABOVE {
            store.set_graph_above(embodia_memory::store::APPROXIMATE_ABOVE);
            let t = Instant::now();
            store.index_pending(usize::MAX);
            let build = t.elapsed().as_secs_f64();
            assert!(store.graph_ready());
            let (p50, p99, ids) = time(&store, &top10, false);
            rows.push(format!(
                "| top-10 through the graph index (int8 HNSW, M=16, ef 96) + exact re-rank, {size} entries | p50 {p50:.3} ms, p99 {p99:.3} ms | recall@10 {:.3} against exact; graph built in {build:.1} s ({:.0} entries/s, one thread) |",
                recall(&ids, &exact_ids),
                size as f64 / build
            ));
            // Ingest once the graph exists: every new entry is linked into it.
            let more: Vec<Vec<NewEntry>> = (0..100)
                .map(|b| {
                    (0..32)
                        .map(|i| {
                            let mut e = entry(size + b * 32 + i, &mut rng);
                            e.embedding = blend(&mut rng);
                            e
                        })
                        .collect()
                })
                .collect();
            let t = Instant::now();
            for b in &more {
                store.insert(b).unwrap();
            }
            rows.push(format!(
                "| ingest into a {size}-entry memory with its graph (in RAM, 32 per batch) | {:.0} entries/s | 3200 entries, each linked into the graph |",
                3200.0 / t.elapsed().as_secs_f64()
            ));
            for (share, label) in [(0.5, "half"), (0.3, "30%")] {
                let newer = Query {
                    k: 10,
                    since_ns: Some(((1.0 - share) * size as f64) as i64 * 1_000_000),
                    ..Query::default()
                };
                let (_, _, exact_newer) = time(&store, &newer, true);
                let (p50, p99, ids) = time(&store, &newer, false);
                rows.push(format!(
                    "| top-10 through the graph, the newest {label} of {size} entries (time filter) | p50 {p50:.3} ms, p99 {p99:.3} ms | recall@10 {:.3} against exact |",
                    recall(&ids, &exact_newer)
                ));
            }
        }
        let near = Query {
            k: 10,
            near: Some((25.0, 25.0, 5.0)),
            ..Query::default()
        };
        let (p50, p99, _) = time(&store, &near, false);
        rows.push(format!("| top-10 within 5 m of a point, {size} entries | p50 {p50:.3} ms, p99 {p99:.3} ms | about 3% of entries pass the filter |"));
    }
    // Worst case for sign bits: uniformly random directions, no structure at all.
    {
        let mut store = MemoryStore::in_memory(EMBEDDING_DIM, usize::MAX).unwrap();
        store.set_graph_above(usize::MAX);
        for chunk in (0..100_000usize).collect::<Vec<_>>().chunks(1000) {
            let batch: Vec<NewEntry> = chunk.iter().map(|i| entry(*i, &mut rng)).collect();
            store.insert(&batch).unwrap();
        }
        let random_queries: Vec<Vec<f32>> = (0..100).map(|_| rng.unit()).collect();
        let q = Query {
            k: 10,
            ..Query::default()
        };
        let e: Vec<Vec<u64>> = random_queries
            .iter()
            .map(|v| {
                store
                    .search_exact(&q, v)
                    .iter()
                    .map(|h| h.entry.id)
                    .collect()
            })
            .collect();
        let approximate = |store: &MemoryStore| -> Vec<Vec<u64>> {
            random_queries
                .iter()
                .map(|v| {
                    store
                        .search(&q, Some(v))
                        .iter()
                        .map(|h| h.entry.id)
                        .collect()
                })
                .collect()
        };
        let a = approximate(&store);
        rows.push(format!(
            "| sign-bit first pass on uniformly random vectors (worst case), 100000 entries | recall@10 {:.3} | no real embeddings look like this |",
            recall(&a, &e)
        ));
        store.set_graph_above(embodia_memory::store::APPROXIMATE_ABOVE);
        store.index_pending(usize::MAX);
        let g = approximate(&store);
        rows.push(format!(
            "| graph on uniformly random vectors (worst case), 100000 entries | recall@10 {:.3} | no real embeddings look like this |",
            recall(&g, &e)
        ));
    }
    println!("| memory | result | note |");
    println!("|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
