//! Global planning on the occupancy grid and path following.

pub mod astar;
pub mod costmap;
pub mod coverage;
pub mod follow;

pub use astar::{plan, reachable_from};
pub use costmap::{Cell, Costmap, CostmapConfig, LETHAL as LETHAL_COST};
pub use coverage::{CoverageConfig, Covered, Floor, Viewpoint};
pub use follow::{FollowConfig, PurePursuit};
