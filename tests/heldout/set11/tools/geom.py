"""Geometry helpers for held-out set 3: occupancy, reachability of a 0.25 m disc, checks."""
import math, collections, yaml

RES = 0.05
DISC = 0.25


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def rect_dist(px, py, seg):
    x1, y1, x2, y2 = seg
    L = math.hypot(x2 - x1, y2 - y1)
    ux, uy = (x2 - x1) / L, (y2 - y1) / L
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = px - mx, py - my
    t = dx * ux + dy * uy
    s = -dx * uy + dy * ux
    a = max(abs(t) - (L / 2 + 0.05), 0.0)
    b = max(abs(s) - 0.05, 0.0)
    return math.hypot(a, b)


def seg_point_dist(px, py, ax, ay, bx, by):
    vx, vy = bx - ax, by - ay
    L2 = vx * vx + vy * vy
    t = 0 if L2 == 0 else max(0, min(1, ((px - ax) * vx + (py - ay) * vy) / L2))
    return math.hypot(px - ax - t * vx, py - ay - t * vy)


def in_poly(px, py, poly):
    inside = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if (y1 > py) != (y2 > py):
            xi = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            if px < xi:
                inside = not inside
    return inside


def poly_dist(px, py, poly):
    """0 inside, else distance to the boundary."""
    if in_poly(px, py, poly):
        return 0.0
    n = len(poly)
    return min(seg_point_dist(px, py, *poly[i], *poly[(i + 1) % n]) for i in range(n))


def in_place(px, py, place):
    if 'center' in place:
        c = place['center']
        return math.hypot(px - c[0], py - c[1]) <= place['radius']
    return in_poly(px, py, place['polygon'])


class Grid:
    def __init__(self, w, disc=DISC):
        self.w = w
        self.W, self.H = w['size']
        self.nx, self.ny = int(round(self.W / RES)), int(round(self.H / RES))
        self.disc = disc
        blocked = [[False] * self.nx for _ in range(self.ny)]
        R = disc
        def mark(x0, y0, x1, y1, test):
            i0, i1 = max(0, int((x0 - R) / RES) - 1), min(self.nx - 1, int((x1 + R) / RES) + 1)
            j0, j1 = max(0, int((y0 - R) / RES) - 1), min(self.ny - 1, int((y1 + R) / RES) + 1)
            for j in range(j0, j1 + 1):
                cy = (j + 0.5) * RES
                row = blocked[j]
                for i in range(i0, i1 + 1):
                    if not row[i]:
                        cx = (i + 0.5) * RES
                        if test(cx, cy):
                            row[i] = True
        for seg in w.get('walls', []):
            x1, y1, x2, y2 = seg
            mark(min(x1, x2) - 0.1, min(y1, y2) - 0.1, max(x1, x2) + 0.1, max(y1, y2) + 0.1,
                 lambda cx, cy, seg=seg: rect_dist(cx, cy, seg) < R)
        for o in w.get('objects', []):
            if o.get('solid', True):
                r = o.get('size', 0.2) / 2
                ox, oy = o['at']
                mark(ox - r, oy - r, ox + r, oy + r,
                     lambda cx, cy, ox=ox, oy=oy, r=r: math.hypot(cx - ox, cy - oy) < r + R)
        for poly in w.get('keep_out', []):
            xs = [p[0] for p in poly]; ys = [p[1] for p in poly]
            mark(min(xs), min(ys), max(xs), max(ys), lambda cx, cy, poly=poly: poly_dist(cx, cy, poly) < R)
        for j in range(self.ny):
            for i in range(self.nx):
                cx, cy = (i + 0.5) * RES, (j + 0.5) * RES
                if cx < R or cy < R or cx > self.W - R or cy > self.H - R:
                    blocked[j][i] = True
        self.blocked = blocked
        sx, sy = w['robot']['start'][:2]
        self.reach = [[False] * self.nx for _ in range(self.ny)]
        si, sj = self.cell(sx, sy)
        if blocked[sj][si]:
            raise ValueError('start cell blocked for a %.2f m disc' % R)
        q = collections.deque([(si, sj)])
        self.reach[sj][si] = True
        while q:
            i, j = q.popleft()
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)):
                a, b = i + di, j + dj
                if 0 <= a < self.nx and 0 <= b < self.ny and not blocked[b][a] and not self.reach[b][a]:
                    if di and dj and (blocked[j][a] or blocked[b][i]):
                        continue
                    self.reach[b][a] = True
                    q.append((a, b))

    def cell(self, x, y):
        return min(self.nx - 1, max(0, int(x / RES))), min(self.ny - 1, max(0, int(y / RES)))

    def reachable_xy(self, x, y):
        i, j = self.cell(x, y)
        return self.reach[j][i]

    def cells_where(self, pred):
        for j in range(self.ny):
            for i in range(self.nx):
                if self.reach[j][i]:
                    cx, cy = (i + 0.5) * RES, (j + 0.5) * RES
                    if pred(cx, cy):
                        yield cx, cy

    def place_reachable(self, name):
        p = find(self.w['places'], name)
        return sum(1 for _ in self.cells_where(lambda x, y: in_place(x, y, p)))

    def object_reachable(self, name, within):
        o = find_obj(self.w, name)
        ox, oy = o['at']
        return sum(1 for _ in self.cells_where(lambda x, y: math.hypot(x - ox, y - oy) <= within))

    def point_reachable_within(self, x, y, within):
        return sum(1 for _ in self.cells_where(lambda a, b: math.hypot(a - x, b - y) <= within))


def find(places, name):
    for k, v in places.items():
        if k.lower() == name.lower():
            return v
    return None


def find_obj(w, name):
    for o in w.get('objects', []):
        if o['name'].lower() == name.lower():
            return o
    return None


def clearance(w, x, y):
    """Distance from a point to the nearest wall surface or solid object edge."""
    d = min(rect_dist(x, y, s) for s in w['walls'])
    for o in w['objects']:
        if o.get('solid', True):
            d = min(d, math.hypot(x - o['at'][0], y - o['at'][1]) - o.get('size', 0.2) / 2)
    return d


def ray_free(w, x, y, th, step=0.02, maxd=30):
    """Free distance along heading th for the robot disc (0.18) before touching a wall/object."""
    d = 0.0
    while d < maxd:
        px, py = x + d * math.cos(th), y + d * math.sin(th)
        if clearance(w, px, py) < 0.18:
            return d
        d += step
    return d


def world_checks(w):
    """Return list of problems: doorway < 1.0 clear, solid object < 0.4 from walls/objects."""
    probs = []
    walls = w['walls']
    # doorways: from each free wall end, look along the wall's direction for the next wall
    for a, sa in enumerate(walls):
        x1, y1, x2, y2 = sa
        L = math.hypot(x2 - x1, y2 - y1)
        ux, uy = (x2 - x1) / L, (y2 - y1) / L
        for ex, ey, dx, dy in ((x1 - 0.05 * ux, y1 - 0.05 * uy, -ux, -uy), (x2 + 0.05 * ux, y2 + 0.05 * uy, ux, uy)):
            if any(rect_dist(ex + 0.01 * dx, ey + 0.01 * dy, sb) < 1e-6 for b, sb in enumerate(walls) if b != a):
                continue  # end joins another wall
            d = 0.0
            while d < 3.0:
                d += 0.01
                px, py = ex + d * dx, ey + d * dy
                if any(rect_dist(px, py, sb) < 1e-6 for b, sb in enumerate(walls) if b != a):
                    break
            if d < 3.0 and d < 1.0:
                probs.append('doorway %.2f m clear at wall %d end (%.2f,%.2f)' % (d, a, ex, ey))
    objs = [o for o in w['objects'] if o.get('solid', True)]
    for o in objs:
        r = o.get('size', 0.2) / 2
        d = min(rect_dist(o['at'][0], o['at'][1], s) for s in walls) - r
        if d < 0.4 - 1e-9:
            probs.append('object %s is %.2f m from a wall' % (o['name'], d))
    for i in range(len(objs)):
        for j in range(i + 1, len(objs)):
            a, b = objs[i], objs[j]
            d = math.hypot(a['at'][0] - b['at'][0], a['at'][1] - b['at'][1]) - a.get('size', .2) / 2 - b.get('size', .2) / 2
            if d < 0.4 - 1e-9:
                probs.append('objects %s and %s are %.2f m apart' % (a['name'], b['name'], d))
    names = [o['name'].lower() for o in w['objects']] + [p.lower() for p in w['places']]
    if len(set(names)) != len(names):
        probs.append('duplicate names (objects and places share a name)')
    return probs


def render(w, g, out, scale=25):
    from PIL import Image, ImageDraw
    W, H = w['size']
    im = Image.new('RGB', (int(W * scale), int(H * scale)), 'white')
    d = ImageDraw.Draw(im)
    T = lambda x, y: (x * scale, (H - y) * scale)
    for j in range(g.ny):
        for i in range(g.nx):
            if g.reach[j][i]:
                x, y = i * RES, j * RES
                d.rectangle([T(x, y + RES), T(x + RES, y)], fill=(220, 245, 220))
    for poly in w.get('keep_out', []):
        d.polygon([T(*p) for p in poly], outline='red', fill=(255, 210, 210))
    for name, p in w['places'].items():
        if 'center' in p:
            c, r = p['center'], p['radius']
            d.ellipse([T(c[0] - r, c[1] + r), T(c[0] + r, c[1] - r)], outline='blue')
            d.text(T(c[0] - 1, c[1]), name, fill='blue')
        else:
            xs = [q[0] for q in p['polygon']]; ys = [q[1] for q in p['polygon']]
            d.polygon([T(*q) for q in p['polygon']], outline=(120, 120, 255))
            d.text(T(min(xs) + 0.2, max(ys) - 0.3), name, fill='blue')
    for s in w['walls']:
        d.line([T(s[0], s[1]), T(s[2], s[3])], fill='black', width=3)
    for o in w['objects']:
        r = o.get('size', .2) / 2
        x, y = o['at']
        col = 'black' if o.get('solid', True) else 'orange'
        d.ellipse([T(x - r, y + r), T(x + r, y - r)], outline=col)
        d.text(T(x - r, y - r), o['name'], fill=(90, 90, 90))
    sx, sy, th = w['robot']['start']
    d.ellipse([T(sx - .18, sy + .18), T(sx + .18, sy - .18)], fill='green')
    d.line([T(sx, sy), T(sx + .5 * math.cos(th), sy + .5 * math.sin(th))], fill='red', width=2)
    im.save(out)
