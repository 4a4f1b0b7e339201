#!/usr/bin/env bash
# Makes (once) the Python venv with Eclipse Cyclone DDS that the interop tests and the DDS
# latency bench use as an independent ROS 2 peer, and prints its interpreter's path.
# Pinned: cyclonedds==11.0.1 (bundles libddsc; no ROS 2 needed).
set -euo pipefail
exec bash "$(dirname "$0")/pip-venv.sh" scripts/cyclonedds-venv.sh \
  venv-cyclonedds "cyclonedds==11.0.1" cyclonedds
