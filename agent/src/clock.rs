//! Where a wall-clock-paced agent reads the time: the system clock (ROS time), or `/clock`
//! when `use_sim_time` is set, as every ROS 2 node does in simulation.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use embodia_ros::msg::rosgraph_msgs::Clock;
use embodia_ros::{Bus, BusError, Delivery, QosProfile, Subscription};

/// The time source for [`crate::agent::Pacing::WallClock`].
pub fn clock_for<B: Bus>(
    bus: &B,
    use_sim_time: bool,
) -> Result<Arc<dyn Fn() -> i64 + Send + Sync>, BusError> {
    if !use_sim_time {
        return Ok(Arc::new(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as i64)
                .unwrap_or(0)
        }));
    }
    let sub: Subscription<Clock> =
        bus.subscribe("/clock", QosProfile::SENSOR_DATA, Delivery::Latest)?;
    let last = Mutex::new(0i64);
    let sub = Mutex::new(sub);
    Ok(Arc::new(move || {
        let mut t = last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = sub.lock().unwrap_or_else(|p| p.into_inner()).latest() {
            *t = c.clock.as_nanos();
        }
        *t
    }))
}
