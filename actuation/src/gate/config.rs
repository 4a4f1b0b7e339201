//! The gate's limits. Nothing a planner, a task or a sensor string says can change them:
//! they are fixed when the gate is built, from the operator's parameters.

use serde::Serialize;

/// Limits and timings the gate enforces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateConfig {
    /// Largest |linear| speed out, m/s.
    pub max_linear: f64,
    /// Largest |angular| speed out, rad/s.
    pub max_angular: f64,
    /// Largest rise of |linear| per second, m/s^2.
    pub max_linear_accel: f64,
    /// Braking the robot can do, m/s^2: the ramp-down allowed for ordinary commands and the
    /// deceleration the stopping distance assumes.
    pub max_linear_decel: f64,
    /// Largest change of angular speed per second, rad/s^2.
    pub max_angular_accel: f64,
    /// Radius of the robot's body disc, m.
    pub robot_radius: f64,
    /// Clearance kept between the body and anything the scan shows: ahead once stopped, and
    /// beside the body as it passes, m.
    pub stop_margin: f64,
    /// Beyond the stopping distance, speed ramps down linearly over this distance, m.
    pub slowdown_distance: f64,
    /// Control period, s (part of the reaction time).
    pub control_period_s: f64,
    /// A scan older than this stops the robot, s.
    pub max_scan_age_s: f64,
    /// Odometry older than this stops the robot, s.
    pub max_odom_age_s: f64,
    /// No fresh command from the skill layer for this long stops the robot, s.
    pub deadman_s: f64,
    /// Measured minus commanded linear speed beyond this counts as divergence, m/s.
    pub divergence_linear: f64,
    /// Measured minus commanded angular speed beyond this counts as divergence, rad/s.
    pub divergence_angular: f64,
    /// Divergence lasting this long latches a stop (stuck, slipping, pushed), s.
    pub divergence_time_s: f64,
    /// Scan hits this close to the body's edge are contact, m.
    pub contact_distance: f64,
    /// Beams that must show contact, in two scans running, to latch a collision stop.
    pub contact_beams: usize,
    /// Spacing of the geofence check along the predicted path, m.
    pub geofence_step: f64,
    /// Largest |linear| speed at which the body may move into space the scan did not observe
    /// (it could not stop before it), m/s; zero refuses such motion.
    pub creep_speed: f64,
}

impl Default for GateConfig {
    fn default() -> Self {
        Self {
            max_linear: 0.5,
            max_angular: 1.5,
            max_linear_accel: 0.8,
            max_linear_decel: 1.0,
            max_angular_accel: 3.0,
            robot_radius: 0.18,
            stop_margin: 0.05,
            slowdown_distance: 0.5,
            control_period_s: 0.05,
            max_scan_age_s: 0.5,
            max_odom_age_s: 0.3,
            deadman_s: 0.25,
            divergence_linear: 0.2,
            divergence_angular: 0.8,
            divergence_time_s: 1.5,
            contact_distance: 0.01,
            contact_beams: 3,
            geofence_step: 0.02,
            creep_speed: 0.1,
        }
    }
}

impl GateConfig {
    /// Why the configuration is unusable, if it is: every value must be finite and positive
    /// (margins may be zero), and the braking must be at least as strong as the acceleration.
    pub fn problem(&self) -> Option<String> {
        let positive = [
            ("max_linear", self.max_linear),
            ("max_angular", self.max_angular),
            ("max_linear_accel", self.max_linear_accel),
            ("max_linear_decel", self.max_linear_decel),
            ("max_angular_accel", self.max_angular_accel),
            ("robot_radius", self.robot_radius),
            ("control_period_s", self.control_period_s),
            ("max_scan_age_s", self.max_scan_age_s),
            ("max_odom_age_s", self.max_odom_age_s),
            ("deadman_s", self.deadman_s),
            ("divergence_linear", self.divergence_linear),
            ("divergence_angular", self.divergence_angular),
            ("divergence_time_s", self.divergence_time_s),
            ("geofence_step", self.geofence_step),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Some(format!("{name} = {v} must be a positive number"));
            }
        }
        for (name, v) in [
            ("stop_margin", self.stop_margin),
            ("slowdown_distance", self.slowdown_distance),
            ("contact_distance", self.contact_distance),
            ("creep_speed", self.creep_speed),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Some(format!("{name} = {v} must be zero or positive"));
            }
        }
        if self.max_linear_decel < self.max_linear_accel {
            return Some("max_linear_decel must be at least max_linear_accel".into());
        }
        None
    }

    /// Distance needed to stop from `speed` with reaction time `t_react`:
    /// `v * t_react + v^2 / (2 * decel) + stop_margin`.
    pub fn stopping_distance(&self, speed: f64, t_react: f64) -> f64 {
        let v = speed.abs();
        v * t_react + v * v / (2.0 * self.max_linear_decel) + self.stop_margin
    }

    /// The largest speed whose stopping distance fits in `free` metres: the positive root of
    /// `v^2 / (2a) + v t - (free - margin) = 0`.
    pub fn speed_for_free_distance(&self, free: f64, t_react: f64) -> f64 {
        let room = free - self.stop_margin;
        if room <= 0.0 {
            return 0.0;
        }
        let a = self.max_linear_decel;
        a * (-t_react + (t_react * t_react + 2.0 * room / a).sqrt())
    }

    /// How far ahead the gate ever needs to look: the stopping distance at top speed with the
    /// oldest scan allowed, plus the slow-down zone.
    pub fn reach(&self) -> f64 {
        self.stopping_distance(self.max_linear, self.control_period_s + self.max_scan_age_s)
            + self.slowdown_distance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_for_a_free_distance_inverts_the_stopping_distance() {
        let c = GateConfig::default();
        for free in [0.06, 0.2, 0.5, 1.0] {
            let v = c.speed_for_free_distance(free, 0.15);
            assert!((c.stopping_distance(v, 0.15) - free).abs() < 1e-12);
        }
        assert_eq!(c.speed_for_free_distance(0.04, 0.15), 0.0);
    }

    #[test]
    fn nonsense_limits_are_refused() {
        assert!(GateConfig::default().problem().is_none());
        assert!(
            GateConfig {
                max_linear: f64::NAN,
                ..Default::default()
            }
            .problem()
            .unwrap()
            .contains("max_linear")
        );
        assert!(
            GateConfig {
                deadman_s: -1.0,
                ..Default::default()
            }
            .problem()
            .is_some()
        );
        assert!(
            GateConfig {
                max_linear_decel: 0.1,
                ..Default::default()
            }
            .problem()
            .is_some()
        );
    }
}
