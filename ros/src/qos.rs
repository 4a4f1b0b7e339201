//! ROS 2 QoS profiles and the DDS rule for whether an offer meets a request.
//!
//! Mismatches are silent in ROS 2 (a best-effort publisher never reaches a reliable
//! subscriber). Both bus backends apply [`QosProfile::is_compatible_with`] and make a
//! mismatch loud instead: a counted, traced event.

/// Whether lost samples are retransmitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reliability {
    /// Send once; a sample may be lost. Weaker than reliable.
    BestEffort,
    /// Retransmit until acknowledged.
    Reliable,
}

/// Whether late joiners receive samples published before they subscribed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Durability {
    /// Only samples published after the subscription exists. Weaker than transient-local.
    Volatile,
    /// The publisher keeps its last `depth` samples for late joiners (latched topics: `/map`).
    TransientLocal,
}

/// A ROS 2 QoS profile (history is always keep-last here, as in every profile ROS 2 ships).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QosProfile {
    /// Reliability policy.
    pub reliability: Reliability,
    /// Durability policy.
    pub durability: Durability,
    /// Keep-last depth.
    pub depth: usize,
}

impl QosProfile {
    /// `rmw_qos_profile_sensor_data`: best effort, volatile, keep last 5. For sensor streams
    /// where the newest sample matters and a retransmitted old one is useless.
    pub const SENSOR_DATA: Self = Self {
        reliability: Reliability::BestEffort,
        durability: Durability::Volatile,
        depth: 5,
    };

    /// `rmw_qos_profile_default`: reliable, volatile, keep last 10. For commands and events.
    pub const DEFAULT: Self = Self {
        reliability: Reliability::Reliable,
        durability: Durability::Volatile,
        depth: 10,
    };

    /// What `map_server` uses for `/map`: reliable, transient-local, keep last 1.
    pub const MAP: Self = Self {
        reliability: Reliability::Reliable,
        durability: Durability::TransientLocal,
        depth: 1,
    };

    /// The same profile with another depth.
    pub const fn with_depth(mut self, depth: usize) -> Self {
        self.depth = depth;
        self
    }

    /// DDS request/offer matching: an offer (publisher) meets a request (subscription) when it
    /// is at least as reliable and at least as durable.
    pub fn is_compatible_with(&self, requested: &QosProfile) -> bool {
        self.reliability >= requested.reliability && self.durability >= requested.durability
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_effort_offer_never_meets_a_reliable_request() {
        assert!(!QosProfile::SENSOR_DATA.is_compatible_with(&QosProfile::DEFAULT));
        assert!(QosProfile::DEFAULT.is_compatible_with(&QosProfile::SENSOR_DATA));
    }

    #[test]
    fn volatile_offer_never_meets_a_transient_local_request() {
        assert!(!QosProfile::DEFAULT.is_compatible_with(&QosProfile::MAP));
        assert!(QosProfile::MAP.is_compatible_with(&QosProfile::DEFAULT));
        assert!(QosProfile::MAP.is_compatible_with(&QosProfile::SENSOR_DATA));
    }
}
