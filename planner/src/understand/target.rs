//! What a phrase after a verb refers to: a name, a purpose, a described thing, part of a
//! place, a point, or what was just talked about.

use super::clause::{WHERE_TAIL, is_origin_rest, strip_tail};
use super::*;

/// Words that point back at what was just talked about.
pub(super) const ANAPHORA: &[&str] = &[
    "it",
    "there",
    "them",
    "they",
    "that",
    "this",
    "that one",
    "this one",
    "that place",
    "that room",
    "the same place",
    "in there",
    "over there",
    "back there",
    "down there",
    "up there",
    "it again",
    "there again",
    "the one you found",
    "where it is",
    "where it was",
    "to it",
    "to them",
    "to there",
    "that spot",
    "the spot",
    "those",
    "these",
];

/// Pronouns that stand for the people who do something somewhere ("where we keep the stock").
pub(super) const DOERS: &[&str] = &[
    "we",
    "they",
    "you",
    "i",
    "people",
    "one",
    "visitors",
    "staff",
    "patients",
    "guests",
    "customers",
    "workers",
    "the staff",
    "the team",
    "everyone",
    "folks",
    "the nurses",
    "the doctors",
    "the engineers",
    "the kids",
];

/// Openings of the part of a place by a thing ("the end with the picnic table"); after a
/// place and a comma, also a thing alone ("over by the desk").
const PART_BY_THING: &[&str] = &[
    "the end with the ",
    "the side with the ",
    "the corner with the ",
    "the part with the ",
    "the bit with the ",
    "the bit by the ",
    "the bit near the ",
    "the part by the ",
    "the part near the ",
    "the area by the ",
    "the area near the ",
    "the spot by the ",
    "the end by the ",
    "the side by the ",
    "the corner by the ",
    "the end near the ",
    "the corner near the ",
    "the end where the ",
    "the corner where the ",
    "the side where the ",
    "the end nearest the ",
    "the end nearest to the ",
    "the end closest to the ",
    "the end next to the ",
    "the end towards the ",
    "the side nearest the ",
    "the side nearest to the ",
    "the side closest to the ",
    "the side towards the ",
    "the corner nearest the ",
    "the corner closest to the ",
    "the part nearest the ",
    "the bit nearest the ",
];
const BY_THING: &[&str] = &[
    "over by the ",
    "down by the ",
    "up by the ",
    "by the ",
    "near the ",
    "next to the ",
    "close to the ",
    "where the ",
    "nearest the ",
    "nearest to the ",
    "closest to the ",
    "nearer the ",
    "nearer to the ",
    // Places go without an article ("nearest studio B").
    "nearest to ",
    "closest to ",
    "nearest ",
];

/// Parts said without their place ("the far end"): of the place said before.
const PARTS_ALONE: &[&str] = &[
    "the far end",
    "the end",
    "the other end",
    "the back",
    "the far side",
    "the other side",
    "the far corner",
    "the corner",
    "the back corner",
    "the opposite corner",
    "the other corner",
    "the opposite end",
    "the opposite side",
    "the front",
];

/// The thing a part of a place is by, if `text` says a part that way.
fn part_by_thing(text: &str, after_place: bool) -> Option<&str> {
    let extra: &[&str] = if after_place { BY_THING } else { &[] };
    // "in the corner where the cake cabinet is", "down the end by the flats"
    let text = ["in ", "at ", "down ", "up ", "over in ", "over at "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .filter(|rest| rest.starts_with("the "))
        .unwrap_or(text);
    // "right by the security arch", "just next to the sink": how close, not where.
    let text = ["right ", "just ", "somewhere "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .unwrap_or(text);
    PART_BY_THING
        .iter()
        .chain(extra)
        .find_map(|p| text.strip_prefix(p))
        .map(|thing| strip_tail(thing, WHERE_TAIL))
        // "nearest one please", "nearest free one": which one, not a thing it is by.
        .filter(|thing| {
            let first = thing.split_whitespace().next().unwrap_or_default();
            !matches!(
                first,
                "" | "one" | "ones" | "available" | "free" | "open" | "empty"
            )
        })
}

/// What a phrase after a verb refers to.
pub fn read_target(text: &str) -> Target {
    let t = text.trim().trim_matches(',').trim();
    // "the tank, but keep off the hot side": what follows is a remark, not more of the target.
    let t = [", but ", " but "]
        .iter()
        .filter_map(|m| t.find(m))
        .min()
        .map_or(t, |i| t[..i].trim());
    // "the ward, the nurse needs you": a remark about someone after a comma; "..., out of
    // the way of the machines": a manner.
    let t = match t.split_once(", ") {
        Some((head, rest))
            if super::says_something_is(rest.trim()) || rest.starts_with("out of the way") =>
        {
            head.trim()
        }
        _ => t,
    };
    // "live room a without bumping into anything": how to go, not more of the target (a
    // route said with "without" — "without going through the yard" — is read before this).
    let t = match t.split_once(" without ") {
        Some((head, rest))
            if !head.trim().is_empty()
                && rest
                    .split(' ')
                    .next()
                    .is_some_and(|w| w.len() > 4 && w.ends_with("ing")) =>
        {
            head.trim()
        }
        _ => t,
    };
    // "the end of the styling floor nearest the backwash": which end, as after a comma.
    let nearest = [
        " nearest the ",
        " nearest to the ",
        " closest to the ",
        " nearer the ",
        " nearest to ",
        " closest to ",
        " nearest ",
    ]
    .iter()
    .find_map(|m| t.split_once(m).map(|(a, b)| (a, *m, b)));
    if let Some((a, m, b)) = nearest
        && !t.contains(',')
        && matches!(qualified(a.trim()), Some(Target::Part(..)))
    {
        return read_target(&format!("{}, {}{b}", a.trim(), m.trim_start()));
    }
    let t = strip_tail(
        t,
        &[
            "please",
            "now",
            "then",
            "again",
            "right now",
            "for me",
            "asap",
            "area please",
            "for a sec",
            "for a second",
            // "the shoes left there": where they were said to be, not part of the name.
            "left there",
            "left here",
            "left behind",
            "lying there",
            "lying here",
            "lying around",
            "sitting there",
            "sitting here",
        ],
    );
    let t = [
        "too ", "2 ", "to ", "into ", "in to ", "towards ", "toward ", "over to ", "up to ",
        "down to ", "for ",
    ]
    .iter()
    .find_map(|p| t.strip_prefix(p))
    .unwrap_or(t)
    .trim();
    let t = ["for me ", "me ", "us "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t)
        .trim();
    if ANAPHORA.contains(&t)
        || matches!(
            t,
            "go" | "to go" | "i should go" | "i need to go" | "we should go" | "i have to go"
        )
    {
        return Target::Previous;
    }
    // "the terrace, the end with the picnic table", "the study, over by the desk"
    if let Some((place, part)) = t.split_once(", ")
        && let Some(thing) = part_by_thing(part.trim(), true)
    {
        // "the back corner of the supply room, where the oxygen is kept": the corner keeps
        // its sides and gets the thing; "the far end of the hall, by the stage": the thing
        // says where at that end (a door keeps its side).
        if let Some(Target::Part(p, pl)) = qualified(place.trim()) {
            return Target::Part(
                match p {
                    Part::Corner { sides, .. } => Part::Corner {
                        near: Some(thing.to_owned()),
                        sides,
                    },
                    Part::End(_) | Part::Side(_) | Part::Middle => Part::Toward(thing.to_owned()),
                    other => other,
                },
                pl,
            );
        }
        // "go down the far end, by the stacked flats": a part of the place said before.
        let bare_part = ["down ", "up ", "over ", "to "]
            .iter()
            .find_map(|p| place.strip_prefix(p))
            .unwrap_or(place)
            .trim();
        if PARTS_ALONE.contains(&bare_part) {
            return Target::Part(Part::Toward(thing.to_owned()), "there".to_owned());
        }
        return Target::Part(
            Part::Toward(thing.to_owned()),
            place.trim_start_matches("the ").to_owned(),
        );
    }
    // "the end with the medicine cabinet" (of the place just named)
    if let Some(thing) = part_by_thing(t, false) {
        return Target::Part(Part::Toward(thing.to_owned()), "there".to_owned());
    }
    // "(just) inside the staff room door": the staff room's door, from inside.
    if let Some(rest) = t.strip_prefix("inside ")
        && let Some(place) = [" door", " doors", " doorway", " entrance"]
            .iter()
            .find_map(|d| rest.strip_suffix(d))
        && !matches!(place.trim(), "the" | "")
    {
        let place = place.trim().trim_start_matches("the ").trim();
        return Target::Part(Part::Door(DoorSide::Inside), place.to_owned());
    }
    // "just outside room 8", "just inside the door" (of the place said before)
    for (opening, side) in [
        ("just outside the door of ", DoorSide::Outside),
        ("just outside the door to ", DoorSide::Outside),
        ("just outside ", DoorSide::Outside),
        ("right outside ", DoorSide::Outside),
        ("outside the door of ", DoorSide::Outside),
        ("outside ", DoorSide::Outside),
        ("just inside the door of ", DoorSide::Inside),
        ("just inside the door to ", DoorSide::Inside),
        ("inside the door of ", DoorSide::Inside),
        ("just inside the door", DoorSide::Inside),
        ("inside the door", DoorSide::Inside),
        ("just inside ", DoorSide::Inside),
        ("by the door of ", DoorSide::At),
        ("at the door of ", DoorSide::At),
        ("the door of ", DoorSide::At),
        ("the door to ", DoorSide::At),
    ] {
        if let Some(rest) = t.strip_prefix(opening) {
            let place = rest.trim().trim_start_matches("the ").trim();
            // "just inside the staff room door": the staff room's door.
            let place = [" door", " doors", " doorway", " entrance"]
                .iter()
                .find_map(|d| place.strip_suffix(d))
                .unwrap_or(place)
                .trim();
            let place = if place.is_empty() { "there" } else { place };
            // An opening that ends in a space wants the place after it; one that does not is
            // the whole phrase ("just inside the door"), never the start of a longer word.
            let whole = opening.ends_with(' ') != rest.trim().is_empty();
            if whole || place == "there" {
                return Target::Part(Part::Door(side), place.to_owned());
            }
        }
    }
    // "the corridor right outside exam room 2"
    for p in [
        " right outside ",
        " just outside ",
        " outside of ",
        " outside ",
    ] {
        if let Some((a, b)) = t.split_once(p)
            && !a.is_empty()
            && !b.is_empty()
        {
            // "the corridor just outside its door": outside the door of the place before.
            if matches!(
                b,
                "its door" | "the door" | "its doors" | "the doors" | "their door"
            ) {
                return Target::Part(Part::Door(DoorSide::Outside), "there".to_owned());
            }
            return Target::Part(
                Part::Toward(b.trim_start_matches("the ").to_owned()),
                a.trim_start_matches("the ").to_owned(),
            );
        }
    }
    if let Some(p) = point(t) {
        return p;
    }
    if is_origin_rest(t)
        || matches!(
            t,
            "the start"
                | "the starting point"
                | "your start"
                | "start"
                | "where you started"
                | "where you were"
                | "your starting position"
                | "the starting position"
                | "your original position"
                | "your starting spot"
        )
    {
        return Target::Origin;
    }
    // "between the sofa and the tv"; "halfway between", "the corridor between the shop and
    // the café": what lies between two things is said by the two things.
    let between = after(t, "between")
        .or_else(|| after(t, "in between"))
        .or_else(|| {
            let (head, rest) = t.split_once(" between ")?;
            let head = head.trim_start_matches("the ").trim_start_matches("a ");
            let generic = matches!(
                head,
                "halfway"
                    | "half way"
                    | "midway"
                    | "somewhere"
                    | "the middle"
                    | "middle"
                    | "gap"
                    | "space"
                    | "spot"
                    | "point"
                    | "area"
                    | "bit"
                    | "stretch"
            ) || super::lexicon::PLACE_NOUNS.contains(&head)
                || super::lexicon::PASSAGES.contains(&head);
            generic.then_some(rest)
        });
    if let Some(rest) = between
        && let Some((a, b)) = rest.split_once(" and ")
    {
        return Target::Between(
            a.trim_start_matches("the ").to_owned(),
            b.trim_start_matches("the ").to_owned(),
        );
    }
    // "next to the fridge"
    for p in [
        "right next to",
        "up next to",
        "next to",
        "near to",
        "close to",
        "nearby",
        "near",
        "right by",
        "over by",
        "beside",
        "besides",
        "alongside",
        "in front of",
        "behind",
        "by",
        "at",
    ] {
        if let Some(rest) = after(t, p)
            && !rest.is_empty()
        {
            let rest = rest.trim_start_matches("the ").trim();
            return if p == "at" {
                read_target(rest)
            } else {
                Target::Near(rest.to_owned())
            };
        }
    }
    if let Some(q) = qualified(t) {
        return q;
    }
    // "somewhere to sleep", "the room with the bed", "where the towels are kept", "where we
    // keep the spare stock"
    if let Some((p, rest)) = longest(t, SOMEWHERE)
        && !rest.is_empty()
    {
        let doer = p
            .ends_with("where")
            .then(|| longest(rest, DOERS))
            .flatten()
            .filter(|(_, r)| !r.is_empty());
        if let Some((_, act)) = doer {
            return Target::Purpose(strip_tail(act, WHERE_TAIL).to_owned());
        }
        // "where the towels are kept": a thing, not an activity.
        let thing_follows = p.ends_with("where")
            && [
                "the ", "my ", "our ", "your ", "his ", "her ", "their ", "all the ", "all my ",
            ]
            .iter()
            .any(|d| rest.starts_with(d));
        let with = thing_follows
            || p.ends_with("with")
            || p.ends_with("full of")
            || p.ends_with("has")
            || p.ends_with("the")
            || p.ends_with("my")
            || p.ends_with("that");
        let rest = strip_tail(rest, WHERE_TAIL);
        let rest = strip_tail(
            rest,
            &[
                "usually", "normally", "always", "kept", "stored", "located", "is kept", "are kept",
            ],
        );
        return if with {
            let thing = if (p.ends_with("the") || p.ends_with("my")) && !thing_follows {
                format!("the {rest}")
            } else {
                rest.to_owned()
            };
            Target::With(thing)
        } else {
            Target::Purpose(rest.to_owned())
        };
    }
    // "something to sit on", "the red thing that puts out fires", "the machine that does the
    // washing", "the thing in the kitchen that keeps the milk cold"
    if let Some(d) = described_thing(t) {
        return d;
    }
    // "the kitchen, the hall and the study"
    let parts: Vec<&str> = t
        .split([','])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" then "))
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "and")
        .collect();
    if parts.len() > 1 && parts.iter().all(|p| p.split(' ').count() <= 4) {
        // "the kitchen, someone is mopping": a remark on the way is no other target.
        let targets: Vec<&str> = parts
            .into_iter()
            .filter(|p| !super::says_something_is(p))
            .collect();
        return match targets[..] {
            [] => Target::Named(t.to_owned()),
            [one] => read_target(one),
            _ => Target::Several(targets.into_iter().map(read_target).collect()),
        };
    }
    // "the mug in the kitchen"
    for sep in [
        " in the ",
        " inside the ",
        " on the ",
        " from the ",
        " in my ",
        " in ",
    ] {
        if let Some(i) = t.rfind(sep) {
            let (a, b) = (&t[..i], &t[i + sep.len()..]);
            // "in the cash office where the takings are locked away": the place is the name
            // before what is said about it.
            let b = [" where ", " that ", " which ", " who "]
                .iter()
                .filter_map(|link| b.split_once(link).map(|(head, _)| head))
                .min_by_key(|head| head.len())
                .unwrap_or(b);
            if !a.is_empty() && !b.is_empty() && b.split(' ').count() <= 4 {
                let place = b.trim();
                let inner = read_target(a);
                return Target::In(
                    Box::new(inner),
                    if ANAPHORA.contains(&place) || place == "here" {
                        "there".to_owned()
                    } else {
                        place.to_owned()
                    },
                );
            }
        }
    }
    // A long description names its thing first: "that whiteboard on wheels we drag around".
    let ws: Vec<&str> = t.split(' ').collect();
    let core = if ws.len() >= 4 {
        ws.iter()
            .enumerate()
            .skip(1)
            .find(|(_, w)| {
                matches!(
                    **w,
                    "on" | "with"
                        | "that"
                        | "which"
                        | "we"
                        | "you"
                        | "they"
                        | "for"
                        | "who"
                        | "where"
                        | "near"
                        | "by"
                        | "next"
                        | "beside"
                        | "behind"
                        | "at"
                )
            })
            .map(|(i, _)| ws[..i].join(" "))
    } else {
        None
    };
    let t = core.as_deref().unwrap_or(t);
    Target::Named(
        ["the ", "a ", "an ", "that ", "this "]
            .iter()
            .find_map(|p| t.strip_prefix(p))
            .unwrap_or(t)
            .to_owned(),
    )
}

/// A thing described by what it does: "(the) (adjectives) thing|machine|one (that|to|for|you
/// use to|...) <purpose>", optionally "in the <place>" before the purpose.
pub(super) fn described_thing(t: &str) -> Option<Target> {
    if let Some((_, rest)) = longest(t, SOMETHING)
        && !rest.is_empty()
        && !rest.starts_with("of ")
    {
        return Some(thing_with(rest, Vec::new()));
    }
    let ws: Vec<&str> = t.split(' ').collect();
    let start = usize::from(matches!(
        ws.first(),
        Some(&("the" | "a" | "an" | "that" | "this" | "some" | "my" | "our"))
    ));
    let link = [
        "that",
        "which",
        "to",
        "for",
        "you",
        "i",
        "we",
        "people",
        "used",
        "we use",
        "you use",
        "for use",
        "with which",
    ];
    // The noun of a thing followed by what it is for ("container thing, the one for stacking
    // stuff": "one for ...").
    let bare = |w: &str| w.trim_end_matches(',').to_owned();
    let noun = (start..ws.len().min(start + 9)).find(|&i| {
        THING_NOUNS.contains(&bare(ws[i]).as_str())
            && link
                .iter()
                .any(|l| after(&ws[i + 1..].join(" "), l).is_some())
    })?;
    let rest = ws[noun + 1..].join(" ");
    let qualifiers: Vec<String> = ws[start..noun]
        .iter()
        .map(|w| bare(w))
        .filter(|w| !matches!(w.as_str(), "the" | "a" | "an" | "one" | "thing"))
        .collect();
    Some(thing_with(&rest, qualifiers))
}

pub(super) fn thing_with(rest: &str, qualifiers: Vec<String>) -> Target {
    // "in the kitchen that keeps the milk cold"
    for p in ["in the ", "on the ", "at the "] {
        if let Some(r) = rest.strip_prefix(p) {
            for link in [
                " that ", " which ", " you ", " to ", " for ", " we ", " used ",
            ] {
                if let Some((place, purpose)) = r.split_once(link) {
                    let purpose = format!("{} {purpose}", link.trim());
                    return Target::In(
                        Box::new(thing_with(&purpose, qualifiers)),
                        place.trim().to_owned(),
                    );
                }
            }
        }
    }
    let purpose = [
        "that",
        "which",
        "used to",
        "used for",
        "used",
        "for use",
        "for",
        "to",
        "with which",
        "you use to",
        "you use",
        "we use to",
        "we use",
        "people use to",
        "people use",
        "i use to",
        "i use",
        "you can",
        "i can",
        "we can",
    ]
    .iter()
    .filter_map(|l| after(rest, l))
    .min_by_key(|r| r.len())
    .unwrap_or(rest);
    // "you sink into in the quiet room"
    if let Some(i) = purpose.rfind(" in the ") {
        let place = purpose[i + 8..].trim();
        if !place.is_empty() && place.split(' ').count() <= 3 {
            return Target::In(
                Box::new(Target::Thing {
                    purpose: purpose[..i].trim().to_owned(),
                    qualifiers,
                }),
                place.to_owned(),
            );
        }
    }
    Target::Thing {
        purpose: purpose.trim().to_owned(),
        qualifiers,
    }
}

pub(super) fn point(t: &str) -> Option<Target> {
    let t = [
        "the point",
        "point",
        "coordinates",
        "coordinate",
        "position",
        "location",
        "x",
    ]
    .iter()
    .find_map(|p| after(t, p))
    .unwrap_or(t);
    let cleaned: String = t
        .chars()
        .map(|c| {
            if c == '(' || c == ')' || c == '=' || c == 'y' || c == 'x' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let nums: Vec<&str> = cleaned
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "and")
        .collect();
    match nums.as_slice() {
        [a, b] => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => Some(Target::Point(x, y)),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn side_word(w: &str) -> Option<Side> {
    Some(match w {
        "left" | "left-hand" | "lefthand" => Side::Left,
        "right" | "right-hand" | "righthand" => Side::Right,
        "far" | "other" | "opposite" | "back" | "rear" | "farthest" | "furthest" | "distant" => {
            Side::Far
        }
        "near" | "nearest" | "closest" | "front" | "this" | "entrance" => Side::Near,
        "north" | "northern" | "top" | "upper" => Side::North,
        "south" | "southern" | "bottom" | "lower" => Side::South,
        "east" | "eastern" => Side::East,
        "west" | "western" => Side::West,
        _ => return None,
    })
}

/// "the far end of the corridor", "the corridor's far end", "the corner of the kitchen by
/// the fridge", "the middle of the hall", "the back of the room".
pub(super) fn qualified(t: &str) -> Option<Target> {
    let (head, place) = if let Some(i) = t.find(" of ") {
        (&t[..i], t[i + 4..].trim())
    } else if let Some(i) = t.find("'s ") {
        (&t[i + 3..], t[..i].trim())
    } else {
        return None;
    };
    let place = place.trim_start_matches("the ").trim();
    let hw: Vec<&str> = head
        .split([' ', '-'])
        .filter(|w| !w.is_empty() && *w != "the" && *w != "very" && *w != "hand")
        .collect();
    if hw.is_empty() || place.is_empty() {
        return None;
    }
    let last = *hw.last()?;
    let sides: Vec<Side> = hw.iter().filter_map(|w| side_word(w)).collect();
    // "the corner of the kitchen by the fridge"
    let (place, near) = match [
        " by the ",
        " near the ",
        " next to the ",
        " beside the ",
        " with the ",
        " where the ",
        " that has the ",
        " by ",
        " near ",
    ]
    .iter()
    .find_map(|s| place.split_once(s))
    {
        Some((p, n)) => (p.trim(), Some(n.trim().to_owned())),
        None => (place, None),
    };
    // "the far end of the concourse from security": the end away from it.
    let (place, away) = match [" from the ", " from "]
        .iter()
        .find_map(|s| place.split_once(s))
    {
        Some((p, a))
            if near.is_none()
                && matches!(last, "end" | "side" | "corner")
                && sides.iter().all(|s| matches!(s, Side::Far)) =>
        {
            (p.trim(), Some(a.trim().to_owned()))
        }
        _ => (place, None),
    };
    if let Some(a) = away {
        return Some(Target::Part(Part::Away(a), place.to_owned()));
    }
    let part = match last {
        "end" | "ends" => match (sides.first(), &near) {
            (None, Some(n)) => Part::Toward(n.clone()),
            (None, None) if hw.len() > 1 => Part::Toward(hw[..hw.len() - 1].join(" ")),
            (s, _) => Part::End(s.copied().unwrap_or(Side::Far)),
        },
        "side" | "half" | "part" | "wall" | "edge" | "area" | "section" => match sides.first() {
            Some(s) => Part::Side(*s),
            // "the sofa side of the lobby"
            None if hw.len() > 1 => Part::Toward(hw[..hw.len() - 1].join(" ")),
            None => match &near {
                Some(n) => Part::Toward(n.clone()),
                None => return None,
            },
        },
        // "the back of the studio by the piano": where the thing is, at the back. Doors and
        // windows are the map's, not things to look for: the side stays.
        "back" | "rear" | "far" | "front"
            if near.as_deref().is_some_and(|n| {
                !n.split(' ').any(|w| {
                    matches!(
                        w,
                        "door" | "doors" | "doorway" | "entrance" | "window" | "windows" | "exit"
                    )
                })
            }) =>
        {
            Part::Toward(near.clone()?)
        }
        "back" | "rear" | "far" => Part::Side(Side::Far),
        "front" => Part::Side(Side::Near),
        "left" | "right" | "north" | "south" | "east" | "west" | "top" | "bottom" => {
            Part::Side(side_word(last)?)
        }
        "corner" | "corners" => Part::Corner {
            near,
            sides: match sides.as_slice() {
                [a, b, ..] => Some((*a, *b)),
                _ => None,
            },
        },
        "middle" | "centre" | "center" | "heart" | "inside" => Part::Middle,
        // "the door of the ward", "the ward's door", "just inside the door of the shop"
        "door" | "doorway" | "entrance" | "entry" => Part::Door(if hw.contains(&"inside") {
            DoorSide::Inside
        } else if hw.contains(&"outside") {
            DoorSide::Outside
        } else {
            DoorSide::At
        }),
        _ => return None,
    };
    Some(Target::Part(part, place.to_owned()))
}
