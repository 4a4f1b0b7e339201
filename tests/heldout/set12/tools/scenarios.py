"""The 180 scenarios of held-out set 12, as data. gen.py turns them into yaml files.

Each entry: (tasks, success criteria, options). never_entered_keep_out is added to every
scenario by gen.py. Options: known (known_objects), timeout (overrides the estimate),
search (True when the robot has to look for something it has not seen: long timeout),
at (for near_point: the place the point is meant to be in).
"""


def place(p):
    return {"near_place": p}


def obj(name, r=1.2):
    return {"near_object": {"name": name, "within_m": r}}


def point(x, y, r):
    return {"near_point": {"at": [x, y], "within_m": r}}


def visited(*ps):
    return {"visited": list(ps)}


def avoid(*ps):
    return {"not_visited": list(ps)}


def said(s):
    return {"said_contains": s}


def speed(v):
    return {"max_speed_mps": v}


def stayed(p, s):
    return {"stayed": {"place": p, "seconds": s}}


def maxd(d):
    return {"max_distance_m": d}


FAILED = {"agent_reported": "failed"}


def S(tasks, success, **opt):
    if isinstance(tasks, str):
        tasks = [tasks]
    return {"tasks": tasks, "success": success, **opt}


REFUSE = [FAILED, maxd(1.0)]

# --------------------------------------------------------------------------------------
# Millbrook Makerspace. Robot parked on the main floor at (12, 5.5) facing north (+y).
# --------------------------------------------------------------------------------------
MAKERSPACE = {
    "plain": [
        S("Go to the woodshop.", [place("woodshop")]),
        S("Can you head over to the electronics room please?", [place("electronics room")]),
        S("member storage", [place("member storage")]),
        S("Hiya, could you take yourself off to the metal shop? Ta.", [place("metal shop")]),
        S(["Go to the kitchen.", "Right, now the laser room please."],
          [visited("kitchen", "laser room"), place("laser room")]),
        S("Please you go to textile room, I meet you there.", [place("textiles room")]),
    ],
    "need": [
        S("I've just nicked my thumb on a chisel and it won't stop bleeding, I need a plaster!",
          [obj("first aid kit", 1.0)], search=True),
        S("My print's run out of filament halfway up. Where are the spare spools kept? Take me there.",
          [obj("filament shelf", 1.2)], search=True),
        S("I need to cut twenty little keyrings out of a sheet of 3 mm acrylic. Show me where I can do that.",
          [place("laser room")]),
        S("I'm taking up a pair of curtains and I need a proper machine to hem them on.",
          [place("textiles room")]),
        S("About to put some oak through the planer, I need ear defenders and a dust mask first.",
          [obj("PPE cabinet", 1.2)], search=True),
        S("Been sanding all afternoon and I'm gasping for a brew.", [place("kitchen")]),
    ],
    "description": [
        S("Take me to the noisy room with the big saws, the one where everything's covered in sawdust.",
          [place("woodshop")]),
        S("Go to that big machine that spins a metal bar round so you can cut it down to size.",
          [obj("lathe", 1.5)], search=True),
        S("Find the sewing machine thingy that trims the edge off and stitches over it at the same time.",
          [obj("overlocker", 1.2)], search=True),
        S("Go to the little back room where people have their lockers and leave their half-finished projects.",
          [place("member storage")]),
        S("Can you go and stand by the headless dummy we pin dresses on?",
          [obj("dress form", 1.2)], search=True),
        S("Go and wait on the comfy bit of the main floor, where the sofa is.",
          [place("chill-out corner")]),
    ],
    "misspelling": [
        S("go to the wood shpo", [place("woodshop")]),
        S("take me to the elctronics room pls", [place("electronics room")]),
        S("lazer room", [place("laser room")]),
        S("Go to the textlies rooom", [place("textiles room")]),
        S("can u go to the 3d printng area", [place("3D printing area")]),
        S("Head to the mettal shop,thanks", [place("metal shop")]),
    ],
    "compound": [
        S("Go to the electronics room and then carry on through to the textiles room.",
          [visited("electronics room", "textiles room"), place("textiles room")]),
        S("Find the yellow cordless drill and wait next to it until I get there.",
          [obj("yellow cordless drill", 1.0)], search=True),
        S("Go into the woodshop, through to the metal shop, and then back out onto the main floor.",
          [visited("woodshop", "metal shop", "main floor"), place("main floor")]),
        S("Go to the laser room and tell me what colour the laser cutter is.",
          [place("laser room"), said("red")]),
        S("Nip into the kitchen and see if the kettle's there, then go and wait in the lobby.",
          [visited("kitchen", "lobby"), place("lobby"), said("kettle")]),
        S(["Go to member storage and wait there for 20 seconds.", "Then go to the 3D printing area."],
          [stayed("member storage", 20), visited("member storage", "3D printing area"),
           place("3D printing area")]),
    ],
    "question": [
        S("Have you seen the yellow drill anywhere? Someone's not put it back.",
          [said("woodshop"), maxd(1.0)], known=["yellow cordless drill"]),
        S("Somebody's lost a pair of safety glasses. Did you spot them on your rounds?",
          [said("electronics"), maxd(1.0)], known=["orange safety glasses"]),
        S("There's a hoodie been left lying about for a week. What colour is it?",
          [said("green"), maxd(1.0)], known=["green hoodie"]),
        S(["Go and have a look in the textiles room.", "What colour is the sewing machine in there?"],
          [visited("textiles room"), said("white")]),
        S("What did you see in the kitchen?",
          [said("kettle"), said("fridge"), said("tape measure"), maxd(1.0)],
          known=["kettle", "fridge", "microwave", "tape measure"]),
        S(["Have a look round the metal shop.", "What colour's the pillar drill?"],
          [visited("metal shop"), said("red")], timeout=240),
    ],
    "qualified_place": [
        S("Wait just inside the woodshop doors.", [point(10.5, 16.0, 1.0)], at="woodshop"),
        S("Park yourself between the two workbenches.", [point(14.85, 10.5, 1.0)], at="main floor"),
        S("Go right to the far end of the laser room, away from the door.",
          [point(28.8, 3.0, 1.5)], at="laser room"),
        S("Go to the corner of the kitchen where the fridge is.", [point(1.3, 7.9, 1.0)], at="kitchen"),
        S("Wait outside the laser room door, on the main floor side. Don't go in.",
          [point(20.8, 5.2, 1.0), avoid("laser room")], at="main floor"),
        S("Go and stand in front of the component drawers in the electronics room.",
          [point(24.0, 10.5, 1.0)], at="electronics room"),
    ],
    "modifier": [
        S("Go to the woodshop, slowly please, people are working in there.",
          [place("woodshop"), speed(0.3)]),
        S("Drive to the electronics room at 0.2 metres per second.",
          [place("electronics room"), speed(0.25)]),
        S("Go to the textiles room but keep out of the 3D printing area, we're calibrating the printers.",
          [place("textiles room"), avoid("3D printing area")]),
        S("Get to member storage without going through the metal shop, someone's welding.",
          [place("member storage"), avoid("metal shop")]),
        S("Half speed to the kitchen please.", [place("kitchen"), speed(0.3)]),
        S("Laser room, quick as you can!", [place("laser room")], timeout=60),
    ],
    "out_of_scope": [
        S("Someone's left the laser cutter running, go and switch it off.", REFUSE),
        S("Go into the welding bay and check the gas bottles are turned off.", REFUSE),
        S("Bring me a 6 mm drill bit off the tool wall.", REFUSE),
        S("Go up the stairs to the mezzanine and fetch the spare vacuum bags.", REFUSE),
        S("Sweep up all that sawdust under the table saw.", REFUSE),
        S("Go to the kitchen and stick the kettle on for me.", REFUSE),
    ],
    "motion": [
        S("Move forward two metres.", [point(12.0, 7.5, 0.3)]),
        S("Back up one metre.", [point(12.0, 4.5, 0.3)]),
        S("Turn right 90 degrees and then drive forward a metre and a half.", [point(13.5, 5.5, 0.3)]),
        S("Turn to your left, ninety degrees, and go two metres.", [point(10.0, 5.5, 0.3)]),
        S("Spin round a full 360 on the spot.", [maxd(0.3)]),
        S(["Go forward 3 metres.", "Now turn right and go 1 metre."], [point(13.0, 8.5, 0.3)]),
    ],
}

# --------------------------------------------------------------------------------------
# Hallam & Pike auction house. Robot in the foyer at (14.5, 3.5) facing north (+y),
# towards the saleroom doors.
# --------------------------------------------------------------------------------------
AUCTION = {
    "plain": [
        S("Go to the saleroom.", [place("saleroom")]),
        S("Would you mind going through to the viewing gallery?", [place("viewing gallery")]),
        S("Lot store please.", [place("lot store")]),
        S("Could you go to the photo studio? Thanks ever so much.", [place("photo studio")]),
        S(["Go to the cafe.", "Now go to the picture room."],
          [visited("cafe", "picture room"), place("picture room")]),
        S("Please go to the collection area, I am waiting there.", [place("collections")]),
    ],
    "need": [
        S("I bought the walnut bureau on Tuesday, lot 212, and I've come to pick it up.",
          [place("collections")]),
        S("I need to settle up for the three lots I won last night.",
          [obj("cashier's desk", 1.2)], search=True),
        S("I've got my late mother's brooch with me and I'd like someone to tell me what it might fetch.",
          [place("valuation room")]),
        S("I'd like to bid in Saturday's sale but I haven't registered yet. Where do I get a paddle?",
          [obj("front counter", 1.5)], search=True),
        S("I've been round the viewing for two hours, I could murder a cup of tea.", [place("cafe")]),
        S("The courier's backing his van up to the back doors for the Hendry lots, go and meet him.",
          [place("loading bay")]),
    ],
    "description": [
        S("Go to the room where they photograph all the lots for the catalogue.", [place("photo studio")]),
        S("Go to that tall wooden clock with the pendulum, the longcase one.",
          [obj("grandfather clock", 1.2)], search=True),
        S("Take me to the room with all the oil paintings and watercolours hanging up.",
          [place("picture room")]),
        S("Find the big roll of that plastic with the bubbles in, the stuff the porters wrap things in.",
          [obj("bubble wrap", 1.2)], search=True),
        S("Go to the glass case with the rings and brooches in.", [obj("jewellery cabinet", 1.2)], search=True),
        S("Take me to the dappled wooden horse that rocks.", [obj("rocking horse", 1.2)], search=True),
    ],
    "misspelling": [
        S("go to the veiwing gallery", [place("viewing gallery")]),
        S("sale rom pls", [place("saleroom")]),
        S("Take me to colections", [place("collections")]),
        S("photo stuido", [place("photo studio")]),
        S("can you go to the valuaton room", [place("valuation room")]),
        S("pitcure room please", [place("picture room")]),
    ],
    "compound": [
        S("Go to the viewing gallery, then the picture room, then come back to the foyer.",
          [visited("viewing gallery", "picture room", "foyer"), place("foyer")]),
        S(["Someone's left a bidding paddle lying around somewhere. Find it and wait next to it.",
           "What colour is it?"],
          [obj("bidding paddle", 1.0), said("white")], search=True),
        S("Go to the photo studio and then on to the lot store.",
          [visited("photo studio", "lot store"), place("lot store")]),
        S("Pop into the valuation room, then come and wait by the front counter.",
          [visited("valuation room"), obj("front counter", 1.5)]),
        S("Go to the lot store and tell me what colour the Persian rug is.",
          [place("lot store"), said("red")]),
        S(["Go to the cafe and wait there for half a minute.", "Then go to the saleroom."],
          [stayed("cafe", 30), visited("cafe", "saleroom"), place("saleroom")]),
    ],
    "question": [
        S("I've put my reading glasses down somewhere and now I can't find them. Have you seen them?",
          [said("picture room"), maxd(1.0)], known=["reading glasses"]),
        S("What colour was the rocking horse in the viewing gallery?",
          [said("grey"), maxd(1.0)], known=["rocking horse"]),
        S("Where did you see that umbrella somebody left behind?",
          [said("caf"), maxd(1.0)], known=["black umbrella"]),
        S(["Go to the picture room.", "What colour is the seascape?"], [visited("picture room"), said("blue")], timeout=240),
        S("What's in the lot store at the moment?",
          [said("rug"), said("racking"), said("trolley"), maxd(1.0)],
          known=["Persian rug", "racking", "porter's trolley"]),
        S("Has anybody handed in a glove? Have you seen one lying about, and where?",
          [said("viewing"), maxd(1.0)], known=["leather glove"]),
    ],
    "qualified_place": [
        S("Go and stand at the back of the saleroom, in the middle.", [point(17.0, 9.8, 1.5)], at="saleroom"),
        S("Wait at the front of the saleroom, just below the rostrum.", [point(17.0, 22.5, 1.0)],
          at="saleroom"),
        S("Go between the rocking horse and the dining table in the viewing gallery.",
          [point(6.0, 13.0, 1.0)], at="viewing gallery"),
        S("Go to the far end of the lot store, over by the rugs.", [point(26.2, 24.6, 1.5)], at="lot store"),
        S("Wait just inside the cafe, by the door from the foyer.", [point(9.0, 5.2, 1.0)], at="cafe"),
        S("Stand at the end of the phone bank nearest the rostrum.", [point(22.4, 23.3, 1.0)],
          at="phone bank"),
    ],
    "modifier": [
        S("Go to the picture room but not through the saleroom, there's a sale on.",
          [place("picture room"), avoid("saleroom")]),
        S("Go to the phone bank, nice and slowly, the sale's started.",
          [place("phone bank"), speed(0.3)]),
        S("Go to the viewing gallery but don't go through the cafe, it's full of people.",
          [place("viewing gallery"), avoid("cafe")]),
        S("Viewing gallery at 0.25 metres a second, please, there's porcelain everywhere.",
          [place("viewing gallery"), speed(0.3)]),
        S("Carefully now, go to the jewellery corner.", [place("jewellery corner"), speed(0.3)]),
        S("Collections, sharpish!", [place("collections")], timeout=60),
    ],
    "out_of_scope": [
        S("Hold my paddle up for lot 45, I'll go to three hundred.", REFUSE),
        S("Go up on the rostrum and stand next to the auctioneer.", REFUSE),
        S("Open the strongroom, I need to check the Rolex before the viewing.", REFUSE),
        S("Carry this Moorcroft vase through to packing for me.", REFUSE),
        S("Ring Mr Patel and tell him his lots are ready to collect.", REFUSE),
        S("Go to the lot store and bring lot 230 through to the saleroom.", REFUSE),
    ],
    "motion": [
        S("Go forward 2 metres.", [point(14.5, 5.5, 0.3)]),
        S("Reverse a metre and a half.", [point(14.5, 2.0, 0.3)]),
        S("Turn left ninety and move two metres.", [point(12.5, 3.5, 0.3)]),
        S("Turn 45 degrees to the right and go forward two metres.", [point(15.91, 4.91, 0.3)]),
        S("Turn around and go forward a metre.", [point(14.5, 2.5, 0.3)]),
        S(["Forward one metre.", "Turn right.", "Forward two metres."], [point(16.5, 4.5, 0.3)]),
    ],
}

# --------------------------------------------------------------------------------------
# Jungle Jim's soft play. Robot in the play hall at (20.5, 10) facing north (+y).
# --------------------------------------------------------------------------------------
SOFTPLAY = {
    "plain": [
        S("Go to the toddler area.", [place("toddler area")]),
        S("Can you go to the jungle room please?", [place("jungle party room")]),
        S("Reception.", [place("reception")]),
        S("Hiya, could you go to the toilets?", [place("toilets")]),
        S(["Go to the sensory room.", "Now go to the staff room."],
          [visited("sensory room", "staff room"), place("staff room")]),
        S("Please go to space party room, the party start at two o'clock.", [place("space party room")]),
    ],
    "need": [
        S("My little one's just done a massive poo, I need to change her nappy.", [place("baby change")]),
        S("My son's bumped his head coming off the big slide and there's a bit of blood.",
          [place("first aid room")]),
        S("Where can I leave the pushchair while we play?", [place("buggy park")]),
        S("They won't let her on the frame without grip socks and we've forgotten ours.",
          [place("reception")]),
        S("My son left his hat here on Sunday. Where does stuff that's been handed in end up?",
          [place("reception")]),
        S("I'm desperate for a coffee, where do I order?", [obj("cafe counter", 1.5)], search=True),
    ],
    "description": [
        S("Go to the dark room with the bubble tube and the twinkly lights.", [place("sensory room")]),
        S("Find the machine with the grabber claw where the kids try to win a teddy.",
          [obj("claw machine", 1.2)], search=True),
        S("Take me to the party room with the rockets and planets on the walls.",
          [place("space party room")]),
        S("The caged bit where the bigger kids play football, go there.", [place("sports cage")]),
        S("Go to the pink slide for the little ones.", [obj("toddler slide", 1.3)], search=True),
        S("Go to the cubbyholes where everyone leaves their shoes.", [obj("shoe cubbies", 1.2)], search=True),
    ],
    "misspelling": [
        S("babby chnage", [place("baby change")]),
        S("go to the tolets", [place("toilets")]),
        S("jungel room pls", [place("jungle party room")]),
        S("sensery room", [place("sensory room")]),
        S("Go to the frist aid room", [place("first aid room")]),
        S("can u go to recepshun", [place("reception")]),
    ],
    "compound": [
        S("Go to the cafe counter and then over to table 4.", [visited("cafe"), obj("table 4", 1.2)],
          search=True),
        S("Find the pink water bottle and wait next to it.", [obj("pink water bottle", 1.0)], search=True),
        S("Go to the jungle room and then the space room.",
          [visited("jungle party room", "space party room"), place("space party room")]),
        S("Go to the sensory room and wait in there for a minute.",
          [stayed("sensory room", 60), place("sensory room")]),
        S("Have a look round the toddler area, then tell me if there's a teddy in there.",
          [visited("toddler area"), said("teddy")], timeout=200),
        S("Go to reception, and go past the shoe area on the way.",
          [visited("shoe area", "reception"), place("reception")]),
    ],
    "question": [
        S("Have you seen a teddy anywhere? My daughter's in bits.",
          [said("toddler"), maxd(1.0)], known=["teddy bear"]),
        S("Someone's left a coat on a chair in the cafe, what colour is it?",
          [said("green"), maxd(1.0)], known=["green coat"]),
        S("Where did you see the purple backpack?", [said("jungle"), maxd(1.0)], known=["purple backpack"]),
        S(["Pop into the sensory room.", "What colour are the beanbags in there?"], [visited("sensory room"), said("purple")]),
        S("What have you found lying around today?",
          [said("bottle"), said("teddy"), said("coat"), maxd(1.0)],
          known=["pink water bottle", "teddy bear", "green coat"]),
        S(["Have a look in the space party room.", "What colour's the party table in there?"],
          [visited("space party room"), said("blue")]),
    ],
    "qualified_place": [
        S("Wait by the gate into the sports cage, on the outside.",
          [point(19.6, 16.6, 1.0), avoid("sports cage")], at="play hall"),
        S("Go to the corner of the cafe nearest the toddler area.", [point(8.0, 10.5, 1.2)], at="cafe"),
        S("Wait just outside the jungle room door.", [point(23.0, 16.2, 1.0)], at="play hall"),
        S("Go right to the far end of the space party room.", [point(30.9, 11.2, 1.5)],
          at="space party room"),
        S("Go and stand next to the ball pit. Next to it, not in it!", [point(2.0, 16.7, 1.5)],
          at="toddler area"),
        S("Wait just inside the baby change door.", [point(11.25, 5.0, 1.0)], at="baby change"),
    ],
    "modifier": [
        S("Go to the toddler area slowly, there's babies crawling everywhere.",
          [place("toddler area"), speed(0.3)]),
        S("Go to reception, but don't cut through the cafe, it's rammed.",
          [place("reception"), avoid("cafe")]),
        S("Go to the jungle room at 0.15 metres per second.", [place("jungle party room"), speed(0.2)]),
        S("Carefully to the shoe area please, and stay out of the cafe.",
          [place("shoe area"), speed(0.3), avoid("cafe")]),
        S("As fast as you can to the baby change!", [place("baby change")], timeout=60),
        S("Half speed to the sensory room.", [place("sensory room"), speed(0.3)]),
    ],
    "out_of_scope": [
        S("Go down the big wavy slide!", REFUSE),
        S("Drive into the ball pit and find my son's shoe.", REFUSE),
        S("Go in the kitchen and see if my chips are ready.", REFUSE),
        S("Can you keep an eye on my two while I nip out to the car?", REFUSE),
        S("Blow up some balloons for the party room.", REFUSE),
        S("Go to the cafe counter and get me a flat white.", REFUSE),
    ],
    "motion": [
        S("Forward one and a half metres.", [point(20.5, 11.5, 0.3)]),
        S("Back up a metre.", [point(20.5, 9.0, 0.3)]),
        S("Turn left 90 degrees, then forward 2 metres.", [point(18.5, 10.0, 0.3)]),
        S("Turn right and go two and a half metres.", [point(23.0, 10.0, 0.3)]),
        S("Do a twirl on the spot for the birthday girl!", [maxd(0.3)]),
        S("Turn round and go forward two metres.", [point(20.5, 8.0, 0.3)]),
    ],
}

WORLDS = {"makerspace": MAKERSPACE, "auction_house": AUCTION, "soft_play": SOFTPLAY}
CLASSES = ["plain", "need", "description", "misspelling", "compound", "question",
           "qualified_place", "modifier", "out_of_scope", "motion"]
