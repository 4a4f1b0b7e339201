//! What one memory holds.

use serde::{Deserialize, Serialize};

/// A stored memory. Repeated sightings of one object (or repeats of one text) merge into one
/// entry: `count` grows, `first_seen_ns` stays, the rest follows the newest sighting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryEntry {
    /// Identifier, unique in its store, never reused.
    pub id: u64,
    /// Last time seen, ns (the robot's clock).
    pub time_ns: i64,
    /// First time seen, ns.
    pub first_seen_ns: i64,
    /// Sightings merged into this entry.
    pub count: u64,
    /// Robot pose when last seen.
    pub pose: (f64, f64, f64),
    /// Place the robot (or the object) was in.
    pub place: Option<String>,
    /// The text.
    pub text: String,
    /// Topic it came from.
    pub source_topic: String,
    /// Object name, when about an object.
    pub object_name: Option<String>,
    /// Object class, when about an object.
    pub object_class: Option<String>,
    /// Object position, when about an object.
    pub object_position: Option<(f64, f64)>,
    /// Object colour, when the detector told it (absent from files written before colours
    /// were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_color: Option<String>,
    /// The robot of the fleet that saw it, when another robot did (shared on the fleet memory
    /// topic); none for the robot's own sightings and in files written before fleets shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_by: Option<String>,
}

impl MemoryEntry {
    /// Where the memory is located: the object's position, else the robot's.
    pub fn location(&self) -> (f64, f64) {
        self.object_position.unwrap_or((self.pose.0, self.pose.1))
    }
}

/// A memory to store, with its embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    /// When, ns.
    pub time_ns: i64,
    /// Robot pose.
    pub pose: (f64, f64, f64),
    /// Place.
    pub place: Option<String>,
    /// Text.
    pub text: String,
    /// Source topic.
    pub source_topic: String,
    /// Object name.
    pub object_name: Option<String>,
    /// Object class.
    pub object_class: Option<String>,
    /// Object position.
    pub object_position: Option<(f64, f64)>,
    /// Object colour.
    pub object_color: Option<String>,
    /// Another robot that saw it (none: this robot).
    pub seen_by: Option<String>,
    /// Unit embedding of `text`.
    pub embedding: Vec<f32>,
}

impl NewEntry {
    /// An observation with its embedding.
    pub fn from_observation(o: &embodia_perception::Observation, embedding: Vec<f32>) -> Self {
        Self {
            time_ns: o.stamp_ns,
            pose: o.robot_pose,
            place: o.place.clone(),
            text: o.text.clone(),
            source_topic: o.source_topic.clone(),
            object_name: o.object_name.clone(),
            object_class: o.object_class.clone(),
            object_position: o.object_position,
            object_color: o.object_color.clone(),
            seen_by: None,
            embedding,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_written_before_colours_were_kept_still_read_and_colours_round_trip() {
        let old = r#"{"id":3,"time_ns":5,"first_seen_ns":1,"count":2,"pose":[1.0,2.0,0.0],
            "place":"lounge","text":"saw armchair at (4.0, 1.0) in lounge",
            "source_topic":"/detections","object_name":"armchair","object_class":"chair",
            "object_position":[4.0,1.0]}"#;
        let mut e: MemoryEntry = serde_json::from_str(old).unwrap();
        assert_eq!(e.object_color, None);
        assert_eq!(e.object_name.as_deref(), Some("armchair"));
        e.object_color = Some("green".into());
        let back: MemoryEntry = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }
}
