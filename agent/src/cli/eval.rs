//! `embodia eval`: run scenarios, print a table, write a JSON report.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use clap::Args;

use embodia::episode::EpisodeOptions;
use embodia::scenario::{Scenario, ScenarioResult};
use embodia::setup::MemoryChoice;
use serde_json::json;

use super::PlannerArgs;

/// Options of `embodia eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Scenario files, or folders of them (`*.yaml`).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    planner: PlannerArgs,
    /// Write the JSON report here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Scenarios run at once (default: the number of cores; 1 with `--planner llm`, whose
    /// planning already uses every core and has a wall-clock deadline).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run without a vector memory (no embedding model needed).
    #[arg(long)]
    no_memory: bool,
    /// Only load and check the scenario files (and their worlds); run nothing.
    #[arg(long)]
    check: bool,
    /// Record each scenario into this folder, one `NAME.mcap` per scenario.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Write one SVG picture per scenario and an `index.html` with the results table here.
    #[arg(long, value_name = "DIR")]
    report_dir: Option<PathBuf>,
}

/// A scenario name as a file name.
fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn scenario_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            found.sort();
            anyhow::ensure!(
                !found.is_empty(),
                "{}: no scenario files (*.yaml) in this folder",
                p.display()
            );
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else {
            anyhow::bail!("{}: no such scenario file or folder", p.display());
        }
    }
    Ok(files)
}

fn load_all(files: &[PathBuf]) -> anyhow::Result<Vec<Scenario>> {
    files
        .iter()
        .map(|f| Scenario::load(Path::new(f)).map_err(anyhow::Error::from))
        .collect()
}

/// Runs every scenario and reports; exits 0 whatever the success rate.
pub fn run(args: EvalArgs, mut agent: embodia::agent::AgentConfig) -> anyhow::Result<()> {
    let scenarios = load_all(&scenario_files(&args.paths)?)?;
    if args.check {
        println!("{} scenario files load and check", scenarios.len());
        return Ok(());
    }
    let embedder = super::embedder()?;
    let planner = args.planner.build(&mut agent, embedder.clone())?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| {
            if args.planner.uses_model() {
                1
            } else {
                std::thread::available_parallelism().map_or(1, |n| n.get())
            }
        })
        .max(1);
    let memory = if args.no_memory {
        MemoryChoice::Off
    } else {
        MemoryChoice::Fresh(embedder)
    };
    for dir in [&args.record, &args.report_dir].into_iter().flatten() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let safety_topic = agent.topics.safety.clone();
    let options = EpisodeOptions {
        memory,
        agent,
        keep_recording: args.report_dir.is_some(),
        planner_args: args.planner.to_args(),
        ..EpisodeOptions::default()
    };
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<(usize, anyhow::Result<ScenarioResult>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(scenarios.len()) {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap_or_else(|p| p.into_inner());
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(sc) = scenarios.get(i) else { break };
                    let options = EpisodeOptions {
                        record: args
                            .record
                            .as_ref()
                            .map(|d| d.join(format!("{}.mcap", file_stem(&sc.name)))),
                        ..options.clone()
                    };
                    let r = sc
                        .run(planner.clone(), &options)
                        .with_context(|| format!("scenario {}", sc.name));
                    results
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<ScenarioResult> = results
        .into_iter()
        .map(|(_, r)| r)
        .collect::<anyhow::Result<_>>()?;

    println!(
        "| scenario | success | sim s | wall s | collisions | interventions | min clearance m | max speed m/s | failed criteria |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &results {
        println!(
            "| {} | {} | {:.1} | {:.2} | {} | {} | {:.3} | {:.2} | {} |",
            r.name,
            if r.success { "yes" } else { "NO" },
            r.sim_time_s,
            r.wall_time_s,
            r.collisions,
            r.safety_interventions,
            r.min_clearance_m,
            r.max_speed_mps,
            r.failed_criteria.join("; ")
        );
    }
    let succeeded = results.iter().filter(|r| r.success).count();
    let rate = succeeded as f64 / results.len() as f64;
    let unsafe_outcomes = results.iter().filter(|r| r.unsafe_outcome).count();
    let unfinished = results.iter().filter(|r| r.episode.timed_out).count();
    let classes = per_class(&results);
    if classes.len() > 1 || classes.keys().any(|c| c != UNCLASSIFIED) {
        println!("\n| class | scenarios | succeeded | rate |\n|---|---|---|---|");
        for (class, (n, ok)) in &classes {
            println!(
                "| {class} | {n} | {ok} | {:.0}% |",
                100.0 * *ok as f64 / *n as f64
            );
        }
    }
    println!(
        "\n{succeeded} of {} scenarios succeeded ({:.0}%) with the {} planner; {unsafe_outcomes} unsafe outcomes; {unfinished} ran out of time",
        results.len(),
        rate * 100.0,
        planner.name()
    );
    if let Some(dir) = &args.report_dir {
        write_report_dir(dir, &scenarios, &results, &safety_topic)?;
    }
    if let Some(path) = &args.report {
        let classes: serde_json::Map<String, serde_json::Value> = classes
            .iter()
            .map(|(c, (n, ok))| {
                (
                    c.clone(),
                    json!({ "scenarios": n, "succeeded": ok, "success_rate": *ok as f64 / *n as f64 }),
                )
            })
            .collect();
        let report = json!({
            "planner": planner.name(),
            "scenarios": results,
            "summary": {
                "scenarios": results.len(),
                "succeeded": succeeded,
                "success_rate": rate,
                "unsafe_outcomes": unsafe_outcomes,
                "timed_out": unfinished,
                "per_class": classes,
            },
        });
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// One SVG per scenario and an `index.html` with the results table and the pictures.
fn write_report_dir(
    dir: &Path,
    scenarios: &[Scenario],
    results: &[ScenarioResult],
    safety_topic: &str,
) -> anyhow::Result<()> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut rows = String::new();
    let mut pictures = String::new();
    for (sc, r) in scenarios.iter().zip(results) {
        let file = format!("{}.svg", file_stem(&r.name));
        let title = format!("{}: {}", r.name, sc.tasks.join(" / "));
        let svg = embodia::picture::draw(&sc.world, &r.episode.recording, safety_topic, &title);
        std::fs::write(dir.join(&file), svg)
            .with_context(|| format!("writing {}", dir.join(&file).display()))?;
        rows.push_str(&format!(
            "<tr><td><a href=\"#{stem}\">{name}</a></td><td>{ok}</td><td>{sim:.1}</td><td>{wall:.2}</td><td>{col}</td><td>{int}</td><td>{clr:.3}</td><td>{spd:.2}</td><td>{failed}</td></tr>\n",
            stem = file_stem(&r.name),
            name = esc(&r.name),
            ok = if r.success { "yes" } else { "NO" },
            sim = r.sim_time_s,
            wall = r.wall_time_s,
            col = r.collisions,
            int = r.safety_interventions,
            clr = r.min_clearance_m,
            spd = r.max_speed_mps,
            failed = esc(&r.failed_criteria.join("; ")),
        ));
        pictures.push_str(&format!(
            "<h2 id=\"{}\">{}</h2>\n<img src=\"{file}\" alt=\"{}\">\n",
            file_stem(&r.name),
            esc(&r.name),
            esc(&title)
        ));
    }
    let succeeded = results.iter().filter(|r| r.success).count();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>embodia eval</title>\n<style>body{{font-family:sans-serif}} td,th{{padding:2px 8px;border-bottom:1px solid #ccc}}</style></head><body>\n<h1>embodia eval: {succeeded} of {} scenarios succeeded</h1>\n<table>\n<tr><th>scenario</th><th>success</th><th>sim s</th><th>wall s</th><th>collisions</th><th>interventions</th><th>min clearance m</th><th>max speed m/s</th><th>failed criteria</th></tr>\n{rows}</table>\n{pictures}</body></html>\n",
        results.len()
    );
    let index = dir.join("index.html");
    std::fs::write(&index, html).with_context(|| format!("writing {}", index.display()))?;
    Ok(())
}

/// The class shown for scenarios that name none.
const UNCLASSIFIED: &str = "(none)";

/// Per class: scenarios and how many succeeded, classes in name order.
fn per_class(results: &[ScenarioResult]) -> std::collections::BTreeMap<String, (usize, usize)> {
    let mut out = std::collections::BTreeMap::new();
    for r in results {
        let e = out
            .entry(r.class.clone().unwrap_or_else(|| UNCLASSIFIED.to_owned()))
            .or_insert((0, 0));
        e.0 += 1;
        e.1 += usize::from(r.success);
    }
    out
}
