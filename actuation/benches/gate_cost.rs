//! The safety gate's cost per command: a real 360-beam scan from the simulator in the
//! apartment, next to the keep-out zone, with commands that exercise clamping, proximity and
//! the geofence. A new scan every other command (the worst case: 10 Hz scans, 20 Hz commands
//! would be every second command).
//!
//!     cargo bench -p embodia-actuation --bench gate_cost

use std::sync::Arc;
use std::time::Instant;

use embodia_actuation::cmd_vel::RecordingSink;
use embodia_actuation::{GateConfig, GateInput, SafetyGate, SkillCommand};
use embodia_perception::{RobotState, ScanPoints};
use embodia_sim::{SimConfig, Simulator, World};

struct NullSink;
impl embodia_actuation::cmd_vel::CmdVelSink for NullSink {
    fn send(&mut self, _: f64, _: f64, _: i64) -> Result<(), embodia_ros::BusError> {
        Ok(())
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../launch/worlds/apartment.yaml"
    );
    let mut world = World::load(path).unwrap();
    // Stand in the laundry room, facing the keep-out zone.
    world.robot.start = [9.3, 5.5, 0.6];
    let keep_out = world.keep_out.clone();
    let mut sim = Simulator::new(Arc::new(world), SimConfig::default()).unwrap();
    let scans: Vec<ScanPoints> = (0..8)
        .map(|_| ScanPoints::from_scan(&sim.scan()).unwrap())
        .collect();
    let _ = RecordingSink::default();
    let mut gate = SafetyGate::new(GateConfig::default(), NullSink).unwrap();
    let n = 200_000;
    let mut times = Vec::with_capacity(n);
    let mut now = 1_000_000_000i64;
    let mut scan = scans[0].clone();
    for i in 0..n {
        now += 50_000_000;
        if i % 2 == 0 {
            scan = scans[(i / 2) % scans.len()].clone();
            scan.stamp_ns = now;
        }
        let robot = RobotState {
            stamp_ns: now,
            x: 9.3,
            y: 5.5,
            theta: 0.6,
            v: 0.2,
            w: 0.0,
        };
        let k = i as f64 * 0.37;
        let cmd = SkillCommand {
            v: 0.6 * k.sin(),
            w: 1.8 * (k * 0.7).cos(),
            stamp_ns: now,
        };
        let input = GateInput {
            now_ns: now,
            command: Some(cmd),
            scan: Some(&scan),
            robot: Some(&robot),
            keep_out: &keep_out,
            estop_requested: false,
        };
        let t = Instant::now();
        std::hint::black_box(gate.drive(std::hint::black_box(&input)));
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "| safety gate, per command ({n} commands, 360-beam scan, keep-out in reach) | p50 | p99 | max |"
    );
    println!("|---|---|---|---|");
    println!(
        "| `SafetyGate::drive` | {:.2} us | {:.2} us | {:.1} us |",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times[times.len() - 1]
    );
}
