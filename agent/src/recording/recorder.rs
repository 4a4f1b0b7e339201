//! The recorder: drains taps on every topic of the agent at fixed points of the lockstep
//! loop and hands what it finds, stamped with simulated time, to a [`Sink`].
//!
//! The points are the same in a run and in its replay — inputs after each physics step, the
//! tick before the control tick, outputs after the agent went idle again — and within one point
//! topics are drained in a fixed order, so two runs that behave the same produce the same
//! sequence of entries, and the first difference is the first divergence.

use embodia_ros::Bus;
use embodia_ros::msg::std_msgs::String as RosString;
use serde_json::{Value, json};

use super::RecordingError;
use super::channels;
use super::topics::{Direction, Tap, agent_topics, tap_by_name};
use super::writer::{Encoding, Entry, Sink};
use crate::agent::AgentConfig;
use crate::decisions::Decision;
use crate::deliberative::TaskReport;

/// Which topics a recorder taps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taps {
    /// Inputs and outputs (a run being recorded).
    All,
    /// Outputs only (a replay: the inputs come from the file).
    Outputs,
}

/// Records one run.
pub struct Recorder<S: Sink> {
    inputs: Vec<Box<dyn Tap>>,
    outputs: Vec<Box<dyn Tap>>,
    status_topic: String,
    sink: S,
    last_plan: Value,
    last_step: (Value, Value),
}

impl<S: Sink> Recorder<S> {
    /// Taps the agent's topics (named by `config`) on `bus`. Make it before anything is
    /// published that should be recorded.
    pub fn new<B: Bus>(
        bus: &B,
        config: &AgentConfig,
        taps: Taps,
        sink: S,
    ) -> Result<Self, RecordingError> {
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for (topic, type_name, direction) in agent_topics(config) {
            if direction == Direction::Input && taps == Taps::Outputs {
                continue;
            }
            let tap =
                tap_by_name(bus, &topic, type_name).map_err(|source| RecordingError::Topic {
                    topic: topic.clone(),
                    source,
                })?;
            match direction {
                Direction::Input => inputs.push(tap),
                Direction::Output => outputs.push(tap),
            }
        }
        Ok(Self {
            inputs,
            outputs,
            status_topic: config.topics.status.clone(),
            sink,
            last_plan: Value::Null,
            last_step: (Value::Null, Value::Null),
        })
    }

    fn drain(&mut self, now_ns: i64, which: Direction) -> Result<(), RecordingError> {
        let taps = match which {
            Direction::Input => &self.inputs,
            Direction::Output => &self.outputs,
        };
        let mut found = Vec::new();
        for tap in taps {
            for data in tap.drain() {
                found.push(Entry {
                    t_ns: now_ns,
                    topic: tap.topic().to_owned(),
                    encoding: Encoding::Cdr(tap.type_name()),
                    data,
                });
            }
        }
        for entry in found {
            let status = (entry.topic == self.status_topic).then(|| entry.data.clone());
            self.sink.put(entry)?;
            if let Some(data) = status {
                self.decisions(now_ns, &data)?;
            }
        }
        Ok(())
    }

    /// Plan and step changes, read from a status message.
    fn decisions(&mut self, now_ns: i64, cdr: &[u8]) -> Result<(), RecordingError> {
        let Ok(msg) = embodia_ros::cdr::decode::<RosString>(cdr) else {
            return Ok(());
        };
        let Ok(status) = serde_json::from_str::<Value>(&msg.data) else {
            return Ok(());
        };
        let task = status.get("task").cloned().unwrap_or(Value::Null);
        let plan = status.get("plan").cloned().unwrap_or(Value::Null);
        if !plan.is_null() && plan != self.last_plan {
            self.json(
                now_ns,
                channels::PLAN,
                json!({ "task": task, "plan": plan }),
            )?;
        }
        self.last_plan = plan;
        let step = status.get("current_step").cloned().unwrap_or(Value::Null);
        let state = status.get("state").cloned().unwrap_or(Value::Null);
        if (step.clone(), state.clone()) != self.last_step {
            self.json(
                now_ns,
                channels::STEP,
                json!({ "task": task, "step": step, "state": state, "reason": status.get("reason") }),
            )?;
            self.last_step = (step, state);
        }
        Ok(())
    }

    fn json(&mut self, now_ns: i64, topic: &str, value: Value) -> Result<(), RecordingError> {
        self.sink.put(Entry {
            t_ns: now_ns,
            topic: topic.to_owned(),
            encoding: Encoding::Json,
            data: value.to_string().into_bytes(),
        })
    }

    /// Records what the agent's inputs received up to `now_ns` (after a physics step).
    pub fn inputs(&mut self, now_ns: i64) -> Result<(), RecordingError> {
        self.drain(now_ns, Direction::Input)
    }

    /// Records a control tick at `now_ns` (before the agent runs it).
    pub fn tick(&mut self, now_ns: i64) -> Result<(), RecordingError> {
        self.json(now_ns, channels::TICK, json!({ "t_ns": now_ns }))
    }

    /// Records what the agent published (after it went idle following a tick).
    pub fn outputs(&mut self, now_ns: i64) -> Result<(), RecordingError> {
        self.drain(now_ns, Direction::Output)
    }

    /// Records a task handed to the agent.
    pub fn task(&mut self, now_ns: i64, text: &str) -> Result<(), RecordingError> {
        self.json(now_ns, channels::TASK, json!({ "text": text }))
    }

    /// Records a finished task's report, without its wall-clock planning times (they differ
    /// from run to run and would make every replay diverge).
    pub fn report(&mut self, now_ns: i64, report: &TaskReport) -> Result<(), RecordingError> {
        let mut value = serde_json::to_value(report).unwrap_or(Value::Null);
        if let Some(fields) = value.as_object_mut() {
            fields.remove("planning_ms");
        }
        self.json(now_ns, channels::REPORT, value)
    }

    /// Records a grounding or memory write of the deliberative layer.
    pub fn decision(&mut self, now_ns: i64, decision: &Decision) -> Result<(), RecordingError> {
        let channel = match decision {
            Decision::Grounding(_) => channels::GROUNDING,
            Decision::MemoryWrite(_) => channels::MEMORY,
        };
        let value = serde_json::to_value(decision).unwrap_or(Value::Null);
        self.json(now_ns, channel, value)
    }

    /// Records every report and decision `agent` has handed out since the last call (after
    /// it went idle following a tick); returns the reports.
    pub fn agent_results(
        &mut self,
        now_ns: i64,
        agent: &crate::Agent,
    ) -> Result<Vec<TaskReport>, RecordingError> {
        for d in agent.decisions().try_iter() {
            self.decision(now_ns, &d)?;
        }
        let reports: Vec<TaskReport> = agent.reports().try_iter().collect();
        for r in &reports {
            self.report(now_ns, r)?;
        }
        Ok(reports)
    }

    /// The sink, to finish it or read it.
    pub fn into_sink(self) -> S {
        self.sink
    }

    /// The sink.
    pub fn sink(&self) -> &S {
        &self.sink
    }
}
