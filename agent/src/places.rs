//! The agent's places: those of the places (or world) file, and those named while running
//! ("remember this place as the charging dock"). Named places are discs around where the robot
//! stood, kept in the memory file and published on `/agent/places` whenever the set changes.
//!
//! A named place is only ever a place: it cannot add or remove a keep-out zone, cannot take
//! the name (or an alias) of a file's place, and changes no limit. Its name comes from a
//! person and was bounded and sanitised by [`embodia_planner::understand::place_naming`].

use embodia_memory::NamedPlace;
use embodia_perception::SemanticMap;
use embodia_world::{Circle, Place, Region, V2};
use serde_json::{Value, json};

/// Most places named while running; naming one more is refused (renaming is not).
pub const MAX_NAMED_PLACES: usize = 100;

/// Largest radius of a named place, metres.
pub const MAX_NAMED_PLACE_RADIUS: f64 = 5.0;

/// The file's places and keep-out zones, and the places named since.
#[derive(Debug, Clone)]
pub struct PlaceBook {
    file: SemanticMap,
    named: Vec<NamedPlace>,
}

impl PlaceBook {
    /// The file's map, with places named in earlier runs (from memory) added; a remembered
    /// name the file now uses is left out with a warning (the file wins).
    pub fn new(file: SemanticMap, remembered: Vec<NamedPlace>) -> Self {
        let mut book = Self {
            file,
            named: Vec::new(),
        };
        for p in remembered {
            match book.check(&p) {
                Ok(()) => book.put(p),
                Err(why) => {
                    tracing::warn!(place = %p.name, why = %why, "leaving out a remembered place")
                }
            }
        }
        book
    }

    /// Places named while running, in the order named.
    pub fn named(&self) -> &[NamedPlace] {
        &self.named
    }

    /// Names the spot `place` describes (replacing a named place of the same name); the
    /// reason, a sentence for the person, when refused.
    pub fn name(&mut self, place: NamedPlace) -> Result<(), String> {
        self.check(&place)?;
        let renaming = self.position(&place.name).is_some();
        if !renaming && self.named.len() >= MAX_NAMED_PLACES {
            return Err(format!(
                "I already remember {MAX_NAMED_PLACES} named places, the most I keep"
            ));
        }
        self.put(place);
        Ok(())
    }

    fn check(&self, p: &NamedPlace) -> Result<(), String> {
        if !(p.x.is_finite() && p.y.is_finite()) {
            return Err("the robot's position is not known".into());
        }
        if !(p.radius.is_finite() && p.radius > 0.0 && p.radius <= MAX_NAMED_PLACE_RADIUS) {
            return Err(format!(
                "a named place's radius must be in (0, {MAX_NAMED_PLACE_RADIUS}] m"
            ));
        }
        if let Some(f) = self.file.places.iter().find(|f| f.is_called(&p.name)) {
            return Err(format!(
                "{} is already the name of a place from the file ({}); choose another name",
                p.name, f.name
            ));
        }
        Ok(())
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.named
            .iter()
            .position(|n| n.name.eq_ignore_ascii_case(name.trim()))
    }

    fn put(&mut self, p: NamedPlace) {
        match self.position(&p.name) {
            Some(i) => self.named[i] = p,
            None => self.named.push(p),
        }
    }

    /// The semantic map the agent works with: the file's places, then the named ones, and
    /// the file's keep-out zones unchanged.
    pub fn semantic(&self) -> SemanticMap {
        let mut map = self.file.clone();
        map.places.extend(self.named.iter().map(|n| Place {
            name: n.name.clone(),
            aliases: Vec::new(),
            region: Region::Circle(Circle {
                center: V2::new(n.x, n.y),
                radius: n.radius,
            }),
        }));
        map
    }

    /// Every place and keep-out zone as JSON for `/agent/places`.
    pub fn to_json(&self) -> Value {
        let region = |r: &Region| match r {
            Region::Circle(c) => json!({ "center": [c.center.x, c.center.y], "radius": c.radius }),
            Region::Polygon(p) => {
                json!({ "polygon": p.points.iter().map(|q| [q.x, q.y]).collect::<Vec<_>>() })
            }
        };
        let mut places: Vec<Value> = self
            .file
            .places
            .iter()
            .map(|p| {
                let mut v = region(&p.region);
                v["name"] = json!(p.name);
                v["aliases"] = json!(p.aliases);
                v["source"] = json!("file");
                v
            })
            .collect();
        places.extend(self.named.iter().map(|n| {
            json!({
                "name": n.name,
                "aliases": [],
                "source": "named",
                "center": [n.x, n.y],
                "radius": n.radius,
            })
        }));
        json!({
            "frame": embodia_world::places::MAP_FRAME,
            "places": places,
            "keep_out": self
                .file
                .keep_out
                .iter()
                .map(|k| k.points.iter().map(|q| [q.x, q.y]).collect::<Vec<_>>())
                .collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_world::PlacesFile;

    fn file() -> SemanticMap {
        let f = PlacesFile::parse(
            "frame: map\nplaces:\n  kitchen: {center: [1, 1], radius: 1, aliases: [galley]}\nkeep_out:\n  - [[5, 5], [6, 5], [6, 6]]\n",
            "p.yaml",
        )
        .unwrap();
        SemanticMap::from_places(&f)
    }

    fn named(name: &str, x: f64) -> NamedPlace {
        NamedPlace {
            name: name.into(),
            x,
            y: 0.0,
            radius: 0.75,
            named_ns: 0,
        }
    }

    #[test]
    fn a_named_place_is_found_by_name_after_the_files_places() {
        let mut book = PlaceBook::new(file(), vec![]);
        book.name(named("charging dock", 3.0)).unwrap();
        let map = book.semantic();
        assert_eq!(map.places.len(), 2);
        let dock = map.place("Charging Dock").unwrap();
        assert!(dock.region.contains(V2::new(3.5, 0.0)));
        assert_eq!(map.keep_out, file().keep_out);
    }

    #[test]
    fn naming_again_moves_the_place_instead_of_adding_one() {
        let mut book = PlaceBook::new(file(), vec![named("dock", 3.0)]);
        book.name(named("Dock", 4.0)).unwrap();
        assert_eq!(book.named().len(), 1);
        assert_eq!(book.named()[0].x, 4.0);
    }

    #[test]
    fn a_files_name_or_alias_cannot_be_taken_and_limits_hold() {
        let mut book = PlaceBook::new(file(), vec![]);
        let e = book.name(named("Galley", 3.0)).unwrap_err();
        assert!(e.contains("a place from the file (kitchen)"), "{e}");
        let mut huge = named("field", 0.0);
        huge.radius = 50.0;
        assert!(book.name(huge).is_err());
        assert!(book.name(named("nowhere", f64::NAN)).is_err());
        for i in 0..MAX_NAMED_PLACES {
            book.name(named(&format!("spot {i}"), 0.0)).unwrap();
        }
        assert!(book.name(named("one more", 0.0)).is_err());
        book.name(named("spot 7", 1.0)).unwrap();
    }

    #[test]
    fn remembered_places_the_file_now_names_are_left_out() {
        let book = PlaceBook::new(file(), vec![named("kitchen", 3.0), named("dock", 2.0)]);
        assert_eq!(book.named().len(), 1);
        assert_eq!(book.named()[0].name, "dock");
    }

    #[test]
    fn the_published_json_lists_every_place_and_keep_out_zone() {
        let mut book = PlaceBook::new(file(), vec![]);
        book.name(named("dock", 3.0)).unwrap();
        let v = book.to_json();
        assert_eq!(v["frame"], "map");
        assert_eq!(v["places"][0]["name"], "kitchen");
        assert_eq!(v["places"][0]["aliases"][0], "galley");
        assert_eq!(v["places"][1]["source"], "named");
        assert_eq!(v["places"][1]["center"][0], 3.0);
        assert_eq!(v["keep_out"][0].as_array().unwrap().len(), 3);
    }
}
