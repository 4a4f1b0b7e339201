#!/usr/bin/env python3
"""Independent check of the written scenario files (reads the yaml, not scenarios.py).

- counts: 18 per class, 6 per class per world; file name = name field
- every scenario has never_entered_keep_out: true, a timeout of 60-400 s, known objects
  and places that exist in its world
- near_place: place reachable and not a keep-out place
- near_object: a free spot within within_m of the object is reachable (avoiding any
  not_visited places)
- near_point: the point is free space for the robot, outside keep-out zones (with the
  robot radius), reachable, and inside the place named in the "meant inside" comment
- not_visited: the targets are reachable without entering those places; reports whether
  the plain shortest path would have gone through them (i.e. the avoidance matters)
- out_of_scope: agent_reported failed and max_distance_m <= 1.0
- timeouts: enough for the shortest route at the allowed speed
usage: python3 tools/check_scenarios.py   (from the set folder)
"""
import collections
import glob
import math
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import geom  # noqa: E402
import plan  # noqa: E402

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSES = ["plain", "need", "description", "misspelling", "compound", "question",
           "qualified_place", "modifier", "out_of_scope", "motion"]
KEYS = {"near_place", "near_object", "near_point", "visited", "not_visited", "stayed",
        "said_contains", "said_not_contains", "agent_reported", "outcomes", "max_distance_m",
        "never_entered_keep_out", "max_collisions", "max_robot_collisions", "max_speed_mps",
        "stopped_within"}


def main():
    files = sorted(glob.glob(os.path.join(HERE, "*.yaml")))
    errs = []
    counts = collections.Counter()
    planners, worlds = {}, {}
    texts = collections.Counter()
    avoid_notes = []
    for f in files:
        base = os.path.basename(f)[:-5]
        raw = open(f).read()
        sc = yaml.safe_load(raw)
        e = lambda m: errs.append(f"{base}: {m}")  # noqa: E731
        m = re.match(r"^([a-z_]+)-([a-z_]+)-(\d\d)$", base)
        if not m:
            e("bad file name")
            continue
        cls, wname, _ = m.groups()
        if sc.get("name") != base:
            e("name differs from file name")
        if sc.get("class") != cls or cls not in CLASSES:
            e("class")
        if sc.get("world") != f"worlds/{wname}.yaml":
            e("world path")
        counts[(cls, wname)] += 1
        if wname not in worlds:
            worlds[wname] = geom.load(os.path.join(HERE, "worlds", wname + ".yaml"))
            planners[wname] = plan.WorldPlanner(worlds[wname])
        w, P = worlds[wname], planners[wname]
        objnames = {o["name"] for o in w["objects"]}
        tasks = sc.get("tasks") or []
        if not tasks or not all(isinstance(t, str) and t.strip() for t in tasks):
            e("tasks")
        for t in tasks:
            texts[t.strip().lower()] += 1
        to = sc.get("timeout_s")
        if not isinstance(to, int) or not 60 <= to <= 400:
            e(f"timeout {to}")
        for k in sc.get("known_objects") or []:
            if k not in objnames:
                e(f"known object {k} not in world")
        succ = sc.get("success") or []
        keys = [list(c.keys())[0] for c in succ]
        for k in keys:
            if k not in KEYS:
                e(f"unknown criterion {k}")
        if {"never_entered_keep_out": True} not in succ:
            e("never_entered_keep_out missing")
        crit = {list(c.keys())[0]: list(c.values())[0] for c in succ}
        ko_places = {p for p, d in w["places"].items() if "polygon" in d and all(
            geom.in_keep_out(w, x, y, 0.01) for x, y in d["polygon"])}
        for p in [crit.get("near_place")] + list(crit.get("visited", [])) + list(crit.get("not_visited", [])) + \
                [crit.get("stayed", {}).get("place")]:
            if p and p not in w["places"]:
                e(f"unknown place {p}")
            if p in ko_places and p not in crit.get("not_visited", []):
                e(f"target place {p} is keep-out")
        if "near_object" in crit and crit["near_object"]["name"] not in objnames:
            e("unknown object")
        if "near_point" in crit:
            x, y = crit["near_point"]["at"]
            r = crit["near_point"]["within_m"]
            g0 = geom.Grid(w, clearance=geom.ROBOT_R) if "g0" not in P.__dict__ else P.g0
            P.g0 = g0
            if not g0.is_free(x, y):
                e(f"near_point {x},{y} is not free space for the robot")
            if geom.in_keep_out(w, x, y, geom.ROBOT_R + 0.1):
                e("near_point in/next to keep-out")
            inside = [p for p in w["places"] if geom.in_place(w, p, x, y)]
            mm = re.search(r"# near_point meant inside: (.+)", raw)
            if cls == "qualified_place":
                if not mm:
                    e("qualified_place without a 'meant inside' note")
                elif mm.group(1).strip() not in inside:
                    e(f"near_point in {inside}, meant {mm.group(1)}")
                if not 1.0 <= r <= 1.5:
                    e(f"radius {r}")
            if cls == "motion" and r > 0.3:
                e("motion radius")
        if cls == "out_of_scope":
            if crit.get("agent_reported") != "failed" or crit.get("max_distance_m", 99) > 1.0:
                e("out_of_scope criteria")
        # route
        L, legs, probs = P.route(succ)
        for pr in probs:
            e(pr)
        if "not_visited" in crit and not probs:
            free_succ = [c for c in succ if "not_visited" not in c]
            L0, legs0, _ = P.route(free_succ)
            # does the unconstrained shortest path cross the avoided place?
            sx, sy, _ = w["robot"]["start"]
            note = f"{base}: avoid {crit['not_visited']}: {L0:.1f} m free, {L:.1f} m avoiding"
            avoid_notes.append(note)
            for p in crit["not_visited"]:
                if geom.in_place(w, p, sx, sy):
                    e(f"robot starts inside avoided place {p}")
        v = crit.get("max_speed_mps", 0.5)
        need = L / min(0.5, v) + 5 * len(tasks) + crit.get("stayed", {}).get("seconds", 0)
        if to and need > to:
            e(f"timeout {to} s < minimum {need:.0f} s")
        if to and need * 1.4 > to:
            avoid_notes.append(f"{base}: tight timeout {to} s for minimum {need:.0f} s")
    for (t, n) in texts.items():
        if n > 1:
            errs.append(f"task text used {n} times: {t!r}")
    # counts
    print("counts (class x world):")
    wn = sorted({w for _, w in counts})
    print(f"  {'':16s}" + "".join(f"{w:>15s}" for w in wn) + "   total")
    for c in CLASSES:
        row = [counts[(c, w)] for w in wn]
        print(f"  {c:16s}" + "".join(f"{n:15d}" for n in row) + f"   {sum(row)}")
        if any(n != 6 for n in row) or len(row) != 3:
            errs.append(f"count {c}: {row}")
    print("  total", sum(counts.values()))
    print("notes:")
    for n in avoid_notes:
        print("  " + n)
    for x in errs:
        print("ERROR " + x)
    print("scenario errors:", len(errs))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
