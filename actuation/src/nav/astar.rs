//! A* over the costmap, 8-connected, step cost = length * (1 + cost / 64).
//!
//! A robot that starts inside an inflated zone (close to a wall) may leave it: lethal cells
//! can be crossed only while the path has not yet left lethal space since the start. Once on
//! free cells, it never enters a lethal one again.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::costmap::{Cell, Costmap, LETHAL};

#[derive(Clone, Copy, PartialEq)]
struct Open {
    f: f64,
    g: f64,
    idx: usize,
}

impl Eq for Open {}

impl Ord for Open {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .f
            .total_cmp(&self.f)
            .then_with(|| other.g.total_cmp(&self.g))
    }
}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

const NEIGHBOURS: [(i32, i32, f64); 8] = [
    (1, 0, 1.0),
    (-1, 0, 1.0),
    (0, 1, 1.0),
    (0, -1, 1.0),
    (1, 1, std::f64::consts::SQRT_2),
    (1, -1, std::f64::consts::SQRT_2),
    (-1, 1, std::f64::consts::SQRT_2),
    (-1, -1, std::f64::consts::SQRT_2),
];

/// Whether a move from a cell of cost `from` into one of cost `to` is allowed.
fn passable(from: u8, to: u8) -> bool {
    to < LETHAL || from == LETHAL
}

/// Every cell reachable from `start` under the same rules as [`plan`] (flags per cell).
pub fn reachable_from(map: &Costmap, start: Cell) -> Vec<bool> {
    let w = map.width;
    let mut seen = vec![false; (map.width * map.height) as usize];
    if !map.contains(start) {
        return seen;
    }
    let mut queue = VecDeque::from([start]);
    seen[(start.1 * w + start.0) as usize] = true;
    while let Some(c) = queue.pop_front() {
        let here = map.cost(c);
        for (dx, dy, _) in NEIGHBOURS {
            let n = (c.0 + dx, c.1 + dy);
            if map.contains(n) && passable(here, map.cost(n)) {
                let i = (n.1 * w + n.0) as usize;
                if !seen[i] {
                    seen[i] = true;
                    queue.push_back(n);
                }
            }
        }
    }
    seen
}

/// The cheapest path of cells from `start` to `goal`, both included, or `None`.
pub fn plan(map: &Costmap, start: Cell, goal: Cell) -> Option<Vec<Cell>> {
    if !map.contains(start) || !map.contains(goal) || map.cost(goal) == LETHAL {
        return None;
    }
    let w = map.width;
    let n = (map.width * map.height) as usize;
    let index = |c: Cell| (c.1 * w + c.0) as usize;
    let cell = |i: usize| ((i as i32) % w, (i as i32) / w);
    let h = |c: Cell| (((c.0 - goal.0) as f64).powi(2) + ((c.1 - goal.1) as f64).powi(2)).sqrt();
    let mut g = vec![f64::INFINITY; n];
    let mut parent = vec![usize::MAX; n];
    let mut open = BinaryHeap::new();
    g[index(start)] = 0.0;
    open.push(Open {
        f: h(start),
        g: 0.0,
        idx: index(start),
    });
    while let Some(Open { g: gc, idx, .. }) = open.pop() {
        if gc > g[idx] {
            continue;
        }
        let c = cell(idx);
        if c == goal {
            let mut path = vec![c];
            let mut i = idx;
            while parent[i] != usize::MAX {
                i = parent[i];
                path.push(cell(i));
            }
            path.reverse();
            return Some(path);
        }
        let here = map.cost(c);
        for (dx, dy, len) in NEIGHBOURS {
            let nc = (c.0 + dx, c.1 + dy);
            if !map.contains(nc) {
                continue;
            }
            let cost = map.cost(nc);
            if !passable(here, cost) {
                continue;
            }
            let step = len
                * (1.0
                    + if cost == LETHAL {
                        50.0
                    } else {
                        cost as f64 / 64.0
                    });
            let ng = gc + step;
            let ni = index(nc);
            if ng < g[ni] {
                g[ni] = ng;
                parent[ni] = idx;
                open.push(Open {
                    f: ng + h(nc),
                    g: ng,
                    idx: ni,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nav::costmap::CostmapConfig;
    use embodia_ros::msg::nav_msgs::{MapMetaData, OccupancyGrid};
    use embodia_world::V2;

    /// 4 x 2 m; a wall at x = 2 m with a 0.8 m gap at y 1.2..2.0.
    fn map() -> Costmap {
        let (w, h) = (80u32, 40u32);
        let mut data = vec![0i8; (w * h) as usize];
        for y in 0..24 {
            data[(y * w + 40) as usize] = 100;
        }
        let grid = OccupancyGrid {
            info: MapMetaData {
                resolution: 0.05,
                width: w,
                height: h,
                ..Default::default()
            },
            data,
            ..Default::default()
        };
        Costmap::new(&grid, &[], &CostmapConfig::default())
    }

    #[test]
    fn the_path_goes_through_the_gap_and_never_touches_a_lethal_cell() {
        let m = map();
        let (s, g) = (m.cell_of(V2::new(0.5, 0.3)), m.cell_of(V2::new(3.5, 0.3)));
        let path = plan(&m, s, g).expect("a path");
        assert_eq!((path[0], *path.last().unwrap()), (s, g));
        assert!(path.iter().all(|c| m.cost(*c) < LETHAL));
        assert!(
            path.iter().any(|c| m.center_of(*c).y > 1.2),
            "through the gap"
        );
        for pair in path.windows(2) {
            assert!((pair[0].0 - pair[1].0).abs() <= 1 && (pair[0].1 - pair[1].1).abs() <= 1);
        }
    }

    #[test]
    fn a_start_inside_inflation_may_leave_it_but_the_path_never_reenters() {
        let m = map();
        let s = m.cell_of(V2::new(1.9, 0.3)); // lethal: 0.1 m from the wall
        assert_eq!(m.cost(s), LETHAL);
        let path = plan(&m, s, m.cell_of(V2::new(0.5, 0.3))).unwrap();
        let first_free = path.iter().position(|c| m.cost(*c) < LETHAL).unwrap();
        assert!(path[first_free..].iter().all(|c| m.cost(*c) < LETHAL));
    }

    #[test]
    fn no_path_through_a_closed_wall() {
        let mut m = map();
        m.mark_obstacles(&[V2::new(2.0, 1.6)], 0.6);
        assert!(
            plan(
                &m,
                m.cell_of(V2::new(0.5, 0.3)),
                m.cell_of(V2::new(3.5, 0.3))
            )
            .is_none()
        );
        let seen = reachable_from(&m, m.cell_of(V2::new(0.5, 0.3)));
        let g = m.cell_of(V2::new(3.5, 0.3));
        assert!(!seen[(g.1 * m.width + g.0) as usize]);
    }
}
