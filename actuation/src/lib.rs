//! Actuation: skills that turn plan steps into velocity commands, and the safety gate that
//! every command passes on its way to `/cmd_vel`.
//!
//! The gate is a decorator around the only velocity sink ([`gate::SafetyGate`] owns the
//! [`cmd_vel::CmdVelSink`]), so no code path can publish a command it has not filtered.

pub mod cmd_vel;
pub mod gate;
pub mod nav;
pub mod plan;
pub mod skills;

pub use gate::{GateConfig, GateInput, GateOutput, Reason, SafetyGate, SkillCommand};
pub use plan::{Plan, PlanError, PlanLimits, Step};
pub use skills::{Failure, NavResources, Skill, SkillContext, SkillOutput, SkillStatus};
