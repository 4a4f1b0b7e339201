//! Command-line interface: one module per subcommand.

use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use embodia::agent::AgentConfig;
use embodia::{LlmPlanner, Planner, RulePlanner};
use embodia_ros::args::RosArgs;

mod agent;
mod eval;
mod memory;
mod models;
mod plan;
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
    /// Run the agent as a ROS 2 node on DDS (takes --ros-args).
    Agent(agent::AgentArgs),
    /// Run the simulator and the agent together on tasks given here; print a JSON report.
    Run(run::RunArgs),
    /// Run scenarios and report how many succeed.
    Eval(eval::EvalArgs),
    /// Show the plan a planner makes for a task in a world, without running it.
    Plan(plan::PlanArgs),
    /// Look into a memory file.
    Memory(memory::MemoryArgs),
    /// Manage the pinned model files.
    Models(models::ModelsArgs),
    /// Print a world file as a Gazebo (Harmonic) world SDF with the embodia_robot model.
    WorldSdf {
        /// World file.
        #[arg(long)]
        world: std::path::PathBuf,
    },
    /// Print the table of agent parameters (for -p and --params-file) with their defaults.
    Params,
}

/// Planners selectable with `--planner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlannerChoice {
    /// Deterministic phrase rules only.
    Rules,
    /// The on-device language model under a per-request grammar, with the rule fast path
    /// for tasks of a plain shape (the default).
    Llm,
}

/// Which planner, and for the LLM planner which model and decoding.
#[derive(Debug, Clone, clap::Args)]
pub struct PlannerArgs {
    /// Which planner turns tasks into plans: the on-device LLM (plain tasks through its rule
    /// fast path) by default, or the rules alone.
    #[arg(long, value_enum, default_value_t = PlannerChoice::Llm)]
    planner: PlannerChoice,
    /// A GGUF model for `--planner llm` (default: SmolLM2-135M-Instruct, fetched on first use).
    #[arg(long, value_name = "PATH.gguf")]
    model: Option<std::path::PathBuf>,
    /// Sample at this temperature instead of greedy decoding (`--planner llm`).
    #[arg(long)]
    temperature: Option<f32>,
    /// Beams searched by the LLM planner (1 = greedy, faster, worse).
    #[arg(long, default_value_t = embodia::planner::llm::DEFAULT_BEAM_WIDTH)]
    beams: usize,
    /// Context-aware scoring strength of the LLM planner (0 = plain likelihood).
    #[arg(long, default_value_t = embodia::planner::llm::DEFAULT_CONTRAST)]
    contrast: f32,
    /// Seed for `--temperature` sampling.
    #[arg(long, default_value_t = 0)]
    sample_seed: u64,
    /// Ask the model even for tasks of a plain shape ("go to X", "turn left 30 degrees"),
    /// which the LLM planner otherwise takes from the rules.
    #[arg(long)]
    no_rule_fast_path: bool,
}

impl PlannerArgs {
    fn is_llm(&self) -> bool {
        self.planner == PlannerChoice::Llm
    }

    fn build(&self, limits: &embodia_actuation::PlanLimits) -> anyhow::Result<Arc<dyn Planner>> {
        Ok(match self.planner {
            PlannerChoice::Rules => Arc::new(RulePlanner),
            PlannerChoice::Llm => {
                let path = match &self.model {
                    Some(p) => p.clone(),
                    None => embodia_models::SMOLLM2
                        .ensure(&embodia_models::home())?
                        .join(embodia_models::SMOLLM2_GGUF),
                };
                let mut planner = LlmPlanner::load(&path, limits.clone())?
                    .with_beam_width(self.beams)
                    .with_contrast(self.contrast)
                    .with_rule_fast_path(!self.no_rule_fast_path);
                if let Some(temperature) = self.temperature {
                    planner = planner.with_decoding(embodia_llm::Decoding::Sample {
                        temperature,
                        seed: self.sample_seed,
                    });
                }
                Arc::new(planner)
            }
        })
    }
}

/// The agent's settings: defaults, then the `--ros-args` parameters.
fn agent_config(ros: &RosArgs) -> anyhow::Result<AgentConfig> {
    let mut config = AgentConfig::default();
    embodia::params::apply(&mut config, &ros.params)?;
    let t = &mut config.topics;
    for topic in [
        &mut t.cmd_vel,
        &mut t.task,
        &mut t.status,
        &mut t.say,
        &mut t.safety,
        &mut t.safety_reset,
    ] {
        *topic = ros.resolve_topic(topic);
    }
    let p = &mut config.perception.topics;
    for topic in [
        &mut p.scan,
        &mut p.odom,
        &mut p.map,
        &mut p.detections,
        &mut p.battery,
        &mut p.imu,
        &mut p.emergency_stop,
        &mut p.tf_static,
    ] {
        *topic = ros.resolve_topic(topic);
    }
    Ok(config)
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli, ros: &RosArgs) -> anyhow::Result<()> {
    match cli.command {
        Command::Sim(args) => sim::run(args),
        Command::Agent(args) => agent::run(
            args,
            agent_config(ros)?,
            ros.node_name.as_deref().unwrap_or("embodia"),
            ros.namespace.as_deref().unwrap_or("/"),
        ),
        Command::Run(args) => run::run(args, agent_config(ros)?),
        Command::Eval(args) => eval::run(args, agent_config(ros)?),
        Command::WorldSdf { world } => {
            let w = embodia_world::World::load(&world)?;
            print!(
                "{}",
                embodia_world::sdf::to_sdf(&w, embodia_world::sdf::SdfLidar::default())
            );
            Ok(())
        }
        Command::Params => {
            print!("{}", embodia::params::table());
            Ok(())
        }
        Command::Plan(args) => plan::run(args, agent_config(ros)?),
        Command::Memory(args) => memory::run(args),
        Command::Models(args) => models::run(args),
    }
}
