#!/usr/bin/env bash
# Side by side, one run, same GGUF and thread count: embodia's decoder and llama.cpp.
# llama.cpp comes from the venv scripts/llama-server-venv.sh makes under $EMBODIA_HOME on first
# use (a few minutes; the AVX2 build, shared with the remote planner's tests).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-2}"
HOME_DIR="${EMBODIA_HOME:-$HOME/.cache/embodia}"
PYTHON="$(bash scripts/llama-server-venv.sh)"
cargo run --release --quiet -p embodia -- models fetch >/dev/null
GGUF="$HOME_DIR/models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
# Alternating rounds: this VM's speed drifts by 20-30% over minutes, so each round's pair
# ran under the same conditions; compare within a round.
ROUNDS="${ROUNDS:-3}"
cargo bench --quiet -p embodia-llm --bench llm_speed --no-run
for round in $(seq "$ROUNDS"); do
  echo "round $round"
  RAYON_NUM_THREADS="$THREADS" cargo bench --quiet -p embodia-llm --bench llm_speed -- "$GGUF"
  THREADS="$THREADS" "$PYTHON" llm/benches/llama_cpp_peer.py "$GGUF" | tail -1
done
RAYON_NUM_THREADS="$THREADS" cargo bench --quiet -p embodia --bench planner_speed
