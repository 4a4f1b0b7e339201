//! Global planning on the occupancy grid and path following.

pub mod astar;
pub mod costmap;
pub mod follow;

pub use astar::{plan, reachable_from};
pub use costmap::{Cell, Costmap, CostmapConfig, LETHAL as LETHAL_COST};
pub use follow::{FollowConfig, PurePursuit};
