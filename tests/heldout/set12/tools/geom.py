"""Geometry helpers for the set-12 worlds: occupancy grid, reachability, path lengths.

Walls are 0.1 m thick and extended 0.05 m at each end (as the simulator draws them).
Solid objects are discs of diameter `size`. Keep-out polygons are never entered.
The robot is a disc of radius 0.18; we plan for its centre with a small extra margin.
"""
import heapq
import math

import yaml

RES = 0.05
ROBOT_R = 0.18
MARGIN = 0.05          # extra clearance we want on top of the robot radius
WALL_HALF = 0.05
WALL_EXT = 0.05


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def point_in_poly(x, y, poly):
    inside = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xc:
                inside = not inside
    return inside


def in_place(world, name, x, y):
    p = world["places"][name]
    if "polygon" in p:
        return point_in_poly(x, y, p["polygon"])
    cx, cy = p["center"]
    return math.hypot(x - cx, y - cy) <= p["radius"]


def seg_dist(px, py, x1, y1, x2, y2):
    dx, dy = x2 - x1, y2 - y1
    L2 = dx * dx + dy * dy
    if L2 == 0:
        return math.hypot(px - x1, py - y1)
    t = max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / L2))
    return math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))


def extended(seg):
    x1, y1, x2, y2 = seg
    L = math.hypot(x2 - x1, y2 - y1)
    ux, uy = (x2 - x1) / L, (y2 - y1) / L
    return (x1 - ux * WALL_EXT, y1 - uy * WALL_EXT, x2 + ux * WALL_EXT, y2 + uy * WALL_EXT)


def wall_clearance(world, x, y):
    """Distance from (x, y) to the nearest wall surface (negative inside a wall)."""
    best = 1e9
    for s in world["walls"]:
        e = extended(s)
        best = min(best, seg_dist(x, y, *e) - WALL_HALF)
    return best


def object_clearance(world, x, y, skip=None):
    best = 1e9
    for o in world.get("objects", []):
        if o.get("solid", True) is False or o["name"] == skip:
            continue
        ox, oy = o["at"]
        best = min(best, math.hypot(x - ox, y - oy) - o.get("size", 0.2) / 2)
    return best


def poly_dist(x, y, poly):
    """Distance to polygon boundary (0 inside)."""
    if point_in_poly(x, y, poly):
        return 0.0
    n = len(poly)
    return min(seg_dist(x, y, *poly[i], *poly[(i + 1) % n]) for i in range(n))


def in_keep_out(world, x, y, pad=0.0):
    for k in world.get("keep_out", []) or []:
        if poly_dist(x, y, k) <= pad:
            return True
    return False


class Grid:
    """Free space for the robot centre."""

    def __init__(self, world, clearance=ROBOT_R + MARGIN, objects=True, keep_out=True,
                 blocked_places=()):
        self.world = world
        W, H = world["size"]
        self.nx = int(round(W / RES))
        self.ny = int(round(H / RES))
        self.free = bytearray(self.nx * self.ny)
        free = self.free
        nx, ny = self.nx, self.ny
        for j in range(ny):
            y = (j + 0.5) * RES
            for i in range(nx):
                x = (i + 0.5) * RES
                if clearance <= x <= W - clearance and clearance <= y <= H - clearance:
                    free[j * nx + i] = 1

        def box(x0, y0, x1, y1):
            i0 = max(0, int(x0 / RES) - 1); i1 = min(nx - 1, int(x1 / RES) + 1)
            j0 = max(0, int(y0 / RES) - 1); j1 = min(ny - 1, int(y1 / RES) + 1)
            for j in range(j0, j1 + 1):
                for i in range(i0, i1 + 1):
                    yield i, j, (i + 0.5) * RES, (j + 0.5) * RES

        for s in world["walls"]:
            x1, y1, x2, y2 = extended(s)
            pad = clearance + WALL_HALF
            for i, j, x, y in box(min(x1, x2) - pad, min(y1, y2) - pad, max(x1, x2) + pad, max(y1, y2) + pad):
                if seg_dist(x, y, x1, y1, x2, y2) - WALL_HALF < clearance:
                    free[j * nx + i] = 0
        if objects:
            for o in world.get("objects", []):
                if not o.get("solid", True):
                    continue
                ox, oy = o["at"]; r = o.get("size", 0.2) / 2
                pad = r + clearance
                for i, j, x, y in box(ox - pad, oy - pad, ox + pad, oy + pad):
                    if math.hypot(x - ox, y - oy) - r < clearance:
                        free[j * nx + i] = 0
        polys = []
        if keep_out:
            polys += [(k, ROBOT_R) for k in (world.get("keep_out") or [])]
        for p in blocked_places:
            pl = world["places"][p]
            if "polygon" in pl:
                polys.append((pl["polygon"], 0.0))
            else:
                c, r = pl["center"], pl["radius"]
                polys.append(([[c[0] + r * math.cos(a * math.pi / 16), c[1] + r * math.sin(a * math.pi / 16)]
                               for a in range(32)], 0.0))
        for poly, pad in polys:
            xs = [p[0] for p in poly]; ys = [p[1] for p in poly]
            for i, j, x, y in box(min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad):
                if pad > 0:
                    if poly_dist(x, y, poly) < pad:
                        free[j * nx + i] = 0
                elif point_in_poly(x, y, poly):
                    free[j * nx + i] = 0

    def cell(self, x, y):
        return int(x / RES), int(y / RES)

    def is_free(self, x, y):
        i, j = self.cell(x, y)
        if 0 <= i < self.nx and 0 <= j < self.ny:
            return self.free[j * self.nx + i] == 1
        return False

    def dijkstra(self, x, y):
        """Distances (m) from (x, y) to every reachable free cell (8-connected)."""
        INF = float("inf")
        dist = [INF] * (self.nx * self.ny)
        i0, j0 = self.cell(x, y)
        if not self.is_free(x, y):
            # snap to the nearest free cell within 0.3 m
            best = None
            for dj in range(-6, 7):
                for di in range(-6, 7):
                    i, j = i0 + di, j0 + dj
                    if 0 <= i < self.nx and 0 <= j < self.ny and self.free[j * self.nx + i]:
                        d = math.hypot(di, dj)
                        if best is None or d < best[0]:
                            best = (d, i, j)
            if best is None:
                return dist
            _, i0, j0 = best
        k0 = j0 * self.nx + i0
        dist[k0] = 0.0
        pq = [(0.0, k0)]
        steps = [(1, 0, RES), (-1, 0, RES), (0, 1, RES), (0, -1, RES),
                 (1, 1, RES * 1.4142), (1, -1, RES * 1.4142), (-1, 1, RES * 1.4142), (-1, -1, RES * 1.4142)]
        nx, ny, free = self.nx, self.ny, self.free
        while pq:
            d, k = heapq.heappop(pq)
            if d > dist[k]:
                continue
            i, j = k % nx, k // nx
            for di, dj, c in steps:
                a, b = i + di, j + dj
                if 0 <= a < nx and 0 <= b < ny:
                    kk = b * nx + a
                    if free[kk] and d + c < dist[kk]:
                        # no corner cutting on diagonals
                        if di and dj and not (free[j * nx + a] and free[b * nx + i]):
                            continue
                        dist[kk] = d + c
                        heapq.heappush(pq, (d + c, kk))
        return dist

    def cells_where(self, pred):
        out = []
        for j in range(self.ny):
            y = (j + 0.5) * RES
            for i in range(self.nx):
                if self.free[j * self.nx + i]:
                    x = (i + 0.5) * RES
                    if pred(x, y):
                        out.append((j * self.nx + i, x, y))
        return out


def nearest(dist, cells):
    """Smallest distance and cell among `cells` (list of (k, x, y))."""
    best = (float("inf"), None)
    for k, x, y in cells:
        if dist[k] < best[0]:
            best = (dist[k], (x, y))
    return best
