use embodia_ros::msg::geometry_msgs::Pose;
use embodia_ros::msg::nav_msgs::{MapMetaData, OccupancyGrid};

use super::*;
use crate::nav::CostmapConfig;

const RES: f64 = 0.1;

/// A 12 x 6 m map: outer walls, a wall at x = 6 with a 1 m door at y = 2.5..3.5 (room A on the
/// left, room B on the right), and a sealed 1 x 1 m closet in room A's top-left corner.
fn two_rooms() -> OccupancyGrid {
    let (w, h) = (120usize, 60usize);
    let mut data = vec![0i8; w * h];
    let mut wall = |x0: usize, y0: usize, x1: usize, y1: usize| {
        for y in y0..=y1 {
            for x in x0..=x1 {
                data[y * w + x] = 100;
            }
        }
    };
    wall(0, 0, 119, 0);
    wall(0, 59, 119, 59);
    wall(0, 0, 0, 59);
    wall(119, 0, 119, 59);
    wall(60, 0, 60, 24);
    wall(60, 35, 60, 59);
    // The closet: walls at x = 1.0 and y = 5.0 closing the corner.
    wall(10, 49, 10, 59);
    wall(0, 49, 10, 49);
    OccupancyGrid {
        info: MapMetaData {
            resolution: RES as f32,
            width: w as u32,
            height: h as u32,
            origin: Pose::default(),
            ..MapMetaData::default()
        },
        data,
        ..OccupancyGrid::default()
    }
}

fn floor_of(map: &OccupancyGrid, keep_out: &[Polygon], robot: V2) -> Floor {
    let cfg = CostmapConfig::default();
    let cm = Costmap::new(map, keep_out, &cfg);
    Floor::new(
        map,
        &cm,
        keep_out,
        robot,
        cfg.robot_radius + cfg.lethal_margin,
    )
    .unwrap()
}

fn costmap_of(map: &OccupancyGrid) -> Costmap {
    Costmap::new(map, &[], &CostmapConfig::default())
}

fn room_a_seen(x: usize, _y: usize) -> bool {
    x < 60
}

#[test]
fn the_floor_is_the_free_space_the_body_can_reach_without_sealed_rooms_or_keep_out() {
    let map = two_rooms();
    // Free cells inside the outer walls: 118 x 58, less the door wall's 48 cells, the
    // closet's 19 wall cells and its 81 inside.
    let free_outside_closet = (118.0 * 58.0 - 48.0 - 19.0 - 81.0) * RES * RES;
    let floor = floor_of(&map, &[], V2::new(2.0, 2.0));
    let area = floor.area_m2();
    // Everything free outside the sealed closet: its body reaches to the walls.
    assert!(area <= free_outside_closet + 1e-3, "floor {area} m²");
    assert!(area > 0.98 * free_outside_closet, "floor {area} m²");
    assert!(!floor.is_floor(V2::new(0.5, 5.5)), "inside the closet");
    assert!(
        floor.is_floor(V2::new(0.15, 2.0)),
        "the strip along a wall the body covers"
    );
    assert!(
        floor.is_floor(V2::new(9.0, 3.0)),
        "the other room, through the door"
    );
    let zone = Polygon {
        points: vec![
            V2::new(8.0, 1.0),
            V2::new(10.0, 1.0),
            V2::new(10.0, 2.0),
            V2::new(8.0, 2.0),
        ],
    };
    let fenced = floor_of(&map, &[zone], V2::new(2.0, 2.0));
    assert!(
        !fenced.is_floor(V2::new(9.0, 1.5)),
        "inside a keep-out zone"
    );
    assert!((area - fenced.area_m2() - 2.0).abs() < 0.3);
}

#[test]
fn with_one_room_seen_the_next_view_is_in_the_other_room() {
    let map = two_rooms();
    let robot = V2::new(2.0, 3.0);
    let floor = floor_of(&map, &[], robot);
    let covered = floor.covered(room_a_seen);
    assert!(
        covered.fraction > 0.4 && covered.fraction < 0.6,
        "{}",
        covered.fraction
    );
    let v = floor
        .next_viewpoint(
            &costmap_of(&map),
            robot,
            &covered,
            4.0,
            &[],
            &CoverageConfig::default(),
        )
        .expect("room B is unseen");
    assert!(v.at.x > 6.0, "chose {:?}", v.at);
    assert!(v.gain_m2 > 5.0, "gain {}", v.gain_m2);
    assert!(
        (floor.path_to(v.at) - v.path_m).abs() < 1e-9,
        "the floor was made where the robot stands"
    );
}

#[test]
fn nothing_left_to_see_means_no_viewpoint() {
    let map = two_rooms();
    let robot = V2::new(2.0, 3.0);
    let floor = floor_of(&map, &[], robot);
    let covered = floor.covered(|_, _| true);
    assert_eq!(covered.fraction, 1.0);
    assert!(
        floor
            .next_viewpoint(
                &costmap_of(&map),
                robot,
                &covered,
                4.0,
                &[],
                &CoverageConfig::default()
            )
            .is_none()
    );
    // Unseen floor smaller than the smallest gain worth a stop is not worth one either.
    let covered = floor.covered(|x, y| !(x == 100 && y == 30));
    assert!(
        floor
            .next_viewpoint(
                &costmap_of(&map),
                robot,
                &covered,
                4.0,
                &[],
                &CoverageConfig::default()
            )
            .is_none()
    );
}

#[test]
fn equal_gains_go_to_the_nearer_one_first() {
    let map = two_rooms();
    let robot = V2::new(5.0, 3.0);
    let floor = floor_of(&map, &[], robot);
    // Unseen: a 1 x 1 m patch near (3, 1) and one near (11, 5), far along the path.
    let covered = floor.covered(|x, y| {
        let near = (25..35).contains(&x) && (5..15).contains(&y);
        let far = (105..115).contains(&x) && (45..55).contains(&y);
        !(near || far)
    });
    let v = floor
        .next_viewpoint(
            &costmap_of(&map),
            robot,
            &covered,
            4.0,
            &[],
            &CoverageConfig::default(),
        )
        .unwrap();
    assert!((v.at - V2::new(3.0, 1.0)).norm() < 4.0, "chose {:?}", v.at);
    // Avoiding the places near that patch sends it to the far one.
    let mut avoid = Vec::new();
    for y in 0..12 {
        for x in 0..16 {
            avoid.push(V2::new(x as f64 * 0.4, y as f64 * 0.4));
        }
    }
    let v = floor
        .next_viewpoint(
            &costmap_of(&map),
            robot,
            &covered,
            4.0,
            &avoid,
            &CoverageConfig::default(),
        )
        .unwrap();
    assert!(v.at.x > 6.0, "chose {:?}", v.at);
}

#[test]
fn walls_hide_floor_from_a_viewpoint() {
    let map = two_rooms();
    let robot = V2::new(2.0, 3.0);
    let floor = floor_of(&map, &[], robot);
    let covered = floor.covered(|_, _| false);
    let mut tracer = Tracer::new(120 * 60);
    let i = floor.index(V2::new(5.8, 1.5)).unwrap();
    let (_, through_wall) = tracer.visible_unseen(&floor, &covered, i, 1.0);
    let j = floor.index(V2::new(3.0, 3.0)).unwrap();
    let (_, open) = tracer.visible_unseen(&floor, &covered, j, 1.0);
    // A 1 m circle is about 314 cells (the cells its rim touches, up to 1.07 m: 360); 0.2 m
    // from the wall, the 1.17 m² of it beyond the wall is hidden.
    assert!(open > 290, "{open}");
    assert!(
        open <= 380,
        "cells touched reach at most half a diagonal past the range: {open}"
    );
    assert!(through_wall < 240, "{through_wall}");
}

#[test]
fn the_bound_never_hides_the_best_viewpoint() {
    // The pruned search returns the same choice as tracing every candidate.
    let map = two_rooms();
    for (robot, seen_until) in [
        (V2::new(2.0, 3.0), 30usize),
        (V2::new(9.0, 2.0), 90),
        (V2::new(5.0, 5.0), 10),
    ] {
        let floor = floor_of(&map, &[], robot);
        let covered = floor.covered(|x, y| x < seen_until && y < 40);
        let cm = costmap_of(&map);
        let pruned =
            floor.next_viewpoint(&cm, robot, &covered, 3.0, &[], &CoverageConfig::default());
        let all = floor.next_viewpoint(
            &cm,
            robot,
            &covered,
            3.0,
            &[],
            &CoverageConfig {
                max_traced: usize::MAX,
                ..CoverageConfig::default()
            },
        );
        let score = |v: &Viewpoint| v.gain_m2 / (v.path_m + CoverageConfig::default().stop_cost_m);
        let (p, a) = (pruned.unwrap(), all.unwrap());
        assert!((score(&p) - score(&a)).abs() < 1e-9, "{p:?} vs {a:?}");
    }
}

#[test]
fn a_map_of_another_size_than_the_costmap_is_refused() {
    let map = two_rooms();
    let cm = Costmap::new(&map, &[], &CostmapConfig::default());
    let mut other = map.clone();
    other.info.width = 60;
    other.data.truncate(60 * 60);
    assert!(Floor::new(&other, &cm, &[], V2::new(2.0, 2.0), 0.26).is_none());
}

#[test]
fn path_lengths_are_octile_distances_in_open_space_at_fine_resolution() {
    let (w, h) = (80usize, 80usize);
    let mut data = vec![0i8; w * h];
    for i in 0..w {
        data[i] = 100;
        data[(h - 1) * w + i] = 100;
        data[i * w] = 100;
        data[i * w + w - 1] = 100;
    }
    let map = OccupancyGrid {
        info: MapMetaData {
            resolution: 0.05,
            width: w as u32,
            height: h as u32,
            origin: Pose::default(),
            ..MapMetaData::default()
        },
        data,
        ..OccupancyGrid::default()
    };
    let floor = floor_of(&map, &[], V2::new(1.025, 1.025));
    assert!((floor.path_to(V2::new(3.025, 1.025)) - 2.0).abs() < 1e-6);
    let diag = floor.path_to(V2::new(3.025, 3.025));
    assert!(
        (diag - 2.0 * std::f64::consts::SQRT_2).abs() < 1e-6,
        "{diag}"
    );
    // The floor reaches the walls' faces all round (78 x 78 cells), but not quite into the
    // corners, where a round body cannot bring its edge.
    let full = 78.0 * 78.0 * 0.05 * 0.05;
    assert!(
        floor.area_m2() <= full + 1e-3 && floor.area_m2() > 0.99 * full,
        "{}",
        floor.area_m2()
    );
}

#[test]
fn weighted_floor_is_looked_at_first_but_coverage_is_not_weighted() {
    let map = two_rooms();
    let robot = V2::new(5.0, 3.0);
    let floor = floor_of(&map, &[], robot);
    // The same two unseen patches as above; the far one is where the thing usually is.
    let unseen = |x: usize, y: usize| {
        ((25..35).contains(&x) && (5..15).contains(&y))
            || ((105..115).contains(&x) && (45..55).contains(&y))
    };
    let weights: Vec<f32> = floor
        .cell_centers()
        .map(|c| if c.x > 6.0 { 4.0 } else { 1.0 })
        .collect();
    let plain = floor.covered(|x, y| !unseen(x, y));
    let weighted = floor.covered_weighted(|x, y| !unseen(x, y), Some(&weights));
    assert_eq!(plain.fraction, weighted.fraction);
    let cm = costmap_of(&map);
    let cfg = CoverageConfig::default();
    let near = floor
        .next_viewpoint(&cm, robot, &plain, 4.0, &[], &cfg)
        .unwrap();
    let likely = floor
        .next_viewpoint(&cm, robot, &weighted, 4.0, &[], &cfg)
        .unwrap();
    assert!(near.at.x < 6.0, "{:?}", near.at);
    assert!(likely.at.x > 6.0, "{:?}", likely.at);
    // Gains are reported in square metres of floor, not weight.
    assert!(likely.gain_m2 <= 1.0 + 1e-9, "{}", likely.gain_m2);
}

#[test]
fn starting_against_a_wall_does_not_join_a_sealed_room_to_the_floor() {
    // Start inside the lethal band beside the closet's wall: the path may leave the band but
    // not run along wall bands into the closet.
    let map = two_rooms();
    let floor = floor_of(&map, &[], V2::new(1.2, 4.7));
    assert!(
        !floor.is_floor(V2::new(0.5, 5.5)),
        "inside the sealed closet"
    );
    assert!(floor.is_floor(V2::new(3.0, 3.0)));
    assert!(floor.path_to(V2::new(0.5, 5.5)).is_infinite());
}

#[test]
fn a_floor_nobody_can_reach_counts_as_nothing_covered() {
    let map = two_rooms();
    // The robot's centre inside a wall (a localisation far off): no floor at all.
    let floor = floor_of(&map, &[], V2::new(6.05, 1.0));
    assert_eq!(floor.area_m2(), 0.0);
    assert_eq!(floor.covered(|_, _| true).fraction, 0.0);
}

#[test]
fn maps_whose_origin_is_not_zero_place_the_floor_in_the_world() {
    let mut map = two_rooms();
    map.info.origin.position.x = -3.0;
    map.info.origin.position.y = 2.0;
    let floor = floor_of(&map, &[], V2::new(-1.0, 5.0));
    // Room B's middle, shifted with the origin.
    assert!(floor.is_floor(V2::new(6.0, 5.0)));
    assert!(
        !floor.is_floor(V2::new(9.5, 3.0)),
        "beyond the map's east edge (x > 9)"
    );
    let covered = floor.covered(|x, _| x < 60);
    let v = floor
        .next_viewpoint(
            &costmap_of(&map),
            V2::new(-1.0, 5.0),
            &covered,
            4.0,
            &[],
            &CoverageConfig::default(),
        )
        .unwrap();
    assert!(
        v.at.x > 3.0 && v.at.x < 9.0 && v.at.y > 2.0 && v.at.y < 8.0,
        "{:?}",
        v.at
    );
}
