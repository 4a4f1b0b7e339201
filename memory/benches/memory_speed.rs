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

    // Queries.
    let queries: Vec<Vec<f32>> = (0..500).map(|_| rng.unit()).collect();
    write_f32(&out_dir.join("queries.f32"), &queries);
    for size in [1_000usize, 10_000, 100_000] {
        let mut store = MemoryStore::in_memory(EMBEDDING_DIM, usize::MAX).unwrap();
        let mut vectors = Vec::with_capacity(size);
        for chunk in (0..size).collect::<Vec<_>>().chunks(1000) {
            let batch: Vec<NewEntry> = chunk.iter().map(|i| entry(*i, &mut rng)).collect();
            vectors.extend(batch.iter().map(|e| e.embedding.clone()));
            store.insert(&batch).unwrap();
        }
        write_f32(&out_dir.join(format!("base_{size}.f32")), &vectors);
        for (label, query) in [
            (
                "top-10 by similarity",
                Query {
                    k: 10,
                    ..Query::default()
                },
            ),
            (
                "top-10, within 5 m of a point",
                Query {
                    k: 10,
                    near: Some((25.0, 25.0, 5.0)),
                    ..Query::default()
                },
            ),
        ] {
            let mut times = Vec::with_capacity(queries.len());
            for q in &queries {
                let t = Instant::now();
                std::hint::black_box(store.search(&query, Some(q)));
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            times.sort_by(f64::total_cmp);
            rows.push(format!(
                "| exact query, {size} entries, {label} | p50 {:.3} ms, p99 {:.3} ms | 500 queries, 1 thread |",
                pct(&times, 0.5),
                pct(&times, 0.99)
            ));
        }
    }
    println!("| memory | result | note |");
    println!("|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
