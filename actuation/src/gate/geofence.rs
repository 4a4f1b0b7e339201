//! Keep-out zones: would the robot, given this command and then braking, enter one?

use embodia_world::{Polygon, V2};

/// The robot's pose in the map frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanarPose {
    /// x, m.
    pub x: f64,
    /// y, m.
    pub y: f64,
    /// Heading, rad.
    pub theta: f64,
}

/// Centre of the robot after travelling arc length `s` (signed by `v`) on the arc of `(v, w)`.
fn along_arc(pose: &PlanarPose, v: f64, w: f64, s: f64) -> V2 {
    let s = s * v.signum();
    if w.abs() < 1e-9 * v.abs().max(1e-9) || v == 0.0 {
        return V2::new(pose.x + s * pose.theta.cos(), pose.y + s * pose.theta.sin());
    }
    let k = w / v; // curvature
    let dth = s * k;
    V2::new(
        pose.x + ((pose.theta + dth).sin() - pose.theta.sin()) / k,
        pose.y - ((pose.theta + dth).cos() - pose.theta.cos()) / k,
    )
}

/// Whether the disc stays out of every zone along the first `distance` metres of the arc.
pub fn path_clear(
    zones: &[Polygon],
    pose: &PlanarPose,
    v: f64,
    w: f64,
    distance: f64,
    radius: f64,
    step: f64,
) -> bool {
    let here = V2::new(pose.x, pose.y);
    let n = (distance / step).ceil().max(1.0) as usize;
    // Between two samples `h` apart along the arc the centre stays within `h / 2` of one of
    // them, however tight the arc: checking a disc that much larger leaves no gap between.
    let slack = 0.5 * distance / n as f64;
    let reachable =
        |z: &&Polygon| z.contains(here) || z.boundary_distance(here) < distance + radius + slack;
    if v == 0.0 || !zones.iter().any(|z| reachable(&z)) {
        return true;
    }
    (1..=n).all(|i| {
        let c = along_arc(pose, v, w, distance * i as f64 / n as f64);
        zones
            .iter()
            .filter(reachable)
            .all(|z| !z.overlaps_disc(c, radius + slack))
    })
}
