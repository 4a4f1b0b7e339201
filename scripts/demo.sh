#!/usr/bin/env bash
# The main job: embodia's built-in simulator in the apartment world.
# Needs only a Rust toolchain (1.95); crates come from crates.io, pinned by Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
  echo "scripts/demo.sh: cargo not found. Fix: install Rust 1.95 with rustup, then rerun." >&2
  exit 1
fi
cargo build --release --locked -p embodia
exec target/release/embodia sim --world launch/worlds/apartment.yaml --teleop 0.3,0.25 --duration 60 "$@"
