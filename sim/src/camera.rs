//! A stand-in for a camera plus object detector: it reports the labelled objects inside a
//! field of view and range that are in line of sight, as a detector node would.

use rand::Rng;
use rand_distr::{Distribution, Normal};

use crate::diff_drive::Pose2;
use crate::scene::Scene;
use embodia_world::geometry::{V2, wrap_angle};
use embodia_world::world::{Object, World};

/// Detector parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraConfig {
    /// Horizontal field of view, degrees, centred on the heading.
    pub fov_deg: f64,
    /// Furthest distance at which objects are detected, metres.
    pub range: f64,
    /// Standard deviation of Gaussian noise on reported positions, metres.
    pub position_noise_std: f64,
}

impl Default for CameraConfig {
    fn default() -> Self {
        Self {
            fov_deg: 90.0,
            range: 4.0,
            position_noise_std: 0.02,
        }
    }
}

/// One object the detector sees, in the robot's frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Sighting<'w> {
    /// The object.
    pub object: &'w Object,
    /// Its position relative to the robot (x forward, y left), with noise.
    pub relative: V2,
    /// Detector confidence, falling with distance.
    pub score: f64,
}

impl CameraConfig {
    /// The objects visible from `pose`, in world order.
    pub fn detect<'w>(
        &self,
        world: &'w World,
        scene: &Scene,
        pose: &Pose2,
        rng: &mut impl Rng,
    ) -> Vec<Sighting<'w>> {
        let noise = Normal::new(0.0, self.position_noise_std.max(0.0)).ok();
        let half_fov = self.fov_deg.to_radians() * 0.5;
        let origin = pose.position();
        let (s, c) = pose.theta.sin_cos();
        let mut out = Vec::new();
        for (i, obj) in world.objects.iter().enumerate() {
            let d = obj.at - origin;
            let dist = d.norm();
            if dist > self.range || dist < 1e-6 {
                continue;
            }
            let bearing = wrap_angle(d.y.atan2(d.x) - pose.theta);
            if bearing.abs() > half_fov {
                continue;
            }
            // Line of sight to the object's near rim: nothing solid in between.
            let reach = (dist - obj.size * 0.5).max(0.0);
            if scene.ray(origin, d / dist, reach, Some(i)).is_some() {
                continue;
            }
            let local = V2::new(c * d.x + s * d.y, -s * d.x + c * d.y);
            let mut jitter = || match &noise {
                Some(n) if self.position_noise_std > 0.0 => n.sample(rng),
                _ => 0.0,
            };
            let relative = local + V2::new(jitter(), jitter());
            out.push(Sighting {
                object: obj,
                relative,
                score: (0.95 - 0.3 * dist / self.range).clamp(0.05, 1.0),
            });
        }
        out
    }
}
