//! The embodied agent: a reactive layer (perception, skills, the safety gate) at a fixed
//! rate on its own thread, and a deliberative layer (planning, task sequencing) on tokio that
//! the reactive layer never waits for.
//!
//! With the `sim` feature (on by default), `embodia run` and `embodia eval` drive
//! `episode::run_episode`: simulator and agent in one process over the in-process bus, in
//! lockstep simulated time. Without it (a robot's build) the library has no simulator and no
//! harness: the episode, scenario, fault, soak and fleet modules and replay are left out.

pub mod activity;
pub mod agent;
pub mod clock;
pub mod console;
pub mod coverage_worker;
pub mod decisions;
pub mod deliberative;
#[cfg(feature = "sim")]
pub mod episode;
#[cfg(feature = "sim")]
pub mod faults;
#[cfg(feature = "sim")]
pub mod fleet;
pub mod fleet_memory;
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
#[cfg(feature = "sim")]
pub mod scenario;
pub mod setup;
#[cfg(feature = "sim")]
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
