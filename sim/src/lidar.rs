//! A planar 360-degree lidar mounted at the robot's centre.

use rand::Rng;
use rand_distr::{Distribution, Normal};

use crate::diff_drive::Pose2;
use crate::scene::Scene;
use embodia_world::geometry::V2;

/// Lidar parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct LidarConfig {
    /// Rays per sweep, evenly spaced over a full turn starting at -pi.
    pub beams: usize,
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
            range_min: 0.12,
            range_max: 12.0,
            noise_std: 0.01,
        }
    }
}

impl LidarConfig {
    /// Angle of the first ray relative to the robot's heading.
    pub fn angle_min(&self) -> f64 {
        -std::f64::consts::PI
    }

    /// Angle between consecutive rays.
    pub fn angle_increment(&self) -> f64 {
        std::f64::consts::TAU / self.beams as f64
    }

    /// One sweep from `pose`: ranges in ray order.
    pub fn sweep(&self, scene: &Scene, pose: &Pose2, rng: &mut impl Rng) -> Vec<f32> {
        let noise = Normal::new(0.0, self.noise_std.max(0.0)).ok();
        let origin = pose.position();
        let (a0, inc) = (self.angle_min(), self.angle_increment());
        (0..self.beams)
            .map(|i| {
                let a = pose.theta + a0 + inc * i as f64;
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
