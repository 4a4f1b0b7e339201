//! The solid geometry of a world, flattened for ray casting and clearance queries.

use embodia_world::geometry::{Circle, Rect, V2};
use embodia_world::world::World;

/// What a ray can hit: walls, objects marked solid, and the other robots of a fleet.
#[derive(Debug, Clone)]
pub struct Scene {
    walls: Vec<Rect>,
    /// Solid objects with their index in `World::objects`.
    objects: Vec<(usize, Circle)>,
    /// The bodies of the robots other than the one sensing or moving (none for a lone robot).
    others: Vec<Circle>,
}

impl Scene {
    /// The solids of `world`.
    pub fn new(world: &World) -> Self {
        Self {
            walls: world.walls.iter().map(|w| w.rect).collect(),
            objects: world
                .objects
                .iter()
                .enumerate()
                .filter(|(_, o)| o.solid)
                .map(|(i, o)| (i, o.circle()))
                .collect(),
            others: Vec::new(),
        }
    }

    /// Sets the other robots' bodies, as the robot about to sense or move sees them.
    pub fn set_others(&mut self, bodies: impl IntoIterator<Item = Circle>) {
        self.others.clear();
        self.others.extend(bodies);
    }

    /// Distance from `p` to the nearest other robot's body (infinite when alone).
    pub fn robot_clearance(&self, p: V2) -> f64 {
        self.others
            .iter()
            .map(|c| c.distance(p))
            .fold(f64::INFINITY, f64::min)
    }

    /// Distance along the unit `dir` from `origin` to the first solid, ignoring object
    /// `skip` (the one being looked at), or `None` within `max`.
    pub fn ray(&self, origin: V2, dir: V2, max: f64, skip: Option<usize>) -> Option<f64> {
        let mut best = max;
        let mut hit = false;
        for w in &self.walls {
            if let Some(t) = w.ray(origin, dir)
                && t < best
            {
                best = t;
                hit = true;
            }
        }
        for (i, c) in &self.objects {
            if Some(*i) == skip {
                continue;
            }
            if let Some(t) = c.ray(origin, dir)
                && t < best
            {
                best = t;
                hit = true;
            }
        }
        for c in &self.others {
            if let Some(t) = c.ray(origin, dir)
                && t < best
            {
                best = t;
                hit = true;
            }
        }
        hit.then_some(best)
    }

    /// Distance from `p` to the nearest solid, other robots included.
    pub fn clearance(&self, p: V2) -> f64 {
        let w = self.walls.iter().map(|w| w.distance(p));
        let o = self.objects.iter().map(|(_, c)| c.distance(p));
        w.chain(o)
            .fold(f64::INFINITY, f64::min)
            .min(self.robot_clearance(p))
    }
}
