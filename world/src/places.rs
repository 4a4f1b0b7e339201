//! Places files: the semantic part of a world for a real robot — named places and keep-out
//! zones in the `map` frame, and nothing about walls or objects (the map comes from `/map`,
//! objects from the detector). Parsed as strictly as a world file, with the same messages.
//!
//! ```yaml
//! frame: map
//! places:
//!   kitchen: {polygon: [[1.0, 2.0], [4.0, 2.0], [4.0, 5.0], [1.0, 5.0]], aliases: [galley]}
//!   charging dock: {center: [0.4, -0.6], radius: 0.5}
//! keep_out:
//!   - [[6.0, 0.0], [7.0, 0.0], [7.0, 1.0], [6.0, 1.0]]
//! ```

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::geometry::Polygon;
use crate::world::{
    Names, Place, PlaceFile, Validator, WorldError, from_yaml, load_with, unique_keys,
};

/// The only frame places may be given in for now: the frame of `/map` and of the localiser.
pub const MAP_FRAME: &str = "map";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacesFileRaw {
    frame: String,
    #[serde(default, deserialize_with = "unique_keys")]
    places: IndexMap<String, PlaceFile>,
    #[serde(default)]
    keep_out: Vec<Vec<[f64; 2]>>,
}

/// A validated places file.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacesFile {
    /// The frame the coordinates are in (always [`MAP_FRAME`]).
    pub frame: String,
    /// Named places, in file order.
    pub places: Vec<Place>,
    /// Geofence polygons the robot must never enter.
    pub keep_out: Vec<Polygon>,
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
}

impl PlacesFile {
    /// Reads and validates a places file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, WorldError> {
        let (mut places, source) = load_with(path.as_ref(), Self::parse)?;
        places.source = Some(source);
        Ok(places)
    }

    /// Parses and validates places YAML; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Self, WorldError> {
        let raw: PlacesFileRaw = from_yaml(text, file)?;
        let v = Validator { file };
        if raw.frame != MAP_FRAME {
            return Err(WorldError::Invalid {
                file: file.to_owned(),
                field: "frame".into(),
                problem: format!(
                    "{:?} is not supported: places are given in the {MAP_FRAME:?} frame for now",
                    raw.frame
                ),
                fix: format!(
                    "write `frame: {MAP_FRAME}` and give coordinates in the map frame (as RViz shows them with Fixed Frame = map)"
                ),
            });
        }
        let places = v.places(&raw.places, None, &mut Names::default())?;
        let keep_out = v.keep_out(&raw.keep_out, None)?;
        Ok(Self {
            frame: raw.frame,
            places,
            keep_out,
            source: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::V2;

    const GOOD: &str = r#"
frame: map
places:
  kitchen: {polygon: [[-1.0, 2.0], [4.0, 2.0], [4.0, 5.0], [-1.0, 5.0]], aliases: [galley]}
  charging dock: {center: [0.4, -0.6], radius: 0.5}
keep_out:
  - [[6.0, 0.0], [7.0, 0.0], [7.0, 1.0], [6.0, 1.0]]
"#;

    fn refused(yaml: &str) -> WorldError {
        PlacesFile::parse(yaml, "places.yaml").expect_err("the file should be refused")
    }

    fn with(from: &str, to: &str) -> String {
        assert!(GOOD.contains(from), "{from}");
        GOOD.replace(from, to)
    }

    #[test]
    fn the_documented_example_parses_with_negative_map_coordinates() {
        let p = PlacesFile::parse(GOOD, "places.yaml").unwrap();
        assert_eq!(p.frame, "map");
        let names: Vec<_> = p.places.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["kitchen", "charging dock"]);
        assert!(p.places[0].is_called("Galley"));
        assert!(p.places[1].region.contains(V2::new(0.5, -0.5)));
        assert_eq!(p.keep_out.len(), 1);
    }

    #[test]
    fn a_file_with_only_a_frame_is_a_robot_with_no_places_yet() {
        let p = PlacesFile::parse("frame: map\n", "x").unwrap();
        assert!(p.places.is_empty() && p.keep_out.is_empty());
    }

    #[test]
    fn a_frame_other_than_map_is_refused_with_the_fix() {
        let e = refused(&with("frame: map", "frame: odom"));
        assert_eq!(e.field(), Some("frame"));
        let text = e.to_string();
        assert!(text.starts_with("places.yaml: frame:"), "{text}");
        assert!(
            text.contains("\"odom\"") && text.contains("frame: map"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_frame_is_refused() {
        let e = refused("places: {}\n").to_string();
        assert!(e.contains("missing field `frame`"), "{e}");
    }

    #[test]
    fn walls_objects_and_robots_belong_in_world_files_not_here() {
        for key in ["walls: []", "objects: []", "robot: {start: [0, 0, 0]}"] {
            let e = refused(&format!("{GOOD}{key}\n")).to_string();
            assert!(e.contains("unknown field") && e.contains("Fix:"), "{e}");
        }
    }

    #[test]
    fn nan_short_polygons_and_duplicate_names_are_refused_by_field() {
        let e = refused(&with("radius: 0.5", "radius: .nan"));
        assert_eq!(e.field(), Some("places.charging dock.radius"));
        let e = refused(&with(
            "[[6.0, 0.0], [7.0, 0.0], [7.0, 1.0], [6.0, 1.0]]",
            "[[6.0, 0.0], [7.0, 0.0]]",
        ));
        assert_eq!(e.field(), Some("keep_out[0]"));
        assert!(e.to_string().contains("at least 3 points"));
        let e = refused(&with("aliases: [galley]", "aliases: [Charging Dock]"));
        assert_eq!(e.field(), Some("places.charging dock"));
        assert!(
            e.to_string()
                .contains("already used by places.kitchen.aliases[0]"),
            "{e}"
        );
        let e = refused(&with(
            "  charging dock:",
            "  kitchen: {center: [0, 0], radius: 1}\n  charging dock:",
        ));
        assert!(e.to_string().contains("duplicate"), "{e}");
    }

    #[test]
    fn unreadable_file_names_the_path() {
        let e = PlacesFile::load("/nonexistent/places.yaml").unwrap_err();
        assert!(e.to_string().contains("/nonexistent/places.yaml"), "{e}");
    }
}
