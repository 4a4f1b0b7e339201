//! The safety gate: the only way to `/cmd_vel`.
//!
//! [`SafetyGate`] owns the velocity sink; skills hand it a command each control tick and it
//! decides what the robot actually gets. It never consults the planner, a task or any text:
//! its limits come from [`GateConfig`] when it is built. In order, each tick:
//!
//! 1. time running backwards clears the buffered scan and counts as stale;
//! 2. a latched emergency stop, collision, loss of control or internal error: zero;
//! 3. watchdogs — no scan or one older than `max_scan_age_s`, no odometry or older than
//!    `max_odom_age_s`, no command from the skills within `deadman_s`: zero;
//! 4. NaN or infinity in the command: zero (not "keep the last command");
//! 5. clamp |v| and |w|; limit acceleration (and, for ordinary commands, deceleration);
//! 6. proximity: along the commanded arc, the distance `d` the body grown by `margin` all
//!    round can travel before it touches a point of the newest scan must satisfy
//!    `v * t_react + v^2 / (2 a_brake) <= d` with `t_react = control period + scan age`
//!    (head on, `d` is the free distance less the margin; an arc that grazes an obstacle
//!    keeps the margin too), and speed is further limited to `max_linear * d /
//!    slowdown_distance` in the slow-down zone; linear and angular are scaled by the same
//!    ratio, keeping the curvature (as Nav2's collision_monitor does). A body already within
//!    the margin keeps at least the clearance it has;
//! 7. unobserved is not free: along the commanded arc, the body's distance to the edge of the
//!    space the scan observed (its field of view, NaN beams, the blind disc within
//!    `range_min` of the sensor, `range_max`: [`embodia_perception::ScanCoverage`]) must hold the
//!    stopping distance, as for an obstacle; else the speed is held to `creep_speed` (zero
//!    refuses), linear and angular scaled together. Turning in place is always allowed;
//! 8. geofence: the arc up to the stopping distance must keep the disc out of every keep-out
//!    zone, else the command is scaled down until it does (or zeroed).
//!
//! Any panic inside yields zero and latches `internal_error` (fail-closed).

mod clearance;
mod config;
mod geofence;
mod reasons;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use embodia_perception::{RobotState, ScanPoints};
use embodia_world::{Polygon, V2};
use serde::Serialize;

pub use clearance::NearbyPoints;
use clearance::RIM_GAP_M;
pub use config::GateConfig;
pub use geofence::{PlanarPose, path_clear};
pub use reasons::{Reason, Reasons};

use crate::cmd_vel::CmdVelSink;

const NS: f64 = 1e-9;
/// Spacing of the samples taken along the edges of observed space, m (at most).
const EDGE_STEP_M: f64 = 0.01;

/// A command from the skill layer, stamped when it was made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkillCommand {
    /// Forward speed asked for, m/s.
    pub v: f64,
    /// Turn rate asked for, rad/s.
    pub w: f64,
    /// When it was made, ns.
    pub stamp_ns: i64,
}

/// What the gate sees each tick.
#[derive(Debug, Clone, Copy)]
pub struct GateInput<'a> {
    /// Now, ns.
    pub now_ns: i64,
    /// The skills' command, if any.
    pub command: Option<SkillCommand>,
    /// Newest scan.
    pub scan: Option<&'a ScanPoints>,
    /// Newest odometry.
    pub robot: Option<&'a RobotState>,
    /// Keep-out zones.
    pub keep_out: &'a [Polygon],
    /// An emergency stop was requested since the last tick.
    pub estop_requested: bool,
}

/// What the gate sent, and why it differs from what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GateOutput {
    /// Linear speed sent, m/s.
    pub v: f64,
    /// Angular speed sent, rad/s.
    pub w: f64,
    /// Interventions this tick.
    pub reasons: Reasons,
}

/// Interventions counted by reason: ticks affected, and separate episodes (a reason becoming
/// active after a tick without it).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InterventionCounts {
    /// Ticks per reason.
    pub ticks: BTreeMap<&'static str, u64>,
    /// Episodes per reason.
    pub episodes: BTreeMap<&'static str, u64>,
}

impl InterventionCounts {
    /// Episodes of every reason together.
    pub fn total_episodes(&self) -> u64 {
        self.episodes.values().sum()
    }

    /// Episodes of every reason but routine acceleration smoothing: the times the gate
    /// overruled a command for safety.
    pub fn safety_episodes(&self) -> u64 {
        self.episodes
            .iter()
            .filter(|(r, _)| **r != Reason::AccelLimited.name())
            .map(|(_, n)| n)
            .sum()
    }
}

/// The gate: wraps the one velocity sink and filters every command into it.
pub struct SafetyGate<S> {
    config: GateConfig,
    sink: S,
    last_out: (f64, f64),
    last_now_ns: Option<i64>,
    latched: Reasons,
    divergence_since_ns: Option<i64>,
    /// Scan points within reach, and the stamp of the scan they came from.
    nearby: NearbyPoints,
    nearby_stamp: Option<i64>,
    /// Samples of the edges of the space that scan observed, within reach.
    unseen: NearbyPoints,
    contact_scans: u32,
    previous: Reasons,
    counts: InterventionCounts,
    #[cfg(test)]
    inject_panic: bool,
}

/// Why a gate could not be built.
#[derive(Debug, thiserror::Error)]
#[error("safety gate parameter: {0}. Fix: correct the parameter")]
pub struct GateConfigError(String);

impl<S: CmdVelSink> SafetyGate<S> {
    /// A gate around `sink`; the robot starts stopped.
    pub fn new(config: GateConfig, sink: S) -> Result<Self, GateConfigError> {
        if let Some(p) = config.problem() {
            return Err(GateConfigError(p));
        }
        Ok(Self {
            config,
            sink,
            last_out: (0.0, 0.0),
            last_now_ns: None,
            latched: Reasons::default(),
            divergence_since_ns: None,
            nearby: NearbyPoints::default(),
            nearby_stamp: None,
            unseen: NearbyPoints::default(),
            contact_scans: 0,
            previous: Reasons::default(),
            counts: InterventionCounts::default(),
            #[cfg(test)]
            inject_panic: false,
        })
    }

    /// The limits in force.
    pub fn config(&self) -> &GateConfig {
        &self.config
    }

    /// Stops latched by an emergency stop, collision, loss of control or internal error.
    pub fn latched(&self) -> Reasons {
        self.latched
    }

    /// Clears latched stops. Only an operator's explicit reset may call this.
    pub fn reset(&mut self) {
        tracing::warn!(latched = ?self.latched.iter().map(Reason::name).collect::<Vec<_>>(), "safety gate reset");
        self.latched = Reasons::default();
        self.divergence_since_ns = None;
        self.contact_scans = 0;
    }

    /// Interventions so far.
    pub fn counts(&self) -> &InterventionCounts {
        &self.counts
    }

    /// The sink (for tests and reports).
    pub fn sink(&self) -> &S {
        &self.sink
    }

    /// Filters the tick's command and sends the result to the sink.
    pub fn drive(&mut self, input: &GateInput<'_>) -> GateOutput {
        let _span = tracing::trace_span!("safety_gate", now_ns = input.now_ns).entered();
        let out = match catch_unwind(AssertUnwindSafe(|| self.decide(input))) {
            Ok(out) if out.v.is_finite() && out.w.is_finite() => out,
            _ => {
                self.latched.insert(Reason::InternalError);
                let mut reasons = Reasons::default();
                reasons.insert(Reason::InternalError);
                GateOutput {
                    v: 0.0,
                    w: 0.0,
                    reasons,
                }
            }
        };
        self.last_out = (out.v, out.w);
        self.count(out.reasons);
        if let Err(e) = self.sink.send(out.v, out.w, input.now_ns) {
            tracing::error!(error = %e, "cmd_vel sink failed");
        }
        out
    }

    fn count(&mut self, reasons: Reasons) {
        for r in reasons.iter() {
            *self.counts.ticks.entry(r.name()).or_default() += 1;
            if !self.previous.contains(r) {
                *self.counts.episodes.entry(r.name()).or_default() += 1;
                tracing::debug!(reason = r.name(), "safety intervention");
            }
        }
        self.previous = reasons;
    }

    fn stop(reasons: Reasons) -> GateOutput {
        GateOutput {
            v: 0.0,
            w: 0.0,
            reasons,
        }
    }

    fn decide(&mut self, input: &GateInput<'_>) -> GateOutput {
        #[cfg(test)]
        if self.inject_panic {
            panic!("injected gate fault");
        }
        let c = &self.config;
        let now = input.now_ns;
        let mut reasons = Reasons::default();

        // 1. Time.
        let dt = match self.last_now_ns {
            Some(last) if now < last => {
                self.nearby_stamp = None;
                self.divergence_since_ns = None;
                self.contact_scans = 0;
                self.last_now_ns = Some(now);
                reasons.insert(Reason::TimeWentBackwards);
                return Self::stop(reasons);
            }
            Some(last) => ((now - last) as f64 * NS).clamp(0.0, 2.0 * c.control_period_s),
            None => c.control_period_s,
        };
        self.last_now_ns = Some(now);

        // 2. Latches.
        if input.estop_requested {
            self.latched.insert(Reason::EmergencyStop);
        }
        let fresh_scan = input.scan.filter(|s| {
            let age = (now - s.stamp_ns) as f64 * NS;
            (-c.max_scan_age_s..=c.max_scan_age_s).contains(&age)
        });
        if let Some(scan) = fresh_scan
            && self.nearby_stamp != Some(scan.stamp_ns)
        {
            self.nearby.refill(&scan.points, c.robot_radius, c.reach());
            let step = EDGE_STEP_M.min(c.robot_radius / 4.0);
            match &scan.coverage {
                Some(coverage) => {
                    self.unseen.refill_from_segments(
                        coverage.edges(),
                        c.robot_radius,
                        c.reach(),
                        step,
                    );
                    // Where unobserved space touches the body itself (no edge lies between).
                    let rim = c.robot_radius + RIM_GAP_M;
                    let n = (std::f64::consts::TAU * rim / step).ceil() as usize;
                    self.unseen.extend(
                        (0..n)
                            .map(|k| {
                                let a = std::f64::consts::TAU * k as f64 / n as f64;
                                V2::new(rim * a.cos(), rim * a.sin())
                            })
                            .filter(|q| !coverage.observes(*q)),
                    );
                }
                None => self
                    .unseen
                    .refill_from_segments(&[], c.robot_radius, c.reach(), step),
            }
            self.nearby_stamp = Some(scan.stamp_ns);
            let touching = scan
                .points
                .iter()
                .filter(|p| p.norm() < c.robot_radius + c.contact_distance)
                .count();
            self.contact_scans = if touching >= c.contact_beams {
                self.contact_scans + 1
            } else {
                0
            };
            if self.contact_scans >= 2 {
                self.latched.insert(Reason::Collision);
            }
        }
        // Only fresh odometry says how the robot moves: a stale sample's velocity is what it
        // was doing before the gate stopped it, not a disagreement with the stop (issue 17:
        // a 3 s /odom outage latched loss of control and the robot never moved again).
        let fresh_robot = input
            .robot
            .filter(|r| ((now - r.stamp_ns) as f64 * NS).abs() <= c.max_odom_age_s);
        if fresh_robot.is_none() {
            self.divergence_since_ns = None;
        }
        if let Some(robot) = fresh_robot {
            let diverging = (robot.v - self.last_out.0).abs() > c.divergence_linear
                || (robot.w - self.last_out.1).abs() > c.divergence_angular;
            if diverging {
                let since = *self.divergence_since_ns.get_or_insert(now);
                if (now - since) as f64 * NS >= c.divergence_time_s {
                    self.latched.insert(Reason::LossOfControl);
                }
            } else {
                self.divergence_since_ns = None;
            }
        }
        if !self.latched.is_empty() {
            for r in self.latched.iter() {
                reasons.insert(r);
            }
            return Self::stop(reasons);
        }

        // 3. Watchdogs.
        let Some(scan_stamp) = fresh_scan.map(|s| s.stamp_ns) else {
            reasons.insert(Reason::StaleScan);
            return Self::stop(reasons);
        };
        let robot = match input.robot {
            Some(r) if ((now - r.stamp_ns) as f64 * NS).abs() <= c.max_odom_age_s => r,
            _ => {
                reasons.insert(Reason::StaleOdometry);
                return Self::stop(reasons);
            }
        };
        let cmd = match input.command {
            Some(cmd) if (now - cmd.stamp_ns) as f64 * NS <= c.deadman_s && cmd.stamp_ns <= now => {
                cmd
            }
            _ => {
                reasons.insert(Reason::Deadman);
                return Self::stop(reasons);
            }
        };

        // 4. Non-finite.
        if !(cmd.v.is_finite() && cmd.w.is_finite()) {
            reasons.insert(Reason::NonFiniteCommand);
            return Self::stop(reasons);
        }

        // 5. Limits.
        let (mut v, mut w) = (cmd.v, cmd.w);
        if v.abs() > c.max_linear || w.abs() > c.max_angular {
            reasons.insert(Reason::Clamped);
            v = v.clamp(-c.max_linear, c.max_linear);
            w = w.clamp(-c.max_angular, c.max_angular);
        }
        let (lv, lw) = self.last_out;
        let speeding_up = v.abs() > lv.abs() || (v != 0.0 && v.signum() != lv.signum());
        let rate = if speeding_up {
            c.max_linear_accel
        } else {
            c.max_linear_decel
        };
        let v_limited = lv + (v - lv).clamp(-rate * dt, rate * dt);
        let w_limited = lw + (w - lw).clamp(-c.max_angular_accel * dt, c.max_angular_accel * dt);
        if v_limited != v || w_limited != w {
            reasons.insert(Reason::AccelLimited);
            v = v_limited;
            w = w_limited;
        }

        // 6. Proximity.
        if v != 0.0 {
            let scan_age = ((now - scan_stamp) as f64 * NS).max(0.0);
            let t_react = c.control_period_s + scan_age;
            // The margin is kept all round the body, not only ahead of it: the body is swept
            // as a disc grown by the margin, so an arc grazing an obstacle stops `stop_margin`
            // short of it too (issue 17: a pure-pursuit arc round a desk's corner passed 1.6 cm
            // from it, inside the lidar's noise, and latched a false collision). A point
            // already within the margin (the body pushed or started there) is not closed on.
            let room = self.nearby.room(v, w, c.robot_radius, c.stop_margin);
            let cap = c.speed_for_free_distance(room + c.stop_margin, t_react);
            let ramp = if c.slowdown_distance > 0.0 {
                c.max_linear * (room / c.slowdown_distance).clamp(0.0, 1.0)
            } else {
                c.max_linear
            };
            let limit = cap.min(ramp);
            if v.abs() > limit {
                let ratio = limit / v.abs();
                v *= ratio;
                w *= ratio;
                reasons.insert(if limit < 1e-3 {
                    Reason::ProximityStop
                } else {
                    Reason::ProximitySlowdown
                });
                if limit < 1e-3 {
                    v = 0.0;
                    w = 0.0;
                }
            }
        }

        // 7. Unobserved space: stop before it, or go no faster than a creep.
        if v != 0.0 {
            let t_react = c.control_period_s + ((now - scan_stamp) as f64 * NS).max(0.0);
            let seen = self.unseen.free_distance(v, w, c.robot_radius);
            let limit = c.speed_for_free_distance(seen, t_react).max(c.creep_speed);
            if v.abs() > limit {
                let ratio = limit / v.abs();
                v *= ratio;
                w *= ratio;
                reasons.insert(Reason::Unobserved);
            }
        }

        // 8. Geofence.
        if v != 0.0 && !input.keep_out.is_empty() {
            let pose = PlanarPose {
                x: robot.x,
                y: robot.y,
                theta: robot.theta,
            };
            let t_react = c.control_period_s + ((now - scan_stamp) as f64 * NS).max(0.0);
            let clear = |ratio: f64| {
                let (sv, sw) = (v * ratio, w * ratio);
                let d = c.stopping_distance(sv, t_react);
                path_clear(
                    input.keep_out,
                    &pose,
                    sv,
                    sw,
                    d,
                    c.robot_radius,
                    c.geofence_step,
                )
            };
            if !clear(1.0) {
                reasons.insert(Reason::Geofence);
                let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
                for _ in 0..12 {
                    let mid = 0.5 * (lo + hi);
                    if clear(mid) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                if lo > 0.0 && clear(lo) {
                    v *= lo;
                    w *= lo;
                } else {
                    v = 0.0;
                    w = 0.0;
                }
            }
        }

        GateOutput { v, w, reasons }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd_vel::RecordingSink;

    #[test]
    fn an_internal_fault_yields_zero_and_latches() {
        let mut gate = SafetyGate::new(GateConfig::default(), RecordingSink::default()).unwrap();
        let scan = ScanPoints {
            stamp_ns: 0,
            points: vec![],
            range_max: 10.0,
            nan_readings: 0,
            coverage: None,
        };
        let robot = RobotState {
            stamp_ns: 0,
            x: 0.0,
            y: 0.0,
            theta: 0.0,
            v: 0.0,
            w: 0.0,
        };
        let input = |now| GateInput {
            now_ns: now,
            command: Some(SkillCommand {
                v: 0.3,
                w: 0.0,
                stamp_ns: now,
            }),
            scan: Some(&scan),
            robot: Some(&robot),
            keep_out: &[],
            estop_requested: false,
        };
        assert!(gate.drive(&input(0)).v > 0.0);
        gate.inject_panic = true;
        let out = gate.drive(&input(0));
        assert_eq!((out.v, out.w), (0.0, 0.0));
        assert!(out.reasons.contains(Reason::InternalError));
        gate.inject_panic = false;
        assert_eq!(gate.drive(&input(0)).v, 0.0, "latched after the fault");
        assert_eq!(
            gate.sink().sent.last().unwrap().0,
            0.0,
            "zero reached the sink"
        );
    }
}
