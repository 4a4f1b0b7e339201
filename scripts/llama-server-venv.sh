#!/usr/bin/env bash
# Makes (once) the Python venv with llama.cpp's Python binding and its OpenAI-compatible server
# (`llama-cpp-python[server]`), and prints its interpreter's path. The remote-planner tests serve
# the planner's GGUF from it on 127.0.0.1; scripts/bench-llm.sh runs llama.cpp from it as the
# speed peer. Keyed by the pinned version (and the build's CPU flags), so changing either makes
# a new venv. The build compiles llama.cpp: a few minutes the first time, cached after.
#
# AVX2 build, not GGML_NATIVE: a native build crashed in its first decode on a host with
# AVX-512/AMX (design.md section 8); the AVX2 build runs everywhere this project builds.
set -euo pipefail
version="0.3.36"
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_OPENMP=OFF"
# Every core for the one-time build (CI has two).
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
exec bash "$(dirname "$0")/pip-venv.sh" scripts/llama-server-venv.sh \
  "venv-llama-cpp-python-server-$version-avx2" "llama-cpp-python[server]==$version" llama_cpp.server.app
