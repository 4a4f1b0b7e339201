//! The part of a world the agent is told rather than perceives: named places and keep-out zones.

use embodia_world::{Place, PlacesFile, Polygon, V2, World};

/// Named places and geofences, from the world file (or a places file on a real robot).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SemanticMap {
    /// Places in file order.
    pub places: Vec<Place>,
    /// Polygons the robot must never enter.
    pub keep_out: Vec<Polygon>,
}

impl SemanticMap {
    /// The places and keep-out zones of `world` (its objects and walls are left out: those the
    /// agent must perceive).
    pub fn from_world(world: &World) -> Self {
        Self {
            places: world.places.clone(),
            keep_out: world.keep_out.clone(),
        }
    }

    /// The places and keep-out zones of a places file (a real robot's).
    pub fn from_places(file: &PlacesFile) -> Self {
        Self {
            places: file.places.clone(),
            keep_out: file.keep_out.clone(),
        }
    }

    /// The innermost place containing `p` (the booth, not the studio around it).
    pub fn place_at(&self, p: V2) -> Option<&Place> {
        embodia_world::innermost(
            self.places.iter().filter(|pl| pl.region.contains(p)),
            |pl| &pl.region,
        )
    }

    /// The place called `name` (or known by it as an alias), ignoring case.
    pub fn place(&self, name: &str) -> Option<&Place> {
        self.places
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
            .or_else(|| self.places.iter().find(|p| p.is_called(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_world::{Circle, Region};

    #[test]
    fn a_point_in_a_booth_inside_a_studio_is_in_the_booth() {
        let place = |name: &str, center: V2, radius: f64| Place {
            name: name.into(),
            aliases: Vec::new(),
            region: Region::Circle(Circle { center, radius }),
        };
        let map = SemanticMap {
            places: vec![
                place("studio", V2::new(0.0, 0.0), 5.0),
                place("booth", V2::new(3.0, 0.0), 1.0),
            ],
            keep_out: Vec::new(),
        };
        assert_eq!(map.place_at(V2::new(3.2, 0.1)).unwrap().name, "booth");
        assert_eq!(map.place_at(V2::new(-2.0, 0.0)).unwrap().name, "studio");
        assert!(map.place_at(V2::new(9.0, 0.0)).is_none());
    }
}
