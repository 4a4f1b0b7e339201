//! What a recording says about the run that made it: enough to rebuild the same agent in the
//! same world (world file text, seed, parameters, planner, tasks), stored as an MCAP metadata
//! record named [`METADATA_NAME`] of plain strings so any MCAP tool shows it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Name of the MCAP metadata record.
pub const METADATA_NAME: &str = "embodia";

/// Version of this layout; a reader refuses others.
pub const FORMAT: u32 = 1;

/// The run a recording was made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingMeta {
    /// [`FORMAT`] at the time of recording.
    pub format: u32,
    /// `embodia` version that recorded.
    pub embodia_version: String,
    /// The world's name.
    pub world_name: String,
    /// The world file as it was given (for people; replay uses [`Self::world_yaml`]).
    pub world_file: String,
    /// The world file's text, so a recording replays without the file.
    pub world_yaml: String,
    /// Simulator seed.
    pub seed: u64,
    /// Tasks, in order.
    pub tasks: Vec<String>,
    /// Simulated seconds for all tasks.
    pub timeout_s: f64,
    /// Simulated seconds run after the last task.
    pub settle_s: f64,
    /// Every agent parameter by ROS 2 name, as `embodia params` prints values.
    pub params: BTreeMap<String, String>,
    /// The planner's command-line options (`--planner rules` ...).
    pub planner_args: Vec<String>,
    /// The memory: `off`, `fresh` or `file`.
    pub memory: String,
    /// Objects the robot knew of before the start.
    pub known_objects: Vec<String>,
    /// Recorded from a live bus (`embodia agent`): messages stamped when drained, nothing
    /// lockstepped, so replay refuses it. Absent in lockstepped recordings.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live_bus: bool,
}

/// Fields stored as they are; every other field is stored as JSON.
const PLAIN: &[&str] = &[
    "embodia_version",
    "world_name",
    "world_file",
    "world_yaml",
    "memory",
];

impl RecordingMeta {
    /// As MCAP metadata: plain text for strings, JSON for the rest.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        let Ok(Value::Object(fields)) = serde_json::to_value(self) else {
            return BTreeMap::new();
        };
        fields
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, text)
            })
            .collect()
    }

    /// Back from MCAP metadata; the error names the field that is missing or unreadable.
    pub fn from_map(map: &BTreeMap<String, String>) -> Result<Self, String> {
        let format: u32 = map
            .get("format")
            .ok_or("it has no `format` field")?
            .parse()
            .map_err(|_| "its `format` is not a number")?;
        if format != FORMAT {
            return Err(format!(
                "it is in recording format {format}, this embodia reads format {FORMAT}"
            ));
        }
        let mut fields = serde_json::Map::new();
        for (k, v) in map {
            let value = if PLAIN.contains(&k.as_str()) {
                Value::String(v.clone())
            } else {
                serde_json::from_str(v).map_err(|e| format!("field `{k}` is not JSON: {e}"))?
            };
            fields.insert(k.clone(), value);
        }
        serde_json::from_value(Value::Object(fields)).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> RecordingMeta {
        RecordingMeta {
            format: FORMAT,
            embodia_version: "0.1.0".into(),
            world_name: "42".into(),
            world_file: "w.yaml".into(),
            world_yaml: "{\"name\": 1}".into(),
            seed: 7,
            tasks: vec!["turn left 90 degrees".into(), "true".into()],
            timeout_s: 30.0,
            settle_s: 1.0,
            params: [("max_linear".to_owned(), "0.5".to_owned())].into(),
            planner_args: vec!["--planner".into(), "rules".into()],
            memory: "off".into(),
            known_objects: vec![],
            live_bus: false,
        }
    }

    #[test]
    fn metadata_round_trips_even_when_text_looks_like_json() {
        let m = meta();
        let map = m.to_map();
        assert_eq!(map["world_name"], "42");
        assert_eq!(map["seed"], "7");
        assert_eq!(RecordingMeta::from_map(&map).unwrap(), m);
    }

    #[test]
    fn other_formats_and_missing_fields_are_named() {
        let mut map = meta().to_map();
        map.insert("format".into(), "9".into());
        assert!(
            RecordingMeta::from_map(&map)
                .unwrap_err()
                .contains("format 9")
        );
        let mut map = meta().to_map();
        map.remove("seed");
        assert!(RecordingMeta::from_map(&map).unwrap_err().contains("seed"));
    }
}
