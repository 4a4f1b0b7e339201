//! Command-line interface: one module per subcommand.

use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use embodia::{Planner, RulePlanner};

mod eval;
mod memory;
mod models;
mod run;
mod sim;

/// An embodied agent for mobile robots over ROS 2.
#[derive(Debug, Parser)]
#[command(name = "embodia", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the built-in simulator alone (optionally driven open-loop with --teleop).
    Sim(sim::SimArgs),
    /// Run the simulator and the agent together on tasks given here; print a JSON report.
    Run(run::RunArgs),
    /// Run scenarios and report how many succeed.
    Eval(eval::EvalArgs),
    /// Look into a memory file.
    Memory(memory::MemoryArgs),
    /// Manage the pinned model files.
    Models(models::ModelsArgs),
}

/// Planners selectable with `--planner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlannerChoice {
    /// Deterministic phrase rules.
    Rules,
}

impl PlannerChoice {
    fn build(self) -> anyhow::Result<Arc<dyn Planner>> {
        Ok(match self {
            PlannerChoice::Rules => Arc::new(RulePlanner),
        })
    }
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Sim(args) => sim::run(args),
        Command::Run(args) => run::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Memory(args) => memory::run(args),
        Command::Models(args) => models::run(args),
    }
}
