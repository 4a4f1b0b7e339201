//! Recordings of runs as MCAP files, and their replay.
//!
//! A run is recorded as the ROS 2 topics the agent reads and writes (CDR bytes with `ros2msg`
//! schemas, what Foxglove, rosbag2 and the PyPI readers open) plus the agent's own decisions
//! and its clock on JSON channels under `/embodia/`. Because runs are lockstepped and seeded,
//! feeding the recorded inputs and ticks to a fresh agent must reproduce every recorded output
//! byte for byte: that is what [`replay`] checks, which makes a recording a regression test.
//!
//! Files are chunked (256 KiB) and zstd-compressed, and the current chunk is closed at least
//! every [`writer::FLUSH_EVERY_NS`] of simulated time, so a process killed mid-run loses at most
//! that much: everything up to the last complete chunk stays readable.

pub mod feed;
pub mod meta;
pub mod read;
pub mod recorder;
#[cfg(feature = "sim")]
pub mod replay;
pub mod topics;
pub mod writer;

use std::path::PathBuf;

use thiserror::Error;

pub use meta::RecordingMeta;
pub use recorder::Recorder;
pub use writer::McapSink;

/// JSON channels of the agent's decisions and clock.
pub mod channels {
    /// A control tick at `t_ns` (the clock replay feeds).
    pub const TICK: &str = "/embodia/tick";
    /// A task handed to the agent.
    pub const TASK: &str = "/embodia/task";
    /// A new plan for the current task (from the status topic).
    pub const PLAN: &str = "/embodia/plan";
    /// A step started, or the task's state changed (from the status topic).
    pub const STEP: &str = "/embodia/step";
    /// A task ended: its report, wall-clock timings left out.
    pub const REPORT: &str = "/embodia/report";
    /// What the grounding made of a task, each time it was planned: clauses, the referents
    /// resolved (as steps) with their scores.
    pub const GROUNDING: &str = "/embodia/grounding";
    /// A write to the memory: what was stored, where and when, and whether the store took it.
    pub const MEMORY: &str = "/embodia/memory";

    /// The channels of what the agent decided (replay compares them; the tick and task
    /// channels are what it was given).
    pub const DECISIONS: [&str; 5] = [PLAN, STEP, REPORT, GROUNDING, MEMORY];
}

/// Why a recording could not be written or read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RecordingError {
    /// The file could not be created, written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The MCAP library refused.
    #[error("{path}: MCAP: {source}")]
    Mcap {
        /// The file.
        path: PathBuf,
        /// What the library said.
        #[source]
        source: mcap::McapError,
    },
    /// A topic could not be tapped or fed.
    #[error("cannot record {topic}: {source}")]
    Topic {
        /// The topic.
        topic: String,
        /// What the bus said.
        #[source]
        source: embodia_ros::BusError,
    },
    /// The file is MCAP but not an embodia recording this version can use.
    #[error("{path}: {problem}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
}
