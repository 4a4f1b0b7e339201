"""Shortest-path estimates for scenarios (used by gen.py for timeouts and check_scenarios.py)."""
import math

import geom

INF = float("inf")


class WorldPlanner:
    def __init__(self, world):
        self.w = world
        self.grids = {}
        self.cache = {}

    def grid(self, blocked=()):
        key = tuple(sorted(blocked))
        if key not in self.grids:
            self.grids[key] = geom.Grid(self.w, blocked_places=key)
        return self.grids[key]

    def dist_from(self, x, y, blocked=()):
        key = (round(x, 2), round(y, 2), tuple(sorted(blocked)))
        if key not in self.cache:
            self.cache[key] = self.grid(blocked).dijkstra(x, y)
        return self.cache[key]

    def centroid(self, name):
        p = self.w["places"][name]
        if "center" in p:
            return tuple(p["center"])
        pts = p["polygon"]
        return (sum(q[0] for q in pts) / len(pts), sum(q[1] for q in pts) / len(pts))

    def place_target(self, name, frm, blocked=()):
        """A reachable spot in the place near its middle, and the path length to it."""
        g = self.grid(blocked)
        cx, cy = self.centroid(name)
        cells = g.cells_where(lambda x, y: geom.in_place(self.w, name, x, y))
        d = self.dist_from(*frm, blocked)
        reach = [(k, x, y) for k, x, y in cells if d[k] < INF]
        if not reach:
            return None, INF
        k, x, y = min(reach, key=lambda c: math.hypot(c[1] - cx, c[2] - cy))
        return (x, y), d[k]

    def enter_place(self, name, frm, blocked=()):
        """Nearest reachable spot inside the place (for `visited`)."""
        g = self.grid(blocked)
        cells = g.cells_where(lambda x, y: geom.in_place(self.w, name, x, y))
        d = self.dist_from(*frm, blocked)
        best = geom.nearest(d, cells)
        if best[1] is None:
            return None, INF
        # go 0.5 m deeper than the edge cell: use a cell at least 0.3 m inside if possible
        return best[1], best[0]

    def object_target(self, name, within, frm, blocked=()):
        o = next(o for o in self.w["objects"] if o["name"] == name)
        ox, oy = o["at"]
        g = self.grid(blocked)
        cells = g.cells_where(lambda x, y: math.hypot(x - ox, y - oy) <= within - 0.05)
        d = self.dist_from(*frm, blocked)
        best = geom.nearest(d, cells)
        if best[1] is None:
            return None, INF
        return best[1], best[0]

    def point_target(self, at, within, frm, blocked=()):
        g = self.grid(blocked)
        d = self.dist_from(*frm, blocked)
        i, j = g.cell(*at)
        k = j * g.nx + i
        if g.free[k] and d[k] < INF:
            return tuple(at), d[k]
        return None, INF

    def route(self, success):
        """Waypoints implied by the criteria; returns (total length, legs, problems)."""
        sx, sy, _ = self.w["robot"]["start"]
        blocked = ()
        for c in success:
            if "not_visited" in c:
                blocked = tuple(c["not_visited"])
        pos = (sx, sy)
        total, legs, probs = 0.0, [], []
        order = []
        for c in success:
            if "visited" in c:
                order += [("visit", p) for p in c["visited"]]
        for c in success:
            if "near_place" in c:
                order.append(("place", c["near_place"]))
            elif "near_object" in c:
                order.append(("object", c["near_object"]))
            elif "near_point" in c:
                order.append(("point", c["near_point"]))
        # the final target of a visit list is often the same place as near_place
        if len(order) >= 2 and order[-1][0] == "place" and order[-2] == ("visit", order[-1][1]):
            order.pop(-2)
        for kind, arg in order:
            if kind == "visit":
                here = [p for p in self.w["places"] if geom.in_place(self.w, p, *pos)]
                if arg in here and legs:
                    # must leave and come back: handled by the previous leg leaving it
                    pass
                tgt, L = self.place_target(arg, pos, blocked)
            elif kind == "place":
                tgt, L = self.place_target(arg, pos, blocked)
            elif kind == "object":
                tgt, L = self.object_target(arg["name"], arg["within_m"], pos, blocked)
            else:
                tgt, L = self.point_target(arg["at"], arg["within_m"], pos, blocked)
            if tgt is None:
                probs.append(f"cannot reach {kind} {arg} (blocked {blocked})")
                return INF, legs, probs
            legs.append((kind, arg if isinstance(arg, str) else str(arg), round(L, 1)))
            total += L
            pos = tgt
        return total, legs, probs
