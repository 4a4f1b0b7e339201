#!/usr/bin/env bash
# Installs Gazebo's SDF parser (Debian/Ubuntu: libsdformat-dev, sdformat 12) so the tests in
# tests/e2e/sdf_parser.rs can load the generated worlds with it; they skip without it. apt keeps
# its own package cache, so a second run only checks.
set -euo pipefail
if pkg-config --exists sdformat12 2>/dev/null; then
  echo "libsdformat $(pkg-config --modversion sdformat12) is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
pkgs=(libsdformat-dev pkg-config g++)
$SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2 ||
  { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2; }
pkg-config --modversion sdformat12
