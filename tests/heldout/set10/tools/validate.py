import sys, os, glob, math, yaml
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from geom import *
from gen import SCEN
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
worlds, grids = {}, {}
probs = 0
files = sorted(glob.glob(os.path.join(OUT, '*.yaml')))
names = set()
for f in files:
    d = yaml.safe_load(open(f))
    base = os.path.basename(f)[:-5]
    assert d['name'] == base, f
    assert d['name'] not in names; names.add(d['name'])
    assert base.startswith(d['class'] + '-'), f
    wp = os.path.normpath(os.path.join(OUT, d['world']))
    if wp not in worlds:
        worlds[wp] = load(wp); grids[wp] = Grid(worlds[wp], disc=0.2)
    w, g = worlds[wp], grids[wp]
    objn = {o['name'].lower(): o for o in w['objects']}
    plc = {p.lower(): p for p in w['places']}
    def bad(msg):
        global probs; probs += 1; print(base, ':', msg)
    for k in d.get('known_objects', []) or []:
        if k.lower() not in objn: bad('unknown known object ' + k)
    for c in d['success']:
        (key, val), = c.items()
        if key == 'near_place':
            if val.lower() not in plc: bad('unknown place ' + val)
            elif g.place_reachable(plc[val.lower()]) < 10: bad('place unreachable ' + val)
        elif key == 'near_object':
            if val['name'].lower() not in objn: bad('unknown object ' + val['name'])
            elif g.object_reachable(val['name'], val['within_m']) < 5: bad('object not reachable within %s' % val)
        elif key == 'near_point':
            x, y = val['at']
            cl = clearance(w, x, y)
            if cl < 0.2: bad('point %s clearance %.2f' % (val['at'], cl))
            if not g.reachable_xy(x, y) and g.point_reachable_within(x, y, val['within_m']) < 5: bad('point unreachable %s' % val)
        elif key in ('visited', 'not_visited'):
            for p in val:
                if p.lower() not in plc: bad('unknown place ' + p)
        elif key == 'stayed':
            if val['place'].lower() not in plc: bad('unknown place ' + val['place'])
    assert isinstance(d['tasks'], list) and all(isinstance(t, str) for t in d['tasks'])
print(len(files), 'files', probs, 'problems')
# motion: straight-line checks from start
for wp, w in worlds.items():
    sx, sy, th = w['robot']['start']
    print(os.path.basename(wp), 'start', (sx, sy, th), 'clearance %.2f' % clearance(w, sx, sy),
          'free fwd %.2f back %.2f left %.2f right %.2f' % tuple(ray_free(w, sx, sy, th + a) for a in (0, math.pi, math.pi/2, -math.pi/2)),
          'diag45 %.2f' % ray_free(w, sx, sy, th + math.pi/4))
