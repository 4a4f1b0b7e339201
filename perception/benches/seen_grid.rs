//! What recording where the detector looked costs the control tick: one detection message
//! marks its view cone on the seen grid (the simulator's detector: 90 degrees, 4 m; the
//! apartment's map, 12 x 8 m at 0.05 m), with a snapshot holding the grid as the gate's does.
//!
//!     cargo bench -p embodia-perception --bench seen_grid

use std::sync::Arc;
use std::time::Instant;

use embodia_perception::{SeenGrid, ViewCone};
use embodia_ros::msg::nav_msgs::{MapMetaData, OccupancyGrid};
use embodia_world::V2;

fn main() {
    let (w, h) = (240usize, 160usize);
    let map = OccupancyGrid {
        info: MapMetaData {
            resolution: 0.05,
            width: w as u32,
            height: h as u32,
            ..MapMetaData::default()
        },
        data: vec![0; w * h],
        ..OccupancyGrid::default()
    };
    let mut grid = Arc::new(SeenGrid::for_map(&map));
    let n = 2000;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let snapshot = grid.clone();
        let t = Instant::now();
        Arc::make_mut(&mut grid).mark(
            &map,
            V2::new(6.0, 4.0),
            i as f64 * 0.05,
            ViewCone::default(),
            i as i64,
        );
        times.push(t.elapsed().as_secs_f64() * 1e6);
        drop(snapshot);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "mark one detection's cone (90 deg, 4 m, 0.05 m cells), {n} marks: p50 {:.0} us, p99 {:.0} us",
        times[n / 2],
        times[n * 99 / 100]
    );
}
