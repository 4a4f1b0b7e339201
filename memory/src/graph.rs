//! A navigable small-world graph over int8-quantised vectors: the first pass of similarity
//! search once a memory is large (HNSW: Malkov & Yashunin, "Efficient and robust approximate
//! nearest neighbor search using Hierarchical Navigable Small World graphs", TPAMI 2018).
//!
//! The graph only proposes candidates; the store re-ranks them with the exact f32 vectors, so
//! quantisation costs recall only where it reorders the boundary of the candidate list, and the
//! scores users see are exact. Vectors are quantised per vector to int8 (a quarter of the
//! memory traffic of f32, which is what a graph walk is bound by). Entries are keyed by the
//! store's entry id; a removed or changed entry leaves a dead node that still routes searches
//! but is never returned, and the store rebuilds the graph when dead nodes outnumber live ones.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::Mutex;

/// Hashes entry ids (already unique integers) with one multiply instead of SipHash: id lookups
/// sit on the search path, once per visited node under a filter.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map keyed by entry id.
pub type IdMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Shape of the graph and effort of its searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphConfig {
    /// Links per node on the upper layers (twice this on the bottom layer).
    pub m: usize,
    /// Candidate list length while linking a new node.
    pub ef_construction: usize,
    /// Candidate list length while searching (at least the number of results asked for).
    pub ef_search: usize,
    /// Seed of the level draws: the same inserts in the same order build the same graph.
    pub seed: u64,
}

impl Default for GraphConfig {
    fn default() -> Self {
        Self {
            m: 16,
            ef_construction: 80,
            ef_search: 64,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

/// A distance with its node, ordered by distance (then node, for determinism).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Near(f32, u32);

impl Eq for Near {}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// Nodes seen during one walk: a stamp per node, so clearing is one increment.
#[derive(Default)]
struct Visited {
    stamp: u32,
    marks: Vec<u32>,
}

impl Visited {
    fn start(&mut self, nodes: usize) {
        if self.marks.len() < nodes {
            self.marks.resize(nodes, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.fill(0);
            self.stamp = 1;
        }
    }

    /// Marks `n`; true the first time in this walk.
    fn first_visit(&mut self, n: u32) -> bool {
        let m = &mut self.marks[n as usize];
        if *m == self.stamp {
            return false;
        }
        *m = self.stamp;
        true
    }
}

/// A vector quantised for the graph: `scale * code` approximates it.
struct Quantised {
    code: Vec<i8>,
    scale: f32,
}

fn quantise(v: &[f32]) -> Quantised {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 || !max.is_finite() {
        return Quantised {
            code: vec![0; v.len()],
            scale: 0.0,
        };
    }
    let k = 127.0 / max;
    Quantised {
        code: v.iter().map(|x| (x * k).round() as i8).collect(),
        scale: max / 127.0,
    }
}

/// Integer dot product in sixteen lanes, so the compiler vectorises it.
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 16];
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let rest: i32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..16 {
            acc[i] += i32::from(x[i]) * i32::from(y[i]);
        }
    }
    acc.iter().sum::<i32>() + rest
}

/// The graph. Not internally parallel: one writer, searches through `&self`.
pub struct Graph {
    dim: usize,
    config: GraphConfig,
    codes: Vec<i8>,
    scales: Vec<f32>,
    keys: Vec<u64>,
    live: Vec<bool>,
    node_of: IdMap<u32>,
    /// Bottom-layer links, `2m` slots per node, `len0` of them used.
    links0: Vec<u32>,
    len0: Vec<u8>,
    /// Upper-layer links per node: layer `l` (1-based) is `upper[n][l - 1]`.
    upper: Vec<Vec<Vec<u32>>>,
    entry: Option<u32>,
    top: usize,
    rng: u64,
    dead: usize,
    visited: Mutex<Visited>,
}

impl Graph {
    /// An empty graph for vectors of `dim` components.
    pub fn new(dim: usize, config: GraphConfig) -> Self {
        let config = GraphConfig {
            m: config.m.clamp(2, 64),
            ef_construction: config.ef_construction.max(config.m),
            ef_search: config.ef_search.max(1),
            ..config
        };
        Self {
            dim,
            config,
            codes: Vec::new(),
            scales: Vec::new(),
            keys: Vec::new(),
            live: Vec::new(),
            node_of: IdMap::default(),
            links0: Vec::new(),
            len0: Vec::new(),
            upper: Vec::new(),
            entry: None,
            top: 0,
            rng: config.seed | 1,
            dead: 0,
            visited: Mutex::new(Visited::default()),
        }
    }

    /// Entries the graph returns.
    pub fn live(&self) -> usize {
        self.node_of.len()
    }

    /// Nodes left by removed or changed entries (they route, but are never returned).
    pub fn dead(&self) -> usize {
        self.dead
    }

    /// The search effort.
    pub fn config(&self) -> GraphConfig {
        self.config
    }

    /// Sets how many candidates a search keeps (recall against speed).
    pub fn set_ef_search(&mut self, ef: usize) {
        self.config.ef_search = ef.max(1);
    }

    fn code(&self, n: u32) -> &[i8] {
        &self.codes[n as usize * self.dim..(n as usize + 1) * self.dim]
    }

    fn distance_to(&self, q: &Quantised, n: u32) -> f32 {
        1.0 - q.scale * self.scales[n as usize] * dot_i8(&q.code, self.code(n)) as f32
    }

    fn distance_between(&self, a: u32, b: u32) -> f32 {
        1.0 - self.scales[a as usize]
            * self.scales[b as usize]
            * dot_i8(self.code(a), self.code(b)) as f32
    }

    fn links(&self, n: u32, layer: usize) -> &[u32] {
        if layer == 0 {
            let cap = 2 * self.config.m;
            let start = n as usize * cap;
            &self.links0[start..start + self.len0[n as usize] as usize]
        } else {
            &self.upper[n as usize][layer - 1]
        }
    }

    fn set_links(&mut self, n: u32, layer: usize, links: &[u32]) {
        if layer == 0 {
            let cap = 2 * self.config.m;
            let start = n as usize * cap;
            self.links0[start..start + links.len()].copy_from_slice(links);
            self.len0[n as usize] = links.len() as u8;
        } else {
            self.upper[n as usize][layer - 1] = links.to_vec();
        }
    }

    fn capacity(&self, layer: usize) -> usize {
        if layer == 0 {
            2 * self.config.m
        } else {
            self.config.m
        }
    }

    /// A level with P(level >= l) = m^-l (xorshift64*; deterministic from the seed).
    fn draw_level(&mut self) -> usize {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let bits = self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        let u = (bits as f64 + 1.0) / (1u64 << 53) as f64;
        let level = (-u.ln() / (self.config.m as f64).ln()).floor();
        level.min(16.0) as usize
    }

    /// The greedy walk of one layer: the `ef` nearest nodes found from `starts`, nearest
    /// first. With `keep`, only nodes it accepts are collected (all nodes still route).
    fn search_layer(
        &self,
        q: &Quantised,
        starts: &[Near],
        ef: usize,
        layer: usize,
        keep: Option<&dyn Fn(u32) -> bool>,
        visited: &mut Visited,
    ) -> Vec<Near> {
        visited.start(self.keys.len());
        let mut candidates: BinaryHeap<Reverse<Near>> = BinaryHeap::with_capacity(ef * 4);
        let mut found: BinaryHeap<Near> = BinaryHeap::with_capacity(ef + 1);
        for s in starts {
            if visited.first_visit(s.1) {
                candidates.push(Reverse(*s));
                if keep.is_none_or(|k| k(s.1)) {
                    found.push(*s);
                }
            }
        }
        while found.len() > ef {
            found.pop();
        }
        while let Some(Reverse(c)) = candidates.pop() {
            if found.len() >= ef && found.peek().is_some_and(|w| c.0 > w.0) {
                break;
            }
            for &n in self.links(c.1, layer) {
                if !visited.first_visit(n) {
                    continue;
                }
                let d = self.distance_to(q, n);
                if found.len() < ef || found.peek().is_some_and(|w| d < w.0) {
                    candidates.push(Reverse(Near(d, n)));
                    if keep.is_none_or(|k| k(n)) {
                        found.push(Near(d, n));
                        if found.len() > ef {
                            found.pop();
                        }
                    }
                }
            }
        }
        found.into_sorted_vec()
    }

    /// Malkov & Yashunin's neighbour heuristic: nearest first, skipping a candidate that is
    /// nearer to an already chosen neighbour than to the new node (keeps links spread out).
    fn select(&self, sorted: &[Near], m: usize) -> Vec<u32> {
        let mut chosen: Vec<u32> = Vec::with_capacity(m);
        for c in sorted {
            if chosen.len() == m {
                break;
            }
            if chosen.iter().all(|&s| self.distance_between(c.1, s) > c.0) {
                chosen.push(c.1);
            }
        }
        chosen
    }

    /// Adds (or replaces) the entry `key` with vector `v`.
    pub fn insert(&mut self, key: u64, v: &[f32]) {
        debug_assert_eq!(v.len(), self.dim);
        let q = quantise(v);
        if let Some(&old) = self.node_of.get(&key) {
            if self.code(old) == q.code.as_slice() && self.scales[old as usize] == q.scale {
                return;
            }
            self.remove(key);
        }
        let node = self.keys.len() as u32;
        let level = self.draw_level();
        self.codes.extend_from_slice(&q.code);
        self.scales.push(q.scale);
        self.keys.push(key);
        self.live.push(true);
        self.node_of.insert(key, node);
        self.links0
            .extend(std::iter::repeat_n(u32::MAX, 2 * self.config.m));
        self.len0.push(0);
        self.upper.push(vec![Vec::new(); level]);
        let Some(entry) = self.entry else {
            self.entry = Some(node);
            self.top = level;
            return;
        };
        let mut visited =
            std::mem::take(&mut *self.visited.lock().unwrap_or_else(|p| p.into_inner()));
        let mut nearest = vec![Near(self.distance_to(&q, entry), entry)];
        for layer in (level + 1..=self.top).rev() {
            nearest = self.search_layer(&q, &nearest[..1], 1, layer, None, &mut visited);
        }
        for layer in (0..=level.min(self.top)).rev() {
            let found = self.search_layer(
                &q,
                &nearest,
                self.config.ef_construction,
                layer,
                None,
                &mut visited,
            );
            let chosen = self.select(&found, self.config.m);
            self.set_links(node, layer, &chosen);
            for &n in &chosen {
                self.link_back(n, node, layer);
            }
            nearest = found;
        }
        *self.visited.lock().unwrap_or_else(|p| p.into_inner()) = visited;
        if level > self.top {
            self.top = level;
            self.entry = Some(node);
        }
    }

    /// Adds `node` to `n`'s links on `layer`, re-selecting them when full.
    fn link_back(&mut self, n: u32, node: u32, layer: usize) {
        let cap = self.capacity(layer);
        let mut links = self.links(n, layer).to_vec();
        if links.len() < cap {
            links.push(node);
        } else {
            let mut all: Vec<Near> = links
                .iter()
                .chain(std::iter::once(&node))
                .map(|&o| Near(self.distance_between(n, o), o))
                .collect();
            all.sort();
            links = self.select(&all, cap);
        }
        self.set_links(n, layer, &links);
    }

    /// Removes the entry `key`; its node keeps routing searches.
    pub fn remove(&mut self, key: u64) {
        if let Some(node) = self.node_of.remove(&key) {
            self.live[node as usize] = false;
            self.dead += 1;
        }
    }

    /// Up to `ef` (at least `k`) live entries near `v` that `admit` accepts, nearest first by
    /// the quantised distance: candidates for an exact re-rank.
    pub fn search(&self, v: &[f32], k: usize, admit: &dyn Fn(u64) -> bool) -> Vec<u64> {
        let Some(entry) = self.entry else {
            return Vec::new();
        };
        let q = quantise(v);
        let mut visited = self.visited.lock().unwrap_or_else(|p| p.into_inner());
        let mut nearest = vec![Near(self.distance_to(&q, entry), entry)];
        for layer in (1..=self.top).rev() {
            nearest = self.search_layer(&q, &nearest[..1], 1, layer, None, &mut visited);
        }
        let keep = |n: u32| self.live[n as usize] && admit(self.keys[n as usize]);
        let ef = self.config.ef_search.max(k);
        self.search_layer(&q, &nearest, ef, 0, Some(&keep), &mut visited)
            .into_iter()
            .map(|n| self.keys[n.1 as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unit vectors around a few centres, like embeddings of related texts.
    fn clustered(n: usize, dim: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f32 / (1u64 << 53) as f32 - 0.5
        };
        let centres: Vec<Vec<f32>> = (0..20)
            .map(|_| (0..dim).map(|_| next()).collect())
            .collect();
        (0..n)
            .map(|i| {
                let c = &centres[i % centres.len()];
                let v: Vec<f32> = c.iter().map(|x| x + 0.5 * next()).collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.into_iter().map(|x| x / norm).collect()
            })
            .collect()
    }

    fn exact(data: &[Vec<f32>], q: &[f32], k: usize, admit: impl Fn(u64) -> bool) -> Vec<u64> {
        let mut s: Vec<(f32, u64)> = data
            .iter()
            .enumerate()
            .filter(|(i, _)| admit(*i as u64))
            .map(|(i, v)| (v.iter().zip(q).map(|(a, b)| a * b).sum(), i as u64))
            .collect();
        s.sort_by(|a, b| b.0.total_cmp(&a.0));
        s.into_iter().take(k).map(|x| x.1).collect()
    }

    fn recall(graph: &Graph, data: &[Vec<f32>], queries: &[Vec<f32>]) -> f64 {
        let mut found = 0;
        for q in queries {
            let truth = exact(data, q, 10, |_| true);
            let got = graph.search(q, 10, &|_| true);
            // The store re-ranks the candidates exactly and keeps ten.
            let top: Vec<u64> = {
                let mut c: Vec<(f32, u64)> = got
                    .iter()
                    .map(|&k| {
                        let v = &data[k as usize];
                        (v.iter().zip(q).map(|(a, b)| a * b).sum(), k)
                    })
                    .collect();
                c.sort_by(|a, b| b.0.total_cmp(&a.0));
                c.into_iter().take(10).map(|x| x.1).collect()
            };
            found += top.iter().filter(|k| truth.contains(k)).count();
        }
        found as f64 / (10 * queries.len()) as f64
    }

    #[test]
    fn finds_the_true_neighbours_of_clustered_vectors() {
        let mut data = clustered(3050, 64, 7);
        let queries = data.split_off(3000);
        let mut g = Graph::new(64, GraphConfig::default());
        for (i, v) in data.iter().enumerate() {
            g.insert(i as u64, v);
        }
        let r = recall(&g, &data, &queries);
        eprintln!("recall@10 {r:.3}");
        assert!(r >= 0.98, "recall@10 {r}");
    }

    #[test]
    fn removed_and_replaced_entries_are_never_returned_stale() {
        let data = clustered(500, 32, 3);
        let mut g = Graph::new(32, GraphConfig::default());
        for (i, v) in data.iter().enumerate() {
            g.insert(i as u64, v);
        }
        for i in (0..500).step_by(2) {
            g.remove(i);
        }
        assert_eq!((g.live(), g.dead()), (250, 250));
        // Entry 1 moves to where entry 0 was.
        g.insert(1, &data[0]);
        let hits = g.search(&data[0], 5, &|_| true);
        assert_eq!(hits[0], 1, "the replaced entry is found at its new vector");
        assert!(hits.iter().all(|k| k % 2 == 1), "{hits:?}");
        assert_eq!(g.dead(), 251);
        // Re-inserting the same vector does not grow the graph.
        g.insert(1, &data[0]);
        assert_eq!(g.dead(), 251);
    }

    #[test]
    fn a_filter_limits_results_but_not_the_walk() {
        let data = clustered(2000, 32, 5);
        let mut g = Graph::new(32, GraphConfig::default());
        for (i, v) in data.iter().enumerate() {
            g.insert(i as u64, v);
        }
        let odd = |k: u64| k % 2 == 1;
        let q = &data[10];
        let hits = g.search(q, 10, &odd);
        assert!(hits.len() >= 10 && hits.iter().all(|k| odd(*k)));
        let truth = exact(&data, q, 10, odd);
        let found = truth.iter().filter(|k| hits.contains(k)).count();
        assert!(found >= 9, "{found} of the 10 nearest odd entries");
    }

    #[test]
    fn the_same_inserts_build_the_same_graph() {
        let data = clustered(300, 16, 11);
        let build = || {
            let mut g = Graph::new(16, GraphConfig::default());
            for (i, v) in data.iter().enumerate() {
                g.insert(i as u64, v);
            }
            g
        };
        let (a, b) = (build(), build());
        assert_eq!(a.links0, b.links0);
        assert_eq!(
            a.search(&data[3], 10, &|_| true),
            b.search(&data[3], 10, &|_| true)
        );
    }

    #[test]
    fn zero_and_empty_inputs_do_not_panic() {
        let mut g = Graph::new(8, GraphConfig::default());
        assert!(g.search(&[0.0; 8], 3, &|_| true).is_empty());
        g.insert(1, &[0.0; 8]);
        g.insert(2, &[f32::NAN; 8]);
        g.insert(3, &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let hits = g.search(&[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 3, &|_| true);
        assert_eq!(hits[0], 3);
    }
}
