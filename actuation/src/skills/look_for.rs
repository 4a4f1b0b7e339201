//! `look_for`: a coverage search. Turn around here, then go where a full turn brings the most
//! floor the detector has not yet seen per metre travelled, turn around there, and so on,
//! until the detector reports the object — or until the search has seen
//! [`CoverageConfig::goal_fraction`] of the reachable floor (or nothing reachable is left to
//! see), when it fails saying how much it covered and where it went.
//!
//! Only what the detector looked at during this search counts as searched, and the floor
//! includes corridors and the stretches between named places: real buildings are mostly
//! unnamed floor. Places where such things are usually kept (a [`SearchPrior`]) are looked at
//! first. Choosing a viewpoint is whole-map work (path lengths, line-of-sight gains): with
//! [`SearchConfig::background`] it runs on a worker thread while the robot stands still, so a
//! control tick never waits for it; lockstepped runs choose in the tick, deterministically.

use std::f64::consts::TAU;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use embodia_perception::SeenGrid;
use embodia_ros::msg::nav_msgs::OccupancyGrid;
use embodia_world::{Place, Polygon, V2};

use super::motion::Rotate;
use super::navigate::NavigateTo;
use super::targets::{
    SETTLE_RESEMBLANCE, description, first_name_matches, matching_objects, recognised, resembling,
    settling_objects, tiers,
};
use super::{Failure, SearchConfig, SearchPrior, Skill, SkillContext, SkillOutput, SkillStatus};
use crate::nav::{Costmap, Covered, Floor};

/// How much more a cell in the likeliest place is worth seeing than any other.
const LIKELY_WEIGHT: f32 = 4.0;
/// A search whose detector has sent nothing for this long fails, ns.
const DETECTOR_SILENT_NS: i64 = 10 * 1_000_000_000;
/// A sighting this recent (before the search began, or during it) ends the search: the
/// object is taken to be where it was seen. Older ones (memory of earlier runs) are where
/// the search looks first.
const RECENT_NS: i64 = 120 * 1_000_000_000;
/// Around a remembered sighting, floor is worth this much more than elsewhere, within
/// [`REMEMBERED_RADIUS_M`].
const REMEMBERED_WEIGHT: f32 = 2.0 * LIKELY_WEIGHT;
/// How far around a remembered sighting is looked at first, m.
const REMEMBERED_RADIUS_M: f64 = 1.5;

enum Phase {
    Start,
    Turning(Rotate),
    Choosing(Receiver<Chosen>),
    Travelling(Box<NavigateTo>),
}

/// The floor of a search, the map it was made from, and its cells' weights.
#[derive(Clone)]
struct SearchFloor {
    map: Arc<OccupancyGrid>,
    floor: Arc<Floor>,
    weights: Option<Arc<Vec<f32>>>,
}

/// Everything a viewpoint choice needs, owned, so it can run on another thread.
struct ChoiceInput {
    map: Arc<OccupancyGrid>,
    costmap: Arc<Costmap>,
    seen: Arc<SeenGrid>,
    keep_out: Vec<Polygon>,
    places: Vec<Place>,
    floor: Option<SearchFloor>,
    search: SearchConfig,
    body_m: f64,
    robot: V2,
    since_ns: i64,
    avoid: Vec<V2>,
    target: String,
    remembered: Vec<V2>,
}

/// A choice made: the floor it used, and the viewpoint or why the search is over.
struct Chosen {
    floor: Option<SearchFloor>,
    next: Result<V2, SearchEnd>,
}

/// Why a search stopped without its object.
enum SearchEnd {
    NoMap,
    NoFloor,
    Covered(Covered, f64),
}

/// Searches for an object by name or class.
pub struct LookFor {
    target: String,
    phase: Phase,
    /// When the search began: looks before it do not count.
    since_ns: Option<i64>,
    floor: Option<SearchFloor>,
    /// Viewpoints used or given up on.
    viewpoints: Vec<V2>,
    unreachable: usize,
    /// Named places the search passed through, in order.
    places: Vec<String>,
    /// Where older sightings of the object were (looked at first).
    remembered: Vec<V2>,
    /// Something that would do was seen: the search ends when this look around does.
    looking_around: bool,
}

impl LookFor {
    /// A search for `target`.
    pub fn new(target: &str) -> Self {
        Self {
            target: target.to_owned(),
            phase: Phase::Start,
            since_ns: None,
            floor: None,
            viewpoints: Vec::new(),
            unreachable: 0,
            places: Vec::new(),
            remembered: Vec::new(),
            looking_around: false,
        }
    }

    /// What the next choice needs, or why there can be none.
    fn choice_input(
        &self,
        ctx: &mut SkillContext<'_>,
        robot: V2,
    ) -> Result<ChoiceInput, SearchEnd> {
        let (Some(map), Some(seen)) = (ctx.world.map.clone(), ctx.world.seen.clone()) else {
            return Err(SearchEnd::NoMap);
        };
        let Some(costmap) = ctx.nav.costmap(ctx.world) else {
            return Err(SearchEnd::NoMap);
        };
        if !seen.fits(&map) {
            return Err(SearchEnd::NoMap);
        }
        Ok(ChoiceInput {
            map,
            costmap,
            seen,
            keep_out: ctx.world.semantic.keep_out.clone(),
            places: ctx.world.semantic.places.clone(),
            floor: self.floor.clone(),
            search: ctx.nav.search.clone(),
            body_m: ctx.nav.costmap.robot_radius + ctx.nav.costmap.lethal_margin,
            robot,
            since_ns: self.since_ns.unwrap_or(i64::MIN),
            avoid: self.viewpoints.clone(),
            target: self.target.clone(),
            remembered: self.remembered.clone(),
        })
    }

    fn give_up(&self, ctx: &SkillContext<'_>, robot: V2, end: SearchEnd) -> SkillOutput {
        // Nothing was exactly what was asked: settle for what fits the description best, or
        // for its kind, if the search saw one, and say so.
        if let Some(r) = ctx.nav.search.resemblance.as_deref()
            && let (_, Some(described)) = description(&self.target)
            // Waiting is cheap here: every object seen was scored while the search ran.
            && let Some((o, score)) = resembling(
                &self.target,
                ctx.world,
                r,
                true,
                i64::MIN,
                SETTLE_RESEMBLANCE,
            )
        {
            tracing::debug!(object = %o.name, score, "settling for the best fit to the description");
            return SkillOutput {
                say: Some(format!(
                    "I am not sure I found {}; the closest match I saw is {}.",
                    super::describe::spoken(described),
                    super::describe::the(&o.name)
                )),
                ..SkillOutput::done()
            };
        }
        // Something a name of the target names, though it fits the description poorly.
        if description(&self.target).1.is_some()
            && let Some(o) = matching_objects(&self.target, ctx.world, robot).first()
        {
            return SkillOutput {
                say: Some(format!(
                    "I found {}, though it does not look much like what you described.",
                    super::describe::the(&o.name)
                )),
                ..SkillOutput::done()
            };
        }
        if let Some(o) = settling_objects(&self.target, ctx.world, robot).first() {
            let asked = tiers(&self.target).0.split(" or ").next().unwrap_or("");
            return SkillOutput {
                say: Some(format!(
                    "I did not find a {asked}; the nearest match I saw is {}.",
                    super::describe::the(&o.name)
                )),
                ..SkillOutput::done()
            };
        }
        let mut reason = match end {
            SearchEnd::NoMap => format!(
                "could not search for {:?}: no map (or no record of where the detector looked) yet",
                self.target
            ),
            SearchEnd::NoFloor => format!(
                "could not search for {:?}: no floor is reachable from where I am",
                self.target
            ),
            SearchEnd::Covered(c, area) => {
                let through = if self.places.is_empty() {
                    String::new()
                } else {
                    format!(", through {} and the floor between", self.places.join(", "))
                };
                format!(
                    "looked over {:.0}% of the reachable floor ({:.0} of {:.0} m²) from {} viewpoints{through}, and did not see {:?}",
                    c.fraction * 100.0,
                    c.seen_m2,
                    area,
                    self.viewpoints.len() + 1 - self.unreachable,
                    self.target
                )
            }
        };
        if self.unreachable > 0 {
            reason.push_str(&format!(
                "; {} viewpoints could not be reached",
                self.unreachable
            ));
        }
        SkillOutput::failed(Failure::permanent(reason))
    }

    /// Takes a choice's result: travel to the viewpoint, or end the search.
    fn take(&mut self, ctx: &SkillContext<'_>, robot: V2, chosen: Chosen) -> Option<SkillOutput> {
        if chosen.floor.is_some() {
            self.floor = chosen.floor;
        }
        match chosen.next {
            Ok(at) => {
                self.viewpoints.push(at);
                let target = format!("{:.2},{:.2}", at.x, at.y);
                self.phase = Phase::Travelling(Box::new(NavigateTo::new(&target)));
                None
            }
            Err(end) => Some(self.give_up(ctx, robot, end)),
        }
    }
}

/// The floor for the search (kept while the map is the same), then the next viewpoint.
fn choose(input: ChoiceInput) -> Chosen {
    let _span = tracing::debug_span!("choose_viewpoint").entered();
    let floor = match input.floor {
        Some(f) if Arc::ptr_eq(&f.map, &input.map) => f,
        _ => {
            let Some(floor) = Floor::new(
                &input.map,
                &input.costmap,
                &input.keep_out,
                input.robot,
                input.body_m,
            ) else {
                return Chosen {
                    floor: None,
                    next: Err(SearchEnd::NoMap),
                };
            };
            tracing::debug!(area_m2 = floor.area_m2(), at = ?input.robot, "search floor");
            let weights = likely_cells(
                input.search.prior.as_deref(),
                &input.target,
                &input.places,
                &input.remembered,
                &floor,
            );
            SearchFloor {
                map: input.map.clone(),
                floor: Arc::new(floor),
                weights: weights.map(Arc::new),
            }
        }
    };
    let next = if floor.floor.area_m2() <= 0.0 {
        Err(SearchEnd::NoFloor)
    } else {
        let seen = &input.seen;
        let covered = floor.floor.covered_weighted(
            |x, y| seen.seen_since(x, y, input.since_ns),
            floor.weights.as_deref().map(Vec::as_slice),
        );
        let config = &input.search.coverage;
        if covered.fraction >= config.goal_fraction {
            Err(SearchEnd::Covered(covered, floor.floor.area_m2()))
        } else {
            match floor.floor.next_viewpoint(
                &input.costmap,
                input.robot,
                &covered,
                input.search.camera.range_m,
                &input.avoid,
                config,
            ) {
                Some(v) => {
                    tracing::debug!(at = ?v.at, gain_m2 = v.gain_m2, path_m = v.path_m, covered = covered.fraction, "next viewpoint");
                    Ok(v.at)
                }
                None => Err(SearchEnd::Covered(covered, floor.floor.area_m2())),
            }
        }
    };
    Chosen {
        floor: Some(floor),
        next,
    }
}

/// Weights of the floor's cells: cells in a place where such things are kept count up to
/// `1 + LIKELY_WEIGHT` times (the search prior), cells near an older sighting
/// `1 + REMEMBERED_WEIGHT` times.
fn likely_cells(
    prior: Option<&dyn SearchPrior>,
    target: &str,
    places: &[Place],
    remembered: &[V2],
    floor: &Floor,
) -> Option<Vec<f32>> {
    let likely = prior
        .map(|p| p.likely(target, places))
        .filter(|l| l.len() == places.len() && l.iter().any(|w| *w > 0.0));
    if likely.is_none() && remembered.is_empty() {
        return None;
    }
    tracing::debug!(%target, ?likely, ?remembered, "search prior");
    Some(
        floor
            .cell_centers()
            .map(|c| {
                let by_place = likely.as_ref().map_or(1.0, |likely| {
                    places
                        .iter()
                        .zip(likely)
                        .find(|(p, _)| p.region.contains(c))
                        .map_or(1.0, |(_, l)| {
                            let l = if l.is_finite() {
                                l.clamp(0.0, 1.0)
                            } else {
                                0.0
                            };
                            1.0 + LIKELY_WEIGHT * l as f32
                        })
                });
                let near_sighting = remembered
                    .iter()
                    .any(|r| (*r - c).norm() <= REMEMBERED_RADIUS_M);
                if near_sighting {
                    by_place.max(1.0 + REMEMBERED_WEIGHT)
                } else {
                    by_place
                }
            })
            .collect(),
    )
}

impl Skill for LookFor {
    fn name(&self) -> &'static str {
        "look_for"
    }

    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let Some(robot) = ctx.world.robot else {
            return SkillOutput::drive(0.0, 0.0);
        };
        let since = self.since_ns.unwrap_or(ctx.now_ns);
        let matches = matching_objects(&self.target, ctx.world, robot.position());
        let recent = since.saturating_sub(RECENT_NS);
        match ctx.nav.search.resemblance.as_deref() {
            // A described thing is recognised on sight when something seen fits well enough
            // (a name of the target counts towards the fit, it does not decide alone).
            Some(r) if description(&self.target).1.is_some() => {
                if let Some((o, score)) = recognised(
                    &self.target,
                    ctx.world,
                    r,
                    !ctx.nav.search.background,
                    recent,
                ) {
                    tracing::debug!(object = %o.name, score, "seen something that fits the description");
                    return SkillOutput::done();
                }
            }
            _ => {
                let seen_now: Vec<_> = matches
                    .iter()
                    .filter(|o| o.last_seen_ns >= recent)
                    .collect();
                // What the person named ends the search at once; another thing that would do
                // ends it after a look around where it was seen, in case the named one is
                // in view too (the robot then goes to that).
                if seen_now.iter().any(|o| first_name_matches(&self.target, o)) {
                    return SkillOutput::done();
                }
                if !seen_now.is_empty() {
                    let turning_round = match &self.phase {
                        Phase::Start => true,
                        Phase::Turning(rotate) => rotate.radians().abs() >= TAU - 1e-6,
                        _ => false,
                    };
                    if self.looking_around && !turning_round {
                        return SkillOutput::done();
                    }
                    if !self.looking_around && !turning_round {
                        self.phase = Phase::Turning(Rotate::new(TAU));
                    }
                    self.looking_around = true;
                }
            }
        }
        if self.since_ns.is_none() {
            self.remembered = matches.iter().map(|o| o.position()).collect();
        }
        if let Some(p) = &ctx.world.place
            && !self.places.contains(p)
        {
            self.places.push(p.clone());
        }
        if self.since_ns.is_some_and(|s| ctx.now_ns < s) {
            // The clock went back: what was seen is stamped in another time line.
            self.since_ns = Some(ctx.now_ns);
        }
        // A search with a silent detector sees nothing however far it drives (issue 17 fault
        // matrix, `detections-die-search`: it drove until the run's time ran out).
        let heard = ctx.world.detections_stamp_ns.max(self.since_ns);
        if let Some(heard) = heard
            && ctx.now_ns - heard > DETECTOR_SILENT_NS
        {
            return SkillOutput::failed(Failure::permanent(format!(
                "the detector has sent nothing for {} s",
                DETECTOR_SILENT_NS / 1_000_000_000
            )));
        }
        loop {
            match &mut self.phase {
                Phase::Start => {
                    self.since_ns = Some(ctx.now_ns);
                    self.phase = Phase::Turning(Rotate::new(TAU));
                }
                Phase::Turning(rotate) => {
                    let out = rotate.tick(ctx);
                    if out.status == SkillStatus::Running {
                        return out;
                    }
                    let input = match self.choice_input(ctx, robot.position()) {
                        Ok(i) => i,
                        Err(end) => return self.give_up(ctx, robot.position(), end),
                    };
                    if ctx.nav.search.background {
                        let (tx, rx) = std::sync::mpsc::channel();
                        let spawned =
                            std::thread::Builder::new()
                                .name("coverage".into())
                                .spawn(move || {
                                    let _ = tx.send(choose(input));
                                });
                        if let Err(e) = spawned {
                            return SkillOutput::failed(Failure::transient(format!(
                                "could not start choosing where to look: {e}"
                            )));
                        }
                        self.phase = Phase::Choosing(rx);
                        return SkillOutput::drive(0.0, 0.0);
                    }
                    let chosen = choose(input);
                    if let Some(out) = self.take(ctx, robot.position(), chosen) {
                        return out;
                    }
                }
                Phase::Choosing(rx) => match rx.try_recv() {
                    Ok(chosen) => {
                        if let Some(out) = self.take(ctx, robot.position(), chosen) {
                            return out;
                        }
                    }
                    Err(TryRecvError::Empty) => return SkillOutput::drive(0.0, 0.0),
                    Err(TryRecvError::Disconnected) => {
                        return SkillOutput::failed(Failure::transient(
                            "choosing where to look failed",
                        ));
                    }
                },
                Phase::Travelling(nav) => {
                    let out = nav.tick(ctx);
                    match out.status {
                        SkillStatus::Running => return out,
                        SkillStatus::Succeeded => {
                            self.phase = Phase::Turning(Rotate::new(TAU));
                        }
                        SkillStatus::Failed(f) => {
                            tracing::debug!(reason = %f.reason, "skipping a viewpoint the search cannot reach");
                            self.unreachable += 1;
                            // Choose again next tick: one choice per tick bounds a tick's time.
                            self.phase = Phase::Turning(Rotate::new(0.0));
                            return SkillOutput::drive(0.0, 0.0);
                        }
                    }
                }
            }
        }
    }
}
