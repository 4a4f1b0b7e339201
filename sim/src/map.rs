//! Rasterising a world into the `/map` a map server would publish.

use embodia_ros::msg::builtin_interfaces::Time;
use embodia_ros::msg::geometry_msgs::Pose;
use embodia_ros::msg::nav_msgs::{MapMetaData, OccupancyGrid};
use embodia_ros::msg::std_msgs::Header;

use embodia_world::geometry::V2;
use embodia_world::world::World;

/// The occupancy grid of `world`: a cell is occupied (100) when any wall or solid object
/// overlaps its square, free (0) otherwise. Origin at the world's (0, 0), frame `frame_id`.
pub fn rasterise(world: &World, frame_id: &str, stamp: Time) -> OccupancyGrid {
    let res = world.resolution;
    let width = (world.size.x / res).ceil().max(1.0) as usize;
    let height = (world.size.y / res).ceil().max(1.0) as usize;
    let mut data = vec![OccupancyGrid::FREE; width * height];
    let cell_range = |lo: f64, hi: f64, n: usize| {
        let a = ((lo / res).floor().max(0.0) as usize).min(n);
        let b = (((hi / res).ceil()).max(0.0) as usize).min(n);
        a..b
    };
    let mut mark = |min: V2, max: V2, overlaps: &dyn Fn(V2, V2) -> bool| {
        for cy in cell_range(min.y, max.y, height) {
            for cx in cell_range(min.x, max.x, width) {
                let lo = V2::new(cx as f64 * res, cy as f64 * res);
                if overlaps(lo, lo + V2::repeat(res)) {
                    data[cy * width + cx] = OccupancyGrid::OCCUPIED;
                }
            }
        }
    };
    for wall in &world.walls {
        let (min, max) = wall.rect.aabb();
        mark(min, max, &|lo, hi| wall.rect.overlaps_aabb(lo, hi));
    }
    for obj in world.objects.iter().filter(|o| o.solid) {
        let c = obj.circle();
        let r = V2::repeat(c.radius);
        mark(c.center - r, c.center + r, &|lo, hi| {
            c.overlaps_aabb(lo, hi)
        });
    }
    OccupancyGrid {
        header: Header::new(stamp, frame_id),
        info: MapMetaData {
            map_load_time: stamp,
            resolution: res as f32,
            width: width as u32,
            height: height as u32,
            origin: Pose::default(),
        },
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: &str = "name: box\nsize: [2.0, 1.0]\nresolution: 0.1\nwalls:\n  - [1.0, 0.0, 1.0, 0.5]\n\
objects:\n  - {name: post, class: post, at: [0.25, 0.75], size: 0.08}\n  - {name: cup, class: cup, at: [1.75, 0.75], solid: false}\n\
robot: {start: [0.5, 0.3, 0.0], radius: 0.1}\n";

    #[test]
    fn walls_and_solid_objects_are_occupied_and_the_rest_free() {
        let w = World::parse(BOX, "box").unwrap();
        let m = rasterise(&w, "map", Time::default());
        assert_eq!((m.info.width, m.info.height), (20, 10));
        assert_eq!(m.data.len(), 200);
        // The wall x in [0.95, 1.05], y in [-0.05, 0.55] covers columns 9 and 10, rows 0..=5.
        for cy in 0..10 {
            for cx in 0..20 {
                let wall = (cx == 9 || cx == 10) && cy <= 5;
                let post = cx == 2 && cy == 7; // disc of radius 0.04 at (0.25, 0.75)
                let expected = if wall || post { 100 } else { 0 };
                assert_eq!(m.cell(cx, cy), Some(expected), "cell ({cx}, {cy})");
            }
        }
        assert_eq!(m.cell_of(1.01, 0.25), (10, 2));
    }
}
