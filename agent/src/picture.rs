//! A run drawn on its map as SVG: walls, places with their names, keep-out zones, objects
//! (filled when the detector reported them during the run, hollow when not), the trajectory
//! coloured by speed, each path the navigator planned (dashed, from `/plan`), a numbered marker
//! where each step started and a cross where the safety gate intervened (hover for the step
//! or the reasons).
//!
//! It is drawn from a run's recorded messages (odometry, detections, the step and safety
//! channels), so a recording and a live run give the same picture.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use embodia_ros::msg::nav_msgs::{Odometry, Path};
use embodia_ros::msg::std_msgs::String as RosString;
use embodia_ros::msg::vision_msgs::Detection3DArray;
use embodia_ros::{Message, cdr};
use embodia_world::{Region, V2, World};
use serde_json::Value;

use crate::recording::channels;
use crate::recording::writer::{Encoding, Entry};

/// Pixels per metre.
const SCALE: f64 = 60.0;
/// Margin around the world, px.
const MARGIN: f64 = 20.0;
/// Height of the caption under the map, px.
const CAPTION: f64 = 40.0;
/// The XML namespace of SVG (an identifier, not a location).
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Escapes text for XML content and attribute values.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

struct Frame {
    height: f64,
}

impl Frame {
    fn x(&self, p: V2) -> f64 {
        MARGIN + p.x * SCALE
    }
    fn y(&self, p: V2) -> f64 {
        MARGIN + (self.height - p.y) * SCALE
    }
    fn pt(&self, p: V2) -> String {
        format!("{:.1},{:.1}", self.x(p), self.y(p))
    }
}

/// Speed `v` of at most `top` as a colour from blue (standing) to red (top speed).
fn speed_colour(v: f64, top: f64) -> String {
    let f = if top > 0.0 {
        (v.abs() / top).clamp(0.0, 1.0)
    } else {
        0.0
    };
    format!("hsl({:.0},85%,45%)", 240.0 * (1.0 - f))
}

/// A pose sample from odometry: time, position, speed.
struct Sample {
    t_ns: i64,
    at: V2,
    speed: f64,
}

fn decode<M: Message>(e: &Entry) -> Option<M> {
    match e.encoding {
        Encoding::Cdr(t) if t == M::TYPE_NAME => cdr::decode::<M>(&e.data).ok(),
        _ => None,
    }
}

fn json(e: &Entry) -> Option<Value> {
    serde_json::from_slice(&e.data).ok()
}

/// Where the robot was at `t_ns`: the newest sample at or before it.
fn pose_at(samples: &[Sample], t_ns: i64) -> Option<V2> {
    let i = samples.partition_point(|s| s.t_ns <= t_ns);
    samples.get(i.saturating_sub(1)).map(|s| s.at)
}

/// Draws the run recorded in `entries` on `world`. `safety_topic` is the agent's safety
/// topic (`/agent/safety` unless remapped); `title` goes under the map.
pub fn draw(world: &World, entries: &[Entry], safety_topic: &str, title: &str) -> String {
    let f = Frame {
        height: world.size.y,
    };
    let (w, h) = (
        world.size.x * SCALE + 2.0 * MARGIN,
        world.size.y * SCALE + 2.0 * MARGIN + CAPTION,
    );
    let mut samples = Vec::new();
    let mut seen = BTreeSet::new();
    let mut steps = Vec::new();
    let mut interventions = Vec::new();
    let mut paths: Vec<(i64, Vec<V2>)> = Vec::new();
    for e in entries {
        if let Some(o) = decode::<Odometry>(e) {
            let p = &o.pose.pose.position;
            samples.push(Sample {
                t_ns: e.t_ns,
                at: V2::new(p.x, p.y),
                speed: o.twist.twist.linear.x,
            });
        } else if let Some(p) = decode::<Path>(e) {
            let points: Vec<V2> = p
                .poses
                .iter()
                .map(|q| V2::new(q.pose.position.x, q.pose.position.y))
                .collect();
            if points.len() > 1 {
                paths.push((e.t_ns, points));
            }
        } else if let Some(d) = decode::<Detection3DArray>(e) {
            seen.extend(d.detections.into_iter().map(|d| d.id));
        } else if e.topic == channels::STEP {
            if let Some(v) = json(e)
                && v["state"] == "running"
                && !v["step"].is_null()
            {
                steps.push((e.t_ns, v["step"].to_string()));
            }
        } else if e.topic == safety_topic
            && let Some(msg) = decode::<RosString>(e)
            && let Ok(v) = serde_json::from_str::<Value>(&msg.data)
            && v["reasons"].as_array().is_some_and(|r| !r.is_empty())
        {
            interventions.push((e.t_ns, v["reasons"].to_string()));
        }
    }

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="{SVG_NS}" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<title>{}</title>"#, esc(title));
    let _ = writeln!(
        s,
        r##"<defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#d33" stroke-width="3"/></pattern></defs>"##
    );
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{w:.0}" height="{h:.0}" fill="#fff"/>"##
    );

    let _ = writeln!(s, r#"<g id="places">"#);
    for place in &world.places {
        let (tag, shape) = match &place.region {
            Region::Circle(c) => (
                "circle",
                format!(
                    r#"cx="{:.1}" cy="{:.1}" r="{:.1}""#,
                    f.x(c.center),
                    f.y(c.center),
                    c.radius * SCALE
                ),
            ),
            Region::Polygon(p) => (
                "polygon",
                format!(
                    r#"points="{}""#,
                    p.points
                        .iter()
                        .map(|q| f.pt(*q))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ),
        };
        let _ = writeln!(
            s,
            r##"<{tag} {shape} class="place" fill="#eef4ff" stroke="#9ab"><title>{}</title></{tag}>"##,
            esc(&place.name)
        );
        let c = place.region.center();
        let _ = writeln!(
            s,
            r##"<text class="place-name" x="{:.1}" y="{:.1}" text-anchor="middle" fill="#567">{}</text>"##,
            f.x(c),
            f.y(c),
            esc(&place.name)
        );
    }
    let _ = writeln!(s, "</g>");

    let _ = writeln!(s, r#"<g id="keep-out">"#);
    for zone in &world.keep_out {
        let _ = writeln!(
            s,
            r##"<polygon class="keep-out" points="{}" fill="url(#hatch)" fill-opacity="0.5" stroke="#d33"><title>keep-out zone</title></polygon>"##,
            zone.points
                .iter()
                .map(|q| f.pt(*q))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let _ = writeln!(s, "</g>");

    let _ = writeln!(s, r#"<g id="walls">"#);
    for wall in &world.walls {
        let _ = writeln!(
            s,
            r##"<polygon class="wall" points="{}" fill="#333"/>"##,
            wall.rect
                .corners()
                .iter()
                .map(|q| f.pt(*q))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let _ = writeln!(s, "</g>");

    let _ = writeln!(s, r#"<g id="objects">"#);
    for o in &world.objects {
        let was_seen = seen.contains(&o.name);
        let (class, fill, dash) = if was_seen {
            ("object seen", "#2a2", "")
        } else {
            ("object unseen", "none", r#" stroke-dasharray="3,2""#)
        };
        let _ = writeln!(
            s,
            r##"<circle class="{class}" cx="{:.1}" cy="{:.1}" r="{:.1}" fill="{fill}" stroke="#2a2"{dash}><title>{} ({})</title></circle>"##,
            f.x(o.at),
            f.y(o.at),
            (o.size * 0.5 * SCALE).max(3.0),
            esc(&o.name),
            if was_seen { "seen" } else { "not seen" }
        );
    }
    let _ = writeln!(s, "</g>");

    let _ = writeln!(
        s,
        r##"<g id="planned-paths" fill="none" stroke="#2a8" stroke-width="2" stroke-dasharray="6,4">"##
    );
    for (t, points) in &paths {
        let joined: Vec<String> = points.iter().map(|p| f.pt(*p)).collect();
        let _ = writeln!(
            s,
            r#"<polyline class="planned-path" points="{}"><title>path planned at {:.1} s ({} poses)</title></polyline>"#,
            joined.join(" "),
            *t as f64 / 1e9,
            points.len()
        );
    }
    let _ = writeln!(s, "</g>");

    let top = world.robot.max_linear;
    let _ = writeln!(
        s,
        r#"<g id="trajectory" stroke-width="3" stroke-linecap="round">"#
    );
    let mut last: Option<&Sample> = None;
    for sample in &samples {
        match last {
            None => last = Some(sample),
            Some(prev) if (sample.at - prev.at).norm() >= 0.02 => {
                let _ = writeln!(
                    s,
                    r#"<line class="trajectory" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}"/>"#,
                    f.x(prev.at),
                    f.y(prev.at),
                    f.x(sample.at),
                    f.y(sample.at),
                    speed_colour(sample.speed, top)
                );
                last = Some(sample);
            }
            Some(_) => {}
        }
    }
    let _ = writeln!(s, "</g>");

    let _ = writeln!(s, r#"<g id="steps">"#);
    for (i, (t, step)) in steps.iter().enumerate() {
        if let Some(p) = pose_at(&samples, *t) {
            let _ = writeln!(
                s,
                r##"<g class="step-start"><circle cx="{:.1}" cy="{:.1}" r="8" fill="#fff" stroke="#000"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text><title>step {} at {:.1} s: {}</title></g>"##,
                f.x(p),
                f.y(p),
                f.x(p),
                f.y(p) + 3.5,
                i + 1,
                i + 1,
                *t as f64 / 1e9,
                esc(step)
            );
        }
    }
    let _ = writeln!(s, "</g>");

    let _ = writeln!(s, r#"<g id="interventions">"#);
    // The gate repeats itself while an intervention lasts: one cross per place (within 10 cm),
    // with every reason given there.
    let mut crosses: Vec<(V2, i64, BTreeSet<String>)> = Vec::new();
    for (t, reasons) in &interventions {
        let Some(p) = pose_at(&samples, *t) else {
            continue;
        };
        let reasons: Vec<String> = serde_json::from_str(reasons).unwrap_or_default();
        match crosses.last_mut() {
            Some((q, _, all)) if (p - *q).norm() < 0.1 => all.extend(reasons),
            _ => crosses.push((p, *t, reasons.into_iter().collect())),
        }
    }
    for (p, t, reasons) in &crosses {
        let (x, y) = (f.x(*p), f.y(*p));
        let reasons: Vec<&str> = reasons.iter().map(String::as_str).collect();
        let _ = writeln!(
            s,
            r##"<g class="intervention"><path d="M{:.1},{:.1} l10,10 m0,-10 l-10,10" stroke="#d0f" stroke-width="3"/><title>gate from {:.1} s: {}</title></g>"##,
            x - 5.0,
            y - 5.0,
            *t as f64 / 1e9,
            esc(&reasons.join(", "))
        );
    }
    let _ = writeln!(s, "</g>");

    let base = world.size.y * SCALE + 2.0 * MARGIN;
    let _ = writeln!(
        s,
        r##"<text class="caption" x="{MARGIN}" y="{:.0}">{}</text>"##,
        base + 14.0,
        esc(title)
    );
    let _ = writeln!(
        s,
        r##"<text class="legend" x="{MARGIN}" y="{:.0}" fill="#555">trajectory blue (standing) to red ({top} m/s); green dashes: paths planned; numbered circles: steps started; purple crosses: gate interventions; objects filled when seen</text>"##,
        base + 30.0
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use embodia_ros::msg::geometry_msgs::{Pose, Twist};
    use embodia_ros::msg::vision_msgs::Detection3D;

    use super::*;

    fn world() -> World {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../launch/worlds/test_room.yaml"
        );
        World::load(path).unwrap()
    }

    fn cdr_entry<M: Message>(t_ns: i64, topic: &str, m: &M) -> Entry {
        Entry {
            t_ns,
            topic: topic.into(),
            encoding: Encoding::Cdr(M::TYPE_NAME),
            data: cdr::encode(m).unwrap(),
        }
    }

    /// A run from (1, 1.5) east at rising speed, one step, one intervention, the red ball seen.
    fn entries() -> Vec<Entry> {
        let mut out = Vec::new();
        for i in 0..40 {
            let t = i * 100_000_000;
            let mut odom = Odometry::default();
            odom.pose.pose = Pose::planar(1.0 + 0.05 * i as f64, 1.5, 0.0);
            odom.twist.twist = Twist::planar(0.5 * i as f64 / 40.0, 0.0);
            out.push(cdr_entry(t, "/odom", &odom));
        }
        out.push(Entry {
            t_ns: 100_000_000,
            topic: channels::STEP.into(),
            encoding: Encoding::Json,
            data: br#"{"task":"go east","step":{"skill":"navigate_to","target":"east room"},"state":"running"}"#.to_vec(),
        });
        let safety = RosString {
            data: r#"{"stamp_ns":2000000000,"reasons":["proximity"],"asked":[0.5,0],"sent":[0.2,0],"latched":false}"#.into(),
        };
        out.push(cdr_entry(2_000_000_000, "/agent/safety", &safety));
        let detections = Detection3DArray {
            detections: vec![Detection3D {
                id: "red ball".into(),
                ..Detection3D::default()
            }],
            ..Detection3DArray::default()
        };
        out.push(cdr_entry(3_000_000_000, "/detections", &detections));
        let path = crate::reactive::path_message(
            &[V2::new(1.0, 1.5), V2::new(2.0, 1.5), V2::new(3.0, 2.0)],
            "map",
            100_000_000,
        );
        out.push(cdr_entry(100_000_000, "/plan", &path));
        // The step ended: an empty path, nothing to draw.
        out.push(cdr_entry(3_900_000_000, "/plan", &Path::default()));
        out
    }

    #[test]
    fn the_picture_is_svg_with_every_layer() {
        let svg = draw(&world(), &entries(), "/agent/safety", "test <run> & more");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.tag_name().namespace(), Some(SVG_NS));
        let class = |c: &str| {
            doc.descendants()
                .filter(|n| n.attribute("class") == Some(c))
                .count()
        };
        assert_eq!(class("wall"), world().walls.len());
        assert_eq!(class("place"), 3);
        assert_eq!(class("keep-out"), 1);
        assert_eq!(class("object seen"), 1, "the red ball was detected");
        assert_eq!(class("object unseen"), 2);
        assert_eq!(class("step-start"), 1);
        assert_eq!(class("intervention"), 1);
        let planned: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("planned-path"))
            .filter_map(|n| n.attribute("points"))
            .collect();
        assert_eq!(planned, ["80.0,170.0 140.0,170.0 200.0,140.0"]);
        let mut names: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("place-name"))
            .filter_map(|n| n.text())
            .collect();
        names.sort();
        assert_eq!(names, ["door", "east room", "west room"]);
        // 40 samples 5 cm apart: 39 segments, slow ones blue, fast ones red.
        let colours: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("trajectory"))
            .filter_map(|n| n.attribute("stroke"))
            .collect();
        assert_eq!(colours.len(), 39);
        assert_ne!(colours.first(), colours.last(), "coloured by speed");
        assert!(svg.contains("test &lt;run&gt; &amp; more"));
    }

    #[test]
    fn a_run_with_no_messages_still_draws_the_map() {
        let svg = draw(&world(), &[], "/agent/safety", "empty");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(
            doc.descendants()
                .any(|n| n.attribute("class") == Some("wall"))
        );
        assert!(
            !doc.descendants()
                .any(|n| n.attribute("class") == Some("trajectory"))
        );
    }
}
