//! Pure pursuit along a path of waypoints (Coulter, "Implementation of the Pure Pursuit Path
//! Tracking Algorithm", CMU-RI-TR-92-01): steer on the circle through a look-ahead point,
//! turning in place first when the heading error is large. Near obstacles the look-ahead
//! shortens until the arc keeps the body clear of the scan by the safety gate's margin, as
//! Nav2's Regulated Pure Pursuit checks its arc for collision: the planned path keeps the
//! costmap's margin, the chord to a far look-ahead point cuts corners that the path does not.

use embodia_world::V2;
use embodia_world::geometry::wrap_angle;

use crate::gate::NearbyPoints;

/// Look-aheads tried, as fractions of the configured one, when the arc to the full one would
/// take the body within the clearance of an obstacle.
const SHORTER_LOOKAHEADS: [f64; 3] = [0.6, 0.35, 0.15];

/// Path-following parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowConfig {
    /// Look-ahead distance, m.
    pub lookahead: f64,
    /// Cruise speed, m/s.
    pub cruise_speed: f64,
    /// Top turn rate, rad/s.
    pub max_turn_rate: f64,
    /// Heading error beyond which the robot turns in place, rad.
    pub rotate_in_place_above: f64,
    /// Within this distance of the end the speed ramps down, m.
    pub slow_radius: f64,
    /// Clearance the body keeps from scan points along the arc it drives, m: more than the
    /// safety gate's `stop_margin` (which stops an arc that comes closer), so the gate slows
    /// the robot near obstacles but never has to hold it against one.
    pub clearance: f64,
}

impl Default for FollowConfig {
    fn default() -> Self {
        Self {
            lookahead: 0.45,
            cruise_speed: 0.45,
            max_turn_rate: 1.2,
            rotate_in_place_above: 0.9,
            slow_radius: 0.6,
            clearance: 0.06,
        }
    }
}

/// Follows one path; remembers how far along it the robot has got.
#[derive(Debug, Clone)]
pub struct PurePursuit {
    path: Vec<V2>,
    progress: usize,
    config: FollowConfig,
}

impl PurePursuit {
    /// Follows `path` (at least one point).
    pub fn new(path: Vec<V2>, config: FollowConfig) -> Self {
        Self {
            path,
            progress: 0,
            config,
        }
    }

    /// The path.
    pub fn path(&self) -> &[V2] {
        &self.path
    }

    /// Index of the waypoint the robot has reached.
    pub fn progress(&self) -> usize {
        self.progress
    }

    /// Distance from `p` to the end of the path, following it from the nearest waypoint.
    pub fn remaining(&self, p: V2) -> f64 {
        let mut d = (self.path[self.progress] - p).norm();
        for pair in self.path[self.progress..].windows(2) {
            d += (pair[1] - pair[0]).norm();
        }
        d
    }

    /// Distance from `p` to the path ahead.
    pub fn cross_track(&self, p: V2) -> f64 {
        let tail = &self.path[self.progress..];
        if tail.len() < 2 {
            return (tail[0] - p).norm();
        }
        tail.windows(2)
            .map(|s| embodia_world::geometry::segment_distance(p, s[0], s[1]))
            .fold(f64::INFINITY, f64::min)
    }

    /// The (v, w) that follows the path from pose `(p, theta)`.
    pub fn command(&mut self, p: V2, theta: f64) -> (f64, f64) {
        self.command_with(p, theta, self.config.lookahead)
    }

    /// As [`Self::command`], keeping a body of `radius` [`FollowConfig::clearance`] clear of
    /// `obstacles` (robot frame) on the way to the look-ahead point: when the arc to it would
    /// come closer, shorter look-aheads are tried, which hug the path (planned clear of what
    /// the map shows); when none is clear, the robot turns toward the nearest one in place, or
    /// stands (an obstacle on the path itself is the caller's to plan around).
    pub fn command_clear(
        &mut self,
        p: V2,
        theta: f64,
        obstacles: &NearbyPoints,
        radius: f64,
    ) -> (f64, f64) {
        let full = self.config.lookahead;
        let mut last = (0.0, 0.0);
        for lookahead in std::iter::once(full).chain(SHORTER_LOOKAHEADS.map(|f| f * full)) {
            let (v, w) = self.command_with(p, theta, lookahead);
            if v == 0.0 {
                return (v, w); // turning in place, or there: the body does not move
            }
            // Free travel needed: the arc to the look-ahead point, at most the look-ahead.
            let free = obstacles.room(v, w, radius, self.config.clearance);
            if free >= lookahead.min(self.remaining(p)) {
                return (v, w);
            }
            last = (v, w);
        }
        // Even the shortest arc comes too close: face its point (if that is a turn at all).
        let (_, w) = last;
        let target_heading = w.signum() * self.config.max_turn_rate.min(0.6);
        if w.abs() > 1e-3 {
            (0.0, target_heading)
        } else {
            (0.0, 0.0)
        }
    }

    fn command_with(&mut self, p: V2, theta: f64, lookahead: f64) -> (f64, f64) {
        let c = &self.config;
        // Advance progress to the nearest waypoint ahead (never backwards).
        let window = (self.progress + 40).min(self.path.len());
        if let Some((i, _)) = self.path[self.progress..window]
            .iter()
            .enumerate()
            .map(|(i, q)| (i, (q - p).norm()))
            .min_by(|a, b| a.1.total_cmp(&b.1))
        {
            self.progress += i;
        }
        let target = self.path[self.progress..]
            .iter()
            .find(|q| (*q - p).norm() >= lookahead)
            .copied()
            .unwrap_or(*self.path.last().expect("a path has points"));
        let to = target - p;
        let dist = to.norm();
        if dist < 1e-6 {
            return (0.0, 0.0);
        }
        let alpha = wrap_angle(to.y.atan2(to.x) - theta);
        if alpha.abs() > c.rotate_in_place_above {
            return (0.0, (2.0 * alpha).clamp(-c.max_turn_rate, c.max_turn_rate));
        }
        let end = self.remaining(p);
        let v = c.cruise_speed
            * (end / c.slow_radius).clamp(0.15, 1.0)
            * (1.0 - alpha.abs() / (1.5 * c.rotate_in_place_above));
        // Curvature of the arc through the look-ahead point: 2 sin(alpha) / L.
        let w = (v * 2.0 * alpha.sin() / dist).clamp(-c.max_turn_rate, c.max_turn_rate);
        (v, w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_path_ahead_is_followed_straight() {
        let path = (0..20).map(|i| V2::new(i as f64 * 0.1, 0.0)).collect();
        let mut pp = PurePursuit::new(path, FollowConfig::default());
        let (v, w) = pp.command(V2::new(0.0, 0.0), 0.0);
        assert!(v > 0.3 && w.abs() < 1e-9);
    }

    #[test]
    fn a_path_behind_makes_the_robot_turn_in_place_first() {
        let path = (0..20).map(|i| V2::new(-(i as f64) * 0.1, 0.0)).collect();
        let mut pp = PurePursuit::new(path, FollowConfig::default());
        let (v, w) = pp.command(V2::new(0.0, 0.0), 0.0);
        assert_eq!(v, 0.0);
        assert!(w.abs() > 1.0);
    }

    #[test]
    fn near_an_obstacle_the_arc_hugs_the_path_instead_of_cutting_the_corner() {
        // The path goes 0.3 m ahead, then turns left; a post sits inside the corner, where the
        // chord to the full look-ahead point would pass 2 cm from it.
        let mut path: Vec<V2> = (0..=6).map(|i| V2::new(i as f64 * 0.05, 0.0)).collect();
        path.extend((1..=10).map(|i| V2::new(0.3, i as f64 * 0.05)));
        let mut pp = PurePursuit::new(path, FollowConfig::default());
        let post = NearbyPoints::new(&[V2::new(0.36, 0.33)], 0.18, 1.0);
        let full = pp.command(V2::zeros(), 0.0);
        let clearance = FollowConfig::default().clearance;
        assert!(post.room(full.0, full.1, 0.18, clearance) < 0.45);
        let (v, w) = pp.command_clear(V2::zeros(), 0.0, &post, 0.18);
        assert!(v > 0.0, "still drives: ({v}, {w})");
        assert!(
            w < full.1,
            "turns less sharply than the chord: {w} vs {}",
            full.1
        );
        assert!(post.room(v, w, 0.18, clearance) >= 0.45 * 0.15);
        // Nothing near: the full look-ahead, as before.
        let far = NearbyPoints::new(&[V2::new(3.0, 3.0)], 0.18, 1.0);
        assert_eq!(pp.command_clear(V2::zeros(), 0.0, &far, 0.18), full);
    }

    #[test]
    fn following_converges_onto_an_offset_path() {
        let path: Vec<V2> = (0..60).map(|i| V2::new(i as f64 * 0.1, 1.0)).collect();
        let mut pp = PurePursuit::new(path, FollowConfig::default());
        let (mut p, mut th) = (V2::new(0.0, 0.6), 0.0_f64);
        // 5.9 m at up to 0.45 m/s, slowing at the end: 20 s is ample.
        for _ in 0..1000 {
            let (v, w) = pp.command(p, th);
            p += V2::new(th.cos(), th.sin()) * v * 0.02;
            th += w * 0.02;
        }
        assert!((p.y - 1.0).abs() < 0.05, "converged to y = {}", p.y);
        assert!(pp.remaining(p) < 0.2);
    }
}
