#!/usr/bin/env bash
# The DDS tests, inside a fresh network namespace: only the loopback interface exists (and is
# brought up here), so no DDS traffic — unicast or multicast — can leave the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! unshare -n true 2>/dev/null; then
  echo "scripts/dds-tests.sh: cannot create a network namespace (needs root or CAP_SYS_ADMIN); DDS tests not run" >&2
  exit 0
fi
# Build (and fetch crates) outside the namespace; inside it there is no network at all.
cargo test --locked -p embodia-ros --test dds_loopback --no-run
cargo test --locked -p embodia --test e2e --no-run
exec unshare -n sh -c 'ip link set lo up \
  && cargo test --locked -p embodia-ros --test dds_loopback -- --ignored \
  && cargo test --locked -p embodia --test e2e -- --ignored dds_nodes'
