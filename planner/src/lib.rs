//! Planners: a person's task and the world as the agent believes it in, a typed plan out.
//!
//! The default planner is a decorator over two: the rules ([`rules::RulePlanner`]) read the
//! task into clauses ([`understand`]) and ground every referent ([`grounding`]) against the
//! places, the objects seen and general knowledge of rooms and things ([`knowledge`]); when
//! they are certain, their plan is taken (about a millisecond), and when they are not, the
//! on-device language model chooses among the grounded alternatives or writes the plan under
//! a grammar ([`llm`], [`choose`]). Questions are answered from perception and memory
//! ([`answer`]), never from the model. Planning is CPU work, so the trait is synchronous; the
//! agent runs it on a worker with a deadline.

pub mod answer;
pub mod avoid;
pub mod choose;
pub mod grounding;
pub mod knowledge;
pub mod llm;
pub mod pace;
pub mod prior;
pub mod remote;
mod request;
pub mod resemblance;
pub mod rules;
pub mod text;
pub mod understand;

use embodia_actuation::Plan;
use thiserror::Error;

pub use choose::{ChoiceMode, DefaultPlanner};
pub use llm::LlmPlanner;
pub use prior::KnowledgePrior;
pub use remote::{RemotePlanner, RemoteSettings};
pub use request::{
    Cancel, FailedStep, KnownObject, KnownPlace, MemoryHandle, PlanRequest, Recall, WorldSummary,
};
pub use resemblance::EmbeddingResemblance;
pub use rules::RulePlanner;

/// Why no plan came out.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum PlannerError {
    /// The task is not something this planner can (or may) turn into steps; the reason is a
    /// sentence for the person.
    #[error("{0}")]
    NotUnderstood(String),
    /// The planner broke.
    #[error("the planner failed: {0}")]
    Internal(String),
}

/// Turns tasks into plans.
pub trait Planner: Send + Sync {
    /// A short name for reports (`rules`, `llm`, `default`).
    fn name(&self) -> &str;
    /// A plan for the request.
    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError>;
    /// A plan, with how it was made (for `embodia plan` and reports); by default just the plan.
    fn plan_explained(
        &self,
        request: &PlanRequest,
    ) -> (Result<Plan, PlannerError>, serde_json::Value) {
        (self.plan(request), serde_json::Value::Null)
    }
}
