//! The compressed first pass against exact search: recall@10 at least 0.98 on clustered
//! vectors (as sentence embeddings are: many near-duplicates of a few thousand meanings), and
//! still exact-equal after merges and evictions move rows around.

use embodia_memory::{MemoryStore, NewEntry, Query};

const DIM: usize = 384;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) as f32
    }

    fn gauss(&mut self) -> f32 {
        (0..4).map(|_| self.next()).sum::<f32>() - 2.0
    }
}

fn normalize(v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

fn around(center: &[f32], spread: f32, rng: &mut Rng) -> Vec<f32> {
    normalize(center.iter().map(|c| c + spread * rng.gauss()).collect())
}

fn entry(i: usize, embedding: Vec<f32>) -> NewEntry {
    NewEntry {
        time_ns: i as i64,
        pose: (0.0, 0.0, 0.0),
        place: None,
        text: format!("memory {i}"),
        source_topic: "/t".into(),
        object_name: Some(format!("o{i}")),
        object_class: None,
        object_position: Some(((i % 100) as f64, (i / 100) as f64)),
        object_color: None,
        seen_by: None,
        embedding,
    }
}

#[test]
fn sign_bit_first_pass_keeps_recall_at_10_above_0_98() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let centers: Vec<Vec<f32>> = (0..500)
        .map(|_| normalize((0..DIM).map(|_| rng.gauss()).collect()))
        .collect();
    let mut store = MemoryStore::in_memory(DIM, usize::MAX).unwrap();
    let batch: Vec<NewEntry> = (0..30_000)
        .map(|i| entry(i, around(&centers[i % 500], 0.06, &mut rng)))
        .collect();
    store.insert(&batch).unwrap();
    store.set_approximation(1_000, 100);
    let q = Query {
        k: 10,
        ..Query::default()
    };
    let mut found = 0;
    let queries = 100;
    for i in 0..queries {
        let v = around(&centers[(i * 7) % 500], 0.08, &mut rng);
        let exact: Vec<u64> = store
            .search_exact(&q, &v)
            .iter()
            .map(|h| h.entry.id)
            .collect();
        let approx: Vec<u64> = store
            .search(&q, Some(&v))
            .iter()
            .map(|h| h.entry.id)
            .collect();
        found += approx.iter().filter(|id| exact.contains(id)).count();
    }
    let recall = found as f64 / (queries * 10) as f64;
    assert!(recall >= 0.98, "recall@10 = {recall}");
}

#[test]
fn approximate_equals_exact_when_every_row_is_reranked_even_after_evictions() {
    let mut rng = Rng(42);
    let mut store = MemoryStore::in_memory(DIM, 300).unwrap();
    for i in 0..400 {
        let v = normalize((0..DIM).map(|_| rng.gauss()).collect());
        store.insert(&[entry(i % 350, v)]).unwrap(); // merges (i >= 350) and evictions (past 300)
    }
    assert_eq!(store.len(), 300);
    store.set_approximation(0, 1000); // first pass on, but it keeps every row
    for _ in 0..20 {
        let v = normalize((0..DIM).map(|_| rng.gauss()).collect());
        let q = Query {
            k: 10,
            near: Some((50.0, 2.0, 40.0)),
            ..Query::default()
        };
        let a: Vec<u64> = store
            .search(&q, Some(&v))
            .iter()
            .map(|h| h.entry.id)
            .collect();
        let e: Vec<u64> = store
            .search_exact(&q, &v)
            .iter()
            .map(|h| h.entry.id)
            .collect();
        assert_eq!(a, e);
    }
}

fn ids(hits: &[embodia_memory::Hit]) -> Vec<u64> {
    hits.iter().map(|h| h.entry.id).collect()
}

fn clustered_store(n: usize, capacity: usize, rng: &mut Rng) -> (MemoryStore, Vec<Vec<f32>>) {
    let centers: Vec<Vec<f32>> = (0..200)
        .map(|_| normalize((0..DIM).map(|_| rng.gauss()).collect()))
        .collect();
    let mut store = MemoryStore::in_memory(DIM, capacity).unwrap();
    store.set_graph_above(1_000);
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let batch: Vec<NewEntry> = chunk
            .iter()
            .map(|&i| entry(i, around(&centers[i % 200], 0.06, rng)))
            .collect();
        store.insert(&batch).unwrap();
    }
    (store, centers)
}

fn graph_recall(store: &MemoryStore, q: &Query, queries: &[Vec<f32>]) -> f64 {
    let mut found = 0;
    let mut wanted = 0;
    for v in queries {
        let exact = ids(&store.search_exact(q, v));
        let approx = ids(&store.search(q, Some(v)));
        assert!(approx.len() <= q.k);
        found += approx.iter().filter(|id| exact.contains(id)).count();
        wanted += exact.len();
    }
    found as f64 / wanted.max(1) as f64
}

#[test]
fn graph_index_keeps_recall_at_10_above_0_98_unfiltered_and_filtered() {
    let mut rng = Rng(7);
    let (mut store, centers) = clustered_store(8_000, usize::MAX, &mut rng);
    assert_eq!(store.index_pending(usize::MAX), 0);
    assert!(store.graph_ready());
    let queries: Vec<Vec<f32>> = (0..60)
        .map(|i| around(&centers[(i * 7) % 200], 0.08, &mut rng))
        .collect();
    let top10 = Query::default();
    let r = graph_recall(&store, &top10, &queries);
    eprintln!("graph, unfiltered: recall@10 {r:.3}");
    assert!(r >= 0.98, "unfiltered recall@10 = {r}");
    // Half the rows lie within 50 m of (0, 0) on the x axis: the filtered walk widens.
    let near = Query {
        near: Some((0.0, 0.0, 50.0)),
        ..Query::default()
    };
    let r = graph_recall(&store, &near, &queries);
    eprintln!("graph, half the rows pass the filter: recall@10 {r:.3}");
    assert!(r >= 0.98, "filtered recall@10 = {r}");
    for v in &queries[..5] {
        for h in store.search(&near, Some(v)) {
            assert!(h.distance.unwrap() <= 50.0, "{h:?}");
        }
    }
}

#[test]
fn graph_index_follows_merges_and_evictions() {
    let mut rng = Rng(11);
    let (mut store, centers) = clustered_store(3_000, 2_500, &mut rng);
    store.index_pending(usize::MAX);
    // Merges move entries to new vectors; more inserts evict the least useful.
    let moved: Vec<NewEntry> = (0..300)
        .map(|i| entry(i, around(&centers[(i + 1) % 200], 0.06, &mut rng)))
        .collect();
    store.insert(&moved).unwrap();
    let more: Vec<NewEntry> = (3_000..3_400)
        .map(|i| entry(i, around(&centers[i % 200], 0.06, &mut rng)))
        .collect();
    store.insert(&more).unwrap();
    assert_eq!(store.len(), 2_500);
    assert!(store.graph_ready());
    let queries: Vec<Vec<f32>> = (0..40)
        .map(|i| around(&centers[(i * 3) % 200], 0.08, &mut rng))
        .collect();
    let r = graph_recall(&store, &Query::default(), &queries);
    eprintln!("graph after merges and evictions: recall@10 {r:.3}");
    assert!(r >= 0.98, "recall@10 after merges and evictions = {r}");
    // Scores are exact: the graph only proposes.
    for v in &queries[..5] {
        let (a, e) = (
            store.search(&Query::default(), Some(v)),
            store.search_exact(&Query::default(), v),
        );
        assert_eq!(a[0].entry.id, e[0].entry.id);
        assert_eq!(a[0].score, e[0].score);
    }
}

#[test]
fn a_reopened_memory_answers_exactly_until_its_graph_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.redb");
    let mut rng = Rng(5);
    let queries: Vec<Vec<f32>> = (0..10)
        .map(|_| normalize((0..DIM).map(|_| rng.gauss()).collect()))
        .collect();
    {
        let mut store = MemoryStore::open(&path, DIM, usize::MAX).unwrap();
        let batch: Vec<NewEntry> = (0..1_500)
            .map(|i| entry(i, normalize((0..DIM).map(|_| rng.gauss()).collect())))
            .collect();
        store.insert(&batch).unwrap();
    }
    let mut store = MemoryStore::open(&path, DIM, usize::MAX).unwrap();
    store.set_graph_above(1_000);
    assert!(!store.graph_ready());
    for v in &queries {
        assert_eq!(
            ids(&store.search(&Query::default(), Some(v))),
            ids(&store.search_exact(&Query::default(), v))
        );
    }
    assert_eq!(store.index_pending(600), 900);
    assert!(!store.graph_ready());
    assert_eq!(store.index_pending(usize::MAX), 0);
    assert!(store.graph_ready());
}

#[test]
fn radius_queries_through_the_grid_equal_a_full_scan_as_objects_move_and_go() {
    let mut rng = Rng(21);
    let mut store = MemoryStore::in_memory(DIM, 400).unwrap();
    // 600 sightings of 450 objects: later ones move objects seen before (merges) and push
    // the least useful out (evictions past 400), all scattered over 60 m x 60 m.
    for i in 0..600 {
        let mut e = entry(i % 450, normalize((0..DIM).map(|_| rng.gauss()).collect()));
        e.time_ns = i as i64;
        e.object_position = Some((rng.next() as f64 * 60.0, rng.next() as f64 * 60.0));
        store.insert(&[e]).unwrap();
    }
    assert_eq!(store.len(), 400);
    for (x, y, r) in [
        (30.0, 30.0, 5.0),
        (0.0, 0.0, 12.0),
        (55.0, 10.0, 2.5),
        (30.0, 30.0, 1e6),
    ] {
        let q = Query {
            k: 500,
            near: Some((x, y, r)),
            ..Query::default()
        };
        let v = normalize((0..DIM).map(|_| rng.gauss()).collect());
        let (grid, scan) = (store.search(&q, Some(&v)), store.search_exact(&q, &v));
        assert_eq!(ids(&grid), ids(&scan), "within {r} m of ({x}, {y})");
        assert!(grid.iter().all(|h| h.distance.unwrap() <= r));
        // Without a text: nearest first, the same rows.
        let mut nearest = ids(&store.search(&q, None));
        nearest.sort_unstable();
        let mut all = ids(&scan);
        all.sort_unstable();
        assert_eq!(nearest, all);
    }
}
