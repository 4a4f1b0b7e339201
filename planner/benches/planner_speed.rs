//! The LLM planner on typical tasks, with the fixed prompt cached: time to a plan, and how
//! many plans are invalid (unparseable, unknown skill or target, out-of-range value) with
//! the grammar and without it. `cargo bench -p embodia-planner --bench planner_speed`.

use std::time::Instant;

use embodia_actuation::PlanLimits;
use embodia_planner::{KnownObject, LlmPlanner, PlanRequest, WorldSummary};

const TASKS: &[&str] = &[
    "go to the kitchen",
    "please head over to the study",
    "find the blue book",
    "go back to the green mug",
    "turn left 90 degrees",
    "move forward one metre",
    "where did you see the red cup?",
    "go to the bedroom and then the bathroom",
    "say hello",
    "find the purple elephant",
];

fn world() -> WorldSummary {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let apartment = embodia_world::World::load(root.join("launch/worlds/apartment.yaml")).unwrap();
    let mut w = WorldSummary::of_world(&apartment, false);
    let obj = |name: &str, class: &str, place: &str| KnownObject {
        name: name.into(),
        class: class.into(),
        color: None,
        x: 1.0,
        y: 1.0,
        place: Some(place.into()),
        seen_ago_s: 30.0,
        seen_by: None,
    };
    w.objects = vec![
        obj("red cup", "cup", "kitchen"),
        obj("green mug", "mug", "kitchen"),
        obj("blue book", "book", "study"),
    ];
    w
}

fn main() {
    let model = embodia_models::SMOLLM2
        .ensure(&embodia_models::home())
        .expect("fetch the model")
        .join(embodia_models::SMOLLM2_GGUF);
    let t = Instant::now();
    // The model plans every task here (what the grammar prevents is what is measured).
    let planner = LlmPlanner::load(&model, PlanLimits::default()).expect("load");
    let load_s = t.elapsed().as_secs_f64();
    let free = planner.clone().with_beam_width(1).unconstrained();
    let greedy = planner.clone().with_beam_width(1);
    println!(
        "load + fixed prompt ({} tokens, cached once): {load_s:.2} s\n",
        planner.prefix_tokens()
    );
    println!(
        "| task | plan (the model: grammar, 4 retrieved examples, 3 beams, context-aware) | s | greedy + grammar | s | no grammar | valid |"
    );
    println!("|---|---|---|---|---|---|---|");
    let (mut times, mut greedy_times) = (Vec::new(), Vec::new());
    let (mut invalid_default, mut invalid_greedy, mut invalid_free) = (0, 0, 0);
    for task in TASKS {
        let req = PlanRequest::new(*task, world());
        let run = |p: &LlmPlanner| {
            // A first plan: nothing from the previous task's prompt is reused.
            p.forget_recent_prompts();
            let t = Instant::now();
            let a = p.attempt(&req, &|| false).expect("attempt");
            (a, t.elapsed().as_secs_f64())
        };
        let (a, s) = run(&planner);
        let (g, gs) = run(&greedy);
        let (f, _) = run(&free);
        times.push(s);
        greedy_times.push(gs);
        invalid_default += a.plan.is_err() as usize;
        invalid_greedy += g.plan.is_err() as usize;
        invalid_free += f.plan.is_err() as usize;
        println!(
            "| {task} | `{}` | {s:.2} | `{}` | {gs:.2} | `{}` | {} |",
            a.text,
            g.text,
            f.text
                .replace('\n', " ")
                .chars()
                .take(60)
                .collect::<String>(),
            if f.plan.is_ok() { "yes" } else { "no" }
        );
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let n = TASKS.len();
    println!(
        "\ntime to plan, prefix cached: median {:.2} s (default), {:.2} s (greedy + grammar)",
        median(&mut times),
        median(&mut greedy_times)
    );
    println!(
        "invalid plans: {invalid_default}/{n} with the grammar (default), {invalid_greedy}/{n} greedy with the grammar, {invalid_free}/{n} without the grammar"
    );
}
