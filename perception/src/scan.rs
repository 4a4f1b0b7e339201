//! A laser scan checked and turned into points in the robot's frame, once per scan, so the
//! skills and the safety gate do not redo trigonometry per command.
//!
//! A scan also says where it did *not* look, and that is kept too: unobserved is not free.
//! The space a scan observed is, between each two neighbouring beams that both measured, the
//! wedge from `range_min` out to `range_max` (the shadow behind a hit counts as seen: the hit
//! itself stops the body first). Everything else is unobserved: directions outside
//! `angle_min..angle_max`, wedges beside a NaN beam (REP 117: no valid measurement), the blind
//! disc within `range_min` of the sensor, and beyond `range_max`. [`ScanCoverage`] answers
//! whether a point was observed and lists the edges where observed space ends; the safety
//! gate will not let the body cross into unobserved space faster than a creep.

use embodia_ros::msg::sensor_msgs::LaserScan;
use embodia_world::V2;

/// Why a scan was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFault {
    /// Angles or limits are NaN, infinite, or inconsistent.
    BadGeometry,
    /// `ranges` is empty or its length does not match the angles.
    WrongLength,
}

/// A validated scan as points around the robot.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanPoints {
    /// Acquisition time, nanoseconds.
    pub stamp_ns: i64,
    /// Hits in the robot frame (x forward, y left), metres. Readings below `range_min`
    /// (`-inf`) are kept as hits at `range_min`: something is too close to measure.
    pub points: Vec<V2>,
    /// The sensor's maximum range, metres.
    pub range_max: f64,
    /// Readings that were NaN, or finite below `range_min` (no measurement), and so ignored.
    pub nan_readings: usize,
    /// What the scan observed. Every scan converted by [`ScanPoints::from_scan`] has it; None
    /// claims that everything around was observed (synthetic scans in tests).
    pub coverage: Option<ScanCoverage>,
}

/// Sides of the polygon that stands for the blind disc within `range_min` of the sensor.
const BLIND_SIDES: usize = 32;

impl ScanPoints {
    /// Converts a scan, refusing one whose geometry is inconsistent. Points and coverage are
    /// in the sensor's frame until [`ScanPoints::mount`] places them.
    pub fn from_scan(scan: &LaserScan) -> Result<Self, ScanFault> {
        let (a0, a1, inc) = (
            scan.angle_min as f64,
            scan.angle_max as f64,
            scan.angle_increment as f64,
        );
        let (rmin, rmax) = (scan.range_min as f64, scan.range_max as f64);
        let geometry_ok = [a0, a1, inc, rmin, rmax].iter().all(|v| v.is_finite())
            && inc.abs() > 1e-9
            && rmin >= 0.0
            && rmax > rmin;
        if !geometry_ok {
            return Err(ScanFault::BadGeometry);
        }
        let expected = ((a1 - a0) / inc).round() as i64 + 1;
        let n = scan.ranges.len() as i64;
        if n == 0 || (n - expected).abs() > 1 {
            return Err(ScanFault::WrongLength);
        }
        let mut points = Vec::with_capacity(scan.ranges.len());
        let mut nan_readings = 0;
        let mut measured = Vec::with_capacity(scan.ranges.len());
        for (i, r) in scan.ranges.iter().enumerate() {
            let r = *r as f64;
            // REP 117: -inf is "too close to measure"; a finite reading below range_min (0 or
            // negative from a driver in trouble) is no measurement at all, like NaN — unobserved,
            // not free and not contact (issue 17 fault matrix, `scan-garbage`: negative ranges
            // read as contact latched a collision stop on an untouched robot).
            let invalid = r.is_nan() || (r.is_finite() && r < rmin);
            measured.push(!invalid);
            let d = if invalid {
                nan_readings += 1;
                continue;
            } else if r == f64::NEG_INFINITY {
                rmin
            } else if r > rmax {
                continue;
            } else {
                r
            };
            let a = a0 + inc * i as f64;
            points.push(V2::new(d * a.cos(), d * a.sin()));
        }
        Ok(Self {
            stamp_ns: scan.header.stamp.as_nanos(),
            points,
            range_max: rmax,
            nan_readings,
            coverage: Some(ScanCoverage::new(a0, inc, measured, rmin, rmax)),
        })
    }

    /// Places the scan on the robot: `to_base` moves a point from the sensor's frame into the
    /// robot's (a rigid planar transform: the sensor's mount).
    pub fn mount(&mut self, to_base: impl Fn(V2) -> V2) {
        for p in &mut self.points {
            *p = to_base(*p);
        }
        if let Some(c) = &mut self.coverage {
            c.mount(to_base);
        }
    }

    /// Distance from the robot centre to the nearest hit.
    pub fn nearest(&self) -> f64 {
        self.points
            .iter()
            .map(|p| p.norm())
            .fold(f64::INFINITY, f64::min)
    }
}

/// Where a scan looked: its beams' directions, which of them measured, its range limits and
/// where the sensor sits. See the module docs for what counts as observed.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanCoverage {
    /// The sensor in the robot frame: position and heading.
    origin: V2,
    yaw: f64,
    angle_min: f64,
    increment: f64,
    /// Per beam: whether it has a measurement (not NaN).
    measured: Vec<bool>,
    /// Whether the beams go all the way round (the last one neighbours the first).
    ring: bool,
    range_min: f64,
    range_max: f64,
    /// Where observed space ends, in the robot frame.
    edges: Vec<(V2, V2)>,
}

impl ScanCoverage {
    /// The coverage of beams `angle_min + i * increment` (each measured or not) of a sensor at
    /// the robot's centre, facing ahead.
    pub fn new(
        angle_min: f64,
        increment: f64,
        measured: Vec<bool>,
        range_min: f64,
        range_max: f64,
    ) -> Self {
        let n = measured.len();
        let span = n as f64 * increment.abs();
        let ring = n > 2 && span >= std::f64::consts::TAU - 0.5 * increment.abs();
        let mut c = Self {
            origin: V2::zeros(),
            yaw: 0.0,
            angle_min,
            increment,
            measured,
            ring,
            range_min,
            range_max,
            edges: Vec::new(),
        };
        c.edges = c.sensor_edges();
        c
    }

    /// The segments where observed space ends, in the robot frame: the rays bounding the
    /// field of view and every run of NaN beams (from `range_min` to `range_max`), a polygon
    /// holding the blind disc of `range_min` around the sensor, and chords inside the arc of
    /// `range_max`.
    pub fn edges(&self) -> &[(V2, V2)] {
        &self.edges
    }

    /// The sensor in the robot frame: position and heading.
    pub fn sensor(&self) -> (V2, f64) {
        (self.origin, self.yaw)
    }

    /// Whether the scan observed robot-frame point `q`.
    pub fn observes(&self, q: V2) -> bool {
        let (s, c) = self.yaw.sin_cos();
        let d = q - self.origin;
        let p = V2::new(c * d.x + s * d.y, -s * d.x + c * d.y);
        let rho = p.norm();
        if !(self.range_min..=self.range_max).contains(&rho) {
            return false;
        }
        let n = self.measured.len();
        let mut u = (p.y.atan2(p.x) - self.angle_min) / self.increment;
        if self.ring {
            u = u.rem_euclid(n as f64);
        }
        if u.is_nan() || u < 0.0 {
            return false;
        }
        let i = u.floor() as usize;
        let j = if self.ring { (i + 1) % n } else { i + 1 };
        i < n && j < n && self.measured[i] && self.measured[j]
    }

    fn mount(&mut self, to_base: impl Fn(V2) -> V2) {
        let origin = to_base(self.origin);
        let ahead = to_base(self.origin + V2::new(self.yaw.cos(), self.yaw.sin())) - origin;
        self.origin = origin;
        self.yaw = ahead.y.atan2(ahead.x);
        for (a, b) in &mut self.edges {
            (*a, *b) = (to_base(*a), to_base(*b));
        }
    }

    /// The edges with the sensor at the origin, facing ahead.
    fn sensor_edges(&self) -> Vec<(V2, V2)> {
        let n = self.measured.len();
        let (rmin, rmax) = (self.range_min, self.range_max);
        let dir = |i: usize| {
            let a = self.angle_min + self.increment * i as f64;
            V2::new(a.cos(), a.sin())
        };
        let mut edges = Vec::new();
        for i in (0..n).filter(|&i| self.measured[i]) {
            let before = if i > 0 {
                self.measured[i - 1]
            } else {
                self.ring && self.measured[n - 1]
            };
            let next = if i + 1 < n {
                Some(i + 1)
            } else if self.ring {
                Some(0)
            } else {
                None
            }
            .filter(|&j| self.measured[j]);
            // A side of the field of view or of a NaN run: the ray itself is the edge.
            if !before || next.is_none() {
                edges.push((dir(i) * rmin, dir(i) * rmax));
            }
            // The far end of the wedge to the next beam.
            if let Some(j) = next {
                edges.push((dir(i) * rmax, dir(j) * rmax));
            }
        }
        if rmin > 0.0 {
            // Circumscribed, so the polygon holds the whole disc.
            let r = rmin / (std::f64::consts::PI / BLIND_SIDES as f64).cos();
            let corner = |k: usize| {
                let a = std::f64::consts::TAU * k as f64 / BLIND_SIDES as f64;
                V2::new(r * a.cos(), r * a.sin())
            };
            edges.extend((0..BLIND_SIDES).map(|k| (corner(k), corner(k + 1))));
        }
        edges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(ranges: Vec<f32>) -> LaserScan {
        let n = ranges.len() as f32;
        LaserScan {
            angle_min: -std::f32::consts::PI,
            angle_increment: std::f32::consts::TAU / n,
            angle_max: -std::f32::consts::PI + std::f32::consts::TAU / n * (n - 1.0),
            range_min: 0.1,
            range_max: 10.0,
            ranges,
            ..Default::default()
        }
    }

    #[test]
    fn hits_become_points_and_misses_vanish() {
        let mut r = vec![f32::INFINITY; 4];
        r[2] = 2.0; // angle 0: straight ahead
        r[0] = f32::NEG_INFINITY; // behind, too close
        r[1] = f32::NAN;
        let s = ScanPoints::from_scan(&scan(r)).unwrap();
        assert_eq!(s.points.len(), 2);
        assert!(
            (s.points[0] - V2::new(-0.1, 0.0)).norm() < 1e-6,
            "too close counts as at range_min"
        );
        assert!((s.points[1] - V2::new(2.0, 0.0)).norm() < 1e-6);
        assert_eq!(s.nan_readings, 1);
        assert!((s.nearest() - 0.1).abs() < 1e-6);
    }

    #[test]
    fn finite_readings_below_range_min_are_unobserved_not_contact() {
        let mut r = vec![f32::INFINITY; 4];
        r[0] = -3.0; // behind: a negative range is no measurement
        r[1] = 0.0; // right: a driver's "no return"
        r[2] = f32::NEG_INFINITY; // ahead: too close, a hit at range_min
        let s = ScanPoints::from_scan(&scan(r)).unwrap();
        assert_eq!(s.points.len(), 1, "{:?}", s.points);
        assert!((s.points[0] - V2::new(0.1, 0.0)).norm() < 1e-6);
        assert_eq!(s.nan_readings, 2, "counted as invalid readings");
        let c = s.coverage.as_ref().unwrap();
        assert!(!c.observes(V2::new(-1.0, 0.0)), "behind is unobserved");
        assert!(!c.observes(V2::new(0.0, -1.0)), "right is unobserved");
    }

    /// A scan of `n` beams from `from_deg` to `to_deg` (inclusive), every beam `range`.
    fn fov_scan(from_deg: f32, to_deg: f32, n: usize, range: f32) -> LaserScan {
        let (a0, a1) = (from_deg.to_radians(), to_deg.to_radians());
        LaserScan {
            angle_min: a0,
            angle_max: a1,
            angle_increment: (a1 - a0) / (n as f32 - 1.0),
            range_min: 0.1,
            range_max: 10.0,
            ranges: vec![range; n],
            ..Default::default()
        }
    }

    fn edges(s: &ScanPoints) -> &[(V2, V2)] {
        s.coverage.as_ref().unwrap().edges()
    }

    /// Whether some edge runs along the ray at `deg` from `from` to `to` metres.
    fn has_ray_edge(s: &ScanPoints, deg: f64, from: f64, to: f64) -> bool {
        let dir = V2::new(deg.to_radians().cos(), deg.to_radians().sin());
        edges(s)
            .iter()
            .any(|(a, b)| (a - dir * from).norm() < 1e-3 && (b - dir * to).norm() < 1e-3)
    }

    #[test]
    fn a_270_degree_scan_is_bounded_by_the_rays_at_both_ends_of_its_field_of_view() {
        let s = ScanPoints::from_scan(&fov_scan(-135.0, 135.0, 271, 2.0)).unwrap();
        assert!(has_ray_edge(&s, -135.0, 0.1, 10.0), "{:?}", edges(&s));
        assert!(has_ray_edge(&s, 135.0, 0.1, 10.0));
        // No ray edges inside the field of view.
        assert!(!has_ray_edge(&s, 0.0, 0.1, 10.0));
    }

    #[test]
    fn a_full_turn_of_valid_beams_leaves_only_the_blind_disc_and_the_range_limit() {
        let n = 360;
        let mut scan = fov_scan(-180.0, 179.0, n, f32::INFINITY);
        scan.ranges[0] = 3.0;
        let s = ScanPoints::from_scan(&scan).unwrap();
        // The blind disc: a polygon around the sensor holding the disc of range_min.
        let blind: Vec<_> = edges(&s).iter().filter(|(a, _)| a.norm() < 0.2).collect();
        assert_eq!(blind.len(), BLIND_SIDES);
        for (a, b) in blind {
            let mid = (a + b) / 2.0;
            assert!(mid.norm() >= 0.1 - 1e-12 && a.norm() < 0.11);
        }
        // The rest lies at range_max: no edge crosses the space the scan saw.
        assert!(
            edges(&s)
                .iter()
                .filter(|(a, _)| a.norm() >= 0.2)
                .all(|(a, b)| (a.norm() - 10.0).abs() < 1e-9 && (b.norm() - 10.0).abs() < 1e-9)
        );
    }

    #[test]
    fn nan_beams_make_an_unobserved_wedge_bounded_by_their_valid_neighbours() {
        // REP 117: NaN is no measurement at all, so nothing is known there.
        let mut scan = fov_scan(-180.0, 179.0, 360, 4.0);
        for i in 135..=225 {
            scan.ranges[i] = f32::NAN; // -45 .. +45 degrees: everything ahead
        }
        let s = ScanPoints::from_scan(&scan).unwrap();
        assert_eq!(s.nan_readings, 91);
        assert!(has_ray_edge(&s, -46.0, 0.1, 10.0), "{:?}", edges(&s));
        assert!(has_ray_edge(&s, 46.0, 0.1, 10.0));
        assert!(!has_ray_edge(&s, -47.0, 0.1, 10.0));
    }

    #[test]
    fn mounting_a_scan_moves_its_points_edges_and_view_with_the_sensor() {
        // A 90-degree lidar looking left, 0.2 m ahead of the centre.
        let mut s = ScanPoints::from_scan(&fov_scan(-45.0, 45.0, 91, 2.0)).unwrap();
        let before = edges(&s).to_vec();
        let to_base = |p: V2| V2::new(0.2 - p.y, p.x);
        s.mount(to_base);
        for ((a, b), (a0, b0)) in edges(&s).iter().zip(&before) {
            assert!((a - to_base(*a0)).norm() < 1e-12 && (b - to_base(*b0)).norm() < 1e-12);
        }
        let c = s.coverage.as_ref().unwrap();
        let (origin, yaw) = c.sensor();
        assert!((origin - V2::new(0.2, 0.0)).norm() < 1e-12);
        assert!((yaw - std::f64::consts::FRAC_PI_2).abs() < 1e-12);
        assert!(c.observes(V2::new(0.2, 1.0)), "ahead of the sensor: seen");
        assert!(!c.observes(V2::new(0.2, -1.0)), "behind it");
        assert!(
            !c.observes(V2::new(1.2, 0.0)),
            "to its right, outside the view"
        );
        assert!(!c.observes(V2::new(0.2, 0.05)), "within range_min of it");
        assert!(!c.observes(V2::new(0.2, 11.0)), "beyond range_max");
    }

    #[test]
    fn a_point_is_observed_only_between_two_beams_that_measured() {
        let mut scan = fov_scan(-180.0, 179.0, 360, 4.0);
        scan.ranges[180] = f32::NAN; // straight ahead
        let s = ScanPoints::from_scan(&scan).unwrap();
        let c = s.coverage.as_ref().unwrap();
        let at = |deg: f64| V2::new(deg.to_radians().cos(), deg.to_radians().sin());
        assert!(!c.observes(at(0.5)) && !c.observes(at(-0.5)));
        assert!(c.observes(at(1.5)) && c.observes(at(-1.5)));
        assert!(
            c.observes(at(179.5)) && c.observes(at(-179.5)),
            "the ring closes"
        );
        assert!(c.observes(at(30.0) * 9.9) && !c.observes(at(30.0) * 10.1));
    }

    #[test]
    fn inconsistent_scans_are_refused() {
        let mut s = scan(vec![1.0; 360]);
        s.ranges.truncate(100);
        assert_eq!(ScanPoints::from_scan(&s), Err(ScanFault::WrongLength));
        let mut s = scan(vec![1.0; 360]);
        s.angle_increment = f32::NAN;
        assert_eq!(ScanPoints::from_scan(&s), Err(ScanFault::BadGeometry));
        assert_eq!(
            ScanPoints::from_scan(&scan(vec![])),
            Err(ScanFault::BadGeometry)
        );
    }
}
