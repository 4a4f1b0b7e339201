#!/usr/bin/env bash
# Makes sure Debian's headless-capable Chromium is installed (once; skipped when present) and
# prints its path. The picture tests render eval's index.html and an SVG with it. Installing
# needs root (or password-less sudo); without, this says so and exits 1, and the tests skip.
set -euo pipefail
for name in chromium chromium-browser; do
  if path=$(command -v "$name"); then
    echo "$path"
    exit 0
  fi
done
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "scripts/chromium.sh: chromium is not installed and installing it needs root. Fix: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2; then
  "${as_root[@]}" apt-get update -q >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
fi
command -v chromium
