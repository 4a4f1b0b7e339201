import sys, math
sys.path.insert(0, '.')
from geom import *
for wn in ['playhouse_theatre', 'craft_bakery', 'leisure_centre', 'apartment']:
    w = load('../worlds/%s.yaml' % wn)
    g = Grid(w)
    print('==', wn, 'places', len(w['places']), 'objects', len(w['objects']))
    for p in world_checks(w): print('  WARN', p)
    for name in w['places']:
        n = g.place_reachable(name)
        if n < 20: print('  place %s reachable cells %d' % (name, n))
        pl = w['places'][name]
        for q in pl.get('polygon', []):
            if not (0 <= q[0] <= w['size'][0] and 0 <= q[1] <= w['size'][1]): print('  place out', name)
    for o in w['objects']:
        x, y = o['at']
        d = min(rect_dist(x, y, s) for s in w['walls'])
        if d < o.get('size', .2) / 2 + 0.02: print('  object in wall', o['name'])
        n = g.object_reachable(o['name'], o.get('size', .2) / 2 + 0.6)
        if n == 0: print('  object not reachable within size/2+0.6', o['name'])
        # which place
        inp = [k for k, v in w['places'].items() if in_place(x, y, v)]
        if not inp: print('  object in no place', o['name'])
    render(w, g, '/tmp/%s.png' % wn)
