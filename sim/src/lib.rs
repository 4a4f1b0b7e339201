//! A headless 2D simulator of a differential-drive robot that, on the bus, is
//! indistinguishable from a Gazebo robot behind `ros_gz_bridge`.
//!
//! It subscribes `/cmd_vel` and publishes `/odom`, `/scan`, `/tf`, `/tf_static`, `/clock`,
//! `/map`, `/detections` and `/battery_state` with ROS 2 types and QoS. Time is simulated and
//! advances in fixed steps: as fast as the CPU allows (lockstep) or paced to the wall clock.
//! Everything random comes from one seeded generator, so a seed fixes the trajectory bit for
//! bit. The split: [`Simulator`] is the state and physics with no I/O; [`SimNode`] puts it on
//! a [`embodia_ros::Bus`]; [`Nav2Sim`] plays Nav2's `navigate_to_pose` beside it.

pub mod battery;
pub mod camera;
pub mod diff_drive;
pub mod lidar;
pub mod map;
pub mod nav2;
pub mod node;
pub mod scene;
pub mod simulator;

pub use diff_drive::Pose2;
pub use embodia_world::{World, WorldError, geometry, world};
pub use nav2::{Nav2Config, Nav2Sim, Nav2Stats};
pub use node::{Lockstep, Pacer, RealTime, SimNode};
pub use simulator::{SimConfig, SimError, SimStats, Simulator};
