//! The safety gate, specified by behaviour: each rule, each watchdog, each latch.

use embodia_actuation::cmd_vel::RecordingSink;
use embodia_actuation::{GateConfig, GateInput, Reason, SafetyGate, SkillCommand};
use embodia_perception::{RobotState, ScanPoints};
use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_world::{Polygon, V2};

const MS: i64 = 1_000_000;

struct Rig {
    gate: SafetyGate<RecordingSink>,
    now: i64,
    scan: ScanPoints,
    robot: RobotState,
    keep_out: Vec<Polygon>,
    estop: bool,
}

fn open_scan(stamp: i64) -> ScanPoints {
    ScanPoints {
        stamp_ns: stamp,
        points: vec![],
        range_max: 12.0,
        nan_readings: 0,
        coverage: None,
    }
}

fn rig() -> Rig {
    Rig {
        gate: SafetyGate::new(GateConfig::default(), RecordingSink::default()).unwrap(),
        now: 1_000 * MS,
        scan: open_scan(1_000 * MS),
        robot: RobotState {
            stamp_ns: 1_000 * MS,
            x: 5.0,
            y: 5.0,
            theta: 0.0,
            v: 0.0,
            w: 0.0,
        },
        keep_out: vec![],
        estop: false,
    }
}

impl Rig {
    /// One 50 ms tick with fresh sensors, the robot doing what it was last told.
    fn tick(&mut self, v: f64, w: f64) -> embodia_actuation::GateOutput {
        self.now += 50 * MS;
        self.scan.stamp_ns = self.now;
        self.robot.stamp_ns = self.now;
        let out = self.raw(Some(SkillCommand {
            v,
            w,
            stamp_ns: self.now,
        }));
        self.robot.v = out.v;
        self.robot.w = out.w;
        out
    }

    fn raw(&mut self, command: Option<SkillCommand>) -> embodia_actuation::GateOutput {
        let input = GateInput {
            now_ns: self.now,
            command,
            scan: Some(&self.scan),
            robot: Some(&self.robot),
            keep_out: &self.keep_out,
            estop_requested: std::mem::take(&mut self.estop),
        };
        self.gate.drive(&input)
    }

    fn run(&mut self, v: f64, w: f64, ticks: usize) -> embodia_actuation::GateOutput {
        (0..ticks).map(|_| self.tick(v, w)).last().unwrap()
    }
}

#[test]
fn speeds_are_clamped_to_the_limits() {
    let mut r = rig();
    let out = r.run(3.0, -9.0, 40);
    assert_eq!((out.v, out.w), (0.5, -1.5));
    assert!(out.reasons.contains(Reason::Clamped));
}

#[test]
fn acceleration_is_limited_and_every_command_reaches_the_sink() {
    let mut r = rig();
    let out = r.tick(0.5, 0.0);
    assert!((out.v - 0.04).abs() < 1e-12, "0.8 m/s^2 for 50 ms");
    assert!(out.reasons.contains(Reason::AccelLimited));
    r.run(0.5, 0.0, 20);
    assert_eq!(r.gate.sink().sent.len(), 21);
}

#[test]
fn a_nan_command_is_a_stop_not_the_last_command_again() {
    let mut r = rig();
    r.run(0.3, 0.0, 20);
    let out = r.tick(f64::NAN, 0.0);
    assert_eq!((out.v, out.w), (0.0, 0.0));
    assert!(out.reasons.contains(Reason::NonFiniteCommand));
    let out = r.tick(0.1, f64::INFINITY);
    assert_eq!((out.v, out.w), (0.0, 0.0));
}

#[test]
fn a_stale_scan_stops_the_robot() {
    let mut r = rig();
    r.run(0.3, 0.0, 20);
    r.now += 50 * MS;
    r.robot.stamp_ns = r.now;
    r.scan.stamp_ns = r.now - 600 * MS;
    let out = r.raw(Some(SkillCommand {
        v: 0.3,
        w: 0.0,
        stamp_ns: r.now,
    }));
    assert_eq!(out.v, 0.0);
    assert!(out.reasons.contains(Reason::StaleScan));
}

#[test]
fn stale_odometry_stops_the_robot() {
    let mut r = rig();
    r.run(0.3, 0.0, 20);
    r.now += 50 * MS;
    r.scan.stamp_ns = r.now;
    r.robot.stamp_ns = r.now - 400 * MS;
    let out = r.raw(Some(SkillCommand {
        v: 0.3,
        w: 0.0,
        stamp_ns: r.now,
    }));
    assert_eq!(out.v, 0.0);
    assert!(out.reasons.contains(Reason::StaleOdometry));
}

#[test]
fn the_deadman_stops_the_robot_without_a_fresh_command() {
    let mut r = rig();
    r.run(0.3, 0.0, 20);
    r.now += 50 * MS;
    r.scan.stamp_ns = r.now;
    r.robot.stamp_ns = r.now;
    let out = r.raw(Some(SkillCommand {
        v: 0.3,
        w: 0.0,
        stamp_ns: r.now - 300 * MS,
    }));
    assert!(out.reasons.contains(Reason::Deadman) && out.v == 0.0);
    let out = r.raw(None);
    assert!(out.reasons.contains(Reason::Deadman) && out.v == 0.0);
}

#[test]
fn an_emergency_stop_latches_until_an_explicit_reset() {
    let mut r = rig();
    r.run(0.4, 0.0, 20);
    r.estop = true;
    let out = r.tick(0.4, 0.0);
    assert_eq!((out.v, out.w), (0.0, 0.0));
    // No automatic restart: still stopped long after the request.
    let out = r.run(0.4, 0.0, 100);
    assert_eq!(out.v, 0.0);
    assert!(out.reasons.contains(Reason::EmergencyStop));
    r.gate.reset();
    assert!(r.tick(0.4, 0.0).v > 0.0);
}

#[test]
fn contact_in_two_scans_latches_a_collision_stop() {
    let mut r = rig();
    r.run(0.2, 0.0, 10);
    // Something touching the front of the body (within 1 cm of the edge).
    r.scan.points = (0..5)
        .map(|i| V2::new(0.185, -0.02 + 0.01 * i as f64))
        .collect();
    r.tick(0.2, 0.0);
    let out = r.tick(0.2, 0.0);
    assert!(out.reasons.contains(Reason::Collision));
    r.scan.points.clear();
    let out = r.run(-0.2, 0.0, 20);
    assert_eq!(out.v, 0.0, "no automatic restart after a collision");
}

#[test]
fn odometry_that_disagrees_for_too_long_latches_loss_of_control() {
    let mut r = rig();
    for _ in 0..60 {
        r.tick(0.3, 0.0);
        r.robot.v = 0.0; // stuck: the wheels turn, the robot does not move
    }
    assert!(r.gate.latched().contains(Reason::LossOfControl));
    assert_eq!(r.tick(0.3, 0.0).v, 0.0);
}

/// Regression (issue 17 fault matrix, `odom-drop-3s`): while /odom was lost the last sample
/// still said 0.45 m/s against the gate's zero, so 1.5 s into the outage loss of control
/// latched and the robot never drove again after odometry came back.
#[test]
fn stale_odometry_is_not_loss_of_control() {
    let mut r = rig();
    r.run(0.45, 0.0, 20);
    let moving = r.robot.v;
    assert!(moving > 0.3);
    let last_odom = r.robot.stamp_ns;
    for _ in 0..60 {
        r.now += 50 * MS;
        r.scan.stamp_ns = r.now;
        r.robot.stamp_ns = last_odom; // no new odometry: the old sample still says `moving`
        let out = r.raw(Some(SkillCommand {
            v: 0.45,
            w: 0.0,
            stamp_ns: r.now,
        }));
        if r.now - last_odom > 300 * MS {
            assert_eq!(out.v, 0.0, "stale odometry stops");
            assert!(out.reasons.contains(Reason::StaleOdometry));
        }
    }
    assert!(
        r.gate.latched().is_empty(),
        "an outage is not a latch: {:?}",
        r.gate.latched()
    );
    r.robot.v = 0.0;
    assert!(
        r.run(0.45, 0.0, 20).v > 0.3,
        "drives again with odometry back"
    );
}

#[test]
fn time_going_backwards_stops_and_is_counted() {
    let mut r = rig();
    r.run(0.3, 0.0, 10);
    r.now -= 5_000 * MS;
    r.scan.stamp_ns = r.now;
    r.robot.stamp_ns = r.now;
    let out = r.raw(Some(SkillCommand {
        v: 0.3,
        w: 0.0,
        stamp_ns: r.now,
    }));
    assert_eq!(out.v, 0.0);
    assert!(out.reasons.contains(Reason::TimeWentBackwards));
    assert_eq!(r.gate.counts().episodes["time_went_backwards"], 1);
}

#[test]
fn an_obstacle_ahead_slows_then_stops_the_robot_before_it() {
    let mut r = rig();
    r.run(0.5, 0.0, 30);
    // A wall 0.45 m ahead of the body's edge.
    r.scan.points = (-10..=10).map(|i| V2::new(0.63, 0.05 * i as f64)).collect();
    let out = r.tick(0.5, 0.0);
    assert!(out.v < 0.5 && out.v > 0.0, "{}", out.v);
    assert!(out.reasons.contains(Reason::ProximitySlowdown));
    r.scan.points = (-10..=10).map(|i| V2::new(0.2, 0.05 * i as f64)).collect();
    let out = r.tick(0.5, 0.0);
    assert_eq!(out.v, 0.0);
    assert!(out.reasons.contains(Reason::ProximityStop));
    // Backing away and turning in place stay allowed.
    assert!(r.run(-0.2, 0.0, 10).v < 0.0);
    assert!(r.run(0.0, 1.0, 10).w > 0.0);
}

/// Drives the rig's robot through a world of `obstacle` points for `ticks` ticks asking for
/// `(v, w)`, moving it as the gate allows; returns the smallest clearance of the body's edge.
fn drive_past(r: &mut Rig, obstacle: &[V2], v: f64, w: f64, ticks: usize) -> f64 {
    let radius = r.gate.config().robot_radius;
    let mut smallest = f64::INFINITY;
    for _ in 0..ticks {
        let (s, c) = r.robot.theta.sin_cos();
        let at = V2::new(r.robot.x, r.robot.y);
        r.scan.points = obstacle
            .iter()
            .map(|q| {
                let d = q - at;
                V2::new(c * d.x + s * d.y, -s * d.x + c * d.y)
            })
            .collect();
        let out = r.tick(v, w);
        r.robot.theta += out.w * 0.05;
        r.robot.x += out.v * 0.05 * r.robot.theta.cos();
        r.robot.y += out.v * 0.05 * r.robot.theta.sin();
        let at = V2::new(r.robot.x, r.robot.y);
        for q in obstacle {
            smallest = smallest.min((q - at).norm() - radius);
        }
    }
    smallest
}

/// A disc of `radius` at `centre`, as points 5 mm apart on its rim.
fn disc(centre: V2, radius: f64) -> Vec<V2> {
    let n = (std::f64::consts::TAU * radius / 0.005).ceil() as usize;
    (0..n)
        .map(|k| {
            let a = std::f64::consts::TAU * k as f64 / n as f64;
            centre + V2::new(radius * a.cos(), radius * a.sin())
        })
        .collect()
}

/// Issue 17's soak: an arc round a desk's corner passed 1.6 cm from it — the gate measured
/// only how far the body could go before touching, and a grazing pass never touches — and
/// lidar noise then read contact. The margin holds beside the body as it does ahead.
#[test]
fn a_path_grazing_an_obstacle_keeps_the_stop_margin_beside_the_body_too() {
    let margin = GateConfig::default().stop_margin;
    for (v, w) in [(0.3, 0.0), (0.3, 0.08), (0.2, -0.05)] {
        let mut r = rig();
        // A desk (0.5 m radius) whose edge the body's path would pass 1.6 cm from.
        let desk = disc(V2::new(6.2, 5.0 + 0.18 + 0.016 + 0.5), 0.5);
        let smallest = drive_past(&mut r, &desk, v, w, 200);
        assert!(
            smallest >= margin - 1e-3,
            "({v}, {w}): the body came within {smallest:.4} m of the desk"
        );
        assert!(
            r.robot.x > 5.6,
            "({v}, {w}): it drove up to the desk: {}",
            r.robot.x
        );
    }
}

#[test]
fn a_body_already_inside_the_margin_may_turn_and_leave_but_not_close_in() {
    let mut r = rig();
    // A wall along the robot's left side, 2 cm from its edge.
    let wall: Vec<V2> = (-100..=100)
        .map(|i| V2::new(5.0 + 0.01 * i as f64, 5.0 + 0.18 + 0.02))
        .collect();
    // Along it or toward it (an arc to the left): the clearance does not shrink.
    for w in [0.0, 0.5] {
        let smallest = drive_past(&mut r, &wall, 0.2, w, 20);
        assert!(smallest >= 0.02 - 1e-3, "closed in on the wall: {smallest}");
    }
    // Turning in place is free, and then driving away from the wall.
    drive_past(&mut r, &wall, 0.0, -1.0, 40);
    assert!(r.robot.theta < -1.2, "turned: {}", r.robot.theta);
    let y = r.robot.y;
    drive_past(&mut r, &wall, 0.2, 0.0, 20);
    assert!(
        r.robot.y < y - 0.03,
        "left the wall: {} -> {}",
        y,
        r.robot.y
    );
}

#[test]
fn slowing_keeps_the_curvature() {
    let mut r = rig();
    r.run(0.5, 0.5, 30);
    r.scan.points = (-20..=20).map(|i| V2::new(0.7, 0.05 * i as f64)).collect();
    let out = r.tick(0.5, 0.5);
    assert!(out.v < 0.5);
    assert!(
        (out.w / out.v - 1.0).abs() < 1e-9,
        "curvature {}",
        out.w / out.v
    );
}

#[test]
fn a_keep_out_zone_ahead_is_never_entered() {
    let mut r = rig();
    r.keep_out = vec![Polygon {
        points: vec![
            V2::new(5.6, 4.0),
            V2::new(7.0, 4.0),
            V2::new(7.0, 6.0),
            V2::new(5.6, 6.0),
        ],
    }];
    let mut x = r.robot.x;
    for _ in 0..200 {
        let out = r.tick(0.5, 0.0);
        x += out.v * 0.05;
        r.robot.x = x;
    }
    assert!(x + 0.18 <= 5.6, "the body stays out: x = {x}");
    assert!(x > 5.2, "but gets near: x = {x}");
    assert!(r.gate.counts().episodes.contains_key("geofence"));
    assert!(r.tick(-0.3, 0.0).v < 0.0, "moving away is allowed");
}

#[test]
fn interventions_are_counted_as_episodes_and_ticks() {
    let mut r = rig();
    r.run(0.1, 0.0, 5);
    r.tick(f64::NAN, 0.0);
    r.tick(f64::NAN, 0.0);
    r.run(0.1, 0.0, 5);
    r.tick(f64::NAN, 0.0);
    let c = r.gate.counts();
    assert_eq!(c.episodes["non_finite_command"], 2);
    assert_eq!(c.ticks["non_finite_command"], 3);
}

/// A lidar at the robot's centre covering `fov_deg` centred ahead, one beam per degree, with
/// the ranges `reading(angle_deg)` gives, as a `LaserScan` message.
fn lidar(fov_deg: f64, range_max: f32, reading: impl Fn(f64) -> f32) -> LaserScan {
    let full = fov_deg >= 360.0;
    let n = fov_deg as usize + usize::from(!full);
    let (a0, inc) = if full {
        (-180.0, 360.0 / n as f64)
    } else {
        (-fov_deg / 2.0, fov_deg / (n - 1) as f64)
    };
    LaserScan {
        angle_min: a0.to_radians() as f32,
        angle_increment: inc.to_radians() as f32,
        angle_max: (a0 + inc * (n - 1) as f64).to_radians() as f32,
        range_min: 0.12,
        range_max,
        ranges: (0..n).map(|i| reading(a0 + inc * i as f64)).collect(),
        ..Default::default()
    }
}

/// As perception converts it, stamped `stamp`.
fn lidar_scan(fov_deg: f64, range: f32, stamp: i64) -> ScanPoints {
    points(&lidar(fov_deg, 12.0, |_| range), stamp)
}

fn points(scan: &LaserScan, stamp: i64) -> ScanPoints {
    let mut s = ScanPoints::from_scan(scan).unwrap();
    s.stamp_ns = stamp;
    s
}

/// Issue 17: with a 270-degree lidar, "back up 1 metre" drove backwards at 0.4 m/s into the
/// sector the scan does not cover.
#[test]
fn backing_up_out_of_a_270_degree_lidar_s_view_goes_no_faster_than_a_creep() {
    let mut r = rig();
    r.scan = lidar_scan(270.0, f32::INFINITY, r.now);
    let creep = r.gate.config().creep_speed;
    for _ in 0..60 {
        let out = r.tick(-0.4, 0.0);
        assert!(out.v.abs() <= creep + 1e-12, "backed up at {}", out.v);
    }
    let out = r.tick(-0.4, 0.0);
    assert!(
        (out.v + creep).abs() < 1e-12,
        "still creeping back: {}",
        out.v
    );
    assert!(out.reasons.contains(Reason::Unobserved));
    // Ahead it sees: full speed is allowed.
    let out = r.run(0.4, 0.0, 40);
    assert!((out.v - 0.4).abs() < 1e-12, "{out:?}");
    assert!(!out.reasons.contains(Reason::Unobserved));
}

/// Issue 17: with every beam ahead reading NaN, "move forward 2 metres" drove at 0.4 m/s —
/// "no valid beam" was taken for "free".
#[test]
fn nan_beams_ahead_hold_forward_motion_to_a_creep() {
    let mut r = rig();
    // -90 .. +90 degrees, the whole front half, reads NaN.
    let scan = lidar(360.0, 12.0, |deg| {
        if deg.abs() <= 90.0 {
            f32::NAN
        } else {
            f32::INFINITY
        }
    });
    r.scan = points(&scan, r.now);
    let creep = r.gate.config().creep_speed;
    for _ in 0..60 {
        let out = r.tick(0.4, 0.0);
        assert!(out.v <= creep + 1e-12, "drove on at {}", out.v);
    }
    assert!(r.tick(0.4, 0.0).reasons.contains(Reason::Unobserved));
    // Backing up, into what it sees, is not held back.
    let out = r.run(-0.4, 0.0, 40);
    assert!((out.v + 0.4).abs() < 1e-12, "{out:?}");
}

#[test]
fn a_creep_speed_of_zero_refuses_motion_into_unobserved_space() {
    let mut r = rig();
    r.gate = SafetyGate::new(
        GateConfig {
            creep_speed: 0.0,
            ..GateConfig::default()
        },
        RecordingSink::default(),
    )
    .unwrap();
    r.scan = lidar_scan(90.0, f32::INFINITY, r.now);
    let out = r.run(-0.3, 0.0, 20);
    assert_eq!(out.v, 0.0);
    assert!(out.reasons.contains(Reason::Unobserved));
    let out = r.run(0.0, 1.0, 20);
    assert!(
        out.w > 0.9,
        "turning in place moves the body nowhere: {out:?}"
    );
}

#[test]
fn a_scan_that_sees_all_around_slows_nothing() {
    let mut r = rig();
    r.scan = lidar_scan(360.0, f32::INFINITY, r.now);
    let out = r.run(-0.5, 0.0, 40);
    assert_eq!(out.v, -0.5);
    assert!(out.reasons.is_empty(), "{out:?}");
}

#[test]
fn a_short_range_lidar_limits_speed_to_what_stops_within_its_range() {
    let mut r = rig();
    let mut scan = lidar(360.0, 0.35, |_| f32::INFINITY);
    scan.range_min = 0.05;
    r.scan = points(&scan, r.now);
    let out = r.run(0.5, 0.0, 60);
    let c = GateConfig::default();
    let seen = 0.35 - c.robot_radius;
    assert!(
        c.stopping_distance(out.v, c.control_period_s) <= seen + 1e-3,
        "{out:?}"
    );
    assert!(out.v < 0.5 && out.reasons.contains(Reason::Unobserved));
    assert!(
        out.v > c.creep_speed,
        "it may go faster than a creep: {out:?}"
    );
}
