//! Hostile wire input: every message type's decoder is fed mutations of real payloads (the
//! independent encoder's fixtures) — bit flips, byte overwrites, truncations, appended
//! garbage, and length fields blown up to huge values. Decoding must return a value or an
//! error, never panic and never try to allocate what the bytes cannot hold. The counts are
//! printed (`cargo test -p embodia-ros --test wire_fuzz -- --nocapture`).

use std::path::PathBuf;

use embodia_ros::msg::{
    builtin_interfaces, geometry_msgs, nav_msgs, rosgraph_msgs, sensor_msgs, std_msgs, tf2_msgs,
    vision_msgs,
};
use embodia_ros::{Message, cdr};

/// Mutations per message type.
const MUTATIONS: usize = 3000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn fixture<M: Message>() -> Vec<u8> {
    let name = format!("{}.cdr", M::TYPE_NAME.replace("/msg/", "__"));
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cdr")
            .join(name),
    )
    .unwrap()
}

fn mutate(base: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(5) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] = rng.next() as u8;
            }
            2 => {
                let keep = rng.below(b.len() + 1);
                b.truncate(keep);
            }
            3 => {
                for _ in 0..rng.below(64) {
                    b.push(rng.next() as u8);
                }
            }
            _ if b.len() >= 8 => {
                // A 4-byte aligned word (where CDR keeps lengths) set to a huge count.
                let i = 4 + 4 * rng.below((b.len() - 4) / 4);
                let v: u32 = [u32::MAX, 0x7fff_ffff, 1 << 20, 65_536][rng.below(4)];
                b[i..i + 4].copy_from_slice(&v.to_le_bytes());
            }
            _ => {}
        }
    }
    b
}

/// (decoded, refused) for `M` under mutation.
fn fuzz<M: Message>(seed: u64) -> (usize, usize) {
    let base = fixture::<M>();
    let mut rng = Rng(seed | 1);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..MUTATIONS {
        let bytes = mutate(&base, &mut rng);
        match cdr::decode::<M>(&bytes) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
    }
    (ok, err)
}

macro_rules! fuzz_all {
    ($($ty:ty),* $(,)?) => {
        #[test]
        fn every_decoder_survives_mutated_payloads() {
            let mut total = (0, 0);
            let mut seed = 0x9e37_79b9_7f4a_7c15u64;
            $(
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                let (ok, err) = fuzz::<$ty>(seed);
                eprintln!("{:<40} {ok:>5} decoded {err:>5} refused", <$ty>::TYPE_NAME);
                total.0 += ok;
                total.1 += err;
            )*
            eprintln!("all types: {} decoded, {} refused, 0 panics", total.0, total.1);
            assert!(total.1 > 0, "mutations must be refused sometimes, or the fuzzer is not biting");
        }
    };
}

fuzz_all! {
    builtin_interfaces::Time,
    builtin_interfaces::Duration,
    std_msgs::Header,
    std_msgs::String,
    std_msgs::Bool,
    geometry_msgs::Vector3,
    geometry_msgs::Point,
    geometry_msgs::Quaternion,
    geometry_msgs::Pose,
    geometry_msgs::PoseStamped,
    geometry_msgs::PoseWithCovariance,
    geometry_msgs::Twist,
    geometry_msgs::TwistStamped,
    geometry_msgs::TwistWithCovariance,
    geometry_msgs::Transform,
    geometry_msgs::TransformStamped,
    sensor_msgs::LaserScan,
    sensor_msgs::Imu,
    sensor_msgs::BatteryState,
    sensor_msgs::Image,
    nav_msgs::Odometry,
    nav_msgs::MapMetaData,
    nav_msgs::OccupancyGrid,
    rosgraph_msgs::Clock,
    tf2_msgs::TFMessage,
    vision_msgs::ObjectHypothesis,
    vision_msgs::ObjectHypothesisWithPose,
    vision_msgs::BoundingBox3D,
    vision_msgs::Detection3D,
    vision_msgs::Detection3DArray,
}
