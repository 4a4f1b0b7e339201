#!/usr/bin/env bash
# The DDS tests, inside a fresh network namespace: only the loopback interface exists (and is
# brought up here), so no DDS traffic — unicast or multicast — can leave the machine.
# The remote planner's server tests, also #[ignore]d, are scripts/remote-planner-tests.sh's. Building with the same selection as the main
# test run (--workspace) reuses its build instead of compiling everything again.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! unshare -n true 2>/dev/null; then
  echo "scripts/dds-tests.sh: cannot create a network namespace (needs root or CAP_SYS_ADMIN); DDS tests not run" >&2
  exit 0
fi
# Build, and make the Cyclone DDS peer's venv, outside the namespace: inside it there is no
# network at all.
cargo test --workspace --locked --no-run
EMBODIA_CYCLONEDDS_PYTHON="$(bash scripts/cyclonedds-venv.sh)"
export EMBODIA_CYCLONEDDS_PYTHON
exec unshare -n sh -c 'ip link set lo up && cargo test --workspace --locked -- --ignored --skip remote_planner'
