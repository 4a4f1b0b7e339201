//! The simple skills: rotate, move, wait, stop, say.

use embodia_world::V2;
use embodia_world::geometry::wrap_angle;

use super::{Failure, Skill, SkillContext, SkillOutput};

const S: i64 = 1_000_000_000;
/// A motion skill that makes no progress for this long has failed, ns.
const STALL_NS: i64 = 5 * S;

/// Turns in place by an angle, counting the turn as it happens (so 360 degrees works).
pub struct Rotate {
    goal: f64,
    turned: f64,
    last_yaw: Option<f64>,
    last_progress_ns: Option<i64>,
    best: f64,
}

impl Rotate {
    /// A turn of `radians` (positive = counter-clockwise).
    pub fn new(radians: f64) -> Self {
        Self {
            goal: radians,
            turned: 0.0,
            last_yaw: None,
            last_progress_ns: None,
            best: f64::INFINITY,
        }
    }

    /// The turn asked for, radians.
    pub fn radians(&self) -> f64 {
        self.goal
    }
}

impl Skill for Rotate {
    fn name(&self) -> &'static str {
        "rotate"
    }

    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let Some(robot) = ctx.world.robot else {
            return SkillOutput::drive(0.0, 0.0);
        };
        if let Some(last) = self.last_yaw {
            self.turned += wrap_angle(robot.theta - last);
        }
        self.last_yaw = Some(robot.theta);
        let remaining = self.goal - self.turned;
        if remaining.abs() < 0.03 {
            return SkillOutput::done();
        }
        let since = *self.last_progress_ns.get_or_insert(ctx.now_ns);
        if remaining.abs() < self.best - 0.02 {
            self.best = remaining.abs();
            self.last_progress_ns = Some(ctx.now_ns);
        } else if ctx.now_ns - since > STALL_NS {
            return SkillOutput::failed(Failure::transient("the robot does not turn"));
        }
        let w =
            remaining.signum() * (1.5 * remaining.abs()).clamp(0.3, ctx.nav.follow.max_turn_rate);
        SkillOutput::drive(0.0, w)
    }
}

/// Drives straight by a signed distance, holding the heading it started with.
pub struct Move {
    goal: f64,
    start: Option<(V2, f64)>,
    last_progress_ns: Option<i64>,
    best: f64,
}

impl Move {
    /// A move of `metres` (negative backs up).
    pub fn new(metres: f64) -> Self {
        Self {
            goal: metres,
            start: None,
            last_progress_ns: None,
            best: f64::INFINITY,
        }
    }
}

impl Skill for Move {
    fn name(&self) -> &'static str {
        "move"
    }

    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let Some(robot) = ctx.world.robot else {
            return SkillOutput::drive(0.0, 0.0);
        };
        let (p0, th0) = *self.start.get_or_insert((robot.position(), robot.theta));
        let travelled = (robot.position() - p0).dot(&V2::new(th0.cos(), th0.sin()));
        let remaining = self.goal - travelled;
        if remaining.abs() < 0.02 {
            return SkillOutput::done();
        }
        let since = *self.last_progress_ns.get_or_insert(ctx.now_ns);
        if remaining.abs() < self.best - 0.01 {
            self.best = remaining.abs();
            self.last_progress_ns = Some(ctx.now_ns);
        } else if ctx.now_ns - since > STALL_NS {
            return SkillOutput::failed(Failure::transient(
                "blocked: the robot cannot move that far",
            ));
        }
        let v = remaining.signum()
            * (1.2 * remaining.abs()).clamp(0.06, ctx.nav.follow.cruise_speed.min(0.4));
        let w = (-2.0 * wrap_angle(robot.theta - th0)).clamp(-0.5, 0.5);
        SkillOutput::drive(v, w)
    }
}

/// Stands still for a while.
pub struct Wait {
    seconds: f64,
    started_ns: Option<i64>,
}

impl Wait {
    /// A wait of `seconds`.
    pub fn new(seconds: f64) -> Self {
        Self {
            seconds,
            started_ns: None,
        }
    }
}

impl Skill for Wait {
    fn name(&self) -> &'static str {
        "wait"
    }

    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let start = *self.started_ns.get_or_insert(ctx.now_ns);
        if (ctx.now_ns - start) as f64 * 1e-9 >= self.seconds {
            SkillOutput::done()
        } else {
            SkillOutput::drive(0.0, 0.0)
        }
    }
}

/// Commands zero until the robot has stopped.
#[derive(Default)]
pub struct Stop {
    started_ns: Option<i64>,
}

impl Skill for Stop {
    fn name(&self) -> &'static str {
        "stop"
    }

    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let start = *self.started_ns.get_or_insert(ctx.now_ns);
        let still = ctx
            .world
            .robot
            .is_none_or(|r| r.v.abs() < 0.02 && r.w.abs() < 0.05);
        if still || ctx.now_ns - start > 2 * S {
            SkillOutput::done()
        } else {
            SkillOutput::drive(0.0, 0.0)
        }
    }
}

/// Says something, once.
pub struct Say {
    text: String,
}

impl Say {
    /// Saying `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
        }
    }
}

/// Fills `{where TARGET}` with where perception last saw what TARGET names (" in the
/// kitchen", " at (3.2, 1.0)", or nothing when it has not seen it): a report made when it is
/// spoken, from what was seen, never from the planner's guess.
pub fn fill_sightings(text: &str, world: &embodia_perception::WorldState) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{where ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 7..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let target = &after[..j];
        let from = world.robot.map(|r| r.position()).unwrap_or_default();
        // The first alternative that names something seen (the one asked for), nearest first.
        let found = super::targets::alternatives(target).find_map(|alt| {
            super::targets::matching_objects(alt, world, from)
                .first()
                .copied()
        });
        if let Some(o) = found {
            match &o.place {
                Some(p) => out.push_str(&format!(" in the {p}")),
                None => out.push_str(&format!(" at ({:.1}, {:.1})", o.x, o.y)),
            }
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

impl Skill for Say {
    fn name(&self) -> &'static str {
        "say"
    }

    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let text = std::mem::take(&mut self.text);
        let text = if text.contains("{where ") {
            fill_sightings(&text, ctx.world)
        } else {
            text
        };
        SkillOutput {
            say: Some(text),
            ..SkillOutput::done()
        }
    }
}
