//! Where the robot is in the map: the `map -> odom` transform a localiser (AMCL, SLAM)
//! publishes on `/tf`, chained with odometry's `odom -> base_link`. Without a localiser the
//! odometry frame is taken as the map (the built-in simulator's identity, a robot without a
//! map). Which source is used is logged once, and again whenever it changes.
//!
//! Once a localiser has been heard, its transform going stale does not fall back to raw
//! odometry: odometry's frame is not the map's, so the pose would jump by the localiser's last
//! correction and places and keep-out zones would be misplaced by as much. The pose is held
//! instead, so it ages past `max_odom_age_s` and the safety gate stops the robot as it does for
//! stale odometry, until the localiser is heard again.

use std::collections::HashMap;

use embodia_ros::msg::geometry_msgs::TransformStamped;

use crate::mounts::{Rigid, SensorMounts};

/// Longest chain of frames followed from odometry's frame to the map.
const MAX_CHAIN: usize = 8;

/// Where the pose comes from now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoseSource {
    /// Nothing yet.
    None,
    /// `/odom` alone, its frame taken as the map (no localiser publishes).
    Odometry,
    /// The chain of transforms from the map to odometry's frame, then odometry.
    Tf {
        /// The frames from the map down to odometry's frame.
        chain: Vec<String>,
    },
    /// A localiser was heard but its transform is stale or gone: the pose is held.
    Lost {
        /// Why, for the log.
        why: String,
    },
}

/// What a lookup of the map -> odometry transform found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// Connected and fresh: the transform and the frames from the map down.
    Fresh(Rigid, Vec<String>),
    /// Connected, but the oldest dynamic link is older than the timeout, nanoseconds.
    Stale(i64),
    /// Not connected.
    Missing,
}

/// The dynamic transforms heard on `/tf` and the choice of pose source.
#[derive(Debug, Clone)]
pub struct Localiser {
    map_frame: String,
    timeout_ns: i64,
    dynamic: HashMap<String, (String, Rigid, i64)>,
    source: PoseSource,
    heard_localiser: bool,
}

impl Localiser {
    /// A localiser for `map_frame`, taking transforms older than `timeout_ns` as stale.
    pub fn new(map_frame: &str, timeout_ns: i64) -> Self {
        Self {
            map_frame: map_frame.to_owned(),
            timeout_ns,
            dynamic: HashMap::new(),
            source: PoseSource::None,
            heard_localiser: false,
        }
    }

    /// Whether a localiser's transform has been used (the odometry frame is then not the map).
    pub fn heard(&self) -> bool {
        self.heard_localiser
    }

    /// The source of the newest pose.
    pub fn source(&self) -> &PoseSource {
        &self.source
    }

    /// Takes the transforms of one `/tf` message (newest per child frame kept); returns how
    /// many were refused (non-finite, non-unit, unnamed).
    pub fn add(&mut self, transforms: &[TransformStamped]) -> usize {
        let mut refused = 0;
        for tf in transforms {
            match Rigid::from_msg(tf) {
                Some(r) if !tf.child_frame_id.is_empty() && !tf.header.frame_id.is_empty() => {
                    let stamp = tf.header.stamp.as_nanos();
                    let newer = self
                        .dynamic
                        .get(&tf.child_frame_id)
                        .is_none_or(|(_, _, s)| *s <= stamp);
                    if newer {
                        self.dynamic.insert(
                            tf.child_frame_id.clone(),
                            (tf.header.frame_id.clone(), r, stamp),
                        );
                    }
                }
                _ => refused += 1,
            }
        }
        refused
    }

    /// The pose of `frame` in the map, following `/tf` parents (then static ones) as of
    /// `now_ns`.
    pub fn lookup(&self, frame: &str, statics: &SensorMounts, now_ns: i64) -> Lookup {
        let mut pose = Rigid::IDENTITY;
        let mut at = frame.to_owned();
        let mut chain = vec![at.clone()];
        let mut oldest: Option<i64> = None;
        for _ in 0..MAX_CHAIN {
            if at == self.map_frame {
                chain.reverse();
                return match oldest {
                    Some(stamp) if now_ns - stamp > self.timeout_ns => {
                        Lookup::Stale(now_ns - stamp)
                    }
                    _ => Lookup::Fresh(pose, chain),
                };
            }
            let (parent, r) = if let Some((p, r, stamp)) = self.dynamic.get(&at) {
                oldest = Some(oldest.map_or(*stamp, |o| o.min(*stamp)));
                (p.clone(), *r)
            } else if let Some((p, r)) = statics.parent(&at) {
                (p.to_owned(), *r)
            } else {
                return Lookup::Missing;
            };
            pose = r.then_inner(&pose);
            at = parent;
            chain.push(at.clone());
        }
        Lookup::Missing
    }

    /// The map pose `(x, y, theta)` of odometry's pose `odom` (in `odom_frame`) at `now_ns`,
    /// or `None` while a localiser once heard is stale or gone (the pose is to be held).
    pub fn locate(
        &mut self,
        odom_frame: &str,
        odom: (f64, f64, f64),
        statics: &SensorMounts,
        now_ns: i64,
    ) -> Option<(f64, f64, f64)> {
        let (source, pose) = match self.lookup(odom_frame, statics, now_ns) {
            Lookup::Fresh(map_odom, chain) => {
                self.heard_localiser = true;
                let p = map_odom.apply_planar(embodia_world::V2::new(odom.0, odom.1));
                let theta = wrap(map_odom.yaw() + odom.2);
                (PoseSource::Tf { chain }, Some((p.x, p.y, theta)))
            }
            Lookup::Stale(age) if self.heard_localiser => (
                PoseSource::Lost {
                    why: format!(
                        "the newest {} -> {odom_frame} transform on /tf is {:.1} s old",
                        self.map_frame,
                        age as f64 * 1e-9
                    ),
                },
                None,
            ),
            Lookup::Missing if self.heard_localiser => (
                PoseSource::Lost {
                    why: format!(
                        "no {} -> {odom_frame} transform on /tf any more",
                        self.map_frame
                    ),
                },
                None,
            ),
            // Stale before it was ever fresh, or never there: no localiser runs.
            Lookup::Stale(_) | Lookup::Missing => (PoseSource::Odometry, Some(odom)),
        };
        if source != self.source {
            log_switch(&self.source, &source, &self.map_frame, odom_frame);
            self.source = source;
        }
        pose
    }
}

fn log_switch(from: &PoseSource, to: &PoseSource, map: &str, odom: &str) {
    match to {
        PoseSource::Tf { chain } => tracing::info!(
            chain = %chain.join(" -> "),
            previous = ?from,
            "localisation: pose from /tf ({map} -> {odom}) chained with /odom"
        ),
        PoseSource::Odometry => tracing::info!(
            "localisation: no {map} -> {odom} transform on /tf; taking /odom's frame as the map (run a localiser such as AMCL or SLAM for places in the map frame)"
        ),
        PoseSource::Lost { why } => tracing::warn!(
            why = %why,
            "localisation lost: holding the last pose, so the safety gate stops the robot until the localiser publishes again"
        ),
        PoseSource::None => {}
    }
}

/// `a` in (-pi, pi]; an angle already inside is returned bit for bit (an identity map -> odom
/// leaves odometry's heading exactly as it was, so recorded runs replay identically).
fn wrap(a: f64) -> f64 {
    use std::f64::consts::{PI, TAU};
    if a > -PI && a <= PI {
        return a;
    }
    let a = (a + PI).rem_euclid(TAU) - PI;
    if a <= -PI { a + TAU } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_ros::msg::builtin_interfaces::Time;
    use embodia_ros::msg::geometry_msgs::{Quaternion, Transform, Vector3};
    use embodia_ros::msg::std_msgs::Header;

    const S: i64 = 1_000_000_000;

    fn tf(parent: &str, child: &str, x: f64, y: f64, yaw: f64, stamp_ns: i64) -> TransformStamped {
        TransformStamped {
            header: Header::new(Time::from_nanos(stamp_ns), parent),
            child_frame_id: child.into(),
            transform: Transform {
                translation: Vector3::new(x, y, 0.0),
                rotation: Quaternion::from_yaw(yaw),
            },
        }
    }

    fn close(a: (f64, f64, f64), b: (f64, f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9 && (wrap(a.2 - b.2)).abs() < 1e-9
    }

    #[test]
    fn an_identity_map_to_odom_leaves_the_pose_bit_for_bit() {
        let mut l = Localiser::new("map", S);
        l.add(&[tf("map", "odom", 0.0, 0.0, 0.0, 0)]);
        let odom = (1.234_567_891_234, -0.1, 1.195_194_490_192_344);
        assert_eq!(
            l.locate("odom", odom, &SensorMounts::default(), 0),
            Some(odom)
        );
    }

    #[test]
    fn odometry_alone_is_taken_as_the_map_frame() {
        let mut l = Localiser::new("map", S);
        let p = l.locate("odom", (1.0, 2.0, 0.5), &SensorMounts::default(), 0);
        assert_eq!(p, Some((1.0, 2.0, 0.5)));
        assert_eq!(l.source(), &PoseSource::Odometry);
    }

    #[test]
    fn map_to_odom_is_chained_with_the_odometry_pose() {
        let mut l = Localiser::new("map", S);
        let half_pi = std::f64::consts::FRAC_PI_2;
        l.add(&[tf("map", "odom", 2.0, 1.0, half_pi, 0)]);
        // 1 m ahead in odom is 1 m along the map's +y from the odom origin at (2, 1).
        let p = l
            .locate("odom", (1.0, 0.0, 0.0), &SensorMounts::default(), 0)
            .unwrap();
        assert!(close(p, (2.0, 2.0, half_pi)), "{p:?}");
        assert_eq!(
            l.source(),
            &PoseSource::Tf {
                chain: vec!["map".into(), "odom".into()]
            }
        );
    }

    #[test]
    fn chains_of_several_frames_compose_in_order_through_static_links() {
        let mut l = Localiser::new("map", S);
        // map -> earth is static (from /tf_static), earth -> odom dynamic.
        let mut statics = SensorMounts::default();
        statics.add(&[tf("map", "earth", 10.0, 0.0, std::f64::consts::PI, 0)]);
        l.add(&[tf("earth", "odom", 1.0, 0.0, 0.0, 0)]);
        let p = l.locate("odom", (1.0, 0.5, 0.2), &statics, 0).unwrap();
        // In earth: (2, 0.5, 0.2); turned by pi about the map origin and moved by 10 in x.
        assert!(close(p, (8.0, -0.5, 0.2 + std::f64::consts::PI)), "{p:?}");
        assert_eq!(
            l.source(),
            &PoseSource::Tf {
                chain: vec!["map".into(), "earth".into(), "odom".into()]
            }
        );
    }

    #[test]
    fn stale_localisation_holds_the_pose_and_never_falls_back_to_odometry() {
        let mut l = Localiser::new("map", S);
        let none = SensorMounts::default();
        l.add(&[tf("map", "odom", 3.0, 0.0, 0.0, 0)]);
        assert!(l.locate("odom", (0.0, 0.0, 0.0), &none, S / 2).is_some());
        assert_eq!(l.locate("odom", (0.0, 0.0, 0.0), &none, 3 * S), None);
        assert!(matches!(l.source(), PoseSource::Lost { why } if why.contains("3.0 s old")));
        // The localiser publishes again: back to /tf.
        l.add(&[tf("map", "odom", 3.1, 0.0, 0.0, 3 * S)]);
        let p = l.locate("odom", (0.0, 0.0, 0.0), &none, 3 * S).unwrap();
        assert!(close(p, (3.1, 0.0, 0.0)));
        assert!(matches!(l.source(), PoseSource::Tf { .. }));
    }

    #[test]
    fn an_older_transform_does_not_replace_a_newer_one() {
        let mut l = Localiser::new("map", S);
        l.add(&[tf("map", "odom", 1.0, 0.0, 0.0, 2 * S)]);
        l.add(&[tf("map", "odom", 5.0, 0.0, 0.0, S)]);
        let p = l.locate("odom", (0.0, 0.0, 0.0), &SensorMounts::default(), 2 * S);
        assert!(close(p.unwrap(), (1.0, 0.0, 0.0)));
    }

    #[test]
    fn a_localiser_stamping_ahead_counts_as_fresh() {
        // AMCL stamps map -> odom transform_tolerance ahead of the scan it came from.
        let mut l = Localiser::new("map", S);
        l.add(&[tf("map", "odom", 1.0, 0.0, 0.0, 5 * S)]);
        assert!(
            l.locate("odom", (0.0, 0.0, 0.0), &SensorMounts::default(), 4 * S)
                .is_some()
        );
        assert!(matches!(l.source(), PoseSource::Tf { .. }));
    }

    #[test]
    fn non_finite_or_unnamed_transforms_are_refused() {
        let mut l = Localiser::new("map", S);
        assert_eq!(
            l.add(&[
                tf("map", "odom", f64::NAN, 0.0, 0.0, 0),
                tf("map", "", 0.0, 0.0, 0.0, 0),
                tf("", "odom", 0.0, 0.0, 0.0, 0),
            ]),
            3
        );
        assert_eq!(
            l.lookup("odom", &SensorMounts::default(), 0),
            Lookup::Missing
        );
    }
}
