//! `look_for`: a coverage search. Turn around here, then go where a full turn brings the most
//! floor the detector has not yet seen per metre travelled, turn around there, and so on,
//! until the detector reports the object — or until the search has seen
//! [`CoverageConfig::goal_fraction`] of the reachable floor (or nothing reachable is left to
//! see), when it fails saying how much it covered and where it went.
//!
//! Only what the detector looked at during this search counts as searched (objects move), and
//! the floor includes corridors and the stretches between named places: real buildings are
//! mostly unnamed floor.

use std::f64::consts::TAU;
use std::sync::Arc;

use embodia_world::V2;

use super::motion::Rotate;
use super::navigate::NavigateTo;
use super::targets::{matching_objects, settling_objects, tiers};
use super::{Failure, Skill, SkillContext, SkillOutput, SkillStatus};
use crate::nav::{Covered, Floor};

enum Phase {
    Start,
    Turning(Rotate),
    Travelling(Box<NavigateTo>),
}

/// Searches for an object by name or class.
pub struct LookFor {
    target: String,
    phase: Phase,
    /// When the search began: looks before it do not count.
    since_ns: Option<i64>,
    /// The floor, and the map it was built from.
    floor: Option<(usize, Arc<Floor>)>,
    /// Viewpoints used or given up on.
    viewpoints: Vec<V2>,
    unreachable: usize,
    /// Named places the search passed through, in order.
    places: Vec<String>,
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
        }
    }

    /// The floor for this search, built once per map from where the robot is.
    fn floor(&mut self, ctx: &mut SkillContext<'_>, robot: V2) -> Option<Arc<Floor>> {
        let map = ctx.world.map.clone()?;
        let key = Arc::as_ptr(&map) as usize;
        if let Some((k, f)) = &self.floor
            && *k == key
        {
            return Some(f.clone());
        }
        let costmap = ctx.nav.costmap(ctx.world)?;
        let body = ctx.nav.costmap.robot_radius + ctx.nav.costmap.lethal_margin;
        let _span = tracing::debug_span!("coverage_floor").entered();
        let floor = Arc::new(Floor::new(
            &map,
            &costmap,
            &ctx.world.semantic.keep_out,
            robot,
            body,
        )?);
        tracing::debug!(area_m2 = floor.area_m2(), at = ?robot, "search floor");
        self.floor = Some((key, floor.clone()));
        Some(floor)
    }

    fn covered(&self, ctx: &SkillContext<'_>, floor: &Floor) -> Option<Covered> {
        let seen = ctx.world.seen.as_ref()?;
        let since = self.since_ns.unwrap_or(i64::MIN);
        (seen.width * seen.height > 0).then(|| floor.covered(|x, y| seen.seen_since(x, y, since)))
    }

    /// The next viewpoint, or why the search is over.
    fn next(&mut self, ctx: &mut SkillContext<'_>, robot: V2) -> Result<V2, SearchEnd> {
        let Some(floor) = self.floor(ctx, robot) else {
            return Err(SearchEnd::NoMap);
        };
        let Some(costmap) = ctx.nav.costmap(ctx.world) else {
            return Err(SearchEnd::NoMap);
        };
        let Some(covered) = self.covered(ctx, &floor) else {
            return Err(SearchEnd::NoMap);
        };
        let config = &ctx.nav.search.coverage;
        if covered.fraction >= config.goal_fraction {
            return Err(SearchEnd::Covered(covered, floor.area_m2()));
        }
        let _span = tracing::debug_span!("next_viewpoint").entered();
        match floor.next_viewpoint(
            &costmap,
            robot,
            &covered,
            ctx.nav.search.camera.range_m,
            &self.viewpoints,
            config,
        ) {
            Some(v) => {
                tracing::debug!(at = ?v.at, gain_m2 = v.gain_m2, path_m = v.path_m, covered = covered.fraction, "next viewpoint");
                self.viewpoints.push(v.at);
                Ok(v.at)
            }
            None => Err(SearchEnd::Covered(covered, floor.area_m2())),
        }
    }

    fn give_up(&self, ctx: &SkillContext<'_>, robot: V2, end: SearchEnd) -> SkillOutput {
        // Nothing was exactly what was asked: settle for its kind, if the search saw one, and
        // say so.
        if let Some(o) = settling_objects(&self.target, ctx.world, robot).first() {
            let asked = tiers(&self.target).0.split(" or ").next().unwrap_or("");
            return SkillOutput {
                say: Some(format!(
                    "I did not find a {asked}; the nearest match I saw is the {}.",
                    o.name
                )),
                ..SkillOutput::done()
            };
        }
        let mut reason = match end {
            SearchEnd::NoMap => {
                format!(
                    "could not search for {:?}: no map to search yet",
                    self.target
                )
            }
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
}

/// Why a search stopped without its object.
enum SearchEnd {
    NoMap,
    Covered(Covered, f64),
}

impl Skill for LookFor {
    fn name(&self) -> &'static str {
        "look_for"
    }

    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let Some(robot) = ctx.world.robot else {
            return SkillOutput::drive(0.0, 0.0);
        };
        if !matching_objects(&self.target, ctx.world, robot.position()).is_empty() {
            return SkillOutput::done();
        }
        if let Some(p) = &ctx.world.place
            && !self.places.contains(p)
        {
            self.places.push(p.clone());
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
                    match self.next(ctx, robot.position()) {
                        Ok(at) => {
                            let target = format!("{:.2},{:.2}", at.x, at.y);
                            self.phase = Phase::Travelling(Box::new(NavigateTo::new(&target)));
                        }
                        Err(end) => return self.give_up(ctx, robot.position(), end),
                    }
                }
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
