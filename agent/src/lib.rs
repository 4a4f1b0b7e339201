//! The embodied agent: a reactive layer (perception, skills, the safety gate) at a fixed
//! rate on its own thread, and a deliberative layer (planning, task sequencing) on tokio that
//! the reactive layer never waits for.
//!
//! `embodia run` and `embodia eval` drive [`episode::run_episode`]: simulator and agent in one
//! process over the in-process bus, in lockstep simulated time.

pub mod activity;
pub mod agent;
pub mod clock;
pub mod console;
pub mod deliberative;
pub mod episode;
pub mod faults;
pub mod fleet;
pub mod inbox;
pub mod lifecycle;
pub mod live;
pub mod messages;
pub mod names;
pub mod params;
pub mod picture;
pub mod places;
pub mod priority;
pub mod reactive;
pub mod recording;
pub mod remembering;
pub mod scenario;
pub mod soak;
pub mod task;
pub mod task_action;

pub use agent::{Agent, AgentConfig, AgentError, Pacing};
pub use deliberative::{Outcome, TaskReport};
/// The planners, from their own crate.
pub use embodia_planner as planner;
pub use embodia_planner::{
    DefaultPlanner, LlmPlanner, PlanRequest, Planner, PlannerError, RulePlanner,
};
