//! Where the sensors sit on the robot, from `/tf_static`: a lidar mounted 20 cm ahead of the
//! base's centre sees an obstacle 20 cm closer to the bumper than its ranges say, so scan
//! points are moved into the base frame before anything (the safety gate included) uses them.

use std::collections::HashMap;

use embodia_ros::msg::geometry_msgs::{Quaternion, TransformStamped};
use embodia_world::V2;

/// A rigid transform in 3D (unit quaternion `x, y, z, w` and translation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rigid {
    q: [f64; 4],
    t: [f64; 3],
}

impl Rigid {
    /// No motion.
    pub const IDENTITY: Rigid = Rigid {
        q: [0.0, 0.0, 0.0, 1.0],
        t: [0.0, 0.0, 0.0],
    };

    /// From a ROS transform; `None` when a value is not finite or the quaternion is not unit.
    pub fn from_msg(tf: &TransformStamped) -> Option<Self> {
        let Quaternion { x, y, z, w } = tf.transform.rotation;
        let v = &tf.transform.translation;
        let all = [x, y, z, w, v.x, v.y, v.z];
        let n = (x * x + y * y + z * z + w * w).sqrt();
        if !all.iter().all(|v| v.is_finite()) || (n - 1.0).abs() > 1e-3 {
            return None;
        }
        Some(Rigid {
            q: [x / n, y / n, z / n, w / n],
            t: [v.x, v.y, v.z],
        })
    }

    fn rotate(&self, v: [f64; 3]) -> [f64; 3] {
        let [qx, qy, qz, qw] = self.q;
        // v + 2w (q x v) + 2 q x (q x v)
        let c = [
            qy * v[2] - qz * v[1],
            qz * v[0] - qx * v[2],
            qx * v[1] - qy * v[0],
        ];
        let cc = [
            qy * c[2] - qz * c[1],
            qz * c[0] - qx * c[2],
            qx * c[1] - qy * c[0],
        ];
        [
            v[0] + 2.0 * (qw * c[0] + cc[0]),
            v[1] + 2.0 * (qw * c[1] + cc[1]),
            v[2] + 2.0 * (qw * c[2] + cc[2]),
        ]
    }

    /// `self` after `inner`: maps points of `inner`'s child frame into `self`'s parent frame.
    pub fn then_inner(&self, inner: &Rigid) -> Rigid {
        let [ax, ay, az, aw] = self.q;
        let [bx, by, bz, bw] = inner.q;
        let q = [
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz,
        ];
        let r = self.rotate(inner.t);
        Rigid {
            q,
            t: [r[0] + self.t[0], r[1] + self.t[1], r[2] + self.t[2]],
        }
    }

    /// The heading this transform turns a planar pose by (rotation about z; roll and pitch
    /// ignored).
    pub fn yaw(&self) -> f64 {
        let [x, y, z, w] = self.q;
        Quaternion { x, y, z, w }.yaw()
    }

    /// A point of the scan plane (z = 0 in the sensor frame), seen from above in the parent
    /// frame. An upside-down lidar (roll = pi) comes out mirrored, as it should.
    pub fn apply_planar(&self, p: V2) -> V2 {
        let r = self.rotate([p.x, p.y, 0.0]);
        V2::new(r[0] + self.t[0], r[1] + self.t[1])
    }
}

/// The static transforms heard so far, by child frame.
#[derive(Debug, Clone, Default)]
pub struct SensorMounts {
    parents: HashMap<String, (String, Rigid)>,
}

/// Longest chain of static frames followed from a sensor to the base.
const MAX_CHAIN: usize = 8;

impl SensorMounts {
    /// Takes the transforms of one `/tf_static` message; returns how many were refused.
    pub fn add(&mut self, transforms: &[TransformStamped]) -> usize {
        let mut refused = 0;
        for tf in transforms {
            match Rigid::from_msg(tf) {
                Some(r) if !tf.child_frame_id.is_empty() => {
                    self.parents
                        .insert(tf.child_frame_id.clone(), (tf.header.frame_id.clone(), r));
                }
                _ => refused += 1,
            }
        }
        refused
    }

    /// The static parent of `frame` and `frame`'s pose in it.
    pub fn parent(&self, frame: &str) -> Option<(&str, &Rigid)> {
        self.parents.get(frame).map(|(p, r)| (p.as_str(), r))
    }

    /// The pose of `frame` in `base`, following static parents; `None` if not connected.
    pub fn to_base(&self, frame: &str, base: &str) -> Option<Rigid> {
        let mut pose = Rigid::IDENTITY;
        let mut at = frame;
        for _ in 0..MAX_CHAIN {
            if at == base {
                return Some(pose);
            }
            let (parent, r) = self.parents.get(at)?;
            pose = r.then_inner(&pose);
            at = parent;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_ros::msg::geometry_msgs::{Transform, Vector3};
    use embodia_ros::msg::std_msgs::Header;

    fn tf(parent: &str, child: &str, xyz: [f64; 3], rpy: [f64; 3]) -> TransformStamped {
        let (r, p, y) = (rpy[0] / 2.0, rpy[1] / 2.0, rpy[2] / 2.0);
        let q = Quaternion {
            x: r.sin() * p.cos() * y.cos() - r.cos() * p.sin() * y.sin(),
            y: r.cos() * p.sin() * y.cos() + r.sin() * p.cos() * y.sin(),
            z: r.cos() * p.cos() * y.sin() - r.sin() * p.sin() * y.cos(),
            w: r.cos() * p.cos() * y.cos() + r.sin() * p.sin() * y.sin(),
        };
        TransformStamped {
            header: Header::new(Default::default(), parent),
            child_frame_id: child.into(),
            transform: Transform {
                translation: Vector3 {
                    x: xyz[0],
                    y: xyz[1],
                    z: xyz[2],
                },
                rotation: q,
            },
        }
    }

    fn close(a: V2, b: V2) -> bool {
        (a - b).norm() < 1e-9
    }

    #[test]
    fn a_forward_mounted_lidar_sees_things_further_ahead_of_the_base() {
        let mut m = SensorMounts::default();
        m.add(&[tf("base_link", "laser", [0.2, 0.0, 0.15], [0.0, 0.0, 0.0])]);
        let r = m.to_base("laser", "base_link").unwrap();
        assert!(close(r.apply_planar(V2::new(1.0, 0.0)), V2::new(1.2, 0.0)));
    }

    #[test]
    fn yaw_turns_points_and_an_upside_down_lidar_mirrors_them() {
        let mut m = SensorMounts::default();
        m.add(&[
            tf(
                "base_link",
                "rear",
                [-0.3, 0.0, 0.0],
                [0.0, 0.0, std::f64::consts::PI],
            ),
            tf(
                "base_link",
                "flipped",
                [0.0, 0.0, 0.0],
                [std::f64::consts::PI, 0.0, 0.0],
            ),
        ]);
        let rear = m.to_base("rear", "base_link").unwrap();
        assert!(close(
            rear.apply_planar(V2::new(1.0, 0.0)),
            V2::new(-1.3, 0.0)
        ));
        let flipped = m.to_base("flipped", "base_link").unwrap();
        assert!(close(
            flipped.apply_planar(V2::new(1.0, 1.0)),
            V2::new(1.0, -1.0)
        ));
    }

    #[test]
    fn chains_are_followed_and_unknown_or_broken_frames_are_not_guessed() {
        let mut m = SensorMounts::default();
        let refused = m.add(&[
            tf(
                "base_link",
                "plate",
                [0.1, 0.0, 0.0],
                [0.0, 0.0, std::f64::consts::FRAC_PI_2],
            ),
            tf("plate", "laser", [0.1, 0.0, 0.0], [0.0, 0.0, 0.0]),
            TransformStamped {
                transform: Transform {
                    rotation: Quaternion {
                        x: 0.0,
                        y: 0.0,
                        z: 0.0,
                        w: f64::NAN,
                    },
                    ..tf("a", "b", [0.0; 3], [0.0; 3]).transform
                },
                ..tf("base_link", "bad", [0.0; 3], [0.0; 3])
            },
        ]);
        assert_eq!(refused, 1);
        let r = m.to_base("laser", "base_link").unwrap();
        // laser origin: plate's +x (0.1) turned 90 degrees = +y, after the plate's 0.1 ahead.
        assert!(close(r.apply_planar(V2::new(0.0, 0.0)), V2::new(0.1, 0.1)));
        assert!(m.to_base("bad", "base_link").is_none());
        assert!(m.to_base("nowhere", "base_link").is_none());
        assert!(close(
            m.to_base("base_link", "base_link")
                .unwrap()
                .apply_planar(V2::new(2.0, 3.0)),
            V2::new(2.0, 3.0)
        ));
    }
}
