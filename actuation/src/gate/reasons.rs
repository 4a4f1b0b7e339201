//! Why the gate changed a command.

use serde::Serialize;

/// One kind of intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A speed above the limit was cut to the limit.
    Clamped,
    /// A change faster than the acceleration limit was smoothed.
    AccelLimited,
    /// Slowed: an obstacle ahead is inside the slow-down zone or near the stopping distance.
    ProximitySlowdown,
    /// Stopped: an obstacle ahead is within the stopping distance.
    ProximityStop,
    /// Slowed or stopped before a keep-out zone.
    Geofence,
    /// Held to a creep (or stopped): the body would enter space the scan did not observe
    /// (outside its field of view, behind NaN beams, within `range_min` of the sensor) before
    /// it could stop.
    Unobserved,
    /// No scan, or the newest is too old.
    StaleScan,
    /// No odometry, or the newest is too old.
    StaleOdometry,
    /// The skill layer sent no fresh command.
    Deadman,
    /// The command had NaN or infinity in it.
    NonFiniteCommand,
    /// An emergency stop is latched.
    EmergencyStop,
    /// A collision is latched.
    Collision,
    /// Odometry disagreed with the commands for too long; latched.
    LossOfControl,
    /// Time went backwards; buffered data was cleared.
    TimeWentBackwards,
    /// The gate itself failed; latched.
    InternalError,
}

impl Reason {
    /// Every reason, in order.
    pub const ALL: [Reason; 15] = [
        Reason::Clamped,
        Reason::AccelLimited,
        Reason::ProximitySlowdown,
        Reason::ProximityStop,
        Reason::Geofence,
        Reason::Unobserved,
        Reason::StaleScan,
        Reason::StaleOdometry,
        Reason::Deadman,
        Reason::NonFiniteCommand,
        Reason::EmergencyStop,
        Reason::Collision,
        Reason::LossOfControl,
        Reason::TimeWentBackwards,
        Reason::InternalError,
    ];

    /// The snake_case name used in JSON and counters.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Clamped => "clamped",
            Reason::AccelLimited => "accel_limited",
            Reason::ProximitySlowdown => "proximity_slowdown",
            Reason::ProximityStop => "proximity_stop",
            Reason::Geofence => "geofence",
            Reason::Unobserved => "unobserved",
            Reason::StaleScan => "stale_scan",
            Reason::StaleOdometry => "stale_odometry",
            Reason::Deadman => "deadman",
            Reason::NonFiniteCommand => "non_finite_command",
            Reason::EmergencyStop => "emergency_stop",
            Reason::Collision => "collision",
            Reason::LossOfControl => "loss_of_control",
            Reason::TimeWentBackwards => "time_went_backwards",
            Reason::InternalError => "internal_error",
        }
    }

    /// Whether this reason latches a stop that only an explicit reset clears.
    pub fn latches(self) -> bool {
        matches!(
            self,
            Reason::EmergencyStop
                | Reason::Collision
                | Reason::LossOfControl
                | Reason::InternalError
        )
    }
}

/// A set of reasons (a bit set: the gate runs at the control rate and must not allocate).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Reasons(u16);

impl Reasons {
    /// Adds a reason.
    pub fn insert(&mut self, r: Reason) {
        self.0 |= 1 << r as u16;
    }

    /// Whether `r` is in the set.
    pub fn contains(self, r: Reason) -> bool {
        self.0 & (1 << r as u16) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The reasons in the set, in order.
    pub fn iter(self) -> impl Iterator<Item = Reason> {
        Reason::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl Serialize for Reasons {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}
