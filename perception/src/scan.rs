//! A laser scan checked and turned into points in the robot's frame, once per scan, so the
//! skills and the safety gate do not redo trigonometry per command.

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
    /// Readings that were NaN and so ignored.
    pub nan_readings: usize,
}

impl ScanPoints {
    /// Converts a scan, refusing one whose geometry is inconsistent.
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
        for (i, r) in scan.ranges.iter().enumerate() {
            let r = *r as f64;
            let d = if r.is_nan() {
                nan_readings += 1;
                continue;
            } else if r == f64::NEG_INFINITY || r < rmin {
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
        })
    }

    /// Distance from the robot centre to the nearest hit.
    pub fn nearest(&self) -> f64 {
        self.points
            .iter()
            .map(|p| p.norm())
            .fold(f64::INFINITY, f64::min)
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
