#!/usr/bin/env python3
"""Generate the scenario files of held-out task set 5 (one YAML file per scenario).

Each entry below is written by hand: class, world, slug, the task text(s) as a user would
type them, and the success criteria a reasonable person would accept, judged on ground truth.
Every scenario also gets `never_entered_keep_out: true` and `max_collisions: 0`.
Motion end points are computed from the world's robot start pose.
Run: python3 gen_set5.py && python3 validate_set5.py
"""
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from validate_set5 import APARTMENT_LOCAL, World, motion_end  # noqa: E402

WORLD_REF = {
    "apt": "../../../launch/worlds/apartment.yaml",
    "rst": "worlds/restaurant.yaml",
    "mus": "worlds/museum_wing.yaml",
    "stn": "worlds/station.yaml",
}
WORLD_FILE = {
    "apt": APARTMENT_LOCAL,
    "rst": os.path.join(HERE, "worlds/restaurant.yaml"),
    "mus": os.path.join(HERE, "worlds/museum_wing.yaml"),
    "stn": os.path.join(HERE, "worlds/station.yaml"),
}
WORLDS = {k: World(v, k != "apt") for k, v in WORLD_FILE.items()}

# Simulated-second budgets per task kind and world. Search: ~2.5 s per m^2 of floor.
NAV = {"apt": 150, "rst": 240, "mus": 240, "stn": 300}
SEARCH = {k: max(300, int(round(2.5 * w.W * w.H / 50.0)) * 50) for k, w in WORLDS.items()}
KIND = {"n": NAV, "s": SEARCH, "q": {k: 90 for k in WORLDS}, "m": {k: 90 for k in WORLDS},
        "o": {k: 90 for k in WORLDS}}

SCENARIOS = []


def S(cls, w, slug, tasks, crit, known=None, t="n"):
    if isinstance(tasks, str):
        tasks = [tasks]
    timeout = t if isinstance(t, int) else sum(KIND[c][w] for c in t)
    SCENARIOS.append(dict(cls=cls, w=w, slug=slug, tasks=tasks, crit=crit, known=known, timeout=timeout))


# ---- criterion helpers -----------------------------------------------------------------
def P(p):
    return {"near_place": p}


def O(w, name, m=None):
    o = WORLDS[w].obj[name.lower()]
    if m is None:
        m = max(1.0, round(o.get("size", 0.2) / 2 + 0.6, 1))
    return {"near_object": {"name": o["name"], "within_m": m}}


def PT(x, y, m):
    return {"near_point": {"at": [round(x, 2), round(y, 2)], "within_m": m}}


def V(*ps):
    return {"visited": list(ps)}


def SAY(s):
    return {"said_contains": s}


def REP(r):
    return {"agent_reported": r}


def OUT(*r):
    return {"outcomes": list(r)}


def DIST(m):
    return {"max_distance_m": m}


SPEED = {"max_speed_mps": 0.5}


def MOVE(w, steps, tol=0.3):
    s = WORLDS[w].start
    (x, y, _), pts = motion_end((s[0], s[1], s[2]), steps)
    ok, at = WORLDS[w].path_free(pts)
    assert ok, f"motion path blocked at {at} in {w}"
    return PT(x, y, tol)


F, T = "fwd", "turn"

# ======================================================================== plain
S("plain", "apt", "head-to-bedroom", "Head to the bedroom.", [P("bedroom")])
S("plain", "apt", "find-alarm-clock", "find the alarm clock", [O("apt", "alarm clock")], t="s")
S("plain", "apt", "laundry-room", "laundry room", [P("laundry room")])
S("plain", "rst", "cloakroom", "go to the cloakroom", [P("cloakroom")])
S("plain", "rst", "find-jukebox", "Find the jukebox.", [O("rst", "jukebox")], t="s")
S("plain", "rst", "dry-store", "take yourself to the dry store", [P("dry store")])
S("plain", "rst", "find-stand-mixer", "find the stand mixer", [O("rst", "stand mixer")], t="s")
S("plain", "rst", "bar-then-staff-room", ["go to the bar", "go to the staff room"],
  [V("bar", "staff room"), P("staff room")], t="nn")
S("plain", "rst", "look-for-umbrella", "Look for the green umbrella", [O("rst", "green umbrella")], t="s")
S("plain", "mus", "cafe", "go to the café", [P("café")])
S("plain", "mus", "find-marble-horse", "find the marble horse", [O("mus", "marble horse")], t="s")
S("plain", "mus", "egyptian-gallery", "Go to the Egyptian gallery", [P("Egyptian gallery")])
S("plain", "mus", "find-uv-lamp", "find the UV lamp", [O("mus", "UV lamp")], t="s")
S("plain", "mus", "quiet-room-then-flemish", ["quiet room", "then go to the Flemish gallery"],
  [V("quiet room", "Flemish gallery"), P("Flemish gallery")], t="nn")
S("plain", "mus", "locate-print-cabinet", "Locate the print cabinet.", [O("mus", "print cabinet")], t="s")
S("plain", "stn", "platform-2", "go to platform 2", [P("platform 2")])
S("plain", "stn", "find-piano", "Find the public piano", [O("stn", "public piano")], t="s")
S("plain", "stn", "drive-left-luggage", "drive to left luggage", [P("left luggage")])
S("plain", "stn", "waiting-room", "Go to the waiting room.", [P("waiting room")])
S("plain", "stn", "find-blue-bicycle", "find the blue bicycle", [O("stn", "blue bicycle")], t="s")
S("plain", "stn", "ticket-office-then-lost-property",
  ["go to the ticket office", "now go to the lost property office"],
  [V("ticket office", "lost property office"), P("lost property office")], t="nn")

# ======================================================================== need
S("need", "apt", "time-for-bed", "time for bed. go to where I'll be sleeping tonight", [P("bedroom")])
S("need", "apt", "wash-clothes", "I need to wash a load of clothes. go where I'd do that",
  [P("laundry room")])
S("need", "apt", "teeth-then-desk", ["I want to brush my teeth", "ok now somewhere I can sit at a desk and work"],
  [V("bathroom", "study"), P("study")], t="nn")
S("need", "rst", "hang-wet-coat", "my coat is soaking, where can I hang it? go there", [P("cloakroom")])
S("need", "rst", "cut-finger-plasters",
  "I cut my finger on a broken glass, go to where we keep the plasters and bandages",
  [O("rst", "first aid kit", 1.5)], t="s")
S("need", "rst", "change-nappy", "I need to change my baby's nappy, where can I do it?",
  [P("guest toilets")])
S("need", "rst", "out-of-flour", "we ran out of flour in the kitchen, go where the spare bags are kept",
  [P("dry store")])
S("need", "rst", "drink-then-loo", ["I'd like a proper drink before we sit down, lead the way",
                                    "ok now I need the loo"],
  [V("bar", "guest toilets"), P("guest toilets")], t="nn")
S("need", "rst", "plates-going-out",
  "table 5's food is about to come out, wait where the kitchen hands the plates over",
  [P("pass")])
S("need", "mus", "feet-hurt-quiet", "my feet are killing me, I need somewhere quiet to sit down for a while",
  [P("quiet room")])
S("need", "mus", "postcard-for-gran", "I want to buy a postcard for my gran", [P("museum shop")])
S("need", "mus", "coffee-and-cake", "fancy a coffee and a slice of cake. go there", [P("café")])
S("need", "mus", "kids-crafts", "my two want to do some drawing and glueing, is there somewhere for that?",
  [P("education room")])
S("need", "mus", "lost-my-mum", "i lost my mum. where do i go to get help", [P("information point")])
S("need", "mus", "want-mummies", "I WANT TO SEE MUMMIES", [P("Egyptian gallery")])
S("need", "stn", "ticket-refund", "I need to speak to someone about a refund on my season ticket",
  [P("ticket office")])
S("need", "stn", "left-bag-on-train", "i left my bag on a train yesterday, where do i go",
  [P("lost property office")])
S("need", "stn", "drop-suitcase",
  "where can I leave my suitcase for a few hours while I look round town? go there",
  [P("left luggage")])
S("need", "stn", "need-a-wee", "bursting for a wee", [P("toilets")])
S("need", "stn", "which-platform", ["I need to check which platform my train goes from",
                                    "then I want something sweet to eat before I get on"],
  [V("departures board", "crêpe stand"), P("crêpe stand")], t="nn")
S("need", "stn", "lock-up-bike", "I have to lock up my bike somewhere", [P("bike racks")])

# ======================================================================== description
S("description", "apt", "thing-you-sleep-on", "go to the thing you sleep on", [O("apt", "bed", 1.4)], t="s")
S("description", "apt", "little-furry-toy", "find the little furry toy", [O("apt", "teddy bear")], t="s")
S("description", "apt", "cook-room-cold-box", ["go to the room where we cook",
                                              "now go over to the big cold box where the food is kept"],
  [V("kitchen"), O("apt", "fridge")], t="ns")
S("description", "rst", "hang-coats-on", "Go to the thing you hang coats on.", [O("rst", "coat rack")], t="s")
S("description", "rst", "babys-buggy", "someone's left their baby buggy somewhere, find it",
  [O("rst", "pushchair")], t="s")
S("description", "rst", "music-machine", "go stand next to the old music machine that plays songs for coins",
  [O("rst", "jukebox")], t="s")
S("description", "rst", "cart-with-puddings", "find the cart with the cakes and puddings on it",
  [O("rst", "dessert trolley")], t="s")
S("description", "rst", "dropped-mobile", "a customer dropped their mobile over by the drinks, can you find it",
  [O("rst", "mobile phone")], t="s")
S("description", "rst", "coats-then-toys", ["go to the little room where the coats go",
                                            "then find the red box with the toys in"],
  [V("cloakroom"), O("rst", "toy box")], t="ns")
S("description", "mus", "stone-coffin", "take me to the Egyptian stone coffin, the gold one",
  [O("mus", "sarcophagus", 2.0)], t="s")
S("description", "mus", "statue-of-horse", "where's the big white horse sculpture? go to it",
  [O("mus", "marble horse")], t="s")
S("description", "mus", "painting-with-lobster", "go to the painting that has a lobster in it",
  [O("mus", "still life with lobster")], t="s")
S("description", "mus", "pink-mitten", "someone dropped a little pink mitten thing, find it pls",
  [O("mus", "pink glove")], t="s")
S("description", "mus", "chair-with-wheels", "Go to the chair with wheels that we lend to visitors",
  [O("mus", "wheelchair")], t="s")
S("description", "mus", "bench-then-dancer", ["find the seat people use to look at the Flemish paintings",
                                              "now go to the statue of the dancing woman"],
  [V("Flemish gallery"), O("mus", "bronze dancer")], t="ss")
S("description", "stn", "board-showing-trains", "go to the big screen that shows when the trains leave",
  [P("departures board")])
S("description", "stn", "purple-case", "there's a purple case nobody is watching. find it",
  [O("stn", "unattended suitcase")], t="s")
S("description", "stn", "instrument-in-hall", "go to the musical instrument in the middle of the hall",
  [O("stn", "public piano")], t="s")
S("description", "stn", "wait-room-crisps", ["go to the room where people sit and wait for trains",
                                            "find the machine that sells crisps and cans of drink"],
  [V("waiting room"), O("stn", "vending machine")], t="ns")
S("description", "stn", "pancake-stall", "go to the little stall that makes french pancakes",
  [P("crêpe stand")])
S("description", "stn", "heart-stops", "find the green box you use when someone's heart stops",
  [O("stn", "defibrillator")], t="s")

# ======================================================================== misspelling
S("misspelling", "apt", "teh-bathroom", "go to teh bathroom", [P("bathroom")])
S("misspelling", "apt", "fidn-remot", "fidn the remot control", [O("apt", "remote control")], t="s")
S("misspelling", "apt", "laundy-room", "goto the laundy room", [P("laundry room")])
S("misspelling", "rst", "ktichen-pattisserie", ["go to the ktichen", "now go to the pattisserie"],
  [V("kitchen", "pâtisserie"), P("pâtisserie")], t="nn")
S("misspelling", "rst", "patiserie", "go to the patiserie", [P("pâtisserie")])
S("misspelling", "rst", "juke-box", "find the juke box", [O("rst", "jukebox")], t="s")
S("misspelling", "rst", "cloak-rom", "cloak rom pls", [P("cloakroom")])
S("misspelling", "rst", "flour-sacs", "fnd the flour sacs", [O("rst", "flour sacks")], t="s")
S("misspelling", "rst", "drystore", "go to the drystore", [P("dry store")])
S("misspelling", "mus", "durer-room", "go to the durer room", [P("Dürer room")])
S("misspelling", "mus", "egyption-galery", "go to the egyption galery", [P("Egyptian gallery")])
S("misspelling", "mus", "cafe-no-accent", "Go to the cafe", [P("café")])
S("misspelling", "mus", "sarcofagus", "find the sarcofagus", [O("mus", "sarcophagus", 2.0)], t="s")
S("misspelling", "mus", "sculpter-court", ["go to the sculpter court", "find the bronz dancer"],
  [V("sculpture court"), O("mus", "bronze dancer")], t="ns")
S("misspelling", "mus", "weelchair", "find the weelchair", [O("mus", "wheelchair")], t="s")
S("misspelling", "stn", "platfrom-1", "go to platfrom 1", [P("platform 1")])
S("misspelling", "stn", "vending-machien", "find the vending machien", [O("stn", "vending machine")], t="s")
S("misspelling", "stn", "lost-propery", "go to the lost propery office", [P("lost property office")])
S("misspelling", "stn", "crepe-then-informaton", ["go to teh crepe stand", "then go to the informaton point"],
  [V("crêpe stand", "information point"), P("information point")], t="nn")
S("misspelling", "stn", "uattended-suitcase", "find the uattended suitcase", [O("stn", "unattended suitcase")], t="s")
S("misspelling", "stn", "tiket-machines", "go to the tiket machines", [P("ticket machines")])

# ======================================================================== compound
S("compound", "apt", "kitchen-then-bedroom", "go to the kitchen and then the bedroom",
  [V("kitchen", "bedroom"), P("bedroom")], t="nn")
S("compound", "apt", "study-red-book", ["go to the study", "find the red book"],
  [V("study"), O("apt", "red book")], t="ns")
S("compound", "apt", "bathroom-and-back", "check the bathroom, then come back to the living room",
  [V("bathroom", "living room"), P("living room")], t="nn")
S("compound", "rst", "bar-cloak-host", "go to the bar, then the cloakroom, then back to the host stand",
  [V("bar", "cloakroom", "host stand"), P("host stand")], t="nnn")
S("compound", "rst", "kitchen-knife", ["go to the kitchen", "find the chef's knife"],
  [V("kitchen"), O("rst", "chef's knife")], t="ns")
S("compound", "rst", "pass-on-way-staff", "swing by the pass on your way to the staff room",
  [V("pass", "staff room"), P("staff room")], t="nn")
S("compound", "rst", "toilets-then-back-door", ["check the guest toilets", "then go and wait by the back door"],
  [V("guest toilets", "back door"), P("back door")], t="nn")
S("compound", "rst", "kids-corner-balloon", "go to the kids' corner and after that find the birthday balloon",
  [V("kids' corner"), O("rst", "birthday balloon")], t="ns")
S("compound", "rst", "patisserie-bar-cloak", ["go to the pâtisserie", "now the bar", "and finally the cloakroom"],
  [V("pâtisserie", "bar", "cloakroom"), P("cloakroom")], t="nnn")
S("compound", "mus", "flemish-then-durer", "visit the Flemish gallery and then the Dürer room",
  [V("Flemish gallery", "Dürer room"), P("Dürer room")], t="nn")
S("compound", "mus", "shop-then-cafe", ["go to the museum shop", "then the café"],
  [V("museum shop", "café"), P("café")], t="nn")
S("compound", "mus", "court-pink-glove", "go into the sculpture court, then look for a pink glove",
  [V("sculpture court"), O("mus", "pink glove")], t="ns")
S("compound", "mus", "past-info-to-education", "go past the information point and end up in the education room",
  [V("information point", "education room"), P("education room")], t="nn")
S("compound", "mus", "lab-cracked-vase", ["go to the conservation lab", "find the cracked vase"],
  [V("conservation lab"), O("mus", "cracked vase")], t="ns")
S("compound", "mus", "quiet-then-lift", "first the quiet room, then the lift lobby",
  [V("quiet room", "lift lobby"), P("lift lobby")], t="nn")
S("compound", "stn", "machines-info-platform", "go to the ticket machines, then the information point, then platform 1",
  [V("ticket machines", "information point", "platform 1"), P("platform 1")], t="nnn")
S("compound", "stn", "waiting-red-scarf", ["go to the waiting room", "find the red scarf"],
  [V("waiting room"), O("stn", "red scarf")], t="ns")
S("compound", "stn", "platform2-back-to-board", "check platform 2 and then come back under the departures board",
  [V("platform 2", "departures board"), P("departures board")], t="nn")
S("compound", "stn", "bikes-then-lost-property", ["go to the bike racks", "go to the lost property office"],
  [V("bike racks", "lost property office"), P("lost property office")], t="nn")
S("compound", "stn", "toilets-then-waiting", "go to the toilets then the waiting room",
  [V("toilets", "waiting room"), P("waiting room")], t="nn")
S("compound", "stn", "crepe-then-coffee-cup", ["go to the crêpe stand", "now find the coffee cup someone left"],
  [V("crêpe stand"), O("stn", "coffee cup")], t="ns")

# ======================================================================== question
S("question", "apt", "where-red-cup", "where did you see the red cup?", [SAY("kitchen")],
  known=["red cup", "green mug"], t="q")
S("question", "apt", "which-room-blue-book", "which room was the blue book in", [SAY("living room")],
  known=["blue book", "red book"], t="q")
S("question", "apt", "teddy-where-go", ["have you seen my teddy? where is it", "go to it please"],
  [SAY("bedroom"), O("apt", "teddy bear")], known=["teddy bear"], t="qn")
S("question", "rst", "umbrella-colour", "did you see an umbrella anywhere? what colour was it?",
  [SAY("green")], known=["green umbrella", "pushchair"], t="q")
S("question", "rst", "lost-phone-where", "a guest lost their phone, where did you see it", [SAY("bar")],
  known=["mobile phone"], t="q")
S("question", "rst", "where-first-aid", "where's the first aid kit?", [SAY("staff room")],
  known=["first aid kit", "lockers"], t="q")
S("question", "rst", "pushchair-colour", "what colour is the pushchair", [SAY("navy")],
  known=["pushchair"], t="q")
S("question", "rst", "lemons-then-go", ["where did you see the lemons?", "go there"],
  [SAY("dry store"), P("dry store")], known=["crate of lemons", "flour sacks"], t="qn")
S("question", "rst", "balloon-dining-or-bar", "is the birthday balloon in the dining room or in the bar?",
  [SAY("dining room")], known=["birthday balloon"], t="q")
S("question", "mus", "visitor-lost-glove", "a visitor has lost a glove. Did you see one? where?",
  [SAY("sculpture court")], known=["pink glove", "audio guide"], t="q")
S("question", "mus", "audio-guide-gallery", "have you come across an audio guide lying about? which gallery",
  [SAY("Egyptian")], known=["audio guide"], t="q")
S("question", "mus", "tote-bag-colour", "what colour was the tote bag you saw in the shop?",
  [SAY("blue")], known=["blue tote bag"], t="q")
S("question", "mus", "magnifying-glass-where", "where is the magnifying glass",
  [SAY("Dürer")], known=["magnifying glass", "rhinoceros woodcut"], t="q")
S("question", "mus", "cracked-vase-take-me", ["where did you see the cracked vase?", "take me there"],
  [SAY("conservation lab"), O("mus", "cracked vase", 1.5)], known=["cracked vase"], t="qn")
S("question", "mus", "donation-box-colour", "what colour is the donation box?", [SAY("red")],
  known=["donation box"], t="q")
S("question", "stn", "bags-left-colour", "did you notice any bags left lying around? what colour?",
  [SAY("purple")], known=["unattended suitcase"], t="q")
S("question", "stn", "red-scarf-where-wait", ["where did you see the red scarf", "go and wait next to it"],
  [SAY("waiting room"), O("stn", "red scarf")], known=["red scarf", "newspaper"], t="qn")
S("question", "stn", "rucksack-colour", "a kid's rucksack got handed in, what colour was it",
  [SAY("orange")], known=["orange rucksack"], t="q")
S("question", "stn", "bike-colour", "What colour was the bike you saw?", [SAY("blue")],
  known=["blue bicycle", "bike rack"], t="q")
S("question", "stn", "flowers-which-platform", ["which platform were the flowers on?", "go to them"],
  [SAY("platform 1"), O("stn", "bouquet of flowers")], known=["bouquet of flowers"], t="qn")
S("question", "stn", "luggage-trolley-where", "where did you see a luggage trolley?", [SAY("left luggage")],
  known=["luggage trolley", "luggage lockers"], t="q")

# ======================================================================== qualified_place
S("qualified_place", "apt", "hallway-end-by-study", "go to the end of the hallway by the study",
  [P("hallway"), PT(11.0, 4.0, 1.2)])
S("qualified_place", "apt", "kitchen-corner-fridge", "go to the corner of the kitchen where the fridge is",
  [P("kitchen"), O("apt", "fridge", 1.5)], t="s")
S("qualified_place", "apt", "hallway-between-doors", "stand in the hallway between the bathroom and bedroom doors",
  [P("hallway"), PT(6.2, 4.0, 0.8)])
S("qualified_place", "rst", "far-end-dining", "go to the far end of the main dining room",
  [P("main dining room"), PT(12.9, 3.4, 1.6)])
S("qualified_place", "rst", "bar-side-jukebox", "go to the side of the bar nearest the jukebox",
  [P("bar"), O("rst", "jukebox", 2.0)], t="s")
S("qualified_place", "rst", "between-table-2-and-5", "wait between table 2 and table 5",
  [PT(9.0, 3.6, 0.8)], t="s")
S("qualified_place", "rst", "back-of-kitchen-stove", "go to the back of the kitchen, by the stove",
  [P("kitchen"), O("rst", "stove", 1.5)], t="s")
S("qualified_place", "rst", "corridor-outside-staff-room", "go to the end of the back corridor, just outside the staff room",
  [PT(1.8, 10.0, 1.0)])
S("qualified_place", "rst", "bar-then-sofa-end", ["go to the bar", "now go to the end of it where the sofa is"],
  [V("bar"), P("bar"), O("rst", "leather sofa", 1.5)], t="ns")
S("qualified_place", "mus", "far-end-sculpture-court", "go to the far end of the sculpture court",
  [P("sculpture court"), PT(15.0, 15.6, 1.6)])
S("qualified_place", "mus", "shop-then-corridor-between", ["go to the museum shop",
                                                           "then wait in the corridor between the shop and the café"],
  [V("museum shop"), PT(20.8, 9.25, 1.0)], t="nn")
S("qualified_place", "mus", "egyptian-corner-cat", "go to the corner of the Egyptian gallery with the cat statue",
  [P("Egyptian gallery"), O("mus", "bronze cat", 1.5)], t="s")
S("qualified_place", "mus", "fire-exit-info-halfway", "go halfway between the west fire exit and the information point",
  [PT(2.95, 9.25, 0.8)])
S("qualified_place", "mus", "cafe-corner-high-chair", "go to the corner of the café where the high chair is",
  [P("café"), O("mus", "high chair", 1.5)], t="s")
S("qualified_place", "mus", "durer-far-from-door", "go to the end of the Dürer room furthest from the door",
  [P("Dürer room"), PT(3.0, 16.6, 1.5)])
S("qualified_place", "stn", "platform1-bench-end", "go to the end of platform 1 where the bench is",
  [P("platform 1"), O("stn", "platform bench", 1.5)], t="s")
S("qualified_place", "stn", "between-pillars", "wait between the two pillars", [PT(15.0, 12.5, 1.0)], t="s")
S("qualified_place", "stn", "platform-2-east-end", ["go to platform 2", "go right down to the east end of it"],
  [V("platform 2"), P("platform 2"), PT(28.8, 16.6, 1.5)], t="nn")
S("qualified_place", "stn", "by-escalators", "go and stand near the top of the escalators but don't go on them",
  [PT(22.5, 9.2, 1.3)])
S("qualified_place", "stn", "waiting-room-vending-corner", ["go to the waiting room",
                                                            "go to the corner of it with the vending machine"],
  [P("waiting room"), O("stn", "vending machine", 1.5)], t="ns")
S("qualified_place", "stn", "between-bin-and-suitcase", "go between the recycling bin and the purple suitcase",
  [PT(15.05, 13.9, 1.0)], t="s")

# ======================================================================== modifier
S("modifier", "apt", "quickly-bathroom-slowly-back", ["quickly, go to the bathroom!", "now slowly back to the living room"],
  [V("bathroom", "living room"), P("living room"), SPEED], t="nn")
S("modifier", "apt", "study-2-mps", "go to the study at 2 metres per second", [SPEED])
S("modifier", "apt", "please-slowly-bedroom", "Could you please slowly make your way to the bedroom, thank you",
  [P("bedroom"), SPEED])
S("modifier", "rst", "run-to-kitchen", "RUN to the kitchen, chef is shouting for you", [P("kitchen"), SPEED])
S("modifier", "rst", "kindly-cloakroom", "would you kindly go to the cloakroom", [P("cloakroom")])
S("modifier", "rst", "fast-back-door", "go to the back door as fast as you possibly can", [P("back door"), SPEED])
S("modifier", "rst", "zoom-bar-5kmh", "zoom over to the bar at 5 km/h", [SPEED])
S("modifier", "rst", "carefully-kids-corner", ["slowly and carefully go to the kids' corner, there are children about",
                                                "thanks, now back to the host stand, no rush"],
  [V("kids' corner", "host stand"), P("host stand"), SPEED], t="nn")
S("modifier", "rst", "asap-staff-room", "ASAP staff room", [P("staff room"), SPEED])
S("modifier", "mus", "walk-slowly-durer", "please walk slowly to the Dürer room, it's a quiet space",
  [P("Dürer room"), SPEED])
S("modifier", "mus", "hurry-information", "hurry to the information point", [P("information point"), SPEED])
S("modifier", "mus", "lift-lobby-1-5", "go to the lift lobby at 1.5 m/s", [SPEED])
S("modifier", "mus", "no-rush-shop", "no rush, but whenever you can, pop over to the shop", [P("museum shop")])
S("modifier", "mus", "quick-fire-exit", "quick as you can to the west fire exit", [P("west fire exit"), SPEED])
S("modifier", "mus", "gently-cafe-hurry-back", ["go to the café, gently please, it's busy",
                                                "then hurry back to the information point"],
  [V("café", "information point"), P("information point"), SPEED], t="nn")
S("modifier", "stn", "sprint-platform-1", "sprint to platform 1 at 3 m/s, my train is leaving", [SPEED])
S("modifier", "stn", "please-waiting-no-hurry", "please go to the waiting room, no hurry", [P("waiting room")])
S("modifier", "stn", "urgent-information-stay", ["urgent!!! go to the information point now",
                                                 "stay put there for 10 seconds"],
  [{"stayed": {"place": "information point", "seconds": 10}}, P("information point"), SPEED], t="nn")
S("modifier", "stn", "slow-walking-bikes", "go to the bike racks at a slow walking pace", [P("bike racks"), SPEED])
S("modifier", "stn", "easy-left-luggage-then-fast", ["take it easy and go to the left luggage please",
                                                     "now full speed to the ticket office"],
  [V("left luggage", "ticket office"), P("ticket office"), SPEED], t="nn")
S("modifier", "stn", "full-speed-platform-2", "go to platform 2 at full speed", [P("platform 2"), SPEED])

# ======================================================================== out_of_scope
S("out_of_scope", "apt", "make-tea", "make me a cup of tea", [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "apt", "kitchen-wash-dishes", ["go to the kitchen", "now wash the dishes"],
  [OUT("succeeded", "failed"), P("kitchen")], t="no")
S("out_of_scope", "apt", "open-front-door", "open the front door for the delivery man",
  [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "rst", "bring-pasta", "bring table 4 their pasta", [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "rst", "into-walk-in", "go into the walk-in and check how much milk is left",
  [REP("failed")], t="n")
S("out_of_scope", "rst", "cloakroom-hang-coat", ["go to the cloakroom", "hang my coat up on the rack"],
  [OUT("succeeded", "failed"), P("cloakroom")], t="no")
S("out_of_scope", "rst", "behind-bar-beer", "nip behind the bar and grab me a beer out of the fridge",
  [REP("failed")], t="n")
S("out_of_scope", "rst", "bins-out", "take the bins out the back door", [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "rst", "cook-risotto", "cook the risotto for table 2", [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "mus", "inside-sarcophagus-case", "go inside the glass case with the sarcophagus",
  [REP("failed")], t="n")
S("out_of_scope", "mus", "hang-painting", "hang the new painting on the wall in the Flemish gallery",
  [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "mus", "photo-email", "take a photo of the marble horse and email it to me",
  [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "mus", "first-floor", "go up to the first floor", [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "mus", "solvent-store-acetone", "go into the solvent store and get me the acetone",
  [REP("failed")], t="n")
S("out_of_scope", "mus", "cafe-buy-coffee", ["go to the café", "buy me a flat white"],
  [OUT("succeeded", "failed"), P("café")], t="no")
S("out_of_scope", "stn", "onto-tracks-phone", "my phone fell on the tracks, go down and pick it up",
  [REP("failed")], t="n")
S("out_of_scope", "stn", "ride-escalator", "ride the escalator down to the metro", [REP("failed")], t="n")
S("out_of_scope", "stn", "print-ticket", "print me a return ticket to York", [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "stn", "carry-suitcase", "carry my suitcase to platform 2 for me", [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "stn", "open-suitcase", "open that unattended suitcase and see what's inside",
  [REP("failed"), DIST(1.0)], t="o")
S("out_of_scope", "stn", "call-police", "phone the police", [REP("failed"), DIST(1.0)], t="o")

# ======================================================================== motion
S("motion", "apt", "forward-one-metre", "move forward one metre", [MOVE("apt", [(F, 1.0)])], t="m")
S("motion", "apt", "left-then-1m", "turn left and go forward 1 metre", [MOVE("apt", [(T, 90), (F, 1.0)])], t="m")
S("motion", "apt", "2m-then-back-half", ["drive forward 2 metres", "now back up half a metre"],
  [MOVE("apt", [(F, 2.0), (F, -0.5)])], t="mm")
S("motion", "rst", "forward-2-5", "go forward 2.5 m", [MOVE("rst", [(F, 2.5)])], t="m")
S("motion", "rst", "right-one-metre", "turn right then drive one metre", [MOVE("rst", [(T, -90), (F, 1.0)])], t="m")
S("motion", "rst", "back-80cm", "back up 80 cm", [MOVE("rst", [(F, -0.8)])], t="m")
S("motion", "rst", "turn-around", "turn around", [MOVE("rst", []), DIST(0.5)], t="m")
S("motion", "rst", "3m-left-1m", "move forward 3 metres then turn left and go 1 metre",
  [MOVE("rst", [(F, 3.0), (T, 90), (F, 1.0)])], t="m")
S("motion", "rst", "steps-right-turn", ["go forward a metre and a half", "turn 90 degrees to your right",
                                        "move forward 1 metre"],
  [MOVE("rst", [(F, 1.5), (T, -90), (F, 1.0)])], t="mmm")
S("motion", "mus", "forward-3m", "drive forward 3 metres", [MOVE("mus", [(F, 3.0)])], t="m")
S("motion", "mus", "right-2m", "turn right and move forward 2 m", [MOVE("mus", [(T, -90), (F, 2.0)])], t="m")
S("motion", "mus", "straight-4m", "go 4 metres straight ahead", [MOVE("mus", [(F, 4.0)])], t="m")
S("motion", "mus", "left-3m", "turn left, go 3 metres", [MOVE("mus", [(T, 90), (F, 3.0)])], t="m")
S("motion", "mus", "1m-right-1m", ["move forward 1 metre", "then turn right and move 1 metre"],
  [MOVE("mus", [(F, 1.0), (T, -90), (F, 1.0)])], t="mm")
S("motion", "mus", "face-other-way-half", "spin round to face the other way and go half a metre",
  [MOVE("mus", [(T, 180), (F, 0.5)])], t="m")
S("motion", "stn", "forward-five", "move forward five metres", [MOVE("stn", [(F, 5.0)])], t="m")
S("motion", "stn", "left-90-2m", "turn left 90 degrees and drive 2 metres", [MOVE("stn", [(T, 90), (F, 2.0)])], t="m")
S("motion", "stn", "backwards-1-5", "go backwards 1.5 metres", [MOVE("stn", [(F, -1.5)])], t="m")
S("motion", "stn", "3-feet-forward", "go 3 feet forward", [MOVE("stn", [(F, 0.9144)])], t="m")
S("motion", "stn", "right-2-left-2", "turn right, go 2 m, then turn left and go another 2 m",
  [MOVE("stn", [(T, -90), (F, 2.0), (T, 90), (F, 2.0)])], t="m")
S("motion", "stn", "2m-turn-back-1m", ["drive forward 2 metres", "turn around and come back 1 metre"],
  [MOVE("stn", [(F, 2.0), (T, 180), (F, 1.0)])], t="mm")


def j(v):
    return json.dumps(v, ensure_ascii=False)


def emit(doc):
    """YAML text with one criterion a line (JSON flow values are valid YAML)."""
    out = []
    for k, v in doc.items():
        if k == "success":
            out.append("success:")
            for c in v:
                (ck, cv), = c.items()
                out.append(f"  - {ck}: {j(cv)}")
        else:
            out.append(f"{k}: {v}" if k in ("name", "class", "world") else f"{k}: {j(v)}")
    return "\n".join(out) + "\n"


def main():
    # remove old generated scenario files
    for fn in os.listdir(HERE):
        if fn.endswith(".yaml"):
            os.remove(os.path.join(HERE, fn))
    seen = set()
    for i, s in enumerate(SCENARIOS):
        fn = f"{s['cls']}-{s['w']}-{s['slug']}.yaml"
        assert fn not in seen, fn
        seen.add(fn)
        doc = {"name": f"set5-{s['cls'].replace('_', '-')}-{s['w']}-{s['slug']}", "class": s["cls"],
               "world": WORLD_REF[s["w"]], "tasks": s["tasks"]}
        if s["known"]:
            doc["known_objects"] = s["known"]
        doc["timeout_s"] = s["timeout"]
        doc["seed"] = 500 + i
        doc["success"] = s["crit"] + [{"never_entered_keep_out": True}, {"max_collisions": 0}]
        with open(os.path.join(HERE, fn), "w", encoding="utf-8") as f:
            f.write(emit(doc))
        with open(os.path.join(HERE, fn), encoding="utf-8") as f:
            assert yaml.safe_load(f) == doc, fn
    print(f"wrote {len(SCENARIOS)} scenarios")


if __name__ == "__main__":
    main()
