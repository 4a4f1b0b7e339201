//! One clause read into a frame: the longest intent phrase it starts with, and what follows it.

use super::motion::read_motion;
use super::target::read_target;
use super::*;
use crate::text::number_at;

/// Which intent a clause's opening phrase belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Intent {
    Go,
    Find,
    Lost,
    Where,
    Seen,
    Colour,
    DescribePast,
    DescribeNow,
    Turn,
    Wait,
    Say,
    Stop,
    ComeBack,
    Report,
    Carry,
    Cannot,
}

/// The intent whose phrase starts `t` (longest phrase wins; on equal length, the order of
/// the list below).
pub(super) fn intent_of(t: &str) -> Option<(Intent, &'static str, &str)> {
    let lists: [(Intent, &[&'static str]); 16] = [
        (Intent::Stop, STOP),
        (Intent::ComeBack, COME_BACK),
        (Intent::Report, REPORT),
        (Intent::DescribePast, DESCRIBE_PAST),
        (Intent::DescribeNow, DESCRIBE_NOW),
        (Intent::Where, WHERE),
        (Intent::Seen, SEEN),
        (Intent::Colour, COLOUR),
        (Intent::Lost, LOST),
        (Intent::Find, FIND),
        (Intent::Go, go_phrases()),
        (Intent::Cannot, CANNOT),
        (Intent::Carry, CARRY),
        (Intent::Turn, TURN),
        (Intent::Wait, WAIT),
        (Intent::Say, SAY),
    ];
    // "tell me which bay it is in": the question asked, not words to say.
    if longest(t, ASKING_FOR).is_some()
        && let Some(asked) = which_place(t)
    {
        return Some(asked);
    }
    let mut best: Option<(Intent, &'static str, &str)> = placed(t);
    for (intent, list) in lists {
        if let Some((p, rest)) = longest(t, list)
            && best.is_none_or(|(_, bp, _)| p.len() > bp.len())
        {
            best = Some((intent, p, rest));
        }
    }
    best.or_else(|| which_place(t)).or_else(|| located(t))
}

/// Words after "which"/"what" that ask for something other than a place ("which colour
/// is", "what time is").
const NOT_PLACE_KINDS: &[&str] = &[
    "colour", "color", "colours", "colors", "time", "size", "kind", "sort", "type", "one", "ones",
    "way", "day", "shape", "number", "brand", "make",
];

/// Copulas and verbs of holding between "which <kind of place>" and the thing.
const WHICH_VERBS: &[&str] = &[
    "is", "are", "was", "were", "has", "had", "holds", "contains",
];

/// Openings that ask for an answer without asking themselves ("tell me which bay ...").
const ASKING_FOR: &[&str] = &[
    "tell me",
    "and tell me",
    "can you tell me",
    "could you tell me",
    "do you know",
    "do you remember",
    "let me know",
    "say",
];

/// Words that open the thing in "which bay the wheelchair was in" (the question said inside
/// a sentence, the thing before its verb).
const THING_OPENS: &[&str] = &[
    "the", "my", "your", "our", "his", "her", "their", "a", "an", "this", "that", "these", "those",
    "it", "they", "it's", "they're", "its",
];

/// "which platform were the flowers on", "what shelf is the bleach kept on", "which bay has
/// the forklift", "which part of the garage it's in", "tell me which bay the wheelchair was
/// in": a place asked for by its kind, whatever the building calls its places. The kind is
/// one or two words (and what it is part of); with a copula the thing must end in a
/// preposition of place, so "which one is yours" stays unread. Read as a where-question
/// about the thing.
fn which_place(t: &str) -> Option<(Intent, &'static str, &str)> {
    let asked = longest(t, ASKING_FOR).map_or(t, |(_, r)| r);
    let rest = after(asked, "which").or_else(|| after(asked, "what"))?;
    let words: Vec<&str> = rest.split(' ').collect();
    // Byte offset of word `k` in `rest`.
    let at = |k: usize| -> usize { words[..k].iter().map(|w| w.len() + 1).sum() };
    let ends_in_place = |w: Option<&&str>| {
        matches!(
            w.copied(),
            Some("in" | "on" | "at" | "inside" | "by" | "near")
        )
    };
    for kind_len in 1..=2 {
        let Some(kind) = words.get(..kind_len) else {
            continue;
        };
        if kind
            .iter()
            .any(|w| NOT_PLACE_KINDS.contains(w) || WHICH_VERBS.contains(w))
        {
            continue;
        }
        // "part of the garage": what the kind is part of, up to three words.
        let mut k = kind_len;
        if words.get(k) == Some(&"of") {
            k += 1;
            let whole = words[k..]
                .iter()
                .take(3)
                .take_while(|w| {
                    !WHICH_VERBS.contains(w) && !matches!(**w, "it" | "they" | "it's" | "they're")
                })
                .count();
            k += whole;
        }
        let Some(verb) = words.get(k) else { continue };
        if WHICH_VERBS.contains(verb) {
            let thing = rest[at(k + 1).min(rest.len())..].trim();
            let holding = matches!(*verb, "has" | "had" | "holds" | "contains");
            if thing.contains(' ') && (holding || ends_in_place(thing.rsplit(' ').next().as_ref()))
            {
                let phrase = if holding {
                    "which room has"
                } else {
                    "which room is"
                };
                return Some((Intent::Where, phrase, thing));
            }
            continue;
        }
        // "which bay the wheelchair was in", "which part of the garage it's in".
        let n = words.len();
        if !THING_OPENS.contains(verb) || n < k + 2 || !ends_in_place(words.last()) {
            continue;
        }
        let (end, contracted) = match words[n - 2] {
            "it's" | "they're" if n - 2 == k => (at(k) + words[k].find('\'')?, true),
            w if WHICH_VERBS.contains(&w) && n - 2 > k => (at(n - 2) - 1, false),
            _ => continue,
        };
        let thing = rest[at(k)..end].trim();
        if !thing.is_empty() && (contracted || !thing.contains("'")) {
            return Some((Intent::Where, "which room is", thing));
        }
    }
    None
}

/// "is the balloon in the dining room or in the bar?", "was my coat on the rack": asked
/// whether a thing is somewhere. Answered with where it was seen, which settles it either
/// way; read as a where-question about the thing.
fn located(t: &str) -> Option<(Intent, &'static str, &str)> {
    let (_, rest) = longest(t, &["is", "are", "was", "were"])?;
    let words: Vec<&str> = rest.split(' ').collect();
    if matches!(
        words.first(),
        Some(&("there" | "you" | "we" | "i" | "he" | "she" | "they" | "this" | "that"))
    ) {
        return None;
    }
    let at = words
        .iter()
        .position(|w| matches!(*w, "in" | "on" | "at" | "inside"))?;
    if at == 0 || at + 1 >= words.len() {
        return None;
    }
    let thing_len = words[..at].join(" ").len();
    Some((Intent::Where, "where is", rest[..thing_len].trim()))
}

/// "stand between the sofa and the tv", "wait behind the counter": a verb of being somewhere
/// and where, said by a preposition the target keeps. The length compared with other
/// intents' phrases is the verb's and the preposition's together.
fn placed(t: &str) -> Option<(Intent, &'static str, &str)> {
    let (verb, rest) = longest(t, POSTURES)?;
    longest(rest, LOCATIVES)?;
    Some((Intent::Go, verb, rest))
}

/// Reads one clause into one or more frames (a go with a wait attached makes two).
pub(super) fn read_clause(t: &str) -> Vec<Clause> {
    let one = |frame: Frame| {
        vec![Clause {
            text: t.to_owned(),
            frame,
            implied: false,
        }]
    };
    if let Some(u) = UNSAFE_ANYWHERE.iter().find(|u| contains_phrase(t, u)) {
        return one(Frame::Refuse(Refusal::Unsafe((*u).to_owned())));
    }
    if let Some((u, _)) = longest(t, UNSAFE) {
        return one(Frame::Refuse(Refusal::Unsafe(u.to_owned())));
    }
    // "tell me what's in there", "let me know how many chairs there are": the question.
    if let Some((_, asked)) = longest(t, ASKING_FOR)
        && matches!(
            asked.split(' ').next(),
            Some("what" | "what's" | "whats" | "where" | "where's" | "which" | "how" | "who")
        )
    {
        let inner = read_clause(asked);
        if !matches!(&inner[..], [c] if matches!(c.frame, Frame::Unknown(_) | Frame::Bare(_))) {
            return inner;
        }
    }
    if let Some(moving) = moves_a_thing(t) {
        return one(Frame::Refuse(Refusal::Cannot(moving)));
    }
    if let Some(away) = OFF_SITE.iter().find(|p| contains_phrase(t, p)) {
        return one(Frame::Refuse(Refusal::Cannot(format!(
            "go {away}: I only move inside the mapped building"
        ))));
    }
    if super::split::PROHIBITIONS
        .iter()
        .any(|p| after(t, p).is_some())
        || crate::avoid::route_prohibition_len(&t.split(' ').collect::<Vec<_>>()).is_some()
    {
        return one(Frame::Bare(t.to_owned()));
    }
    // "check if the machine is on": a state the robot cannot judge.
    for p in [
        "check if",
        "check whether",
        "see if",
        "see whether",
        "find out if",
        "find out whether",
        "check that",
        "make sure",
    ] {
        if after(t, p).is_some() && longest(t, FIND).is_none_or(|(f, _)| f.len() <= p.len()) {
            return one(Frame::Refuse(Refusal::Cannot(format!(
                "{p} something is so"
            ))));
        }
    }
    // "what colour kettlebells have you seen?", "which colours of crate have you come
    // across?": the colours of the things of that kind seen.
    if let Some(thing) = colours_seen(t) {
        return one(Frame::Colour(read_target(thing)));
    }
    let found = intent_of(t);
    match found {
        Some((Intent::Stop, _, rest))
            if rest.is_empty()
                || matches!(rest, "now" | "here" | "there" | "moving" | "please") =>
        {
            return one(Frame::Stop);
        }
        Some((Intent::ComeBack, _, rest)) if is_origin_rest(rest) => return one(Frame::ComeBack),
        _ => {}
    }
    // A longer phrase of another intent ("look around and tell me what you see", "turn on
    // the lights") is not a motion.
    let other_phrase = found.is_some_and(|(i, p, _)| {
        i != Intent::Turn
            && i != Intent::Wait
            && p.contains(' ')
            && !matches!(p, "go back" | "head back" | "give me" | "take the")
    });
    if !other_phrase && let Some(m) = read_motion(t) {
        return one(m);
    }
    let Some((intent, phrase, rest)) = found else {
        // "hurry to the resus trolley": the way of going was a manner, taken off before.
        if let Some(rest) = after(t, "to")
            && matches!(
                rest.split(' ').next(),
                Some("the" | "my" | "your" | "our" | "his" | "her" | "their")
            )
        {
            return one(Frame::Go(read_target(rest)));
        }
        return match read_need(t) {
            Some(f) => one(f),
            None => one(Frame::Bare(t.to_owned())),
        };
    };
    let rest = rest.trim();
    match intent {
        Intent::Stop
            if rest.is_empty()
                || matches!(rest, "now" | "here" | "there" | "moving" | "please") =>
        {
            one(Frame::Stop)
        }
        Intent::Stop => read_clause_without(t, phrase),
        Intent::ComeBack if is_origin_rest(rest) => one(Frame::ComeBack),
        Intent::ComeBack => {
            // "come back a metre": a distance, backwards (or ahead after turning around, see
            // `super::come_back_after_turning`).
            if rest.split(' ').any(|w| {
                w.chars().any(|c| c.is_ascii_digit())
                    || crate::text::number_at(&[w.to_owned()], 0).is_some()
            }) && let Some(Frame::Move(m)) = read_motion(&format!("back {rest}"))
            {
                return one(Frame::Move(m));
            }
            // "come back here and ..." was split before; "come back to the kitchen" is a go.
            match intent_of_go(t) {
                Some(f) => one(f),
                None => one(Frame::ComeBack),
            }
        }
        Intent::Report => {
            let at = rest
                .trim_start_matches("back")
                .trim()
                .trim_start_matches("to me")
                .trim();
            let at = ["at", "in", "to", "from", "by"]
                .iter()
                .find_map(|p| after(at, p))
                .unwrap_or(at)
                .trim();
            one(Frame::Report(if at.is_empty() || is_origin_rest(at) {
                None
            } else {
                Some(read_target(at))
            }))
        }
        Intent::DescribePast | Intent::DescribeNow => {
            let now = intent == Intent::DescribeNow;
            let place = rest
                .trim_start_matches("the ")
                .trim_end_matches(" now")
                .trim();
            let place = strip_tail(
                place,
                &[
                    "right now",
                    "now",
                    "at the moment",
                    "currently",
                    "there",
                    "here",
                    "today",
                    "earlier",
                    "before",
                    "in there",
                    "so far",
                    "yet",
                    "lately",
                    "recently",
                    "up to now",
                    "until now",
                ],
            );
            let place = place
                .trim_start_matches("in ")
                .trim_start_matches("inside ")
                .trim_start_matches("at ")
                .trim();
            let around = place.is_empty()
                || matches!(
                    place,
                    "you"
                        | "around you"
                        | "around"
                        | "here"
                        | "there"
                        | "nearby"
                        | "the room"
                        | "this room"
                        | "your surroundings"
                        | "front of you"
                        | "in front of you"
                );
            one(Frame::Describe {
                place: (!around).then(|| read_target(place)),
                now,
            })
        }
        Intent::Where => {
            let thing = strip_tail(rest, WHERE_TAIL);
            // "which room is the X in", "which room has the X in it"
            let thing = if phrase.starts_with("which")
                || phrase.starts_with("what")
                || phrase.starts_with("in which")
            {
                strip_tail(
                    thing,
                    &[
                        "in it",
                        "in there",
                        "in",
                        "kept in",
                        "kept on",
                        "kept at",
                        "stored in",
                        "stored on",
                        "left in",
                        "left on",
                        "left at",
                        "located in",
                        "at",
                        "on",
                    ],
                )
            } else {
                thing
            };
            // "which bay is the van parked in": how it was put there is not its name.
            let thing = match thing.rsplit_once(' ') {
                Some((head, last))
                    if phrase.starts_with("which") && last.len() >= 6 && last.ends_with("ed") =>
                {
                    head
                }
                _ => thing,
            };
            if thing.is_empty() {
                return one(Frame::Unknown(t.to_owned()));
            }
            // "where can I wash my hands" asks for a place by purpose.
            if phrase.starts_with("where") && !phrase.contains("find") && !phrase.contains("see") {
                // "where can I / do people / should we <do something>"
                for aux in [
                    "can", "could", "do", "does", "should", "would", "might", "will", "may", "must",
                ] {
                    // The tail is kept when stripping it leaves no purpose ("where do I go").
                    let asked =
                        match after(thing, aux).and_then(|r| longest(r, super::target::DOERS)) {
                            Some((_, p)) if !p.is_empty() => thing,
                            _ => rest,
                        };
                    if let Some(rest) = after(asked, aux)
                        && let Some((_, purpose)) = longest(rest, super::target::DOERS)
                        && !purpose.is_empty()
                    {
                        // "where do I go (to get help)": going is the means; what for is
                        // the purpose, or, unsaid, the situation the rest of the task tells
                        // ("I left my bag on a train, where do I go").
                        let purpose = longest(purpose, GOING_FOR).map_or(purpose, |(_, p)| p);
                        if purpose.is_empty() {
                            return one(Frame::Need(t.to_owned()));
                        }
                        return one(Frame::Where(Target::Purpose(purpose.to_owned())));
                    }
                }
            }
            one(Frame::Where(read_target(thing)))
        }
        Intent::Colour => {
            let thing = strip_tail(rest, COLOUR_TAIL);
            let thing = strip_tail(thing, WHERE_TAIL);
            if thing.is_empty() {
                return one(Frame::Unknown(t.to_owned()));
            }
            one(Frame::Colour(read_target(thing)))
        }
        Intent::Seen => {
            let thing = strip_tail(rest, SEEN_TAIL);
            if thing.is_empty() {
                return one(Frame::Unknown(t.to_owned()));
            }
            one(Frame::Seen(read_target(thing)))
        }
        Intent::Lost | Intent::Find => {
            let thing = strip_tail(rest, FIND_TAIL);
            let described = thing_before_remark(thing);
            let thing = described.as_str();
            if thing.is_empty() {
                return one(Frame::Unknown(t.to_owned()));
            }
            one(Frame::Find(read_target(thing)))
        }
        Intent::Go => {
            // "go" / "head" alone, or with a direction, are motions (read above) or bare.
            if rest.is_empty() {
                return one(Frame::Bare(t.to_owned()));
            }
            // "go (just) inside the studio A doors": the place's door, from inside.
            if phrase.ends_with(" inside") {
                let t = read_target(&format!("inside {rest}"));
                if matches!(t, Target::Part(Part::Door(_), _)) {
                    return one(Frame::Go(t));
                }
            }
            let near =
                phrase.ends_with("next to") || phrase.ends_with(" by") || phrase.ends_with(" near");
            // "cut through the lane to get to the dock": the route is the planner's, the
            // destination is what was asked.
            let route = ["through", "across", "past", "via", "around"]
                .iter()
                .any(|r| phrase.ends_with(r));
            let via = [
                "across ",
                "through ",
                "past ",
                "via ",
                "around ",
                "along ",
                "over ",
                "by way of ",
            ];
            // "go to the wards via the café", "via the lobby to the lifts", "go via the
            // glasshouse": places to pass on the way, before the destination.
            let (dest, waypoints) = split_waypoints(phrase, rest);
            if !waypoints.is_empty() {
                let mut out: Vec<Clause> = waypoints
                    .iter()
                    .map(|w| Clause {
                        text: t.to_owned(),
                        frame: Frame::Via(read_target(w)),
                        implied: false,
                    })
                    .collect();
                if let Some(dest) = dest {
                    let rebuilt = format!("go to {dest}");
                    out.extend(read_clause(&rebuilt).into_iter().map(|mut c| {
                        c.text = t.to_owned();
                        c
                    }));
                }
                return out;
            }
            let rest = dest.unwrap_or(rest);
            let routed = rest.rfind(" to ").is_some_and(|i| {
                let before = &rest[..i];
                via.iter()
                    .any(|v| before.starts_with(v) || before.contains(&format!(" {v}")))
            });
            let rest = if route || routed {
                destination_after_route(rest)
            } else {
                rest
            };
            let (target_text, wait) = split_duration(rest);
            // "meet them at the lobby": whom to meet is not where to go.
            let target_text = strip_met(target_text);
            // "show me where they get processed"
            let where_clause;
            let target_text = if phrase.ends_with("where") {
                where_clause = format!("where {target_text}");
                where_clause.as_str()
            } else {
                target_text
            };
            let target = if near {
                match read_target(target_text) {
                    Target::Named(n) => Target::Near(n),
                    Target::In(inner, place) => match *inner {
                        Target::Named(n) => Target::In(Box::new(Target::Near(n)), place),
                        other => Target::In(Box::new(other), place),
                    },
                    other => other,
                }
            } else {
                read_target(target_text)
            };
            let mut out = one(Frame::Go(target));
            if let Some(s) = wait {
                out.push(Clause {
                    text: t.to_owned(),
                    frame: Frame::Wait(s),
                    implied: false,
                });
            }
            out
        }
        Intent::Carry => {
            if let Some(f) = intent_of_go(t) {
                return one(f);
            }
            // "give me a minute"
            let ws = words(rest);
            let timed = ws.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "s" | "sec"
                        | "secs"
                        | "second"
                        | "seconds"
                        | "min"
                        | "mins"
                        | "minute"
                        | "minutes"
                        | "moment"
                        | "mo"
                        | "jiffy"
                        | "tick"
                )
            });
            if let Some(s) = duration(&ws).filter(|_| phrase == "give me" && timed) {
                return one(Frame::Wait(s));
            }
            one(Frame::Refuse(Refusal::Carry(t.to_owned())))
        }
        Intent::Cannot => one(Frame::Refuse(Refusal::Cannot(phrase.to_owned()))),
        Intent::Turn => one(Frame::Unknown(t.to_owned())),
        Intent::Wait => {
            let (s, place) = read_wait(rest);
            let mut out = Vec::new();
            if let Some(p) = place {
                out.push(Clause {
                    text: t.to_owned(),
                    frame: Frame::Go(read_target(&p)),
                    implied: false,
                });
            }
            out.push(Clause {
                text: t.to_owned(),
                frame: Frame::Wait(s),
                implied: false,
            });
            out
        }
        Intent::Say => {
            let text = if phrase == "greet" {
                format!("hello {}", rest.trim_start_matches("the "))
                    .trim()
                    .to_owned()
            } else {
                rest.trim_start_matches("that ").to_owned()
            };
            if text.is_empty() {
                return one(Frame::Unknown(t.to_owned()));
            }
            if phrase == "tell" && (text.starts_with("me ") || text == "me") {
                return one(Frame::Unknown(t.to_owned()));
            }
            one(Frame::Say(text))
        }
    }
}

/// A clause read again after dropping a leading phrase that turned out not to be its verb.
pub(super) fn read_clause_without(t: &str, phrase: &str) -> Vec<Clause> {
    match after(t, phrase) {
        Some(rest) if !rest.is_empty() => read_clause(rest),
        _ => vec![Clause {
            text: t.to_owned(),
            frame: Frame::Unknown(t.to_owned()),
            implied: false,
        }],
    }
}

/// A go read from a clause whose first phrase was of another intent ("come back to the
/// kitchen", "bring me to the office").
pub(super) fn intent_of_go(t: &str) -> Option<Frame> {
    let (_, rest) = longest(t, go_phrases())?;
    (!rest.is_empty() && !is_origin_rest(rest)).then(|| Frame::Go(read_target(rest)))
}

pub(super) fn is_origin_rest(rest: &str) -> bool {
    matches!(
        rest.trim(),
        "" | "here"
            | "to me"
            | "to here"
            | "again"
            | "back"
            | "back here"
            | "over here"
            | "to where you started"
            | "to where you were"
            | "to the start"
            | "to your start"
            | "to the starting point"
            | "to your starting point"
            | "to where i am"
            | "where you started"
            | "where you were"
            | "to base"
            | "home"
    )
}

/// Going, said before what it is for ("where do I go to get help").
const GOING_FOR: &[&str] = &[
    "go", "go to", "go for", "go and", "head", "head to", "head for", "turn", "turn to",
];

/// What may follow the thing in a question about its colour ("what colour was the van when
/// you saw it").
const COLOUR_TAIL: &[&str] = &[
    "when you saw it",
    "when you saw them",
    "when you last saw it",
    "when you last saw them",
    "painted",
    "looked",
    "look",
    "seem",
    "appear",
    "exactly",
    "again",
];

pub(super) const WHERE_TAIL: &[&str] = &[
    "is located",
    "are located",
    "is kept",
    "are kept",
    "is stored",
    "are stored",
    "was left",
    "were left",
    "is now",
    "are now",
    "was",
    "were",
    "is",
    "are",
    "at",
    "now",
    "right now",
    "currently",
    "go",
    "went",
    "gone",
    "lives",
    "live",
    "last",
    "these days",
    "again",
    "please",
    "kept",
    "located",
    "stored",
    "get to",
    "got to",
    "gone to",
    "go to",
    "end up",
    "ended up",
    "wander off to",
    "disappear to",
    "go off to",
    "get",
    "got",
    "has got to",
    "in this place",
    "in this building",
    "around here",
    "round here",
    "in here",
    "here",
    "anymore",
    "any more",
    "these days",
    "today",
];
pub(super) const SEEN_TAIL: &[&str] = &[
    "anywhere",
    "around",
    "around here",
    "today",
    "lately",
    "recently",
    "at all",
    "yet",
    "so far",
    "earlier",
    "before",
    "by any chance",
    "anywhere around",
    "please",
    "somewhere",
    "nearby",
    "here",
    "there",
    "down there",
    "over there",
    "up there",
    "in there",
    "lying around",
    "lying about",
    "about",
    "in here",
    "round here",
    "on your rounds",
    "lying",
    "left",
    "sitting",
    "standing",
    "sitting around",
    "knocking about",
    "laying around",
    "on your travels",
    "while you were out",
];
pub(super) const FIND_TAIL: &[&str] = &[
    "for me",
    "please",
    "anywhere",
    "somewhere",
    "around",
    "again",
    "now",
    "and go to it",
    "and go there",
    "and drive to it",
    "and go over to it",
    "and take me to it",
];

/// `text` without any of `tails` at its end (repeatedly).
pub(super) fn strip_tail<'a>(text: &'a str, tails: &[&str]) -> &'a str {
    let mut t = text.trim();
    loop {
        let before = t;
        for tail in tails {
            if let Some(r) = t.strip_suffix(tail)
                && (r.is_empty() || r.ends_with(' '))
            {
                t = r.trim();
            }
        }
        if t == before {
            return t;
        }
    }
}

/// The destination of a go that also says a route: what follows the last "to" ("across the
/// terrace to the picnic table", "through the lane to get to the dock"); the whole when there
/// is none.
pub(super) fn destination_after_route(rest: &str) -> &str {
    let Some(i) = rest.rfind(" to ") else {
        return rest;
    };
    let dest = rest[i + 4..].trim();
    let dest = dest.split(',').next().unwrap_or(dest).trim();
    let dest = ["get to ", "reach ", "go to ", "the "]
        .iter()
        .find_map(|p| {
            dest.strip_prefix(p)
                .map(|d| if *p == "the " { dest } else { d })
        })
        .unwrap_or(dest);
    if dest.is_empty() { rest } else { dest }
}

/// The thing to find without a remark said after it, past a comma ("the pink slippers, she's
/// been looking for them all morning"); a colour said there of it ("the chaise longue, the
/// purple one", "the wooden one") stays with it. A short list ("the salt, pepper and oil") is not cut.
pub(super) fn thing_before_remark(thing: &str) -> String {
    let Some((head, tail)) = thing.split_once(", ") else {
        return thing.to_owned();
    };
    let tail_words: Vec<&str> = tail.split(' ').collect();
    let appositive = matches!(
        tail_words[0],
        "the" | "a" | "an" | "its" | "it's" | "that's"
    ) && tail_words
        .iter()
        .take(5)
        .any(|w| *w == "one" || *w == "ones");
    // "the scissors, the sticky tape and the glue": more things, not a remark (a remark has
    // someone doing something in it).
    let someone = tail_words.iter().any(|w| {
        matches!(
            *w,
            "i" | "i'm"
                | "i've"
                | "im"
                | "she"
                | "shes"
                | "she's"
                | "he"
                | "he's"
                | "hes"
                | "they"
                | "they're"
                | "we"
                | "we're"
                | "you"
                | "it's"
                | "its"
                | "think"
                | "is"
                | "was"
        )
    });
    let list = !someone && tail_words.iter().any(|w| *w == "and" || *w == "or");
    if tail_words.len() < 3 || head.is_empty() || (list && !appositive) {
        return thing.to_owned();
    }
    let colours: Vec<&str> = if appositive {
        tail_words
            .iter()
            .take(5)
            .copied()
            .filter(|w| DISTINGUISHING.contains(w) && !head.split(' ').any(|h| h == *w))
            .collect()
    } else {
        Vec::new()
    };
    if colours.is_empty() {
        return head.to_owned();
    }
    // After the article or owner word: "the purple chaise longue".
    let (det, noun) = match head.split_once(' ') {
        Some((d, n))
            if matches!(
                d,
                "the" | "a" | "an" | "my" | "our" | "his" | "her" | "their"
            ) =>
        {
            (format!("{d} "), n)
        }
        _ => (String::new(), head),
    };
    format!("{det}{} {noun}", colours.join(" "))
}

/// Words after a go that name places to pass on the way.
const WAYPOINT_MARKERS: &[&str] = &[
    " going by way of ",
    " by way of ",
    " going via ",
    " via ",
    " passing through ",
    " going through ",
    " through ",
];

/// A go's destination and the places to pass on the way there ("the kitchen by way of the
/// day room and the dining room"; "via the lobby to the lifts"); no destination when only a
/// route is said ("go via the glasshouse"). No waypoints when none is said.
pub(super) fn split_waypoints<'a>(phrase: &str, rest: &'a str) -> (Option<&'a str>, Vec<&'a str>) {
    let leading = ["via", "through", "by way of"]
        .iter()
        .any(|r| phrase.ends_with(r))
        || ["via ", "by way of ", "through "]
            .iter()
            .any(|r| rest.starts_with(r));
    if leading {
        let rest = ["via ", "by way of ", "through "]
            .iter()
            .find_map(|r| rest.strip_prefix(r))
            .unwrap_or(rest);
        return match rest.rfind(" to ") {
            Some(i) => (
                Some(destination_after_route(rest)),
                waypoint_list(&rest[..i]),
            ),
            None => (None, waypoint_list(rest)),
        };
    }
    for m in WAYPOINT_MARKERS {
        if let Some(i) = rest.find(m) {
            let dest = rest[..i].trim().trim_end_matches(',').trim();
            // "without passing through the office": a place to keep out of, not to visit.
            if let Some(d) = [
                "without",
                "not",
                "never",
                "rather than",
                "instead of",
                "avoiding",
                "avoid",
                "avoid going",
                "avoiding going",
                "don't go",
                "do not go",
                "but not",
                "but don't go",
            ]
            .iter()
            .filter_map(|n| dest.strip_suffix(n))
            .min_by_key(|d| d.len())
            {
                let d = d.trim().trim_end_matches(',').trim();
                let d = d.strip_suffix(" but").unwrap_or(d).trim();
                return (Some(d), Vec::new());
            }
            let ways = waypoint_list(&rest[i + m.len()..]);
            if !dest.is_empty() && !ways.is_empty() {
                return (Some(dest), ways);
            }
        }
    }
    (Some(rest), Vec::new())
}

/// Places in a route ("the day room and the dining room"), without a reason said after them
/// ("so you can check the door's shut").
fn waypoint_list(text: &str) -> Vec<&str> {
    let text = [
        " so ",
        " to check",
        " to see",
        " because ",
        " as ",
        ", ",
        " and then ",
    ]
    .iter()
    .filter_map(|m| text.find(m))
    .min()
    .map_or(text, |i| &text[..i]);
    text.split(" and ")
        .flat_map(|p| p.split(" then "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// A go's target without the person to meet there ("them where visitors sign in" ->
/// "where visitors sign in", "the courier at the dock" -> "the dock").
pub(super) fn strip_met(target: &str) -> &str {
    for who in [
        "them",
        "him",
        "her",
        "us",
        "it",
        "everyone",
        "the visitor",
        "the visitors",
        "my visitor",
        "the guest",
        "the guests",
        "the courier",
        "the driver",
        "the truck",
        "the patient",
        "the doctor",
        "the delivery",
    ] {
        if let Some(rest) = after(target, who) {
            let rest = ["at", "in", "by", "near", "outside"]
                .iter()
                .find_map(|p| after(rest, p))
                .unwrap_or(rest);
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    target
}

pub(super) fn contains_phrase(text: &str, phrase: &str) -> bool {
    let t = format!(" {text} ");
    t.contains(&format!(" {phrase} "))
}

/// A duration at the end of a go ("for 10 seconds", "and wait 10 s") split off.
pub(super) fn split_duration(rest: &str) -> (&str, Option<f64>) {
    for marker in [
        " and wait there for ",
        " and wait for ",
        " and wait there ",
        " and wait ",
        " and stay there for ",
        " and stay for ",
        " and stay ",
        " for ",
    ] {
        if let Some(i) = rest.rfind(marker) {
            let tail = &rest[i + marker.len()..];
            if let Some(s) = duration(&words(tail)) {
                return (rest[..i].trim(), Some(s));
            }
        }
    }
    (rest, None)
}

/// Seconds said in `ws` ("10 seconds", "half a minute", "a moment"), if any.
pub fn duration(ws: &[String]) -> Option<f64> {
    for i in 0..ws.len() {
        if let Some((v, n)) = number_at(ws, i) {
            let unit = ws.get(i + n).map(String::as_str).unwrap_or("");
            let factor = match unit {
                "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
                "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
                "h" | "hr" | "hour" | "hours" => 3600.0,
                "ms" | "millisecond" | "milliseconds" => 0.001,
                // A bare number is seconds only where a time is said ("wait 10"), not a
                // place's number ("wait outside room 8").
                "" if ws.len() == i + n
                    && (i == 0
                        || matches!(
                            ws[i - 1].as_str(),
                            "for" | "wait" | "another" | "about" | "around" | "roughly" | "stay"
                        )) =>
                {
                    1.0
                }
                _ => continue,
            };
            return Some(v * factor);
        }
        match ws[i].as_str() {
            "moment" | "mo" | "jiffy" | "tick" | "sec" | "second" => return Some(3.0),
            "minute" | "min" => return Some(60.0),
            "while" | "bit" => return Some(10.0),
            _ => {}
        }
    }
    None
}

/// The things a question asks the seen colours of ("what colour kettlebells have you seen",
/// "which colours of crate have you come across today"), if it is one.
fn colours_seen(t: &str) -> Option<&str> {
    let rest = [
        "what colours of ",
        "what colors of ",
        "which colours of ",
        "which colors of ",
        "what colour of ",
        "what color of ",
        "what colours ",
        "what colors ",
        "which colours ",
        "which colors ",
        "what colour ",
        "what color ",
        "which colour ",
        "which color ",
    ]
    .iter()
    .find_map(|p| t.strip_prefix(p))?;
    let cut = [
        " have you ",
        " did you ",
        " you've ",
        " you have ",
        " has anyone ",
        " have we ",
    ]
    .iter()
    .filter_map(|m| rest.find(m))
    .min()?;
    let thing = rest[..cut].trim();
    // "what colour is it", "what colour was the mug": the questions of one thing.
    let verb = thing.split(' ').next().unwrap_or_default();
    (!thing.is_empty() && !matches!(verb, "is" | "was" | "are" | "were" | "did" | "'s"))
        .then_some(thing)
}

/// A wait's seconds (5 when none is said) and the place it is to happen in, if named.
pub(super) fn read_wait(rest: &str) -> (f64, Option<String>) {
    let ws = words(rest);
    let seconds = duration(&ws).unwrap_or(5.0);
    // "wait just outside room 8", "stay just inside the door": by a place's door.
    if [
        "just inside",
        "just outside",
        "inside the door",
        "outside the door",
        "right outside",
        "outside ",
    ]
    .iter()
    .any(|d| rest.starts_with(d))
        // "wait inside the studio A doors"
        || (rest.starts_with("inside ")
            && [" door", " doors", " doorway"]
                .iter()
                .any(|d| rest[..rest.find(" for ").unwrap_or(rest.len())].ends_with(d)))
    {
        let cut = rest.find(" for ").unwrap_or(rest.len());
        let said = rest[..cut].trim();
        // "wait outside for five minutes": outside, with no place said, is where it is.
        if !matches!(said, "outside" | "just outside" | "right outside") {
            return (seconds, Some(said.to_owned()));
        }
    }
    // "wait where they eat": a place said by what is done there.
    if let Some(w) = rest
        .find("where ")
        .filter(|i| *i == 0 || rest[..*i].ends_with(' '))
    {
        let said = &rest[w..];
        let cut = said.find(" for ").unwrap_or(said.len());
        let said = said[..cut].trim();
        // "wait where you are", "wait where I can see you": stay put.
        let stay = [
            "where you are",
            "where you're",
            "where you stand",
            "where i can see",
            "where we can see",
            "where it is",
        ]
        .iter()
        .any(|s| said.starts_with(s));
        if said.split(' ').count() >= 3 && !stay {
            return (seconds, Some(said.to_owned()));
        }
    }
    let place = [
        "in the ",
        "at the ",
        "by the ",
        "next to the ",
        "inside the ",
    ]
    .iter()
    .find_map(|p| rest.find(p).map(|i| &rest[i + p.len()..]))
    .map(|p| {
        let cut = p.find(" for ").unwrap_or(p.len());
        p[..cut].trim().to_owned()
    })
    .filter(|p| !p.is_empty() && duration(&words(p)).is_none());
    (seconds, place)
}

/// "I'm thirsty", "I need to print something", "I need a pen", "time to sleep".
pub(super) fn read_need(t: &str) -> Option<Frame> {
    let (_, rest) = longest(t, NEED)?;
    (!rest.is_empty()).then(|| Frame::Need(rest.to_owned()))
}

/// Verbs of moving a vehicle or a thing on wheels along: with a thing after them they ask to
/// move it, which the robot cannot ("drive the hatchback round to the wash bay", "wheel the
/// bed into bay A"); alone they are ways of going ("drive to the lab").
const MOVING_A_THING: &[&str] = &[
    "drive", "push", "wheel", "steer", "tow", "park", "pull", "roll", "shunt", "reverse",
];

/// Words of a way along, not a thing moved ("drive the long way round", "push on through
/// the corridor").
const WAYS: &[&str] = &[
    "way",
    "route",
    "path",
    "corridor",
    "hallway",
    "hall",
    "passage",
    "aisle",
    "ramp",
    "stairs",
    "shortcut",
    "road",
    "walkway",
    "gangway",
    "loop",
    "circuit",
    "lap",
    "perimeter",
];

/// "drive the silver hatchback round to the wash bay": the verb and the thing it would move,
/// when the words say to move a thing.
fn moves_a_thing(t: &str) -> Option<String> {
    let words: Vec<&str> = t.split(' ').collect();
    let verb = *words.first()?;
    if !MOVING_A_THING.contains(&verb) {
        return None;
    }
    let article = *words.get(1)?;
    if !matches!(
        article,
        "the"
            | "a"
            | "an"
            | "my"
            | "your"
            | "his"
            | "her"
            | "our"
            | "their"
            | "this"
            | "that"
            | "these"
            | "those"
    ) {
        return None;
    }
    // The thing: up to where it is taken, or where it is.
    let thing: Vec<&str> = words[2..]
        .iter()
        .take_while(|w| {
            !matches!(
                **w,
                "to" | "into"
                    | "round"
                    | "around"
                    | "over"
                    | "back"
                    | "onto"
                    | "out"
                    | "up"
                    | "down"
                    | "in"
                    | "on"
                    | "at"
                    | "from"
                    | "off"
                    | "across"
                    | "through"
                    | "and"
                    | "then"
                    | "so"
                    | "for"
            )
        })
        .copied()
        .collect();
    if thing.is_empty() || thing.iter().any(|w| WAYS.contains(w)) {
        return None;
    }
    Some(format!("{verb} the {}", thing.join(" ")))
}

/// Where a place beyond the building is said to be ("the petrol station across the road",
/// "the shop down the street", "into town"): off the map the robot is allowed to drive on.
const OFF_SITE: &[&str] = &[
    "across the road",
    "across the street",
    "over the road",
    "over the street",
    "down the road",
    "up the road",
    "down the street",
    "up the street",
    "into town",
    "in town",
    "off site",
    "off-site",
];
