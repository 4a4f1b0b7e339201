//! A planning costmap: `/map` obstacles and keep-out zones, inflated by the robot's body.
//!
//! Cells within `robot_radius + lethal_margin` of an occupied cell (or whose disc would
//! overlap a keep-out zone) are lethal; beyond that cost falls off exponentially over
//! `inflation_radius`, so paths keep to the middle of corridors when they can. Distances come
//! from a two-pass chamfer transform (steps 1 and sqrt 2), exact enough at map resolution.

use embodia_ros::msg::nav_msgs::OccupancyGrid;
use embodia_world::{Polygon, V2};

/// A grid cell (column, row).
pub type Cell = (i32, i32);

/// Cost of a cell the robot must never occupy.
pub const LETHAL: u8 = 255;

/// Costmap parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct CostmapConfig {
    /// Radius of the robot's body, m.
    pub robot_radius: f64,
    /// Extra clearance that is still lethal, m (covers the map's half-cell quantisation).
    pub lethal_margin: f64,
    /// Distance beyond the lethal zone over which cost decays, m.
    pub inflation_radius: f64,
    /// Occupancy values at or above this are obstacles; unknown (-1) cells are obstacles too.
    pub occupied_threshold: i8,
}

impl Default for CostmapConfig {
    fn default() -> Self {
        Self {
            robot_radius: 0.18,
            lethal_margin: 0.08,
            inflation_radius: 0.5,
            occupied_threshold: 65,
        }
    }
}

/// Costs per cell, 0 (free) to 254, and [`LETHAL`].
#[derive(Debug, Clone, PartialEq)]
pub struct Costmap {
    /// Cells along x.
    pub width: i32,
    /// Cells along y.
    pub height: i32,
    /// Cell size, m.
    pub resolution: f64,
    /// World position of cell (0, 0)'s corner.
    pub origin: V2,
    costs: Vec<u8>,
}

impl Costmap {
    /// Builds the costmap of `grid` with `keep_out` zones.
    pub fn new(grid: &OccupancyGrid, keep_out: &[Polygon], config: &CostmapConfig) -> Self {
        let (w, h) = (grid.info.width as i32, grid.info.height as i32);
        let res = grid.info.resolution as f64;
        let origin = V2::new(grid.info.origin.position.x, grid.info.origin.position.y);
        let n = (w * h) as usize;
        // Chamfer distance (in cells) to the nearest obstacle.
        let mut dist = vec![f64::INFINITY; n];
        for (i, v) in grid.data.iter().enumerate().take(n) {
            if *v < 0 || *v >= config.occupied_threshold {
                dist[i] = 0.0;
            }
        }
        let d2 = std::f64::consts::SQRT_2;
        let idx = |x: i32, y: i32| (y * w + x) as usize;
        for y in 0..h {
            for x in 0..w {
                let mut d = dist[idx(x, y)];
                for (dx, dy, c) in [(-1, 0, 1.0), (0, -1, 1.0), (-1, -1, d2), (1, -1, d2)] {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx >= 0 && ny >= 0 && nx < w {
                        d = d.min(dist[idx(nx, ny)] + c);
                    }
                }
                dist[idx(x, y)] = d;
            }
        }
        for y in (0..h).rev() {
            for x in (0..w).rev() {
                let mut d = dist[idx(x, y)];
                for (dx, dy, c) in [(1, 0, 1.0), (0, 1, 1.0), (1, 1, d2), (-1, 1, d2)] {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx >= 0 && nx < w && ny < h {
                        d = d.min(dist[idx(nx, ny)] + c);
                    }
                }
                dist[idx(x, y)] = d;
            }
        }
        let lethal = config.robot_radius + config.lethal_margin;
        let costs = dist
            .iter()
            .map(|d| {
                let m = d * res;
                if m < lethal {
                    LETHAL
                } else if m < lethal + config.inflation_radius {
                    (253.0 * (-(3.0 / config.inflation_radius) * (m - lethal)).exp()) as u8
                } else {
                    0
                }
            })
            .collect();
        let mut map = Self {
            width: w,
            height: h,
            resolution: res,
            origin,
            costs,
        };
        let disc = config.robot_radius + config.lethal_margin;
        for zone in keep_out {
            map.mark_polygon(zone, disc);
        }
        map
    }

    fn mark_polygon(&mut self, zone: &Polygon, disc: f64) {
        let min = zone
            .points
            .iter()
            .fold(V2::repeat(f64::INFINITY), |m, p| m.inf(p))
            - V2::repeat(disc);
        let max = zone
            .points
            .iter()
            .fold(V2::repeat(f64::NEG_INFINITY), |m, p| m.sup(p))
            + V2::repeat(disc);
        let (c0, c1) = (self.cell_of(min), self.cell_of(max));
        for y in c0.1.max(0)..=c1.1.min(self.height - 1) {
            for x in c0.0.max(0)..=c1.0.min(self.width - 1) {
                if zone.overlaps_disc(self.center_of((x, y)), disc) {
                    self.costs[(y * self.width + x) as usize] = LETHAL;
                }
            }
        }
    }

    /// Marks as lethal every cell within `radius` of `points` (obstacles the scan shows and
    /// the map does not).
    pub fn mark_obstacles(&mut self, points: &[V2], radius: f64) {
        let reach = (radius / self.resolution).ceil() as i32;
        for p in points {
            let (cx, cy) = self.cell_of(*p);
            for y in cy - reach..=cy + reach {
                for x in cx - reach..=cx + reach {
                    if self.contains((x, y)) && (self.center_of((x, y)) - p).norm() < radius {
                        self.costs[(y * self.width + x) as usize] = LETHAL;
                    }
                }
            }
        }
    }

    /// Whether the cell is on the grid.
    pub fn contains(&self, c: Cell) -> bool {
        c.0 >= 0 && c.1 >= 0 && c.0 < self.width && c.1 < self.height
    }

    /// Cost of a cell; off the grid is lethal.
    pub fn cost(&self, c: Cell) -> u8 {
        if self.contains(c) {
            self.costs[(c.1 * self.width + c.0) as usize]
        } else {
            LETHAL
        }
    }

    /// The cell containing world point `p`.
    pub fn cell_of(&self, p: V2) -> Cell {
        let q = (p - self.origin) / self.resolution;
        (q.x.floor() as i32, q.y.floor() as i32)
    }

    /// World position of a cell's centre.
    pub fn center_of(&self, c: Cell) -> V2 {
        self.origin + V2::new(c.0 as f64 + 0.5, c.1 as f64 + 0.5) * self.resolution
    }

    /// Whether the straight segment between two points crosses only cells cheaper than `max_cost`.
    pub fn segment_below(&self, a: V2, b: V2, max_cost: u8) -> bool {
        let n = ((b - a).norm() / (self.resolution * 0.5)).ceil().max(1.0) as usize;
        (0..=n).all(|i| self.cost(self.cell_of(a + (b - a) * (i as f64 / n as f64))) < max_cost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_ros::msg::nav_msgs::MapMetaData;

    fn grid_with_wall() -> OccupancyGrid {
        // 4 m x 2 m at 0.05; a wall column at x = 2.0 m.
        let (w, h) = (80u32, 40u32);
        let mut data = vec![0i8; (w * h) as usize];
        for y in 0..h {
            data[(y * w + 40) as usize] = 100;
        }
        OccupancyGrid {
            info: MapMetaData {
                resolution: 0.05,
                width: w,
                height: h,
                ..Default::default()
            },
            data,
            ..Default::default()
        }
    }

    #[test]
    fn cells_near_obstacles_are_lethal_and_cost_falls_off_with_distance() {
        let cm = Costmap::new(&grid_with_wall(), &[], &CostmapConfig::default());
        assert_eq!(cm.cost(cm.cell_of(V2::new(2.02, 1.0))), LETHAL);
        assert_eq!(
            cm.cost(cm.cell_of(V2::new(1.85, 1.0))),
            LETHAL,
            "within radius + margin"
        );
        let near = cm.cost(cm.cell_of(V2::new(1.7, 1.0)));
        let far = cm.cost(cm.cell_of(V2::new(1.4, 1.0)));
        assert!(near < LETHAL && near > far, "{near} {far}");
        assert_eq!(cm.cost(cm.cell_of(V2::new(0.5, 1.0))), 0);
        assert_eq!(cm.cost((-1, 0)), LETHAL);
    }

    #[test]
    fn keep_out_zones_are_lethal_including_the_body_around_them() {
        let zone = Polygon {
            points: vec![
                V2::new(0.5, 0.5),
                V2::new(1.0, 0.5),
                V2::new(1.0, 1.0),
                V2::new(0.5, 1.0),
            ],
        };
        let cm = Costmap::new(&grid_with_wall(), &[zone], &CostmapConfig::default());
        assert_eq!(cm.cost(cm.cell_of(V2::new(0.75, 0.75))), LETHAL);
        assert_eq!(
            cm.cost(cm.cell_of(V2::new(1.2, 0.75))),
            LETHAL,
            "the body would overlap"
        );
        assert!(cm.cost(cm.cell_of(V2::new(1.4, 0.75))) < LETHAL);
    }
}
