#!/usr/bin/env python3
"""Validate held-out task set 5: every scenario, every world, and the geometry.

Checks, per world: unique names, everything inside `size`, doorways / gaps between walls
>= 1.2 m clear (walls drawn 0.1 m thick, extended 0.05 m at each end), solid objects >= 0.4 m
from walls and from each other, start clear. Per scenario: required keys, valid class,
every place/object named in tasks' criteria / known_objects exists, criteria keys are the
documented ones, and every place/object/point used in a criterion is reachable from the
robot start by a disc of radius 0.25 m that touches no wall, solid object or keep-out zone.
The apartment (not written for this set) is only checked for reachability; its 0.9 m doors
and object spacing are reported as notes, not errors.

Usage: python3 validate_set5.py   (exit status 0 when clean)
"""
import math
import os
import sys
from collections import deque

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
# The apartment is referenced in the repo as ../../../launch/worlds/apartment.yaml; the same
# layout is at /work/brief/apartment.yaml for this check.
APARTMENT_REF = "../../../launch/worlds/apartment.yaml"
_IN_REPO = os.path.normpath(os.path.join(HERE, APARTMENT_REF))
APARTMENT_LOCAL = os.environ.get(
    "SET5_APARTMENT", _IN_REPO if os.path.exists(_IN_REPO) else "/work/brief/apartment.yaml")

CLASSES = {"plain", "need", "description", "misspelling", "compound", "question",
           "qualified_place", "modifier", "out_of_scope", "motion"}
CRITERIA = {"near_place", "near_object", "near_point", "visited", "not_visited", "stayed",
            "said_contains", "said_not_contains", "agent_reported", "outcomes",
            "max_distance_m", "never_entered_keep_out", "max_collisions", "max_speed_mps"}
SCEN_KEYS = {"name", "class", "world", "tasks", "known_objects", "timeout_s", "seed", "success"}
DISC = 0.25          # radius of the disc used for reachability
WALL_HALF = 0.05     # walls are 0.1 m thick
WALL_EXT = 0.05      # and extended 0.05 m at each end
CELL = 0.05


def seg_dist(px, py, x1, y1, x2, y2):
    """Distance from points (arrays) to a segment."""
    dx, dy = x2 - x1, y2 - y1
    L2 = dx * dx + dy * dy
    t = np.clip(((px - x1) * dx + (py - y1) * dy) / L2, 0.0, 1.0) if L2 > 0 else 0.0
    return np.hypot(px - (x1 + t * dx), py - (y1 + t * dy))


def extended(w):
    x1, y1, x2, y2 = w
    L = math.hypot(x2 - x1, y2 - y1)
    ux, uy = (x2 - x1) / L, (y2 - y1) / L
    return (x1 - ux * WALL_EXT, y1 - uy * WALL_EXT, x2 + ux * WALL_EXT, y2 + uy * WALL_EXT)


def seg_seg_dist(a, b):
    pts = [(a[0], a[1], b), (a[2], a[3], b), (b[0], b[1], a), (b[2], b[3], a)]
    best = min(float(seg_dist(np.array(px), np.array(py), *s)) for px, py, s in pts)
    # proper intersection -> 0
    def ccw(ax, ay, bx, by, cx, cy):
        return (cy - ay) * (bx - ax) - (by - ay) * (cx - ax)
    d1 = ccw(*a[:2], *a[2:], *b[:2]); d2 = ccw(*a[:2], *a[2:], *b[2:])
    d3 = ccw(*b[:2], *b[2:], *a[:2]); d4 = ccw(*b[:2], *b[2:], *a[2:])
    if d1 * d2 < 0 and d3 * d4 < 0:
        return 0.0
    return best


def in_poly(px, py, poly):
    """Even-odd rule, vectorised over points."""
    inside = np.zeros(np.shape(px), dtype=bool)
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        cond = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xin = (x2 - x1) * (py - y1) / (y2 - y1) + x1
        inside ^= cond & (px < xin)
    return inside


def poly_dist(px, py, poly):
    d = np.full(np.shape(px), np.inf)
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        d = np.minimum(d, seg_dist(px, py, x1, y1, x2, y2))
    return d


class World:
    def __init__(self, path, own=True):
        self.path = path
        self.own = own
        with open(path, encoding="utf-8") as f:
            self.data = yaml.safe_load(f)
        d = self.data
        self.name = d["name"]
        self.W, self.H = d["size"]
        self.walls = [tuple(map(float, w)) for w in d.get("walls", [])]
        self.places = d.get("places", {}) or {}
        self.objects = d.get("objects", []) or []
        self.keep_out = d.get("keep_out", []) or []
        self.start = d["robot"]["start"]
        self.obj = {o["name"].lower(): o for o in self.objects}
        self.plc = {k.lower(): v for k, v in self.places.items()}
        self._grid()

    def _grid(self):
        nx, ny = int(round(self.W / CELL)), int(round(self.H / CELL))
        xs = (np.arange(nx) + 0.5) * CELL
        ys = (np.arange(ny) + 0.5) * CELL
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        self.X, self.Y = X, Y
        free = (X >= DISC) & (X <= self.W - DISC) & (Y >= DISC) & (Y <= self.H - DISC)
        for w in self.walls:
            free &= seg_dist(X, Y, *extended(w)) > WALL_HALF + DISC
        for o in self.objects:
            if o.get("solid", True):
                r = o.get("size", 0.2) / 2
                free &= np.hypot(X - o["at"][0], Y - o["at"][1]) > r + DISC
        for k in self.keep_out:
            free &= ~in_poly(X, Y, k) & (poly_dist(X, Y, k) > DISC)
        self.free = free
        # flood fill from the start
        sx, sy = self.cell(self.start[0], self.start[1])
        reach = np.zeros_like(free)
        if free[sx, sy]:
            reach[sx, sy] = True
            q = deque([(sx, sy)])
            while q:
                i, j = q.popleft()
                for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    a, b = i + di, j + dj
                    if 0 <= a < nx and 0 <= b < ny and free[a, b] and not reach[a, b]:
                        reach[a, b] = True
                        q.append((a, b))
        self.reach = reach
        self.start_free = bool(free[sx, sy])

    def cell(self, x, y):
        return (min(int(x / CELL), self.free.shape[0] - 1), min(int(y / CELL), self.free.shape[1] - 1))

    def place_mask(self, name):
        p = self.plc[name.lower()]
        if "polygon" in p:
            return in_poly(self.X, self.Y, p["polygon"])
        c = p["center"]
        return np.hypot(self.X - c[0], self.Y - c[1]) <= p["radius"]

    def place_reachable(self, name):
        return bool((self.reach & self.place_mask(name)).any())

    def point_reachable(self, x, y, within):
        return bool((self.reach & (np.hypot(self.X - x, self.Y - y) <= within)).any())

    def object_reachable(self, name, within):
        o = self.obj[name.lower()]
        return self.point_reachable(o["at"][0], o["at"][1], within)

    def path_free(self, pts, radius=0.22):
        """Straight legs between points are clear for a disc of `radius` (motion tasks)."""
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            n = max(2, int(math.hypot(x2 - x1, y2 - y1) / 0.02))
            for t in np.linspace(0, 1, n):
                x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                if not self.clear_at(x, y, radius):
                    return False, (round(x, 2), round(y, 2))
        return True, None

    def clear_at(self, x, y, radius):
        if not (radius <= x <= self.W - radius and radius <= y <= self.H - radius):
            return False
        for w in self.walls:
            if seg_dist(np.array(x), np.array(y), *extended(w)) <= WALL_HALF + radius:
                return False
        for o in self.objects:
            if o.get("solid", True) and math.hypot(x - o["at"][0], y - o["at"][1]) <= o.get("size", 0.2) / 2 + radius:
                return False
        for k in self.keep_out:
            if in_poly(np.array(x), np.array(y), k) or poly_dist(np.array(x), np.array(y), k) <= radius:
                return False
        return True

    def check(self):
        errs, notes = [], []
        bad = errs if self.own else notes
        names = [k.lower() for k in self.places] + [o["name"].lower() for o in self.objects]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            errs.append(f"duplicate names {sorted(dup)}")
        for w in self.walls:
            for v in (w[0], w[2]):
                if not 0 <= v <= self.W:
                    errs.append(f"wall {w} outside size")
            for v in (w[1], w[3]):
                if not 0 <= v <= self.H:
                    errs.append(f"wall {w} outside size")
        # gaps between walls: touching (<= 0.1 m apart centre-line after extension) or >= 1.2 m clear
        ext = [extended(w) for w in self.walls]
        for i in range(len(ext)):
            for j in range(i + 1, len(ext)):
                d = seg_seg_dist(ext[i], ext[j])
                clear = d - 2 * WALL_HALF
                if d > 2 * WALL_HALF + 1e-6 and clear < 1.2 - 1e-6:
                    bad.append(f"gap of {clear:.2f} m clear between walls {self.walls[i]} and {self.walls[j]}")
        solids = [o for o in self.objects if o.get("solid", True)]
        for o in self.objects:
            x, y = o["at"]
            if not (0 <= x <= self.W and 0 <= y <= self.H):
                errs.append(f"object {o['name']} outside size")
        for o in solids:
            x, y = o["at"]
            r = o.get("size", 0.2) / 2
            dw = min([float(seg_dist(np.array(x), np.array(y), *e)) for e in ext])
            if dw - WALL_HALF - r < 0.4 - 1e-6:
                bad.append(f"solid {o['name']} only {dw - WALL_HALF - r:.2f} m from a wall")
        for i in range(len(solids)):
            for j in range(i + 1, len(solids)):
                a, b = solids[i], solids[j]
                d = math.hypot(a["at"][0] - b["at"][0], a["at"][1] - b["at"][1]) - a.get("size", 0.2) / 2 - b.get("size", 0.2) / 2
                if d < 0.4 - 1e-6:
                    bad.append(f"solids {a['name']} and {b['name']} only {d:.2f} m apart")
        for name, p in self.places.items():
            pts = p["polygon"] if "polygon" in p else [[p["center"][0] - p["radius"], p["center"][1] - p["radius"]],
                                                      [p["center"][0] + p["radius"], p["center"][1] + p["radius"]]]
            for x, y in pts:
                if not (0 <= x <= self.W and 0 <= y <= self.H):
                    errs.append(f"place {name} outside size")
        if not self.start_free:
            errs.append(f"robot start {self.start} is not clear for a {DISC} m disc")
        return errs, notes


def world_path(scen_path, ref):
    if ref == APARTMENT_REF:
        real = os.path.normpath(os.path.join(os.path.dirname(scen_path), ref))
        return (real if os.path.exists(real) else APARTMENT_LOCAL), False
    return os.path.normpath(os.path.join(os.path.dirname(scen_path), ref)), True


def motion_end(start, steps):
    """Pose after a list of ('fwd', m) / ('turn', deg) steps from start (x, y, theta)."""
    x, y, th = start
    pts = [(x, y)]
    for kind, v in steps:
        if kind == "fwd":
            x, y = x + v * math.cos(th), y + v * math.sin(th)
            pts.append((x, y))
        else:
            th += math.radians(v)
    return (x, y, th), pts


def check_scenario(path, worlds):
    errs = []
    with open(path, encoding="utf-8") as f:
        s = yaml.safe_load(f)
    fn = os.path.basename(path)
    extra = set(s) - SCEN_KEYS
    if extra:
        errs.append(f"unknown keys {extra}")
    for k in ("name", "class", "world", "tasks", "timeout_s", "success"):
        if k not in s:
            errs.append(f"missing {k}")
    if errs:
        return errs, s
    if s["class"] not in CLASSES:
        errs.append(f"bad class {s['class']}")
    if not fn.startswith(s["class"] + "-"):
        errs.append("file name does not start with the class")
    if not isinstance(s["tasks"], list) or not s["tasks"] or not all(isinstance(t, str) and t.strip() for t in s["tasks"]):
        errs.append("tasks must be a non-empty list of strings")
    wp, own = world_path(path, s["world"])
    if not os.path.exists(wp):
        return errs + [f"world {s['world']} not found"], s
    if wp not in worlds:
        worlds[wp] = World(wp, own)
    w = worlds[wp]
    for o in s.get("known_objects", []) or []:
        if o.lower() not in w.obj:
            errs.append(f"known object {o!r} not in world")
    keys = set()
    for c in s["success"]:
        if not isinstance(c, dict) or len(c) != 1:
            errs.append(f"criterion {c!r} must be a one-key map")
            continue
        (k, v), = c.items()
        keys.add(k)
        if k not in CRITERIA:
            errs.append(f"unknown criterion {k}")
        elif k == "near_place":
            if v.lower() not in w.plc:
                errs.append(f"near_place {v!r} not a place")
            elif not w.place_reachable(v):
                errs.append(f"near_place {v!r} not reachable")
        elif k in ("visited", "not_visited"):
            for p in v:
                if p.lower() not in w.plc:
                    errs.append(f"{k} {p!r} not a place")
                elif k == "visited" and not w.place_reachable(p):
                    errs.append(f"visited {p!r} not reachable")
        elif k == "stayed":
            if v["place"].lower() not in w.plc:
                errs.append(f"stayed {v['place']!r} not a place")
            elif not w.place_reachable(v["place"]):
                errs.append(f"stayed {v['place']!r} not reachable")
        elif k == "near_object":
            if v["name"].lower() not in w.obj:
                errs.append(f"near_object {v['name']!r} not an object")
            elif not w.object_reachable(v["name"], v["within_m"]):
                errs.append(f"near_object {v['name']!r} not reachable within {v['within_m']}")
        elif k == "near_point":
            x, y = v["at"]
            if not w.point_reachable(x, y, v["within_m"]):
                errs.append(f"near_point {v['at']} not reachable within {v['within_m']}")
        elif k == "agent_reported":
            vals = v if isinstance(v, list) else [v]
            if not all(x in ("succeeded", "failed") for x in vals):
                errs.append(f"agent_reported {v!r}")
        elif k == "outcomes":
            if len(v) != len(s["tasks"]):
                errs.append("outcomes length differs from tasks")
        elif k in ("max_speed_mps", "max_distance_m", "max_collisions") and not isinstance(v, (int, float)):
            errs.append(f"{k} must be a number")
        elif k in ("said_contains", "said_not_contains") and not isinstance(v, str):
            errs.append(f"{k} must be a string")
    if "never_entered_keep_out" not in keys or "max_collisions" not in keys:
        errs.append("missing never_entered_keep_out / max_collisions")
    if s["timeout_s"] < 60:
        errs.append("timeout below 60 s")
    return errs, s


def main():
    worlds = {}
    failed = False
    wdir = os.path.join(HERE, "worlds")
    for fn in sorted(os.listdir(wdir)):
        if fn.endswith(".yaml"):
            p = os.path.join(wdir, fn)
            worlds[p] = World(p, True)
            e, n = worlds[p].check()
            nplaces, nobj = len(worlds[p].places), len(worlds[p].objects)
            print(f"world {fn}: {nplaces} places, {nobj} objects, {len(worlds[p].keep_out)} keep-out")
            if not (10 <= nplaces <= 15 and 25 <= nobj <= 35 and 1 <= len(worlds[p].keep_out) <= 3):
                e.append("counts outside the brief's ranges")
            for x in e:
                print(f"  ERROR {x}"); failed = True
            for x in n:
                print(f"  note {x}")
            for pl in worlds[p].places:
                if not worlds[p].place_reachable(pl):
                    print(f"  note: place {pl} not reachable (used in no criterion unless reported below)")
    # Optional: let the embodia binary parse each world (EMBODIA=/path/to/embodia).
    exe = os.environ.get("EMBODIA")
    if exe:
        import subprocess
        for fn in sorted(os.listdir(wdir)):
            if fn.endswith(".yaml"):
                r = subprocess.run([exe, "world-sdf", "--world", os.path.join(wdir, fn)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                print(f"embodia world-sdf {fn}: {'ok' if r.returncode == 0 else 'REFUSED ' + r.stderr.strip()}")
                failed |= r.returncode != 0
    ap = World(APARTMENT_LOCAL, False)
    worlds[APARTMENT_LOCAL] = ap
    _, n = ap.check()
    print(f"apartment (reference layout): {len(n)} notes (0.9 m doors etc., not written for this set)")
    files = sorted(f for f in os.listdir(HERE) if f.endswith(".yaml"))
    names = set()
    per_class, per_world, multi = {}, {}, 0
    for fn in files:
        errs, s = check_scenario(os.path.join(HERE, fn), worlds)
        if s.get("name") in names:
            errs.append("duplicate scenario name")
        names.add(s.get("name"))
        per_class[s.get("class")] = per_class.get(s.get("class"), 0) + 1
        per_world[s.get("world")] = per_world.get(s.get("world"), 0) + 1
        if len(s.get("tasks", [])) > 1:
            multi += 1
        for e in errs:
            print(f"ERROR {fn}: {e}"); failed = True
    print(f"{len(files)} scenarios; multi-task: {multi}")
    print("per class:", dict(sorted(per_class.items())))
    print("per world:", dict(sorted(per_world.items())))
    print("CLEAN" if not failed else "FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
