//! The messages between the agent's two layers, in one place: what the deliberative layer
//! asks of the reactive one ([`ReactiveCommand`]), what the reactive layer reports
//! ([`ReactiveEvent`]), and everything that reaches the deliberative layer
//! ([`DeliberativeInput`]: tasks, cancels, the reactive layer's events). Neither layer's file
//! defines what the other sends it, so they import this module, not each other.

use std::sync::Arc;

use embodia_actuation::{SkillStatus, Step};
use embodia_perception::Observation;

/// Names a task handed in through the API, so its progress and report can be told apart
/// from other tasks' (an action goal's).
pub type TaskId = u64;

/// What reaches the deliberative layer.
#[derive(Debug)]
pub enum DeliberativeInput {
    /// A task from a person.
    Task(String),
    /// A task whose report and progress carry `id`.
    Tracked {
        /// The task's id.
        id: TaskId,
        /// The task.
        text: String,
    },
    /// Stop the task `id` if it is still in progress: the robot stands still and the task
    /// ends [`Outcome::Canceled`](crate::deliberative::Outcome::Canceled).
    Cancel {
        /// The task's id.
        id: TaskId,
    },
    /// Something from the reactive layer.
    Event(ReactiveEvent),
    /// Other robots' sightings wait on the fleet memory topic.
    FleetMemory,
}

/// What the deliberative layer asks of the reactive one.
#[derive(Debug, Clone, PartialEq)]
pub enum ReactiveCommand {
    /// Run this step (replacing any running one).
    Run {
        /// Identifies the step in the outcome.
        id: u64,
        /// The step.
        step: Step,
        /// The highest speed the task asked for ("slowly"), m/s: the skill's commands are
        /// scaled down to it before the gate, whose own limits stay as they are.
        max_speed_mps: Option<f64>,
        /// Places the task asked to keep out of ("keep out of the café"): routes go around
        /// them. Like the pace this only narrows; the gate's keep-out zones stay as they are.
        avoid: Vec<String>,
    },
    /// Stop the running step and stand still.
    Cancel,
    /// Objects remembered from earlier, for perception to know of.
    Recall(Vec<embodia_perception::TrackedObject>),
    /// The places changed (one was named): perception and skills use these from now on.
    Places(Arc<embodia_perception::SemanticMap>),
}

/// What the reactive layer reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ReactiveEvent {
    /// A step ended.
    StepFinished {
        /// The step's id.
        id: u64,
        /// How it ended.
        status: SkillStatus,
    },
    /// Something was said.
    Said(String),
    /// Perception noticed something.
    Observed(Observation),
}
