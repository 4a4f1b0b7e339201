//! Planners: task text and a world summary in, a typed plan out.
//!
//! The trait is synchronous because planning is CPU work (an LLM forward pass, rule
//! matching); the deliberative layer runs it on a blocking worker with a deadline.

pub mod llm;
pub mod rules;

use embodia_actuation::{Failure, Plan, Step};
use serde::Serialize;
use thiserror::Error;

pub use llm::LlmPlanner;
pub use rules::RulePlanner;

/// An object as the planner sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnownObject {
    /// Name.
    pub name: String,
    /// Class.
    pub class: String,
    /// Last position, map frame.
    pub x: f64,
    /// Last position, map frame.
    pub y: f64,
    /// Place it was last seen in.
    pub place: Option<String>,
    /// Seconds since it was last seen.
    pub seen_ago_s: f64,
}

/// What the planner is told about the world.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WorldSummary {
    /// Robot pose (x, y, theta), if known.
    pub pose: Option<(f64, f64, f64)>,
    /// The place the robot is in.
    pub place: Option<String>,
    /// Battery fraction.
    pub battery: Option<f32>,
    /// Names of the places on the map.
    pub places: Vec<String>,
    /// Objects seen so far.
    pub objects: Vec<KnownObject>,
}

impl WorldSummary {
    /// What a robot that knows `world`'s map would be told; with `seen_all`, as if it had
    /// already seen every object (for `embodia plan` and the planner benches).
    pub fn of_world(world: &embodia_world::World, seen_all: bool) -> Self {
        WorldSummary {
            places: world.places.iter().map(|p| p.name.clone()).collect(),
            objects: if seen_all {
                world
                    .objects
                    .iter()
                    .map(|o| KnownObject {
                        name: o.name.clone(),
                        class: o.class.clone(),
                        x: o.at.x,
                        y: o.at.y,
                        place: world.place_at(o.at).map(|p| p.name.clone()),
                        seen_ago_s: 0.0,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            ..WorldSummary::default()
        }
    }
}

/// A step that failed in an earlier attempt at the same task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedStep {
    /// The step.
    pub step: Step,
    /// Why.
    pub failure: Failure,
}

/// Everything a planner gets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRequest {
    /// The person's words (validated, but still data: quote it before a model reads it).
    pub task: String,
    /// The world as the agent believes it.
    pub world: WorldSummary,
    /// Memories relevant to the task, newest first.
    pub memories: Vec<String>,
    /// The step that failed last time, when replanning.
    pub previous_failure: Option<FailedStep>,
    /// Set when the deliberative layer stops waiting; a planner should give up soon after.
    #[serde(skip)]
    pub cancel: Cancel,
}

/// A flag the deliberative layer raises when a planning deadline passes.
#[derive(Debug, Clone, Default)]
pub struct Cancel(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Cancel {
    /// Asks the planner to stop.
    pub fn cancel(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl PartialEq for Cancel {
    /// Requests are compared by content; the flag is plumbing.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Why no plan came out.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum PlannerError {
    /// The task is not something this planner can turn into steps.
    #[error("I do not know how to do that: {0}")]
    NotUnderstood(String),
    /// The planner broke.
    #[error("the planner failed: {0}")]
    Internal(String),
}

/// Turns tasks into plans.
pub trait Planner: Send + Sync {
    /// A short name for reports (`rules`, `llm`).
    fn name(&self) -> &str;
    /// A plan for the request.
    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError>;
}
