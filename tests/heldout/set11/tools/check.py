import sys; sys.path.insert(0,'/work/set11-out/tools')
from geom import *
for f in ('studio','bowling'):
    w=load(f'/work/set11-out/worlds/{f}.yaml'); g=Grid(w,0.2)
    print(f, world_checks(w))
    for p in w['places']: 
        n=g.place_reachable(p)
        if n<20: print(' place',p,n)
    for o in w['objects']:
        n=g.object_reachable(o['name'],o.get('size',.2)/2+0.8)
        if n<5: print(' obj',o['name'],n)
