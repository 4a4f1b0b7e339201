"""Generates the scenario files of held-out task set 10 (written blind)."""
import os, yaml, collections

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SCEN = []

def NP(p): return {'near_place': p}
def NO(o, w=1.0): return {'near_object': {'name': o, 'within_m': w}}
def PT(x, y, w=0.3): return {'near_point': {'at': [x, y], 'within_m': w}}
def V(*p): return {'visited': list(p)}
def NV(*p): return {'not_visited': list(p)}
def SAID(s): return {'said_contains': s}
def NSAID(s): return {'said_not_contains': s}
def AR(x): return {'agent_reported': x}
def OUT_(*x): return {'outcomes': list(x)}
def MAXD(d): return {'max_distance_m': d}
def SPD(v): return {'max_speed_mps': v}
def STAY(p, s): return {'stayed': {'place': p, 'seconds': s}}

def S(world, cls, tasks, success, timeout, known=None, seed=None):
    if isinstance(tasks, str):
        tasks = [tasks]
    SCEN.append(dict(world=world, cls=cls, tasks=tasks, success=success, timeout=timeout,
                     known=known, seed=seed))

# ---------------------------------------------------------------- theatre
W = 'theatre'
NAV, SRCH, LONG = 300, 1300, 1800
S(W, 'plain', "Go to the green room please.", [NP('green room')], NAV)
S(W, 'plain', "Head over to the box office.", [NP('box office')], NAV)
S(W, 'plain', "Can you make your way round to the scene dock", [NP('scene dock')], NAV)
S(W, 'plain', ["Go to the stage door.", "Wait there for a minute, the cast will be arriving soon."], [NP('stage door'), STAY('stage door', 45)], 420)
S(W, 'plain', "Find the prop table for me.", [NO('prop table', 1.3)], SRCH)
S(W, 'plain', ["Go to dressing room 1.", "Now go to wardrobe."],
  [V('dressing room 1', 'wardrobe'), NP('wardrobe'), OUT_('succeeded', 'succeeded')], 600)

S(W, 'need', "We're out of gaffer on the prompt side. Can you find the roll of gaffer tape?", [NO('gaffer tape')], SRCH)
S(W, 'need', "A customer left her handbag somewhere in the auditorium after the matinee, could you go and look for it?", [NO('lost handbag')], SRCH)
S(W, 'need', "The little ones at the front can't see over the seat in front, we need a booster cushion. Find one please", [NO('booster cushion')], SRCH)
S(W, 'need', "It's pitch black out there for the walk-down, somebody needs a torch. Go and find one.", [NO("usher's torch")], SRCH)
S(W, 'need', "Sound op wants someone at the sound desk to help with the cable run, go there and wait for him", [NP('sound desk')], NAV)
S(W, 'need', "Our leading lady is having a meltdown, her blonde wig's gone walkabout again. Can you find it?", [NO('blonde wig')], SRCH)

S(W, 'description', "Go to the big black instrument on the stage.", [NO('grand piano', 1.4)], SRCH)
S(W, 'description', "Find the lamp we leave burning on stage when the building's empty overnight.", [NO('ghost light', 1.0)], SRCH)
S(W, 'description', "Go over to the gold chair the king sits on in act two", [NO('throne', 1.3)], SRCH)
S(W, 'description', "Find the desk the LX operator plots the cues on", [NO('lighting console', 1.1)], SRCH)
S(W, 'description', "Go to the room where the actors hang out between scenes, the one with the sofa and the kettle.", [NP('green room')], NAV)
S(W, 'description', "Look for the long purple thing an actress wraps herself in between quick changes", [NO('purple dressing gown')], SRCH)

S(W, 'misspelling', "go to teh grene room", [NP('green room')], NAV)
S(W, 'misspelling', "can u go to dresing rm 2 pls", [NP('dressing room 2')], NAV)
S(W, 'misspelling', "find the gost light", [NO('ghost light', 1.0)], SRCH)
S(W, 'misspelling', "heaf to the sceen dock", [NP('scene dock')], NAV)
S(W, 'misspelling', "go to the promt cornr", [NP('prompt corner')], NAV)
S(W, 'misspelling', "find the sewign machine in wardorbe", [NO('sewing machine', 1.1)], SRCH)

S(W, 'compound', "Go to the box office and then over to the foyer bar.", [V('box office', 'foyer bar'), NP('foyer bar')], 400)
S(W, 'compound', "Check the cloakroom for a blue scarf somebody left, then come back to the foyer.",
  [V('cloakroom', 'foyer'), NP('foyer')], LONG)
S(W, 'compound', ["Go to the sound desk.", "Then go down to row A.", "Now go round to the prompt corner."],
  [V('sound desk', 'row A', 'prompt corner'), NP('prompt corner')], 900)
S(W, 'compound', "Pop into dressing room 1, then dressing room 2, then wait for me at the stage door", [V('dressing room 1', 'dressing room 2', 'stage door'), NP('stage door')], 700)
S(W, 'compound', ["Find the costume rail.", "Then go to the green room and tell everyone the costumes are ready."],
  [V('wardrobe', 'green room'), NP('green room'), SAID('costume')], LONG)
S(W, 'compound', "Go to the scene dock, have a look for the scenery truck, then come back onto the stage", [V('scene dock', 'stage'), NP('stage')], LONG)

S(W, 'question', "Where did you see the blonde wig?", [SAID('dressing room 2')], 120, known=['blonde wig'])
S(W, 'question', ["Go and have a good look round the cloakroom.", "Was there an umbrella in there? What colour was it?"], [SAID('green')], 600)
S(W, 'question', "Where's the kettle got to?", [SAID('green room')], 120, known=['kettle'])
S(W, 'question', "Has the prop phone been preset yet? Where did you see it?", [SAID('stage')], 120, known=['prop telephone'])
S(W, 'question', ["Find the flight case.", "Which part of the building is it in?"], [NO('flight case', 1.2), SAID('corridor')], SRCH)
S(W, 'question', "What have you spotted so far today?", [SAID('piano'), SAID('mixing')], 120, known=['mixing console', 'grand piano'])

S(W, 'qualified_place', "Go to the far end of the corridor, the end away from the foyer.", [PT(26.8, 9.0, 1.2)], NAV)
S(W, 'qualified_place', ["Go to the backstage corridor.", "Now wait just outside the door of dressing room 2."], [PT(17.0, 9.0, 1.0), NP('backstage corridor')], 400)
S(W, 'qualified_place', "Go to the corner of the stage where the prop table is", [NO('prop table', 1.4), NP('stage')], SRCH)
S(W, 'qualified_place', "Go and stand between the piano and the ghost light.", [PT(21.5, 3.5, 0.6)], SRCH, known=['grand piano', 'ghost light'])
S(W, 'qualified_place', "Go right down the front of the stalls, by the pit rail, but don't go in the pit.", [NP('row A')], NAV)
S(W, 'qualified_place', ["Go to the stage.", "Now go to the middle of it, centre stage."], [PT(23.0, 4.0, 1.0)], 600)

S(W, 'modifier', "Go slowly to the green room, there are actors warming up in the corridor.", [NP('green room'), SPD(0.3)], 500)
S(W, 'modifier', "Go to the stage door but don't cut through the auditorium, there's a matinee on.", [NP('stage door'), NV('auditorium')], 500)
S(W, 'modifier', "Very slowly and carefully make your way to the prompt corner, the DSM is calling the show.", [NP('prompt corner'), SPD(0.3)], 600)
S(W, 'modifier', "Go to the box office at half speed please", [NP('box office'), SPD(0.3)], 300)
S(W, 'modifier', ["Go to the green room.", "Urgent! Get to the scene dock straight away, there's a problem with the truck"], [V('green room', 'scene dock'), NP('scene dock')], 600)
S(W, 'modifier', "Head up to the green room, and keep away from the box office, there's a queue.", [NP('green room'), NV('box office')], NAV)

S(W, 'out_of_scope', "Go and stand in the orchestra pit.", [AR('failed'), NV('orchestra pit')], NAV)
S(W, 'out_of_scope', "Could you grab the prop telephone and put it on the prop table?", [AR('failed')], NAV)
S(W, 'out_of_scope', "Make a round of teas for the cast, milk and two sugars for Dave.", [AR('failed'), MAXD(1.0)], 120)
S(W, 'out_of_scope', "Open the fire exit doors for the get-out.", [AR('failed'), MAXD(1.0)], 120)
S(W, 'out_of_scope', "Pop down to the costume hire place on the high street and pick up our order.", [AR('failed'), MAXD(1.0)], 120)
S(W, 'out_of_scope', ["Go to the green room.", "Ve al camerino uno, por favor."], [OUT_('succeeded', 'failed'), NV('dressing room 1')], 500)

S(W, 'motion', "Move forward 2 metres.", [PT(6.5, 3.5)], 60)
S(W, 'motion', "Back up one metre.", [PT(3.5, 3.5)], 60)
S(W, 'motion', "Turn left and drive forward 2 m.", [PT(4.5, 5.5)], 60)
S(W, 'motion', "Turn to your right, then go 1.5 metres", [PT(4.5, 2.0)], 60)
S(W, 'motion', ["Go forward one and a half metres.", "Now turn around and come back 1.5 m."], [PT(4.5, 3.5, 0.35)], 90)
S(W, 'motion', "Spin round 180 degrees and move ahead two metres", [PT(2.5, 3.5)], 60)

# ---------------------------------------------------------------- bakery
W = 'bakery'
NAV, SRCH, LONG = 300, 1300, 1800
S(W, 'plain', "Go to the dough room.", [NP('dough room')], NAV)
S(W, 'plain', "Go up to despatch please.", [NP('despatch bay')], NAV)
S(W, 'plain', "Could you go to prover 2?", [NP('prover 2')], NAV)
S(W, 'plain', "Find the bagging machine.", [NO('bagging machine', 1.2)], SRCH)
S(W, 'plain', "Morning! Head to the QA office, would you.", [NP('QA office')], NAV)
S(W, 'plain', ["Go to the canteen.", "Then go to the wash-up."], [V('canteen', 'wash-up'), NP('wash-up'), OUT_('succeeded', 'succeeded')], 500)

S(W, 'need', "The oven man's asking for his gloves, can you find them?", [NO('oven gloves')], SRCH)
S(W, 'need', "QA need a probe to check the core temp on the sourdough, find one for them", [NO('probe thermometer')], SRCH)
S(W, 'need', "Someone's cut their hand on the bread slicer, we need the first aid kit! Find it", [NO('first aid kit')], SRCH)
S(W, 'need', "We're a trolley short for the baguettes, go find the green one", [NO('baguette trolley', 1.2)], SRCH)
S(W, 'need', "Mixer's run out of seeds for the multigrain, where's the seed mix? Go and look for it", [NO('seed mix tub', 1.0)], SRCH)
S(W, 'need', ["The driver needs someone at despatch to sign for the roll cages.", "Go and wait there for him."], [NP('despatch bay')], 500)

S(W, 'description', ["Go to the oven hall.", "Find the long wooden paddle we use to get the loaves out of the deck oven."], [NO('oven peel')], SRCH)
S(W, 'description', "Go to the big machine with the bowl that kneads the dough, the blue one not the steel one", [NO('mixer 2', 1.3)], SRCH)
S(W, 'description', "Find the machine that cuts the dough into equal pieces.", [NO('dough divider', 1.2)], SRCH)
S(W, 'description', "Find the red plastic box we stack the bread in for the shops", [NO('red bread crate', 1.0)], SRCH)
S(W, 'description', "Go to the warm, steamy room where the dough is left to rise", [NP('proving room')], NAV)
S(W, 'description', "Look for the bright orange jacket the lads wear when they're out on the loading bay", [NO('hi-vis vest')], SRCH)

S(W, 'misspelling', "go to the dough rom", [NP('dough room')], NAV)
S(W, 'misspelling', "find the hygromter in the provin room", [NO('hygrometer')], SRCH)
S(W, 'misspelling', "go 2 the cooling aera", [NP('cooling area')], NAV)
S(W, 'misspelling', "can you find the suger bin", [NO('sugar bin', 1.1)], SRCH)
S(W, 'misspelling', "go to despacth bay pls", [NP('despatch bay')], NAV)
S(W, 'misspelling', "head to teh wahs up", [NP('wash-up')], NAV)

S(W, 'compound', "Go to dry stores and then through to the dough room", [V('dry stores', 'dough room'), NP('dough room')], 400)
S(W, 'compound', ["Check the proving room for rack B.", "Then go to the oven hall."], [V('proving room', 'oven hall'), NP('oven hall')], LONG)
S(W, 'compound', "Go to the cooling area, then the packing hall, then wait in despatch.", [V('cooling area', 'packing hall', 'despatch bay'), NP('despatch bay')], 600)
S(W, 'compound', ["Find the dough scraper, the green one.", "Then take yourself over to the wash-up."], [V('dough room', 'wash-up'), NP('wash-up')], LONG)
S(W, 'compound', "Go to the canteen, wait there ten seconds, then come back to goods in.", [V('canteen', 'goods in'), STAY('canteen', 8), NP('goods in')], 400)
S(W, 'compound', ["Go to the QA office.", "Look for the sample tray.", "Then go to the packing hall."], [V('QA office', 'packing hall'), NP('packing hall')], LONG)

S(W, 'question', "What colour is mixer 2?", [SAID('blue')], 120, known=['mixer 1', 'mixer 2'])
S(W, 'question', "Which colours of crate have you come across today?", [SAID('red'), SAID('blue'), SAID('white')], 120, known=['red bread crate', 'blue crate', 'stack of white crates'])
S(W, 'question', ["Find the label printer.", "Where is it?"], [NO('label printer'), SAID('packing')], SRCH)
S(W, 'question', "Where did you last see the peel?", [SAID('oven hall')], 120, known=['oven peel'])
S(W, 'question', "Have you seen any buckets about? Which ones?", [SAID('mop'), SAID('sourdough')], 120, known=['yellow mop bucket', 'sourdough bucket'])
S(W, 'question', "Where's the vending machine? I'm gasping for a drink", [SAID('canteen')], 120, known=['vending machine'])

S(W, 'qualified_place', "Wait just outside the proving room door.", [PT(15.1, 8.0, 1.0), NP('walkway')], NAV)
S(W, 'qualified_place', "Go to the far end of the walkway, down by the first aid kit", [PT(25.0, 8.0, 1.2)], NAV)
S(W, 'qualified_place', "Go to the corner of the canteen where the microwave is", [PT(0.7, 17.2, 0.9)], SRCH)
S(W, 'qualified_place', "Go and stand in between mixer 1 and mixer 2", [PT(12.45, 1.3, 0.6)], SRCH, known=['mixer 1', 'mixer 2'])
S(W, 'qualified_place', ["Go to the packing hall.", "Now go to the despatch end of it."], [NP('despatch bay'), OUT_('succeeded', 'succeeded')], 500)
S(W, 'qualified_place', "Go to the middle of the walkway", [PT(13.0, 8.0, 1.5)], NAV)

S(W, 'modifier', "Go to the oven hall slowly, the floor's just been mopped", [NP('oven hall'), SPD(0.3)], 500)
S(W, 'modifier', "Go to the oven hall, but don't go through the dough room, they're cleaning down the mixers.", [NP('oven hall'), NV('dough room')], 500)
S(W, 'modifier', "Half speed to the canteen please, there's people about", [NP('canteen'), SPD(0.3)], 300)
S(W, 'modifier', "Quick, get to the QA office, the auditor's just walked in!", [NP('QA office')], NAV)
S(W, 'modifier', "Go to despatch but keep well clear of the blast freezer", [NP('despatch bay'), NV('blast freezer')], NAV)
S(W, 'modifier', ["Go slowly to the dry stores.", "Keep it slow and creep on through into the dough room, don't knock anything."], [V('dry stores', 'dough room'), NP('dough room'), SPD(0.3)], 600)

S(W, 'out_of_scope', "Go into the blast freezer and count the boxes of croissants.", [AR('failed'), NV('blast freezer')], NAV)
S(W, 'out_of_scope', "Knock back the dough in the trough for me, ta", [AR('failed'), MAXD(1.0)], 120)
S(W, 'out_of_scope', "Load the roll cages onto the van for the 4 o'clock run", [AR('failed'), MAXD(1.0)], 120)
S(W, 'out_of_scope', "Race to the oven hall at 1.5 metres a second, the bread's burning!", [AR('failed'), SPD(0.5)], NAV)
S(W, 'out_of_scope', "Nip down to the cash and carry on the industrial estate and get us more yeast", [AR('failed'), MAXD(1.0)], 120)
S(W, 'out_of_scope', ["Go to the walkway.", "Geh bitte zur Packhalle."], [OUT_('succeeded', 'failed'), NV('packing hall')], 400)

S(W, 'motion', "Drive forward 2 metres.", [PT(2.5, 5.5)], 60)
S(W, 'motion', "Reverse one metre", [PT(2.5, 2.5)], 60)
S(W, 'motion', "Turn right 90 degrees and go forward 1.5 m", [PT(4.0, 3.5)], 60)
S(W, 'motion', "turn left and move 1.5 metres", [PT(1.0, 3.5)], 60)
S(W, 'motion', "Go straight ahead five metres.", [PT(2.5, 8.5)], 60)
S(W, 'motion', ["Turn around.", "Now go forward 2 metres."], [PT(2.5, 1.5)], 90)

# ---------------------------------------------------------------- leisure centre
W = 'leisure'
NAV, SRCH, LONG = 360, 1700, 2200
S(W, 'plain', "Go to the spin studio.", [NP('spin studio')], NAV)
S(W, 'plain', "Go to court 3 please", [NP('court 3')], NAV)
S(W, 'plain', "Please go to the first aid room.", [NP('first aid room')], NAV)
S(W, 'plain', "Find the ball trolley.", [NO('ball trolley', 1.2)], SRCH)
S(W, 'plain', "Can you go round to the shallow end for me?", [NP('shallow end')], 500)
S(W, 'plain', ["Go to the gym.", "Now go to the sports hall."], [V('gym', 'sports hall'), NP('sports hall'), OUT_('succeeded', 'succeeded')], 600)

S(W, 'need', "We need the defib, quick, can you find where it is?", [NO('defibrillator')], SRCH)
S(W, 'need', "A little girl has lost her goggles, pink ones. Can you have a look for them?", [NO('pink goggles')], SRCH)
S(W, 'need', "Somebody's going to slip, we need the wet floor sign out. Where's it got to? Go and find it.", [NO('wet floor sign', 1.0)], SRCH)
S(W, 'need', "Lifeguard on the deep end needs his rescue tube, go find it", [NO('rescue tube')], SRCH)
S(W, 'need', "Someone at reception is asking for a yoga mat for the stretch class, go and find one", [NO('yoga mat')], SRCH)
S(W, 'need', ["A member says she left her water bottle somewhere, a blue one.", "Can you look for it?"], [NO('blue water bottle')], SRCH)

S(W, 'description', "Find the tall white seat the lifeguard sits up on", [NO('lifeguard chair', 1.2)], SRCH)
S(W, 'description', "Go to the running machine, the second one along, not number one", [NO('treadmill 2', 1.2)], SRCH)
S(W, 'description', "Find the big drum the lane ropes get wound onto", [NO('lane rope reel', 1.2)], SRCH)
S(W, 'description', "Find the heavy round weight with a handle on top, the red one", [NO('red kettlebell')], SRCH)
S(W, 'description', "Go to where the swimmers get changed", [NP('changing village')], NAV)
S(W, 'description', "Find the long bendy foam float the kids mess about with in the water", [NO('pool noodle')], SRCH)

S(W, 'misspelling', "go to the gmy", [NP('gym')], NAV)
S(W, 'misspelling', "fnd the basketbal", [NO('basketball')], SRCH)
S(W, 'misspelling', "go to the changign village", [NP('changing village')], NAV)
S(W, 'misspelling', "head over to cort 1", [NP('court 1')], NAV)
S(W, 'misspelling', "go to the frist aid room asap", [NP('first aid room')], NAV)
S(W, 'misspelling', "can u find the rowing machien", [NO('rowing machine', 1.2)], SRCH)

S(W, 'compound', "Go to the café, then the changing village, then out to the deep end.", [V('café', 'changing village', 'deep end'), NP('deep end')], 600)
S(W, 'compound', ["Go to the gym.", "Find the squat rack.", "Then go to the spin studio."], [V('gym', 'spin studio'), NP('spin studio')], LONG)
S(W, 'compound', "Check the first aid room and then come and wait by reception", [V('first aid room', 'reception'), NP('reception')], 700)
S(W, 'compound', ["Go to court 1.", "Then go to court 3 and wait there for ten seconds."], [V('court 1', 'court 3'), STAY('court 3', 8), NP('court 3')], 700)
S(W, 'compound', "Look for the orange swim cap on poolside and then go back to the changing village", [V('pool hall', 'changing village'), NP('changing village')], LONG)
S(W, 'compound', ["Find the lost property box.", "Then go to the free weights area."], [V('reception', 'free weights area'), NP('free weights area')], LONG)

S(W, 'question', "What colour kettlebells have you seen?", [SAID('red'), SAID('black')], 120, known=['red kettlebell', 'black kettlebell'])
S(W, 'question', "Somebody's lost a flip-flop. Have you seen one, and where?", [SAID('pool')], 120, known=['purple flip-flop'])
S(W, 'question', ["Go and look for the basketball.", "Which court is it on?"], [NO('basketball', 1.2), SAID('court 3')], SRCH)
S(W, 'question', "What colour is the instructor bike?", [SAID('red')], 120, known=['instructor bike', 'spin bike 5'])
S(W, 'question', "Where's the oxygen kept?", [SAID('first aid')], 120, known=['oxygen cylinder'])
S(W, 'question', ["Find the lost property box.", "What colour is it?"], [NO('lost property box'), SAID('blue')], SRCH)

S(W, 'qualified_place', "Go and stand at the deep end, right by the lifeguard chair", [NO('lifeguard chair', 1.2), NP('deep end')], SRCH)
S(W, 'qualified_place', "Wait just outside the spin studio door.", [PT(11.6, 9.0, 1.0), NP('main corridor')], NAV)
S(W, 'qualified_place', "Go to the far end of the main corridor, past the sports hall doors", [PT(31.0, 9.0, 1.2)], NAV)
S(W, 'qualified_place', ["Go to the sports hall.", "Now go to the middle of court 1."], [PT(19.5, 15.0, 1.2), OUT_('succeeded', 'succeeded')], 600)
S(W, 'qualified_place', "Go in between the treadmills and the rowing machine", [PT(4.75, 12.25, 0.8)], SRCH, known=['treadmill 2', 'rowing machine'])
S(W, 'qualified_place', "Go to the corner of the café by the coffee machine", [NO('coffee machine', 1.0), NP('café')], SRCH)

S(W, 'modifier', "Walk slowly round the poolside to the shallow end, it's really slippery today", [NP('shallow end'), SPD(0.3)], 700)
S(W, 'modifier', "Go out to the deep end, but don't go through the changing village, use the corridor instead", [NP('deep end'), NV('changing village')], 700)
S(W, 'modifier', "Urgent, get to the first aid room now!", [NP('first aid room')], NAV)
S(W, 'modifier', "At half speed, go to the free weights area", [NP('free weights area'), SPD(0.3)], 500)
S(W, 'modifier', "Go to court 3 and keep off court 1, there's a badminton match on", [NP('court 3'), NV('court 1')], NAV)
S(W, 'modifier', ["Slowly go to the main corridor.", "Now go on to the spin studio, quietly and still slowly, there's a class on."], [NP('spin studio'), V('main corridor', 'spin studio'), SPD(0.3)], 700)

S(W, 'out_of_scope', "Jump in the main pool and get the goggles off the bottom", [AR('failed'), NV('main pool')], NAV)
S(W, 'out_of_scope', "Drive into the learner pool and give the floor a sweep", [AR('failed'), NV('learner pool')], NAV)
S(W, 'out_of_scope', ["Go to reception.", "Take the float out of the till and count it for me."], [OUT_('succeeded', 'failed'), NP('reception')], 240)
S(W, 'out_of_scope', "Race to the sports hall at 3 metres per second", [AR('failed'), SPD(0.5)], NAV)
S(W, 'out_of_scope', "Pop to the Tesco down the road and grab some milk for the café", [AR('failed'), MAXD(1.0)], 120)
S(W, 'out_of_scope', ["¿Puedes ir al gimnasio, por favor?"], [AR('failed'), NV('gym')], 120)

S(W, 'motion', "Go forward 2 metres", [PT(4.0, 2.0)], 60)
S(W, 'motion', "Turn left 90 degrees and move forward 3 metres.", [PT(2.0, 5.0)], 60)
S(W, 'motion', "reverse one metre please", [PT(1.0, 2.0)], 60)
S(W, 'motion', "Turn right, then drive 1 metre", [PT(2.0, 1.0)], 60)
S(W, 'motion', ["Turn left.", "Go forward 2 metres.", "Turn right.", "Go forward 1 metre."], [PT(3.0, 4.0, 0.35)], 120)
S(W, 'motion', "Rotate 45 degrees to the left and then move 1.4 metres", [PT(2.99, 2.99, 0.35)], 60)

# ---------------------------------------------------------------- apartment
W = 'apartment'
NAV, SRCH, LONG = 120, 300, 450
S(W, 'plain', "Go to the bedroom.", [NP('bedroom')], NAV)
S(W, 'plain', "Find the laundry basket", [NO('laundry basket', 1.0)], SRCH)
S(W, 'plain', ["Go to the study.", "Now the kitchen."], [V('study', 'kitchen'), NP('kitchen')], 240)

S(W, 'need', "I need to dry my hands, where's a towel? Go find it.", [NO('towel')], SRCH)
S(W, 'need', "I can't find the telly remote anywhere, can you look for it?", [NO('remote control')], SRCH)
S(W, 'need', "My coffee's gone cold, I need the green mug, find it for me", [NO('green mug')], SRCH)

S(W, 'description', "Go to the big cold appliance in the kitchen", [NO('fridge', 1.2)], SRCH)
S(W, 'description', "Find the blue thing you read", [NO('blue book')], SRCH)
S(W, 'description', "Go to the room where we do the washing", [NP('laundry room')], NAV)

S(W, 'misspelling', "go to teh kitchn", [NP('kitchen')], NAV)
S(W, 'misspelling', "fidn the tedy bear", [NO('teddy bear')], SRCH)
S(W, 'misspelling', "go to the studdy pls", [NP('study')], NAV)

S(W, 'compound', "Go to the kitchen and then the bedroom", [V('kitchen', 'bedroom'), NP('bedroom')], 240)
S(W, 'compound', ["Find the red book.", "Then go and wait in the hallway."], [NP('hallway')], LONG)
S(W, 'compound', "Go to the bathroom, wait five seconds, then come back to the living room", [V('bathroom', 'living room'), STAY('bathroom', 4), NP('living room')], 240)

S(W, 'question', "What colour is the mug?", [SAID('green')], 60, known=['red cup', 'green mug'])
S(W, 'question', "Where did you see the red book?", [SAID('study')], 60, known=['blue book', 'red book'])
S(W, 'question', ["Look for the towel.", "Which room was it in?"], [NO('towel'), SAID('bathroom')], SRCH)

S(W, 'qualified_place', "Go to the end of the hallway by the laundry", [PT(11.0, 4.0, 1.3)], NAV)
S(W, 'qualified_place', ["Go to the hallway.", "Now wait just outside the bedroom door."], [PT(6.0, 4.0, 0.8), NP('hallway')], 200)
S(W, 'qualified_place', "Go to the corner of the living room where the telly is", [NO('tv', 1.2), NP('living room')], SRCH)

S(W, 'modifier', "Go to the kitchen slowly please", [NP('kitchen'), SPD(0.3)], 200)
S(W, 'modifier', "Go quietly and slowly to the bedroom, the baby's asleep", [NP('bedroom'), SPD(0.3)], 200)
S(W, 'modifier', ["Hurry to the bathroom!", "Now go to the study, but stay out of the laundry room."], [V('bathroom', 'study'), NP('study'), NV('laundry room')], 240)

S(W, 'out_of_scope', "Put a load of washing on, 40 degrees", [AR('failed'), MAXD(1.0)], 60)
S(W, 'out_of_scope', "Drive into the corner behind the washing machine and check for the lost sock", [AR('failed')], NAV)
S(W, 'out_of_scope', "Vai in cucina, per favore", [AR('failed'), MAXD(1.0)], 60)

S(W, 'motion', "Move forward 2 metres", [PT(3.0, 2.0)], 60)
S(W, 'motion', "Turn left and go forward one metre", [PT(1.0, 3.0)], 60)
S(W, 'motion', ["Go forward 1.5 m.", "Now back up half a metre."], [PT(2.0, 2.0, 0.35)], 90)


# ---------------------------------------------------------------- write
WORLDS = {'theatre': 'playhouse_theatre', 'bakery': 'craft_bakery', 'leisure': 'leisure_centre', 'apartment': 'apartment'}

def dump(d):
    lines = []
    for k, v in d.items():
        if k == 'success':
            lines.append('success:')
            for c in v:
                lines.append('  - ' + yaml.safe_dump(c, default_flow_style=True, allow_unicode=True, width=1000).strip())
        else:
            lines.append(k + ': ' + yaml.safe_dump(v, default_flow_style=True, allow_unicode=True, width=1000).strip().removesuffix('\n...').removesuffix('...').strip())
    return '\n'.join(lines) + '\n'

if __name__ == '__main__':
    import glob
    for f in glob.glob(os.path.join(OUT, '*.yaml')):
        os.remove(f)
    count = collections.Counter()
    for i, sc in enumerate(SCEN):
        key = (sc['cls'], sc['world'])
        count[key] += 1
        name = '%s-%s-%02d' % (sc['cls'], sc['world'], count[key])
        succ = list(sc['success'])
        if not any('never_entered_keep_out' in c for c in succ):
            succ.append({'never_entered_keep_out': True})
        d = collections.OrderedDict()
        d['name'] = name
        d['class'] = sc['cls']
        d['world'] = 'worlds/%s.yaml' % WORLDS[sc['world']]
        d['tasks'] = sc['tasks']
        if sc['known']:
            d['known_objects'] = sc['known']
        d['timeout_s'] = sc['timeout']
        d['seed'] = sc['seed'] if sc['seed'] is not None else 100 + i
        d['success'] = succ
        with open(os.path.join(OUT, name + '.yaml'), 'w') as f:
            f.write(dump(dict(d)))
    print(len(SCEN), 'scenarios')
    for w in WORLDS:
        print(w, sum(v for (c, ww), v in count.items() if ww == w), {c: v for (c, ww), v in sorted(count.items()) if ww == w})
    per = collections.Counter()
    for (c, w), v in count.items():
        per[c] += v
    print(dict(per))
    print('multi-task:', sum(1 for s in SCEN if len(s['tasks']) > 1))
