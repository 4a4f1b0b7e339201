#!/usr/bin/env bash
# The remote planner's tests against a real inference server: llama-cpp-python's
# OpenAI-compatible server serving the planner's GGUF on 127.0.0.1 (the tests start it on a
# free port and kill it). Makes the server's venv first (scripts/llama-server-venv.sh: builds
# llama.cpp, several minutes the first time, cached under $EMBODIA_HOME after). Without python3,
# venv or pip it says so and skips (exit 0), unless EMBODIA_REQUIRE_PEERS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python="$(bash scripts/llama-server-venv.sh)"; then
  echo "scripts/remote-planner-tests.sh: SKIPPED the remote planner's server tests: the llama-cpp-python[server] venv could not be made (see above for the fix)." >&2
  [ "${EMBODIA_REQUIRE_PEERS:-0}" = 1 ] && exit 1
  exit 0
fi
export EMBODIA_LLAMA_SERVER_PYTHON="$python"
# The models and the build come first, outside any namespace.
# The same selection as the main test run (--workspace), so its build is reused, not redone.
cargo test --workspace --locked --no-run
"${CARGO_TARGET_DIR:-target}/debug/embodia" models fetch >/dev/null
# One at a time: each test runs a server and the planner on a shared 2-core budget. Inside a
# fresh network namespace when one can be made (only loopback exists there).
run='cargo test --workspace --locked remote_planner -- --ignored --test-threads=1'
if unshare -n true 2>/dev/null; then
  exec unshare -n sh -c "ip link set lo up && $run"
fi
exec sh -c "$run"
