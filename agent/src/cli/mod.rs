//! Command-line interface: one module per subcommand.

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use embodia::agent::AgentConfig;
use embodia::planner::grounding::{Grounder, Semantic};
use embodia::planner::remote::{API_KEY_ENV, ApiKey};
use embodia::planner::{ChoiceMode, DefaultPlanner, RemotePlanner, RemoteSettings};
use embodia::{LlmPlanner, Planner, RulePlanner};
use embodia_memory::Embedder;
use embodia_perception::SemanticMap;
use embodia_ros::args::RosArgs;

mod agent;
mod bus_recording;
#[cfg(feature = "sim")]
mod eval;
pub mod logging;
mod memory;
mod models;
mod plan;
#[cfg(feature = "sim")]
mod replay;
#[cfg(feature = "sim")]
mod run;
#[cfg(feature = "sim")]
mod sim;
#[cfg(feature = "sim")]
mod soak;

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
    #[cfg(feature = "sim")]
    Sim(sim::SimArgs),
    /// Run the agent as a ROS 2 node on DDS (takes --ros-args).
    Agent(agent::AgentArgs),
    /// Run the simulator and the agent together on tasks given here; print a JSON report.
    #[cfg(feature = "sim")]
    Run(run::RunArgs),
    /// Run scenarios and report how many succeed.
    #[cfg(feature = "sim")]
    Eval(eval::EvalArgs),
    /// Run one agent for a long stretch of simulated time with tasks streaming in; report
    /// memory, file descriptors, threads and every task's end.
    #[cfg(feature = "sim")]
    Soak(soak::SoakArgs),
    /// Replay a recording against this build; exit 1 with the first divergence.
    #[cfg(feature = "sim")]
    Replay(replay::ReplayArgs),
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
    /// The rules (clauses read, referents grounded) when they are certain, else the
    /// on-device model choosing among their grounded alternatives (the default).
    Default,
    /// The on-device model alone, writing every plan under a per-request grammar.
    Llm,
    /// The rules alone (their best guess when they are not certain).
    Rules,
    /// An inference server (OpenAI-compatible, `--planner-url`) writing every plan with the
    /// on-device model's prompt and grammar; the default planner plans when it cannot.
    Remote,
}

/// How the model decides what the rules are unsure of (`--planner default`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChoiceArg {
    /// Score the rules' grounded alternatives (SayCan-style).
    Score,
    /// Write the plan under the grammar.
    Write,
}

/// Which planner, and for the model which file and decoding.
#[derive(Debug, Clone, clap::Args)]
pub struct PlannerArgs {
    /// Which planner turns tasks into plans.
    #[arg(long, value_enum, default_value_t = PlannerChoice::Default)]
    planner: PlannerChoice,
    /// How the model decides what the rules are unsure of (`--planner default`).
    #[arg(long, value_enum, default_value_t = ChoiceArg::Score)]
    choice: ChoiceArg,
    /// Weight of the grounding score beside the model's likelihood when scoring.
    #[arg(long, default_value_t = embodia::planner::choose::DEFAULT_PRIOR_WEIGHT)]
    prior_weight: f64,
    /// A GGUF model (default: SmolLM2-135M-Instruct, fetched on first use).
    #[arg(long, value_name = "PATH.gguf")]
    model: Option<std::path::PathBuf>,
    /// Sample at this temperature instead of greedy decoding (`--planner llm`).
    #[arg(long)]
    temperature: Option<f32>,
    /// Beams searched when the model writes (1 = greedy, faster, worse).
    #[arg(long, default_value_t = embodia::planner::llm::DEFAULT_BEAM_WIDTH)]
    beams: usize,
    /// Context-aware scoring strength of the model when it writes (0 = plain likelihood).
    #[arg(long, default_value_t = embodia::planner::llm::DEFAULT_CONTRAST)]
    contrast: f32,
    /// Context-aware strength when the model scores the rules' alternatives.
    #[arg(long, default_value_t = embodia::planner::llm::DEFAULT_SCORE_CONTRAST)]
    score_contrast: f32,
    /// Seed for `--temperature` sampling.
    #[arg(long, default_value_t = 0)]
    sample_seed: u64,
    /// The inference server for `--planner remote` (overrides the `planner_url` parameter):
    /// a base URL (`http://HOST:PORT`; on this machine HOST is 127.0.0.1) or a full `/v1/chat/completions` or
    /// `/v1/completions` URL. The API key, if any, is read from EMBODIA_PLANNER_API_KEY.
    #[arg(long, value_name = "URL")]
    planner_url: Option<String>,
    /// The model name sent to the server (`planner_model`).
    #[arg(long, value_name = "NAME")]
    planner_model: Option<String>,
    /// Seconds a remote plan may take before the on-device planner plans (`planner_timeout_s`).
    #[arg(long, value_name = "SECONDS")]
    planner_timeout_s: Option<f64>,
    /// Send the plan grammar to the server as GBNF (`planner_grammar`).
    #[arg(long, value_name = "BOOL")]
    planner_grammar: Option<bool>,
}

impl PlannerArgs {
    /// These options as command-line arguments (what a recording keeps, for replay).
    fn to_args(&self) -> Vec<String> {
        fn name<T: ValueEnum>(v: &T) -> String {
            v.to_possible_value()
                .map(|p| p.get_name().to_owned())
                .unwrap_or_default()
        }
        let mut out = vec![
            "--planner".to_owned(),
            name(&self.planner),
            "--choice".to_owned(),
            name(&self.choice),
            format!("--prior-weight={}", self.prior_weight),
            format!("--beams={}", self.beams),
            format!("--contrast={}", self.contrast),
            format!("--score-contrast={}", self.score_contrast),
            format!("--sample-seed={}", self.sample_seed),
        ];
        if let Some(m) = &self.model {
            out.push(format!("--model={}", m.display()));
        }
        if let Some(t) = self.temperature {
            out.push(format!("--temperature={t}"));
        }
        // The server's address and settings, never its key.
        if let Some(u) = &self.planner_url {
            out.push(format!("--planner-url={u}"));
        }
        if let Some(m) = &self.planner_model {
            out.push(format!("--planner-model={m}"));
        }
        if let Some(t) = self.planner_timeout_s {
            out.push(format!("--planner-timeout-s={t}"));
        }
        if let Some(g) = self.planner_grammar {
            out.push(format!("--planner-grammar={g}"));
        }
        out
    }

    /// The remote planner's settings: the parameters, then these options over them.
    fn remote_settings(&self, params: &RemoteSettings) -> RemoteSettings {
        let mut s = params.clone();
        if let Some(u) = &self.planner_url {
            s.url = u.clone();
        }
        if let Some(m) = &self.planner_model {
            s.model = m.clone();
        }
        if let Some(t) = self.planner_timeout_s {
            s.timeout_s = t;
        }
        if let Some(g) = self.planner_grammar {
            s.grammar = g;
        }
        s
    }

    /// Whether the planner runs the model (which uses every core: run one episode at a time).
    #[cfg(feature = "sim")]
    fn uses_model(&self) -> bool {
        self.planner != PlannerChoice::Rules
    }

    /// The planner, and into `agent` the search prior from the same grounding.
    fn build(
        &self,
        agent: &mut AgentConfig,
        embedder: Arc<Embedder>,
    ) -> anyhow::Result<Arc<dyn Planner>> {
        let limits = agent.deliberative.limits.clone();
        let settings = self.remote_settings(&agent.remote_planner);
        anyhow::ensure!(
            self.planner != PlannerChoice::Remote || !settings.url.is_empty(),
            "--planner remote needs the server. Fix: add --planner-url http://HOST:PORT (or -p planner_url:=URL)"
        );
        let semantic = Semantic::new(
            embedder.clone(),
            embodia::planner::knowledge::Knowledge::shipped(),
            &Semantic::default_cache_dir(),
        )
        .context("embedding the planner's knowledge base")?;
        let semantic = Arc::new(semantic);
        agent.resemblance = Some(Arc::new(embodia::planner::EmbeddingResemblance::new(
            semantic.clone(),
            embodia::planner::knowledge::Knowledge::shipped(),
        )));
        let grounder = Grounder::with_semantic(semantic);
        agent.search_prior = Some(Arc::new(embodia::planner::KnowledgePrior::new(
            grounder.clone(),
        )));
        let rules = RulePlanner::new(grounder);
        if self.planner == PlannerChoice::Rules {
            return Ok(Arc::new(DefaultPlanner::new(rules, None)));
        }
        let path = match &self.model {
            Some(p) => p.clone(),
            None => embodia_models::SMOLLM2
                .ensure(&embodia_models::home())?
                .join(embodia_models::SMOLLM2_GGUF),
        };
        let mut model = LlmPlanner::load_with(&path, embedder, limits.clone())?
            .with_beam_width(self.beams)
            .with_contrast(self.contrast)
            .with_score_contrast(self.score_contrast);
        if let Some(temperature) = self.temperature {
            model = model.with_decoding(embodia_llm::Decoding::Sample {
                temperature,
                seed: self.sample_seed,
            });
        }
        let default = |model: LlmPlanner| {
            DefaultPlanner::new(rules, Some(model))
                .with_mode(match self.choice {
                    ChoiceArg::Score => ChoiceMode::Score,
                    ChoiceArg::Write => ChoiceMode::Write,
                })
                .with_prior_weight(self.prior_weight)
        };
        Ok(match self.planner {
            PlannerChoice::Llm => Arc::new(model),
            PlannerChoice::Remote => {
                let deadline = agent.deliberative.plan_deadline.as_secs_f64();
                if settings.timeout_s >= deadline {
                    tracing::warn!(
                        timeout_s = settings.timeout_s,
                        deadline_s = deadline,
                        "the remote planner's timeout is not under the planning deadline: a slow server leaves the on-device planner no time"
                    );
                }
                let fallback: Arc<dyn Planner> = Arc::new(default(model.clone()));
                let key = ApiKey::from_env(API_KEY_ENV);
                Arc::new(
                    RemotePlanner::new(settings, key, model, fallback, limits)
                        .context("setting up the remote planner")?,
                )
            }
            _ => Arc::new(default(model)),
        })
    }
}

/// `--foxglove [ADDR]`, for the commands that can serve a live view.
#[derive(Debug, Clone, clap::Args)]
pub struct FoxgloveArg {
    /// Serve a live view to Foxglove (WebSocket) on this address; open it with the layout
    /// launch/foxglove/embodia-layout.json.
    #[arg(long, value_name = "ADDR", num_args = 0..=1,
          default_missing_value = embodia::live::DEFAULT_ADDR)]
    foxglove: Option<std::net::SocketAddr>,
}

impl FoxgloveArg {
    /// Whether a live view was asked for.
    fn wanted(&self) -> bool {
        self.foxglove.is_some()
    }

    /// The live view of an agent configured by `config` in `world`, when asked for; says on
    /// stderr where it listens.
    #[cfg(feature = "sim")]
    fn start(
        &self,
        config: &AgentConfig,
        world: &embodia_world::World,
    ) -> anyhow::Result<Option<embodia::live::LiveView>> {
        self.start_with(config, &SemanticMap::from_world(world), world.robot.radius)
    }

    /// The live view drawing `semantic`'s places and keep-out zones (a world's or a places
    /// file's).
    fn start_with(
        &self,
        config: &AgentConfig,
        semantic: &SemanticMap,
        robot_radius: f64,
    ) -> anyhow::Result<Option<embodia::live::LiveView>> {
        let Some(addr) = self.foxglove else {
            return Ok(None);
        };
        let source = embodia::live::scene::SceneSource::from_places(
            &semantic.places,
            &semantic.keep_out,
            robot_radius,
            &config.perception.map_frame,
        );
        let live = embodia::live::LiveView::start(addr, config, source)?;
        eprintln!(
            "live view: ws://{} (Foxglove: Open connection > Foxglove WebSocket; layout launch/foxglove/embodia-layout.json)",
            live.addr()
        );
        Ok(Some(live))
    }
}

/// The sentence embedder (grounding, example retrieval and memory share one).
fn embedder() -> anyhow::Result<Arc<Embedder>> {
    Ok(Arc::new(
        Embedder::fetch_default().context("loading the sentence embedding model")?,
    ))
}

/// The agent's settings: defaults, then the `--ros-args` parameters.
fn agent_config(ros: &RosArgs) -> anyhow::Result<AgentConfig> {
    let mut config = AgentConfig::default();
    embodia::params::apply(&mut config, &ros.params)?;
    embodia::names::resolve(&mut config, ros);
    Ok(config)
}

/// Whether `e` is a replay's divergence (exit code 1, as a failed test, not 2).
pub fn diverged(e: &anyhow::Error) -> bool {
    #[cfg(feature = "sim")]
    return e.downcast_ref::<replay::Diverged>().is_some();
    #[cfg(not(feature = "sim"))]
    {
        let _ = e;
        false
    }
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli, ros: &RosArgs) -> anyhow::Result<()> {
    match cli.command {
        #[cfg(feature = "sim")]
        Command::Sim(args) => sim::run(args),
        Command::Agent(args) => agent::run(
            args,
            agent_config(ros)?,
            ros.node_name.as_deref().unwrap_or("embodia"),
            ros.namespace.as_deref().unwrap_or("/"),
        ),
        #[cfg(feature = "sim")]
        Command::Run(args) => run::run(args, agent_config(ros)?),
        #[cfg(feature = "sim")]
        Command::Eval(args) => eval::run(args, agent_config(ros)?),
        #[cfg(feature = "sim")]
        Command::Soak(args) => soak::run(args, agent_config(ros)?),
        #[cfg(feature = "sim")]
        Command::Replay(args) => replay::run(args, ros),
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
