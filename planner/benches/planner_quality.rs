//! Plan quality on held-out tasks: the share of tasks whose plan is exactly one of the right
//! ones, for the default planner (rule fast path, else the model), the model alone, and the
//! model alone with plain greedy decoding under the same grammar.
//! `tests/planner/heldout2.yaml` by default (never used to choose anything); the first set,
//! `heldout.yaml`, was looked at while choosing how many examples to retrieve.
//! `cargo bench -p embodia --bench planner_quality [-- tests/planner/heldout.yaml]`.

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
    let set = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".yaml"))
        .unwrap_or_else(|| "tests/planner/heldout2.yaml".into());
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
    let default = LlmPlanner::load(&model, PlanLimits::default()).unwrap();
    let model_only = default.clone().with_rule_fast_path(false);
    let greedy = model_only.clone().with_beam_width(1);
    let configs: Vec<(&str, LlmPlanner)> = vec![
        (
            "default (rule fast path, else the model: retrieved examples, 3 beams, context-aware)",
            default,
        ),
        ("the model alone (3 beams, context-aware)", model_only),
        ("the model alone, greedy", greedy),
    ];
    println!(
        "| task | expected | {} |",
        configs.iter().map(|c| c.0).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(configs.len()));
    let mut right = vec![0usize; configs.len()];
    let mut secs = vec![Vec::new(); configs.len()];
    let mut parts: Vec<Vec<(f64, f64, f64, f64)>> = vec![Vec::new(); configs.len()];
    let mut again = vec![Vec::new(); configs.len()];
    let mut fast = vec![0usize; configs.len()];
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
            // A first plan: only the fixed system prompt is cached.
            planner.forget_recent_prompts();
            let start = Instant::now();
            let a = planner.attempt(&req, &|| false).expect("attempt");
            secs[i].push(start.elapsed().as_secs_f64());
            parts[i].push((
                a.shared_prefill_s + a.prefill_s,
                a.decode_s,
                (a.shared_prefill_tokens + a.prefill_tokens) as f64,
                a.forward_passes as f64,
            ));
            // The same request again, as a replan makes it: its prompt is cached.
            let start = Instant::now();
            planner.attempt(&req, &|| false).expect("attempt");
            again[i].push(start.elapsed().as_secs_f64());
            fast[i] += a.fast_path as usize;
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
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let part = |f: fn(&(f64, f64, f64, f64)) -> f64| {
            let v: Vec<f64> = parts[i].iter().filter(|p| p.2 > 0.0).map(f).collect();
            if v.is_empty() { 0.0 } else { median(v) }
        };
        // Timings of the plans the model wrote (the fast path takes about a millisecond).
        let model_secs: Vec<f64> = secs[i]
            .iter()
            .zip(&parts[i])
            .filter(|(_, p)| p.2 > 0.0)
            .map(|(s, _)| *s)
            .collect();
        println!(
            "{name}: {}/{} right ({:.0}%); {} by the rule fast path; median {:.2} s per plan over all tasks; for the {} the model planned: median {:.2} s (medians: prompt {:.2} s for {:.0} tokens, decoding {:.2} s in {:.0} forward passes); the same request again (a replan): median {:.2} s",
            right[i],
            tasks.len(),
            100.0 * right[i] as f64 / tasks.len() as f64,
            fast[i],
            median(secs[i].clone()),
            model_secs.len(),
            if model_secs.is_empty() {
                0.0
            } else {
                median(model_secs.clone())
            },
            part(|p| p.0),
            part(|p| p.2),
            part(|p| p.1),
            part(|p| p.3),
            median(again[i].clone()),
        );
    }
}
