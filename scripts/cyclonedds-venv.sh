#!/usr/bin/env bash
# Makes (once) the Python venv with Eclipse Cyclone DDS that the interop tests and the DDS
# latency bench use as an independent ROS 2 peer, and prints its interpreter's path.
# Pinned: cyclonedds==11.0.1 (bundles libddsc; no ROS 2 needed). Needs python3 with venv + pip.
set -euo pipefail
home="${EMBODIA_HOME:-$HOME/.cache/embodia}"
venv="$home/venv-cyclonedds"
want="cyclonedds==11.0.1"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import cyclonedds' 2>/dev/null; then
  if ! command -v python3 >/dev/null; then
    echo "scripts/cyclonedds-venv.sh: python3 not found. Fix: install Python 3 with venv and pip." >&2
    exit 1
  fi
  mkdir -p "$home"
  python3 -m venv "$venv" >&2 || {
    echo "scripts/cyclonedds-venv.sh: could not create $venv. Fix: install python3-venv, or run: python3 -m venv $venv" >&2
    exit 1
  }
  "$venv/bin/pip" install --quiet "$want" >&2 || {
    echo "scripts/cyclonedds-venv.sh: pip could not install $want. Fix: run $venv/bin/pip install $want with network access." >&2
    exit 1
  }
fi
echo "$venv/bin/python"
