//! How well `look_for` searches, against an oracle that knows where the object is: for each
//! search scenario, whether it succeeded, the simulated time and the distance the robot
//! travelled, beside the shortest path from the start to within reach of the object on the
//! true map (and that path at cruise speed). For searches of an object that does not exist,
//! how much of the reachable floor was seen when the search gave up and the time it took per
//! 100 m² of floor.
//!
//!     cargo bench -p embodia --bench search_coverage [-- [--no-prior] SCENARIO.yaml ...]
//!
//! Without arguments it runs `tests/scenarios/search-*.yaml`. The rule planner plans, with
//! its grounding as `embodia eval --planner rules` has it (these tasks are plain searches:
//! the planner does not change the route, the search does), and the search prior from general
//! knowledge orders where it looks first, as in `embodia eval` (`--no-prior`: without it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use embodia::episode::EpisodeOptions;
use embodia::planner::KnowledgePrior;
use embodia::planner::grounding::{Grounder, Semantic};
use embodia::planner::knowledge::Knowledge;
use embodia::scenario::{Criterion, Scenario};
use embodia::{Planner, RulePlanner};
use embodia_actuation::nav::{Costmap, CostmapConfig, Floor};
use embodia_memory::Embedder;
use embodia_ros::msg::builtin_interfaces::Time;
use embodia_world::V2;

/// A reachable approach counts when the robot's centre is this close to the object, m.
const REACH_M: f64 = 0.9;

fn main() {
    let args: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    let files = if args.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("tests/scenarios")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("search-") && n.ends_with(".yaml"))
            })
            .collect();
        found.sort();
        found
    } else {
        args
    };
    let config = embodia::agent::AgentConfig::default();
    let embedder = Arc::new(Embedder::fetch_default().expect("the embedding model"));
    let semantic = Semantic::new(
        embedder,
        Knowledge::shipped(),
        &Semantic::default_cache_dir(),
    )
    .expect("the planner's knowledge embedded");
    let grounder = Grounder::with_semantic(Arc::new(semantic));
    let planner: Arc<dyn Planner> = Arc::new(RulePlanner::new(grounder.clone()));
    let mut options = EpisodeOptions::default();
    if !std::env::args().any(|a| a == "--no-prior") {
        options.agent.search_prior = Some(Arc::new(KnowledgePrior::new(grounder)));
    }
    println!(
        "| scenario | found | sim time s | travelled m | oracle path m | oracle time s | distance ratio | time ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let (mut dist_ratios, mut time_ratios) = (Vec::new(), Vec::new());
    for file in files {
        let scenario = match Scenario::load(&file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                continue;
            }
        };
        let result = scenario
            .run(planner.clone(), &options)
            .expect("scenario runs");
        let world = &scenario.world;
        let grid = embodia_sim::map::rasterise(world, "map", Time::default());
        let costmap_config = CostmapConfig {
            robot_radius: world.robot.radius,
            ..CostmapConfig::default()
        };
        let costmap = Costmap::new(&grid, &world.keep_out, &costmap_config);
        let start = V2::new(world.robot.start[0], world.robot.start[1]);
        let floor = Floor::new(
            &grid,
            &costmap,
            &world.keep_out,
            start,
            costmap_config.robot_radius + costmap_config.lethal_margin,
        )
        .expect("map and costmap agree");
        let target = scenario.success.iter().find_map(|c| match c {
            Criterion::NearObject { name, .. } => Some(name.clone()),
            _ => None,
        });
        let travelled = result.episode.sim.distance_m;
        let sim_time = result.sim_time_s;
        match target.and_then(|n| world.objects.iter().find(|o| o.name == n)) {
            Some(obj) => {
                let oracle = oracle_path(&floor, &costmap, obj.at);
                let oracle_time = oracle / config.cruise_speed;
                let (dr, tr) = (travelled / oracle, sim_time / oracle_time);
                if result.success {
                    dist_ratios.push(dr);
                    time_ratios.push(tr);
                }
                println!(
                    "| {} | {} | {:.0} | {:.1} | {:.1} | {:.0} | {:.1} | {:.1} |",
                    scenario.name, result.success, sim_time, travelled, oracle, oracle_time, dr, tr
                );
            }
            None => {
                let said = result.said.join(" ");
                let covered = said
                    .split("looked over ")
                    .nth(1)
                    .and_then(|r| r.split('%').next())
                    .unwrap_or("?");
                println!(
                    "| {} (absent: gave up) | {} | {:.0} | {:.1} | covered {covered}% of {:.0} m² | {:.0} s per 100 m² | | |",
                    scenario.name,
                    result.success,
                    sim_time,
                    travelled,
                    floor.area_m2(),
                    sim_time / floor.area_m2() * 100.0
                );
            }
        }
    }
    if !dist_ratios.is_empty() {
        println!(
            "\nfound: median distance ratio {:.1}, median time ratio {:.1} (robot / oracle, {} searches)",
            median(&mut dist_ratios),
            median(&mut time_ratios),
            dist_ratios.len()
        );
    }
}

/// The shortest path from the start to any cell within [`REACH_M`] of `at`, m.
fn oracle_path(floor: &Floor, costmap: &Costmap, at: V2) -> f64 {
    let r = (REACH_M / costmap.resolution).ceil() as i32;
    let c = costmap.cell_of(at);
    let mut best = f64::INFINITY;
    for y in c.1 - r..=c.1 + r {
        for x in c.0 - r..=c.0 + r {
            let p = costmap.center_of((x, y));
            if (p - at).norm() <= REACH_M {
                best = best.min(floor.path_to(p));
            }
        }
    }
    best
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
