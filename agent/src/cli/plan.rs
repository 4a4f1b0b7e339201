//! `embodia plan`: the plan a planner makes for a task in a world, without running it.

use std::path::PathBuf;

use clap::Args;
use embodia::planner::{PlanRequest, WorldSummary};
use embodia_world::World;

use super::PlannerArgs;

/// `embodia plan --world FILE "task"`
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// World file (places and objects).
    #[arg(long)]
    world: PathBuf,
    /// Pretend the robot has already seen every object of the world.
    #[arg(long)]
    seen_all: bool,
    #[command(flatten)]
    planner: PlannerArgs,
    /// The tasks, said one after another: each later one is planned with the earlier ones as
    /// what was said before (so "go there" and "the blue one" refer back).
    #[arg(required = true)]
    tasks: Vec<String>,
}

/// Prints one JSON line per task: the plan or the error.
pub fn run(args: PlanArgs, mut agent: embodia::agent::AgentConfig) -> anyhow::Result<()> {
    let world = World::load(&args.world)?;
    let planner = args.planner.build(&mut agent, super::embedder()?)?;
    let summary = WorldSummary::of_world(&world, args.seen_all);
    let mut said: Vec<String> = Vec::new();
    for task in args.tasks {
        let mut request = PlanRequest::new(task.clone(), summary.clone());
        request.history = said.clone();
        said.push(task.clone());
        let (plan, how) = planner.plan_explained(&request);
        let mut line = match plan {
            Ok(plan) => serde_json::json!({"task": task, "plan": plan}),
            Err(e) => serde_json::json!({"task": task, "error": e.to_string()}),
        };
        if !how.is_null() {
            line["how"] = how;
        }
        println!("{line}");
    }
    Ok(())
}
