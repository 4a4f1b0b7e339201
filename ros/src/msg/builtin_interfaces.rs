//! `builtin_interfaces`: time stamps and durations.

use serde::{Deserialize, Serialize};

use crate::ros_message;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// `builtin_interfaces/msg/Time`: a point in time (ROS time or simulated time).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Time {
    /// Whole seconds.
    pub sec: i32,
    /// Nanoseconds past `sec`, always below 1e9.
    pub nanosec: u32,
}
ros_message!(Time, "builtin_interfaces/msg/Time");

impl Time {
    /// The stamp for a count of nanoseconds since the epoch of the clock in use.
    pub fn from_nanos(nanos: i64) -> Self {
        let sec = nanos.div_euclid(NANOS_PER_SEC);
        let nanosec = nanos.rem_euclid(NANOS_PER_SEC);
        Self {
            sec: sec.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
            nanosec: nanosec as u32,
        }
    }

    /// Nanoseconds since the clock's epoch.
    pub fn as_nanos(&self) -> i64 {
        self.sec as i64 * NANOS_PER_SEC + self.nanosec as i64
    }

    /// Seconds since the clock's epoch, for arithmetic where nanosecond exactness is not needed.
    pub fn as_secs_f64(&self) -> f64 {
        self.sec as f64 + self.nanosec as f64 * 1e-9
    }
}

/// `builtin_interfaces/msg/Duration`: a signed span of time.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Duration {
    /// Whole seconds (negative for negative spans).
    pub sec: i32,
    /// Nanoseconds added to `sec`, always below 1e9.
    pub nanosec: u32,
}
ros_message!(Duration, "builtin_interfaces/msg/Duration");

impl Duration {
    /// The duration of a count of nanoseconds.
    pub fn from_nanos(nanos: i64) -> Self {
        let t = Time::from_nanos(nanos);
        Self {
            sec: t.sec,
            nanosec: t.nanosec,
        }
    }

    /// Total nanoseconds.
    pub fn as_nanos(&self) -> i64 {
        self.sec as i64 * NANOS_PER_SEC + self.nanosec as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_round_trips_through_nanoseconds_including_negative() {
        for n in [
            0,
            1,
            999_999_999,
            1_000_000_000,
            12_345_678_901,
            -1,
            -1_500_000_000,
        ] {
            let t = Time::from_nanos(n);
            assert!(t.nanosec < 1_000_000_000);
            assert_eq!(t.as_nanos(), n);
        }
        assert_eq!(
            Time::from_nanos(-1),
            Time {
                sec: -1,
                nanosec: 999_999_999
            }
        );
    }
}
