//! Differential-drive kinematics with acceleration limits and rigid contacts.
//!
//! Each step moves the commanded velocity toward the target by at most `accel * dt`, then
//! integrates the exact circular arc. If the arc would make the body disc overlap a wall or
//! a solid object, the robot advances only to the point of contact (found by bisection on
//! the arc) and stops dead — what a bumper-stop base does. A contact counts once, when it
//! begins; pushing on against the same wall is the same contact.

use embodia_world::geometry::{V2, wrap_angle};
use embodia_world::world::RobotSpec;

/// Pose in the plane: position and heading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose2 {
    /// x, metres.
    pub x: f64,
    /// y, metres.
    pub y: f64,
    /// Heading, radians in (-pi, pi].
    pub theta: f64,
}

impl Pose2 {
    /// The pose (x, y, theta).
    pub fn new(x: f64, y: f64, theta: f64) -> Self {
        Self { x, y, theta }
    }

    /// The position.
    pub fn position(&self) -> V2 {
        V2::new(self.x, self.y)
    }

    /// Where the robot is after driving `v` m/s and turning `w` rad/s for `dt` s.
    pub fn advanced(&self, v: f64, w: f64, dt: f64) -> Pose2 {
        let dtheta = w * dt;
        let (dx, dy) = if dtheta.abs() < 1e-9 {
            let mid = self.theta + 0.5 * dtheta;
            (v * dt * mid.cos(), v * dt * mid.sin())
        } else {
            let r = v / w;
            (
                r * ((self.theta + dtheta).sin() - self.theta.sin()),
                -r * ((self.theta + dtheta).cos() - self.theta.cos()),
            )
        };
        Pose2::new(self.x + dx, self.y + dy, wrap_angle(self.theta + dtheta))
    }
}

/// The robot's body state.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffDrive {
    /// Where it is.
    pub pose: Pose2,
    /// Forward velocity, m/s.
    pub v: f64,
    /// Turn rate, rad/s.
    pub w: f64,
    /// Whether the body is against an obstacle after the last step.
    pub in_contact: bool,
    /// Contacts begun so far.
    pub contacts: u64,
    spec: RobotSpec,
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepReport {
    /// A new contact began in this step.
    pub new_contact: bool,
    /// Distance moved, metres.
    pub moved: f64,
}

fn approach(current: f64, target: f64, max_delta: f64) -> f64 {
    current + (target - current).clamp(-max_delta, max_delta)
}

impl DiffDrive {
    /// A robot at rest at its start pose.
    pub fn new(spec: RobotSpec) -> Self {
        Self {
            pose: Pose2::new(spec.start[0], spec.start[1], wrap_angle(spec.start[2])),
            v: 0.0,
            w: 0.0,
            in_contact: false,
            contacts: 0,
            spec,
        }
    }

    /// The body's radius, metres.
    pub fn radius(&self) -> f64 {
        self.spec.radius
    }

    /// Advances `dt` seconds toward the target velocity. `clearance(p)` is the distance from
    /// `p` to the nearest obstacle; the body overlaps one where it is below the radius.
    pub fn step(
        &mut self,
        target_v: f64,
        target_w: f64,
        dt: f64,
        clearance: impl Fn(V2) -> f64,
    ) -> StepReport {
        let s = &self.spec;
        let (tv, tw) = if target_v.is_finite() && target_w.is_finite() {
            (
                target_v.clamp(-s.max_linear, s.max_linear),
                target_w.clamp(-s.max_angular, s.max_angular),
            )
        } else {
            (0.0, 0.0)
        };
        self.v = approach(self.v, tv, s.max_linear_accel * dt);
        self.w = approach(self.w, tw, s.max_angular_accel * dt);

        let free = |p: &Pose2| clearance(p.position()) >= s.radius;
        let full = self.pose.advanced(self.v, self.w, dt);
        let start = self.pose.position();
        if free(&full) {
            self.pose = full;
            self.in_contact = false;
            return StepReport {
                new_contact: false,
                moved: (full.position() - start).norm(),
            };
        }
        // Contact: bisect for the furthest free fraction of the arc.
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        for _ in 0..20 {
            let mid = 0.5 * (lo + hi);
            if free(&self.pose.advanced(self.v, self.w, dt * mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        self.pose = self.pose.advanced(self.v, self.w, dt * lo);
        self.v = 0.0;
        self.w = 0.0;
        let new_contact = !self.in_contact;
        if new_contact {
            self.contacts += 1;
        }
        self.in_contact = true;
        StepReport {
            new_contact,
            moved: (self.pose.position() - start).norm(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> RobotSpec {
        RobotSpec {
            start: [0.0, 0.0, 0.0],
            radius: 0.2,
            max_linear: 0.5,
            max_angular: 1.5,
            max_linear_accel: 1.0,
            max_angular_accel: 3.0,
        }
    }

    const OPEN: fn(V2) -> f64 = |_| f64::INFINITY;

    #[test]
    fn one_metre_at_half_a_metre_per_second_takes_two_seconds_plus_the_ramp() {
        // Ramp to 0.5 m/s at 1 m/s^2 takes 0.5 s and covers 0.125 m; the remaining 0.875 m
        // at 0.5 m/s take 1.75 s: 2.25 s = 1/v + v/(2a).
        let mut r = DiffDrive::new(spec());
        let dt = 0.01;
        let mut t = 0.0;
        while r.pose.x < 1.0 {
            r.step(0.5, 0.0, dt, OPEN);
            t += dt;
        }
        assert!((t - 2.25_f64).abs() <= dt + 1e-9, "took {t} s");
        assert!(r.pose.y.abs() < 1e-12 && r.pose.theta == 0.0);
    }

    #[test]
    fn speed_never_exceeds_limits_whatever_is_asked() {
        let mut r = DiffDrive::new(spec());
        for _ in 0..300 {
            r.step(5.0, -9.0, 0.01, OPEN);
            assert!(r.v <= 0.5 && r.w >= -1.5);
        }
        assert_eq!((r.v, r.w), (0.5, -1.5));
        r.step(f64::NAN, 0.0, 0.01, OPEN);
        assert!(r.v < 0.5, "NaN command decelerates toward zero");
    }

    #[test]
    fn constant_turn_traces_a_circle() {
        let mut r = DiffDrive::new(spec());
        r.v = 0.5;
        r.w = 1.0;
        for _ in 0..100 {
            r.step(0.5, 1.0, 0.01, OPEN);
        }
        // Radius v/w = 0.5 about (0, 0.5).
        let d = (r.pose.position() - V2::new(0.0, 0.5)).norm();
        assert!((d - 0.5).abs() < 1e-9, "{d}");
    }

    #[test]
    fn wall_stops_the_robot_at_contact_and_counts_once() {
        // A wall whose face is at x = 1.0.
        let wall = |p: V2| 1.0 - p.x;
        let mut r = DiffDrive::new(spec());
        for _ in 0..500 {
            r.step(0.5, 0.0, 0.01, wall);
        }
        assert!((r.pose.x - 0.8).abs() < 1e-4, "stopped at {}", r.pose.x);
        assert_eq!(r.contacts, 1);
        assert!(r.in_contact);
        // Back off, come again: a second contact.
        for _ in 0..100 {
            r.step(-0.5, 0.0, 0.01, wall);
        }
        assert!(!r.in_contact);
        for _ in 0..300 {
            r.step(0.5, 0.0, 0.01, wall);
        }
        assert_eq!(r.contacts, 2);
    }
}
