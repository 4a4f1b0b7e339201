//! Plan quality on held-out tasks (`tests/planner/heldout.yaml`, never used to choose examples
//! or settings): the share of tasks whose plan is exactly one of the right ones, for the
//! default decoding and for plain greedy decoding under the same grammar.
//! `cargo bench -p embodia --bench planner_quality`.

use std::collections::HashMap;
use std::time::Instant;

use embodia::LlmPlanner;
use embodia::planner::llm::parse;
use embodia::planner::{PlanRequest, WorldSummary};
use embodia_actuation::{Plan, PlanLimits};
use embodia_world::World;
use serde::Deserialize;

#[derive(Deserialize)]
struct Task {
    world: String,
    seen_all: bool,
    task: String,
    expect: Vec<String>,
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let tasks: Vec<Task> = serde_yaml::from_str(
        &std::fs::read_to_string(root.join("tests/planner/heldout.yaml")).unwrap(),
    )
    .unwrap();
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
    let default = LlmPlanner::load(&model, PlanLimits::default()).unwrap();
    let greedy = default.clone().with_beam_width(1);
    let configs: Vec<(&str, LlmPlanner)> = vec![
        (
            "default (6 retrieved examples, 3 beams, context-aware)",
            default,
        ),
        ("greedy (6 retrieved examples)", greedy),
    ];
    println!(
        "| task | expected | {} |",
        configs.iter().map(|c| c.0).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(configs.len()));
    let mut right = vec![0usize; configs.len()];
    let mut secs = vec![Vec::new(); configs.len()];
    for t in &tasks {
        let world = WorldSummary::of_world(&worlds[&t.world], t.seen_all);
        let expected: Vec<Plan> = t
            .expect
            .iter()
            .map(|e| Plan::new(parse(e, &world).unwrap_or_else(|err| panic!("{e}: {err}"))))
            .collect();
        let req = PlanRequest {
            task: t.task.clone(),
            world: world.clone(),
            memories: Vec::new(),
            previous_failure: None,
            cancel: Default::default(),
        };
        let mut cells = Vec::new();
        for (i, (_, planner)) in configs.iter().enumerate() {
            let start = Instant::now();
            let a = planner.attempt(&req, &|| false).expect("attempt");
            secs[i].push(start.elapsed().as_secs_f64());
            let ok = a.plan.as_ref().is_ok_and(|p| expected.contains(p));
            right[i] += ok as usize;
            cells.push(format!(
                "{} `{}`",
                if ok { "ok" } else { "**wrong**" },
                a.text
            ));
        }
        println!("| {} | `{}` | {} |", t.task, t.expect[0], cells.join(" | "));
    }
    println!();
    for (i, (name, _)) in configs.iter().enumerate() {
        let mut s = secs[i].clone();
        s.sort_by(f64::total_cmp);
        println!(
            "{name}: {}/{} right ({:.0}%), median {:.2} s per plan",
            right[i],
            tasks.len(),
            100.0 * right[i] as f64 / tasks.len() as f64,
            s[s.len() / 2]
        );
    }
}
