//! Skills: controllers that turn one plan step into a velocity command per control tick and
//! report running, succeeded or failed (with the reason).
//!
//! Every skill looks alike to the loop: built from a step with [`start`], then `tick`ed at
//! the control rate with the newest world state. A skill never publishes anything itself —
//! its (v, w) goes to the safety gate, its words to the loop.

pub mod describe;
mod look_for;
mod motion;
pub mod nav2;
mod navigate;
pub mod targets;

use std::sync::Arc;

use embodia_perception::{ViewCone, WorldState};
use embodia_ros::msg::nav_msgs::OccupancyGrid;
use embodia_world::{Polygon, V2};
use serde::Serialize;

use crate::nav::{Costmap, CostmapConfig, CoverageConfig, FollowConfig};
use crate::plan::Step;

pub use describe::Describe;
pub use look_for::LookFor;
pub use motion::{Move, Rotate, Say, Stop, Wait};
pub use navigate::NavigateTo;

/// Why a skill failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// A sentence a person can read.
    pub reason: String,
    /// Whether trying again (or replanning) might help.
    pub retryable: bool,
}

impl Failure {
    /// A failure that will not go away by trying again.
    pub fn permanent(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            retryable: false,
        }
    }

    /// A failure that might not recur.
    pub fn transient(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            retryable: true,
        }
    }
}

/// Where a skill is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SkillStatus {
    /// Still working.
    Running,
    /// Done.
    Succeeded,
    /// Gave up.
    Failed(Failure),
}

/// One tick's result.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillOutput {
    /// Forward speed wanted, m/s.
    pub v: f64,
    /// Turn rate wanted, rad/s.
    pub w: f64,
    /// Status after this tick.
    pub status: SkillStatus,
    /// Something to say, once.
    pub say: Option<String>,
    /// A path the navigator planned this tick (first plan or replan), start to goal, map
    /// frame: the route it now follows.
    pub path: Option<Vec<V2>>,
}

impl SkillOutput {
    /// Keep going with this command.
    pub fn drive(v: f64, w: f64) -> Self {
        Self {
            v,
            w,
            status: SkillStatus::Running,
            say: None,
            path: None,
        }
    }

    /// Done; stand still.
    pub fn done() -> Self {
        Self {
            v: 0.0,
            w: 0.0,
            status: SkillStatus::Succeeded,
            say: None,
            path: None,
        }
    }

    /// Failed; stand still.
    pub fn failed(f: Failure) -> Self {
        Self {
            v: 0.0,
            w: 0.0,
            status: SkillStatus::Failed(f),
            say: None,
            path: None,
        }
    }
}

/// Shared, slowly changing things skills need: the costmap built from the newest map.
#[derive(Debug, Default)]
pub struct NavResources {
    /// Costmap parameters.
    pub costmap: CostmapConfig,
    /// Path-following parameters.
    pub follow: FollowConfig,
    /// How searches cover the floor.
    pub search: SearchConfig,
    /// Nav2, when `navigate_to` goes through it (`navigation: nav2`); none for the built-in
    /// planner and follower.
    pub nav2: Option<Arc<nav2::Nav2Link>>,
    /// Places the task asked to keep out of, routed around like keep-out zones (the gate
    /// does not know them: they narrow routes, never limits).
    avoid: Vec<Polygon>,
    cached: Option<(Arc<OccupancyGrid>, Arc<Costmap>)>,
}

impl NavResources {
    /// Resources for a robot of `radius` that may drive at `cruise` m/s.
    pub fn new(radius: f64, cruise: f64) -> Self {
        Self {
            costmap: CostmapConfig {
                robot_radius: radius,
                ..CostmapConfig::default()
            },
            follow: FollowConfig {
                cruise_speed: cruise,
                ..FollowConfig::default()
            },
            search: SearchConfig::default(),
            nav2: None,
            avoid: Vec::new(),
            cached: None,
        }
    }

    /// Routes from now on keep out of `zones` as well as the keep-out zones (the costmap is
    /// rebuilt when they change).
    pub fn set_avoid(&mut self, zones: Vec<Polygon>) {
        if zones != self.avoid {
            self.avoid = zones;
            self.cached = None;
        }
    }

    /// The same with `navigate_to` going through Nav2.
    pub fn with_nav2(mut self, link: Arc<nav2::Nav2Link>) -> Self {
        self.nav2 = Some(link);
        self
    }

    /// The same with `navigate_to` going through Nav2 when a link is given.
    pub fn with_nav2_if(self, link: Option<Arc<nav2::Nav2Link>>) -> Self {
        match link {
            Some(l) => self.with_nav2(l),
            None => self,
        }
    }

    /// The same with these search settings.
    pub fn with_search(mut self, search: SearchConfig) -> Self {
        self.search = search;
        self
    }

    /// The costmap of the world's newest map (rebuilt only when the map changes).
    pub fn costmap(&mut self, world: &WorldState) -> Option<Arc<Costmap>> {
        let map = world.map.as_ref()?;
        match &self.cached {
            // The map is held, so its address cannot be reused by a newer one.
            Some((m, cm)) if Arc::ptr_eq(m, map) => Some(cm.clone()),
            _ => {
                let _span = tracing::debug_span!("build_costmap").entered();
                let zones: Vec<Polygon> = world
                    .semantic
                    .keep_out
                    .iter()
                    .chain(&self.avoid)
                    .cloned()
                    .collect();
                let cm = Arc::new(Costmap::new(map, &zones, &self.costmap));
                self.cached = Some((map.clone(), cm.clone()));
                Some(cm)
            }
        }
    }
}

/// Where a thing is likely to be, by named place: general knowledge that a mug is more
/// likely in a kitchen than in a bathroom. Skills sit below the planners, so the knowledge is
/// handed down through this trait (the agent wires the planner crate's implementation in).
pub trait SearchPrior: Send + Sync + std::fmt::Debug {
    /// For a search `target` (as in a `look_for` step), a likelihood in 0..1 per place of
    /// `places`, in order: 0 for nothing known, 1 for where such things are kept.
    fn likely(&self, target: &str, places: &[embodia_world::Place]) -> Vec<f64>;
}

/// How well a seen object fits a description said in words. What the planner cannot name
/// before the robot has seen it ("the thing they weigh babies on", "the flebotomy chair") is
/// recognised on sight: a search ends at an object that fits well enough, or settles for the
/// best fit once the floor is covered. Skills sit below the planners, so the scorer (the
/// planner's sentence embedder) is handed down through this trait.
pub trait Resemblance: Send + Sync + std::fmt::Debug {
    /// A score in 0..1 that the object called `name`, of class `class`, is what
    /// `description` describes; scores are comparable across objects for one description.
    /// With `wait` false a score not yet known is worked out on another thread and `None`
    /// returned (the caller asks again next tick), so a control tick never waits for it.
    fn score(&self, description: &str, name: &str, class: &str, wait: bool) -> Option<f32>;
}

/// Search settings: what the detector covers and when a search has seen enough.
#[derive(Debug, Clone, Default)]
pub struct SearchConfig {
    /// The detector's view (its range decides what a viewpoint can show).
    pub camera: ViewCone,
    /// Viewpoint choice and when to give up.
    pub coverage: CoverageConfig,
    /// Which places to look in first, if anything is known about that.
    pub prior: Option<Arc<dyn SearchPrior>>,
    /// Recognises described things on sight (targets with a `~ description`), if a scorer is
    /// wired in; without one, only names match.
    pub resemblance: Option<Arc<dyn Resemblance>>,
    /// Choose viewpoints on a worker thread (the robot stands still meanwhile) instead of in
    /// the control tick: on for a robot in real time, off for lockstepped (deterministic) runs.
    pub background: bool,
}

/// What a skill sees each tick.
pub struct SkillContext<'a> {
    /// Now, ns.
    pub now_ns: i64,
    /// The newest world state.
    pub world: &'a WorldState,
    /// Costmap and parameters.
    pub nav: &'a mut NavResources,
}

/// A running skill.
pub trait Skill: Send {
    /// The skill's name, as in plans.
    fn name(&self) -> &'static str;
    /// One control tick.
    fn tick(&mut self, ctx: &mut SkillContext<'_>) -> SkillOutput;
}

/// The skill that runs `step`.
pub fn start(step: &Step) -> Box<dyn Skill> {
    match step {
        Step::NavigateTo { target } => Box::new(NavigateTo::new(target)),
        Step::Rotate { degrees } => Box::new(Rotate::new(degrees.to_radians())),
        Step::Move { metres } => Box::new(Move::new(*metres)),
        Step::LookFor { target } => Box::new(LookFor::new(target)),
        Step::Wait { seconds } => Box::new(Wait::new(*seconds)),
        Step::Stop => Box::new(Stop::default()),
        Step::Say { text } => Box::new(Say::new(text)),
        Step::Describe { place } => Box::new(Describe::new(place.as_deref())),
    }
}
