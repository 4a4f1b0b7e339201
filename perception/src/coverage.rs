//! What the detector has actually looked at: a grid over the map, each cell stamped with the
//! last time it was inside the camera's view with nothing solid in between.
//!
//! A search is only as good as what it has seen. "I went to every room" says nothing about the
//! corridor between them or the far side of a shelf; this grid does. Each detection message
//! (empty ones too: the detector looked and saw nothing) marks the cone the camera covered at
//! the message's stamp, traced cell by cell through the map so walls and furniture occlude.

use std::sync::Arc;

use embodia_ros::msg::nav_msgs::OccupancyGrid;
use embodia_world::V2;

/// Occupancy values at or above this block the view (as they block paths in the costmap);
/// unknown cells block it too. Shared with the search's line-of-sight gains, so what it
/// expects to see is what gets marked seen.
pub const OPAQUE_FROM: i8 = 65;

/// Whether an occupancy value blocks the view.
pub fn opaque(value: i8) -> bool {
    !(0..OPAQUE_FROM).contains(&value)
}

/// The part of the world one detection covers: a horizontal field of view and a range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewCone {
    /// Horizontal field of view, degrees, centred on the camera's heading.
    pub fov_deg: f64,
    /// Distance up to which the detector reliably reports objects, metres.
    pub range_m: f64,
}

impl Default for ViewCone {
    /// The simulator's detector: 90 degrees, 4 m.
    fn default() -> Self {
        Self {
            fov_deg: 90.0,
            range_m: 4.0,
        }
    }
}

impl ViewCone {
    /// A cone is usable when both numbers are finite and positive (a field of view above 360
    /// degrees is taken as 360).
    pub fn is_valid(&self) -> bool {
        self.fov_deg.is_finite()
            && self.fov_deg > 0.0
            && self.range_m.is_finite()
            && self.range_m > 0.0
    }
}

/// Cells along each side of a tile.
const TILE: usize = 64;

/// A tile of stamps, shared until written: a look touches a few tiles, so a grid shared with
/// a snapshot copies only those, never the whole map.
type Tile = Arc<[i64; TILE * TILE]>;

/// Per-cell time of the last look, on the map's own grid (kept in shared tiles).
#[derive(Debug, Clone, PartialEq)]
pub struct SeenGrid {
    /// Cells along x.
    pub width: usize,
    /// Cells along y.
    pub height: usize,
    /// Cell size, metres.
    pub resolution: f64,
    /// World position of cell (0, 0)'s corner.
    pub origin: V2,
    /// Tiles in rows of `tiles_x`; each holds the last time its cells were seen,
    /// nanoseconds, `i64::MIN` for never. Unseen tiles all share one allocation.
    tiles: Vec<Tile>,
    tiles_x: usize,
}

impl SeenGrid {
    /// An all-unseen grid with the geometry of `map`.
    pub fn for_map(map: &OccupancyGrid) -> Self {
        let (width, height) = (map.info.width as usize, map.info.height as usize);
        let (tiles_x, tiles_y) = (width.div_ceil(TILE), height.div_ceil(TILE));
        let blank: Tile = Arc::new([i64::MIN; TILE * TILE]);
        Self {
            width,
            height,
            resolution: map.info.resolution as f64,
            origin: V2::new(map.info.origin.position.x, map.info.origin.position.y),
            tiles: vec![blank; tiles_x * tiles_y],
            tiles_x,
        }
    }

    /// A grid for `map` keeping what this one saw, cell by cell at the same world position
    /// (a growing SLAM map does not wipe a search's coverage).
    pub fn moved_to(&self, map: &OccupancyGrid) -> Self {
        let mut out = Self::for_map(map);
        for y in 0..self.height {
            for x in 0..self.width {
                if let Some(s) = self.seen_at(x, y)
                    && let Some((nx, ny)) = out.cell_of(self.center_of(x, y))
                {
                    out.set(nx, ny, s);
                }
            }
        }
        out
    }

    fn stamp(&self, x: usize, y: usize) -> i64 {
        self.tiles[(y / TILE) * self.tiles_x + x / TILE][(y % TILE) * TILE + x % TILE]
    }

    fn set(&mut self, x: usize, y: usize, stamp_ns: i64) {
        let t = (y / TILE) * self.tiles_x + x / TILE;
        let i = (y % TILE) * TILE + x % TILE;
        if self.tiles[t][i] < stamp_ns {
            Arc::make_mut(&mut self.tiles[t])[i] = stamp_ns;
        }
    }

    /// Whether `map` has this grid's geometry (a new map of the same building keeps what was
    /// seen; a differently sized one starts over).
    pub fn fits(&self, map: &OccupancyGrid) -> bool {
        self.width == map.info.width as usize
            && self.height == map.info.height as usize
            && (self.resolution - map.info.resolution as f64).abs() < 1e-9
            && (self.origin - V2::new(map.info.origin.position.x, map.info.origin.position.y))
                .norm()
                < 1e-9
    }

    /// The cell holding `p`, if inside the grid.
    pub fn cell_of(&self, p: V2) -> Option<(usize, usize)> {
        let q = (p - self.origin) / self.resolution;
        (q.x >= 0.0 && q.y >= 0.0 && (q.x as usize) < self.width && (q.y as usize) < self.height)
            .then(|| (q.x as usize, q.y as usize))
    }

    /// The centre of cell `(x, y)`.
    pub fn center_of(&self, x: usize, y: usize) -> V2 {
        self.origin + V2::new(x as f64 + 0.5, y as f64 + 0.5) * self.resolution
    }

    /// When cell `(x, y)` was last seen, if ever.
    pub fn seen_at(&self, x: usize, y: usize) -> Option<i64> {
        let s = self.stamp(x, y);
        (s != i64::MIN).then_some(s)
    }

    /// Whether cell `(x, y)` was seen at or after `since_ns`.
    pub fn seen_since(&self, x: usize, y: usize, since_ns: i64) -> bool {
        let s = self.stamp(x, y);
        s >= since_ns && s != i64::MIN
    }

    /// Marks what a camera at `eye` looking along `heading` covered at `stamp_ns`: rays fanned
    /// over the field of view, each walked cell by cell until an opaque cell of `map` (which
    /// counts as seen: its face was looked at) or the range. Rays are spaced so that
    /// neighbouring rays are at most half a cell apart at full range.
    pub fn mark(
        &mut self,
        map: &OccupancyGrid,
        eye: V2,
        heading: f64,
        cone: ViewCone,
        stamp_ns: i64,
    ) {
        if !cone.is_valid() || !self.fits(map) || !eye.x.is_finite() || !eye.y.is_finite() {
            return;
        }
        let fov = cone.fov_deg.min(360.0).to_radians();
        let rays = ((fov * cone.range_m / (0.5 * self.resolution)).ceil() as usize).max(2);
        let step = self.resolution * 0.5;
        let steps = (cone.range_m / step).ceil() as usize;
        for i in 0..=rays {
            let a = heading - fov * 0.5 + fov * i as f64 / rays as f64;
            let dir = V2::new(a.cos(), a.sin());
            for k in 0..=steps {
                let p = eye + dir * (k as f64 * step).min(cone.range_m);
                let Some((x, y)) = self.cell_of(p) else { break };
                self.set(x, y, stamp_ns);
                let v = map.data.get(y * self.width + x).copied().unwrap_or(-1);
                if opaque(v) {
                    break;
                }
            }
        }
    }

    /// Forgets everything seen after `now_ns` (the clock jumped back).
    pub fn forget_after(&mut self, now_ns: i64) {
        for tile in &mut self.tiles {
            if tile.iter().any(|s| *s > now_ns) {
                for s in Arc::make_mut(tile).iter_mut() {
                    if *s > now_ns {
                        *s = i64::MIN;
                    }
                }
            }
        }
    }

    /// Whether no cell was ever seen.
    pub fn is_blank(&self) -> bool {
        self.tiles.iter().all(|t| t.iter().all(|s| *s == i64::MIN))
    }
}

/// Work on the coverage grid, in the order perception meets it. A perceiver either applies
/// it at once or hands it out ([`crate::Perceiver::defer_coverage`]), so that a worker thread
/// does the ray tracing and the control thread only controls.
#[derive(Debug, Clone)]
pub enum CoverageJob {
    /// A map arrived: keep what was seen, on a grid with its geometry.
    Map(Arc<OccupancyGrid>),
    /// The camera looked (a detection message, empty ones too): mark the cone it covered.
    Look {
        /// The map the look is traced through.
        map: Arc<OccupancyGrid>,
        /// Where the camera was.
        eye: V2,
        /// Where it pointed, radians in the map frame.
        heading: f64,
        /// What it covers.
        cone: ViewCone,
        /// The detection message's stamp, nanoseconds.
        stamp_ns: i64,
    },
    /// The clock jumped back to this time, nanoseconds: forget what was seen after it.
    ForgetAfter(i64),
}

impl CoverageJob {
    /// Applies the job to `seen` (none before the first map).
    pub fn apply(self, seen: &mut Option<Arc<SeenGrid>>) {
        match self {
            CoverageJob::Map(map) => {
                let moved = match seen.as_deref() {
                    Some(s) if s.fits(&map) => None,
                    Some(s) => Some(s.moved_to(&map)),
                    None => Some(SeenGrid::for_map(&map)),
                };
                if let Some(moved) = moved {
                    *seen = Some(Arc::new(moved));
                }
            }
            CoverageJob::Look {
                map,
                eye,
                heading,
                cone,
                stamp_ns,
            } => {
                if let Some(s) = seen.as_mut() {
                    let _span = tracing::trace_span!("mark_seen").entered();
                    Arc::make_mut(s).mark(&map, eye, heading, cone, stamp_ns);
                }
            }
            CoverageJob::ForgetAfter(now_ns) => {
                if let Some(s) = seen.as_mut() {
                    Arc::make_mut(s).forget_after(now_ns);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_ros::msg::geometry_msgs::Pose;
    use embodia_ros::msg::nav_msgs::MapMetaData;

    /// A 10 x 10 m map at 0.1 m with a wall along x = 5 from y = 0 to y = 8.
    fn walled_map() -> OccupancyGrid {
        let (w, h) = (100usize, 100usize);
        let mut data = vec![0i8; w * h];
        for y in 0..80 {
            data[y * w + 50] = 100;
        }
        OccupancyGrid {
            info: MapMetaData {
                resolution: 0.1,
                width: w as u32,
                height: h as u32,
                origin: Pose::default(),
                ..MapMetaData::default()
            },
            data,
            ..OccupancyGrid::default()
        }
    }

    fn seen(g: &SeenGrid, p: V2) -> bool {
        let (x, y) = g.cell_of(p).unwrap();
        g.seen_at(x, y).is_some()
    }

    #[test]
    fn a_look_covers_the_cone_in_front_up_to_the_range() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        let cone = ViewCone {
            fov_deg: 90.0,
            range_m: 3.0,
        };
        g.mark(&map, V2::new(1.0, 5.0), 0.0, cone, 7);
        assert!(seen(&g, V2::new(3.5, 5.0)), "straight ahead within range");
        assert!(seen(&g, V2::new(2.5, 6.0)), "inside the cone, off axis");
        assert!(!seen(&g, V2::new(4.5, 5.0)), "beyond the range");
        assert!(!seen(&g, V2::new(0.5, 5.0)), "behind the camera");
        assert!(!seen(&g, V2::new(1.5, 7.0)), "outside the field of view");
        let (x, y) = g.cell_of(V2::new(3.0, 5.0)).unwrap();
        assert_eq!(g.seen_at(x, y), Some(7));
        assert!(g.seen_since(x, y, 7));
        assert!(!g.seen_since(x, y, 8));
    }

    #[test]
    fn walls_hide_what_is_behind_them_but_not_their_own_face() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        let cone = ViewCone {
            fov_deg: 60.0,
            range_m: 6.0,
        };
        g.mark(&map, V2::new(3.0, 4.0), 0.0, cone, 1);
        assert!(seen(&g, V2::new(4.95, 4.0)), "in front of the wall");
        assert!(seen(&g, V2::new(5.05, 4.0)), "the wall's face");
        assert!(!seen(&g, V2::new(6.0, 4.0)), "behind the wall");
        // Past the wall's end (y > 8) the view goes through.
        let mut g = SeenGrid::for_map(&map);
        g.mark(&map, V2::new(3.0, 9.0), 0.0, cone, 1);
        assert!(seen(&g, V2::new(7.0, 9.0)));
    }

    #[test]
    fn rays_leave_no_gaps_at_full_range() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        let cone = ViewCone {
            fov_deg: 90.0,
            range_m: 4.0,
        };
        g.mark(&map, V2::new(0.5, 5.0), 0.0, cone, 1);
        // Every cell centre inside the cone, short of the last cell, was marked.
        for y in 0..g.height {
            for x in 0..g.width {
                let c = g.center_of(x, y);
                let d = c - V2::new(0.5, 5.0);
                let inside = d.norm() < 3.8 && d.x > 0.0 && d.y.abs() < d.x * 0.95;
                if inside {
                    assert!(g.seen_at(x, y).is_some(), "cell {x},{y} at {c:?} missed");
                }
            }
        }
    }

    #[test]
    fn nonsense_cones_and_poses_and_other_maps_mark_nothing() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        for cone in [
            ViewCone {
                fov_deg: f64::NAN,
                range_m: 3.0,
            },
            ViewCone {
                fov_deg: 90.0,
                range_m: 0.0,
            },
            ViewCone {
                fov_deg: -1.0,
                range_m: 3.0,
            },
        ] {
            g.mark(&map, V2::new(1.0, 5.0), 0.0, cone, 1);
        }
        g.mark(&map, V2::new(f64::NAN, 5.0), 0.0, ViewCone::default(), 1);
        let mut other = map.clone();
        other.info.width = 50;
        g.mark(&other, V2::new(1.0, 5.0), 0.0, ViewCone::default(), 1);
        assert!(g.is_blank());
        // A camera outside the grid marks nothing and does not panic.
        g.mark(&map, V2::new(-20.0, 5.0), 0.0, ViewCone::default(), 1);
        assert!(g.is_blank());
    }

    #[test]
    fn a_look_copies_only_the_tiles_it_touches_when_the_grid_is_shared() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        let snapshot = g.clone();
        g.mark(
            &map,
            V2::new(1.0, 1.0),
            0.0,
            ViewCone {
                fov_deg: 30.0,
                range_m: 1.0,
            },
            1,
        );
        let copied = g
            .tiles
            .iter()
            .zip(&snapshot.tiles)
            .filter(|(a, b)| !Arc::ptr_eq(a, b))
            .count();
        assert_eq!(copied, 1, "a short look near a corner stays in one tile");
        assert!(snapshot.is_blank(), "the snapshot is untouched");
    }

    #[test]
    fn a_new_map_of_another_size_keeps_what_was_seen_where_it_was() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        g.mark(&map, V2::new(1.0, 5.0), 0.0, ViewCone::default(), 3);
        // The map grows by 2 m to the west and south: the same place is another cell.
        let mut bigger = map.clone();
        bigger.info.width = 120;
        bigger.info.height = 120;
        bigger.info.origin.position.x = -2.0;
        bigger.info.origin.position.y = -2.0;
        bigger.data = vec![0; 120 * 120];
        let moved = g.moved_to(&bigger);
        assert!(moved.fits(&bigger));
        assert!(seen(&moved, V2::new(3.0, 5.0)));
        assert!(!seen(&moved, V2::new(0.5, 5.0)));
        let (x, y) = moved.cell_of(V2::new(3.05, 5.05)).unwrap();
        assert_eq!((x, y), (50, 70));
        assert_eq!(moved.seen_at(x, y), Some(3));
    }

    #[test]
    fn a_clock_jump_back_forgets_looks_from_the_future() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        g.mark(&map, V2::new(1.0, 5.0), 0.0, ViewCone::default(), 100);
        g.forget_after(50);
        assert!(g.is_blank());
    }
}
