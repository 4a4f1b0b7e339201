//! Properties of the safety gate over random commands, scans, poses, keep-out zones and
//! timings. The obstacle and geofence checks use an independent oracle: the body disc swept
//! along the output's arc, sampled every 2 mm, not the gate's closed-form contact angle.

use embodia_actuation::cmd_vel::RecordingSink;
use embodia_actuation::{GateConfig, GateInput, SafetyGate, SkillCommand};
use embodia_perception::{RobotState, ScanPoints};
use embodia_world::{Polygon, V2};
use proptest::prelude::*;

const MS: i64 = 1_000_000;
const STEP: f64 = 0.002;

/// Centre after arc length `s` along the arc of `(v, w)` from `pose`, in closed form (exact for
/// any curvature; explicit Euler drifts outward on tight arcs and would invent contacts).
fn on_arc(pose: (f64, f64, f64), v: f64, w: f64, s: f64) -> V2 {
    let (x, y, th) = pose;
    let s = s * v.signum();
    let k = w / v;
    if (k * s).abs() < 1e-12 {
        return V2::new(x + s * th.cos(), y + s * th.sin());
    }
    V2::new(
        x + ((th + k * s).sin() - th.sin()) / k,
        y - ((th + k * s).cos() - th.cos()) / k,
    )
}

/// Arc length the disc can travel from the origin (heading +x) along `(v, w)` before a point
/// comes within `radius`, by sampling the arc every `STEP`; capped at `cap`.
fn swept_free_distance(points: &[V2], v: f64, w: f64, radius: f64, cap: f64) -> f64 {
    let mut s = 0.0;
    while s < cap {
        let c = on_arc((0.0, 0.0, 0.0), v, w, s);
        if points.iter().any(|p| (p - c).norm() < radius) {
            return s;
        }
        s += STEP;
    }
    cap
}

/// Whether the disc enters a zone along the first `dist` metres of the arc from `pose`.
fn sweeps_into(
    zones: &[Polygon],
    pose: (f64, f64, f64),
    v: f64,
    w: f64,
    radius: f64,
    dist: f64,
) -> bool {
    let mut s = 0.0;
    while s <= dist {
        if zones
            .iter()
            .any(|z| z.overlaps_disc(on_arc(pose, v, w, s), radius - 1e-3))
        {
            return true;
        }
        s += STEP;
    }
    false
}

fn command() -> impl Strategy<Value = (f64, f64)> {
    let v = prop_oneof![8 => -1.5..1.5f64, 1 => Just(f64::NAN), 1 => Just(f64::INFINITY), 1 => Just(0.0)];
    let w = prop_oneof![8 => -4.0..4.0f64, 1 => Just(f64::NAN), 1 => Just(0.0)];
    (v, w)
}

fn scan_points() -> impl Strategy<Value = Vec<V2>> {
    // Points around the robot, none already touching the body (0.18 m).
    proptest::collection::vec((0.2..3.0f64, -3.2..3.2f64), 0..80).prop_map(|v| {
        v.into_iter()
            .map(|(r, a)| V2::new(r * a.cos(), r * a.sin()))
            .collect()
    })
}

fn keep_out() -> impl Strategy<Value = Vec<Polygon>> {
    // A box somewhere near the robot at (5, 5).
    proptest::collection::vec((3.0..7.0f64, 3.0..7.0f64, 0.2..1.5f64, 0.2..1.5f64), 0..3).prop_map(
        |boxes| {
            boxes
                .into_iter()
                .map(|(x, y, w, h)| Polygon {
                    points: vec![
                        V2::new(x, y),
                        V2::new(x + w, y),
                        V2::new(x + w, y + h),
                        V2::new(x, y + h),
                    ],
                })
                .collect()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn outputs_respect_every_limit(
        commands in proptest::collection::vec(command(), 1..25),
        points in scan_points(),
        zones in keep_out(),
        theta in -3.2..3.2f64,
        scan_age_ms in 0i64..700,
        odom_age_ms in 0i64..400,
        jitter_ms in proptest::collection::vec(30i64..80, 25),
    ) {
        let c = GateConfig::default();
        let robot_pose = (5.0, 5.0, theta);
        let start_inside = zones.iter().any(|z| z.overlaps_disc(V2::new(5.0, 5.0), c.robot_radius));
        let mut gate = SafetyGate::new(c.clone(), RecordingSink::default()).unwrap();
        let mut now = 10_000 * MS;
        let mut prev = (0.0_f64, 0.0_f64);
        let mut prev_now: Option<i64> = None;
        for (i, (v, w)) in commands.iter().enumerate() {
            now += jitter_ms[i] * MS;
            let scan = ScanPoints { stamp_ns: now - scan_age_ms * MS, points: points.clone(), range_max: 12.0, nan_readings: 0 };
            let robot = RobotState { stamp_ns: now - odom_age_ms * MS, x: robot_pose.0, y: robot_pose.1, theta, v: prev.0, w: prev.1 };
            let out = gate.drive(&GateInput {
                now_ns: now,
                command: Some(SkillCommand { v: *v, w: *w, stamp_ns: now }),
                scan: Some(&scan),
                robot: Some(&robot),
                keep_out: &zones,
                estop_requested: false,
            });
            let dt = prev_now.map(|p| ((now - p) as f64 * 1e-9).min(2.0 * c.control_period_s)).unwrap_or(c.control_period_s);
            prev_now = Some(now);

            // Finite, and within the speed limits.
            prop_assert!(out.v.is_finite() && out.w.is_finite());
            prop_assert!(out.v.abs() <= c.max_linear + 1e-12 && out.w.abs() <= c.max_angular + 1e-12);
            // Speeding up is limited by the acceleration limits; only slowing may be abrupt.
            if out.v.abs() > prev.0.abs() + 1e-12 {
                prop_assert!(out.v.abs() - prev.0.abs() <= c.max_linear_accel * dt + 1e-9);
            }
            if out.w.abs() > prev.1.abs() + 1e-12 || out.w.signum() != prev.1.signum() && out.w != 0.0 {
                prop_assert!((out.w - prev.1).abs() <= c.max_angular_accel * dt + 1e-9);
            }
            // Stale inputs and non-finite commands give zero.
            if scan_age_ms as f64 > c.max_scan_age_s * 1e3 || odom_age_ms as f64 > c.max_odom_age_s * 1e3 || !v.is_finite() || !w.is_finite() {
                prop_assert_eq!((out.v, out.w), (0.0, 0.0));
            }
            if out.v != 0.0 {
                // Never toward an obstacle inside the stopping distance.
                let t_react = c.control_period_s + scan_age_ms as f64 * 1e-3;
                let need = c.stopping_distance(out.v, t_react);
                let free = swept_free_distance(&points, out.v, out.w, c.robot_radius, need + 0.05);
                prop_assert!(free + 2.0 * STEP >= need, "v {} w {}: free {} < stopping distance {}", out.v, out.w, free, need);
                // Never into a keep-out zone before it could stop.
                if !start_inside {
                    prop_assert!(!sweeps_into(&zones, robot_pose, out.v, out.w, c.robot_radius, need - 2.0 * STEP),
                        "v {} w {} enters a keep-out zone", out.v, out.w);
                }
            }
            prev = (out.v, out.w);
        }
    }
}
