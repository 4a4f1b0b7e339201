//! What the live view draws in Foxglove's 3D panel beside the raw topics, in Foxglove's
//! well-known schemas: the robot's footprint and pose (from `/odom`), the world's keep-out
//! zones and place names, what the detector reports, and the goals of the current plan (the
//! route the navigator planned is its own topic, `/plan`). Pure functions of the recorded
//! messages, so they are tested without a server.

use embodia_ros::msg::geometry_msgs::Pose as RosPose;
use embodia_ros::msg::nav_msgs::Odometry;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_world::{V2, World};
use foxglove::messages::{
    ArrowPrimitive, Color, CubePrimitive, CylinderPrimitive, LinePrimitive, Point3, Pose,
    PoseInFrame, Quaternion, SceneEntity, SceneEntityDeletion, SceneUpdate, SpherePrimitive,
    TextPrimitive, Timestamp, Vector3, line_primitive, scene_entity_deletion,
};
use serde_json::Value;

/// What the scene needs to know of the world: its keep-out zones, places and robot.
#[derive(Debug, Clone)]
pub struct SceneSource {
    /// Frame the world's coordinates are in (the `/map` frame).
    pub map_frame: String,
    /// Keep-out zones, as polygons in the map frame.
    pub keep_out: Vec<Vec<V2>>,
    /// Places: name and centre.
    pub places: Vec<(String, V2)>,
    /// The robot's radius, m.
    pub robot_radius: f64,
}

impl SceneSource {
    /// The scene of a simulated world.
    pub fn from_world(world: &World, map_frame: &str) -> Self {
        Self::from_places(
            &world.places,
            &world.keep_out,
            world.robot.radius,
            map_frame,
        )
    }

    /// The scene of named places and keep-out zones (a world's, or a robot's places file).
    pub fn from_places(
        places: &[embodia_world::Place],
        keep_out: &[embodia_world::Polygon],
        robot_radius: f64,
        map_frame: &str,
    ) -> Self {
        Self {
            map_frame: map_frame.to_owned(),
            keep_out: keep_out.iter().map(|p| p.points.clone()).collect(),
            places: places
                .iter()
                .map(|p| (p.name.clone(), p.region.center()))
                .collect(),
            robot_radius,
        }
    }

    /// Where a plan's `navigate_to` target is, when the world says: a place's centre (by
    /// name) or `"x,y"`. Objects are the agent's belief, not the world's: not drawn.
    pub fn target(&self, target: &str) -> Option<V2> {
        if let Some((x, y)) = target.split_once(',')
            && let (Ok(x), Ok(y)) = (x.trim().parse(), y.trim().parse())
        {
            return Some(V2::new(x, y));
        }
        self.places
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(target.trim()))
            .map(|(_, c)| *c)
    }
}

fn stamp(t_ns: i64) -> Option<Timestamp> {
    let t = t_ns.max(0);
    Some(Timestamp::new(
        (t / 1_000_000_000) as u32,
        (t % 1_000_000_000) as u32,
    ))
}

fn color(r: f64, g: f64, b: f64, a: f64) -> Option<Color> {
    Some(Color { r, g, b, a })
}

fn point(p: V2, z: f64) -> Point3 {
    Point3 { x: p.x, y: p.y, z }
}

fn at(x: f64, y: f64, z: f64) -> Option<Pose> {
    Some(Pose {
        position: Some(Vector3 { x, y, z }),
        orientation: Some(Quaternion {
            x: 0.0,
            y: 0.0,
            z: 0.0,
            w: 1.0,
        }),
    })
}

fn pose(p: &RosPose) -> Pose {
    let (o, q) = (&p.position, &p.orientation);
    Pose {
        position: Some(Vector3 {
            x: o.x,
            y: o.y,
            z: o.z,
        }),
        orientation: Some(Quaternion {
            x: q.x,
            y: q.y,
            z: q.z,
            w: q.w,
        }),
    }
}

fn entity(frame: &str, id: &str, t_ns: i64) -> SceneEntity {
    SceneEntity {
        timestamp: stamp(t_ns),
        frame_id: frame.to_owned(),
        id: id.to_owned(),
        ..SceneEntity::default()
    }
}

/// Replaces everything earlier on the topic (a topic shows the newest state only).
fn replace_all(t_ns: i64, entities: Vec<SceneEntity>) -> SceneUpdate {
    SceneUpdate {
        deletions: vec![SceneEntityDeletion {
            timestamp: stamp(t_ns),
            r#type: scene_entity_deletion::Type::All as i32,
            id: String::new(),
        }],
        entities,
    }
}

/// The world: keep-out zones (red outlines) and place names.
pub fn world(source: &SceneSource, t_ns: i64) -> SceneUpdate {
    let mut zones = entity(&source.map_frame, "keep_out", t_ns);
    zones.lines = source
        .keep_out
        .iter()
        .map(|poly| LinePrimitive {
            r#type: line_primitive::Type::LineLoop as i32,
            pose: at(0.0, 0.0, 0.0),
            thickness: 0.06,
            points: poly.iter().map(|p| point(*p, 0.02)).collect(),
            color: color(0.9, 0.1, 0.1, 0.9),
            ..LinePrimitive::default()
        })
        .collect();
    let mut places = entity(&source.map_frame, "places", t_ns);
    places.texts = source
        .places
        .iter()
        .map(|(name, c)| TextPrimitive {
            pose: at(c.x, c.y, 0.3),
            billboard: true,
            font_size: 14.0,
            scale_invariant: true,
            color: color(0.2, 0.2, 0.2, 1.0),
            text: name.clone(),
        })
        .collect();
    replace_all(t_ns, vec![zones, places])
}

/// The robot's body (a disc of its radius) and heading, where odometry puts it.
pub fn robot(source: &SceneSource, odom: &Odometry, t_ns: i64) -> SceneUpdate {
    let frame = &odom.header.frame_id;
    let mut body = entity(frame, "robot", t_ns);
    let p = pose(&odom.pose.pose);
    let d = 2.0 * source.robot_radius;
    body.cylinders = vec![CylinderPrimitive {
        pose: Some(p),
        size: Some(Vector3 { x: d, y: d, z: 0.2 }),
        bottom_scale: 1.0,
        top_scale: 1.0,
        color: color(0.1, 0.4, 0.9, 0.6),
    }];
    body.arrows = vec![ArrowPrimitive {
        pose: Some(p),
        shaft_length: source.robot_radius,
        shaft_diameter: 0.04,
        head_length: 0.12,
        head_diameter: 0.1,
        color: color(1.0, 1.0, 1.0, 1.0),
    }];
    replace_all(t_ns, vec![body])
}

/// The robot's pose, for panels that take a pose.
pub fn robot_pose(odom: &Odometry, t_ns: i64) -> PoseInFrame {
    PoseInFrame {
        timestamp: stamp(t_ns),
        frame_id: odom.header.frame_id.clone(),
        pose: Some(pose(&odom.pose.pose)),
    }
}

/// What the detector reports: a box and a label per detection, in its frame.
pub fn detections(msg: &Detection3DArray, t_ns: i64) -> SceneUpdate {
    let entities = msg
        .detections
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let frame = if d.header.frame_id.is_empty() {
                &msg.header.frame_id
            } else {
                &d.header.frame_id
            };
            let mut e = entity(frame, &format!("detection {i}"), t_ns);
            let c = &d.bbox.center;
            let s = &d.bbox.size;
            e.cubes = vec![CubePrimitive {
                pose: Some(pose(c)),
                size: Some(Vector3 {
                    x: s.x.max(0.05),
                    y: s.y.max(0.05),
                    z: s.z.max(0.05),
                }),
                color: color(1.0, 0.6, 0.0, 0.5),
            }];
            let label = d
                .results
                .first()
                .map(|r| format!("{} {:.2}", r.hypothesis.class_id, r.hypothesis.score))
                .unwrap_or_else(|| d.id.clone());
            e.texts = vec![TextPrimitive {
                pose: at(
                    c.position.x,
                    c.position.y,
                    c.position.z + s.z.max(0.05) + 0.2,
                ),
                billboard: true,
                font_size: 12.0,
                scale_invariant: true,
                color: color(0.6, 0.3, 0.0, 1.0),
                text: label,
            }];
            e
        })
        .collect();
    replace_all(t_ns, entities)
}

/// The goals of the current plan's remaining `navigate_to` steps, in order: a marker each,
/// numbered. The path there is the navigator's, on `/plan`. `status` is the agent's status
/// JSON; empty when no plan runs.
pub fn goals(source: &SceneSource, status: &Value, t_ns: i64) -> SceneUpdate {
    let steps = status
        .pointer("/plan/steps")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let from = status
        .get("current_step")
        .and_then(Value::as_u64)
        .map(|i| i as usize);
    let goals: Vec<V2> = match from {
        Some(from) => steps
            .iter()
            .skip(from)
            .filter(|s| s.get("skill").and_then(Value::as_str) == Some("navigate_to"))
            .filter_map(|s| s.get("target").and_then(Value::as_str))
            .filter_map(|t| source.target(t))
            .collect(),
        None => Vec::new(),
    };
    if goals.is_empty() {
        return replace_all(t_ns, Vec::new());
    }
    let mut e = entity(&source.map_frame, "goals", t_ns);
    e.texts = goals
        .iter()
        .enumerate()
        .map(|(i, g)| TextPrimitive {
            pose: at(g.x, g.y, 0.4),
            billboard: true,
            font_size: 14.0,
            scale_invariant: true,
            color: color(0.1, 0.5, 0.15, 1.0),
            text: format!("goal {}", i + 1),
        })
        .collect();
    e.spheres = goals
        .iter()
        .map(|g| SpherePrimitive {
            pose: at(g.x, g.y, 0.1),
            size: Some(Vector3 {
                x: 0.25,
                y: 0.25,
                z: 0.25,
            }),
            color: color(0.1, 0.7, 0.2, 0.9),
        })
        .collect();
    replace_all(t_ns, vec![e])
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_ros::msg::geometry_msgs::PoseWithCovariance;
    use embodia_ros::msg::std_msgs::Header;
    use serde_json::json;

    fn source() -> SceneSource {
        SceneSource {
            map_frame: "map".into(),
            keep_out: vec![vec![
                V2::new(0.0, 0.0),
                V2::new(1.0, 0.0),
                V2::new(1.0, 1.0),
            ]],
            places: vec![
                ("kitchen".into(), V2::new(5.0, 2.0)),
                ("hall".into(), V2::new(1.0, 1.0)),
            ],
            robot_radius: 0.2,
        }
    }

    #[test]
    fn the_world_shows_every_keep_out_zone_and_place() {
        let update = world(&source(), 0);
        let zones = &update.entities[0];
        assert_eq!(zones.frame_id, "map");
        assert_eq!(zones.lines.len(), 1);
        assert_eq!(zones.lines[0].points.len(), 3);
        assert_eq!(update.entities[1].texts.len(), 2);
    }

    #[test]
    fn the_robot_is_drawn_at_its_odometry_pose_with_its_radius() {
        let odom = Odometry {
            header: Header {
                frame_id: "odom".into(),
                ..Header::default()
            },
            pose: PoseWithCovariance {
                pose: RosPose::planar(2.0, 3.0, 0.5),
                covariance: [0.0; 36],
            },
            ..Odometry::default()
        };
        let update = robot(&source(), &odom, 5);
        let body = &update.entities[0];
        assert_eq!(body.frame_id, "odom");
        let c = &body.cylinders[0];
        assert_eq!(c.size.as_ref().map(|s| s.x), Some(0.4));
        let p = c.pose.as_ref().and_then(|p| p.position.as_ref()).unwrap();
        assert_eq!((p.x, p.y), (2.0, 3.0));
        assert_eq!(robot_pose(&odom, 5).frame_id, "odom");
    }

    #[test]
    fn the_goals_are_those_of_the_remaining_navigation_steps_in_order() {
        let status = json!({
            "plan": { "steps": [
                { "skill": "navigate_to", "target": "hall" },
                { "skill": "say", "text": "hi" },
                { "skill": "navigate_to", "target": "kitchen" },
                { "skill": "navigate_to", "target": "3,4" },
                { "skill": "navigate_to", "target": "the red mug" },
            ]},
            "current_step": 1,
        });
        let update = goals(&source(), &status, 0);
        let xs: Vec<(f64, f64)> = update.entities[0]
            .spheres
            .iter()
            .filter_map(|s| s.pose.as_ref()?.position.as_ref().map(|p| (p.x, p.y)))
            .collect();
        assert_eq!(xs, vec![(5.0, 2.0), (3.0, 4.0)]);
        assert_eq!(update.entities[0].texts[1].text, "goal 2");
    }

    #[test]
    fn no_plan_clears_the_goals() {
        let update = goals(&source(), &json!({ "plan": null }), 0);
        assert!(update.entities.is_empty());
        assert_eq!(update.deletions.len(), 1);
    }
}
