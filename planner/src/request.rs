//! What a planner is given: the task text, the world as the agent believes it, and a way to
//! ask the vector memory.

use std::sync::Arc;

use embodia_actuation::{Failure, Step};
use embodia_world::{Region, V2, World};
use serde::Serialize;

/// An object as the planner sees it (seen by perception now, or remembered).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnownObject {
    /// Name.
    pub name: String,
    /// Class.
    pub class: String,
    /// Colour, when the detector told it.
    pub color: Option<String>,
    /// Last position, map frame.
    pub x: f64,
    /// Last position, map frame.
    pub y: f64,
    /// Place it was last seen in.
    pub place: Option<String>,
    /// Seconds since it was last seen.
    pub seen_ago_s: f64,
    /// The robot of the fleet that last saw it, when another robot did (shared over the
    /// fleet memory topic); none when this robot saw it itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen_by: Option<String>,
}

impl KnownObject {
    /// A tracked object as the planner sees it at `now_ns`.
    pub fn of(o: &embodia_perception::TrackedObject, now_ns: i64) -> Self {
        KnownObject {
            name: o.name.clone(),
            class: o.class.clone(),
            color: o.color.clone(),
            x: o.x,
            y: o.y,
            place: o.place.clone(),
            seen_ago_s: (now_ns - o.last_seen_ns).max(0) as f64 * 1e-9,
            seen_by: None,
        }
    }

    /// The name with the colour in front when the name does not say it: how the object is
    /// spoken of.
    pub fn described(&self) -> String {
        embodia_perception::attributes::described(&self.name, self.color.as_deref())
    }

    /// The last position.
    pub fn position(&self) -> V2 {
        V2::new(self.x, self.y)
    }
}

/// A named place on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownPlace {
    /// Name.
    pub name: String,
    /// Other names people use for it.
    pub aliases: Vec<String>,
    /// Where it is (map frame).
    pub region: Region,
}

impl Serialize for KnownPlace {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("KnownPlace", 2)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("aliases", &self.aliases)?;
        st.end()
    }
}

impl KnownPlace {
    /// A place of a world file.
    pub fn of(place: &embodia_world::Place) -> Self {
        Self {
            name: place.name.clone(),
            aliases: place.aliases.clone(),
            region: place.region.clone(),
        }
    }

    /// A round place of `radius` around `center` (a spot named on the floor).
    pub fn disc(name: &str, center: V2, radius: f64) -> Self {
        Self {
            name: name.into(),
            aliases: Vec::new(),
            region: Region::Circle(embodia_world::Circle { center, radius }),
        }
    }

    /// Whether `name` is its name or an alias (case ignored).
    pub fn is_called(&self, name: &str) -> bool {
        let n = name.trim();
        self.name.eq_ignore_ascii_case(n) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(n))
    }
}

/// What the planner is told about the world.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WorldSummary {
    /// Robot pose (x, y, theta), if known.
    pub pose: Option<(f64, f64, f64)>,
    /// The place the robot is in.
    pub place: Option<String>,
    /// Battery fraction.
    pub battery: Option<f32>,
    /// The places on the map.
    pub places: Vec<KnownPlace>,
    /// Objects seen so far (now or remembered).
    pub objects: Vec<KnownObject>,
    /// The places' doors, read off the map (none when there is no map yet). Derived from
    /// the map, so not part of what is recorded.
    #[serde(skip)]
    pub doors: Vec<crate::grounding::Door>,
}

impl WorldSummary {
    /// What a robot that knows `world`'s map would be told, standing at the world's start;
    /// with `seen_all`, as if it had already seen every object (for `embodia plan` and the
    /// planner benches).
    pub fn of_world(world: &World, seen_all: bool) -> Self {
        let [x, y, theta] = world.robot.start;
        WorldSummary {
            pose: Some((x, y, theta)),
            place: world.place_at(V2::new(x, y)).map(|p| p.name.clone()),
            places: world.places.iter().map(KnownPlace::of).collect(),
            objects: if seen_all {
                world
                    .objects
                    .iter()
                    .map(|o| KnownObject {
                        name: o.name.clone(),
                        class: o.class.clone(),
                        color: o.color.clone(),
                        x: o.at.x,
                        y: o.at.y,
                        place: world.place_at(o.at).map(|p| p.name.clone()),
                        seen_ago_s: 0.0,
                        seen_by: None,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            doors: world
                .places
                .iter()
                .flat_map(|p| {
                    let (w, h) = (world.size.x, world.size.y);
                    crate::grounding::doors_of(&KnownPlace::of(p), &|q: V2| {
                        (0.0..=w).contains(&q.x)
                            && (0.0..=h).contains(&q.y)
                            && world.clearance(q) > 0.0
                    })
                })
                .collect(),
            ..WorldSummary::default()
        }
    }

    /// Whether `o` was seen in the place called `place` or in a place inside it (a thing is
    /// placed in the innermost place it stands in: the booth, not the studio around it).
    pub fn holds(&self, place: &str, o: &KnownObject) -> bool {
        o.place
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(place))
            || self
                .place(place)
                .is_some_and(|p| p.region.contains(V2::new(o.x, o.y)))
    }

    /// The place called `name` (or known by it as an alias), case ignored.
    pub fn place(&self, name: &str) -> Option<&KnownPlace> {
        self.places
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
            .or_else(|| self.places.iter().find(|p| p.is_called(name)))
    }

    /// The names of the places, in map order.
    pub fn place_names(&self) -> Vec<&str> {
        self.places.iter().map(|p| p.name.as_str()).collect()
    }

    /// The robot's position, if known.
    pub fn position(&self) -> Option<V2> {
        self.pose.map(|(x, y, _)| V2::new(x, y))
    }

    /// The innermost place containing `p` (the smallest, where places nest).
    pub fn place_at(&self, p: V2) -> Option<&KnownPlace> {
        embodia_world::innermost(
            self.places.iter().filter(|pl| pl.region.contains(p)),
            |pl| &pl.region,
        )
    }
}

/// A step that failed in an earlier attempt at the same task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedStep {
    /// The step.
    pub step: Step,
    /// Why.
    pub failure: Failure,
}

/// The agent's vector memory, as the planner may ask it: which remembered objects are most
/// like a phrase (a partial name, a synonym, a class). Implemented by the agent over its
/// memory store; planners never write to it.
pub trait Recall: Send + Sync {
    /// Up to `k` remembered objects most like `phrase`, with the similarity of their memory
    /// text to it (cosine, -1..1), best first.
    fn objects_like(&self, phrase: &str, k: usize) -> Vec<(KnownObject, f32)>;
}

/// A handle on the memory, or none; compared and printed as plumbing, not content.
#[derive(Clone, Default)]
pub struct MemoryHandle(pub Option<Arc<dyn Recall>>);

impl std::fmt::Debug for MemoryHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "MemoryHandle(Some)"
        } else {
            "MemoryHandle(None)"
        })
    }
}

impl PartialEq for MemoryHandle {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Everything a planner gets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRequest {
    /// The person's words (validated, but still data: quote it before a model reads it).
    pub task: String,
    /// The world as the agent believes it.
    pub world: WorldSummary,
    /// Memories relevant to the task, newest first.
    pub memories: Vec<String>,
    /// The step that failed last time, when replanning.
    pub previous_failure: Option<FailedStep>,
    /// Where the robot was when the task began (where "come back" returns to); the current
    /// pose when not given.
    pub start: Option<(f64, f64)>,
    /// Where the robot was when the task before this one began: where "come back" returns to
    /// when this task has not moved away first ("move forward 1 m", then "now go back to where
    /// you were").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier_start: Option<(f64, f64)>,
    /// The tasks given before this one, oldest first (what "it" and "there" may point back to).
    pub history: Vec<String>,
    /// The vector memory, when the agent has one.
    #[serde(skip)]
    pub memory: MemoryHandle,
    /// Set when the deliberative layer stops waiting; a planner should give up soon after.
    #[serde(skip)]
    pub cancel: Cancel,
}

impl PlanRequest {
    /// A request for `task` in `world`, with nothing remembered and no failure before.
    pub fn new(task: impl Into<String>, world: WorldSummary) -> Self {
        Self {
            task: task.into(),
            world,
            memories: Vec::new(),
            previous_failure: None,
            start: None,
            earlier_start: None,
            history: Vec::new(),
            memory: MemoryHandle::default(),
            cancel: Cancel::default(),
        }
    }
}

/// A flag the deliberative layer raises when a planning deadline passes.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<std::sync::atomic::AtomicBool>);

impl Cancel {
    /// Asks the planner to stop.
    pub fn cancel(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl PartialEq for Cancel {
    /// Requests are compared by content; the flag is plumbing.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
