#!/usr/bin/env bash
# Makes (once) the Python venv with the independent MCAP reader the recording tests use
# (`mcap-ros2-support`, Foxglove's ROS 2 decoder for MCAP: it parses our ros2msg schemas and
# decodes the CDR itself), and prints its interpreter's path. Keyed by the pinned version, so
# changing the pin makes a new venv. Needs python3 with venv + pip; packages come from whatever
# index pip is configured to use.
set -euo pipefail
home="${EMBODIA_HOME:-$HOME/.cache/embodia}"
version="0.6.0"
venv="$home/venv-mcap-ros2-support-$version"
want="mcap-ros2-support==$version"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mcap_ros2.decoder' 2>/dev/null; then
  if ! command -v python3 >/dev/null; then
    echo "scripts/mcap-venv.sh: python3 not found. Fix: install Python 3 with venv and pip." >&2
    exit 1
  fi
  mkdir -p "$home"
  python3 -m venv "$venv" >&2 || {
    echo "scripts/mcap-venv.sh: could not create $venv. Fix: install python3-venv, or run: python3 -m venv $venv" >&2
    exit 1
  }
  "$venv/bin/pip" install --quiet "$want" >&2 || {
    echo "scripts/mcap-venv.sh: pip could not install $want. Fix: run $venv/bin/pip install $want with network access." >&2
    exit 1
  }
fi
echo "$venv/bin/python"
