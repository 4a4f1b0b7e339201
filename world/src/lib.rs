//! What embodia knows of a world before it moves: the world-file format and planar geometry.
//!
//! The simulator builds its physics from a world file; the agent takes only the semantic part
//! of the same file (named places and keep-out zones) — objects it must discover through its
//! detector, and walls it learns from `/map`. Keeping the format here lets both use it
//! without the agent depending on the simulator.

pub mod geometry;
pub mod places;
pub mod sdf;
pub mod world;

pub use geometry::{Circle, Polygon, Rect, V2};
pub use places::PlacesFile;
pub use world::{Object, Place, Region, RobotEntry, RobotSpec, Wall, World, WorldError, innermost};
