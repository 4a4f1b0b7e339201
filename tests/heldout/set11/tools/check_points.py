import sys,glob,yaml; sys.path.insert(0,'/work/set11-out/tools')
from geom import *
G={}; W={}
for f in ('studio','bowling'):
    W[f]=load(f'/work/set11-out/worlds/{f}.yaml'); G[f]=Grid(W[f],0.18)
bad=0
for sf in sorted(glob.glob('/work/set11-out/*.yaml')):
    d=yaml.safe_load(open(sf)); wn='studio' if 'studio' in d['world'] else 'bowling'; g=G[wn]; w=W[wn]
    for c in d['success']:
        if 'near_point' in c:
            (x,y),r=c['near_point']['at'],c['near_point']['within_m']
            n=g.point_reachable_within(x,y,r)
            if n==0 or (d['class']=='motion' and clearance(w,x,y)<0.2): print('BAD',sf,x,y,n,clearance(w,x,y)); bad+=1
        if 'near_place' in c and g.place_reachable(c['near_place'])<20: print('BADP',sf); bad+=1
        if 'near_object' in c and g.object_reachable(c['near_object']['name'],c['near_object']['within_m'])<3: print('BADO',sf); bad+=1
    for k in d.get('known_objects',[]): assert find_obj(w,k),(sf,k)
print('bad',bad)
