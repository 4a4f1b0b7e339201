#!/usr/bin/env python3
"""Write the 180 scenario files of set 12 from tools/scenarios.py.

usage: python3 tools/gen.py      (from the set folder; rewrites <class>-<world>-NN.yaml)

Timeouts: estimated from the shortest path the criteria imply (grid planner in geom.py),
at 80 % of the allowed speed, plus 10 s per task and any waiting, doubled, plus 20 s;
at least 60 s, at least 360 s when the robot has to search for something it has not
seen, at most 400 s. A few scenarios ("quickly") set their own tight timeout.
"""
import glob
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import geom  # noqa: E402
import plan  # noqa: E402
import scenarios  # noqa: E402

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORLD_IDS = {"makerspace": 1, "auction_house": 2, "soft_play": 3}


def flow(v):
    """A yaml flow value (JSON is valid yaml)."""
    return json.dumps(v, ensure_ascii=False)


def estimate(planner, sc):
    L, legs, probs = planner.route(sc["success"])
    if probs:
        raise SystemExit(f"{sc['tasks']}: {probs}")
    v = 0.5
    for c in sc["success"]:
        if "max_speed_mps" in c:
            v = min(v, c["max_speed_mps"] - 0.05)
    wait = sum(c["stayed"]["seconds"] for c in sc["success"] if "stayed" in c)
    est = L / (0.8 * v) + 10 * len(sc["tasks"]) + wait
    t = max(60, 2 * est + 20)
    if sc.get("search"):
        t = max(t, 360)
    t = min(400, int(math.ceil(t / 10.0) * 10))
    return t, L, legs


def main():
    for f in glob.glob(os.path.join(HERE, "*.yaml")):
        os.remove(f)
    n = 0
    for wname, classes in scenarios.WORLDS.items():
        world = geom.load(os.path.join(HERE, "worlds", wname + ".yaml"))
        planner = plan.WorldPlanner(world)
        for ci, cls in enumerate(scenarios.CLASSES):
            for i, sc in enumerate(classes[cls], 1):
                name = f"{cls}-{wname}-{i:02d}"
                t_est, L, legs = estimate(planner, sc)
                timeout = sc.get("timeout", t_est)
                lines = [f"name: {name}", f"class: {cls}", f"world: worlds/{wname}.yaml"]
                lines.append("tasks:")
                lines += [f"  - {flow(t)}" for t in sc["tasks"]]
                if sc.get("known"):
                    lines.append(f"known_objects: {flow(sc['known'])}")
                lines.append(f"timeout_s: {timeout}")
                lines.append(f"seed: {WORLD_IDS[wname] * 1000 + ci * 10 + i}")
                lines.append("success:")
                for c in sc["success"] + [{"never_entered_keep_out": True}]:
                    (k, v), = c.items()
                    lines.append(f"  - {k}: {flow(v)}")
                if "at" in sc:
                    lines.append(f"# near_point meant inside: {sc['at']}")
                with open(os.path.join(HERE, name + ".yaml"), "w") as f:
                    f.write("\n".join(lines) + "\n")
                n += 1
                print(f"{name:32s} timeout {timeout:3d}  path {L:5.1f} m  {legs}")
    print(n, "scenarios written")


if __name__ == "__main__":
    main()
