//! Qualified places: "the far end of the corridor", "the left side of the lab", "the corner
//! by the fridge", "the middle of the hall" — a point inside a place's region, chosen from
//! its shape and where the robot stands.
//!
//! The region is sampled on a grid; points closer than [`INSET_M`] to its boundary are left
//! out (walls usually run along it), and the qualifier picks among the rest: the far end is
//! the extreme point along the region's long axis on the side away from the robot, a side is
//! the extreme along a direction (the robot's view of the place, or a compass direction on
//! the map, +y north), a corner the sample nearest a corner of the region's box.

use embodia_world::{Region, V2};

use crate::request::KnownPlace;

/// Points closer than this to a region's boundary are not chosen, m.
pub const INSET_M: f64 = 0.5;
/// Grid step of the samples, m.
const STEP_M: f64 = 0.1;

/// A direction qualifying a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// As seen by the robot looking at the place: its left.
    Left,
    /// Its right.
    Right,
    /// The part farthest from the robot ("the back of the room").
    Far,
    /// The part nearest the robot ("the front", "this end").
    Near,
    /// Map +y.
    North,
    /// Map -y.
    South,
    /// Map +x.
    East,
    /// Map -x.
    West,
}

/// What part of a place is meant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Qualifier {
    /// The end of the long axis away from the robot (or toward it, with `Near`), or a
    /// compass end.
    End(Side),
    /// A side.
    Side(Side),
    /// A corner: the one nearest a point (an object the person named), or by two sides.
    Corner(Option<V2>, Option<(Side, Side)>),
    /// The middle.
    Middle,
    /// The part nearest a point (a thing said with the place).
    Toward(V2),
}

fn bounds(region: &Region) -> (V2, V2) {
    region.bounds()
}

fn boundary_distance(region: &Region, p: V2) -> f64 {
    match region {
        Region::Circle(c) => c.radius - (p - c.center).norm(),
        Region::Polygon(poly) => poly.boundary_distance(p),
    }
}

/// Samples inside the region at least `inset` from its boundary (the inset shrinks for
/// narrow regions so that some samples remain).
fn samples(region: &Region) -> Vec<V2> {
    let (min, max) = bounds(region);
    let mut inset = INSET_M;
    loop {
        let mut out = Vec::new();
        let nx = ((max.x - min.x) / STEP_M).ceil() as usize;
        let ny = ((max.y - min.y) / STEP_M).ceil() as usize;
        for i in 0..=nx {
            for j in 0..=ny {
                let p = V2::new(min.x + i as f64 * STEP_M, min.y + j as f64 * STEP_M);
                if region.contains(p) && boundary_distance(region, p) >= inset {
                    out.push(p);
                }
            }
        }
        if !out.is_empty() || inset < 0.05 {
            return out;
        }
        inset *= 0.5;
    }
}

/// The unit vector of the region's long axis (its box's longer side).
fn long_axis(region: &Region) -> V2 {
    let (min, max) = bounds(region);
    let d = max - min;
    if d.x >= d.y {
        V2::new(1.0, 0.0)
    } else {
        V2::new(0.0, 1.0)
    }
}

fn compass(side: Side) -> Option<V2> {
    match side {
        Side::North => Some(V2::new(0.0, 1.0)),
        Side::South => Some(V2::new(0.0, -1.0)),
        Side::East => Some(V2::new(1.0, 0.0)),
        Side::West => Some(V2::new(-1.0, 0.0)),
        _ => None,
    }
}

/// The direction `side` points in, for a robot at `from` looking at the region.
fn direction(region: &Region, side: Side, from: Option<V2>) -> V2 {
    if let Some(d) = compass(side) {
        return d;
    }
    let center = region.center();
    let view = from
        .map(|f| center - f)
        .filter(|v| v.norm() > 0.3)
        .map(|v| v / v.norm())
        .unwrap_or_else(|| long_axis(region));
    match side {
        Side::Far => view,
        Side::Near => -view,
        Side::Left => V2::new(-view.y, view.x),
        Side::Right => V2::new(view.y, -view.x),
        _ => view,
    }
}

/// Picks the sample that goes farthest along `dir`, preferring (among those within 0.3 m of
/// the extreme) the one closest to the line through the centre along `dir`.
fn extreme(points: &[V2], center: V2, dir: V2) -> Option<V2> {
    let best = points
        .iter()
        .map(|p| (p - center).dot(&dir))
        .fold(f64::NEG_INFINITY, f64::max);
    points
        .iter()
        .filter(|p| (*p - center).dot(&dir) >= best - 0.3)
        .min_by(|a, b| {
            let off = |p: &V2| {
                let r = p - center;
                (r - dir * r.dot(&dir)).norm()
            };
            off(a).total_cmp(&off(b))
        })
        .copied()
}

/// The point of `place` that `qualifier` means, for a robot at `from`.
pub fn point_in(place: &KnownPlace, qualifier: Qualifier, from: Option<V2>) -> Option<V2> {
    let region = &place.region;
    let pts = samples(region);
    let center = region.center();
    match qualifier {
        Qualifier::Middle => pts
            .iter()
            .min_by(|a, b| (*a - center).norm().total_cmp(&(*b - center).norm()))
            .copied(),
        Qualifier::Toward(p) => pts
            .iter()
            .min_by(|a, b| (*a - p).norm().total_cmp(&(*b - p).norm()))
            .copied(),
        Qualifier::End(side) => {
            let dir = match compass(side) {
                Some(d) => d,
                None => {
                    let axis = long_axis(region);
                    let toward = direction(region, Side::Far, from);
                    let sign = if axis.dot(&toward) >= 0.0 { 1.0 } else { -1.0 };
                    let far = axis * sign;
                    if side == Side::Near { -far } else { far }
                }
            };
            extreme(&pts, center, dir)
        }
        Qualifier::Side(side) => extreme(&pts, center, direction(region, side, from)),
        Qualifier::Corner(near, sides) => {
            let (min, max) = bounds(region);
            let corners = [
                V2::new(min.x, min.y),
                V2::new(max.x, min.y),
                V2::new(min.x, max.y),
                V2::new(max.x, max.y),
            ];
            let corner = match (near, sides) {
                (Some(p), _) => corners
                    .iter()
                    .min_by(|a, b| (*a - p).norm().total_cmp(&(*b - p).norm()))
                    .copied()?,
                (None, Some((a, b))) => {
                    let d = direction(region, a, from) + direction(region, b, from);
                    corners
                        .iter()
                        .max_by(|x, y| (*x - center).dot(&d).total_cmp(&(*y - center).dot(&d)))
                        .copied()?
                }
                (None, None) => {
                    // "the corner": the one farthest from the robot.
                    let f = from.unwrap_or(center);
                    corners
                        .iter()
                        .max_by(|a, b| (*a - f).norm().total_cmp(&(*b - f).norm()))
                        .copied()?
                }
            };
            let nearest = |q: V2| {
                pts.iter()
                    .min_by(|a, b| (*a - q).norm().total_cmp(&(*b - q).norm()))
                    .copied()
            };
            let in_corner = nearest(corner)?;
            match near {
                // "The corner by the sofa": standing beside the thing, on the side between
                // the room and the corner (on the room's side when the thing is in line
                // with the corner, as it is when it fills it).
                // A thing outside the place only says which corner.
                Some(p) if region.contains(p) => {
                    let unit = |v: V2| (v.norm() > 1e-6).then(|| v / v.norm());
                    let Some(inward) = unit(center - p) else {
                        return Some(in_corner);
                    };
                    let to_corner = in_corner - p;
                    let both = inward + unit(to_corner).unwrap_or(inward);
                    let dir = if both.norm() >= 0.5 {
                        both / both.norm()
                    } else if to_corner.norm() <= FILLS_CORNER_M {
                        // In line with the corner and filling it: on the room's side.
                        inward
                    } else {
                        // In line but out in the room: between it and the corner.
                        to_corner / to_corner.norm()
                    };
                    nearest(p + dir * BESIDE_M)
                }
                _ => Some(in_corner),
            }
        }
    }
}

/// How far from a thing one stands beside it, m (its half width, the robot's, a gap).
const BESIDE_M: f64 = 0.8;
/// A thing this close to a corner's standing spot fills the corner, m: one stands on the
/// room's side of it, not behind it.
const FILLS_CORNER_M: f64 = 1.5;

/// How far outside a door "just outside" is, m.
const OUTSIDE_DOOR_M: f64 = 0.7;

/// A point just outside a place: in front of its door nearest `from` when the map shows
/// doors; else 0.5 to 1 m beyond its boundary on the side nearest `from` — "the corridor
/// right outside exam room 2" when the corridor has no name.
pub fn point_outside(place: &KnownPlace, doors: &[super::Door], from: Option<V2>) -> Option<V2> {
    let toward = from.unwrap_or_else(|| place.region.center());
    let by_door = doors
        .iter()
        .filter(|d| d.place == place.name)
        .map(|d| d.beyond(OUTSIDE_DOOR_M))
        .min_by(|a, b| (a - toward).norm().total_cmp(&(b - toward).norm()));
    if by_door.is_some() {
        return by_door;
    }
    let (min, max) = bounds(&place.region);
    let (lo, hi) = (min - V2::repeat(1.0), max + V2::repeat(1.0));
    let mut best: Option<(V2, f64)> = None;
    let n = 60;
    for i in 0..=n {
        for j in 0..=n {
            let p = V2::new(
                lo.x + (hi.x - lo.x) * i as f64 / n as f64,
                lo.y + (hi.y - lo.y) * j as f64 / n as f64,
            );
            if place.region.contains(p) {
                continue;
            }
            let d = -boundary_distance(&place.region, p);
            let outside = match &place.region {
                Region::Polygon(poly) => poly.boundary_distance(p),
                Region::Circle(_) => d,
            };
            if !(0.5..=1.0).contains(&outside) {
                continue;
            }
            let cost = (p - toward).norm();
            if best.is_none_or(|b| cost < b.1) {
                best = Some((p, cost));
            }
        }
    }
    best.map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use embodia_world::Polygon;

    fn corridor() -> KnownPlace {
        // 12 m long east-west, 1.2 m wide.
        KnownPlace {
            name: "hallway".into(),
            aliases: vec![],
            region: Region::Polygon(Polygon {
                points: vec![
                    V2::new(0.0, 3.4),
                    V2::new(12.0, 3.4),
                    V2::new(12.0, 4.6),
                    V2::new(0.0, 4.6),
                ],
            }),
        }
    }

    fn room() -> KnownPlace {
        KnownPlace {
            name: "lab".into(),
            aliases: vec![],
            region: Region::Polygon(Polygon {
                points: vec![
                    V2::new(0.0, 0.0),
                    V2::new(6.0, 0.0),
                    V2::new(6.0, 4.0),
                    V2::new(0.0, 4.0),
                ],
            }),
        }
    }

    #[test]
    fn the_far_end_of_a_corridor_is_the_end_away_from_the_robot() {
        let far = point_in(
            &corridor(),
            Qualifier::End(Side::Far),
            Some(V2::new(1.0, 4.0)),
        )
        .unwrap();
        assert!(far.x > 11.0 && (far.y - 4.0).abs() < 0.15, "{far:?}");
        let far = point_in(
            &corridor(),
            Qualifier::End(Side::Far),
            Some(V2::new(11.0, 2.0)),
        )
        .unwrap();
        assert!(far.x < 1.0, "{far:?}");
        let near = point_in(
            &corridor(),
            Qualifier::End(Side::Near),
            Some(V2::new(11.0, 2.0)),
        )
        .unwrap();
        assert!(near.x > 11.0, "{near:?}");
        let east = point_in(&corridor(), Qualifier::End(Side::East), None).unwrap();
        assert!(east.x > 11.0, "{east:?}");
    }

    #[test]
    fn chosen_points_keep_clear_of_the_walls() {
        for q in [
            Qualifier::End(Side::Far),
            Qualifier::Side(Side::Left),
            Qualifier::Corner(None, None),
            Qualifier::Middle,
        ] {
            let p = point_in(&room(), q, Some(V2::new(3.0, -2.0))).unwrap();
            let r = room().region;
            assert!(boundary_distance(&r, p) >= INSET_M - 1e-9, "{q:?} {p:?}");
        }
        // A corridor narrower than two insets still gets a point on its centre line.
        let p = point_in(&corridor(), Qualifier::Middle, None).unwrap();
        assert!(
            (p.y - 4.0).abs() < 0.11 && (p.x - 6.0).abs() < 0.11,
            "{p:?}"
        );
    }

    #[test]
    fn sides_are_as_the_robot_sees_the_place_or_by_the_compass() {
        // Robot south of the room looking north: its left is west.
        let from = Some(V2::new(3.0, -2.0));
        let left = point_in(&room(), Qualifier::Side(Side::Left), from).unwrap();
        assert!(left.x < 1.0, "{left:?}");
        let right = point_in(&room(), Qualifier::Side(Side::Right), from).unwrap();
        assert!(right.x > 5.0, "{right:?}");
        let back = point_in(&room(), Qualifier::Side(Side::Far), from).unwrap();
        assert!(back.y > 3.0, "{back:?}");
        let north = point_in(&room(), Qualifier::Side(Side::North), None).unwrap();
        assert!(north.y > 3.0, "{north:?}");
    }

    #[test]
    fn a_corner_by_a_thing_is_the_corner_nearest_it() {
        let c = point_in(
            &room(),
            Qualifier::Corner(Some(V2::new(5.8, 3.9)), None),
            None,
        )
        .unwrap();
        assert!(c.x > 5.0 && c.y > 3.0, "{c:?}");
        // A bench a metre and more out of the corner: the spot is beside it, on the room's
        // side, not squeezed into the corner behind it.
        let bench = V2::new(4.8, 0.9);
        let c = point_in(&room(), Qualifier::Corner(Some(bench), None), None).unwrap();
        assert!((c - bench).norm() < 1.0, "{c:?}");
        assert!((c - V2::new(5.5, 0.5)).norm() > 0.4, "{c:?}");
        assert!(c.x > 3.0 && c.y < 2.0, "{c:?}");
        // A tall lamp off the diagonal: beside it, between the room and the corner.
        let lamp = V2::new(5.5, 1.2);
        let c = point_in(&room(), Qualifier::Corner(Some(lamp), None), None).unwrap();
        assert!((c - lamp).norm() < 1.0 && c.x < 5.3 && c.y < 1.0, "{c:?}");
        // A table in line with the corner, two metres out: between it and the corner.
        let table = V2::new(3.7, 2.3);
        let c = point_in(&room(), Qualifier::Corner(Some(table), None), None).unwrap();
        assert!(c.x > table.x && c.y > table.y, "{c:?}");
        // A thing outside the room says only which corner.
        let c = point_in(
            &room(),
            Qualifier::Corner(Some(V2::new(7.0, 5.0)), None),
            None,
        )
        .unwrap();
        assert!((c - V2::new(5.5, 3.5)).norm() < 0.3, "{c:?}");
        let c = point_in(
            &room(),
            Qualifier::Corner(None, Some((Side::South, Side::West))),
            None,
        )
        .unwrap();
        assert!(c.x < 1.0 && c.y < 1.0, "{c:?}");
    }
}
