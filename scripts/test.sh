#!/usr/bin/env bash
# Every check CI runs: formatting, lints (warnings are errors) and the whole test suite.
# Needs only a Rust toolchain (1.95); crates come from crates.io, pinned by Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null; then
  echo "scripts/test.sh: cargo not found. Fix: install Rust 1.95 with rustup, then rerun." >&2
  exit 1
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# DDS tests open sockets: they run inside a fresh network namespace (loopback only).
bash scripts/dds-tests.sh
