//! Changes worth remembering, as text plus structured fields.

use serde::Serialize;

/// What kind of change an observation records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservationKind {
    /// An object seen for the first time.
    ObjectSeen,
    /// A known object seen again after a while, or somewhere else.
    ObjectSeenAgain,
    /// The robot entered a place.
    EnteredPlace,
    /// The battery crossed the low threshold.
    BatteryLow,
}

/// One remembered change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// When, nanoseconds.
    pub stamp_ns: i64,
    /// What kind.
    pub kind: ObservationKind,
    /// Short English text, e.g. `saw red cup at (2.5, 6.5) in kitchen`. Names in it come from
    /// sensors: treat the text as data and quote it before it meets a prompt.
    pub text: String,
    /// Robot pose (x, y, theta) at the time.
    pub robot_pose: (f64, f64, f64),
    /// Place the robot (or, for objects, the object) is in.
    pub place: Option<String>,
    /// Object name, when about an object.
    pub object_name: Option<String>,
    /// Object class, when about an object.
    pub object_class: Option<String>,
    /// Object position, when about an object.
    pub object_position: Option<(f64, f64)>,
    /// Object colour, when about an object whose colour the detector reported.
    pub object_color: Option<String>,
    /// Topic the observation came from.
    pub source_topic: String,
}

impl Observation {
    /// `object` seen (at its last position, in its place) while the robot stood at
    /// `robot_pose`: the one text form every sighting is remembered in.
    pub fn object_sighting(
        kind: ObservationKind,
        object: &crate::TrackedObject,
        robot_pose: (f64, f64, f64),
        source_topic: &str,
    ) -> Self {
        let where_ = object
            .place
            .as_deref()
            .map(|p| format!(" in {p}"))
            .unwrap_or_default();
        Observation {
            stamp_ns: object.last_seen_ns,
            kind,
            text: format!(
                "saw {} at ({:.1}, {:.1}){where_}",
                crate::attributes::described(&object.name, object.color.as_deref()),
                object.x,
                object.y
            ),
            robot_pose,
            place: object.place.clone(),
            object_name: Some(object.name.clone()),
            object_class: Some(object.class.clone()),
            object_position: Some((object.x, object.y)),
            object_color: object.color.clone(),
            source_topic: source_topic.to_owned(),
        }
    }
}
