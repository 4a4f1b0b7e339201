//! `embodia_interfaces`: the agent's own ROS 2 interface, defined for colcon in
//! `interfaces/embodia_interfaces/action/ExecuteTask.action`. A test reads that file and checks
//! these structs put the same fields, in the same order, with the same types on the wire.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::ros_message;

/// `embodia_interfaces/action/ExecuteTask`: a task in plain words, followed to its end.
#[derive(Debug, Clone, Copy)]
pub struct ExecuteTask;

impl Action for ExecuteTask {
    type Goal = ExecuteTaskGoal;
    type Result = ExecuteTaskResult;
    type Feedback = ExecuteTaskFeedback;
    const TYPE_NAME: &'static str = "embodia_interfaces/action/ExecuteTask";
}

/// The goal: what to do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecuteTaskGoal {
    /// The task, e.g. "go to the kitchen".
    pub task: String,
}
ros_message!(
    ExecuteTaskGoal,
    "embodia_interfaces/action/ExecuteTask_Goal"
);

/// The result: how the task ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecuteTaskResult {
    /// `succeeded`, `failed`, `refused`, `preempted`, `canceled`, `unfinished`, `interrupted`.
    pub outcome: String,
    /// Why it failed, was refused or ended early; empty when it succeeded.
    pub reason: String,
    /// What the robot said while doing it.
    pub said: Vec<String>,
}
ros_message!(
    ExecuteTaskResult,
    "embodia_interfaces/action/ExecuteTask_Result"
);

/// The feedback: what the agent is doing now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecuteTaskFeedback {
    /// `planning`, `running`, or the outcome once it ended.
    pub state: String,
    /// The current plan, one step per entry as JSON.
    pub plan: Vec<String>,
    /// Index into `plan` of the step being carried out; -1 when none is.
    pub current_step: i32,
    /// What the robot said so far.
    pub said: Vec<String>,
}
ros_message!(
    ExecuteTaskFeedback,
    "embodia_interfaces/action/ExecuteTask_Feedback"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    const ACTION: &str =
        include_str!("../../../interfaces/embodia_interfaces/action/ExecuteTask.action");

    /// The `(type, name)` fields of each of the three parts of a `.action` file.
    fn parts(text: &str) -> Vec<Vec<(String, String)>> {
        text.split("\n---")
            .map(|part| {
                part.lines()
                    .map(|l| l.split('#').next().unwrap_or_default().trim())
                    .filter(|l| !l.is_empty())
                    .map(|l| {
                        let mut words = l.split_whitespace();
                        let ty = words.next().unwrap_or_default().to_owned();
                        let name = words.next().unwrap_or_default().to_owned();
                        assert_eq!(words.next(), None, "one field per line: {l:?}");
                        (ty, name)
                    })
                    .collect()
            })
            .collect()
    }

    /// A field's value read from CDR bytes as its `.action` type says.
    fn read(ty: &str, bytes: &[u8], at: &mut usize) -> serde_json::Value {
        let align4 = |at: &mut usize| *at = at.div_ceil(4) * 4;
        let u32_at = |at: &mut usize| {
            align4(at);
            let v = u32::from_le_bytes(bytes[*at..*at + 4].try_into().unwrap());
            *at += 4;
            v
        };
        let string = |at: &mut usize| {
            let n = u32_at(at) as usize;
            assert_eq!(bytes[*at + n - 1], 0, "strings end in NUL");
            let s = std::str::from_utf8(&bytes[*at..*at + n - 1])
                .unwrap()
                .to_owned();
            *at += n;
            serde_json::Value::from(s)
        };
        match ty {
            "string" => string(at),
            "string[]" => {
                let n = u32_at(at);
                serde_json::Value::Array((0..n).map(|_| string(at)).collect())
            }
            "int32" => serde_json::Value::from(u32_at(at) as i32),
            other => panic!("the test reads no {other} fields yet"),
        }
    }

    /// Decodes `msg`'s CDR bytes with the field list of the `.action` part and compares every
    /// field, by name, with the Rust value: the same fields in the same order with the same
    /// types, or the bytes would not line up.
    fn same_fields<M: Message>(msg: &M, fields: &[(String, String)]) {
        let bytes = crate::cdr::encode(msg).unwrap();
        let body = &bytes[4..];
        let want = serde_json::to_value(msg).unwrap();
        let mut at = 0;
        for (ty, name) in fields {
            let got = read(ty, body, &mut at);
            assert_eq!(got, want[name], "{}: field {name} ({ty})", M::TYPE_NAME);
        }
        assert_eq!(at, body.len(), "{}: bytes left over", M::TYPE_NAME);
        assert_eq!(
            want.as_object().unwrap().len(),
            fields.len(),
            "{}: the Rust type has fields the .action does not",
            M::TYPE_NAME
        );
    }

    #[test]
    fn the_action_file_and_the_rust_types_put_the_same_bytes_on_the_wire() {
        let parts = parts(ACTION);
        assert_eq!(parts.len(), 3, "goal, result and feedback");
        same_fields(
            &ExecuteTaskGoal {
                task: "go to the kitchen".into(),
            },
            &parts[0],
        );
        same_fields(
            &ExecuteTaskResult {
                outcome: "failed".into(),
                reason: "no way through".into(),
                said: vec!["I could not".into(), "sorry".into()],
            },
            &parts[1],
        );
        same_fields(
            &ExecuteTaskFeedback {
                state: "running".into(),
                plan: vec![r#"{"skill":"stop"}"#.into()],
                current_step: -3,
                said: vec!["on my way".into()],
            },
            &parts[2],
        );
        assert_eq!(ExecuteTask::package(), "embodia_interfaces");
        assert_eq!(ExecuteTask::type_short_name(), "ExecuteTask");
    }
}
