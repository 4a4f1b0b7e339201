//! How far the robot's body can travel along a commanded arc before it touches a scan point.
//!
//! Exact for a disc robot: the centre moves on a circle of radius `R = v / w` about the
//! instantaneous centre of rotation `c = (0, R)`; a point `p` at distance `rho` from `c` is
//! touched when the angle between the centre and `p` (seen from `c`) closes to `delta`, where
//! `|centre - p| = r` gives `cos(delta) = (R^2 + rho^2 - r^2) / (2 |R| rho)` (law of cosines).
//! Points outside the annulus `|rho - |R|| < r` are never touched and are rejected with
//! squared distances only, so a typical command costs a few flops per point.

use embodia_world::V2;

/// A point within the margin is kept this much short of its present distance, m: far below
/// any sensor's resolution, far above rounding, so the exact arc test sees motion toward the
/// point as touching it at once and motion tangent to it as free.
const NEAREST_SLACK_M: f64 = 1e-4;

/// The ring just outside the body where unobserved space touching the body is sampled, m.
pub(crate) const RIM_GAP_M: f64 = 0.001;

/// Scan points that could be reached within the gate's look-ahead, in the robot frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NearbyPoints {
    points: Vec<V2>,
    /// Travel beyond this is never checked; reported free distances saturate here.
    reach: f64,
}

impl NearbyPoints {
    /// Keeps the points within `reach + radius` of the robot centre.
    pub fn new(points: &[V2], radius: f64, reach: f64) -> Self {
        let mut n = Self::default();
        n.refill(points, radius, reach);
        n
    }

    /// As [`Self::new`], reusing this buffer (no allocation once it is large enough).
    pub fn refill(&mut self, points: &[V2], radius: f64, reach: f64) {
        let keep = (reach + radius).powi(2);
        self.points.clear();
        self.points
            .extend(points.iter().copied().filter(|p| p.norm_squared() <= keep));
        self.reach = reach;
    }

    /// As [`Self::refill`], from segments instead of points: each segment is sampled every
    /// `step` metres within `reach + radius` of the centre, and samples inside the body disc
    /// are left out (the body is there; nothing else can be). A disc cannot slip between
    /// samples: it would pass within `step^2 / (8 radius)` of the segment at most.
    pub fn refill_from_segments(
        &mut self,
        segments: &[(V2, V2)],
        radius: f64,
        reach: f64,
        step: f64,
    ) {
        let keep = reach + radius;
        self.points.clear();
        self.reach = reach;
        for (a, b) in segments {
            let d = b - a;
            // The part of a + t d, t in [0, 1], within `keep` of the origin.
            let (qa, qb, qc) = (
                d.norm_squared(),
                2.0 * a.dot(&d),
                a.norm_squared() - keep * keep,
            );
            let (t0, t1) = if qa < 1e-18 {
                if qc > 0.0 {
                    continue;
                }
                (0.0, 0.0)
            } else {
                let disc = qb * qb - 4.0 * qa * qc;
                if disc < 0.0 {
                    continue;
                }
                let root = disc.sqrt();
                (
                    ((-qb - root) / (2.0 * qa)).max(0.0),
                    ((-qb + root) / (2.0 * qa)).min(1.0),
                )
            };
            if t0 > t1 {
                continue;
            }
            let length = (t1 - t0) * qa.sqrt();
            let n = (length / step).ceil().max(1.0) as usize;
            for k in 0..=n {
                let p = a + d * (t0 + (t1 - t0) * k as f64 / n as f64);
                if p.norm_squared() >= radius * radius {
                    self.points.push(p);
                }
            }
            // Where the segment crosses the ring just outside the body: the samples above may
            // fall up to a step past it, and a body moving along its own rim would slip into
            // that gap. (On the rim itself a crossing would block motion away from the edge
            // too: the body leaves a sliver narrower than the ring on its way.)
            self.points
                .extend(rim_crossings(*a, d, radius + RIM_GAP_M, t0, t1));
        }
    }

    /// Adds points (already chosen) to those kept.
    pub fn extend(&mut self, points: impl IntoIterator<Item = V2>) {
        self.points.extend(points);
    }

    /// The points kept.
    pub fn points(&self) -> &[V2] {
        &self.points
    }

    /// Distance the centre can travel along the arc of `(v, w)` (direction from their signs;
    /// only the ratio matters) before a disc of `radius` touches a point, capped at the reach.
    /// Points the body already overlaps count only if the motion closes on them.
    pub fn free_distance(&self, v: f64, w: f64, radius: f64) -> f64 {
        self.free_distance_keeping(v, w, radius, 0.0)
    }

    /// Travel along the arc of `(v, w)` that still leaves `margin` between the body and every
    /// point: the least of the free distance less the margin (head on, and for any motion
    /// that brings a point within the margin closer to the body's edge) and
    /// [`Self::free_distance_keeping`] (an arc that grazes a point). Negative when a point
    /// within the margin is closed on.
    pub fn room(&self, v: f64, w: f64, radius: f64, margin: f64) -> f64 {
        let touch = self.free_distance(v, w, radius) - margin;
        touch.min(self.free_distance_keeping(v, w, radius, margin))
    }

    /// As [`Self::free_distance`] for the body grown by `margin` all round: the travel before
    /// the body comes within `margin` of a point, beside it as well as ahead. A point already
    /// within the margin keeps the clearance it has (less [`NEAREST_SLACK_M`]): motion that
    /// closes on it is not free, motion that does not (turning away, leaving) is.
    pub fn free_distance_keeping(&self, v: f64, w: f64, radius: f64, margin: f64) -> f64 {
        if v == 0.0 {
            return self.reach; // turning in place never moves a disc
        }
        let grown2 = (radius + margin).powi(2);
        // The disc that must not touch `p`: grown by the margin, or by what is left of it.
        let disc = |p: &V2| {
            let n2 = p.norm_squared();
            if n2 >= grown2 {
                radius + margin
            } else {
                (n2.sqrt() - NEAREST_SLACK_M).max(radius)
            }
        };
        let mut best = self.reach;
        let forward = v.signum();
        // Nearly straight: the corridor test is exact and better conditioned.
        if w.abs() < 1e-6 * v.abs() {
            for p in &self.points {
                let r = disc(p);
                let (ahead, side) = (p.x * forward, p.y);
                if side.abs() >= r {
                    continue;
                }
                let d = ahead - (r * r - side * side).sqrt();
                if d < 0.0 {
                    if p.norm_squared() < r * r && ahead > 0.0 {
                        return 0.0;
                    }
                    continue;
                }
                best = best.min(d);
            }
            return best;
        }
        let big_r = v / w; // signed turning radius; centre of rotation at (0, big_r)
        let abs_r = big_r.abs();
        // The centre starts at angle a0 about (0, big_r) and moves with the sign of w.
        let a0 = (-big_r).atan2(0.0);
        let turn = w.signum();
        for p in &self.points {
            let r = disc(p);
            let q = V2::new(p.x, p.y - big_r);
            let rho2 = q.norm_squared();
            if rho2 <= (abs_r - r).max(0.0).powi(2) || rho2 >= (abs_r + r).powi(2) {
                continue;
            }
            if p.norm_squared() < r * r {
                // Already touching: blocking only if the centre moves toward it.
                if p.x * forward > 0.0 {
                    return 0.0;
                }
                continue;
            }
            let rho = rho2.sqrt();
            let cos_delta = ((abs_r * abs_r + rho2 - r * r) / (2.0 * abs_r * rho)).clamp(-1.0, 1.0);
            let delta = cos_delta.acos();
            let ap = q.y.atan2(q.x);
            let travel = ((ap - a0) * turn).rem_euclid(std::f64::consts::TAU) - delta;
            if travel >= 0.0 {
                best = best.min(travel * abs_r);
            }
        }
        best
    }
}

/// The points of `a + t d`, `t` in `t0..=t1`, on the circle of `radius` about the origin.
fn rim_crossings(a: V2, d: V2, radius: f64, t0: f64, t1: f64) -> impl Iterator<Item = V2> {
    let (qa, qb, qc) = (
        d.norm_squared(),
        2.0 * a.dot(&d),
        a.norm_squared() - radius * radius,
    );
    let disc = qb * qb - 4.0 * qa * qc;
    let roots = if qa < 1e-18 || disc < 0.0 {
        [None, None]
    } else {
        let root = disc.sqrt();
        [
            Some((-qb - root) / (2.0 * qa)),
            Some((-qb + root) / (2.0 * qa)),
        ]
    };
    roots
        .into_iter()
        .flatten()
        .filter(move |t| (t0..=t1).contains(t))
        .map(move |t| a + d * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_ahead_free_distance_stops_at_the_body_edge() {
        let pts = NearbyPoints::new(&[V2::new(2.0, 0.0), V2::new(1.0, 0.5)], 0.2, 5.0);
        assert!((pts.free_distance(0.5, 0.0, 0.2) - 1.8).abs() < 1e-12);
        assert!(
            (pts.free_distance(-0.5, 0.0, 0.2) - 5.0).abs() < 1e-12,
            "nothing behind"
        );
        assert_eq!(
            pts.free_distance(0.0, 1.0, 0.2),
            5.0,
            "turning in place is free"
        );
    }

    #[test]
    fn an_arc_touches_the_point_where_the_circle_says() {
        // Quarter circle of radius 1 to the left ends at (1, 1) heading +y; a point at (1, 1.5)
        // is touched when the centre is 0.2 before it along the circle's tangent... compare
        // with a fine brute-force sweep.
        let p = V2::new(1.0, 1.5);
        let pts = NearbyPoints::new(&[p], 0.2, 10.0);
        let exact = pts.free_distance(0.5, 0.5, 0.2);
        let mut s = 0.0_f64;
        loop {
            let a = s; // radius 1: angle = arc length
            let c = V2::new(a.sin(), 1.0 - a.cos());
            if (c - p).norm() <= 0.2 {
                break;
            }
            s += 1e-5;
        }
        assert!((exact - s).abs() < 1e-4, "{exact} vs {s}");
    }

    #[test]
    fn a_point_the_body_already_touches_blocks_only_motion_toward_it() {
        let pts = NearbyPoints::new(&[V2::new(0.15, 0.0)], 0.2, 5.0);
        assert_eq!(pts.free_distance(0.3, 0.0, 0.2), 0.0);
        assert_eq!(pts.free_distance(-0.3, 0.0, 0.2), 5.0);
        assert_eq!(pts.free_distance(0.3, 0.4, 0.2), 0.0);
    }
}
