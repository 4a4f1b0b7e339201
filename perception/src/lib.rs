//! Perception: sensor topics in, a world state and observations out.
//!
//! [`Perceiver::update`] drains every subscription without blocking and is called from the
//! reactive loop at the control rate, so skills and the safety gate always see the newest
//! pose and scan. What changed (an object seen, a place entered) comes out as
//! [`Observation`]s for the deliberative side to remember. Bad input from the wire (NaN,
//! wrong array lengths, unknown frames, stamps from the future) is dropped and counted, never
//! trusted and never a panic.

pub mod attributes;
pub mod coverage;
pub mod localisation;
pub mod mounts;
pub mod observation;
pub mod perceiver;
pub mod scan;
pub mod semantic_map;
pub mod text;
pub mod world_state;

pub use coverage::{CoverageJob, SeenGrid, ViewCone};
pub use localisation::{Localiser, PoseSource};
pub use observation::{Observation, ObservationKind};
pub use perceiver::{Perceiver, PerceptionConfig, PerceptionError, Topics};
pub use scan::{ScanCoverage, ScanPoints};
pub use semantic_map::SemanticMap;
pub use world_state::{DropCounters, RobotState, TrackedObject, WorldState};
