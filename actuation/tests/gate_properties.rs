//! Properties of the safety gate over random commands, scans, poses, keep-out zones and
//! timings. The obstacle and geofence checks use an independent oracle: the body disc swept
//! along the output's arc, sampled every 2 mm, not the gate's closed-form contact angle.

use embodia_actuation::cmd_vel::RecordingSink;
use embodia_actuation::{GateConfig, GateInput, SafetyGate, SkillCommand};
use embodia_perception::{RobotState, ScanPoints};
use embodia_ros::msg::sensor_msgs::LaserScan;
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
            let scan = ScanPoints { stamp_ns: now - scan_age_ms * MS, points: points.clone(), range_max: 12.0, nan_readings: 0, coverage: None };
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

/// A lidar's scan and where it sits on the base, for the unobserved-space property.
#[derive(Debug, Clone)]
struct Lidar {
    scan: LaserScan,
    /// Sensor pose on the base: x, y, yaw.
    mount: (f64, f64, f64),
}

impl Lidar {
    fn ring(&self) -> bool {
        let n = self.scan.ranges.len() as f64;
        let inc = self.scan.angle_increment as f64;
        n * inc >= std::f64::consts::TAU - 0.5 * inc
    }

    fn to_base(&self, p: V2) -> V2 {
        let (x, y, yaw) = self.mount;
        let (s, c) = yaw.sin_cos();
        V2::new(x + c * p.x - s * p.y, y + s * p.x + c * p.y)
    }

    fn to_sensor(&self, q: V2) -> V2 {
        let (x, y, yaw) = self.mount;
        let (s, c) = yaw.sin_cos();
        let d = q - V2::new(x, y);
        V2::new(c * d.x + s * d.y, -s * d.x + c * d.y)
    }

    /// Whether the scan observed base-frame point `q`, from the scan's own definition: within
    /// range_min..range_max of the sensor, between two neighbouring beams that both have a
    /// measurement (not NaN, REP 117), inside the field of view.
    fn observed(&self, q: V2) -> bool {
        let s = &self.scan;
        let p = self.to_sensor(q);
        let rho = p.norm();
        if rho < s.range_min as f64 || rho > s.range_max as f64 {
            return false;
        }
        let n = s.ranges.len();
        let mut u = (p.y.atan2(p.x) - s.angle_min as f64) / s.angle_increment as f64;
        if self.ring() {
            u = u.rem_euclid(n as f64);
        }
        if u < 0.0 {
            return false;
        }
        let i = u.floor() as usize;
        let j = if self.ring() { (i + 1) % n } else { i + 1 };
        i < n && j < n && !s.ranges[i].is_nan() && !s.ranges[j].is_nan()
    }
}

fn lidar() -> impl Strategy<Value = Lidar> {
    let fov = prop_oneof![1 => Just(360.0f64), 3 => 90.0..360.0f64];
    (
        fov,
        0.5..2.0f64,
        (-0.12..0.12f64, -0.08..0.08f64, -3.2..3.2f64),
        (0.0..0.35f64, 0.6..12.0f64),
        proptest::collection::vec((0.0..1.0f64, 0.3..3.0f64), 0..6),
        proptest::collection::vec((0.0..1.0f64, 0.0..0.3f64), 0..3),
    )
        .prop_map(|(fov, per_deg, mount, (rmin, rmax), hits, nan_runs)| {
            let ring = fov >= 360.0;
            let n = ((fov * per_deg).round() as usize).max(8);
            let fov = fov.to_radians();
            let (a0, inc) = if ring {
                (-std::f64::consts::PI, fov / n as f64)
            } else {
                (-fov / 2.0, fov / (n - 1) as f64)
            };
            let mut ranges = vec![f32::INFINITY; n];
            for (at, r) in hits {
                ranges[((at * n as f64) as usize).min(n - 1)] = r as f32;
            }
            for (at, share) in nan_runs {
                let start = (at * n as f64) as usize;
                for k in 0..=((share * n as f64) as usize) {
                    ranges[(start + k) % n] = f32::NAN;
                }
            }
            Lidar {
                scan: LaserScan {
                    angle_min: a0 as f32,
                    angle_increment: inc as f32,
                    angle_max: (a0 + inc * (n - 1) as f64) as f32,
                    range_min: rmin as f32,
                    range_max: (rmax.max(rmin + 0.1)) as f32,
                    ranges,
                    ..Default::default()
                },
                mount,
            }
        })
}

/// Whether the body disc, swept `dist` metres along the arc of `(v, w)` from the origin, stays
/// where `lidar` observed or where the body already was: its rim is sampled every 2 degrees
/// (1 mm inside, for rounding), the arc every `STEP`. Space within 1 mm of where the body
/// already was counts as the body's own: the gate samples unobserved space from 1 mm out (no
/// lidar resolves less), so a body sliding along its own rim may graze such a sliver.
fn sweep_stays_observed(
    lidar: &Lidar,
    v: f64,
    w: f64,
    radius: f64,
    dist: f64,
) -> Result<(), String> {
    let rim = radius - 1e-3;
    let mut s = 0.0;
    while s <= dist {
        let c = on_arc((0.0, 0.0, 0.0), v, w, s);
        for k in 0..180 {
            let a = (k as f64 * 2.0).to_radians();
            let q = c + V2::new(rim * a.cos(), rim * a.sin());
            if q.norm() >= radius + 1e-3 && !lidar.observed(q) {
                return Err(format!(
                    "at {s:.3} m of {dist:.3} m the body reaches unobserved {q:?}"
                ));
            }
        }
        s += STEP;
    }
    Ok(())
}

/// Drives the gate with `commands` against one lidar and checks every output faster than a
/// creep against the independent sweep: what the unobserved-space property asserts per case.
fn check_unobserved(
    lidar: &Lidar,
    commands: &[(f64, f64)],
    scan_age_ms: i64,
) -> Result<(), String> {
    let c = GateConfig::default();
    let mut scan = ScanPoints::from_scan(&lidar.scan).unwrap();
    scan.mount(|p| lidar.to_base(p));
    let mut gate = SafetyGate::new(c.clone(), RecordingSink::default()).unwrap();
    let mut now = 10_000 * MS;
    let mut prev = (0.0_f64, 0.0_f64);
    for &(v, w) in commands {
        now += 50 * MS;
        scan.stamp_ns = now - scan_age_ms * MS;
        let robot = RobotState {
            stamp_ns: now,
            x: 0.0,
            y: 0.0,
            theta: 0.0,
            v: prev.0,
            w: prev.1,
        };
        let out = gate.drive(&GateInput {
            now_ns: now,
            command: Some(SkillCommand {
                v,
                w,
                stamp_ns: now,
            }),
            scan: Some(&scan),
            robot: Some(&robot),
            keep_out: &[],
            estop_requested: false,
        });
        if out.v.abs() > c.creep_speed + 1e-9 {
            let t_react = c.control_period_s + scan_age_ms as f64 * 1e-3;
            let need = c.stopping_distance(out.v, t_react) - 2.0 * STEP;
            sweep_stays_observed(lidar, out.v, out.w, c.robot_radius, need)
                .map_err(|e| format!("v {} w {}: {e}", out.v, out.w))?;
        }
        prev = (out.v, out.w);
    }
    Ok(())
}

/// Found by CI: a 284-degree lidar mounted off-centre and turned to the right, whose blind
/// wedge meets the body's rim ahead of its side. Moving ahead sweeps the rim along the edge of
/// the wedge, into the unobserved sliver between the rim and the first edge sample.
#[test]
fn the_blind_wedge_where_it_meets_the_rim_holds_motion_to_a_creep() {
    let (a, inc) = (2.477035_f32, 0.03513525_f32);
    let n = ((2.0 * a / inc).round() as usize) + 1;
    let lidar = Lidar {
        scan: LaserScan {
            angle_min: -a,
            angle_max: a,
            angle_increment: inc,
            range_min: 0.0,
            range_max: 0.6,
            ranges: vec![f32::INFINITY; n],
            ..Default::default()
        },
        mount: (
            -0.09805266912969748,
            -0.03880797383440196,
            -1.4043550001152083,
        ),
    };
    let commands = [
        (0.5942124751322652, 0.0),
        (0.1806275080518251, 1.4822998213452023),
        (0.29411600939854743, 0.0),
    ];
    assert_eq!(check_unobserved(&lidar, &commands, 0), Ok(()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Unobserved is not free (issue 17): whatever the field of view (90 to 360 degrees), the
    /// mount, range_min, range_max and NaN beams, any output faster than the creep speed
    /// leaves the body room to stop inside space the scan observed.
    #[test]
    fn motion_into_unobserved_space_is_held_to_a_creep(
        lidar in lidar(),
        commands in proptest::collection::vec((-0.6..0.6f64, -1.5..1.5f64), 1..12),
        scan_age_ms in 0i64..300,
    ) {
        let r = check_unobserved(&lidar, &commands, scan_age_ms);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }
}
