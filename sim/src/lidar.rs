//! A planar lidar mounted at the robot's centre: a full turn by default, or a narrower field
//! of view centred ahead (many real lidars cover 270 degrees), with sectors that can read NaN
//! (REP 117: no valid measurement, as a dirty or dazzled window gives).

use rand::Rng;
use rand_distr::{Distribution, Normal};

use crate::diff_drive::Pose2;
use crate::scene::Scene;
use embodia_world::geometry::V2;

/// Lidar parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct LidarConfig {
    /// Rays per sweep: over a full turn evenly spaced from -pi; over a narrower field of view
    /// from its left edge to its right, both included.
    pub beams: usize,
    /// Angle the rays span, degrees, centred ahead; 360 (the default) is a full turn.
    pub fov_deg: f64,
    /// Directions (from, to), degrees from the heading (left positive), whose rays read NaN.
    pub nan_sectors_deg: Vec<(f64, f64)>,
    /// Nearest valid range, metres; closer hits read `-inf` (REP 117).
    pub range_min: f64,
    /// Furthest valid range, metres; no hit reads `+inf` (REP 117).
    pub range_max: f64,
    /// Standard deviation of Gaussian range noise, metres.
    pub noise_std: f64,
}

impl Default for LidarConfig {
    fn default() -> Self {
        Self {
            beams: 360,
            fov_deg: 360.0,
            nan_sectors_deg: Vec::new(),
            range_min: 0.12,
            range_max: 12.0,
            noise_std: 0.01,
        }
    }
}

impl LidarConfig {
    fn full_turn(&self) -> bool {
        self.fov_deg >= 360.0
    }

    /// Angle of the first ray relative to the robot's heading.
    pub fn angle_min(&self) -> f64 {
        if self.full_turn() {
            -std::f64::consts::PI
        } else {
            -self.fov_deg.to_radians() / 2.0
        }
    }

    /// Angle between consecutive rays.
    pub fn angle_increment(&self) -> f64 {
        if self.full_turn() {
            std::f64::consts::TAU / self.beams as f64
        } else {
            self.fov_deg.to_radians() / (self.beams.max(2) - 1) as f64
        }
    }

    /// One sweep from `pose`: ranges in ray order.
    pub fn sweep(&self, scene: &Scene, pose: &Pose2, rng: &mut impl Rng) -> Vec<f32> {
        let noise = Normal::new(0.0, self.noise_std.max(0.0)).ok();
        let origin = pose.position();
        let (a0, inc) = (self.angle_min(), self.angle_increment());
        (0..self.beams)
            .map(|i| {
                let rel = a0 + inc * i as f64;
                let deg = rel.to_degrees();
                if self
                    .nan_sectors_deg
                    .iter()
                    .any(|(from, to)| (*from..=*to).contains(&deg))
                {
                    return f32::NAN;
                }
                let a = pose.theta + rel;
                let dir = V2::new(a.cos(), a.sin());
                match scene.ray(origin, dir, self.range_max, None) {
                    None => f32::INFINITY,
                    Some(d) if d < self.range_min => f32::NEG_INFINITY,
                    Some(d) => {
                        let n = match &noise {
                            Some(n) if self.noise_std > 0.0 => n.sample(rng),
                            _ => 0.0,
                        };
                        (d + n).clamp(self.range_min, self.range_max) as f32
                    }
                }
            })
            .collect()
    }
}
