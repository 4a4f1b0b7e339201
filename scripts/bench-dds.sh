#!/usr/bin/env bash
# Scan-in -> cmd-out latency over DDS on loopback, side by side in one run:
#   embodia   the agent (release build, --dds-loopback) navigating; a Cyclone DDS peer publishes
#             a 360-beam scan and times the first /cmd_vel (TwistStamped) stamped at or after it
#   cyclone   the same peer against a Cyclone DDS Python node that answers each scan at once
#             (Python-to-Python echo: the transport plus Python, no planning or safety work)
# Runs inside a fresh network namespace (loopback only) when it can make one. SAMPLES per side.
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLES="${SAMPLES:-1000}"
cargo build --release --quiet -p embodia
PY="$(bash scripts/cyclonedds-venv.sh)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cat > "$out/run.sh" <<INNER
set -euo pipefail
ip link set lo up 2>/dev/null || true
export RUST_LOG=error
ROS_DOMAIN_ID=51 target/release/embodia agent --dds-loopback --no-memory \
  --world launch/worlds/test_room.yaml --ros-args -p stamped_cmd_vel:=true >/dev/null &
agent=\$!
ROS_DOMAIN_ID=51 "$PY" tests/interop/cyclone_peer.py latency --samples $SAMPLES --seconds 300 > "$out/embodia.json"
kill \$agent; wait \$agent 2>/dev/null || true
ROS_DOMAIN_ID=52 "$PY" tests/interop/cyclone_peer.py echo --seconds 300 >/dev/null &
echo=\$!
ROS_DOMAIN_ID=52 "$PY" tests/interop/cyclone_peer.py latency --samples $SAMPLES --seconds 300 > "$out/cyclone.json"
kill \$echo; wait \$echo 2>/dev/null || true
INNER
if unshare -n true 2>/dev/null; then
  unshare -n bash "$out/run.sh"
else
  echo "bench-dds.sh: no network namespace here; both sides still bind to 127.0.0.1 only" >&2
  bash "$out/run.sh"
fi
"$PY" - "$out" <<'PY'
import json, sys
print("| scan -> cmd over DDS, loopback | samples | missed | p50 | p90 | p99 | max |")
print("|---|---|---|---|---|---|---|")
for name, label in [("embodia", "embodia agent (ros2-client/RustDDS), Cyclone DDS peer"),
                    ("cyclone", "Cyclone DDS Python echo, same peer")]:
    r = json.load(open(f"{sys.argv[1]}/{name}.json"))
    if "error" in r:
        print(f"| {label} | error: {r['error']} |"); continue
    lat = r["latency_us"]
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] / 1000
    print(f"| {label} | {len(lat)} | {r['misses']} | {q(0.5):.2f} ms | {q(0.9):.2f} ms | {q(0.99):.2f} ms | {lat[-1]/1000:.2f} ms |")
PY
