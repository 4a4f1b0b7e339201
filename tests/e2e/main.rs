//! End-to-end tests: the `embodia` binary as a user runs it. One binary, a module per area.

mod agent_loop;
mod browser;
mod cyclone_interop;
mod dds_fleet;
mod dds_nodes;
mod fleet_memory;
mod interactive;
mod kill_restart;
mod launch_files;
mod live_view;
mod llm_planner;
mod memory_cli;
mod nav2_sim;
mod places;
mod recording;
mod remote_planner;
mod run_cli;
mod scenarios;
mod sdf_parser;
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

/// `embodia sim` as a DDS node on loopback in `domain`, paced in real time for `seconds`,
/// with `extra` options; its JSON report comes on stdout at the end.
pub fn dds_sim(domain: &str, world: &str, seconds: &str, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_embodia"))
        .args([
            "sim",
            "--dds",
            "--dds-loopback",
            "--realtime",
            "--world",
            world,
        ])
        .args(["--duration", seconds])
        .args(extra)
        .env("ROS_DOMAIN_ID", domain)
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("embodia sim runs")
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

/// Each line of `embodia plan`'s stdout as JSON, failing with stderr shown.
pub fn plan_lines(out: &Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "embodia failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
