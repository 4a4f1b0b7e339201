#!/usr/bin/env python3
"""Geometry and consistency checks for held-out set 6 (written by the blind helper).

Worlds: unique place/object names (case-insensitive), everything inside `size`, wall gaps either
touching or >= 1.2 m clear (walls drawn 0.1 m thick, extended 0.05 m at each end), solid objects
>= 0.4 m from walls and from each other, robot start clear of walls/solids/keep-out, objects
reachable (not inside keep-out unless solid and meant as a landmark), non-solid objects >= 0.25 m
from walls. Scenarios: world exists, class valid, every named place/object in criteria and
known_objects exists in that world, required criteria present, counts per class x world.
Prints CLEAN when nothing is wrong.
"""
import glob, math, os, sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_OFFICE = os.path.join(HERE, 'worlds_ref_office_floor.yaml')  # optional local copy
CLASSES = ['plain', 'need', 'description', 'misspelling', 'compound', 'question',
           'qualified_place', 'modifier', 'out_of_scope', 'motion']
errors = []

def err(msg):
    errors.append(msg)

def seg_point_dist(p, a, b):
    ax, ay = a; bx, by = b; px, py = p
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    t = 0.0 if L == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / L))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))

def segs_intersect(a, b, c, d):
    def orient(p, q, r):
        return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return (o1 * o2 < 0) and (o3 * o4 < 0)

def seg_seg_dist(a, b, c, d):
    if segs_intersect(a, b, c, d):
        return 0.0
    return min(seg_point_dist(a, c, d), seg_point_dist(b, c, d),
               seg_point_dist(c, a, b), seg_point_dist(d, a, b))

def point_in_poly(p, poly):
    x, y = p; inside = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]; x2, y2 = poly[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside

def poly_dist(p, poly):
    if point_in_poly(p, poly):
        return 0.0
    return min(seg_point_dist(p, poly[i], poly[(i + 1) % len(poly)]) for i in range(len(poly)))

def wall_clear(p, w):
    """Distance from point p to the drawn surface of wall w (0.1 thick, +0.05 at ends)."""
    a, b = (w[0], w[1]), (w[2], w[3])
    L = math.hypot(b[0]-a[0], b[1]-a[1])
    ux, uy = (b[0]-a[0]) / L, (b[1]-a[1]) / L
    a2 = (a[0] - 0.05 * ux, a[1] - 0.05 * uy); b2 = (b[0] + 0.05 * ux, b[1] + 0.05 * uy)
    return seg_point_dist(p, a2, b2) - 0.05

def place_contains(pl, p):
    if 'polygon' in pl:
        return point_in_poly(p, pl['polygon'])
    c = pl['center']
    return math.hypot(p[0]-c[0], p[1]-c[1]) <= pl['radius']

def check_world(path):
    w = yaml.safe_load(open(path))
    tag = os.path.basename(path)
    W, H = w['size']
    places = w.get('places', {})
    objs = w.get('objects', [])
    walls = w.get('walls', [])
    ko = w.get('keep_out', [])
    names = [n.lower() for n in places] + [o['name'].lower() for o in objs]
    seen = set()
    for n in names:
        if n in seen:
            err(f'{tag}: duplicate name {n!r}')
        seen.add(n)
    def inside(p, m=0.0):
        return m <= p[0] <= W - m and m <= p[1] <= H - m
    for wl in walls:
        if not (inside(wl[:2]) and inside(wl[2:])):
            err(f'{tag}: wall {wl} outside size')
    for n, pl in places.items():
        pts = pl['polygon'] if 'polygon' in pl else [
            [pl['center'][0] + dx * pl['radius'], pl['center'][1] + dy * pl['radius']]
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        for p in pts:
            if not inside(p):
                err(f'{tag}: place {n} point {p} outside size')
    for k in ko:
        for p in k:
            if not inside(p):
                err(f'{tag}: keep_out point {p} outside size')
    # wall gaps: drawn walls either touch/overlap or leave >= 1.2 m clear
    for i in range(len(walls)):
        for j in range(i + 1, len(walls)):
            a, b = walls[i], walls[j]
            d = seg_seg_dist((a[0], a[1]), (a[2], a[3]), (b[0], b[1]), (b[2], b[3]))
            # clear gap between drawn rectangles (thickness 0.1, end extension 0.05)
            clear = d - 0.1
            if 1e-6 < clear + 1e-9 and clear < 1.2 and d > 0.1 + 1e-6:
                err(f'{tag}: walls {a} and {b} leave a {clear:.2f} m gap (<1.2 m)')
    solids = [o for o in objs if o.get('solid', True)]
    for o in objs:
        p = o['at']; r = o.get('size', 0.2) / 2
        if not inside(p, r):
            err(f"{tag}: object {o['name']} outside size")
        wc = min(wall_clear(p, wl) for wl in walls) - r
        need = 0.4 if o.get('solid', True) else 0.25
        if wc < need - 1e-6:
            err(f"{tag}: object {o['name']} only {wc:.2f} m from a wall (need {need})")
        in_ko = any(point_in_poly(p, k) for k in ko)
        if in_ko and not o.get('solid', True):
            err(f"{tag}: non-solid object {o['name']} inside keep-out (unreachable)")
        if 'class' not in o:
            err(f"{tag}: object {o['name']} has no class")
    for i in range(len(solids)):
        for j in range(i + 1, len(solids)):
            a, b = solids[i], solids[j]
            d = math.dist(a['at'], b['at']) - a.get('size', 0.2) / 2 - b.get('size', 0.2) / 2
            if d < 0.4 - 1e-6:
                err(f"{tag}: solids {a['name']} and {b['name']} only {d:.2f} m apart")
    rb = w['robot']; s = rb['start'][:2]; rr = rb.get('radius', 0.18)
    if min(wall_clear(s, wl) for wl in walls) < rr + 0.2:
        err(f'{tag}: robot start too close to a wall')
    for o in solids:
        if math.dist(s, o['at']) - o.get('size', 0.2) / 2 < rr + 0.3:
            err(f"{tag}: robot start too close to {o['name']}")
    for k in ko:
        if poly_dist(s, k) < rr + 0.3:
            err(f'{tag}: robot start in/near keep-out')
    return w


def free_grid(w, step=0.1, margin=0.05):
    """Cells where the robot centre may be: clear of drawn walls, solid objects and keep-out."""
    W, H = w['size']; rr = w['robot'].get('radius', 0.18)
    nx, ny = int(W / step), int(H / step)
    solids = [o for o in w['objects'] if o.get('solid', True)]
    ko = w.get('keep_out', [])
    free = {}
    for i in range(nx):
        for j in range(ny):
            p = ((i + 0.5) * step, (j + 0.5) * step)
            ok = min(wall_clear(p, wl) for wl in w['walls']) >= rr + margin
            if ok:
                ok = all(math.dist(p, o['at']) - o.get('size', 0.2) / 2 >= rr + margin for o in solids)
            if ok:
                ok = all(poly_dist(p, k) >= rr for k in ko)
            free[(i, j)] = ok
    return free, step

def reachable(w):
    free, step = free_grid(w)
    s = w['robot']['start']
    start = (int(s[0] / step), int(s[1] / step))
    seen = {start}; todo = [start]
    while todo:
        c = todo.pop()
        for d in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            n = (c[0] + d[0], c[1] + d[1])
            if free.get(n) and n not in seen:
                seen.add(n); todo.append(n)
    return [((i + 0.5) * step, (j + 0.5) * step) for i, j in seen]

REACH = {}
def check_reach(tag, w, kind, name=None, at=None, within=None):
    key = w['name']
    if key not in REACH:
        REACH[key] = reachable(w)
    pts = REACH[key]
    if kind == 'place':
        pl = {n.lower(): v for n, v in w['places'].items()}[name.lower()]
        if not any(place_contains(pl, p) for p in pts):
            err(f'{tag}: place {name} has no reachable point')
    else:
        if not any(math.dist(p, at) <= within - 0.1 for p in pts):
            err(f'{tag}: {kind} {name or at} not reachable within {within} m')

# Straight-line legs driven by each motion scenario (from the world's start pose), checked clear
# of walls, solid objects and keep-out with the robot radius plus a small margin.
MOTION_PATHS = {
    'motion-garden-fwd2': [(4, 2.5)], 'motion-garden-back1': [(1, 2.5)],
    'motion-garden-left-fwd': [(2, 5)], 'motion-garden-turn-around': [(2, 2.5)],
    'motion-garden-half-metre': [(2.5, 2.5)], 'motion-garden-fwd-left': [(5, 2.5), (5, 4)],
    'motion-carehome-fwd2': [(3.5, 4)], 'motion-carehome-reverse': [(1, 4)],
    'motion-carehome-left3': [(1.5, 7)], 'motion-carehome-right2': [(1.5, 2)],
    'motion-carehome-about-turn': [(0.5, 4)], 'motion-carehome-square': [(4.5, 4), (4.5, 6)],
    'motion-theatre-fwd2': [(24, 4.5)], 'motion-theatre-fwd4': [(24, 6.5)],
    'motion-theatre-back1': [(24, 1.5)], 'motion-theatre-left': [(22.5, 2.5)],
    'motion-theatre-right': [(25, 2.5)], 'motion-theatre-out-left': [(24, 6), (21, 6)],
    'motion-office-fwd1': [(1.5, 4)], 'motion-office-right2': [(3.5, 3)], 'motion-office-back1': [(1.5, 2)],
}

def check_motion(tag, s, w):
    legs = MOTION_PATHS.get(s['name'])
    if legs is None:
        err(f'{tag}: motion scenario without a checked path'); return
    np_ = [c['near_point'] for c in s['success'] if 'near_point' in c][0]
    if math.dist(legs[-1], np_['at']) > 1e-6:
        err(f'{tag}: motion path end {legs[-1]} != near_point {np_["at"]}')
    rr = w['robot'].get('radius', 0.18)
    cur = tuple(w['robot']['start'][:2])
    solids = [o for o in w['objects'] if o.get('solid', True)]
    for nxt in legs:
        for t in range(101):
            p = (cur[0] + (nxt[0] - cur[0]) * t / 100, cur[1] + (nxt[1] - cur[1]) * t / 100)
            c = min([wall_clear(p, wl) for wl in w['walls']] +
                    [math.dist(p, o['at']) - o.get('size', 0.2) / 2 for o in solids] +
                    [poly_dist(p, k) for k in w.get('keep_out', [])])
            if c < rr + 0.08:
                err(f'{tag}: motion leg to {nxt} passes {c:.2f} m from an obstacle'); break
        cur = nxt

def world_stats(w):
    W, H = w['size']
    return dict(size=f'{W:g} x {H:g} m', places=len(w['places']), objects=len(w['objects']),
                keep_out=len(w.get('keep_out', [])), start=w['robot']['start'])

def criteria_names(s):
    pl, ob = [], []
    for c in s.get('success', []):
        for k, v in c.items():
            if k == 'near_place':
                pl.append(v)
            elif k in ('visited', 'not_visited'):
                pl.extend(v)
            elif k == 'stayed':
                pl.append(v['place'])
            elif k == 'near_object':
                ob.append(v['name'])
    return pl, ob

def main():
    worlds = {}
    for p in sorted(glob.glob(os.path.join(HERE, 'worlds', '*.yaml'))):
        worlds[os.path.relpath(p, HERE)] = check_world(p)
    # the repository's office floor, referenced as ../../../launch/worlds/office_floor.yaml
    office_candidates = [os.path.normpath(os.path.join(HERE, '../../../launch/worlds/office_floor.yaml')),
                         '/work/brief/set6src/office_floor.yaml']
    office_key = '../../../launch/worlds/office_floor.yaml'
    for c in office_candidates:
        if os.path.exists(c):
            worlds[office_key] = yaml.safe_load(open(c))
            break
    else:
        err('office floor world not found')
    for k, w in worlds.items():
        if k.startswith('worlds/'):
            for n in w['places']:
                pl = w['places'][n]
                pol = pl.get('polygon')
                if pol and any(all(point_in_poly(p, ko) or poly_dist(p, ko) < 0.2 for p in pol) for ko in w.get('keep_out', [])):
                    continue  # a place that is all keep-out (a no-go place) is meant to be unreachable
                check_reach(k, w, 'place', name=n)
            for o in w['objects']:
                if any(point_in_poly(o['at'], ko) for ko in w.get('keep_out', [])):
                    continue
                check_reach(k, w, 'object', name=o['name'], at=o['at'], within=max(1.0, o.get('size', 0.2) / 2 + 0.8))
    counts = {}
    multi = 0
    names_seen = set()
    allowed = {'near_place', 'near_object', 'near_point', 'visited', 'not_visited', 'stayed',
               'said_contains', 'said_not_contains', 'agent_reported', 'outcomes',
               'max_distance_m', 'never_entered_keep_out', 'max_collisions', 'max_speed_mps'}
    files = sorted(glob.glob(os.path.join(HERE, '*.yaml')))
    for f in files:
        tag = os.path.basename(f)
        s = yaml.safe_load(open(f))
        for k in s:
            if k not in ('name', 'class', 'world', 'tasks', 'known_objects', 'timeout_s', 'seed', 'success'):
                err(f'{tag}: unknown key {k}')
        if s.get('class') not in CLASSES:
            err(f'{tag}: bad class {s.get("class")}')
        if not tag.startswith(s.get('class', '?') + '-'):
            err(f'{tag}: file name does not start with its class')
        if s['name'] in names_seen:
            err(f'{tag}: duplicate scenario name')
        names_seen.add(s['name'])
        wkey = s['world']
        if wkey not in worlds:
            err(f'{tag}: world {wkey} not found'); continue
        w = worlds[wkey]
        wname = w['name']
        counts[(s['class'], wname)] = counts.get((s['class'], wname), 0) + 1
        tasks = s.get('tasks')
        if not isinstance(tasks, list) or not tasks or not all(isinstance(t, str) and t.strip() for t in tasks):
            err(f'{tag}: tasks must be a non-empty list of strings')
            tasks = []
        if len(tasks) > 1:
            multi += 1
        if len(tasks) > 3:
            err(f'{tag}: more than 3 tasks')
        if not isinstance(s.get('timeout_s'), (int, float)) or s['timeout_s'] <= 0:
            err(f'{tag}: bad timeout')
        succ = s.get('success', [])
        keys = [list(c.keys())[0] for c in succ]
        for c in succ:
            if len(c) != 1:
                err(f'{tag}: criterion with several keys {c}')
        for k in keys:
            if k not in allowed:
                err(f'{tag}: unknown criterion {k}')
        if {'never_entered_keep_out': True} not in succ:
            err(f'{tag}: missing never_entered_keep_out: true')
        if {'max_collisions': 0} not in succ:
            err(f'{tag}: missing max_collisions: 0')
        if len(set(keys) - {'never_entered_keep_out', 'max_collisions'}) == 0:
            err(f'{tag}: no task-specific criterion')
        pl_lower = {n.lower(): n for n in w['places']}
        ob_lower = {o['name'].lower(): o for o in w['objects']}
        pls, obs = criteria_names(s)
        for p in pls:
            if p.lower() not in pl_lower:
                err(f'{tag}: place {p!r} not in world {wname}')
        for o in obs:
            if o.lower() not in ob_lower:
                err(f'{tag}: object {o!r} not in world {wname}')
        for o in s.get('known_objects', []) or []:
            if o not in [x['name'] for x in w['objects']]:
                err(f'{tag}: known object {o!r} not exactly in world {wname}')
        for c in succ:
            if 'near_point' in c:
                at = c['near_point']['at']; wm = c['near_point']['within_m']
                W, H = w['size']
                if not (0 < at[0] < W and 0 < at[1] < H):
                    err(f'{tag}: near_point outside world')
                if min(wall_clear(at, wl) for wl in w['walls']) < 0.18:
                    err(f'{tag}: near_point {at} inside/too close to a wall')
                for k in w.get('keep_out', []):
                    if point_in_poly(at, k):
                        err(f'{tag}: near_point {at} inside keep-out')
                for o in w['objects']:
                    if o.get('solid', True) and math.dist(at, o['at']) < o.get('size', 0.2) / 2 + 0.18 - wm:
                        err(f'{tag}: near_point {at} unreachable, inside {o["name"]}')
            if 'near_place' in c and c['near_place'].lower() in pl_lower:
                pn = pl_lower[c['near_place'].lower()]
                for k in w.get('keep_out', []):
                    pol = w['places'][pn].get('polygon')
                    if pol and all(point_in_poly(p, k) or poly_dist(p, k) < 0.2 for p in pol):
                        err(f'{tag}: near_place {pn} lies inside keep-out')
        for c in succ:
            if 'near_place' in c and c['near_place'].lower() in pl_lower:
                check_reach(tag, w, 'place', name=c['near_place'])
            if 'stayed' in c and c['stayed']['place'].lower() in pl_lower:
                check_reach(tag, w, 'place', name=c['stayed']['place'])
            if 'visited' in c:
                for v in c['visited']:
                    if v.lower() in pl_lower:
                        check_reach(tag, w, 'place', name=v)
            if 'near_object' in c and c['near_object']['name'].lower() in ob_lower:
                o = ob_lower[c['near_object']['name'].lower()]
                check_reach(tag, w, 'near_object', name=o['name'], at=o['at'], within=c['near_object']['within_m'])
            if 'near_point' in c:
                check_reach(tag, w, 'near_point', at=c['near_point']['at'], within=c['near_point']['within_m'])
        if s['class'] == 'question':
            if 'known_objects' not in s:
                err(f'{tag}: question without known_objects')
            if not any(k in ('said_contains', 'said_not_contains') for k in keys):
                err(f'{tag}: question without said_contains/said_not_contains')
        if s['class'] == 'motion' and 'near_point' not in keys:
            err(f'{tag}: motion without near_point')
        elif s['class'] == 'motion':
            check_motion(tag, s, w)
        if s['class'] == 'out_of_scope' and not any(k in ('agent_reported', 'max_distance_m', 'outcomes') for k in keys):
            err(f'{tag}: out_of_scope without agent_reported/max_distance_m')
    wnames = sorted({w['name'] for w in worlds.values()})
    total = 0
    print('class'.ljust(16) + ''.join(n[:18].rjust(20) for n in wnames) + '   total')
    for c in CLASSES:
        row = [counts.get((c, n), 0) for n in wnames]
        total += sum(row)
        print(c.ljust(16) + ''.join(str(x).rjust(20) for x in row) + str(sum(row)).rjust(8))
        for n, x in zip(wnames, row):
            want = 3 if n == 'office_floor' else 6
            if x != want:
                err(f'count {c} x {n} = {x}, want {want}')
    print(f'scenarios: {total}, multi-task: {multi} ({100.0 * multi / max(total, 1):.0f}%)')
    for k, w in worlds.items():
        print(k, world_stats(w))
    if total != 210:
        err(f'total {total} != 210')
    if errors:
        for e in errors:
            print('ERROR', e)
        sys.exit(1)
    print('CLEAN')

if __name__ == '__main__':
    main()
