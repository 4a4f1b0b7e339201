//! End-to-end tests: the `embodia` binary as a user runs it. One binary, a module per area.

mod agent_loop;
mod cyclone_interop;
mod dds_nodes;
mod kill_restart;
mod launch_files;
mod llm_planner;
mod memory_cli;
mod recording;
mod run_cli;
mod scenarios;
mod sim_cli;
mod soak;
mod task_action;
mod untrusted_labels;

use std::path::PathBuf;
use std::process::{Command, Output};

/// The workspace root, where `launch/` and `tests/` are.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs `embodia` with `args` from the workspace root.
pub fn embodia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_embodia"))
        .args(args)
        .current_dir(root())
        .env("RUST_LOG", "warn")
        .output()
        .expect("embodia runs")
}

/// Stdout parsed as JSON, failing with stderr shown.
pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "embodia failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}
