//! The worlds under `launch/worlds/` load, are as rich as promised, and every place in them
//! can be reached from the start by the robot's body (no door narrower than the robot).

use std::collections::VecDeque;
use std::path::PathBuf;

use embodia_ros::msg::builtin_interfaces::Time;
use embodia_sim::World;
use embodia_sim::geometry::V2;
use embodia_sim::map::rasterise;

fn worlds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../launch/worlds")
}

fn load(name: &str) -> World {
    World::load(worlds_dir().join(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// Cells whose centre the robot's centre can reach from the start without its disc touching
/// an occupied cell or a keep-out zone.
fn reachable(world: &World) -> (Vec<bool>, usize, f64) {
    let map = rasterise(world, "map", Time::default());
    let (w, h) = (map.info.width as usize, map.info.height as usize);
    let res = world.resolution;
    let r = world.robot.radius;
    let reach = (r / res).ceil() as i64;
    let occupied: Vec<V2> = (0..w * h)
        .filter(|i| map.data[*i] == 100)
        .map(|i| V2::new((i % w) as f64 * res, (i / w) as f64 * res))
        .collect();
    let mut blocked = vec![false; w * h];
    for c in &occupied {
        let (cx, cy) = ((c.x / res) as i64, (c.y / res) as i64);
        for dy in -reach - 1..=reach + 1 {
            for dx in -reach - 1..=reach + 1 {
                let (x, y) = (cx + dx, cy + dy);
                if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
                    continue;
                }
                let centre = V2::new((x as f64 + 0.5) * res, (y as f64 + 0.5) * res);
                // Nearest point of the occupied cell to this centre.
                let near = centre.sup(c).inf(&(c + V2::repeat(res)));
                if (near - centre).norm() < r {
                    blocked[y as usize * w + x as usize] = true;
                }
            }
        }
    }
    for (i, b) in blocked.iter_mut().enumerate() {
        let centre = V2::new(((i % w) as f64 + 0.5) * res, ((i / w) as f64 + 0.5) * res);
        *b |= world.in_keep_out(centre, r);
    }
    let start = ((world.robot.start[1] / res) as usize) * w + (world.robot.start[0] / res) as usize;
    let mut seen = vec![false; w * h];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(i) = queue.pop_front() {
        let (x, y) = ((i % w) as i64, (i / w) as i64);
        for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
            let (nx, ny) = (x + dx, y + dy);
            if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                continue;
            }
            let j = ny as usize * w + nx as usize;
            if !seen[j] && !blocked[j] {
                seen[j] = true;
                queue.push_back(j);
            }
        }
    }
    (seen, w, res)
}

fn assert_every_place_reachable(world: &World) {
    let (seen, w, res) = reachable(world);
    for place in &world.places {
        let any = seen.iter().enumerate().any(|(i, s)| {
            *s && place.region.contains(V2::new(
                ((i % w) as f64 + 0.5) * res,
                ((i / w) as f64 + 0.5) * res,
            ))
        });
        assert!(
            any,
            "{}: place {:?} cannot be reached from the start",
            world.name, place.name
        );
    }
}

#[test]
fn apartment_has_five_rooms_ten_objects_a_keep_out_and_all_reachable() {
    let w = load("apartment.yaml");
    assert!(w.places.len() >= 6, "rooms + hallway");
    assert!(w.objects.len() >= 10);
    assert_eq!(w.keep_out.len(), 1);
    assert_every_place_reachable(&w);
}

#[test]
fn warehouse_has_aisles_eight_objects_and_all_reachable() {
    let w = load("warehouse.yaml");
    assert!(
        w.places
            .iter()
            .filter(|p| p.name.starts_with("aisle"))
            .count()
            >= 3
    );
    assert!(w.objects.len() >= 8);
    assert_every_place_reachable(&w);
}

#[test]
fn test_room_loads_and_all_reachable() {
    assert_every_place_reachable(&load("test_room.yaml"));
}

#[test]
fn every_world_file_shipped_loads() {
    let mut n = 0;
    for entry in std::fs::read_dir(worlds_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            World::load(&path).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 3);
}

#[test]
fn a_wall_across_the_only_door_makes_a_room_unreachable() {
    // The check itself must be able to fail: close the test room's door.
    let text = std::fs::read_to_string(worlds_dir().join("test_room.yaml"))
        .unwrap()
        .replace("  - [3.0, 2.5, 3.0, 4.0]", "  - [3.0, 1.4, 3.0, 4.0]");
    let w = World::parse(&text, "closed.yaml").unwrap();
    let (seen, width, res) = reachable(&w);
    let east = w.place("east room").unwrap();
    assert!(!seen.iter().enumerate().any(|(i, s)| *s
        && east.region.contains(V2::new(
            ((i % width) as f64 + 0.5) * res,
            ((i / width) as f64 + 0.5) * res
        ))));
}

/// Every object a search may look for (not solid) can be approached to within 0.9 m.
fn assert_loose_objects_reachable(world: &World) {
    let (seen, w, res) = reachable(world);
    for o in world.objects.iter().filter(|o| !o.solid) {
        let near = seen.iter().enumerate().any(|(i, s)| {
            *s && (V2::new(((i % w) as f64 + 0.5) * res, ((i / w) as f64 + 0.5) * res) - o.at)
                .norm()
                <= 0.9
        });
        assert!(near, "{}: {:?} cannot be approached", world.name, o.name);
    }
}

/// Objects standing on floor that no place names.
fn on_unnamed_floor(world: &World) -> Vec<&str> {
    world
        .objects
        .iter()
        .filter(|o| !world.places.iter().any(|p| p.region.contains(o.at)))
        .map(|o| o.name.as_str())
        .collect()
}

#[test]
fn office_floor_has_things_on_unnamed_floor_and_all_reachable() {
    let w = load("office_floor.yaml");
    assert_every_place_reachable(&w);
    assert_loose_objects_reachable(&w);
    let unnamed = on_unnamed_floor(&w);
    for name in ["black umbrella", "blue backpack", "key card"] {
        assert!(
            unnamed.contains(&name),
            "{name} should be on unnamed floor: {unnamed:?}"
        );
    }
}

#[test]
fn the_search_scenarios_warehouse_has_things_on_unnamed_floor() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/scenarios/worlds/warehouse-unnamed-floor.yaml");
    let w = World::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_every_place_reachable(&w);
    assert_loose_objects_reachable(&w);
    let unnamed = on_unnamed_floor(&w);
    for name in ["hand scanner", "red toolbox"] {
        assert!(
            unnamed.contains(&name),
            "{name} should be on unnamed floor: {unnamed:?}"
        );
    }
}

/// launch/places.yaml is the apartment's places as a places file (to try `--places` against
/// the simulator): same places, same regions, same keep-out zones.
#[test]
fn the_example_places_file_matches_the_apartment_world() {
    let file = embodia_world::PlacesFile::load(worlds_dir().join("../places.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let world = load("apartment.yaml");
    for p in &world.places {
        let q = file
            .places
            .iter()
            .find(|q| q.name == p.name)
            .unwrap_or_else(|| panic!("{} is missing from launch/places.yaml", p.name));
        assert_eq!(q.region, p.region, "{}", p.name);
    }
    assert_eq!(file.keep_out, world.keep_out);
    let door = file.places.iter().find(|p| p.name == "front door").unwrap();
    assert!(world.clearance(door.region.center()) > world.robot.radius);
}
