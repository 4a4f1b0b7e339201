#!/usr/bin/env bash
# Makes (once) the Python venv with the independent MCAP reader the recording tests use
# (`mcap-ros2-support`, Foxglove's ROS 2 decoder for MCAP: it parses our ros2msg schemas and
# decodes the CDR itself), and prints its interpreter's path. Keyed by the pinned version, so
# changing the pin makes a new venv.
set -euo pipefail
version="0.6.0"
exec bash "$(dirname "$0")/pip-venv.sh" scripts/mcap-venv.sh \
  "venv-mcap-ros2-support-$version" "mcap-ros2-support==$version" mcap_ros2.decoder
