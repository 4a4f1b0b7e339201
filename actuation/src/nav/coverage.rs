//! Coverage search: where to look next so the detector sees the most unseen floor per metre.
//!
//! The floor a search must cover is the free space of `/map` the robot's body can reach (the
//! cells its centre can reach on the costmap, grown by the body's radius), keep-out zones left
//! out. Candidate viewpoints lie on a lattice of reachable cells; each one's gain is the unseen
//! floor a full turn there would bring into view (cells within the detector's range with a
//! clear line of sight through the map), and its cost the path length to it. The best
//! gain-per-metre wins (a next-best-view rule, as in frontier exploration). An upper bound on
//! the gain (the unseen floor in the square around the candidate, from a summed-area table)
//! orders the candidates, so exact gains are traced only while they could still win.

use embodia_perception::coverage::opaque;
use embodia_ros::msg::nav_msgs::OccupancyGrid;
use embodia_world::{Polygon, V2};

use super::costmap::{Cell, Costmap, LETHAL};

/// Coverage search settings.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageConfig {
    /// A search that has seen this fraction of the floor gives up, 0..1.
    pub goal_fraction: f64,
    /// A viewpoint must bring at least this much unseen floor into view, m².
    pub min_gain_m2: f64,
    /// Spacing of candidate viewpoints, m.
    pub lattice_m: f64,
    /// Added to every path length, m: the cost of stopping to turn around, so that several
    /// small nearby gains do not always beat one large gain a little further away.
    pub stop_cost_m: f64,
    /// Most candidates whose gain is traced exactly per choice: a bound on a choice's time on
    /// huge maps. The upper bound usually stops the tracing long before (a few dozen); a
    /// budget that ran out is logged, not taken for "nothing left to see".
    pub max_traced: usize,
    /// Viewpoints are cells of at most this costmap cost (0-254): a place to stop and turn
    /// around is in the open, not brushing a wall (the default keeps its centre about 0.15 m
    /// beyond the lethal band).
    pub max_cost: u8,
}

impl Default for CoverageConfig {
    fn default() -> Self {
        Self {
            // Things stand in corners and against walls, the last few per cent of the floor a
            // search sees; one that finds its object stops at once anyway.
            goal_fraction: 0.99,
            min_gain_m2: 0.3,
            lattice_m: 0.5,
            stop_cost_m: 2.0,
            max_traced: 2000,
            max_cost: 100,
        }
    }
}

/// The floor a search has to cover, with path lengths from where the robot stood.
#[derive(Debug, Clone)]
pub struct Floor {
    width: usize,
    height: usize,
    resolution: f64,
    origin: V2,
    floor: Vec<bool>,
    /// Path length from where the robot stood, m; infinite where its centre cannot go.
    path_m: Vec<f64>,
    opaque: Vec<bool>,
    count: usize,
}

impl Floor {
    /// The floor reachable from `robot` on `costmap` (built from `map`), grown by
    /// `body_radius`, without `keep_out`. `None` when the grids differ in size.
    pub fn new(
        map: &OccupancyGrid,
        costmap: &Costmap,
        keep_out: &[Polygon],
        robot: V2,
        body_radius: f64,
    ) -> Option<Self> {
        let (w, h) = (map.info.width as usize, map.info.height as usize);
        if costmap.width as usize != w || costmap.height as usize != h || map.data.len() != w * h {
            return None;
        }
        let res = costmap.resolution;
        let opaque: Vec<bool> = map.data.iter().map(|v| opaque(*v)).collect();
        let path_m = path_lengths(costmap, &opaque, costmap.cell_of(robot));
        // Distance (cells, chamfer) to the nearest cell the robot's centre can reach.
        let mut dist: Vec<f64> = path_m
            .iter()
            .map(|d| if d.is_finite() { 0.0 } else { f64::INFINITY })
            .collect();
        chamfer(&mut dist, w, h);
        let reach = body_radius / res + 0.5;
        let mut floor = vec![false; w * h];
        let mut count = 0;
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                if opaque[i] || dist[i] > reach {
                    continue;
                }
                let c = costmap.origin + V2::new(x as f64 + 0.5, y as f64 + 0.5) * res;
                if keep_out.iter().any(|z| z.contains(c)) {
                    continue;
                }
                floor[i] = true;
                count += 1;
            }
        }
        Some(Self {
            width: w,
            height: h,
            resolution: res,
            origin: costmap.origin,
            floor,
            path_m,
            opaque,
            count,
        })
    }

    /// Floor area, m².
    pub fn area_m2(&self) -> f64 {
        self.count as f64 * self.resolution * self.resolution
    }

    /// Whether the world point `p` is floor.
    pub fn is_floor(&self, p: V2) -> bool {
        self.index(p).is_some_and(|i| self.floor[i])
    }

    fn index(&self, p: V2) -> Option<usize> {
        let q = (p - self.origin) / self.resolution;
        (q.x >= 0.0 && q.y >= 0.0 && (q.x as usize) < self.width && (q.y as usize) < self.height)
            .then(|| q.y as usize * self.width + q.x as usize)
    }

    fn center(&self, i: usize) -> V2 {
        self.origin
            + V2::new((i % self.width) as f64 + 0.5, (i / self.width) as f64 + 0.5)
                * self.resolution
    }

    /// The fraction of the floor for which `seen` says true (cell column and row on the
    /// map's grid), and the floor cells not seen.
    pub fn covered(&self, seen: impl Fn(usize, usize) -> bool) -> Covered {
        self.covered_weighted(seen, None)
    }

    /// The same, with unseen cells weighted (row-major, one per cell, each at least 1) by
    /// how likely the object is there: viewpoints are chosen by weighted gain, so likely
    /// places are looked at first. Coverage itself is not weighted.
    pub fn covered_weighted(
        &self,
        seen: impl Fn(usize, usize) -> bool,
        weights: Option<&[f32]>,
    ) -> Covered {
        let mut unseen = vec![0f32; self.floor.len()];
        let mut seen_count = 0;
        for (i, f) in self.floor.iter().enumerate() {
            if !*f {
                continue;
            }
            if seen(i % self.width, i / self.width) {
                seen_count += 1;
            } else {
                unseen[i] = weights
                    .and_then(|w| w.get(i))
                    .copied()
                    .filter(|w| w.is_finite())
                    .unwrap_or(1.0)
                    .max(1.0);
            }
        }
        Covered {
            fraction: if self.count == 0 {
                0.0
            } else {
                seen_count as f64 / self.count as f64
            },
            seen_m2: seen_count as f64 * self.resolution * self.resolution,
            unseen,
        }
    }

    /// Cell centres in row-major order (for weighting cells by where they are).
    pub fn cell_centers(&self) -> impl Iterator<Item = V2> + '_ {
        (0..self.floor.len()).map(|i| self.center(i))
    }

    /// The best next viewpoint from `from` (path lengths on `costmap`) for a detector of
    /// range `range_m`, or `None` when no reachable viewpoint would show
    /// `config.min_gain_m2` of unseen floor. `avoid` are viewpoints already used or found
    /// unreachable (candidates within `lattice_m` of them are skipped).
    #[allow(clippy::too_many_arguments)]
    pub fn next_viewpoint(
        &self,
        costmap: &Costmap,
        from: V2,
        covered: &Covered,
        range_m: f64,
        avoid: &[V2],
        config: &CoverageConfig,
    ) -> Option<Viewpoint> {
        let (w, h) = (self.width, self.height);
        let res = self.resolution;
        if !(range_m.is_finite() && range_m > 0.0)
            || covered.unseen.len() != w * h
            || costmap.width as usize != w
            || costmap.height as usize != h
        {
            return None;
        }
        let path_m = path_lengths(costmap, &self.opaque, costmap.cell_of(from));
        // Summed-area table of unseen floor: an upper bound on any viewpoint's gain.
        let mut sat = vec![0f64; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = 0f64;
            for x in 0..w {
                row += covered.unseen[y * w + x] as f64;
                sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
            }
        }
        let r = (range_m / res).ceil() as i64;
        let bound = |x: usize, y: usize| -> f64 {
            let x0 = (x as i64 - r).max(0) as usize;
            let y0 = (y as i64 - r).max(0) as usize;
            let x1 = ((x as i64 + r + 1) as usize).min(w);
            let y1 = ((y as i64 + r + 1) as usize).min(h);
            sat[y1 * (w + 1) + x1] + sat[y0 * (w + 1) + x0]
                - sat[y0 * (w + 1) + x1]
                - sat[y1 * (w + 1) + x0]
        };
        let stride = ((config.lattice_m / res).round() as usize).max(1);
        let min_cells = (config.min_gain_m2 / (res * res)).ceil().max(1.0) as u32;
        let mut candidates: Vec<(f64, usize)> = Vec::new();
        for y in (stride / 2..h).step_by(stride) {
            for x in (stride / 2..w).step_by(stride) {
                let i = y * w + x;
                let d = path_m[i];
                if !d.is_finite() || costmap.cost((x as i32, y as i32)) > config.max_cost {
                    continue;
                }
                let c = self.center(i);
                if avoid.iter().any(|a| (*a - c).norm() < config.lattice_m) {
                    continue;
                }
                let b = bound(x, y);
                if b < min_cells as f64 {
                    continue;
                }
                candidates.push((b / (d + config.stop_cost_m), i));
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut tracer = Tracer::new(w * h);
        let mut best: Option<(f64, Viewpoint)> = None;
        let traced_all_budget = candidates.len() > config.max_traced;
        for (bound_score, i) in candidates.into_iter().take(config.max_traced) {
            if best.as_ref().is_some_and(|(s, _)| bound_score <= *s) {
                break;
            }
            let (weighted, gain) = tracer.visible_unseen(self, covered, i, range_m);
            if gain < min_cells {
                continue;
            }
            let score = weighted / (path_m[i] + config.stop_cost_m);
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((
                    score,
                    Viewpoint {
                        at: self.center(i),
                        gain_m2: gain as f64 * res * res,
                        path_m: path_m[i],
                    },
                ));
            }
        }
        if best.is_none() && traced_all_budget {
            tracing::warn!(
                budget = config.max_traced,
                "the viewpoint budget ran out before any candidate showed enough: the search ends early"
            );
        }
        best.map(|(_, v)| v)
    }

    /// The path length from where the robot stood when the floor was made to `p`, m
    /// (infinite if unreachable).
    pub fn path_to(&self, p: V2) -> f64 {
        self.index(p).map_or(f64::INFINITY, |i| self.path_m[i])
    }
}

/// How much of the floor has been seen.
#[derive(Debug, Clone)]
pub struct Covered {
    /// Seen floor / all floor, 0..1 (0 when there is no floor: nothing was covered).
    pub fraction: f64,
    /// Seen floor, m².
    pub seen_m2: f64,
    /// Per cell: 0 when seen or not floor, else the cell's weight (at least 1).
    unseen: Vec<f32>,
}

/// Where to stand and turn around next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewpoint {
    /// The position, map frame.
    pub at: V2,
    /// Unseen floor a full turn there brings into view, m².
    pub gain_m2: f64,
    /// Path length to it, m.
    pub path_m: f64,
}

/// Counts cells once per trace without clearing a whole grid each time.
struct Tracer {
    mark: Vec<u32>,
    generation: u32,
}

impl Tracer {
    fn new(n: usize) -> Self {
        Self {
            mark: vec![0; n],
            generation: 0,
        }
    }

    /// Unseen floor cells in line of sight within `range_m` of cell `from`: their summed
    /// weight, and how many.
    fn visible_unseen(
        &mut self,
        f: &Floor,
        covered: &Covered,
        from: usize,
        range_m: f64,
    ) -> (f64, u32) {
        self.generation += 1;
        let eye = f.center(from);
        // Rays half a cell apart at full range: no cell within range falls between two.
        let rays =
            ((std::f64::consts::TAU * range_m / (0.5 * f.resolution)).ceil() as usize).max(8);
        let step = f.resolution * 0.5;
        let steps = (range_m / step).ceil() as usize;
        let (mut weighted, mut count) = (0f64, 0u32);
        for k in 0..rays {
            let a = std::f64::consts::TAU * k as f64 / rays as f64;
            let dir = V2::new(a.cos(), a.sin());
            for s in 0..=steps {
                let Some(i) = f.index(eye + dir * (s as f64 * step).min(range_m)) else {
                    break;
                };
                if self.mark[i] != self.generation {
                    self.mark[i] = self.generation;
                    let u = covered.unseen[i];
                    if u > 0.0 {
                        weighted += u as f64;
                        count += 1;
                    }
                }
                if f.opaque[i] {
                    break;
                }
            }
        }
        (weighted, count)
    }
}

/// Path lengths over the costmap from `start` (8-connected; lethal cells only while leaving
/// the lethal zone the robot starts in, as the path planner allows, and never through a cell
/// the map shows occupied or unknown — else the lethal bands along walls would join rooms
/// that no door joins).
fn path_lengths(map: &Costmap, opaque: &[bool], start: Cell) -> Vec<f64> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let (w, h) = (map.width, map.height);
    let mut dist = vec![f64::INFINITY; (w * h) as usize];
    let start_opaque = opaque
        .get((start.1 * w + start.0) as usize)
        .copied()
        .unwrap_or(true);
    if !map.contains(start) || start_opaque {
        return dist;
    }
    // Non-negative floats order as their bit patterns do: a total order for the heap.
    let mut heap = BinaryHeap::new();
    dist[(start.1 * w + start.0) as usize] = 0.0;
    heap.push(Reverse((0f64.to_bits(), start.0, start.1)));
    let res = map.resolution;
    while let Some(Reverse((bits, x, y))) = heap.pop() {
        let d = f64::from_bits(bits);
        if d > dist[(y * w + x) as usize] {
            continue;
        }
        let here = map.cost((x, y));
        for (dx, dy) in [
            (1, 0),
            (-1, 0),
            (0, 1),
            (0, -1),
            (1, 1),
            (1, -1),
            (-1, 1),
            (-1, -1),
        ] {
            let n = (x + dx, y + dy);
            if !map.contains(n) {
                continue;
            }
            let to = map.cost(n);
            let ni = (n.1 * w + n.0) as usize;
            if (to == LETHAL && here != LETHAL) || opaque.get(ni).copied().unwrap_or(true) {
                continue;
            }
            let step = if dx != 0 && dy != 0 {
                std::f64::consts::SQRT_2
            } else {
                1.0
            } * res;
            let nd = d + step;
            if nd < dist[ni] {
                dist[ni] = nd;
                heap.push(Reverse((nd.to_bits(), n.0, n.1)));
            }
        }
    }
    // Lethal cells were only stepped through to leave the start's lethal zone: not places to
    // stand.
    for (i, d) in dist.iter_mut().enumerate() {
        let c = ((i as i32) % w, (i as i32) / w);
        if map.cost(c) == LETHAL {
            *d = f64::INFINITY;
        }
    }
    dist
}

/// Two-pass chamfer distance transform (steps 1 and sqrt 2) in place; zeros are sources.
fn chamfer(dist: &mut [f64], w: usize, h: usize) {
    let d2 = std::f64::consts::SQRT_2;
    for y in 0..h {
        for x in 0..w {
            let mut d = dist[y * w + x];
            if x > 0 {
                d = d.min(dist[y * w + x - 1] + 1.0);
            }
            if y > 0 {
                d = d.min(dist[(y - 1) * w + x] + 1.0);
                if x > 0 {
                    d = d.min(dist[(y - 1) * w + x - 1] + d2);
                }
                if x + 1 < w {
                    d = d.min(dist[(y - 1) * w + x + 1] + d2);
                }
            }
            dist[y * w + x] = d;
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let mut d = dist[y * w + x];
            if x + 1 < w {
                d = d.min(dist[y * w + x + 1] + 1.0);
            }
            if y + 1 < h {
                d = d.min(dist[(y + 1) * w + x] + 1.0);
                if x + 1 < w {
                    d = d.min(dist[(y + 1) * w + x + 1] + d2);
                }
                if x > 0 {
                    d = d.min(dist[(y + 1) * w + x - 1] + d2);
                }
            }
            dist[y * w + x] = d;
        }
    }
}

#[cfg(test)]
mod tests;
