//! `navigate_to`: plan on the costmap, follow the path, replan around what the scan shows.

use embodia_world::V2;

use std::sync::Arc;

use embodia_ros::action::ClientEvent;

use super::nav2::{Nav2Link, outcome};
use super::targets::{Goal, resolve};
use super::{Failure, Skill, SkillContext, SkillOutput};
use crate::gate::NearbyPoints;
use crate::nav::{Cell, Costmap, LETHAL_COST, PurePursuit, astar};

const S: i64 = 1_000_000_000;
/// Reaching within this of the goal cell is arriving, m.
const ARRIVED_M: f64 = 0.2;
/// Preferred distance from an object when approaching it, m.
const OBJECT_STANDOFF_M: f64 = 0.55;
/// An approach to an object ends within this of it when any safe spot is, m.
pub const OBJECT_REACH_M: f64 = 1.0;
/// How far from an object a safe spot is looked for when none is within reach, m.
const CLOSEST_SEARCH_M: f64 = 3.0;
/// Facing an object within this is facing it, rad.
const FACING_TOLERANCE_RAD: f64 = 0.12;
/// Turn rate per radian of heading error while turning to face an object, 1/s.
const FACING_GAIN: f64 = 1.5;
/// Slowest turn while facing an object (slower turns stall against friction), rad/s.
const FACING_MIN_RATE: f64 = 0.3;
/// Facing an object that long without getting there ends the step anyway, ns.
const FACING_GIVE_UP_NS: i64 = 8 * S;
/// Scan hits closer than radius + this to the path ahead block it, m.
const BLOCK_MARGIN_M: f64 = 0.03;
/// How far ahead along the path blockage is checked, m.
const BLOCK_LOOKAHEAD_M: f64 = 1.2;
/// Without 0.1 m of progress in this long, give up, ns.
const NO_PROGRESS_NS: i64 = 20 * S;
/// Blocked with no way around for this long, give up, ns.
const BLOCKED_GIVE_UP_NS: i64 = 10 * S;
/// Waiting for a map and a pose for this long, give up, ns.
const NO_DATA_NS: i64 = 3 * S;
/// While Nav2 drives, the pose moving further than this in one control period is a
/// localisation jump: Nav2's goal (posed from the old belief) is canceled and the step fails
/// for a replan from the new pose, as the built-in navigator replans when pushed off its path, m.
const NAV2_POSE_JUMP_M: f64 = 1.0;

/// Drives to a place, a seen object or a point.
pub struct NavigateTo {
    target: String,
    started_ns: Option<i64>,
    goal: Option<(Goal, Cell)>,
    follower: Option<PurePursuit>,
    last_scan_checked: Option<i64>,
    best_remaining: f64,
    best_at_ns: i64,
    blocked_since_ns: Option<i64>,
    last_replan_ns: i64,
    /// Arrived; turning to face the object since then.
    facing_since_ns: Option<i64>,
    /// The Nav2 goal open for this step (canceled if the step ends first).
    nav2_goal: Option<(Arc<Nav2Link>, u64)>,
    /// A path planned and not yet handed out in an output.
    new_path: Option<Vec<V2>>,
    /// Where the robot was at the last tick while Nav2 drove.
    nav2_last_pos: Option<V2>,
}

impl Drop for NavigateTo {
    /// A step canceled or replaced while Nav2 drives: Nav2's goal is canceled too.
    fn drop(&mut self) {
        if let Some((link, tag)) = self.nav2_goal.take() {
            link.cancel(tag);
        }
    }
}

impl NavigateTo {
    /// Navigation to `target` (resolved on the first tick, against what is known then).
    pub fn new(target: &str) -> Self {
        Self {
            target: target.to_owned(),
            started_ns: None,
            goal: None,
            follower: None,
            last_scan_checked: None,
            best_remaining: f64::INFINITY,
            best_at_ns: 0,
            blocked_since_ns: None,
            last_replan_ns: 0,
            facing_since_ns: None,
            nav2_goal: None,
            new_path: None,
            nav2_last_pos: None,
        }
    }

    /// Follows `points` from now on, and hands them out with the next output.
    fn follow(&mut self, points: Vec<V2>, ctx: &SkillContext<'_>) {
        self.new_path = Some(points.clone());
        self.follower = Some(PurePursuit::new(points, ctx.nav.follow.clone()));
    }

    /// The goal cell chosen, once planned (for tests and status).
    pub fn goal_point(&self, map: &Costmap) -> Option<V2> {
        self.goal.as_ref().map(|(_, c)| map.center_of(*c))
    }
}

/// How far from a point goal the robot may stop when the point itself cannot be stood on, m.
const POINT_REACH_M: f64 = 1.0;

/// The reachable cell that best serves `goal`, if any.
fn choose_goal_cell(map: &Costmap, reachable: &[bool], goal: &Goal) -> Option<Cell> {
    let ok = |c: Cell| {
        map.contains(c) && reachable[(c.1 * map.width + c.0) as usize] && map.cost(c) < LETHAL_COST
    };
    let cost = |c: Cell| map.cost(c) as f64 / 253.0;
    let best_in = |cells: &mut dyn Iterator<Item = Cell>, score: &dyn Fn(Cell) -> f64| {
        cells
            .filter(|c| ok(*c))
            .min_by(|a, b| score(*a).total_cmp(&score(*b)))
    };
    let around = |center: V2, radius: f64| {
        let (c0, c1) = (
            map.cell_of(center - V2::repeat(radius)),
            map.cell_of(center + V2::repeat(radius)),
        );
        (c0.1..=c1.1).flat_map(move |y| (c0.0..=c1.0).map(move |x| (x, y)))
    };
    match goal {
        Goal::Place(place) => {
            let center = place.region.center();
            let (min, max) = place.region.bounds();
            let (c0, c1) = (map.cell_of(min), map.cell_of(max));
            let mut cells = (c0.1..=c1.1)
                .flat_map(|y| (c0.0..=c1.0).map(move |x| (x, y)))
                .filter(|c| place.region.contains(map.center_of(*c)));
            best_in(&mut cells, &|c| {
                (map.center_of(c) - center).norm() + 0.5 * cost(c)
            })
        }
        Goal::Object { at, .. } => {
            for reach in [0.8, OBJECT_REACH_M] {
                let mut cells =
                    around(*at, reach).filter(|c| (map.center_of(*c) - at).norm() <= reach);
                let found = best_in(&mut cells, &|c| {
                    ((map.center_of(c) - at).norm() - OBJECT_STANDOFF_M).abs() + cost(c)
                });
                if found.is_some() {
                    return found;
                }
            }
            // Inside an obstacle, a corner or a keep-out zone's margin: the closest safe spot.
            let mut cells = around(*at, CLOSEST_SEARCH_M)
                .filter(|c| (map.center_of(*c) - at).norm() <= CLOSEST_SEARCH_M);
            best_in(&mut cells, &|c| {
                (map.center_of(c) - at).norm() + 0.1 * cost(c)
            })
        }
        // A point in an obstacle or a wall's margin (the corner a cabinet stands in): the
        // nearest spot the robot can stand on, up to a metre away.
        Goal::Point(p) => [0.5, POINT_REACH_M].into_iter().find_map(|reach| {
            let mut cells = around(*p, reach).filter(|c| (map.center_of(*c) - p).norm() <= reach);
            best_in(&mut cells, &|c| {
                (map.center_of(c) - p).norm() + 0.2 * cost(c)
            })
        }),
    }
}

impl NavigateTo {
    fn plan(&mut self, map: &Costmap, from: V2, ctx: &SkillContext<'_>) -> Result<(), Failure> {
        let start = map.cell_of(from);
        let goal = match &self.goal {
            Some((g, _)) => g.clone(),
            None => resolve(
                &self.target,
                ctx.world,
                from,
                ctx.nav
                    .search
                    .resemblance
                    .as_deref()
                    .map(|r| (r, !ctx.nav.search.background)),
            )
            .ok_or_else(|| {
                Failure::permanent(format!(
                    "{:?} is not a known place, a seen object, or x,y",
                    self.target
                ))
            })?,
        };
        let reachable = astar::reachable_from(map, start);
        let cell = choose_goal_cell(map, &reachable, &goal)
            .ok_or_else(|| Failure::permanent(format!("no reachable spot at {:?}", self.target)))?;
        let path = astar::plan(map, start, cell)
            .ok_or_else(|| Failure::transient(format!("no path to {:?}", self.target)))?;
        let points: Vec<V2> = path.iter().map(|c| map.center_of(*c)).collect();
        self.follow(points, ctx);
        self.goal = Some((goal, cell));
        Ok(())
    }

    /// Scan hits (world frame) within the body's reach of the path ahead.
    fn blocking_points(&self, ctx: &SkillContext<'_>, pos: V2, theta: f64) -> Vec<V2> {
        let (Some(f), Some(scan)) = (&self.follower, &ctx.world.scan) else {
            return vec![];
        };
        let r = ctx.nav.costmap.robot_radius + BLOCK_MARGIN_M;
        let ahead: Vec<V2> = {
            let mut acc = 0.0;
            let mut out = Vec::new();
            let path = &f.path()[f.progress()..];
            for (i, p) in path.iter().enumerate() {
                if i > 0 {
                    acc += (p - path[i - 1]).norm();
                }
                if acc > BLOCK_LOOKAHEAD_M {
                    break;
                }
                out.push(*p);
            }
            out
        };
        let (s, c) = theta.sin_cos();
        scan.points
            .iter()
            .filter(|p| p.norm() < BLOCK_LOOKAHEAD_M + r)
            .map(|p| pos + V2::new(c * p.x - s * p.y, s * p.x + c * p.y))
            .filter(|q| ahead.iter().any(|a| (a - q).norm() < r))
            .collect()
    }
}

impl NavigateTo {
    /// At the goal: done for a place or a point; for an object, turn to face it first, and
    /// say how close it got when the spot chosen is further than [`OBJECT_REACH_M`] from it.
    fn arrive(&mut self, map: &Costmap, pos: V2, theta: f64, now: i64) -> SkillOutput {
        let Some((Goal::Object { name, at }, cell)) = &self.goal else {
            return SkillOutput::done();
        };
        let since = *self.facing_since_ns.get_or_insert(now);
        let to = at - pos;
        if to.norm() > 1e-3 && now - since < FACING_GIVE_UP_NS {
            let err = embodia_world::geometry::wrap_angle(to.y.atan2(to.x) - theta);
            if err.abs() > FACING_TOLERANCE_RAD {
                let w = (FACING_GAIN * err).clamp(-1.0, 1.0);
                let w = w.signum() * w.abs().max(FACING_MIN_RATE);
                return SkillOutput::drive(0.0, w);
            }
        }
        let spot = (map.center_of(*cell) - at).norm();
        let mut out = SkillOutput::done();
        if spot > OBJECT_REACH_M {
            out.say = Some(format!(
                "I stopped {:.1} m from {}: that is as close as I can safely get.",
                to.norm(),
                super::describe::the(name)
            ));
        }
        out
    }
}

impl NavigateTo {
    /// Nav2 drives: the goal pose is sent once, Nav2's velocity is this skill's command (and
    /// so passes the gate), and Nav2's result ends the step.
    fn tick_nav2(
        &mut self,
        link: &Arc<Nav2Link>,
        map: &Costmap,
        pos: V2,
        theta: f64,
        now: i64,
    ) -> SkillOutput {
        if self.facing_since_ns.is_some() {
            return self.arrive(map, pos, theta, now);
        }
        let jump = self
            .nav2_last_pos
            .replace(pos)
            .map_or(0.0, |prev| (pos - prev).norm());
        if jump > NAV2_POSE_JUMP_M {
            if let Some((link, tag)) = self.nav2_goal.take() {
                link.cancel(tag);
            }
            return SkillOutput::failed(Failure::transient(format!(
                "the robot's pose jumped {jump:.1} m in one control period; Nav2's goal was canceled (navigating to {:?})",
                self.target
            )));
        }
        let tag = match &self.nav2_goal {
            Some((_, tag)) => *tag,
            None => {
                let (goal, cell) = self.goal.as_ref().expect("planned");
                let p = map.center_of(*cell);
                let toward = match goal {
                    Goal::Object { at, .. } => at - p,
                    _ => p - pos,
                };
                let yaw = toward.y.atan2(toward.x);
                match link.send(p.x, p.y, yaw, now) {
                    Some(tag) => {
                        tracing::info!(target = %self.target, x = p.x, y = p.y, "Nav2 goal sent");
                        self.nav2_goal = Some((link.clone(), tag));
                        tag
                    }
                    None => {
                        return SkillOutput::failed(Failure::transient("the Nav2 client stopped"));
                    }
                }
            }
        };
        for event in link.events(tag) {
            let failure = match event {
                ClientEvent::Accepted { .. } | ClientEvent::Feedback { .. } => continue,
                ClientEvent::Rejected { .. } => "Nav2 rejected the goal".to_owned(),
                ClientEvent::Failed { error, .. } => error,
                ClientEvent::Finished { end, result, .. } => match outcome(end, &result) {
                    Ok(()) => {
                        self.nav2_goal = None;
                        return self.arrive(map, pos, theta, now);
                    }
                    Err(reason) => reason,
                },
            };
            self.nav2_goal = None;
            return SkillOutput::failed(Failure::transient(format!(
                "{failure} (navigating to {:?})",
                self.target
            )));
        }
        let (v, w) = link.velocity(now);
        SkillOutput::drive(v, w)
    }
}

impl Skill for NavigateTo {
    fn name(&self) -> &'static str {
        "navigate_to"
    }

    /// Drives, and hands out a path planned this tick (not when Nav2 drives: Nav2 plans and
    /// publishes its own).
    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let mut out = self.drive(ctx);
        let path = self.new_path.take();
        if ctx.nav.nav2.is_none() {
            out.path = path;
        }
        out
    }
}

impl NavigateTo {
    fn drive(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput {
        let now = ctx.now_ns;
        let started = *self.started_ns.get_or_insert(now);
        let (Some(robot), Some(map)) = (ctx.world.robot, ctx.nav.costmap(ctx.world)) else {
            if now - started > NO_DATA_NS {
                return SkillOutput::failed(Failure::transient(
                    "no map or no odometry to navigate with",
                ));
            }
            return SkillOutput::drive(0.0, 0.0);
        };
        let pos = robot.position();
        if self.follower.is_none() {
            if let Err(f) = self.plan(&map, pos, ctx) {
                return SkillOutput::failed(f);
            }
            self.best_at_ns = now;
            self.last_replan_ns = now;
        }
        if let Some(link) = ctx.nav.nav2.clone() {
            return self.tick_nav2(&link, &map, pos, robot.theta, now);
        }
        let goal_point = map.center_of(self.goal.as_ref().expect("planned").1);
        if self.facing_since_ns.is_some() || (goal_point - pos).norm() < ARRIVED_M {
            return self.arrive(&map, pos, robot.theta, now);
        }

        // Obstacles on the path that the map does not have: replan around them.
        let scan_stamp = ctx.world.scan.as_ref().map(|s| s.stamp_ns);
        if scan_stamp != self.last_scan_checked {
            self.last_scan_checked = scan_stamp;
            let blocking = self.blocking_points(ctx, pos, robot.theta);
            if !blocking.is_empty() && now - self.last_replan_ns > S / 2 {
                self.last_replan_ns = now;
                let mut overlay = Costmap::clone(&map);
                let scan_world: Vec<V2> = {
                    let (s, c) = robot.theta.sin_cos();
                    ctx.world.scan.as_ref().map_or(vec![], |sc| {
                        sc.points
                            .iter()
                            .map(|p| pos + V2::new(c * p.x - s * p.y, s * p.x + c * p.y))
                            .collect()
                    })
                };
                overlay.mark_obstacles(
                    &scan_world,
                    ctx.nav.costmap.robot_radius + ctx.nav.costmap.lethal_margin,
                );
                let cell = self.goal.as_ref().expect("planned").1;
                match astar::plan(&overlay, overlay.cell_of(pos), cell) {
                    Some(path) => {
                        tracing::debug!(target = %self.target, "replanned around an obstacle");
                        let points = path.iter().map(|c| map.center_of(*c)).collect();
                        self.follow(points, ctx);
                        self.blocked_since_ns = None;
                    }
                    None => {
                        self.blocked_since_ns.get_or_insert(now);
                    }
                }
            } else if blocking.is_empty() {
                self.blocked_since_ns = None;
            }
        }
        if let Some(since) = self.blocked_since_ns {
            if now - since > BLOCKED_GIVE_UP_NS {
                return SkillOutput::failed(Failure::transient(format!(
                    "the way to {:?} is blocked",
                    self.target
                )));
            }
            return SkillOutput::drive(0.0, 0.0);
        }

        let follower = self.follower.as_mut().expect("planned");
        if follower.cross_track(pos) > 0.6 && now - self.last_replan_ns > S {
            // Pushed off the path (by the gate, or around something): plan afresh from here.
            self.last_replan_ns = now;
            self.follower = None;
            return SkillOutput::drive(0.0, 0.0);
        }
        let remaining = follower.remaining(pos);
        if remaining < self.best_remaining - 0.1 {
            self.best_remaining = remaining;
            self.best_at_ns = now;
        } else if now - self.best_at_ns > NO_PROGRESS_NS {
            return SkillOutput::failed(Failure::transient(format!(
                "no progress toward {:?} for 20 s",
                self.target
            )));
        }
        let radius = ctx.nav.costmap.robot_radius;
        let (v, w) = match &ctx.world.scan {
            Some(scan) => {
                let near = NearbyPoints::new(&scan.points, radius, 2.0 * ctx.nav.follow.lookahead);
                follower.command_clear(pos, robot.theta, &near, radius)
            }
            None => follower.command(pos, robot.theta),
        };
        SkillOutput::drive(v, w)
    }
}
