//! Decisions of the deliberative layer that no topic carries: what the grounding made of each
//! task, and each write to the memory. A recording keeps them on JSON channels beside the
//! topics, so that replay compares them and a viewer shows them; the recording's log time
//! says when (the control tick after which the layer had made them).
//!
//! They leave the layer on a bounded queue that drops its oldest decision when nobody drains
//! it ([`DropOldest`]): a run that records nothing keeps at most [`QUEUE`] of them.

use serde::Serialize;
use serde_json::Value;

use embodia_memory::{NamedPlace, NewEntry};

pub use crate::recording::feed::DropOldest;

/// Decisions kept for a recorder between two drains, at most.
pub const QUEUE: usize = 1024;

/// One decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Decision {
    /// What the grounding made of a task, each time it was planned.
    Grounding(Grounding),
    /// A write to the memory.
    MemoryWrite(MemoryWrite),
}

/// What the planner's grounding stage made of a task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grounding {
    /// The task.
    pub task: String,
    /// Whether it was a replan after a failed step.
    pub replan: bool,
    /// Who made the plan (`rules`, `model_scored`, ...), when the planner says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_by: Option<String>,
    /// The clauses, each with its alternatives (referents resolved, as steps) and scores.
    pub grounding: Value,
}

/// What a memory write was of.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Written {
    /// Observations, embedded: what was seen, where and when.
    Observations {
        /// The entries, in the order written.
        entries: Vec<WrittenEntry>,
        /// Their ids in the store (an observation of something already known merges into its
        /// entry); empty when the write failed.
        ids: Vec<u64>,
    },
    /// A place named by the person.
    NamedPlace {
        /// The name.
        name: String,
        /// Centre, map frame, m.
        x: f64,
        /// Centre, map frame, m.
        y: f64,
        /// Radius, m.
        radius: f64,
    },
    /// The task in progress (none: the task ended), kept so a restart knows what was cut off.
    TaskInProgress {
        /// The task, or none.
        task: Option<String>,
    },
}

/// One observation as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrittenEntry {
    /// What was seen, as text.
    pub text: String,
    /// When, memory time, ns.
    pub time_ns: i64,
    /// Where the robot was (x, y, theta).
    pub pose: (f64, f64, f64),
    /// The place it was in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The object seen, with its position, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Where the object is, map frame, m.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_position: Option<(f64, f64)>,
}

impl From<&NewEntry> for WrittenEntry {
    fn from(e: &NewEntry) -> Self {
        Self {
            text: e.text.clone(),
            time_ns: e.time_ns,
            pose: e.pose,
            place: e.place.clone(),
            object: e.object_name.clone(),
            object_position: e.object_position,
        }
    }
}

impl From<&NamedPlace> for Written {
    fn from(p: &NamedPlace) -> Self {
        Written::NamedPlace {
            name: p.name.clone(),
            x: p.x,
            y: p.y,
            radius: p.radius,
        }
    }
}

/// One write to the memory, and whether the store took it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemoryWrite {
    /// What was written.
    #[serde(flatten)]
    pub written: Written,
    /// Whether the store took it (false: it waits in RAM and is tried again).
    pub stored: bool,
    /// Why the store refused it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl MemoryWrite {
    /// A write of `written` with the store's `result`.
    pub fn new(written: Written, result: &Result<(), String>) -> Self {
        Self {
            written,
            stored: result.is_ok(),
            error: result.as_ref().err().cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memory_write_says_what_where_when_and_whether_it_was_stored() {
        let w = MemoryWrite::new(
            Written::NamedPlace {
                name: "desk".into(),
                x: 1.0,
                y: 2.0,
                radius: 0.5,
            },
            &Err("disk full".into()),
        );
        let v = serde_json::to_value(Decision::MemoryWrite(w)).unwrap();
        assert_eq!(v["kind"], "named_place");
        assert_eq!(v["name"], "desk");
        assert_eq!(v["x"].as_f64(), Some(1.0));
        assert_eq!(v["stored"], false);
        assert_eq!(v["error"], "disk full");
    }
}
