//! What the detector has actually looked at: a grid over the map, each cell stamped with the
//! last time it was inside the camera's view with nothing solid in between.
//!
//! A search is only as good as what it has seen. "I went to every room" says nothing about the
//! corridor between them or the far side of a shelf; this grid does. Each detection message
//! (empty ones too: the detector looked and saw nothing) marks the cone the camera covered at
//! the message's stamp, traced cell by cell through the map so walls and furniture occlude.

use embodia_ros::msg::nav_msgs::OccupancyGrid;
use embodia_world::V2;

/// Occupancy values at or above this block the view (as they block paths in the costmap);
/// unknown cells block it too.
const OPAQUE_FROM: i8 = 65;

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

/// Per-cell time of the last look, on the map's own grid.
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
    /// Last time each cell was seen, nanoseconds; `i64::MIN` for never.
    stamps: Vec<i64>,
}

impl SeenGrid {
    /// An all-unseen grid with the geometry of `map`.
    pub fn for_map(map: &OccupancyGrid) -> Self {
        let (width, height) = (map.info.width as usize, map.info.height as usize);
        Self {
            width,
            height,
            resolution: map.info.resolution as f64,
            origin: V2::new(map.info.origin.position.x, map.info.origin.position.y),
            stamps: vec![i64::MIN; width * height],
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
        let s = self.stamps[y * self.width + x];
        (s != i64::MIN).then_some(s)
    }

    /// Whether cell `(x, y)` was seen at or after `since_ns`.
    pub fn seen_since(&self, x: usize, y: usize, since_ns: i64) -> bool {
        self.stamps[y * self.width + x] >= since_ns && self.stamps[y * self.width + x] != i64::MIN
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
                let idx = y * self.width + x;
                self.stamps[idx] = self.stamps[idx].max(stamp_ns);
                let v = map.data.get(idx).copied().unwrap_or(-1);
                if !(0..OPAQUE_FROM).contains(&v) {
                    break;
                }
            }
        }
    }

    /// Forgets everything seen after `now_ns` (the clock jumped back).
    pub fn forget_after(&mut self, now_ns: i64) {
        for s in &mut self.stamps {
            if *s > now_ns {
                *s = i64::MIN;
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
        assert!(g.stamps.iter().all(|s| *s == i64::MIN));
        // A camera outside the grid marks nothing and does not panic.
        g.mark(&map, V2::new(-20.0, 5.0), 0.0, ViewCone::default(), 1);
        assert!(g.stamps.iter().all(|s| *s == i64::MIN));
    }

    #[test]
    fn a_clock_jump_back_forgets_looks_from_the_future() {
        let map = walled_map();
        let mut g = SeenGrid::for_map(&map);
        g.mark(&map, V2::new(1.0, 5.0), 0.0, ViewCone::default(), 100);
        g.forget_after(50);
        assert!(g.stamps.iter().all(|s| *s == i64::MIN));
    }
}
