//! Plan quality and time to a first plan on a task set of written plans: the share of tasks
//! whose plan is exactly one of the right ones, for the default planner (the rules when
//! certain, else the model scoring the grounded alternatives), the same with the model
//! writing instead of scoring, the model alone (writing every plan), and the rules alone.
//! Times: every decision, and those the model took part in, each a first plan (only the
//! fixed system prompt cached).
//! `cargo bench -p embodia-planner --bench planner_quality [-- tests/planner/heldout3.yaml]`.
//! (Success in the simulator, per class, comes from `embodia eval`; this bench is for
//! latency and for quick plan-level checks.)

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use embodia_actuation::{Plan, PlanLimits};
use embodia_memory::Embedder;
use embodia_planner::choose::{ChoiceMode, Maker};
use embodia_planner::grounding::{Grounder, Semantic};
use embodia_planner::knowledge::Knowledge;
use embodia_planner::llm::parse;
use embodia_planner::{
    DefaultPlanner, LlmPlanner, PlanRequest, Planner, RulePlanner, WorldSummary,
};
use embodia_world::World;
use serde::Deserialize;

#[derive(Deserialize)]
struct Task {
    world: String,
    seen_all: bool,
    task: String,
    expect: Vec<String>,
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let set = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".yaml"))
        .unwrap_or_else(|| "tests/planner/heldout3.yaml".into());
    let tasks: Vec<Task> =
        serde_yaml::from_str(&std::fs::read_to_string(root.join(&set)).unwrap()).unwrap();
    println!("{set}: {} tasks\n", tasks.len());
    let mut worlds: HashMap<String, World> = HashMap::new();
    for t in &tasks {
        worlds.entry(t.world.clone()).or_insert_with(|| {
            World::load(root.join(format!("launch/worlds/{}.yaml", t.world))).unwrap()
        });
    }
    let model = embodia_models::SMOLLM2
        .ensure(&embodia_models::home())
        .expect("fetch the model")
        .join(embodia_models::SMOLLM2_GGUF);
    let embedder = Arc::new(Embedder::fetch_default().expect("embedder"));
    let t = Instant::now();
    let llm = LlmPlanner::load_with(&model, embedder.clone(), PlanLimits::default()).unwrap();
    println!(
        "model load + fixed prompt: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let semantic = Arc::new(
        Semantic::new(
            embedder,
            Knowledge::shipped(),
            &Semantic::default_cache_dir(),
        )
        .unwrap(),
    );
    let rules = RulePlanner::new(Grounder::with_semantic(semantic));
    let scored = DefaultPlanner::new(rules.clone(), Some(llm.clone()));
    let written = scored.clone().with_mode(ChoiceMode::Write);
    let rules_alone = DefaultPlanner::new(rules, None);
    enum Config {
        Default(DefaultPlanner),
        Model(LlmPlanner),
    }
    let configs: Vec<(&str, Config)> = vec![
        (
            "default (rules, else the model scores)",
            Config::Default(scored),
        ),
        ("rules, else the model writes", Config::Default(written)),
        ("the model alone", Config::Model(llm.clone())),
        ("the rules alone", Config::Default(rules_alone)),
    ];
    println!(
        "| task | expected | {} |",
        configs.iter().map(|c| c.0).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(configs.len()));
    let mut right = vec![0usize; configs.len()];
    let mut all_s = vec![Vec::new(); configs.len()];
    let mut model_s = vec![Vec::new(); configs.len()];
    let mut by_rules = vec![0usize; configs.len()];
    for t in &tasks {
        let world = WorldSummary::of_world(&worlds[&t.world], t.seen_all);
        let expected: Vec<Plan> = t
            .expect
            .iter()
            .map(|e| Plan::new(parse(e, &world).unwrap_or_else(|err| panic!("{e}: {err}"))))
            .collect();
        let req = PlanRequest::new(t.task.clone(), world.clone());
        let mut cells = Vec::new();
        for (i, (_, c)) in configs.iter().enumerate() {
            // A first plan: only the fixed system prompt is cached.
            llm.forget_recent_prompts();
            let start = Instant::now();
            let (plan, maker) = match c {
                Config::Default(p) => {
                    let d = p.decide(&req);
                    (d.plan, Some(d.maker))
                }
                Config::Model(p) => (p.plan(&req), None),
            };
            let s = start.elapsed().as_secs_f64();
            all_s[i].push(s);
            match maker {
                Some(Maker::Rules) | Some(Maker::RulesGuess) => by_rules[i] += 1,
                _ => model_s[i].push(s),
            }
            let ok = plan.as_ref().is_ok_and(|p| expected.contains(p));
            right[i] += ok as usize;
            let shown = match &plan {
                Ok(p) => embodia_planner::llm::language::command_text(&p.steps),
                Err(e) => format!("error: {e}"),
            };
            cells.push(format!("{} `{shown}`", if ok { "ok" } else { "**wrong**" }));
        }
        println!("| {} | `{}` | {} |", t.task, t.expect[0], cells.join(" | "));
    }
    println!();
    for (i, (name, _)) in configs.iter().enumerate() {
        println!(
            "{name}: {}/{} right ({:.0}%); {} decided by the rules; median {:.3} s per plan; {} with the model: median {:.2} s",
            right[i],
            tasks.len(),
            100.0 * right[i] as f64 / tasks.len() as f64,
            by_rules[i],
            median(all_s[i].clone()),
            model_s[i].len(),
            median(model_s[i].clone()),
        );
    }
}
