import yaml, math, os
OUT='/work/set11-out'
def R(x0,y0,x1,y1): return {'polygon':[[x0,y0],[x1,y0],[x1,y1],[x0,y1]]}
def O(n,c,at,size=0.2,col=None,solid=True):
    d={'name':n,'class':c}
    if col: d['color']=col
    d['at']=list(at); d['size']=size
    if not solid: d['solid']=False
    return d
studio={'name':'recording_studio','size':[24.0,16.0],'resolution':0.05,
'walls':[[0,0,24,0],[24,0,24,16],[24,16,0,16],[0,16,0,0],
 [0,7,1.5,7],[2.7,7,6,7],[7,7,14,7],[15.2,7,20.5,7],[21.5,7,24,7],
 [5,0,5,7],[11,0,11,7],[19,0,19,7],
 [0,9,2,9],[3,9,8,9],[9,9,13,9],[14.2,9,18,9],[19,9,20,9],
 [6,9,6,16],[11,9,11,16],[17,9,17,16],[20,9,20,16]],
'places':{'lobby':R(0,0,5,7),'control room a':R(5,0,11,7),'live room a':R(11,0,19,7),
 'iso 1':R(16.8,0,19,2.5),'iso 2':R(11,0,13.2,2.5),'machine room':R(19,0,24,7),'hallway':R(0,7,24,9),
 'green room':R(0,9,6,16),'control room b':R(6,9,11,16),'studio b':R(11,9,17,16),
 'vocal booth':R(15,13.5,17,16),'tape vault':R(17,9,20,16),'loading bay':R(20,9,24,16)},
'objects':[O('reception desk','desk',(4,1),1.0),O('lobby sofa','sofa',(1,6),1.0,'grey'),
 O('water cooler','water cooler',(4.3,6.2),0.4,'blue'),O('SSL console','mixing console',(8,3.5),1.4,'grey'),
 O("producer's couch",'sofa',(8,0.9),0.8,'brown'),O('patch bay','patch bay',(10.2,5.5),0.5,'black'),
 O('red headphones','headphones',(6.5,2),0.2,'red',False),O('coffee mug','mug',(9.5,2.2),0.1,'white',False),
 O('drum kit','drum kit',(13.5,4.5),1.2,'silver'),O('grand piano','piano',(17,5.2),1.4,'black'),
 O('guitar amp','amplifier',(12,4.5),0.5,'black'),O('bass amp','amplifier',(18,1.2),0.5,'silver'),
 O('ribbon mic','microphone',(12,1.2),0.2,'silver',False),O('acoustic guitar','guitar',(15,2),0.4,'brown',False),
 O('orange extension lead','cable',(16,0.6),0.3,'orange',False),O('server rack','rack',(21.8,1.8),0.8,'black'),
 O('UPS unit','ups',(23,5.5),0.6,'grey'),O('mop bucket','bucket',(4,8.3),0.3,'yellow',False),
 O('green room sofa','sofa',(1,15),1.0,'green'),O('fridge','fridge',(5.2,15.2),0.6,'white'),
 O('coffee machine','coffee machine',(3.5,15.2),0.5,'silver'),O('pizza box','box',(2.5,12),0.4,'white',False),
 O('purple hoodie','hoodie',(4.5,11),0.3,'purple',False),O('Neve console','mixing console',(8.5,13),1.2,'blue'),
 O('grey headphones','headphones',(7,10.5),0.2,'grey',False),O('MPC sampler','sampler',(10,15),0.3,'black',False),
 O('upright piano','piano',(12.2,14.8),1.0,'brown'),O('vocal mic','microphone',(16,14.8),0.2,'gold',False),
 O('red electric guitar','guitar',(14,11),0.4,'red',False),O('tape shelf','shelf',(18.5,15),0.8,'grey'),
 O('master tape box','box',(18.3,11),0.3,'blue',False),O('flight case','case',(22.5,12),0.8,'black'),
 O('hand truck','trolley',(23,15),0.6,'yellow'),O('green cable reel','cable',(21,10.3),0.4,'green',False)],
'keep_out':[[[20,0.3],[23.7,0.3],[23.7,3.5],[20,3.5]]],
'robot':{'start':[2.5,3.5,0.0],'radius':0.18,'max_linear':0.5,'max_angular':1.5}}
bowl={'name':'bowling_alley','size':[28.0,18.0],'resolution':0.05,
'walls':[[0,0,28,0],[28,0,28,18],[28,18,0,18],[0,18,0,0],
 [0,6,6,6],[6,6,6,8],[6,9,6,11],[0,11,6,11],[6,11,6,14],[6,15,6,18],
 [14,14,28,14],[22,14,22,15.5],[22,16.5,22,18]],
'places':{'front desk':R(0,0,6,6),'pro shop':R(0,6,6,11),'party room':R(0,11,6,18),
 'concourse':R(6,0,14,13),'arcade':{'center':[10,10.5],'radius':1.8},'snack bar':R(6,13,12,18),
 'lanes 1-2':R(14,0,18.6,3.5),'lanes 3-4':R(14,3.5,18.6,7),'lanes 5-6':R(14,7,18.6,10.5),
 'lanes 7-8':R(14,10.5,18.6,14),'staff corridor':R(12,14,22,18),'ball storage':{'center':[17,16.3],'radius':1.2},
 "mechanic's shop":R(22,14,28,18)},
'objects':[O('front counter','counter',(3,3.5),1.2,'brown'),O('shoe rack','shelf',(1,5.0),0.8,'brown'),
 O('shoe spray','spray can',(4.5,1.2),0.1,'blue',False),O('lost property box','box',(1,1),0.5,'brown'),
 O('drill press','drill press',(1.2,7.2),0.7,'grey'),O('ball display rack','shelf',(3,10.0),0.8,'white'),
 O('purple urethane ball','bowling ball',(4.5,7.5),0.25,'purple',False),O('wrist support','glove',(2,9),0.15,'black',False),
 O('party table','table',(3,14.5),1.4,'white'),O('helium balloons','balloon',(1,17),0.4,'pink',False),
 O('pizza boxes','box',(5,12),0.4,'white',False),O('claw machine','arcade machine',(9,12),0.8,'pink'),
 O('racing game','arcade machine',(11.5,9.5),0.8,'red'),O('air hockey table','table',(8.3,9),1.0,'blue'),
 O('concourse bench','bench',(12,1.2),0.8,'grey'),O('trash can','bin',(6.7,12.5),0.4,'grey'),
 O('ball return 1-2','ball return',(15.5,1.75),0.7,'black'),O('ball return 3-4','ball return',(15.5,5.25),0.7,'black'),
 O('ball return 5-6','ball return',(15.5,8.75),0.7,'black'),O('ball return 7-8','ball return',(15.5,12.25),0.7,'black'),
 O('green bowling ball','bowling ball',(17,2.5),0.25,'green',False),O('orange house ball','bowling ball',(16.8,9.5),0.25,'orange',False),
 O('blue bowling shoes','shoes',(14.5,6.2),0.3,'blue',False),O('red bowling shoes','shoes',(17.2,12.8),0.3,'red',False),
 O('black wallet','wallet',(13.2,6),0.15,'black',False),O('snack counter','counter',(9,16.8),1.2,'brown'),
 O('slushie machine','slushie machine',(11.3,17.3),0.5,'blue'),O('popcorn machine','popcorn machine',(6.8,17.2),0.5,'red'),
 O('cafe table','table',(9,14.5),0.8,'white'),O('ketchup bottle','bottle',(10.5,15.2),0.1,'red',False),
 O('mop bucket','bucket',(14,16),0.3,'yellow',False),O('ball storage rack','shelf',(17,17.0),0.8,'black'),
 O('workbench','workbench',(25,16.9),1.0,'brown'),O('parts bin','box',(27,15),0.6,'blue'),
 O('lane machine','lane machine',(23.5,15),0.8,'silver'),O('red toolbox','toolbox',(26,15.2),0.3,'red',False)],
'keep_out':[[[18.8,0.2],[27.8,0.2],[27.8,13.8],[18.8,13.8]]],
'robot':{'start':[8.0,2.0,1.5708],'radius':0.18,'max_linear':0.5,'max_angular':1.5}}
for w,f in ((studio,'studio'),(bowl,'bowling')):
    yaml.safe_dump(w,open(f'{OUT}/worlds/{f}.yaml','w'),sort_keys=False,default_flow_style=None,width=200)
