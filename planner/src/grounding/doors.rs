//! Doors of places, read off the map: where a place's boundary can be walked across. "Wait
//! just outside room 8" means the corridor at room 8's door, not the far side of its wall;
//! the map says where that door is, so no world file has to.

use embodia_world::{Region, V2};

use crate::request::KnownPlace;

/// Boundary sampling step, m.
const STEP_M: f64 = 0.05;
/// How far either side of the boundary must be free for a sample to be an opening, m: the
/// thickness of a wall drawn on the boundary or a little off it, with room to pass.
const ACROSS_M: f64 = 0.45;
/// Narrowest opening a robot is sent through, m.
const MIN_WIDTH_M: f64 = 0.5;
/// Widest opening still called a door; wider ones are open sides of a place, m.
const MAX_WIDTH_M: f64 = 3.0;

/// An opening in a place's boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Door {
    /// The place it opens.
    pub place: String,
    /// Its middle, on the boundary (map frame).
    pub at: V2,
    /// Unit vector pointing out of the place.
    pub outward: V2,
    /// Its width, m.
    pub width: f64,
}

impl Door {
    /// A point `d` metres outside it (inside for negative `d`).
    pub fn beyond(&self, d: f64) -> V2 {
        self.at + self.outward * d
    }
}

/// The doors of `place`: runs of its boundary that are free on both sides (`free` says
/// whether a point of the map can be stood on) and between a narrow door's and a wide
/// archway's width.
pub fn doors_of(place: &KnownPlace, free: &dyn Fn(V2) -> bool) -> Vec<Door> {
    let boundary = boundary_samples(&place.region);
    if boundary.is_empty() {
        return Vec::new();
    }
    let open: Vec<bool> = boundary
        .iter()
        .map(|(p, n)| {
            let k = (ACROSS_M / 0.15).round() as i32;
            (-k..=k).all(|i| free(p + n * (i as f64 * 0.15)))
        })
        .collect();
    // Runs of open samples, joined across the start of a closed boundary.
    let n = boundary.len();
    let Some(start) = (0..n).find(|i| !open[*i]) else {
        return Vec::new(); // open all round: no wall to have a door in
    };
    let mut doors = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    for k in 1..=n {
        let i = (start + k) % n;
        if open[i] {
            run.push(i);
            continue;
        }
        if !run.is_empty() {
            let width = run.len() as f64 * STEP_M;
            if (MIN_WIDTH_M..=MAX_WIDTH_M).contains(&width) {
                let (at, outward) = boundary[run[run.len() / 2]];
                doors.push(Door {
                    place: place.name.clone(),
                    at,
                    outward,
                    width,
                });
            }
            run.clear();
        }
    }
    doors
}

/// Points along the boundary, in order, each with the outward unit normal there.
fn boundary_samples(region: &Region) -> Vec<(V2, V2)> {
    match region {
        Region::Circle(c) => {
            let count = ((std::f64::consts::TAU * c.radius) / STEP_M)
                .ceil()
                .max(8.0) as usize;
            (0..count)
                .map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / count as f64;
                    let n = V2::new(a.cos(), a.sin());
                    (c.center + n * c.radius, n)
                })
                .collect()
        }
        Region::Polygon(poly) => {
            let pts = &poly.points;
            // Counter-clockwise polygons have their outside on the right of each edge.
            let ccw = poly.signed_area() >= 0.0;
            let mut out = Vec::new();
            for i in 0..pts.len() {
                let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                let edge = b - a;
                let len = edge.norm();
                if len < 1e-9 {
                    continue;
                }
                let dir = edge / len;
                let n = if ccw {
                    V2::new(dir.y, -dir.x)
                } else {
                    V2::new(-dir.y, dir.x)
                };
                let steps = (len / STEP_M).floor() as usize;
                out.extend((0..steps).map(|s| (a + dir * (s as f64 * STEP_M), n)));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_world::Polygon;

    fn room() -> KnownPlace {
        KnownPlace {
            name: "room 8".into(),
            aliases: vec![],
            region: Region::Polygon(Polygon {
                points: vec![
                    V2::new(0.0, 0.0),
                    V2::new(4.0, 0.0),
                    V2::new(4.0, 3.0),
                    V2::new(0.0, 3.0),
                ],
            }),
        }
    }

    /// Walls 0.1 m thick on the room's boundary, with a 1 m gap in the south wall at x 2..3,
    /// and open floor everywhere else inside a 10 m square.
    fn map(p: V2) -> bool {
        let inside_world = (-5.0..5.0 + 4.0).contains(&p.x) && (-5.0..8.0).contains(&p.y);
        let on = |v: f64, at: f64| (v - at).abs() <= 0.05;
        let within = |v: f64, lo: f64, hi: f64| v >= lo - 0.05 && v <= hi + 0.05;
        let south = on(p.y, 0.0) && within(p.x, 0.0, 4.0) && !(2.0..=3.0).contains(&p.x);
        let north = on(p.y, 3.0) && within(p.x, 0.0, 4.0);
        let west = on(p.x, 0.0) && within(p.y, 0.0, 3.0);
        let east = on(p.x, 4.0) && within(p.y, 0.0, 3.0);
        inside_world && !(south || north || west || east)
    }

    #[test]
    fn a_gap_in_the_wall_is_the_door_and_outside_is_beyond_it() {
        let doors = doors_of(&room(), &map);
        assert_eq!(doors.len(), 1, "{doors:?}");
        let d = &doors[0];
        assert!((d.at.x - 2.5).abs() < 0.15 && d.at.y.abs() < 1e-9, "{d:?}");
        assert!((d.outward - V2::new(0.0, -1.0)).norm() < 1e-9, "{d:?}");
        assert!((0.8..=1.1).contains(&d.width), "{d:?}");
        // Just outside: in front of the door, not through a wall.
        let out = d.beyond(0.6);
        assert!((out - V2::new(2.5, -0.6)).norm() < 0.15, "{out:?}");
    }

    #[test]
    fn a_place_with_no_walls_round_it_or_only_walls_has_no_door() {
        assert!(doors_of(&room(), &|_| true).is_empty());
        assert!(doors_of(&room(), &|_| false).is_empty());
    }
}
