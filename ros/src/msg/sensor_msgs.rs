//! `sensor_msgs`: laser scans, IMU, battery and images.

use serde::{Deserialize, Serialize};

use super::geometry_msgs::{Quaternion, Vector3};
use super::std_msgs::Header;
use crate::ros_message;

/// `sensor_msgs/msg/LaserScan`: one planar lidar sweep. Readings beyond `range_max` are
/// `+inf` and below `range_min` are `-inf` (REP 117).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LaserScan {
    /// Acquisition time of the first ray and the laser's frame.
    pub header: Header,
    /// Angle of the first ray, rad.
    pub angle_min: f32,
    /// Angle of the last ray, rad.
    pub angle_max: f32,
    /// Angle between rays, rad.
    pub angle_increment: f32,
    /// Time between rays, s.
    pub time_increment: f32,
    /// Time between scans, s.
    pub scan_time: f32,
    /// Smallest valid range, m.
    pub range_min: f32,
    /// Largest valid range, m.
    pub range_max: f32,
    /// Ranges, m, one per ray.
    pub ranges: Vec<f32>,
    /// Intensities, device units; empty when the device has none.
    pub intensities: Vec<f32>,
}
ros_message!(LaserScan, "sensor_msgs/msg/LaserScan");

/// `sensor_msgs/msg/Imu`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Imu {
    /// Stamp and IMU frame.
    pub header: Header,
    /// Orientation estimate.
    pub orientation: Quaternion,
    /// Row-major 3x3 covariance of the orientation; element 0 = -1 means "no orientation".
    pub orientation_covariance: [f64; 9],
    /// Angular velocity, rad/s.
    pub angular_velocity: Vector3,
    /// Row-major 3x3 covariance.
    pub angular_velocity_covariance: [f64; 9],
    /// Linear acceleration, m/s^2.
    pub linear_acceleration: Vector3,
    /// Row-major 3x3 covariance.
    pub linear_acceleration_covariance: [f64; 9],
}
ros_message!(Imu, "sensor_msgs/msg/Imu");

/// `sensor_msgs/msg/BatteryState`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatteryState {
    /// Stamp and frame.
    pub header: Header,
    /// Voltage, V.
    pub voltage: f32,
    /// Temperature, degC (NaN if unknown).
    pub temperature: f32,
    /// Current, A; negative when discharging.
    pub current: f32,
    /// Charge, Ah.
    pub charge: f32,
    /// Capacity when full, Ah.
    pub capacity: f32,
    /// Design capacity, Ah.
    pub design_capacity: f32,
    /// Charge fraction, 0..=1.
    pub percentage: f32,
    /// `POWER_SUPPLY_STATUS_*`.
    pub power_supply_status: u8,
    /// `POWER_SUPPLY_HEALTH_*`.
    pub power_supply_health: u8,
    /// `POWER_SUPPLY_TECHNOLOGY_*`.
    pub power_supply_technology: u8,
    /// Whether a battery is present.
    pub present: bool,
    /// Per-cell voltages, V.
    pub cell_voltage: Vec<f32>,
    /// Per-cell temperatures, degC.
    pub cell_temperature: Vec<f32>,
    /// Where the battery is.
    pub location: String,
    /// Serial number.
    pub serial_number: String,
}
ros_message!(BatteryState, "sensor_msgs/msg/BatteryState");

impl BatteryState {
    /// `power_supply_status`: discharging.
    pub const POWER_SUPPLY_STATUS_DISCHARGING: u8 = 2;
    /// `power_supply_health`: good.
    pub const POWER_SUPPLY_HEALTH_GOOD: u8 = 1;
    /// `power_supply_technology`: lithium-ion.
    pub const POWER_SUPPLY_TECHNOLOGY_LION: u8 = 2;
}

/// `sensor_msgs/msg/Image`: an uncompressed image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Stamp and optical frame.
    pub header: Header,
    /// Rows.
    pub height: u32,
    /// Columns.
    pub width: u32,
    /// Pixel encoding, e.g. `rgb8`.
    pub encoding: String,
    /// Non-zero when the data is big-endian.
    pub is_bigendian: u8,
    /// Bytes per row.
    pub step: u32,
    /// Pixel bytes, `step * height` long.
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}
ros_message!(Image, "sensor_msgs/msg/Image");
