//! Planar shapes and the three questions the simulator asks of them: where does a ray hit,
//! how far is a point, and is a point inside.

use nalgebra::Vector2;

/// A point or vector in the plane, metres.
pub type V2 = Vector2<f64>;

/// A solid rectangle of any orientation: a wall segment thickened to `2 * half_width`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Centre.
    pub center: V2,
    /// Unit vector along the long axis.
    pub axis: V2,
    /// Half the length along `axis`.
    pub half_length: f64,
    /// Half the extent across `axis`.
    pub half_width: f64,
}

impl Rect {
    /// The wall from `a` to `b`, `thickness` thick, extended by half the thickness at both
    /// ends so that walls meeting at a corner close it.
    pub fn wall(a: V2, b: V2, thickness: f64) -> Self {
        let d = b - a;
        let len = d.norm();
        let axis = if len > 1e-12 {
            d / len
        } else {
            V2::new(1.0, 0.0)
        };
        Self {
            center: (a + b) * 0.5,
            axis,
            half_length: len * 0.5 + thickness * 0.5,
            half_width: thickness * 0.5,
        }
    }

    fn local_point(&self, p: V2) -> V2 {
        let d = p - self.center;
        V2::new(d.dot(&self.axis), self.axis.perp(&d))
    }

    fn local_dir(&self, d: V2) -> V2 {
        V2::new(d.dot(&self.axis), self.axis.perp(&d))
    }

    /// Distance from `p` to the rectangle (0 inside).
    pub fn distance(&self, p: V2) -> f64 {
        let l = self.local_point(p);
        let dx = (l.x.abs() - self.half_length).max(0.0);
        let dy = (l.y.abs() - self.half_width).max(0.0);
        dx.hypot(dy)
    }

    /// Parameter `t >= 0` where the ray `origin + t * dir` (unit `dir`) first meets the
    /// rectangle, by the slab method in the rectangle's frame; 0 if `origin` is inside.
    pub fn ray(&self, origin: V2, dir: V2) -> Option<f64> {
        let o = self.local_point(origin);
        let d = self.local_dir(dir);
        slab_2d(o, d, V2::new(self.half_length, self.half_width))
    }

    /// The four corners, for separating-axis tests.
    pub fn corners(&self) -> [V2; 4] {
        let u = self.axis * self.half_length;
        let v = V2::new(-self.axis.y, self.axis.x) * self.half_width;
        [
            self.center + u + v,
            self.center - u + v,
            self.center - u - v,
            self.center + u - v,
        ]
    }

    /// Whether the rectangle overlaps the axis-aligned box `[min, max]` with positive area
    /// (separating axes; touching edges do not count).
    pub fn overlaps_aabb(&self, min: V2, max: V2) -> bool {
        let corners = self.corners();
        let box_corners = [min, V2::new(max.x, min.y), max, V2::new(min.x, max.y)];
        let axes = [
            V2::new(1.0, 0.0),
            V2::new(0.0, 1.0),
            self.axis,
            V2::new(-self.axis.y, self.axis.x),
        ];
        axes.iter().all(|ax| {
            let (a0, a1) = project(&corners, ax);
            let (b0, b1) = project(&box_corners, ax);
            a0 < b1 && b0 < a1
        })
    }

    /// Axis-aligned bounds.
    pub fn aabb(&self) -> (V2, V2) {
        let c = self.corners();
        let min = c.iter().fold(V2::repeat(f64::INFINITY), |m, p| m.inf(p));
        let max = c
            .iter()
            .fold(V2::repeat(f64::NEG_INFINITY), |m, p| m.sup(p));
        (min, max)
    }
}

fn project(points: &[V2], axis: &V2) -> (f64, f64) {
    points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            let s = p.dot(axis);
            (lo.min(s), hi.max(s))
        })
}

/// Ray against the box `|x| <= half.x, |y| <= half.y`.
fn slab_2d(o: V2, d: V2, half: V2) -> Option<f64> {
    let mut t0 = f64::NEG_INFINITY;
    let mut t1 = f64::INFINITY;
    for i in 0..2 {
        if d[i].abs() < 1e-15 {
            if o[i].abs() > half[i] {
                return None;
            }
        } else {
            let inv = 1.0 / d[i];
            let (a, b) = ((-half[i] - o[i]) * inv, (half[i] - o[i]) * inv);
            t0 = t0.max(a.min(b));
            t1 = t1.min(a.max(b));
        }
    }
    (t1 >= t0.max(0.0)).then_some(t0.max(0.0))
}

/// A solid disc.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    /// Centre.
    pub center: V2,
    /// Radius.
    pub radius: f64,
}

impl Circle {
    /// Distance from `p` to the disc (0 inside).
    pub fn distance(&self, p: V2) -> f64 {
        ((p - self.center).norm() - self.radius).max(0.0)
    }

    /// Parameter `t >= 0` where the ray (unit `dir`) first meets the disc; 0 if inside.
    pub fn ray(&self, origin: V2, dir: V2) -> Option<f64> {
        let oc = origin - self.center;
        let b = oc.dot(&dir);
        let c = oc.norm_squared() - self.radius * self.radius;
        if c <= 0.0 {
            return Some(0.0);
        }
        let disc = b * b - c;
        if disc < 0.0 || b > 0.0 {
            return None;
        }
        Some(-b - disc.sqrt())
    }

    /// Whether the disc overlaps the axis-aligned box `[min, max]` (touching does not count).
    pub fn overlaps_aabb(&self, min: V2, max: V2) -> bool {
        let nearest = self.center.sup(&min).inf(&max);
        (nearest - self.center).norm_squared() < self.radius * self.radius
    }
}

/// A simple polygon (places, keep-out zones), vertices in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    /// Vertices, not repeating the first at the end.
    pub points: Vec<V2>,
}

impl Polygon {
    /// Whether `p` is inside (even-odd rule; points on an edge may go either way).
    pub fn contains(&self, p: V2) -> bool {
        let n = self.points.len();
        let mut inside = false;
        let mut j = n.wrapping_sub(1);
        for i in 0..n {
            let (a, b) = (self.points[i], self.points[j]);
            if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
                inside = !inside;
            }
            j = i;
        }
        inside
    }

    /// Distance from `p` to the polygon's boundary.
    pub fn boundary_distance(&self, p: V2) -> f64 {
        let n = self.points.len();
        (0..n)
            .map(|i| segment_distance(p, self.points[i], self.points[(i + 1) % n]))
            .fold(f64::INFINITY, f64::min)
    }

    /// Whether a disc of `radius` at `p` overlaps the polygon's area.
    pub fn overlaps_disc(&self, p: V2, radius: f64) -> bool {
        self.contains(p) || self.boundary_distance(p) < radius
    }

    /// Signed area (positive when counter-clockwise).
    pub fn signed_area(&self) -> f64 {
        let n = self.points.len();
        0.5 * (0..n)
            .map(|i| self.points[i].perp(&self.points[(i + 1) % n]))
            .sum::<f64>()
    }

    /// Area-weighted centre.
    pub fn centroid(&self) -> V2 {
        let n = self.points.len();
        let a = self.signed_area();
        if a.abs() < 1e-12 {
            return self.points.iter().sum::<V2>() / n.max(1) as f64;
        }
        let mut c = V2::zeros();
        for i in 0..n {
            let (p, q) = (self.points[i], self.points[(i + 1) % n]);
            c += (p + q) * p.perp(&q);
        }
        c / (6.0 * a)
    }
}

/// Distance from `p` to the segment `ab`.
pub fn segment_distance(p: V2, a: V2, b: V2) -> f64 {
    let ab = b - a;
    let len2 = ab.norm_squared();
    let t = if len2 > 0.0 {
        ((p - a).dot(&ab) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p - (a + ab * t)).norm()
}

/// Wraps an angle into (-pi, pi].
pub fn wrap_angle(a: f64) -> f64 {
    let w = a.rem_euclid(std::f64::consts::TAU);
    if w > std::f64::consts::PI {
        w - std::f64::consts::TAU
    } else {
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ray_meets_a_wall_at_its_face_not_its_centre_line() {
        let wall = Rect::wall(V2::new(5.0, -2.0), V2::new(5.0, 2.0), 0.1);
        let t = wall.ray(V2::zeros(), V2::new(1.0, 0.0)).unwrap();
        assert!((t - 4.95).abs() < 1e-12);
        assert!(wall.ray(V2::zeros(), V2::new(-1.0, 0.0)).is_none());
        assert!(wall.ray(V2::zeros(), V2::new(0.0, 1.0)).is_none());
    }

    #[test]
    fn ray_meets_a_diagonal_wall_where_trigonometry_says() {
        // Wall along y = 3 - x; its near face is 0.05 closer along the normal.
        let wall = Rect::wall(V2::new(0.0, 3.0), V2::new(3.0, 0.0), 0.1);
        let dir = V2::new(1.0, 1.0).normalize();
        let t = wall.ray(V2::zeros(), dir).unwrap();
        assert!((t - (3.0 / 2f64.sqrt() - 0.05)).abs() < 1e-9, "{t}");
    }

    #[test]
    fn ray_meets_a_circle_at_its_rim() {
        let c = Circle {
            center: V2::new(3.0, 0.0),
            radius: 0.5,
        };
        assert!((c.ray(V2::zeros(), V2::new(1.0, 0.0)).unwrap() - 2.5).abs() < 1e-12);
        assert!(c.ray(V2::zeros(), V2::new(-1.0, 0.0)).is_none());
        assert_eq!(c.ray(V2::new(3.0, 0.1), V2::new(1.0, 0.0)), Some(0.0));
    }

    #[test]
    fn distances_to_shapes() {
        let wall = Rect::wall(V2::new(0.0, 0.0), V2::new(4.0, 0.0), 0.1);
        assert!((wall.distance(V2::new(2.0, 1.0)) - 0.95).abs() < 1e-12);
        assert!((wall.distance(V2::new(5.05, 0.0)) - 1.0).abs() < 1e-12);
        assert_eq!(wall.distance(V2::new(2.0, 0.01)), 0.0);
    }

    #[test]
    fn polygon_inside_and_disc_overlap() {
        let sq = Polygon {
            points: vec![
                V2::new(0.0, 0.0),
                V2::new(2.0, 0.0),
                V2::new(2.0, 2.0),
                V2::new(0.0, 2.0),
            ],
        };
        assert!(sq.contains(V2::new(1.0, 1.0)));
        assert!(!sq.contains(V2::new(2.5, 1.0)));
        assert!(sq.overlaps_disc(V2::new(2.1, 1.0), 0.2));
        assert!(!sq.overlaps_disc(V2::new(2.5, 1.0), 0.2));
        assert!((sq.signed_area() - 4.0).abs() < 1e-12);
        assert!((sq.centroid() - V2::new(1.0, 1.0)).norm() < 1e-12);
    }

    #[test]
    fn rect_aabb_overlap_by_separating_axes() {
        let diag = Rect::wall(V2::new(0.0, 0.0), V2::new(2.0, 2.0), 0.1);
        assert!(diag.overlaps_aabb(V2::new(0.9, 0.9), V2::new(1.1, 1.1)));
        assert!(!diag.overlaps_aabb(V2::new(1.5, 0.2), V2::new(1.7, 0.4)));
    }

    #[test]
    fn angles_wrap_into_half_open_interval() {
        assert!((wrap_angle(3.0 * std::f64::consts::PI) - std::f64::consts::PI).abs() < 1e-12);
        assert!((wrap_angle(-0.5) + 0.5).abs() < 1e-12);
    }
}
