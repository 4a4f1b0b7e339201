//! `look_for`: turn around here, then visit the places nearest-first and turn around in each,
//! until the detector reports the object; fail, saying where it looked, when none is left.

use std::f64::consts::TAU;

use embodia_world::V2;

use super::motion::Rotate;
use super::navigate::NavigateTo;
use super::targets::{matching_objects, settling_objects, tiers};
use super::{Failure, Skill, SkillContext, SkillOutput, SkillStatus};

enum Phase {
    Start,
    Scanning(Rotate, Option<String>),
    Travelling(NavigateTo, String),
}

/// Searches for an object by name or class.
pub struct LookFor {
    target: String,
    phase: Phase,
    searched: Vec<String>,
    unreachable: Vec<String>,
}

impl LookFor {
    /// A search for `target`.
    pub fn new(target: &str) -> Self {
        Self {
            target: target.to_owned(),
            phase: Phase::Start,
            searched: Vec::new(),
            unreachable: Vec::new(),
        }
    }

    fn next_place(&self, ctx: &SkillContext<'_>, from: V2) -> Option<String> {
        ctx.world
            .semantic
            .places
            .iter()
            .filter(|p| !self.searched.contains(&p.name) && !self.unreachable.contains(&p.name))
            .min_by(|a, b| {
                (a.region.center() - from)
                    .norm()
                    .total_cmp(&(b.region.center() - from).norm())
            })
            .map(|p| p.name.clone())
    }
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
        loop {
            match &mut self.phase {
                Phase::Start => {
                    self.phase = Phase::Scanning(Rotate::new(TAU), ctx.world.place.clone());
                }
                Phase::Scanning(rotate, place) => {
                    let out = rotate.tick(ctx);
                    if out.status == SkillStatus::Running {
                        return out;
                    }
                    if let Some(p) = place.take() {
                        self.searched.push(p);
                    }
                    match self.next_place(ctx, robot.position()) {
                        Some(p) => self.phase = Phase::Travelling(NavigateTo::new(&p), p),
                        None => {
                            // Nothing was exactly what was asked: settle for its kind, if the
                            // search saw one, and say so.
                            if let Some(o) =
                                settling_objects(&self.target, ctx.world, robot.position()).first()
                            {
                                let asked =
                                    tiers(&self.target).0.split(" or ").next().unwrap_or("");
                                return SkillOutput {
                                    say: Some(format!(
                                        "I did not find a {asked}; the nearest match I saw is the {}.",
                                        o.name
                                    )),
                                    ..SkillOutput::done()
                                };
                            }
                            let mut reason = format!(
                                "searched {} places ({}) and did not see {:?}",
                                self.searched.len(),
                                self.searched.join(", "),
                                self.target
                            );
                            if !self.unreachable.is_empty() {
                                reason.push_str(&format!(
                                    "; could not reach {}",
                                    self.unreachable.join(", ")
                                ));
                            }
                            return SkillOutput::failed(Failure::permanent(reason));
                        }
                    }
                }
                Phase::Travelling(nav, place) => {
                    let out = nav.tick(ctx);
                    match out.status {
                        SkillStatus::Running => return out,
                        SkillStatus::Succeeded => {
                            let p = std::mem::take(place);
                            self.phase = Phase::Scanning(Rotate::new(TAU), Some(p));
                        }
                        SkillStatus::Failed(f) => {
                            tracing::debug!(place = %place, reason = %f.reason, "skipping a place the search cannot reach");
                            self.unreachable.push(std::mem::take(place));
                            self.phase = Phase::Scanning(Rotate::new(0.0), None);
                        }
                    }
                }
            }
        }
    }
}
