//! Pure pursuit along a path of waypoints (Coulter, "Implementation of the Pure Pursuit Path
//! Tracking Algorithm", CMU-RI-TR-92-01): steer on the circle through a look-ahead point,
//! turning in place first when the heading error is large.

use embodia_world::V2;
use embodia_world::geometry::wrap_angle;

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
}

impl Default for FollowConfig {
    fn default() -> Self {
        Self {
            lookahead: 0.45,
            cruise_speed: 0.45,
            max_turn_rate: 1.2,
            rotate_in_place_above: 0.9,
            slow_radius: 0.6,
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
            .find(|q| (*q - p).norm() >= c.lookahead)
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
