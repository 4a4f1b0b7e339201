#!/usr/bin/env python3
"""Check the set-12 worlds: counts, objects clear of walls, every place and object reachable
from the robot start, doors wide enough (>= 0.9 m clear), keep-out contents.

usage: python3 tools/check_worlds.py [--map]   (run from the set folder)
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import geom  # noqa: E402

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORLDS = ["makerspace", "auction_house", "soft_play"]


def check(name, show_map=False):
    w = geom.load(os.path.join(HERE, "worlds", name + ".yaml"))
    errs, notes = [], []
    W, H = w["size"]
    if not (20 <= W <= 35 and 20 <= H <= 35):
        errs.append(f"size {W}x{H} outside 20-35 m")
    places = w["places"]
    objs = w["objects"]
    kos = w.get("keep_out") or []
    if not 12 <= len(places) <= 20:
        errs.append(f"{len(places)} places")
    if not 30 <= len(objs) <= 45:
        errs.append(f"{len(objs)} objects")
    if not kos:
        errs.append("no keep-out")
    def shrunk(poly):
        cx = sum(x for x, _ in poly) / len(poly)
        cy = sum(y for _, y in poly) / len(poly)
        return [(x + (cx - x) * 0.02, y + (cy - y) * 0.02) for x, y in poly]
    nested = [p for p in places for q in places if p != q and "polygon" in places[p] and all(
        geom.in_place(w, q, *pt) for pt in shrunk(places[p]["polygon"]))]
    notes.append(f"{len(places)} places ({len(set(nested))} nested), {len(objs)} objects, {len(kos)} keep-out")

    # keep-out places (a place whose every corner lies in a keep-out zone)
    ko_places = set()
    for p, d in places.items():
        if "polygon" in d and all(geom.in_keep_out(w, x, y, 0.01) for x, y in d["polygon"]):
            ko_places.add(p)
    notes.append(f"keep-out places: {sorted(ko_places)}")

    # objects clear of walls, not overlapping, keep-out contents
    for o in objs:
        x, y = o["at"]
        r = o.get("size", 0.2) / 2
        wc = geom.wall_clearance(w, x, y)
        if wc < r - 1e-6:
            errs.append(f"object {o['name']} overlaps a wall (clearance {wc:.2f} < r {r:.2f})")
        if not (r <= x <= W - r and r <= y <= H - r):
            errs.append(f"object {o['name']} outside the world")
        if geom.in_keep_out(w, x, y, r):
            notes.append(f"object in/at keep-out (meant unreachable): {o['name']}")
        inside = [p for p in places if geom.in_place(w, p, x, y)]
        if not inside:
            errs.append(f"object {o['name']} is in no named place")
    solids = [o for o in objs if o.get("solid", True)]
    for a in range(len(solids)):
        for b in range(a + 1, len(solids)):
            A, B = solids[a], solids[b]
            d = math.dist(A["at"], B["at"])
            if d < (A.get("size", .2) + B.get("size", .2)) / 2:
                errs.append(f"objects overlap: {A['name']} / {B['name']}")

    sx, sy, _ = w["robot"]["start"]
    g = geom.Grid(w)
    if not g.is_free(sx, sy):
        errs.append("start not free")
    dist = g.dijkstra(sx, sy)
    # start clearance for motion tasks
    sc = min(geom.wall_clearance(w, sx, sy), geom.object_clearance(w, sx, sy))
    notes.append(f"start clearance {sc:.2f} m")

    # places reachable
    for p in places:
        if p in ko_places:
            continue
        cells = g.cells_where(lambda x, y, p=p: geom.in_place(w, p, x, y))
        d, at = geom.nearest(dist, cells)
        if d == float("inf"):
            errs.append(f"place {p} not reachable")
        # centroid-ish reachable spots
        n_reach = sum(1 for k, x, y in cells if dist[k] < float("inf"))
        notes.append(f"  place {p:20s} path {d:5.1f} m, reachable area {n_reach * geom.RES ** 2:6.1f} m2")

    # doors: with 0.45 m clearance to walls only, every non-keep-out place must be connected
    gd = geom.Grid(w, clearance=0.45, objects=False, keep_out=False)
    dd = gd.dijkstra(sx, sy)
    for p in places:
        if p in ko_places:
            continue
        cells = gd.cells_where(lambda x, y, p=p: geom.in_place(w, p, x, y))
        d, _ = geom.nearest(dd, cells)
        if d == float("inf"):
            errs.append(f"place {p} not reachable through 0.9 m doors")

    # objects reachable
    for o in objs:
        x, y = o["at"]
        r = o.get("size", 0.2) / 2
        if geom.in_keep_out(w, x, y, r):
            continue
        reach = r + 0.5 if o.get("solid", True) else 0.5
        cells = g.cells_where(lambda cx, cy: math.hypot(cx - x, cy - y) <= reach)
        d, _ = geom.nearest(dist, cells)
        if d == float("inf"):
            errs.append(f"object {o['name']} not reachable within {reach:.2f} m")

    # start region
    notes.append("start in: " + ", ".join(p for p in places if geom.in_place(w, p, sx, sy)))

    if show_map:
        for j in range(g.ny - 1, -1, -10):
            row = ""
            for i in range(0, g.nx, 5):
                k = j * g.nx + i
                x, y = (i + .5) * geom.RES, (j + .5) * geom.RES
                if geom.in_keep_out(w, x, y):
                    row += "X"
                elif g.free[k]:
                    row += "." if dist[k] < float("inf") else "?"
                else:
                    row += "#"
            print(row)
    return errs, notes


def main():
    show = "--map" in sys.argv
    bad = 0
    for n in WORLDS:
        errs, notes = check(n, show)
        print(f"== {n}")
        for s in notes:
            print("  " + s)
        for e in errs:
            print("  ERROR " + e)
        bad += len(errs)
    print("world errors:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
